//! `coe actions sync`: corrective actions marked done from a tracker export, in place and
//! in one commit.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use super::super::Context;
use crate::error::UserError;
use crate::model::coe::Coe;
use crate::model::kinds::ActionStatus;
use crate::output::ui;
use crate::store;
use crate::store::edit::{CoeFile, Edit};
use crate::store::load::finish;
use crate::store::load::Unreadable;
use crate::vendors::tracker::{self};
use crate::vendors::tracker::{plan, Closing};

/// The help of `SyncArgs`: the vendors' own words (commands, columns) are filled in
/// from `vendors`, which alone knows them.
const SYNC_HELP: &str = r#"Mark done the actions whose tracker issue is closed, from a tracker export

FILE is what the tracker already exports, recognised by its shape:
  - GitHub: {gh_tracker}
  - Jira: a CSV export with the columns {jira_tracker_columns} (the statuses
    that mean done are `tracker_done_statuses` in .coe.yaml; default Done, Closed,
    Resolved)

An action is matched by its `link`: the issue's address, `#45`, or a Jira key such as
PLAT-912 (alone or at the end of an address). Open actions whose issue is closed are
marked done on the day the issue was closed (or wontfix, with the reason, when the issue
was closed without being done: Jira's Won't Do, Duplicate, ... resolutions, GitHub's
NOT_PLANNED), in place (comments kept), and every changed
file goes into one commit. Actions marked done whose issue is open again, and open
actions whose issue is not in the export, are reported. A malformed export is an error
naming the record at fault, and nothing is written.

Examples:
  {gh_tracker} > issues.json
  coe actions sync issues.json --dry-run
  coe actions sync jira-export.csv"#;

/// Mark done the actions whose tracker issue is closed, from a tracker export
#[derive(Debug, clap::Args)]
#[command(about = "Mark done the actions whose tracker issue is closed, from a tracker export", long_about = crate::vendors::fill_help(SYNC_HELP))]
pub struct SyncArgs {
    /// The tracker export (GitHub issue list JSON or Jira CSV)
    #[arg(value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub file: PathBuf,

    /// Show the changes as a diff without writing or committing them
    #[arg(long)]
    pub dry_run: bool,

    /// Accept a rewrite of a whole file (losing its comments) where a change cannot be made
    /// in place
    #[arg(long)]
    pub rewrite: bool,
}

/// Runs `coe actions sync`.
pub fn run(ctx: &Context, args: SyncArgs) -> Result<ExitCode> {
    let repo = ctx.repo()?;
    let shown = args.file.display().to_string();
    let bytes = std::fs::read(&args.file)
        .map_err(|e| UserError::new(format!("cannot read the export {shown}: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| UserError::new(format!("{shown}: the export is not UTF-8 text")))?;
    let export = tracker::parse(&text, &repo.config.tracker_done_statuses)
        .map_err(|e| UserError::new(format!("{shown}: {e}; nothing was changed")))?;

    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    let paths = store::list_files(&repo)?;
    let read: Vec<(PathBuf, Result<CoeFile>)> = {
        use rayon::prelude::*;
        paths
            .into_par_iter()
            .map(|path| (path.clone(), CoeFile::read(&repo, path)))
            .collect()
    };
    for (path, file) in read {
        match file {
            Ok(file) => files.push(file),
            Err(e) => {
                ui::warn(format!("cannot read {e:#}"));
                unreadable.push(Unreadable {
                    file: repo.relative(&path).display().to_string(),
                    error: e.to_string(),
                });
            }
        }
    }
    let coes: Vec<&Coe> = files.iter().map(|f| &f.coe).collect();
    let plan = plan(&coes, &export);

    // Every edit is made and checked before any file is written.
    let mut edits: Vec<Edit> = Vec::new();
    let mut lines = Vec::new();
    for (c, file) in files.iter().enumerate() {
        let closing: Vec<&Closing> = plan.closing.iter().filter(|x| x.coe == c).collect();
        if closing.is_empty() {
            continue;
        }
        let mut new = file.coe.clone();
        for x in &closing {
            let action = &mut new.corrective_actions[x.action];
            if let Some(reason) = &x.not_done {
                action.status = ActionStatus::Wontfix;
                action.done = None;
                action.reason = Some(format!("{} {reason}", x.issue));
                lines.push(format!(
                    "{} of {} won't fix ({} {reason})",
                    action.id.trim(),
                    file.coe.id,
                    x.issue
                ));
            } else {
                action.status = ActionStatus::Done;
                action.done = Some(x.on);
                lines.push(format!(
                    "{} of {} done on {} ({})",
                    action.id.trim(),
                    file.coe.id,
                    x.on,
                    x.issue
                ));
            }
        }
        edits.push(file.edit(&repo, &new, args.rewrite)?);
    }

    let mut hand_edited = Vec::new();
    if args.dry_run {
        for edit in &edits {
            ui::out(&edit.diff(&repo)?)?;
        }
    } else {
        if ctx.should_commit(&repo) {
            hand_edited = uncommitted_edits(&repo, &edits)?;
        }
        for edit in &edits {
            edit.write()?;
        }
    }
    let verb = if args.dry_run { "Would mark" } else { "Marked" };
    for line in &lines {
        ui::status(verb, line);
    }
    for finding in &plan.reopened {
        ui::warn(format!(
            "{} of {} {}",
            finding.action, finding.coe, finding.message
        ));
    }
    for finding in &plan.missing {
        ui::warn(format!(
            "{} of {} {}",
            finding.action, finding.coe, finding.message
        ));
    }
    if !plan.missing.is_empty() && export.tracker == tracker::Tracker::GitHub {
        ui::note("hint: `gh issue list` lists 30 issues unless told otherwise; export with --state all --limit 1000");
    }
    let read = format!(
        "Read {} from {}",
        crate::model::plural(export.issues.len(), "issue", "issues"),
        export.tracker.name()
    );
    let marked = format!(
        "{} done in {}",
        crate::model::plural(lines.len(), "action", "actions"),
        crate::model::plural(edits.len(), "file", "files")
    );
    ui::note(if args.dry_run {
        format!("{read}; would mark {marked}. Dry run: nothing was written.")
    } else {
        format!("{read}; marked {marked}.")
    });
    if !args.dry_run && !edits.is_empty() {
        let mut message = format!(
            "coe: sync {} from {}\n\n{}\n",
            crate::model::plural(lines.len(), "corrective action", "corrective actions"),
            args.file
                .file_name()
                .map_or(shown.clone(), |n| n.to_string_lossy().into_owned()),
            lines
                .iter()
                .map(|l| format!("- {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        for file in &hand_edited {
            ui::note(format!(
                "{file} had edits that were not committed; this commit includes them"
            ));
            message.push_str(&format!(
                "\nAlso commits edits of {file} that were not committed before.\n"
            ));
        }
        let paths: Vec<PathBuf> = edits.into_iter().map(|e| e.path).collect();
        ctx.commit(&repo, &paths, &message)?;
    }
    Ok(finish(&unreadable, "the sync leaves"))
}

/// The files among `edits` whose text before the edit is not what HEAD holds: edits a person
/// had not committed, which the sync's commit will include. One look at HEAD's tree for all
/// files (a status check per file costs a walk of the index each, seconds for hundreds).
fn uncommitted_edits(repo: &crate::store::Repo, edits: &[Edit]) -> Result<Vec<String>> {
    let git = crate::store::git::open(&repo.root)?;
    let Some(workdir) = git.workdir().and_then(|w| w.canonicalize().ok()) else {
        return Ok(Vec::new());
    };
    let tree = git.head().ok().and_then(|head| head.peel_to_tree().ok());
    let committed = |path: &std::path::Path| -> Option<Vec<u8>> {
        let rel = path.strip_prefix(&workdir).ok()?;
        let entry = tree.as_ref()?.get_path(rel).ok()?;
        Some(git.find_blob(entry.id()).ok()?.content().to_vec())
    };
    Ok(edits
        .iter()
        .filter(|edit| committed(&edit.path).as_deref() != Some(&edit.layout.apply(&edit.old)[..]))
        .map(|edit| repo.relative(&edit.path).display().to_string())
        .collect())
}
