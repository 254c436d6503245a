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

fn parse_lines(text: &str) -> Vec<Incident> {
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
            crate::format::strip_location(&e.to_string())
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

fn looks_like_csv_header(text: &str) -> bool {
    let Some(first) = text.lines().find(|l| !l.trim().is_empty()) else {
        return false;
    };
    match csv_records(first) {
        Ok(records) => records.first().is_some_and(|(_, cells)| {
            cells
                .iter()
                .any(|c| COLUMNS.contains(&header_name(c).as_str()))
        }),
        Err(_) => false,
    }
}

fn parse_csv(text: &str) -> Result<Vec<Incident>, String> {
    let records = csv_records(text)?;
    let mut records = records
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let Some((_, header)) = records.next() else {
        return Ok(Vec::new());
    };
    let names: Vec<String> = header.iter().map(|c| header_name(c)).collect();
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

/// RFC 4180 records with the line each starts on: commas separate cells, double quotes
/// enclose cells that hold commas, quotes (doubled) or line breaks.
fn csv_records(text: &str) -> Result<Vec<(usize, Vec<String>)>, String> {
    let mut records = Vec::new();
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut line = 1;
    let mut record_line = 1;
    let mut quoted_since: Option<usize> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted_since.is_some(), c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted_since = None,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                cell.push(c);
            }
            (false, '"') if cell.trim().is_empty() => {
                cell.clear();
                quoted_since = Some(line);
            }
            (false, ',') => cells.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                cells.push(std::mem::take(&mut cell));
                records.push((record_line, std::mem::take(&mut cells)));
                line += 1;
                record_line = line;
            }
            (false, c) => cell.push(c),
        }
    }
    if let Some(start) = quoted_since {
        return Err(format!("line {start}: a quoted CSV field is never closed"));
    }
    if !cell.is_empty() || !cells.is_empty() {
        cells.push(cell);
        records.push((record_line, cells));
    }
    Ok(records)
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
