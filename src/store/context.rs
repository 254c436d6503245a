//! Where a command runs and whether it commits: the working directory, `--no-commit`, and
//! the commits of one changed file that every writing command makes the same way.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

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

    /// When committing is on: whether `path` has changes that are not committed yet, which a
    /// commit of it would sweep in. A command that changes one field of a file says so, in
    /// its output and its commit message, rather than commit a person's edits silently.
    pub fn uncommitted_edits(&self, repo: &Repo, path: &Path) -> Result<bool> {
        if !self.should_commit(repo) {
            return Ok(false);
        }
        let git = crate::store::git::open(&repo.root)?;
        let Some(workdir) = git.workdir() else {
            return Ok(false);
        };
        let relative = path.strip_prefix(workdir).unwrap_or(path);
        match git.status_file(relative) {
            Ok(status) => Ok(!status.is_empty() && !status.is_ignored()),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(false),
            Err(e) => Err(e).with_context(|| format!("reading git status of {}", path.display())),
        }
    }

    /// Commits the change of one field of one file: like [`Context::commit`], but when the
    /// file also held edits that were not committed, says so and puts it in the message.
    pub fn commit_change(
        &self,
        repo: &Repo,
        path: &Path,
        message: &str,
        had_uncommitted_edits: bool,
    ) -> Result<()> {
        let mut message = message.to_owned();
        if had_uncommitted_edits && self.should_commit(repo) {
            crate::output::ui::note(format!(
                "{} had edits that were not committed; this commit includes them",
                repo.relative(path).display()
            ));
            message.push_str("\n\nAlso commits edits of the file that were not committed before.");
        }
        self.commit(repo, &[path.to_path_buf()], &message)
    }

    /// Commits `paths` (absolute) with `message` when committing is on, and tells the user.
    pub fn commit(&self, repo: &Repo, paths: &[PathBuf], message: &str) -> Result<()> {
        if !self.should_commit(repo) {
            return Ok(());
        }
        let oid = crate::store::git::commit(&repo.root, paths, message)?;
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
