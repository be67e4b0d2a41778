//! `--catalog-cache FILE`: the catalog of a units directory loaded from a cache file while the
//! unit files are the ones it was written for, and the file (re)written atomically when not.

use std::path::Path;

use competency::{CacheMiss, CacheUse, Catalog, LoadErrors, read_limited};

/// The largest cache file read: about 5,000 units of real size. A larger one is not used
/// (and the cache written in its place would not be either: the note says so each time).
const CACHE_BYTES: usize = 64 * 1024 * 1024;

/// The catalog of `dir`, through the cache file when one is named; and the note on what
/// became of the cache, unless it was used.
pub(crate) fn load_dir(dir: &Path, cache: Option<&Path>) -> Result<(Catalog, Option<String>), LoadErrors> {
    let Some(file) = cache else {
        return Ok((Catalog::from_dir(dir)?, None));
    };
    let shown = file.display();
    let (bytes, unread) = match read_limited(file, CACHE_BYTES) {
        Ok(Some(bytes)) => (Some(bytes), None),
        Ok(None) => (None, Some(format!("it is over {CACHE_BYTES} bytes"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (None, None),
        Err(e) => (None, Some(format!("it cannot be read: {e}"))),
    };
    let (catalog, used) = Catalog::from_paths_cached(&[dir.to_path_buf()], bytes.as_deref())?;
    let note = match used {
        // A file that was something else (a unit file, named by mistake) is not overwritten;
        // an empty one (made by `touch` or `mktemp`) is.
        CacheUse::Rebuilt {
            reason: CacheMiss::NotACache,
            ..
        } if bytes.is_some_and(|b| !b.is_empty()) => Some(format!(
            "{shown} is not a catalog cache: it was left as it is, and the units were loaded from their files"
        )),
        CacheUse::Rebuilt { reason, cache } => {
            let reason = unread.unwrap_or_else(|| reason.to_string());
            Some(match write_atomically(file, &cache) {
                Ok(()) => format!("catalog cache {shown} written ({reason})"),
                Err(e) => format!("catalog cache {shown} not written: {e} (it was not used: {reason})"),
            })
        }
        _ => None,
    };
    Ok((catalog, note))
}

/// Writes `bytes` to a temporary file beside `file`, then renames it over `file`, so that a
/// reader (another process of a cluster job) sees the old cache or the new, never part of one.
fn write_atomically(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = file
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"))?;
    let mut temporary = name.to_owned();
    temporary.push(format!(".{}.tmp", std::process::id()));
    let temporary = file.with_file_name(temporary);
    let written = std::fs::write(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, file));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}
