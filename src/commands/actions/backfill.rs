//! `coe actions done --backfill-from-git`: every done action without a `done:` date gets
//! the day of the commit that set its `status: done`, from git history; one commit.

use std::process::ExitCode;

use anyhow::Result;

use super::super::Context;
use crate::output::ui;
use crate::store::edit::CoeFile;
use crate::store::history::{action_key, done_days};
use crate::store::{self, Repo};

/// Runs the backfill: edits only the `done:` lines it adds, and commits the changed files.
pub fn run(ctx: &Context, repo: &Repo, dry_run: bool) -> Result<ExitCode> {
    let mut files = Vec::new();
    for path in store::list_files(repo)? {
        let file = CoeFile::read(repo, path)?;
        if file.coe.corrective_actions.iter().any(needs_date) {
            files.push(file);
        }
    }
    if files.is_empty() {
        ui::note("Every done corrective action has its `done:` date; nothing to backfill.");
        return Ok(ExitCode::SUCCESS);
    }
    let paths: Vec<_> = files.iter().map(|f| f.path.clone()).collect();
    let days = done_days(&repo.root, &paths)?;
    let mut changed = Vec::new();
    let mut filled = 0;
    let mut unknown = Vec::new();
    let mut diffs = String::new();
    for file in &files {
        let known = days.get(&file.path);
        let mut new = file.coe.clone();
        for (i, action) in new.corrective_actions.iter_mut().enumerate() {
            if !needs_date(action) {
                continue;
            }
            let key = action_key(i, &action.id);
            match known.and_then(|d| d.get(&key)) {
                Some(day) => {
                    action.done = Some(*day);
                    filled += 1;
                }
                None => unknown.push(format!("{} {key}", file.coe.id)),
            }
        }
        if new == file.coe {
            continue;
        }
        let edit = file.edit(repo, &new, false)?;
        if dry_run {
            diffs.push_str(&edit.diff(repo)?);
        } else {
            edit.write()?;
            ui::status("Updated", repo.relative(&file.path).display().to_string());
        }
        changed.push(file.path.clone());
    }
    if dry_run {
        ui::out(&diffs)?;
    }
    for action in &unknown {
        ui::note(format!(
            "no commit sets {action} to done (it is not committed yet); give the day with \
             `coe actions done {action} --date YYYY-MM-DD`"
        ));
    }
    if !dry_run && !changed.is_empty() {
        let message = format!(
            "coe: done dates of {} from git history",
            crate::model::plural(filled, "corrective action", "corrective actions")
        );
        ctx.commit(repo, &changed, &message)?;
    }
    ui::note(format!(
        "{} {} a `done:` date from git history",
        crate::model::plural(filled, "corrective action", "corrective actions"),
        if dry_run { "would get" } else { "got" }
    ));
    Ok(ExitCode::SUCCESS)
}

fn needs_date(action: &crate::model::coe::CorrectiveAction) -> bool {
    action.status == crate::model::kinds::ActionStatus::Done && action.done.is_none()
}
