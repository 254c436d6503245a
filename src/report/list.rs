//! The rows of `coe list`: one per COE, filtered, newest first, as JSON or an aligned table.

use crate::model::coe::Coe;
use crate::model::kinds::Status;
use crate::output::table::{Cell, Table};
use crate::output::ui::style;
use crate::store::Repo;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// One COE in `coe list --format json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListRow {
    /// The COE's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its severity.
    pub severity: String,
    /// draft | review | closed
    pub status: Status,
    /// When the incident started, as written in the file.
    pub started: String,
    /// Whether all seven questions are answered.
    pub complete: bool,
    /// How many of the seven questions are answered.
    pub answered: usize,
    /// The services involved.
    pub services: Vec<String>,
    /// The file, relative to the repository root.
    pub file: String,
}
/// The filters of `coe list`, checked against the configuration.
#[derive(Debug, Default)]
pub struct Filter {
    /// Any of these statuses (all when empty).
    pub status: Vec<Status>,
    /// Started on or after.
    pub since: Option<Date>,
    /// Names any of these services, compared case-insensitively (all when empty).
    pub service: Vec<String>,
    /// Any of these severities (all when empty).
    pub severity: Vec<String>,
    /// Only incomplete COEs.
    pub incomplete: bool,
}
impl Filter {
    /// True when `coe` passes every filter but `incomplete`, which needs the (costlier)
    /// completeness check.
    pub fn matches_metadata(&self, coe: &Coe) -> bool {
        (self.status.is_empty() || self.status.contains(&coe.status))
            && self
                .since
                .is_none_or(|since| coe.incident.started.date() >= since)
            && (self.service.is_empty()
                || coe.services.iter().any(|s| {
                    self.service
                        .iter()
                        .any(|want| want.trim().eq_ignore_ascii_case(s.trim()))
                }))
            && (self.severity.is_empty() || self.severity.contains(&coe.severity))
    }
}
/// The matching COEs as rows, newest incident first (ties by id).
pub fn rows(coes: &[(std::path::PathBuf, Coe)], repo: &Repo, filter: &Filter) -> Vec<ListRow> {
    let mut picked: Vec<(&Coe, ListRow)> = coes
        .iter()
        .filter(|(_, coe)| filter.matches_metadata(coe))
        .filter_map(|(path, coe)| {
            let missing = coe.missing(&repo.config);
            let complete = missing.is_empty();
            (!(filter.incomplete && complete)).then(|| {
                (
                    coe,
                    ListRow {
                        id: coe.id.clone(),
                        title: coe.title.clone(),
                        severity: coe.severity.clone(),
                        status: coe.status,
                        started: coe.incident.started.to_string(),
                        complete,
                        answered: crate::model::complete::answered(&missing).len(),
                        services: coe.services.clone(),
                        file: repo.relative(path).display().to_string(),
                    },
                )
            })
        })
        .collect();
    picked.sort_by(|(a, _), (b, _)| {
        b.incident
            .started
            .at()
            .cmp(&a.incident.started.at())
            .then_with(|| a.id.cmp(&b.id))
    });
    picked.into_iter().map(|(_, row)| row).collect()
}
pub fn table(rows: &[ListRow]) -> String {
    let mut table = Table::new(&["ID", "SEVERITY", "STATUS", "STARTED", "COMPLETE", "TITLE"]);
    for row in rows {
        let status_style = match row.status {
            Status::Draft => style::WARNING,
            Status::Review => style::BOLD,
            Status::Closed => style::GOOD,
        };
        let complete = if row.complete {
            Cell::styled("yes", style::GOOD)
        } else {
            Cell::styled(format!("no ({}/7)", row.answered), style::ERROR)
        };
        table.push(vec![
            Cell::new(&row.id),
            Cell::new(&row.severity),
            Cell::styled(row.status.as_str(), status_style),
            Cell::new(&row.started),
            complete,
            Cell::new(&row.title),
        ]);
    }
    table.render()
}
