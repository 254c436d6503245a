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
    /// One file's findings of one rule that share a one-line summary (the `incomplete`
    /// errors of a COE: one line listing every unanswered question), at the place of the
    /// first.
    Merged {
        /// The first finding: its file, line, rule and severity are the line's.
        first: &'a Finding,
        /// The line's message.
        summary: &'a str,
        /// How many findings the line stands for.
        count: usize,
    },
}

/// The lines to show for `findings` (already sorted, errors first): every error, and the
/// warnings and notes of each rule, collapsed into one line where a rule has more than
/// `limit` of one severity. `None` shows every finding (`--all-findings`).
pub fn arrange(findings: &[Finding], limit: Option<usize>) -> Vec<Item<'_>> {
    let mut groups: BTreeMap<(Severity, Rule), Vec<&Finding>> = BTreeMap::new();
    for f in findings
        .iter()
        .filter(|f| f.severity != Severity::Error && (limit.is_none() || f.summary.is_none()))
    {
        groups.entry((f.severity, f.rule)).or_default().push(f);
    }
    // One file's findings of one rule with a shared summary merge into one line.
    let mut merged: BTreeMap<(&str, Rule), usize> = BTreeMap::new();
    if limit.is_some() {
        for f in findings.iter().filter(|f| f.summary.is_some()) {
            *merged.entry((f.file.as_str(), f.rule)).or_default() += 1;
        }
    }
    let mut items = Vec::new();
    for f in findings {
        if let (Some(summary), Some(count)) =
            (&f.summary, merged.remove(&(f.file.as_str(), f.rule)))
        {
            items.push(Item::Merged {
                first: f,
                summary,
                count,
            });
            continue;
        }
        if f.summary.is_some() && limit.is_some() {
            // Already stands in its file's merged line.
            continue;
        }
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
            Item::Merged { first, summary, .. } => {
                let line = first.line.map(|l| format!(":{l}")).unwrap_or_default();
                let label = paint(
                    severity_style(first.severity),
                    format!("{}[{}]", first.severity.as_str(), first.rule.as_str()),
                );
                let _ = writeln!(out, "{}{line}: {label}: {summary}", first.file);
                continue;
            }
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

/// How many annotations of one kind (error, warning, notice) GitHub shows for one step;
/// it drops the rest.
pub const ANNOTATIONS_PER_STEP: usize = 10;

/// GitHub Actions workflow commands: `::error file=F,line=L,title=coe RULE::MESSAGE`,
/// at most [`ANNOTATIONS_PER_STEP`] of each kind (`items` come errors first). Returns the
/// commands and how many items were left out (the job summary says so).
/// `path_prefix` is the COE repository's place in the git work tree (`""` or `ops/`), as
/// GitHub resolves annotation paths from the work-tree root.
pub fn github(items: &[Item<'_>], path_prefix: &str) -> (String, usize) {
    let mut out = String::new();
    let mut shown: BTreeMap<Severity, usize> = BTreeMap::new();
    let mut omitted = 0;
    for item in items {
        let severity = match item {
            Item::One(f) | Item::Merged { first: f, .. } => f.severity,
            Item::Many(group) => group.severity,
        };
        let n = shown.entry(severity).or_default();
        if *n >= ANNOTATIONS_PER_STEP {
            omitted += 1;
            continue;
        }
        *n += 1;
        let (f, message) = match item {
            Item::One(f) => {
                let field = f
                    .field
                    .as_deref()
                    .map(|field| format!(" ({field})"))
                    .unwrap_or_default();
                (*f, format!("{}{field}", f.message))
            }
            Item::Merged { first, summary, .. } => (*first, (*summary).to_string()),
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
        let _ = writeln!(out, "::{command} {properties}::{}", escape_data(&message));
    }
    (out, omitted)
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
pub fn job_summary(findings: &[Finding], summary: &str, omitted: usize) -> String {
    const MAX_ROWS: usize = 50;
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut out = format!("## coe check\n\n{}\n\n", cell(summary));
    if omitted > 0 {
        let _ = writeln!(
            out,
            "GitHub shows at most {ANNOTATIONS_PER_STEP} annotations of each kind per step: \
             {} of findings were not annotated (errors are annotated first); the tables \
             below and `coe check` list them.\n",
            plural(omitted, "line", "lines")
        );
    }
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
    // One row per COE for findings that share a summary, as in the text output.
    let mut seen: std::collections::HashSet<(&str, Rule)> = std::collections::HashSet::new();
    let errors: Vec<(&Finding, &str)> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .filter_map(|f| match &f.summary {
            Some(summary) => seen
                .insert((f.file.as_str(), f.rule))
                .then_some((f, summary.as_str())),
            None => Some((f, f.message.as_str())),
        })
        .collect();
    if !errors.is_empty() {
        out.push_str("\n### Errors\n\n| file | rule | message |\n| --- | --- | --- |\n");
        for (f, message) in errors.iter().take(MAX_ROWS) {
            let place = match f.line {
                Some(line) => format!("{}:{line}", f.file),
                None => f.file.clone(),
            };
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {} |",
                cell(&place),
                f.rule.as_str(),
                cell(message)
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
            summary: None,
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
            summary: None,
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
    fn a_coes_incomplete_errors_are_one_line_unless_all_findings() {
        let mut findings = Vec::new();
        for (file, field, line) in [
            ("coes/a.yaml", "impact.customers", 7),
            ("coes/a.yaml", "root_cause.whys", 12),
            ("coes/b.yaml", "lessons", 20),
        ] {
            let mut f = finding();
            f.file = file.into();
            f.field = Some(field.into());
            f.line = Some(line);
            f.message = format!("{field} needs an answer");
            f.summary = Some(format!("{file} summary"));
            findings.push(f);
        }
        let items = arrange(&findings, Some(20));
        let text = anstream::adapter::strip_str(&text(&items)).to_string();
        assert_eq!(
            text,
            "coes/a.yaml:7: error[incomplete]: coes/a.yaml summary\n\
             coes/b.yaml:20: error[incomplete]: coes/b.yaml summary\n"
        );
        assert_eq!(arrange(&findings, None).len(), 3);
        let md = job_summary(&findings, "checked 2 COEs: 3 errors", 0);
        assert_eq!(md.matches("| `coes/").count(), 2, "{md}");
    }

    #[test]
    fn annotations_stop_at_githubs_limit_per_kind_errors_first() {
        let mut findings: Vec<Finding> = (0..12)
            .map(|i| {
                let mut f = finding();
                f.file = format!("coes/{i:02}.yaml");
                f
            })
            .collect();
        findings.extend((0..3).map(|i| warning(&format!("coes/w{i}.yaml"), Rule::Blame)));
        let (out, omitted) = github(&arrange(&findings, None), "");
        assert_eq!(omitted, 2);
        assert_eq!(out.lines().filter(|l| l.starts_with("::error")).count(), 10);
        assert_eq!(
            out.lines().filter(|l| l.starts_with("::warning")).count(),
            3
        );
        assert!(
            out.contains("coes/09.yaml") && !out.contains("coes/10.yaml"),
            "{out}"
        );
        let md = job_summary(&findings, "checked", omitted);
        assert!(
            md.contains("2 lines of findings were not annotated"),
            "{md}"
        );
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
        let md = job_summary(&findings, "checked 2 COEs: 1 error, 2 warnings", 0);
        assert!(md.contains("| `blame` | 0 | 2 | 0 |"), "{md}");
        assert!(
            md.contains("| `coes/a,b.yaml:3` | `incomplete` | 100% wrong: really |"),
            "{md}"
        );
    }

    #[test]
    fn github_escapes_properties_and_data() {
        assert_eq!(
            github(&[Item::One(&finding())], "ops/").0,
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
