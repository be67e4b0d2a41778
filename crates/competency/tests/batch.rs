//! Batch checking: input order, sequential and parallel alike, over-long and blank lines.
#![allow(clippy::unwrap_used)]

use std::io::BufReader;
use std::sync::Arc;

use competency::{BatchOptions, Catalog, Checker, Record, SharedChecker, Verdict};

fn complete() -> serde_json::Value {
    serde_json::from_str(include_str!("../../../examples/CHCMGT006-complete.json")).unwrap()
}

/// A complete, an incomplete and four kinds of invalid portfolio, one per line.
fn kinds() -> Vec<String> {
    let full = complete();
    let mut gaps = full.clone();
    gaps["evidence"].as_array_mut().unwrap().truncate(5);
    let mut unknown = full.clone();
    unknown["units"] = serde_json::json!(["CHCMGT007"]);
    let mut bad_date = full.clone();
    bad_date["evidence"][2]["date"] = serde_json::json!("2026-02-30");
    vec![
        serde_json::to_string(&full).unwrap(),
        serde_json::to_string(&gaps).unwrap(),
        serde_json::to_string(&unknown).unwrap(),
        serde_json::to_string(&bad_date).unwrap(),
        r#"{"format": 1, "candidate": "#.to_owned(),
        "[1, 2, 3]".to_owned(),
    ]
}

/// 200 lines mixing every kind (and a few blank ones).
fn mixed() -> String {
    let kinds = kinds();
    let mut text = String::new();
    for i in 0..200 {
        if i % 37 == 5 {
            text.push_str("   \n");
        } else {
            text.push_str(&kinds[(i * 7) % kinds.len()]);
            text.push('\n');
        }
    }
    text
}

fn jsonl(records: &[Record]) -> String {
    records.iter().map(Record::to_json_line).collect()
}

#[test]
fn sequential_and_parallel_give_the_same_records_in_input_order() {
    let checker = Checker::new(Catalog::bundled());
    let text = mixed();
    let mut sequential = BatchOptions::default();
    sequential.chunk_lines = 16;
    let expected = checker.check_jsonl(&text, &sequential);
    let blank = text.lines().filter(|l| l.trim().is_empty()).count();
    assert_eq!(expected.len(), 200 - blank);
    let numbers: Vec<u64> = expected.iter().map(|r| r.line).collect();
    let want: Vec<u64> = text
        .lines()
        .zip(1..)
        .filter(|(l, _)| !l.trim().is_empty())
        .map(|(_, n)| n)
        .collect();
    assert_eq!(numbers, want);
    for verdict in [Verdict::Complete, Verdict::Incomplete, Verdict::Invalid] {
        assert!(expected.iter().any(|r| r.verdict() == verdict), "{verdict:?}");
    }
    let expected = jsonl(&expected);
    for (jobs, chunk_lines) in [(2, 16), (2, 1), (0, 1_024), (3, 7)] {
        let mut options = BatchOptions::default();
        options.jobs = jobs;
        options.chunk_lines = chunk_lines;
        assert_eq!(
            jsonl(&checker.check_jsonl(&text, &options)),
            expected,
            "jobs {jobs}, chunk {chunk_lines}"
        );
        // A reader with a small buffer, so lines cross buffer boundaries.
        let reader = BufReader::with_capacity(61, text.as_bytes());
        let records: Vec<Record> = checker
            .check_reader(reader, &options)
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            jsonl(&records),
            expected,
            "reader, jobs {jobs}, chunk {chunk_lines}"
        );
        let lines: Vec<Record> = checker
            .check_lines(text.lines(), &options)
            .map(Result::unwrap)
            .collect();
        assert_eq!(jsonl(&lines), expected, "lines, jobs {jobs}, chunk {chunk_lines}");
    }
}

/// With one job a line is checked where the reader's buffer holds it, or copied out where the
/// buffer's end cuts it: the records and the counts are the same whatever the buffer's size.
#[test]
fn one_job_gives_the_same_records_whatever_the_readers_buffer() {
    let checker = Checker::new(Catalog::bundled());
    // Some lines end in `\r\n`.
    let text = mixed().replacen('\n', "\r\n", 50);
    let options = BatchOptions::default();
    assert_eq!(options.threads(), 1);
    let mut from_lines = checker.check_lines(text.lines(), &options);
    let lines: Vec<Record> = from_lines.by_ref().map(Result::unwrap).collect();
    let expected = jsonl(&lines);
    let counted = from_lines.summary();
    let mut summaries = Vec::new();
    for capacity in [1, 61, 4096, 1 << 20] {
        let mut records = checker.check_reader(BufReader::with_capacity(capacity, text.as_bytes()), &options);
        let got: Vec<Record> = records.by_ref().map(Result::unwrap).collect();
        assert_eq!(jsonl(&got), expected, "records, capacity {capacity}");
        let mut out = Vec::new();
        let written = checker.check_reader_to(
            BufReader::with_capacity(capacity, text.as_bytes()),
            &mut out,
            &options,
            |_| {},
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            expected,
            "written, capacity {capacity}"
        );
        assert_eq!(written.summary, records.summary(), "capacity {capacity}");
        summaries.push(written.summary);
    }
    assert!(summaries.iter().all(|s| *s == summaries[0]));
    // The same counts as the lines given one by one; bytes as read (each `\r` included).
    let read = summaries[0];
    let counts = |s: &competency::Summary| (s.portfolios, s.complete, s.incomplete, s.invalid, s.blank);
    assert_eq!(counts(&read), counts(&counted));
    assert!(read.portfolios > 0 && read.blank > 0);
    assert_eq!(read.bytes, text.len() as u64);
}

#[test]
fn an_over_long_line_is_an_error_record_and_the_next_line_is_checked() {
    let checker = Checker::new(Catalog::bundled());
    let kinds = kinds();
    let limit = kinds[0].len() + 10;
    let long = format!(r#"{{"format": 1, "padding": "{}"}}"#, "x".repeat(limit * 5));
    let text = format!("{}\n{long}\r\n{}\n", kinds[1], kinds[0]);
    let mut options = BatchOptions::default();
    options.check.limits.input_bytes = limit;
    options.name = "in.jsonl".to_owned();
    let reader = BufReader::with_capacity(100, text.as_bytes());
    let mut records = checker.check_reader(reader, &options);
    let got: Vec<Record> = records.by_ref().map(Result::unwrap).collect();
    assert_eq!(got.len(), 3);
    assert_eq!(got[0].verdict(), Verdict::Incomplete);
    let errors = got[1].result.as_ref().unwrap_err();
    assert_eq!(got[1].line, 2);
    assert_eq!(errors.errors()[0].code().as_str(), "limit-exceeded");
    assert_eq!(errors.errors()[0].file(), Some("in.jsonl"));
    assert!(
        errors.errors()[0]
            .message()
            .contains(&format!("{} bytes", long.len())),
        "{}",
        errors.errors()[0].message()
    );
    assert_eq!(got[2].line, 3);
    assert_eq!(got[2].verdict(), Verdict::Complete);
    let summary = records.summary();
    assert_eq!(
        (
            summary.portfolios,
            summary.complete,
            summary.incomplete,
            summary.invalid
        ),
        (3, 1, 1, 1)
    );
    assert_eq!(summary.bytes, text.len() as u64);
    assert_eq!(summary.exit_code(), 2);
    // The same from in-memory lines.
    let lines: Vec<Record> = checker
        .check_lines(text.lines(), &options)
        .map(Result::unwrap)
        .collect();
    assert_eq!(jsonl(&lines), jsonl(&got));
}

#[test]
fn record_json_is_one_compact_line_with_the_line_number() {
    let checker = Checker::new(Catalog::bundled());
    let kinds = kinds();
    let records = checker.check_jsonl(&format!("\n{}\n{}", kinds[0], kinds[2]), &BatchOptions::default());
    let first = records[0].to_json_line();
    assert!(first.starts_with(r#"{"line":2,"report":{"#), "{}", &first[..40]);
    assert_eq!(first.matches('\n').count(), 1);
    let report: serde_json::Value = serde_json::from_str(&first).unwrap();
    let alone = checker
        .check_source(
            &competency::Source::new("x.json", &kinds[0], competency::Format::Json),
            &Default::default(),
        )
        .unwrap();
    assert_eq!(
        report["report"],
        serde_json::from_str::<serde_json::Value>(&alone.to_json()).unwrap()
    );
    let second: serde_json::Value = serde_json::from_str(&records[1].to_json_line()).unwrap();
    assert_eq!(second["line"], 3);
    let unknown = second["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "unknown-unit")
        .unwrap();
    assert_eq!(unknown["file"], "<stdin>");
    assert_eq!(unknown["line"], 1);
    assert_eq!(unknown["pointer"], "/units/0");
}

#[test]
fn a_shared_checker_checks_from_other_threads() {
    let checker: Arc<SharedChecker> = Arc::new(Checker::shared(Arc::new(Catalog::bundled().clone())));
    let text = mixed();
    let expected = jsonl(&Checker::new(Catalog::bundled()).check_jsonl(&text, &BatchOptions::default()));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let checker = Arc::clone(&checker);
            let text = text.clone();
            std::thread::spawn(move || jsonl(&checker.check_jsonl(&text, &BatchOptions::default())))
        })
        .collect();
    for handle in handles {
        assert_eq!(handle.join().unwrap(), expected);
    }
}

/// A valid portfolio many times longer than the others: the complete one with its items
/// copied under new IDs.
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

#[test]
fn write_json_line_writes_the_bytes_of_to_json_line() {
    let checker = Checker::new(Catalog::bundled());
    for record in checker.check_jsonl(&mixed(), &BatchOptions::default()) {
        let mut bytes = Vec::new();
        record.write_json_line(&mut bytes).unwrap();
        assert_eq!(String::from_utf8(bytes).unwrap(), record.to_json_line());
    }
}

/// An invalid line's errors are placed at the right character, however many escaped quotes,
/// backslashes and non-ASCII characters come before them: a validation problem at its value
/// (found by walking the JSON), a JSON error where serde_json stops (its byte column turned
/// into characters).
#[test]
fn errors_on_an_invalid_line_are_placed_after_escapes_and_non_ascii_text() {
    let checker = Checker::new(Catalog::bundled());
    let mut portfolio = complete();
    let items = portfolio["evidence"].as_array_mut().unwrap();
    for (i, item) in items.iter_mut().enumerate() {
        item["title"] = serde_json::json!(format!("Übergabe \"{i}\" \\ nuit — {}", "é".repeat(i % 9)));
    }
    let last = items.len() - 1;
    // A requirement the unit does not have, in the last item.
    let mut unknown = portfolio.clone();
    unknown["evidence"][last]["units"]["CHCMGT006"]["covers"] = serde_json::json!(["9.99"]);
    // A field the format does not have, in the last item.
    let mut field = portfolio.clone();
    field["evidence"][last]["titel"] = serde_json::json!("x");
    let lines = [
        serde_json::to_string(&unknown).unwrap(),
        serde_json::to_string(&field).unwrap(),
    ];
    let records = checker.check_jsonl(&lines.join("\n"), &BatchOptions::default());
    let error = |r: &Record, code: &str| {
        let Err(errors) = &r.result else {
            panic!("line {} is valid", r.line)
        };
        let error = errors.errors().iter().find(|e| e.code().as_str() == code);
        error.unwrap_or_else(|| panic!("no {code} in {errors:?}")).clone()
    };
    let chars_before = |line: &str, byte: usize| line[..byte].chars().count() as u32 + 1;

    let unknown_requirement = error(&records[0], "unknown-requirement");
    let at = lines[0].find("\"9.99\"").unwrap();
    assert_eq!(unknown_requirement.line(), Some(1));
    assert_eq!(unknown_requirement.column(), Some(chars_before(&lines[0], at)));

    let unknown_field = error(&records[1], "unknown-field");
    let serde = serde_json::from_str::<competency::Portfolio>(&lines[1]).unwrap_err();
    assert_eq!(unknown_field.line(), Some(1));
    assert_eq!(
        unknown_field.column(),
        Some(chars_before(&lines[1], serde.column() - 1))
    );
    assert!(
        lines[1][..serde.column()].ends_with("\"titel\""),
        "serde stops after the key"
    );
}
