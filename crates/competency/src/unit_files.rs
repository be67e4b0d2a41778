//! Reading unit files from disk for a catalog: directories' `*.toml` files in file-name order,
//! each read to the unit-file limit and decoded, every problem kept with its file; and the
//! digest a unit file is known by, and the rule that its name agrees with the unit it holds.

use std::path::{Path as FsPath, PathBuf};

use crate::error::{ErrorCode, LoadError, LoadErrors, Problem};
use crate::load::{decode_owned, file_error};
use crate::path::Path;
use crate::read::{UNIT_FILE_BYTES, read_limited};
use crate::unit::Unit;

/// The unit files of `paths` (directories' `*.toml` files in file-name order) as (name, text),
/// and the problems met reading them.
pub(crate) fn read_sources(paths: &[PathBuf]) -> (Vec<(String, String)>, Vec<LoadError>) {
    // Each file with whether it was found in a directory (and so read only if a regular file).
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
                Ok(found) => files.extend(found.into_iter().map(|f| (f, true))),
                Err(e) => errors.push(file_error(
                    ErrorCode::Io,
                    &name,
                    format!("cannot read directory: {e}"),
                    None,
                )),
            }
        } else {
            files.push((path.clone(), false));
        }
    }
    let mut texts = Vec::new();
    for (file, listed) in files {
        let name = file.display().to_string();
        // A listed entry is not opened unless it is a file: opening a pipe would wait for a
        // writer. A file named on purpose (`--units <(...)`) is read whatever it is.
        if let Some(why) = listed.then(|| crate::read::not_a_file(&file)).flatten() {
            errors.push(file_error(
                ErrorCode::Io,
                &name,
                format!("cannot read file: {why}"),
                None,
            ));
            continue;
        }
        match read_limited(&file, UNIT_FILE_BYTES) {
            Ok(Some(bytes)) => match decode_owned(&name, bytes) {
                Ok(text) => texts.push((name, text)),
                Err(e) => errors.push(e),
            },
            Ok(None) => errors.push(file_error(
                ErrorCode::LimitExceeded,
                &name,
                format!("the file is over the limit of {UNIT_FILE_BYTES} bytes for a unit file"),
                Some("a unit file is tens of kilobytes; is this the right file?".to_owned()),
            )),
            // A path named on purpose that is not there may have been meant as a directory.
            Err(e) if !listed && e.kind() == std::io::ErrorKind::NotFound => errors.push(file_error(
                ErrorCode::Io,
                &name,
                "no such unit file or directory".to_owned(),
                None,
            )),
            Err(e) => errors.push(file_error(
                ErrorCode::Io,
                &name,
                format!("cannot read file: {e}"),
                None,
            )),
        }
    }
    (texts, errors)
}

/// The result of loading what could be read, with the problems of reading first.
pub(crate) fn with_read_errors<T>(
    mut errors: Vec<LoadError>,
    loaded: Result<T, LoadErrors>,
) -> Result<T, LoadErrors> {
    match loaded {
        Ok(loaded) if errors.is_empty() => Ok(loaded),
        Ok(_) => Err(LoadErrors::new(errors)),
        Err(more) => {
            errors.extend(more);
            Err(LoadErrors::new(errors))
        }
    }
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    // By table, not by `write!` per byte: a catalog cache hashes every unit file on each load.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    sha2::Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut out, b| {
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
            out
        })
}

/// Every entry of `dir` named `*.toml`, whatever it is, but hidden ones: one that is not a
/// readable file (a link to nothing, a directory, a pipe) is then an `io` error, not passed
/// over in silence.
fn toml_files(dir: &FsPath) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| !crate::read::is_hidden_entry(p))
        // Any case, as portfolio directories: `X.TOML` passed over would be a unit missing
        // without a word.
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml")))
        // A Rust package manifest, as in the shipped `units/`, never a unit file (no unit code
        // is `Cargo`).
        .filter(|p| !p.ends_with("Cargo.toml"))
        .collect();
    files.sort();
    Ok(files)
}

/// A unit file's name must agree with the unit it holds: `CODE.toml` holds unit `CODE` (any
/// release), `CODE@RELEASE.toml` that release of it (`.toml` in any case). A name that does
/// not end in `.toml` (text given by a program) is not checked.
pub(crate) fn file_name_problem(name: &str, unit: &Unit) -> Option<Problem> {
    let file = FsPath::new(name).file_name()?.to_str()?;
    let stem = file
        .len()
        .checked_sub(".toml".len())
        .filter(|&at| file.is_char_boundary(at) && file[at..].eq_ignore_ascii_case(".toml"))
        .map(|at| &file[..at])?;
    let (code, release) = match stem.split_once('@') {
        Some((code, release)) => (code, Some(release)),
        None => (stem, None),
    };
    let wanted = if release.is_some() {
        format!("{}@{}.toml", unit.code, unit.release)
    } else {
        format!("{}.toml", unit.code)
    };
    if code != unit.code.as_str() {
        return Some(
            Problem::new(
                ErrorCode::FileNameMismatch,
                Path::root().key("code"),
                format!("the file is named {file} but holds unit {}", unit.code),
            )
            .help(format!("rename it to {wanted}")),
        );
    }
    match release {
        Some(release) if release != unit.release.to_string() => Some(
            Problem::new(
                ErrorCode::FileNameMismatch,
                Path::root().key("release"),
                format!(
                    "the file is named {file} but holds release {} of {}",
                    unit.release, unit.code
                ),
            )
            .help(match release.parse::<u32>() {
                Ok(named) if named > 0 && named.to_string() == release => {
                    format!("rename it to {wanted}, or correct `release` if the file holds release {named}")
                }
                _ => format!("rename it to {wanted}: a unit file is named CODE.toml or CODE@RELEASE.toml"),
            }),
        ),
        _ => None,
    }
}
