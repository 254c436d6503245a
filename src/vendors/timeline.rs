//! `--timeline FILE`: a timeline from a file the team already has, clipped to the incident.
//!
//! Three shapes are recognised from the content: CSV or TSV with a time and an event per
//! row (a header row `time,event` is optional); a Slack channel export's day file (a JSON
//! array of messages with `ts`, `user` or `user_profile.real_name`, and `text`); and
//! PagerDuty log entries (`{"log_entries": [...]}` with `created_at` and `summary` or
//! `type`, as `GET /incidents/{id}/log_entries` returns them). A record that cannot be read
//! is an error naming the record: nothing is imported from a file coe misreads.

use std::path::Path;

use anyhow::Result;
use serde::Deserialize;

use crate::error::UserError;
use crate::model::coe::TimelineEntry;
use crate::model::dates::Stamp;
use crate::model::policy::TimelineMargin;
use crate::model::times::{Clock, Placed};

/// The shapes of timeline files coe reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Comma-separated `time,event`.
    Csv,
    /// Tab-separated `time<TAB>event`.
    Tsv,
    /// A Slack channel export's day file.
    Slack,
    /// PagerDuty log entries.
    PagerDuty,
}

impl Source {
    /// How the source is named in messages.
    pub fn name(self) -> &'static str {
        match self {
            Source::Csv => "CSV",
            Source::Tsv => "TSV",
            Source::Slack => "Slack export",
            Source::PagerDuty => "PagerDuty log entries",
        }
    }
}

/// A timeline read from a file, clipped to the incident window.
#[derive(Debug, Clone)]
pub struct Imported {
    /// What the file was.
    pub source: Source,
    /// The entries inside the window, in time order.
    pub entries: Vec<TimelineEntry>,
    /// How many records fell outside the window and were left out.
    pub outside: usize,
}

/// Reads `path` and keeps the entries from `margin.before` minutes before `started` to
/// `margin.after` minutes after `end` (resolved, else mitigated, else started). A bare
/// `HH:MM` in CSV/TSV is on the incident's day, or the next day when it would go back in
/// time after the row before it.
pub fn import(
    path: &Path,
    clock: &Clock,
    started: &Stamp,
    end: Option<&Stamp>,
    margin: TimelineMargin,
) -> Result<Imported> {
    let text = crate::store::read_text(path).map_err(|e| fail(path, &e.to_string()))?;
    let (source, mut entries) = parse(&text, clock, started).map_err(|e| fail(path, &e))?;
    entries.sort_by_key(|e| e.at.at());
    let from = started.at() - jiff::SignedDuration::from_mins(i64::from(margin.before));
    let to = end.unwrap_or(started).at() + jiff::SignedDuration::from_mins(i64::from(margin.after));
    let total = entries.len();
    entries.retain(|e| e.at.at() >= from && e.at.at() <= to);
    Ok(Imported {
        source,
        outside: total - entries.len(),
        entries,
    })
}

fn fail(path: &Path, message: &str) -> anyhow::Error {
    UserError::new(format!("--timeline {}: {message}", path.display()))
        .hint("coe reads CSV or TSV (time,event), a Slack channel export's day file, or PagerDuty log entries JSON; nothing was written")
        .into()
}

/// Recognises the file's shape and reads every record.
pub fn parse(
    text: &str,
    clock: &Clock,
    started: &Stamp,
) -> Result<(Source, Vec<TimelineEntry>), String> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        return Ok((Source::Slack, slack(text, clock)?));
    }
    if trimmed.starts_with('{') {
        return Ok((Source::PagerDuty, pagerduty(text, clock)?));
    }
    let first_line = text.lines().next().unwrap_or_default();
    let source = if first_line.contains('\t') {
        Source::Tsv
    } else {
        Source::Csv
    };
    Ok((source, delimited(text, source, clock, started)?))
}

fn delimited(
    text: &str,
    source: Source,
    clock: &Clock,
    started: &Stamp,
) -> Result<Vec<TimelineEntry>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(if source == Source::Tsv { b'\t' } else { b',' })
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut entries: Vec<TimelineEntry> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("row {}: {e}", i + 1))?;
        let line = record.position().map_or(i + 1, |p| p.line() as usize);
        let time = record.get(0).unwrap_or_default();
        if i == 0 && time.eq_ignore_ascii_case("time") {
            continue;
        }
        if record.iter().all(str::is_empty) {
            continue;
        }
        let event = record.iter().skip(1).collect::<Vec<_>>().join(", ");
        if event.trim().is_empty() {
            return Err(format!(
                "line {line}: `{time}` has no event (expected time,event)"
            ));
        }
        let previous = entries.last().map_or(started, |e| &e.at);
        let at = match entries.last() {
            None => clock.parse(time, Some(clock.day_of(started))),
            Some(_) => clock
                .place_after(time, previous)
                .map(|placed| match placed {
                    Placed::InOrder(s) | Placed::NextDay(s) | Placed::Before(s) => s,
                }),
        }
        .map_err(|e| format!("line {line}: {e}"))?;
        entries.push(TimelineEntry {
            at,
            event: event.trim().to_string(),
        });
    }
    Ok(entries)
}

/// One message of a Slack export day file (fields as Slack documents them).
#[derive(Deserialize)]
struct SlackMessage {
    ts: Option<String>,
    user: Option<String>,
    #[serde(default)]
    text: String,
    subtype: Option<String>,
    user_profile: Option<SlackProfile>,
}

#[derive(Deserialize)]
struct SlackProfile {
    real_name: Option<String>,
    display_name: Option<String>,
}

fn slack(text: &str, clock: &Clock) -> Result<Vec<TimelineEntry>, String> {
    let messages: Vec<serde_json::Value> =
        serde_json::from_str(text).map_err(|e| format!("not a Slack export day file: {e}"))?;
    let mut entries = Vec::new();
    for (i, value) in messages.into_iter().enumerate() {
        let n = i + 1;
        let m: SlackMessage =
            serde_json::from_value(value).map_err(|e| format!("message {n}: {e}"))?;
        // Joins, leaves and topic changes are not events of the incident.
        if m.subtype.as_deref().is_some_and(|s| {
            matches!(
                s,
                "channel_join" | "channel_leave" | "channel_topic" | "channel_purpose"
            )
        }) {
            continue;
        }
        let ts = m.ts.ok_or_else(|| format!("message {n} has no `ts`"))?;
        let at = slack_time(&ts, clock).ok_or_else(|| {
            format!("message {n}: `ts` {ts:?} is not a Slack timestamp (seconds.micros)")
        })?;
        let who = m
            .user_profile
            .and_then(|p| {
                p.real_name
                    .filter(|n| !n.is_empty())
                    .or(p.display_name.filter(|n| !n.is_empty()))
            })
            .or(m.user);
        let said = m.text.trim();
        if said.is_empty() {
            continue;
        }
        let event = match who {
            Some(who) => format!("{who}: {said}"),
            None => said.to_string(),
        };
        entries.push(TimelineEntry { at, event });
    }
    Ok(entries)
}

fn slack_time(ts: &str, clock: &Clock) -> Option<Stamp> {
    let seconds: i64 = ts.split('.').next()?.parse().ok()?;
    let at = jiff::Timestamp::from_second(seconds).ok()?;
    clock.at(at).ok()
}

/// PagerDuty's `GET /incidents/{id}/log_entries` (and `/log_entries`) response.
#[derive(Deserialize)]
struct PagerDutyLog {
    log_entries: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct PagerDutyEntry {
    created_at: Option<String>,
    summary: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

fn pagerduty(text: &str, clock: &Clock) -> Result<Vec<TimelineEntry>, String> {
    let log: PagerDutyLog = serde_json::from_str(text)
        .map_err(|e| format!("not PagerDuty log entries (`{{\"log_entries\": [...]}}`): {e}"))?;
    let mut entries = Vec::new();
    for (i, value) in log.log_entries.into_iter().enumerate() {
        let n = i + 1;
        let e: PagerDutyEntry =
            serde_json::from_value(value).map_err(|e| format!("log entry {n}: {e}"))?;
        let created = e
            .created_at
            .ok_or_else(|| format!("log entry {n} has no `created_at`"))?;
        let at: Stamp = created
            .parse::<jiff::Timestamp>()
            .ok()
            .and_then(|t| clock.at(t).ok())
            .ok_or_else(|| format!("log entry {n}: `created_at` {created:?} is not a time"))?;
        let event = e
            .summary
            .filter(|s| !s.trim().is_empty())
            .or_else(|| {
                e.kind
                    .map(|k| k.trim_end_matches("_log_entry").replace('_', " "))
            })
            .ok_or_else(|| format!("log entry {n} has neither `summary` nor `type`"))?;
        entries.push(TimelineEntry {
            at,
            event: event.trim().to_string(),
        });
    }
    Ok(entries)
}

/// Adds `imported` to `timeline`, leaving out entries already there, in time order.
pub fn merge(timeline: &mut Vec<TimelineEntry>, imported: &[TimelineEntry]) -> usize {
    let mut added = 0;
    for entry in imported {
        if !timeline
            .iter()
            .any(|e| e.at == entry.at && e.event == entry.event)
        {
            timeline.push(entry.clone());
            added += 1;
        }
    }
    timeline.sort_by_key(|e| e.at.at());
    added
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(s: &str) -> Stamp {
        s.parse().unwrap()
    }

    #[test]
    fn csv_rows_after_midnight_keep_their_order() {
        let clock = Clock::utc();
        let started = stamp("2017-01-31T23:00:00Z");
        let (source, entries) = parse(
            "time,event\n23:27,\"Replication lag, then stop\"\n00:36,Directory removed\n",
            &clock,
            &started,
        )
        .unwrap();
        assert_eq!(source, Source::Csv);
        assert_eq!(entries[0].event, "Replication lag, then stop");
        assert_eq!(entries[1].at.as_str(), "2017-02-01T00:36:00Z");
        assert!(parse("23:27\n", &clock, &started)
            .unwrap_err()
            .contains("line 1"));
        assert!(parse("time,event\nsoon,x\n", &clock, &started)
            .unwrap_err()
            .starts_with("line 2: `soon` is not a time"));
    }
}
