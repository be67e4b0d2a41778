//! The sample portfolios in `examples/` do what their names say: `*-complete` and
//! `clustered` are complete, `*-gaps` are not, and the JSON copy gives the TOML file's report;
//! the RPL and credit-transfer examples get the outcomes they describe.

#![allow(clippy::unwrap_used)]

use competency::{
    CheckOptions, Checker, Format, OutcomeCode, PriorRelation, RPL_DEFAULT_CURRENCY_MONTHS, Report, Source,
    WindowSource,
};

fn check(name: &str) -> Report<'static> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let source = Source::new(name, &text, Format::from_file_name(name));
    Checker::bundled()
        .check_source(&source, &CheckOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn complete_examples_are_complete_and_gap_examples_are_not() {
    for code in [
        "BSBFLM507A",
        "CHCMGT006",
        "CSCORG406A",
        "PSPMNGT606B",
        "SISXCCS002",
    ] {
        assert!(
            check(&format!("{code}-complete.toml")).complete,
            "{code}-complete"
        );
        let gaps = check(&format!("{code}-gaps.toml"));
        assert!(!gaps.complete, "{code}-gaps");
        assert!(
            gaps.units[0]
                .requirements
                .iter()
                .any(|r| !r.met && r.missing.is_some())
        );
    }
    let clustered = check("clustered.toml");
    assert!(clustered.complete && clustered.units.len() == 2);
}

#[test]
fn the_json_example_gives_the_same_report_as_its_toml_twin() {
    let toml = check("CHCMGT006-complete.toml");
    let json = check("CHCMGT006-complete.json");
    assert_eq!(toml.to_json(), json.to_json());
}

#[test]
fn the_rpl_example_is_granted_with_the_default_window_stated() {
    let report = check("CHCMGT006-rpl.toml");
    let unit = &report.units[0];
    assert!(report.complete);
    assert_eq!(unit.outcome.code, OutcomeCode::RplGranted);
    let window = unit.currency.expect("an RPL unit states its window");
    assert_eq!(
        (window.months, window.source),
        (RPL_DEFAULT_CURRENCY_MONTHS, WindowSource::RplDefault)
    );
    let e19 = unit.evidence.iter().find(|e| e.id == "E19").unwrap();
    assert!(!e19.counted, "the 2019 certificate is outside the RPL window");
}

#[test]
fn the_credit_transfer_example_credits_both_units_through_equivalence() {
    let report = check("credit-transfer.toml");
    for unit in &report.units {
        assert_eq!(unit.outcome.code, OutcomeCode::CreditTransfer, "{}", unit.code);
        assert!(unit.plan.is_none(), "credit needs no plan: {}", unit.code);
        assert_eq!(
            unit.outcome.prior_units.len(),
            1,
            "BSBFLM502A bears on neither unit"
        );
        assert_eq!(unit.outcome.prior_units[0].relation, PriorRelation::Equivalent);
    }
    assert!(report.units.iter().all(|u| u.findings.is_empty()));
}
