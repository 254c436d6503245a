//! `coe check --incidents FILE`: the incidents that must have a COE, read from the export a
//! team's incident system already produces.
//!
//! Seven shapes are read. Three are hand-made lists (one reference per line, a JSON array
//! of strings, CSV with an `incident_ref` or `id` column; see [`super::incidents`]); four
//! are what incident systems print: PagerDuty's REST `GET /incidents` response,
//! incident.io's v2 incidents list, `gh issue list --json ...` and a Jira CSV export. The
//! shape is recognised from the content (or named with `--incidents-format`); a JSON file
//! of any other shape is refused, naming what was expected, never read as lines.
//!
//! Each incident keeps every identifier people quote for it (normalised by [`normalize`]),
//! the severities the source gives (mapped later through `severity_map`), the day it was
//! created and the line it is on. A malformed record is an error naming its record and line.

mod github;
mod incident_io;
mod jira;
mod pagerduty;
pub mod plain;
pub mod timeline;
pub mod tracker;

use jiff::civil::Date;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use self::plain as incidents;

/// `--incidents-format`: the shape of the incidents file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// One incident reference per line (blank lines and `#` comments ignored)
    Lines,
    /// A JSON array of incident references
    Json,
    /// CSV with an `incident_ref` or `id` column
    Csv,
    /// PagerDuty REST API `GET /incidents` response
    Pagerduty,
    /// incident.io API v2 incidents list
    IncidentIo,
    /// `gh issue list --json number,title,labels,createdAt,closedAt,url,state`
    Github,
    /// Jira / Jira Service Management CSV export
    Jira,
}

impl ExportFormat {
    /// How messages name the format.
    pub fn describe(self) -> &'static str {
        match self {
            ExportFormat::Lines => "one reference per line",
            ExportFormat::Json => "a JSON array of references",
            ExportFormat::Csv => "CSV with an `incident_ref` or `id` column",
            ExportFormat::Pagerduty => "PagerDuty `GET /incidents` JSON",
            ExportFormat::IncidentIo => "incident.io v2 incidents JSON",
            ExportFormat::Github => "`gh issue list --json` output",
            ExportFormat::Jira => "Jira CSV export",
        }
    }
}

/// One incident from the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    /// How messages name it (`#1234`, `INC-123`, `OPS-7`).
    pub reference: String,
    /// Every identifier a COE's `incident_ref` may quote for it, normalised.
    pub ids: Vec<String>,
    /// The severities the source gives, most specific first (PagerDuty: priority, then
    /// urgency; GitHub: every label), as written there.
    pub severities: Vec<String>,
    /// The day it was created, when the source says.
    pub created: Option<Date>,
    /// The 1-based line it starts on.
    pub line: Option<usize>,
}

/// An incident the source itself marks as not needing a COE (declined, merged, a test).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// How messages name it.
    pub reference: String,
    /// Why it is skipped, as a phrase ("declined", "a test incident").
    pub why: String,
    /// The 1-based line it starts on.
    pub line: Option<usize>,
}

/// What an incidents file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    /// The shape it was read as.
    pub format: ExportFormat,
    /// The incidents that may need a COE.
    pub incidents: Vec<Incident>,
    /// The incidents the source marks as not needing one.
    pub skipped: Vec<Skipped>,
}

impl Export {
    /// The earliest day an incident was created, when the export says for any.
    pub fn earliest(&self) -> Option<Date> {
        self.incidents.iter().filter_map(|i| i.created).min()
    }
}

/// How a file was named, for the shape decisions that look at the extension.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints {
    /// The file name ends in `.csv`.
    pub csv: bool,
    /// The file name ends in `.json`.
    pub json: bool,
}

/// Reads an incidents file of the given format, or recognises its shape.
pub fn read(text: &str, format: Option<ExportFormat>, hints: Hints) -> Result<Export, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let format = match format {
        Some(format) => format,
        None => recognise(text, hints)?,
    };
    let (incidents, skipped) = match format {
        ExportFormat::Lines | ExportFormat::Json | ExportFormat::Csv => {
            (simple(text, format, hints)?, Vec::new())
        }
        ExportFormat::Pagerduty => pagerduty::read(text)?,
        ExportFormat::IncidentIo => incident_io::read(text)?,
        ExportFormat::Github => github::read(text)?,
        ExportFormat::Jira => jira::read(text)?,
    };
    Ok(Export {
        format,
        incidents: dedup(incidents),
        skipped,
    })
}

/// What `--incidents` accepts, for hints.
pub const ACCEPTED: &str = "one reference per line, a JSON array of references, CSV with an \
    `incident_ref` or `id` column, PagerDuty `GET /incidents` JSON, incident.io v2 incidents \
    JSON, `gh issue list --json number,title,labels,createdAt,closedAt,url,state` output, or a \
    Jira CSV export (name it with --incidents-format)";

/// The shape of an incidents file, from its content.
fn recognise(text: &str, hints: Hints) -> Result<ExportFormat, String> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        return recognise_object(text);
    }
    if trimmed.starts_with('[') {
        return recognise_array(text);
    }
    if hints.json {
        return Err(
            "the file is named .json but is not JSON: it starts with neither `{` nor `[`".into(),
        );
    }
    let first = trimmed.lines().next().unwrap_or_default();
    if jira::is_header(first) {
        return Ok(ExportFormat::Jira);
    }
    // The hand-made shapes: CSV by name or by header, else lines.
    if hints.csv || incidents::looks_like_csv_header(text) {
        Ok(ExportFormat::Csv)
    } else {
        Ok(ExportFormat::Lines)
    }
}

/// The top-level keys of a JSON object, for messages.
fn keys_of(map: &serde_json::Map<String, serde_json::Value>) -> String {
    if map.is_empty() {
        return "no keys".into();
    }
    let keys: Vec<String> = map.keys().take(8).map(|k| format!("`{k}`")).collect();
    format!("the keys {}", keys.join(", "))
}

fn recognise_object(text: &str) -> Result<ExportFormat, String> {
    const EXPECTED: &str = "expected PagerDuty's `GET /incidents` response (`incidents[]` with \
        `incident_number`) or incident.io's v2 incidents list (`incidents[]` with `reference`)";
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| json_error(&e))?;
    let serde_json::Value::Object(map) = &value else {
        return Err(format!("not a JSON object; {EXPECTED}"));
    };
    let Some(list) = map.get("incidents") else {
        return Err(format!(
            "a JSON object with {} and no `incidents`; {EXPECTED}",
            keys_of(map)
        ));
    };
    let serde_json::Value::Array(list) = list else {
        return Err(format!("`incidents` is not an array; {EXPECTED}"));
    };
    match list.first() {
        Some(serde_json::Value::Object(first)) if first.contains_key("incident_number") => {
            Ok(ExportFormat::Pagerduty)
        }
        Some(serde_json::Value::Object(first)) if first.contains_key("reference") => {
            Ok(ExportFormat::IncidentIo)
        }
        Some(serde_json::Value::Object(first)) => Err(format!(
            "record 1 of `incidents` has {} but neither `incident_number` nor `reference`; \
             {EXPECTED}",
            keys_of(first)
        )),
        Some(_) => Err(format!(
            "record 1 of `incidents` is not an object; {EXPECTED}"
        )),
        // An empty page: nothing to check, whichever system printed it.
        None if map.contains_key("pagination_meta") => Ok(ExportFormat::IncidentIo),
        None => Ok(ExportFormat::Pagerduty),
    }
}

fn recognise_array(text: &str) -> Result<ExportFormat, String> {
    const EXPECTED: &str = "expected a JSON array of incident references (strings) or the \
        output of `gh issue list --json number,title,labels,createdAt,closedAt,url,state`";
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| json_error(&e))?;
    let serde_json::Value::Array(items) = &value else {
        return Err(format!("not a JSON array; {EXPECTED}"));
    };
    match items.iter().find(|v| v.is_object()) {
        None => Ok(ExportFormat::Json),
        Some(serde_json::Value::Object(first)) if first.contains_key("number") => {
            Ok(ExportFormat::Github)
        }
        Some(serde_json::Value::Object(first)) => {
            let index = items.iter().position(|v| v.is_object()).unwrap_or(0);
            Err(format!(
                "record {} of the JSON array is an object with {} and no `number`; {EXPECTED}",
                index + 1,
                keys_of(first)
            ))
        }
        Some(_) => Ok(ExportFormat::Json),
    }
}

/// The hand-made lists, through [`incidents::parse`], which tells them apart itself: a
/// format named on the command line must agree with what the content is.
fn simple(text: &str, format: ExportFormat, hints: Hints) -> Result<Vec<Incident>, String> {
    let starts_json = text.trim_start().starts_with('[');
    match format {
        ExportFormat::Json if !starts_json => {
            return Err("--incidents-format json: the file is not a JSON array".into())
        }
        ExportFormat::Lines if starts_json => {
            return Err(
                "--incidents-format lines: the file is a JSON array; use --incidents-format json"
                    .into(),
            )
        }
        _ => {}
    }
    let csv = hints.csv || format == ExportFormat::Csv;
    let listed = if format == ExportFormat::Lines && !hints.csv {
        // Named or recognised as lines: even a first line like `id` is a reference.
        incidents::parse_lines(text)
    } else {
        incidents::parse(text, csv)?
    };
    Ok(listed
        .into_iter()
        .map(|i| Incident {
            ids: vec![normalize(&i.reference)],
            reference: i.reference,
            severities: Vec::new(),
            created: None,
            line: i.line,
        })
        .collect())
}

/// An export may list an incident twice (pages fetched with overlap): the first wins.
fn dedup(incidents: Vec<Incident>) -> Vec<Incident> {
    let mut seen = std::collections::HashSet::new();
    incidents
        .into_iter()
        .filter(|i| seen.insert(i.ids.clone()))
        .collect()
}

/// An identifier as it is compared: trimmed, without a leading `#`, a trailing `/`, or
/// case (`#1234` and `1234` are one PagerDuty incident, `inc-7` is `INC-7`).
pub fn normalize(id: &str) -> String {
    let id = id.trim();
    let id = id.strip_prefix('#').unwrap_or(id).trim();
    let id = id.strip_suffix('/').unwrap_or(id);
    id.to_lowercase()
}

/// A JSON syntax error with its line.
fn json_error(e: &serde_json::Error) -> String {
    format!(
        "line {}: not valid JSON: {}",
        e.line(),
        crate::store::format::strip_location(&e.to_string())
    )
}

/// The records of a JSON array, each with its 1-based line: `{"incidents": [...]}` when
/// `key` is given, else a top-level array.
fn json_records<'a>(
    text: &'a str,
    key: Option<&str>,
) -> Result<Vec<(&'a RawValue, usize)>, String> {
    let raws: Vec<&RawValue> = match key {
        Some(key) => {
            let map: std::collections::HashMap<String, &RawValue> =
                serde_json::from_str(text).map_err(|e| json_error(&e))?;
            let Some(list) = map.get(key) else {
                return Err(format!("the JSON object has no `{key}` array"));
            };
            serde_json::from_str(list.get())
                .map_err(|_| format!("`{key}` is not an array of records"))?
        }
        None => serde_json::from_str(text).map_err(|e| json_error(&e))?,
    };
    // Every RawValue borrows from `text`: its offset there is its position in the file.
    let base = text.as_ptr() as usize;
    Ok(raws
        .into_iter()
        .map(|raw| {
            let offset = (raw.get().as_ptr() as usize).saturating_sub(base);
            let line = text[..offset.min(text.len())].matches('\n').count() + 1;
            (raw, line)
        })
        .collect())
}

/// Decodes one JSON record into the source's record type; an error names the record
/// (1-based) and its line.
fn decode<T: DeserializeOwned>(raw: &RawValue, index: usize, line: usize) -> Result<T, String> {
    serde_json::from_str(raw.get()).map_err(|e| {
        format!(
            "record {} (line {line}): {}",
            index + 1,
            crate::store::format::strip_location(&e.to_string())
        )
    })
}

/// The day of a timestamp as incident systems write it: RFC 3339 (`2026-11-22T09:58:00Z`),
/// a plain date, or Jira's `22/Nov/26 9:58 AM` and `2026-11-22 09:58`.
fn day_of(text: &str) -> Option<Date> {
    let text = text.trim();
    if let Ok(at) = text.parse::<jiff::Timestamp>() {
        return Some(at.to_zoned_datetime(jiff::tz::TimeZone::UTC).date());
    }
    if let Ok(date) = text.parse::<Date>() {
        return Some(date);
    }
    if let Ok(at) = text.parse::<jiff::civil::DateTime>() {
        return Some(at.date());
    }
    [
        "%d/%b/%y %I:%M %p",
        "%d/%b/%Y %I:%M %p",
        "%d/%b/%y %H:%M",
        "%Y-%m-%d %H:%M",
        "%d/%b/%y",
    ]
    .iter()
    .find_map(|format| {
        jiff::fmt::strtime::parse(format, text)
            .ok()
            .and_then(|t| t.to_date().ok())
    })
}

/// A timestamp field that must be readable, else an error naming the record.
fn required_day(value: &str, field: &str, at: &str) -> Result<Date, String> {
    day_of(value)
        .ok_or_else(|| format!("{at}: `{field}` is `{value}`, which is not a date or time"))
}

/// A command's help with the vendors' own words filled in: `{gh_incidents}` (the `gh`
/// command whose output `check --incidents` reads), `{gh_tracker}` (the one `actions sync`
/// reads) and `{jira_tracker_columns}` (the Jira columns it needs).
pub fn fill_help(template: &str) -> String {
    template
        .replace("{gh_incidents}", github::INCIDENTS_COMMAND)
        .replace("{gh_tracker}", tracker::GITHUB_COMMAND)
        .replace("{jira_tracker_columns}", tracker::JIRA_COLUMNS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_recognised() {
        let hints = Hints::default();
        let shape = |text: &str| recognise(text, hints);
        assert_eq!(shape("PD-1\nPD-2\n"), Ok(ExportFormat::Lines));
        assert_eq!(shape("[\"PD-1\", 2]"), Ok(ExportFormat::Json));
        assert_eq!(
            shape("[{\"number\": 4, \"title\": \"x\"}]"),
            Ok(ExportFormat::Github)
        );
        assert_eq!(
            shape("{\"incidents\": [{\"id\": \"P1\", \"incident_number\": 3}]}"),
            Ok(ExportFormat::Pagerduty)
        );
        assert_eq!(
            shape("{\"incidents\": [{\"id\": \"01\", \"reference\": \"INC-3\"}]}"),
            Ok(ExportFormat::IncidentIo)
        );
        assert_eq!(
            shape("Summary,Issue key,Issue id,Priority\n"),
            Ok(ExportFormat::Jira)
        );
        let err = shape("{\"data\": [], \"total\": 0}").unwrap_err();
        assert!(
            err.starts_with("a JSON object with the keys `data`, `total` and no `incidents`; expected PagerDuty"),
            "{err}"
        );
        let err = shape("[{\"key\": \"OPS-1\"}]").unwrap_err();
        assert!(
            err.contains("record 1 of the JSON array is an object"),
            "{err}"
        );
        let err = recognise(
            "PD-1\n",
            Hints {
                json: true,
                csv: false,
            },
        )
        .unwrap_err();
        assert!(err.contains("not JSON"), "{err}");
    }

    #[test]
    fn identifiers_compare_without_hash_case_or_slash() {
        assert_eq!(normalize(" #1234 "), "1234");
        assert_eq!(normalize("INC-7"), "inc-7");
        assert_eq!(
            normalize("https://github.com/o/r/issues/45/"),
            "https://github.com/o/r/issues/45"
        );
    }

    #[test]
    fn days_of_the_formats_sources_write() {
        let d = jiff::civil::date(2026, 11, 22);
        for text in [
            "2026-11-22T09:58:00Z",
            "2026-11-22T09:58:00.123456Z",
            "2026-11-22T23:58:00-00:00",
            "2026-11-22",
            "22/Nov/26 9:58 AM",
            "22/Nov/26 11:58 PM",
            "2026-11-22 09:58",
        ] {
            assert_eq!(day_of(text), Some(d), "{text}");
        }
        assert_eq!(day_of("yesterday"), None);
    }

    #[test]
    fn records_know_their_lines() {
        let text = "{\n  \"incidents\": [\n    {\"a\": 1},\n\n    {\"a\": 2}\n  ]\n}";
        let lines: Vec<usize> = json_records(text, Some("incidents"))
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|(_, line)| line)
            .collect();
        assert_eq!(lines, [3, 5]);
    }
}
