//! The incident gate of `coe check --incidents`, both ways round: every listed incident of
//! a severity in `requires_coe` has a complete COE by its deadline (`due_days` of its
//! severity after it was created), and every COE's `incident_ref` is in the export.

use std::collections::HashMap;

use jiff::civil::Date;

use super::{shell_word, Finding, Keys, Rule, Severity};
use crate::model::dates::add_days;
use crate::model::dates::days_between;
use crate::model::plural;
use crate::model::policy::{Config, DEFAULT_KEY};
use crate::vendors::{normalize, Export, Incident};

/// A COE the gate can match: how findings name its file, and its keys.
#[derive(Debug, Clone, Copy)]
pub struct Known<'a> {
    /// The file as findings show it.
    pub display: &'a str,
    /// Its id, incident ref, dates and completeness.
    pub keys: &'a Keys,
    /// Whether this run checks the file (findings about the file itself are only made
    /// for the files being checked).
    pub checked: bool,
}

/// What the gate needs besides the export and the COEs.
#[derive(Debug, Clone, Copy)]
pub struct Policy<'a> {
    /// The configuration: `requires_coe`, `due_days`, `severity_map`.
    pub config: &'a Config,
    /// Today.
    pub today: Date,
    /// `-v`: say which incidents are skipped, and why.
    pub verbose: bool,
}

/// The findings of the gate: on the export's lines for its incidents, and on the COE files
/// whose `incident_ref` the export does not list.
pub fn incident_findings(
    list_display: &str,
    export: &Export,
    coes: &[Known<'_>],
    policy: Policy<'_>,
) -> Vec<Finding> {
    let Policy {
        config,
        today,
        verbose,
    } = policy;
    let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, coe) in coes.iter().enumerate() {
        let refs = std::iter::once(coe.keys.id.as_str()).chain(coe.keys.incident_ref.as_deref());
        for id in refs {
            let entry = by_id.entry(normalize(id)).or_default();
            if !entry.contains(&i) {
                entry.push(i);
            }
        }
    }
    let mut listed = vec![false; coes.len()];
    let mut findings = Vec::new();
    let finding = |rule, severity, message: String, line| Finding {
        file: list_display.to_string(),
        id: None,
        rule,
        severity,
        message,
        field: None,
        line,
        summary: None,
    };

    for skipped in &export.skipped {
        if let Some(matched) = by_id.get(&normalize(&skipped.reference)) {
            for &i in matched {
                listed[i] = true;
            }
        }
        if verbose {
            findings.push(finding(
                Rule::MissingCoe,
                Severity::Note,
                format!("incident {} is skipped: {}", skipped.reference, skipped.why),
                skipped.line,
            ));
        }
    }

    for incident in &export.incidents {
        let mut matched: Vec<usize> = incident
            .ids
            .iter()
            .filter_map(|id| by_id.get(id))
            .flatten()
            .copied()
            .collect();
        matched.sort_unstable();
        matched.dedup();
        for &i in &matched {
            listed[i] = true;
        }
        let severity = incident
            .severities
            .iter()
            .find_map(|s| config.map_severity(s));
        let name = match severity {
            Some(s) => format!("incident {} ({s})", incident.reference),
            None => format!("incident {}", incident.reference),
        };
        if let Some(s) = severity {
            if !config.requires_coe(s) {
                if verbose {
                    findings.push(finding(
                        Rule::MissingCoe,
                        Severity::Note,
                        format!("{name} is skipped: requires_coe does not list {s}"),
                        incident.line,
                    ));
                }
                continue;
            }
        } else if !incident.severities.is_empty() {
            findings.push(finding(
                Rule::IncidentSeverity,
                Severity::Warning,
                format!(
                    "{name}'s severity ({}) is none of the configured severities and not in \
                     severity_map, so it is held to the strictest policy; map it in \
                     `severity_map` in .coe.yaml",
                    incident.severities.join(", ")
                ),
                incident.line,
            ));
        }
        let days = config
            .due_days
            .for_severity(severity.unwrap_or(DEFAULT_KEY));
        let due = incident
            .created
            .map(|created| add_days(created, i64::from(days)));
        if let Some(message) = gate_message(&name, incident, due, today, &matched, coes) {
            let (severity, message) = message;
            findings.push(finding(Rule::MissingCoe, severity, message, incident.line));
        }
    }

    let earliest = export.earliest();
    for (i, coe) in coes.iter().enumerate() {
        let Some(reference) = coe.keys.incident_ref.as_deref() else {
            continue;
        };
        let in_range = earliest.is_none_or(|first| coe.keys.started >= first);
        if listed[i] || !coe.checked || !in_range {
            continue;
        }
        findings.push(Finding {
            file: coe.display.to_string(),
            id: Some(coe.keys.id.clone()),
            rule: Rule::UnlistedIncident,
            severity: Severity::Note,
            message: format!(
                "incident_ref `{reference}` is not in {list_display}; check the reference \
                 (the export lists incidents by {})",
                example_ids(export)
            ),
            field: Some("incident_ref".into()),
            line: coe.keys.incident_ref_line,
            summary: None,
        });
    }
    findings
}

/// The finding for one incident, if any: no COE (an error past its deadline, a note
/// before), or only incomplete COEs past the deadline (an error).
fn gate_message(
    name: &str,
    incident: &Incident,
    due: Option<Date>,
    today: Date,
    matched: &[usize],
    coes: &[Known<'_>],
) -> Option<(Severity, String)> {
    let past_due = due.is_none_or(|due| today > due);
    let when = |due: Date| {
        let days = days_between(today, due).unsigned_abs();
        let days = plural(usize::try_from(days).unwrap_or(usize::MAX), "day", "days");
        if today > due {
            format!("it was due on {due}, {days} ago")
        } else if today == due {
            format!("it is due today ({due})")
        } else {
            format!("it is due on {due}, in {days}")
        }
    };
    if matched.is_empty() {
        let hint = format!(
            "write one with `coe new --incident-ref {}`",
            shell_word(&incident.reference)
        );
        return Some(match due {
            Some(due) if !past_due => (
                Severity::Note,
                format!("{name} has no COE yet; {}; {hint}", when(due)),
            ),
            Some(due) => (
                Severity::Error,
                format!("{name} has no COE; {}; {hint}", when(due)),
            ),
            None => (
                Severity::Error,
                format!(
                    "{name} has no COE: no COE has `incident_ref: {}` or that id; {hint}",
                    incident.reference
                ),
            ),
        });
    }
    if matched.iter().any(|&i| coes[i].keys.complete) || !past_due {
        return None;
    }
    let files: Vec<&str> = matched.iter().map(|&i| coes[i].display).collect();
    let deadline = due
        .map(|due| format!("; {}", when(due)))
        .unwrap_or_default();
    Some((
        Severity::Error,
        format!(
            "{name} has no complete COE: {} does not answer every question yet{deadline}",
            files.join(", ")
        ),
    ))
}

/// How the export names incidents, for the hint on an unlisted `incident_ref`.
fn example_ids(export: &Export) -> String {
    use crate::vendors::ExportFormat as F;
    match export.format {
        F::Lines | F::Json | F::Csv => "the references it holds".into(),
        F::Pagerduty => "number (`1234`, `#1234`, `PD-1234`), id or URL".into(),
        F::IncidentIo => "reference (`INC-123`), id or permalink".into(),
        F::Github => "issue number (`45`, `#45`) or URL".into(),
        F::Jira => "issue key (`OPS-12`) or issue id".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::{ExportFormat, Skipped};

    fn keys(id: &str, incident_ref: Option<&str>, started: Date, complete: bool) -> Keys {
        Keys {
            id: id.into(),
            incident_ref: incident_ref.map(String::from),
            id_line: Some(2),
            incident_ref_line: Some(7),
            started,
            complete,
        }
    }

    fn incident(reference: &str, severity: &str, created: Date, line: usize) -> Incident {
        Incident {
            reference: reference.into(),
            ids: vec![normalize(reference)],
            severities: vec![severity.into()],
            created: Some(created),
            line: Some(line),
        }
    }

    #[test]
    fn deadlines_severities_and_both_directions() {
        let d = |day| jiff::civil::date(2026, 11, day);
        let config = Config::parse(
            "due_days: {SEV1: 3, default: 10}\nrequires_coe: [SEV1, SEV2]\n\
             severity_map: {P1: SEV1, P2: SEV2, P3: SEV3}\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let export = Export {
            format: ExportFormat::Pagerduty,
            incidents: vec![
                incident("#1", "P1", d(1), 3),     // covered, complete
                incident("#2", "P1", d(20), 4),    // no COE, SEV1 due 11-23: error
                incident("#3", "P2", d(20), 5),    // no COE, SEV2 due 11-30: note
                incident("#4", "P3", d(1), 6),     // SEV3: skipped
                incident("#5", "P2", d(1), 7),     // covered by an incomplete COE: error
                incident("#6", "urgent", d(1), 8), // unknown severity: warning + error
            ],
            skipped: vec![Skipped {
                reference: "#7".into(),
                why: "declined".into(),
                line: Some(9),
            }],
        };
        let all = [
            keys("2026-11-01-a", Some("#1"), d(1), true),
            keys("2026-11-01-b", Some("5"), d(1), false),
            keys("2026-11-02-c", Some("#99"), d(2), true), // not listed: note
            keys(
                "2026-10-01-d",
                Some("#98"),
                d(1).saturating_sub(jiff::Span::new().days(31)),
                true,
            ), // before the export
        ];
        let coes: Vec<Known<'_>> = all
            .iter()
            .map(|k| Known {
                display: "coes/x.yaml",
                keys: k,
                checked: true,
            })
            .collect();
        let policy = Policy {
            config: &config,
            today: d(25),
            verbose: true,
        };
        let found = incident_findings("pd.json", &export, &coes, policy);
        let summary: Vec<(Rule, Severity, Option<usize>)> =
            found.iter().map(|f| (f.rule, f.severity, f.line)).collect();
        assert_eq!(
            summary,
            [
                (Rule::MissingCoe, Severity::Note, Some(9)),
                (Rule::MissingCoe, Severity::Error, Some(4)),
                (Rule::MissingCoe, Severity::Note, Some(5)),
                (Rule::MissingCoe, Severity::Note, Some(6)),
                (Rule::MissingCoe, Severity::Error, Some(7)),
                (Rule::IncidentSeverity, Severity::Warning, Some(8)),
                (Rule::MissingCoe, Severity::Error, Some(8)),
                (Rule::UnlistedIncident, Severity::Note, Some(7)),
            ],
            "{found:#?}"
        );
        assert_eq!(
            found[1].message,
            "incident #2 (SEV1) has no COE; it was due on 2026-11-23, 2 days ago; write one \
             with `coe new --incident-ref '#2'`"
        );
        assert!(
            found[2].message.contains("in 5 days"),
            "{}",
            found[2].message
        );
        assert_eq!(
            found[3].message,
            "incident #4 (SEV3) is skipped: requires_coe does not list SEV3"
        );
        assert!(
            found[4].message.contains("has no complete COE"),
            "{}",
            found[4].message
        );
    }
}
