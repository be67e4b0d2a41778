//! The conformance suite: each folder in `tests/check/` holds a portfolio (`portfolio.toml` or
//! `portfolio.json`) and either `expected.json` (the exact report) or `expected-error.txt`
//! (the exact errors). A case may also hold `units.txt`: a unit directory, relative to the
//! workspace, whose files are added to the bundled units as `--units DIR` adds them (for
//! releases the bundled set does not hold). `COMPETENCY_BLESS=1` rewrites the expected files.

#![allow(clippy::unwrap_used)]

mod support;

use competency::{Catalog, CheckOptions, Checker, Format, Report, Source};

#[test]
fn every_case_gives_its_expected_report_or_errors() {
    let cases = support::case_dirs("check");
    assert!(
        cases.len() >= 60,
        "expected at least 60 conformance cases, found {}",
        cases.len()
    );
    let checker = Checker::new(Catalog::bundled());
    let mut failures = Vec::new();
    for dir in cases {
        let extended = extra_units(&dir).map(|units| Catalog::bundled().extended(units).0);
        let with_extra = extended.as_ref().map(Checker::new);
        let checker = with_extra.as_ref().unwrap_or(&checker);
        let (name, format) = if dir.join("portfolio.json").exists() {
            ("portfolio.json", Format::Json)
        } else {
            ("portfolio.toml", Format::Toml)
        };
        let text = std::fs::read_to_string(dir.join(name))
            .unwrap_or_else(|_| panic!("{} has no portfolio.toml or portfolio.json", dir.display()));
        let result = checker.check_source(&Source::new(name, &text, format), &CheckOptions::default());
        let (file, actual) = match result {
            Ok(report) => ("expected.json", report.to_json()),
            Err(errors) => ("expected-error.txt", format!("{errors}\n")),
        };
        let other = if file == "expected.json" {
            "expected-error.txt"
        } else {
            "expected.json"
        };
        if dir.join(other).exists() && std::env::var_os("COMPETENCY_BLESS").is_none() {
            failures.push(format!(
                "{}: expected {other}, but the check gave {file}:\n{actual}",
                dir.display()
            ));
            continue;
        }
        if std::env::var_os("COMPETENCY_BLESS").is_some() {
            let _ = std::fs::remove_file(dir.join(other));
        }
        failures.extend(support::check_expected(&dir.join(file), &actual));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every expected report reads back into a [`Report`] (a platform reading our JSON) that
/// writes the same bytes.
#[test]
fn every_expected_report_reads_back_and_writes_the_same_json() {
    let mut reports = 0;
    for dir in support::case_dirs("check") {
        let Ok(text) = std::fs::read_to_string(dir.join("expected.json")) else {
            continue;
        };
        let report: Report = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let original: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            serde_json::to_value(&report).unwrap(),
            original,
            "{}",
            dir.display()
        );
        assert_eq!(report.to_json(), text, "{}", dir.display());
        reports += 1;
    }
    assert!(reports >= 100, "only {reports} expected reports");
}

/// The bundled units plus those of the directory a case's `units.txt` names, if it has one.
fn extra_units(case: &std::path::Path) -> Option<Catalog> {
    let named = std::fs::read_to_string(case.join("units.txt")).ok()?;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(named.trim());
    Some(Catalog::from_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())))
}
