//! A small wrapper over git2: open or create the repository, and commit exactly the files
//! coe changed, the way `git commit -- FILE` would; libgit2 reads and writes every git
//! format. The commit is HEAD's tree with the new blobs put in, never the index, so what
//! the user staged is never swept in. In order: the refusals (`preflight`, `setup`), the
//! tree and commit (signed when asked: `sign`), those paths alone staged under git's
//! `index.lock`, then a compare-and-swap of the branch. Staging first means a failure leaves
//! the file staged, never a HEAD holding a file the index lacks (`git commit` would drop it).

mod setup;
mod sign;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
use git2::{ErrorCode, Oid, Repository, Signature};

use crate::error::UserError;

/// How many times a commit is retried when another writer moves the branch first.
const MAX_ATTEMPTS: usize = 50;

/// How long coe waits for another process's `index.lock` before saying who holds it.
const LOCK_WAIT: Duration = Duration::from_secs(6);

/// Opens the git repository that contains `dir`, refusing bare repositories and the
/// repository features libgit2 cannot work with (named, with `--no-commit` as the way on).
pub fn open(dir: &Path) -> Result<Repository> {
    // `FROM_ENV`: the repository as git would see it, with the configuration git would read
    // (`GIT_CONFIG_GLOBAL`, `GIT_CONFIG_SYSTEM`, `GIT_CONFIG_NOSYSTEM`, `GIT_DIR`,
    // `GIT_CEILING_DIRECTORIES`), so identity, signing and hooks are the user's own.
    let repo = Repository::open_ext(
        dir,
        git2::RepositoryOpenFlags::FROM_ENV,
        std::iter::empty::<&std::ffi::OsStr>(),
    )
    .map_err(|e| setup::cannot_open(dir, e))?;
    if repo.is_bare() {
        return Err(UserError::new(format!(
            "{} is a bare git repository; coe needs a work tree",
            repo.path().display()
        ))
        .into());
    }
    setup::refuse_unsupported(&repo)?;
    Ok(repo)
}

/// Opens the repository containing `dir`, or creates one at `dir` when there is none.
pub fn open_or_init(dir: &Path) -> Result<(Repository, bool)> {
    match Repository::discover(dir) {
        Err(e) if e.code() == ErrorCode::NotFound => {
            let repo = Repository::init(dir)
                .with_context(|| format!("running git init in {}", dir.display()))?;
            Ok((repo, true))
        }
        _ => Ok((open(dir)?, false)),
    }
}

/// Who a commit is by, as git decides it (`git var GIT_AUTHOR_IDENT`): `GIT_AUTHOR_NAME`,
/// else `author.name`, else `user.name`; `GIT_AUTHOR_EMAIL`, else `author.email`, else
/// `user.email`, else `EMAIL`. `GIT_AUTHOR_DATE` (RFC 3339) fixes the time.
pub fn signature(repo: &Repository) -> Result<Signature<'static>> {
    identity(repo, Role::Author)
}

/// Who commits: as [`signature`], with `GIT_COMMITTER_*` and `committer.*`
/// (`git var GIT_COMMITTER_IDENT`). Where git would guess a committer from the machine
/// (only `GIT_AUTHOR_*` set), coe takes the author instead.
pub fn committer(repo: &Repository) -> Result<Signature<'static>> {
    identity(repo, Role::Committer).or_else(|_| signature(repo))
}

#[derive(Clone, Copy)]
enum Role {
    Author,
    Committer,
}

fn identity(repo: &Repository, role: Role) -> Result<Signature<'static>> {
    let (prefix, section) = match role {
        Role::Author => ("GIT_AUTHOR", "author"),
        Role::Committer => ("GIT_COMMITTER", "committer"),
    };
    let env = |key: &str| std::env::var(key).ok().filter(|v| !v.trim().is_empty());
    let config = repo.config().ok();
    let from_config = |key: &str| {
        config
            .as_ref()?
            .get_string(key)
            .ok()
            .filter(|v| !v.trim().is_empty())
    };
    let name = env(&format!("{prefix}_NAME"))
        .or_else(|| from_config(&format!("{section}.name")))
        .or_else(|| from_config("user.name"));
    let email = env(&format!("{prefix}_EMAIL"))
        .or_else(|| from_config(&format!("{section}.email")))
        .or_else(|| from_config("user.email"))
        .or_else(|| env("EMAIL"));
    let (Some(name), Some(email)) = (name, email) else {
        return Err(UserError::new("git does not know who you are: user.name and user.email are not set")
            .hint("run `git config --global user.name \"Your Name\"` and `git config --global user.email you@example.com`, or pass `--no-commit`")
            .into());
    };
    let fixed_time = env(&format!("{prefix}_DATE")).and_then(|d| d.parse::<jiff::Timestamp>().ok());
    let sig = match fixed_time {
        Some(t) => Signature::new(&name, &email, &git2::Time::new(t.as_second(), 0)),
        None => Signature::now(&name, &email),
    };
    sig.map_err(|e| anyhow!(e).context("reading the git identity"))
}

/// Opens the repository around `dir` and commits `paths` there (see [`commit_paths`]); any
/// failure says that the files are saved but not committed.
pub fn commit(dir: &Path, paths: &[PathBuf], message: &str) -> Result<Option<Oid>> {
    let first = paths.first().ok_or_else(|| anyhow!("nothing to commit"))?;
    let rel = first.strip_prefix(dir).unwrap_or(first);
    commit_paths(
        &open(dir).map_err(|e| e.context(not_committed(rel)))?,
        paths,
        message,
    )
}

/// "... is saved but not committed", the context of every failure after a file is written.
fn not_committed(rel: &Path) -> String {
    format!(
        "{} is saved but not committed; commit it with `git add {0} && git commit`, or pass --no-commit",
        rel.display()
    )
}

/// Commits the current contents of `paths` (absolute, inside the work tree) with `message`,
/// on top of HEAD, touching nothing else. Returns the new commit's id, or `None` when HEAD
/// already holds these contents (the user's own `git commit -a` swept them in first): no
/// empty commit is made.
pub fn commit_paths(repo: &Repository, paths: &[PathBuf], message: &str) -> Result<Option<Oid>> {
    let workdir = repo
        .workdir()
        .ok_or_else(|| anyhow!("the repository has no work tree"))?;
    let workdir = workdir.canonicalize().unwrap_or(workdir.to_path_buf());
    let author = signature(repo)?;
    let committer = committer(repo)?;
    let mut entries = Vec::new();
    for path in paths {
        let rel = path.strip_prefix(&workdir).map_err(|_| {
            anyhow!(
                "{} is outside the git work tree {}",
                path.display(),
                workdir.display()
            )
        })?;
        entries.push(Staged::read(repo, path, rel)?);
    }
    let first = entries
        .first()
        .ok_or_else(|| anyhow!("nothing to commit"))?
        .rel
        .clone();
    let not_committed = |e: anyhow::Error| e.context(not_committed(&first));
    // One coe at a time moves the branch and updates the index. A coe commit takes
    // milliseconds: a lock older than half a minute was left by one that was killed.
    let coe_lock = repo.path().join("coe.lock");
    let stale = Some(Duration::from_secs(30));
    let _lock =
        Lock::acquire(&coe_lock, "another coe is committing", stale).map_err(not_committed)?;
    setup::refuse_in_progress(repo).map_err(not_committed)?;
    preflight(repo, &entries).map_err(not_committed)?;
    let signer = sign::signer(repo, &committer).map_err(not_committed)?;
    let prepare = || {
        prepare(
            repo,
            &entries,
            &author,
            &committer,
            message,
            signer.as_ref(),
        )
    };
    let mut prepared = Some(prepare().map_err(not_committed)?);
    stage(repo, &entries).map_err(|e| not_committed(e.context("updating the git index")))?;
    // When the branch moved since (another writer), the commit is prepared again on top.
    let log = format!("commit: {}", message.lines().next().unwrap_or_default());
    let mut tries = 0;
    let oid = loop {
        let Prepared {
            reference,
            parent,
            commit,
            unchanged,
        } = match prepared.take() {
            Some(prepared) => prepared,
            None => prepare()?,
        };
        if unchanged {
            return Ok(None);
        }
        let moved = match parent {
            Some(parent) => repo.reference_matching(&reference, commit, true, parent, &log),
            None => repo.reference(&reference, commit, false, &log),
        };
        match moved {
            Ok(_) => break commit,
            Err(e) if is_race(&e) && tries < MAX_ATTEMPTS => tries += 1,
            Err(e) => {
                let rel = first.display();
                return Err(anyhow!(e).context(format!("committing to git: {rel} is saved and staged but not committed; commit it with `git commit`")));
            }
        }
        std::thread::sleep(Duration::from_millis(5 * tries as u64));
    };
    if let Some(note) = setup::hooks_not_run(repo) {
        crate::output::ui::note(note);
    }
    Ok(Some(oid))
}

/// The branch moved under us or its lock is held by another writer.
fn is_race(e: &git2::Error) -> bool {
    use ErrorCode::*;
    matches!(e.code(), Modified | Locked | Exists | NotFastForward)
}

/// Refuses, before anything changes, what coe cannot commit the way `git add` would: a path
/// under a git filter (git-crypt, LFS: coe would store the clear text) or a working-tree
/// encoding, and a path HEAD holds with another type on the way (a directory that is a
/// symbolic link, file or submodule; a file that is executable, a link or a directory).
fn preflight(repo: &Repository, entries: &[Staged]) -> Result<()> {
    let head_tree = match repo.head() {
        Ok(head) => Some(head.peel_to_tree()?),
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => None,
        Err(e) => return Err(anyhow!(e).context("reading HEAD")),
    };
    for file in entries {
        let rel = &file.rel;
        for attr in ["filter", "working-tree-encoding"] {
            let value = repo.get_attr(rel, attr, git2::AttrCheckFlags::FILE_THEN_INDEX);
            let value = value.map_err(setup::index_error)?;
            let set = match git2::AttrValue::from_string(value) {
                git2::AttrValue::True => String::new(),
                git2::AttrValue::String(value) => format!("={value}"),
                _ => continue,
            };
            let rel = rel.display();
            return Err(UserError::new(format!("{rel} has the git attribute `{attr}{set}`, which coe cannot apply (it would commit the file as it is on disk)")).into());
        }
        let Some(root) = &head_tree else { continue };
        let mut prefix = PathBuf::new();
        for part in rel {
            prefix.push(part);
            let Ok(mode) = root.get_path(&prefix).map(|entry| entry.filemode()) else {
                break;
            };
            let is_dir = prefix != *rel;
            if mode != if is_dir { 0o040000 } else { 0o100644 } {
                let what = match mode {
                    0o120000 => "a symbolic link",
                    0o160000 => "a submodule",
                    0o100755 => "an executable",
                    0o040000 => "a directory",
                    _ => "a file",
                };
                let (prefix, rel) = (prefix.display(), rel.display());
                let message = format!("the repository has {prefix} as {what} (mode {mode:o}); coe will not change its type to commit {rel}");
                let hint = "change that with git, or point `dir:` in .coe.yaml at a real directory";
                return Err(UserError::new(message).hint(hint).into());
            }
        }
    }
    Ok(())
}

/// A file being committed: its path in the work tree, and its index entry (blob and stat
/// data, its path `/`-separated).
struct Staged {
    rel: PathBuf,
    entry: git2::IndexEntry,
}

impl Staged {
    /// Stores the file at `path` as a blob. The stat data for the index is taken before the
    /// content is read, as `git add` does: a change made in between then shows, never hides.
    fn read(repo: &Repository, path: &Path, rel: &Path) -> Result<Staged> {
        let Some(parts) = rel.iter().map(|c| c.to_str()).collect::<Option<Vec<_>>>() else {
            let rel = rel.display();
            return Err(UserError::new(format!(
                "{rel} is not a UTF-8 path, which coe cannot commit"
            ))
            .into());
        };
        let read = || Ok::<_, std::io::Error>((std::fs::metadata(path)?, std::fs::read(path)?));
        let (meta, content) = read().with_context(|| format!("reading {}", path.display()))?;
        let id = repo.blob(&content);
        let id = id.with_context(|| format!("storing {} in git", rel.display()))?;
        let (rel, entry) = (
            rel.to_path_buf(),
            index_entry(parts.join("/").into_bytes(), id, &meta),
        );
        Ok(Staged { rel, entry })
    }
}

/// The index entry of a plain file: its blob `id` at `path`, with the stat data of `meta`.
fn index_entry(path: Vec<u8>, id: Oid, meta: &std::fs::Metadata) -> git2::IndexEntry {
    #[cfg(unix)]
    use std::os::unix::fs::MetadataExt as _;
    #[cfg(unix)]
    let time = |s: i64, ns: i64| git2::IndexTime::new(s as i32, ns as u32);
    #[cfg(unix)]
    let (ctime, mtime) = (
        time(meta.ctime(), meta.ctime_nsec()),
        time(meta.mtime(), meta.mtime_nsec()),
    );
    #[cfg(unix)]
    let (dev, ino, uid, gid) = (meta.dev() as u32, meta.ino() as u32, meta.uid(), meta.gid());
    // Elsewhere no stat data: git then compares the content, which is always right.
    #[cfg(not(unix))]
    let (ctime, mtime, dev, ino, uid, gid) = (
        git2::IndexTime::new(0, 0),
        git2::IndexTime::new(0, 0),
        0,
        0,
        0,
        0,
    );
    git2::IndexEntry {
        ctime,
        mtime,
        dev,
        ino,
        mode: 0o100644,
        uid,
        gid,
        file_size: meta.len() as u32,
        id,
        flags: 0,
        flags_extended: 0,
        path,
    }
}

/// A lock file held while coe commits (`.git/coe.lock`, so concurrent coe processes take
/// turns) or stages (git's own `index.lock`), removed when dropped.
struct Lock(PathBuf);

impl Lock {
    /// Creates `path` exclusively with this process's pid and host in it, waiting up to
    /// [`LOCK_WAIT`] (twice `stale_after` when given) for whoever holds it, then refuses,
    /// naming the lock file and its holder. A lock whose holder (pid on this host) is gone
    /// is taken over at once, with a note; a live one is waited for with a message naming
    /// it. A lock without a holder line older than `stale_after` was left by a killed
    /// process (or by an older coe) and is taken over too.
    fn acquire(path: &Path, holder: &str, stale_after: Option<Duration>) -> Result<Lock> {
        use crate::store::process;
        use std::io::Write as _;
        let (start, wait) = (Instant::now(), stale_after.map_or(LOCK_WAIT, |d| 2 * d));
        let age = || {
            std::fs::metadata(path)
                .ok()?
                .modified()
                .ok()?
                .elapsed()
                .ok()
        };
        let mut told = false;
        let mut named = None;
        loop {
            match std::fs::File::create_new(path) {
                Ok(mut file) => {
                    // Only coe's own lock names its holder: git's `index.lock` is the index.
                    if stale_after.is_some() {
                        let _ = file.write_all(process::holder_line().as_bytes());
                    }
                    return Ok(Lock(path.to_path_buf()));
                }
                Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                    return Err(anyhow!(e).context(format!("creating {}", path.display())))
                }
                Err(_) => {}
            }
            if let Some(limit) = stale_after {
                let text = std::fs::read_to_string(path).unwrap_or_default();
                match process::parse_holder(&text) {
                    Some((pid, host)) if process::holder_is_gone(pid, &host) => {
                        crate::output::ui::note(format!(
                            "{} was left by coe process {pid} on {host}, which is gone; \
                             taking it over",
                            path.display()
                        ));
                        let _ = std::fs::remove_file(path);
                        continue;
                    }
                    Some((pid, host)) => {
                        if !told {
                            crate::output::ui::note(format!(
                                "waiting for {}: held by coe process {pid} on {host}",
                                path.display()
                            ));
                            told = true;
                        }
                        named = Some((pid, host));
                    }
                    // coe writes its line right after creating the lock: an empty one
                    // older than two seconds was left by a coe killed in between.
                    None if age().is_some_and(|age| {
                        age > if text.trim().is_empty() {
                            Duration::from_secs(2).min(limit)
                        } else {
                            limit
                        }
                    }) =>
                    {
                        crate::output::ui::note(format!(
                            "{} is older than {}s and names no holder; taking it over",
                            path.display(),
                            limit.as_secs()
                        ));
                        let _ = std::fs::remove_file(path);
                        continue;
                    }
                    None => {}
                }
            }
            if start.elapsed() >= wait {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let shown = path.display();
        let message = match named {
            Some((pid, host)) => {
                format!("{shown} is held by coe process {pid} on {host}: {holder}")
            }
            None => format!("{shown} exists: {holder}, or one was killed and left it behind"),
        };
        let hint = format!("if no git or coe command is running, remove {shown}");
        Err(UserError::new(message).hint(hint).into())
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A commit written but on no branch yet: the branch it goes on (`HEAD` itself when
/// detached), and the commit there now (None when the branch has none yet).
struct Prepared {
    reference: String,
    parent: Option<Oid>,
    commit: Oid,
    /// HEAD's tree already holds the entries: there is nothing to commit.
    unchanged: bool,
}

/// Reads where HEAD is and writes HEAD's tree with `entries` in place and the commit
/// (signed when `signer` is given); until the branch moves to it, nobody sees it.
fn prepare(
    repo: &Repository,
    entries: &[Staged],
    author: &Signature,
    committer: &Signature,
    message: &str,
    signer: Option<&sign::Signer>,
) -> Result<Prepared> {
    let head = repo.find_reference("HEAD")?;
    let reference = head.symbolic_target()?.unwrap_or("HEAD").to_string();
    let parent = match repo.find_reference(&reference) {
        Ok(r) => Some(r.peel_to_commit()?),
        Err(e) if e.code() == ErrorCode::NotFound => None,
        Err(e) => return Err(e.into()),
    };
    let base = match &parent {
        Some(commit) => commit.tree()?,
        // libgit2 knows git's empty tree without it being stored.
        None => repo.find_tree(Oid::from_str("4b825dc642cb6eb9a060e54bf8d69288fbee4904")?)?,
    };
    let mut update = git2::build::TreeUpdateBuilder::new();
    for file in entries {
        update.upsert(&file.entry.path[..], file.entry.id, git2::FileMode::Blob);
    }
    let tree = repo.find_tree(update.create_updated(repo, &base)?)?;
    let unchanged = parent.is_some() && tree.id() == base.id();
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    let buffer = repo.commit_create_buffer(author, committer, message, &tree, &parents)?;
    let commit = match signer {
        None => repo.odb()?.write(git2::ObjectType::Commit, &buffer)?,
        Some(signer) => {
            let content = std::str::from_utf8(&buffer).context("the commit is not UTF-8")?;
            let signature = signer.sign(content)?;
            // libgit2 would keep the last newline as an empty header line; git does not.
            repo.commit_signed(content, signature.trim_end_matches('\n'), None)?
        }
    };
    let prepared = Prepared {
        reference,
        parent: parent.map(|c| c.id()),
        commit,
        unchanged,
    };
    Ok(prepared)
}

/// Stages exactly these paths at the committed blobs, every other index entry (the user's
/// staged work) left as it was. git's `index.lock` is held from before the index is read
/// until the new one is in place, as `git add` does. libgit2 edits a copy (its own write
/// would take the lock coe holds) that is then renamed over the index.
fn stage(repo: &Repository, entries: &[Staged]) -> Result<()> {
    let index_path = repo.path().join("index");
    let lock = repo.path().join("index.lock");
    let _lock = Lock::acquire(&lock, "another git process is using the index", None)?;
    let copy = repo.path().join("coe-index");
    let io = |what: &str, path: &Path| format!("{what} {}", path.display());
    match std::fs::metadata(&index_path) {
        Ok(meta) => {
            std::fs::copy(&index_path, &copy).with_context(|| io("copying", &index_path))?;
            // The copy keeps the index's time, against which libgit2 finds the racily
            // clean entries (changed within the same tick as the index was written) and
            // smudges them, as git does, so a same-second edit never hides.
            let copied = std::fs::File::options().write(true).open(&copy);
            let kept = copied.and_then(|f| f.set_modified(meta.modified()?));
            kept.with_context(|| io("writing", &copy))?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let _ = std::fs::remove_file(&copy);
        }
        Err(e) => return Err(anyhow!(e).context(io("reading", &index_path))),
    }
    // Left by a coe that was killed: nobody else writes it while coe holds both locks.
    let _ = std::fs::remove_file(repo.path().join("coe-index.lock"));
    let result = (|| -> Result<()> {
        // A second handle on the repository owns the copy, for libgit2's racy-entry checks.
        let owner = Repository::open(repo.path())?;
        let mut index = git2::Index::open(&copy).map_err(setup::index_error)?;
        owner.set_index(&mut index)?;
        for file in entries {
            // Any conflict on the path goes, as with `git add`.
            index.remove_path(&file.rel)?;
            index.add(&file.entry)?;
        }
        index.write()?;
        std::fs::rename(&copy, &index_path).with_context(|| io("replacing", &index_path))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&copy);
    }
    result
}
