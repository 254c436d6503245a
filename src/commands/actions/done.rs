//! `coe actions done` and `coe actions link`: one corrective action changed in place, the
//! rest of the file (comments, wording, layout) kept, and committed alone.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use jiff::civil::Date;

use super::super::Context;
use crate::error::UserError;
use crate::model::coe::Coe;
use crate::model::kinds::ActionStatus;
use crate::output::ui;
use crate::store;
use crate::store::format;
use crate::store::yaml_edit;
use crate::store::Repo;

/// Mark one corrective action done (or won't fix), and commit
///
/// Sets the action's `status: done` and its `done:` date (today unless --date says when it
/// was done) and changes nothing else in the file: comments and wording stay as they were,
/// so the commit's diff is exactly those lines. With --wontfix, the action is closed as
/// decided against, with the reason recorded.
///
/// Examples:
///   coe actions done 2026-11-22-checkout-latency CA-1
///   coe actions done 2026-11-22-checkout-latency CA-2 --date 2026-12-10
///   coe actions done 2026-11-22-checkout-latency CA-3 --wontfix --reason "Superseded by CA-1"
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct DoneArgs {
    /// The COE's id (its file name without `.yaml`)
    pub id: String,

    /// The corrective action's id, such as CA-1
    #[arg(value_name = "ACTION")]
    pub action: String,

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
}

fn parse_day(text: &str) -> Result<Date, String> {
    crate::model::dates::parse_date(text)
}

/// Runs `coe actions done`.
pub fn run(ctx: &Context, args: DoneArgs) -> Result<ExitCode> {
    let repo = ctx.repo()?;
    let today = crate::model::dates::today();
    let file = CoeFile::load(&repo, &args.id)?;
    let index = file.action_index(&repo, &args.action)?;
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
    if *action == *old {
        ui::note(format!("{action_id} of {} is already {what}.", file.coe.id));
        return Ok(ExitCode::SUCCESS);
    }
    let message = format!("coe: {action_id} of {} {what}", file.coe.id);
    let status = format!(
        "{} ({action_id} {what})",
        repo.relative(&file.path).display()
    );
    write_and_commit(
        ctx,
        &repo,
        &file,
        &new,
        args.dry_run,
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
    dry_run: bool,
    (verb, status): (&str, &str),
    message: &str,
) -> Result<ExitCode> {
    let edit = file.edit(repo, new)?;
    if dry_run {
        ui::out(&edit.diff(repo)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let hand_edits = ctx.uncommitted_edits(repo, &file.path)?;
    edit.write()?;
    ui::status(verb, status);
    ctx.commit_change(repo, &file.path, message, hand_edits)?;
    Ok(ExitCode::SUCCESS)
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
    if old.link.as_deref() == Some(link.as_str()) {
        ui::note(format!(
            "{action_id} of {} already links to {link}.",
            file.coe.id
        ));
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(previous) = old.link.as_deref().filter(|l| !l.trim().is_empty()) {
        ui::note(format!("{action_id} linked to {previous}; now to {link}."));
    }
    let mut new = file.coe.clone();
    new.corrective_actions[index].link = Some(link.clone());
    let status = format!("{action_id} of {} to {link}", file.coe.id);
    let message = format!("coe: link {action_id} of {} to {link}", file.coe.id);
    write_and_commit(
        ctx,
        &repo,
        &file,
        &new,
        args.dry_run,
        ("Linked", &status),
        &message,
    )
}

/// A COE file as read: its path, text and the COE it parses to.
pub(super) struct CoeFile {
    pub path: PathBuf,
    pub text: String,
    pub coe: Coe,
}

impl CoeFile {
    /// Reads the COE with this id, with errors naming the file.
    fn load(repo: &Repo, id: &str) -> Result<CoeFile> {
        let (path, _) = store::load_by_id(repo, id)?;
        CoeFile::read(repo, path)
    }

    /// Reads a COE file, with errors naming the file.
    pub fn read(repo: &Repo, path: PathBuf) -> Result<CoeFile> {
        let fail = |e: store::LoadError| store::file_error(repo.relative(&path), &e);
        let text = store::read_text(&path).map_err(fail)?;
        let coe = format::parse(&text).map_err(|e| fail(e.into()))?;
        Ok(CoeFile { path, text, coe })
    }

    /// The index of the action with this id (`CA-1`, `ca-1` or `1`), or an error listing
    /// the ids there are.
    fn action_index(&self, repo: &Repo, id: &str) -> Result<usize> {
        let wanted = id.trim();
        let matches = |action_id: &str| {
            let action_id = action_id.trim();
            action_id.eq_ignore_ascii_case(wanted)
                || action_id.eq_ignore_ascii_case(&format!("CA-{wanted}"))
        };
        if let Some(i) = self
            .coe
            .corrective_actions
            .iter()
            .position(|a| matches(&a.id))
        {
            return Ok(i);
        }
        let ids: Vec<&str> = self
            .coe
            .corrective_actions
            .iter()
            .map(|a| a.id.trim())
            .filter(|id| !id.is_empty())
            .collect();
        let hint = if ids.is_empty() {
            format!(
                "{} has no corrective actions with ids; add them with `coe edit {}`",
                self.coe.id, self.coe.id
            )
        } else {
            format!("its actions are {}", ids.join(", "))
        };
        Err(UserError::new(format!(
            "{} has no corrective action `{wanted}`",
            repo.relative(&self.path).display()
        ))
        .hint(hint)
        .into())
    }

    /// The file with `new`'s changes made in place, checked by reading it back. Refused,
    /// with nothing written, when that would lose a person's comment or layout.
    pub fn edit(&self, repo: &Repo, new: &Coe) -> Result<Edit> {
        let rel = repo.relative(&self.path);
        let updated = yaml_edit::update(&self.text, &self.coe, new).map_err(|e| {
            UserError::new(format!(
                "{}: {e}, and rewriting the whole file could lose comments; nothing was written",
                rel.display()
            ))
            .hint("make the change by hand, or with `coe edit`")
        })?;
        if !updated.dropped_comments.is_empty() {
            return Err(UserError::new(format!(
                "{}: the change would drop the comments {}; nothing was written",
                rel.display(),
                updated.dropped_comments.join(", ")
            ))
            .hint("make the change by hand, or with `coe edit`")
            .into());
        }
        Ok(Edit {
            path: self.path.clone(),
            old: self.text.clone(),
            new: updated.text,
        })
    }
}

/// A file's text before and after an edit.
pub(super) struct Edit {
    pub path: PathBuf,
    pub old: String,
    pub new: String,
}

impl Edit {
    /// The change as a unified diff (`git diff` style), by libgit2.
    pub fn diff(&self, repo: &Repo) -> Result<String> {
        unified_diff(repo.relative(&self.path), &self.old, &self.new)
    }

    /// Writes the new text atomically.
    pub fn write(&self) -> Result<()> {
        store::write_atomic(&self.path, self.new.as_bytes(), true)
    }
}

/// `old` -> `new` of the file `rel` as a unified diff with git's headers.
fn unified_diff(rel: &Path, old: &str, new: &str) -> Result<String> {
    let mut patch =
        git2::Patch::from_buffers(old.as_bytes(), Some(rel), new.as_bytes(), Some(rel), None)?;
    let buf = patch.to_buf()?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}
