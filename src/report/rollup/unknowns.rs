//! Issue 24's wrong figures, each computed by hand: unknown is never 0, rankings by
//! impact, estimates marked, the window named, time to mitigate apart from time to resolve.

use jiff::civil::date;

use super::tests::{coe, report, TODAY};
use crate::model::policy::Config;
use crate::report::view::Window;

/// Defects 1, 2 and 3 of issue 24, computed by hand. Three checkout configuration incidents
/// have no mitigated time (unknown impact); two search network incidents were mitigated
/// after 60 minutes, one counted (100 customers: 6,000 customer-minutes), one not (SEV2,
/// weight 4: 240 impact-minutes; the calibration is the median of customers ÷ weight over
/// the five counted COEs, 100 ÷ 4 = 25, so ≈ 6,000 customer-minutes).
#[test]
fn unknown_impact_is_null_pairs_rank_by_impact_and_estimates_are_marked() {
    let mut coes = Vec::new();
    for (i, day) in ["2026-09-01", "2026-09-02", "2026-09-03"]
        .iter()
        .enumerate()
    {
        let mut c = coe(&format!("{day}-x{i}"), &format!("{day}T10:00:00Z"));
        c.incident.mitigated = None;
        c.incident.resolved = None;
        coes.push(c);
    }
    for (i, day) in ["2026-10-01", "2026-10-02"].iter().enumerate() {
        let mut c = coe(&format!("{day}-y{i}"), &format!("{day}T10:00:00Z"));
        c.root_cause.category = "network".into();
        c.services = vec!["search".into()];
        if i == 1 {
            c.impact.customers_affected = None;
        }
        coes.push(c);
    }
    let r = report(&coes);
    assert_eq!(r.impact.customer_minutes_per_impact_minute, Some(25.0));
    // 1. A row whose incidents all have unknown impact is unknown, not 0.
    let checkout = r
        .root_causes
        .all
        .by_service
        .iter()
        .find(|row| row.name.as_deref() == Some("checkout"))
        .unwrap();
    assert_eq!(
        (checkout.incidents, checkout.impact, checkout.unmeasured),
        (3, None, 3)
    );
    let json: serde_json::Value =
        serde_json::from_str(&crate::report::render::json(&r).unwrap()).unwrap();
    let rows = json["root_causes"]["all"]["by_service"].as_array().unwrap();
    let checkout_json = rows.iter().find(|row| row["name"] == "checkout").unwrap();
    assert!(checkout_json["impact"].is_null(), "{checkout_json}");
    // 2. Pairs by impact: search (12,000) before checkout (unknown), though it has fewer
    // incidents.
    let pairs: Vec<(&str, usize, Option<f64>, usize)> = r
        .recurrences
        .pairs
        .iter()
        .map(|p| (p.service.as_str(), p.incidents.len(), p.impact, p.estimated))
        .collect();
    assert_eq!(
        pairs,
        [("search", 2, Some(12_000.0), 1), ("checkout", 3, None, 0)]
    );
    // 3. The estimate is marked in the Markdown; the unknown is "unknown".
    let md = crate::report::render::markdown(&r, None, None).unwrap();
    assert!(
        md.contains("| network | search | 2 | 2 | 0 | 0 | ≈ 12,000 |"),
        "{md}"
    );
    assert!(
        md.contains("| configuration | checkout | 3 | 3 | 0 | 0 | unknown |"),
        "{md}"
    );
}

/// Defects 4 and 5 of issue 24: the summary's header names the window's last day (not
/// today), and the figures measured today say so; "Time to mitigate" is unknown without a
/// mitigated time, never started → resolved.
#[test]
fn the_header_names_the_window_and_time_to_mitigate_is_not_time_to_resolve() {
    let mut c = coe("2021-06-01-old", "2021-06-01T10:00:00Z");
    c.incident.mitigated = None; // resolved 90 minutes after the start
    let window = Window::inclusive(date(2021, 1, 1), date(2021, 12, 31));
    let r = crate::report::build(&[c], &Config::default(), window, TODAY);
    assert_eq!(r.incidents[0].duration_minutes, Some(90));
    assert_eq!(r.incidents[0].minutes_to_mitigate, None);
    let md = crate::report::render::markdown(&r, None, None).unwrap();
    assert!(md.contains("| Figure | 365 days to 2021-12-31 |"), "{md}");
    assert!(
        md.contains("| **Corrective actions overdue** | 0 on 2026-11-25 |"),
        "{md}"
    );
    let row = md.lines().find(|l| l.contains("2021-06-01-old")).unwrap();
    assert!(
        row.contains("| 2021-06-01 | unknown | 100 | unknown | unknown: no mitigated time |"),
        "{row}"
    );
}

/// Defect 6 of issue 24: with `timezone: America/New_York`, an incident at 23:30 EDT on
/// 2026-03-14 (03:30 UTC on the 15th) is on the 14th everywhere in the report: in the
/// window, in its row, and the header says whose days these are.
#[test]
fn days_are_the_configured_zones_days() {
    let mut c = coe("2026-03-14-late", "2026-03-15T03:30:00Z");
    c.incident.detected = None;
    c.incident.mitigated = None;
    c.incident.resolved = None;
    let config = Config {
        timezone: "America/New_York".into(),
        ..Config::default()
    };
    let day14 = Window::inclusive(date(2026, 3, 14), date(2026, 3, 14));
    let r = crate::report::build(std::slice::from_ref(&c), &config, day14, TODAY);
    assert_eq!(r.summary.incidents, 1);
    assert_eq!(r.incidents[0].day, date(2026, 3, 14));
    assert_eq!(r.window.timezone, "America/New_York");
    let md = crate::report::render::markdown(&r, None, None).unwrap();
    assert!(
        md.starts_with("# COE report: 2026-03-14 to 2026-03-14 (America/New\\_York days)"),
        "{md}"
    );
    let day15 = Window::inclusive(date(2026, 3, 15), date(2026, 3, 15));
    let r = crate::report::build(&[c], &config, day15, TODAY);
    assert_eq!(r.summary.incidents, 0, "not on the 15th in New York");
}
