//! The shipped unit files: every one loads clean, with the source's counts and order.

use competency::{Catalog, Unit};

fn units_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../units")
}

#[test]
fn every_shipped_unit_file_loads_clean() {
    match Catalog::from_dir(units_dir()) {
        Ok(catalog) => assert_eq!(catalog.len(), 5),
        Err(errors) => panic!("{errors}"),
    }
}
