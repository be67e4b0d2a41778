//! Every input the fuzzers (or a reader of the code, looking for what they might find) turned up
//! stays a test: each file under `fuzz/regressions/TARGET/` is checked the way its target checks
//! it, and must give a report or errors located at 1-based lines and columns; a portfolio that
//! parses must read back the same after being written out.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use competency::{Catalog, CheckOptions, Checker, Format, Source};

fn files(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/regressions")
        .join(target);
    // A target without regressions has no folder.
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_portfolio_regression_gives_a_report_or_located_errors() {
    let checker = Checker::new(Catalog::bundled());
    let mut seen = 0;
    for path in files("portfolio_json").into_iter().chain(files("portfolio_toml")) {
        let name = path.to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let format = Format::from_file_name(&name);
        seen += 1;
        let source = match Source::from_bytes(&name, &bytes, format) {
            Ok(source) => source,
            Err(errors) => {
                assert!(
                    errors.errors().iter().all(|e| e.column().is_none_or(|c| c >= 1)),
                    "{name}"
                );
                continue;
            }
        };
        match checker.check_source(&source, &CheckOptions::default()) {
            Ok(report) => assert_eq!(report.complete, report.units.iter().all(|u| u.complete), "{name}"),
            Err(errors) => {
                for e in errors.errors() {
                    assert!(!e.message().is_empty(), "{name}: {e}");
                    if let Some(line) = e.line() {
                        assert!(line >= 1 && e.column().is_some_and(|c| c >= 1), "{name}: {e}");
                    }
                }
            }
        }
        // What parses, written back, parses to the same portfolio.
        if let Ok(portfolio) = source.parse() {
            let json = serde_json::to_string(&portfolio).unwrap();
            let again = Source::new("again.json", &json, Format::Json).parse();
            assert_eq!(again.as_ref().ok(), Some(&portfolio), "{name}: {again:?}");
        }
    }
    assert!(seen >= 5, "found only {seen} regression inputs");
}
