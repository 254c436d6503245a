//! `coe actions`: corrective actions across all COEs, for follow-up and for CI, and the
//! subcommands that follow them to done (`done`, `link`, `sync`, `export`).

mod backfill;
mod done;
mod export;
mod sync;

use std::process::ExitCode;

use anyhow::Result;

use super::Context;
use crate::exit_codes::ExitStatus;
use crate::model::kinds::ActionStatus;
use crate::output::ui::{self, style};
use crate::report::actions::{
    by_owner, markdown_table, owner_heading, owner_reminder, rows, table, CoeLinks, Filter,
};
use crate::store::load::finish;

/// List corrective actions across all COEs, or follow them to done
///
/// One row per action: its COE, id, owner, due date, status, days overdue and what it
/// does, soonest due first. An action is overdue when it is still open after its due date
/// (or, without one, after the default deadline `action_due_days` gives it).
/// Filters combine; a filter given several values (repeated or comma-separated) matches any
/// of them. With --fail, exits with status 1 when any listed action is overdue, for a
/// scheduled CI job. With --by-owner, the open actions are grouped per owner, overdue ones
/// first, with links to their COEs: the reminder a lead pastes into chat or mail.
///
/// Examples:
///   coe actions --overdue --fail
///   coe actions --owner team-platform --status open
///   coe actions --by-owner --format markdown
///   coe actions done 2026-11-22-checkout-latency CA-1 --date 2026-12-10
///   coe actions sync issues.json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment, args_conflicts_with_subcommands = true)]
pub struct ActionsArgs {
    #[command(subcommand)]
    pub command: Option<ActionsCommand>,

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

    /// One section per owner with their open and overdue actions (open actions unless
    /// --status says otherwise)
    #[arg(long)]
    pub by_owner: bool,

    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = ActionsFormat::Table)]
    pub format: ActionsFormat,

    #[command(flatten)]
    pub source: crate::store::load::SourceArgs,
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
    /// A JSON array of actions (with --by-owner, an array of owners with their actions)
    Json,
    /// Markdown: a table, or with --by-owner a section per owner, for chat or mail
    Markdown,
}

/// The subcommands of `coe actions`.
#[derive(Debug, clap::Subcommand)]
pub enum ActionsCommand {
    Done(done::DoneArgs),
    Link(done::LinkArgs),
    Sync(sync::SyncArgs),
    Export(export::ExportArgs),
}

/// Runs `coe actions`.
pub fn run(ctx: &Context, args: ActionsArgs) -> Result<ExitCode> {
    match args.command {
        Some(ActionsCommand::Done(done)) => return done::run(ctx, done),
        Some(ActionsCommand::Link(link)) => return done::run_link(ctx, link),
        Some(ActionsCommand::Sync(sync)) => return sync::run(ctx, sync),
        Some(ActionsCommand::Export(export)) => return export::run(ctx, export),
        None => {}
    }
    let repo = args.source.repo(ctx)?;
    let today = crate::model::dates::today();
    let mut status: Vec<ActionStatus> = args.status.into_iter().map(ActionStatus::from).collect();
    if args.by_owner && status.is_empty() {
        status.push(ActionStatus::Open);
    }
    let filter = Filter {
        overdue: args.overdue,
        owner: args.owner,
        status,
    };
    let loaded = args.source.load(ctx, &repo)?;
    let rows = rows(
        loaded.coes.iter().map(|(_, c)| c),
        &filter,
        &repo.config,
        today,
    );
    let links = CoeLinks::new(&repo);
    match args.format {
        ActionsFormat::Json if args.by_owner => ui::out(&ui::json(&by_owner(&rows))?)?,
        ActionsFormat::Json => {
            ui::out(&ui::json(&rows)?)?;
        }
        ActionsFormat::Markdown if args.by_owner => {
            ui::out(&owner_reminder(&by_owner(&rows), &links, today))?
        }
        ActionsFormat::Markdown => ui::out(&markdown_table(&rows, &links))?,
        ActionsFormat::Table if rows.is_empty() => {
            if filter.overdue {
                ui::note("No corrective actions are overdue.");
            } else {
                ui::note("No corrective actions match.");
            }
        }
        ActionsFormat::Table if args.by_owner => {
            for group in by_owner(&rows) {
                ui::out(&format!(
                    "{}\n{}\n",
                    ui::paint(style::BOLD, owner_heading(&group)),
                    table(&group.actions)
                ))?;
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
