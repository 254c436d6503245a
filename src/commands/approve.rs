//! `coe approve`: record a reviewer's sign-off in `review.approvals`.

use std::process::ExitCode;

use anyhow::Result;

use super::Context;
use crate::error::UserError;
use crate::model::coe::Approval;
use crate::model::plural;
use crate::output::ui;
use crate::store;

/// Approve a COE as its reviewer, and commit
///
/// Adds your approval to the COE's `review.approvals`: your git identity (`user.name`) and
/// today's date. Only those lines are added to the file (comments and wording stay as they
/// are), and that change alone is committed. `approvals:` in `.coe.yaml` says how many
/// approvals a COE of each severity needs before `coe close` accepts it. The COE's leader
/// cannot approve their own COE unless `.coe.yaml` sets `allow_self_approval: true`.
///
/// Example: coe approve 2026-11-22-checkout-latency
#[derive(Debug, clap::Args)]
pub struct ApproveArgs {
    /// The COE's id (its file name without `.yaml`)
    pub id: String,

    /// Accept a rewrite of the whole file (losing its comments) where the change cannot be
    /// made in place
    #[arg(long)]
    pub rewrite: bool,
}

/// Runs `coe approve`.
pub fn run(ctx: &Context, args: ApproveArgs) -> Result<ExitCode> {
    let repo = ctx.repo()?;
    let (path, coe) = store::load_by_id(&repo, &args.id)?;
    let git = crate::store::git::open(&repo.root)?;
    let signature = crate::store::git::signature(&git)?;
    let by = signature.name().unwrap_or_default().trim().to_string();
    if by.is_empty() {
        return Err(
            UserError::new("git's user.name is empty; an approval needs a name")
                .hint("run `git config user.name \"Your Name\"`")
                .into(),
        );
    }
    let rel = repo.relative(&path).display().to_string();
    if coe.is_led_by(&by) && !repo.config.allow_self_approval {
        return Err(UserError::findings(format!(
            "{by} leads {}, so cannot approve it: a COE is approved by someone who did not \
             write it",
            coe.id
        ))
        .hint(
            "ask a reviewer to run `coe approve`, or set `allow_self_approval: true` in .coe.yaml",
        )
        .into());
    }
    if coe
        .review
        .approvals
        .iter()
        .any(|a| a.by.trim().eq_ignore_ascii_case(&by))
    {
        // The approval of an earlier run that was killed before it committed is finished.
        let message = format!("coe: approve {} ({by})", coe.id);
        let approved = |c: &crate::model::coe::Coe| {
            let mut c = c.clone();
            if !c
                .review
                .approvals
                .iter()
                .any(|a| a.by.trim().eq_ignore_ascii_case(&by))
            {
                let mine = coe
                    .review
                    .approvals
                    .iter()
                    .find(|a| a.by.trim().eq_ignore_ascii_case(&by));
                c.review.approvals.extend(mine.cloned());
            }
            c
        };
        if !ctx.finish_unfinished(&repo, &path, &coe, &approved, &message)? {
            ui::note(format!("{by} has already approved {}.", coe.id));
        }
        return Ok(ExitCode::SUCCESS);
    }

    let approval = Approval {
        by,
        on: crate::model::dates::today(),
    };
    let file = store::edit::CoeFile::read(&repo, path.clone())?;
    let mut expected = file.coe.clone();
    expected.review.approvals.push(approval.clone());
    // Only the lines of the new approval are written (`yaml_edit`): comments stay.
    let edit = file.edit(&repo, &expected, args.rewrite)?;
    let hand_edits = ctx.hand_edits(&repo, &path, &file.coe)?;
    edit.write()?;

    let needed = repo.config.approvals_for(&expected.severity);
    let have = expected.counted_approvals(&repo.config);
    let progress = if needed > 0 {
        format!(
            " ({have} of the {} a {} COE needs)",
            plural(
                usize::try_from(needed).unwrap_or(0),
                "approval",
                "approvals"
            ),
            expected.severity
        )
    } else {
        String::new()
    };
    ui::status("Approved", format!("{rel} as {}{progress}", approval.by));
    ctx.commit_change(
        &repo,
        &path,
        &format!("coe: approve {} ({})", expected.id, approval.by),
        &hand_edits,
    )?;
    Ok(ExitCode::SUCCESS)
}
