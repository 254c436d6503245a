//! Tree objects written and read back as uncompressed loose objects.
//!
//! A commit into a directory of 10,000 COEs rewrites that directory's tree object (900
//! KB). Through libgit2 that costs a deflate (about 5 ms), a collision-detecting SHA-1 (1.4
//! ms) and, at the next commit, an inflate (2.5 ms), plus the page faults of the five
//! copies of the tree that pass through memory. Here the tree is written the way git does
//! with `core.looseCompression = 0`: a zlib stream of stored (uncompressed) blocks, hashed
//! with the CPU's SHA-1 instructions where it has them, streamed from the pieces of the old
//! tree to the file without assembling it. Reading one back needs no inflate: its content
//! is read through a small buffer, between the blocks' headers, and zlib's checksum is
//! verified at its end. Objects in any other form (compressed by git, or packed) are left
//! to libgit2.
//!
//! The cost is disk space: such an object is about 2.8 times the size of a compressed one,
//! until `git gc` packs it.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read};
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use git2::{ErrorClass, ErrorCode, Oid};
use simd_adler32::Adler32;

use super::stream::{Hashing, BUFFER};
use super::tree::Piece;

/// The largest stored deflate block.
const BLOCK: usize = 0xffff;
const ZLIB_HEADER_LEN: usize = 2;
const BLOCK_HEADER_LEN: usize = 5;
const ADLER_LEN: usize = 4;

/// The content of a loose tree object stored uncompressed, read through a small buffer.
/// Reading past its end checks zlib's checksum of it.
pub(super) struct TreeReader {
    blocks: StoredBlocks<BufReader<File>>,
    len: u64,
    path: PathBuf,
}

impl TreeReader {
    /// The length of the tree's content.
    pub(super) fn len(&self) -> u64 {
        self.len
    }
}

impl Read for TreeReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let path = &self.path;
        self.blocks.read(buf).map_err(|e| corrupt_object(path, e))
    }
}

impl BufRead for TreeReader {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        let path = &self.path;
        self.blocks.fill_buf().map_err(|e| corrupt_object(path, e))
    }

    fn consume(&mut self, amount: usize) {
        self.blocks.consume(amount);
    }
}

/// The loose tree `oid` from `objects`, positioned at its first entry, when it is stored
/// uncompressed (as [`write_tree`] writes them); `Ok(None)` when it is not a loose object
/// or is compressed.
pub(super) fn open_tree(objects: &Path, oid: Oid) -> Result<Option<TreeReader>, git2::Error> {
    let path = object_path(objects, oid);
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error("reading", &path, e)),
    };
    let corrupt = |what: &str| {
        git2::Error::new(
            ErrorCode::GenericError,
            ErrorClass::Odb,
            format!("corrupt loose object {}: {what}", path.display()),
        )
    };
    // zlib may follow a stored block with compressed ones: such an object is libgit2's.
    match only_stored_blocks(&file) {
        Ok(true) => {}
        Ok(false) => return Ok(None),
        Err(e) => return Err(corrupt(&what_went_wrong(&e))),
    }
    let mut blocks = match StoredBlocks::new(BufReader::with_capacity(BUFFER, file)) {
        Ok(Some(blocks)) => blocks,
        Ok(None) => return Ok(None),
        Err(e) => return Err(corrupt(&what_went_wrong(&e))),
    };
    let mut header = Vec::with_capacity(16);
    (&mut blocks)
        .take(32)
        .read_until(0, &mut header)
        .map_err(|e| corrupt(&what_went_wrong(&e)))?;
    let len = header
        .strip_prefix(b"tree ")
        .and_then(|h| h.strip_suffix(b"\0"))
        .and_then(|len| std::str::from_utf8(len).ok())
        .and_then(|len| len.parse().ok())
        .ok_or_else(|| corrupt("not a tree"))?;
    Ok(Some(TreeReader { blocks, len, path }))
}

/// Whether every deflate block of the zlib stream in `file` is stored, walking the blocks'
/// headers alone (five bytes read per 64 KB block).
fn only_stored_blocks(file: &File) -> std::io::Result<bool> {
    use std::os::unix::fs::FileExt as _;
    let mut pos = ZLIB_HEADER_LEN as u64;
    loop {
        let mut header = [0u8; BLOCK_HEADER_LEN];
        file.read_exact_at(&mut header, pos)?;
        if (header[0] >> 1) & 3 != 0 {
            return Ok(false);
        }
        let len = u16::from_le_bytes([header[1], header[2]]);
        pos += (BLOCK_HEADER_LEN + usize::from(len)) as u64;
        if header[0] & 1 != 0 {
            return Ok(true);
        }
    }
}

/// An error reading the object at `path`, naming it.
fn corrupt_object(path: &Path, e: std::io::Error) -> std::io::Error {
    let kind = match e.kind() {
        std::io::ErrorKind::UnexpectedEof => std::io::ErrorKind::InvalidData,
        kind => kind,
    };
    std::io::Error::new(
        kind,
        format!(
            "corrupt loose object {}: {}",
            path.display(),
            what_went_wrong(&e)
        ),
    )
}

/// A reading error in words: a file that ends early is "cut short".
fn what_went_wrong(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => "cut short".to_string(),
        _ => e.to_string(),
    }
}

/// The content of a zlib stream made of stored blocks, read through the buffer of `R`;
/// the stream's checksum is checked when its end is reached.
struct StoredBlocks<R> {
    inner: R,
    /// Content bytes left in the current block.
    left_in_block: usize,
    last: bool,
    /// Whether the end was reached and the checksum found right.
    checked: bool,
    adler: Adler32,
}

impl<R: BufRead> StoredBlocks<R> {
    /// Reads the zlib header and the first block's; `Ok(None)` when that block is
    /// compressed.
    fn new(mut inner: R) -> std::io::Result<Option<StoredBlocks<R>>> {
        let mut header = [0u8; ZLIB_HEADER_LEN];
        inner.read_exact(&mut header)?;
        let [cmf, flg] = header;
        let has_dictionary = flg & 0x20 != 0;
        if cmf & 0x0f != 8 || (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0 || has_dictionary {
            return Err(invalid("not a zlib stream"));
        }
        let mut blocks = StoredBlocks {
            inner,
            left_in_block: 0,
            last: false,
            checked: false,
            adler: Adler32::new(),
        };
        Ok(blocks.next_block()?.then_some(blocks))
    }

    /// Reads the next block's header; `Ok(false)` when the block is compressed.
    fn next_block(&mut self) -> std::io::Result<bool> {
        let mut header = [0u8; BLOCK_HEADER_LEN];
        self.inner.read_exact(&mut header)?;
        if (header[0] >> 1) & 3 != 0 {
            return Ok(false);
        }
        let len = u16::from_le_bytes([header[1], header[2]]);
        if !len != u16::from_le_bytes([header[3], header[4]]) {
            return Err(invalid("bad stored block length"));
        }
        self.left_in_block = usize::from(len);
        self.last = header[0] & 1 != 0;
        Ok(true)
    }
}

impl<R: BufRead> Read for StoredBlocks<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let len = available.len().min(buf.len());
        buf[..len].copy_from_slice(&available[..len]);
        self.consume(len);
        Ok(len)
    }
}

impl<R: BufRead> BufRead for StoredBlocks<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        while self.left_in_block == 0 {
            if self.last {
                if !self.checked {
                    let mut stored = [0u8; ADLER_LEN];
                    self.inner.read_exact(&mut stored)?;
                    if u32::from_be_bytes(stored) != self.adler.finish() {
                        return Err(invalid("checksum mismatch"));
                    }
                    self.checked = true;
                }
                return Ok(&[]);
            }
            if !self.next_block()? {
                return Err(invalid("a compressed block after a stored one"));
            }
        }
        let available = self.inner.fill_buf()?;
        if available.is_empty() {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        Ok(&available[..available.len().min(self.left_in_block)])
    }

    fn consume(&mut self, amount: usize) {
        let amount = amount.min(self.left_in_block);
        if let Some(consumed) = self.inner.fill_buf().ok().and_then(|b| b.get(..amount)) {
            self.adler.write(consumed);
        }
        self.inner.consume(amount);
        self.left_in_block -= amount;
    }
}

fn invalid(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string())
}

/// Stores the tree of content length `len` made of `pieces`, their old ranges read from
/// `old` (from its start, to its end), in `objects`, and returns its id. It is hashed as
/// it is written, to a temporary file then renamed to its id.
pub(super) fn write_tree(
    objects: &Path,
    len: u64,
    pieces: &[Piece<'_>],
    old: &mut dyn BufRead,
) -> Result<Oid, git2::Error> {
    let header = format!("tree {len}\0");
    // `git prune` removes the `tmp_` files a killed writer leaves behind.
    let tmp = tempfile::Builder::new()
        .prefix("tmp_obj_")
        .tempfile_in(objects)
        .map_err(|e| io_error("writing in", objects, e))?;
    let mut write = || -> std::io::Result<[u8; 20]> {
        let total = usize::try_from(len)
            .ok()
            .and_then(|len| len.checked_add(header.len()))
            .ok_or_else(|| invalid("tree too large"))?;
        let stored = StoredZlib::new(BufWriter::with_capacity(BUFFER, tmp.as_file()), total)?;
        let mut out = Hashing::new(stored);
        out.write_all(header.as_bytes())?;
        let mut pos = 0;
        for piece in pieces {
            match piece {
                Piece::Old(range) => out.copy_range(old, &mut pos, range)?,
                Piece::New(bytes) => out.write_all(bytes)?,
            }
        }
        // Read to the end: the old tree is as long as it said, and its checksum is right.
        if !old.fill_buf()?.is_empty() {
            return Err(invalid("the old tree is longer than its header says"));
        }
        let (stored, sha) = out.finish();
        let sha = sha.ok_or_else(|| std::io::Error::other("a tree written without its hash"))?;
        stored.finish()?;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o444))?;
        Ok(sha)
    };
    let sha = write().map_err(|e| io_error("writing a tree object in", objects, e))?;
    let oid = Oid::from_bytes(&sha)?;
    let path = object_path(objects, oid);
    let persist = || -> std::io::Result<()> {
        if path.exists() {
            // Stored already; the temporary file is removed when dropped.
            return Ok(());
        }
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
    persist().map_err(|e| io_error("writing", &path, e))?;
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

    /// Writes all of `bytes` as content.
    fn put(&mut self, mut bytes: &[u8]) -> std::io::Result<()> {
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

impl<W: std::io::Write> std::io::Write for StoredZlib<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.put(bytes)?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn stored(data: &[u8]) -> Vec<u8> {
        let mut stream = Vec::new();
        let mut z = StoredZlib::new(&mut stream, data.len()).unwrap();
        // In uneven pieces, as the tree writer sends them.
        let (a, b) = data.split_at(data.len() / 3);
        z.write_all(a).unwrap();
        z.write_all(b).unwrap();
        z.finish().unwrap();
        stream
    }

    /// `data` as one final deflate block with fixed Huffman codes, literals only.
    fn fixed_huffman(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let (mut bits, mut count) = (0u32, 0);
        let mut put = |value: u32, len: u32, reversed: bool| {
            for i in 0..len {
                let bit = if reversed {
                    (value >> (len - 1 - i)) & 1
                } else {
                    (value >> i) & 1
                };
                bits |= bit << count;
                count += 1;
                if count == 8 {
                    out.push(bits as u8);
                    (bits, count) = (0, 0);
                }
            }
        };
        put(1, 1, false); // BFINAL
        put(1, 2, false); // BTYPE = 01, fixed codes
        for &byte in data {
            match byte {
                0..=143 => put(0x30 + u32::from(byte), 8, true),
                _ => put(0x190 + u32::from(byte) - 144, 9, true),
            }
        }
        put(0, 7, true); // end of block
        if count > 0 {
            out.push(bits as u8);
        }
        out
    }

    fn unstored(stream: &[u8]) -> std::io::Result<Option<Vec<u8>>> {
        let Some(mut blocks) = StoredBlocks::new(stream)? else {
            return Ok(None);
        };
        let mut content = Vec::new();
        blocks.read_to_end(&mut content)?;
        Ok(Some(content))
    }

    #[test]
    fn stored_streams_round_trip_and_are_checked() {
        for len in [0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 17] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let stream = stored(&data);
            assert_eq!(unstored(&stream).unwrap().unwrap(), data, "len {len}");
            if len > 0 {
                let mut bad = stream.clone();
                bad[ZLIB_HEADER_LEN + BLOCK_HEADER_LEN] ^= 1;
                assert!(unstored(&bad).is_err(), "checksum caught");
                assert!(unstored(&stream[..stream.len() - 1]).is_err(), "cut short");
            }
        }
        let mut short = StoredZlib::new(Vec::new(), 2).unwrap();
        assert!(short.write_all(b"abc").is_err(), "more than announced");
        short.write_all(b"a").unwrap();
        assert!(short.finish().is_err(), "less than announced");
        // A compressed stream is left to libgit2.
        assert!(unstored(&[0x78, 0x01, 0b011, 0, 0, 0, 0, 0])
            .unwrap()
            .is_none());
        assert!(unstored(&[0x78]).is_err());
    }

    #[test]
    fn trees_written_here_are_read_by_libgit2_and_back() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let blob = repo.blob(b"content").unwrap();
        let mut entry = b"100644 a.yaml\0".to_vec();
        entry.extend_from_slice(blob.as_bytes());
        let mut big = Vec::new();
        // Several stored blocks.
        for i in 0..5000 {
            big.extend_from_slice(format!("100644 {i:05}.yaml\0").as_bytes());
            big.extend_from_slice(blob.as_bytes());
        }
        let objects = dir.path().join(".git/objects");
        let odb = repo.odb().unwrap();
        let read_back = |oid| {
            let mut content = Vec::new();
            open_tree(&objects, oid)
                .unwrap()
                .unwrap()
                .read_to_end(&mut content)
                .unwrap();
            content
        };
        for data in [entry.clone(), big.clone()] {
            let (a, b) = data.split_at(data.len() / 2);
            let len = data.len() as u64;
            let pieces = [Piece::New(a), Piece::New(b)];
            let oid = write_tree(&objects, len, &pieces, &mut &[][..]).unwrap();
            assert_eq!(odb.write(git2::ObjectType::Tree, &data).unwrap(), oid);
            assert_eq!(odb.read(oid).unwrap().data(), &data[..]);
            assert_eq!(read_back(oid), data);
            // Written twice: the same object, still readable.
            let again = write_tree(&objects, len, &[Piece::New(&data)], &mut &[][..]);
            assert_eq!(again.unwrap(), oid);
        }
        // A tree made of pieces of an older one, streamed from it.
        let old = write_tree(
            &objects,
            big.len() as u64,
            &[Piece::New(&big)],
            &mut &[][..],
        )
        .unwrap();
        let cut = (big.len() / 2) as u64;
        let pieces = [
            Piece::Old(0..cut),
            Piece::New(&entry),
            Piece::Old(cut..big.len() as u64),
        ];
        let mut reader = open_tree(&objects, old).unwrap().unwrap();
        assert_eq!(reader.len(), big.len() as u64);
        let len = (big.len() + entry.len()) as u64;
        let new = write_tree(&objects, len, &pieces, &mut reader).unwrap();
        let mut expected = big[..cut as usize].to_vec();
        expected.extend_from_slice(&entry);
        expected.extend_from_slice(&big[cut as usize..]);
        assert_eq!(read_back(new), expected);
        // An old tree longer than the pieces say is refused.
        let mut reader = open_tree(&objects, old).unwrap().unwrap();
        let pieces = [Piece::Old(0..cut)];
        assert!(write_tree(&objects, cut, &pieces, &mut reader).is_err());
        // libgit2's own (compressed) objects are left to libgit2, as are missing ones.
        let compressed = repo.treebuilder(None).unwrap().write().unwrap();
        assert!(open_tree(&objects, compressed).unwrap().is_none());
        assert!(open_tree(&objects, Oid::zero()).unwrap().is_none());
        // So is a stream zlib began with a stored block and went on compressing, which it
        // does for content it cannot shrink followed by content it can: the object is in
        // the place of `entry`'s tree, and libgit2 reads it.
        let content = format!("tree {}\0", entry.len()).into_bytes();
        let (first, rest) = content.split_at(4);
        let mut mixed = vec![0x78, 0x01, 0];
        mixed.extend_from_slice(&(first.len() as u16).to_le_bytes());
        mixed.extend_from_slice(&(!(first.len() as u16)).to_le_bytes());
        mixed.extend_from_slice(first);
        mixed.extend_from_slice(&fixed_huffman(&[rest, &entry[..]].concat()));
        let mut adler = Adler32::new();
        adler.write(&content);
        adler.write(&entry);
        mixed.extend_from_slice(&adler.finish().to_be_bytes());
        let oid = odb.write(git2::ObjectType::Tree, &entry).unwrap();
        let path = object_path(&objects, oid);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::write(&path, &mixed).unwrap();
        assert_eq!(
            odb.read(oid).unwrap().data(),
            &entry[..],
            "libgit2 reads it"
        );
        assert!(open_tree(&objects, oid).unwrap().is_none());
        // A stream of stored blocks cut short is corrupt.
        std::fs::write(&path, &stored(&[content.as_slice(), &entry].concat())[..20]).unwrap();
        let mut reader = open_tree(&objects, oid).unwrap().unwrap();
        let err = reader.read_to_end(&mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("cut short"), "{err}");
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{err}"
        );
    }
}
