//! `coe check --incidents FILE`: the list of incidents that must each have a COE.
//!
//! Three shapes are read, told apart by their content: a JSON array of strings (the text
//! starts with `[`), CSV with an `incident_ref` or `id` column (a `.csv` file, or a first
//! line that is such a header), and otherwise one reference per line, ignoring blank lines
//! and lines starting with `#`.

use std::collections::HashSet;

/// One incident that must have a COE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    /// Its reference in the paging or ticket system (matched against `incident_ref`, or
    /// against a COE's id).
    pub reference: String,
    /// The 1-based line of the list it was read from, where known.
    pub line: Option<usize>,
}

/// Reads an incident list. `csv_by_name` is true for a file named `*.csv`. The error is a
/// sentence fragment to follow the file's name.
pub fn parse(text: &str, csv_by_name: bool) -> Result<Vec<Incident>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let incidents = if text.trim_start().starts_with('[') {
        parse_json(text)?
    } else if csv_by_name || looks_like_csv_header(text) {
        parse_csv(text)?
    } else {
        parse_lines(text)
    };
    let mut seen = HashSet::new();
    Ok(incidents
        .into_iter()
        .filter(|i| seen.insert(i.reference.clone()))
        .collect())
}

/// One reference per line, ignoring blank lines and `#` comments.
pub fn parse_lines(text: &str) -> Vec<Incident> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let line_text = line.trim();
            (!line_text.is_empty() && !line_text.starts_with('#')).then(|| Incident {
                reference: line_text.to_string(),
                line: Some(i + 1),
            })
        })
        .collect()
}

fn parse_json(text: &str) -> Result<Vec<Incident>, String> {
    let values: Vec<serde_json::Value> = serde_json::from_str(text).map_err(|e| {
        format!(
            "line {}: not a JSON array of strings: {}",
            e.line(),
            crate::store::format::strip_location(&e.to_string())
        )
    })?;
    let mut incidents = Vec::new();
    for (i, value) in values.iter().enumerate() {
        let reference = match value {
            serde_json::Value::String(s) => s.trim().to_string(),
            serde_json::Value::Number(n) => n.to_string(),
            other => {
                return Err(format!(
                    "element {} of the JSON array is {}, not a string",
                    i + 1,
                    json_kind(other)
                ))
            }
        };
        if reference.is_empty() {
            continue;
        }
        let quoted = serde_json::Value::String(reference.clone()).to_string();
        let line = text
            .lines()
            .position(|l| l.contains(&quoted) || l.contains(&reference))
            .map(|i| i + 1);
        incidents.push(Incident { reference, line });
    }
    Ok(incidents)
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// The column names that hold the reference, in order of preference.
const COLUMNS: [&str; 2] = ["incident_ref", "id"];

fn header_name(cell: &str) -> String {
    cell.trim().to_ascii_lowercase()
}

/// Whether the first non-blank line is a CSV header with an `incident_ref` or `id` column.
pub fn looks_like_csv_header(text: &str) -> bool {
    let Some(first) = text.lines().find(|l| !l.trim().is_empty()) else {
        return false;
    };
    csv_reader(first)
        .records()
        .next()
        .and_then(Result::ok)
        .is_some_and(|cells| {
            cells
                .iter()
                .any(|c| COLUMNS.contains(&header_name(c).as_str()))
        })
}

/// A CSV reader over `text` that leaves the header to the caller (it may follow blank
/// records) and accepts rows of differing lengths, as spreadsheet exports have.
fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
}

fn parse_csv(text: &str) -> Result<Vec<Incident>, String> {
    let records = csv_records(text)?;
    let mut records = records
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let Some((_, header)) = records.next() else {
        return Ok(Vec::new());
    };
    let names: Vec<String> = header.iter().map(header_name).collect();
    let Some(column) = COLUMNS
        .iter()
        .find_map(|wanted| names.iter().position(|n| n == wanted))
    else {
        return Err(format!(
            "the CSV header has no `incident_ref` or `id` column (it has: {})",
            header
                .iter()
                .map(|c| c.trim())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    };
    Ok(records
        .filter_map(|(line, cells)| {
            let reference = cells.get(column)?.trim();
            (!reference.is_empty()).then(|| Incident {
                reference: reference.to_string(),
                line: Some(line),
            })
        })
        .collect())
}

/// RFC 4180 records (read by the `csv` crate) with the line each starts on.
fn csv_records(text: &str) -> Result<Vec<(usize, csv::StringRecord)>, String> {
    let mut records = Vec::new();
    let mut last_start = 0;
    for record in csv_reader(text).into_records() {
        let record = record.map_err(|e| match e.position() {
            Some(p) => format!("line {}: {}", p.line(), csv_error(&e)),
            None => csv_error(&e),
        })?;
        let (line, byte) = record.position().map_or((1, 0), |p| (p.line(), p.byte()));
        last_start = usize::try_from(byte).unwrap_or(0);
        records.push((usize::try_from(line).unwrap_or(usize::MAX), record));
    }
    // The csv crate reads a quoted field that is never closed to the end of the input, so
    // it would swallow every record after it: quotes come in pairs in RFC 4180, and an odd
    // count in the last record is that field.
    let tail = text.get(last_start..).unwrap_or_default();
    if tail.matches('"').count() % 2 == 1 {
        let line = records.last().map_or(1, |(line, _)| *line);
        return Err(format!("line {line}: a quoted CSV field is never closed"));
    }
    Ok(records)
}

/// The csv crate's message without its own position (the caller adds the line).
fn csv_error(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Utf8 { .. } => "a CSV field is not valid UTF-8".to_string(),
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(text: &str, csv: bool) -> Vec<(String, Option<usize>)> {
        parse(text, csv)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|i| (i.reference, i.line))
            .collect()
    }

    fn r(reference: &str, line: usize) -> (String, Option<usize>) {
        (reference.to_string(), Some(line))
    }

    #[test]
    fn one_per_line() {
        assert_eq!(
            refs("# from PagerDuty\nPD-1\n\n  PD-2  \r\nPD-1\n", false),
            [r("PD-1", 2), r("PD-2", 4)]
        );
        assert_eq!(refs("", false), []);
    }

    #[test]
    fn json_array() {
        assert_eq!(
            refs("[\n  \"PD-1\",\n  \"PD-2\", 48213\n]\n", false),
            [r("PD-1", 2), r("PD-2", 3), r("48213", 3)]
        );
        let err = parse("[\"PD-1\", {\"id\": 2}]", false).unwrap_err();
        assert_eq!(
            err,
            "element 2 of the JSON array is an object, not a string"
        );
        let err = parse("[\"PD-1\",", false).unwrap_err();
        assert!(
            err.starts_with("line 1: not a JSON array of strings"),
            "{err}"
        );
    }

    #[test]
    fn csv_with_a_named_column() {
        let text = "\u{feff}started,ID,title\n2026-11-22,PD-1,\"Checkout, slow\"\n\
                    2026-11-23,PD-2,\"multi\nline \"\"quoted\"\"\"\n,,\n2026-11-24,PD-3,x";
        assert_eq!(
            refs(text, false),
            [r("PD-1", 2), r("PD-2", 3), r("PD-3", 6)]
        );
        assert_eq!(
            refs("incident_ref,id\nPD-9,2026-11-22-x\n", false),
            [r("PD-9", 2)]
        );
    }

    #[test]
    fn bad_csv_is_explained() {
        let err = parse("when,what\n1,2\n", true).unwrap_err();
        assert_eq!(
            err,
            "the CSV header has no `incident_ref` or `id` column (it has: when, what)"
        );
        let err = parse("id\n\"PD-1\n", true).unwrap_err();
        assert_eq!(err, "line 2: a quoted CSV field is never closed");
    }
}
