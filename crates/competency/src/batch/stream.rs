//! The two ends of a streamed batch ([`Checker::check_reader_to`](crate::Checker::check_reader_to)),
//! as the ordered map in turn (`pipeline/turns.rs`) uses them.

use std::io::{self, BufRead, Write};
use std::ops::ControlFlow;

use super::feed::Feed;
use super::{Record, Summary, Verdict};
use crate::held::Held;
use crate::lines::{BoundedLines, Line, LineRef};
use crate::pipeline::{Ends, Longer};
use crate::spool::Spool;

/// The two ends of a streamed batch: lines read from the input, records written to the output
/// (each worker reads its next line and writes the records due, in turn).
pub(super) struct Stream<'w, R, W, P> {
    pub(super) feed: Feed<BoundedLines<R>>,
    pub(super) output: &'w mut W,
    pub(super) progress: P,
    pub(super) write_error: Option<io::Error>,
    /// Records of lines checked beside a line checked alone, held back until its record is
    /// written.
    pub(super) held: Held,
}

impl<R, W, P> Stream<'_, R, W, P>
where
    R: BufRead,
    W: Write,
    P: FnMut(&Summary),
{
    /// The batch on one thread: each line checked by `check` where the reader's buffer holds
    /// it, when all of it is there ([`Feed::next_with`]), and its record serialised and written
    /// out as with several threads (a spool, whose blocks are not copied as they grow); until
    /// the input ends or a write fails.
    pub(super) fn check_each<'k>(&mut self, check: impl Fn(LineRef<'_>) -> Record<'k>) {
        loop {
            let mut checked = None;
            // The line is given back to the reader (or dropped) before its record is written.
            let more = self.feed.next_with(&mut |line| checked = Some(check(line)));
            if let Some(record) = checked {
                if self.write(spooled(record)).is_break() {
                    return;
                }
            }
            if !more {
                return;
            }
        }
    }
}

/// A record's JSON line in a spool, with its verdict; the record is dropped before the
/// spool's last block is trimmed (with several jobs, the spool may wait for its turn).
pub(super) fn spooled(record: Record<'_>) -> (Verdict, Spool) {
    let mut spool = Spool::default();
    // Writing to memory cannot fail.
    let _ = record.write_json_line(&mut spool);
    let verdict = record.verdict();
    drop(record);
    spool.finish();
    (verdict, spool)
}

impl<R, W, P> Ends<Line, (Verdict, Spool)> for Stream<'_, R, W, P>
where
    R: BufRead,
    W: Write,
    P: FnMut(&Summary),
{
    fn read(&mut self) -> Option<Line> {
        self.feed.next()
    }

    fn read_within(&mut self, most: usize) -> Result<Option<Line>, Longer> {
        self.feed.next_by(|lines| lines.next_within(most))
    }

    fn hold(&mut self) -> bool {
        self.held.ready()
    }

    fn defer(&mut self, (verdict, spool): (Verdict, Spool)) -> bool {
        self.held.push(verdict, &spool)
    }

    fn release(&mut self) -> ControlFlow<()> {
        let (summary, progress) = (&mut self.feed.summary, &mut self.progress);
        let released = self.held.release(self.output, |verdict| {
            summary.count(verdict);
            progress(summary);
        });
        match released {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                self.write_error = Some(e);
                ControlFlow::Break(())
            }
        }
    }

    fn write(&mut self, (verdict, spool): (Verdict, Spool)) -> ControlFlow<()> {
        if let Err(e) = spool.write_to(self.output) {
            self.write_error = Some(e);
            return ControlFlow::Break(());
        }
        self.feed.summary.count(verdict);
        (self.progress)(&self.feed.summary);
        ControlFlow::Continue(())
    }
}
