//! Catalogs of real size for measuring load: copies of the bundled units under new codes, as
//! text, as a directory, and loaded from a catalog cache. Shared by the `throughput` example
//! and the benchmarks (each includes this file with `#[path]`).

use competency::{Catalog, Checker};

/// `count` units of real size: copies of the bundled units with new codes, as (file name,
/// TOML text), for measuring a large catalog's load.
pub fn renamed_units(count: usize) -> Vec<(String, String)> {
    let bundled = Catalog::bundled_sources();
    (0..count)
        .map(|i| {
            let (name, text) = bundled[i % bundled.len()];
            let code = std::path::Path::new(name)
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("bundled files are named CODE.toml");
            let new = format!("{}X{:05}", &code[..3], i);
            let text = text.replacen(&format!("code = \"{code}\""), &format!("code = \"{new}\""), 1);
            (format!("{new}.toml"), text)
        })
        .collect()
}

/// `renamed_units(count)` written as files to a new directory under the system's temporary
/// directory (named after `label` and the process), and a catalog cache of that directory:
/// what the cached catalog measures load. The caller removes the directory.
pub fn units_dir_with_cache(label: &str, count: usize) -> (std::path::PathBuf, Vec<u8>) {
    let dir = std::env::temp_dir().join(format!("competency-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    for (name, text) in renamed_units(count) {
        std::fs::write(dir.join(name), text).expect("a unit file written");
    }
    match Catalog::from_paths_cached(std::slice::from_ref(&dir), None) {
        Ok((_, competency::CacheUse::Rebuilt { cache, .. })) => (dir, cache),
        _ => panic!("the renamed units load, and no cache was given"),
    }
}

/// The catalog of a directory from its cache, which must be used; then compiled, as
/// `competency --only-units DIR --catalog-cache FILE` does it.
pub fn load_cached(dir: &std::path::Path, cache_file: &std::path::Path) -> competency::SharedChecker {
    let cache = std::fs::read(cache_file).expect("the cache file");
    let (catalog, used) = Catalog::from_paths_cached(std::slice::from_ref(&dir.to_path_buf()), Some(&cache))
        .expect("the units load");
    assert_eq!(used, competency::CacheUse::Used, "the cache is for these files");
    Checker::shared(std::sync::Arc::new(catalog))
}
