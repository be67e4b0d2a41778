//! A set of validated units: the bundled five, or a directory of unit files.

use std::path::{Path as FsPath, PathBuf};
use std::sync::{Arc, OnceLock};

use indexmap::IndexMap;

use crate::catalog_cache::{self, CacheMiss, CacheUse, CachedFile, cache_name};
use crate::error::{ErrorCode, LoadError, LoadErrors};
use crate::ids::{UnitCode, UnitRef};
use crate::load::{Format, file_error, load_unit, locate};
use crate::resolve::ResolveError;
use crate::suggest::suggest;
use crate::unit::{RelationKind, Unit};
use crate::unit_files::{file_name_problem, read_sources, sha256_hex, with_read_errors};
use crate::unit_rules::validate_unit;

/// The unit files shipped inside the library, in code order (the `competency-units` crate,
/// which is the top-level `units/` folder).
const BUNDLED: &[(&str, &str)] = competency_units::UNITS;

/// Validated units, in load order (code order for the bundled set and for directories); a
/// catalog may hold several releases of one unit, kept in release order.
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
    /// Per code, in load order: the releases held, in ascending release order (never empty).
    units: IndexMap<UnitCode, Vec<Held>>,
}

/// One release of a unit as a catalog holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Held {
    /// Shared so that a checker's compiled units can hold their unit without borrowing the
    /// catalog.
    unit: Arc<Unit>,
    /// SHA-256 of the unit file's bytes, hex.
    digest: String,
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

    /// The bundled unit files as (file name, TOML text), such as `("CHCMGT006.toml", ...)`, for
    /// tools that show or copy them.
    pub fn bundled_sources() -> &'static [(&'static str, &'static str)] {
        BUNDLED
    }

    /// Loads units from (name, TOML text) pairs; `name` is used in error locations and, when it
    /// ends in `.toml`, checked against the unit: `CODE.toml` holds a release of unit `CODE`,
    /// `CODE@RELEASE.toml` that release. Two files may hold two releases of one unit, never the
    /// same release.
    ///
    /// ```
    /// use competency::Catalog;
    /// let (name, text) = Catalog::bundled_sources()[1];
    /// let older = text.replace("release = 2", "release = 1");
    /// let catalog = Catalog::from_sources([(name, text), ("CHCMGT006@1.toml", older.as_str())]).unwrap();
    /// assert_eq!(catalog.releases(&"CHCMGT006".parse().unwrap()).map(|u| u.release).collect::<Vec<_>>(), [1, 2]);
    /// let clash = Catalog::from_sources([(name, text), ("CHCMGT006@2.toml", text)]).unwrap_err();
    /// assert_eq!(clash.errors()[0].code().as_str(), "duplicate-unit");
    /// ```
    pub fn from_sources<'a>(
        sources: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Catalog, LoadErrors> {
        let mut assembly = Assembly::default();
        for (name, text) in sources {
            match load_unit(name, text) {
                Err(mut e) => assembly.errors.append(&mut e),
                Ok(unit) => assembly.add(name, text, unit, sha256_hex(text.as_bytes())),
            }
        }
        assembly.finish()
    }

    /// Loads units from (name, TOML text) pairs as [`Catalog::from_sources`] does, from
    /// `cache` when it holds the catalog of exactly these files, as the bytes of
    /// [`CacheUse::Rebuilt`] do. A cache never changes the result: when it was written for
    /// other files (by file name, content or order), by another version of this crate, or is
    /// damaged in any way, it is not used, the TOML is parsed, and the reason comes back with
    /// fresh cache bytes to write (docs/units.md).
    ///
    /// ```
    /// use competency::{CacheMiss, CacheUse, Catalog};
    /// let sources = Catalog::bundled_sources();
    /// let (catalog, used) = Catalog::from_sources_cached(sources.iter().copied(), None).unwrap();
    /// let CacheUse::Rebuilt { reason: CacheMiss::Absent, cache } = used else { panic!() };
    /// let (again, used) = Catalog::from_sources_cached(sources.iter().copied(), Some(&cache)).unwrap();
    /// assert_eq!((&again, used), (&catalog, CacheUse::Used));
    /// // One file fewer: the cache is not used.
    /// let (_, used) = Catalog::from_sources_cached(sources[1..].iter().copied(), Some(&cache)).unwrap();
    /// assert!(matches!(used, CacheUse::Rebuilt { reason: CacheMiss::FileRemoved { .. }, .. }));
    /// ```
    pub fn from_sources_cached<'a>(
        sources: impl IntoIterator<Item = (&'a str, &'a str)>,
        cache: Option<&[u8]>,
    ) -> Result<(Catalog, CacheUse), LoadErrors> {
        let sources: Vec<(&str, &str)> = sources.into_iter().collect();
        let files: Vec<CachedFile> = sources
            .iter()
            .map(|(name, text)| CachedFile::new(name, sha256_hex(text.as_bytes())))
            .collect();
        let reason = match cache.map(|bytes| catalog_cache::read(bytes, &files)) {
            None => CacheMiss::Absent,
            Some(Err(reason)) => reason,
            Some(Ok(units)) => match Self::from_cached_units(&sources, &files, units) {
                Ok(catalog) => return Ok((catalog, CacheUse::Used)),
                Err(reason) => reason,
            },
        };
        let catalog = Self::from_sources(sources)?;
        let cache = catalog_cache::write(&catalog, &files);
        Ok((catalog, CacheUse::Rebuilt { reason, cache }))
    }

    /// The catalog of units decoded from a cache, one per source in source order, validated and
    /// assembled as units parsed from the sources are: a cache that holds anything else than
    /// what the files give is refused, not used.
    fn from_cached_units(
        sources: &[(&str, &str)],
        files: &[CachedFile],
        units: Vec<Unit>,
    ) -> Result<Catalog, CacheMiss> {
        let mut assembly = Assembly::default();
        for (((name, text), file), unit) in sources.iter().zip(files).zip(units) {
            if !validate_unit(&unit).is_empty() {
                return Err(CacheMiss::InvalidUnit {
                    name: file.name.clone(),
                });
            }
            assembly.add(name, text, unit, file.digest.clone());
        }
        assembly.finish().map_err(|errors| CacheMiss::InvalidUnit {
            name: errors
                .errors()
                .first()
                .and_then(LoadError::file)
                .map(|f| cache_name(f).to_owned())
                .unwrap_or_default(),
        })
    }

    /// Loads every `*.toml` file in a directory, in file-name order, except `Cargo.toml` (the
    /// shipped `units/` folder is also a Rust package).
    pub fn from_dir(dir: impl AsRef<FsPath>) -> Result<Catalog, LoadErrors> {
        Self::from_paths(&[dir.as_ref().to_path_buf()])
    }

    /// Loads unit files and directories of unit files, collecting every problem in all of them.
    pub fn from_paths(paths: &[PathBuf]) -> Result<Catalog, LoadErrors> {
        let (texts, errors) = read_sources(paths);
        with_read_errors(
            errors,
            Self::from_sources(texts.iter().map(|(n, t)| (n.as_str(), t.as_str()))),
        )
    }

    /// Loads unit files and directories of unit files as [`Catalog::from_paths`] does, from
    /// `cache` when it holds the catalog of exactly these files (see
    /// [`Catalog::from_sources_cached`]). Every file is still read and hashed to decide. Files
    /// are compared by file name (not directory), content and order, so that a directory and
    /// its cache can be moved together. When a file cannot be read, the errors are those of
    /// [`Catalog::from_paths`].
    pub fn from_paths_cached(
        paths: &[PathBuf],
        cache: Option<&[u8]>,
    ) -> Result<(Catalog, CacheUse), LoadErrors> {
        let (texts, errors) = read_sources(paths);
        with_read_errors(
            errors,
            Self::from_sources_cached(texts.iter().map(|(n, t)| (n.as_str(), t.as_str())), cache),
        )
    }

    /// This catalog with `other`'s units added. A unit of `other` replaces this catalog's unit
    /// only when both code and release match; another release of a code this catalog holds is
    /// added next to the releases it holds. Each unit of `other` whose code this catalog already
    /// held is listed in the returned overlaps, replaced or added.
    ///
    /// ```
    /// use competency::{Catalog, OverlapKind};
    /// let (name, text) = Catalog::bundled_sources()[1];
    /// let same = Catalog::from_sources([(name, text)]).unwrap();
    /// let (merged, overlaps) = Catalog::bundled().extended(same);
    /// assert_eq!((merged.len(), overlaps[0].kind), (5, OverlapKind::Replaced));
    /// let older = text.replace("release = 2", "release = 1");
    /// let older = Catalog::from_sources([("CHCMGT006@1.toml", older.as_str())]).unwrap();
    /// let (merged, overlaps) = Catalog::bundled().extended(older);
    /// assert_eq!((merged.len(), overlaps[0].kind), (6, OverlapKind::Added));
    /// assert_eq!(merged.get(&"CHCMGT006".parse().unwrap()).unwrap().release, 2);
    /// ```
    pub fn extended(&self, other: Catalog) -> (Catalog, Vec<Overlap>) {
        let mut units = self.units.clone();
        let mut overlaps = Vec::new();
        for (code, releases) in other.units {
            let held = units.entry(code.clone()).or_default();
            let before: Vec<u32> = held.iter().map(|h| h.unit.release).collect();
            for new in releases {
                let release = new.unit.release;
                if before.is_empty() {
                    held.push(new);
                    continue;
                }
                let kind = match held.iter_mut().find(|h| h.unit.release == release) {
                    Some(slot) => {
                        *slot = new;
                        OverlapKind::Replaced
                    }
                    None => {
                        held.push(new);
                        OverlapKind::Added
                    }
                };
                overlaps.push(Overlap {
                    code: code.clone(),
                    release,
                    kind,
                    held: before.clone(),
                });
            }
            held.sort_by_key(|h| h.unit.release);
        }
        (Catalog { units }, overlaps)
    }

    /// The SHA-256 of the unit file a reference resolves to (the latest release when it names
    /// none), in lower-case hex.
    ///
    /// ```
    /// use competency::Catalog;
    /// let digest = Catalog::bundled().digest(&"CHCMGT006".parse().unwrap()).unwrap();
    /// assert_eq!(digest.len(), 64);
    /// ```
    pub fn digest(&self, reference: &UnitRef) -> Option<&str> {
        self.held(reference).map(|h| h.digest.as_str())
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
            .shared_units()
            .map(|(unit, digest)| format!("{} {digest}\n", unit.code))
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

    /// Every release of every unit, in load order of their codes, each code's releases in
    /// ascending order.
    pub fn units(&self) -> impl ExactSizeIterator<Item = &Unit> {
        // Counted once so that callers keep an exact size across codes' releases.
        Counted {
            inner: self.units.values().flatten(),
            left: self.len(),
        }
    }

    /// Every release, shared, with its file's digest, in the order of [`Catalog::units`].
    pub(crate) fn shared_units(&self) -> impl Iterator<Item = (&Arc<Unit>, &str)> {
        self.units
            .values()
            .flatten()
            .map(|h| (&h.unit, h.digest.as_str()))
    }

    /// How many units there are, counting each release of a unit (one per unit file).
    pub fn len(&self) -> usize {
        self.units.values().map(Vec::len).sum()
    }

    /// True when the catalog holds no units.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// The latest release the catalog holds of the unit with this code.
    pub fn get(&self, code: &UnitCode) -> Option<&Unit> {
        self.units.get(code).and_then(|r| r.last()).map(|h| &*h.unit)
    }

    /// The releases the catalog holds of the unit with this code, oldest first (none when it
    /// holds no such unit).
    pub fn releases(&self, code: &UnitCode) -> impl DoubleEndedIterator<Item = &Unit> {
        self.units.get(code).into_iter().flatten().map(|h| &*h.unit)
    }

    fn held(&self, reference: &UnitRef) -> Option<&Held> {
        let releases = self.units.get(reference.code())?;
        match reference.release() {
            None => releases.last(),
            Some(release) => releases.iter().find(|h| h.unit.release == release),
        }
    }

    /// The unit a reference names: `CHCMGT006` (the latest release the catalog holds) or
    /// `CHCMGT006@2` (that release). A release the catalog lacks is an error that lists the
    /// releases it holds.
    pub fn resolve(&self, reference: &UnitRef) -> Result<&Unit, ResolveError> {
        let Some(releases) = self.units.get(reference.code()) else {
            let suggestion = suggest(reference.code().as_str(), self.units.keys().map(UnitCode::as_str))
                .map(str::to_owned);
            return Err(ResolveError::UnknownUnit {
                reference: reference.clone(),
                suggestion,
            });
        };
        self.held(reference)
            .map(|h| &*h.unit)
            .ok_or_else(|| ResolveError::ReleaseMismatch {
                reference: reference.clone(),
                available: releases.iter().map(|h| h.unit.release).collect(),
            })
    }

    /// Resolves a reference written as text; errors say what was wrong with it.
    pub fn resolve_str(&self, reference: &str) -> Result<&Unit, ResolveError> {
        let parsed: UnitRef = reference.parse().map_err(|e: crate::ids::IdError| {
            // Codes are capitals: one typed in lower case is most likely meant as such.
            let upper = reference.to_ascii_uppercase();
            let suggestion = (upper != reference)
                .then(|| upper.parse::<UnitRef>().ok())
                .flatten()
                .filter(|r| self.resolve(r).is_ok())
                .map(|_| upper);
            ResolveError::Invalid {
                message: e.to_string(),
                suggestion,
            }
        })?;
        self.resolve(&parsed)
    }

    /// Codes equivalent to `code`: those any release of `code`'s unit declares (equivalent-to,
    /// or replaces and is equivalent), the latest release's first, and the codes of catalog
    /// units (any release) that declare `code` equivalent. Each code once.
    ///
    /// Releases of one code are one unit here: a code is not listed as equivalent to itself.
    pub fn equivalents(&self, code: &UnitCode) -> Vec<&UnitCode> {
        let mut out: Vec<&UnitCode> = Vec::new();
        for unit in self.releases(code).rev() {
            for other in unit
                .relations
                .iter()
                .filter(|r| r.is_equivalence())
                .map(|r| &r.code)
            {
                if !out.contains(&other) {
                    out.push(other);
                }
            }
        }
        for other in self.declaring_equivalent(code) {
            if !out.contains(&other) {
                out.push(other);
            }
        }
        out
    }

    /// The codes of catalog units (any release, each code once) whose relations declare
    /// `code` equivalent.
    pub(crate) fn declaring_equivalent(&self, code: &UnitCode) -> Vec<&UnitCode> {
        self.units
            .iter()
            .filter(|(other, releases)| {
                *other != code
                    && releases.iter().any(|h| {
                        h.unit
                            .relations
                            .iter()
                            .any(|r| &r.code == code && r.is_equivalence())
                    })
            })
            .map(|(other, _)| other)
            .collect()
    }

    /// The catalog units that replace (supersede) `code`: for each code, its latest release,
    /// when any of its releases names `code` in a `replaces` relation.
    pub fn replaced_by(&self, code: &UnitCode) -> Vec<&Unit> {
        self.units
            .keys()
            .filter(|other| {
                self.releases(other).any(|u| {
                    u.relations
                        .iter()
                        .any(|r| r.kind == RelationKind::Replaces && &r.code == code)
                })
            })
            .filter_map(|other| self.get(other))
            .collect()
    }

    /// The codes that `code`'s unit replaces (in any release, the latest release's first).
    pub fn replaces(&self, code: &UnitCode) -> Vec<&UnitCode> {
        let mut out: Vec<&UnitCode> = Vec::new();
        for unit in self.releases(code).rev() {
            for r in unit.relations.iter().filter(|r| r.kind == RelationKind::Replaces) {
                if !out.contains(&&r.code) {
                    out.push(&r.code);
                }
            }
        }
        out
    }
}

/// Every release in a catalog, with the count known up front.
struct Counted<'c, I: Iterator<Item = &'c Held>> {
    inner: I,
    left: usize,
}

impl<'c, I: Iterator<Item = &'c Held>> Iterator for Counted<'c, I> {
    type Item = &'c Unit;
    fn next(&mut self) -> Option<&'c Unit> {
        let held = self.inner.next()?;
        self.left -= 1;
        Some(&held.unit)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<'c, I: Iterator<Item = &'c Held>> ExactSizeIterator for Counted<'c, I> {}

/// Units being gathered into a catalog, one file at a time, with the problems found.
#[derive(Default)]
struct Assembly {
    /// Per code, in load order: the releases held, each with the name of its file.
    units: IndexMap<UnitCode, Vec<(String, Held)>>,
    errors: Vec<LoadError>,
}

impl Assembly {
    /// Adds a valid unit read from file `name` (with `text` and its digest), or the problem
    /// with it: a file name that names another unit, or a release another file holds.
    fn add(&mut self, name: &str, text: &str, unit: Unit, digest: String) {
        if let Some(problem) = file_name_problem(name, &unit) {
            self.errors
                .extend(locate(name, text, Format::Toml, vec![problem]));
        }
        let releases = self.units.entry(unit.code.clone()).or_default();
        if let Some((first, _)) = releases.iter().find(|(_, h)| h.unit.release == unit.release) {
            self.errors.push(file_error(
                ErrorCode::DuplicateUnit,
                name,
                format!(
                    "unit {} (release {}) is already defined in {first}",
                    unit.code, unit.release
                ),
                Some(
                    "keep one file per release of a unit; if this file holds another release, correct its `release`"
                        .to_owned(),
                ),
            ));
            return;
        }
        releases.push((
            name.to_owned(),
            Held {
                unit: Arc::new(unit),
                digest,
            },
        ));
    }

    /// The catalog, each code's releases in ascending order, or every problem found.
    fn finish(self) -> Result<Catalog, LoadErrors> {
        if !self.errors.is_empty() {
            return Err(LoadErrors::new(self.errors));
        }
        Ok(Catalog {
            units: self
                .units
                .into_iter()
                .map(|(code, releases)| {
                    let mut held: Vec<Held> = releases.into_iter().map(|(_, h)| h).collect();
                    held.sort_by_key(|h| h.unit.release);
                    (code, held)
                })
                .collect(),
        })
    }
}

/// A unit of one catalog whose code another already held ([`Catalog::extended`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Overlap {
    /// The unit code.
    pub code: UnitCode,
    /// The release of the unit added.
    pub release: u32,
    /// Whether it replaced the same release or was added as another release.
    pub kind: OverlapKind,
    /// The releases of the code the catalog held before, ascending.
    pub held: Vec<u32>,
}

/// What became of a unit whose code a catalog already held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverlapKind {
    /// The catalog held the same release; the new file replaced it.
    Replaced,
    /// The catalog held other releases; the new one was added next to them.
    Added,
}
