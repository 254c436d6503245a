//! Staging the few files coe commits by splicing their entries into git's index file.
//!
//! libgit2 reads the whole index into memory (an allocation, a path check and a hash-map
//! insertion per entry, and a collision-detecting SHA-1 of the file), then writes it back
//! the same way: about 10 ms at 10,000 COEs, the largest part of a commit. Here the old
//! file is read twice through a 64 KB buffer: a first pass scans the entries for their
//! names and plans the new file, a second copies the old entries as they are with the new
//! ones spliced in at their place, hashing on the way out. Memory stays flat whatever the
//! size of the index.
//!
//! Only the common layout is handled: index version 2 or 3, no extension git requires
//! readers to understand (split or sparse index), no merge conflict or file/directory clash
//! on the staged paths, and plain non-executable files. Anything else returns
//! [`Staged::Unsupported`] and the caller lets libgit2 do it.
//!
//! What git's own writers do to an index is kept: the file is replaced under
//! `index.lock`; the cached tree of every directory on a staged path is invalidated (the
//! `TREE` extension); entries whose modification time is not older than the index file
//! are "smudged" (their size set to 0) so that git compares their content instead of
//! trusting their stat data, which is what protects edits made in the same second as the
//! last index write; resolve-undo records (`REUC`) are copied; the other optional
//! extensions (untracked cache, fsmonitor, offset tables) describe the old entry list and
//! are dropped, as libgit2 does. Like git (outside `git fsck`), the old file's checksum is
//! not verified on read.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Read as _, Seek as _, Write};
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

use git2::{ErrorClass, ErrorCode, Oid};

use super::stream::{skip, Hashing, BUFFER};

/// The header: `DIRC`, the version and the number of entries.
const HEADER_LEN: usize = 12;
/// The trailing SHA-1 of everything before it.
const CHECKSUM_LEN: usize = 20;
/// An entry's fixed part: ten 32-bit stat fields, the object id and 16 bits of flags.
const ENTRY_FIXED_LEN: usize = 62;
/// Offsets in an entry.
const MTIME_SECONDS: usize = 8;
const MODE: usize = 24;
const SIZE: usize = 36;
const FLAGS: usize = 60;
const NAME_MASK: u16 = 0x0fff;
const EXTENDED: u16 = 0x4000;
const GITLINK: u32 = 0o160000;
const FILE_TYPE_MASK: u32 = 0o170000;

/// A file to stage: its path in the repository (`/`-separated) and its index entry.
pub(super) struct NewEntry {
    name: Vec<u8>,
    bytes: Vec<u8>,
}

impl NewEntry {
    /// The index entry of `name` holding blob `oid`, with stat data `meta` taken from the
    /// file before its content was read (as `git add` does); `None` when the file is not
    /// a plain, non-executable file.
    pub(super) fn new(name: &str, oid: Oid, meta: &Metadata) -> Option<NewEntry> {
        if !meta.file_type().is_file() || meta.mode() & 0o111 != 0 || name.is_empty() {
            return None;
        }
        let name = name.as_bytes().to_vec();
        // Git truncates every stat field to 32 bits.
        let fields = [
            meta.ctime() as u32,
            meta.ctime_nsec() as u32,
            meta.mtime() as u32,
            meta.mtime_nsec() as u32,
            meta.dev() as u32,
            meta.ino() as u32,
            0o100644,
            meta.uid(),
            meta.gid(),
            meta.size() as u32,
        ];
        let len = entry_len(ENTRY_FIXED_LEN + name.len());
        let mut bytes = Vec::with_capacity(len);
        for field in fields {
            bytes.extend_from_slice(&field.to_be_bytes());
        }
        bytes.extend_from_slice(oid.as_bytes());
        let flags = name.len().min(usize::from(NAME_MASK)) as u16;
        bytes.extend_from_slice(&flags.to_be_bytes());
        bytes.extend_from_slice(&name);
        bytes.resize(len, 0);
        Some(NewEntry { name, bytes })
    }
}

/// What [`stage`] did.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Staged {
    /// The index now holds the new entries.
    Done,
    /// The index (or a file) is of a kind this module leaves to libgit2; nothing changed.
    Unsupported,
}

/// Stages `entries` in the index of the repository whose git directory is `git_dir`.
/// Fails with [`ErrorCode::Locked`] while another process holds `index.lock`. With
/// `skip_hash` (git's `index.skipHash`) the file ends with zeros instead of its SHA-1, as
/// git writes it then.
///
/// The old index is read twice through a small buffer, never whole: once to plan the new
/// one, once to copy it. At 10,000 COEs a 1.4 MB buffer would cost more in page faults
/// (its memory is new to the process) than both passes.
pub(super) fn stage(
    git_dir: &Path,
    entries: &mut [NewEntry],
    skip_hash: bool,
) -> Result<Staged, git2::Error> {
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    if entries.windows(2).any(|w| w[0].name == w[1].name) {
        return Ok(Staged::Unsupported);
    }
    let lock = Lock::acquire(git_dir.join("index.lock"))?;
    let index_path = git_dir.join("index");
    let io = |e| io_error(&index_path, e);
    let file = match File::open(&index_path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Staged::Unsupported),
        Err(e) => return Err(io(e)),
    };
    let meta = file.metadata().map_err(io)?;
    let mut old = BufReader::with_capacity(BUFFER, file);
    let Some(pieces) = splice(&mut old, meta.len(), meta.mtime(), entries).map_err(io)? else {
        return Ok(Staged::Unsupported);
    };
    old.rewind().map_err(io)?;
    lock.commit(&pieces, &mut old, entries, skip_hash, &index_path)?;
    Ok(Staged::Done)
}

/// A piece of the new index: a range of the old one, a new entry, or new bytes.
#[derive(Debug)]
enum Piece {
    Old(std::ops::Range<u64>),
    New(usize),
    Bytes(Vec<u8>),
}

/// Appends `range` of the old index to `pieces`, joining it to the previous range when
/// they touch.
fn push_old(pieces: &mut Vec<Piece>, range: std::ops::Range<u64>) {
    if let Some(Piece::Old(last)) = pieces.last_mut() {
        if last.end == range.start {
            last.end = range.end;
            return;
        }
    }
    pieces.push(Piece::Old(range));
}

/// Reads an index from its start, keeping count of where it is.
struct Scanner<'r, R> {
    old: &'r mut R,
    pos: u64,
    /// Where the entries and extensions end: the checksum's offset.
    body_end: u64,
}

impl<R: BufRead> Scanner<'_, R> {
    /// Fills `buf` from the index; `Ok(false)` when that would read into the checksum.
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<bool> {
        if self.pos + buf.len() as u64 > self.body_end {
            return Ok(false);
        }
        self.old.read_exact(buf)?;
        self.pos += buf.len() as u64;
        Ok(true)
    }

    /// Appends the bytes up to the next NUL to `buf`, consuming the NUL; `Ok(false)` when
    /// there is none before the checksum.
    fn read_to_nul(&mut self, buf: &mut Vec<u8>) -> std::io::Result<bool> {
        let limit = self.body_end - self.pos;
        let start = buf.len();
        let read = self.old.by_ref().take(limit).read_until(0, buf)?;
        self.pos += read as u64;
        Ok(buf.len() > start && buf.pop() == Some(0))
    }

    /// Skips `len` bytes; `Ok(false)` when that would skip into the checksum.
    fn skip(&mut self, len: u64) -> std::io::Result<bool> {
        if self.pos + len > self.body_end {
            return Ok(false);
        }
        skip(self.old, len)?;
        self.pos += len;
        Ok(true)
    }
}

/// One entry of the old index, as [`next_entry`] reads it.
#[derive(Default)]
struct OldEntry {
    /// Where it starts and ends in the file.
    start: u64,
    end: u64,
    name: Vec<u8>,
    stage: u16,
    mode: u32,
    mtime_seconds: u32,
}

/// Reads the entry at the scanner's position into `entry`; `Ok(false)` when it is not
/// well formed.
fn next_entry<R: BufRead>(
    scan: &mut Scanner<'_, R>,
    version: u32,
    entry: &mut OldEntry,
) -> std::io::Result<bool> {
    entry.start = scan.pos;
    entry.name.clear();
    if whole_entry(scan, entry)? {
        return Ok(true);
    }
    let mut fixed = [0u8; ENTRY_FIXED_LEN];
    if !scan.read(&mut fixed)? {
        return Ok(false);
    }
    let field =
        |at: usize| u32::from_be_bytes([fixed[at], fixed[at + 1], fixed[at + 2], fixed[at + 3]]);
    entry.mode = field(MODE);
    entry.mtime_seconds = field(MTIME_SECONDS);
    let flags = u16::from_be_bytes([fixed[FLAGS], fixed[FLAGS + 1]]);
    entry.stage = (flags >> 12) & 3;
    let mut before_name = ENTRY_FIXED_LEN;
    if flags & EXTENDED != 0 {
        if version < 3 || !scan.read(&mut [0u8; 2])? {
            return Ok(false);
        }
        before_name += 2;
    }
    let name_len = usize::from(flags & NAME_MASK);
    // The NUL padding after the name (at least one byte) still to read.
    let padding = if name_len < usize::from(NAME_MASK) {
        entry.name.resize(name_len, 0);
        if !scan.read(&mut entry.name)? {
            return Ok(false);
        }
        entry_len(before_name + name_len) - before_name - name_len
    } else {
        if !scan.read_to_nul(&mut entry.name)? {
            return Ok(false);
        }
        entry_len(before_name + entry.name.len()) - before_name - entry.name.len() - 1
    };
    let mut pad = [0u8; 8];
    let pad = &mut pad[..padding];
    if entry.name.is_empty() || entry.name.contains(&0) || !scan.read(pad)? {
        return Ok(false);
    }
    if name_len < usize::from(NAME_MASK) && pad.first() != Some(&0) {
        return Ok(false);
    }
    entry.end = scan.pos;
    Ok(true)
}

/// [`next_entry`] for the common entry, read in place when it is whole in the read
/// buffer: no extended flags, a name shorter than the length field's limit. `Ok(false)`
/// when it is not such an entry, or not whole in the buffer; nothing is consumed then.
fn whole_entry<R: BufRead>(
    scan: &mut Scanner<'_, R>,
    entry: &mut OldEntry,
) -> std::io::Result<bool> {
    let buf = scan.old.fill_buf()?;
    let Some(fixed) = buf.get(..ENTRY_FIXED_LEN) else {
        return Ok(false);
    };
    let field =
        |at: usize| u32::from_be_bytes([fixed[at], fixed[at + 1], fixed[at + 2], fixed[at + 3]]);
    let flags = u16::from_be_bytes([fixed[FLAGS], fixed[FLAGS + 1]]);
    let name_len = usize::from(flags & NAME_MASK);
    let len = entry_len(ENTRY_FIXED_LEN + name_len);
    if flags & EXTENDED != 0
        || name_len == usize::from(NAME_MASK)
        || len > buf.len()
        || scan.pos + len as u64 > scan.body_end
    {
        return Ok(false);
    }
    let name = &buf[ENTRY_FIXED_LEN..ENTRY_FIXED_LEN + name_len];
    if name.is_empty() || memchr::memchr(0, name).is_some() || buf[ENTRY_FIXED_LEN + name_len] != 0
    {
        return Ok(false);
    }
    entry.mode = field(MODE);
    entry.mtime_seconds = field(MTIME_SECONDS);
    entry.stage = (flags >> 12) & 3;
    entry.name.extend_from_slice(name);
    scan.old.consume(len);
    scan.pos += len as u64;
    entry.end = scan.pos;
    Ok(true)
}

/// Plans the index read from `old` (`len` bytes, written at `written`, in seconds) with
/// `entries` (sorted by name) added or replacing entries of the same name, as pieces to
/// write one after the other (without the checksum); `None` when the index is not of a
/// kind this module handles, or not well formed. Racily clean entries are smudged.
fn splice<R: BufRead>(
    old: &mut R,
    len: u64,
    written: i64,
    entries: &[NewEntry],
) -> std::io::Result<Option<Vec<Piece>>> {
    let Some(body_end) = len.checked_sub(CHECKSUM_LEN as u64) else {
        return Ok(None);
    };
    let mut scan = Scanner {
        old,
        pos: 0,
        body_end,
    };
    let mut header = [0u8; HEADER_LEN];
    if !scan.read(&mut header)? || &header[..4] != b"DIRC" {
        return Ok(None);
    }
    let version = u32::from_be_bytes([header[4], header[5], header[6], header[7]]);
    if version != 2 && version != 3 {
        return Ok(None);
    }
    let count = u32::from_be_bytes([header[8], header[9], header[10], header[11]]) as usize;

    let mut pieces = vec![Piece::Bytes(Vec::new())];
    let mut next_new = 0;
    let mut replaced = 0;
    let mut entry = OldEntry::default();
    let mut previous: Option<OldEntry> = None;
    for _ in 0..count {
        if !next_entry(&mut scan, version, &mut entry)? {
            return Ok(None);
        }
        let name = entry.name.as_slice();
        // Entries are sorted by name, then stage; anything else is a corrupt index.
        if let Some(prev) = &previous {
            if (prev.name.as_slice(), prev.stage) >= (name, entry.stage) {
                return Ok(None);
            }
        }
        if entries.iter().any(|new| clashes(&new.name, name)) {
            return Ok(None);
        }
        while next_new < entries.len() && entries[next_new].name.as_slice() < name {
            pieces.push(Piece::New(next_new));
            next_new += 1;
        }
        let (start, end) = (entry.start, entry.end);
        if entries.get(next_new).is_some_and(|e| e.name == name) {
            if entry.stage != 0 {
                // A merge conflict on the path: libgit2 records its resolution.
                return Ok(None);
            }
            replaced += 1;
        } else if i64::from(entry.mtime_seconds) >= written
            && entry.mode & FILE_TYPE_MASK != GITLINK
        {
            // Racily clean: git cannot tell an edit made in the same second as the index
            // write from the recorded stat data; a zero size makes it compare the content.
            let size = start + SIZE as u64;
            push_old(&mut pieces, start..size);
            pieces.push(Piece::Bytes(vec![0; 4]));
            push_old(&mut pieces, size + 4..end);
        } else {
            push_old(&mut pieces, start..end);
        }
        // The entry just read becomes the previous one; its buffers are reused.
        std::mem::swap(previous.get_or_insert_with(OldEntry::default), &mut entry);
    }
    pieces.extend((next_new..entries.len()).map(Piece::New));
    let Ok(total) = u32::try_from(count - replaced + entries.len()) else {
        return Ok(None);
    };
    header[8..].copy_from_slice(&total.to_be_bytes());
    pieces[0] = Piece::Bytes(header.to_vec());

    while scan.pos < body_end {
        let start = scan.pos;
        let mut ext_header = [0u8; 8];
        if !scan.read(&mut ext_header)? {
            return Ok(None);
        }
        let signature = &ext_header[..4];
        let size = u64::from(u32::from_be_bytes([
            ext_header[4],
            ext_header[5],
            ext_header[6],
            ext_header[7],
        ]));
        match signature {
            b"TREE" => {
                let Ok(size) = usize::try_from(size) else {
                    return Ok(None);
                };
                let mut old_tree = vec![0u8; size];
                if !scan.read(&mut old_tree)? {
                    return Ok(None);
                }
                let names: Vec<&[u8]> = entries.iter().map(|e| e.name.as_slice()).collect();
                let mut tree = Vec::with_capacity(size);
                let mut at = 0;
                if invalidate_tree(&old_tree, &mut at, &mut tree, &names, 0).is_none() || at != size
                {
                    return Ok(None);
                }
                let Ok(tree_len) = u32::try_from(tree.len()) else {
                    return Ok(None);
                };
                let mut ext = b"TREE".to_vec();
                ext.extend_from_slice(&tree_len.to_be_bytes());
                ext.extend_from_slice(&tree);
                pieces.push(Piece::Bytes(ext));
            }
            b"REUC" => {
                if !scan.skip(size)? {
                    return Ok(None);
                }
                push_old(&mut pieces, start..scan.pos);
            }
            // An extension git requires readers to understand (split index, sparse index).
            [first, ..] if !first.is_ascii_uppercase() => return Ok(None),
            _ => {
                if !scan.skip(size)? {
                    return Ok(None);
                }
            }
        }
    }
    Ok(Some(pieces))
}

/// An entry's length on disk: its fixed part and name, NUL-padded to a multiple of 8 (at
/// least one NUL).
fn entry_len(fixed_and_name: usize) -> usize {
    (fixed_and_name + 8) & !7
}

/// Whether a file at `new` and a file at `existing` cannot both be in the index: one is
/// a directory of the other.
fn clashes(new: &[u8], existing: &[u8]) -> bool {
    let under = |long: &[u8], short: &[u8]| {
        long.len() > short.len() && long.starts_with(short) && long[short.len()] == b'/'
    };
    under(new, existing) || under(existing, new)
}

/// Copies the cached-tree node at `pos` (and its subtrees) to `out`, marking invalid the
/// node and every subtree holding one of `paths` (relative to the node).
///
/// A node is `name NUL entry_count SP subtree_count LF`, the tree's id when entry_count
/// is not -1, then its subtrees.
fn invalidate_tree(
    data: &[u8],
    pos: &mut usize,
    out: &mut Vec<u8>,
    paths: &[&[u8]],
    depth: usize,
) -> Option<()> {
    if depth > 4096 {
        return None;
    }
    let start = *pos;
    let rest = data.get(start..)?;
    let name_end = start + rest.iter().position(|&b| b == 0)?;
    let line_end = name_end + data[name_end..].iter().position(|&b| b == b'\n')?;
    let counts = std::str::from_utf8(&data[name_end + 1..line_end]).ok()?;
    let (entries, subtrees) = counts.split_once(' ')?;
    let entries: i64 = entries.parse().ok()?;
    let subtrees: usize = subtrees.parse().ok()?;
    let mut end = line_end + 1;
    if entries >= 0 {
        end += 20;
        if end > data.len() {
            return None;
        }
    }
    if paths.is_empty() {
        out.extend_from_slice(&data[start..end]);
    } else {
        out.extend_from_slice(&data[start..name_end + 1]);
        out.extend_from_slice(format!("-1 {subtrees}\n").as_bytes());
    }
    *pos = end;
    for _ in 0..subtrees {
        let child = data.get(*pos..)?;
        let child_name = &child[..child.iter().position(|&b| b == 0)?];
        let inside: Vec<&[u8]> = paths
            .iter()
            .filter_map(|p| {
                p.strip_prefix(child_name)
                    .and_then(|r| r.strip_prefix(b"/"))
            })
            .collect();
        invalidate_tree(data, pos, out, &inside, depth + 1)?;
    }
    Some(())
}

fn io_error(path: &Path, e: std::io::Error) -> git2::Error {
    git2::Error::new(
        ErrorCode::GenericError,
        ErrorClass::Os,
        format!("{}: {e}", path.display()),
    )
}

/// git's `index.lock`: created exclusively, renamed over the index to commit, removed
/// when dropped uncommitted.
struct Lock {
    path: PathBuf,
    file: Option<File>,
}

impl Lock {
    fn acquire(path: PathBuf) -> Result<Lock, git2::Error> {
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => Ok(Lock {
                path,
                file: Some(file),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(git2::Error::new(
                ErrorCode::Locked,
                ErrorClass::Index,
                format!(
                    "{} exists: another git process is writing the index",
                    path.display()
                ),
            )),
            Err(e) => Err(io_error(&path, e)),
        }
    }

    /// Writes `pieces` (their old ranges copied from `old`, read from its start) and their
    /// checksum, and puts the file in place of `target`.
    fn commit<R: BufRead>(
        mut self,
        pieces: &[Piece],
        old: &mut R,
        entries: &[NewEntry],
        skip_hash: bool,
        target: &Path,
    ) -> Result<(), git2::Error> {
        let file = self
            .file
            .take()
            .ok_or_else(|| git2::Error::from_str("index lock already used"))?;
        let out = BufWriter::with_capacity(BUFFER, file);
        let mut out = if skip_hash {
            Hashing::without_hash(out)
        } else {
            Hashing::new(out)
        };
        let mut pos = 0;
        let write = || -> std::io::Result<()> {
            for piece in pieces {
                match piece {
                    Piece::Old(range) => out.copy_range(old, &mut pos, range)?,
                    Piece::New(i) => out.write_all(&entries[*i].bytes)?,
                    Piece::Bytes(bytes) => out.write_all(bytes)?,
                }
            }
            let (mut file, checksum) = out.finish();
            file.write_all(&checksum.unwrap_or([0; CHECKSUM_LEN]))?;
            file.flush()
        };
        write().map_err(|e| io_error(&self.path, e))?;
        std::fs::rename(&self.path, target).map_err(|e| io_error(target, e))?;
        // Renamed: nothing left to remove.
        self.path = PathBuf::new();
        Ok(())
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if !self.path.as_os_str().is_empty() {
            self.file = None;
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha1::{Digest as _, Sha1};
    use std::process::Command;

    fn be32(data: &[u8], at: usize) -> u32 {
        u32::from_be_bytes(data[at..at + 4].try_into().unwrap())
    }

    /// [`splice`] of an index held in memory.
    fn plan(data: &[u8], written: i64, entries: &[NewEntry]) -> Option<Vec<Piece>> {
        splice(&mut &data[..], data.len() as u64, written, entries).unwrap()
    }

    /// The start and end of every entry of a version 2 index.
    fn entry_ranges(data: &[u8]) -> Vec<(usize, usize)> {
        let mut old = &data[HEADER_LEN..];
        let mut scan = Scanner {
            old: &mut old,
            pos: HEADER_LEN as u64,
            body_end: (data.len() - CHECKSUM_LEN) as u64,
        };
        let mut entry = OldEntry::default();
        (0..be32(data, 8))
            .map(|_| {
                assert!(next_entry(&mut scan, 2, &mut entry).unwrap());
                (entry.start as usize, entry.end as usize)
            })
            .collect()
    }

    /// A git repository made by git itself, with a commit (so its index has a cached tree).
    struct Fixture {
        dir: tempfile::TempDir,
    }

    impl Fixture {
        fn new(extra_config: &[&str]) -> Fixture {
            let fixture = Fixture {
                dir: tempfile::tempdir().unwrap(),
            };
            fixture.git(&["init", "-q"]);
            for setting in extra_config {
                let (key, value) = setting.split_once('=').unwrap();
                fixture.git(&["config", key, value]);
            }
            for file in [
                "a.txt",
                "coes/2026-01-01-a.yaml",
                "coes/2026-03-01-c.yaml",
                "docs/x.md",
            ] {
                fixture.write(file, file);
            }
            fixture.git(&["add", "-A"]);
            fixture.git(&["commit", "-q", "-m", "base"]);
            fixture
        }

        fn git(&self, args: &[&str]) -> String {
            let out = Command::new("git")
                .args(args)
                .current_dir(self.dir.path())
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_AUTHOR_NAME", "T")
                .env("GIT_AUTHOR_EMAIL", "t@example.com")
                .env("GIT_COMMITTER_NAME", "T")
                .env("GIT_COMMITTER_EMAIL", "t@example.com")
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "git {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).unwrap()
        }

        fn write(&self, rel: &str, content: &str) {
            let path = self.dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }

        /// Entries for these files as they are on disk, their blobs stored by git.
        fn entries(&self, rels: &[&str]) -> Vec<NewEntry> {
            rels.iter()
                .map(|rel| {
                    let oid = self.git(&["hash-object", "-w", rel]);
                    let meta = std::fs::metadata(self.dir.path().join(rel)).unwrap();
                    NewEntry::new(rel, Oid::from_str(oid.trim()).unwrap(), &meta).unwrap()
                })
                .collect()
        }

        fn stage(&self, rels: &[&str]) -> Staged {
            let mut entries = self.entries(rels);
            stage(&self.dir.path().join(".git"), &mut entries, false).unwrap()
        }

        fn index(&self) -> Vec<u8> {
            std::fs::read(self.dir.path().join(".git/index")).unwrap()
        }
    }

    #[test]
    fn staged_entries_are_what_git_add_would_stage() {
        let f = Fixture::new(&[]);
        assert!(
            f.index().windows(4).any(|w| w == b"TREE"),
            "git wrote a cached tree"
        );
        f.write("coes/2026-02-01-b.yaml", "new in the middle");
        f.write("coes/2026-04-01-d.yaml", "new at the end");
        f.write("coes/2026-01-01-a.yaml", "changed");
        f.write("z/deep/new.txt", "new directory");
        f.write("staged.txt", "the user's");
        f.git(&["add", "staged.txt"]);
        let rels = [
            "coes/2026-02-01-b.yaml",
            "z/deep/new.txt",
            "coes/2026-04-01-d.yaml",
            "coes/2026-01-01-a.yaml",
        ];
        assert_eq!(f.stage(&rels), Staged::Done);
        f.git(&["fsck", "--strict", "--no-progress"]);
        // git reads it, sees the files as staged and the work tree as clean.
        assert_eq!(
            f.git(&["status", "--porcelain"]),
            "M  coes/2026-01-01-a.yaml\nA  coes/2026-02-01-b.yaml\nA  coes/2026-04-01-d.yaml\nA  staged.txt\nA  z/deep/new.txt\n"
        );
        // The cached trees on those paths were invalidated: a tree written from the index
        // has the new files, and the untouched directory is as it was.
        let tree = f.git(&["write-tree"]);
        let listed = f.git(&["ls-tree", "-r", "--name-only", tree.trim()]);
        for rel in rels.iter().chain(&["staged.txt", "docs/x.md"]) {
            assert!(listed.lines().any(|l| l == *rel), "{rel} in {listed}");
        }
        assert_eq!(
            f.git(&["rev-parse", &format!("{}:docs", tree.trim())]),
            f.git(&["rev-parse", "HEAD:docs"])
        );
        // And libgit2 agrees, checksum included.
        let repo = git2::Repository::open(f.dir.path()).unwrap();
        let index = repo.index().unwrap();
        assert_eq!(index.len(), 8);
        assert!(index
            .get_path(Path::new("coes/2026-02-01-b.yaml"), 0)
            .is_some());
    }

    #[test]
    fn with_index_skip_hash_the_checksum_is_left_out_as_git_does() {
        let f = Fixture::new(&["index.skipHash=true"]);
        f.write("coes/2026-02-01-b.yaml", "b");
        let mut entries = f.entries(&["coes/2026-02-01-b.yaml"]);
        let git_dir = f.dir.path().join(".git");
        assert_eq!(stage(&git_dir, &mut entries, true).unwrap(), Staged::Done);
        let index = f.index();
        assert_eq!(index[index.len() - CHECKSUM_LEN..], [0; CHECKSUM_LEN]);
        assert_eq!(
            f.git(&["status", "--porcelain"]),
            "A  coes/2026-02-01-b.yaml\n"
        );
        f.git(&["fsck", "--strict", "--no-progress"]);
        let repo = git2::Repository::open(f.dir.path()).unwrap();
        assert_eq!(repo.index().unwrap().len(), 5, "libgit2 reads it");
        // Without the setting, the checksum is git's.
        f.write("coes/2026-03-01-c.yaml", "c changed");
        let mut entries = f.entries(&["coes/2026-03-01-c.yaml"]);
        assert_eq!(stage(&git_dir, &mut entries, false).unwrap(), Staged::Done);
        let index = f.index();
        let (body, checksum) = index.split_at(index.len() - CHECKSUM_LEN);
        assert_eq!(checksum, &Sha1::digest(body)[..]);
    }

    #[test]
    fn optional_extensions_are_dropped() {
        let f = Fixture::new(&[
            "index.recordEndOfIndexEntries=true",
            "index.recordOffsetTable=true",
            "core.untrackedCache=true",
        ]);
        f.git(&["status", "--porcelain"]);
        let has = |index: &[u8], ext: &[u8]| index.windows(4).any(|w| w == ext);
        let before = f.index();
        assert!(has(&before, b"EOIE") && has(&before, b"UNTR"));
        f.write("coes/2026-02-01-b.yaml", "b");
        assert_eq!(f.stage(&["coes/2026-02-01-b.yaml"]), Staged::Done);
        let after = f.index();
        assert!(!has(&after, b"EOIE") && !has(&after, b"IEOT") && !has(&after, b"UNTR"));
        assert_eq!(
            f.git(&["status", "--porcelain"]),
            "A  coes/2026-02-01-b.yaml\n"
        );
        f.git(&["fsck", "--strict", "--no-progress"]);
    }

    #[test]
    fn unusual_indexes_are_left_to_libgit2() {
        let unchanged = |f: &Fixture, rels: &[&str]| {
            let before = f.index();
            assert_eq!(f.stage(rels), Staged::Unsupported);
            assert_eq!(f.index(), before);
            assert!(!f.dir.path().join(".git/index.lock").exists());
        };
        // Version 4 (path compression).
        let f = Fixture::new(&[]);
        f.git(&["update-index", "--index-version", "4"]);
        f.write("coes/2026-02-01-b.yaml", "b");
        unchanged(&f, &["coes/2026-02-01-b.yaml"]);
        // A split index: a required extension.
        let f = Fixture::new(&[]);
        f.git(&["update-index", "--split-index"]);
        f.write("coes/2026-02-01-b.yaml", "b");
        unchanged(&f, &["coes/2026-02-01-b.yaml"]);
        // A file where the index has a directory, and the other way round.
        let f = Fixture::new(&[]);
        let meta = std::fs::metadata(f.dir.path().join("a.txt")).unwrap();
        let mut entries = vec![NewEntry::new("docs", Oid::zero(), &meta).unwrap()];
        assert_eq!(
            stage(&f.dir.path().join(".git"), &mut entries, false).unwrap(),
            Staged::Unsupported
        );
        let mut entries = vec![NewEntry::new("a.txt/inner", Oid::zero(), &meta).unwrap()];
        assert_eq!(
            stage(&f.dir.path().join(".git"), &mut entries, false).unwrap(),
            Staged::Unsupported
        );
        // No index yet.
        let f = Fixture::new(&[]);
        std::fs::remove_file(f.dir.path().join(".git/index")).unwrap();
        f.write("coes/2026-02-01-b.yaml", "b");
        assert_eq!(f.stage(&["coes/2026-02-01-b.yaml"]), Staged::Unsupported);
        // An executable file.
        let f = Fixture::new(&[]);
        f.write("run.sh", "#!/bin/sh");
        let path = f.dir.path().join("run.sh");
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        assert!(NewEntry::new("run.sh", Oid::zero(), &std::fs::metadata(&path).unwrap()).is_none());
    }

    #[test]
    fn a_merge_conflict_on_the_path_is_left_to_libgit2_and_its_resolution_kept() {
        let f = Fixture::new(&[]);
        let base = f.git(&["rev-parse", "HEAD"]);
        f.write("coes/2026-01-01-a.yaml", "ours");
        f.git(&["commit", "-q", "-am", "ours"]);
        f.git(&["checkout", "-q", "-b", "theirs", base.trim()]);
        f.write("coes/2026-01-01-a.yaml", "theirs");
        f.git(&["commit", "-q", "-am", "theirs"]);
        let merge = Command::new("git")
            .args([
                "-c",
                "user.name=T",
                "-c",
                "user.email=t@example.com",
                "merge",
                "-q",
                "master",
            ])
            .current_dir(f.dir.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap();
        assert!(!merge.status.success(), "a conflict");
        f.write("coes/2026-01-01-a.yaml", "resolved");
        assert_eq!(f.stage(&["coes/2026-01-01-a.yaml"]), Staged::Unsupported);
        // Resolved by git: the index records how (REUC), which staging another file keeps.
        f.git(&["add", "coes/2026-01-01-a.yaml"]);
        let reuc = |index: &[u8]| {
            let at = index.windows(4).position(|w| w == b"REUC").unwrap();
            let len = be32(index, at + 4) as usize;
            index[at..at + 8 + len].to_vec()
        };
        let before = reuc(&f.index());
        f.write("coes/2026-02-01-b.yaml", "b");
        assert_eq!(f.stage(&["coes/2026-02-01-b.yaml"]), Staged::Done);
        assert_eq!(reuc(&f.index()), before);
        f.git(&["fsck", "--strict", "--no-progress"]);
    }

    #[test]
    fn a_held_lock_is_a_race_and_is_left_alone() {
        let f = Fixture::new(&[]);
        let lock = f.dir.path().join(".git/index.lock");
        std::fs::write(&lock, "someone else's").unwrap();
        f.write("coes/2026-02-01-b.yaml", "b");
        let mut entries = f.entries(&["coes/2026-02-01-b.yaml"]);
        let err = stage(&f.dir.path().join(".git"), &mut entries, false).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Locked);
        assert_eq!(std::fs::read_to_string(&lock).unwrap(), "someone else's");
    }

    #[test]
    fn racily_clean_entries_are_smudged() {
        let f = Fixture::new(&[]);
        f.write("coes/2026-02-01-b.yaml", "b");
        let entries = f.entries(&["coes/2026-02-01-b.yaml"]);
        let sizes = |data: &[u8]| -> Vec<u32> {
            entry_ranges(data)
                .into_iter()
                .map(|(start, _)| be32(data, start + SIZE))
                .collect()
        };
        let join = |data: &[u8], pieces: &[Piece]| -> Vec<u8> {
            let mut joined: Vec<u8> = pieces
                .iter()
                .flat_map(|p| match p {
                    Piece::Old(r) => data[r.start as usize..r.end as usize].to_vec(),
                    Piece::New(i) => entries[*i].bytes.clone(),
                    Piece::Bytes(b) => b.clone(),
                })
                .collect();
            joined.extend_from_slice(&[0; CHECKSUM_LEN]);
            joined
        };
        // Written long after every file: nothing is racy.
        let data = f.index();
        let pieces = plan(&data, i64::MAX, &entries).unwrap();
        assert!(sizes(&join(&data, &pieces)).iter().all(|&s| s > 0));
        // Written before the files were last changed: all but the new entry are smudged.
        let pieces = plan(&data, 0, &entries).unwrap();
        assert_eq!(sizes(&join(&data, &pieces)), [0, 0, 1, 0, 0]);
    }

    #[test]
    fn large_indexes_and_long_names_are_copied_whole() {
        // Many entries (the index spans several read buffers) and a name too long for the
        // length field, which git then ends with a NUL instead.
        let f = Fixture::new(&[]);
        let blob = f.git(&["hash-object", "-w", "a.txt"]);
        let long = format!("long/{}/end.txt", "d".repeat(NAME_MASK as usize));
        let mut info: Vec<String> = (0..3000)
            .map(|i| {
                format!(
                    "100644 {} 0\tcoes/2025-01-01-incident-number-{i:05}.yaml",
                    blob.trim()
                )
            })
            .collect();
        info.push(format!("100644 {} 0\t{long}", blob.trim()));
        let mut child = Command::new("git")
            .args(["update-index", "--index-info"])
            .current_dir(f.dir.path())
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(info.join("\n").as_bytes())
            .unwrap();
        assert!(child.wait().unwrap().success());
        let before = f.index();
        assert!(before.len() > 3 * BUFFER, "{} bytes", before.len());
        let listed_before = f.git(&["ls-files", "-s"]);

        f.write("coes/2025-06-01-b.yaml", "in the middle");
        f.write("zz.txt", "at the end");
        assert_eq!(f.stage(&["coes/2025-06-01-b.yaml", "zz.txt"]), Staged::Done);
        f.git(&["fsck", "--strict", "--no-progress"]);
        let listed_after = f.git(&["ls-files", "-s"]);
        let added: Vec<&str> = listed_after
            .lines()
            .filter(|l| !listed_before.lines().any(|b| b == *l))
            .collect();
        assert_eq!(added.len(), 2, "{added:?}");
        assert!(added[0].ends_with("\tcoes/2025-06-01-b.yaml"));
        assert!(added[1].ends_with("\tzz.txt"));
        assert_eq!(
            listed_after.lines().count(),
            listed_before.lines().count() + 2
        );
        assert!(listed_after.contains(&long));
    }

    #[test]
    fn corrupt_indexes_are_refused() {
        let f = Fixture::new(&[]);
        f.write("coes/2026-02-01-b.yaml", "b");
        let entries = f.entries(&["coes/2026-02-01-b.yaml"]);
        let good = f.index();
        assert!(plan(&good, 0, &entries).is_some());
        assert!(plan(&good[..good.len() / 2], 0, &entries).is_none());
        assert!(plan(b"DIRC", 0, &entries).is_none());
        // Two entries swapped: out of order.
        let mut swapped = good.clone();
        let ranges = entry_ranges(&good);
        let (first, second) = (ranges[0].1, ranges[1].1);
        let mut reordered = good[first..second].to_vec();
        reordered.extend_from_slice(&good[HEADER_LEN..first]);
        swapped[HEADER_LEN..second].copy_from_slice(&reordered);
        assert!(plan(&swapped, 0, &entries).is_none());
    }
}
