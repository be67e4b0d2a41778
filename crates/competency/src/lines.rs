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
    /// The whole line's length in bytes, without the line ending.
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
                let (kept, length) =
                    without_cr(line.len().min(self.keep), line.len() as u64, line.last().copied());
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
        bytes.truncate(self.keep);
        if !ended && read == cap {
            // Perhaps longer still: the rest is read and dropped, but counted.
            let (rest, rest_last) = self.skip_line()?;
            length += rest;
            last = rest_last.or(last);
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
        let read = self.read_whole_line();
        self.took(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn plain(input: &[u8], limit: usize, capacity: usize) -> Vec<(u64, Vec<u8>, u64)> {
        BoundedLines::new(io::BufReader::with_capacity(capacity, input), limit)
            .map(|line| line.map(|l| (l.number, l.bytes, l.length)).unwrap_or_default())
            .collect()
    }

    /// Input made of the bytes lines are split and trimmed at, and others.
    fn body() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            proptest::sample::select(vec![b'a', b'{', b'\n', b'\r', 0xEF, 0xBB, 0xBF, b' ']),
            0..200,
        )
    }

    /// `body`, after a byte order mark if `bom`.
    fn with_bom(bom: bool, body: &[u8]) -> Vec<u8> {
        let mut input = if bom { BOM.to_vec() } else { Vec::new() };
        input.extend_from_slice(body);
        input
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Asking for the next line only within a bound, any number of times and with any
        /// bound, gives the same lines as reading them plainly, each one it gives lighter than
        /// its bound, and holds no more of a longer one than the largest bound asked.
        #[test]
        fn reading_within_a_bound_loses_and_changes_nothing(
            body in body(),
            limit in 0usize..12,
            capacity in 1usize..9,
            asks in proptest::collection::vec(0usize..16, 0..60),
        ) {
            let mut lines = BoundedLines::new(io::BufReader::with_capacity(capacity, body.as_slice()), limit);
            let mut got = Vec::new();
            let mut largest = 0;
            for most in asks {
                largest = largest.max(most);
                // 0: a plain read between the others.
                let next = if most == 0 {
                    lines.next()
                } else {
                    match lines.next_within(most) {
                        Ok(next) => {
                            if let Some(Ok(line)) = &next {
                                prop_assert!(line.bytes.len() < most, "{} bytes within {most}", line.bytes.len());
                            }
                            next
                        }
                        Err(Longer) => {
                            prop_assert!(lines.partial.len() <= largest);
                            continue;
                        }
                    }
                };
                got.extend(next.map(|line| line.map(|l| (l.number, l.bytes, l.length)).unwrap_or_default()));
            }
            got.extend(lines.by_ref().map(|line| line.map(|l| (l.number, l.bytes, l.length)).unwrap_or_default()));
            prop_assert_eq!(got, plain(&body, limit, capacity));
            prop_assert_eq!(lines.bytes_read(), body.len() as u64);
        }
    }

    /// What `BoundedLines` must give, written the plain way: split at `\n`, drop one `\r` before
    /// it, drop a byte order mark at the start, keep at most `limit + 1` bytes of each line.
    fn reference_lines(input: &[u8], limit: usize) -> Vec<(u64, Vec<u8>, u64)> {
        let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
        let mut parts: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
        if parts.last().is_some_and(|p| p.is_empty()) {
            parts.pop();
        }
        parts
            .into_iter()
            .enumerate()
            .map(|(i, line)| {
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                let kept = line[..line.len().min(limit + 1)].to_vec();
                (i as u64 + 1, kept, line.len() as u64)
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Lines are split, trimmed and bounded exactly as documented, whatever the bytes, the
        /// limit and where the reader's buffer happens to end.
        #[test]
        fn bounded_lines_match_the_plain_reading(
            body in body(),
            bom in proptest::bool::ANY,
            limit in 0usize..12,
            capacity in 1usize..9,
        ) {
            let input = with_bom(bom, &body);
            let reader = io::BufReader::with_capacity(capacity, input.as_slice());
            let mut lines = BoundedLines::new(reader, limit);
            let got: Vec<(u64, Vec<u8>, u64)> = lines
                .by_ref()
                .map(|l| l.map(|l| (l.number, l.bytes, l.length)).unwrap())
                .collect();
            prop_assert_eq!(got, reference_lines(&input, limit));
            prop_assert_eq!(lines.bytes_read(), input.len() as u64);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Lines handed over borrowed where they can be, between plain reads and reads within a
        /// bound (which may leave the start of a line read), are the lines read plainly: split,
        /// trimmed and bounded alike, whatever the bytes, the limit and where the reader's
        /// buffer ends (a capacity under 9 splits most lines across it).
        #[test]
        fn lines_lent_are_the_lines_read(
            body in body(),
            bom in proptest::bool::ANY,
            limit in 0usize..12,
            capacity in 1usize..40,
            // 0: a plain read; 1: a line lent; more: a read within that bound.
            steps in proptest::collection::vec(0usize..16, 0..60),
        ) {
            let input = with_bom(bom, &body);
            let mut lines = BoundedLines::new(io::BufReader::with_capacity(capacity, input.as_slice()), limit);
            let mut got = Vec::new();
            for step in steps.into_iter().chain(std::iter::repeat(1)) {
                let next = match step {
                    0 => lines.next().map(|line| line.map(|l| (l.number, l.bytes, l.length))),
                    1 => {
                        let mut lent = None;
                        lines
                            .with_next(&mut |l| lent = Some((l.number, l.bytes.to_vec(), l.length)))
                            .map(|read| read.map(|()| lent.expect("a line is handed over when one is read")))
                    }
                    most => match lines.next_within(most) {
                        Ok(next) => next.map(|line| line.map(|l| (l.number, l.bytes, l.length))),
                        Err(Longer) => continue,
                    },
                };
                match next {
                    Some(line) => got.push(line.unwrap()),
                    None => break,
                }
            }
            prop_assert_eq!(got, reference_lines(&input, limit));
            prop_assert_eq!(lines.bytes_read(), input.len() as u64);
        }
    }

    /// A reader that gives what `script` says, one read at a time, then the end; it counts its
    /// reads.
    struct Scripted {
        script: Vec<io::Result<&'static [u8]>>,
        reads: usize,
    }

    impl io::Read for Scripted {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.reads += 1;
            if self.script.is_empty() {
                return Ok(0);
            }
            let bytes = self.script.remove(0)?;
            buf[..bytes.len()].copy_from_slice(bytes);
            Ok(bytes.len())
        }
    }

    fn scripted(script: Vec<io::Result<&'static [u8]>>) -> BoundedLines<io::BufReader<Scripted>> {
        BoundedLines::new(
            io::BufReader::with_capacity(64, Scripted { script, reads: 0 }),
            100,
        )
    }

    /// What a run of plain reads or of lent lines gives: each line, or the error's kind, until
    /// the end; and how many reads it took.
    fn outcomes(
        mut lines: BoundedLines<io::BufReader<Scripted>>,
        lent: bool,
    ) -> (Vec<Result<Vec<u8>, io::ErrorKind>>, usize) {
        let mut got = Vec::new();
        loop {
            let next = if lent {
                let mut bytes = Vec::new();
                lines
                    .with_next(&mut |l| bytes = l.bytes.to_vec())
                    .map(|read| read.map(|()| bytes))
            } else {
                lines.next().map(|line| line.map(|l| l.bytes))
            };
            match next {
                Some(line) => got.push(line.map_err(|e| e.kind())),
                None => break,
            }
        }
        (got, lines.reader.get_ref().reads)
    }

    #[test]
    fn lent_lines_retry_an_interrupted_read_and_end_at_an_error_as_plain_ones_do() {
        let script = || {
            vec![
                Err(io::Error::from(io::ErrorKind::Interrupted)),
                Ok(&b"ab\ncd\n"[..]),
                Err(io::Error::other("the disk went away")),
            ]
        };
        let plain = outcomes(scripted(script()), false);
        assert_eq!(
            plain.0,
            vec![Ok(b"ab".to_vec()), Ok(b"cd".to_vec()), Err(io::ErrorKind::Other)]
        );
        assert_eq!(outcomes(scripted(script()), true), plain);
    }

    #[test]
    fn lent_lines_end_at_the_first_end_of_file_as_plain_ones_do() {
        // A terminal gives an end of file once: a second read would wait for another.
        let plain = outcomes(scripted(vec![Ok(&b"ab\n"[..])]), false);
        assert_eq!(plain, (vec![Ok(b"ab".to_vec())], 2));
        assert_eq!(outcomes(scripted(vec![Ok(&b"ab\n"[..])]), true), plain);
    }

    #[test]
    fn a_line_in_the_buffer_is_lent_from_it() {
        let input: &[u8] = b"\xEF\xBB\xBFab\r\ncd\nef";
        let mut lines = BoundedLines::new(input, 100);
        let mut seen = Vec::new();
        while let Some(read) =
            lines.with_next(&mut |l| seen.push((l.number, l.bytes.as_ptr(), l.bytes.to_vec(), l.length)))
        {
            read.unwrap();
        }
        let at = |i: usize| input[i..].as_ptr();
        assert_eq!(
            seen,
            vec![
                (1, at(3), b"ab".to_vec(), 2),
                (2, at(7), b"cd".to_vec(), 2),
                (3, seen[2].1, b"ef".to_vec(), 2)
            ]
        );
        // The last line, with no line ending, is read the plain way (into a `Line` of its own).
        assert_ne!(seen[2].1, at(10));
    }

    #[test]
    fn a_longer_line_is_left_for_a_plain_read() {
        let input = b"ab\nabcdefgh\r\nx";
        let mut lines = BoundedLines::new(io::BufReader::with_capacity(2, &input[..]), 100);
        let first = lines.next_within(4).ok().flatten().and_then(Result::ok);
        assert_eq!(first.map(|l| l.bytes), Some(b"ab".to_vec()));
        assert!(matches!(lines.next_within(4), Err(Longer)));
        assert!(matches!(lines.next_within(6), Err(Longer)));
        let second = lines.next().and_then(Result::ok);
        assert_eq!(
            second.map(|l| (l.number, l.bytes, l.length)),
            Some((2, b"abcdefgh".to_vec(), 8))
        );
        let last = lines.next_within(4).ok().flatten().and_then(Result::ok);
        assert_eq!(last.map(|l| (l.number, l.bytes)), Some((3, b"x".to_vec())));
        assert!(matches!(lines.next_within(4), Ok(None)));
        assert_eq!(lines.bytes_read(), input.len() as u64);
    }
}
