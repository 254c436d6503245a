//! What git history says about COE files: the day each corrective action was first set
//! to `status: done` (for `coe actions done --backfill-from-git`). One walk of the first
//! parents from the oldest commit to HEAD; a file is parsed again only when its blob
//! changed.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use jiff::civil::Date;

use crate::model::coe::Coe;
use crate::model::kinds::ActionStatus;
use crate::store::format;

/// For each file (absolute paths in the work tree), the day of the commit that set each
/// of its actions (by trimmed id, or `#N` for an action without one) to `status: done`,
/// for the actions done on HEAD. The commit's author date in its own time zone. A file
/// that was never committed is left out.
pub fn done_days(
    dir: &Path,
    files: &[PathBuf],
) -> Result<HashMap<PathBuf, BTreeMap<String, Date>>> {
    let repo = crate::store::git::open(dir)?;
    let workdir = repo
        .workdir()
        .map(|w| w.canonicalize().unwrap_or_else(|_| w.to_path_buf()))
        .context("the git repository has no work tree")?;
    let relative: Vec<(PathBuf, PathBuf)> = files
        .iter()
        .filter_map(|f| {
            let abs = f.canonicalize().unwrap_or_else(|_| f.clone());
            abs.strip_prefix(&workdir)
                .ok()
                .map(|r| (f.clone(), r.to_path_buf()))
        })
        .collect();
    let mut walk = repo.revwalk().context("walking git history")?;
    if walk.push_head().is_err() {
        return Ok(HashMap::new()); // No commit yet.
    }
    walk.simplify_first_parent()
        .context("walking git history")?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)
        .context("walking git history")?;

    struct Seen {
        blob: Option<git2::Oid>,
        done: BTreeMap<String, bool>,
        days: BTreeMap<String, Date>,
    }
    let mut seen: Vec<Seen> = relative
        .iter()
        .map(|_| Seen {
            blob: None,
            done: BTreeMap::new(),
            days: BTreeMap::new(),
        })
        .collect();
    for oid in walk {
        let commit = repo
            .find_commit(oid.context("walking git history")?)
            .context("reading a commit")?;
        let tree = commit.tree().context("reading a commit's tree")?;
        let day = commit_day(&commit.author().when());
        for ((_, rel), state) in relative.iter().zip(seen.iter_mut()) {
            let Ok(entry) = tree.get_path(rel) else {
                state.blob = None;
                continue;
            };
            if state.blob == Some(entry.id()) {
                continue;
            }
            state.blob = Some(entry.id());
            let Some(coe) = repo
                .find_blob(entry.id())
                .ok()
                .and_then(|b| String::from_utf8(b.content().to_vec()).ok())
                .and_then(|text| format::parse(&text).ok())
            else {
                continue; // A version that did not parse says nothing.
            };
            for (key, done) in statuses(&coe) {
                let was = state.done.insert(key.clone(), done).unwrap_or(false);
                match (was, done, day) {
                    (false, true, Some(day)) => {
                        state.days.insert(key, day);
                    }
                    (true, false, _) => {
                        state.days.remove(&key);
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(relative
        .into_iter()
        .zip(seen)
        .map(|((file, _), state)| (file, state.days))
        .collect())
}

/// The key `done_days` uses for an action: its trimmed id, or `#N` (1-based) without one.
pub fn action_key(index: usize, id: &str) -> String {
    let id = id.trim();
    if id.is_empty() {
        format!("#{}", index + 1)
    } else {
        id.to_string()
    }
}

fn statuses(coe: &Coe) -> impl Iterator<Item = (String, bool)> + '_ {
    coe.corrective_actions
        .iter()
        .enumerate()
        .map(|(i, a)| (action_key(i, &a.id), a.status == ActionStatus::Done))
}

fn commit_day(when: &git2::Time) -> Option<Date> {
    let offset = jiff::tz::Offset::from_seconds(when.offset_minutes() * 60).ok()?;
    let at = jiff::Timestamp::from_second(when.seconds()).ok()?;
    Some(offset.to_datetime(at).date())
}
