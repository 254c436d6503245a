//! The figures of `coe report`, computed from loaded COEs: pure functions, no I/O.
//!
//! Two kinds of figures: *events* (incidents started, actions due or done) are counted in
//! the report's window; *state* (incomplete and overdue COEs, overdue and open actions) is
//! measured on `today` across every COE, because an overdue COE is by definition older
//! than a weekly window.
//!
//! The types they fill are in `view`.

//! The figures of `coe report`, computed from loaded COEs: pure functions, no I/O.
//!
//! Two kinds of figures: *events* (incidents started, actions due or done) are counted in
//! the report's window; *state* (incomplete and overdue COEs, overdue and open actions) is
//! measured on `today` across every COE, because an overdue COE is by definition older
//! than a weekly window.
//!
//! [`Report`] is also the JSON output of `coe report --format json`: its field names are a
//! contract (see the README), so they change only with a new major version.

use super::impact::{most_first, Impact, ImpactModel, Measure};
use super::stats::{by_severity, median};
use super::view::*;
use crate::model::coe::Coe;
use crate::model::is_placeholder;
use crate::model::kinds::ActionStatus;
use crate::model::policy::Config;
use crate::model::times::Clock;
use jiff::civil::Date;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

/// Computes every figure of the report. `coes` in any order; `today` is the day state is
/// measured on.
pub fn build(coes: &[Coe], config: &Config, window: Window, today: Date) -> Report {
    let clock = config.clock();
    let model = ImpactModel::calibrate(coes, config);
    let impacts: Vec<Impact> = coes.iter().map(|c| model.impact(c, config)).collect();
    let complete: Vec<bool> = coes.iter().map(|c| c.is_complete(config)).collect();
    let mut in_window: Vec<usize> = (0..coes.len())
        .filter(|&i| window.contains(coes[i].started_day(&clock)))
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
        .map(|&i| incident_row(&coes[i], complete[i], &impacts[i], &clock))
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
        pairs: recurring_pairs(&groups, &impacts, window, &clock),
        after_fix: repeats_after_fix(&groups, window, &clock),
    };
    let actions = actions(coes, config, window, today);
    Report {
        window: WindowView {
            since: window.since,
            until: window.last_day(),
            days: window.days(),
            timezone: clock.name().to_string(),
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
    }
}

/// Oldest first; ties by id so output is stable.
fn by_started(a: &Coe, b: &Coe) -> Ordering {
    a.incident
        .started
        .at()
        .cmp(&b.incident.started.at())
        .then_with(|| a.id.cmp(&b.id))
}

fn incident_row(coe: &Coe, complete: bool, impact: &Impact, clock: &Clock) -> IncidentRow {
    let inc = &coe.incident;
    let end = inc.mitigated.as_ref().or(inc.resolved.as_ref());
    IncidentRow {
        id: coe.id.clone(),
        title: coe.title.clone(),
        severity: coe.severity.clone(),
        status: coe.status,
        started: inc.started.to_string(),
        day: coe.started_day(clock),
        duration_minutes: end
            .map(|e| inc.started.minutes_until(e))
            .filter(|m| *m >= 0),
        minutes_to_mitigate: coe.minutes_to_mitigate(),
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

fn actions(coes: &[Coe], config: &Config, window: Window, today: Date) -> ActionsRollup {
    let mut due = Vec::new();
    let mut done = Vec::new();
    let mut overdue = Vec::new();
    let mut owners: HashMap<String, (usize, usize)> = HashMap::new();
    for coe in coes {
        for action in &coe.corrective_actions {
            let row = || ActionRow::new(coe, action, config, today);
            let overdue_days = coe.action_days_overdue(action, config, today);
            if coe
                .action_due(action, config)
                .is_some_and(|d| window.contains(d))
            {
                due.push(row());
            }
            if action.status == ActionStatus::Done
                && action.done.is_some_and(|d| window.contains(d))
            {
                done.push(row());
            }
            if overdue_days.is_some() {
                overdue.push(row());
            }
            if action.status == ActionStatus::Open {
                let entry = owners.entry(action.owner.trim().to_string()).or_default();
                entry.0 += 1;
                entry.1 += usize::from(overdue_days.is_some());
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
            impact: None,
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
        if let Some(i) = impact.impact {
            self.impact = Some(self.impact.unwrap_or(0.0) + i);
        }
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

/// Most impact first (unknown last), then most incidents.
fn impact_order(a: &ImpactRow, b: &ImpactRow) -> Ordering {
    most_first(a.impact, b.impact).then_with(|| b.incidents.cmp(&a.incidents))
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
    clock: &Clock,
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
                    .filter(|(_, c, _)| window.contains(c.started_day(clock)))
                    .count(),
                customers_affected: (!counts.is_empty())
                    .then(|| counts.iter().fold(0, |a, b| u64::saturating_add(a, *b))),
                impact: group
                    .iter()
                    .filter_map(|(i, _, _)| impacts[*i].impact)
                    .reduce(|a, b| a + b),
                estimated: group
                    .iter()
                    .filter(|(i, _, _)| {
                        impacts[*i].impact.is_some()
                            && impacts[*i].measure == Measure::ImpactMinutes
                    })
                    .count(),
            }
        })
        .collect();
    // Most impact first, as every ranking of the report (unknown last), then most
    // incidents.
    pairs.sort_by(|a, b| {
        most_first(a.impact, b.impact)
            .then_with(|| b.incidents.len().cmp(&a.incidents.len()))
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

fn repeats_after_fix<'c>(
    groups: &PairGroups<'c>,
    window: Window,
    clock: &Clock,
) -> Vec<RepeatAfterFix> {
    // (later id, earlier id) -> the repeat, collecting the services they share.
    let mut found: BTreeMap<(&str, &str), (RepeatAfterFix, &Coe)> = BTreeMap::new();
    for (&(category, service), group) in groups {
        let group: Vec<&Coe> = group.iter().map(|(_, c, _)| *c).collect();
        let fixes: Vec<Option<Date>> = group.iter().map(|c| fixed_on(c)).collect();
        for (j, later) in group.iter().enumerate() {
            let started = later.incident.started.at();
            let day = later.started_day(clock);
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
mod tests;
#[cfg(test)]
mod unknowns;
