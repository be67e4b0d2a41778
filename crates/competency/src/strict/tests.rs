//! The strict reader's tests: arrays and repeated keys refused at any depth, everything else read
//! as plain serde reads it.
use std::fmt::Debug;

use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::{from_json, from_toml, table_expected};
use crate::error::{ErrorCode, LoadError};
use crate::load::{Format, parse_toml};
use crate::portfolio::{Date, Portfolio, Source};
use crate::rule::Rule;
use crate::unit::{Entry, Unit};

const HEAD: &str = "format = 1\ncandidate = { id = \"S1\" }\nunits = [\"CHCMGT006\"]\n";
const UNIT_HEAD: &str = "code = \"CHCMGT006\"\ntitle = \"t\"\nrelease = 1\n";

fn toml_error<T: DeserializeOwned>(text: &str) -> LoadError {
    parse_toml::<T>("f.toml", text, usize::MAX)
        .map(|_| ())
        .unwrap_err()
}

fn json_error(text: &str) -> LoadError {
    let errors = Source::new("f.json", text, Format::Json).parse().unwrap_err();
    assert_eq!(errors.len(), 1, "{errors}");
    errors.into_iter().next().unwrap()
}

/// The error's code, line, column and message.
fn shown(e: &LoadError) -> (ErrorCode, u32, u32, &str) {
    (e.code(), e.line().unwrap(), e.column().unwrap(), e.message())
}

fn strict_toml<T: DeserializeOwned>(text: &str) -> Result<T, toml::de::Error> {
    from_toml(toml::Deserializer::parse(text)?, usize::MAX)
}

fn strict_json<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = from_json(&mut deserializer, usize::MAX)?;
    deserializer.end()?;
    Ok(value)
}

/// Parses `text` strictly and with plain serde, and checks both give the same value.
fn same_as_serde<T: DeserializeOwned + PartialEq + Debug>(format: Format, text: &str) -> T {
    let (strict, plain) = match format {
        Format::Toml => (
            strict_toml::<T>(text).unwrap(),
            toml::from_str::<T>(text).unwrap(),
        ),
        Format::Json => (
            strict_json::<T>(text).unwrap(),
            serde_json::from_str::<T>(text).unwrap(),
        ),
    };
    assert_eq!(strict, plain);
    strict
}

const PERSON: &str = "expected a table (JSON object) with keys `id`, `name`, found an array";

#[test]
fn a_json_portfolio_that_is_an_array_is_refused() {
    let e = json_error(r#"[1, {"id":"S1"}, ["CHCMGT006"]]"#);
    assert_eq!(
        shown(&e),
        (
            ErrorCode::InvalidValue,
            1,
            1,
            "expected a table (JSON object) with keys `format`, `candidate`, `assessor`, `units`, \
             `judgement_date`, `policy`, …, found an array"
        )
    );
}

#[test]
fn a_person_written_as_an_array_is_refused_at_its_bracket() {
    let toml = "format = 1\ncandidate = [\"S1\"]\nunits = [\"CHCMGT006\"]\n";
    assert_eq!(
        shown(&toml_error::<Portfolio>(toml)),
        (ErrorCode::InvalidValue, 2, 13, PERSON)
    );
    // An optional table too, and an empty array.
    let toml = format!("{HEAD}assessor = []\n");
    assert_eq!(
        shown(&toml_error::<Portfolio>(&toml)),
        (ErrorCode::InvalidValue, 4, 12, PERSON)
    );
    let json = "{\"format\": 1,\n \"candidate\": [\"S1\"], \"units\": [\"CHCMGT006\"]}";
    assert_eq!(shown(&json_error(json)), (ErrorCode::InvalidValue, 2, 15, PERSON));
}

#[test]
fn tables_written_as_arrays_are_refused_at_any_depth() {
    let unit = format!("{UNIT_HEAD}elements = [[\"1\", \"title\", []]]\n");
    assert_eq!(
        shown(&toml_error::<Unit>(&unit)),
        (
            ErrorCode::InvalidValue,
            4,
            13,
            "expected a table (JSON object) with keys `id`, `title`, `criteria`, found an array"
        )
    );
    let unit =
        format!("{UNIT_HEAD}[[elements]]\nid = \"1\"\ntitle = \"t\"\ncriteria = [[\"1.1\", \"text\"]]\n");
    assert_eq!(
        shown(&toml_error::<Unit>(&unit)),
        (
            ErrorCode::InvalidValue,
            7,
            13,
            "expected a table (JSON object) with keys `id`, `text`, `range`, found an array"
        )
    );
    let portfolio = format!(
        "{HEAD}[[evidence]]\nid = \"E1\"\ntitle = \"t\"\ndate = 2026-01-01\nmethod = \"project\"\n\
         judgement = \"pending\"\nunits.CHCMGT006 = [[\"1.1\"]]\n"
    );
    let e = toml_error::<Portfolio>(&portfolio);
    assert_eq!((e.line(), e.column()), (Some(10), Some(19)));
    assert!(
        e.message()
            .starts_with("expected a table (JSON object) with keys `covers`")
    );
}

#[test]
fn a_unit_mapped_twice_in_one_item_is_refused_at_the_second_key() {
    let json = "{\"format\": 1, \"candidate\": {\"id\": \"S1\"}, \"units\": [\"CHCMGT006\"],\n \
                \"evidence\": [{\"id\": \"E1\", \"title\": \"t\", \"date\": \"2026-01-01\", \
                \"method\": \"project\", \"judgement\": \"pending\",\n  \
                \"units\": {\"CHCMGT006\": {}, \"CHCMGT006\": {\"covers\": [\"1.1\"]}}}]}";
    assert_eq!(
        shown(&json_error(json)),
        (ErrorCode::InvalidValue, 3, 40, "duplicate key `CHCMGT006`")
    );
    // The same key in two items' maps is two maps, each with one key.
    let twice = json.replace("\"CHCMGT006\": {}, ", "");
    let twice = twice.replace("}]}", "}, {\"id\": \"E2\", \"title\": \"t\", \"date\": \"2026-01-01\", \"method\": \"project\", \"judgement\": \"pending\", \"units\": {\"CHCMGT006\": {}}}]}");
    let portfolio = Source::new("f.json", &twice, Format::Json).parse().unwrap();
    assert_eq!(portfolio.evidence.len(), 2);
}

/// TOML keys are not tracked here (docs on `Wrap::visit_map`): toml's parser refuses a key
/// defined twice in a table before the strict layer sees it, however the two are written.
#[test]
fn a_key_written_twice_in_toml_is_refused_by_the_toml_parser() {
    let toml = include_str!("../../../../examples/CHCMGT006-complete.toml");
    let header = "[evidence.units.CHCMGT006]";
    for twice in [
        toml.replacen(header, &format!("units.CHCMGT006 = {{}}\n{header}"), 1),
        toml.replacen(header, &format!("[evidence.units.\"CHCMGT006\"]\n{header}"), 1),
        toml.replacen(header, &format!("{header}\ncovers = []"), 1),
    ] {
        let e = Source::new("f.toml", &twice, Format::Toml).parse().unwrap_err();
        let e = &e.errors()[0];
        assert_eq!(e.code(), ErrorCode::Syntax, "{e}");
        assert!(e.to_string().contains("duplicate key"), "{e}");
    }
}

#[test]
fn keys_are_tracked_per_map_at_every_depth() {
    type Nested = IndexMap<String, IndexMap<String, u32>>;
    let nested = same_as_serde::<Nested>(Format::Json, r#"{"a": {"a": 1, "b": 2}, "b": {"a": 3}}"#);
    assert_eq!(nested["b"]["a"], 3);
    let e = strict_json::<Nested>(r#"{"a": {"x": 1, "x": 2}}"#).unwrap_err();
    assert_eq!(e.to_string(), "duplicate key `x` at line 1 column 18");
    let e = strict_json::<Vec<IndexMap<String, u32>>>(r#"[{"x": 1}, {"y": 1, "y": 2}]"#).unwrap_err();
    assert_eq!(e.to_string(), "duplicate key `y` at line 1 column 23");
    // A struct's repeated field stays serde's own error.
    let e = json_error(r#"{"format": 1, "format": 2}"#);
    assert_eq!(
        shown(&e),
        (ErrorCode::InvalidValue, 1, 22, "duplicate field `format`")
    );
}

#[test]
fn a_repeated_key_is_found_however_it_is_written_and_wherever_it_is_in_the_map() {
    // Keys are held borrowed from the text, or owned when written with escapes; the first key
    // of a map is held apart from the rest. A repeat is found in every combination.
    type Map = IndexMap<String, u32>;
    for (json, key) in [
        (r#"{"k": 1, "\u006b": 2}"#, "k"),
        (r#"{"\u006b": 1, "k": 2}"#, "k"),
        (r#"{"a": 1, "k": 2, "\u006b": 3}"#, "k"),
        (r#"{"a": 1, "\u006b": 2, "k": 3}"#, "k"),
        (r#"{"a": 1, "b": 2, "c": 3, "b": 4}"#, "b"),
    ] {
        let e = strict_json::<Map>(json).unwrap_err();
        assert!(
            e.to_string().starts_with(&format!("duplicate key `{key}`")),
            "{json}: {e}"
        );
    }
    let map = same_as_serde::<Map>(Format::Json, r#"{"a": 1, "\u0062": 2, "c": 3}"#);
    assert_eq!(map.keys().collect::<Vec<_>>(), ["a", "b", "c"]);
}

#[test]
fn the_check_reads_json_as_the_public_parse_does_escapes_and_all() {
    // The check reads JSON borrowing its strings; a string with an escape is decoded and owned.
    let json = r#"{"format": 1, "candidate": {"id": "S\u0031"}, "units": ["CHCMGT006"],
        "evidence": [{"id": "E\u00311", "title": "tab\there", "date": "2026-01-01",
        "method": "project", "judgement": "pending", "clients": ["C1", "C\u0031"],
        "verification": {"by": "A\"B", "role": "r"},
        "units": {"CHCMGT006": {"covers": ["1.\u0031"]}}}]}"#;
    let source = Source::new("f.json", json, Format::Json);
    let owned = source.parse().unwrap();
    let borrowed = source.parse_json_borrowed(&crate::Limits::default()).unwrap();
    assert_eq!(
        serde_json::to_value(&borrowed).unwrap(),
        serde_json::to_value(&owned).unwrap()
    );
    let item = &borrowed.evidence[0];
    assert_eq!((&*item.id, &*item.title), ("E11", "tab\there"));
    assert_eq!(
        item.clients.iter().map(|c| &**c).collect::<Vec<_>>(),
        ["C1", "C1"]
    );
    assert_eq!(&*item.units["CHCMGT006"].covers[0], "1.1");
    // A repeated key written with an escape is refused on this path too.
    let twice = json.replace(r#"{"CHCMGT006": {"#, r#"{"CHCMGT006": {}, "CHC\u004dGT006": {"#);
    let e = Source::new("f.json", &twice, Format::Json)
        .parse_json_borrowed(&crate::Limits::default())
        .unwrap_err();
    assert!(e.to_string().contains("duplicate key `CHCMGT006`"), "{e}");
}

#[test]
fn trailing_characters_are_still_a_syntax_error() {
    let e = json_error("{\"format\": 1, \"candidate\": {\"id\": \"S1\"}, \"units\": [\"CHCMGT006\"]} x");
    assert_eq!(
        shown(&e),
        (ErrorCode::Syntax, 1, 66, "invalid JSON: trailing characters")
    );
}

#[test]
fn sequences_stay_sequences_and_struct_variants_are_tables() {
    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    enum Shape {
        Square { side: u32 },
        Pair(u32, u32),
        Named(String),
    }
    let shapes = same_as_serde::<Vec<Shape>>(
        Format::Json,
        r#"[{"Square": {"side": 3}}, {"Pair": [1, 2]}, {"Named": "n"}]"#,
    );
    assert_eq!(shapes[1], Shape::Pair(1, 2));
    let e = strict_json::<Shape>(r#"{"Square": [3]}"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("{} at line 1 column 12", table_expected(&["side"]))
    );
    let tuple = same_as_serde::<(u32, String, Vec<u8>)>(Format::Json, r#"[1, "a", [2]]"#);
    assert_eq!(tuple.1, "a");
}

#[test]
fn long_key_lists_are_shortened() {
    assert_eq!(
        table_expected(&[]),
        "expected a table (JSON object), found an array"
    );
    let seven = ["a", "b", "c", "d", "e", "f", "g"];
    assert_eq!(
        table_expected(&seven),
        "expected a table (JSON object) with keys `a`, `b`, `c`, `d`, `e`, `f`, …, found an array"
    );
}

#[test]
fn toml_dates_still_read_and_times_are_still_refused() {
    #[derive(Debug, PartialEq, Deserialize)]
    struct Dated {
        date: Date,
        dates: IndexMap<String, Date>,
    }
    let dated = same_as_serde::<Dated>(Format::Toml, "date = 2026-03-02\ndates = { a = 2026-03-03 }\n");
    assert_eq!(dated.dates["a"].to_string(), "2026-03-03");
    let dated = same_as_serde::<Dated>(Format::Json, r#"{"date": "2026-03-02", "dates": {}}"#);
    assert_eq!(dated.date.to_string(), "2026-03-02");
    let portfolio = format!(
        "{HEAD}[[evidence]]\nid = \"E1\"\ntitle = \"t\"\ndate = 2026-01-01T10:00:00\nmethod = \"project\"\n\
         judgement = \"pending\"\n"
    );
    let e = toml_error::<Portfolio>(&portfolio);
    assert_eq!(
        shown(&e),
        (
            ErrorCode::InvalidValue,
            7,
            8,
            "2026-01-01T10:00:00 is not a date: write YYYY-MM-DD without a time"
        )
    );
}

#[test]
fn toml_s_private_date_key_is_refused_in_json_at_any_depth() {
    // toml hands a date literal over as a map under this key, which `Date` reads; JSON must
    // not be able to write it, while a TOML document still reads its dates.
    let evidence = |date: &str| {
        format!(
            "{{\"format\": 1, \"candidate\": {{\"id\": \"S1\"}}, \"units\": [\"CHCMGT006\"],\n\
             \"evidence\": [{{\"id\": \"E1\", \"title\": \"t\", \"date\": {date}, \
             \"method\": \"project\", \"judgement\": \"pending\"}}]}}"
        )
    };
    let e = json_error(&evidence(r#"{"$__toml_private_datetime": "2026-03-02"}"#));
    assert_eq!(
        shown(&e),
        (
            ErrorCode::InvalidValue,
            2,
            75,
            "`$__toml_private_datetime` is the TOML reader's own key for a date: in JSON, write a date as a string, \"YYYY-MM-DD\""
        )
    );
    // Written with an escape, and as a key of any map.
    let e = strict_json::<IndexMap<String, IndexMap<String, u32>>>(
        r#"{"a": {"$__toml_private_\u0064atetime": 1}}"#,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("`$__toml_private_datetime` is the TOML reader's own key"),
        "{e}"
    );
    assert!(
        Source::new("f.json", &evidence("\"2026-03-02\""), Format::Json)
            .parse()
            .is_ok()
    );
    // A TOML key of that name is toml's own business (it reads a date literal the same way).
    let dated = same_as_serde::<IndexMap<String, Date>>(Format::Toml, "a = 2026-03-02\n");
    assert_eq!(dated["a"].to_string(), "2026-03-02");
}

#[test]
fn tagged_rules_and_untagged_entries_still_parse() {
    let rules = r#"
        [[rules]]
        type = "all"
        rules = [
            { type = "count", min = 2, where = { activity = "meeting", method = ["observation"] } },
            { type = "distinct", field = "client", min = 3 },
            { type = "options", list = "services", min = 5 },
            { type = "per-item", field = "client", min_values = 2 },
            { type = "spread", min_dates = 2, min_span_days = 30 },
        ]
        [[rules]]
        type = "any"
        rules = [{ type = "covers", of = "knowledge" }, { type = "covers", ids = ["PE1", "K2.3"] }]
    "#;
    #[derive(Debug, PartialEq, Deserialize)]
    struct Rules {
        rules: Vec<Rule>,
    }
    let parsed = same_as_serde::<Rules>(Format::Toml, rules);
    assert!(matches!(&parsed.rules[0], Rule::All { rules } if rules.len() == 5));
    let json = serde_json::to_string(&serde_json::json!({
        "rules": [{"type": "any", "rules": [{"type": "count", "min": 1}]}]
    }))
    .unwrap();
    let parsed = same_as_serde::<Rules>(Format::Json, &json);
    assert!(matches!(&parsed.rules[0], Rule::Any { rules } if rules.len() == 1));
    // serde's own errors inside a rule are unchanged.
    let bad = "rules = [{ type = \"count\" }]";
    assert_eq!(
        strict_toml::<Rules>(bad).unwrap_err().message(),
        toml::from_str::<Rules>(bad).unwrap_err().message()
    );

    #[derive(Debug, PartialEq, Deserialize)]
    struct Entries {
        items: Vec<Entry>,
    }
    let entries = same_as_serde::<Entries>(
        Format::Toml,
        "items = [\"plain\", { text = \"nested\", items = [\"a\", { text = \"b\", items = [\"c\"] }] }]",
    );
    assert_eq!(entries.items[1].items()[1].items()[0].text(), "c");
    // An entry written as an array is refused by serde itself (untagged struct variants
    // take only tables).
    let array = "items = [[\"a\", [\"b\"]]]";
    assert_eq!(
        toml_error::<Entries>(array).message(),
        "a listed entry must be text or a table"
    );
    assert!(toml::from_str::<Entries>(array).is_err());
}

/// serde buffers an internally tagged enum (a `rule`) before it knows the variant, and
/// reads the variant from its private buffer, not through the adapter; so inside a rule an
/// array passes this layer. Loading a unit closes the gap by checking the rules' shapes on
/// the document tree (`load::rule_shape_error`): both are asserted here.
#[test]
fn arrays_inside_a_rule_pass_the_adapter_and_are_refused_by_the_loader() {
    let unit = format!(
        "{UNIT_HEAD}elements = []\n[[evidence]]\nid = \"PE1\"\nkind = \"performance\"\ntext = \"t\"\n\
         rule = [\"count\", 3]\n"
    );
    let filter = unit.replace(
        "[\"count\", 3]",
        "{ type = \"count\", min = 3, where = [\"meeting\"] }",
    );
    for (text, pointer) in [(&unit, "/evidence/0/rule"), (&filter, "/evidence/0/rule/where")] {
        assert!(parse_toml::<Unit>("f.toml", text, usize::MAX).is_ok());
        let errors = crate::load::load_unit("f.toml", text).unwrap_err();
        assert_eq!(errors[0].code(), ErrorCode::InvalidValue);
        assert_eq!(errors[0].pointer(), pointer);
        assert_eq!(errors[0].line(), Some(text.lines().count() as u32));
    }
}

/// Every shipped unit file and example portfolio reads exactly as plain serde reads it.
#[test]
fn shipped_units_and_examples_read_as_with_plain_serde() {
    for (_, text) in crate::Catalog::bundled_sources() {
        drop(same_as_serde::<Unit>(Format::Toml, text));
    }
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut paths: Vec<_> = std::fs::read_dir(examples)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        drop(same_as_serde::<Portfolio>(
            Format::from_file_name(&path.to_string_lossy()),
            &text,
        ));
    }
    assert_eq!((crate::Catalog::bundled_sources().len(), paths.len()), (5, 14));
}

#[test]
fn a_json_value_of_another_type_where_a_name_belongs_is_a_type_error_not_a_syntax_error() {
    let portfolio = |policy: &str| {
        format!(r#"{{"format": 1, "candidate": {{"id": "S1"}}, "units": ["CHCMGT006"], "policy": {policy}}}"#)
    };
    let e = json_error(&portfolio(r#"{"unverified": true}"#));
    assert_eq!(
        shown(&e),
        (
            ErrorCode::InvalidValue,
            1,
            94,
            "invalid type: boolean `true`, expected one of `warn`, `exclude`"
        )
    );
    assert_eq!(e.pointer(), "/policy/unverified");
    for value in ["1", "[\"warn\"]", "null"] {
        let e = json_error(&portfolio(&format!(r#"{{"unverified": {value}}}"#)));
        assert_eq!(e.code(), ErrorCode::InvalidValue, "{value}: {e}");
    }
    // Names and variants with data read as serde_json reads them.
    #[derive(Debug, PartialEq, Deserialize)]
    enum Shape {
        Dot,
        Named(String),
    }
    let shapes = same_as_serde::<Vec<Shape>>(Format::Json, r#"["Dot", {"Named": "n"}]"#);
    assert_eq!(shapes[1], Shape::Named("n".to_owned()));
    let e = strict_json::<Shape>(r#"{"Named": "n", "Dot": null}"#).unwrap_err();
    assert!(e.to_string().starts_with("an enum's object holds one key"), "{e}");
    // serde_json reads `{"Dot": null}` as `"Dot"`; a name is written as text.
    let e = strict_json::<Shape>(r#"{"Dot": null}"#).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("invalid type: map, expected one of `Dot`, `Named`"),
        "{e}"
    );
}
