//! The sample portfolios in `examples/` do what their names say: `*-complete` and
//! `clustered` are complete, `*-gaps` are not, and the JSON copy gives the TOML file's report.

#![allow(clippy::unwrap_used)]

use competency::{Catalog, CheckOptions, Checker, Format, Report, Source};

fn check(name: &str) -> Report {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let source = Source::new(name, &text, Format::from_file_name(name));
    Checker::new(Catalog::bundled())
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
