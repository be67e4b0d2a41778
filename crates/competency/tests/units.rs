//! The shipped unit files: every one loads clean, with the source's counts and order, and
//! survives serialisation unchanged.

#![allow(clippy::unwrap_used)]

use competency::{Catalog, Rule, Unit, UnitCode};

fn units_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../units")
}

fn unit(code: &str) -> &'static Unit {
    Catalog::bundled()
        .get(&code.parse::<UnitCode>().unwrap())
        .unwrap()
}

#[test]
fn every_shipped_unit_file_loads_clean_and_matches_the_bundled_set() {
    let from_dir = match Catalog::from_dir(units_dir()) {
        Ok(catalog) => catalog,
        Err(errors) => panic!("{errors}"),
    };
    assert_eq!(
        &from_dir,
        Catalog::bundled(),
        "units/ and the bundled copies differ"
    );
    let codes: Vec<&str> = from_dir.units().map(|u| u.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "BSBFLM507A",
            "CHCMGT006",
            "CSCORG406A",
            "PSPMNGT606B",
            "SISXCCS002"
        ]
    );
}

#[test]
fn criteria_counts_match_the_sources() {
    for (code, elements, criteria) in [
        ("CSCORG406A", 4, 25),
        ("PSPMNGT606B", 5, 21),
        ("SISXCCS002", 2, 9),
        ("BSBFLM507A", 3, 10),
        ("CHCMGT006", 4, 19),
    ] {
        let u = unit(code);
        assert_eq!(u.elements.len(), elements, "{code} elements");
        assert_eq!(u.criteria().count(), criteria, "{code} criteria");
    }
}

#[test]
fn source_numbering_is_kept_exactly() {
    let ids: Vec<&str> = unit("CHCMGT006").elements[2]
        .criteria
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["3.1", "3.2", "3.3", "3.5"],
        "CHCMGT006 has no criterion 3.4"
    );
}

#[test]
fn ids_are_in_canonical_ascending_order() {
    for u in Catalog::bundled().units() {
        let elements: Vec<u32> = u.elements.iter().map(|e| e.id.number()).collect();
        assert!(
            elements.windows(2).all(|w| w[0] < w[1]),
            "{} elements {elements:?}",
            u.code
        );
        let criteria: Vec<(u32, u32)> = u.criteria().map(|c| c.id.numbers()).collect();
        assert!(
            criteria.windows(2).all(|w| w[0] < w[1]),
            "{} criteria {criteria:?}",
            u.code
        );
        for prefix in ["PE", "CA", "CX", "AM"] {
            let numbers: Vec<u32> = u
                .evidence
                .iter()
                .filter_map(|e| e.id.as_str().strip_prefix(prefix))
                .map(|n| n.parse().unwrap())
                .collect();
            let expected: Vec<u32> = (1..=numbers.len() as u32).collect();
            assert_eq!(numbers, expected, "{} {prefix} numbering", u.code);
        }
    }
}

#[test]
fn each_file_is_named_after_its_unit() {
    for (name, text) in Catalog::bundled_sources() {
        let unit = Unit::from_toml_str(text).unwrap();
        assert_eq!(*name, format!("{}.toml", unit.code));
    }
}

#[test]
fn shipped_units_round_trip_through_toml_and_json() {
    for u in Catalog::bundled().units() {
        let toml_text = u.to_toml_string().unwrap();
        assert_eq!(
            &Unit::from_toml_str(&toml_text).unwrap(),
            u,
            "{} via TOML",
            u.code
        );
        let json = serde_json::to_string(u).unwrap();
        assert_eq!(
            &serde_json::from_str::<Unit>(&json).unwrap(),
            u,
            "{} via JSON",
            u.code
        );
    }
}

#[test]
fn quantitative_requirements_are_rules_not_prose() {
    let rule = |code: &str, id: &str| {
        unit(code)
            .evidence
            .iter()
            .find(|e| e.id.as_str() == id)
            .and_then(|e| e.rule.clone())
            .unwrap_or_else(|| panic!("{code} {id} has a rule"))
    };
    assert!(matches!(rule("CHCMGT006", "PE1"), Rule::Distinct { min: 3, .. }));
    assert!(matches!(
        rule("CHCMGT006", "PE3"),
        Rule::PerItem {
            min: 1,
            min_values: 3,
            ..
        }
    ));
    assert!(matches!(rule("CHCMGT006", "PE5"), Rule::All { .. }));
    assert!(matches!(rule("SISXCCS002", "PE2"), Rule::Options { min: 3, .. }));
    assert!(matches!(rule("SISXCCS002", "PE4"), Rule::Options { min: 5, .. }));
    assert!(matches!(rule("PSPMNGT606B", "CA4"), Rule::Any { .. }));
    assert!(matches!(rule("BSBFLM507A", "CX1"), Rule::Spread { .. }));
    let options = |code: &str, list: &str| unit(code).option_list(list).unwrap().options.len();
    assert_eq!(options("SISXCCS002", "client-service-activities"), 5);
    assert_eq!(options("SISXCCS002", "policy-areas"), 10);
    // PSPMNGT606B AM1 counts methods, one per item: no option list, so no tag can add one.
    assert!(matches!(rule("PSPMNGT606B", "AM1"), Rule::Any { .. }));
    assert!(unit("PSPMNGT606B").option_lists.is_empty());
}

#[test]
fn equivalence_and_supersession_are_queryable() {
    let catalog = Catalog::bundled();
    let code = |s: &str| s.parse::<UnitCode>().unwrap();
    assert_eq!(catalog.equivalents(&code("BSBFLM507A")), [&code("BSXFMI507A")]);
    assert_eq!(catalog.equivalents(&code("BSXFMI507A")), [&code("BSBFLM507A")]);
    assert_eq!(catalog.replaces(&code("PSPMNGT606B")), [&code("PSPMNGT606A")]);
    let replaced_by: Vec<&str> = catalog
        .replaced_by(&code("PSPMNGT606A"))
        .iter()
        .map(|u| u.code.as_str())
        .collect();
    assert_eq!(replaced_by, ["PSPMNGT606B"]);
    assert!(
        catalog
            .equivalents(&code("PSPMNGT606A"))
            .contains(&&code("PSPMNGT606B"))
    );
    assert!(catalog.replaces(&code("CHCMGT006")).is_empty());
}

#[test]
fn release_qualified_references_resolve() {
    let catalog = Catalog::bundled();
    assert!(catalog.resolve_str("CHCMGT006").is_ok());
    assert!(catalog.resolve_str("CHCMGT006@2").is_ok());
    let wrong = catalog.resolve_str("CHCMGT006@1").unwrap_err().to_string();
    assert_eq!(
        wrong,
        "CHCMGT006@1 asks for release 1, but the catalog holds release 2 of CHCMGT006"
    );
    let typo = catalog.resolve_str("CHCMGT060").unwrap_err().to_string();
    assert_eq!(
        typo,
        "unit CHCMGT060 is not in the catalog; did you mean CHCMGT006?"
    );
}

/// The bundled units plus the made-up release 1 of CHCMGT006 in `tests/releases` (a test
/// fixture, not a real unit).
fn with_release_1() -> Catalog {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/releases");
    Catalog::bundled().extended(Catalog::from_dir(dir).unwrap()).0
}

#[test]
fn a_catalog_holds_several_releases_and_resolves_the_latest_by_default() {
    let catalog = with_release_1();
    let code: UnitCode = "CHCMGT006".parse().unwrap();
    let releases: Vec<u32> = catalog.releases(&code).map(|u| u.release).collect();
    assert_eq!(releases, [1, 2]);
    assert_eq!(catalog.len(), 6);
    assert_eq!(catalog.resolve_str("CHCMGT006").unwrap().release, 2);
    assert_eq!(catalog.get(&code).unwrap().release, 2);
    let one = catalog.resolve_str("CHCMGT006@1").unwrap();
    assert_eq!(one.release, 1);
    assert!(one.evidence[1].text.contains("at least 2 clients"));
    assert_ne!(
        catalog.digest(&"CHCMGT006@1".parse().unwrap()),
        catalog.digest(&"CHCMGT006".parse().unwrap())
    );
    let missing = catalog.resolve_str("CHCMGT006@3").unwrap_err();
    assert_eq!(
        missing.to_string(),
        "CHCMGT006@3 asks for release 3, but the catalog holds releases 1 and 2 of CHCMGT006"
    );
    assert!(missing.help().unwrap().contains("CHCMGT006@1, CHCMGT006@2"));
}

#[test]
fn releases_of_one_code_supersede_each_other_in_the_lineage() {
    let catalog = with_release_1();
    let one = catalog.lineage(catalog.resolve_str("CHCMGT006@1").unwrap());
    let two = catalog.lineage(catalog.resolve_str("CHCMGT006@2").unwrap());
    assert!(!one.is_latest() && two.is_latest());
    assert_eq!((one.previous(), one.next()), (None, Some(2)));
    let names = |refs: Vec<competency::UnitRef>| refs.iter().map(ToString::to_string).collect::<Vec<_>>();
    assert_eq!(names(one.superseded_by()), ["CHCMGT006@2"]);
    assert_eq!(names(two.supersedes()), ["CHCMGT006@1"]);
    // Equivalence by code is unchanged by a second release.
    let bsb: UnitCode = "BSBFLM507A".parse().unwrap();
    assert_eq!(catalog.equivalents(&bsb), Catalog::bundled().equivalents(&bsb));
}

#[test]
fn equivalence_declared_by_another_unit_is_read_both_ways() {
    // A made-up BSXFMI507A (BSBFLM507A's content under the old code, no relations), so that
    // only BSBFLM507A's file records the equivalence.
    let mut old = unit("BSBFLM507A").clone();
    old.code = "BSXFMI507A".parse().unwrap();
    old.relations.clear();
    let text = old.to_toml_string().unwrap();
    let own = Catalog::from_sources([("BSXFMI507A.toml", text.as_str())]).unwrap();
    let catalog = Catalog::bundled().extended(own).0;
    let bsb: UnitCode = "BSBFLM507A".parse().unwrap();
    let bsx: UnitCode = "BSXFMI507A".parse().unwrap();
    let old = catalog.lineage(catalog.get(&bsx).unwrap());
    assert_eq!(old.equivalent_from, [&bsb]);
    assert_eq!(old.equivalent_to(), [&bsb]);
    let new = catalog.lineage(catalog.get(&bsb).unwrap());
    assert!(
        new.equivalent_from.is_empty(),
        "declared by the unit itself, listed once"
    );
    assert_eq!(new.equivalent_to(), [&bsx]);
}

#[test]
fn extending_replaces_a_matching_release_and_adds_another() {
    use competency::OverlapKind;
    let (name, text) = Catalog::bundled_sources()[1];
    let older = text.replace("release = 2", "release = 1");
    let own = Catalog::from_sources([(name, text), ("CHCMGT006@1.toml", older.as_str())]).unwrap();
    let (merged, overlaps) = Catalog::bundled().extended(own);
    let seen: Vec<(u32, OverlapKind, Vec<u32>)> = overlaps
        .into_iter()
        .map(|o| (o.release, o.kind, o.held))
        .collect();
    assert_eq!(
        seen,
        [
            (1, OverlapKind::Added, vec![2]),
            (2, OverlapKind::Replaced, vec![2])
        ]
    );
    assert_eq!(merged.len(), 6);
}

/// The catalog digest is reproducible without the library (docs/scaling.md): SHA-256 over
/// `CODE FILE_SHA256\n` per unit file, in order; any change to a file's text or the order
/// changes it.
#[test]
fn the_catalog_digest_is_the_documented_manifest_hash() {
    use sha2::Digest;
    let hex = |bytes: &[u8]| -> String {
        sha2::Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let mut files: Vec<_> = std::fs::read_dir(units_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        // units/ is also the crate competency-units; the loader skips its manifest.
        .filter(|p| !p.ends_with("Cargo.toml"))
        .collect();
    files.sort();
    let manifest: String = files
        .iter()
        .map(|p| {
            let code = p.file_stem().unwrap().to_str().unwrap();
            format!("{code} {}\n", hex(&std::fs::read(p).unwrap()))
        })
        .collect();
    let bundled = Catalog::bundled();
    assert_eq!(bundled.catalog_digest(), hex(manifest.as_bytes()));
    assert_eq!(
        Catalog::from_dir(units_dir()).unwrap().catalog_digest(),
        bundled.catalog_digest()
    );
    assert!(bundled.expect_digest(&bundled.catalog_digest()).is_ok());

    let sources = Catalog::bundled_sources();
    let edited = format!("{}\n# edited\n", sources[1].1);
    let changed = Catalog::from_sources(
        sources
            .iter()
            .enumerate()
            .map(|(i, &(name, text))| (name, if i == 1 { edited.as_str() } else { text })),
    )
    .unwrap();
    let reordered = Catalog::from_sources(sources.iter().rev().copied()).unwrap();
    for other in [&changed, &reordered] {
        assert_ne!(other.catalog_digest(), bundled.catalog_digest());
        let errors = other.expect_digest(&bundled.catalog_digest()).unwrap_err();
        assert_eq!(errors.errors()[0].code(), competency::ErrorCode::CatalogMismatch);
    }
}
