//! `coe list`: a table of COEs, newest first.

use std::process::ExitCode;

use anyhow::Result;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::report::parse_date;
use super::Context;
use crate::error::UserError;
use crate::model::coe::Coe;
use crate::model::kinds::Status;
use crate::model::policy::Config;
use crate::output::table::{Cell, Table};
use crate::output::ui::{self, style};
use crate::store::load::finish;
use crate::store::Repo;

/// List COEs: id, severity, status, started, complete
///
/// Newest incident first. Filters combine: a COE is listed when it matches all of them; a
/// filter given several values (repeated or comma-separated) matches any of them.
///
/// Examples:
///   coe list
///   coe list --status draft,review --since 2026-11-01
///   coe list --incomplete --service checkout --format json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ListArgs {
    /// Only COEs with this status
    #[arg(long, value_enum, value_delimiter = ',', value_name = "STATUS")]
    pub status: Vec<StatusArg>,

    /// Only incidents that started on or after DATE (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<Date>,

    /// Only COEs that name this service (case-insensitive)
    #[arg(long, value_delimiter = ',', value_name = "SERVICE")]
    pub service: Vec<String>,

    /// Only COEs of this severity
    #[arg(long, value_delimiter = ',', value_name = "SEVERITY")]
    pub severity: Vec<String>,

    /// Only COEs that are not complete yet
    #[arg(long)]
    pub incomplete: bool,

    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,

    #[command(flatten)]
    pub source: crate::store::load::SourceArgs,
}

/// A COE status on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusArg {
    /// Being written
    Draft,
    /// Awaiting review
    Review,
    /// Complete and reviewed
    Closed,
}

impl From<StatusArg> for Status {
    fn from(s: StatusArg) -> Status {
        match s {
            StatusArg::Draft => Status::Draft,
            StatusArg::Review => Status::Review,
            StatusArg::Closed => Status::Closed,
        }
    }
}

/// Output formats of `coe list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// An aligned table
    Table,
    /// A JSON array of COEs
    Json,
}

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

/// Runs `coe list`.
pub fn run(ctx: &Context, args: ListArgs) -> Result<ExitCode> {
    let repo = args.source.repo(ctx)?;
    check_severities(&args.severity, &repo.config)?;
    let filter = Filter {
        status: args.status.into_iter().map(Status::from).collect(),
        since: args.since,
        service: args.service,
        severity: args.severity,
        incomplete: args.incomplete,
    };
    let loaded = args.source.load(ctx, &repo)?;
    let rows = rows(&loaded.coes, &repo, &filter);
    match args.format {
        ListFormat::Json => {
            ui::out(&ui::json(&rows)?)?;
        }
        ListFormat::Table if rows.is_empty() => {
            if loaded.coes.is_empty() {
                // With unreadable files, the error below says why nothing is listed.
                if loaded.unreadable.is_empty() {
                    ui::note("No COEs yet; run `coe new` to write one.");
                }
            } else {
                ui::note(format!(
                    "No COEs match (of {}).",
                    crate::model::plural(loaded.coes.len(), "COE", "COEs")
                ));
            }
        }
        ListFormat::Table => ui::out(&table(&rows))?,
    }
    Ok(finish(&loaded.unreadable, "the list leaves"))
}

/// A severity filter must name a configured severity: a typo would list nothing.
fn check_severities(wanted: &[String], config: &Config) -> Result<()> {
    match wanted.iter().find(|s| !config.severities.contains(s)) {
        Some(s) => Err(UserError::new(format!(
            "unknown severity `{s}`; the configured severities are {}",
            config.severities.join(", ")
        ))
        .into()),
        None => Ok(()),
    }
}

fn table(rows: &[ListRow]) -> String {
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
