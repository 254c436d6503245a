//! The output formats of `coe check`: text lines, a JSON array, and GitHub Actions
//! annotations, plus the summary line.

use std::fmt::Write as _;

use super::{Counts, Finding, Severity};
use crate::coe::plural;
use crate::ui::{paint, style};

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

/// One line per finding: `path:line: severity[rule]: message (field.path)`. The severity
/// is coloured; colour is stripped later when the output is not a terminal.
pub fn text(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let line = f.line.map(|l| format!(":{l}")).unwrap_or_default();
        let style = match f.severity {
            Severity::Error => style::ERROR,
            Severity::Warning => style::WARNING,
            Severity::Note => style::DIM,
        };
        let label = paint(
            style,
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

/// The findings as a pretty-printed JSON array.
pub fn json(findings: &[Finding]) -> serde_json::Result<String> {
    crate::ui::json(&findings)
}

/// GitHub Actions workflow commands: `::error file=F,line=L,title=coe RULE::MESSAGE`.
/// `path_prefix` is the COE repository's place in the git work tree (`""` or `ops/`), as
/// GitHub resolves annotation paths from the work-tree root.
pub fn github(findings: &[Finding], path_prefix: &str) -> String {
    let mut out = String::new();
    for f in findings {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
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

    #[test]
    fn github_escapes_properties_and_data() {
        assert_eq!(
            github(&[finding()], "ops/"),
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
