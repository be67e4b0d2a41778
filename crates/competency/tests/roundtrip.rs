//! Any valid unit survives serialise then parse unchanged, through TOML and through JSON.

#![allow(clippy::unwrap_used)]

use competency::*;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Value, json};

/// Text with the characters that stress TOML escaping: quotes, backslashes, newlines, Unicode.
fn text() -> impl Strategy<Value = String> {
    "[A-Za-z][ -~\n\"\\\\é’–]{0,30}"
}

fn tag(prefix: &'static str, i: usize) -> String {
    format!("{prefix}-{i}")
}

// The unit is written as the JSON a unit file's TOML reads as: its types are `#[non_exhaustive]`
// (they gain keys as the format does), so outside the library they are read, not written as
// literals.

fn filter() -> impl Strategy<Value = Value> {
    (
        option::of(0..2usize),
        proptest::sample::subsequence(Method::ALL.to_vec(), 0..3),
        proptest::sample::subsequence(Environment::ALL.to_vec(), 0..2),
    )
        .prop_map(|(activity, method, environment)| {
            // Keys with nothing in them are left out, as a file leaves them out (an empty list
            // is an error).
            let mut filter = serde_json::Map::new();
            if let Some(i) = activity {
                filter.insert("activity".into(), json!(tag("act", i)));
            }
            if !method.is_empty() {
                filter.insert("method".into(), json!(method));
            }
            if !environment.is_empty() {
                filter.insert("environment".into(), json!(environment));
            }
            Value::Object(filter)
        })
}

fn leaf_rule() -> impl Strategy<Value = Value> {
    let field = prop_oneof![
        Just(Field::Client),
        Just(Field::Context),
        Just(Field::ServicePeriod),
        Just(Field::Date)
    ];
    prop_oneof![
        (1..5u32, filter()).prop_map(|(min, filter)| json!({ "type": "count", "min": min, "where": filter })),
        (field.clone(), 1..5u32, filter()).prop_map(|(field, min, filter)| json!({
            "type": "distinct",
            "field": field,
            "min": min,
            "where": filter
        })),
        (1..=3u32, filter()).prop_map(|(min, filter)| json!({
            "type": "options",
            "list": tag("list", 0),
            "min": min,
            "where": filter
        })),
        // Only clients and service periods can be many on one item.
        (
            select(vec![Field::Client, Field::ServicePeriod]),
            1..4u32,
            1..3u32,
            filter()
        )
            .prop_map(|(field, min_values, min, filter)| json!({
                "type": "per-item",
                "field": field,
                "min_values": min_values,
                "min": min,
                "where": filter
            })),
        (1..5u32, option::of(1..90u32), filter()).prop_map(|(d, span, filter)| json!({
            "type": "spread",
            "min_dates": d,
            "min_span_days": span,
            "where": filter
        })),
        prop_oneof![Just(Scope::Criteria), Just(Scope::Knowledge)]
            .prop_map(|of| json!({ "type": "covers", "of": of, "ids": ["K1"] })),
    ]
}

fn rule() -> impl Strategy<Value = Value> {
    leaf_rule().prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            vec(inner.clone(), 1..3).prop_map(|rules| json!({ "type": "all", "rules": rules })),
            vec(inner, 1..3).prop_map(|rules| json!({ "type": "any", "rules": rules })),
        ]
    })
}

fn entry() -> impl Strategy<Value = Value> {
    prop_oneof![
        text().prop_map(Value::String),
        (text(), vec(text().prop_map(Value::String), 1..3))
            .prop_map(|(text, items)| json!({ "text": text, "items": items })),
    ]
}

fn elements() -> impl Strategy<Value = Vec<Value>> {
    // Strictly increasing criterion numbers with gaps, as sources have (CHCMGT006 skips 3.4).
    vec((text(), vec((1..3u32, text()), 1..4)), 1..4).prop_map(|elements| {
        elements
            .into_iter()
            .enumerate()
            .map(|(e, (title, criteria))| {
                let mut number = 0;
                let criteria: Vec<Value> = criteria
                    .into_iter()
                    .map(|(gap, text)| {
                        number += gap;
                        json!({ "id": format!("{}.{number}", e + 1), "text": text })
                    })
                    .collect();
                json!({ "id": (e + 1).to_string(), "title": title, "criteria": criteria })
            })
            .collect()
    })
}

fn knowledge() -> impl Strategy<Value = Value> {
    (text(), option::of(text()), vec((text(), vec(text(), 0..3)), 1..4)).prop_map(|(heading, lead, items)| {
        let items: Vec<Value> = items
            .into_iter()
            .enumerate()
            .map(|(i, (text, children))| {
                let children: Vec<Value> = children
                    .into_iter()
                    .enumerate()
                    .map(|(j, text)| json!({ "id": format!("K{}.{}", i + 1, j + 1), "text": text }))
                    .collect();
                json!({ "id": format!("K{}", i + 1), "text": text, "items": children })
            })
            .collect();
        json!({ "heading": heading, "lead": lead, "items": items })
    })
}

fn unit() -> impl Strategy<Value = Unit> {
    (
        (
            prop_oneof![Just("CHCMGT006"), Just("BSBFLM507A"), Just("PSPMNGT606B")],
            text(),
            1..5u32,
            option::of(text()),
            vec(text(), 0..2),
            option::of(text()),
        ),
        (elements(), knowledge(), vec((text(), option::of(rule())), 0..4)),
        (
            vec((text(), vec(entry(), 1..3)), 0..3),
            vec(text(), 3..5),
            vec((text(), vec(entry(), 0..2)), 0..2),
        ),
    )
        .prop_map(|(meta, body, extra)| {
            let (code, title, release, descriptor, sectors, field) = meta;
            let (elements, knowledge, evidence) = body;
            let (range, options, notes) = extra;
            let options: Vec<Value> = options
                .into_iter()
                .enumerate()
                .map(|(i, text)| json!({ "id": tag("opt", i), "text": text, "methods": ["observation"] }))
                .collect();
            let evidence: Vec<Value> = evidence
                .into_iter()
                .enumerate()
                .map(|(i, (text, rule))| {
                    json!({ "id": format!("PE{}", i + 1), "kind": "performance", "text": text, "rule": rule })
                })
                .collect();
            let range: Vec<Value> = range
                .into_iter()
                .enumerate()
                .map(|(i, (text, items))| {
                    json!({
                        "id": tag("var", i),
                        "term": format!("Term {i}"),
                        "strength": "may",
                        "text": text,
                        "items": items
                    })
                })
                .collect();
            let notes: Vec<Value> = notes
                .into_iter()
                .map(|(heading, items)| json!({ "heading": heading, "text": "Guidance.", "items": items }))
                .collect();
            let unit = json!({
                "code": code,
                "title": title,
                "release": release,
                "status": (release % 2 == 0).then_some("current"),
                "competency_field": field,
                "sectors": sectors,
                "descriptor": descriptor,
                "currency_months": (release % 3 == 0).then_some(24),
                "history": [{ "release": release, "text": "Primary release." }],
                "relations": [{ "kind": "replaces", "code": "XYZABC001A", "equivalent": true }],
                "activities": (0..2).map(|i| json!({ "id": tag("act", i), "text": format!("activity {i}") })).collect::<Vec<_>>(),
                "option_lists": [{ "id": tag("list", 0), "text": "options", "options": options }],
                "elements": elements,
                "evidence": evidence,
                "knowledge": knowledge,
                "range": range,
                "key_competencies": [{ "name": "Solving problems", "level": 2, "text": "to fix things" }],
                "notes": notes,
            });
            serde_json::from_value(unit).unwrap()
        })
}

proptest! {
    #[test]
    fn any_valid_unit_survives_toml_and_json(unit in unit()) {
        let toml_text = unit.to_toml_string().unwrap();
        let parsed = Unit::from_toml_str(&toml_text);
        prop_assert!(parsed.is_ok(), "{}\n---\n{toml_text}", parsed.unwrap_err());
        prop_assert_eq!(parsed.unwrap(), unit.clone());
        let json = serde_json::to_string(&unit).unwrap();
        prop_assert_eq!(serde_json::from_str::<Unit>(&json).unwrap(), unit);
    }
}

proptest! {
    /// Dates are written without a format string; what is written is chrono's `%Y-%m-%d`, for
    /// every date a document can hold and for computed ones beyond (a window before year 0).
    #[test]
    fn any_date_writes_as_chrono_does(days in -800_000i32..4_000_000) {
        let naive = chrono::NaiveDate::from_num_days_from_ce_opt(days).unwrap();
        let date = Date::from(naive);
        let expected = naive.format("%Y-%m-%d").to_string();
        prop_assert_eq!(date.to_string(), expected.clone());
        prop_assert_eq!(serde_json::to_string(&date).unwrap(), format!("\"{expected}\""));
        if (0..=9999).contains(&chrono::Datelike::year(&naive)) {
            prop_assert_eq!(expected.parse::<Date>().unwrap(), date);
        }
    }
}
