//! What a user's git setup expects of a commit where coe cannot or does not do what
//! `git commit` would: repository features libgit2 lacks, an operation in progress, and
//! commit hooks (which coe does not run).

use std::path::{Path, PathBuf};

use anyhow::anyhow;
use git2::{ErrorCode, Repository, RepositoryState};

use crate::error::UserError;

/// Why libgit2 could not open the repository around `dir`, in the user's terms: there is
/// none, or it uses a feature libgit2 lacks (named from the repository's configuration,
/// else in libgit2's words, which name the extension).
pub(super) fn cannot_open(dir: &Path, err: git2::Error) -> anyhow::Error {
    let dir = dir.display();
    if err.code() == ErrorCode::NotFound {
        return UserError::new(format!("{dir} is not inside a git repository"))
            .hint("run `coe init` (it runs `git init`), or pass `--no-commit` to write files without committing")
            .into();
    }
    let config = Repository::discover_path(dir.to_string(), None::<&Path>)
        .and_then(|git_dir| git2::Config::open(&git_dir.join("config")));
    if let Err(named) = config.map_or(Ok(()), |config| refuse_features(&config)) {
        return named;
    }
    let (hint, message) = (NO_COMMIT, err.message());
    UserError::new(format!("libgit2 (the git library coe commits with) cannot open the git repository around {dir}: {message}")).hint(hint).into()
}

/// Refuses a repository that opened but whose index libgit2 cannot read or write.
pub(super) fn refuse_unsupported(repo: &Repository) -> anyhow::Result<()> {
    refuse_features(&repo.config()?)
}

/// Names the feature of an index libgit2 could not read, when that is why.
pub(super) fn index_error(err: git2::Error) -> anyhow::Error {
    match err.message() {
        m if m.contains("'link'") => unsupported("a split index (`--split-index`)"),
        m if m.contains("'sdir'") => unsupported("a sparse index (`index.sparse`)"),
        _ => anyhow!(err).context("reading the git index"),
    }
}

/// Refuses a repository whose configuration asks for a feature libgit2 lacks, naming it.
fn refuse_features(config: &git2::Config) -> anyhow::Result<()> {
    let string = |key: &str| config.get_string(key).ok().map(|v| v.to_ascii_lowercase());
    let enabled = |key: &str| config.get_bool(key).unwrap_or(false);
    let format = string("extensions.objectformat").filter(|f| f != "sha1");
    let storage = string("extensions.refstorage").filter(|s| s != "files");
    let features = [
        format.map(|f| format!("the {f} object format (`extensions.objectFormat`)")),
        storage.map(|s| format!("{s} reference storage (`extensions.refStorage`)")),
        enabled("core.splitindex").then(|| "a split index (`core.splitIndex`)".into()),
        enabled("index.sparse").then(|| "a sparse index (`index.sparse`)".into()),
    ];
    match features.into_iter().flatten().next() {
        Some(feature) => Err(unsupported(&feature)),
        None => Ok(()),
    }
}

const NO_COMMIT: &str =
    "pass `--no-commit` to write COE files without committing, and commit them with git";

fn unsupported(feature: &str) -> anyhow::Error {
    UserError::new(format!(
        "this git repository uses {feature}, which libgit2 (the git library coe commits with) does not support"
    ))
    .hint(NO_COMMIT)
    .into()
}

/// Refuses to commit while a rebase, merge, cherry-pick, revert, `git am` or bisect is in
/// progress, saying what and how to go on.
pub(super) fn refuse_in_progress(repo: &Repository) -> anyhow::Result<()> {
    use RepositoryState::*;
    let (what, go_on) = match repo.state() {
        Clean if !repo.path().join("BISECT_LOG").exists() => return Ok(()),
        Clean | Bisect => ("a bisect", "`git bisect reset`"),
        Merge => ("a merge", "`git commit`, or `git merge --abort`"),
        Revert | RevertSequence => ("a revert", "`git revert --continue` or `--abort`"),
        CherryPick | CherryPickSequence => {
            ("a cherry-pick", "`git cherry-pick --continue` or `--abort`")
        }
        Rebase | RebaseInteractive | RebaseMerge => {
            ("a rebase", "`git rebase --continue` or `--abort`")
        }
        ApplyMailbox | ApplyMailboxOrRebase => ("a `git am`", "`git am --continue` or `--abort`"),
    };
    Err(
        UserError::new(format!("{what} is in progress, so coe did not commit"))
            .hint(format!(
                "finish it first ({go_on}), then commit the file with git; or pass --no-commit"
            ))
            .into(),
    )
}

/// A note naming the commit hooks that exist, since coe's commits do not run them.
pub(super) fn hooks_not_run(repo: &Repository) -> Option<String> {
    let configured = repo.config().ok()?.get_path("core.hooksPath").ok();
    let dir: PathBuf = match configured {
        // As git: a relative hooksPath is taken from the top of the work tree.
        Some(path) if path.is_relative() => repo.workdir()?.join(path),
        Some(path) => path,
        None => repo.commondir().join("hooks"),
    };
    let hooks = [
        "pre-commit",
        "prepare-commit-msg",
        "commit-msg",
        "post-commit",
    ];
    let present: Vec<&str> = hooks
        .into_iter()
        .filter(|h| is_executable(&dir.join(h)))
        .collect();
    let (present, dir) = (present.join(", "), dir.display());
    (!present.is_empty())
        .then(|| format!("note: coe does not run git hooks; not run: {present} (in {dir})"))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    use std::os::unix::fs::PermissionsExt as _;
    #[cfg(unix)]
    let runnable = |meta: std::fs::Metadata| meta.permissions().mode() & 0o111 != 0;
    #[cfg(not(unix))]
    let runnable = |_| true;
    std::fs::metadata(path).is_ok_and(|meta| meta.is_file() && runnable(meta))
}
