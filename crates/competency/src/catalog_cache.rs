//! A loaded catalog as bytes, to be used again instead of parsing the unit files' TOML while
//! the files are the same ones, byte for byte ([`Catalog::from_sources_cached`]).
//!
//! The bytes are a first line `competency catalog cache, format N`, a JSON header line (the
//! crate version, each unit file's name and SHA-256 in load order, and a checksum of the
//! rest), then the units in the files' order, in the compact bytes of [`crate::unit_bytes`]. Reading checks each in turn and
//! stops at the first difference, which becomes the [`CacheMiss`] the caller is given: a cache
//! is used only for exactly the files, in the same order, that it was written for, by the same
//! version of this crate, and undamaged. The units it holds are then validated and assembled
//! as the files' units would be, so that even a forged cache gives a valid catalog or none.

use std::fmt;
use std::path::Path as FsPath;

use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::hash::HashMap;
use crate::unit::Unit;
use crate::unit_bytes;

/// The layout of the bytes, and of the units in them; bump it when either changes.
const FORMAT: u32 = 2;
/// The first line, before the format number.
const MAGIC: &str = "competency catalog cache, format ";

/// What became of a cache offered to [`Catalog::from_sources_cached`] or
/// [`Catalog::from_paths_cached`].
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CacheUse {
    /// The cache held the catalog of exactly these files, and the catalog is the cache's.
    Used,
    /// The cache was not used: the catalog was loaded from the files.
    Rebuilt {
        /// Why the cache was not used.
        reason: CacheMiss,
        /// A cache of the catalog just loaded, to store for the next load.
        cache: Vec<u8>,
    },
}

impl fmt::Debug for CacheUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CacheUse::Used => f.write_str("Used"),
            // The bytes are a megabyte for a hundred units: their length says enough.
            CacheUse::Rebuilt { reason, cache } => f
                .debug_struct("Rebuilt")
                .field("reason", reason)
                .field("cache", &format_args!("<{} bytes>", cache.len()))
                .finish(),
        }
    }
}

/// Why a catalog cache was not used. Each is a reason to load from the files and write a new
/// cache, never an error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CacheMiss {
    /// No cache was given.
    Absent,
    /// The bytes are not a catalog cache (they do not start as one).
    NotACache,
    /// A cache in another layout (written by another version of this crate).
    Format {
        /// The layout the cache has.
        found: u32,
    },
    /// A cache written by another version of this crate.
    Version {
        /// The version that wrote it.
        found: String,
    },
    /// A file holds other bytes than when the cache was written.
    FileChanged {
        /// The file's name.
        name: String,
    },
    /// A file the cache does not know of.
    FileAdded {
        /// The file's name.
        name: String,
    },
    /// A file the cache knows of is gone.
    FileRemoved {
        /// The file's name.
        name: String,
    },
    /// A file was renamed: it holds the bytes of a file the cache knows by another name.
    FileRenamed {
        /// The name the cache knows.
        from: String,
        /// The file's name now.
        to: String,
    },
    /// The same files, in another order (which is the catalog's order).
    FilesReordered,
    /// The cache is cut short or damaged: its contents do not match its own checksum, or
    /// do not decode.
    Damaged {
        /// What was wrong.
        detail: String,
    },
    /// A unit in the cache is not one the file would give: it fails the unit rules, or its
    /// file's name or release clashes. Only a cache not written by this crate holds one.
    InvalidUnit {
        /// The file's name.
        name: String,
    },
}

impl fmt::Display for CacheMiss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CacheMiss::Absent => f.write_str("there was no cache"),
            CacheMiss::NotACache => f.write_str("the file is not a catalog cache"),
            CacheMiss::Format { found } => {
                write!(
                    f,
                    "the cache has layout {found}, this version reads layout {FORMAT}"
                )
            }
            CacheMiss::Version { found } => write!(
                f,
                "the cache was written by version {found}, this is version {}",
                env!("CARGO_PKG_VERSION")
            ),
            CacheMiss::FileChanged { name } => write!(f, "{name} changed"),
            CacheMiss::FileAdded { name } => write!(f, "{name} was added"),
            CacheMiss::FileRemoved { name } => write!(f, "{name} was removed"),
            CacheMiss::FileRenamed { from, to } => write!(f, "{from} was renamed {to}"),
            CacheMiss::FilesReordered => f.write_str("the unit files are in another order"),
            CacheMiss::Damaged { detail } => write!(f, "the cache is damaged: {detail}"),
            CacheMiss::InvalidUnit { name } => {
                write!(
                    f,
                    "the cache holds a unit for {name} that its file would not give"
                )
            }
        }
    }
}

/// A unit file as a cache knows it: its file name (without its directory) and the SHA-256 of
/// its text, as [`Catalog::digest`] gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CachedFile {
    pub(crate) name: String,
    #[serde(rename = "sha256")]
    pub(crate) digest: String,
}

impl CachedFile {
    pub(crate) fn new(name: &str, digest: String) -> Self {
        CachedFile {
            name: cache_name(name).to_owned(),
            digest,
        }
    }
}

/// A file's name as a cache knows it: without its directory, which does not change what the
/// file gives (only `CODE.toml` or `CODE@RELEASE.toml` is checked against its unit).
pub(crate) fn cache_name(name: &str) -> &str {
    FsPath::new(name)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(name)
}

/// The header line.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    /// The crate version that wrote the cache.
    version: String,
    /// The unit files, in load order.
    files: Vec<CachedFile>,
    /// The checksum of the units' bytes that follow the header line ([`checksum`]).
    units_checksum: u64,
}

/// The cache of `catalog`, loaded from `files` (in load order).
pub(crate) fn write(catalog: &Catalog, files: &[CachedFile]) -> Vec<u8> {
    let by_digest: HashMap<&str, &Unit> = catalog.shared_units().map(|(u, d)| (d, &**u)).collect();
    // Each file of a catalog that loaded gave one unit, and two files with one digest would
    // have been one release twice: each file finds its unit. Were one missing, the cache would
    // hold fewer units than files and never be used.
    let units: Vec<&Unit> = files
        .iter()
        .filter_map(|f| by_digest.get(f.digest.as_str()).copied())
        .collect();
    let payload = unit_bytes::encode(&units);
    let header = Header {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        files: files.to_vec(),
        units_checksum: checksum(&payload),
    };
    let mut out = format!("{MAGIC}{FORMAT}\n").into_bytes();
    out.extend(serde_json::to_vec(&header).unwrap_or_default());
    out.push(b'\n');
    out.extend(payload);
    out
}

/// The units a cache holds, one per file in `files`' order, when it was written for exactly
/// these files by this version and is undamaged; else why not.
pub(crate) fn read(bytes: &[u8], files: &[CachedFile]) -> Result<Vec<Unit>, CacheMiss> {
    let (first, rest) = split_line(bytes).ok_or(CacheMiss::NotACache)?;
    let format = first.strip_prefix(MAGIC.as_bytes()).ok_or(CacheMiss::NotACache)?;
    let found = std::str::from_utf8(format)
        .ok()
        .and_then(|f| f.parse::<u32>().ok())
        .ok_or(CacheMiss::NotACache)?;
    if found != FORMAT {
        return Err(CacheMiss::Format { found });
    }
    let damaged = |detail: &str| CacheMiss::Damaged {
        detail: detail.to_owned(),
    };
    let (header, payload) = split_line(rest).ok_or_else(|| damaged("it ends in its header"))?;
    let header: Header = serde_json::from_slice(header).map_err(|_| damaged("its header does not decode"))?;
    if header.version != env!("CARGO_PKG_VERSION") {
        return Err(CacheMiss::Version {
            found: header.version,
        });
    }
    if let Some(difference) = difference(&header.files, files) {
        return Err(difference);
    }
    // Checked before decoding, so that a damaged cache is never taken for another valid one.
    if checksum(payload) != header.units_checksum {
        return Err(damaged("its units do not match its checksum"));
    }
    let units = unit_bytes::decode(payload).ok_or_else(|| damaged("its units do not decode"))?;
    if units.len() != files.len() {
        return Err(damaged("it holds another number of units than files"));
    }
    Ok(units)
}

/// A checksum of the units' bytes, against damage (a cut, a flipped bit), not against forgery:
/// a forged cache must still pass validation. Not SHA-256, which costs ten times as much here
/// (a millisecond per hundred units); a hash that changes with the build only makes a cache
/// not used.
fn checksum(bytes: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::with_seed(0x636f_6d70_6574_656e).hash_one(bytes)
}

/// The first line of `bytes` (without its line feed) and the rest, if there is a line feed.
fn split_line(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let end = bytes.iter().position(|b| *b == b'\n')?;
    Some((&bytes[..end], &bytes[end + 1..]))
}

/// The first difference between the files a cache was written for and the files now, if
/// any: a changed file, then an added (or renamed) one, then a removed one, then the order.
fn difference(cached: &[CachedFile], now: &[CachedFile]) -> Option<CacheMiss> {
    if cached == now {
        return None;
    }
    let by_name: HashMap<&str, &str> = cached
        .iter()
        .map(|f| (f.name.as_str(), f.digest.as_str()))
        .collect();
    let names_now: HashMap<&str, &str> = now.iter().map(|f| (f.name.as_str(), f.digest.as_str())).collect();
    for file in now {
        if by_name.get(file.name.as_str()).is_some_and(|d| *d != file.digest) {
            return Some(CacheMiss::FileChanged {
                name: file.name.clone(),
            });
        }
    }
    if let Some(file) = now.iter().find(|f| !by_name.contains_key(f.name.as_str())) {
        // The same bytes under a name that is gone: a rename.
        let renamed = cached
            .iter()
            .find(|c| c.digest == file.digest && !names_now.contains_key(c.name.as_str()));
        return Some(match renamed {
            Some(from) => CacheMiss::FileRenamed {
                from: from.name.clone(),
                to: file.name.clone(),
            },
            None => CacheMiss::FileAdded {
                name: file.name.clone(),
            },
        });
    }
    if let Some(gone) = cached.iter().find(|c| !names_now.contains_key(c.name.as_str())) {
        return Some(CacheMiss::FileRemoved {
            name: gone.name.clone(),
        });
    }
    // The same names with the same bytes; a name twice (one file given twice) counts here too.
    Some(CacheMiss::FilesReordered)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unit_files::sha256_hex;

    fn files(list: &[(&str, &str)]) -> Vec<CachedFile> {
        list.iter()
            .map(|(n, d)| CachedFile::new(n, (*d).to_owned()))
            .collect()
    }

    #[test]
    fn the_first_difference_is_named() {
        let before = files(&[("A.toml", "1"), ("B.toml", "2")]);
        let cases: [(&[(&str, &str)], CacheMiss); 5] = [
            (
                &[("A.toml", "1"), ("B.toml", "3")],
                CacheMiss::FileChanged {
                    name: "B.toml".into(),
                },
            ),
            (
                &[("A.toml", "1"), ("B.toml", "2"), ("C.toml", "3")],
                CacheMiss::FileAdded {
                    name: "C.toml".into(),
                },
            ),
            (
                &[("A.toml", "1")],
                CacheMiss::FileRemoved {
                    name: "B.toml".into(),
                },
            ),
            (
                &[("A.toml", "1"), ("C.toml", "2")],
                CacheMiss::FileRenamed {
                    from: "B.toml".into(),
                    to: "C.toml".into(),
                },
            ),
            (&[("B.toml", "2"), ("A.toml", "1")], CacheMiss::FilesReordered),
        ];
        assert_eq!(difference(&before, &before), None);
        for (now, expected) in cases {
            assert_eq!(difference(&before, &files(now)), Some(expected), "{now:?}");
        }
        // Directories do not count: the same files moved elsewhere match.
        let moved = files(&[("elsewhere/A.toml", "1"), ("/tmp/units/B.toml", "2")]);
        assert_eq!(difference(&before, &moved), None);
    }

    /// A forged cache, its checksum right, whose units the files would not give: the units
    /// are validated and assembled as parsed units are, and the cache is not used.
    #[test]
    fn a_forged_cache_with_an_invalid_unit_is_not_used() {
        let sources = Catalog::bundled_sources();
        let files: Vec<CachedFile> = sources
            .iter()
            .map(|(n, t)| CachedFile::new(n, sha256_hex(t.as_bytes())))
            .collect();
        let cache = write(Catalog::bundled(), &files);
        let lines: Vec<&[u8]> = cache.splitn(3, |b| *b == b'\n').collect();
        let mut header: serde_json::Value = serde_json::from_slice(lines[1]).unwrap_or_default();
        let original: Vec<Unit> = unit_bytes::decode(lines[2]).unwrap_or_default();
        let mut forge = |units: &[Unit]| {
            let payload = unit_bytes::encode(&units.iter().collect::<Vec<_>>());
            header["units_checksum"] = checksum(&payload).into();
            let mut out = lines[0].to_vec();
            out.push(b'\n');
            out.extend(serde_json::to_vec(&header).unwrap_or_default());
            out.push(b'\n');
            out.extend(payload);
            Catalog::from_sources_cached(sources.iter().copied(), Some(&out)).map(|(catalog, used)| {
                assert_eq!(&catalog, Catalog::bundled());
                match used {
                    CacheUse::Used => None,
                    CacheUse::Rebuilt { reason, .. } => Some(reason),
                }
            })
        };
        // The forging is right: the units unchanged are used.
        assert_eq!(forge(&original), Ok(None));
        let invalid = |name: &str| {
            Ok(Some(CacheMiss::InvalidUnit {
                name: name.to_owned(),
            }))
        };
        // An empty title breaks a unit rule.
        let mut untitled = original.clone();
        untitled[0].title = " ".into();
        assert_eq!(forge(&untitled), invalid(sources[0].0));
        // A unit in the file of another: its file name names another unit.
        let mut swapped = original.clone();
        swapped.swap(0, 1);
        assert_eq!(forge(&swapped), invalid(sources[0].0));
        // One unit fewer than files.
        let mut fewer = original.clone();
        fewer.pop();
        assert!(matches!(forge(&fewer), Ok(Some(CacheMiss::Damaged { .. }))));
    }
}
