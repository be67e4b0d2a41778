//! The catalog cache (`Catalog::from_sources_cached`, `Catalog::from_paths_cached`): a cache
//! gives the catalog the files give, or is not used; every reason not to use it falls back to
//! the files.

#![allow(clippy::unwrap_used)]

#[allow(dead_code)] // Only `case_dirs` is used here.
mod support;

use std::path::{Path, PathBuf};

use competency::{CacheMiss, CacheUse, Catalog, CheckOptions, Checker, Format, Source};

fn bundled() -> Vec<(String, String)> {
    Catalog::bundled_sources()
        .iter()
        .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
        .collect()
}

fn pairs(sources: &[(String, String)]) -> impl Iterator<Item = (&str, &str)> {
    sources.iter().map(|(n, t)| (n.as_str(), t.as_str()))
}

/// The cache bytes for these sources, from a first load without a cache.
fn cache_of(sources: &[(String, String)]) -> Vec<u8> {
    match Catalog::from_sources_cached(pairs(sources), None).unwrap() {
        (_, CacheUse::Rebuilt { reason, cache }) => {
            assert_eq!(reason, CacheMiss::Absent);
            cache
        }
        (_, used) => panic!("no cache was given, yet {used:?}"),
    }
}

/// Loads with the cache; asserts the catalog is the one the files give, and returns why the
/// cache was not used (None when it was).
fn load_with(sources: &[(String, String)], cache: &[u8]) -> Option<CacheMiss> {
    let (catalog, used) = Catalog::from_sources_cached(pairs(sources), Some(cache)).unwrap();
    assert_eq!(catalog, Catalog::from_sources(pairs(sources)).unwrap());
    match used {
        CacheUse::Used => None,
        CacheUse::Rebuilt { reason, cache } => {
            // The fresh cache is for these files.
            assert_eq!(
                Catalog::from_sources_cached(pairs(sources), Some(&cache))
                    .unwrap()
                    .1,
                CacheUse::Used
            );
            Some(reason)
        }
        other => panic!("{other:?}"),
    }
}

fn report(checker: &Checker<'_>, dir: &Path) -> String {
    let (name, format) = if dir.join("portfolio.json").exists() {
        ("portfolio.json", Format::Json)
    } else {
        ("portfolio.toml", Format::Toml)
    };
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    match checker.check_source(&Source::new(name, &text, format), &CheckOptions::default()) {
        Ok(report) => report.to_json(),
        Err(errors) => errors.to_string(),
    }
}

/// A catalog from its cache checks every conformance case as the catalog from the files
/// does, byte for byte: the bundled units, and the extra unit directories cases name.
#[test]
fn a_cached_catalog_gives_the_same_reports_for_every_conformance_case() {
    let sources = bundled();
    let cache = cache_of(&sources);
    let (cached, used) = Catalog::from_sources_cached(pairs(&sources), Some(&cache)).unwrap();
    assert_eq!(used, CacheUse::Used);
    assert_eq!(&cached, Catalog::bundled());
    for unit in cached.units() {
        let code = unit.code.clone().into();
        assert_eq!(cached.digest(&code), Catalog::bundled().digest(&code));
    }
    let from_files = Checker::new(Catalog::bundled());
    let from_cache = Checker::new(&cached);
    let mut cases = 0;
    for dir in support::case_dirs("check") {
        let (files, cached) = match std::fs::read_to_string(dir.join("units.txt")) {
            Ok(named) => {
                let units = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../..")
                    .join(named.trim());
                let files = Catalog::from_dir(&units).unwrap();
                let dir_cache = match Catalog::from_paths_cached(std::slice::from_ref(&units), None)
                    .unwrap()
                    .1
                {
                    CacheUse::Rebuilt { cache, .. } => cache,
                    other => panic!("{other:?}"),
                };
                let (cached, used) = Catalog::from_paths_cached(&[units], Some(&dir_cache)).unwrap();
                assert_eq!(used, CacheUse::Used);
                (
                    Catalog::bundled().extended(files).0,
                    Some(Catalog::bundled().extended(cached).0),
                )
            }
            Err(_) => (Catalog::bundled().clone(), None),
        };
        let (expected, actual) = match &cached {
            Some(cached) => (
                report(&Checker::new(&files), &dir),
                report(&Checker::new(cached), &dir),
            ),
            None => (report(&from_files, &dir), report(&from_cache, &dir)),
        };
        assert_eq!(actual, expected, "{}", dir.display());
        cases += 1;
    }
    assert!(cases >= 60, "only {cases} cases");
}

#[test]
fn a_changed_added_removed_renamed_or_reordered_file_is_not_taken_from_the_cache() {
    let sources = bundled();
    let cache = cache_of(&sources);
    assert_eq!(load_with(&sources, &cache), None);

    let mut changed = sources.clone();
    changed[2].1.push(' ');
    assert_eq!(
        load_with(&changed, &cache),
        Some(CacheMiss::FileChanged {
            name: changed[2].0.clone()
        })
    );

    let older = sources[1].1.replace("release = 2", "release = 1");
    let mut added = sources.clone();
    added.push(("CHCMGT006@1.toml".to_owned(), older.clone()));
    assert_eq!(
        load_with(&added, &cache),
        Some(CacheMiss::FileAdded {
            name: "CHCMGT006@1.toml".to_owned()
        })
    );

    let removed = sources[..4].to_vec();
    assert_eq!(
        load_with(&removed, &cache),
        Some(CacheMiss::FileRemoved {
            name: sources[4].0.clone()
        })
    );

    // The same bytes under another valid name: CODE@RELEASE.toml.
    let mut renamed = sources.clone();
    renamed[1].0 = "CHCMGT006@2.toml".to_owned();
    assert_eq!(
        load_with(&renamed, &cache),
        Some(CacheMiss::FileRenamed {
            from: sources[1].0.clone(),
            to: "CHCMGT006@2.toml".to_owned()
        })
    );

    let mut reordered = sources.clone();
    reordered.swap(0, 3);
    assert_eq!(load_with(&reordered, &cache), Some(CacheMiss::FilesReordered));
}

/// The cache's header line, as JSON, and where the units start.
fn header(cache: &[u8]) -> (serde_json::Value, usize) {
    let first = cache.iter().position(|b| *b == b'\n').unwrap() + 1;
    let end = first + cache[first..].iter().position(|b| *b == b'\n').unwrap();
    (serde_json::from_slice(&cache[first..end]).unwrap(), end + 1)
}

/// The cache with its header line replaced.
fn with_header(cache: &[u8], header_json: &serde_json::Value) -> Vec<u8> {
    let first = cache.iter().position(|b| *b == b'\n').unwrap() + 1;
    let (_, units) = header(cache);
    let mut out = cache[..first].to_vec();
    out.extend(serde_json::to_vec(header_json).unwrap());
    out.push(b'\n');
    out.extend(&cache[units..]);
    out
}

#[test]
fn a_cache_of_another_version_or_layout_is_not_used() {
    let sources = bundled();
    let cache = cache_of(&sources);
    let (mut json, _) = header(&cache);
    json["version"] = "0.0.1".into();
    assert_eq!(
        load_with(&sources, &with_header(&cache, &json)),
        Some(CacheMiss::Version {
            found: "0.0.1".to_owned()
        })
    );
    let first = cache.iter().position(|b| *b == b'\n').unwrap();
    let mut layout = b"competency catalog cache, format 999".to_vec();
    layout.extend(&cache[first..]);
    assert_eq!(
        load_with(&sources, &layout),
        Some(CacheMiss::Format { found: 999 })
    );
    for not_a_cache in [
        &b""[..],
        b"\n",
        b"{}",
        b"competency catalog cache, format x\n",
        &cache[1..],
    ] {
        assert_eq!(load_with(&sources, not_a_cache), Some(CacheMiss::NotACache));
    }
}

#[test]
fn a_truncated_or_damaged_cache_is_not_used() {
    let sources = bundled();
    let cache = cache_of(&sources);
    let (_, units) = header(&cache);
    // Cut anywhere after the first line: every cut is refused, none panics.
    let first = cache.iter().position(|b| *b == b'\n').unwrap() + 1;
    for cut in (first..cache.len()).step_by(997).chain([units, cache.len() - 1]) {
        let reason = load_with(&sources, &cache[..cut]).unwrap();
        assert!(
            matches!(reason, CacheMiss::Damaged { .. }),
            "cut at {cut}: {reason:?}"
        );
    }
    // One changed byte in a unit's text: the checksum no longer matches.
    let mut flipped = cache.clone();
    let at = units + (cache.len() - units) / 2;
    flipped[at] ^= 0x01;
    assert!(matches!(
        load_with(&sources, &flipped),
        Some(CacheMiss::Damaged { .. })
    ));
    // Bytes after the units.
    let mut longer = cache.clone();
    longer.extend(b"[]");
    assert!(matches!(
        load_with(&sources, &longer),
        Some(CacheMiss::Damaged { .. })
    ));
}

fn write_units(dir: &Path, sources: &[(String, String)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in sources {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// A directory and its cache can be moved together; the files are read (and their errors
/// reported) as without a cache.
#[test]
fn a_directory_cache_follows_its_files_not_their_directory() {
    let root = std::env::temp_dir().join(format!("competency-cache-test-{}", std::process::id()));
    let (here, there) = (root.join("here"), root.join("there/units"));
    write_units(&here, &bundled());
    write_units(&there, &bundled());
    let cache = match Catalog::from_paths_cached(std::slice::from_ref(&here), None)
        .unwrap()
        .1
    {
        CacheUse::Rebuilt { cache, .. } => cache,
        other => panic!("{other:?}"),
    };
    let (catalog, used) = Catalog::from_paths_cached(std::slice::from_ref(&there), Some(&cache)).unwrap();
    assert_eq!((used, &catalog), (CacheUse::Used, Catalog::bundled()));
    // A byte order mark is not part of the text: the same digest, and the cache is used.
    let (name, text) = Catalog::bundled_sources()[2];
    std::fs::write(there.join(name), format!("\u{feff}{text}")).unwrap();
    let (catalog, used) = Catalog::from_paths_cached(std::slice::from_ref(&there), Some(&cache)).unwrap();
    assert_eq!((used, &catalog), (CacheUse::Used, Catalog::bundled()));
    // A file that does not parse: the same errors as without a cache.
    std::fs::write(there.join("BSBFLM507A.toml"), "code = ").unwrap();
    let with_cache = Catalog::from_paths_cached(std::slice::from_ref(&there), Some(&cache)).unwrap_err();
    let without: Vec<PathBuf> = vec![there];
    assert_eq!(with_cache, Catalog::from_paths(&without).unwrap_err());
    let _ = std::fs::remove_dir_all(root);
}
