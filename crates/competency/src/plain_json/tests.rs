//! The plain reader against serde's strict reader: whatever the plain reader accepts, serde
//! reads as the same portfolio, field for field and in the same order.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::portfolio;
use crate::load::parse_toml;
use crate::portfolio::parse_json;

/// Whether the plain reader read `text`, after checking that serde reads it the same way.
/// Portfolios are compared by their `Debug` text, which, unlike `==` on a map, keeps order.
fn agrees(text: &str) -> Result<bool, String> {
    let Some(plain) = portfolio(text, usize::MAX) else {
        return Ok(false);
    };
    match parse_json::<crate::doc_str::DocStr<'_>>(text, usize::MAX) {
        Ok(serde) if format!("{plain:?}") == format!("{serde:?}") => Ok(true),
        Ok(serde) => Err(format!(
            "read differently:\nplain: {plain:?}\nserde: {serde:?}\n{text}"
        )),
        Err(e) => Err(format!(
            "the plain reader accepted what serde refuses ({e}):\n{text}"
        )),
    }
}

/// A portfolio with every field the plain reader reads, some of them `null`.
const FULL: &str = r#"{"$schema": "./portfolio.schema.json", "format": 1,
  "candidate": {"id": "S1", "name": "Ana"}, "assessor": {"id": "A1", "name": null},
  "units": ["CHCMGT006", "SISXCCS002@1"], "judgement_date": "2026-11-20",
  "policy": {"currency_months": 18, "currency_years": null, "verify": ["workplace-document"], "unverified": "exclude"},
  "evidence": [
    {"id": "E1", "title": "Service agreement — C1", "date": "2026-10-01", "end_date": "2026-10-03",
     "method": "workplace-document", "environment": "workplace", "context": "Coburg office",
     "clients": ["C1", "C2"], "service_period": "2026-Q3", "judgement": "satisfactory",
     "verification": {"by": "Dan", "role": "Team leader", "date": "2026-10-05"},
     "units": {"CHCMGT006": {"covers": ["2.7", "K1"], "activities": ["service-agreement"], "options": []},
               "SISXCCS002": {"options": ["hours-of-operation"]}}},
    {"id": "E2", "title": "Observation", "date": "2026-10-02", "end_date": null, "method": "observation",
     "environment": null, "context": null, "service_period": null, "service_periods": ["2026-Q1", "2026-Q2"],
     "judgement": "pending", "verification": null, "units": {}},
    {"id":"E3","title":"t","date":"2026-01-01","method":"questioning","judgement":"not-satisfactory"}
  ]
}
"#;

#[test]
fn a_portfolio_with_every_field_is_read_plainly_as_serde_reads_it() {
    assert_eq!(agrees(FULL), Ok(true));
    let p = portfolio(FULL, usize::MAX).unwrap();
    assert_eq!(p.evidence.len(), 3);
    assert_eq!(
        p.evidence[0].units.keys().map(|k| &**k).collect::<Vec<_>>(),
        ["CHCMGT006", "SISXCCS002"]
    );
    assert_eq!(
        p.evidence[0].title.as_bytes(),
        "Service agreement — C1".as_bytes()
    );
}

/// Documents the plain reader leaves to serde: each is either refused by serde (and its
/// located error comes from there) or read by it in a way the plain reader does not copy.
#[test]
fn what_the_plain_reader_leaves_to_serde() {
    let minimal = r#"{"format": 1, "candidate": {"id": "S1"}, "units": ["CHCMGT006"]}"#;
    assert_eq!(agrees(minimal), Ok(true));
    let cases = [
        ("an escape", minimal.replace("S1", r"S\u0031")),
        ("a control character", minimal.replace("S1", "S\t1")),
        ("an unknown key", minimal.replace("\"format\"", "\"fromat\"")),
        (
            "a repeated key",
            minimal.replace("\"format\": 1", "\"format\": 1, \"format\": 1"),
        ),
        (
            "a repeated $schema",
            minimal.replace("{\"format", "{\"$schema\": \"a\", \"$schema\": \"b\", \"format"),
        ),
        ("a leading zero", minimal.replace(": 1", ": 01")),
        ("a fraction", minimal.replace(": 1", ": 1.0")),
        ("an exponent", minimal.replace(": 1", ": 1e0")),
        ("a sign", minimal.replace(": 1", ": -1")),
        ("a number over u32", minimal.replace(": 1", ": 4294967296")),
        (
            "null for a required value",
            minimal.replace("{\"id\": \"S1\"}", "null"),
        ),
        (
            "an array for an object",
            minimal.replace("{\"id\": \"S1\"}", "[\"S1\"]"),
        ),
        (
            "outcomes",
            minimal.replace("{\"format", "{\"outcomes\": {}, \"format"),
        ),
        (
            "prior units",
            minimal.replace("{\"format", "{\"prior_units\": [], \"format"),
        ),
        ("a missing field", minimal.replace("\"format\": 1, ", "")),
        (
            "a bad unit reference",
            minimal.replace("CHCMGT006", "CHCMGT006@0"),
        ),
        ("text after the root", format!("{minimal} x")),
        ("a second root", format!("{minimal}{minimal}")),
        ("a byte order mark", format!("\u{feff}{minimal}")),
        (
            "a trailing comma",
            minimal.replace("\"CHCMGT006\"]", "\"CHCMGT006\",]"),
        ),
        (
            "a string not closed",
            minimal.replace("\"CHCMGT006\"]}", "\"CHCMGT006]}"),
        ),
        ("nothing", String::new()),
    ];
    for (what, text) in &cases {
        assert_eq!(agrees(text), Ok(false), "{what}: {text}");
    }
    let item = |units: &str| {
        minimal.replace(
            "]}",
            &format!(r#"], "evidence": [{{"id": "E1", "title": "t", "date": "2026-01-01", "method": "product", "judgement": "pending", "units": {units}}}]}}"#),
        )
    };
    assert_eq!(agrees(&item(r#"{"CHCMGT006": {}}"#)), Ok(true));
    for units in [
        r#"{"CHCMGT006": {}, "CHCMGT006": {}}"#,
        r#"{"$__toml_private_datetime": {}}"#,
        r#"{"CHCMGT006": {"covers": null}}"#,
        r#"{"CHCMGT006": {"covers": ["1.1"], "covers": []}}"#,
        r#"{"CHCMGT006": {"claims": []}}"#,
    ] {
        assert_eq!(agrees(&item(units)), Ok(false), "{units}");
    }
    assert_eq!(agrees(&item("{}").replace("2026-01-01", "2026-02-30")), Ok(false));
    assert_eq!(
        agrees(&item("{}").replace("\"product\"", "\"produce\"")),
        Ok(false)
    );
}

/// Every portfolio the repository holds, in JSON as it is and TOML written as JSON.
fn corpus() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut paths = Vec::new();
    for dir in ["examples", "tests/check", "tests/hostile", "tests/cli"] {
        walk(&root.join(dir), &mut paths);
    }
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        match path.extension().and_then(|e| e.to_str()) {
            Some("json") => out.push((path, text)),
            Some("jsonl") => out.extend(text.lines().map(|l| (path.clone(), l.to_owned()))),
            Some("toml") => {
                if let Ok(p) = parse_toml::<crate::Portfolio>("p.toml", &text, usize::MAX) {
                    out.push((path, serde_json::to_string(&p).unwrap()));
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn every_portfolio_in_the_repository_is_read_as_serde_reads_it() {
    let corpus = corpus();
    let (mut portfolios, mut plain) = (0, 0);
    for (path, text) in &corpus {
        let read = agrees(text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        plain += usize::from(read);
        portfolios += usize::from(parse_json::<String>(text, usize::MAX).is_ok());
        // What serde reads, the plain reader reads too, unless it holds what is left to serde
        // (a reader that gave up on everything would agree with serde, so this must hold).
        let left = text.contains('\\') || text.contains("\"outcomes\"") || text.contains("\"prior_units\"");
        if !left && parse_json::<String>(text, usize::MAX).is_ok() {
            assert!(read, "{}: left to serde:\n{text}", path.display());
        }
    }
    assert!(
        portfolios > 250 && plain > 200,
        "{plain} of {portfolios} portfolios read plainly"
    );
}

/// What an edit inserts: JSON's structure, values of every type, escapes and whitespace.
const PIECES: &[&str] = &[
    "\"",
    "\\",
    "\\\"",
    "\\u0041",
    ",",
    ":",
    "{",
    "}",
    "[",
    "]",
    "null",
    "0",
    "01",
    "-1",
    "1.5",
    "1e3",
    "4294967296",
    "true",
    " ",
    "\n",
    "\t",
    "\u{0}",
    "\u{7f}",
    "é",
    "\"$schema\": \"x\",",
    "\"format\": 1,",
    "\"id\": \"E9\",",
    "\"units\": {},",
    "\"covers\": [],",
    "\"CHCMGT006\": {},",
    "\"2026-02-29\"",
    "\"2026-13-01\"",
    "\"outcomes\": {},",
    "\u{feff}",
];

/// Edits `text` at `at` (a fraction of its length): deletes `cut` bytes and inserts `piece`,
/// at character boundaries.
fn edit(text: &str, at: f64, cut: usize, piece: &str) -> String {
    let boundary = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = boundary(((text.len() as f64) * at) as usize);
    let end = boundary((start + cut).min(text.len()));
    format!("{}{piece}{}", &text[..start], &text[end..])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn an_edited_portfolio_is_read_as_serde_reads_it_or_left_to_serde(
        edits in prop::collection::vec((0.0..1.0f64, 0..4usize, prop::sample::select(PIECES)), 1..4),
    ) {
        let mut text = FULL.to_owned();
        for (at, cut, piece) in edits {
            text = edit(&text, at, cut, piece);
        }
        prop_assert!(agrees(&text).is_ok(), "{:?}", agrees(&text));
    }
}

/// An array longer than the cap is left to serde, which refuses it as it reads it: the list is
/// never held whole, however many (empty) elements it has.
#[test]
fn an_array_over_the_cap_is_refused_as_it_is_read() {
    let text = r#"{"format": 1, "candidate": {"id": "S1"}, "units": ["CHCMGT006"], "evidence": [
      {"id": "E1", "title": "t", "date": "2026-01-01", "method": "observation",
       "clients": ["", "", ""], "judgement": "satisfactory"}]}"#;
    assert!(portfolio(text, 3).is_some());
    assert!(parse_json::<crate::doc_str::DocStr<'_>>(text, 3).is_ok());
    assert!(portfolio(text, 2).is_none());
    let error = parse_json::<crate::doc_str::DocStr<'_>>(text, 2).unwrap_err();
    assert!(
        error.to_string().starts_with("more than 2 values in one list"),
        "{error}"
    );
    // The evidence list is an array too.
    assert!(portfolio(text, 0).is_none());
    assert!(parse_json::<crate::doc_str::DocStr<'_>>(text, 0).is_err());
}

/// An item's `units` map over the cap is refused as an array is: by serde, as it is read.
#[test]
fn a_map_over_the_cap_is_refused_as_it_is_read() {
    let text = r#"{"format": 1, "candidate": {"id": "S1"}, "units": ["CHCMGT006"], "evidence": [
      {"id": "E1", "title": "t", "date": "2026-01-01", "method": "observation", "judgement": "satisfactory",
       "units": {"CHCMGT006": {"covers": ["1.1"]}, "SISXCCS002": {"covers": ["1.1"]}}}]}"#;
    assert!(portfolio(text, 2).is_some());
    assert!(parse_json::<crate::doc_str::DocStr<'_>>(text, 2).is_ok());
    assert!(portfolio(text, 1).is_none());
    let error = parse_json::<crate::doc_str::DocStr<'_>>(text, 1).unwrap_err();
    assert!(
        error.to_string().starts_with("more than 1 entries in one table"),
        "{error}"
    );
}
