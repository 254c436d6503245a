//! `coe actions done` and `coe actions link`: one corrective action changed in place, the
//! rest of the file (comments, wording, layout) kept, and committed alone.

use std::process::ExitCode;

use anyhow::Result;
use jiff::civil::Date;

use super::super::Context;
use crate::error::UserError;
use crate::model::coe::Coe;
use crate::model::kinds::ActionStatus;
use crate::output::ui;
use crate::store::edit::{parse_day, CoeFile};
use crate::store::Repo;

/// Mark one corrective action done (or won't fix), and commit
///
/// Sets the action's `status: done` and its `done:` date (today unless --date says when it
/// was done) and changes nothing else in the file: comments and wording stay as they were,
/// so the commit's diff is exactly those lines. With --wontfix, the action is closed as
/// decided against, with the reason recorded.
///
/// With --backfill-from-git (and no COE or action), every done action without a `done:`
/// date gets the day of the commit that set its `status: done` (its author date), found
/// in git history; only those `done:` lines are added, in one commit.
///
/// Examples:
///   coe actions done 2026-11-22-checkout-latency CA-1
///   coe actions done 2026-11-22-checkout-latency CA-2 --date 2026-12-10
///   coe actions done 2026-11-22-checkout-latency CA-3 --wontfix --reason "Superseded by CA-1"
///   coe actions done --backfill-from-git --dry-run
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct DoneArgs {
    /// The COE's id (its file name without `.yaml`)
    #[arg(required_unless_present = "backfill_from_git")]
    pub id: Option<String>,

    /// The corrective action's id, such as CA-1
    #[arg(value_name = "ACTION", required_unless_present = "backfill_from_git")]
    pub action: Option<String>,

    /// Give every done action without a `done:` date the day of the commit that set its
    /// `status: done`, from git history
    #[arg(long, conflicts_with_all = ["id", "action", "date", "wontfix"])]
    pub backfill_from_git: bool,

    /// The day it was done, YYYY-MM-DD (default: today)
    #[arg(long, value_name = "DATE", value_parser = parse_day, conflicts_with = "wontfix")]
    pub date: Option<Date>,

    /// Close it as decided against instead of done (needs --reason)
    #[arg(long, requires = "reason")]
    pub wontfix: bool,

    /// Why it will not be done (with --wontfix)
    #[arg(long, value_name = "TEXT", requires = "wontfix")]
    pub reason: Option<String>,

    /// Show the change as a diff without writing or committing it
    #[arg(long)]
    pub dry_run: bool,
    /// Accept a rewrite of the whole file (losing its comments) where the change cannot be
    /// made in place
    #[arg(long)]
    pub rewrite: bool,
}

/// Record the tracker issue that follows a corrective action, and commit
///
/// Sets the action's `link:` (a web address, or a Jira key such as PLAT-912) and changes
/// nothing else in the file. `coe actions sync` then follows the issue to done.
///
/// Example:
///   coe actions link 2026-11-22-checkout-latency CA-1 https://github.com/acme/platform/issues/45
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct LinkArgs {
    /// The COE's id (its file name without `.yaml`)
    pub id: String,

    /// The corrective action's id, such as CA-1
    #[arg(value_name = "ACTION")]
    pub action: String,

    /// The tracker issue: its web address, or a Jira key such as PLAT-912
    #[arg(value_name = "URL")]
    pub link: String,

    /// Show the change as a diff without writing or committing it
    #[arg(long)]
    pub dry_run: bool,
    /// Accept a rewrite of the whole file (losing its comments) where the change cannot be
    /// made in place
    #[arg(long)]
    pub rewrite: bool,
}

/// Runs `coe actions done`.
pub fn run(ctx: &Context, args: DoneArgs) -> Result<ExitCode> {
    let repo = ctx.repo()?;
    let (Some(id), Some(action_id)) = (&args.id, &args.action) else {
        // clap requires both unless --backfill-from-git.
        return super::backfill::run(ctx, &repo, args.dry_run);
    };
    let today = crate::model::dates::today();
    let file = CoeFile::load(&repo, id)?;
    let index = file.action_index(&repo, action_id)?;
    let old = &file.coe.corrective_actions[index];
    let mut new = file.coe.clone();
    let action = &mut new.corrective_actions[index];
    let what = if args.wontfix {
        action.status = ActionStatus::Wontfix;
        action.done = None;
        action.reason = args.reason.map(|r| r.trim().to_string());
        "won't fix".to_string()
    } else {
        let date = args.date.unwrap_or(today);
        if date > today {
            return Err(UserError::new(format!(
                "--date {date} is after today ({today}); an action is marked done once it is"
            ))
            .into());
        }
        action.status = ActionStatus::Done;
        action.done = Some(date);
        action.reason = None;
        format!("done on {date}")
    };
    let action_id = old.id.trim().to_string();
    let message = format!("coe: {action_id} of {} {what}", file.coe.id);
    if *action == *old {
        let wanted = action.clone();
        let change = |c: &Coe| {
            with_action(c, &action_id, &|a| {
                a.status = wanted.status;
                a.done = wanted.done;
                a.reason.clone_from(&wanted.reason);
            })
        };
        if !ctx.finish_unfinished(&repo, &file.path, &file.coe, &change, &message)? {
            ui::note(format!("{action_id} of {} is already {what}.", file.coe.id));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let status = format!(
        "{} ({action_id} {what})",
        repo.relative(&file.path).display()
    );
    write_and_commit(
        ctx,
        &repo,
        &file,
        &new,
        (args.dry_run, args.rewrite),
        ("Updated", &status),
        &message,
    )
}

/// Writes the changed COE (or, with `--dry-run`, prints the diff), tells the user with
/// `status` (verb and text) and commits the file with `message`, naming hand edits.
fn write_and_commit(
    ctx: &Context,
    repo: &Repo,
    file: &CoeFile,
    new: &Coe,
    (dry_run, rewrite): (bool, bool),
    (verb, status): (&str, &str),
    message: &str,
) -> Result<ExitCode> {
    let edit = file.edit(repo, new, rewrite)?;
    if dry_run {
        ui::out(&edit.diff(repo)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let hand_edits = ctx.hand_edits(repo, &file.path, &file.coe)?;
    edit.write()?;
    ui::status(verb, status);
    ctx.commit_change(repo, &file.path, message, &hand_edits)?;
    Ok(ExitCode::SUCCESS)
}

/// `coe` with the action of `wanted`'s id set to `wanted` (the change `done` and `link`
/// make), for finding an interrupted run's change.
fn with_action(
    coe: &Coe,
    id: &str,
    change: &dyn Fn(&mut crate::model::coe::CorrectiveAction),
) -> Coe {
    let mut coe = coe.clone();
    if let Some(action) = coe
        .corrective_actions
        .iter_mut()
        .find(|a| a.id.trim().eq_ignore_ascii_case(id.trim()))
    {
        change(action);
    }
    coe
}

/// Runs `coe actions link`.
pub fn run_link(ctx: &Context, args: LinkArgs) -> Result<ExitCode> {
    let repo = ctx.repo()?;
    let link = args.link.trim().to_string();
    let is_web = (link.starts_with("https://") || link.starts_with("http://"))
        && !link.contains(char::is_whitespace);
    if !is_web && !crate::vendors::tracker::is_jira_key(&link) {
        return Err(UserError::new(format!(
            "`{link}` is neither a web address (https://...) nor a tracker key such as PLAT-912"
        ))
        .into());
    }
    let file = CoeFile::load(&repo, &args.id)?;
    let index = file.action_index(&repo, &args.action)?;
    let old = &file.coe.corrective_actions[index];
    let action_id = old.id.trim().to_string();
    let message = format!("coe: link {action_id} of {} to {link}", file.coe.id);
    if old.link.as_deref() == Some(link.as_str()) {
        let change = |c: &Coe| with_action(c, &action_id, &|a| a.link = Some(link.clone()));
        if !ctx.finish_unfinished(&repo, &file.path, &file.coe, &change, &message)? {
            ui::note(format!(
                "{action_id} of {} already links to {link}.",
                file.coe.id
            ));
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(previous) = old.link.as_deref().filter(|l| !l.trim().is_empty()) {
        ui::note(format!("{action_id} linked to {previous}; now to {link}."));
    }
    let mut new = file.coe.clone();
    new.corrective_actions[index].link = Some(link.clone());
    let status = format!("{action_id} of {} to {link}", file.coe.id);
    write_and_commit(
        ctx,
        &repo,
        &file,
        &new,
        (args.dry_run, args.rewrite),
        ("Linked", &status),
        &message,
    )
}
