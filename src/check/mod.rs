//! The rules behind `coe check` and their output formats.
//!
//! The rules in [`rules`] are pure functions over one parsed COE; [`check_files`] runs them
//! over many files in parallel (reading each file once, keeping its text only long enough
//! to give findings a line number) and [`duplicate_ids`] and [`missing_coes`] look across
//! files. [`output`] renders findings as text, JSON or GitHub annotations.

pub mod files;
pub mod gate;
pub mod output;
pub mod rules;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use crate::store;
use crate::store::format;
use crate::store::Repo;

use crate::store::lines::{self, LineIndex};

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
    /// Customers were affected but nothing says what was done to make it right for them.
    Remediation,
    /// No corrective action prevents a repeat.
    Prevention,
    /// A closed COE has fewer approvals than its severity needs.
    Approvals,
    /// Two COEs have the same `incident_ref`.
    DuplicateIncidentRef,
    /// A listed incident has no COE.
    MissingCoe,
    /// A list item (timeline entry, why, data entry, lesson, corrective action) with no text.
    EmptyItem,
    /// A `link:` that is neither an http(s) URL nor a repository path.
    Link,
    /// A listed incident's severity maps to no configured severity.
    IncidentSeverity,
    /// A COE's `incident_ref` is not in the incidents export.
    UnlistedIncident,
}

impl Rule {
    /// Every rule, in the order the README lists them.
    pub const ALL: [Rule; 24] = [
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
        Rule::Remediation,
        Rule::Prevention,
        Rule::Approvals,
        Rule::DuplicateIncidentRef,
        Rule::MissingCoe,
        Rule::EmptyItem,
        Rule::Link,
        Rule::IncidentSeverity,
        Rule::UnlistedIncident,
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
            Rule::Remediation => "remediation",
            Rule::Prevention => "prevention",
            Rule::Approvals => "approvals",
            Rule::DuplicateIncidentRef => "duplicate-incident-ref",
            Rule::MissingCoe => "missing-coe",
            Rule::EmptyItem => "empty-item",
            Rule::Link => "link",
            Rule::IncidentSeverity => "incident-severity",
            Rule::UnlistedIncident => "unlisted-incident",
        }
    }
}

/// Said once when there are `done-date` notes: how to fill them all in.
pub const DONE_DATE_HINT: &str =
    "hint: `coe actions done --backfill-from-git` sets every done action's \
     missing `done:` date to the day of the commit that set its `status: done`";

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
    /// The one-line message that stands for all of this file's findings of this rule in
    /// the text and GitHub output (`incomplete`: every unanswered question on one line).
    /// Not in the JSON, which keeps one finding per field.
    #[serde(skip)]
    pub summary: Option<String>,
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
    /// The line of the top-level `incident_ref:` key.
    pub incident_ref_line: Option<usize>,
    /// The day the incident started.
    pub started: Date,
    /// Whether every question is answered.
    pub complete: bool,
}

impl Keys {
    /// The keys of a parsed COE (`text` gives the lines, when at hand).
    pub fn of(
        coe: &crate::model::coe::Coe,
        config: &crate::model::policy::Config,
        text: Option<&str>,
    ) -> Keys {
        Keys {
            id: coe.id.clone(),
            incident_ref: coe
                .incident_ref
                .as_ref()
                .filter(|r| !r.trim().is_empty())
                .cloned(),
            id_line: text.and_then(|t| lines::top_level_key_line(t, "id")),
            incident_ref_line: text.and_then(|t| lines::top_level_key_line(t, "incident_ref")),
            started: coe.incident.started.date(),
            complete: coe.is_complete(config),
        }
    }
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
                field: issue.field.map(|f| rules::display_field(&coe, &f)),
                line,
                summary: issue.summary,
            }
        })
        .collect();
    Checked {
        path: path.to_path_buf(),
        display,
        keys: Some(Keys::of(&coe, &repo.config, Some(&text))),
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
        summary: None,
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
                summary: None,
            });
        }
    }
    findings
}

/// One `duplicate-incident-ref` error per COE whose `incident_ref` another COE also has
/// (a retried pager webhook writing `-2`, `-3` copies), naming the others.
pub fn duplicate_incident_refs(checked: &[Checked]) -> Vec<Finding> {
    let mut by_ref: BTreeMap<String, Vec<(&Checked, &str)>> = BTreeMap::new();
    for c in checked {
        if let Some(reference) = c.keys.as_ref().and_then(|k| k.incident_ref.as_deref()) {
            by_ref
                .entry(crate::vendors::normalize(reference))
                .or_default()
                .push((c, reference));
        }
    }
    let mut findings = Vec::new();
    for files in by_ref.into_values().filter(|files| files.len() > 1) {
        for (c, reference) in &files {
            let others: Vec<&str> = files
                .iter()
                .filter(|(o, _)| o.path != c.path)
                .map(|(o, _)| o.display.as_str())
                .collect();
            findings.push(Finding {
                file: c.display.clone(),
                id: c.keys.as_ref().map(|k| k.id.clone()),
                rule: Rule::DuplicateIncidentRef,
                severity: Severity::Error,
                message: format!(
                    "incident_ref `{reference}` is also the incident of {}; one incident has \
                     one COE: merge them and delete the copies",
                    others.join(", ")
                ),
                field: Some("incident_ref".into()),
                line: c.keys.as_ref().and_then(|k| k.incident_ref_line),
                summary: None,
            });
        }
    }
    findings
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

/// `--strict`: every warning becomes an error.
pub fn make_strict(findings: &mut [Finding]) {
    for f in findings {
        if f.severity == Severity::Warning {
            f.severity = Severity::Error;
        }
    }
}

/// Findings in the order a CI reader acts on them: errors, then warnings, then notes; each
/// in reading order (by file, then line, file-wide findings first, then rule).
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (
            std::cmp::Reverse(a.severity),
            &a.file,
            a.line.unwrap_or(0),
            a.rule,
            &a.field,
        )
            .cmp(&(
                std::cmp::Reverse(b.severity),
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
                incident_ref_line: Some(7),
                started: jiff::civil::date(2026, 11, 22),
                complete: true,
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
    fn one_incident_one_coe() {
        let all = [
            checked("coes/a.yaml", "a", Some("PD-1")),
            checked("coes/a-2.yaml", "a-2", Some("pd-1")),
            checked("coes/b.yaml", "b", Some("PD-2")),
            checked("coes/c.yaml", "c", None),
        ];
        let found = duplicate_incident_refs(&all);
        let files: Vec<(&str, Option<usize>)> =
            found.iter().map(|f| (f.file.as_str(), f.line)).collect();
        assert_eq!(
            files,
            [("coes/a.yaml", Some(7)), ("coes/a-2.yaml", Some(7))]
        );
        assert!(found[0]
            .message
            .contains("also the incident of coes/a-2.yaml"));
    }

    #[test]
    fn shell_words() {
        assert_eq!(shell_word("PD-48213"), "PD-48213");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word(""), "''");
    }
}
