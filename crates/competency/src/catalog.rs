//! A set of validated units: the bundled five, or a directory of unit files.

use std::fmt;
use std::path::{Path as FsPath, PathBuf};
use std::sync::{Arc, OnceLock};

use indexmap::IndexMap;

use crate::error::{ErrorCode, LoadError, LoadErrors};
use crate::ids::{UnitCode, UnitRef};
use crate::load::{decode, file_error, load_unit};
use crate::suggest::suggest;
use crate::unit::{RelationKind, Unit};

/// The unit files shipped inside the library, in code order.
const BUNDLED: &[(&str, &str)] = &[
    (
        "units/BSBFLM507A.toml",
        include_str!("../../../units/BSBFLM507A.toml"),
    ),
    (
        "units/CHCMGT006.toml",
        include_str!("../../../units/CHCMGT006.toml"),
    ),
    (
        "units/CSCORG406A.toml",
        include_str!("../../../units/CSCORG406A.toml"),
    ),
    (
        "units/PSPMNGT606B.toml",
        include_str!("../../../units/PSPMNGT606B.toml"),
    ),
    (
        "units/SISXCCS002.toml",
        include_str!("../../../units/SISXCCS002.toml"),
    ),
];

/// Validated units, in load order (code order for the bundled set and for directories).
///
/// ```
/// use competency::{Catalog, UnitRef};
/// let catalog = Catalog::bundled();
/// let unit = catalog.resolve(&"CHCMGT006@2".parse::<UnitRef>().unwrap()).unwrap();
/// assert_eq!(unit.title, "Coordinate client directed services");
/// assert!(catalog.resolve(&"CHCMGT006@1".parse::<UnitRef>().unwrap()).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalog {
    /// Shared so that a checker's compiled units can hold their unit without borrowing the
    /// catalog.
    units: IndexMap<UnitCode, Arc<Unit>>,
    /// SHA-256 of each unit file's bytes, hex, by code.
    digests: IndexMap<UnitCode, String>,
}

impl Catalog {
    /// The five units bundled into the library; needs no files on disk.
    pub fn bundled() -> &'static Catalog {
        static BUNDLED_CATALOG: OnceLock<Catalog> = OnceLock::new();
        BUNDLED_CATALOG.get_or_init(|| match Catalog::from_sources(BUNDLED.iter().copied()) {
            Ok(catalog) => catalog,
            // The shipped files are checked by the test suite; reaching this is a build defect.
            Err(errors) => panic!("bundled unit files are invalid:\n{errors}"),
        })
    }

    /// The bundled unit files as (name, TOML text), for tools that show or copy them.
    pub fn bundled_sources() -> &'static [(&'static str, &'static str)] {
        BUNDLED
    }

    /// Loads units from (name, TOML text) pairs; `name` is used in error locations and, when it
    /// ends in `CODE.toml`, checked against the unit's code.
    pub fn from_sources<'a>(
        sources: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Catalog, LoadErrors> {
        let mut units: IndexMap<UnitCode, (String, Unit)> = IndexMap::new();
        let mut digests = IndexMap::new();
        let mut errors = Vec::new();
        for (name, text) in sources {
            match load_unit(name, text) {
                Err(mut e) => errors.append(&mut e),
                Ok(unit) => {
                    if let Some((first, _)) = units.get(&unit.code) {
                        errors.push(file_error(
                            ErrorCode::DuplicateUnit,
                            name,
                            format!("unit {} is already defined in {first}", unit.code),
                            Some("keep one file per unit".to_owned()),
                        ));
                        continue;
                    }
                    let stem = FsPath::new(name).file_stem().and_then(|s| s.to_str());
                    if let Some(stem) = stem.filter(|s| *s != unit.code.as_str() && name.ends_with(".toml")) {
                        errors.push(file_error(
                            ErrorCode::FileNameMismatch,
                            name,
                            format!("the file is named {stem}.toml but holds unit {}", unit.code),
                            Some(format!("rename it to {}.toml", unit.code)),
                        ));
                    }
                    digests.insert(unit.code.clone(), sha256_hex(text.as_bytes()));
                    units.insert(unit.code.clone(), (name.to_owned(), unit));
                }
            }
        }
        if errors.is_empty() {
            Ok(Catalog {
                units: units
                    .into_iter()
                    .map(|(code, (_, unit))| (code, Arc::new(unit)))
                    .collect(),
                digests,
            })
        } else {
            Err(LoadErrors::new(errors))
        }
    }

    /// Loads every `*.toml` file in a directory, in file-name order.
    pub fn from_dir(dir: impl AsRef<FsPath>) -> Result<Catalog, LoadErrors> {
        Self::from_paths(&[dir.as_ref().to_path_buf()])
    }

    /// Loads unit files and directories of unit files, collecting every problem in all of them.
    pub fn from_paths(paths: &[PathBuf]) -> Result<Catalog, LoadErrors> {
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for path in paths {
            let name = path.display().to_string();
            if path.is_dir() {
                match toml_files(path) {
                    Ok(found) if found.is_empty() => errors.push(file_error(
                        ErrorCode::NoUnits,
                        &name,
                        "the directory holds no .toml unit files".to_owned(),
                        None,
                    )),
                    Ok(mut found) => files.append(&mut found),
                    Err(e) => errors.push(file_error(
                        ErrorCode::Io,
                        &name,
                        format!("cannot read directory: {e}"),
                        None,
                    )),
                }
            } else {
                files.push(path.clone());
            }
        }
        let mut texts = Vec::new();
        for file in files {
            let name = file.display().to_string();
            match read_limited(&file, UNIT_FILE_BYTES) {
                Ok(Some(bytes)) => match decode(&name, &bytes) {
                    Ok(text) => texts.push((name, text.to_owned())),
                    Err(e) => errors.push(e),
                },
                Ok(None) => errors.push(file_error(
                    ErrorCode::LimitExceeded,
                    &name,
                    format!("the file is over the limit of {UNIT_FILE_BYTES} bytes for a unit file"),
                    Some("a unit file is tens of kilobytes; is this the right file?".to_owned()),
                )),
                Err(e) => errors.push(file_error(
                    ErrorCode::Io,
                    &name,
                    format!("cannot read file: {e}"),
                    None,
                )),
            }
        }
        match Self::from_sources(texts.iter().map(|(n, t)| (n.as_str(), t.as_str()))) {
            Ok(catalog) if errors.is_empty() => Ok(catalog),
            Ok(_) => Err(LoadErrors::new(errors)),
            Err(more) => {
                errors.extend(more);
                Err(LoadErrors::new(errors))
            }
        }
    }

    /// This catalog with `other`'s units added; a unit of `other` whose code this catalog
    /// already holds replaces it in place, and is listed in the returned replacements.
    ///
    /// ```
    /// use competency::Catalog;
    /// let own = Catalog::from_sources([Catalog::bundled_sources()[1]]).unwrap();
    /// let (merged, replaced) = Catalog::bundled().extended(own);
    /// assert_eq!(merged.len(), 5);
    /// assert_eq!(replaced[0].code.as_str(), "CHCMGT006");
    /// ```
    pub fn extended(&self, other: Catalog) -> (Catalog, Vec<Replacement>) {
        let mut units = self.units.clone();
        let mut digests = self.digests.clone();
        digests.extend(other.digests);
        let mut replaced = Vec::new();
        for (code, unit) in other.units {
            let new_release = unit.release;
            if let Some(old) = units.insert(code.clone(), unit) {
                replaced.push(Replacement {
                    code,
                    old_release: old.release,
                    new_release,
                });
            }
        }
        (Catalog { units, digests }, replaced)
    }

    /// The SHA-256 of the unit file `code` was loaded from, in lower-case hex.
    ///
    /// ```
    /// use competency::Catalog;
    /// let digest = Catalog::bundled().digest(&"CHCMGT006".parse().unwrap()).unwrap();
    /// assert_eq!(digest.len(), 64);
    /// ```
    pub fn digest(&self, code: &UnitCode) -> Option<&str> {
        self.digests.get(code).map(String::as_str)
    }

    /// The digest of the whole catalog: the SHA-256, in lower-case hex, of one line
    /// `CODE SOURCE_SHA256\n` per unit, in load order ([`Catalog::units`]), where
    /// `SOURCE_SHA256` is [`Catalog::digest`]. Two catalogs with the same digest hold the same
    /// unit files in the same order, so a driver can pin the catalog every worker uses
    /// (docs/scaling.md).
    ///
    /// ```
    /// use competency::Catalog;
    /// let bundled = Catalog::bundled();
    /// assert_eq!(bundled.catalog_digest().len(), 64);
    /// let reversed = Catalog::from_sources(Catalog::bundled_sources().iter().rev().copied()).unwrap();
    /// assert_ne!(reversed.catalog_digest(), bundled.catalog_digest());
    /// ```
    pub fn catalog_digest(&self) -> String {
        let manifest: String = self
            .digests
            .iter()
            .map(|(code, digest)| format!("{code} {digest}\n"))
            .collect();
        sha256_hex(manifest.as_bytes())
    }

    /// `Ok` when [`Catalog::catalog_digest`] is `expected` (hex, in either case), else a
    /// [`catalog-mismatch`](ErrorCode::CatalogMismatch) error naming both digests: what a
    /// worker checks before it checks anything, so that it never uses another catalog than
    /// the one its driver pinned.
    ///
    /// ```
    /// use competency::Catalog;
    /// let catalog = Catalog::bundled();
    /// assert!(catalog.expect_digest(&catalog.catalog_digest().to_uppercase()).is_ok());
    /// let err = catalog.expect_digest("00").unwrap_err();
    /// assert_eq!(err.errors()[0].code().as_str(), "catalog-mismatch");
    /// ```
    pub fn expect_digest(&self, expected: &str) -> Result<(), LoadErrors> {
        let actual = self.catalog_digest();
        if actual.eq_ignore_ascii_case(expected.trim()) {
            return Ok(());
        }
        Err(LoadErrors::from(
            LoadError::new(
                ErrorCode::CatalogMismatch,
                format!(
                    "the catalog's digest is {actual}, not the expected {}",
                    expected.trim()
                ),
            )
            .with_help(Some(
                "give every worker the same unit files as the driver (the same binary, or the same --units or --only-units directory); `competency units --digest` prints a catalog's digest".to_owned(),
            )),
        ))
    }

    /// The units, in load order.
    pub fn units(&self) -> impl ExactSizeIterator<Item = &Unit> {
        self.units.values().map(|u| &**u)
    }

    /// The units, shared, in load order.
    pub(crate) fn shared_units(&self) -> impl Iterator<Item = &Arc<Unit>> {
        self.units.values()
    }

    /// How many units there are.
    pub fn len(&self) -> usize {
        self.units.len()
    }

    /// True when the catalog holds no units.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// The unit with this code.
    pub fn get(&self, code: &UnitCode) -> Option<&Unit> {
        self.units.get(code).map(|u| &**u)
    }

    /// The unit a reference names: `CHCMGT006` (any release) or `CHCMGT006@2` (that release).
    pub fn resolve(&self, reference: &UnitRef) -> Result<&Unit, ResolveError> {
        let Some(unit) = self.units.get(reference.code()) else {
            let suggestion = suggest(reference.code().as_str(), self.units.keys().map(UnitCode::as_str))
                .map(str::to_owned);
            return Err(ResolveError::UnknownUnit {
                reference: reference.clone(),
                suggestion,
            });
        };
        match reference.release() {
            Some(release) if release != unit.release => Err(ResolveError::ReleaseMismatch {
                reference: reference.clone(),
                available: unit.release,
            }),
            _ => Ok(&**unit),
        }
    }

    /// Resolves a reference written as text; errors say what was wrong with it.
    pub fn resolve_str(&self, reference: &str) -> Result<&Unit, ResolveError> {
        let parsed: UnitRef = reference
            .parse()
            .map_err(|e: crate::ids::IdError| ResolveError::Invalid {
                message: e.to_string(),
            })?;
        self.resolve(&parsed)
    }

    /// Codes equivalent to `code`: those `code`'s unit declares (equivalent-to, or replaces and
    /// is equivalent), and the catalog units that declare `code` equivalent.
    pub fn equivalents(&self, code: &UnitCode) -> Vec<&UnitCode> {
        let mut out: Vec<&UnitCode> = Vec::new();
        let is_equivalence = |kind: RelationKind, equivalent: bool| {
            kind == RelationKind::EquivalentTo || (kind == RelationKind::Replaces && equivalent)
        };
        if let Some(unit) = self.get(code) {
            out.extend(
                unit.relations
                    .iter()
                    .filter(|r| is_equivalence(r.kind, r.equivalent))
                    .map(|r| &r.code),
            );
        }
        for unit in self.units() {
            if unit
                .relations
                .iter()
                .any(|r| &r.code == code && is_equivalence(r.kind, r.equivalent))
                && !out.contains(&&unit.code)
            {
                out.push(&unit.code);
            }
        }
        out
    }

    /// The catalog units that replace (supersede) `code`.
    pub fn replaced_by(&self, code: &UnitCode) -> Vec<&Unit> {
        self.units()
            .filter(|u| {
                u.relations
                    .iter()
                    .any(|r| r.kind == RelationKind::Replaces && &r.code == code)
            })
            .collect()
    }

    /// The codes that `code`'s unit replaces.
    pub fn replaces(&self, code: &UnitCode) -> Vec<&UnitCode> {
        self.get(code)
            .map(|u| {
                u.relations
                    .iter()
                    .filter(|r| r.kind == RelationKind::Replaces)
                    .map(|r| &r.code)
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    use std::fmt::Write;
    sha2::Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// A portfolio file's bytes, read no further than its format's input limit: a file that cannot
/// be read is an `io` error, one over the limit a `limit-exceeded` error, both naming the file.
pub fn read_portfolio(path: &FsPath, limits: &crate::limits::Limits) -> Result<Vec<u8>, LoadErrors> {
    let name = path.display().to_string();
    let format = crate::load::Format::from_file_name(&name);
    match std::fs::File::open(path) {
        Ok(file) => read_portfolio_from(file, &name, format, limits),
        Err(e) => Err(read_error(&name, &e)),
    }
}

/// A portfolio's bytes from a reader (standard input, say), read no further than the limit
/// for `format`: over it is a `limit-exceeded` error, a read failure an `io` error, each
/// naming `name`.
///
/// ```
/// use competency::{Format, Limits, read_portfolio_from};
/// let limits = Limits { input_bytes: 4, ..Limits::default() };
/// let err = read_portfolio_from(&b"{\"format\": 1}"[..], "<stdin>", Format::Json, &limits).unwrap_err();
/// assert_eq!(err.errors()[0].code().as_str(), "limit-exceeded");
/// ```
pub fn read_portfolio_from(
    reader: impl std::io::Read,
    name: &str,
    format: crate::load::Format,
    limits: &crate::limits::Limits,
) -> Result<Vec<u8>, LoadErrors> {
    use std::io::Read;
    let limit = limits.input_bytes_for(format);
    let mut bytes = Vec::new();
    match reader.take(limit as u64 + 1).read_to_end(&mut bytes) {
        Ok(_) if bytes.len() <= limit => Ok(bytes),
        Ok(_) => Err(LoadErrors::from(file_error(
            ErrorCode::LimitExceeded,
            name,
            format!("the portfolio is over the limit of {limit} bytes for {}", format.name()),
            Some("split it, or raise the limit (--max-input-bytes or --max-toml-bytes on the command line, `Limits` in the library)".to_owned()),
        ))),
        Err(e) => Err(read_error(name, &e)),
    }
}

fn read_error(name: &str, e: &std::io::Error) -> LoadErrors {
    LoadErrors::from(file_error(
        ErrorCode::Io,
        name,
        format!("cannot read the portfolio: {e}"),
        None,
    ))
}

/// The largest unit file read: real ones are tens of kilobytes.
pub const UNIT_FILE_BYTES: usize = 4 * 1024 * 1024;

/// A file's bytes, or `None` when it is longer than `limit` (without reading past the limit,
/// so that `/dev/zero` or a huge file costs no more than the limit).
pub fn read_limited(path: &FsPath, limit: usize) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() <= limit).then_some(bytes))
}

fn toml_files(dir: &FsPath) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

/// A unit of one catalog replaced by a unit of the same code from another
/// ([`Catalog::extended`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    /// The unit code.
    pub code: UnitCode,
    /// The release that was replaced.
    pub old_release: u32,
    /// The release that replaced it.
    pub new_release: u32,
}

/// Why a unit reference does not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveError {
    /// The text is not a unit reference.
    Invalid {
        /// What is wrong with it.
        message: String,
    },
    /// No unit with that code.
    UnknownUnit {
        /// The reference.
        reference: UnitRef,
        /// A near-miss code in the catalog.
        suggestion: Option<String>,
    },
    /// The catalog holds another release.
    ReleaseMismatch {
        /// The reference.
        reference: UnitRef,
        /// The release the catalog holds.
        available: u32,
    },
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResolveError::Invalid { message } => f.write_str(message),
            ResolveError::UnknownUnit {
                reference,
                suggestion,
            } => {
                write!(f, "unit {} is not in the catalog", reference.code())?;
                if let Some(s) = suggestion {
                    write!(f, "; did you mean {s}?")?;
                }
                Ok(())
            }
            ResolveError::ReleaseMismatch { reference, available } => write!(
                f,
                "{reference} asks for release {}, but the catalog holds release {available} of {}",
                reference.release().unwrap_or_default(),
                reference.code()
            ),
        }
    }
}

impl std::error::Error for ResolveError {}

impl From<LoadError> for LoadErrors {
    fn from(error: LoadError) -> Self {
        LoadErrors::new(vec![error])
    }
}
