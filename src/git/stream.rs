//! Copying through small buffers while hashing, for the index and tree objects coe writes
//! itself: at 10,000 COEs these are megabytes, and a buffer of that size costs more in page
//! faults (memory new to the process) than reading the file twice.

use std::io::{BufRead, Write};

use sha1::{Digest as _, Sha1};

/// The size of the buffers files are read and written through.
pub(super) const BUFFER: usize = 1 << 16;

/// A writer that hashes with SHA-1 what it writes (unless told not to).
pub(super) struct Hashing<W> {
    out: W,
    sha: Option<Sha1>,
}

impl<W: Write> Hashing<W> {
    /// A writer to `out` that hashes what it writes.
    pub(super) fn new(out: W) -> Hashing<W> {
        Hashing {
            out,
            sha: Some(Sha1::new()),
        }
    }

    /// A writer that only writes: [`Hashing::finish`] gives no hash.
    pub(super) fn without_hash(out: W) -> Hashing<W> {
        Hashing { out, sha: None }
    }

    /// Writes (and hashes) all of `bytes`.
    pub(super) fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        if let Some(sha) = &mut self.sha {
            sha.update(bytes);
        }
        self.out.write_all(bytes)
    }

    /// Copies the next `len` bytes of `from`, failing when it ends first.
    fn copy_from<R: BufRead + ?Sized>(&mut self, from: &mut R, len: u64) -> std::io::Result<()> {
        let mut left = len;
        while left > 0 {
            let buf = from.fill_buf()?;
            if buf.is_empty() {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            let take = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            self.write_all(&buf[..take])?;
            from.consume(take);
            left -= take as u64;
        }
        Ok(())
    }

    /// Copies `range` of `from`, whose reading position is `*pos` (at or before the range's
    /// start: what lies between is skipped), and moves `*pos` to the range's end.
    pub(super) fn copy_range<R: BufRead + ?Sized>(
        &mut self,
        from: &mut R,
        pos: &mut u64,
        range: &std::ops::Range<u64>,
    ) -> std::io::Result<()> {
        let gap = range
            .start
            .checked_sub(*pos)
            .ok_or_else(|| std::io::Error::other("pieces out of order"))?;
        skip(from, gap)?;
        self.copy_from(from, range.end - range.start)?;
        *pos = range.end;
        Ok(())
    }

    /// The writer and the SHA-1 of everything written, unless made without one.
    pub(super) fn finish(self) -> (W, Option<[u8; 20]>) {
        (self.out, self.sha.map(|sha| sha.finalize().into()))
    }
}

/// Skips the next `len` bytes of `from`, failing when it ends first.
pub(super) fn skip<R: BufRead + ?Sized>(from: &mut R, len: u64) -> std::io::Result<()> {
    let mut left = len;
    while left > 0 {
        let available = from.fill_buf()?.len();
        if available == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let take = available.min(usize::try_from(left).unwrap_or(usize::MAX));
        from.consume(take);
        left -= take as u64;
    }
    Ok(())
}
