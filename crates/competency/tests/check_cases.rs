//! The conformance suite: each folder in `tests/check/` holds a portfolio (`portfolio.toml` or
//! `portfolio.json`) and either `expected.json` (the exact report) or `expected-error.txt`
//! (the exact errors). A case with a `units/` folder is checked against the bundled units
//! extended by the unit files in it (relations the bundled units do not have, say).
//! `COMPETENCY_BLESS=1` rewrites the expected files.

#![allow(clippy::unwrap_used)]

mod support;

use competency::{Catalog, CheckOptions, Checker, Format, Source};

#[test]
fn every_case_gives_its_expected_report_or_errors() {
    let cases = support::case_dirs("check");
    assert!(
        cases.len() >= 60,
        "expected at least 60 conformance cases, found {}",
        cases.len()
    );
    let bundled = Checker::new(Catalog::bundled());
    let mut failures = Vec::new();
    for dir in cases {
        let extended;
        let own_units = dir.join("units");
        let checker = if own_units.is_dir() {
            let own =
                Catalog::from_dir(&own_units).unwrap_or_else(|e| panic!("{}: {e}", own_units.display()));
            extended = Catalog::bundled().extended(own).0;
            &Checker::new(&extended)
        } else {
            &bundled
        };
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
