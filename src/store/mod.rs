//! COE files on disk: listing, loading (in parallel), and atomic writes.

pub mod cache;
pub mod config;
pub mod context;
pub mod edit;
pub mod format;
pub mod git;
pub mod history;
pub mod lines;
pub mod load;
pub mod process;
pub mod repos;
pub mod schema;
pub mod yaml_edit;

pub use self::config::Repo;
pub use self::context::Context;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context as _, Result};
use rayon::prelude::*;

use self::cache::{Cache, Parsed, Session};
use self::format::ParseError;
use crate::model::coe::Coe;

/// Why a COE file could not be loaded: reading it failed, it is no text coe reads, or its
/// text is not a valid COE.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file (or git blob) could not be read; the message says why.
    #[error("cannot read: {0}")]
    Read(String),
    /// Larger than [`MAX_FILE_BYTES`].
    #[error("the file is larger than {} KiB; a COE file is a few KiB", MAX_FILE_BYTES / 1024)]
    TooLarge,
    /// Not UTF-8 from this 1-based line on.
    #[error("the file is not valid UTF-8 text")]
    NotUtf8 {
        /// Where the text stops being UTF-8.
        line: usize,
    },
    /// Read, but not a valid COE.
    #[error(transparent)]
    Parse(#[from] ParseError),
}

impl LoadError {
    /// The 1-based line at fault, where known.
    pub fn line(&self) -> Option<usize> {
        match self {
            LoadError::Read(_) | LoadError::TooLarge => None,
            LoadError::NotUtf8 { line } => Some(*line),
            LoadError::Parse(e) => e.line,
        }
    }

    /// The dotted path of the field at fault, where known.
    pub fn field(&self) -> Option<&str> {
        match self {
            LoadError::Read(_) | LoadError::TooLarge | LoadError::NotUtf8 { .. } => None,
            LoadError::Parse(e) => e.field.as_deref(),
        }
    }
}
use crate::output::progress::Progress;

/// Files larger than this are refused: a COE is a few kilobytes, and the limit bounds the
/// time and memory a bad or hostile file can cost.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Held while a file is being replaced, so an interrupt handler can wait for the write to
/// finish instead of leaving a temporary file behind.
pub static WRITE_LOCK: Mutex<()> = Mutex::new(());

/// A COE file that was read, successfully or not.
#[derive(Debug)]
pub struct Loaded {
    /// The file.
    pub path: PathBuf,
    /// The COE, or why it could not be read.
    pub result: Result<Coe, LoadError>,
}

/// The COE files in the repository's COE directory, sorted by name. A missing directory
/// has no files.
pub fn list_files(repo: &Repo) -> Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(&repo.coe_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(e).with_context(|| format!("reading directory {}", repo.coe_dir.display()))
        }
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry =
            entry.with_context(|| format!("reading directory {}", repo.coe_dir.display()))?;
        let path = entry.path();
        let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if is_yaml && !hidden && entry.file_type().map(|t| t.is_file()).unwrap_or(false) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Loads files in parallel, keeping their order.
pub fn load_files(paths: &[PathBuf]) -> Vec<Loaded> {
    paths
        .par_iter()
        .map(|path| Loaded {
            path: path.clone(),
            result: load_file(path),
        })
        .collect()
}

/// Loads every COE of the repository.
pub fn load_all(repo: &Repo) -> Result<Vec<Loaded>> {
    Ok(load_files(&list_files(repo)?))
}

/// A user error for a file that failed to load: `path:line: field: message`.
pub fn file_error(path: &Path, e: &LoadError) -> crate::error::UserError {
    crate::error::UserError::new(describe(path, e))
}

/// `path:line: field: message`.
pub fn describe(path: &Path, e: &LoadError) -> String {
    let line = e.line().map(|l| format!(":{l}")).unwrap_or_default();
    let field = e.field().map(|f| format!("{f}: ")).unwrap_or_default();
    format!("{}{line}: {field}{e}", path.display())
}

/// Reads and parses one COE file, with the size and encoding checks.
pub fn load_file(path: &Path) -> Result<Coe, LoadError> {
    let text = read_text(path)?;
    Ok(format::parse(&text)?)
}

/// Reads a file as UTF-8 text, refusing oversized and non-UTF-8 files.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    decode_text(read_bytes(path)?)
}

/// Reads a file's bytes, refusing files larger than [`MAX_FILE_BYTES`].
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, LoadError> {
    let file = std::fs::File::open(path).map_err(|e| LoadError::Read(e.to_string()))?;
    let mut bytes = Vec::new();
    use std::io::Read as _;
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| LoadError::Read(e.to_string()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge);
    }
    Ok(bytes)
}

/// A file's bytes as text: a byte-order mark dropped, anything but UTF-8 refused with the
/// line where it stops being UTF-8.
pub fn decode_text(mut bytes: Vec<u8>) -> Result<String, LoadError> {
    // A byte-order mark (some Windows editors add one) is not part of the YAML.
    if bytes.starts_with(b"\xef\xbb\xbf") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        LoadError::NotUtf8 { line }
    })
}

/// Loads every COE of the repository's work tree, as [`load_all`] does, through the parse
/// cache when one is given: a file whose index entry is clean (its stat data matches the
/// index, and it was not written in the same instant as the index) is known by the object
/// id the index records, without being read; any other file is read and hashed. Either
/// way, a COE whose object id the cache holds is not parsed again.
pub fn load_worktree(
    repo: &Repo,
    cache: Option<&Cache>,
    progress: &Progress,
) -> Result<Vec<Loaded>> {
    let files = list_files(repo)?;
    progress.add(files.len(), &repo.root.display().to_string());
    let session = Session::open(cache, format!("worktree\0{}", repo.coe_dir.display()));
    let clean = if session.is_enabled() {
        CleanIndex::read(repo)
    } else {
        CleanIndex::default()
    };
    let parsed: Vec<Parsed> = files
        .par_iter()
        .map(|path| {
            let parsed = load_through(&session, &clean, path);
            progress.inc();
            parsed
        })
        .collect();
    session.save(&parsed);
    Ok(files
        .into_iter()
        .zip(parsed)
        .map(|(path, parsed)| Loaded {
            path,
            result: parsed.result,
        })
        .collect())
}

fn load_through(session: &Session<'_>, clean: &CleanIndex, path: &Path) -> Parsed {
    if !session.is_enabled() {
        return session.parse(None, read_text(path));
    }
    if let Some(hit) = clean.oid(path).and_then(|oid| session.hit(oid)) {
        return hit;
    }
    let bytes = match read_bytes(path) {
        Ok(bytes) => bytes,
        Err(e) => return session.parse(None, Err(e)),
    };
    let oid = git2::Oid::hash_object(git2::ObjectType::Blob, &bytes).ok();
    match oid.and_then(|oid| session.hit(oid)) {
        Some(hit) => hit,
        None => session.parse(oid, decode_text(bytes)),
    }
}

/// The index entries of the COE directory, by file name, with the stat data git recorded:
/// enough to tell, from a file's metadata alone, that its content is the blob the index
/// names (git's own "clean" test, racy entries excluded).
#[derive(Debug, Default)]
struct CleanIndex {
    dir: PathBuf,
    entries: std::collections::HashMap<std::ffi::OsString, IndexStat>,
    /// When the index was written: an entry modified at or after it may have changed
    /// again in the same instant without its stat data showing it ("racily clean").
    written: (i64, u32),
}

#[derive(Debug)]
struct IndexStat {
    ctime: (i32, u32),
    mtime: (i32, u32),
    ino: u32,
    size: u32,
    mode: u32,
    oid: git2::Oid,
}

impl CleanIndex {
    /// The index of the git repository around `repo`, or nothing when there is none or it
    /// cannot be read (every file is then read and hashed).
    fn read(repo: &Repo) -> CleanIndex {
        Self::try_read(repo).unwrap_or_default()
    }

    #[cfg(unix)]
    fn try_read(repo: &Repo) -> Option<CleanIndex> {
        use std::os::unix::ffi::OsStrExt as _;
        use std::os::unix::fs::MetadataExt as _;
        let git = git2::Repository::open_ext(
            &repo.root,
            git2::RepositoryOpenFlags::empty(),
            std::iter::empty::<&std::ffi::OsStr>(),
        )
        .ok()?;
        let workdir = git.workdir()?.canonicalize().ok()?;
        let index_path = git.path().join("index");
        let written = std::fs::metadata(&index_path).ok()?;
        let index = git.index().ok()?;
        let dir = repo.coe_dir.strip_prefix(&workdir).ok()?;
        let mut prefix = dir.as_os_str().as_bytes().to_vec();
        if !prefix.is_empty() {
            prefix.push(b'/');
        }
        let mut entries = std::collections::HashMap::new();
        let start = if prefix.is_empty() {
            0
        } else {
            index
                .find_prefix(std::ffi::OsStr::from_bytes(&prefix))
                .ok()?
        };
        for i in start..index.len() {
            let Some(entry) = index.get(i) else { break };
            let Some(name) = entry.path.strip_prefix(prefix.as_slice()) else {
                break;
            };
            // Only files directly in the COE directory, at stage 0, that git itself would
            // stat: skip-worktree and intent-to-add entries say nothing about the file.
            const SKIP_WORKTREE: u16 = 1 << 14;
            const INTENT_TO_ADD: u16 = 1 << 13;
            let stage = (entry.flags >> 12) & 0x3;
            if name.contains(&b'/')
                || stage != 0
                || entry.flags_extended & (SKIP_WORKTREE | INTENT_TO_ADD) != 0
            {
                continue;
            }
            entries.insert(
                std::ffi::OsStr::from_bytes(name).to_os_string(),
                IndexStat {
                    ctime: (entry.ctime.seconds(), entry.ctime.nanoseconds()),
                    mtime: (entry.mtime.seconds(), entry.mtime.nanoseconds()),
                    ino: entry.ino,
                    size: entry.file_size,
                    mode: entry.mode,
                    oid: entry.id,
                },
            );
        }
        Some(CleanIndex {
            dir: repo.coe_dir.clone(),
            entries,
            written: (written.mtime(), written.mtime_nsec() as u32),
        })
    }

    #[cfg(not(unix))]
    fn try_read(_repo: &Repo) -> Option<CleanIndex> {
        None
    }

    /// The object id of `path`'s content, when its index entry is clean.
    #[cfg(unix)]
    fn oid(&self, path: &Path) -> Option<git2::Oid> {
        use std::os::unix::fs::MetadataExt as _;
        if path.parent() != Some(self.dir.as_path()) {
            return None;
        }
        let entry = self.entries.get(path.file_name()?)?;
        let meta = std::fs::symlink_metadata(path).ok()?;
        // The index keeps 32-bit seconds, sizes and inode numbers; nanoseconds only where
        // the writer recorded them.
        let same_time = |(secs, nanos): (i32, u32), file_secs: i64, file_nanos: i64| {
            secs as u32 == file_secs as u32 && (nanos == 0 || i64::from(nanos) == file_nanos)
        };
        let clean = meta.is_file()
            && entry.mode & 0o170000 == 0o100000
            && entry.size == meta.size() as u32
            && entry.ino == meta.ino() as u32
            && same_time(entry.mtime, meta.mtime(), meta.mtime_nsec())
            && same_time(entry.ctime, meta.ctime(), meta.ctime_nsec());
        let (secs, nanos) = (i64::from(entry.mtime.0), entry.mtime.1);
        let racy = (secs, nanos) >= self.written || (nanos == 0 && secs >= self.written.0);
        (clean && !racy).then_some(entry.oid)
    }

    #[cfg(not(unix))]
    fn oid(&self, _path: &Path) -> Option<git2::Oid> {
        None
    }
}

/// Loads one COE by id, with errors that name the file and a hint when there is no such id.
///
/// `id` may be the whole id, a prefix of exactly one id (`2026-11-22-check`), or the
/// file's path (`coes/2026-11-22-checkout-latency.yaml`, relative to the current directory
/// or the repository root).
pub fn load_by_id(repo: &Repo, id: &str) -> Result<(PathBuf, Coe)> {
    let path = resolve_id(repo, id)?;
    let coe = load_file(&path).map_err(|e| file_error(repo.relative(&path), &e))?;
    Ok((path, coe))
}

/// The file a COE id, id prefix or path names.
pub fn resolve_id(repo: &Repo, id: &str) -> Result<PathBuf> {
    let as_path = Path::new(id);
    let looks_like_path =
        id.ends_with(".yaml") || id.ends_with(".yml") || as_path.components().count() > 1;
    if as_path
        .components()
        .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(crate::error::UserError::new(format!(
            "invalid COE id or path `{id}`: it must not contain `..`"
        ))
        .into());
    }
    if looks_like_path {
        return resolve_path(repo, as_path);
    }
    if let Some(problem) = id_prefix_problem(id) {
        return Err(crate::error::UserError::new(problem).into());
    }
    let path = repo.coe_path(id);
    if path.exists() {
        return Ok(path);
    }
    let known: Vec<String> = list_files(repo)?
        .iter()
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    let starting: Vec<&String> = known.iter().filter(|stem| stem.starts_with(id)).collect();
    match starting.as_slice() {
        [one] => return Ok(repo.coe_path(one)),
        [] => {}
        many => {
            let shown: Vec<&str> = many.iter().take(5).map(|s| s.as_str()).collect();
            let more = many.len().saturating_sub(shown.len());
            return Err(crate::error::UserError::new(format!(
                "`{id}` is the start of {} COE ids: {}{}",
                many.len(),
                shown.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ))
            .hint("type more of the id")
            .into());
        }
    }
    let similar: Vec<&String> = known
        .iter()
        .filter(|stem| {
            stem.contains(id)
                || id.contains(stem.as_str())
                || stem.get(11..).is_some_and(|s| id.contains(s))
        })
        .take(3)
        .collect();
    let hint = if similar.is_empty() {
        "run `coe list` to see the ids".to_string()
    } else {
        format!(
            "did you mean {}?",
            similar
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Err(crate::error::UserError::new(format!(
        "no COE with id `{id}` (looked for {} and ids starting with it)",
        repo.relative(&path).display()
    ))
    .hint(hint)
    .into())
}

/// What is wrong with a typed id or id prefix: the characters an id cannot hold.
fn id_prefix_problem(id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("an empty COE id".into());
    }
    if id.contains('/') || id.contains('\\') || id.contains("..") {
        return Some(format!(
            "invalid COE id `{id}`: it must not contain `/`, `\\` or `..`"
        ));
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return crate::model::ids::id_problem(id);
    }
    None
}

/// A COE file given by its path: it must be a file in the COE directory.
fn resolve_path(repo: &Repo, given: &Path) -> Result<PathBuf> {
    let candidates = [
        std::env::current_dir().ok().map(|d| d.join(given)),
        Some(repo.root.join(given)),
        Some(repo.coe_dir.join(given)),
    ];
    let Some(found) = candidates.into_iter().flatten().find(|p| p.is_file()) else {
        let is_file_name = given.extension().is_some_and(|e| e == "yaml" || e == "yml");
        return Err(crate::error::UserError::new(if is_file_name {
            format!("{}: no such file", given.display())
        } else {
            format!(
                "invalid COE id `{}`: an id has no `/`, and there is no such file",
                given.display()
            )
        })
        .hint("give the COE's id, or the path of its file in the COE directory")
        .into());
    };
    let real = found
        .canonicalize()
        .with_context(|| format!("reading {}", found.display()))?;
    let coe_dir = repo
        .coe_dir
        .canonicalize()
        .unwrap_or_else(|_| repo.coe_dir.clone());
    if real.parent() != Some(coe_dir.as_path()) {
        return Err(crate::error::UserError::new(format!(
            "{} is not in the COE directory {}",
            given.display(),
            repo.relative(&repo.coe_dir).display()
        ))
        .into());
    }
    Ok(repo.coe_dir.join(real.file_name().unwrap_or_default()))
}

/// Writes a COE atomically: a temporary file in the same directory, then a rename over the
/// target, so a reader sees the old file or the new one, never half of one.
pub fn save(path: &Path, coe: &Coe) -> Result<()> {
    write_atomic(path, format::to_yaml(coe).as_bytes(), true)
}

/// Writes a new COE file, failing with `AlreadyExists` when the path is taken: two writers
/// racing for one id never overwrite each other.
pub fn create(path: &Path, coe: &Coe) -> Result<()> {
    create_parent(path)?;
    write_atomic(path, format::to_yaml(coe).as_bytes(), false)
}

/// Creates the directory a file goes in (the COE directory on the first `coe new`).
pub fn create_parent(path: &Path) -> Result<()> {
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(dir) => std::fs::create_dir_all(dir)
            .with_context(|| format!("creating directory {}", dir.display())),
        None => Ok(()),
    }
}

/// Writes `bytes` to `path` atomically; `overwrite: false` fails when `path` exists. The
/// directory must exist: a mistyped `-o` path is an error, not a new directory.
pub fn write_atomic(path: &Path, bytes: &[u8], overwrite: bool) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(crate::error::UserError::new(format!(
            "cannot write {}: the directory {} does not exist",
            path.display(),
            dir.display()
        ))
        .into());
    }
    let _guard = WRITE_LOCK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    // A replaced file keeps its mode; a new one gets the usual 0666 less the umask, like
    // any file an editor creates (tempfile's own default, 0600, would hide it from others).
    remove_dead_temp_files(dir);
    let mut builder = tempfile::Builder::new();
    let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
    builder.prefix(&prefix).suffix(".tmp");
    let existing = std::fs::metadata(path).ok().map(|m| m.permissions());
    if let Some(permissions) = existing.or_else(new_file_permissions) {
        builder.permissions(permissions);
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)
        .with_context(|| format!("writing {}", path.display()))?;
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("writing {}", path.display()))?;
    let persisted = if overwrite {
        tmp.persist(path)
    } else {
        tmp.persist_noclobber(path)
    };
    persisted
        .map_err(|e| e.error)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// How coe's temporary files start: `.coe-PID-` then random letters, and `.tmp`.
const TEMP_PREFIX: &str = ".coe-";

/// Removes the temporary files in `dir` that a killed coe left: those whose pid (in the
/// name) is no longer running on this host, and those of older coes (no pid in the name)
/// older than an hour. A running coe's temporary file lives for milliseconds.
fn remove_dead_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name
            .to_str()
            .and_then(|n| n.strip_prefix(TEMP_PREFIX))
            .and_then(|n| n.strip_suffix(".tmp"))
        else {
            continue;
        };
        let pid = rest
            .split_once('-')
            .and_then(|(pid, _)| pid.parse::<u32>().ok());
        let dead = match pid {
            Some(pid) => crate::store::process::alive(pid) == Some(false),
            None => entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > std::time::Duration::from_secs(3600)),
        };
        if dead {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(unix)]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt as _;
    Some(std::fs::Permissions::from_mode(0o666))
}

#[cfg(not(unix))]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    None
}

/// Writes a new COE file under a free id: `date-slug`, then `-2`, `-3`, ... The file is
/// created exclusively, so concurrent writers never take the same id.
pub fn create_file(repo: &Repo, coe: &mut Coe) -> Result<PathBuf> {
    create_file_with(repo, coe, &|c| Ok(format::to_yaml(c)))
}

/// [`create_file`], with the file's text made by `render` from the COE with its id.
pub fn create_file_with(
    repo: &Repo,
    coe: &mut Coe,
    render: &dyn Fn(&Coe) -> Result<String>,
) -> Result<PathBuf> {
    let base = crate::model::ids::make_id(&coe.incident.started, &coe.title);
    create_parent(&repo.coe_path(&base))?;
    for n in 1..10_000 {
        let id = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        let path = repo.coe_path(&id);
        if path.exists() {
            continue;
        }
        coe.id = id;
        match write_atomic(&path, render(coe)?.as_bytes(), false) {
            Ok(()) => return Ok(path),
            Err(e)
                if e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::AlreadyExists) =>
            {
                continue
            }
            Err(e) => return Err(e),
        }
    }
    Err(crate::error::UserError::new(format!(
        "no free id for {base} in {}",
        repo.coe_dir.display()
    ))
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn new_files_are_readable_by_others_and_replaced_files_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        write_atomic(&path, b"one", false).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o044, 0o044 & !umask_guess(), "mode {mode:o}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&path, b"two", true).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }

    /// The umask, read back from a file created with mode 0666.
    #[cfg(unix)]
    fn umask_guess() -> u32 {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        let dir = tempfile::tempdir().unwrap();
        let probe = dir.path().join("probe");
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o666)
            .open(&probe)
            .unwrap();
        !std::fs::metadata(&probe).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn atomic_write_replaces_and_refuses_clobber() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        write_atomic(&path, b"one", false).unwrap();
        assert!(write_atomic(&path, b"two", false).is_err());
        write_atomic(&path, b"three", true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "three");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary files left behind");
    }

    #[test]
    fn refuses_big_and_binary_files() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.yaml");
        std::fs::write(&big, vec![b'a'; (MAX_FILE_BYTES + 10) as usize]).unwrap();
        assert!(matches!(read_text(&big), Err(LoadError::TooLarge)));
        let bin = dir.path().join("bin.yaml");
        std::fs::write(&bin, b"version: 1\nid: \xff\xfe\n").unwrap();
        assert_eq!(read_text(&bin).unwrap_err().line(), Some(2));
    }
}
