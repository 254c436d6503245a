//! The figures of `coe report`, computed from loaded COEs: pure functions, no I/O.
//!
//! Two kinds of figures: *events* (incidents started, actions due or done) are counted in
//! the report's window; *state* (incomplete and overdue COEs, overdue and open actions) is
//! measured on `today` across every COE, because an overdue COE is by definition older
//! than a weekly window.
//!
//! [`Report`] is also the JSON output of `coe report --format json`: its field names are a
//! contract (see the README), so they change only with a new major version.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::model::coe::{
    add_days, days_between, is_placeholder, ActionStatus, Coe, CorrectiveAction, Status,
};
use crate::model::policy::Config;

use super::impact::{most_first, Impact, ImpactModel, Measure};
use super::trends::Trends;

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
    /// Minutes from started to mitigated (or to resolved when there is no mitigated time).
    pub duration_minutes: Option<i64>,
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
    /// The row of `action` of `coe`, with its lateness on `today`.
    pub fn new(coe: &Coe, action: &CorrectiveAction, today: Date) -> ActionRow {
        ActionRow {
            coe: coe.id.clone(),
            id: action.id.clone(),
            action: action.action.clone(),
            owner: action.owner.trim().to_string(),
            due: action.due,
            status: action.status,
            done: action.done,
            days_overdue: action.days_overdue(today),
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
    /// The ranking figure: the incidents' impact summed, in the report's impact unit.
    pub impact: f64,
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
    /// The incidents' impact summed, in the report's impact unit.
    pub impact: f64,
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

/// A COE file that could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unreadable {
    /// The file, relative to the repository root.
    pub file: String,
    /// Why, with the line where known.
    pub error: String,
}

/// Computes every figure of the report. `coes` in any order; `today` is the day state is
/// measured on.
pub fn build(coes: &[Coe], config: &Config, window: Window, today: Date) -> Report {
    let model = ImpactModel::calibrate(coes, config);
    let impacts: Vec<Impact> = coes.iter().map(|c| model.impact(c, config)).collect();
    let complete: Vec<bool> = coes.iter().map(|c| c.is_complete(config)).collect();
    let mut in_window: Vec<usize> = (0..coes.len())
        .filter(|&i| window.contains(coes[i].incident.started.date()))
        .collect();
    in_window.sort_by(|&a, &b| by_started(&coes[a], &coes[b]));
    let window_coes: Vec<&Coe> = in_window.iter().map(|&i| &coes[i]).collect();
    let all: Vec<usize> = (0..coes.len()).collect();

    let overdue_coes = overdue_coes(coes, &complete, config, today);
    let known_counts: Vec<u64> = window_coes
        .iter()
        .filter_map(|c| c.impact.customers_affected)
        .collect();
    let summary = Summary {
        incidents: window_coes.len(),
        by_severity: by_severity(&window_coes, config),
        customers_affected: (!known_counts.is_empty())
            .then(|| known_counts.iter().fold(0u64, |a, b| a.saturating_add(*b))),
        incidents_without_customer_count: window_coes.len() - known_counts.len(),
        median_minutes_to_detect: median(window_coes.iter().filter_map(|c| c.minutes_to_detect())),
        detected_incidents: window_coes
            .iter()
            .filter(|c| c.minutes_to_detect().is_some())
            .count(),
        median_minutes_to_mitigate: median(
            window_coes.iter().filter_map(|c| c.minutes_to_mitigate()),
        ),
        mitigated_incidents: window_coes
            .iter()
            .filter(|c| c.minutes_to_mitigate().is_some())
            .count(),
        window_incomplete: in_window.iter().filter(|&&i| !complete[i]).count(),
        incomplete: complete.iter().filter(|c| !**c).count(),
        overdue: overdue_coes.len(),
        due_days: config.due_days.default_days(),
    };
    let mut incidents: Vec<IncidentRow> = in_window
        .iter()
        .map(|&i| incident_row(&coes[i], complete[i], &impacts[i]))
        .collect();
    // Stable: equal impacts stay oldest first.
    incidents.sort_by(|a, b| most_first(a.impact, b.impact));
    let lessons = window_coes
        .iter()
        .flat_map(|c| {
            c.lessons
                .iter()
                .filter(|l| !is_placeholder(l))
                .map(|l| LessonRow {
                    coe: c.id.clone(),
                    lesson: l.trim().to_string(),
                })
        })
        .collect();
    let groups = pair_groups(coes);
    let recurrences = Recurrences {
        pairs: recurring_pairs(&groups, &impacts, window),
        after_fix: repeats_after_fix(&groups, window),
    };
    let actions = actions(coes, window, today);
    let mut report = Report {
        window: WindowView {
            since: window.since,
            until: window.last_day(),
            days: window.days(),
        },
        today,
        summary,
        headline: Vec::new(),
        impact: model,
        incidents,
        actions,
        root_causes: RootCauses {
            all: rollup(coes, &impacts, &all),
            window: rollup(coes, &impacts, &in_window),
        },
        contributing_factors: Factors {
            all: factor_rollup(coes, &impacts, &all),
            window: factor_rollup(coes, &impacts, &in_window),
        },
        recurrences,
        lessons,
        overdue_coes,
        on_time: crate::report::on_time::by_month(coes, config, window.last_day(), today),
        trends: super::trends::trends(coes, config, window.since, window.last_day(), today),
        unreadable: Vec::new(),
    };
    report.headline = super::headline::sentences(&report);
    report
}

/// Oldest first; ties by id so output is stable.
fn by_started(a: &Coe, b: &Coe) -> Ordering {
    a.incident
        .started
        .at()
        .cmp(&b.incident.started.at())
        .then_with(|| a.id.cmp(&b.id))
}

/// The median; the mean of the two middle values for an even count; `None` for none.
pub fn median(values: impl IntoIterator<Item = i64>) -> Option<f64> {
    let mut values: Vec<i64> = values.into_iter().collect();
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid] as f64
    } else {
        (values[mid - 1] as f64 + values[mid] as f64) / 2.0
    })
}

/// Incidents per severity: every configured severity in order (zeros included), then any
/// other severity found, by name.
pub fn by_severity(coes: &[&Coe], config: &Config) -> Vec<SeverityCount> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for coe in coes {
        *counts.entry(coe.severity.trim()).or_default() += 1;
    }
    let mut out: Vec<SeverityCount> = config
        .severities
        .iter()
        .map(|s| SeverityCount {
            severity: s.clone(),
            incidents: counts.remove(s.as_str()).unwrap_or(0),
        })
        .collect();
    out.extend(counts.into_iter().map(|(s, n)| SeverityCount {
        severity: s.to_string(),
        incidents: n,
    }));
    out
}

fn incident_row(coe: &Coe, complete: bool, impact: &Impact) -> IncidentRow {
    let inc = &coe.incident;
    let end = inc.mitigated.as_ref().or(inc.resolved.as_ref());
    IncidentRow {
        id: coe.id.clone(),
        title: coe.title.clone(),
        severity: coe.severity.clone(),
        status: coe.status,
        started: inc.started.to_string(),
        duration_minutes: end
            .map(|e| inc.started.minutes_until(e))
            .filter(|m| *m >= 0),
        customers_affected: coe.impact.customers_affected,
        customer_minutes: impact.customer_minutes,
        impact_minutes: impact.impact_minutes,
        measure: impact.measure,
        impact: impact.impact,
        category: category(coe).map(str::to_string),
        services: services(coe).into_iter().map(str::to_string).collect(),
        factor_categories: factor_categories(coe)
            .into_iter()
            .map(str::to_string)
            .collect(),
        complete,
    }
}

/// The root-cause category, unless it is still a placeholder.
pub fn category(coe: &Coe) -> Option<&str> {
    let c = coe.root_cause.category.trim();
    (!is_placeholder(c)).then_some(c)
}

/// The contributing factors' categories, trimmed, without placeholders or repeats.
pub fn factor_categories(coe: &Coe) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for f in &coe.contributing_factors {
        let c = f.category.trim();
        if !is_placeholder(c) && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// The services named, trimmed, without placeholders or repeats, in file order.
pub fn services(coe: &Coe) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for s in &coe.services {
        let s = s.trim();
        if !is_placeholder(s) && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

fn overdue_coes(coes: &[Coe], complete: &[bool], config: &Config, today: Date) -> Vec<OverdueCoe> {
    let mut out: Vec<OverdueCoe> = coes
        .iter()
        .zip(complete)
        .filter(|(_, complete)| !**complete)
        .filter_map(|(coe, _)| {
            let days_late = coe.days_late(config, today)?;
            Some(OverdueCoe {
                id: coe.id.clone(),
                title: coe.title.clone(),
                severity: coe.severity.clone(),
                leader: coe.leader.clone(),
                due: coe.due_date(config),
                days_late,
                answered: coe.answered_questions(config).len(),
            })
        })
        .collect();
    out.sort_by(|a, b| b.days_late.cmp(&a.days_late).then_with(|| a.id.cmp(&b.id)));
    out
}

fn actions(coes: &[Coe], window: Window, today: Date) -> ActionsRollup {
    let mut due = Vec::new();
    let mut done = Vec::new();
    let mut overdue = Vec::new();
    let mut owners: HashMap<String, (usize, usize)> = HashMap::new();
    for coe in coes {
        for action in &coe.corrective_actions {
            let row = || ActionRow::new(coe, action, today);
            if action.due.is_some_and(|d| window.contains(d)) {
                due.push(row());
            }
            if action.status == ActionStatus::Done
                && action.done.is_some_and(|d| window.contains(d))
            {
                done.push(row());
            }
            if action.is_overdue(today) {
                overdue.push(row());
            }
            if action.status == ActionStatus::Open {
                let entry = owners.entry(action.owner.trim().to_string()).or_default();
                entry.0 += 1;
                entry.1 += usize::from(action.is_overdue(today));
            }
        }
    }
    let by_coe_and_id =
        |a: &ActionRow, b: &ActionRow| a.coe.cmp(&b.coe).then_with(|| a.id.cmp(&b.id));
    due.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| by_coe_and_id(a, b)));
    done.sort_by(|a, b| a.done.cmp(&b.done).then_with(|| by_coe_and_id(a, b)));
    overdue.sort_by(|a, b| {
        b.days_overdue
            .cmp(&a.days_overdue)
            .then_with(|| by_coe_and_id(a, b))
    });
    let mut open_by_owner: Vec<OwnerCount> = owners
        .into_iter()
        .map(|(owner, (open, overdue))| OwnerCount {
            owner,
            open,
            overdue,
        })
        .collect();
    open_by_owner.sort_by(|a, b| {
        b.open
            .cmp(&a.open)
            .then_with(|| b.overdue.cmp(&a.overdue))
            .then_with(|| a.owner.cmp(&b.owner))
    });
    ActionsRollup {
        due,
        done,
        overdue,
        open_by_owner,
    }
}

/// Impact per root-cause category and per service over the incidents `indices` of `coes`.
pub fn rollup(coes: &[Coe], impacts: &[Impact], indices: &[usize]) -> Rollup {
    let mut by_category: HashMap<Option<&str>, ImpactRow> = HashMap::new();
    let mut by_service: HashMap<Option<&str>, ImpactRow> = HashMap::new();
    for &i in indices {
        let coe = &coes[i];
        add_impact(&mut by_category, category(coe), coe, &impacts[i]);
        let services = services(coe);
        if services.is_empty() {
            add_impact(&mut by_service, None, coe, &impacts[i]);
        }
        for service in services {
            add_impact(&mut by_service, Some(service), coe, &impacts[i]);
        }
    }
    Rollup {
        by_category: ranked(by_category.into_values().collect()),
        by_service: ranked(by_service.into_values().collect()),
    }
}

/// Contributing factors per category and per service × category over `indices`.
pub fn factor_rollup(coes: &[Coe], impacts: &[Impact], indices: &[usize]) -> FactorRollup {
    let mut by_category: HashMap<Option<&str>, ImpactRow> = HashMap::new();
    let mut by_pair: HashMap<(&str, &str), ImpactRow> = HashMap::new();
    for &i in indices {
        let coe = &coes[i];
        for factor in factor_categories(coe) {
            add_impact(&mut by_category, Some(factor), coe, &impacts[i]);
            for service in services(coe) {
                let row = by_pair
                    .entry((service, factor))
                    .or_insert_with(|| ImpactRow::named(None));
                row.add(coe, &impacts[i]);
            }
        }
    }
    let mut by_service: Vec<ServiceFactorRow> = by_pair
        .into_iter()
        .map(|((service, category), impact)| ServiceFactorRow {
            service: service.to_string(),
            category: category.to_string(),
            impact,
        })
        .collect();
    by_service.sort_by(|a, b| {
        impact_order(&a.impact, &b.impact)
            .then_with(|| a.service.cmp(&b.service))
            .then_with(|| a.category.cmp(&b.category))
    });
    FactorRollup {
        by_category: ranked(by_category.into_values().collect()),
        by_service,
    }
}

impl ImpactRow {
    fn named(name: Option<&str>) -> ImpactRow {
        ImpactRow {
            name: name.map(str::to_string),
            incidents: 0,
            customers_affected: None,
            customers_unknown: 0,
            customer_minutes: None,
            impact_minutes: None,
            impact: 0.0,
            by_customer_minutes: 0,
            by_impact_minutes: 0,
            unmeasured: 0,
        }
    }

    /// Adds one incident.
    fn add(&mut self, coe: &Coe, impact: &Impact) {
        self.incidents += 1;
        match coe.impact.customers_affected {
            Some(n) => {
                self.customers_affected =
                    Some(self.customers_affected.unwrap_or(0).saturating_add(n));
            }
            None => self.customers_unknown += 1,
        }
        if let Some(cm) = impact.customer_minutes {
            self.customer_minutes = Some(self.customer_minutes.unwrap_or(0).saturating_add(cm));
        }
        if let Some(im) = impact.impact_minutes {
            self.impact_minutes = Some(self.impact_minutes.unwrap_or(0.0) + im);
        }
        self.impact += impact.impact.unwrap_or(0.0);
        match impact.measure {
            Measure::CustomerMinutes => self.by_customer_minutes += 1,
            Measure::ImpactMinutes => self.by_impact_minutes += 1,
            Measure::Unknown => self.unmeasured += 1,
        }
    }
}

fn add_impact<'a>(
    rows: &mut HashMap<Option<&'a str>, ImpactRow>,
    key: Option<&'a str>,
    coe: &Coe,
    impact: &Impact,
) {
    rows.entry(key)
        .or_insert_with(|| ImpactRow::named(key))
        .add(coe, impact);
}

/// Most impact first, then most incidents.
fn impact_order(a: &ImpactRow, b: &ImpactRow) -> Ordering {
    b.impact
        .total_cmp(&a.impact)
        .then_with(|| b.incidents.cmp(&a.incidents))
}

/// Ranks rows by impact, then incidents (both descending), then name (rows without a name
/// last), so ties always come out the same.
pub fn ranked(mut rows: Vec<ImpactRow>) -> Vec<ImpactRow> {
    rows.sort_by(|a, b| {
        impact_order(a, b).then_with(|| match (&a.name, &b.name) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
    });
    rows
}

/// Incidents grouped by (category, service), each group oldest first; the category is the
/// root cause's or a contributing factor's. Each member is (index in `coes`, whether the
/// category is its root cause).
type PairGroups<'c> = BTreeMap<(&'c str, &'c str), Vec<(usize, &'c Coe, bool)>>;

/// [`PairGroups`] of `coes`. Incidents without a category or a service are in no group: an
/// unknown cause cannot be said to recur.
fn pair_groups(coes: &[Coe]) -> PairGroups<'_> {
    let mut groups: PairGroups<'_> = BTreeMap::new();
    for (i, coe) in coes.iter().enumerate() {
        let root = category(coe);
        let mut categories: Vec<&str> = root.into_iter().collect();
        for f in factor_categories(coe) {
            if !categories.contains(&f) {
                categories.push(f);
            }
        }
        for c in categories {
            for service in services(coe) {
                groups
                    .entry((c, service))
                    .or_default()
                    .push((i, coe, root == Some(c)));
            }
        }
    }
    for group in groups.values_mut() {
        group.sort_by(|a, b| by_started(a.1, b.1));
    }
    groups
}

fn recurring_pairs(
    groups: &PairGroups<'_>,
    impacts: &[Impact],
    window: Window,
) -> Vec<RecurringPair> {
    let mut pairs: Vec<RecurringPair> = groups
        .iter()
        .filter(|(_, group)| group.len() > 1)
        .map(|((category, service), group)| {
            let counts: Vec<u64> = group
                .iter()
                .filter_map(|(_, c, _)| c.impact.customers_affected)
                .collect();
            RecurringPair {
                category: category.to_string(),
                service: service.to_string(),
                incidents: group.iter().map(|(_, c, _)| c.id.clone()).collect(),
                as_root_cause: group.iter().filter(|(_, _, root)| *root).count(),
                as_factor: group.iter().filter(|(_, _, root)| !*root).count(),
                in_window: group
                    .iter()
                    .filter(|(_, c, _)| window.contains(c.incident.started.date()))
                    .count(),
                customers_affected: (!counts.is_empty())
                    .then(|| counts.iter().fold(0, |a, b| u64::saturating_add(a, *b))),
                impact: group
                    .iter()
                    .filter_map(|(i, _, _)| impacts[*i].impact)
                    .sum(),
            }
        })
        .collect();
    pairs.sort_by(|a, b| {
        b.incidents
            .len()
            .cmp(&a.incidents.len())
            .then_with(|| b.impact.total_cmp(&a.impact))
            .then_with(|| a.category.cmp(&b.category))
            .then_with(|| a.service.cmp(&b.service))
    });
    pairs
}

/// The day an incident's corrective actions were all closed: every action done or wontfix,
/// at least one done, and the latest `done` date. A done action without a `done` date
/// cannot be placed in time, so such an incident has no fix date.
pub fn fixed_on(coe: &Coe) -> Option<Date> {
    let actions = &coe.corrective_actions;
    if actions.iter().any(|a| a.status == ActionStatus::Open) {
        return None;
    }
    let mut latest = None;
    for action in actions.iter().filter(|a| a.status == ActionStatus::Done) {
        latest = latest.max(Some(action.done?));
    }
    latest
}

fn repeats_after_fix<'c>(groups: &PairGroups<'c>, window: Window) -> Vec<RepeatAfterFix> {
    // (later id, earlier id) -> the repeat, collecting the services they share.
    let mut found: BTreeMap<(&str, &str), (RepeatAfterFix, &Coe)> = BTreeMap::new();
    for (&(category, service), group) in groups {
        let group: Vec<&Coe> = group.iter().map(|(_, c, _)| *c).collect();
        let fixes: Vec<Option<Date>> = group.iter().map(|c| fixed_on(c)).collect();
        for (j, later) in group.iter().enumerate() {
            let started = later.incident.started.at();
            let day = later.incident.started.date();
            // The most recent earlier incident whose fix was done before this one started.
            let earlier = (0..j).rev().find(|&i| {
                group[i].incident.started.at() < started && fixes[i].is_some_and(|f| f < day)
            });
            let Some(i) = earlier else { continue };
            let entry = found
                .entry((later.id.as_str(), group[i].id.as_str()))
                .or_insert_with(|| {
                    (
                        RepeatAfterFix {
                            incident: later.id.clone(),
                            earlier: group[i].id.clone(),
                            category: category.to_string(),
                            services: Vec::new(),
                            fixed_on: fixes[i].unwrap_or(day),
                            in_window: window.contains(day),
                        },
                        *later,
                    )
                });
            entry.0.services.push(service.to_string());
        }
    }
    let mut out: Vec<(RepeatAfterFix, &Coe)> = found.into_values().collect();
    out.sort_by(|(a, ca), (b, cb)| by_started(ca, cb).then_with(|| a.earlier.cmp(&b.earlier)));
    out.into_iter().map(|(r, _)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::coe::{
        ActionKind, DataPoint, Impact, Implications, Incident, RootCause, TimelineEntry,
        WhatHappened,
    };
    use jiff::civil::date;

    fn stamp(s: &str) -> crate::model::coe::Stamp {
        s.parse().unwrap()
    }

    /// A complete COE: started at `started`, detected 10 min later, mitigated 60 min later.
    fn coe(id: &str, started: &str) -> Coe {
        let at = stamp(started);
        let plus =
            |m: i64| crate::model::coe::Stamp::from(at.at() + jiff::SignedDuration::from_mins(m));
        Coe {
            version: 1,
            id: id.into(),
            title: format!("Incident {id}"),
            status: Status::Review,
            severity: "SEV2".into(),
            leader: "Jane Doe".into(),
            incident_ref: None,
            services: vec!["checkout".into()],
            tags: vec![],
            incident: Incident {
                started: at.clone(),
                detected: Some(plus(10)),
                mitigated: Some(plus(60)),
                resolved: Some(plus(90)),
            },
            what_happened: WhatHappened {
                summary: "It broke.".into(),
                timeline: vec![TimelineEntry {
                    at,
                    event: "Alarm".into(),
                }],
            },
            impact: Impact {
                customers: "Could not pay.".into(),
                customers_affected: Some(100),
                business: "Lost orders.".into(),
                remediation: String::new(),
            },
            root_cause: RootCause {
                summary: "A bad config.".into(),
                category: "configuration".into(),
                whys: vec!["a".into(), "b".into(), "c".into()],
            },
            data: vec![DataPoint {
                description: "graph".into(),
                link: None,
            }],
            implications: Implications {
                security: "None.".into(),
                other: String::new(),
            },
            lessons: vec![format!("Lesson of {id}")],
            corrective_actions: vec![action("CA-1", ActionStatus::Open, "2026-12-15", None)],
            contributing_factors: vec![],
            review: Default::default(),
        }
    }

    fn action(id: &str, status: ActionStatus, due: &str, done: Option<&str>) -> CorrectiveAction {
        CorrectiveAction {
            id: id.into(),
            action: format!("Do {id}"),
            kind: Some(ActionKind::Prevent),
            owner: "team-platform".into(),
            due: Some(due.parse().unwrap()),
            status,
            done: done.map(|d| d.parse().unwrap()),
            reason: None,
            link: None,
        }
    }

    const TODAY: Date = date(2026, 11, 25);

    fn week() -> Window {
        Window::inclusive(date(2026, 11, 19), TODAY)
    }

    fn report(coes: &[Coe]) -> Report {
        build(coes, &Config::default(), week(), TODAY)
    }

    #[test]
    fn windows_and_days() {
        let w = week();
        assert_eq!(w.days(), 7);
        assert!(w.contains(date(2026, 11, 19)) && w.contains(TODAY));
        assert!(!w.contains(date(2026, 11, 18)) && !w.contains(date(2026, 11, 26)));
        assert_eq!(w.last_day(), TODAY);
        assert_eq!(days_between(TODAY, date(2026, 11, 19)), 6);
        assert_eq!(days_between(date(2026, 11, 19), TODAY), -6);
        assert_eq!(add_days(date(2026, 12, 31), 1), date(2027, 1, 1));
    }

    #[test]
    fn medians() {
        assert_eq!(median([]), None);
        assert_eq!(median([7]), Some(7.0));
        assert_eq!(median([30, 10, 20]), Some(20.0));
        assert_eq!(
            median([10, 40, 15, 20]),
            Some(17.5),
            "even count: mean of the middle two"
        );
        assert_eq!(median([5, 6]), Some(5.5));
    }

    #[test]
    fn no_incidents_in_window() {
        let r = report(&[coe("2026-10-01-old", "2026-10-01T10:00:00Z")]);
        assert_eq!(r.summary.incidents, 0);
        assert_eq!(r.summary.customers_affected, None, "unknown, not 0");
        assert_eq!(r.summary.median_minutes_to_detect, None);
        assert_eq!(r.summary.median_minutes_to_mitigate, None);
        assert_eq!(r.summary.detected_incidents, 0);
        assert_eq!(r.summary.window_incomplete, 0);
        assert!(r.summary.by_severity.iter().all(|s| s.incidents == 0));
        assert_eq!(
            r.summary.by_severity.len(),
            4,
            "every configured severity, zeros included"
        );
        assert!(r.incidents.is_empty() && r.lessons.is_empty());
        assert!(r.root_causes.window.by_category.is_empty());
        assert_eq!(r.root_causes.all.by_category.len(), 1);
        assert_eq!(r.trends.buckets.len(), 12);
        assert_eq!(r.trends.buckets[10].label, "Oct 2026");
        assert_eq!(r.trends.buckets[10].incidents, 1);
    }

    #[test]
    fn summary_figures() {
        let mut a = coe("2026-11-20-a", "2026-11-20T10:00:00Z");
        a.severity = "SEV1".into();
        let mut b = coe("2026-11-21-b", "2026-11-21T10:00:00Z");
        b.incident.detected = Some(stamp("2026-11-21T10:30:00Z"));
        b.incident.mitigated = None;
        b.impact.customers_affected = Some(50);
        let mut c = coe("2026-11-25-c", "2026-11-25T23:59:00Z");
        c.severity = "P0".into(); // not configured: listed after the configured ones
        c.impact.customers_affected = None;
        c.what_happened.summary = "TODO".into();
        let old = coe("2026-11-18-old", "2026-11-18T23:59:00Z");
        let r = report(&[c, old, b, a]);
        let s = &r.summary;
        assert_eq!(s.incidents, 3);
        let sev: Vec<(&str, usize)> = s
            .by_severity
            .iter()
            .map(|x| (x.severity.as_str(), x.incidents))
            .collect();
        assert_eq!(
            sev,
            [
                ("SEV1", 1),
                ("SEV2", 1),
                ("SEV3", 0),
                ("SEV4", 0),
                ("P0", 1)
            ]
        );
        assert_eq!(s.customers_affected, Some(150));
        assert_eq!(s.incidents_without_customer_count, 1);
        // Detect: 10, 30, 10 -> 10. Mitigate: 60, (none), 60 -> 60 over 2 incidents.
        assert_eq!(s.median_minutes_to_detect, Some(10.0));
        assert_eq!(s.detected_incidents, 3);
        assert_eq!(s.median_minutes_to_mitigate, Some(60.0));
        assert_eq!(s.mitigated_incidents, 2);
        assert_eq!(s.window_incomplete, 1);
        assert_eq!(s.incomplete, 1);
        assert_eq!(s.overdue, 0);
        let ids: Vec<&str> = r.incidents.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(
            ids,
            ["2026-11-20-a", "2026-11-21-b", "2026-11-25-c"],
            "oldest first"
        );
    }

    #[test]
    fn even_count_median_of_mitigation() {
        let mut a = coe("2026-11-20-a", "2026-11-20T10:00:00Z");
        a.incident.mitigated = Some(stamp("2026-11-20T10:45:00Z"));
        let b = coe("2026-11-21-b", "2026-11-21T10:00:00Z"); // 60
        let r = report(&[a, b]);
        assert_eq!(r.summary.median_minutes_to_mitigate, Some(52.5));
    }

    #[test]
    fn incident_rows() {
        let mut a = coe("2026-11-20-a", "2026-11-20T10:00:00Z");
        a.incident.mitigated = None; // duration falls back to resolved (90 min)
        a.services = vec!["api".into(), " api ".into(), "TODO".into(), "web".into()];
        let mut b = coe("2026-11-21-b", "2026-11-21T10:00:00Z");
        b.incident.mitigated = None;
        b.incident.resolved = None;
        b.root_cause.category = "TBD".into();
        let r = report(&[a, b]);
        let (a, b) = (&r.incidents[0], &r.incidents[1]);
        assert_eq!(a.duration_minutes, Some(90));
        assert_eq!(
            a.customer_minutes, None,
            "customer-minutes need a mitigated time"
        );
        assert_eq!(a.services, ["api", "web"]);
        assert_eq!(a.category.as_deref(), Some("configuration"));
        assert!(a.complete);
        assert_eq!(b.duration_minutes, None);
        assert_eq!(b.category, None);
        assert!(!b.complete);
        assert_eq!(a.started, "2026-11-20T10:00:00Z");
    }

    #[test]
    fn overdue_coes_are_incomplete_past_due_days() {
        let mut late = coe("2026-11-01-late", "2026-11-01T10:00:00Z"); // due 11-15
        late.lessons.clear();
        let mut edge = coe("2026-11-11-edge", "2026-11-11T10:00:00Z"); // due 11-25: not late
        edge.lessons.clear();
        let done = coe("2026-10-01-done", "2026-10-01T10:00:00Z");
        let r = report(&[edge, done, late]);
        assert_eq!(r.summary.incomplete, 2);
        assert_eq!(r.summary.overdue, 1);
        let o = &r.overdue_coes[0];
        assert_eq!(
            (o.id.as_str(), o.due, o.days_late),
            ("2026-11-01-late", date(2026, 11, 15), 10)
        );
        assert_eq!(o.answered, 6);
    }

    #[test]
    fn corrective_actions() {
        let mut a = coe("2026-11-01-a", "2026-11-01T10:00:00Z");
        a.corrective_actions = vec![
            action("CA-1", ActionStatus::Open, "2026-11-20", None), // due in window, overdue 5
            action("CA-2", ActionStatus::Done, "2026-11-10", Some("2026-11-19")), // done in window
            action("CA-3", ActionStatus::Open, "2026-11-01", None), // overdue 24
            action("CA-4", ActionStatus::Wontfix, "2026-11-22", None), // due in window, not overdue
            action("CA-5", ActionStatus::Open, "2026-11-25", None), // due today: not overdue yet
        ];
        a.corrective_actions[2].owner = "team-web".into();
        let mut b = coe("2026-11-02-b", "2026-11-02T10:00:00Z");
        b.corrective_actions = vec![action(
            "CA-1",
            ActionStatus::Done,
            "2026-11-30",
            Some("2026-11-18"),
        )];
        let r = report(&[b, a]);
        let ids = |rows: &[ActionRow]| -> Vec<String> {
            rows.iter()
                .map(|r| format!("{}/{}", &r.coe[11..], r.id))
                .collect()
        };
        assert_eq!(ids(&r.actions.due), ["a/CA-1", "a/CA-4", "a/CA-5"]);
        assert_eq!(
            ids(&r.actions.done),
            ["a/CA-2"],
            "done 11-18 is before the window"
        );
        assert_eq!(
            ids(&r.actions.overdue),
            ["a/CA-3", "a/CA-1"],
            "most late first"
        );
        assert_eq!(r.actions.overdue[0].days_overdue, Some(24));
        assert_eq!(r.actions.overdue[0].owner, "team-web");
        assert_eq!(r.actions.overdue[1].days_overdue, Some(5));
        assert_eq!(r.actions.due[1].days_overdue, None);
        let owners: Vec<(&str, usize, usize)> = r
            .actions
            .open_by_owner
            .iter()
            .map(|o| (o.owner.as_str(), o.open, o.overdue))
            .collect();
        assert_eq!(owners, [("team-platform", 2, 1), ("team-web", 1, 1)]);
    }

    #[test]
    fn rollups_rank_by_impact_then_incidents_then_name() {
        let mk = |id: &str, category: &str, customers: Option<u64>, minutes: Option<i64>| {
            let mut c = coe(id, "2026-11-20T10:00:00Z");
            c.root_cause.category = category.into();
            c.impact.customers_affected = customers;
            c.incident.mitigated = minutes.map(|m| {
                crate::model::coe::Stamp::from(
                    c.incident.started.at() + jiff::SignedDuration::from_mins(m),
                )
            });
            c.incident.detected = None;
            c
        };
        let coes = [
            mk("2026-11-20-a", "network", Some(10), Some(10)), // 100
            mk("2026-11-20-b", "capacity", Some(100), Some(1)), // 100
            mk("2026-11-20-c", "deployment", Some(10), Some(10)), // 100, tie with network...
            mk("2026-11-20-d", "deployment", Some(0), None),   // ...but deployment has 2 incidents
            mk("2026-11-20-e", "data", Some(5), Some(20)),     // 100
            mk("2026-11-20-f", "hardware", Some(10), Some(10)), // full tie with network: by name
            mk("2026-11-20-g", "", None, None),                // no category: last
            mk("2026-11-20-h", "security", Some(1), Some(1000)), // 1000: first
        ];
        let r = report(&coes);
        let names: Vec<Option<&str>> = r
            .root_causes
            .all
            .by_category
            .iter()
            .map(|x| x.name.as_deref())
            .collect();
        assert_eq!(
            names,
            [
                Some("security"),
                Some("deployment"),
                Some("capacity"),
                Some("data"),
                Some("hardware"),
                Some("network"),
                None
            ]
        );
        let dep = &r.root_causes.all.by_category[1];
        assert_eq!(
            (
                dep.incidents,
                dep.customers_affected,
                dep.customer_minutes,
                dep.unmeasured
            ),
            (2, Some(10), Some(100), 1),
            "d has a count (0) but no mitigated time: unknown impact"
        );
        let none = &r.root_causes.all.by_category[6];
        assert_eq!(
            (none.incidents, none.customer_minutes, none.unmeasured),
            (1, None, 1)
        );
        assert_eq!(r.root_causes.window, r.root_causes.all, "all in the window");
    }

    #[test]
    fn services_rollup_counts_each_service_and_window_separately() {
        let mut a = coe("2026-11-20-a", "2026-11-20T10:00:00Z"); // 100 × 60
        a.services = vec!["api".into(), "web".into()];
        let mut b = coe("2026-10-01-b", "2026-10-01T10:00:00Z"); // outside the window
        b.services = vec!["web".into()];
        b.impact.customers_affected = Some(1000);
        let mut c = coe("2026-11-21-c", "2026-11-21T10:00:00Z");
        c.services = vec![];
        let r = report(&[a, b, c]);
        let row = |rows: &[ImpactRow], name: Option<&str>| {
            rows.iter()
                .find(|r| r.name.as_deref() == name)
                .map(|r| (r.incidents, r.customers_affected, r.customer_minutes))
        };
        let all = &r.root_causes.all.by_service;
        assert_eq!(row(all, Some("web")), Some((2, Some(1100), Some(66_000))));
        assert_eq!(row(all, Some("api")), Some((1, Some(100), Some(6_000))));
        assert_eq!(row(all, None), Some((1, Some(100), Some(6_000))));
        assert_eq!(all[0].name.as_deref(), Some("web"));
        let window = &r.root_causes.window.by_service;
        assert_eq!(row(window, Some("web")), Some((1, Some(100), Some(6_000))));
        assert_eq!(window.len(), 3);
        // Ties between api, web and (none) in the window: by name, unnamed last.
        let names: Vec<Option<&str>> = window.iter().map(|r| r.name.as_deref()).collect();
        assert_eq!(names, [Some("api"), Some("web"), None]);
    }

    #[test]
    fn recurring_pairs_need_the_same_category_and_service() {
        let a = coe("2026-09-01-a", "2026-09-01T10:00:00Z");
        let b = coe("2026-11-20-b", "2026-11-20T10:00:00Z");
        let mut c = coe("2026-10-01-c", "2026-10-01T10:00:00Z");
        c.root_cause.category = "network".into(); // same service, other category
        let mut d = coe("2026-10-02-d", "2026-10-02T10:00:00Z");
        d.services = vec!["search".into()]; // same category, other service
        let mut e = coe("2026-10-03-e", "2026-10-03T10:00:00Z");
        e.root_cause.category = "TODO".into(); // unknown cause never recurs
        let mut f = coe("2026-10-04-f", "2026-10-04T10:00:00Z");
        f.root_cause.category = "TODO".into();
        let r = report(&[b, a, c, d, e, f]);
        assert_eq!(r.recurrences.pairs.len(), 1);
        let p = &r.recurrences.pairs[0];
        assert_eq!(
            (p.category.as_str(), p.service.as_str()),
            ("configuration", "checkout")
        );
        assert_eq!(p.incidents, ["2026-09-01-a", "2026-11-20-b"]);
        assert_eq!(p.in_window, 1);
        assert_eq!(p.impact, 12_000.0);
    }

    #[test]
    fn fix_dates() {
        let mut c = coe("2026-09-01-a", "2026-09-01T10:00:00Z");
        assert_eq!(fixed_on(&c), None, "an open action");
        c.corrective_actions = vec![
            action("CA-1", ActionStatus::Done, "2026-10-01", Some("2026-09-20")),
            action("CA-2", ActionStatus::Wontfix, "2026-10-01", None),
            action("CA-3", ActionStatus::Done, "2026-10-01", Some("2026-10-05")),
        ];
        assert_eq!(
            fixed_on(&c),
            Some(date(2026, 10, 5)),
            "the latest done date"
        );
        c.corrective_actions[0].done = None;
        assert_eq!(fixed_on(&c), None, "a done action without a date");
        c.corrective_actions = vec![action("CA-1", ActionStatus::Wontfix, "2026-10-01", None)];
        assert_eq!(fixed_on(&c), None, "nothing was done");
        c.corrective_actions.clear();
        assert_eq!(fixed_on(&c), None, "no actions at all");
    }

    #[test]
    fn repeats_after_the_fix_was_done() {
        let fixed = |mut c: Coe, done: &str| {
            c.corrective_actions = vec![
                action("CA-1", ActionStatus::Done, "2026-12-01", Some(done)),
                action("CA-2", ActionStatus::Wontfix, "2026-12-01", None),
            ];
            c
        };
        let mut a = fixed(coe("2026-09-01-a", "2026-09-01T10:00:00Z"), "2026-09-10");
        a.services = vec!["checkout".into(), "payments".into()];
        let b = fixed(coe("2026-10-01-b", "2026-10-01T10:00:00Z"), "2026-11-21");
        let mut c = coe("2026-11-21-c", "2026-11-21T10:00:00Z"); // same day as b's fix: not after
        c.services = vec!["checkout".into(), "payments".into()];
        let d = coe("2026-11-22-e", "2026-11-22T10:00:00Z"); // after b's fix
        let r = report(&[d, c, b, a]);
        let got: Vec<(&str, &str, Vec<&str>, Date, bool)> = r
            .recurrences
            .after_fix
            .iter()
            .map(|x| {
                (
                    x.incident.as_str(),
                    x.earlier.as_str(),
                    x.services.iter().map(String::as_str).collect(),
                    x.fixed_on,
                    x.in_window,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                // b repeats a (fixed 09-10) on checkout.
                (
                    "2026-10-01-b",
                    "2026-09-01-a",
                    vec!["checkout"],
                    date(2026, 9, 10),
                    false
                ),
                // c: b's fix is the same day, so the most recent qualifying is a, on both services.
                (
                    "2026-11-21-c",
                    "2026-09-01-a",
                    vec!["checkout", "payments"],
                    date(2026, 9, 10),
                    true
                ),
                // e: b was fixed the day before.
                (
                    "2026-11-22-e",
                    "2026-10-01-b",
                    vec!["checkout"],
                    date(2026, 11, 21),
                    true
                ),
            ]
        );
    }

    #[test]
    fn lessons_of_the_window() {
        let mut a = coe("2026-11-20-a", "2026-11-20T10:00:00Z");
        a.lessons = vec!["  Stage config pushes. ".into(), "TODO".into()];
        let old = coe("2026-10-01-old", "2026-10-01T10:00:00Z");
        let r = report(&[old, a]);
        assert_eq!(
            r.lessons,
            [LessonRow {
                coe: "2026-11-20-a".into(),
                lesson: "Stage config pushes.".into()
            }]
        );
    }

    #[test]
    fn trends_by_month_over_a_year_and_by_quarter_over_two() {
        let mut a = coe("2026-11-25-a", "2026-11-25T23:00:00Z");
        a.corrective_actions = vec![
            action("CA-1", ActionStatus::Done, "2026-11-10", Some("2026-11-09")), // on time
            action("CA-2", ActionStatus::Done, "2026-11-12", Some("2026-11-20")), // late
            action("CA-3", ActionStatus::Open, "2026-11-20", None),               // late
            action("CA-4", ActionStatus::Wontfix, "2026-11-21", None),            // left out
            action("CA-5", ActionStatus::Open, "2026-11-25", None), // due today: not yet
        ];
        let mut b = coe("2026-11-19-b", "2026-11-19T00:00:00Z");
        b.incident.detected = Some(stamp("2026-11-19T00:40:00Z"));
        b.incident.mitigated = Some(stamp("2026-11-19T02:00:00Z"));
        let coes = [
            a,
            b,
            coe("2026-11-18-c", "2026-11-18T10:00:00Z"),
            coe("2025-12-03-d", "2025-12-03T10:00:00Z"), // the first of 12 months
            coe("2025-11-30-e", "2025-11-30T10:00:00Z"), // before the chart
            coe("2026-11-26-f", "2026-11-26T10:00:00Z"), // after the window's last day
        ];
        let r = report(&coes);
        let t = &r.trends;
        assert_eq!(t.period, super::super::trends::Period::Month);
        assert_eq!(t.buckets.len(), 12);
        assert_eq!(
            (
                t.buckets[0].label.as_str(),
                t.buckets[0].since,
                t.buckets[0].incidents
            ),
            ("Dec 2025", date(2025, 12, 1), 1)
        );
        let nov = &t.buckets[11];
        assert_eq!((nov.label.as_str(), nov.until), ("Nov 2026", TODAY));
        assert_eq!(nov.incidents, 3, "f is after the window");
        // Detect 10, 40, 10 -> 10; mitigate 60, 120, 60 -> 60.
        assert_eq!(nov.median_minutes_to_detect, Some(10.0));
        assert_eq!(nov.median_minutes_to_mitigate, Some(60.0));
        assert_eq!((nov.actions_due, nov.actions_done_on_time), (3, 1));
        assert_eq!(nov.on_time_rate(), Some(1.0 / 3.0));
        assert_eq!(t.buckets[5].median_minutes_to_mitigate, None);
        assert_eq!(t.buckets[5].on_time_rate(), None);
        assert_eq!(nov.by_severity[1].incidents, 3, "SEV2");

        // 18 months: one bucket per month of the window.
        let r18 = build(
            &coes,
            &Config::default(),
            Window::inclusive(date(2025, 6, 1), TODAY),
            TODAY,
        );
        assert_eq!(r18.trends.buckets.len(), 18);
        assert_eq!(r18.trends.buckets[0].label, "Jun 2025");
        assert_eq!(r18.trends.buckets[5].incidents, 1, "e, Nov 2025");
        // Over two years: quarters, labels with their year.
        let long = build(
            &coes,
            &Config::default(),
            Window::inclusive(date(2017, 1, 1), TODAY),
            TODAY,
        );
        assert_eq!(long.trends.period, super::super::trends::Period::Quarter);
        let labels: Vec<&str> = long
            .trends
            .buckets
            .iter()
            .map(|b| b.label.as_str())
            .collect();
        assert_eq!(labels.len(), 40);
        assert_eq!(
            (labels[0], labels[35], labels[39]),
            ("Q1 2017", "Q4 2025", "Q4 2026")
        );
        assert_eq!(long.trends.buckets[35].incidents, 2, "d and e");
        assert_eq!(long.trends.buckets[35].since, date(2025, 10, 1));
        assert_eq!(long.trends.buckets[35].until, date(2025, 12, 31));
    }

    /// Five incidents, hand-computed with the default weights (SEV1 10, SEV2 4, SEV3 1,
    /// SEV4 0.25):
    /// a SEV1, 1,000 customers, 30 min: 30,000 customer-minutes, ratio 1,000 / 10 = 100;
    /// b SEV2, 200 customers, 60 min: 12,000 customer-minutes, ratio 200 / 4 = 50;
    /// c SEV3, no count, 120 min: 120 impact-minutes;
    /// d SEV4, 10 customers, no mitigated time: unknown, ratio 10 / 0.25 = 40;
    /// e SEV1, no count, no mitigated time: unknown.
    /// Calibration: median(100, 50, 40) = 50, so c is 120 × 50 = 6,000.
    fn impact_fixture() -> Vec<Coe> {
        let mk = |id: &str, severity: &str, customers: Option<u64>, minutes: Option<i64>| {
            let mut c = coe(id, &format!("{}T10:00:00Z", &id[..10]));
            c.severity = severity.into();
            c.impact.customers_affected = customers;
            c.incident.mitigated = minutes.map(|m| {
                crate::model::coe::Stamp::from(
                    c.incident.started.at() + jiff::SignedDuration::from_mins(m),
                )
            });
            c.incident.detected = None;
            c.incident.resolved = None;
            c
        };
        vec![
            mk("2026-11-19-e", "SEV1", None, None),
            mk("2026-11-20-d", "SEV4", Some(10), None),
            mk("2026-11-21-c", "SEV3", None, Some(120)),
            mk("2026-11-22-b", "SEV2", Some(200), Some(60)),
            mk("2026-11-23-a", "SEV1", Some(1000), Some(30)),
        ]
    }

    #[test]
    fn incidents_rank_by_customer_minutes_or_calibrated_impact_minutes() {
        let r = report(&impact_fixture());
        assert_eq!(r.impact.customer_minutes_per_impact_minute, Some(50.0));
        assert_eq!(
            (r.impact.calibrated_on, r.impact.unit.as_str()),
            (3, "customer-minutes")
        );
        type Row<'a> = (&'a str, Measure, Option<f64>, Option<u64>, Option<f64>);
        let rows: Vec<Row> = r
            .incidents
            .iter()
            .map(|i| {
                (
                    &i.id[11..],
                    i.measure,
                    i.impact,
                    i.customer_minutes,
                    i.impact_minutes,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (
                    "a",
                    Measure::CustomerMinutes,
                    Some(30_000.0),
                    Some(30_000),
                    Some(300.0)
                ),
                (
                    "b",
                    Measure::CustomerMinutes,
                    Some(12_000.0),
                    Some(12_000),
                    Some(240.0)
                ),
                (
                    "c",
                    Measure::ImpactMinutes,
                    Some(6_000.0),
                    None,
                    Some(120.0)
                ),
                ("e", Measure::Unknown, None, None, None),
                ("d", Measure::Unknown, None, None, None),
            ],
            "unknown last, oldest first among them"
        );
        // Customers affected: 1,210 known, 2 unknown; never 0 for unknown.
        assert_eq!(r.summary.customers_affected, Some(1_210));
        assert_eq!(r.summary.incidents_without_customer_count, 2);
        let sev1 = r.root_causes.all.by_service[0].clone();
        assert_eq!(
            (
                sev1.impact,
                sev1.by_customer_minutes,
                sev1.by_impact_minutes,
                sev1.unmeasured
            ),
            (48_000.0, 2, 1, 2)
        );
        assert_eq!(sev1.impact_minutes, Some(660.0));
    }

    #[test]
    fn without_any_customer_count_the_ranking_is_in_impact_minutes() {
        let mut coes = impact_fixture();
        for c in &mut coes {
            c.impact.customers_affected = None;
        }
        coes[0].severity = "P0".into(); // no weight: unknown
        coes[0].incident.mitigated = Some(stamp("2026-11-19T12:00:00Z"));
        let r = report(&coes);
        assert_eq!(r.impact.customer_minutes_per_impact_minute, None);
        assert_eq!(r.impact.unit, "impact-minutes");
        let rows: Vec<(&str, Option<f64>)> = r
            .incidents
            .iter()
            .map(|i| (&i.id[11..], i.impact))
            .collect();
        // a 30 × 10 = 300, b 60 × 4 = 240, c 120 × 1 = 120.
        assert_eq!(
            rows,
            [
                ("a", Some(300.0)),
                ("b", Some(240.0)),
                ("c", Some(120.0)),
                ("e", None),
                ("d", None)
            ]
        );
        assert_eq!(r.summary.customers_affected, None);
    }

    #[test]
    fn contributing_factors_roll_up_and_recur_with_root_causes() {
        use crate::model::coe::ContributingFactor;
        let factor = |category: &str| ContributingFactor {
            category: category.into(),
            description: "x".into(),
        };
        // x: 100 customers × 60 min = 6,000 customer-minutes; ratio 100 / 4 = 25.
        let mut x = coe("2026-11-20-x", "2026-11-20T10:00:00Z");
        x.contributing_factors = vec![
            factor("deployment"),
            factor("process"),
            factor("deployment"),
        ];
        // y: no count, 30 min × 4 = 120 impact-minutes × 25 = 3,000.
        let mut y = coe("2026-11-21-y", "2026-11-21T10:00:00Z");
        y.services = vec!["checkout".into(), "payments".into()];
        y.root_cause.category = "deployment".into();
        y.impact.customers_affected = None;
        y.incident.mitigated = Some(stamp("2026-11-21T10:30:00Z"));
        y.contributing_factors = vec![factor("deployment"), factor("TODO")];
        let r = report(&[x, y]);
        let f = &r.contributing_factors.all;
        let cats: Vec<(Option<&str>, usize, f64, usize, usize)> = f
            .by_category
            .iter()
            .map(|c| {
                (
                    c.name.as_deref(),
                    c.incidents,
                    c.impact,
                    c.by_customer_minutes,
                    c.by_impact_minutes,
                )
            })
            .collect();
        assert_eq!(
            cats,
            [
                (Some("deployment"), 2, 9_000.0, 1, 1),
                (Some("process"), 1, 6_000.0, 1, 0)
            ]
        );
        let pairs: Vec<(&str, &str, usize, f64)> = f
            .by_service
            .iter()
            .map(|p| {
                (
                    p.service.as_str(),
                    p.category.as_str(),
                    p.impact.incidents,
                    p.impact.impact,
                )
            })
            .collect();
        assert_eq!(
            pairs,
            [
                ("checkout", "deployment", 2, 9_000.0),
                ("checkout", "process", 1, 6_000.0),
                ("payments", "deployment", 1, 3_000.0)
            ]
        );
        assert_eq!(r.incidents[0].factor_categories, ["deployment", "process"]);
        // deployment on checkout: y's root cause and x's factor.
        let p = &r.recurrences.pairs;
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(
            (
                p[0].category.as_str(),
                p[0].service.as_str(),
                p[0].as_root_cause,
                p[0].as_factor,
                p[0].impact
            ),
            ("deployment", "checkout", 1, 1, 9_000.0)
        );
        assert_eq!(r.contributing_factors.window, r.contributing_factors.all);
    }

    #[test]
    fn the_executive_summary_is_written_from_the_figures() {
        let mut a = coe("2026-11-20-a", "2026-11-20T10:00:00Z");
        a.severity = "SEV1".into();
        a.title = "Checkout down".into();
        let b = coe("2026-11-21-b", "2026-11-21T10:00:00Z");
        let mut c = coe("2026-11-22-c", "2026-11-22T10:00:00Z");
        c.root_cause.category = "network".into();
        c.services = vec!["search".into()];
        c.impact.customers_affected = None;
        let mut old = coe("2026-10-01-old", "2026-10-01T10:00:00Z");
        old.corrective_actions = vec![
            action("CA-1", ActionStatus::Open, "2026-11-01", None),
            action("CA-2", ActionStatus::Open, "2026-11-02", None),
            action("CA-3", ActionStatus::Open, "2026-11-03", None),
        ];
        old.corrective_actions[2].owner = "team-web".into();
        let r = report(&[c, b, a, old]);
        assert_eq!(
            r.headline,
            [
                "3 incidents this week: 1 SEV1 and 2 SEV2.",
                "2 of them were configuration problems on checkout.",
                "The most customer pain: “Checkout down” (SEV1, 6,000 customer-minutes).",
                "At least 200 customers were affected; the count is unknown for 1 incident.",
                "3 corrective actions are overdue, 2 of them owned by team-platform.",
            ]
        );
        let quiet = build(
            &[],
            &Config::default(),
            Window::inclusive(date(2026, 11, 1), date(2026, 11, 3)),
            TODAY,
        );
        assert_eq!(
            quiet.headline,
            [
                "No incidents started from 2026-11-01 to 2026-11-03.",
                "No corrective action is overdue."
            ]
        );
    }
}
