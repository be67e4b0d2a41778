//! Reading a document's bytes without reading past a limit, so that `/dev/zero` or a huge
//! file costs no more than the limit: portfolios (from a file or a reader) and unit files.

use std::io::Read;
use std::path::Path as FsPath;

use crate::error::{ErrorCode, LoadErrors};
use crate::limits::Limits;
use crate::load::{Format, file_error};

/// A portfolio file's bytes, read no further than its format's input limit: a file that cannot
/// be read is an `io` error, one over the limit a `limit-exceeded` error, both naming the file.
pub fn read_portfolio(path: &FsPath, limits: &Limits) -> Result<Vec<u8>, LoadErrors> {
    let name = path.display().to_string();
    let format = Format::from_file_name(&name);
    match std::fs::File::open(path) {
        Ok(file) => read_portfolio_from(file, &name, format, limits),
        Err(e) => Err(read_error(&name, &e)),
    }
}

/// As [`read_portfolio`], for a file found by listing a directory rather than named: one that
/// is not a regular file (a pipe, a device, a socket, a directory) is an `io` error and is not
/// opened, since opening a pipe would wait for a writer. A pipe named on purpose (`check
/// <(generate)`) is read with [`read_portfolio`].
///
/// ```
/// use competency::{Limits, read_listed_portfolio};
/// let dir = std::env::temp_dir();
/// let err = read_listed_portfolio(&dir, &Limits::default()).unwrap_err();
/// assert_eq!(err.errors()[0].code().as_str(), "io");
/// ```
pub fn read_listed_portfolio(path: &FsPath, limits: &Limits) -> Result<Vec<u8>, LoadErrors> {
    match not_a_file(path) {
        None => read_portfolio(path, limits),
        Some(e) => Err(read_error(&path.display().to_string(), &e)),
    }
}

/// Why an entry found by listing a directory is not read, if it is not a regular file: what
/// its metadata says (a link to nothing, a loop of links), or that it is a directory, a pipe,
/// a device or a socket. Looked at without opening it.
pub(crate) fn not_a_file(path: &FsPath) -> Option<std::io::Error> {
    match std::fs::metadata(path) {
        Ok(metadata) if metadata.is_file() => None,
        Ok(metadata) if metadata.is_dir() => Some(std::io::Error::other("it is a directory")),
        Ok(_) => Some(std::io::Error::other(
            "it is not a regular file (a pipe, a device or a socket)",
        )),
        Err(e) => Some(e),
    }
}

/// Whether a directory's entry is left out when the directory is read for units or
/// portfolios: a hidden file (`.#X.toml`, an editor's lock while a file is being edited,
/// often a link to nothing; `._X.toml`, macOS's metadata beside a copied file).
///
/// ```
/// use std::path::Path;
/// assert!(competency::is_hidden_entry(Path::new("units/.#CHCMGT006.toml")));
/// assert!(!competency::is_hidden_entry(Path::new("units/CHCMGT006.toml")));
/// ```
pub fn is_hidden_entry(path: &FsPath) -> bool {
    path.file_name()
        .is_some_and(|name| name.as_encoded_bytes().starts_with(b"."))
}

/// A portfolio's bytes from a reader (standard input, say), read no further than the limit
/// for `format`: over it is a `limit-exceeded` error, a read failure an `io` error, each
/// naming `name`.
///
/// ```
/// use competency::{Format, Limits, read_portfolio_from};
/// let mut limits = Limits::default();
/// limits.input_bytes = 4;
/// let err = read_portfolio_from(&b"{\"format\": 1}"[..], "<stdin>", Format::Json, &limits).unwrap_err();
/// assert_eq!(err.errors()[0].code().as_str(), "limit-exceeded");
/// ```
pub fn read_portfolio_from(
    reader: impl Read,
    name: &str,
    format: Format,
    limits: &Limits,
) -> Result<Vec<u8>, LoadErrors> {
    let limit = limits.input_bytes_for(format);
    match read_up_to(reader, limit) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(LoadErrors::from(file_error(
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
    let file = std::fs::File::open(path)?;
    // Room for the whole file up front, so that its bytes are not copied as the buffer grows
    // (a catalog cache reads a hundred unit files on each load).
    let length = file.metadata().map_or(0, |m| m.len());
    let room = usize::try_from(length).map_or(limit, |l| l.min(limit));
    read_into(file, limit, Vec::with_capacity(room + 1))
}

/// A reader's bytes, or `None` when there are more than `limit`: at most `limit + 1` are read.
fn read_up_to(reader: impl Read, limit: usize) -> std::io::Result<Option<Vec<u8>>> {
    read_into(reader, limit, Vec::new())
}

/// [`read_up_to`] into `bytes`, an empty buffer of any capacity.
fn read_into(reader: impl Read, limit: usize, mut bytes: Vec<u8>) -> std::io::Result<Option<Vec<u8>>> {
    reader.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() <= limit).then_some(bytes))
}
