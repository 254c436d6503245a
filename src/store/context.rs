//! Where a command runs and whether it commits: the working directory, `--no-commit`, and
//! the commits of one changed file that every writing command makes the same way.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::model::coe::Coe;
use crate::store::Repo;

/// What every command gets: where it runs and the global flags.
#[derive(Debug, Clone)]
pub struct Context {
    /// The directory coe runs in (`-C DIR` or the current directory).
    pub cwd: PathBuf,
    /// `--no-commit`.
    pub no_commit: bool,
}

impl Context {
    /// The COE repository around `cwd`.
    pub fn repo(&self) -> Result<Repo> {
        Repo::discover(&self.cwd)
    }

    /// Whether changes should be committed: the configuration says so and `--no-commit`
    /// was not given.
    pub fn should_commit(&self, repo: &Repo) -> bool {
        repo.config.commit && !self.no_commit
    }

    /// Fails, when committing is on, if git does not know who the user is: checked before
    /// anyone spends twenty minutes answering questions.
    pub fn check_identity(&self, repo: &Repo) -> Result<()> {
        if self.should_commit(repo) {
            crate::store::git::signature(&crate::store::git::open(&repo.root)?)?;
        }
        Ok(())
    }

    /// When committing is on: what of `path` is not committed yet, which a commit of it
    /// would sweep in: the fields where `current` (the COE in the work tree, before this
    /// command's change) differs from HEAD's. Empty when the file is as committed. The one
    /// rule of every writing command: those edits are committed with its change and named,
    /// in its output and in the commit message ([`Context::commit_change`]).
    pub fn hand_edits(&self, repo: &Repo, path: &Path, current: &Coe) -> Result<Vec<String>> {
        Ok(match self.head_version(repo, path)? {
            Head::Clean => Vec::new(),
            Head::Missing => vec!["the whole file (it was never committed)".to_string()],
            Head::Unreadable => vec!["the file (HEAD's version does not parse)".to_string()],
            Head::Coe(head) => changed_fields(&head, current),
        })
    }

    /// For a command that finds its change already in the file (`close` on a closed COE,
    /// ...): when that change is not committed (an earlier run was killed between writing
    /// and committing), commits it now with `message`, naming any hand edits with it, and
    /// returns true. `change` makes the command's change of a COE. Returns false when there
    /// is nothing of the command's own to finish.
    pub fn finish_unfinished(
        &self,
        repo: &Repo,
        path: &Path,
        current: &Coe,
        change: &dyn Fn(&Coe) -> Coe,
        message: &str,
    ) -> Result<bool> {
        let hand = match self.head_version(repo, path)? {
            Head::Clean => return Ok(false),
            Head::Coe(head) => {
                let changed = change(&head);
                if changed == *head {
                    // HEAD has the change too: what is uncommitted is a person's alone.
                    return Ok(false);
                }
                changed_fields(&changed, current)
            }
            Head::Missing => vec!["the whole file (it was never committed)".to_string()],
            Head::Unreadable => vec!["the file (HEAD's version does not parse)".to_string()],
        };
        crate::output::ui::note(format!(
            "{} holds this change but it was not committed (an earlier coe was interrupted); \
             committing it now",
            repo.relative(path).display()
        ));
        let message = format!(
            "{message}\n\nFinishes a change that an interrupted coe wrote but did not commit."
        );
        self.commit_change(repo, path, &message, &hand)?;
        Ok(true)
    }

    /// The version of `path` on HEAD, against the work tree's.
    fn head_version(&self, repo: &Repo, path: &Path) -> Result<Head> {
        if !self.should_commit(repo) {
            return Ok(Head::Clean);
        }
        let git = crate::store::git::open(&repo.root)?;
        let Some(workdir) = git.workdir() else {
            return Ok(Head::Clean);
        };
        let workdir = workdir.canonicalize().unwrap_or(workdir.to_path_buf());
        let relative = path.strip_prefix(&workdir).unwrap_or(path);
        match git.status_file(relative) {
            Ok(status) if status.is_empty() || status.is_ignored() => return Ok(Head::Clean),
            Ok(_) => {}
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(Head::Missing),
            Err(e) => {
                return Err(e).with_context(|| format!("reading git status of {}", path.display()))
            }
        }
        let Ok(tree) = git.head().and_then(|h| h.peel_to_tree()) else {
            return Ok(Head::Missing);
        };
        let Ok(entry) = tree.get_path(relative) else {
            return Ok(Head::Missing);
        };
        let Ok(blob) = entry.to_object(&git).and_then(|o| o.peel_to_blob()) else {
            return Ok(Head::Unreadable);
        };
        let parsed = crate::store::decode_text(blob.content().to_vec())
            .ok()
            .and_then(|text| crate::store::format::parse(&text.replace("\r\n", "\n")).ok());
        Ok(parsed.map_or(Head::Unreadable, |c| Head::Coe(Box::new(c))))
    }

    /// Commits the change of one file: like [`Context::commit`], but names the edits of
    /// the file that were not committed before (`hand`, from [`Context::hand_edits`]), in
    /// the output and in the commit message, since this commit includes them.
    pub fn commit_change(
        &self,
        repo: &Repo,
        path: &Path,
        message: &str,
        hand: &[String],
    ) -> Result<()> {
        let mut message = message.to_owned();
        if !hand.is_empty() && self.should_commit(repo) {
            let named = hand.join(", ");
            crate::output::ui::note(format!(
                "{} had edits that were not committed ({named}); this commit includes them",
                repo.relative(path).display()
            ));
            message.push_str(&format!(
                "\n\nAlso commits edits of the file that were not committed before: {named}."
            ));
        }
        self.commit(repo, &[path.to_path_buf()], &message)
    }

    /// Commits `paths` (absolute) with `message` when committing is on, and tells the user.
    pub fn commit(&self, repo: &Repo, paths: &[PathBuf], message: &str) -> Result<()> {
        if !self.should_commit(repo) {
            return Ok(());
        }
        let Some(oid) = crate::store::git::commit(&repo.root, paths, message)? else {
            let names: Vec<String> = paths
                .iter()
                .map(|p| repo.relative(p).display().to_string())
                .collect();
            crate::output::ui::note(format!(
                "{} already committed as it is (HEAD has it, from your own commit); nothing to \
                 commit",
                if names.len() == 1 {
                    format!("{} is", names[0])
                } else {
                    format!("{} are", names.join(", "))
                }
            ));
            return Ok(());
        };
        let short = oid.to_string();
        crate::output::ui::status(
            "Committed",
            format!(
                "{} {}",
                &short[..short.len().min(8)],
                message.lines().next().unwrap_or_default()
            ),
        );
        Ok(())
    }
}

/// HEAD's version of a file, against the work tree's.
enum Head {
    /// The file is as committed.
    Clean,
    /// HEAD has no such file.
    Missing,
    /// HEAD's version is not a COE coe can read.
    Unreadable,
    /// HEAD's COE, which the work tree's differs from.
    Coe(Box<Coe>),
}

/// The fields (dotted paths, `[i]` for list items) where `b` differs from `a`; a file that
/// differs in comments or layout only says so.
pub fn changed_fields(a: &Coe, b: &Coe) -> Vec<String> {
    fn walk(path: String, a: &serde_json::Value, b: &serde_json::Value, out: &mut Vec<String>) {
        use serde_json::Value;
        if a == b {
            return;
        }
        let join = |key: &str| {
            if path.is_empty() {
                key.to_string()
            } else {
                format!("{path}.{key}")
            }
        };
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
                keys.dedup();
                let mut seen = std::collections::BTreeSet::new();
                for key in keys {
                    if seen.insert(key) {
                        let null = Value::Null;
                        walk(
                            join(key),
                            x.get(key).unwrap_or(&null),
                            y.get(key).unwrap_or(&null),
                            out,
                        );
                    }
                }
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                for (i, (p, q)) in x.iter().zip(y).enumerate() {
                    walk(format!("{path}[{i}]"), p, q, out);
                }
            }
            _ => out.push(if path.is_empty() {
                "the file".to_string()
            } else {
                path
            }),
        }
    }
    let (Ok(x), Ok(y)) = (serde_json::to_value(a), serde_json::to_value(b)) else {
        return vec!["the file".to_string()];
    };
    let mut out = Vec::new();
    walk(String::new(), &x, &y, &mut out);
    if out.is_empty() {
        out.push("comments or layout".to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::changed_fields;

    #[test]
    fn changed_fields_names_the_paths_that_differ() {
        let text = "version: 1\nid: 2026-11-22-x\ntitle: X\nseverity: SEV2\n\
                    incident:\n  started: 2026-11-22T09:58:00Z\n\
                    corrective_actions:\n  - id: CA-1\n    action: A\n";
        let a = crate::store::format::parse(text).unwrap();
        let mut b = a.clone();
        b.title = "Checkout latency".to_string();
        assert_eq!(changed_fields(&a, &b), ["title"]);
        b.corrective_actions[0].link = Some("PLAT-1".to_string());
        assert_eq!(
            changed_fields(&a, &b),
            ["corrective_actions[0].link", "title"]
        );
        assert_eq!(changed_fields(&a, &a), ["comments or layout"]);
    }
}
