//! `coe related`: the past COEs of the same area, most related first, so that whoever
//! writes or reads a COE re-reads what was learnt (and promised) last time.
//!
//! Score of a past COE against the one asked about:
//! - 3 for each service both name;
//! - 2 when both have the same root-cause category;
//! - 1 for each other category both name, as root cause or contributing factor (a factor of
//!   one that is the other's root cause, or a factor both name).
//!
//! Only COEs whose incident started before this one's count ("past"), and only with a score
//! above zero. Ties: the most recent first, then by id.

use crate::output::table::clean;
use jiff::civil::Date;
use serde::Serialize;

use super::rollup::{category, factor_categories, services};
use crate::model::coe::Coe;
use crate::model::dates::Stamp;
use crate::model::kinds::ActionStatus;

/// Points per shared service.
pub const SERVICE_POINTS: u32 = 3;
/// Points for the same root-cause category.
pub const ROOT_CAUSE_POINTS: u32 = 2;
/// Points per other shared category (root cause or contributing factor).
pub const CATEGORY_POINTS: u32 = 1;

/// What a COE is compared by: its services and categories, and when it started.
#[derive(Debug, Clone)]
pub struct Probe<'a> {
    /// The COE's own id, left out of the results.
    pub id: &'a str,
    /// When its incident started: only earlier incidents are "past".
    pub started: &'a Stamp,
    /// Its services.
    pub services: Vec<&'a str>,
    /// Its root-cause category, when answered.
    pub root_cause: Option<&'a str>,
    /// Its contributing factors' categories.
    pub factors: Vec<&'a str>,
}

impl<'a> Probe<'a> {
    /// The probe of a COE.
    pub fn of(coe: &'a Coe) -> Probe<'a> {
        Probe {
            id: &coe.id,
            started: &coe.incident.started,
            services: services(coe),
            root_cause: category(coe),
            factors: factor_categories(coe),
        }
    }

    fn categories(&self) -> Vec<&'a str> {
        let mut out: Vec<&str> = self.root_cause.into_iter().collect();
        for f in &self.factors {
            if !out.contains(f) {
                out.push(f);
            }
        }
        out
    }
}

/// A past COE related to the one asked about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelatedCoe {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its severity.
    pub severity: String,
    /// The day its incident started.
    pub started: Date,
    /// The score (see the module docs).
    pub score: u32,
    /// Services both name.
    pub shared_services: Vec<String>,
    /// The root-cause category both have, when they do.
    pub same_root_cause: Option<String>,
    /// Other categories both name (root cause or contributing factor).
    pub shared_categories: Vec<String>,
    /// Its corrective actions and whether they were done.
    pub actions: Vec<RelatedAction>,
}

/// A corrective action of a related COE.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelatedAction {
    /// `CA-1`.
    pub id: String,
    /// What was to be done.
    pub action: String,
    /// Who owns it.
    pub owner: String,
    /// open | done | wontfix
    pub status: ActionStatus,
    /// When it is due.
    pub due: Option<Date>,
    /// When it was done.
    pub done: Option<Date>,
    /// Days past due on `today`, for an open action.
    pub days_overdue: Option<i64>,
}

/// The past COEs related to `probe`, most related first.
pub fn related(
    probe: &Probe<'_>,
    coes: &[Coe],
    config: &crate::model::policy::Config,
    today: Date,
) -> Vec<RelatedCoe> {
    let mine = probe.categories();
    let clock = config.clock();
    let mut out: Vec<(RelatedCoe, &Coe)> = coes
        .iter()
        .filter(|c| c.id != probe.id && c.incident.started.at() < probe.started.at())
        .filter_map(|c| {
            let shared_services: Vec<String> = services(c)
                .into_iter()
                .filter(|s| probe.services.contains(s))
                .map(str::to_string)
                .collect();
            let root = category(c);
            let same_root_cause = root.filter(|r| probe.root_cause == Some(*r));
            let theirs: Vec<&str> = root.into_iter().chain(factor_categories(c)).collect();
            let mut shared_categories: Vec<String> = Vec::new();
            for cat in mine.iter().filter(|m| theirs.contains(m)) {
                if Some(*cat) != same_root_cause && !shared_categories.iter().any(|s| s == cat) {
                    shared_categories.push(cat.to_string());
                }
            }
            let score = SERVICE_POINTS * shared_services.len() as u32
                + ROOT_CAUSE_POINTS * u32::from(same_root_cause.is_some())
                + CATEGORY_POINTS * shared_categories.len() as u32;
            (score > 0).then(|| {
                (
                    RelatedCoe {
                        id: c.id.clone(),
                        title: c.title.clone(),
                        severity: c.severity.clone(),
                        started: c.started_day(&clock),
                        score,
                        shared_services,
                        same_root_cause: same_root_cause.map(str::to_string),
                        shared_categories,
                        actions: c
                            .corrective_actions
                            .iter()
                            .map(|a| RelatedAction {
                                id: a.id.clone(),
                                action: a.action.clone(),
                                owner: a.owner.clone(),
                                status: a.status,
                                due: a.due,
                                done: a.done,
                                days_overdue: c.action_days_overdue(a, config, today),
                            })
                            .collect(),
                    },
                    c,
                )
            })
        })
        .collect();
    out.sort_by(|(a, ca), (b, cb)| {
        b.score
            .cmp(&a.score)
            .then_with(|| cb.incident.started.at().cmp(&ca.incident.started.at()))
            .then_with(|| a.id.cmp(&b.id))
    });
    out.into_iter().map(|(r, _)| r).collect()
}

/// Why a COE is related, in words: "services checkout, payments; same root cause
/// configuration; also deployment".
pub fn reasons(r: &RelatedCoe) -> String {
    let mut parts = Vec::new();
    if !r.shared_services.is_empty() {
        parts.push(format!(
            "{} {}",
            if r.shared_services.len() == 1 {
                "service"
            } else {
                "services"
            },
            r.shared_services.join(", ")
        ));
    }
    if let Some(c) = &r.same_root_cause {
        parts.push(format!("same root cause {c}"));
    }
    if !r.shared_categories.is_empty() {
        parts.push(format!("also {}", r.shared_categories.join(", ")));
    }
    parts.join("; ")
}

/// The related COEs as lines for a terminal: id, severity, date, score and why; the title;
/// then, with `actions`, one line per corrective action and whether it was done.
pub fn lines(found: &[RelatedCoe], actions: bool) -> Vec<String> {
    let mut out = Vec::new();
    for (i, r) in found.iter().enumerate() {
        out.push(String::new());
        out.push(format!(
            "{:>2}. {}  ({}, {}, score {}: {})",
            i + 1,
            clean(&r.id),
            clean(&r.severity),
            r.started,
            r.score,
            clean(&reasons(r))
        ));
        out.push(format!("    {}", clean(&r.title)));
        if !actions {
            continue;
        }
        if r.actions.is_empty() {
            out.push("    no corrective actions".into());
        }
        for a in &r.actions {
            let state = match (a.status, a.done, a.days_overdue) {
                (ActionStatus::Done, Some(d), _) => format!("done {d}"),
                (ActionStatus::Done, None, _) => "done".into(),
                (ActionStatus::Wontfix, _, _) => "won't fix".into(),
                (ActionStatus::Open, _, Some(late)) => format!(
                    "OPEN, {}",
                    crate::model::plural(late as usize, "day overdue", "days overdue")
                ),
                (ActionStatus::Open, _, None) => match a.due {
                    Some(due) => format!("open, due {due}"),
                    None => "open".into(),
                },
            };
            out.push(format!(
                "    {} {}: {} ({})",
                clean(&a.id),
                state,
                clean(&a.action),
                clean(&a.owner)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::coe::{ContributingFactor, CorrectiveAction};

    fn coe(id: &str, services: &[&str], root: &str, factors: &[&str]) -> Coe {
        let mut c = crate::store::format::parse(&format!(
            "version: 1\nid: {id}\ntitle: T {id}\nseverity: SEV2\nincident:\n  started: \"{}T10:00:00Z\"\n",
            &id[..10]
        ))
        .unwrap();
        c.services = services.iter().map(|s| s.to_string()).collect();
        c.root_cause.category = root.into();
        c.contributing_factors = factors
            .iter()
            .map(|f| ContributingFactor {
                category: f.to_string(),
                description: "x".into(),
            })
            .collect();
        c
    }

    #[test]
    fn scores_services_root_cause_and_other_categories() {
        let me = coe(
            "2026-11-22-me",
            &["checkout", "payments"],
            "configuration",
            &["deployment"],
        );
        let mut a = coe(
            "2026-10-01-a",
            &["checkout", "payments"],
            "configuration",
            &[],
        );
        a.corrective_actions = vec![CorrectiveAction {
            id: "CA-1".into(),
            action: "Stage config pushes".into(),
            kind: None,
            owner: "team-platform".into(),
            due: Some(jiff::civil::date(2026, 11, 1)),
            status: ActionStatus::Open,
            done: None,
            link: None,
            reason: None,
        }];
        let coes = vec![
            me.clone(),
            a,                                                            // 3+3+2 = 8
            coe("2026-10-02-b", &["checkout"], "deployment", &[]),        // 3+1 = 4
            coe("2026-10-03-c", &["search"], "network", &["deployment"]), // 1
            coe("2026-10-04-d", &["search"], "network", &[]),             // 0: left out
            coe("2026-11-30-later", &["checkout"], "configuration", &[]), // not past
            coe(
                "2026-09-01-e",
                &["payments"],
                "capacity",
                &["configuration"],
            ), // 3+1 = 4
        ];
        let today = jiff::civil::date(2026, 11, 25);
        let found = related(
            &Probe::of(&me),
            &coes,
            &crate::model::policy::Config::default(),
            today,
        );
        let got: Vec<(&str, u32)> = found.iter().map(|r| (&r.id[11..], r.score)).collect();
        assert_eq!(
            got,
            [("a", 8), ("b", 4), ("e", 4), ("c", 1)],
            "ties: most recent first"
        );
        assert_eq!(
            reasons(&found[0]),
            "services checkout, payments; same root cause configuration"
        );
        assert_eq!(reasons(&found[1]), "service checkout; also deployment");
        assert_eq!(reasons(&found[2]), "service payments; also configuration");
        assert_eq!(found[0].actions[0].days_overdue, Some(24));
    }
}
