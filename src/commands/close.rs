//! `coe close`: mark a complete COE closed.

use std::process::ExitCode;

use anyhow::Result;

use super::Context;
use crate::check;
use crate::error::UserError;
use crate::model::kinds::Status;
use crate::model::plural;
use crate::output::ui;
use crate::store;

/// Mark a complete COE closed, and commit
///
/// Refuses a COE that does not yet answer all seven questions, listing what is missing,
/// and a COE short of the approvals its severity needs (`approvals:` in .coe.yaml; a
/// reviewer adds one with `coe approve`).
///
/// Example: coe close 2026-11-22-checkout-latency
#[derive(Debug, clap::Args)]
pub struct CloseArgs {
    /// The COE's id (its file name without `.yaml`)
    pub id: String,

    /// Accept a rewrite of the whole file (losing its comments) where the change cannot be
    /// made in place
    #[arg(long)]
    pub rewrite: bool,
}

/// Runs `coe close`.
pub fn run(ctx: &Context, args: CloseArgs) -> Result<ExitCode> {
    let repo = ctx.repo()?;
    let (path, coe) = store::load_by_id(&repo, &args.id)?;
    let missing = coe.missing(&repo.config);
    if !missing.is_empty() {
        let list: Vec<String> = missing
            .iter()
            .map(|m| {
                format!(
                    "  - question {} ({}): {} needs {}",
                    m.question.number, m.question.short, m.field, m.what
                )
            })
            .collect();
        return Err(UserError::findings(format!(
            "{} is not complete, so it cannot be closed:\n{}",
            repo.relative(&path).display(),
            list.join("\n")
        ))
        .hint(format!("run `coe edit {}` to answer the rest", coe.id))
        .into());
    }
    // Complete is not enough: a COE that `coe check` rejects (a category not configured,
    // times out of order, ...) must not be closed either.
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let errors: Vec<String> =
        check::rules::check_coe(&coe, &file_name, &repo.config, crate::model::dates::today())
            .into_iter()
            .filter(|issue| issue.severity == check::Severity::Error)
            .map(|issue| match issue.field {
                Some(field) => format!("  - {}: {} ({field})", issue.rule.as_str(), issue.message),
                None => format!("  - {}: {}", issue.rule.as_str(), issue.message),
            })
            .collect();
    if !errors.is_empty() {
        return Err(UserError::findings(format!(
            "{} has errors, so it cannot be closed:\n{}",
            repo.relative(&path).display(),
            errors.join("\n")
        ))
        .hint(format!(
            "fix them (`coe edit {}` or by hand), then close it",
            coe.id
        ))
        .into());
    }
    let missing = coe.approvals_missing(&repo.config);
    if missing > 0 && coe.status != Status::Closed {
        let needed = repo.config.approvals_for(&coe.severity);
        return Err(UserError::findings(format!(
            "{} needs {} before it can be closed (a {} COE, `approvals` in .coe.yaml); it \
             has {}: {missing} missing",
            repo.relative(&path).display(),
            plural(
                usize::try_from(needed).unwrap_or(0),
                "approval",
                "approvals"
            ),
            coe.severity,
            coe.counted_approvals(&repo.config),
        ))
        .hint(format!(
            "a reviewer runs `coe approve {}`{}",
            coe.id,
            if repo.config.allow_self_approval {
                ""
            } else {
                " (the leader's own approval does not count)"
            }
        ))
        .into());
    }
    let message = format!("coe: close {}", coe.id);
    let close = |c: &crate::model::coe::Coe| {
        let mut closed = c.clone();
        closed.status = Status::Closed;
        closed
    };
    if coe.status == Status::Closed {
        if !ctx.finish_unfinished(&repo, &path, &coe, &close, &message)? {
            ui::note(format!("{} is already closed.", coe.id));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let file = store::edit::CoeFile::read(&repo, path.clone())?;
    let edit = file.edit(&repo, &close(&file.coe), args.rewrite)?;
    let hand_edits = ctx.hand_edits(&repo, &path, &file.coe)?;
    edit.write()?;
    ui::status("Closed", repo.relative(&path).display());
    ctx.commit_change(&repo, &path, &message, &hand_edits)?;
    Ok(ExitCode::SUCCESS)
}
