//! Lines of JSON Lines input, each held to a bounded number of bytes, so that one enormous
//! line cannot exhaust memory (docs/batch.md).

use std::io::{self, BufRead};

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
    /// The whole line's length in bytes, without the line ending.
    pub length: u64,
}

impl Line {
    pub(crate) fn is_blank(&self) -> bool {
        self.length == self.bytes.len() as u64 && self.bytes.iter().all(u8::is_ascii_whitespace)
    }
}

/// Lines of a reader, each held to at most `limit + 1` bytes: the rest of a longer line is read
/// and dropped (its length is still counted). `\n` ends a line, and a `\r` before it is
/// dropped; a UTF-8 byte order mark at the start of the input is dropped.
#[derive(Debug)]
pub struct BoundedLines<R> {
    reader: R,
    keep: usize,
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
            number: 0,
            bytes_read: 0,
            done: false,
        }
    }

    /// Bytes read so far, line endings included.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    fn read_line(&mut self) -> io::Result<Option<Line>> {
        let mut bytes = Vec::new();
        // The kept bytes and the line ending (and a byte order mark before the first line).
        let bom_room = if self.number == 0 { 3 } else { 0 };
        let cap = (self.keep as u64).saturating_add(1 + bom_room);
        let (read, ended) = self.read_until_newline(cap, &mut bytes)?;
        if read == 0 {
            return Ok(None);
        }
        self.bytes_read += read;
        if self.number == 0 && bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
            if bytes.is_empty() && !ended {
                // The input was a byte order mark and nothing else: no line.
                self.done = true;
                return Ok(None);
            }
        }
        let mut length = bytes.len() as u64;
        let mut last = bytes.last().copied();
        bytes.truncate(self.keep);
        if !ended && read == cap {
            // Perhaps longer still: the rest is read and dropped, but counted.
            let (rest, rest_last) = self.skip_line()?;
            length += rest;
            last = rest_last.or(last);
        }
        if last == Some(b'\r') {
            if length == bytes.len() as u64 {
                bytes.pop();
            }
            length -= 1;
        }
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
    /// line ending, and the last of them.
    fn skip_line(&mut self) -> io::Result<(u64, Option<u8>)> {
        let mut length = 0;
        let mut last = None;
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                return Ok((length, last));
            }
            let (content, used, ended) = match memchr::memchr(b'\n', buf) {
                Some(i) => (&buf[..i], i + 1, true),
                None => (buf, buf.len(), false),
            };
            last = content.last().copied().or(last);
            length += content.len() as u64;
            self.reader.consume(used);
            self.bytes_read += used as u64;
            if ended {
                return Ok((length, last));
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
        match self.read_line() {
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
}
