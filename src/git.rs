//! A small wrapper over git2: open or create the repository, and commit exactly the files
//! coe changed.
//!
//! Commits are built from HEAD's tree plus the changed blobs, never from the index, so what
//! the user has staged is never swept into a coe commit. In order: the new trees are
//! written (unreferenced until the commit, so a refusal there changes nothing anyone sees),
//! then the index is updated for those paths alone, its entries spliced in without parsing
//! the rest (`git/index.rs`) so `git status` stays clean for them, then the commit is
//! written and the branch moved with a compare-and-swap, retried when another writer moved
//! it first. Only the trees on the changed paths are rewritten, by splicing the new entry
//! into their raw bytes (`git/tree.rs`); nothing walks or hashes the work tree. Those trees
//! are written uncompressed and read back without inflating (`git/loose.rs`). Git's own
//! data model still makes a commit cost grow with the size of the COE directory (its tree
//! object is rewritten) and of the index (rewritten whole): about 2.7 ms more at 10,000
//! COEs, of which 2 ms is the least any tool must spend (see BENCHMARKS.md).

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use git2::{ErrorCode, Oid, Repository, Signature};

use crate::error::UserError;

#[cfg(unix)]
mod index;
#[cfg(unix)]
mod loose;
#[cfg(unix)]
mod stream;
mod tree;

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
    // libgit2 re-hashes every object it reads to verify it; for HEAD's trees that is the
    // whole COE directory's tree (700 KB at 10,000 COEs) on every commit. zlib's checksum
    // already catches a corrupt object, and git itself does not verify on read.
    git2::opts::strict_hash_verification(false);
    let mut entries = Vec::new();
    for path in paths {
        let rel = path.strip_prefix(&workdir).map_err(|_| {
            anyhow!(
                "{} is outside the git work tree {}",
                path.display(),
                workdir.display()
            )
        })?;
        // The stat data for the index is taken before the content is read, as `git add`
        // does: a change made in between then shows as a change, never hides.
        let read = || -> std::io::Result<(std::fs::Metadata, Vec<u8>)> {
            use std::io::Read as _;
            let mut file = std::fs::File::open(path)?;
            let meta = file.metadata()?;
            let mut content = Vec::new();
            file.read_to_end(&mut content)?;
            Ok((meta, content))
        };
        let (meta, content) = read().with_context(|| format!("reading {}", path.display()))?;
        let blob = repo
            .blob(&content)
            .with_context(|| format!("storing {} in git", rel.display()))?;
        entries.push(Staged {
            rel: rel.to_path_buf(),
            blob,
            meta,
        });
    }

    // One coe at a time moves the branch and rewrites the index: the index update is a
    // read-modify-write that git's own index.lock does not cover from read to write.
    let _lock = CoeLock::acquire(repo)?;
    let not_committed = |rel: &Path| {
        format!(
            "{} is saved but not committed; commit it with `git add {0} && git commit`, or pass --no-commit",
            rel.display()
        )
    };
    let Some(first) = entries.first().map(|e| &e.rel) else {
        return Err(anyhow!("nothing to commit"));
    };
    preflight(repo, &entries).map_err(|e| e.context(not_committed(first)))?;
    // The new trees first: writing them changes nothing anyone sees, and it is where an
    // entry HEAD holds as another type (an executable, a symbolic link) is refused.
    let mut prepared = Some(
        retrying(|| prepare_commit(repo, &entries))
            .map_err(|e| anyhow!(e).context(not_committed(first)))?,
    );
    // Then the index, as git does: if staging fails HEAD has not moved, and if the commit
    // then fails the file is merely staged. The other way round, a failed index update
    // would leave HEAD holding a file the index lacks, and the user's next `git commit`
    // would delete it.
    retrying(|| stage(repo, &entries)).map_err(|e| {
        anyhow!(e)
            .context("updating the git index")
            .context(not_committed(first))
    })?;
    // Last the commit, its trees built again if another writer moved the branch since.
    retrying(|| {
        let commit = match prepared.take() {
            Some(commit) => commit,
            None => prepare_commit(repo, &entries)?,
        };
        finish_commit(repo, commit, &sig, message)
    })
    .map_err(|e| {
        anyhow!(e).context(format!(
            "committing to git: {} is saved and staged but not committed; commit it with `git commit`",
            first.display()
        ))
    })
}

/// Runs `attempt` until it succeeds, fails for a reason other than a race with another
/// writer (see [`is_race`]), or has been tried [`MAX_ATTEMPTS`] times, waiting a little
/// longer each time.
fn retrying<T>(mut attempt: impl FnMut() -> Result<T, git2::Error>) -> Result<T, git2::Error> {
    let mut tries = 0;
    loop {
        tries += 1;
        match attempt() {
            Err(e) if tries < MAX_ATTEMPTS && is_race(&e) => {
                std::thread::sleep(std::time::Duration::from_millis(5 * tries as u64));
            }
            other => return other,
        }
    }
}

/// Refuses, before anything changes, what coe cannot commit the way `git add` would: a path
/// that is not UTF-8, a path under a git filter (git-crypt, LFS: coe would store the clear
/// text) or a working-tree encoding, and a directory on the path that HEAD holds as a
/// symbolic link, file or submodule. (A file HEAD holds as a symbolic link or executable is
/// refused as its tree is written, still before anything changes: see `git/tree.rs`.)
fn preflight(repo: &Repository, entries: &[Staged]) -> Result<()> {
    let head_tree = match repo.head() {
        Ok(head) => Some(head.peel_to_tree()?),
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => None,
        Err(e) => return Err(anyhow!(e).context("reading HEAD")),
    };
    for file in entries {
        let rel = &file.rel;
        if rel.iter().any(|c| c.to_str().is_none()) {
            return Err(UserError::new(format!(
                "{} is not a UTF-8 path, which coe cannot commit",
                rel.display()
            ))
            .into());
        }
        let attributes_to_check: &[&str] = if attributes_may_apply(repo, rel) {
            &["filter", "working-tree-encoding"]
        } else {
            &[]
        };
        for &attr in attributes_to_check {
            let value = repo.get_attr(rel, attr, git2::AttrCheckFlags::FILE_THEN_INDEX)?;
            if let git2::AttrValue::True | git2::AttrValue::String(_) =
                git2::AttrValue::from_string(value)
            {
                return Err(UserError::new(format!(
                    "{} has the git attribute `{attr}{}`, which coe cannot apply (it would commit the file as it is on disk)",
                    rel.display(),
                    value.map(|v| format!("={v}")).unwrap_or_default()
                ))
                .into());
            }
        }
        let Some(root) = &head_tree else { continue };
        // Only the directories on the path are looked at, never the COE directory's own
        // tree (parsing it costs milliseconds at 10,000 COEs): the file's entry is checked
        // as the new tree is written, in `tree::find_place`.
        let parts: Vec<&str> = rel.iter().filter_map(|c| c.to_str()).collect();
        let mut tree = root.clone();
        let mut prefix = PathBuf::new();
        for (i, part) in parts.iter().enumerate().take(parts.len().saturating_sub(1)) {
            prefix.push(part);
            let Some(entry) = tree.get_name(part) else {
                break;
            };
            if entry.kind() != Some(git2::ObjectType::Tree) {
                let what = match entry.filemode() {
                    0o120000 => "a symbolic link",
                    0o160000 => "a submodule",
                    _ => "a file",
                };
                return Err(UserError::new(format!(
                    "the repository has {} as {what}, so coe cannot commit {} there",
                    prefix.display(),
                    rel.display()
                ))
                .hint("point `dir:` in .coe.yaml at the real directory")
                .into());
            }
            if i + 2 < parts.len() {
                let next = entry.to_object(repo)?.peel_to_tree()?;
                drop(entry);
                tree = next;
            }
        }
    }
    Ok(())
}

/// Whether any gitattributes file that could apply to `rel` mentions a filter or an
/// encoding. libgit2's attribute lookup loads the whole index (milliseconds at 10,000
/// COEs), so it is asked only when one of these few small files makes it worth asking.
fn attributes_may_apply(repo: &Repository, rel: &Path) -> bool {
    let mut files: Vec<PathBuf> = Vec::new();
    if let Some(workdir) = repo.workdir() {
        let mut dir = workdir.to_path_buf();
        files.push(dir.join(".gitattributes"));
        for part in rel.parent().into_iter().flat_map(Path::iter) {
            dir.push(part);
            files.push(dir.join(".gitattributes"));
        }
    }
    files.push(repo.commondir().join("info/attributes"));
    if let Some(path) = repo
        .config()
        .ok()
        .and_then(|c| c.get_path("core.attributesFile").ok())
    {
        files.push(path);
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    match std::env::var_os("XDG_CONFIG_HOME").filter(|x| !x.is_empty()) {
        Some(xdg) => files.push(PathBuf::from(xdg).join("git/attributes")),
        None => files.extend(home.map(|h| h.join(".config/git/attributes"))),
    }
    files.push(PathBuf::from("/etc/gitattributes"));
    files.iter().any(|f| {
        std::fs::read_to_string(f)
            .is_ok_and(|text| text.contains("filter") || text.contains("encoding"))
    })
}

/// A file being committed: its path in the work tree, its blob, and its stat data for the
/// index.
struct Staged {
    rel: PathBuf,
    blob: Oid,
    #[cfg_attr(not(unix), allow(dead_code))]
    meta: std::fs::Metadata,
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

/// A commit ready to be written: the branch it goes on, its parent and its tree.
struct Prepared<'r> {
    /// The branch HEAD points at (None when detached).
    branch: Option<String>,
    /// The branch's current commit (None when it has no commits yet).
    parent: Option<git2::Commit<'r>>,
    tree: Oid,
}

/// Reads where HEAD is and writes the trees of its commit with `entries` in place.
fn prepare_commit<'r>(
    repo: &'r Repository,
    entries: &[Staged],
) -> Result<Prepared<'r>, git2::Error> {
    let head = repo.find_reference("HEAD")?;
    let branch = head.symbolic_target().map(str::to_string);
    let parent = match &branch {
        Some(name) => match repo.find_reference(name) {
            Ok(r) => Some(r.peel_to_commit()?),
            Err(e) if e.code() == ErrorCode::NotFound => None,
            Err(e) => return Err(e),
        },
        None => Some(head.peel_to_commit()?),
    };
    let mut tree = parent.as_ref().map(|c| c.tree_id());
    for file in entries {
        let parts: Vec<&str> = file.rel.iter().filter_map(|p| p.to_str()).collect();
        tree = Some(tree::insert(repo, tree, &parts, file.blob)?);
    }
    let tree = tree.ok_or_else(|| git2::Error::from_str("nothing to commit"))?;
    Ok(Prepared {
        branch,
        parent,
        tree,
    })
}

/// Writes the commit and moves the branch to it, unless another writer moved it first.
fn finish_commit(
    repo: &Repository,
    prepared: Prepared<'_>,
    sig: &Signature,
    message: &str,
) -> Result<Oid, git2::Error> {
    let Prepared {
        branch,
        parent,
        tree,
    } = prepared;
    let tree = repo.find_tree(tree)?;
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

/// Stages exactly these paths at the committed content, leaving every other index entry
/// (the user's staged work) as it was: the index file spliced directly when it is of the
/// usual kind (see `git/index.rs`), else through libgit2.
fn stage(repo: &Repository, entries: &[Staged]) -> Result<(), git2::Error> {
    #[cfg(unix)]
    {
        let config = repo.config().ok();
        let setting = |key: &str| config.as_ref().and_then(|c| c.get_bool(key).ok());
        // With core.ignorecase, an entry differing only in case must be replaced.
        let ignore_case = setting("core.ignorecase").unwrap_or(false);
        // As git: `feature.manyFiles` turns `index.skipHash` on unless it is set.
        let skip_hash = setting("index.skipHash")
            .or_else(|| setting("feature.manyFiles"))
            .unwrap_or(false);
        let new: Option<Vec<index::NewEntry>> = entries
            .iter()
            .map(|file| {
                let name = file
                    .rel
                    .iter()
                    .map(|c| c.to_str())
                    .collect::<Option<Vec<_>>>()?
                    .join("/");
                index::NewEntry::new(&name, file.blob, &file.meta)
            })
            .collect();
        if let (false, Some(mut new)) = (ignore_case, new) {
            if index::stage(repo.path(), &mut new, skip_hash)? == index::Staged::Done {
                return Ok(());
            }
        }
    }
    let mut index = repo.index()?;
    index.read(false)?;
    for file in entries {
        index.add_path(&file.rel)?;
    }
    index.write()
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

    #[test]
    fn commits_in_a_linked_worktree_share_the_objects() {
        let (dir, repo) = repo_with_identity();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("coes")).unwrap();
        std::fs::write(root.join("coes/a.yaml"), "a").unwrap();
        commit_paths(&repo, &[root.join("coes/a.yaml")], "first").unwrap();
        let other = tempfile::tempdir().unwrap();
        let path = other.path().canonicalize().unwrap().join("wt");
        repo.worktree("wt", &path, None).unwrap();
        let wt = Repository::open(&path).unwrap();
        std::fs::write(path.join("coes/b.yaml"), "b").unwrap();
        let oid = commit_paths(&wt, &[path.join("coes/b.yaml")], "second").unwrap();
        // The main repository sees the commit and its trees; the worktree is clean.
        let tree = repo.find_commit(oid).unwrap().tree().unwrap();
        assert!(tree.get_path(Path::new("coes/b.yaml")).is_ok());
        assert!(wt.statuses(None).unwrap().is_empty());
        assert!(repo
            .statuses(None)
            .unwrap()
            .iter()
            .all(|s| s.path() != Some("coes/b.yaml")));
    }

    #[test]
    fn commits_on_a_repository_made_by_git_satisfy_git() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let git = |args: &[&str]| {
            let out = std::process::Command::new("git")
                .args(args)
                .current_dir(&root)
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .output()
                .unwrap();
            assert!(out.status.success(), "git {args:?}: {out:?}");
            String::from_utf8(out.stdout).unwrap()
        };
        git(&["init", "-q"]);
        git(&["config", "user.name", "T"]);
        git(&["config", "user.email", "t@example.com"]);
        std::fs::create_dir_all(root.join("coes")).unwrap();
        for i in 0..300 {
            std::fs::write(
                root.join(format!("coes/2026-01-01-c{i:03}.yaml")),
                i.to_string(),
            )
            .unwrap();
        }
        git(&["add", "-A"]);
        git(&["commit", "-q", "-m", "base"]);
        let repo = Repository::open(&root).unwrap();
        // The first commit reads git's compressed tree, the next ones coe's own.
        let names = [
            "2026-02-01-new.yaml",
            "2025-01-01-old.yaml",
            "2026-01-01-c100.yaml",
        ];
        for name in names {
            let path = root.join("coes").join(name);
            std::fs::write(&path, format!("{name} by coe")).unwrap();
            commit_paths(&repo, &[path], name).unwrap();
        }
        git(&["fsck", "--strict", "--no-progress"]);
        assert_eq!(git(&["status", "--porcelain"]), "");
        assert_eq!(
            git(&["diff", "--name-only", "HEAD~3", "HEAD"]),
            "coes/2025-01-01-old.yaml\ncoes/2026-01-01-c100.yaml\ncoes/2026-02-01-new.yaml\n"
        );
        assert_eq!(
            git(&["ls-tree", "--name-only", "HEAD", "coes/"])
                .lines()
                .count(),
            302
        );
        assert_eq!(
            git(&["show", "HEAD:coes/2026-01-01-c100.yaml"]),
            "2026-01-01-c100.yaml by coe"
        );
    }
}
