//! `coe actions`: corrective actions across all COEs, for follow-up and for CI.

use std::process::ExitCode;

use anyhow::Result;
use jiff::civil::Date;

use super::load::finish;
use super::Context;
use crate::coe::{plural, ActionStatus, Coe};
use crate::exit_codes::ExitStatus;
use crate::report::rollup::ActionRow;
use crate::report::table::{Cell, Table};
use crate::ui::{self, style};

/// List corrective actions across all COEs
///
/// One row per action: its COE, id, owner, due date, status, days overdue and what it
/// does, soonest due first. An action is overdue when it is still open after its due date.
/// Filters combine; a filter given several values (repeated or comma-separated) matches any
/// of them. With --fail, exits with status 1 when any listed action is overdue, for a
/// scheduled CI job.
///
/// Examples:
///   coe actions --overdue --fail
///   coe actions --owner team-platform --status open
///   coe actions --format json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ActionsArgs {
    /// Only actions that are open and past due
    #[arg(long)]
    pub overdue: bool,

    /// Only actions owned by OWNER (case-insensitive)
    #[arg(long, value_delimiter = ',', value_name = "OWNER")]
    pub owner: Vec<String>,

    /// Only actions with this status
    #[arg(long, value_enum, value_delimiter = ',', value_name = "STATUS")]
    pub status: Vec<ActionStatusArg>,

    /// Exit with status 1 when any listed action is overdue
    #[arg(long)]
    pub fail: bool,

    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = ActionsFormat::Table)]
    pub format: ActionsFormat,

    #[command(flatten)]
    pub source: super::load::SourceArgs,
}

/// A corrective action's status on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ActionStatusArg {
    /// Not done yet
    Open,
    /// Done
    Done,
    /// Decided against
    Wontfix,
}

impl From<ActionStatusArg> for ActionStatus {
    fn from(s: ActionStatusArg) -> ActionStatus {
        match s {
            ActionStatusArg::Open => ActionStatus::Open,
            ActionStatusArg::Done => ActionStatus::Done,
            ActionStatusArg::Wontfix => ActionStatus::Wontfix,
        }
    }
}

/// Output formats of `coe actions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ActionsFormat {
    /// An aligned table
    Table,
    /// A JSON array of actions
    Json,
}

/// The filters of `coe actions`.
#[derive(Debug, Default)]
pub struct Filter {
    /// Only open actions past due.
    pub overdue: bool,
    /// Owned by any of these, compared case-insensitively (all when empty).
    pub owner: Vec<String>,
    /// Any of these statuses (all when empty).
    pub status: Vec<ActionStatus>,
}

/// Every action of `coes` that passes `filter`, soonest due first (no due date last), then
/// by COE and action id.
pub fn rows<'a>(
    coes: impl IntoIterator<Item = &'a Coe>,
    filter: &Filter,
    today: Date,
) -> Vec<ActionRow> {
    let mut rows: Vec<ActionRow> = coes
        .into_iter()
        .flat_map(|coe| {
            coe.corrective_actions
                .iter()
                .map(move |action| ActionRow::new(coe, action, today))
        })
        .filter(|row| {
            (!filter.overdue || row.days_overdue.is_some())
                && (filter.owner.is_empty()
                    || filter
                        .owner
                        .iter()
                        .any(|o| o.trim().eq_ignore_ascii_case(&row.owner)))
                && (filter.status.is_empty() || filter.status.contains(&row.status))
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.due.is_none(), a.due)
            .cmp(&(b.due.is_none(), b.due))
            .then_with(|| a.coe.cmp(&b.coe))
            .then_with(|| a.id.cmp(&b.id))
    });
    rows
}

/// Runs `coe actions`.
pub fn run(ctx: &Context, args: ActionsArgs) -> Result<ExitCode> {
    let repo = args.source.repo(ctx)?;
    let today = crate::coe::today();
    let filter = Filter {
        overdue: args.overdue,
        owner: args.owner,
        status: args.status.into_iter().map(ActionStatus::from).collect(),
    };
    let loaded = args.source.load(ctx, &repo)?;
    let rows = rows(loaded.coes.iter().map(|(_, c)| c), &filter, today);
    match args.format {
        ActionsFormat::Json => {
            ui::out(&ui::json(&rows)?)?;
        }
        ActionsFormat::Table if rows.is_empty() => {
            if filter.overdue {
                ui::note("No corrective actions are overdue.");
            } else {
                ui::note("No corrective actions match.");
            }
        }
        ActionsFormat::Table => ui::out(&table(&rows))?,
    }
    let code = finish(&loaded.unreadable, "the list leaves");
    if code != ExitCode::SUCCESS {
        return Ok(code);
    }
    let overdue = rows.iter().filter(|r| r.days_overdue.is_some()).count();
    if args.fail && overdue > 0 {
        let what = if overdue == 1 {
            "1 corrective action is overdue".to_string()
        } else {
            format!("{overdue} corrective actions are overdue")
        };
        ui::error(&what, &[], None);
        return Ok(ExitStatus::Findings.into());
    }
    Ok(ExitCode::SUCCESS)
}

fn table(rows: &[ActionRow]) -> String {
    let mut table =
        Table::new(&["COE", "ID", "OWNER", "DUE", "STATUS", "OVERDUE", "ACTION"]).right_align(5);
    for row in rows {
        let status = match row.status {
            ActionStatus::Open => Cell::new("open"),
            ActionStatus::Done => Cell::styled("done", style::GOOD),
            ActionStatus::Wontfix => Cell::styled("wontfix", style::DIM),
        };
        let overdue = match row.days_overdue {
            Some(days) => Cell::styled(
                plural(usize::try_from(days).unwrap_or(0), "day", "days"),
                style::ERROR,
            ),
            None => Cell::new(""),
        };
        table.push(vec![
            Cell::new(&row.coe),
            Cell::new(&row.id),
            Cell::new(if row.owner.is_empty() {
                "—"
            } else {
                &row.owner
            }),
            Cell::new(row.due.map(|d| d.to_string()).unwrap_or_else(|| "—".into())),
            status,
            overdue,
            Cell::new(&row.action),
        ]);
    }
    table.render()
}
