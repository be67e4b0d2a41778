//! Whatever a document holds, parsing and checking it returns a report or located errors: never
//! a panic, never an error without a message, never a position that is not 1-based.

#![allow(clippy::unwrap_used)]

use competency::{CheckOptions, Checker, Format, LoadErrors, Report, Source};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::Value;

const KEYS: &[&str] = &[
    "format",
    "candidate",
    "assessor",
    "id",
    "name",
    "units",
    "judgement_date",
    "policy",
    "currency_months",
    "currency_years",
    "verify",
    "unverified",
    "evidence",
    "title",
    "date",
    "end_date",
    "method",
    "environment",
    "context",
    "clients",
    "service_period",
    "service_periods",
    "judgement",
    "verification",
    "by",
    "role",
    "covers",
    "activities",
    "options",
    "CHCMGT006",
    "SISXCCS002",
    "PSPMNGT606B",
    "titel",
    "",
];

const WORDS: &[&str] = &[
    "CHCMGT006",
    "SISXCCS002@1",
    "PSPMNGT606B",
    "CHCMGT006@9",
    "XYZ",
    "2026-11-20",
    "2026-02-30",
    "-999-01-01",
    "2026-01-01",
    "observation",
    "third-party-report",
    "workplace",
    "simulated",
    "satisfactory",
    "pending",
    "not-satisfactory",
    "exclude",
    "warn",
    "1.1",
    "2.7",
    "3.4",
    "PE2",
    "K1",
    "K1.1",
    "AC1",
    "service-agreement",
    "monitor-service-systems",
    "services",
    "C1",
    "C1\u{200b}",
    "E1",
    " ",
    "",
    "\u{1b}[31m",
    "Café",
    "Cafe\u{301}",
    "\u{202e}x",
];

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![
            Just(0i64),
            Just(1),
            Just(-1),
            Just(12),
            Just(i64::MAX),
            Just(4_294_967_296)
        ]
        .prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        select(WORDS).prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(6, 96, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((select(KEYS), inner), 0..8).prop_map(|entries| {
                Value::Object(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
}

/// A portfolio-shaped document: the right top-level keys, anything below them.
fn document() -> impl Strategy<Value = Value> {
    proptest::collection::vec((select(KEYS), value()), 0..10).prop_map(|entries| {
        let mut map: serde_json::Map<String, Value> =
            entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        map.entry("format").or_insert(Value::from(1));
        map.entry("candidate").or_insert(serde_json::json!({"id": "S1"}));
        map.entry("units").or_insert(serde_json::json!(["CHCMGT006"]));
        Value::Object(map)
    })
}

fn assert_sound(result: &Result<Report, LoadErrors>) -> Result<(), TestCaseError> {
    match result {
        Ok(report) => {
            prop_assert_eq!(report.complete, report.units.iter().all(|u| u.complete));
            let json: Value = serde_json::from_str(&report.to_json()).unwrap();
            prop_assert!(json.get("units").is_some());
        }
        Err(errors) => {
            prop_assert!(!errors.is_empty());
            for e in errors.errors() {
                prop_assert!(!e.message().is_empty(), "{:?}", e);
                if let Some(line) = e.line() {
                    prop_assert!(line >= 1 && e.column().is_some_and(|c| c >= 1), "{:?}", e);
                }
            }
        }
    }
    Ok(())
}

fn check(text: &str, format: Format) -> Result<Report<'static>, LoadErrors> {
    Checker::bundled().check_source(&Source::new("p", text, format), &CheckOptions::default())
}

/// The example portfolios, in file-name order.
fn examples() -> Vec<(String, Format)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let format = match p.extension()?.to_str()? {
                "toml" => Format::Toml,
                "json" => Format::Json,
                _ => return None,
            };
            Some((std::fs::read_to_string(&p).unwrap(), format))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_json_document_gives_a_report_or_located_errors(doc in document()) {
        let json = serde_json::to_string_pretty(&doc).unwrap();
        assert_sound(&check(&json, Format::Json))?;
        if let Ok(toml_text) = toml::to_string(&doc) {
            assert_sound(&check(&toml_text, Format::Toml))?;
        }
    }

    #[test]
    fn any_edit_of_an_example_gives_a_report_or_located_errors(
        which in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        cut in 0..40usize,
        insert in select(vec!["", "\"", "[", "]", "{", "}", ",", "=", "\n", "[[evidence]]\n", "\u{0}", "é", "\u{202e}", "1e999", "-"]),
    ) {
        let examples = examples();
        let (text, format) = &examples[which.index(examples.len())];
        let mut bytes = text.as_bytes().to_vec();
        let start = at.index(bytes.len());
        let end = (start + cut).min(bytes.len());
        bytes.splice(start..end, insert.bytes());
        // An edit may split a character: such bytes are an encoding error, also located.
        match Source::from_bytes("p", &bytes, *format) {
            Ok(source) => assert_sound(
                &Checker::bundled().check_source(&source, &CheckOptions::default()),
            )?,
            Err(errors) => assert_sound(&Err(errors))?,
        }
    }
}
