//! GitHub issues as `gh issue list --json number,title,labels,createdAt,closedAt,url,state`
//! prints them: a JSON array of `{"number": 45, "title", "labels": [{"name": "sev1", ...}],
//! "createdAt", "closedAt", "url", "state": "OPEN" | "CLOSED"}`.
//!
//! The severity comes from a label (`sev1`, or any label `severity_map` names). People quote
//! an issue as `#45`, `45` or its URL.

/// The `gh` command whose output `coe check --incidents` reads (as the help shows it).
pub const INCIDENTS_COMMAND: &str =
    "gh issue list --json\nnumber,title,labels,createdAt,closedAt,url,state";

use serde::Deserialize;

use super::{decode, json_records, normalize, required_day, Incident, Skipped};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    number: u64,
    created_at: String,
    #[serde(default)]
    labels: Vec<Label>,
    #[serde(default)]
    url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Label {
    name: String,
}

/// The issues of a `gh issue list --json ...` array. GitHub has no notion of a declined
/// incident: nothing is skipped by the source (label-based skipping is `requires_coe`'s).
pub(super) fn read(text: &str) -> Result<(Vec<Incident>, Vec<Skipped>), String> {
    let mut incidents = Vec::new();
    for (index, (raw, line)) in json_records(text, None)?.into_iter().enumerate() {
        let r: Record = decode(raw, index, line)?;
        let at = format!("record {} (line {line})", index + 1);
        let created = required_day(&r.created_at, "createdAt", &at)?;
        let number = r.number.to_string();
        let mut ids = vec![normalize(&number)];
        ids.extend(r.url.as_deref().map(normalize));
        incidents.push(Incident {
            reference: format!("#{number}"),
            ids,
            severities: r.labels.into_iter().map(|l| l.name).collect(),
            created: Some(created),
            line: Some(line),
        });
    }
    Ok((incidents, Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_the_severity_candidates() {
        let text = r#"[
  {"number": 45, "title": "Checkout down", "state": "CLOSED",
   "labels": [{"id": "LA_1", "name": "incident", "description": "", "color": "d73a4a"},
              {"id": "LA_2", "name": "sev1", "description": "", "color": "b60205"}],
   "createdAt": "2026-11-22T10:04:31Z", "closedAt": "2026-11-22T12:00:00Z",
   "url": "https://github.com/acme/ops/issues/45"}
]"#;
        let (incidents, _) = read(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(incidents[0].reference, "#45");
        assert_eq!(incidents[0].severities, ["incident", "sev1"]);
        assert_eq!(
            incidents[0].ids,
            ["45", "https://github.com/acme/ops/issues/45"]
        );
        assert_eq!(incidents[0].line, Some(2));
    }

    #[test]
    fn a_record_without_created_at_is_named() {
        let err =
            read("[{\"number\": 1, \"createdAt\": \"2026-11-22T10:04:31Z\"}, {\"number\": 2}]")
                .unwrap_err();
        assert_eq!(err, "record 2 (line 1): missing field `createdAt`");
    }
}
