//! The lines a batch checks: blank ones skipped and counted, and the input's end or read
//! error kept.

use std::io;

use super::Summary;
use crate::lines::{Line, LineRef};
use crate::pipeline::Longer;

/// Hands the next line of `I` to a function, borrowed, as [`BoundedLines::with_next`] does;
/// `None` at the end.
///
/// [`BoundedLines::with_next`]: crate::lines::BoundedLines::with_next
pub(super) type WithNext<I> = fn(&mut I, &mut dyn FnMut(LineRef<'_>)) -> Option<io::Result<()>>;

/// [`WithNext`] for lines that are already [`Line`]s.
pub(super) fn each_line<I: Iterator<Item = io::Result<Line>>>(
    lines: &mut I,
    f: &mut dyn FnMut(LineRef<'_>),
) -> Option<io::Result<()>> {
    Some(lines.next()?.map(|line| f(line.view())))
}

/// Lines read, with blank ones skipped and counted: what is given to the checking threads.
/// It ends at the end of the input or at a read error, which it keeps.
pub(super) struct Feed<I> {
    lines: I,
    /// Bytes read so far, for a reader; `None` for in-memory lines (counted as given).
    bytes_of: fn(&I) -> Option<u64>,
    /// How [`Feed::next_with`] reads a line.
    with_next: WithNext<I>,
    pub(super) summary: Summary,
    pub(super) failed: Option<io::Error>,
    pub(super) ended: bool,
}

impl<I: Iterator<Item = io::Result<Line>>> Feed<I> {
    pub(super) fn new(lines: I, bytes_of: fn(&I) -> Option<u64>, with_next: WithNext<I>) -> Self {
        Feed {
            lines,
            bytes_of,
            with_next,
            summary: Summary::default(),
            failed: None,
            ended: false,
        }
    }

    /// The next line that is not blank, each read with `read`; `Err(Longer)` as `read` gives it.
    pub(super) fn next_by(
        &mut self,
        mut read: impl FnMut(&mut I) -> Result<Option<io::Result<Line>>, Longer>,
    ) -> Result<Option<Line>, Longer> {
        while !self.ended {
            let (read, line) = match read(&mut self.lines)? {
                Some(Ok(line)) => (Some(Ok((line.length, line.view().is_blank()))), Some(line)),
                Some(Err(e)) => (Some(Err(e)), None),
                None => (None, None),
            };
            if self.counted(read) {
                return Ok(line);
            }
        }
        self.at_end();
        Ok(None)
    }

    /// As [`Feed::next_by`] with a plain read, the line handed to `f` as it was read (from
    /// the reader's buffer, for a reader, where the whole line is in it): whether there was
    /// one.
    pub(super) fn next_with(&mut self, f: &mut dyn FnMut(LineRef<'_>)) -> bool {
        while !self.ended {
            let mut seen = (0, false);
            let read = (self.with_next)(&mut self.lines, &mut |line| {
                seen = (line.length, line.is_blank());
                if !seen.1 {
                    f(line);
                }
            });
            if self.counted(read.map(|read| read.map(|()| seen))) {
                return true;
            }
        }
        self.at_end();
        false
    }

    /// Counts what a read gave: a line's length and whether it is blank, the end of the input,
    /// or a read error. True for a line that is not blank.
    fn counted(&mut self, read: Option<io::Result<(u64, bool)>>) -> bool {
        match read {
            None => self.ended = true,
            Some(Err(e)) => {
                self.failed = Some(e);
                self.ended = true;
            }
            Some(Ok((length, blank))) => {
                self.summary.bytes = match (self.bytes_of)(&self.lines) {
                    Some(bytes) => bytes,
                    // An in-memory line: its length and one line ending.
                    None => self.summary.bytes + length + 1,
                };
                if !blank {
                    return true;
                }
                self.summary.blank += 1;
            }
        }
        false
    }

    fn at_end(&mut self) {
        if let Some(bytes) = (self.bytes_of)(&self.lines) {
            self.summary.bytes = bytes;
        }
    }
}

impl<I: Iterator<Item = io::Result<Line>>> Iterator for Feed<I> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        self.next_by(|lines| Ok(lines.next())).unwrap_or(None)
    }
}
