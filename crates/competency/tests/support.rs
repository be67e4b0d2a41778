//! Shared helpers for the data-driven suites: where the data lives, and expected-file checks
//! that `COMPETENCY_BLESS=1` rewrites instead of comparing.

use std::path::{Path, PathBuf};

/// The workspace's top-level `tests/` folder, which holds data only.
pub fn data_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests")
        .join(name)
}

/// The sub-folders of a data folder, sorted by name.
pub fn case_dirs(name: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(data_dir(name))
        .expect("data folder exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Compares `actual` with the expected file, or rewrites it when blessing. Returns a
/// description of the mismatch, if any.
pub fn check_expected(path: &Path, actual: &str) -> Option<String> {
    if std::env::var_os("COMPETENCY_BLESS").is_some() {
        std::fs::write(path, actual).expect("write expected file");
        return None;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    (expected != actual).then(|| {
        format!(
            "{}:\n--- expected\n{expected}\n--- actual\n{actual}\n(run with COMPETENCY_BLESS=1 to accept, then review the diff)",
            path.display()
        )
    })
}
