//! A Jira (or Jira Service Management) CSV export: the issue navigator's "Export CSV",
//! with the headers `Summary`, `Issue key`, `Issue id`, `Issue Type`, `Status`,
//! `Priority`, `Resolution`, `Created`, `Resolved`, ... Dates are written in the site's
//! format (`22/Nov/26 9:58 AM` by default).
//!
//! The severity is the `Priority`. Issues resolved as duplicates, declined, won't do or
//! canceled need no COE. People quote an issue by its key (`OPS-12`).

use super::{normalize, required_day, Incident, Skipped};

/// Whether a CSV header line is a Jira export's (it has an `Issue key` column).
pub(super) fn is_header(line: &str) -> bool {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_bytes());
    reader
        .records()
        .next()
        .is_some_and(|record| record.is_ok_and(|r| r.iter().any(|cell| cell.trim() == "Issue key")))
}

/// Resolutions and statuses that mean "this was not an incident after all".
const NOT_AN_INCIDENT: [&str; 8] = [
    "duplicate",
    "won't do",
    "won't fix",
    "declined",
    "cannot reproduce",
    "canceled",
    "cancelled",
    "not an incident",
];

/// The issues of a Jira CSV export, and those resolved as not needing a COE.
pub(super) fn read(text: &str) -> Result<(Vec<Incident>, Vec<Skipped>), String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("line 1: {e}"))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let Some(key_column) = column("Issue key") else {
        return Err("the CSV header has no `Issue key` column, which a Jira export has".into());
    };
    let id_column = column("Issue id");
    let priority_column = column("Priority");
    let created_column = column("Created");
    let status_column = column("Status");
    let resolution_column = column("Resolution");

    let mut incidents = Vec::new();
    let mut skipped = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| match e.position() {
            Some(pos) => format!(
                "line {} (record {}): {}",
                pos.line(),
                index + 1,
                csv_reason(&e)
            ),
            None => format!("record {}: {e}", index + 1),
        })?;
        let line = record.position().map_or(index + 2, |p| {
            usize::try_from(p.line()).unwrap_or(index + 2)
        });
        let cell = |column: Option<usize>| {
            column
                .and_then(|c| record.get(c))
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let at = format!("line {line} (record {})", index + 1);
        let Some(key) = cell(Some(key_column)) else {
            return Err(format!("{at}: `Issue key` is empty"));
        };
        let created = cell(created_column)
            .map(|value| required_day(value, "Created", &at))
            .transpose()?;
        let closed_as = [cell(resolution_column), cell(status_column)]
            .into_iter()
            .flatten()
            .find(|v| NOT_AN_INCIDENT.contains(&v.to_lowercase().as_str()));
        if let Some(why) = closed_as {
            skipped.push(Skipped {
                reference: key.to_string(),
                why: format!("resolved as {why}"),
                line: Some(line),
            });
            continue;
        }
        let mut ids = vec![normalize(key)];
        ids.extend(cell(id_column).map(normalize));
        incidents.push(Incident {
            reference: key.to_string(),
            ids,
            severities: cell(priority_column)
                .map(String::from)
                .into_iter()
                .collect(),
            created,
            line: Some(line),
        });
    }
    Ok((incidents, skipped))
}

/// The csv crate's message without its own position (the caller names it).
fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields, but the header has {expected_len}"),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "Summary,Issue key,Issue id,Issue Type,Status,Priority,Resolution,Created,Resolved\n";

    #[test]
    fn keys_priorities_and_skips() {
        let text = format!(
            "{HEADER}\"Checkout down, again\",OPS-12,10012,Incident,Resolved,Highest,Done,22/Nov/26 9:58 AM,22/Nov/26 11:30 AM\n\
             Dup,OPS-13,10013,Incident,Closed,High,Duplicate,23/Nov/26 9:00 AM,\n\
             \"Search slow\nfor some\",OPS-14,10014,Incident,In Progress,Medium,,24/Nov/26 1:15 PM,\n"
        );
        let (incidents, skipped) = read(&text).unwrap_or_else(|e| panic!("{e}"));
        let refs: Vec<(&str, Option<usize>)> = incidents
            .iter()
            .map(|i| (i.reference.as_str(), i.line))
            .collect();
        assert_eq!(refs, [("OPS-12", Some(2)), ("OPS-14", Some(4))]);
        assert_eq!(incidents[0].ids, ["ops-12", "10012"]);
        assert_eq!(incidents[0].severities, ["Highest"]);
        assert_eq!(incidents[1].created, Some(jiff::civil::date(2026, 11, 24)));
        assert_eq!(skipped[0].reference, "OPS-13");
        assert_eq!(skipped[0].why, "resolved as Duplicate");
    }

    #[test]
    fn bad_records_are_named() {
        let short = format!("{HEADER}x,OPS-1,1,Incident,Open,High\n");
        assert_eq!(
            read(&short).unwrap_err(),
            "line 2 (record 1): 6 fields, but the header has 9"
        );
        let no_key = format!("{HEADER}x,,1,Incident,Open,High,,22/Nov/26 9:58 AM,\n");
        assert_eq!(
            read(&no_key).unwrap_err(),
            "line 2 (record 1): `Issue key` is empty"
        );
        let bad_date = format!("{HEADER}x,OPS-1,1,Incident,Open,High,,someday,\n");
        assert_eq!(
            read(&bad_date).unwrap_err(),
            "line 2 (record 1): `Created` is `someday`, which is not a date or time"
        );
    }
}
