//! Outputs that are inputs: refused before anything is written. Creating the output file
//! empties it, so `batch in.jsonl --output in.jsonl` (or `batch - --output x < x`, or an
//! output reached through a link) would destroy the input before a line of it was read, and
//! `check --output-dir` could write a report over the portfolio it came from.

use std::path::{Path, PathBuf};

use same_file::Handle;

use crate::Failure;

/// Refuses `output` when it is the same file as one of `inputs` (`-` is standard input),
/// however either is named. An output that does not exist yet is no input.
pub fn refuse_overwrite<'a>(
    output: &Path,
    inputs: impl IntoIterator<Item = &'a Path>,
) -> Result<(), Failure> {
    let Ok(out) = Handle::from_path(output) else {
        return Ok(());
    };
    for input in inputs {
        let handle = if input.as_os_str() == "-" {
            Handle::stdin()
        } else {
            Handle::from_path(input)
        };
        if handle.is_ok_and(|input| input == out) {
            let named = if input.as_os_str() == "-" {
                "standard input".to_owned()
            } else {
                crate::escape::line(&input.display().to_string()).into_owned()
            };
            return Err(Failure(format!(
                "{}: error[io]: the output is the input ({named}): writing it would destroy the input before it is read\n  help: give an output that is not an input",
                crate::escape::line(&output.display().to_string())
            )));
        }
    }
    Ok(())
}

/// The files a command reads besides its portfolios, which no output may be either: the unit
/// files of `--units` or `--only-units` (a directory's entries, or the file named) and the
/// catalog cache.
pub fn catalog_files(units: Option<&Path>, cache: Option<&Path>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Some(units) = units {
        match std::fs::read_dir(units) {
            Ok(entries) => files.extend(entries.filter_map(Result::ok).map(|e| e.path())),
            Err(_) => files.push(units.to_path_buf()),
        }
    }
    files.extend(cache.map(Path::to_path_buf));
    files
}
