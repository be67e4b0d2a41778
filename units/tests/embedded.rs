//! Every unit file in the package directory is embedded, under its own name, in order.

#![allow(clippy::unwrap_used)]

#[test]
fn every_toml_file_in_the_folder_is_embedded_in_file_name_order() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut on_disk: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.file_name().unwrap().to_str().unwrap().to_owned())
        // The package manifest is not a unit file.
        .filter(|name| name != "Cargo.toml")
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(&name)).unwrap();
            (name, text)
        })
        .collect();
    on_disk.sort();
    let embedded: Vec<(String, String)> = competency_units::UNITS
        .iter()
        .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
        .collect();
    let names = |files: &[(String, String)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&embedded),
        names(&on_disk),
        "units/*.toml and competency_units::UNITS differ: add each unit file to UNITS, in file-name order"
    );
    assert!(embedded == on_disk, "an embedded text differs from its file");
}
