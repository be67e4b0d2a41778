//! The schemas are not vacuous: documents the loader refuses for their shape, and outputs the
//! library never writes, are refused by the schema too.

use competency::schema::Document;
use competency::{Catalog, CheckOptions, Checker, Format, Source};
use serde_json::{Value, json};

use super::support::*;

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
