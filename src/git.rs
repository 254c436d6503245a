//! A small wrapper over git2: open or create the repository, and commit exactly the files
//! coe changed.
//!
//! Commits are built from HEAD's tree plus the changed blobs (TreeBuilder), never from the
//! index, so what the user has staged is never swept into a coe commit, and the cost does
//! not grow with the number of files in the repository. The index is then updated for those
//! paths alone, so `git status` stays clean for them. The branch is moved with a
//! compare-and-swap and retried when another writer moved it first.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use git2::{ErrorCode, Oid, Repository, Signature};

use crate::error::UserError;

/// How many times a commit is retried when another writer moves the branch first.
const MAX_ATTEMPTS: usize = 50;

/// Opens the git repository that contains `dir`, refusing bare repositories.
pub fn open(dir: &Path) -> Result<Repository> {
    let repo = Repository::discover(dir).map_err(|_| {
        UserError::new(format!("{} is not inside a git repository", dir.display()))
            .hint("run `coe init` (it runs `git init`), or pass `--no-commit` to write files without committing")
    })?;
    if repo.is_bare() {
        return Err(UserError::new(format!(
            "{} is a bare git repository; coe needs a work tree",
            repo.path().display()
        ))
        .into());
    }
    Ok(repo)
}

/// Opens the repository containing `dir`, or creates one at `dir`.
pub fn open_or_init(dir: &Path) -> Result<(Repository, bool)> {
    match Repository::discover(dir) {
        Ok(repo) if !repo.is_bare() => Ok((repo, false)),
        Ok(repo) => Err(UserError::new(format!(
            "{} is a bare git repository; coe needs a work tree",
            repo.path().display()
        ))
        .into()),
        Err(_) => {
            let repo = Repository::init(dir)
                .with_context(|| format!("running git init in {}", dir.display()))?;
            Ok((repo, true))
        }
    }
}

/// The commit author and committer: `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL` when set, else
/// git configuration (as git does); `GIT_AUTHOR_DATE` (RFC 3339) fixes the time.
pub fn signature(repo: &Repository) -> Result<Signature<'static>> {
    let env = |key: &str| std::env::var(key).ok().filter(|v| !v.trim().is_empty());
    let config = repo.config().ok();
    let from_config = |key: &str| {
        config
            .as_ref()
            .and_then(|c| c.get_string(key).ok())
            .filter(|v| !v.trim().is_empty())
    };
    let name = env("GIT_AUTHOR_NAME").or_else(|| from_config("user.name"));
    let email = env("GIT_AUTHOR_EMAIL").or_else(|| from_config("user.email"));
    let (Some(name), Some(email)) = (name, email) else {
        return Err(UserError::new("git does not know who you are: user.name and user.email are not set")
            .hint("run `git config --global user.name \"Your Name\"` and `git config --global user.email you@example.com`, or pass `--no-commit`")
            .into());
    };
    let fixed_time = env("GIT_AUTHOR_DATE").and_then(|d| d.parse::<jiff::Timestamp>().ok());
    let sig = match fixed_time {
        Some(t) => Signature::new(&name, &email, &git2::Time::new(t.as_second(), 0)),
        None => Signature::now(&name, &email),
    };
    sig.map_err(|e| anyhow!(e).context("reading the git identity"))
}

/// Commits the current contents of `paths` (absolute, inside the work tree) with `message`,
/// on top of HEAD, touching nothing else. Returns the new commit's id.
pub fn commit_paths(repo: &Repository, paths: &[PathBuf], message: &str) -> Result<Oid> {
    let workdir = repo
        .workdir()
        .ok_or_else(|| anyhow!("the git repository has no work tree"))?;
    let workdir = workdir
        .canonicalize()
        .unwrap_or_else(|_| workdir.to_path_buf());
    let sig = signature(repo)?;
    let mut entries = Vec::new();
    for path in paths {
        let rel = path.strip_prefix(&workdir).map_err(|_| {
            anyhow!(
                "{} is outside the git work tree {}",
                path.display(),
                workdir.display()
            )
        })?;
        let content = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let blob = repo
            .blob(&content)
            .with_context(|| format!("storing {} in git", rel.display()))?;
        entries.push((rel.to_path_buf(), blob, content.len()));
    }

    // One coe at a time moves the branch and rewrites the index: the index update is a
    // read-modify-write that git's own index.lock does not cover from read to write.
    let _lock = CoeLock::acquire(repo)?;
    let mut attempt = 0;
    let commit = loop {
        attempt += 1;
        match try_commit(repo, &entries, &sig, message) {
            Ok(oid) => break oid,
            Err(e) if attempt < MAX_ATTEMPTS && is_race(&e) => {
                std::thread::sleep(std::time::Duration::from_millis(5 * attempt as u64));
            }
            Err(e) => return Err(anyhow!(e).context("committing to git")),
        }
    };
    update_index(repo, &entries).context("updating the git index")?;
    Ok(commit)
}

/// A lock file (`.git/coe.lock`) held while coe commits, so concurrent coe processes take
/// turns. A lock older than `STALE_AFTER` was left by a killed process and is broken.
struct CoeLock {
    path: PathBuf,
}

impl CoeLock {
    const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(30);

    fn acquire(repo: &Repository) -> Result<CoeLock> {
        let path = repo.path().join("coe.lock");
        let start = std::time::Instant::now();
        loop {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    use std::io::Write as _;
                    let _ = writeln!(file, "{}", std::process::id());
                    return Ok(CoeLock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let age = std::fs::metadata(&path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.elapsed().ok());
                    if age.is_some_and(|a| a > Self::STALE_AFTER) {
                        let _ = std::fs::remove_file(&path);
                        continue;
                    }
                    if start.elapsed() > Self::STALE_AFTER * 2 {
                        return Err(UserError::new(format!(
                            "another coe has been committing for over a minute ({} exists)",
                            path.display()
                        ))
                        .hint(format!("if no coe is running, remove {}", path.display()))
                        .into());
                    }
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                Err(e) => return Err(anyhow!(e).context(format!("creating {}", path.display()))),
            }
        }
    }
}

impl Drop for CoeLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The branch moved under us or its lock is held by another writer.
fn is_race(e: &git2::Error) -> bool {
    matches!(
        e.code(),
        ErrorCode::Modified | ErrorCode::Locked | ErrorCode::Exists | ErrorCode::NotFastForward
    ) || e.message().contains("lock")
        || e.message().contains("current value")
}

fn try_commit(
    repo: &Repository,
    entries: &[(PathBuf, Oid, usize)],
    sig: &Signature,
    message: &str,
) -> Result<Oid, git2::Error> {
    let head = repo.find_reference("HEAD")?;
    // The branch HEAD points at (None when detached), and its current commit (None when
    // the branch has no commits yet).
    let branch = head.symbolic_target().map(str::to_string);
    let parent = match &branch {
        Some(name) => match repo.find_reference(name) {
            Ok(r) => Some(r.peel_to_commit()?),
            Err(e) if e.code() == ErrorCode::NotFound => None,
            Err(e) => return Err(e),
        },
        None => Some(head.peel_to_commit()?),
    };
    let mut tree = parent
        .as_ref()
        .map(|c| c.tree())
        .transpose()?
        .map(|t| t.id());
    for (rel, blob, _) in entries {
        let parts: Vec<&str> = rel.iter().filter_map(|p| p.to_str()).collect();
        tree = Some(insert(repo, tree, &parts, *blob)?);
    }
    let tree = repo.find_tree(tree.ok_or_else(|| git2::Error::from_str("nothing to commit"))?)?;
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    let oid = repo.commit(None, sig, sig, message, &tree, &parents)?;
    let log = format!("commit: {}", message.lines().next().unwrap_or_default());
    match (&branch, &parent) {
        (Some(name), Some(parent)) => {
            repo.reference_matching(name, oid, true, parent.id(), &log)?;
        }
        (Some(name), None) => {
            repo.reference(name, oid, false, &log)?;
        }
        (None, Some(parent)) => {
            // Detached HEAD: move HEAD itself, if nobody moved it first.
            if repo.head()?.target() != Some(parent.id()) {
                return Err(git2::Error::new(
                    ErrorCode::Modified,
                    git2::ErrorClass::Reference,
                    "HEAD moved",
                ));
            }
            repo.set_head_detached(oid)?;
        }
        (None, None) => return Err(git2::Error::from_str("HEAD points nowhere")),
    }
    Ok(oid)
}

/// `tree` with `blob` at `parts` (a path split into components), creating subtrees.
fn insert(
    repo: &Repository,
    tree: Option<Oid>,
    parts: &[&str],
    blob: Oid,
) -> Result<Oid, git2::Error> {
    let existing = tree.map(|t| repo.find_tree(t)).transpose()?;
    let mut builder = repo.treebuilder(existing.as_ref())?;
    match parts {
        [] => return Err(git2::Error::from_str("empty path")),
        [name] => {
            builder.insert(name, blob, 0o100644)?;
        }
        [dir, rest @ ..] => {
            let sub = existing
                .as_ref()
                .and_then(|t| t.get_name(dir))
                .filter(|e| e.kind() == Some(git2::ObjectType::Tree))
                .map(|e| e.id());
            let sub = insert(repo, sub, rest, blob)?;
            builder.insert(dir, sub, 0o040000)?;
        }
    }
    builder.write()
}

/// Stages exactly these paths at the committed content, leaving every other index entry
/// (the user's staged work) as it was. Retries while another process holds the index lock.
fn update_index(repo: &Repository, entries: &[(PathBuf, Oid, usize)]) -> Result<(), git2::Error> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let result = (|| {
            let mut index = repo.index()?;
            index.read(false)?;
            for (rel, _, _) in entries {
                index.add_path(rel)?;
            }
            index.write()
        })();
        match result {
            Err(e) if attempt < MAX_ATTEMPTS && is_race(&e) => {
                std::thread::sleep(std::time::Duration::from_millis(5 * attempt as u64));
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo_with_identity() -> (tempfile::TempDir, Repository) {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let mut cfg = repo.config().unwrap();
        cfg.set_str("user.name", "Test").unwrap();
        cfg.set_str("user.email", "test@example.com").unwrap();
        (dir, repo)
    }

    #[test]
    fn commits_only_given_paths_on_unborn_and_existing_branch() {
        let (dir, repo) = repo_with_identity();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("coes")).unwrap();
        std::fs::write(root.join("coes/a.yaml"), "a").unwrap();
        std::fs::write(root.join("other.txt"), "staged").unwrap();
        let mut index = repo.index().unwrap();
        index.add_path(Path::new("other.txt")).unwrap();
        index.write().unwrap();

        commit_paths(&repo, &[root.join("coes/a.yaml")], "first").unwrap();
        std::fs::write(root.join("coes/b.yaml"), "b").unwrap();
        let oid = commit_paths(&repo, &[root.join("coes/b.yaml")], "second").unwrap();

        let tree = repo.find_commit(oid).unwrap().tree().unwrap();
        assert!(tree.get_path(Path::new("coes/a.yaml")).is_ok());
        assert!(tree.get_path(Path::new("coes/b.yaml")).is_ok());
        assert!(
            tree.get_path(Path::new("other.txt")).is_err(),
            "staged file not committed"
        );
        let statuses = repo.statuses(None).unwrap();
        let other = statuses
            .iter()
            .find(|s| s.path() == Some("other.txt"))
            .unwrap();
        assert!(
            other.status().contains(git2::Status::INDEX_NEW),
            "still staged"
        );
        assert!(!statuses
            .iter()
            .any(|s| s.path().is_some_and(|p| p.starts_with("coes/"))));
    }
}
