//! `competency batch`: JSON Lines in (one portfolio per line), JSON Lines out (one record per
//! portfolio, in input order), a summary on standard error (docs/batch.md).

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use competency::{BatchOptions, Checker, Summary};

use crate::{Failure, Outcome};

/// Where the batch reads and writes.
pub struct Io<'a> {
    /// The JSON Lines file, or standard input for `None` and `-`.
    pub input: Option<&'a PathBuf>,
    /// The records' file, or standard output.
    pub output: Option<&'a PathBuf>,
    /// The other files the command reads (the catalog's), which the output may not be.
    pub read: &'a [PathBuf],
}

/// The input's and the output's buffers: reads and writes of 64 KiB cost no more per byte
/// than larger ones, and each 64 KiB held is memory a large line cannot use.
const BUFFER: usize = 64 * 1024;

/// The input's buffer for one checking thread, which checks a line where this buffer holds it
/// when all of it is there, and copies it out otherwise: at 1 MiB most lines are whole in it
/// (callgrind, 50 MB of the bench mix: 1,902 M instructions with 64 KiB, 1,853 M with 1 MiB,
/// 1,827 M with 4 MiB; at the peak on 1 GB, 0.8–1.0 MB more in trial runs with 1 MiB, not seen
/// in the benches, and about 4 MB more with 4 MiB). Several threads copy every line out, to
/// check it beside the others.
const ONE_THREAD_INPUT: usize = 1024 * 1024;

fn input_buffer(options: &BatchOptions) -> usize {
    match options.threads() {
        1 => ONE_THREAD_INPUT,
        _ => BUFFER,
    }
}

/// Runs a batch: every record written as soon as it and every earlier one are checked; the summary (and any read
/// error) goes to standard error; the exit code is [`Summary::exit_code`], or 2 when the
/// input could not be read to its end.
pub fn run(checker: &Checker<'_>, options: &BatchOptions, io: &Io<'_>) -> Result<Outcome, Failure> {
    let stdin_name = |p: &&PathBuf| p.as_os_str() != "-";
    let (reader, size): (Box<dyn BufRead + Send>, Option<u64>) = match io.input.filter(stdin_name) {
        Some(path) => {
            let file = std::fs::File::open(path).map_err(|e| {
                Failure(format!(
                    "{}: error[io]: cannot read the input: {e}",
                    crate::escape::line(&path.display().to_string())
                ))
            })?;
            let size = file.metadata().ok().map(|m| m.len());
            (
                Box::new(std::io::BufReader::with_capacity(input_buffer(options), file)),
                size,
            )
        }
        // Not `stdin().lock()`: a lock is held by one thread, and every worker reads in turn.
        None => (
            Box::new(std::io::BufReader::with_capacity(
                input_buffer(options),
                std::io::stdin(),
            )),
            None,
        ),
    };
    if let Some(path) = io.output {
        let input = io.input.map_or(std::path::Path::new("-"), PathBuf::as_path);
        crate::paths::Inputs::new(std::iter::once(input).chain(io.read.iter().map(PathBuf::as_path)))
            .refuse(path)?;
    }
    let mut out: Box<dyn Write + Send> = match io.output {
        Some(path) => Box::new(std::io::BufWriter::with_capacity(
            BUFFER,
            std::fs::File::create(path).map_err(|e| {
                Failure(format!(
                    "{}: error[io]: cannot create the output: {e}",
                    crate::escape::line(&path.display().to_string())
                ))
            })?,
        )),
        // Not `stdout().lock()`, for the same reason: each flush takes the lock.
        None => Box::new(std::io::BufWriter::with_capacity(BUFFER, std::io::stdout())),
    };
    // Before any thread is started (the progress bar's included).
    crate::malloc::tune_for_batch(options.threads());
    let bar = std::io::stderr().is_terminal().then(|| progress(size));
    let start = Instant::now();
    let written = checker.check_reader_to(reader, &mut out, options, |s| {
        if let Some(bar) = &bar {
            bar.set_position(s.bytes);
            bar.set_message(format!(
                "{} portfolios: {} complete, {} incomplete, {} invalid",
                s.portfolios, s.complete, s.incomplete, s.invalid
            ));
        }
    });
    let mut problems = Vec::new();
    if let Some(e) = &written.read_error {
        problems.push(format!(
            "{}: error[io]: cannot read the input: {e}",
            crate::escape::line(&options.name)
        ));
    }
    let mut closed = false;
    match written.write_error {
        Some(e) if e.kind() == std::io::ErrorKind::BrokenPipe => closed = true,
        Some(e) => problems.push(format!("error[io]: cannot write the output: {e}")),
        None => {
            if let Err(e) = out.flush() {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    problems.push(format!("error[io]: cannot write the output: {e}"));
                }
            }
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let summary = written.summary;
    let seconds = start.elapsed().as_secs_f64();
    let code = if problems.is_empty() {
        summary.exit_code()
    } else {
        2
    };
    let mut errors = problems;
    if !closed {
        errors.push(summary_line(&summary, seconds));
    }
    Ok(Outcome {
        stdout: String::new(),
        notes: Vec::new(),
        errors,
        code,
    })
}

/// `batch: 4 portfolios: 1 complete, 1 incomplete, 2 invalid; 1 blank line skipped; 52340 bytes in 0.02 s (2.6 MB/s)`
fn summary_line(s: &Summary, seconds: f64) -> String {
    let mb = s.bytes as f64 / 1e6;
    let rate = if seconds > 0.0 { mb / seconds } else { 0.0 };
    let blank = match s.blank {
        0 => String::new(),
        1 => "; 1 blank line skipped".to_owned(),
        n => format!("; {n} blank lines skipped"),
    };
    format!(
        "batch: {} portfolio{}: {} complete, {} incomplete, {} invalid{blank}; {} bytes in {seconds:.2} s ({rate:.1} MB/s)",
        s.portfolios,
        if s.portfolios == 1 { "" } else { "s" },
        s.complete,
        s.incomplete,
        s.invalid,
        s.bytes,
    )
}

/// A bar over the input's bytes when its size is known, a spinner otherwise.
fn progress(size: Option<u64>) -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    let bar = match size {
        Some(size) => ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes} {bytes_per_sec} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template("{spinner} {bytes} {bytes_per_sec} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    };
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}
