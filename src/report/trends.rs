//! Trends: incidents by severity, median time to detect and to mitigate, and corrective
//! actions done on time, per calendar month over the last year (or over the window when it
//! is longer, up to two years), per calendar quarter for windows longer than two years.
//! Every label carries its year (`Nov 2026`, `Q4 2026`).

use jiff::civil::Date;

use super::on_time::judged;
use super::stats::{by_severity, median};
use super::view::{Bucket, Period, Trends};
use crate::model::coe::Coe;
use crate::model::policy::Config;

/// Windows longer than this many days are bucketed by quarter.
const TWO_YEARS: i64 = 731;

/// The trend ending with the month (or quarter) of `last`, going back to `since` and at
/// least a year.
pub fn trends(coes: &[Coe], config: &Config, since: Date, last: Date, today: Date) -> Trends {
    let period = if crate::model::dates::days_between(last, since) >= TWO_YEARS {
        Period::Quarter
    } else {
        Period::Month
    };
    let mut starts = Vec::new();
    let mut start = bucket_start(period, last);
    let year_back = bucket_start(Period::Month, last)
        .checked_sub(jiff::Span::new().months(11))
        .unwrap_or(since);
    let first = bucket_start(period, since.min(year_back));
    while start >= first {
        starts.push(start);
        match previous(period, start) {
            Some(p) => start = p,
            None => break,
        }
    }
    starts.reverse();
    let buckets = starts
        .iter()
        .map(|&since| {
            // The last bucket ends with the window, not after it.
            let until = next(period, since)
                .map(|n| crate::model::dates::add_days(n, -1))
                .unwrap_or(since)
                .min(last);
            bucket(coes, config, period, since, until, today)
        })
        .collect();
    Trends { period, buckets }
}

fn bucket(
    coes: &[Coe],
    config: &Config,
    period: Period,
    since: Date,
    until: Date,
    today: Date,
) -> Bucket {
    let inside = |d: Date| since <= d && d <= until;
    let clock = config.clock();
    let incidents: Vec<&Coe> = coes
        .iter()
        .filter(|c| inside(c.started_day(&clock)))
        .collect();
    let (mut due, mut on_time) = (0, 0);
    for coe in coes {
        for action in &coe.corrective_actions {
            if let Some((day, in_time)) = judged(coe, action, config, today) {
                if inside(day) {
                    due += 1;
                    on_time += usize::from(in_time);
                }
            }
        }
    }
    Bucket {
        label: label(period, since),
        since,
        until,
        incidents: incidents.len(),
        by_severity: by_severity(&incidents, config),
        median_minutes_to_detect: median(incidents.iter().filter_map(|c| c.minutes_to_detect())),
        median_minutes_to_mitigate: median(
            incidents.iter().filter_map(|c| c.minutes_to_mitigate()),
        ),
        actions_due: due,
        actions_done_on_time: on_time,
    }
}

fn bucket_start(period: Period, day: Date) -> Date {
    let month = match period {
        Period::Month => day.month(),
        Period::Quarter => (day.month() - 1) / 3 * 3 + 1,
    };
    Date::new(day.year(), month, 1).unwrap_or(day)
}

fn step(period: Period) -> jiff::Span {
    jiff::Span::new().months(match period {
        Period::Month => 1,
        Period::Quarter => 3,
    })
}

fn previous(period: Period, start: Date) -> Option<Date> {
    start.checked_sub(step(period)).ok()
}

fn next(period: Period, start: Date) -> Option<Date> {
    start.checked_add(step(period)).ok()
}

fn label(period: Period, start: Date) -> String {
    match period {
        Period::Month => start.strftime("%b %Y").to_string(),
        Period::Quarter => format!("Q{} {}", (start.month() - 1) / 3 + 1, start.year()),
    }
}
