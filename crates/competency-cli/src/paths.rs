//! Outputs that are inputs: refused before anything is written. Creating the output file
//! empties it, so `batch in.jsonl --output in.jsonl` (or `batch - --output x < x`, or an
//! output reached through a link) would destroy the input before a line of it was read, and
//! `check --output-dir` could write a report over the portfolio it came from.
//!
//! Files are compared by identity (device and inode), read from their metadata: nothing is
//! opened, since opening a named pipe waits for a writer. Only an output that is a regular
//! file can be refused: creating a pipe, a terminal or a device destroys nothing.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::Failure;

/// A file's identity: its device and inode.
type Identity = (u64, u64);

#[cfg(unix)]
fn identity(metadata: &std::fs::Metadata) -> Identity {
    use std::os::unix::fs::MetadataExt;
    (metadata.dev(), metadata.ino())
}

/// The inputs of a command, by identity, for outputs to be looked up in (each lookup is one
/// `stat`, however many inputs there are).
pub struct Inputs<'a> {
    #[cfg(unix)]
    known: std::collections::HashMap<Identity, &'a Path>,
    /// Where identities are not available: the inputs as given.
    #[cfg(not(unix))]
    named: Vec<&'a Path>,
}

impl<'a> Inputs<'a> {
    /// The files among `inputs` (`-` is standard input) that exist; the rest cannot be an
    /// output's file.
    pub fn new(inputs: impl IntoIterator<Item = &'a Path>) -> Self {
        #[cfg(unix)]
        {
            let mut known = std::collections::HashMap::new();
            for input in inputs {
                let metadata = if input.as_os_str() == "-" {
                    stdin_metadata()
                } else {
                    std::fs::metadata(input).ok()
                };
                if let Some(metadata) = metadata.filter(std::fs::Metadata::is_file) {
                    known.entry(identity(&metadata)).or_insert(input);
                }
            }
            Inputs { known }
        }
        #[cfg(not(unix))]
        Inputs {
            named: inputs.into_iter().collect(),
        }
    }

    /// Refuses `output` when it is the same file as one of the inputs, however either is
    /// named. An output that does not exist yet, or is not a regular file, is no input.
    pub fn refuse(&self, output: &Path) -> Result<(), Failure> {
        match self.input_at(output) {
            None => Ok(()),
            Some(input) => {
                let named = if input.as_os_str() == "-" {
                    "standard input".to_owned()
                } else {
                    crate::escape::line(&input.display().to_string()).into_owned()
                };
                Err(Failure(format!(
                    "{}: error[io]: the output is the input ({named}): writing it would destroy the input before it is read\n  help: give an output that is not an input",
                    crate::escape::line(&output.display().to_string())
                )))
            }
        }
    }

    #[cfg(unix)]
    fn input_at(&self, output: &Path) -> Option<&'a Path> {
        let metadata = std::fs::metadata(output)
            .ok()
            .filter(std::fs::Metadata::is_file)?;
        self.known.get(&identity(&metadata)).copied()
    }

    #[cfg(not(unix))]
    fn input_at(&self, output: &Path) -> Option<&'a Path> {
        let output = std::fs::canonicalize(output).ok()?;
        self.named
            .iter()
            .find(|input| std::fs::canonicalize(input).is_ok_and(|i| i == output))
            .copied()
    }
}

/// Standard input's metadata (an `fstat`, on a copy of its descriptor: nothing is opened).
#[cfg(unix)]
fn stdin_metadata() -> Option<std::fs::Metadata> {
    use std::os::fd::AsFd;
    let fd = std::io::stdin().as_fd().try_clone_to_owned().ok()?;
    std::fs::File::from(fd).metadata().ok()
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

/// Whether directory `dir` is one of the directories among `inputs`, by canonical path: an
/// output directory that is a portfolio directory would have its reports read as portfolios
/// on the next run, and a cache named `*.toml` in the units directory would be read as a unit.
pub fn is_one_of(dir: &Path, inputs: &[PathBuf]) -> bool {
    let Ok(dir) = std::fs::canonicalize(dir) else {
        return false;
    };
    let dirs: HashSet<PathBuf> = inputs
        .iter()
        .filter(|p| p.is_dir())
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    dirs.contains(&dir)
}
