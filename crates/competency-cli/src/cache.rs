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
    let Some(named) = cache else {
        return Ok((Catalog::from_dir(dir)?, None));
    };
    let shown = named.display();
    let file = match resolve(named).and_then(|file| outside(&file, dir).map(|()| file)) {
        Ok(file) => file,
        Err(why) => {
            let note = format!(
                "{shown} was not used as a catalog cache and was left as it is ({why}); the units were loaded from their files"
            );
            return Ok((Catalog::from_dir(dir)?, Some(note)));
        }
    };
    let file = file.as_path();
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

/// The file the cache is read from and written to: `file`, or the file a link names (so that
/// the link stays a link). Anything else (a device, a pipe, a directory, a link to nothing or
/// to one of those) is not a cache and is not replaced: reading a pipe would wait for a writer,
/// and renaming over `/dev/null` would replace the device.
fn resolve(file: &Path) -> Result<std::path::PathBuf, &'static str> {
    let metadata = match std::fs::symlink_metadata(file) {
        Ok(metadata) => metadata,
        // Missing: written. Unreadable: the read says why.
        Err(_) => return Ok(file.to_path_buf()),
    };
    if metadata.is_file() {
        return Ok(file.to_path_buf());
    }
    if !metadata.file_type().is_symlink() {
        return Err("it is not a regular file");
    }
    match std::fs::canonicalize(file) {
        Ok(target) if target.is_file() => Ok(target),
        Ok(_) => Err("it links to something that is not a regular file"),
        Err(_) => Err("it is a link to nothing"),
    }
}

/// Refuses a cache named `*.toml` in the units directory itself: the next run would read it
/// as a unit file (and fail on its bytes).
fn outside(file: &Path, dir: &Path) -> Result<(), &'static str> {
    let toml = file.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    let parent = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if toml && crate::paths::is_one_of(parent, &[dir.to_path_buf()]) {
        return Err("it is named *.toml in the units directory, whose every *.toml is read as a unit file");
    }
    Ok(())
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
