//! `coe new`: the interview after an incident, ending in one committed YAML file.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use super::Context;
use crate::error::UserError;
use crate::input::flags::{from_flags, CoeFlags};
use crate::input::prompt::{self};
use crate::input::session::{finish, import_timeline, interview, show_import};
use crate::output::ui;
use crate::store;
use crate::vendors::timeline;

/// Write a new COE: metadata, then the seven questions
///
/// Walks you through the incident's metadata and the seven COE questions, each with its
/// help text. The draft is saved after every question, so an interrupt loses nothing
/// (`coe edit ID` resumes it); at the end the file is committed to git, alone.
///
/// Any field can be given up front with a flag and is then not asked. With `--no-input`,
/// nothing is asked: a draft is written from the flags (for automation, such as a pager
/// webhook).
///
/// Examples:
///   coe new
///   coe new --title "Checkout latency spike" --severity SEV2 --service checkout
///   coe new --no-input --title "DB failover" --severity SEV1 --started 2026-11-22T09:58:00Z
#[derive(Debug, Default, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct NewArgs {
    /// Write a draft from the flags without asking anything
    #[arg(long)]
    pub no_input: bool,

    /// Write the COE as YAML in $VISUAL/$EDITOR instead of answering questions (default
    /// with `editor: true` in .coe.yaml or COE_EDITOR_MODE=1)
    #[arg(long, conflicts_with_all = ["no_input", "no_editor"])]
    pub editor: bool,

    /// Answer questions even when `editor: true` or COE_EDITOR_MODE=1 says otherwise
    #[arg(long)]
    pub no_editor: bool,

    /// Import the timeline from FILE: CSV/TSV `time,event`, a Slack channel export's day
    /// file, or PagerDuty log entries JSON; clipped to the incident and shown first
    #[arg(long, value_name = "FILE")]
    pub timeline: Option<PathBuf>,

    #[command(flatten)]
    pub coe: CoeFlags,
}

/// Runs `coe new`.
pub fn run(ctx: &Context, args: NewArgs) -> Result<ExitCode> {
    let repo = ctx.repo()?;
    let in_editor =
        !args.no_input && crate::input::in_editor::wanted(args.editor, args.no_editor, &repo);
    if !args.no_input && !in_editor && !prompt::is_interactive() {
        return Err(prompt::not_a_terminal("new"));
    }
    ctx.check_identity(&repo)?;
    let (mut coe, started_known) = from_flags(&args.coe, &repo)?;
    if let Some(file) = &args.timeline {
        // Read it now, so a file coe cannot read stops everything before anything is
        // written; it is clipped again once the start time is known.
        let imported = import_timeline(&repo, &coe, file)?;
        // At a terminal the interview shows them and asks, once the start time is known.
        if args.no_input || in_editor {
            if !started_known {
                return Err(UserError::new(
                    "--timeline needs --started here: the timeline is clipped to the incident",
                )
                .into());
            }
            show_import(&imported, file);
            timeline::merge(&mut coe.what_happened.timeline, &imported.entries);
        }
    }
    if in_editor {
        return crate::input::in_editor::new(ctx, &repo, coe, started_known);
    }

    if args.no_input {
        if coe.title.is_empty() {
            return Err(UserError::new(
                "`coe new --no-input` needs a title: the COE's id is made from it",
            )
            .hint("pass --title \"...\"")
            .into());
        }
        let path = store::create_file(&repo, &mut coe)?;
        ui::status(
            "Created",
            format!("{} (draft)", repo.relative(&path).display()),
        );
        ctx.commit(&repo, &[path], &format!("coe: new COE {} (draft)", coe.id))?;
        ui::out(&format!("{}\n", coe.id))?;
        return Ok(ExitCode::SUCCESS);
    }

    let mut p = prompt::TerminalPrompter::default();
    prompt::set_draft_note(
        "Interrupted before the title and start time were answered; nothing was written.",
    );
    prompt::install_interrupt_handler();
    let timeline = args.timeline;
    let result = interview(
        ctx,
        &repo,
        &mut p,
        &mut coe,
        started_known,
        timeline.as_deref(),
    );
    finish(result)
}
