//! Any valid unit survives serialise then parse unchanged, through TOML and through JSON.

#![allow(clippy::unwrap_used)]

use competency::*;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;

/// Text with the characters that stress TOML escaping: quotes, backslashes, newlines, Unicode.
fn text() -> impl Strategy<Value = String> {
    "[A-Za-z][ -~\n\"\\\\é’–]{0,30}"
}

fn tag(prefix: &'static str, i: usize) -> Tag {
    format!("{prefix}-{i}").parse().unwrap()
}

fn filter() -> impl Strategy<Value = Filter> {
    (
        option::of(0..2usize),
        proptest::sample::subsequence(Method::ALL.to_vec(), 0..3),
        proptest::sample::subsequence(Environment::ALL.to_vec(), 0..2),
    )
        .prop_map(|(activity, method, environment)| Filter {
            activity: activity.map(|i| tag("act", i)),
            method,
            environment,
        })
}

fn leaf_rule() -> impl Strategy<Value = Rule> {
    let field = prop_oneof![
        Just(Field::Client),
        Just(Field::Context),
        Just(Field::ServicePeriod),
        Just(Field::Date)
    ];
    prop_oneof![
        (1..5u32, filter()).prop_map(|(min, filter)| Rule::Count { min, filter }),
        (field.clone(), 1..5u32, filter()).prop_map(|(field, min, filter)| Rule::Distinct {
            field,
            min,
            filter
        }),
        (1..=3u32, filter()).prop_map(|(min, filter)| Rule::Options {
            list: tag("list", 0),
            min,
            filter
        }),
        // Only clients and service periods can be many on one item.
        (
            select(vec![Field::Client, Field::ServicePeriod]),
            1..4u32,
            1..3u32,
            filter()
        )
            .prop_map(|(field, min_values, min, filter)| Rule::PerItem {
                field,
                min_values,
                min,
                filter
            }),
        (1..5u32, option::of(1..90u32), filter()).prop_map(|(d, span, filter)| Rule::Spread {
            min_dates: Some(d),
            min_span_days: span,
            filter
        }),
        prop_oneof![Just(Scope::Criteria), Just(Scope::Knowledge)].prop_map(|of| Rule::Covers {
            of: Some(of),
            ids: vec!["K1".parse().unwrap()]
        }),
    ]
}

fn rule() -> impl Strategy<Value = Rule> {
    leaf_rule().prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            vec(inner.clone(), 1..3).prop_map(|rules| Rule::All { rules }),
            vec(inner, 1..3).prop_map(|rules| Rule::Any { rules }),
        ]
    })
}

fn entry() -> impl Strategy<Value = Entry> {
    prop_oneof![
        text().prop_map(Entry::Text),
        (text(), vec(text().prop_map(Entry::Text), 1..3))
            .prop_map(|(text, items)| Entry::Nested { text, items }),
    ]
}

fn elements() -> impl Strategy<Value = Vec<Element>> {
    // Strictly increasing criterion numbers with gaps, as sources have (CHCMGT006 skips 3.4).
    vec((text(), vec((1..3u32, text()), 1..4)), 1..4).prop_map(|elements| {
        elements
            .into_iter()
            .enumerate()
            .map(|(e, (title, criteria))| {
                let mut number = 0;
                Element {
                    id: (e + 1).to_string().parse().unwrap(),
                    title,
                    criteria: criteria
                        .into_iter()
                        .map(|(gap, text)| {
                            number += gap;
                            Criterion {
                                id: format!("{}.{number}", e + 1).parse().unwrap(),
                                text,
                                range: vec![],
                            }
                        })
                        .collect(),
                }
            })
            .collect()
    })
}

fn knowledge() -> impl Strategy<Value = ItemSection> {
    (text(), option::of(text()), vec((text(), vec(text(), 0..3)), 1..4)).prop_map(|(heading, lead, items)| {
        ItemSection {
            heading,
            lead,
            items: items
                .into_iter()
                .enumerate()
                .map(|(i, (text, children))| Item {
                    id: format!("K{}", i + 1).parse().unwrap(),
                    text,
                    items: children
                        .into_iter()
                        .enumerate()
                        .map(|(j, text)| Item {
                            id: format!("K{}.{}", i + 1, j + 1).parse().unwrap(),
                            text,
                            items: vec![],
                        })
                        .collect(),
                })
                .collect(),
        }
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
            Unit {
                code: code.parse().unwrap(),
                title,
                release,
                status: (release % 2 == 0).then_some(Status::Current),
                competency_field: field,
                sectors,
                descriptor,
                application: None,
                licensing: None,
                currency_months: (release % 3 == 0).then_some(24),
                prerequisites: None,
                history: vec![HistoryEntry {
                    release,
                    text: "Primary release.".into(),
                }],
                relations: vec![Relation {
                    kind: RelationKind::Replaces,
                    code: "XYZABC001A".parse().unwrap(),
                    title: None,
                    equivalent: true,
                }],
                activities: (0..2)
                    .map(|i| Activity {
                        id: tag("act", i),
                        text: format!("activity {i}"),
                    })
                    .collect(),
                option_lists: vec![OptionList {
                    id: tag("list", 0),
                    text: "options".into(),
                    options: options
                        .into_iter()
                        .enumerate()
                        .map(|(i, text)| OptionItem {
                            id: tag("opt", i),
                            text,
                            items: vec![],
                            methods: vec![Method::Observation],
                        })
                        .collect(),
                }],
                elements,
                evidence: evidence
                    .into_iter()
                    .enumerate()
                    .map(|(i, (text, rule))| EvidenceRequirement {
                        id: format!("PE{}", i + 1).parse().unwrap(),
                        kind: EvidenceKind::Performance,
                        text,
                        rule,
                    })
                    .collect(),
                knowledge: Some(knowledge),
                skills: None,
                conditions: vec![],
                range: range
                    .into_iter()
                    .enumerate()
                    .map(|(i, (text, items))| RangeVariable {
                        id: tag("var", i),
                        term: format!("Term {i}"),
                        strength: Strength::May,
                        text,
                        items,
                    })
                    .collect(),
                foundation_skills: vec![],
                key_competencies: vec![KeyCompetency {
                    name: "Solving problems".into(),
                    level: 2,
                    text: "to fix things".into(),
                }],
                notes: notes
                    .into_iter()
                    .map(|(heading, items)| Note {
                        heading,
                        text: Some("Guidance.".into()),
                        items,
                    })
                    .collect(),
            }
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
