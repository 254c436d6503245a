//! incident.io's API v2 incidents list: `{"incidents": [...], "pagination_meta": {...}}`.
//!
//! Each incident has `id`, `reference` (`INC-123`), `name`, `mode` (`standard`,
//! `retrospective`, `test`, `tutorial`), `severity` (`{"name": "Major", ...}`),
//! `incident_status` (`{"category": "live" | "learning" | "closed" | "triage" |
//! "declined" | "merged" | "canceled" | "paused", ...}`), `created_at` and `permalink`.
//! Declined, merged and canceled incidents, and test and tutorial ones, need no COE.

use serde::Deserialize;

use super::{decode, json_records, normalize, required_day, Incident, Skipped};

#[derive(Debug, Deserialize)]
struct Record {
    id: String,
    reference: String,
    created_at: String,
    #[serde(default)]
    mode: Option<String>,
    #[serde(default)]
    severity: Option<Named>,
    incident_status: Status,
    #[serde(default)]
    permalink: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Named {
    name: String,
}

#[derive(Debug, Deserialize)]
struct Status {
    category: String,
}

/// Why the source says an incident needs no COE, from its status category and mode.
fn skip_reason(category: &str, mode: Option<&str>) -> Option<&'static str> {
    match category {
        "declined" => return Some("declined"),
        "merged" => return Some("merged into another incident"),
        "canceled" | "cancelled" => return Some("canceled"),
        _ => {}
    }
    match mode {
        Some("test") => Some("a test incident"),
        Some("tutorial") => Some("a tutorial incident"),
        _ => None,
    }
}

/// The incidents of an incidents list, and those the source skips.
pub(super) fn read(text: &str) -> Result<(Vec<Incident>, Vec<Skipped>), String> {
    let mut incidents = Vec::new();
    let mut skipped = Vec::new();
    for (index, (raw, line)) in json_records(text, Some("incidents"))?
        .into_iter()
        .enumerate()
    {
        let r: Record = decode(raw, index, line)?;
        let at = format!("record {} (line {line})", index + 1);
        if r.reference.trim().is_empty() {
            return Err(format!("{at}: `reference` is empty"));
        }
        let created = required_day(&r.created_at, "created_at", &at)?;
        let reference = r.reference.trim().to_string();
        if let Some(why) = skip_reason(&r.incident_status.category, r.mode.as_deref()) {
            skipped.push(Skipped {
                reference,
                why: why.into(),
                line: Some(line),
            });
            continue;
        }
        let mut ids = vec![normalize(&reference), normalize(&r.id)];
        ids.extend(r.permalink.as_deref().map(normalize));
        incidents.push(Incident {
            reference,
            ids,
            severities: r.severity.map(|s| s.name).into_iter().collect(),
            created: Some(created),
            line: Some(line),
        });
    }
    Ok((incidents, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declined_merged_canceled_and_tests_are_skipped() {
        let record = |reference: &str, category: &str, mode: &str| {
            format!(
                r#"{{"id": "01{reference}", "reference": "{reference}", "mode": "{mode}",
                "created_at": "2026-11-22T09:58:00.1Z", "severity": {{"name": "Major"}},
                "incident_status": {{"category": "{category}", "name": "x"}}}}"#
            )
        };
        let text = format!(
            "{{\"incidents\": [{}, {}, {}, {}, {}], \"pagination_meta\": {{\"page_size\": 25}}}}",
            record("INC-1", "closed", "standard"),
            record("INC-2", "declined", "standard"),
            record("INC-3", "merged", "standard"),
            record("INC-4", "live", "test"),
            record("INC-5", "learning", "retrospective"),
        );
        let (incidents, skipped) = read(&text).unwrap_or_else(|e| panic!("{e}"));
        let refs: Vec<&str> = incidents.iter().map(|i| i.reference.as_str()).collect();
        assert_eq!(refs, ["INC-1", "INC-5"]);
        assert_eq!(incidents[0].severities, ["Major"]);
        assert_eq!(incidents[0].ids, ["inc-1", "01inc-1"]);
        let whys: Vec<&str> = skipped.iter().map(|s| s.why.as_str()).collect();
        assert_eq!(
            whys,
            [
                "declined",
                "merged into another incident",
                "a test incident"
            ]
        );
    }

    #[test]
    fn a_record_without_a_status_is_named() {
        let text = "{\"incidents\": [{\"id\": \"01\", \"reference\": \"INC-1\", \"created_at\": \"2026-11-22T09:58:00Z\"}]}";
        assert_eq!(
            read(text).unwrap_err(),
            "record 1 (line 1): missing field `incident_status`"
        );
    }
}
