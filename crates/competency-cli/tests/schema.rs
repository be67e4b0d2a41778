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

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use competency::schema::Document;
use competency::{BatchOptions, Catalog, CheckOptions, Checker, Format, LoadErrors, Source};
use serde_json::{Value, json};

/// How to bring the committed schemas up to date; the failure message says it.
const REGENERATE: &str = "COMPETENCY_BLESS=1 cargo test -p competency-cli --test schema";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Sorted files directly in `dir` (relative to the workspace root) whose names pass `keep`.
fn files(dir: &str, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().and_then(|n| n.to_str()).is_some_and(&keep))
        .collect();
    out.sort();
    out
}

fn name(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
}

/// Runs the built binary from `cwd` and returns its standard output.
fn competency(args: &[&str], cwd: &Path, stdin: Option<&Path>) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_competency"));
    command.args(args).current_dir(cwd).env("NO_COLOR", "1");
    command.stdin(match stdin {
        Some(path) => Stdio::from(std::fs::File::open(path).unwrap()),
        None => Stdio::null(),
    });
    let output = command.output().unwrap();
    String::from_utf8(output.stdout).unwrap()
}

/// The two validators of one schema.
struct Validators {
    /// Draft 2020-12, formats asserted.
    current: jsonschema::Validator,
    /// Draft 7, formats not asserted: taplo's view.
    draft7: jsonschema::Validator,
}

fn validators(document: Document) -> &'static Validators {
    static ALL: OnceLock<Vec<(Document, Validators)>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        Document::ALL
            .iter()
            .map(|&d| {
                let schema: Value = serde_json::from_str(&d.to_json()).unwrap();
                let current = jsonschema::draft202012::options()
                    .should_validate_formats(true)
                    .build(&schema)
                    .unwrap_or_else(|e| panic!("{} is not a valid 2020-12 schema: {e}", d.name()));
                let draft7 = jsonschema::draft7::new(&schema)
                    .unwrap_or_else(|e| panic!("{} is not a valid draft 7 schema: {e}", d.name()));
                (d, Validators { current, draft7 })
            })
            .collect()
    });
    &all.iter().find(|(d, _)| *d == document).unwrap().1
}

/// The schema's objections to `instance`, under either draft; empty when it is valid.
fn objections(document: Document, instance: &Value) -> Vec<String> {
    let v = validators(document);
    let mut out = Vec::new();
    for (draft, validator) in [("2020-12", &v.current), ("draft 7", &v.draft7)] {
        for error in validator.iter_errors(instance) {
            out.push(format!(
                "{} schema ({draft}): {error} at `{}`",
                document.name(),
                error.instance_path()
            ));
        }
    }
    out
}

/// Records a failure when `instance` is not valid.
fn expect_valid(document: Document, instance: &Value, label: &str, failures: &mut Vec<String>) {
    let found = objections(document, instance);
    if !found.is_empty() {
        failures.push(format!("{label}:\n  {}", found.join("\n  ")));
    }
}

fn finish(failures: Vec<String>) {
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A TOML document as taplo hands it to a JSON Schema validator.
fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => {
            Value::Object(table.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// A document's text as a JSON value, as a validator would see it; `None` when the text is not
/// valid TOML or JSON (no schema applies to it).
fn as_json(text: &str, format: Format) -> Option<Value> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        Format::Toml => text
            .parse::<toml::Table>()
            .ok()
            .map(|t| toml_to_json(toml::Value::Table(t))),
        _ => serde_json::from_str(text).ok(),
    }
}

/// Checks a portfolio with the library as the command line does (default options, bundled
/// units); its text as JSON when it is TOML or JSON at all.
fn load_portfolio(path: &Path) -> (Option<Value>, Result<competency::Report<'static>, LoadErrors>) {
    let bytes = std::fs::read(path).unwrap();
    let name = name(path);
    let format = Format::from_file_name(&name);
    let result = Source::from_bytes(&name, &bytes, format)
        .and_then(|source| Checker::bundled().check_source(&source, &CheckOptions::default()));
    let value = std::str::from_utf8(&bytes).ok().and_then(|t| as_json(t, format));
    (value, result)
}

/// Every portfolio the tests and examples hold.
fn portfolios() -> Vec<PathBuf> {
    let mut out = files("examples", |n| n.ends_with(".toml") || n.ends_with(".json"));
    for case in std::fs::read_dir(root().join("tests/check")).unwrap() {
        let dir = case.unwrap().path();
        out.extend(
            ["portfolio.toml", "portfolio.json"]
                .map(|n| dir.join(n))
                .into_iter()
                .filter(|p| p.exists()),
        );
    }
    out.extend(files("tests/hostile/portfolios", |n| {
        !n.ends_with(".expected") && !n.ends_with(".args")
    }));
    out.extend(files("tests/cli/fixtures", |n| {
        n.ends_with(".toml") || n.ends_with(".json")
    }));
    out.sort();
    out
}

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

/// A valid document changed in one place: `pointer` names the value to replace (its parent must
/// exist), `value` the new one (`None` removes it).
fn mutated(base: &Value, pointer: &str, value: Option<Value>) -> Value {
    let mut doc = base.clone();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = doc.pointer_mut(parent).unwrap_or_else(|| panic!("{pointer}"));
    match (parent, value) {
        (Value::Object(map), Some(v)) => {
            map.insert(key.to_owned(), v);
        }
        (Value::Object(map), None) => {
            map.remove(key);
        }
        (Value::Array(items), Some(v)) => items[key.parse::<usize>().unwrap()] = v,
        (Value::Array(items), None) => {
            items.remove(key.parse::<usize>().unwrap());
        }
        _ => panic!("{pointer} is not in an object or array"),
    }
    doc
}

#[test]
fn portfolios_the_loader_refuses_for_their_shape_are_refused_by_the_schema() {
    let text = std::fs::read_to_string(root().join("examples/CHCMGT006-complete.json")).unwrap();
    let base: Value = serde_json::from_str(&text).unwrap();
    assert!(objections(Document::Portfolio, &base).is_empty());
    let cases: Vec<(&str, &str, Option<Value>)> = vec![
        ("unknown top-level key", "/candidates", Some(json!({"id": "S1"}))),
        (
            "unknown key in an item",
            "/evidence/0/dated",
            Some(json!("2026-01-01")),
        ),
        (
            "unknown key in a mapping",
            "/evidence/0/units/CHCMGT006/cover",
            Some(json!(["1.1"])),
        ),
        ("format 2", "/format", Some(json!(2))),
        ("format as text", "/format", Some(json!("1"))),
        ("candidate without an id", "/candidate/id", None),
        ("candidate as an array", "/candidate", Some(json!(["S1"]))),
        ("item without a title", "/evidence/0/title", None),
        ("lower-case unit code", "/units/0", Some(json!("chcmgt006"))),
        ("unit code without a digit", "/units/0", Some(json!("CHCMGTABC"))),
        ("release 0", "/units/0", Some(json!("CHCMGT006@0"))),
        (
            "date without zero padding",
            "/evidence/0/date",
            Some(json!("2026-3-2")),
        ),
        (
            "date that does not exist",
            "/evidence/0/date",
            Some(json!("2026-02-30")),
        ),
        (
            "date with a time",
            "/evidence/0/date",
            Some(json!("2026-03-02T10:00:00")),
        ),
        ("unknown method", "/evidence/0/method", Some(json!("obsrvation"))),
        ("judgement as a number", "/evidence/0/judgement", Some(json!(1))),
        (
            "requirement ID in lower case",
            "/evidence/0/units/CHCMGT006/covers/0",
            Some(json!("pe1")),
        ),
        (
            "criterion with a leading zero",
            "/evidence/0/units/CHCMGT006/covers/0",
            Some(json!("1.01")),
        ),
        (
            "activity tag with a space",
            "/evidence/0/units/CHCMGT006/activities",
            Some(json!(["service agreement"])),
        ),
        (
            "mapping under a lower-case code",
            "/evidence/0/units/chcmgt006",
            Some(json!({})),
        ),
        ("$schema that is not text", "/$schema", Some(json!(5))),
        (
            "negative currency window",
            "/policy/currency_years",
            Some(json!(-1)),
        ),
    ];
    let checker = Checker::new(Catalog::bundled());
    let mut failures = Vec::new();
    for (what, pointer, value) in cases {
        let doc = mutated(&base, pointer, value);
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let loaded = checker.check_source(
            &Source::new("p.json", &text, Format::Json),
            &CheckOptions::default(),
        );
        if loaded.is_ok() {
            failures.push(format!("{what}: the loader accepts it (the case is wrong)"));
        }
        if validators(Document::Portfolio).current.is_valid(&doc) {
            failures.push(format!("{what}: the schema accepts it"));
        }
    }
    finish(failures);
}

#[test]
fn unit_files_the_loader_refuses_for_their_shape_are_refused_by_the_schema() {
    let text = std::fs::read_to_string(root().join("units/CHCMGT006.toml")).unwrap();
    let base = as_json(&text, Format::Toml).unwrap();
    assert!(objections(Document::Unit, &base).is_empty());
    let cases: Vec<(&str, &str, Option<Value>)> = vec![
        ("unknown top-level key", "/titel", Some(json!("x"))),
        (
            "criterion number with a leading zero",
            "/elements/0/criteria/0/id",
            Some(json!("1.01")),
        ),
        ("element number as a number", "/elements/0/id", Some(json!(1))),
        ("unit without elements", "/elements", None),
        (
            "rule of an unknown type",
            "/evidence/0/rule/type",
            Some(json!("cout")),
        ),
        (
            "rule with an unknown key",
            "/evidence/0/rule/minimum",
            Some(json!(3)),
        ),
        (
            "activity tag in capitals",
            "/activities/0/id",
            Some(json!("Service-Agreement")),
        ),
        (
            "unknown evidence kind",
            "/evidence/0/kind",
            Some(json!("performance-evidence")),
        ),
    ];
    let mut failures = Vec::new();
    for (what, pointer, value) in cases {
        let doc = mutated(&base, pointer, value);
        let toml_text = toml::to_string(&doc).unwrap();
        if Catalog::from_sources([("CHCMGT006.toml", toml_text.as_str())]).is_ok() {
            failures.push(format!("{what}: the loader accepts it (the case is wrong)"));
        }
        if validators(Document::Unit).current.is_valid(&doc) {
            failures.push(format!("{what}: the schema accepts it"));
        }
    }
    finish(failures);
}

#[test]
fn outputs_that_the_library_never_writes_are_refused() {
    let text = std::fs::read_to_string(root().join("tests/check/chc-complete/expected.json")).unwrap();
    let report: Value = serde_json::from_str(&text).unwrap();
    let errors =
        json!({"errors": [{"code": "unknown-field", "pointer": "", "message": "unknown field `x`"}]});
    assert!(objections(Document::Errors, &errors).is_empty());
    let cases = [
        (
            Document::Report,
            mutated(&report, "/complete", None),
            "a report without `complete`",
        ),
        (
            Document::Report,
            mutated(
                &report,
                "/units/0/findings",
                Some(json!([{"code": "stale-ish", "severity": "info", "message": "x"}])),
            ),
            "an unknown finding code",
        ),
        (
            Document::Report,
            mutated(&report, "/judgement_date", Some(json!("20 November 2026"))),
            "a date in words",
        ),
        (
            Document::Errors,
            mutated(&errors, "/errors/0/code", Some(json!("unknown-key"))),
            "an unknown error code",
        ),
        (
            Document::Errors,
            mutated(&errors, "/errors/0/message", None),
            "an error without a message",
        ),
        (
            Document::BatchRecord,
            json!({"line": 1, "report": report, "errors": errors["errors"]}),
            "a record with a report and errors",
        ),
        (
            Document::BatchRecord,
            json!({"line": 0, "errors": errors["errors"]}),
            "a record of line 0",
        ),
        (
            Document::BatchRecord,
            json!({"report": report}),
            "a record without its line",
        ),
    ];
    let mut failures = Vec::new();
    for (document, doc, what) in cases {
        if validators(document).current.is_valid(&doc) {
            failures.push(format!("{what}: the {} schema accepts it", document.name()));
        }
    }
    finish(failures);
}
