//! Lines of JSON Lines input, each held to a bounded number of bytes, so that one enormous
//! line cannot exhaust memory (docs/batch.md).

use std::io::{self, BufRead};

use crate::pipeline::Longer;

#[cfg(doc)]
use crate::limits::Limits;

/// One line of input: its number and its bytes without the line ending, at most
/// [`Limits::input_bytes`] + 1 of them; `length` is the whole line's length, so a line longer
/// than the limit is known without being held.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Line {
    /// 1-based line number in the input.
    pub number: u64,
    /// The line's bytes (the first `limit + 1` of an over-long line).
    pub bytes: Vec<u8>,
    /// The whole line's length in bytes, without the line ending; 0 for a line of white space
    /// longer than the limit, which is given as empty (a blank line, however long).
    pub length: u64,
}

impl Line {
    /// The line borrowed, as a checking thread takes it.
    pub(crate) fn view(&self) -> LineRef<'_> {
        LineRef {
            number: self.number,
            bytes: &self.bytes,
            length: self.length,
        }
    }
}

/// A [`Line`] borrowed: from a `Line`, or from a reader's buffer when the whole line is in it
/// ([`BoundedLines::with_next`]), so that it is neither copied nor allocated.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LineRef<'b> {
    /// As [`Line::number`].
    pub number: u64,
    /// As [`Line::bytes`].
    pub bytes: &'b [u8],
    /// As [`Line::length`].
    pub length: u64,
}

impl LineRef<'_> {
    pub(crate) fn is_blank(&self) -> bool {
        self.length == self.bytes.len() as u64 && self.bytes.iter().all(u8::is_ascii_whitespace)
    }
}

/// What a line ending in `\r\n` keeps: `kept` bytes of a line of `length`, whose last byte is
/// `last`, lose the `\r` (from what is kept only if all of the line is kept).
fn without_cr(kept: usize, length: u64, last: Option<u8>) -> (usize, u64) {
    if last != Some(b'\r') {
        return (kept, length);
    }
    let kept = if length == kept as u64 { kept - 1 } else { kept };
    (kept, length - 1)
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Lines of a reader, each held to at most `limit + 1` bytes: the rest of a longer line is read
/// and dropped (its length is still counted). `\n` ends a line, and a `\r` before it is
/// dropped; a UTF-8 byte order mark at the start of the input is dropped.
#[derive(Debug)]
pub struct BoundedLines<R> {
    reader: R,
    keep: usize,
    /// The start of the next line, read by [`BoundedLines::next_within`] but found longer
    /// than asked for; no `\n` in it.
    partial: Vec<u8>,
    number: u64,
    bytes_read: u64,
    done: bool,
}

impl<R: BufRead> BoundedLines<R> {
    /// Lines of `reader`, keeping at most `limit + 1` bytes of each.
    pub fn new(reader: R, limit: usize) -> Self {
        BoundedLines {
            reader,
            keep: limit.saturating_add(1),
            partial: Vec::new(),
            number: 0,
            bytes_read: 0,
            done: false,
        }
    }

    /// Bytes read so far, line endings included.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// The next line, as the iterator gives it, but only if it ends (and its line ending
    /// with it) within `most` bytes: otherwise `Err(Longer)`, and the bytes read so far (at
    /// most `most`) are kept for the next call, so that a long line is never held whole
    /// for the asking.
    pub(crate) fn next_within(&mut self, most: usize) -> Result<Option<io::Result<Line>>, Longer> {
        if self.done {
            return Ok(None);
        }
        match self.read_line(most as u64) {
            Err(Longer) => Err(Longer),
            Ok(read) => Ok(self.took(read)),
        }
    }

    /// What the iterator gives for what [`BoundedLines::read_line`] read.
    fn took(&mut self, read: io::Result<Option<Line>>) -> Option<io::Result<Line>> {
        match read {
            Ok(Some(line)) => Some(Ok(line)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }

    /// The next line handed to `f`, as the iterator would give it; `None` at the end of the
    /// input. Where the whole line is in the reader's buffer, `f` is given it there: a line
    /// checked at once need not be copied (one job's `Records` and `check_reader_to` read
    /// this way).
    pub(crate) fn with_next(&mut self, f: &mut dyn FnMut(LineRef<'_>)) -> Option<io::Result<()>> {
        if self.done {
            return None;
        }
        if self.partial.is_empty() {
            let cap = usize::try_from(self.cap()).unwrap_or(usize::MAX);
            // The retry is written out here as in the plain read: a function giving the buffer
            // back from a retry loop is refused by the borrow checker.
            let buf = loop {
                match self.reader.fill_buf() {
                    Ok(buf) => break buf,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        self.done = true;
                        return Some(Err(e));
                    }
                }
            };
            if buf.is_empty() {
                // The end: as the plain read ends, without asking the reader again (a terminal
                // would wait for a second end-of-file).
                self.done = true;
                return None;
            }
            // As `read_until_newline`'s first window: a line that ends in it is the whole line.
            if let Some(end) = memchr::memchr(b'\n', &buf[..cap.min(buf.len())]) {
                let line = &buf[..end];
                let line = match self.number {
                    0 => line.strip_prefix(BOM).unwrap_or(line),
                    _ => line,
                };
                let (kept, length) = if line.len() > self.keep && line.iter().all(u8::is_ascii_whitespace) {
                    // As a plain read gives a blank line longer than is kept: empty.
                    (0, 0)
                } else {
                    without_cr(line.len().min(self.keep), line.len() as u64, line.last().copied())
                };
                self.number += 1;
                self.bytes_read += end as u64 + 1;
                f(LineRef {
                    number: self.number,
                    bytes: &line[..kept],
                    length,
                });
                self.reader.consume(end + 1);
                return Some(Ok(()));
            }
        }
        let read = self.read_whole_line();
        Some(self.took(read)?.map(|line| f(line.view())))
    }

    /// The next line, or `Err(Longer)` if it does not end within `most` bytes read (kept in
    /// `partial`, with what earlier calls kept).
    fn read_line(&mut self, most: u64) -> Result<io::Result<Option<Line>>, Longer> {
        let mut bytes = std::mem::take(&mut self.partial);
        let cap = self.cap();
        let within = cap.min(most);
        let (read, ended) = match self.read_into(&mut bytes, within) {
            Ok(read) => read,
            Err(e) => return Ok(Err(e)),
        };
        if !ended && read >= within && within < cap {
            // Longer than asked for, or the input ends just here: read on next time.
            self.partial = bytes;
            return Err(Longer);
        }
        Ok(self.finish_line(bytes, read, ended, cap))
    }

    /// The next line, however long: [`BoundedLines::read_line`] without a limit of its own,
    /// so that there is no `Longer` to handle.
    fn read_whole_line(&mut self) -> io::Result<Option<Line>> {
        let mut bytes = std::mem::take(&mut self.partial);
        let cap = self.cap();
        let (read, ended) = self.read_into(&mut bytes, cap)?;
        self.finish_line(bytes, read, ended, cap)
    }

    /// The most bytes of a line read: the kept bytes and the line ending (and a byte order
    /// mark before the first line).
    fn cap(&self) -> u64 {
        let bom_room = if self.number == 0 { 3 } else { 0 };
        (self.keep as u64).saturating_add(1 + bom_room)
    }

    /// Reads on into `bytes`, which holds what `partial` held (none of it a line ending), up
    /// to `within` bytes in all: how many that makes, and whether a `\n` ended them.
    fn read_into(&mut self, bytes: &mut Vec<u8>, within: u64) -> io::Result<(u64, bool)> {
        let before = bytes.len() as u64;
        let (read, ended) = self.read_until_newline(within.saturating_sub(before), bytes)?;
        Ok((before + read, ended))
    }

    /// The line of `bytes`, `read` bytes of input so far (`ended` by a `\n`, or `cap` of
    /// them at most).
    fn finish_line(
        &mut self,
        mut bytes: Vec<u8>,
        read: u64,
        ended: bool,
        cap: u64,
    ) -> io::Result<Option<Line>> {
        if read == 0 {
            return Ok(None);
        }
        self.bytes_read += read;
        if self.number == 0 && bytes.starts_with(BOM) {
            bytes.drain(..3);
            if bytes.is_empty() && !ended {
                // The input was a byte order mark and nothing else: no line.
                self.done = true;
                return Ok(None);
            }
        }
        let mut length = bytes.len() as u64;
        let mut last = bytes.last().copied();
        let over = !ended && read == cap;
        // Looked at only for a line longer than is kept, before what is past it is dropped.
        let mut blank = (over || bytes.len() > self.keep) && bytes.iter().all(u8::is_ascii_whitespace);
        bytes.truncate(self.keep);
        if over {
            // Perhaps longer still: the rest is read and dropped, but counted.
            let (rest, rest_last, rest_blank) = self.skip_line()?;
            length += rest;
            last = rest_last.or(last);
            blank &= rest_blank;
        }
        if blank {
            // White space and nothing else, however long, is a blank line, skipped as one:
            // given as an empty line, not as one over the limit.
            bytes = Vec::new();
            length = 0;
            last = None;
        }
        let kept;
        (kept, length) = without_cr(bytes.len(), length, last);
        bytes.truncate(kept);
        // `read_until` doubles its buffer as it grows: a 5 MB line would hold 8 MB for as long
        // as it is in flight. Give the slack back (glibc shrinks in place, without a copy).
        if bytes.capacity() - bytes.len() > bytes.len() / 8 + 64 {
            bytes.shrink_to_fit();
        }
        self.number += 1;
        Ok(Some(Line {
            number: self.number,
            bytes,
            length,
        }))
    }

    /// Appends to `bytes` up to `cap` bytes, through the first `\n` (which is read but not
    /// kept): how many bytes were read, and whether a `\n` ended them. As `read_until` on
    /// `take(cap)`, but its search is `memchr`'s vectorised one, several times as fast on long
    /// lines as the standard library's word-at-a-time search.
    fn read_until_newline(&mut self, cap: u64, bytes: &mut Vec<u8>) -> io::Result<(u64, bool)> {
        let mut read = 0u64;
        while read < cap {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                break;
            }
            let room = usize::try_from(cap - read).unwrap_or(usize::MAX).min(buf.len());
            let window = &buf[..room];
            if let Some(i) = memchr::memchr(b'\n', window) {
                bytes.extend_from_slice(&window[..i]);
                self.reader.consume(i + 1);
                return Ok((read + i as u64 + 1, true));
            }
            bytes.extend_from_slice(window);
            self.reader.consume(room);
            read += room as u64;
        }
        Ok((read, false))
    }

    /// Reads the rest of an over-long line and drops it: how many bytes it held before the
    /// line ending, the last of them, and whether all were white space.
    fn skip_line(&mut self) -> io::Result<(u64, Option<u8>, bool)> {
        let mut length = 0;
        let mut last = None;
        let mut blank = true;
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                return Ok((length, last, blank));
            }
            let (content, used, ended) = match memchr::memchr(b'\n', buf) {
                Some(i) => (&buf[..i], i + 1, true),
                None => (buf, buf.len(), false),
            };
            last = content.last().copied().or(last);
            blank = blank && content.iter().all(u8::is_ascii_whitespace);
            length += content.len() as u64;
            self.reader.consume(used);
            self.bytes_read += used as u64;
            if ended {
                return Ok((length, last, blank));
            }
        }
    }
}

impl<R: BufRead> Iterator for BoundedLines<R> {
    type Item = io::Result<Line>;
    fn next(&mut self) -> Option<io::Result<Line>> {
        if self.done {
            return None;
        }
        let read = self.read_whole_line();
        self.took(read)
    }
}

#[cfg(test)]
mod tests;
