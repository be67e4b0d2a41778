//! Batch checking: one JSON portfolio per line in, one [`Record`] per portfolio out, in input
//! order (docs/batch.md).
//!
//! Memory is bounded. [`Checker::check_reader_to`] (what the command line runs) streams: each
//! checking thread (the calling thread one of them) reads the next line, checks it, and writes
//! the records that are due in input order, in turn (`pipeline/turns.rs`), with at most
//! [`BatchOptions::chunk_lines`] lines and about [`BatchOptions::chunk_bytes`] bytes of them in
//! flight. The [`Records`] iterator reads a
//! chunk at a time (so many lines or bytes, whichever comes first), checks it (on several
//! threads with the `parallel` feature and [`BatchOptions::jobs`] other than 1), and hands
//! its records out before the next chunk is read. No line is held beyond
//! [`Limits::input_bytes`] + 1 bytes: the rest of an over-long line is read and dropped, and the
//! line becomes a `limit-exceeded` record.
//!
//! A line that is empty or only white space is not a portfolio: it gets no record (it is
//! counted in [`Summary::blank`]). Every record carries its input line number, so results can
//! be matched to lines; a trailing empty line, which editors and `echo >>` leave, does not
//! turn a clean batch into an invalid one.
//!
//! ```
//! use competency::{BatchOptions, Catalog, Checker};
//! let checker = Checker::new(Catalog::bundled());
//! let input = "{\"format\": 1}\n\n{\"format\": 1, \"candidate\": {\"id\": \"S1\"}, \"units\": [\"CHCMGT006\"], \"evidence\": []}\n";
//! let records = checker.check_jsonl(input, &BatchOptions::default());
//! assert_eq!(records.len(), 2);
//! assert_eq!(records[0].line, 1);
//! assert!(records[0].result.is_err());
//! assert_eq!(records[1].line, 3);
//! assert!(!records[1].result.as_ref().unwrap().complete);
//! ```

use std::collections::VecDeque;
use std::io::{self, BufRead, Write};
use std::ops::ControlFlow;

use crate::check::{CheckOptions, Checker};
use crate::error::{ErrorCode, LoadErrors};
use crate::held::Held;
use crate::lines::{BoundedLines, Line, LineRef};
use crate::load::{Format, file_error};
use crate::pipeline::{Bounds, map_in_turn, ordered_map};
use crate::portfolio::Source;

mod feed;
mod stream;

use feed::{Feed, WithNext, each_line};
use stream::{Stream, spooled};

pub use crate::batch_record::Record;

/// How a batch is read and checked. Start from the defaults and set the fields you need
/// (the struct is `#[non_exhaustive]`):
///
/// ```
/// use competency::BatchOptions;
/// let mut options = BatchOptions::default();
/// options.name = "portfolios.jsonl".to_owned();
/// options.jobs = 0;
/// options.check.include_names = true;
/// ```
// Not `PartialEq`: `release_memory` is a function pointer, which has no meaningful equality.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BatchOptions {
    /// The options for each portfolio; `check.limits.input_bytes` bounds each line.
    pub check: CheckOptions,
    /// The name errors give as their `file`: the input's file name, or `<stdin>`.
    pub name: String,
    /// Threads that check lines: 1 checks on the calling thread; 0 uses one per core; at most
    /// [`BatchOptions::MAX_JOBS`] are used. Without the `parallel` feature every batch runs on
    /// the calling thread. The output is the same for every value.
    pub jobs: usize,
    /// Most lines in flight (read and not yet handed out or written): a chunk of the
    /// [`Records`] iterator, or the reorder window of [`Checker::check_reader_to`]. Default
    /// 1,024.
    pub chunk_lines: usize,
    /// Most bytes of lines in flight: a chunk of [`Records`] ends once its lines hold this
    /// many. [`Checker::check_reader_to`] reads a line only while fewer are in flight and
    /// counts a line for at most half of them, so that a large line leaves room for others
    /// to be checked beside it; it checks only one line of over an eighth of them at a time,
    /// as checking a line takes several times its bytes, and a line of over half of them
    /// alone ([`BatchOptions::release_memory`]). Default 6 MiB
    /// (docs/batch.md#memory-and-threads).
    pub chunk_bytes: usize,
    /// With several threads, [`Checker::check_reader_to`] checks a line of over half of
    /// [`BatchOptions::chunk_bytes`] alone: once nothing else is in flight, and reading no
    /// further until its record is written. Just before such a line, with nothing in flight,
    /// it calls this on the calling thread, so that the application can have its allocator
    /// give back the memory it keeps (the CLI calls glibc's `malloc_trim`): each thread's
    /// allocator arena otherwise keeps what that thread last freed, and those add up beside
    /// the large line. Default `None`.
    pub release_memory: Option<fn()>,
    /// With several threads, [`Checker::check_reader_to`] goes on checking lines beside a
    /// line checked alone, and holds their records back in a temporary file that this makes
    /// (when first needed; the CLI uses `tempfile::tempfile`, a file with no name), since they
    /// are written after its record. The file holds at most what the other threads check
    /// in the time of one such line, and is emptied after each. If it cannot be made or
    /// written, those threads wait instead, as they do with `None`: nothing is lost. Default
    /// `None`.
    pub temp_file: Option<fn() -> io::Result<std::fs::File>>,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            check: CheckOptions::default(),
            name: "<stdin>".to_owned(),
            jobs: 1,
            chunk_lines: 1_024,
            chunk_bytes: 6 * 1024 * 1024,
            release_memory: None,
            temp_file: None,
        }
    }
}

/// How one portfolio fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Verdict {
    /// Every unit checked is complete.
    Complete,
    /// Some unit's evidence is not yet complete.
    Incomplete,
    /// The portfolio is invalid: the record holds its errors.
    Invalid,
}

/// Counts over a batch so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Summary {
    /// Portfolios (records) handed out.
    pub portfolios: u64,
    /// Of which complete.
    pub complete: u64,
    /// Of which not yet complete.
    pub incomplete: u64,
    /// Of which invalid.
    pub invalid: u64,
    /// Empty or white-space lines skipped.
    pub blank: u64,
    /// Bytes of input read, line endings included.
    pub bytes: u64,
}

impl Summary {
    /// The exit code the command line gives: 2 when any portfolio is invalid, else 1 when any
    /// is incomplete, else 0.
    pub fn exit_code(&self) -> u8 {
        if self.invalid > 0 {
            2
        } else if self.incomplete > 0 {
            1
        } else {
            0
        }
    }

    fn count(&mut self, verdict: Verdict) {
        self.portfolios += 1;
        match verdict {
            Verdict::Complete => self.complete += 1,
            Verdict::Incomplete => self.incomplete += 1,
            Verdict::Invalid => self.invalid += 1,
        }
    }
}

/// What a worker turns a record into (the record itself, or for instance its JSON line, so
/// that writing it out is done on the worker threads too).
type MapFn<'a, T> = Box<dyn Fn(Record<'a>) -> T + Send + Sync + 'a>;

/// The records of a batch, in input order, checked a chunk at a time ([`BatchOptions::chunk_lines`]
/// lines or [`BatchOptions::chunk_bytes`] bytes). Each item is a mapped record, or the read
/// error that ended the input (after the records of every line read before it).
pub struct Records<'a, 'c, I, T = Record<'a>> {
    checker: &'a Checker<'c>,
    /// A copy, so that records borrow only from the checker.
    options: BatchOptions,
    feed: Feed<I>,
    map: MapFn<'a, T>,
    /// Checked and not yet handed out, in input order.
    ready: VecDeque<(Verdict, T)>,
}

impl<I, T> std::fmt::Debug for Records<'_, '_, I, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Records")
            .field("summary", &self.feed.summary)
            .finish_non_exhaustive()
    }
}

impl<'a, 'c, I, T> Records<'a, 'c, I, T>
where
    I: Iterator<Item = io::Result<Line>>,
    T: Send,
{
    fn new(
        checker: &'a Checker<'c>,
        options: &BatchOptions,
        input: I,
        map: MapFn<'a, T>,
        bytes_of: fn(&I) -> Option<u64>,
        with_next: WithNext<I>,
    ) -> Self {
        Records {
            checker,
            options: options.clone(),
            feed: Feed::new(input, bytes_of, with_next),
            map,
            ready: VecDeque::new(),
        }
    }

    /// Counts of the records handed out so far, blank lines skipped and bytes read.
    pub fn summary(&self) -> Summary {
        self.feed.summary
    }

    /// Reads the next chunk and checks it. With one thread the chunk is one line, checked as
    /// soon as it is read: its bytes are still in the processor's cache when they are parsed
    /// (a chunk of 6 MiB is not), and no more than one line is held; a reader's line is
    /// checked where it is in the reader's buffer, when all of it is there, not copied out.
    fn fill(&mut self) {
        let (checker, options, map, ready) = (self.checker, &self.options, &self.map, &mut self.ready);
        if options.threads() == 1 {
            let mut checked = None;
            self.feed
                .next_with(&mut |line| checked = Some(check_line(checker, line, options)));
            // The line is given back to the reader (or dropped) before `map` runs (it may
            // serialise the record).
            if let Some(record) = checked {
                ready.push_back((record.verdict(), map(record)));
            }
            return;
        }
        let lines = options.chunk_lines.max(1);
        let mut chunk = Vec::new();
        let mut held = 0usize;
        while chunk.len() < lines && held < options.chunk_bytes.max(1) {
            match self.feed.next() {
                Some(line) => {
                    held += line.bytes.len();
                    chunk.push(line);
                }
                None => break,
            }
        }
        let bounds = Bounds {
            items: usize::MAX,
            weight: usize::MAX,
            heavy: usize::MAX,
            alone: usize::MAX,
            before_alone: None,
            beside: 0,
            ..bounds(options)
        };
        ordered_map(
            chunk.into_iter(),
            |_| 0,
            |line| {
                let record = check_line(checker, line.view(), options);
                // Not held while `map` runs (it may serialise the record).
                drop(line);
                (record.verdict(), map(record))
            },
            |item| {
                ready.push_back(item);
                ControlFlow::Continue(())
            },
            bounds,
        );
    }
}

impl<I, T> Iterator for Records<'_, '_, I, T>
where
    I: Iterator<Item = io::Result<Line>>,
    T: Send,
{
    type Item = io::Result<T>;

    fn next(&mut self) -> Option<io::Result<T>> {
        loop {
            if let Some((verdict, item)) = self.ready.pop_front() {
                self.feed.summary.count(verdict);
                return Some(Ok(item));
            }
            if let Some(e) = self.feed.failed.take() {
                return Some(Err(e));
            }
            if self.feed.ended {
                return None;
            }
            self.fill();
        }
    }
}

/// What [`Checker::check_reader_to`] came to.
#[derive(Debug)]
#[non_exhaustive]
pub struct Written {
    /// Counts of the records written, blank lines skipped and bytes read.
    pub summary: Summary,
    /// The read error that ended the input early; the records of every line before it were
    /// written.
    pub read_error: Option<io::Error>,
    /// The write error that stopped the batch; no record was written after it.
    pub write_error: Option<io::Error>,
}

impl BatchOptions {
    /// The threads that check lines: [`BatchOptions::jobs`], or one per core for 0, at most
    /// [`BatchOptions::MAX_JOBS`]; always 1 without the `parallel` feature.
    pub fn threads(&self) -> usize {
        if !cfg!(feature = "parallel") {
            return 1;
        }
        match self.jobs {
            0 => std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
            jobs => jobs,
        }
        .min(Self::MAX_JOBS)
    }

    /// The most threads a batch uses, whatever [`BatchOptions::jobs`] asks for: each holds its
    /// lines in flight and an allocator arena, and a batch asking for billions would spend
    /// its time starting threads (or fail to start them).
    pub const MAX_JOBS: usize = 256;
}

/// The threads and the bounds on what is in flight that `options` ask for.
fn bounds(options: &BatchOptions) -> Bounds {
    let jobs = options.threads();
    let weight = options.chunk_bytes.max(1);
    Bounds {
        jobs,
        items: options.chunk_lines.max(1),
        weight,
        // Checking a line takes about six times its bytes (the parsed portfolio, its report):
        // only one line of over an eighth of the bound is checked at a time, and one of over
        // half (the most a line counts for) alone, so that what it costs is not added to a
        // full window and to what every thread's allocator keeps (docs/batch.md).
        heavy: weight / 8,
        alone: weight / 2,
        before_alone: options.release_memory,
        // Beside a line checked alone (when their records can wait in a file), lines of under
        // an eighth of the bound, and under a quarter of what the line leaves of it: on the
        // 1 GB benchmark, about 0.4 MB beside its largest line (4.6 MB), which then took about
        // 1.5 MB more at the peak, and 0.8 MB (about 99% of its lines) beside its smallest.
        beside: weight / 8,
    }
}

/// Checks one line's portfolio (JSON); an over-long line is a `limit-exceeded` error.
fn check_line<'k>(checker: &'k Checker<'_>, line: LineRef<'_>, options: &BatchOptions) -> Record<'k> {
    let limit = options.check.limits.input_bytes_for(Format::Json);
    let result = if line.length > limit as u64 || line.bytes.len() > limit {
        Err(LoadErrors::from(file_error(
            ErrorCode::LimitExceeded,
            &options.name,
            format!(
                "the portfolio is {} bytes, over the limit of {limit} bytes for JSON",
                line.length
            ),
            Some(LIMIT_HELP.to_owned()),
        )))
    } else {
        Source::from_bytes(&options.name, line.bytes, Format::Json)
            .and_then(|source| checker.check_source(&source, &options.check))
            .map(Box::new)
    };
    Record {
        line: line.number,
        result,
    }
}

const LIMIT_HELP: &str =
    "split it, or raise the limit (--max-input-bytes on the command line, `Limits` in the library)";

/// In-memory lines, numbered from 1, each held to the limit like a reader's.
fn owned_lines<S: AsRef<[u8]>>(
    lines: impl IntoIterator<Item = S>,
    limit: usize,
) -> impl Iterator<Item = io::Result<Line>> {
    let keep = limit.saturating_add(1);
    lines.into_iter().zip(1u64..).map(move |(line, number)| {
        let bytes = line.as_ref();
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        Ok(Line {
            number,
            bytes: bytes[..bytes.len().min(keep)].to_vec(),
            length: bytes.len() as u64,
        })
    })
}

impl<'c> Checker<'c> {
    /// Checks a JSON Lines text: one record per portfolio line, in input order (blank lines
    /// have none).
    pub fn check_jsonl(&self, text: &str, options: &BatchOptions) -> Vec<Record<'_>> {
        self.check_jsonl_bytes(text.as_bytes(), options)
    }

    /// Checks JSON Lines bytes; a line that is not UTF-8 is an `encoding` error record.
    pub fn check_jsonl_bytes(&self, bytes: &[u8], options: &BatchOptions) -> Vec<Record<'_>> {
        // Reading from a slice cannot fail.
        self.check_reader(bytes, options).filter_map(Result::ok).collect()
    }

    /// Checks lines given one by one (without their line endings), numbered from 1: an
    /// iterator, consumed a chunk at a time (a line at a time with one job).
    pub fn check_lines<'a, S, L>(
        &'a self,
        lines: L,
        options: &BatchOptions,
    ) -> Records<'a, 'c, impl Iterator<Item = io::Result<Line>> + use<'a, S, L>>
    where
        S: AsRef<[u8]>,
        L: IntoIterator<Item = S> + 'a,
    {
        Records::new(
            self,
            options,
            owned_lines(lines, options.check.limits.input_bytes_for(Format::Json)),
            Box::new(|record| record),
            |_| None,
            each_line,
        )
    }

    /// Checks the JSON Lines a reader gives, a chunk at a time (a line at a time with one
    /// job); never more than a chunk, and never more than the limit + 1 bytes of a line, is
    /// held.
    pub fn check_reader<'a, R: BufRead>(
        &'a self,
        reader: R,
        options: &BatchOptions,
    ) -> Records<'a, 'c, BoundedLines<R>> {
        self.check_reader_map(reader, options, |record| record)
    }

    /// Checks the JSON Lines a reader gives and writes each record's JSON line
    /// ([`Record::write_json_line`]) to `output` in input order, as soon as it and every
    /// earlier one are done: the streaming form of [`Checker::check_reader`], with no barrier
    /// between chunks. With [`BatchOptions::jobs`] other than 1, that many threads (the calling
    /// thread one of them) each read a line, check it, serialise its record and write the
    /// records that are due, in turn: `reader`, `output` and `progress` are used by each of
    /// them, so they are `Send`. A line that takes long does not stop the other threads from
    /// going on with the lines after it. With one job there are no turns: a line is checked
    /// where the reader's buffer holds it, when all of it is there (copied out otherwise), and
    /// its record is written before the next line is read.
    ///
    /// Memory is bounded by what is in flight (read and not yet written):
    /// [`BatchOptions::chunk_lines`] lines and [`BatchOptions::chunk_bytes`] bytes of them, or
    /// one line alone when it is larger (with several threads, a line of over half of them is
    /// checked alone, after [`BatchOptions::release_memory`]); no line is held beyond the
    /// limit + 1 bytes. `progress` is called after each record is written, by the thread that
    /// wrote it. A read error ends the input after the records of every line before it; a write
    /// error stops the batch.
    ///
    /// ```
    /// use competency::{BatchOptions, Catalog, Checker};
    /// let checker = Checker::new(Catalog::bundled());
    /// let input = "{\"format\": 1}\n\n[]\n";
    /// let mut output = Vec::new();
    /// let written = checker.check_reader_to(input.as_bytes(), &mut output, &BatchOptions::default(), |_| {});
    /// assert_eq!(written.summary.invalid, 2);
    /// assert_eq!(written.summary.blank, 1);
    /// assert!(written.read_error.is_none() && written.write_error.is_none());
    /// let output = String::from_utf8(output).unwrap();
    /// assert!(output.starts_with("{\"line\":1,\"errors\":["));
    /// assert!(output.lines().nth(1).unwrap().starts_with("{\"line\":3,"));
    /// ```
    pub fn check_reader_to<R: BufRead + Send, W: Write + Send>(
        &self,
        reader: R,
        output: &mut W,
        options: &BatchOptions,
        progress: impl FnMut(&Summary) + Send,
    ) -> Written {
        let limit = options.check.limits.input_bytes_for(Format::Json);
        let mut ends = Stream {
            feed: Feed::new(
                BoundedLines::new(reader, limit),
                |lines| Some(lines.bytes_read()),
                BoundedLines::with_next,
            ),
            output,
            progress,
            write_error: None,
            held: Held::new(options.temp_file),
        };
        let ends = if options.threads() == 1 {
            ends.check_each(|line| check_line(self, line, options));
            ends
        } else {
            map_in_turn(
                ends,
                |line: &Line| line.bytes.len(),
                |line| {
                    let record = check_line(self, line.view(), options);
                    // Not held while the record is serialised.
                    drop(line);
                    spooled(record)
                },
                bounds(options),
            )
        };
        Written {
            summary: ends.feed.summary,
            read_error: ends.feed.failed,
            write_error: ends.write_error,
        }
    }

    /// As [`Checker::check_reader`], with each record turned into `T` by `map` on the thread
    /// that checked it (for instance [`Record::to_json_line`], so that serialising runs in
    /// parallel too).
    pub fn check_reader_map<'a, R: BufRead, T: Send>(
        &'a self,
        reader: R,
        options: &BatchOptions,
        map: impl Fn(Record<'a>) -> T + Send + Sync + 'a,
    ) -> Records<'a, 'c, BoundedLines<R>, T> {
        let limit = options.check.limits.input_bytes_for(Format::Json);
        Records::new(
            self,
            options,
            BoundedLines::new(reader, limit),
            Box::new(map),
            |lines| Some(lines.bytes_read()),
            BoundedLines::with_next,
        )
    }
}
