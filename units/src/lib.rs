//! The unit files bundled with the `competency` crate: units of competency from Australian
//! vocational education and training, one TOML file per unit, embedded as text.
//!
//! This crate holds data only. Parse and validate the files with
//! `competency::Catalog::bundled()`, which reads them from here; the unit file format is
//! documented with the `competency` crate.
#![no_std]

// The README's example (the crate's page on crates.io) is compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The bundled unit files as (file name, TOML text), in file-name order. Each file is named
/// after the unit's code.
///
/// ```
/// let (name, text) = competency_units::UNITS[1];
/// assert_eq!(name, "CHCMGT006.toml");
/// assert!(text.contains("\ncode = \"CHCMGT006\"\n"));
/// assert!(competency_units::UNITS.windows(2).all(|w| w[0].0 < w[1].0));
/// ```
pub const UNITS: &[(&str, &str)] = &[
    ("BSBFLM507A.toml", include_str!("../BSBFLM507A.toml")),
    ("CHCMGT006.toml", include_str!("../CHCMGT006.toml")),
    ("CSCORG406A.toml", include_str!("../CSCORG406A.toml")),
    ("PSPMNGT606B.toml", include_str!("../PSPMNGT606B.toml")),
    ("SISXCCS002.toml", include_str!("../SISXCCS002.toml")),
];
