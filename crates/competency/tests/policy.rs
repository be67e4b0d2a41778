//! Policy that depends on more than one document, or on the day: a unit's own currency window
//! against the portfolio's (and, for RPL, the default), a defaulted judgement date, and the
//! limits.

#![allow(clippy::unwrap_used)]

use competency::{
    Catalog, CheckOptions, Checker, Date, ErrorCode, FindingCode, Format, Limits,
    RPL_DEFAULT_CURRENCY_MONTHS, Source, WindowSource,
};

/// CHCMGT006 with a currency window of its own, as a unit whose licensing sets one would have.
fn catalog_with_unit_window(months: u32) -> Catalog {
    let (name, text) = Catalog::bundled_sources()
        .iter()
        .find(|(name, _)| name.ends_with("CHCMGT006.toml"))
        .copied()
        .unwrap();
    let text = text.replacen(
        "\nrelease = 2\n",
        &format!("\nrelease = 2\ncurrency_months = {months}\n"),
        1,
    );
    assert!(text.contains("currency_months"), "the release line moved");
    Catalog::from_sources([(name, text.as_str())]).unwrap()
}

fn portfolio(policy: &str, judgement_date: Option<&str>) -> String {
    format!(
        r#"format = 1
candidate = {{ id = "S1" }}
units = ["CHCMGT006"]
{}
[policy]
{policy}

[[evidence]]
id = "E1"
title = "Service agreement"
date = 2025-08-01
method = "workplace-document"
judgement = "satisfactory"
units.CHCMGT006 = {{ covers = ["2.7"] }}
"#,
        judgement_date
            .map(|d| format!("judgement_date = {d}"))
            .unwrap_or_default()
    )
}

fn check(catalog: &Catalog, text: &str) -> competency::Report<'static> {
    Checker::new(catalog)
        .check_source(
            &Source::new("p.toml", text, Format::Toml),
            &CheckOptions::default(),
        )
        .unwrap()
        .into_owned()
}

fn counted(report: &competency::Report) -> bool {
    report.units[0].evidence[0].counted
}

#[test]
fn a_unit_window_applies_when_the_policy_sets_none_or_a_longer_one() {
    let catalog = catalog_with_unit_window(12);
    // Judged 2026-11-20: a 12-month window starts 2025-11-20, so the item of 2025-08-01 is stale.
    for policy in ["", "currency_years = 3"] {
        let report = check(&catalog, &portfolio(policy, Some("2026-11-20")));
        assert_eq!(
            report.units[0].current_since,
            Some("2025-11-20".parse().unwrap()),
            "{policy:?}"
        );
        assert!(!counted(&report), "{policy:?}");
        assert!(
            report.units[0]
                .findings
                .iter()
                .any(|f| f.code == FindingCode::Stale)
        );
    }
}

#[test]
fn a_policy_may_shorten_the_unit_window_but_not_lengthen_it() {
    let catalog = catalog_with_unit_window(24);
    let report = check(&catalog, &portfolio("currency_months = 6", Some("2026-11-20")));
    assert_eq!(report.units[0].current_since, Some("2026-05-20".parse().unwrap()));
    assert!(!counted(&report));
    let report = check(&catalog, &portfolio("currency_years = 5", Some("2026-11-20")));
    assert_eq!(report.units[0].current_since, Some("2024-11-20".parse().unwrap()));
    // The report's own window stays the policy's.
    assert_eq!(report.current_since, Some("2021-11-20".parse().unwrap()));
    assert!(counted(&report));
}

#[test]
fn an_rpl_unit_states_its_window_and_where_it_came_from() {
    let rpl = "\n[outcomes.CHCMGT006]\npathway = \"rpl\"\n";
    let unit12 = catalog_with_unit_window(12);
    let bundled = Catalog::bundled();
    for (catalog, policy, months, source) in [
        (&unit12, "", 12, WindowSource::Unit),
        (&unit12, "currency_years = 3", 12, WindowSource::Unit),
        (&unit12, "currency_months = 6", 6, WindowSource::Policy),
        (bundled, "currency_months = 6", 6, WindowSource::Policy),
        (bundled, "", RPL_DEFAULT_CURRENCY_MONTHS, WindowSource::RplDefault),
    ] {
        let text = portfolio(policy, Some("2026-11-20")) + rpl;
        let unit = &check(catalog, &text).units[0];
        let currency = unit.currency.unwrap();
        assert_eq!((currency.months, currency.source), (months, source), "{policy:?}");
        let since: Date = "2026-11-20".parse().unwrap();
        assert_eq!(unit.current_since, Some(since.minus_months(months)), "{policy:?}");
        // Off the RPL pathway the report states no window of its own.
        assert!(
            check(catalog, &portfolio(policy, Some("2026-11-20"))).units[0]
                .currency
                .is_none()
        );
    }
}

#[test]
fn a_unit_window_outside_one_to_1200_months_is_refused() {
    let (name, text) = Catalog::bundled_sources()[1];
    let text = text.replacen("\nrelease = 2\n", "\nrelease = 2\ncurrency_months = 0\n", 1);
    let errors = Catalog::from_sources([(name, text.as_str())]).unwrap_err();
    assert_eq!(errors.errors()[0].code(), ErrorCode::InvalidValue);
    assert_eq!(errors.errors()[0].pointer(), "/currency_months");
}

#[test]
fn a_defaulted_judgement_date_is_flagged_and_explained() {
    let report = check(Catalog::bundled(), &portfolio("", None));
    assert!(report.judgement_date_defaulted);
    assert_eq!(report.judgement_date, Date::today());
    let finding = report
        .findings
        .iter()
        .find(|f| f.code == FindingCode::JudgementDateDefaulted)
        .unwrap();
    assert_eq!(finding.item, None);
    assert!(finding.message.contains(&Date::today().to_string()));
    let json = report.to_json();
    assert!(json.contains("\"judgement_date_defaulted\": true"));

    let given = check(Catalog::bundled(), &portfolio("", Some("2026-11-20")));
    assert!(!given.judgement_date_defaulted);
    assert!(given.findings.is_empty());
    assert!(!given.to_json().contains("judgement_date_defaulted"));
}

fn errors_with(limits: Limits, text: &str, format: Format) -> Vec<(ErrorCode, String)> {
    let mut options = CheckOptions::default();
    options.limits = limits;
    Checker::bundled()
        .check_source(&Source::new("p", text, format), &options)
        .unwrap_err()
        .errors()
        .iter()
        .map(|e| (e.code(), e.pointer().to_owned()))
        .collect()
}

#[test]
fn each_limit_gives_a_located_error() {
    let text = portfolio("", Some("2026-11-20"));
    let tight = |f: fn(&mut Limits)| {
        let mut limits = Limits::default();
        f(&mut limits);
        errors_with(limits, &text, Format::Toml)
    };
    assert_eq!(tight(|l| l.toml_input_bytes = 100)[0].0, ErrorCode::LimitExceeded);
    assert_eq!(tight(|l| l.input_bytes = 100)[0].0, ErrorCode::LimitExceeded);
    assert_eq!(
        tight(|l| l.evidence_items = 0),
        vec![(ErrorCode::LimitExceeded, "/evidence".to_owned())]
    );
    assert_eq!(
        tight(|l| l.string_chars = 5),
        vec![(ErrorCode::LimitExceeded, "/evidence/0/title".to_owned())]
    );
    assert_eq!(
        tight(|l| l.values_per_item = 0),
        vec![(
            ErrorCode::LimitExceeded,
            "/evidence/0/units/CHCMGT006/covers".to_owned()
        )]
    );
    // A JSON document is bound by `input_bytes` only.
    let json = r#"{"format": 1, "candidate": {"id": "S1"}, "units": ["CHCMGT006"]}"#;
    let mut options = CheckOptions::default();
    options.limits.toml_input_bytes = 10;
    let report = Checker::bundled().check_source(&Source::new("p.json", json, Format::Json), &options);
    assert!(report.is_ok());
}

#[test]
fn validation_stops_at_the_error_limit() {
    let mut text = String::from("format = 1\ncandidate = { id = \"S1\" }\nunits = [\"CHCMGT006\"]\n");
    for _ in 0..50 {
        text.push_str("[[evidence]]\nid = \"E1\"\ntitle = \"t\"\ndate = 2026-01-01\nmethod = \"observation\"\njudgement = \"pending\"\n");
    }
    let mut limits = Limits::default();
    limits.errors = 10;
    let errors = errors_with(limits, &text, Format::Toml);
    assert_eq!(errors.len(), 11);
    assert_eq!(
        errors.iter().filter(|e| e.0 == ErrorCode::DuplicateId).count(),
        10
    );
    assert_eq!(errors.last().unwrap().0, ErrorCode::TooManyErrors);
}

#[test]
fn one_item_with_many_clients_counts_each_once() {
    let clients: Vec<String> = (0..20_000).map(|i| format!("\"C{}\"", i % 10_000)).collect();
    let text = format!(
        r#"{{"format": 1, "candidate": {{"id": "S1"}}, "units": ["CHCMGT006"], "judgement_date": "2026-11-20",
"evidence": [{{"id": "E1", "title": "t", "date": "2026-10-01", "method": "workplace-document",
"clients": [{}], "judgement": "satisfactory", "units": {{"CHCMGT006": {{"activities": ["service-agreement"]}}}}}}]}}"#,
        clients.join(", ")
    );
    let report = Checker::bundled()
        .check_source(
            &Source::new("p.json", &text, Format::Json),
            &CheckOptions::default(),
        )
        .unwrap();
    let pe2 = report.units[0]
        .requirements
        .iter()
        .find(|r| r.id == "PE2")
        .unwrap();
    assert!(pe2.met);
    assert_eq!(pe2.evidence, vec!["E1"]);
}
