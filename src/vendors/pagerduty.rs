//! PagerDuty's REST API `GET /incidents` response: `{"incidents": [...], "limit", "more"}`.
//!
//! Each incident has `id` (`PT4KHLK`), `incident_number` (`1234`), `title`, `status`
//! (`triggered`, `acknowledged`, `resolved`), `urgency` (`high`, `low`), `priority`
//! (`{"summary": "P1", ...}` or null when priorities are off), `created_at` and `html_url`.
//! People quote an incident as `#1234`, `1234`, `PD-1234`, its id or its URL.

use serde::Deserialize;

use super::{decode, json_records, normalize, required_day, Incident, Skipped};

#[derive(Debug, Deserialize)]
struct Record {
    id: String,
    incident_number: u64,
    created_at: String,
    #[serde(default)]
    urgency: Option<String>,
    #[serde(default)]
    priority: Option<Priority>,
    #[serde(default)]
    html_url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Priority {
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

/// The incidents of a `GET /incidents` response. PagerDuty has no declined or test
/// incidents: nothing is skipped by the source.
pub(super) fn read(text: &str) -> Result<(Vec<Incident>, Vec<Skipped>), String> {
    let mut incidents = Vec::new();
    for (index, (raw, line)) in json_records(text, Some("incidents"))?
        .into_iter()
        .enumerate()
    {
        let r: Record = decode(raw, index, line)?;
        let at = format!("record {} (line {line})", index + 1);
        let created = required_day(&r.created_at, "created_at", &at)?;
        if r.id.trim().is_empty() {
            return Err(format!("{at}: `id` is empty"));
        }
        let number = r.incident_number.to_string();
        let mut ids = vec![
            normalize(&number),
            normalize(&format!("PD-{number}")),
            normalize(&r.id),
        ];
        ids.extend(r.html_url.as_deref().map(normalize));
        let severities = r
            .priority
            .and_then(|p| p.summary.or(p.name))
            .into_iter()
            .chain(r.urgency)
            .collect();
        incidents.push(Incident {
            reference: format!("#{number}"),
            ids,
            severities,
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
    fn priority_then_urgency() {
        let text = r#"{"incidents": [
  {"id": "PT4KHLK", "incident_number": 1234, "created_at": "2026-11-22T09:58:00Z",
   "urgency": "high", "priority": {"id": "P53ZZH5", "summary": "P1"},
   "html_url": "https://acme.pagerduty.com/incidents/PT4KHLK"},
  {"id": "PQ2", "incident_number": 1235, "created_at": "2026-11-23T09:58:00Z",
   "urgency": "low", "priority": null}
], "limit": 25, "offset": 0, "more": false}"#;
        let (incidents, skipped) = read(text).unwrap_or_else(|e| panic!("{e}"));
        assert!(skipped.is_empty());
        assert_eq!(incidents[0].reference, "#1234");
        assert_eq!(incidents[0].severities, ["P1", "high"]);
        assert_eq!(
            incidents[0].ids,
            [
                "1234",
                "pd-1234",
                "pt4khlk",
                "https://acme.pagerduty.com/incidents/pt4khlk"
            ]
        );
        assert_eq!(incidents[1].severities, ["low"]);
        assert_eq!(incidents[1].line, Some(5));
    }

    #[test]
    fn a_bad_record_is_named() {
        let text = "{\"incidents\": [\n{\"id\": \"P1\", \"incident_number\": 1, \"created_at\": \"2026-11-22T09:58:00Z\"},\n{\"id\": \"P2\", \"incident_number\": \"two\", \"created_at\": \"x\"}\n]}";
        let err = read(text).unwrap_err();
        assert!(err.starts_with("record 2 (line 3): invalid type"), "{err}");
        let text =
            "{\"incidents\": [{\"id\": \"P1\", \"incident_number\": 1, \"created_at\": \"soon\"}]}";
        assert_eq!(
            read(text).unwrap_err(),
            "record 1 (line 1): `created_at` is `soon`, which is not a date or time"
        );
    }
}
