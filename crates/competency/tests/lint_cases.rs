//! The lint suite: each folder in `tests/lint/` holds broken unit files and `expected.txt`,
//! the exact errors they must produce.

#![allow(clippy::unwrap_used)]

mod support;

use competency::Catalog;

#[test]
fn every_broken_unit_gives_its_exact_errors() {
    let cases = support::case_dirs("lint");
    assert!(
        cases.len() >= 15,
        "expected at least 15 lint cases, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for dir in cases {
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{} has no unit files", dir.display());
        let sources: Vec<(String, String)> = files
            .iter()
            .map(|f| {
                let name = f.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(f).unwrap())
            })
            .collect();
        let actual = match Catalog::from_sources(sources.iter().map(|(n, t)| (n.as_str(), t.as_str()))) {
            Ok(_) => "no errors\n".to_owned(),
            Err(errors) => format!("{errors}\n"),
        };
        failures.extend(support::check_expected(&dir.join("expected.txt"), &actual));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
