//! `coe list`: a table of COEs, newest first.

use std::process::ExitCode;

use anyhow::Result;
use jiff::civil::Date;

use super::report::parse_date;
use super::Context;
use crate::error::UserError;
use crate::model::kinds::Status;
use crate::model::policy::Config;
use crate::output::ui::{self};
use crate::report::list::{rows, table, Filter};
use crate::store::load::finish;

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
