//! Editing git trees as raw object bytes, streamed from the old tree to the new one.
//!
//! A commit puts one file into its directory's tree: the new entry is spliced into its
//! place in git's order and every other entry is copied as it is. A TreeBuilder parses
//! every entry of the directory into a map, sorts them and writes them back, which made a
//! commit into a directory of 10,000 COEs several times slower than into an empty one.
//!
//! The old tree is read twice through a small buffer, never whole: once to find where the
//! entry goes, once to copy it into the new tree (`git/loose.rs` hashes and writes it as
//! the bytes come). At 10,000 COEs the tree is 930 KB, and a buffer of that size costs
//! more in page faults than the second read.

use std::io::BufRead;
use std::ops::Range;

use git2::{ErrorCode, Oid, Repository};

/// A piece of a tree being written: a range of the old tree's content, or new bytes.
pub(super) enum Piece<'a> {
    Old(Range<u64>),
    New(&'a [u8]),
}

/// `tree` with `blob` at `parts` (a path split into components), creating subtrees.
pub(super) fn insert(
    repo: &Repository,
    tree: Option<Oid>,
    parts: &[&str],
    blob: Oid,
) -> Result<Oid, git2::Error> {
    let (name, rest) = parts
        .split_first()
        .ok_or_else(|| git2::Error::from_str("empty path"))?;
    if name.is_empty() || matches!(*name, "." | ".." | ".git") || name.contains(['/', '\0']) {
        return Err(git2::Error::from_str(&format!(
            "`{name}` cannot be a name in a git tree"
        )));
    }
    let is_tree = !rest.is_empty();
    let odb = repo.odb()?;
    let mut old = tree.map(|t| OldTree::open(repo, &odb, t)).transpose()?;
    let place = match &mut old {
        Some(old) => find_place(&mut *old.reader()?, name.as_bytes(), is_tree)?,
        None => Place::default(),
    };
    let oid = if is_tree {
        insert(repo, place.subtree, rest, blob)?
    } else {
        blob
    };
    let new_entry = entry(name.as_bytes(), is_tree, oid);
    let old_len = old.as_ref().map_or(0, OldTree::len);
    let (pieces, len) = place.pieces(old_len, &new_entry)?;
    match &mut old {
        Some(old) => write(repo, len, &pieces, &mut *old.reader()?),
        None => write(repo, len, &pieces, &mut &[][..]),
    }
}

/// Where a new entry goes in a tree, and the entry of that name it replaces.
#[derive(Debug, Default, PartialEq)]
struct Place {
    /// The offset in the old tree's content at which the new entry goes; `None` after the
    /// last entry.
    at: Option<u64>,
    /// The old entry of the same name (and kind), removed.
    replaced: Option<Range<u64>>,
    /// That entry's object when it is a subtree.
    subtree: Option<Oid>,
}

impl Place {
    /// The new tree as pieces of the old one (`old_len` bytes) and `new_entry`, and the
    /// new tree's length.
    fn pieces<'a>(
        &self,
        old_len: u64,
        new_entry: &'a [u8],
    ) -> Result<(Vec<Piece<'a>>, u64), git2::Error> {
        let at = self.at.unwrap_or(old_len);
        let keep_from = self.replaced.as_ref().map_or(at, |r| r.end);
        let len = (old_len + new_entry.len() as u64)
            .checked_sub(keep_from - at)
            .filter(|_| at <= keep_from && keep_from <= old_len)
            .ok_or_else(|| corrupt("entries past its end"))?;
        let pieces = vec![
            Piece::Old(0..at),
            Piece::New(new_entry),
            Piece::Old(keep_from..old_len),
        ];
        Ok((pieces, len))
    }
}

/// Reads the tree `old` (from its start) as far as needed to find where an entry `name`
/// (a subtree when `is_tree`) goes. An entry of that name of another kind is an error: coe
/// never turns a file into a directory, or a directory, symbolic link or executable into a
/// plain file.
fn find_place(old: &mut dyn BufRead, name: &[u8], is_tree: bool) -> Result<Place, git2::Error> {
    let mut entries = Entries::new(old);
    let mut place = Place::default();
    while entries.advance()? {
        let (start, end) = (entries.start, entries.pos);
        let (mode, entry_name) = (entries.mode(), entries.name());
        let entry_is_tree = mode == b"40000";
        if entry_name == name {
            let same_kind = if is_tree {
                entry_is_tree
            } else {
                mode == b"100644"
            };
            if !same_kind {
                return Err(git2::Error::from_str(&format!(
                    "the repository has `{}` as mode {}, not a plain file or directory; coe will not change its type",
                    String::from_utf8_lossy(name),
                    String::from_utf8_lossy(mode)
                )));
            }
            // Names are unique in a tree, and one of the same kind sorts where the new
            // entry goes.
            place.at = Some(start);
            place.replaced = Some(start..end);
            if is_tree {
                place.subtree = Some(Oid::from_bytes(entries.oid())?);
            }
            return Ok(place);
        }
        if place.at.is_none() && git_order(name, is_tree, entry_name, entry_is_tree).is_lt() {
            place.at = Some(start);
        }
        // An entry of the same name but another kind sorts as `name` or as `name/`: none
        // comes after this one.
        if place.at.is_some() && git_order(name, true, entry_name, entry_is_tree).is_lt() {
            break;
        }
    }
    Ok(place)
}

/// Git's order of tree entries: by name bytes, a subtree's name compared as if it ended
/// in `/`.
fn git_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> std::cmp::Ordering {
    let common = a.len().min(b.len());
    a[..common].cmp(&b[..common]).then_with(|| {
        let next = |name: &[u8], tree: bool| {
            name.get(common)
                .copied()
                .unwrap_or(if tree { b'/' } else { 0 })
        };
        next(a, a_tree).cmp(&next(b, b_tree))
    })
}

/// A raw tree entry: `<mode> <name>\0<object id>`, for a subtree when `is_tree`, else a
/// regular file.
fn entry(name: &[u8], is_tree: bool, oid: Oid) -> Vec<u8> {
    let mode: &[u8] = if is_tree { b"40000" } else { b"100644" };
    let mut entry = Vec::with_capacity(mode.len() + name.len() + 22);
    entry.extend_from_slice(mode);
    entry.push(b' ');
    entry.extend_from_slice(name);
    entry.push(0);
    entry.extend_from_slice(oid.as_bytes());
    entry
}

const OID_LEN: usize = 20;

/// The entries of a raw tree read from a stream, one at a time.
struct Entries<'r> {
    old: &'r mut dyn BufRead,
    /// The current entry's bytes, where its name ends, and where it starts and ends in the
    /// tree's content.
    entry: Vec<u8>,
    nul: usize,
    space: usize,
    start: u64,
    pos: u64,
}

impl<'r> Entries<'r> {
    fn new(old: &'r mut dyn BufRead) -> Entries<'r> {
        Entries {
            old,
            entry: Vec::with_capacity(128),
            nul: 0,
            space: 0,
            start: 0,
            pos: 0,
        }
    }

    /// Reads the next entry; `Ok(false)` at the end of the tree.
    fn advance(&mut self) -> Result<bool, git2::Error> {
        self.entry.clear();
        let io = |e: std::io::Error| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => corrupt("an entry cut short"),
            _ => corrupt(&e.to_string()),
        };
        let buf = self.old.fill_buf().map_err(io)?;
        if buf.is_empty() {
            return Ok(false);
        }
        // Most entries are whole in the buffer: `memchr` finds their end (at 10,000 COEs
        // this loop is the commit's longest scan).
        match memchr::memchr(0, buf) {
            Some(nul) if nul + 1 + OID_LEN <= buf.len() => {
                self.entry.extend_from_slice(&buf[..nul + 1 + OID_LEN]);
                self.old.consume(nul + 1 + OID_LEN);
            }
            _ => {
                self.old.read_until(0, &mut self.entry).map_err(io)?;
                if self.entry.last() != Some(&0) {
                    return Err(corrupt("an entry cut short"));
                }
                let oid_start = self.entry.len();
                self.entry.resize(oid_start + OID_LEN, 0);
                self.old
                    .read_exact(&mut self.entry[oid_start..])
                    .map_err(io)?;
            }
        }
        self.nul = self.entry.len() - 1 - OID_LEN;
        self.space = memchr::memchr(b' ', &self.entry[..self.nul])
            .ok_or_else(|| corrupt("an entry without a mode"))?;
        self.start = self.pos;
        self.pos += self.entry.len() as u64;
        Ok(true)
    }

    fn mode(&self) -> &[u8] {
        &self.entry[..self.space]
    }

    fn name(&self) -> &[u8] {
        &self.entry[self.space + 1..self.nul]
    }

    fn oid(&self) -> &[u8] {
        &self.entry[self.nul + 1..]
    }
}

fn corrupt(what: &str) -> git2::Error {
    git2::Error::new(
        ErrorCode::GenericError,
        git2::ErrorClass::Tree,
        format!("corrupt git tree object: {what}"),
    )
}

/// A tree of HEAD being edited: an uncompressed loose object (as coe writes them) read by
/// coe itself, or any other through libgit2.
enum OldTree<'o> {
    #[cfg(unix)]
    Loose {
        objects: std::path::PathBuf,
        oid: Oid,
        len: u64,
        /// The reader opened to find the tree, for its first pass.
        first: Option<super::loose::TreeReader>,
    },
    Odb(git2::OdbObject<'o>),
}

impl<'o> OldTree<'o> {
    fn open(
        repo: &Repository,
        odb: &'o git2::Odb<'_>,
        oid: Oid,
    ) -> Result<OldTree<'o>, git2::Error> {
        #[cfg(unix)]
        {
            let objects = repo.commondir().join("objects");
            if let Some(reader) = super::loose::open_tree(&objects, oid)? {
                return Ok(OldTree::Loose {
                    objects,
                    oid,
                    len: reader.len(),
                    first: Some(reader),
                });
            }
        }
        #[cfg(not(unix))]
        let _ = repo;
        let object = odb.read(oid)?;
        if object.kind() != git2::ObjectType::Tree {
            return Err(corrupt(&format!("{oid} is a {}", object.kind())));
        }
        Ok(OldTree::Odb(object))
    }

    /// The length of the tree's content.
    fn len(&self) -> u64 {
        match self {
            #[cfg(unix)]
            OldTree::Loose { len, .. } => *len,
            OldTree::Odb(object) => object.data().len() as u64,
        }
    }

    /// The tree's content, from its start.
    fn reader(&mut self) -> Result<Box<dyn BufRead + '_>, git2::Error> {
        match self {
            #[cfg(unix)]
            OldTree::Loose {
                objects,
                oid,
                first,
                ..
            } => match first.take() {
                Some(reader) => Ok(Box::new(reader)),
                None => super::loose::open_tree(objects, *oid)?
                    .map(|reader| Box::new(reader) as Box<dyn BufRead>)
                    .ok_or_else(|| corrupt(&format!("{oid} went missing"))),
            },
            OldTree::Odb(object) => Ok(Box::new(object.data())),
        }
    }
}

/// Stores the tree of content length `len` made of `pieces` (their old ranges read from
/// `old`) as an uncompressed loose object (see `git/loose.rs`).
#[cfg(unix)]
fn write(
    repo: &Repository,
    len: u64,
    pieces: &[Piece<'_>],
    old: &mut dyn BufRead,
) -> Result<Oid, git2::Error> {
    super::loose::write_tree(&repo.commondir().join("objects"), len, pieces, old)
}

#[cfg(not(unix))]
fn write(
    repo: &Repository,
    len: u64,
    pieces: &[Piece<'_>],
    old: &mut dyn BufRead,
) -> Result<Oid, git2::Error> {
    let mut data = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    let mut old_data = Vec::new();
    old.read_to_end(&mut old_data)
        .map_err(|e| corrupt(&e.to_string()))?;
    for piece in pieces {
        match piece {
            Piece::Old(range) => data.extend_from_slice(
                old_data
                    .get(range.start as usize..range.end as usize)
                    .ok_or_else(|| corrupt("entries past its end"))?,
            ),
            Piece::New(bytes) => data.extend_from_slice(bytes),
        }
    }
    repo.odb()?.write(git2::ObjectType::Tree, &data)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The raw tree `raw` with `name` set to `oid`, through the same passes as a commit.
    fn with_entry(raw: &[u8], name: &str, is_tree: bool, oid: Oid) -> Result<Vec<u8>, git2::Error> {
        let place = find_place(&mut &raw[..], name.as_bytes(), is_tree)?;
        let new_entry = entry(name.as_bytes(), is_tree, oid);
        let (pieces, len) = place.pieces(raw.len() as u64, &new_entry)?;
        let mut out = Vec::new();
        for piece in &pieces {
            match piece {
                Piece::Old(r) => out.extend_from_slice(&raw[r.start as usize..r.end as usize]),
                Piece::New(bytes) => out.extend_from_slice(bytes),
            }
        }
        assert_eq!(out.len() as u64, len);
        Ok(out)
    }

    #[test]
    fn spliced_trees_match_the_tree_builder() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let odb = repo.odb().unwrap();
        let blob = repo.blob(b"x").unwrap();
        let other = repo.blob(b"y").unwrap();
        // Names whose order depends on git's rule that a subtree sorts as `name/`.
        let files = ["a.yaml", "a-b", "b", ".gitkeep", "a0", "Z", "a.b"];
        let sub = {
            let mut b = repo.treebuilder(None).unwrap();
            b.insert("f", blob, 0o100644).unwrap();
            b.write().unwrap()
        };
        let mut builder = repo.treebuilder(None).unwrap();
        let mut spliced: Option<Oid> = None;
        let read = |oid: Option<Oid>| {
            oid.map(|t| odb.read(t).unwrap().data().to_vec())
                .unwrap_or_default()
        };
        for name in files {
            builder.insert(name, blob, 0o100644).unwrap();
            let raw = with_entry(&read(spliced), name, false, blob).unwrap();
            spliced = Some(odb.write(git2::ObjectType::Tree, &raw).unwrap());
        }
        for dir in ["a", "a.yaml-dir", "a-"] {
            builder.insert(dir, sub, 0o040000).unwrap();
            let raw = with_entry(&read(spliced), dir, true, sub).unwrap();
            spliced = Some(odb.write(git2::ObjectType::Tree, &raw).unwrap());
        }
        // Replacing an entry keeps one entry of that name.
        builder.insert("b", other, 0o100644).unwrap();
        let replaced = with_entry(&read(spliced), "b", false, other).unwrap();
        assert_eq!(
            odb.write(git2::ObjectType::Tree, &replaced).unwrap(),
            builder.write().unwrap()
        );
        // A file never silently becomes a directory, or the other way round.
        assert!(with_entry(&read(spliced), "b", true, sub).is_err());
        assert!(with_entry(&read(spliced), "a", false, blob).is_err());
        // Nested paths through `insert`, over trees libgit2 wrote and trees coe wrote.
        let nested = insert(&repo, None, &["coes", "x.yaml"], blob).unwrap();
        let nested = insert(&repo, Some(nested), &["coes", "y.yaml"], other).unwrap();
        let tree = repo.find_tree(nested).unwrap();
        assert_eq!(
            tree.get_path(std::path::Path::new("coes/x.yaml"))
                .unwrap()
                .id(),
            blob
        );
        assert_eq!(
            tree.get_path(std::path::Path::new("coes/y.yaml"))
                .unwrap()
                .id(),
            other
        );
        let from_builder =
            insert(&repo, Some(builder.write().unwrap()), &["a", "g"], blob).unwrap();
        let tree = repo.find_tree(from_builder).unwrap();
        assert_eq!(
            tree.get_path(std::path::Path::new("a/f")).unwrap().id(),
            blob
        );
        assert_eq!(
            tree.get_path(std::path::Path::new("a/g")).unwrap().id(),
            blob
        );
        assert!(insert(&repo, None, &["coes", ".."], blob).is_err());
    }

    #[test]
    fn large_trees_are_edited_as_a_tree_builder_would() {
        // Entries that straddle the stored blocks and the read buffer, edited at the start,
        // in the middle, at the end, and replaced.
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let blob = repo.blob(b"x").unwrap();
        let other = repo.blob(b"y").unwrap();
        let mut builder = repo.treebuilder(None).unwrap();
        let names: Vec<String> = (0..6000)
            .map(|i| format!("2025-{:02}-{:02}-incident-{i}.yaml", i % 12 + 1, i % 28 + 1))
            .collect();
        for name in &names {
            builder.insert(name, blob, 0o100644).unwrap();
        }
        let tree = builder.write().unwrap();
        // The first edit reads libgit2's tree; the others read the trees coe wrote.
        let mut spliced = tree;
        for name in [
            "0-first",
            "2025-06-15-middle.yaml",
            "2025-12-31-late.yaml",
            "zzz-last",
        ] {
            builder.insert(name, blob, 0o100644).unwrap();
            spliced = insert(&repo, Some(spliced), &[name], blob).unwrap();
            assert_eq!(spliced, builder.write().unwrap(), "{name}");
        }
        // Replaced, late in the tree (names[11] is in December).
        builder.insert(&names[11], other, 0o100644).unwrap();
        spliced = insert(&repo, Some(spliced), &[names[11].as_str()], other).unwrap();
        assert_eq!(spliced, builder.write().unwrap());
        let loose = repo.path().join("objects").join(&spliced.to_string()[..2]);
        assert!(loose.is_dir(), "written by coe, read back by coe");
    }

    #[test]
    fn corrupt_trees_are_refused() {
        let blob = Oid::from_bytes(&[7; 20]).unwrap();
        for raw in [
            &b"100644 broken"[..],
            b"100644 short\0abc",
            b"nomode\0aaaaaaaaaaaaaaaaaaaa",
        ] {
            assert!(with_entry(raw, "zzz", false, blob).is_err(), "{raw:?}");
        }
    }
}
