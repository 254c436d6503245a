//! The on-time rate of corrective actions: per month, the actions done by their due date
//! over those that were due. Pure computation over loaded COEs.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::model::coe::{Coe, CorrectiveAction};
use crate::model::kinds::ActionStatus;
use crate::model::policy::Config;

/// How many months the report's on-time table covers, ending with the window's month.
pub const MONTHS: usize = 12;

/// One month of the on-time rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OnTimeMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// Actions due this month that are judged: due by today (or already done), not
    /// won't-fix, and with a `done` date when done.
    pub due: usize,
    /// Of those, done on or before their due date.
    pub on_time: usize,
    /// `on_time / due`, None when nothing was due.
    pub rate: Option<f64>,
}

/// The on-time rate for each of the [`MONTHS`] months ending with `last_day`'s month, oldest
/// first. An action counts in the month of its due date (its own, or the default of
/// `action_due_days`) once that date has passed on `today` or it is done; an open action
/// past due counts as late; won't-fix actions and done actions without a `done` date are
/// left out, since whether they were on time is unknown.
pub fn by_month(coes: &[Coe], config: &Config, last_day: Date, today: Date) -> Vec<OnTimeMonth> {
    let last = last_day.first_of_month();
    let first = last
        .checked_sub(jiff::Span::new().months(MONTHS as i64 - 1))
        .unwrap_or(last);
    let mut months: Vec<OnTimeMonth> = (0..MONTHS as i64)
        .filter_map(|i| first.checked_add(jiff::Span::new().months(i)).ok())
        .map(|m| OnTimeMonth {
            month: format!("{:04}-{:02}", m.year(), m.month()),
            due: 0,
            on_time: 0,
            rate: None,
        })
        .collect();
    for coe in coes {
        for action in &coe.corrective_actions {
            let Some((due, on_time)) = judged(coe, action, config, today) else {
                continue;
            };
            let index = (i32::from(due.year()) - i32::from(first.year())) * 12
                + i32::from(due.month())
                - i32::from(first.month());
            let Some(month) = usize::try_from(index).ok().and_then(|i| months.get_mut(i)) else {
                continue;
            };
            month.due += 1;
            month.on_time += usize::from(on_time);
        }
    }
    for month in &mut months {
        month.rate = (month.due > 0).then(|| month.on_time as f64 / month.due as f64);
    }
    months
}

/// An action's due date (its own, or the default of `action_due_days`) and whether it was
/// done by then, once that can be judged: done with a `done` date, or open past due on
/// `today`. Won't-fix actions, done actions without a date and open actions not due yet
/// are not judged.
pub fn judged(
    coe: &Coe,
    action: &CorrectiveAction,
    config: &Config,
    today: Date,
) -> Option<(Date, bool)> {
    let due = coe.action_due(action, config)?;
    match (action.status, action.done) {
        (ActionStatus::Done, Some(done)) => Some((due, done <= due)),
        (ActionStatus::Open, _) if due < today => Some((due, false)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn coe(actions: &str) -> Coe {
        crate::store::format::parse(&format!(
            "version: 1\nid: 2026-09-01-x\ntitle: X\nseverity: SEV2\nincident:\n  started: \"2026-09-01T10:00:00Z\"\ncorrective_actions:\n{actions}"
        ))
        .unwrap()
    }

    #[test]
    fn done_by_the_due_date_over_due_per_month() {
        let coes = [coe(
            "  - {id: CA-1, due: \"2026-10-10\", status: done, done: \"2026-10-09\"}\n  \
               - {id: CA-2, due: \"2026-10-20\", status: done, done: \"2026-10-25\"}\n  \
               - {id: CA-3, due: \"2026-10-31\", status: open}\n  \
               - {id: CA-4, due: \"2026-10-05\", status: wontfix}\n  \
               - {id: CA-5, due: \"2026-11-30\", status: open}\n  \
               - {id: CA-6, due: \"2026-11-30\", status: done, done: \"2026-11-02\"}\n  \
               - {id: CA-7, due: \"2025-01-05\", status: done, done: \"2025-01-05\"}\n  \
               - {id: CA-8, kind: detect, status: open}\n",
        )];
        let config = Config::parse("action_due_days: {detect: 14}\n").unwrap();
        let months = by_month(&coes, &config, date(2026, 11, 25), date(2026, 11, 25));
        assert_eq!(months.len(), MONTHS);
        assert_eq!(months[0].month, "2025-12");
        let shown: Vec<(&str, usize, usize)> = months
            .iter()
            .filter(|m| m.due > 0)
            .map(|m| (m.month.as_str(), m.due, m.on_time))
            .collect();
        // September: CA-8, due 14 days after the incident and still open. October: CA-1 on
        // time, CA-2 late, CA-3 open past due; CA-4 (won't fix) left out. November: CA-6
        // done early; CA-5 not due yet. CA-7 is older than the table.
        assert_eq!(
            shown,
            [("2026-09", 1, 0), ("2026-10", 3, 1), ("2026-11", 1, 1)]
        );
        assert_eq!(months[10].rate, Some(1.0 / 3.0));
        assert_eq!(months[9].rate, Some(0.0));
        assert_eq!(months[8].rate, None);
    }
}
