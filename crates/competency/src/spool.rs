//! Bytes written in blocks, for a record serialised on a worker and written out later in input
//! order: unlike a growing `Vec`, nothing is copied as it grows and at most one block is
//! unused, so a 5 MB record holds 5 MB, not up to 8.

use std::io::{self, Write};

/// The first block; each next one is twice as large, up to [`MOST`], so a small record costs
/// little and a large one few blocks.
const FIRST: usize = 1024;
const MOST: usize = 64 * 1024;

/// Bytes in blocks.
#[derive(Debug, Default)]
pub(crate) struct Spool {
    /// The blocks filled before `last`, in order.
    blocks: Vec<Vec<u8>>,
    /// The block being written, held apart so that a write that fits is a capacity check and
    /// a copy, as for a `Vec` (serialising makes one write per token: about 1,300
    /// instructions an evidence item more when the last block was looked up in `blocks`).
    last: Vec<u8>,
}

impl Spool {
    /// Gives back the room left in the last block, once nothing more will be written: a record
    /// waits in its spool for every earlier one, and blocks double, so the last one is on
    /// average a third empty (about a quarter of what a typical record of 20 to 60 KB holds).
    /// glibc shrinks in place, without a copy.
    pub(crate) fn finish(&mut self) {
        self.last.shrink_to_fit();
    }

    /// How many bytes have been written.
    pub(crate) fn size(&self) -> usize {
        self.blocks.iter().map(Vec::len).sum::<usize>() + self.last.len()
    }

    /// Writes every block to `out`, in order.
    pub(crate) fn write_to(&self, out: &mut impl Write) -> io::Result<()> {
        self.blocks.iter().try_for_each(|block| out.write_all(block))?;
        out.write_all(&self.last)
    }
}

impl Write for Spool {
    // Serialising writes a few bytes at a time: the common case, room in the last block, is
    // kept short enough to inline.
    #[inline]
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.last.capacity() - self.last.len() >= buf.len() {
            self.last.extend_from_slice(buf);
            return Ok(buf.len());
        }
        self.write_across(buf)
    }

    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.write(buf).map(drop)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Spool {
    /// Writes what does not fit in the last block: fills it, then new blocks.
    #[cold]
    fn write_across(&mut self, mut buf: &[u8]) -> io::Result<usize> {
        let written = buf.len();
        while !buf.is_empty() {
            let room = self.last.capacity() - self.last.len();
            if room == 0 {
                let size = match self.last.capacity() {
                    0 => FIRST,
                    capacity => (capacity * 2).min(MOST),
                };
                let full = std::mem::replace(&mut self.last, Vec::with_capacity(size));
                if !full.is_empty() {
                    self.blocks.push(full);
                }
                continue;
            }
            let take = buf.len().min(room);
            self.last.extend_from_slice(&buf[..take]);
            buf = &buf[take..];
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_come_out_as_they_went_in_whatever_the_writes() {
        let text: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let mut spool = Spool::default();
        let mut rest = &text[..];
        for size in [0, 1, 1023, 1, 5000, 70_000].into_iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let take = size.min(rest.len());
            spool.write_all(&rest[..take]).unwrap_or_default();
            rest = &rest[take..];
        }
        let mut out = Vec::new();
        spool.write_to(&mut out).unwrap_or_default();
        assert_eq!(out, text);
        let held =
            |spool: &Spool| spool.blocks.iter().map(Vec::capacity).sum::<usize>() + spool.last.capacity();
        assert!(held(&spool) < text.len() + MOST, "{}", held(&spool));
        spool.finish();
        assert_eq!(held(&spool), text.len());
        let mut again = Vec::new();
        spool.write_to(&mut again).unwrap_or_default();
        assert_eq!(again, text);
    }
}
