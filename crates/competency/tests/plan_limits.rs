//! A unit file may ask for up to 4,294,967,295 items; a plan lists at most 1,000 new items a
//! unit, and calls a requirement that would take it past that blocked, instead of allocating
//! (or merging, in time that grows with the square of the list) an item for each.

#![allow(clippy::unwrap_used)]

use competency::{Catalog, CheckOptions, Checker, Format, Plan, Source};

const PORTFOLIO: &str = r#"
format = 1
candidate = { id = "S1" }
units = ["TSTPLN001"]
judgement_date = 2026-06-30

[[evidence]]
id = "E1"
title = "The work, observed"
date = 2026-03-10
method = "observation"
judgement = "satisfactory"
units.TSTPLN001 = { covers = ["1.1"] }
"#;

/// The plan for the one unit `text` claims, checked against the fixture units of
/// `tests/plan-limits`.
fn plan_of(text: &str) -> Plan {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/plan-limits");
    let catalog = Catalog::from_dir(&dir).unwrap();
    let source = Source::new("p.toml", text, Format::Toml);
    let checker = Checker::new(&catalog);
    let report = checker.check_source(&source, &CheckOptions::default()).unwrap();
    report.units[0].plan.clone().unwrap()
}

#[test]
fn rules_asking_for_more_items_than_a_plan_lists_are_blocked_not_listed() {
    let plan = plan_of(PORTFOLIO);
    let blocked: Vec<(&str, &str)> = plan
        .blocked
        .iter()
        .map(|b| (b.requirement.as_str(), b.text.as_str()))
        .collect();
    assert_eq!(
        blocked,
        [
            (
                "PE1",
                "4294967294 more items are needed, more than the 1000 a plan suggests"
            ),
            (
                "PE2",
                "4294967294 more items are needed, more than the 1000 a plan suggests"
            ),
            (
                "PE4",
                "599 more items are needed, more than the 401 left of the 1000 a plan suggests after the items planned before them"
            ),
        ]
    );
    // PE3's 599 new items, PE5's one merged into the first of them.
    assert_eq!(plan.items.len(), 599);
}

#[test]
fn a_plan_that_would_name_a_portfolios_values_for_each_of_hundreds_of_items_is_blocked() {
    let mut text = String::from(
        "format = 1\ncandidate = { id = \"S1\" }\nunits = [\"TSTPLN002\"]\njudgement_date = 2026-06-30\n",
    );
    for i in 0..300 {
        text.push_str(&format!(
            "[[evidence]]\nid = \"E{i}\"\ntitle = \"t\"\ndate = 2026-03-10\nmethod = \"observation\"\njudgement = \"satisfactory\"\ncontext = \"Context {i}\"\nunits.TSTPLN002 = {{ covers = [\"1.1\"] }}\n"
        ));
    }
    let plan = plan_of(&text);
    assert_eq!(plan.blocked.len(), 1);
    assert_eq!(
        plan.blocked[0].text,
        "the new items would have to be told apart from 210000 values already counted, more than the 100000 a plan names"
    );
}

#[test]
fn the_parts_of_an_all_rule_share_the_plans_room() {
    let plan = plan_of(&PORTFOLIO.replace("TSTPLN001", "TSTPLN003"));
    assert_eq!(plan.blocked.len(), 1);
    assert_eq!(
        plan.blocked[0].text,
        "400 more items are needed, more than the 201 left of the 1000 a plan suggests after the items planned before them"
    );
}
