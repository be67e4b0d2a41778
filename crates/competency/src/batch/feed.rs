//! The lines a batch checks: blank ones skipped and counted, and the input's end or read
//! error kept.

use std::io;

use super::Summary;
use crate::lines::Line;
use crate::pipeline::Longer;

/// Lines read, with blank ones skipped and counted: what is given to the checking threads.
/// It ends at the end of the input or at a read error, which it keeps.
pub(super) struct Feed<I> {
    lines: I,
    /// Bytes read so far, for a reader; `None` for in-memory lines (counted as given).
    bytes_of: fn(&I) -> Option<u64>,
    pub(super) summary: Summary,
    pub(super) failed: Option<io::Error>,
    pub(super) ended: bool,
}

impl<I: Iterator<Item = io::Result<Line>>> Feed<I> {
    pub(super) fn new(lines: I, bytes_of: fn(&I) -> Option<u64>) -> Self {
        Feed {
            lines,
            bytes_of,
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
            match read(&mut self.lines)? {
                None => self.ended = true,
                Some(Err(e)) => {
                    self.failed = Some(e);
                    self.ended = true;
                }
                Some(Ok(line)) => {
                    self.summary.bytes = match (self.bytes_of)(&self.lines) {
                        Some(bytes) => bytes,
                        // An in-memory line: its length and one line ending.
                        None => self.summary.bytes + line.length + 1,
                    };
                    if line.is_blank() {
                        self.summary.blank += 1;
                    } else {
                        return Ok(Some(line));
                    }
                }
            }
        }
        if let Some(bytes) = (self.bytes_of)(&self.lines) {
            self.summary.bytes = bytes;
        }
        Ok(None)
    }
}

impl<I: Iterator<Item = io::Result<Line>>> Iterator for Feed<I> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        self.next_by(|lines| Ok(lines.next())).unwrap_or(None)
    }
}
