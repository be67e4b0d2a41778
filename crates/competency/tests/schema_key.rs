//! A JSON portfolio may name its JSON Schema in a root `$schema` key, for editors; the key is
//! otherwise ignored. Only there: a TOML portfolio, or a `$schema` anywhere else, is refused
//! as any unknown key is.

#![allow(clippy::unwrap_used)]

use competency::{CheckOptions, Checker, Format, LoadErrors, Report, Source};

fn check(text: &str, format: Format) -> Result<Report<'static>, LoadErrors> {
    let name = if format == Format::Json {
        "p.json"
    } else {
        "p.toml"
    };
    Checker::bundled().check_source(&Source::new(name, text, format), &CheckOptions::default())
}

const JSON: &str = r#"{"format": 1, "candidate": {"id": "S1"}, "units": ["CHCMGT006"], "judgement_date": "2026-11-20", "evidence": []}"#;

fn with_root_key(entry: &str) -> String {
    JSON.replacen('{', &format!("{{{entry}, "), 1)
}

#[test]
fn a_root_schema_key_in_json_is_ignored() {
    let plain = check(JSON, Format::Json).unwrap();
    let with = check(
        &with_root_key(r#""$schema": "./portfolio.schema.json""#),
        Format::Json,
    )
    .unwrap();
    assert_eq!(plain.to_json(), with.to_json());
    // Anywhere among the keys, not only first.
    let last = JSON.replacen("[]}", r#"[], "$schema": "portfolio.schema.json"}"#, 1);
    assert_eq!(plain.to_json(), check(&last, Format::Json).unwrap().to_json());
}

#[test]
fn a_schema_key_that_is_not_text_or_is_given_twice_is_an_error() {
    let errors = check(&with_root_key(r#""$schema": 5"#), Format::Json).unwrap_err();
    assert_eq!(errors.errors()[0].code().as_str(), "invalid-value");
    assert_eq!(errors.errors()[0].line(), Some(1));
    let twice = with_root_key(r#""$schema": "a.json", "$schema": "b.json""#);
    let errors = check(&twice, Format::Json).unwrap_err();
    assert!(
        errors.errors()[0].message().contains("duplicate field `$schema`"),
        "{errors}"
    );
}

#[test]
fn a_schema_key_elsewhere_or_in_toml_is_an_unknown_field() {
    let nested = JSON.replacen(r#"{"id": "S1"}"#, r#"{"id": "S1", "$schema": "x"}"#, 1);
    let errors = check(&nested, Format::Json).unwrap_err();
    assert_eq!(errors.errors()[0].code().as_str(), "unknown-field");
    let toml = "\"$schema\" = \"./portfolio.schema.json\"\nformat = 1\ncandidate = { id = \"S1\" }\nunits = [\"CHCMGT006\"]\n";
    let errors = check(toml, Format::Toml).unwrap_err();
    assert_eq!(errors.errors()[0].code().as_str(), "unknown-field");
    assert_eq!(errors.errors()[0].line(), Some(1));
}

#[test]
fn other_unknown_keys_are_still_located_at_the_key() {
    let errors = check(&with_root_key(r#""$schema": "x", "candidat": {}"#), Format::Json).unwrap_err();
    let error = &errors.errors()[0];
    assert_eq!(error.code().as_str(), "unknown-field");
    assert_eq!(error.help(), Some("did you mean `candidate`?"));
    // Just after the key, as serde_json places every unknown field.
    assert_eq!(
        error.column(),
        Some(r#"{"$schema": "x", "candidat""#.chars().count() as u32)
    );
}
