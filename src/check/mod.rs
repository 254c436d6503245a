//! The rules behind `coe check` and their output formats.
//!
//! The rules in [`rules`] are pure functions over one parsed COE; [`check_files`] runs them
//! over many files in parallel (reading each file once, keeping its text only long enough
//! to give findings a line number) and [`duplicate_ids`] and [`missing_coes`] look across
//! files. [`output`] renders findings as text, JSON or GitHub annotations.

pub mod blame;
pub mod incidents;
pub mod lines;
pub mod output;
pub mod rules;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use crate::config::Repo;
use crate::{format, store};

use self::lines::LineIndex;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails the check, not even with `--strict`.
    Note,
    /// Fails the check only with `--strict`.
    Warning,
    /// Fails the check.
    Error,
}

impl Severity {
    /// The name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A rule of `coe check`. The names are stable: CI configurations and scripts match on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// The file cannot be read or parsed.
    Parse,
    /// The id is not `YYYY-MM-DD-slug`.
    Id,
    /// The file name is not `<id>.yaml`.
    FileName,
    /// Two files have the same id.
    DuplicateId,
    /// Two corrective actions of one COE have the same id.
    DuplicateActionId,
    /// The incident's times are out of order.
    IncidentTimes,
    /// The timeline is out of time order.
    TimelineOrder,
    /// The severity is not a configured one.
    Severity,
    /// The root-cause category is not a configured one.
    Category,
    /// A question is unanswered.
    Incomplete,
    /// Blame language.
    Blame,
    /// Fewer whys than `min_whys`.
    Whys,
    /// An open corrective action is past its due date.
    OverdueAction,
    /// A corrective action is done but has no `done:` date.
    DoneDate,
    /// The security implications are not stated.
    Security,
    /// A listed incident has no COE.
    MissingCoe,
    /// A list item (timeline entry, why, data entry, lesson, corrective action) with no text.
    EmptyItem,
    /// A `link:` that is neither an http(s) URL nor a repository path.
    Link,
}

impl Rule {
    /// Every rule, in the order the README lists them.
    pub const ALL: [Rule; 18] = [
        Rule::Parse,
        Rule::Id,
        Rule::FileName,
        Rule::DuplicateId,
        Rule::DuplicateActionId,
        Rule::IncidentTimes,
        Rule::TimelineOrder,
        Rule::Severity,
        Rule::Category,
        Rule::Incomplete,
        Rule::Blame,
        Rule::Whys,
        Rule::OverdueAction,
        Rule::DoneDate,
        Rule::Security,
        Rule::MissingCoe,
        Rule::EmptyItem,
        Rule::Link,
    ];

    /// The stable name printed in findings (`error[incomplete]`).
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Parse => "parse",
            Rule::Id => "id",
            Rule::FileName => "file-name",
            Rule::DuplicateId => "duplicate-id",
            Rule::DuplicateActionId => "duplicate-action-id",
            Rule::IncidentTimes => "incident-times",
            Rule::TimelineOrder => "timeline-order",
            Rule::Severity => "severity",
            Rule::Category => "category",
            Rule::Incomplete => "incomplete",
            Rule::Blame => "blame",
            Rule::Whys => "whys",
            Rule::OverdueAction => "overdue-action",
            Rule::DoneDate => "done-date",
            Rule::Security => "security",
            Rule::MissingCoe => "missing-coe",
            Rule::EmptyItem => "empty-item",
            Rule::Link => "link",
        }
    }
}

/// One problem found by `coe check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The file, relative to the repository root (absolute when outside it).
    pub file: String,
    /// The COE's id, when the file could be parsed.
    pub id: Option<String>,
    /// The rule that found it.
    pub rule: Rule,
    /// How much it matters.
    pub severity: Severity,
    /// What is wrong, and how to fix it, in a sentence.
    pub message: String,
    /// The dotted path of the field, where there is one (`corrective_actions[0].due`).
    pub field: Option<String>,
    /// The 1-based line in the file, where known.
    pub line: Option<usize>,
}

/// What one COE file contributes to the checks that look across files.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The file.
    pub path: PathBuf,
    /// Its path as shown in findings.
    pub display: String,
    /// Its id and incident ref, when it parsed.
    pub keys: Option<Keys>,
    /// What the per-file rules found, with line numbers.
    pub findings: Vec<Finding>,
}

/// The parts of a COE that other files and the incident list refer to.
#[derive(Debug, Clone)]
pub struct Keys {
    /// The COE's id.
    pub id: String,
    /// The incident's id in the paging or ticket system.
    pub incident_ref: Option<String>,
    /// The line of the top-level `id:` key.
    pub id_line: Option<usize>,
}

/// Reads, parses and checks each file, in parallel, keeping the order of `paths`.
pub fn check_files(paths: &[PathBuf], repo: &Repo, today: Date) -> Vec<Checked> {
    let rules = rules::Rules::new(&repo.config, today);
    paths
        .par_iter()
        .map(|path| check_file(path, repo, &rules))
        .collect()
}

fn check_file(path: &Path, repo: &Repo, rules: &rules::Rules) -> Checked {
    let display = display_path(repo, path);
    let text = match store::read_text(path) {
        Ok(text) => text,
        Err(e) => {
            let finding = parse_finding(
                &display,
                e.to_string(),
                e.field().map(String::from),
                e.line(),
            );
            return Checked {
                path: path.to_path_buf(),
                display,
                keys: None,
                findings: vec![finding],
            };
        }
    };
    let coe = match format::parse(&text) {
        Ok(coe) => coe,
        Err(e) => {
            let line = e.line.or_else(|| {
                e.field
                    .as_deref()
                    .and_then(|f| LineIndex::new(&text).line_of(f))
            });
            let finding = parse_finding(&display, e.message, e.field, line);
            return Checked {
                path: path.to_path_buf(),
                display,
                keys: None,
                findings: vec![finding],
            };
        }
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let issues = rules.check(&coe, &file_name);
    let index = (!issues.is_empty()).then(|| LineIndex::new(&text));
    let findings = issues
        .into_iter()
        .map(|issue| {
            let line = match (&index, &issue.field) {
                (Some(index), Some(field)) => match &issue.needle {
                    Some(needle) => index.line_containing(field, needle),
                    None => index.line_of(field),
                },
                _ => None,
            };
            Finding {
                file: display.clone(),
                id: Some(coe.id.clone()),
                rule: issue.rule,
                severity: issue.severity,
                message: issue.message,
                field: issue.field,
                line,
            }
        })
        .collect();
    Checked {
        path: path.to_path_buf(),
        display,
        keys: Some(Keys {
            id_line: lines::top_level_key_line(&text, "id"),
            id: coe.id,
            incident_ref: coe.incident_ref,
        }),
        findings,
    }
}

fn parse_finding(
    display: &str,
    message: String,
    field: Option<String>,
    line: Option<usize>,
) -> Finding {
    Finding {
        file: display.to_string(),
        id: None,
        rule: Rule::Parse,
        severity: Severity::Error,
        message,
        field,
        line,
    }
}

/// A path as findings show it: relative to the repository root, or as given when outside.
pub fn display_path(repo: &Repo, path: &Path) -> String {
    repo.relative(path).display().to_string()
}

/// One `duplicate-id` error per file whose id another checked file also has, naming the
/// others.
pub fn duplicate_ids(checked: &[Checked]) -> Vec<Finding> {
    let mut by_id: BTreeMap<&str, Vec<&Checked>> = BTreeMap::new();
    for c in checked {
        if let Some(keys) = &c.keys {
            by_id.entry(keys.id.as_str()).or_default().push(c);
        }
    }
    let mut findings = Vec::new();
    for (id, files) in by_id.into_iter().filter(|(_, files)| files.len() > 1) {
        for c in &files {
            let others: Vec<&str> = files
                .iter()
                .filter(|o| o.path != c.path)
                .map(|o| o.display.as_str())
                .collect();
            findings.push(Finding {
                file: c.display.clone(),
                id: Some(id.to_string()),
                rule: Rule::DuplicateId,
                severity: Severity::Error,
                message: format!(
                    "the id `{id}` is also used by {}; every COE needs its own id",
                    others.join(", ")
                ),
                field: Some("id".into()),
                line: c.keys.as_ref().and_then(|k| k.id_line),
            });
        }
    }
    findings
}

/// One `missing-coe` error per listed incident that no COE covers: no COE has it as its
/// `incident_ref` or its `id`.
pub fn missing_coes<'a>(
    list_display: &str,
    listed: &[incidents::Incident],
    covered: impl IntoIterator<Item = &'a str>,
) -> Vec<Finding> {
    let covered: HashSet<&str> = covered.into_iter().collect();
    listed
        .iter()
        .filter(|incident| !covered.contains(incident.reference.as_str()))
        .map(|incident| {
            let reference = &incident.reference;
            Finding {
                file: list_display.to_string(),
                id: None,
                rule: Rule::MissingCoe,
                severity: Severity::Error,
                message: format!(
                    "incident {reference} has no COE: no COE has `incident_ref: {reference}` or \
                     that id; write one with `coe new --incident-ref {}`",
                    shell_word(reference)
                ),
                field: None,
                line: incident.line,
            }
        })
        .collect()
}

/// A word as typed in a POSIX shell: quoted when it holds anything but safe characters.
fn shell_word(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./:@+=,".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// The references (ids and incident refs) of the COEs that parsed.
pub fn covered_refs(checked: &[Checked]) -> impl Iterator<Item = &str> {
    checked
        .iter()
        .filter_map(|c| c.keys.as_ref())
        .flat_map(|k| std::iter::once(k.id.as_str()).chain(k.incident_ref.as_deref()))
}

/// `--strict`: every warning becomes an error.
pub fn make_strict(findings: &mut [Finding]) {
    for f in findings {
        if f.severity == Severity::Warning {
            f.severity = Severity::Error;
        }
    }
}

/// Findings in reading order: by file, then line (file-wide findings first), then rule.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.file, a.line.unwrap_or(0), a.rule, &a.field).cmp(&(
            &b.file,
            b.line.unwrap_or(0),
            b.rule,
            &b.field,
        ))
    });
}

/// How many findings of each severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Errors: the check fails when there is at least one.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Notes.
    pub notes: usize,
}

impl Counts {
    /// Counts findings by severity.
    pub fn of(findings: &[Finding]) -> Counts {
        let mut counts = Counts::default();
        for f in findings {
            match f.severity {
                Severity::Error => counts.errors += 1,
                Severity::Warning => counts.warnings += 1,
                Severity::Note => counts.notes += 1,
            }
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(file: &str, id: &str, incident_ref: Option<&str>) -> Checked {
        Checked {
            path: PathBuf::from(file),
            display: file.into(),
            keys: Some(Keys {
                id: id.into(),
                incident_ref: incident_ref.map(String::from),
                id_line: Some(2),
            }),
            findings: Vec::new(),
        }
    }

    #[test]
    fn duplicates_name_the_other_files() {
        let all = [
            checked("coes/a.yaml", "x", None),
            checked("coes/b.yaml", "y", None),
            checked("coes/c.yaml", "x", None),
        ];
        let found = duplicate_ids(&all);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].file, "coes/a.yaml");
        assert!(found[0].message.contains("also used by coes/c.yaml"));
        assert_eq!(found[1].line, Some(2));
    }

    #[test]
    fn incidents_are_covered_by_ref_or_id() {
        let all = [
            checked("coes/a.yaml", "2026-11-22-a", Some("PD-1")),
            checked("coes/b.yaml", "2026-11-23-b", None),
        ];
        let listed: Vec<incidents::Incident> = ["PD-1", "2026-11-23-b", "INC 7"]
            .iter()
            .enumerate()
            .map(|(i, r)| incidents::Incident {
                reference: r.to_string(),
                line: Some(i + 1),
            })
            .collect();
        let found = missing_coes("list.txt", &listed, covered_refs(&all));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line, Some(3));
        assert!(
            found[0]
                .message
                .ends_with("`coe new --incident-ref 'INC 7'`"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn shell_words() {
        assert_eq!(shell_word("PD-48213"), "PD-48213");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word(""), "''");
    }
}
