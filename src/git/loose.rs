//! Tree objects written and read back as uncompressed loose objects.
//!
//! A commit into a directory of 10,000 COEs rewrites that directory's tree object (900
//! KB). Through libgit2 that costs a deflate (about 5 ms), a collision-detecting SHA-1 (1.4
//! ms) and, at the next commit, an inflate (2.5 ms), plus the page faults of the five
//! copies of the tree that pass through memory. Here the tree is written the way git does
//! with `core.looseCompression = 0`: a zlib stream of stored (uncompressed) blocks, hashed
//! with the CPU's SHA-1 instructions where it has them, streamed from the pieces of the old
//! tree to the file without assembling it. Reading one back needs no inflate: the blocks
//! are joined in place and zlib's checksum is verified. Objects in any other form
//! (compressed by git, or packed) are left to libgit2.
//!
//! The cost is disk space: such an object is about 2.8 times the size of a compressed one,
//! until `git gc` packs it.

use std::fs::File;
use std::io::{BufWriter, Read as _};
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use git2::{ErrorClass, ErrorCode, Oid};
use sha1::{Digest as _, Sha1};
use simd_adler32::Adler32;

/// The largest stored deflate block.
const BLOCK: usize = 0xffff;
const ZLIB_HEADER_LEN: usize = 2;
const BLOCK_HEADER_LEN: usize = 5;
const ADLER_LEN: usize = 4;

/// A loose tree object read from disk: its content is `bytes[content]`.
pub(super) struct LooseTree {
    bytes: Vec<u8>,
    start: usize,
}

impl LooseTree {
    /// The tree's entries, as git stores them.
    pub(super) fn data(&self) -> &[u8] {
        &self.bytes[self.start..]
    }
}

/// The loose tree `oid` from `objects`, when it is stored uncompressed (as [`write_tree`]
/// writes them); `Ok(None)` when it is not a loose object or is compressed.
pub(super) fn read_tree(objects: &Path, oid: Oid) -> Result<Option<LooseTree>, git2::Error> {
    let path = object_path(objects, oid);
    let mut file = match File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error("reading", &path, e)),
    };
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|e| io_error("reading", &path, e))?;
    let corrupt = || {
        git2::Error::new(
            ErrorCode::GenericError,
            ErrorClass::Odb,
            format!("corrupt loose object {}", path.display()),
        )
    };
    let Some(len) = join_stored_blocks(&mut bytes).map_err(|()| corrupt())? else {
        return Ok(None);
    };
    bytes.truncate(len);
    let nul = bytes.iter().position(|&b| b == 0).ok_or_else(corrupt)?;
    let header = std::str::from_utf8(&bytes[..nul]).map_err(|_| corrupt())?;
    match header.split_once(' ') {
        Some(("tree", size)) if size.parse::<usize>().ok() == Some(len - nul - 1) => {}
        _ => return Err(corrupt()),
    }
    Ok(Some(LooseTree {
        bytes,
        start: nul + 1,
    }))
}

/// Turns a zlib stream of stored blocks into its content, in place, and returns the
/// content's length; `Ok(None)` when the stream has compressed blocks, `Err` when it is
/// not well formed or its checksum is wrong.
fn join_stored_blocks(bytes: &mut [u8]) -> Result<Option<usize>, ()> {
    let (&[cmf, flg], _) = bytes.split_first_chunk::<ZLIB_HEADER_LEN>().ok_or(())?;
    let has_dictionary = flg & 0x20 != 0;
    if cmf & 0x0f != 8 || (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0 || has_dictionary {
        return Err(());
    }
    let mut pos = ZLIB_HEADER_LEN;
    let mut len = 0;
    loop {
        let header = bytes.get(pos..pos + BLOCK_HEADER_LEN).ok_or(())?;
        let last = header[0] & 1 != 0;
        if (header[0] >> 1) & 3 != 0 {
            return Ok(None);
        }
        let block_len = u16::from_le_bytes([header[1], header[2]]);
        if !block_len != u16::from_le_bytes([header[3], header[4]]) {
            return Err(());
        }
        let start = pos + BLOCK_HEADER_LEN;
        let end = start + usize::from(block_len);
        if end > bytes.len() {
            return Err(());
        }
        bytes.copy_within(start..end, len);
        len += usize::from(block_len);
        pos = end;
        if last {
            break;
        }
    }
    let stored = bytes.get(pos..pos + ADLER_LEN).ok_or(())?;
    let stored = u32::from_be_bytes(stored.try_into().map_err(|_| ())?);
    let mut adler = Adler32::new();
    adler.write(&bytes[..len]);
    if adler.finish() != stored {
        return Err(());
    }
    Ok(Some(len))
}

/// Stores the tree made of `pieces` (concatenated) in `objects` and returns its id.
pub(super) fn write_tree(objects: &Path, pieces: &[&[u8]]) -> Result<Oid, git2::Error> {
    let len: usize = pieces.iter().map(|p| p.len()).sum();
    let header = format!("tree {len}\0");
    let mut sha = Sha1::new();
    sha.update(&header);
    for piece in pieces {
        sha.update(piece);
    }
    let oid = Oid::from_bytes(&sha.finalize())?;
    let path = object_path(objects, oid);
    if path.exists() {
        return Ok(oid);
    }
    let write = || -> std::io::Result<()> {
        // `git prune` removes the `tmp_` files a killed writer leaves behind.
        let tmp = tempfile::Builder::new()
            .prefix("tmp_obj_")
            .tempfile_in(objects)?;
        let mut out = StoredZlib::new(
            BufWriter::with_capacity(1 << 16, tmp.as_file()),
            header.len() + len,
        )?;
        out.write_all(header.as_bytes())?;
        for piece in pieces {
            out.write_all(piece)?;
        }
        out.finish()?;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o444))?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        match tmp.persist(&path) {
            Ok(_) => Ok(()),
            // Another writer stored the same object first.
            Err(_) if path.exists() => Ok(()),
            Err(e) => Err(e.error),
        }
    };
    write().map_err(|e| io_error("writing", &path, e))?;
    Ok(oid)
}

fn object_path(objects: &Path, oid: Oid) -> PathBuf {
    let hex = oid.to_string();
    objects.join(&hex[..2]).join(&hex[2..])
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> git2::Error {
    git2::Error::new(
        ErrorCode::GenericError,
        ErrorClass::Odb,
        format!("{what} {}: {e}", path.display()),
    )
}

/// A zlib stream of stored deflate blocks of content whose length is known in advance,
/// written as the bytes come.
struct StoredZlib<W: std::io::Write> {
    out: W,
    adler: Adler32,
    /// Content bytes still to come, in all and in the open block.
    left: usize,
    left_in_block: usize,
}

impl<W: std::io::Write> StoredZlib<W> {
    fn new(mut out: W, len: usize) -> std::io::Result<StoredZlib<W>> {
        // CMF: deflate with a 32 KB window; FLG: no dictionary, level "fastest", and check
        // bits making the pair a multiple of 31.
        out.write_all(&[0x78, 0x01])?;
        if len == 0 {
            out.write_all(&[1, 0, 0, 0xff, 0xff])?;
        }
        Ok(StoredZlib {
            out,
            adler: Adler32::new(),
            left: len,
            left_in_block: 0,
        })
    }

    fn write_all(&mut self, mut bytes: &[u8]) -> std::io::Result<()> {
        if bytes.len() > self.left {
            return Err(std::io::Error::other("more content than announced"));
        }
        self.adler.write(bytes);
        while !bytes.is_empty() {
            if self.left_in_block == 0 {
                let len = self.left.min(BLOCK);
                let last = len == self.left;
                let len16 = len as u16;
                self.out.write_all(&[u8::from(last)])?;
                self.out.write_all(&len16.to_le_bytes())?;
                self.out.write_all(&(!len16).to_le_bytes())?;
                self.left_in_block = len;
            }
            let take = bytes.len().min(self.left_in_block);
            self.out.write_all(&bytes[..take])?;
            bytes = &bytes[take..];
            self.left -= take;
            self.left_in_block -= take;
        }
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<()> {
        if self.left != 0 {
            return Err(std::io::Error::other("less content than announced"));
        }
        self.out.write_all(&self.adler.finish().to_be_bytes())?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_streams_round_trip_and_are_checked() {
        for len in [0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 17] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let mut stream = Vec::new();
            let mut z = StoredZlib::new(&mut stream, len).unwrap();
            // In uneven pieces, as the tree writer sends them.
            let (a, b) = data.split_at(len / 3);
            z.write_all(a).unwrap();
            z.write_all(b).unwrap();
            z.finish().unwrap();
            let mut joined = stream.clone();
            assert_eq!(join_stored_blocks(&mut joined), Ok(Some(len)), "len {len}");
            assert_eq!(&joined[..len], &data[..]);
            if len > 0 {
                let mut bad = stream.clone();
                bad[ZLIB_HEADER_LEN + BLOCK_HEADER_LEN] ^= 1;
                assert_eq!(join_stored_blocks(&mut bad), Err(()), "checksum caught");
            }
        }
        let mut short = StoredZlib::new(Vec::new(), 2).unwrap();
        assert!(short.write_all(b"abc").is_err(), "more than announced");
        short.write_all(b"a").unwrap();
        assert!(short.finish().is_err(), "less than announced");
        // A compressed stream is left to libgit2.
        let mut compressed = vec![0x78, 0x01, 0b011, 0, 0, 0, 0, 0];
        assert_eq!(join_stored_blocks(&mut compressed), Ok(None));
        assert_eq!(join_stored_blocks(&mut [0x78]), Err(()));
    }

    #[test]
    fn trees_written_here_are_read_by_libgit2_and_back() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let blob = repo.blob(b"content").unwrap();
        let mut entry = b"100644 a.yaml\0".to_vec();
        entry.extend_from_slice(blob.as_bytes());
        let mut big = Vec::new();
        for i in 0..2000 {
            big.extend_from_slice(format!("100644 {i:05}.yaml\0").as_bytes());
            big.extend_from_slice(blob.as_bytes());
        }
        let objects = dir.path().join(".git/objects");
        for data in [entry.clone(), big] {
            let (a, b) = data.split_at(data.len() / 2);
            let oid = write_tree(&objects, &[a, b]).unwrap();
            let odb = repo.odb().unwrap();
            assert_eq!(odb.write(git2::ObjectType::Tree, &data).unwrap(), oid);
            assert_eq!(odb.read(oid).unwrap().data(), &data[..]);
            assert_eq!(read_tree(&objects, oid).unwrap().unwrap().data(), &data[..]);
            // Written twice: the same object, still readable.
            assert_eq!(write_tree(&objects, &[&data]).unwrap(), oid);
        }
        // libgit2's own (compressed) objects are left to libgit2, as are missing ones.
        let compressed = repo.treebuilder(None).unwrap().write().unwrap();
        assert!(read_tree(&objects, compressed).unwrap().is_none());
        assert!(read_tree(&objects, Oid::zero()).unwrap().is_none());
    }
}
