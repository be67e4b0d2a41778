//! Streamed batch checking (`check_reader_to`): input order with lines checked alone or beside
//! one, over-long lines, and read and write errors.
#![allow(clippy::unwrap_used)]

use std::io::BufReader;

use competency::{BatchOptions, Catalog, Checker, Record, Verdict};

mod batch_input;

use batch_input::{complete, jsonl, kinds, mixed};

fn long_portfolio(copies: usize) -> String {
    let mut full = complete();
    let items = full["evidence"].as_array().unwrap().clone();
    let evidence = full["evidence"].as_array_mut().unwrap();
    for copy in 0..copies {
        for item in &items {
            let mut item = item.clone();
            item["id"] = serde_json::json!(format!("{}-copy{copy}", item["id"].as_str().unwrap()));
            evidence.push(item);
        }
    }
    serde_json::to_string(&full).unwrap()
}

/// Options whose in-flight bounds are small against these lines, so that the streaming
/// pipeline's rules (a line alone, a large line beside others, one heavy line at a time, a
/// full reorder window) all come into play.
fn tight(jobs: usize, lines: usize, bytes: usize) -> BatchOptions {
    let mut options = BatchOptions::default();
    options.jobs = jobs;
    options.chunk_lines = lines;
    options.chunk_bytes = bytes;
    options
}

#[test]
fn streaming_writes_the_records_in_input_order_when_a_long_line_comes_first() {
    let checker = Checker::new(Catalog::bundled());
    let long = long_portfolio(40);
    let short = kinds();
    assert!(long.len() > 20 * short[0].len());
    // The slowest line first, then short ones; another long one later, and a blank line.
    let mut text = format!(
        "{long}
"
    );
    for i in 0..60 {
        text.push_str(&short[i % short.len()]);
        text.push('\n');
        if i == 30 {
            text.push_str(&long);
            text.push_str("\n\n");
        }
    }
    let expected = jsonl(&checker.check_jsonl(&text, &BatchOptions::default()));
    assert_eq!(expected.lines().count(), 62);
    let big = long.len();
    for options in [
        tight(1, 1_024, 6 << 20),
        tight(2, 1_024, 6 << 20),
        tight(2, 4, big * 4),
        tight(3, 2, big),
        tight(2, 1_024, big / 3),
        tight(2, 1, 1),
        tight(0, 8, short[0].len() * 3),
    ] {
        let mut out = Vec::new();
        let reader = BufReader::with_capacity(97, text.as_bytes());
        let written = checker.check_reader_to(reader, &mut out, &options, |_| {});
        let label = format!(
            "jobs {}, lines {}, bytes {}",
            options.jobs, options.chunk_lines, options.chunk_bytes
        );
        assert_eq!(String::from_utf8(out).unwrap(), expected, "{label}");
        assert!(
            written.read_error.is_none() && written.write_error.is_none(),
            "{label}"
        );
        assert_eq!(written.summary.portfolios, 62, "{label}");
        assert_eq!(written.summary.blank, 1, "{label}");
        assert_eq!(written.summary.bytes, text.len() as u64, "{label}");
        // The iterator over the same bounds gives the same records.
        let records: Vec<Record> = checker
            .check_reader(text.as_bytes(), &options)
            .map(Result::unwrap)
            .collect();
        assert_eq!(jsonl(&records), expected, "iterator, {label}");
    }
}

/// `count` short lines, cycling through `short`, with `long` before each `i` that `long_before`
/// picks and a blank line after each that `blank_after` picks.
fn long_among_short(
    long: &str,
    short: &[String],
    count: usize,
    long_before: impl Fn(usize) -> bool,
    blank_after: impl Fn(usize) -> bool,
) -> String {
    let mut text = String::new();
    for i in 0..count {
        if long_before(i) {
            text.push_str(long);
            text.push('\n');
        }
        text.push_str(&short[i % short.len()]);
        text.push('\n');
        if blank_after(i) {
            text.push('\n');
        }
    }
    text
}

/// How often `count_release` was called (a `fn()` cannot capture a counter).
static RELEASES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn count_release() {
    RELEASES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
}

#[test]
fn with_threads_a_line_over_half_the_window_is_checked_alone_after_release_memory() {
    let checker = Checker::new(Catalog::bundled());
    let long = long_portfolio(40);
    let short = kinds();
    // Three long lines among short ones; the window is under twice a long line, so each long
    // line is checked alone, and `release_memory` is called once before each.
    let text = long_among_short(&long, &short, 45, |i| i % 15 == 7, |_| false);
    let expected = jsonl(&checker.check_jsonl(&text, &BatchOptions::default()));
    let mut options = tight(2, 1_024, long.len() * 2 - 1);
    options.release_memory = Some(count_release);
    let mut out = Vec::new();
    let written = checker.check_reader_to(text.as_bytes(), &mut out, &options, |_| {});
    assert_eq!(String::from_utf8(out).unwrap(), expected);
    assert_eq!(written.summary.portfolios, 48);
    assert_eq!(RELEASES.load(std::sync::atomic::Ordering::SeqCst), 3);
}

/// How many temporary files `count_temp_file` made.
static TEMP_FILES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn count_temp_file() -> std::io::Result<std::fs::File> {
    TEMP_FILES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    tempfile::tempfile()
}

fn no_temp_file() -> std::io::Result<std::fs::File> {
    Err(std::io::Error::other("no room for a temporary file"))
}

/// A file every write to fails, as on a full disk.
fn unwritable_temp_file() -> std::io::Result<std::fs::File> {
    std::fs::File::open(std::env::current_exe()?)
}

#[test]
fn with_a_temporary_file_lines_are_checked_beside_a_line_checked_alone_and_nothing_moves() {
    let checker = Checker::new(Catalog::bundled());
    let long = long_portfolio(40);
    let short = kinds();
    // Long lines, each checked alone, with many short ones after each, which the other
    // thread checks beside it and holds back in the file until its record is written.
    let text = long_among_short(&long, &short, 120, |i| i % 30 == 0, |i| i % 7 == 0);
    let expected = jsonl(&checker.check_jsonl(&text, &BatchOptions::default()));
    for (make, label) in [
        (
            count_temp_file as fn() -> std::io::Result<std::fs::File>,
            "a file",
        ),
        (no_temp_file, "no file"),
        (unwritable_temp_file, "a file that fails"),
    ] {
        for jobs in [2, 3] {
            // Short lines are under a thirty-second of the window, the long ones over half.
            let mut options = tight(jobs, 1_024, long.len() * 2 - 1);
            assert!(short.iter().all(|s| s.len() < options.chunk_bytes / 32));
            options.temp_file = Some(make);
            let mut out = Vec::new();
            let mut progress = 0;
            let written = checker.check_reader_to(
                BufReader::with_capacity(61, text.as_bytes()),
                &mut out,
                &options,
                |_| progress += 1,
            );
            assert_eq!(String::from_utf8(out).unwrap(), expected, "{label}, jobs {jobs}");
            assert!(written.write_error.is_none() && written.read_error.is_none());
            assert_eq!(written.summary.portfolios, 124, "{label}, jobs {jobs}");
            assert_eq!(written.summary.blank, 18, "{label}, jobs {jobs}");
            assert_eq!(progress, 124, "{label}, jobs {jobs}");
        }
    }
    // Made once a batch, when first needed.
    assert_eq!(TEMP_FILES.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[test]
fn streaming_an_over_long_line_gives_its_error_record_and_goes_on() {
    let checker = Checker::new(Catalog::bundled());
    let kinds = kinds();
    let limit = kinds[0].len() + 10;
    let long = format!(r#"{{"format": 1, "padding": "{}"}}"#, "x".repeat(limit * 5));
    let text = format!("{long}\n{}\n{long}\r\n{}\n", kinds[1], kinds[0]);
    for jobs in [1, 2] {
        let mut options = tight(jobs, 1_024, 6 << 20);
        options.check.limits.input_bytes = limit;
        let mut out = Vec::new();
        let written = checker.check_reader_to(
            BufReader::with_capacity(100, text.as_bytes()),
            &mut out,
            &options,
            |_| {},
        );
        let records: Vec<Record> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        let verdicts: Vec<(u64, Verdict)> = records.iter().map(|r| (r.line, r.verdict())).collect();
        assert_eq!(
            verdicts,
            [
                (1, Verdict::Invalid),
                (2, Verdict::Incomplete),
                (3, Verdict::Invalid),
                (4, Verdict::Complete)
            ],
            "jobs {jobs}"
        );
        assert_eq!(
            records[2].result.as_ref().unwrap_err().errors()[0]
                .code()
                .as_str(),
            "limit-exceeded"
        );
        assert_eq!(written.summary.exit_code(), 2);
    }
}

/// Gives its bytes, then fails.
struct FailingReader<'a>(&'a [u8]);

impl std::io::Read for FailingReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.0.is_empty() {
            return Err(std::io::Error::other("the disk went away"));
        }
        let n = buf.len().min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

/// Takes `room` bytes, then fails.
struct FullWriter {
    taken: Vec<u8>,
    room: usize,
}

impl std::io::Write for FullWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.taken.len() + buf.len() > self.room {
            return Err(std::io::Error::other("no space left"));
        }
        self.taken.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn streaming_stops_at_a_read_or_write_error_after_every_earlier_record() {
    let checker = Checker::new(Catalog::bundled());
    let text = mixed();
    let expected = jsonl(&checker.check_jsonl(&text, &BatchOptions::default()));
    let lines: Vec<&str> = expected.lines().collect();
    // The input breaks off after 50 whole lines.
    let cut: usize = text.split_inclusive('\n').take(50).map(str::len).sum();
    for jobs in [1, 2] {
        let options = tight(jobs, 16, 6 << 20);
        let mut out = Vec::new();
        let written = checker.check_reader_to(
            BufReader::new(FailingReader(&text.as_bytes()[..cut])),
            &mut out,
            &options,
            |_| {},
        );
        let error = written.read_error.expect("the read error");
        assert_eq!(error.to_string(), "the disk went away");
        let got = String::from_utf8(out).unwrap();
        let blank = text
            .split_inclusive('\n')
            .take(50)
            .filter(|l| l.trim().is_empty())
            .count();
        assert_eq!(got.lines().count(), 50 - blank, "jobs {jobs}");
        assert!(expected.starts_with(&got), "jobs {jobs}");
        // The output fills up after three records: those are written whole, and no more.
        let room = lines[..3].iter().map(|l| l.len() + 1).sum::<usize>() + 5;
        let mut full = FullWriter {
            taken: Vec::new(),
            room,
        };
        let written = checker.check_reader_to(text.as_bytes(), &mut full, &options, |_| {});
        assert!(written.write_error.is_some(), "jobs {jobs}");
        assert_eq!(written.summary.portfolios, 3, "jobs {jobs}");
        assert_eq!(
            String::from_utf8(full.taken).unwrap(),
            format!("{}\n", lines[..3].join("\n"))
        );
    }
}
