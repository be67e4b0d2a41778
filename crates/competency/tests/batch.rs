//! Batch checking: input order, sequential and parallel alike, over-long and blank lines.
#![allow(clippy::unwrap_used)]

use std::io::BufReader;
use std::sync::Arc;

use competency::{BatchOptions, Catalog, Checker, Record, SharedChecker, Verdict};

mod batch_input;

use batch_input::{complete, jsonl, kinds, mixed};

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
