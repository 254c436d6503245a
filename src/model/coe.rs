//! The COE document: its serde types, ids and slugs, and the completeness rule.
//!
//! Nothing here touches files, git or the terminal (reading and writing files lives in
//! `store`, the YAML layout in `format`), so it is tested with plain values. The one
//! exception is [`today`], which reads the clock and `COE_TODAY`.

use std::fmt;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use crate::model::policy::Config;
use crate::model::questions::{Answer, Min, Question, QUESTIONS};

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

/// Where a COE is in its life.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Being written.
    #[default]
    Draft,
    /// Written, awaiting review.
    Review,
    /// Complete and reviewed.
    Closed,
}

impl Status {
    /// All statuses, in life order.
    pub const ALL: [Status; 3] = [Status::Draft, Status::Review, Status::Closed];

    /// The name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Review => "review",
            Status::Closed => "closed",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
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

/// What a corrective action does about a repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ActionKind {
    /// Stops it happening again.
    Prevent,
    /// Finds it sooner.
    Detect,
    /// Makes it hurt less.
    Mitigate,
    /// Changes how the team works.
    Process,
}

impl ActionKind {
    /// All kinds, in the order the interview offers them.
    pub const ALL: [ActionKind; 4] = [Self::Prevent, Self::Detect, Self::Mitigate, Self::Process];

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Prevent => "prevent",
            Self::Detect => "detect",
            Self::Mitigate => "mitigate",
            Self::Process => "process",
        }
    }
}

/// Where a corrective action is.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ActionStatus {
    /// Not done yet.
    #[default]
    Open,
    /// Done.
    Done,
    /// Decided against, with the reason in the action text.
    Wontfix,
}

impl ActionStatus {
    /// All statuses, in the order the interview offers them.
    pub const ALL: [ActionStatus; 3] = [Self::Open, Self::Done, Self::Wontfix];

    /// The name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Done => "done",
            Self::Wontfix => "wontfix",
        }
    }
}

/// An RFC 3339 timestamp that keeps the text it was written as, so that loading and saving
/// a file leaves it byte-identical even when it uses an offset other than `Z`.
#[derive(Debug, Clone)]
pub struct Stamp {
    at: jiff::Timestamp,
    text: String,
}

impl Stamp {
    /// The instant.
    pub fn at(&self) -> jiff::Timestamp {
        self.at
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The UTC calendar date of the instant.
    pub fn date(&self) -> Date {
        self.at.to_zoned_datetime(jiff::tz::TimeZone::UTC).date()
    }

    /// Whole minutes from `self` to `later` (negative when `later` is earlier).
    pub fn minutes_until(&self, later: &Stamp) -> i64 {
        (later.at.as_second() - self.at.as_second()).div_euclid(60)
    }
}

impl From<jiff::Timestamp> for Stamp {
    fn from(at: jiff::Timestamp) -> Self {
        // Minute precision is what people type and what timelines need.
        let at = at
            .round(
                jiff::TimestampRound::new()
                    .smallest(jiff::Unit::Minute)
                    .mode(jiff::RoundMode::Trunc),
            )
            .unwrap_or(at);
        Stamp {
            at,
            text: at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        }
    }
}

impl std::str::FromStr for Stamp {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        // RFC 3339 requires a full date, a time and an offset; jiff checks real calendar
        // dates (no 30 February) and accepts lower-case `t`/`z` as RFC 3339 allows.
        let valid_shape = text.len() >= 20 && matches!(text.as_bytes().get(10), Some(b'T' | b't'));
        match text.parse::<jiff::Timestamp>() {
            Ok(at) if valid_shape => Ok(Stamp {
                at,
                text: text.to_string(),
            }),
            Ok(_) => Err(format!(
                "`{text}` is not an RFC 3339 timestamp (e.g. 2026-11-22T09:58:00Z)"
            )),
            Err(e) => Err(format!(
                "`{text}` is not a valid RFC 3339 timestamp (e.g. 2026-11-22T09:58:00Z): {e}"
            )),
        }
    }
}

impl PartialEq for Stamp {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Stamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Stamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date-time" })
    }
}

/// The JSON Schema of a calendar date (`YYYY-MM-DD`).
struct DateSchema;

impl JsonSchema for DateSchema {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date" })
    }
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

/// Parses a calendar date written `YYYY-MM-DD` (exactly that shape, and a real date).
pub fn parse_date(text: &str) -> Result<Date, String> {
    let t = text.trim();
    let shaped = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    match t.parse::<Date>() {
        Ok(date) if shaped => Ok(date),
        Err(_) if shaped => Err(format!("`{t}` is not a real calendar date")),
        _ => Err(format!(
            "`{t}` is not a date: use YYYY-MM-DD, such as 2026-12-15"
        )),
    }
}

/// A list answer: `key:` with nothing after it (YAML null) reads as empty.
fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// True when a text is still a template placeholder (`TODO`, `TBD`, `...`, empty), which
/// does not count as an answer.
pub fn is_placeholder(text: &str) -> bool {
    let t = text.trim();
    if t.chars()
        .all(|c| c == '.' || c == '…' || c == '-' || c == '_' || c.is_whitespace())
    {
        return true;
    }
    const MARKERS: [&str; 4] = ["TODO", "TBD", "FIXME", "XXX"];
    // The marker alone, in any case and with punctuation ("todo", "TBD."), or written in
    // capitals and followed by a note ("TODO: ask the DBA", "TBD pending analysis"); never
    // an answer that merely starts with the word ("Todo service returned 500s").
    let is_marker_alone = |word: &str| {
        let bare = word.trim_end_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
        MARKERS.iter().any(|m| bare.eq_ignore_ascii_case(m))
    };
    if is_marker_alone(t) {
        return true;
    }
    MARKERS.iter().any(|m| {
        t.strip_prefix(m)
            .is_some_and(|rest| rest.starts_with([':', ' ', '(', ',', '.', ';']))
    })
}

/// A field that keeps a COE from being complete.
#[derive(Debug, Clone)]
pub struct Missing {
    /// The question it belongs to.
    pub question: &'static Question,
    /// Dotted path of the field, e.g. `root_cause.whys` or `corrective_actions[1].owner`.
    pub field: String,
    /// What is missing, as a sentence fragment ("at least 3 whys (has 1)").
    pub what: String,
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

    /// The fields that keep this COE from being complete; empty when it is complete.
    pub fn missing(&self, config: &Config) -> Vec<Missing> {
        let mut out = Vec::new();
        for question in &QUESTIONS {
            for field in question.fields {
                let mut miss = |field: String, what: String| {
                    out.push(Missing {
                        question,
                        field,
                        what,
                    })
                };
                match field.answer {
                    Answer::Text { get, required } => {
                        if required && is_placeholder(get(self)) {
                            miss(field.path.into(), "an answer".into());
                        }
                    }
                    Answer::Items { get, min, .. } => {
                        let have = get(self).into_iter().filter(|t| !is_placeholder(t)).count();
                        let need = min.count(config);
                        if have < need {
                            let what = match min {
                                Min::Entries(_) => plural(need, "entry", "entries"),
                                Min::ConfiguredWhys => {
                                    format!("{} (has {have})", plural(need, "why", "whys"))
                                }
                            };
                            miss(field.path.into(), format!("at least {what}"));
                        }
                    }
                    Answer::Category(get) => {
                        if is_placeholder(get(self)) {
                            miss(field.path.into(), "a category".into());
                        }
                    }
                    Answer::Actions(get) => {
                        let actions = get(self);
                        if actions.is_empty() {
                            miss(field.path.into(), "at least 1 corrective action".into());
                        }
                        for (i, ca) in actions.iter().enumerate() {
                            for part in ca.missing_parts() {
                                miss(
                                    format!("{}[{i}].{part}", field.path),
                                    format!("the action's {part}"),
                                );
                            }
                        }
                    }
                    Answer::Count(_) => {}
                }
            }
        }
        out
    }

    /// True when all seven questions are answered.
    pub fn is_complete(&self, config: &Config) -> bool {
        self.missing(config).is_empty()
    }

    /// The questions (by number) that have every required field answered.
    pub fn answered_questions(&self, config: &Config) -> Vec<u8> {
        answered(&self.missing(config))
    }

    /// The date by which this COE must be complete: `due_days` after the incident started
    /// (the calendar's last day when that is beyond it).
    pub fn due_date(&self, config: &Config) -> Date {
        add_days(
            self.incident.started.date(),
            i64::from(config.due_days.for_severity(&self.severity)),
        )
    }

    /// When `action` (one of this COE's) is due: its own `due`, else the default
    /// `action_due_days` gives its kind or this COE's severity.
    pub fn action_due(&self, action: &CorrectiveAction, config: &Config) -> Option<Date> {
        action.due.or_else(|| {
            config.default_action_due(action.kind, &self.severity, self.incident.started.date())
        })
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

    /// True when still open and due before `today`.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.status == ActionStatus::Open && self.due.is_some_and(|due| due < today)
    }

    /// Whole days past due on `today`, for an open action past its due date.
    pub fn days_overdue(&self, today: Date) -> Option<i64> {
        self.due
            .filter(|_| self.is_overdue(today))
            .map(|due| days_between(today, due))
    }
}

/// `date` moved by `days` (saturating at the ends of the calendar).
pub fn add_days(date: Date, days: i64) -> Date {
    let days = days.clamp(-10_000_000, 10_000_000);
    date.saturating_add(jiff::SignedDuration::from_hours(days * 24))
}

/// Whole days from `earlier` to `later` (negative when `later` is earlier).
pub fn days_between(later: Date, earlier: Date) -> i64 {
    later.duration_since(earlier).as_secs().div_euclid(86_400)
}

/// The questions (by number) that nothing in `missing` (what [`Coe::missing`] found)
/// belongs to: for a caller that already has the missing list.
pub fn answered(missing: &[Missing]) -> Vec<u8> {
    QUESTIONS
        .iter()
        .filter(|q| !missing.iter().any(|m| m.question.number == q.number))
        .map(|q| q.number)
        .collect()
}

/// `1 entry`, `3 entries`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The slug of a title: lowercase ASCII letters, digits and `-`, at most 60 characters.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    if slug.len() > 60 {
        slug.truncate(60);
        // Cut at a word boundary when there is one in the second half.
        if let Some(cut) = slug.rfind('-').filter(|&i| i > 30) {
            slug.truncate(cut);
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "incident".to_string()
    } else {
        slug
    }
}

/// Common Latin accented letters to their ASCII base, so "Café" slugs as "cafe".
fn fold_accent(c: char) -> impl Iterator<Item = char> {
    let folded: &str = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ß' => "ss",
        _ => "",
    };
    let keep = if folded.is_empty() { Some(c) } else { None };
    folded.chars().chain(keep)
}

/// The id of a COE: the incident's start date and the title's slug.
pub fn make_id(started: &Stamp, title: &str) -> String {
    format!("{}-{}", started.date(), slugify(title))
}

/// Why an id is not valid, or `None` when it is: `YYYY-MM-DD-slug`, the date a real one,
/// the slug lowercase ASCII letters, digits and `-` (never `/` or `..`).
pub fn id_problem(id: &str) -> Option<String> {
    let bad = |why: &str| Some(format!("invalid COE id `{id}`: {why}"));
    if id.contains('/') || id.contains('\\') || id.contains("..") {
        return bad("it must not contain `/`, `\\` or `..`");
    }
    let (date, slug) = match (id.get(..10), id.get(10..)) {
        (Some(d), Some(rest)) if rest.starts_with('-') => (d, &rest[1..]),
        _ => return bad("expected YYYY-MM-DD-slug"),
    };
    if parse_date(date).is_err() {
        return bad("it must start with a real date, YYYY-MM-DD");
    }
    if slug.is_empty()
        || !slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return bad("the part after the date must be lowercase letters, digits and `-`");
    }
    if slug.len() > 64 {
        return bad("the part after the date is longer than 64 characters");
    }
    None
}

/// What is wrong with a `link:`: it must be an `http(s)://` address or a path in the
/// repository (`docs/graphs/latency.png`). `None` when it is fine.
pub fn link_problem(link: &str) -> Option<String> {
    let link = link.trim();
    if link.is_empty() {
        return Some("the link is empty".into());
    }
    if link.chars().any(char::is_whitespace) {
        return Some(format!(
            "`{link}` is not a link: a URL or a repository path has no spaces"
        ));
    }
    let scheme_len = link.find(':').filter(|&i| {
        i > 0
            && link[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            && link[..1].chars().all(|c| c.is_ascii_alphabetic())
    });
    match scheme_len {
        Some(i) => {
            let scheme = link[..i].to_ascii_lowercase();
            let host = link[i + 1..]
                .strip_prefix("//")
                .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default());
            if scheme != "http" && scheme != "https" {
                Some(format!(
                    "`{link}` is not a link coe accepts: use an http(s):// address or a repository path"
                ))
            } else if host.is_none_or(str::is_empty) {
                Some(format!("`{link}` has no host name after `{scheme}://`"))
            } else {
                None
            }
        }
        None if link.starts_with('/') => Some(format!(
            "`{link}` is an absolute path: link to a file in the repository with a relative path, or to an http(s):// address"
        )),
        None => None,
    }
}

/// Today's date: `COE_TODAY` (YYYY-MM-DD) when set, so reports and checks can be
/// reproduced for a given day; else the local date. A `COE_TODAY` that is not a date is
/// reported once and ignored.
pub fn today() -> Date {
    static WARNED: std::sync::Once = std::sync::Once::new();
    match std::env::var("COE_TODAY") {
        Ok(text) if !text.trim().is_empty() => match parse_date(&text) {
            Ok(date) => return date,
            Err(e) => WARNED.call_once(|| {
                crate::output::ui::warn(format!("COE_TODAY: {e}; using today's date instead"))
            }),
        },
        _ => {}
    }
    jiff::ZonedDateTime::now().date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_required_field_of_the_seven_questions_is_checked() {
        let config = Config::default();
        let complete =
            crate::store::format::parse(include_str!("../../fuzz/seeds/load_coe/complete.yaml"))
                .unwrap();
        assert!(
            complete.missing(&config).is_empty(),
            "{:?}",
            complete.missing(&config)
        );
        let empty =
            crate::store::format::parse(include_str!("../../fuzz/seeds/load_coe/minimal.yaml"))
                .unwrap();
        let missing: Vec<String> = empty
            .missing(&config)
            .into_iter()
            .map(|m| m.field)
            .collect();
        let required: Vec<&str> = QUESTIONS
            .iter()
            .flat_map(|q| q.required_fields())
            .map(|f| f.path)
            .collect();
        assert_eq!(missing, required);
        for q in &QUESTIONS {
            assert!(crate::store::format::to_yaml(&complete).contains(&format!(
                "# {}. {}\n{}:",
                q.number,
                q.text,
                q.section.key()
            )));
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("Checkout latency spike after config push"),
            "checkout-latency-spike-after-config-push"
        );
        assert_eq!(
            slugify("  Café: DNS / TLS outage!! "),
            "cafe-dns-tls-outage"
        );
        assert_eq!(slugify("日本"), "incident");
        let long = slugify(&"word ".repeat(40));
        assert!(long.len() <= 60 && !long.ends_with('-'), "{long}");
    }

    #[test]
    fn ids() {
        assert_eq!(id_problem("2026-11-22-checkout-latency"), None);
        assert_eq!(id_problem("2026-11-22-checkout-latency-2"), None);
        assert!(id_problem("2026-02-30-x").is_some());
        assert!(id_problem("../etc/passwd").is_some());
        assert!(id_problem("2026-11-22-a/b").is_some());
        assert!(id_problem("2026-11-22-..").is_some());
        assert!(id_problem("2026-11-22-Upper").is_some());
        assert!(id_problem("2026-11-22").is_some());
    }

    #[test]
    fn links_are_web_addresses_or_repository_paths() {
        assert_eq!(link_problem("https://grafana.example.com/d/abc"), None);
        assert_eq!(link_problem("HTTP://example.com"), None);
        assert_eq!(link_problem("docs/graphs/latency.png"), None);
        assert!(link_problem("not a url").is_some());
        assert!(link_problem("ftp://example.com/x").is_some());
        assert!(link_problem("https://").is_some());
        assert!(link_problem("javascript:alert(1)").is_some());
        assert!(link_problem("/etc/passwd").is_some());
        assert!(link_problem("").is_some());
    }

    #[test]
    fn placeholders() {
        for p in [
            "",
            "  ",
            "TODO",
            "todo",
            "TODO: fill in",
            "TBD",
            "...",
            "…",
            "TBD.",
            "TBD pending analysis",
            "FIXME (ask DBA)",
        ] {
            assert!(is_placeholder(p), "{p:?}");
        }
        for a in [
            "None: no data exposed",
            "Todos service crashed",
            "Tbdx",
            "Todo service returned 500s",
            "XXX-large payloads were not tested",
            "todo: the to-do list app",
        ] {
            assert!(!is_placeholder(a), "{a:?}");
        }
    }

    #[test]
    fn stamps() {
        let s: Stamp = "2026-11-22T10:58:00+01:00"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.as_str(), "2026-11-22T10:58:00+01:00");
        assert_eq!(s.date().to_string(), "2026-11-22");
        assert!("2026-02-30T10:00:00Z".parse::<Stamp>().is_err());
        assert!("2026-11-22".parse::<Stamp>().is_err());
        assert!("2026-11-22 10:00".parse::<Stamp>().is_err());
    }
}
