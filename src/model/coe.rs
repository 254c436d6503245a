//! The COE document: its serde types, one per part of the file, and what can be read
//! off them (approvals, deadlines, durations). Completeness is `complete`, ids and links
//! `ids`, times and dates `dates`.
//!
//! Nothing here touches files, git or the terminal (reading and writing files lives in
//! `store`, the YAML layout in `store::format`), so it is tested with plain values.

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use super::dates::{add_days, days_between, parse_date, DateSchema, Stamp};
use super::is_placeholder;
use super::kinds::{ActionKind, ActionStatus, Status};
use super::policy::Config;
use super::times::Clock;

/// The file format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// One COE: the answers to the seven questions about one incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Coe {
    /// File format version; always 1.
    pub version: u32,
    /// `YYYY-MM-DD-slug`: the incident's start date and a slug of the title.
    pub id: String,
    /// One line that names the incident.
    pub title: String,
    /// draft | review | closed
    #[serde(default)]
    pub status: Status,
    /// One of the configured severities.
    pub severity: String,
    /// Who leads this COE (an owner, never a culprit).
    #[serde(default, deserialize_with = "text")]
    pub leader: String,
    /// The incident's id in the paging or ticket system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident_ref: Option<String>,
    /// Services involved.
    #[serde(default, deserialize_with = "list")]
    pub services: Vec<String>,
    /// Free-form tags.
    #[serde(default, deserialize_with = "list")]
    pub tags: Vec<String>,
    /// When the incident started, was detected, mitigated and resolved.
    pub incident: Incident,
    /// 1. What happened?
    #[serde(default)]
    pub what_happened: WhatHappened,
    /// 2. What was the impact on customers and your business?
    #[serde(default)]
    pub impact: Impact,
    /// 3. What was the root cause?
    #[serde(default)]
    pub root_cause: RootCause,
    /// 4. What data do you have to support this?
    #[serde(default, deserialize_with = "list")]
    pub data: Vec<DataPoint>,
    /// 5. What were the critical implications, especially security?
    #[serde(default)]
    pub implications: Implications,
    /// 6. What lessons did you learn?
    #[serde(default, deserialize_with = "list")]
    pub lessons: Vec<String>,
    /// 7. What corrective actions are you taking to prevent this from happening again?
    #[serde(default, deserialize_with = "list")]
    pub corrective_actions: Vec<CorrectiveAction>,
    /// Optional, after question 7: what else, besides the root cause, made the incident
    /// possible or worse.
    #[serde(
        default,
        deserialize_with = "list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub contributing_factors: Vec<ContributingFactor>,
    /// Who reviewed and approved this COE, and when (optional).
    #[serde(default, skip_serializing_if = "Review::is_empty")]
    pub review: Review,
}

/// `review`: the sign-off of a COE.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// Each approval, in the order given.
    #[serde(default, deserialize_with = "list")]
    pub approvals: Vec<Approval>,
}

impl Review {
    /// True when nobody has approved yet.
    pub fn is_empty(&self) -> bool {
        self.approvals.is_empty()
    }
}

/// One approval of a COE.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// Who approved (their git `user.name`).
    #[serde(deserialize_with = "text")]
    pub by: String,
    /// The day they approved.
    #[serde(deserialize_with = "required_date")]
    #[schemars(with = "DateSchema")]
    pub on: Date,
}

/// The incident's times. Each later time is optional and, when present, not before the one
/// before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    /// When customers were first affected.
    pub started: Stamp,
    /// When the team knew.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detected: Option<Stamp>,
    /// When customers stopped being affected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mitigated: Option<Stamp>,
    /// When the incident was fully over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<Stamp>,
}

/// Question 1.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WhatHappened {
    /// The story in a few sentences.
    #[serde(default, deserialize_with = "text")]
    pub summary: String,
    /// Events in time order.
    #[serde(default, deserialize_with = "list")]
    pub timeline: Vec<TimelineEntry>,
}

/// One event of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimelineEntry {
    /// When it happened.
    pub at: Stamp,
    /// What happened.
    #[serde(default, deserialize_with = "text")]
    pub event: String,
}

/// Question 2.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Impact {
    /// What customers could not do, how many, for how long.
    #[serde(default, deserialize_with = "text")]
    pub customers: String,
    /// How many customers were affected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customers_affected: Option<u64>,
    /// The cost to the business.
    #[serde(default, deserialize_with = "text")]
    pub business: String,
    /// What was done to make it right for customers.
    #[serde(default, deserialize_with = "text")]
    pub remediation: String,
}

/// Question 3.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RootCause {
    /// The root cause in a few sentences.
    #[serde(default, deserialize_with = "text")]
    pub summary: String,
    /// One of the configured categories.
    #[serde(default, deserialize_with = "text")]
    pub category: String,
    /// 5 Whys: each answers "why?" of the one before.
    #[serde(default, deserialize_with = "list")]
    pub whys: Vec<String>,
}

/// Question 4: one piece of evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataPoint {
    /// What the evidence shows.
    #[serde(default, deserialize_with = "text")]
    pub description: String,
    /// Where to see it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// Question 5.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Implications {
    /// Security implications; "None, because ..." is an answer.
    #[serde(default, deserialize_with = "text")]
    pub security: String,
    /// Other critical implications.
    #[serde(default, deserialize_with = "text")]
    pub other: String,
}

/// Question 7: one corrective action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectiveAction {
    /// `CA-1`, `CA-2`, ... unique within the COE.
    #[serde(default, deserialize_with = "text")]
    pub id: String,
    /// What will be done.
    #[serde(default, deserialize_with = "text")]
    pub action: String,
    /// prevent | detect | mitigate | process
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ActionKind>,
    /// The team or person who owns it.
    #[serde(default, deserialize_with = "text")]
    pub owner: String,
    /// When it is due.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "date"
    )]
    #[schemars(with = "Option<DateSchema>")]
    pub due: Option<Date>,
    /// open | done | wontfix
    #[serde(default)]
    pub status: ActionStatus,
    /// When it was done (set by coe when the status becomes done).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "date"
    )]
    #[schemars(with = "Option<DateSchema>")]
    pub done: Option<Date>,
    /// Why it was decided against (status wontfix).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The ticket that tracks it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// Something besides the root cause that made the incident possible or worse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContributingFactor {
    /// One of the configured categories.
    #[serde(default, deserialize_with = "text")]
    pub category: String,
    /// What it was and how it contributed.
    #[serde(default, deserialize_with = "text")]
    pub description: String,
}

/// A text answer: `key:` with nothing after it (YAML null) reads as empty.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

/// An optional calendar date, `YYYY-MM-DD`, with a message people understand.
fn date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    let Some(text) = Option::<String>::deserialize(d)? else {
        return Ok(None);
    };
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    parse_date(text).map(Some).map_err(serde::de::Error::custom)
}

/// A required calendar date, `YYYY-MM-DD`.
fn required_date<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
    date(d)?.ok_or_else(|| serde::de::Error::custom("needs a date: use YYYY-MM-DD"))
}

/// A list answer: `key:` with nothing after it (YAML null) reads as empty.
fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

impl Coe {
    /// The approvals that count toward `approvals:` in `.coe.yaml`: one per person (by
    /// name, ignoring case), and not the leader's own unless `allow_self_approval` is set.
    pub fn counted_approvals(&self, config: &Config) -> usize {
        let mut people: Vec<String> = Vec::new();
        for approval in &self.review.approvals {
            let by = approval.by.trim().to_lowercase();
            if by.is_empty() || people.contains(&by) {
                continue;
            }
            if !config.allow_self_approval && self.is_led_by(&approval.by) {
                continue;
            }
            people.push(by);
        }
        people.len()
    }

    /// How many more approvals this COE needs before it can be closed.
    pub fn approvals_missing(&self, config: &Config) -> usize {
        let needed = usize::try_from(config.approvals_for(&self.severity)).unwrap_or(0);
        needed.saturating_sub(self.counted_approvals(config))
    }

    /// Whether `name` is this COE's leader (names compared ignoring case and spacing).
    pub fn is_led_by(&self, name: &str) -> bool {
        let squash = |s: &str| {
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        !is_placeholder(&self.leader) && squash(&self.leader) == squash(name)
    }

    /// The day the incident started, in the configured `timezone`: the day every report,
    /// window and deadline counts from (23:30 EDT on the 14th is the 14th in New York).
    pub fn started_day(&self, clock: &Clock) -> Date {
        clock.day_of(&self.incident.started)
    }

    /// The date by which this COE must be complete: `due_days` after the incident started
    /// (the calendar's last day when that is beyond it).
    pub fn due_date(&self, config: &Config) -> Date {
        add_days(
            self.started_day(&config.clock()),
            i64::from(config.due_days.for_severity(&self.severity)),
        )
    }

    /// When `action` (one of this COE's) is due: its own `due`, else the default
    /// `action_due_days` gives its kind or this COE's severity.
    pub fn action_due(&self, action: &CorrectiveAction, config: &Config) -> Option<Date> {
        action.due.or_else(|| {
            let started = self.started_day(&config.clock());
            config.default_action_due(action.kind, &self.severity, started)
        })
    }

    /// Whole days past due on `today` of `action` (one of this COE's), when it is still
    /// open after the day [`Coe::action_due`] gives (its own `due`, else the default of
    /// `action_due_days`). The one definition of an overdue action: the report, `coe
    /// actions --overdue` and `coe check` all ask here.
    pub fn action_days_overdue(
        &self,
        action: &CorrectiveAction,
        config: &Config,
        today: Date,
    ) -> Option<i64> {
        let due = self.action_due(action, config)?;
        (action.status == ActionStatus::Open && due < today).then(|| days_between(today, due))
    }

    /// Whole days past [`Coe::due_date`] on `today`, when it is past.
    pub fn days_late(&self, config: &Config, today: Date) -> Option<i64> {
        let due = self.due_date(config);
        (today > due).then(|| days_between(today, due))
    }

    /// Minutes from started to mitigated, when mitigated is known and not before started.
    pub fn minutes_to_mitigate(&self) -> Option<i64> {
        let m = self.incident.mitigated.as_ref()?;
        Some(self.incident.started.minutes_until(m)).filter(|m| *m >= 0)
    }

    /// Minutes from started to detected.
    pub fn minutes_to_detect(&self) -> Option<i64> {
        let d = self.incident.detected.as_ref()?;
        Some(self.incident.started.minutes_until(d)).filter(|m| *m >= 0)
    }

    /// Customers affected × minutes from started to mitigated: the rollups' measure of pain.
    pub fn customer_minutes(&self) -> Option<u64> {
        let customers = self.impact.customers_affected?;
        let minutes = u64::try_from(self.minutes_to_mitigate()?).ok()?;
        Some(customers.saturating_mul(minutes))
    }
}

impl CorrectiveAction {
    /// A new open action with only its id and text.
    pub fn new(id: String, action: String) -> CorrectiveAction {
        CorrectiveAction {
            id,
            action,
            kind: None,
            owner: String::new(),
            due: None,
            status: ActionStatus::Open,
            done: None,
            reason: None,
            link: None,
        }
    }

    /// The parts of this action that are not filled in yet.
    pub fn missing_parts(&self) -> Vec<&'static str> {
        let mut parts = Vec::new();
        if is_placeholder(&self.action) {
            parts.push("action");
        }
        if self.kind.is_none() {
            parts.push("kind");
        }
        if is_placeholder(&self.owner) {
            parts.push("owner");
        }
        if self.due.is_none() {
            parts.push("due");
        }
        parts
    }
}
