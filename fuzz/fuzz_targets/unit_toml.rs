//! Bytes → (if UTF-8) a unit file → `Unit::from_toml_str` and `Catalog::from_sources` with
//! that one file. They must agree; a unit that loads must serialise and read back as itself,
//! compile into a `Checker`, and accept a portfolio naming every ID and tag it declares.
#![no_main]

use competency::{
    Catalog, CheckOptions, Checker, Date, EvidenceItem, Format, Judgement, Method, Portfolio, Source, Unit,
    UnitRef,
};
use competency_fuzz::{assert_report, assert_text_errors};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let single = Unit::from_toml_str(text);
    // Not ending in `.toml`, so no file-name check: the two must then agree exactly.
    let catalog = Catalog::from_sources([("fuzz-unit", text)]);
    match (&single, &catalog) {
        (Err(a), Err(b)) => {
            assert_text_errors(a, "<unit>", text);
            assert_text_errors(b, "fuzz-unit", text);
            let key = |e: &competency::LoadErrors| {
                e.errors()
                    .iter()
                    .map(|e| {
                        (
                            e.code(),
                            e.line(),
                            e.column(),
                            e.pointer().to_owned(),
                            e.message().to_owned(),
                        )
                    })
                    .collect::<Vec<_>>()
            };
            assert_eq!(
                key(a),
                key(b),
                "from_toml_str and from_sources report different errors"
            );
        }
        (Ok(unit), Ok(catalog)) => {
            assert_eq!(catalog.len(), 1);
            assert_eq!(catalog.get(&unit.code), Some(unit));
            let toml = unit
                .to_toml_string()
                .unwrap_or_else(|e| panic!("a valid unit does not serialise to TOML: {e}"));
            match Unit::from_toml_str(&toml) {
                Ok(back) => assert_eq!(&back, unit, "TOML round trip changed the unit\n{toml}"),
                Err(e) => panic!("a valid unit, written as TOML, does not load: {e}\n{toml}"),
            }
            check_everything(unit, catalog);
        }
        (a, b) => panic!(
            "from_toml_str and from_sources disagree: {:?} vs {:?}",
            a.as_ref().map(|u| u.code.to_string()).map_err(|e| e.to_string()),
            b.as_ref().map(|c| c.len()).map_err(|e| e.to_string())
        ),
    }
});

/// A portfolio with one item naming every claimable ID, activity and option of the unit, and
/// one pending item doing the same: it must validate, and its report must hold the invariants.
fn check_everything(unit: &Unit, catalog: &Catalog) {
    let mut covers: Vec<String> = unit.criteria().map(|c| c.id.to_string()).collect();
    covers.extend(unit.evidence.iter().map(|e| e.id.to_string()));
    covers.extend(unit.knowledge_items().iter().map(|i| i.id.to_string()));
    covers.extend(unit.skill_items().iter().map(|i| i.id.to_string()));
    covers.extend(unit.conditions.iter().map(|c| c.id.to_string()));
    let option_ids: Vec<String> = unit
        .option_lists
        .iter()
        .flat_map(|l| l.options.iter().map(|o| o.id.to_string()))
        .collect();
    let activities: Vec<String> = unit.activities.iter().map(|a| a.id.to_string()).collect();
    let date: Date = "2026-01-15".parse().expect("a date");
    let item = |id: &str, judgement| {
        EvidenceItem::new(id, "Everything", date, Method::Observation)
            .context("work")
            .clients(["C1", "C2"])
            .judgement(judgement)
            .covers(&unit.code, covers.clone())
            .activities(&unit.code, activities.clone())
            .options(&unit.code, option_ids.clone())
    };
    let portfolio = Portfolio::new("S1")
        .claim(UnitRef::new(unit.code.clone(), Some(unit.release)))
        .judgement_date("2026-02-01".parse().expect("a date"))
        .item(item("E1", Judgement::Satisfactory))
        .item(item("E2", Judgement::Pending));
    let checker = Checker::new(catalog);
    let options = CheckOptions::default();
    let report = checker
        .check(&portfolio, &options)
        .unwrap_or_else(|e| panic!("a portfolio naming only the unit's own IDs and tags is rejected: {e}"));
    assert_report(&report, &portfolio, &options);
    // And the same through JSON text.
    let json = serde_json::to_string(&portfolio).expect("serialises");
    let again = checker.check_source(&Source::new("p.json", &json, Format::Json), &options);
    competency_fuzz::assert_same_result(&Ok(report), &again, "check vs check_source(json)");
}
