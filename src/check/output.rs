//! The output formats of `coe check`: text lines, a JSON array, and GitHub Actions
//! annotations (with a job summary), plus the summary lines.
//!
//! Text and annotations are for people: errors come first, and a rule whose warnings (or
//! notes) repeat more than a limit is shown as one line with the count and the first few
//! files ([`arrange`]), so the errors that fail the build are never buried. JSON is for
//! scripts and always has every finding.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Counts, Finding, Rule, Severity};
use crate::model::plural;
use crate::output::ui::{paint, style};

/// `--format`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `path:line: severity[rule]: message (field)`, one finding per line
    #[default]
    Text,
    /// A JSON array of findings: file, id, rule, severity, message, field, line
    Json,
    /// GitHub Actions annotations (`::error file=...,line=...::message`)
    Github,
}

/// The warnings or notes of one rule, shown as one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collapsed<'a> {
    /// The rule.
    pub rule: Rule,
    /// Warning or note.
    pub severity: Severity,
    /// Every finding of the group, in order.
    pub findings: Vec<&'a Finding>,
}

impl Collapsed<'_> {
    /// How many files the group's findings are in.
    pub fn files(&self) -> usize {
        let mut files: Vec<&str> = self.findings.iter().map(|f| f.file.as_str()).collect();
        files.dedup();
        files.sort_unstable();
        files.dedup();
        files.len()
    }

    /// The first few places (`coes/a.yaml:12`), for the reader to start with.
    pub fn examples(&self) -> String {
        let places: Vec<String> = self
            .findings
            .iter()
            .take(EXAMPLES)
            .map(|f| match f.line {
                Some(line) => format!("{}:{line}", f.file),
                None => f.file.clone(),
            })
            .collect();
        let more = if self.findings.len() > EXAMPLES {
            ", ..."
        } else {
            ""
        };
        format!("{}{more}", places.join(", "))
    }

    /// The one line's message: the count, where, and the first message as an example.
    pub fn message(&self) -> String {
        let first = self
            .findings
            .first()
            .map(|f| f.message.as_str())
            .unwrap_or_default();
        format!(
            "{} in {} ({}), such as: {first}; --all-findings shows each one",
            plural(self.findings.len(), "finding", "findings"),
            plural(self.files(), "file", "files"),
            self.examples()
        )
    }
}

/// How many places a collapsed line names.
const EXAMPLES: usize = 3;

/// One line of output: a finding, or a collapsed group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item<'a> {
    /// One finding.
    One(&'a Finding),
    /// A rule's warnings or notes, collapsed.
    Many(Collapsed<'a>),
}

/// The lines to show for `findings` (already sorted, errors first): every error, and the
/// warnings and notes of each rule, collapsed into one line where a rule has more than
/// `limit` of one severity. `None` shows every finding (`--all-findings`).
pub fn arrange(findings: &[Finding], limit: Option<usize>) -> Vec<Item<'_>> {
    let mut groups: BTreeMap<(Severity, Rule), Vec<&Finding>> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.severity != Severity::Error) {
        groups.entry((f.severity, f.rule)).or_default().push(f);
    }
    let mut items = Vec::new();
    for f in findings {
        let key = (f.severity, f.rule);
        match (limit, groups.get(&key)) {
            (Some(limit), Some(group)) if group.len() > limit => {
                // The group's line goes where its first finding would have been.
                if std::ptr::eq(group[0], f) {
                    items.push(Item::Many(Collapsed {
                        rule: f.rule,
                        severity: f.severity,
                        findings: group.clone(),
                    }));
                }
            }
            _ => items.push(Item::One(f)),
        }
    }
    items
}

/// One line per finding: `path:line: severity[rule]: message (field.path)`, and one line
/// per collapsed group: `severity[rule]: N findings in M files (...)`. The severity is
/// coloured; colour is stripped later when the output is not a terminal.
pub fn text(items: &[Item<'_>]) -> String {
    let mut out = String::new();
    for item in items {
        let f = match item {
            Item::One(f) => *f,
            Item::Many(group) => {
                let label = paint(
                    severity_style(group.severity),
                    format!("{}[{}]", group.severity.as_str(), group.rule.as_str()),
                );
                let _ = writeln!(out, "{label}: {}", group.message());
                continue;
            }
        };
        let line = f.line.map(|l| format!(":{l}")).unwrap_or_default();
        let label = paint(
            severity_style(f.severity),
            format!("{}[{}]", f.severity.as_str(), f.rule.as_str()),
        );
        let field = f
            .field
            .as_deref()
            .map(|field| format!(" ({field})"))
            .unwrap_or_default();
        let _ = writeln!(out, "{}{line}: {label}: {}{field}", f.file, f.message);
    }
    out
}

fn severity_style(severity: Severity) -> anstyle::Style {
    match severity {
        Severity::Error => style::ERROR,
        Severity::Warning => style::WARNING,
        Severity::Note => style::DIM,
    }
}

/// The findings as a pretty-printed JSON array.
pub fn json(findings: &[Finding]) -> serde_json::Result<String> {
    crate::output::ui::json(&findings)
}

/// GitHub Actions workflow commands: `::error file=F,line=L,title=coe RULE::MESSAGE`.
/// `path_prefix` is the COE repository's place in the git work tree (`""` or `ops/`), as
/// GitHub resolves annotation paths from the work-tree root.
pub fn github(items: &[Item<'_>], path_prefix: &str) -> String {
    let mut out = String::new();
    for item in items {
        let f = match item {
            Item::One(f) => *f,
            Item::Many(group) => {
                let _ = writeln!(
                    out,
                    "::{} title={}::{}",
                    annotation(group.severity),
                    escape_property(&format!("coe {}", group.rule.as_str())),
                    escape_data(&group.message())
                );
                continue;
            }
        };
        let command = annotation(f.severity);
        let file = if f.file.starts_with('/') {
            f.file.clone()
        } else {
            format!("{path_prefix}{}", f.file)
        };
        let mut properties = format!("file={}", escape_property(&file));
        if let Some(line) = f.line {
            let _ = write!(properties, ",line={line}");
        }
        let _ = write!(
            properties,
            ",title={}",
            escape_property(&format!("coe {}", f.rule.as_str()))
        );
        let field = f
            .field
            .as_deref()
            .map(|field| format!(" ({field})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "::{command} {properties}::{}",
            escape_data(&format!("{}{field}", f.message))
        );
    }
    out
}

fn annotation(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

/// Escapes an annotation's message (GitHub's `escapeData`).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes an annotation property (GitHub's `escapeProperty`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `checked 12 COEs: 2 errors, 3 warnings` (and the incidents and notes when there are any).
pub fn summary(files: usize, incidents: Option<usize>, counts: Counts) -> String {
    let mut out = format!("checked {}", plural(files, "COE", "COEs"));
    if let Some(n) = incidents {
        let _ = write!(
            out,
            " and {}",
            plural(n, "listed incident", "listed incidents")
        );
    }
    let errors = plural(counts.errors, "error", "errors");
    let warnings = plural(counts.warnings, "warning", "warnings");
    let _ = write!(
        out,
        ": {}, {}",
        if counts.errors > 0 {
            paint(style::ERROR, errors)
        } else {
            errors
        },
        if counts.warnings > 0 {
            paint(style::WARNING, warnings)
        } else {
            warnings
        }
    );
    if counts.notes > 0 {
        let _ = write!(out, ", {}", plural(counts.notes, "note", "notes"));
    }
    out
}

/// The closing summary per rule: one line per severity that has findings,
/// `errors: incomplete 12, missing-coe 3`.
pub fn by_rule(findings: &[Finding]) -> String {
    let mut counts: BTreeMap<(std::cmp::Reverse<Severity>, Rule), usize> = BTreeMap::new();
    for f in findings {
        *counts
            .entry((std::cmp::Reverse(f.severity), f.rule))
            .or_default() += 1;
    }
    let mut out = String::new();
    for severity in [Severity::Error, Severity::Warning, Severity::Note] {
        let parts: Vec<String> = counts
            .iter()
            .filter(|((s, _), _)| s.0 == severity)
            .map(|((_, rule), n)| format!("{} {n}", rule.as_str()))
            .collect();
        if !parts.is_empty() {
            let label = match severity {
                Severity::Error => "errors",
                Severity::Warning => "warnings",
                Severity::Note => "notes",
            };
            let _ = writeln!(out, "{label} by rule: {}", parts.join(", "));
        }
    }
    out
}

/// The job summary for `$GITHUB_STEP_SUMMARY`: the counts per rule, and a table of the
/// errors (the first `MAX_ROWS`), in GitHub-flavoured Markdown.
pub fn job_summary(findings: &[Finding], summary: &str) -> String {
    const MAX_ROWS: usize = 50;
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut out = format!("## coe check\n\n{}\n\n", cell(summary));
    if findings.is_empty() {
        out.push_str("No findings.\n");
        return out;
    }
    let mut counts: BTreeMap<Rule, [usize; 3]> = BTreeMap::new();
    for f in findings {
        let column = match f.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Note => 2,
        };
        counts.entry(f.rule).or_default()[column] += 1;
    }
    out.push_str("| rule | errors | warnings | notes |\n| --- | ---: | ---: | ---: |\n");
    for (rule, [e, w, n]) in &counts {
        let _ = writeln!(out, "| `{}` | {e} | {w} | {n} |", rule.as_str());
    }
    let errors: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    if !errors.is_empty() {
        out.push_str("\n### Errors\n\n| file | rule | message |\n| --- | --- | --- |\n");
        for f in errors.iter().take(MAX_ROWS) {
            let place = match f.line {
                Some(line) => format!("{}:{line}", f.file),
                None => f.file.clone(),
            };
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {} |",
                cell(&place),
                f.rule.as_str(),
                cell(&f.message)
            );
        }
        if errors.len() > MAX_ROWS {
            let _ = writeln!(
                out,
                "\n... and {} more; run `coe check` for every one.",
                plural(errors.len() - MAX_ROWS, "error", "errors")
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Rule;

    fn finding() -> Finding {
        Finding {
            file: "coes/a,b.yaml".into(),
            id: Some("x".into()),
            rule: Rule::Incomplete,
            severity: Severity::Error,
            message: "100% wrong:\nreally".into(),
            field: Some("root_cause.whys".into()),
            line: Some(3),
        }
    }

    fn warning(file: &str, rule: Rule) -> Finding {
        Finding {
            file: file.into(),
            id: None,
            rule,
            severity: Severity::Warning,
            message: "late".into(),
            field: None,
            line: Some(4),
        }
    }

    #[test]
    fn repeated_warnings_collapse_and_errors_never_do() {
        let mut error = finding();
        error.message = "missing".into();
        let mut findings = vec![error.clone(), error.clone(), error];
        for i in 0..5 {
            findings.push(warning(&format!("coes/{i}.yaml"), Rule::OverdueAction));
        }
        findings.push(warning("coes/9.yaml", Rule::Blame));
        let items = arrange(&findings, Some(4));
        assert_eq!(items.len(), 5, "{items:#?}");
        let text = anstream::adapter::strip_str(&text(&items)).to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[..3].iter().all(|l| l.contains("error[incomplete]")));
        assert_eq!(
            lines[3],
            "warning[overdue-action]: 5 findings in 5 files (coes/0.yaml:4, coes/1.yaml:4, \
             coes/2.yaml:4, ...), such as: late; --all-findings shows each one"
        );
        assert_eq!(lines[4], "coes/9.yaml:4: warning[blame]: late");
        assert_eq!(arrange(&findings, None).len(), findings.len());
        assert_eq!(arrange(&findings, Some(5)).len(), findings.len());
    }

    #[test]
    fn per_rule_summary_and_job_summary() {
        let findings = vec![
            finding(),
            warning("coes/a.yaml", Rule::Blame),
            warning("coes/b|c.yaml", Rule::Blame),
        ];
        assert_eq!(
            by_rule(&findings),
            "errors by rule: incomplete 1\nwarnings by rule: blame 2\n"
        );
        let md = job_summary(&findings, "checked 2 COEs: 1 error, 2 warnings");
        assert!(md.contains("| `blame` | 0 | 2 | 0 |"), "{md}");
        assert!(
            md.contains("| `coes/a,b.yaml:3` | `incomplete` | 100% wrong: really |"),
            "{md}"
        );
    }

    #[test]
    fn github_escapes_properties_and_data() {
        assert_eq!(
            github(&[Item::One(&finding())], "ops/"),
            "::error file=ops/coes/a%2Cb.yaml,line=3,title=coe incomplete::100%25 wrong:%0Areally (root_cause.whys)\n"
        );
    }

    #[test]
    fn summary_counts_with_plurals() {
        let counts = Counts {
            errors: 1,
            warnings: 0,
            notes: 2,
        };
        let text = anstream::adapter::strip_str(&summary(1, Some(3), counts)).to_string();
        assert_eq!(
            text,
            "checked 1 COE and 3 listed incidents: 1 error, 0 warnings, 2 notes"
        );
    }
}
