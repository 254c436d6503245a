//! The report's figures, each computed by hand from small COEs.
use super::*;
use crate::model::coe::CorrectiveAction;
use crate::model::coe::{
    DataPoint, Impact, Implications, Incident, RootCause, TimelineEntry, WhatHappened,
};
use crate::model::dates::{add_days, days_between};
use crate::model::kinds::ActionKind;
use crate::model::kinds::{ActionStatus, Status};
use jiff::civil::date;

/// A category row as a tuple: name, incidents, impact, by customer-, by impact-minutes.
type CategoryRow<'a> = (Option<&'a str>, usize, Option<f64>, usize, usize);

pub(super) fn stamp(s: &str) -> crate::model::dates::Stamp {
    s.parse().unwrap()
}

/// A complete COE: started at `started`, detected 10 min later, mitigated 60 min later.
pub(super) fn coe(id: &str, started: &str) -> Coe {
    let at = stamp(started);
    let plus =
        |m: i64| crate::model::dates::Stamp::from(at.at() + jiff::SignedDuration::from_mins(m));
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

pub(super) const TODAY: Date = date(2026, 11, 25);

fn week() -> Window {
    Window::inclusive(date(2026, 11, 19), TODAY)
}

pub(super) fn report(coes: &[Coe]) -> Report {
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
            crate::model::dates::Stamp::from(
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
    assert_eq!(p.impact, Some(12_000.0));
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
        action("CA-5", ActionStatus::Open, "2026-11-25", None),               // due today: not yet
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
    assert_eq!(t.period, crate::report::view::Period::Month);
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
    assert_eq!(long.trends.period, crate::report::view::Period::Quarter);
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
            crate::model::dates::Stamp::from(
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
        (Some(48_000.0), 2, 1, 2)
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
    let cats: Vec<CategoryRow> = f
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
            (Some("deployment"), 2, Some(9_000.0), 1, 1),
            (Some("process"), 1, Some(6_000.0), 1, 0)
        ]
    );
    let pairs: Vec<(&str, &str, usize, Option<f64>)> = f
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
            ("checkout", "deployment", 2, Some(9_000.0)),
            ("checkout", "process", 1, Some(6_000.0)),
            ("payments", "deployment", 1, Some(3_000.0))
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
        ("deployment", "checkout", 1, 1, Some(9_000.0))
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
    let r = crate::report::build(&[c, b, a, old], &Config::default(), week(), TODAY);
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
    let quiet = crate::report::build(
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
