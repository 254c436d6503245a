//! The parse cache: COEs already parsed, found again by the object id of their content.
//!
//! Parsing YAML is most of what `report`, `list` and `actions` cost. A file's content has a
//! name, its git object id, so a COE parsed once need not be parsed again while that content
//! is unchanged. For each source of COEs (a work tree's COE directory, or the COE directory
//! on HEAD of a repository) the cache keeps one file, a *pack*, holding the COEs that source
//! had on its last run, keyed by object id. A run reads the pack once, takes the COEs whose
//! object id it knows, parses the others, and writes a new pack when anything changed.
//!
//! The cache is disposable: deleting it changes no result, only the time. It is never
//! trusted: a pack is used only when its magic, cache version, build fingerprint (this
//! executable: a rebuilt or upgraded coe never reads an older build's entries), length and
//! SHA-1 checksum all match, and an entry that does not decode is a miss; anything else is
//! ignored and rebuilt. Packs are written to a temporary file and renamed into place, so
//! concurrent runs each see a whole pack (the last writer wins; both are correct). The
//! total size is bounded: a pack holds only its source's current COEs, and when all packs
//! together exceed [`MAX_CACHE_BYTES`], the least recently used ones are removed.

use std::collections::HashMap;
use std::io::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use git2::Oid;
use sha1::{Digest as _, Sha1};

use crate::model::coe::Coe;
use crate::store::LoadError;

/// Bumped whenever the pack layout or the meaning of its entries changes.
pub const CACHE_VERSION: u32 = 1;

/// The most all packs together may take on disk.
pub const MAX_CACHE_BYTES: u64 = 1 << 30;

const MAGIC: &[u8; 8] = b"COECACHE";
/// magic, version (u32), fingerprint (20), body length (u64), body SHA-1 (20).
const HEADER_LEN: usize = 8 + 4 + 20 + 8 + 20;
const OID_LEN: usize = 20;
const PACK_SUFFIX: &str = ".pack";

/// Where packs are kept, and the build they belong to.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
    fingerprint: [u8; 20],
}

impl Cache {
    /// The user's cache, `$XDG_CACHE_HOME/coe` (else `~/.cache/coe`), for this build; `None`
    /// when neither variable names a directory.
    pub fn user() -> Option<Cache> {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| {
                std::env::var_os("HOME")
                    .map(PathBuf::from)
                    .filter(|p| p.is_absolute())
                    .map(|home| home.join(".cache"))
            })?;
        Some(Cache::at(base.join("coe"), build_fingerprint()))
    }

    /// A cache in `dir` for the build identified by `fingerprint`.
    pub fn at(dir: PathBuf, fingerprint: [u8; 20]) -> Cache {
        Cache { dir, fingerprint }
    }

    /// The pack file of a source, named by a hash of its key (e.g. the canonical path of the
    /// repository and the COE directory in it).
    pub fn pack_path(&self, source: &str) -> PathBuf {
        let name = hex(&Sha1::digest(source.as_bytes()));
        self.dir.join(format!("{name}{PACK_SUFFIX}"))
    }

    /// The pack of `source`; empty when there is none or it cannot be trusted.
    pub fn read(&self, source: &str) -> Pack {
        let path = self.pack_path(source);
        let Ok(bytes) = std::fs::read(&path) else {
            return Pack::default();
        };
        let pack = Pack::decode(bytes, &self.fingerprint).unwrap_or_default();
        if !pack.is_empty() {
            touch_if_stale(&path);
        }
        pack
    }

    /// Replaces the pack of `source` with `entries`, then keeps the cache under its size
    /// bound. The caller goes on whatever happens: a cache that cannot be written is slower,
    /// never wrong.
    pub fn write<'a>(
        &self,
        source: &str,
        entries: impl IntoIterator<Item = (Oid, &'a [u8])>,
    ) -> std::io::Result<()> {
        let path = self.pack_path(source);
        std::fs::create_dir_all(&self.dir)?;
        let bytes = encode(&self.fingerprint, entries);
        let mut tmp = tempfile::Builder::new()
            .prefix(".pack-")
            .suffix(".tmp")
            .tempfile_in(&self.dir)?;
        // No fsync: a pack torn by a crash fails its checksum and is rebuilt.
        tmp.write_all(&bytes)?;
        tmp.persist(&path).map_err(|e| e.error)?;
        self.evict(&path, MAX_CACHE_BYTES);
        Ok(())
    }

    /// Removes the least recently used packs (never `keep`) until all fit in `limit` bytes,
    /// and temporary files that a killed run left behind.
    fn evict(&self, keep: &Path, limit: u64) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let now = SystemTime::now();
        let mut packs = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Ok(meta) = entry.metadata() else { continue };
            let modified = meta.modified().unwrap_or(now);
            let age = now.duration_since(modified).unwrap_or_default();
            if name.ends_with(".tmp") && age > Duration::from_secs(3600) {
                let _ = std::fs::remove_file(entry.path());
            } else if name.ends_with(PACK_SUFFIX) {
                packs.push((modified, meta.len(), entry.path()));
            }
        }
        let mut total: u64 = packs.iter().map(|(_, len, _)| len).sum();
        packs.sort();
        for (_, len, path) in packs {
            if total <= limit {
                break;
            }
            if path != keep && std::fs::remove_file(&path).is_ok() {
                total -= len;
            }
        }
    }
}

/// A pack read from disk: its bytes and where each entry's COE is in them.
#[derive(Debug, Default)]
pub struct Pack {
    bytes: Vec<u8>,
    entries: HashMap<Oid, Range<usize>>,
}

impl Pack {
    /// Checks and indexes a pack's bytes; `None` when anything about them is off.
    pub fn decode(bytes: Vec<u8>, fingerprint: &[u8; 20]) -> Option<Pack> {
        let header = bytes.get(..HEADER_LEN)?;
        let (magic, rest) = header.split_at(MAGIC.len());
        let (version, rest) = rest.split_at(4);
        let (build, rest) = rest.split_at(20);
        let (length, checksum) = rest.split_at(8);
        let body = &bytes[HEADER_LEN..];
        if magic != MAGIC
            || u32::from_le_bytes(version.try_into().ok()?) != CACHE_VERSION
            || build != fingerprint
            || u64::from_le_bytes(length.try_into().ok()?) != body.len() as u64
            || Sha1::digest(body).as_slice() != checksum
        {
            return None;
        }
        let mut entries = HashMap::new();
        let mut at = HEADER_LEN;
        while at < bytes.len() {
            let oid = Oid::from_bytes(bytes.get(at..at + OID_LEN)?).ok()?;
            let len = bytes.get(at + OID_LEN..at + OID_LEN + 4)?;
            let len = u32::from_le_bytes(len.try_into().ok()?) as usize;
            let start = at + OID_LEN + 4;
            let end = start.checked_add(len).filter(|&end| end <= bytes.len())?;
            entries.insert(oid, start..end);
            at = end;
        }
        Some(Pack { bytes, entries })
    }

    /// The encoded COE stored under `oid`.
    pub fn get(&self, oid: &Oid) -> Option<&[u8]> {
        self.entries
            .get(oid)
            .map(|range| &self.bytes[range.clone()])
    }

    /// The COE stored under `oid`, when there is one and it decodes.
    pub fn coe(&self, oid: &Oid) -> Option<Coe> {
        decode_coe(self.get(oid)?)
    }

    /// How many entries the pack holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the pack holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Loading one source through the cache: the pack of its last run, and what the new one
/// keeps. Without a cache (`--no-cache`, or nowhere to keep one) every file is parsed.
#[derive(Debug)]
pub struct Session<'a> {
    cache: Option<&'a Cache>,
    source: String,
    pack: Pack,
}

/// A COE file loaded through a [`Session`]: the COE or why it could not be read, and the
/// entry the new pack keeps for it.
#[derive(Debug)]
pub struct Parsed {
    /// The COE, or why it could not be read.
    pub result: Result<Coe, LoadError>,
    entry: Option<(Oid, Entry)>,
}

#[derive(Debug)]
enum Entry {
    /// The old pack's bytes for it.
    Kept(Range<usize>),
    /// Newly encoded.
    New(Vec<u8>),
}

impl<'a> Session<'a> {
    /// Reads the pack of `source` (a key unique to it, such as its canonical path).
    pub fn open(cache: Option<&'a Cache>, source: String) -> Session<'a> {
        let pack = cache.map(|c| c.read(&source)).unwrap_or_default();
        Session {
            cache,
            source,
            pack,
        }
    }

    /// True when there is a cache to look in and write to.
    pub fn is_enabled(&self) -> bool {
        self.cache.is_some()
    }

    /// The COE whose content has object id `oid`, when the pack holds it.
    pub fn hit(&self, oid: Oid) -> Option<Parsed> {
        let range = self.pack.entries.get(&oid)?;
        let coe = decode_coe(&self.pack.bytes[range.clone()])?;
        Some(Parsed {
            result: Ok(coe),
            entry: Some((oid, Entry::Kept(range.clone()))),
        })
    }

    /// Parses a file's text (or passes on why it could not be read); a COE is kept for the
    /// new pack under `oid`, the object id of the bytes the text came from.
    pub fn parse(&self, oid: Option<Oid>, text: Result<String, LoadError>) -> Parsed {
        let result = text.and_then(|text| Ok(crate::store::format::parse(&text)?));
        let entry = match (&result, oid) {
            (Ok(coe), Some(oid)) if self.is_enabled() => {
                encode_coe(coe).map(|bytes| (oid, Entry::New(bytes)))
            }
            _ => None,
        };
        Parsed { result, entry }
    }

    /// Writes the new pack (the entries of `parsed`) when it differs from the old one.
    pub fn save<'p>(&self, parsed: impl IntoIterator<Item = &'p Parsed>) {
        let Some(cache) = self.cache else { return };
        let mut seen = std::collections::HashSet::new();
        let mut entries = Vec::new();
        let mut changed = false;
        for (oid, entry) in parsed.into_iter().filter_map(|p| p.entry.as_ref()) {
            if !seen.insert(*oid) {
                continue;
            }
            let bytes = match entry {
                Entry::Kept(range) => &self.pack.bytes[range.clone()],
                Entry::New(bytes) => {
                    changed = true;
                    bytes.as_slice()
                }
            };
            entries.push((*oid, bytes));
        }
        if changed || entries.len() != self.pack.len() {
            // A cache that cannot be written costs time, never a result.
            let _ = cache.write(&self.source, entries);
        }
    }
}

/// A pack's bytes: the header, then each entry as object id, length and encoded COE.
pub fn encode<'a>(
    fingerprint: &[u8; 20],
    entries: impl IntoIterator<Item = (Oid, &'a [u8])>,
) -> Vec<u8> {
    let mut out = vec![0; HEADER_LEN];
    for (oid, coe) in entries {
        let Ok(len) = u32::try_from(coe.len()) else {
            continue;
        };
        out.extend_from_slice(oid.as_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(coe);
    }
    let body_len = (out.len() - HEADER_LEN) as u64;
    let checksum = Sha1::digest(&out[HEADER_LEN..]);
    let mut header = Vec::with_capacity(HEADER_LEN);
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&CACHE_VERSION.to_le_bytes());
    header.extend_from_slice(fingerprint);
    header.extend_from_slice(&body_len.to_le_bytes());
    header.extend_from_slice(&checksum);
    out[..HEADER_LEN].copy_from_slice(&header);
    out
}

/// A COE as the cache stores it (JSON: see Cargo.toml for why).
pub fn encode_coe(coe: &Coe) -> Option<Vec<u8>> {
    serde_json::to_vec(coe).ok()
}

/// A COE from the cache; `None` when the entry does not decode (it is then parsed again).
pub fn decode_coe(bytes: &[u8]) -> Option<Coe> {
    serde_json::from_slice(bytes).ok()
}

/// Identifies this build of coe: the cache version, the crate and format versions, and the
/// executable's size and modification time, so that entries written by any other build
/// (whose types or parsing may differ) are never read.
pub fn build_fingerprint() -> [u8; 20] {
    let mut hash = Sha1::new();
    hash.update(CACHE_VERSION.to_le_bytes());
    hash.update(crate::model::coe::FORMAT_VERSION.to_le_bytes());
    hash.update(env!("CARGO_PKG_VERSION").as_bytes());
    let exe = std::env::current_exe().and_then(std::fs::metadata);
    match exe {
        Ok(meta) => {
            hash.update(meta.len().to_le_bytes());
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                .unwrap_or_default();
            hash.update(modified.as_nanos().to_le_bytes());
        }
        // Without knowing which build this is, the fingerprint is unique to this run:
        // nothing is read, and what is written is never read by another build.
        Err(_) => hash.update(
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos()
                .to_le_bytes(),
        ),
    }
    hash.finalize().into()
}

/// Marks a pack as used (for eviction) when it was last marked more than an hour ago.
fn touch_if_stale(path: &Path) {
    let stale = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age > Duration::from_secs(3600));
    if stale {
        if let Ok(file) = std::fs::File::options().append(true).open(path) {
            let _ = file.set_modified(SystemTime::now());
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUILD: [u8; 20] = [7; 20];

    fn oid(n: u8) -> Oid {
        Oid::from_bytes(&[n; 20]).unwrap()
    }

    fn cache() -> (tempfile::TempDir, Cache) {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path().join("coe"), BUILD);
        (dir, cache)
    }

    #[test]
    fn a_written_pack_reads_back() {
        let (_dir, cache) = cache();
        cache
            .write("src", [(oid(1), &b"one"[..]), (oid(2), &b"two"[..])])
            .unwrap();
        let pack = cache.read("src");
        assert_eq!(pack.len(), 2);
        assert_eq!(pack.get(&oid(1)), Some(&b"one"[..]));
        assert_eq!(pack.get(&oid(2)), Some(&b"two"[..]));
        assert_eq!(pack.get(&oid(3)), None);
        assert!(cache.read("other source").is_empty());
    }

    #[test]
    fn a_damaged_pack_or_another_builds_is_ignored() {
        let good = encode(&BUILD, [(oid(1), &b"{}"[..])]);
        assert!(Pack::decode(good.clone(), &BUILD).is_some());
        // Truncated anywhere.
        for len in [0, 5, HEADER_LEN - 1, HEADER_LEN, good.len() - 1] {
            assert!(
                Pack::decode(good[..len].to_vec(), &BUILD).is_none(),
                "{len}"
            );
        }
        // Any byte of the body changed: the checksum fails.
        let mut flipped = good.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(Pack::decode(flipped, &BUILD).is_none());
        // Another build, or another cache version, even with a valid checksum.
        assert!(Pack::decode(good.clone(), &[8; 20]).is_none());
        let mut version = good.clone();
        version[8..12].copy_from_slice(&(CACHE_VERSION + 1).to_le_bytes());
        assert!(Pack::decode(version, &BUILD).is_none());
        // Random bytes.
        let noise: Vec<u8> = (0..500u32).map(|i| (i * 7919 % 251) as u8).collect();
        assert!(Pack::decode(noise, &BUILD).is_none());
    }

    #[test]
    fn an_entry_that_does_not_decode_is_a_miss() {
        let pack = Pack::decode(encode(&BUILD, [(oid(1), &b"not json"[..])]), &BUILD).unwrap();
        assert!(pack.get(&oid(1)).is_some());
        assert!(pack.coe(&oid(1)).is_none());
    }

    #[test]
    fn eviction_removes_the_oldest_packs_first_but_never_the_new_one() {
        let (_dir, cache) = cache();
        for (i, source) in ["a", "b", "c"].iter().enumerate() {
            cache.write(source, [(oid(1), &[0u8; 100][..])]).unwrap();
            let when = SystemTime::now() - Duration::from_secs(1000 * (3 - i as u64));
            let file = std::fs::File::options()
                .append(true)
                .open(cache.pack_path(source))
                .unwrap();
            file.set_modified(when).unwrap();
        }
        let size = std::fs::metadata(cache.pack_path("a")).unwrap().len();
        cache.evict(&cache.pack_path("a"), size * 2);
        assert!(cache.pack_path("a").exists(), "kept: just written");
        assert!(!cache.pack_path("b").exists(), "the least recently used");
        assert!(cache.pack_path("c").exists());
    }
}
