//! The report as data: the types every format renders and `--format json` prints.
//!
//! [`Report`] is the JSON output of `coe report --format json`: its field names are a
//! contract (see the README), so they change only with a new major version.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::impact::{ImpactModel, Measure};
use crate::model::coe::{Coe, CorrectiveAction};
use crate::model::dates::{add_days, days_between};
use crate::model::kinds::{ActionStatus, Status};
use crate::model::policy::Config;
pub use crate::store::load::Unreadable;

/// The days a report covers: `since` inclusive, `until` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The first day in the window.
    pub since: Date,
    /// The first day after the window.
    pub until: Date,
}

impl Window {
    /// The window from `since` to `last`, both inclusive (as typed on the command line).
    pub fn inclusive(since: Date, last: Date) -> Window {
        Window {
            since,
            until: add_days(last, 1),
        }
    }

    /// True when `date` is in the window.
    pub fn contains(&self, date: Date) -> bool {
        self.since <= date && date < self.until
    }

    /// The number of days in the window.
    pub fn days(&self) -> i64 {
        days_between(self.until, self.since).max(0)
    }

    /// The last day in the window.
    pub fn last_day(&self) -> Date {
        add_days(self.until, -1)
    }
}

/// Everything `coe report` shows. Serialized as the JSON report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The days the report covers.
    pub window: WindowView,
    /// The day state (overdue, open) is measured on.
    pub today: Date,
    /// The window at a glance.
    pub summary: Summary,
    /// The executive summary: sentences generated from the figures, most important first.
    pub headline: Vec<String>,
    /// How impact is measured and ranked (see the README's "Impact").
    pub impact: ImpactModel,
    /// Incidents that started in the window, most impact first (unknown impact last, then
    /// oldest first).
    pub incidents: Vec<IncidentRow>,
    /// Corrective actions due or done in the window, overdue, and open by owner.
    pub actions: ActionsRollup,
    /// Where customer pain came from: per category and per service.
    pub root_causes: RootCauses,
    /// Contributing factors: per category and per service × factor category.
    pub contributing_factors: Factors,
    /// Problems that came back.
    pub recurrences: Recurrences,
    /// Lessons of the window's incidents.
    pub lessons: Vec<LessonRow>,
    /// Incomplete COEs past their due date (across all COEs), most late first.
    pub overdue_coes: Vec<OverdueCoe>,
    /// Corrective actions done by their due date over those due, per month: the twelve
    /// months ending with the window's, oldest first.
    pub on_time: Vec<crate::report::on_time::OnTimeMonth>,
    /// Per month over the last year (per quarter for windows over two years).
    pub trends: Trends,
    /// COE files that could not be read and are left out of every figure.
    pub unreadable: Vec<Unreadable>,
}

/// The window as shown: both ends inclusive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowView {
    /// The first day.
    pub since: Date,
    /// The last day (inclusive).
    pub until: Date,
    /// The number of days.
    pub days: i64,
    /// The configured `timezone` whose days these are.
    pub timezone: String,
}

/// The window at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Incidents that started in the window.
    pub incidents: usize,
    /// Those incidents per severity: every configured severity in configured order (zeros
    /// included), then any other severity found, by name.
    pub by_severity: Vec<SeverityCount>,
    /// Customers affected, summed over the window's incidents that give a number; `null`
    /// when none does (unknown, not zero).
    pub customers_affected: Option<u64>,
    /// The window's incidents that give no number of customers affected.
    pub incidents_without_customer_count: usize,
    /// Median minutes from started to detected, over the incidents with a detected time.
    pub median_minutes_to_detect: Option<f64>,
    /// How many incidents that median is over.
    pub detected_incidents: usize,
    /// Median minutes from started to mitigated, over the incidents with a mitigated time.
    pub median_minutes_to_mitigate: Option<f64>,
    /// How many incidents that median is over.
    pub mitigated_incidents: usize,
    /// The window's incidents whose COE is not complete yet.
    pub window_incomplete: usize,
    /// All COEs that are not complete yet.
    pub incomplete: usize,
    /// All incomplete COEs past their due date (`due_days` after the incident started).
    pub overdue: usize,
    /// The configured `due_days`.
    pub due_days: u32,
}

/// Incidents of one severity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeverityCount {
    /// The severity.
    pub severity: String,
    /// How many incidents.
    pub incidents: usize,
}

/// One incident of the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentRow {
    /// The COE's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its severity.
    pub severity: String,
    /// draft | review | closed
    pub status: Status,
    /// When it started, as written in the file.
    pub started: String,
    /// The day it started, in the configured `timezone` (the day the report counts it on).
    pub day: Date,
    /// Minutes from started to mitigated (or to resolved when there is no mitigated time).
    pub duration_minutes: Option<i64>,
    /// Minutes from started to mitigated; `null` without a mitigated time (the report's
    /// "Time to mitigate" column).
    pub minutes_to_mitigate: Option<i64>,
    /// Customers affected, when known.
    pub customers_affected: Option<u64>,
    /// Customers affected × minutes to mitigate, when both are known.
    pub customer_minutes: Option<u64>,
    /// Minutes to mitigate × the severity's impact weight, when both are known.
    pub impact_minutes: Option<f64>,
    /// Which measure `impact` comes from: `customer-minutes`, `impact-minutes` or `unknown`.
    pub measure: Measure,
    /// The ranking figure in the report's impact unit; `null` when unknown.
    pub impact: Option<f64>,
    /// The root-cause category, when answered.
    pub category: Option<String>,
    /// The services involved.
    pub services: Vec<String>,
    /// The contributing factors' categories, without repeats.
    pub factor_categories: Vec<String>,
    /// Whether all seven questions are answered.
    pub complete: bool,
}

/// Corrective actions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionsRollup {
    /// Actions due in the window, any status, by due date.
    pub due: Vec<ActionRow>,
    /// Actions done in the window (by their `done` date), by done date.
    pub done: Vec<ActionRow>,
    /// Open actions past due on `today`, across all COEs, most late first.
    pub overdue: Vec<ActionRow>,
    /// Open actions across all COEs per owner, most open first.
    pub open_by_owner: Vec<OwnerCount>,
}

/// One corrective action, with the COE it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionRow {
    /// The COE's id.
    pub coe: String,
    /// The action's id (`CA-1`).
    pub id: String,
    /// What will be done.
    pub action: String,
    /// The owner (empty when not set).
    pub owner: String,
    /// When it is due.
    pub due: Option<Date>,
    /// open | done | wontfix
    pub status: ActionStatus,
    /// When it was done.
    pub done: Option<Date>,
    /// Days past due, for an open action past due on `today`.
    pub days_overdue: Option<i64>,
    /// The ticket that tracks it.
    pub link: Option<String>,
}

impl ActionRow {
    /// The row of `action` of `coe`: its due day (its own, else `action_due_days`'s) and
    /// its lateness on `today`.
    pub fn new(coe: &Coe, action: &CorrectiveAction, config: &Config, today: Date) -> ActionRow {
        ActionRow {
            coe: coe.id.clone(),
            id: action.id.clone(),
            action: action.action.clone(),
            owner: action.owner.trim().to_string(),
            due: coe.action_due(action, config),
            status: action.status,
            done: action.done,
            days_overdue: coe.action_days_overdue(action, config, today),
            link: action.link.clone(),
        }
    }
}

/// Open actions of one owner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnerCount {
    /// The owner (empty for actions without one).
    pub owner: String,
    /// Open actions.
    pub open: usize,
    /// Of those, past due.
    pub overdue: usize,
}

/// Root-cause rollups across all incidents and within the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RootCauses {
    /// Over every COE.
    pub all: Rollup,
    /// Over the window's incidents.
    pub window: Rollup,
}

/// Impact per category and per service, ranked by customer impact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rollup {
    /// Per root-cause category.
    pub by_category: Vec<ImpactRow>,
    /// Per service; an incident counts once for each service it names.
    pub by_service: Vec<ImpactRow>,
}

/// The impact of one category or service. Rows are ranked by impact, then incidents (both
/// descending), then name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImpactRow {
    /// The category or service; `null` for incidents that do not name one.
    pub name: Option<String>,
    /// Incidents.
    pub incidents: usize,
    /// Customers affected, summed over the incidents that give a count; `null` when none does.
    pub customers_affected: Option<u64>,
    /// Incidents that give no customer count.
    pub customers_unknown: usize,
    /// Customer-minutes, summed over the incidents that have them; `null` when none has.
    pub customer_minutes: Option<u64>,
    /// Impact-minutes, summed over the incidents that have them; `null` when none has.
    pub impact_minutes: Option<f64>,
    /// The ranking figure: the incidents' impact summed, in the report's impact unit, over
    /// the incidents whose impact is known; `null` when none is (never 0 for unknown).
    pub impact: Option<f64>,
    /// Incidents measured by customer-minutes.
    pub by_customer_minutes: usize,
    /// Incidents measured by impact-minutes (no customer count).
    pub by_impact_minutes: usize,
    /// Incidents whose impact is unknown (no mitigated time); they add nothing.
    pub unmeasured: usize,
}

/// Contributing factors across all incidents and within the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Factors {
    /// Over every COE.
    pub all: FactorRollup,
    /// Over the window's incidents.
    pub window: FactorRollup,
}

/// Contributing factors rolled up like root causes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorRollup {
    /// Per factor category (an incident counts once per category it names).
    pub by_category: Vec<ImpactRow>,
    /// Per service × factor category, ranked like the others.
    pub by_service: Vec<ServiceFactorRow>,
}

/// One service × contributing-factor category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceFactorRow {
    /// The service.
    pub service: String,
    /// The factor's category.
    pub category: String,
    /// Incidents, their customers, customer-minutes, impact-minutes and impact.
    #[serde(flatten)]
    pub impact: ImpactRow,
}

/// Problems that came back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recurrences {
    /// Category + service pairs seen in more than one incident, most incidents first.
    pub pairs: Vec<RecurringPair>,
    /// Incidents that happened after every corrective action of an earlier incident with the
    /// same category and service was closed, oldest first.
    pub after_fix: Vec<RepeatAfterFix>,
}

/// A category + service pair seen in more than one incident, the category as the root
/// cause or as a contributing factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecurringPair {
    /// The category.
    pub category: String,
    /// The service.
    pub service: String,
    /// The incidents' COE ids, oldest first.
    pub incidents: Vec<String>,
    /// How many of them had it as their root cause.
    pub as_root_cause: usize,
    /// How many as a contributing factor only.
    pub as_factor: usize,
    /// How many of them started in the window.
    pub in_window: usize,
    /// Customers affected, summed over those that give a count; `null` when none does.
    pub customers_affected: Option<u64>,
    /// The incidents' impact summed, in the report's impact unit, over those whose impact
    /// is known; `null` when none is.
    pub impact: Option<f64>,
    /// How many of those are estimates (impact-minutes converted by the calibration).
    pub estimated: usize,
}

/// An incident that happened again after the earlier incident's fix was done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepeatAfterFix {
    /// The later incident's COE id.
    pub incident: String,
    /// The earlier incident's COE id (the most recent one that qualifies).
    pub earlier: String,
    /// The shared category (root cause or contributing factor).
    pub category: String,
    /// The shared services.
    pub services: Vec<String>,
    /// The latest `done` date of the earlier incident's actions.
    pub fixed_on: Date,
    /// Whether the later incident started in the window.
    pub in_window: bool,
}

/// A lesson learned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonRow {
    /// The COE's id.
    pub coe: String,
    /// The lesson.
    pub lesson: String,
}

/// An incomplete COE past its due date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverdueCoe {
    /// The COE's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its severity.
    pub severity: String,
    /// Its leader.
    pub leader: String,
    /// The day it was due complete.
    pub due: Date,
    /// Days past that.
    pub days_late: i64,
    /// How many of the seven questions are answered.
    pub answered: usize,
}

/// How long one bucket of the trend is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// A calendar month.
    Month,
    /// A calendar quarter.
    Quarter,
}

/// The trend over time, oldest bucket first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trends {
    /// Months or quarters.
    pub period: Period,
    /// The buckets, oldest first; the last one holds the window's last day.
    pub buckets: Vec<Bucket>,
}

/// One month or quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    /// `Nov 2026` or `Q4 2026`.
    pub label: String,
    /// Its first day.
    pub since: Date,
    /// Its last day (inclusive).
    pub until: Date,
    /// Incidents that started in it.
    pub incidents: usize,
    /// Those per severity, as in the summary.
    pub by_severity: Vec<SeverityCount>,
    /// Median minutes from started to detected, over its incidents with a detected time.
    pub median_minutes_to_detect: Option<f64>,
    /// Median minutes from started to mitigated, over its incidents with a mitigated time.
    pub median_minutes_to_mitigate: Option<f64>,
    /// Corrective actions due in it that can be judged on time or late (see
    /// `on_time::judged`: due before `today` or done; won't-fix and undated done left out).
    pub actions_due: usize,
    /// Of those, done on or before their due date.
    pub actions_done_on_time: usize,
}

impl Bucket {
    /// Actions done on time ÷ actions due, when any were due.
    #[cfg(test)]
    pub fn on_time_rate(&self) -> Option<f64> {
        (self.actions_due > 0).then(|| self.actions_done_on_time as f64 / self.actions_due as f64)
    }
}
