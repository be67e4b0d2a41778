//! The JSON Schemas in `docs/schema/`, checked with an independent validator (the `jsonschema`
//! crate) against every document of their kind the project holds or produces:
//!
//! - each committed schema is exactly what `competency schema NAME` prints;
//! - a schema never refuses a document the loader accepts: every portfolio and unit file in
//!   `examples/`, `units/`, `tests/check/` and `tests/hostile/` that loads is valid, and every
//!   report, error document and batch record the tests produce is valid;
//! - it is not vacuous: documents that the loader refuses for their shape (an unknown key, a
//!   bad ID, a wrong type) are refused by the schema too.
//!
//! Every document is validated twice: under draft 2020-12, which the schemas declare, with
//! `format` asserted (so `2026-02-30` is refused as the parser refuses it); and under draft 7
//! without formats, which is what taplo (Even Better TOML) applies to a TOML file. TOML is
//! validated as taplo sees it: a local date becomes the string of its TOML text
//! (`2026-03-02`), a non-finite float becomes `null`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod refused;
mod support;

use competency::schema::Document;
use competency::{BatchOptions, Catalog, CheckOptions, Checker, Format, Source};
use serde_json::{Value, json};

use support::*;

#[test]
fn committed_schemas_are_what_the_command_prints() {
    let dir = root().join("docs/schema");
    let bless = std::env::var_os("COMPETENCY_BLESS").is_some();
    let mut failures = Vec::new();
    for &document in Document::ALL {
        let printed = competency(&["schema", document.name()], &root(), None);
        assert_eq!(
            printed,
            document.to_json(),
            "`competency schema {}`",
            document.name()
        );
        let path = dir.join(document.file_name());
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &printed).unwrap();
            continue;
        }
        if std::fs::read_to_string(&path).ok().as_deref() != Some(printed.as_str()) {
            failures.push(format!(
                "docs/schema/{} is missing or out of date: the types it is generated from changed.\n  \
                 Regenerate every schema with `{REGENERATE}` (or this one with `competency schema {} > docs/schema/{}`), then review the diff.",
                document.file_name(),
                document.name(),
                document.file_name()
            ));
        }
    }
    // A schema file that no document has any more is stale too.
    let committed = if dir.is_dir() {
        files("docs/schema", |n| n.ends_with(".schema.json"))
    } else {
        Vec::new()
    };
    for path in committed {
        let file = path.file_name().unwrap().to_str().unwrap().to_owned();
        if !Document::ALL.iter().any(|d| d.file_name() == file) {
            failures.push(format!("docs/schema/{file} belongs to no document: remove it"));
        }
    }
    finish(failures);
}

#[test]
fn every_portfolio_the_loader_accepts_is_valid_and_every_one_the_schema_refuses_is_refused() {
    let mut failures = Vec::new();
    let mut valid = 0;
    let mut refused_by_both = 0;
    for path in portfolios() {
        let (value, result) = load_portfolio(&path);
        let Some(value) = value else { continue };
        let found = objections(Document::Portfolio, &value);
        match (&result, found.is_empty()) {
            (Ok(_), true) => valid += 1,
            (Ok(_), false) => failures.push(format!(
                "{}: the loader accepts it, the schema does not:\n  {}",
                name(&path),
                found.join("\n  ")
            )),
            (Err(errors), _) => {
                // A document refused for its shape alone must be refused by the schema too.
                let shape = errors.errors().iter().all(|e| {
                    matches!(
                        e.code().as_str(),
                        "unknown-field" | "missing-field" | "unsupported-format"
                    )
                });
                if shape && found.is_empty() {
                    failures.push(format!(
                        "{}: the loader refuses it ({}), the schema accepts it",
                        name(&path),
                        errors.errors()[0]
                    ));
                }
                refused_by_both += usize::from(!found.is_empty());
            }
        }
    }
    assert!(valid >= 150, "only {valid} valid portfolios found");
    assert!(
        refused_by_both >= 30,
        "the schema refused only {refused_by_both} invalid portfolios"
    );
    finish(failures);
}

#[test]
fn every_unit_file_the_loader_accepts_is_valid() {
    let mut failures = Vec::new();
    let mut valid = 0;
    let mut units = files("units", |n| n.ends_with(".toml"));
    for dir in std::fs::read_dir(root().join("tests/hostile/units")).unwrap() {
        let dir = dir.unwrap().path();
        if dir.is_dir() {
            units.extend(files(&name(&dir), |_| true));
        }
    }
    for path in units {
        let Some(value) = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| as_json(&t, Format::Toml))
        else {
            continue;
        };
        let found = objections(Document::Unit, &value);
        let loads = Catalog::from_paths(std::slice::from_ref(&path)).is_ok();
        if loads && !found.is_empty() {
            failures.push(format!(
                "{}: the loader accepts it, the schema does not:\n  {}",
                name(&path),
                found.join("\n  ")
            ));
        }
        valid += usize::from(found.is_empty());
    }
    assert!(valid >= 5, "only {valid} valid unit files found");
    finish(failures);
}

#[test]
fn every_report_and_error_document_the_library_gives_is_valid() {
    let mut failures = Vec::new();
    let (mut reports, mut error_documents) = (0, 0);
    // The committed conformance reports.
    for case in std::fs::read_dir(root().join("tests/check")).unwrap() {
        let expected = case.unwrap().path().join("expected.json");
        if let Ok(text) = std::fs::read_to_string(&expected) {
            let value: Value = serde_json::from_str(&text).unwrap();
            expect_valid(Document::Report, &value, &name(&expected), &mut failures);
            reports += 1;
        }
    }
    // Every portfolio's report (with names, so the optional name fields are there) or errors.
    let mut names = CheckOptions::default();
    names.include_names = true;
    for path in portfolios() {
        let bytes = std::fs::read(&path).unwrap();
        let name = name(&path);
        let result = Source::from_bytes(&name, &bytes, Format::from_file_name(&name))
            .and_then(|source| Checker::bundled().check_source(&source, &names));
        match result {
            Ok(report) => {
                let value: Value = serde_json::from_str(&report.to_json()).unwrap();
                expect_valid(
                    Document::Report,
                    &value,
                    &format!("{name}: report"),
                    &mut failures,
                );
                reports += 1;
            }
            Err(errors) => {
                let value: Value = serde_json::from_str(&errors.to_json()).unwrap();
                expect_valid(
                    Document::Errors,
                    &value,
                    &format!("{name}: errors"),
                    &mut failures,
                );
                error_documents += 1;
            }
        }
    }
    assert!(
        reports >= 150 && error_documents >= 100,
        "{reports} reports, {error_documents} error documents"
    );
    finish(failures);
}

#[test]
fn every_batch_record_is_valid() {
    let mut failures = Vec::new();
    let mut records = 0;
    let checker = Checker::new(Catalog::bundled());
    for path in files("tests/cli/fixtures", |n| n.ends_with(".jsonl")) {
        let bytes = std::fs::read(&path).unwrap();
        for record in checker.check_jsonl_bytes(&bytes, &BatchOptions::default()) {
            let value: Value = serde_json::from_str(&record.to_json_line()).unwrap();
            expect_valid(
                Document::BatchRecord,
                &value,
                &format!("{}: line {}", name(&path), record.line),
                &mut failures,
            );
            records += 1;
        }
    }
    assert!(records >= 5, "only {records} batch records");
    finish(failures);
}

/// The JSON that the command line cases in `tests/cli/` print, run again here (trycmd's files
/// hold the output with `\` shown as `/`, which is not always JSON): each document against its
/// schema, whatever the case is.
#[test]
fn every_json_output_of_the_command_line_cases_is_valid() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in files("tests/cli", |n| n.ends_with(".toml")) {
        let expected = case.with_extension("stdout");
        if !std::fs::read_to_string(&expected).is_ok_and(|s| s.starts_with('{')) {
            continue;
        }
        let spec: toml::Table = std::fs::read_to_string(&case).unwrap().parse().unwrap();
        let args: Vec<&str> = spec["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let cwd = case.parent().unwrap().join(
            spec.get("fs")
                .and_then(|fs| fs.get("cwd"))
                .and_then(|c| c.as_str())
                .unwrap_or("."),
        );
        let stdin = case.with_extension("stdin");
        let stdout = competency(&args, &cwd, stdin.exists().then_some(stdin.as_path()));
        let label = name(&case);
        if stdout.starts_with("{\"line\":") {
            for line in stdout.lines() {
                let value: Value = serde_json::from_str(line).unwrap();
                expect_valid(Document::BatchRecord, &value, &label, &mut failures);
            }
        } else {
            let value: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{label}: {e}"));
            if let Some(reports) = value.get("reports").and_then(Value::as_array) {
                // Several portfolios: each entry's report or errors.
                for entry in reports {
                    if let Some(report) = entry.get("report") {
                        expect_valid(Document::Report, report, &label, &mut failures);
                    }
                    if let Some(errors) = entry.get("errors") {
                        expect_valid(
                            Document::Errors,
                            &json!({ "errors": errors }),
                            &label,
                            &mut failures,
                        );
                    }
                }
            } else if value.get("errors").is_some() {
                expect_valid(Document::Errors, &value, &label, &mut failures);
            } else {
                expect_valid(Document::Report, &value, &label, &mut failures);
            }
        }
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} command line cases print JSON");
    finish(failures);
}

/// The error documents the hostile-input suite records.
#[test]
fn every_recorded_hostile_error_document_is_valid() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in files("tests/hostile/portfolios", |n| n.ends_with(".expected")) {
        let text = std::fs::read_to_string(&path).unwrap();
        let Some(stdout) = text
            .split_once("--- stdout\n")
            .and_then(|(_, rest)| rest.split_once("--- stderr"))
            .map(|(stdout, _)| stdout)
        else {
            continue;
        };
        if stdout.starts_with("{\n  \"errors\"") {
            let value: Value =
                serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{}: {e}", name(&path)));
            expect_valid(Document::Errors, &value, &name(&path), &mut failures);
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} recorded error documents");
    finish(failures);
}
