//! The hostile-input suite: the built `competency` binary run on broken, malformed and
//! malicious input, with its exact exit status, standard output and standard error recorded.
//!
//! The data lives in the workspace's `tests/hostile/`, and every case is run from that folder
//! with relative paths and `NO_COLOR=1`, so the recorded output is the same on every machine:
//!
//! - `portfolios/NAME.EXT`: a portfolio, run as `competency check portfolios/NAME.EXT`. Any
//!   extension is an input (`.toml`, `.json`, `.bin`, ...) except `.expected` and `.args`;
//!   the binary picks TOML or JSON from the name, so a `.bin` file is read as TOML. Two
//!   inputs may not share a `NAME`.
//! - `units/NAME/`: a folder of unit files (name them `CODE.toml`, or lint reports
//!   `file-name-mismatch`), run as `competency lint units/NAME/FILE...` with every file in the
//!   folder, in file-name order.
//! - `NAME.args` (optional, beside the input file or folder): extra arguments, one per line,
//!   added after the command above (`--format`, `--as-of`, `--unit`, `--units DIR`, ...).
//!   Blank lines and lines starting with `#` are skipped.
//! - `NAME.expected` (beside the input file or folder): what the run must give, as
//!   `exit: CODE`, then `--- stdout` and `--- stderr` each followed by that stream's text;
//!   a stream that does not end with a newline is followed by `\ no newline at end`.
//!
//! `COMPETENCY_BLESS=1 cargo test -p competency-cli --test hostile` rewrites every
//! `.expected` file from the current binary; review the diff before committing it.
//!
//! Whatever the expected files say, every case must also fail safely: exit with 0, 1 or 2
//! (never a signal, a panic or a stack overflow), print no panic message, and let no control
//! character other than newline and tab reach the terminal (an escape sequence or a bell in
//! a portfolio must be shown escaped, not sent raw). That test ignores the expected files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// At least this many cases of each kind must exist.
const MIN_PORTFOLIO_CASES: usize = 60;
const MIN_UNIT_CASES: usize = 30;

/// A run that takes longer than this is stopped and recorded as timed out.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The workspace's `tests/hostile/` folder; cases are run from here.
fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/hostile")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Portfolio,
    Unit,
}

/// One case: the command to run and where its expected output is kept.
#[derive(Debug)]
struct Case {
    kind: Kind,
    /// `portfolios/NAME` or `units/NAME`, for messages.
    name: String,
    /// Arguments to the binary, paths relative to the data folder.
    args: Vec<String>,
    expected: PathBuf,
}

/// How a run ended, and what it printed.
#[derive(Debug)]
struct Run {
    /// The exit code; `None` when the process was killed by a signal or timed out.
    code: Option<i32>,
    /// How the run ended, as recorded on the `exit:` line.
    status: String,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

impl Run {
    fn render(&self) -> String {
        let mut out = format!("exit: {}\n", self.status);
        for (label, bytes) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            out.push_str(&format!("--- {label}\n"));
            let text = String::from_utf8_lossy(bytes);
            out.push_str(&text);
            if !text.is_empty() && !text.ends_with('\n') {
                out.push_str("\n\\ no newline at end\n");
            }
        }
        out
    }
}

/// The sorted entries of a folder, relative to the data folder (`portfolios/x.toml`).
fn entries(folder: &str) -> Vec<(String, PathBuf)> {
    let dir = data_dir().join(folder);
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let path = e.unwrap().path();
            let file = path
                .file_name()
                .unwrap()
                .to_str()
                .expect("UTF-8 file names")
                .to_owned();
            (file, path)
        })
        .collect();
    found.sort();
    found
}

/// Extra arguments from `NAME.args`, if there is one.
fn extra_args(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .map(|text| {
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn is_sidecar(file: &str) -> bool {
    file.ends_with(".expected") || file.ends_with(".args")
}

fn portfolio_cases() -> (Vec<Case>, Vec<String>) {
    let dir = data_dir().join("portfolios");
    let mut cases: Vec<Case> = Vec::new();
    let mut problems = Vec::new();
    for (file, path) in entries("portfolios") {
        if is_sidecar(&file) {
            continue;
        }
        if path.is_dir() {
            problems.push(format!("portfolios/{file}: a folder; portfolio cases are files"));
            continue;
        }
        let stem = file.rsplit_once('.').map_or(file.as_str(), |(s, _)| s).to_owned();
        let name = format!("portfolios/{stem}");
        if cases.iter().any(|c| c.name == name) {
            problems.push(format!("{name}: two inputs share this name"));
            continue;
        }
        let mut args = vec!["check".to_owned(), format!("portfolios/{file}")];
        args.extend(extra_args(&dir.join(format!("{stem}.args"))));
        cases.push(Case {
            kind: Kind::Portfolio,
            name,
            args,
            expected: dir.join(format!("{stem}.expected")),
        });
    }
    (cases, problems)
}

fn unit_cases() -> (Vec<Case>, Vec<String>) {
    let dir = data_dir().join("units");
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    for (folder, path) in entries("units") {
        if is_sidecar(&folder) {
            continue;
        }
        if !path.is_dir() {
            problems.push(format!("units/{folder}: unit cases are folders of unit files"));
            continue;
        }
        let files: Vec<String> = entries(&format!("units/{folder}"))
            .into_iter()
            .map(|(file, _)| format!("units/{folder}/{file}"))
            .collect();
        if files.is_empty() {
            problems.push(format!("units/{folder}: no unit files"));
            continue;
        }
        let mut args = vec!["lint".to_owned()];
        args.extend(files);
        args.extend(extra_args(&dir.join(format!("{folder}.args"))));
        cases.push(Case {
            kind: Kind::Unit,
            name: format!("units/{folder}"),
            args,
            expected: dir.join(format!("{folder}.expected")),
        });
    }
    (cases, problems)
}

/// Expected and argument files that belong to no case.
fn orphans(folder: &str, cases: &[Case]) -> Vec<String> {
    entries(folder)
        .into_iter()
        .filter(|(file, _)| is_sidecar(file))
        .filter_map(|(file, _)| {
            let stem = file.rsplit_once('.').map_or(file.as_str(), |(s, _)| s);
            let name = format!("{folder}/{stem}");
            (!cases.iter().any(|c| c.name == name))
                .then(|| format!("{folder}/{file}: no input named {stem} beside it"))
        })
        .collect()
}

fn run(args: &[String]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_competency"))
        .args(args)
        .current_dir(data_dir())
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the competency binary starts");
    // Read both pipes while waiting, so that a run that prints a lot cannot block.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the binary") {
            break Some(status);
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let (code, status) = match status {
        None => (None, format!("timed out after {} s", TIMEOUT.as_secs())),
        Some(status) => match status.code() {
            Some(code) => (Some(code), code.to_string()),
            None => (None, signal(&status)),
        },
    };
    Run {
        code,
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

#[cfg(unix)]
fn signal(status: &std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match status.signal() {
        Some(signal) => format!("killed by signal {signal}"),
        None => "killed".to_owned(),
    }
}

#[cfg(not(unix))]
fn signal(_: &std::process::ExitStatus) -> String {
    "killed".to_owned()
}

/// Every case with its run, run once for all the tests in this file.
struct Suite {
    runs: Vec<(Case, Run)>,
    /// Problems with the data folder's layout.
    layout: Vec<String>,
}

fn suite() -> &'static Suite {
    static SUITE: OnceLock<Suite> = OnceLock::new();
    SUITE.get_or_init(|| {
        let (portfolios, mut layout) = portfolio_cases();
        let (units, more) = unit_cases();
        layout.extend(more);
        layout.extend(orphans("portfolios", &portfolios));
        layout.extend(orphans("units", &units));
        let runs = portfolios
            .into_iter()
            .chain(units)
            .map(|case| {
                let run = run(&case.args);
                (case, run)
            })
            .collect();
        Suite { runs, layout }
    })
}

/// Compares a case's run with its expected file, or rewrites the file when blessing.
fn check_expected(case: &Case, run: &Run) -> Option<String> {
    let actual = run.render();
    if std::env::var_os("COMPETENCY_BLESS").is_some() {
        std::fs::write(&case.expected, &actual).expect("write expected file");
        return None;
    }
    let expected = std::fs::read(&case.expected).map(|b| String::from_utf8_lossy(&b).into_owned());
    match expected {
        Ok(expected) if expected == actual => None,
        Ok(expected) => Some(format!(
            "{} (competency {}):\n--- expected\n{expected}--- actual\n{actual}",
            case.name,
            case.args.join(" ")
        )),
        Err(_) => Some(format!(
            "{}: no {} file; the run gave:\n{actual}",
            case.name,
            case.expected.file_name().unwrap().to_string_lossy()
        )),
    }
}

fn expected_outputs(kind: Kind, minimum: usize) {
    let suite = suite();
    let cases: Vec<&(Case, Run)> = suite.runs.iter().filter(|(c, _)| c.kind == kind).collect();
    assert!(
        cases.len() >= minimum,
        "expected at least {minimum} {kind:?} cases, found {}",
        cases.len()
    );
    assert!(suite.layout.is_empty(), "{}", suite.layout.join("\n"));
    let failures: Vec<String> = cases.iter().filter_map(|(c, r)| check_expected(c, r)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from their expected files \
         (run with COMPETENCY_BLESS=1 to accept, then review the diff):\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn portfolio_cases_give_their_expected_output() {
    expected_outputs(Kind::Portfolio, MIN_PORTFOLIO_CASES);
}

#[test]
fn unit_cases_give_their_expected_output() {
    expected_outputs(Kind::Unit, MIN_UNIT_CASES);
}

/// Control characters other than newline and tab: C0, DEL and C1.
fn is_raw_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// What is unsafe about one run, if anything.
fn unsafe_behaviour(run: &Run) -> Vec<String> {
    let mut found = Vec::new();
    if !matches!(run.code, Some(0..=2)) {
        found.push(format!("exit status {} (must be 0, 1 or 2)", run.status));
    }
    let stderr = String::from_utf8_lossy(&run.stderr);
    for marker in ["panicked at", "has overflowed its stack", "RUST_BACKTRACE"] {
        if stderr.contains(marker) {
            found.push(format!("standard error contains {marker:?}"));
        }
    }
    for (label, bytes) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        let mut controls: Vec<char> = text.chars().filter(|c| is_raw_control(*c)).collect();
        controls.sort_unstable();
        controls.dedup();
        if !controls.is_empty() {
            let shown: Vec<String> = controls
                .iter()
                .map(|c| format!("U+{:04X}", u32::from(*c)))
                .collect();
            found.push(format!("raw control characters in {label}: {}", shown.join(", ")));
        }
        if std::str::from_utf8(bytes).is_err() {
            found.push(format!("{label} is not valid UTF-8"));
        }
    }
    found
}

#[test]
fn every_case_fails_safely() {
    let suite = suite();
    let failures: Vec<String> = suite
        .runs
        .iter()
        .filter_map(|(case, run)| {
            let found = unsafe_behaviour(run);
            (!found.is_empty()).then(|| format!("{}: {}", case.name, found.join("; ")))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases do not fail safely:\n{}",
        failures.len(),
        suite.runs.len(),
        failures.join("\n")
    );
}
