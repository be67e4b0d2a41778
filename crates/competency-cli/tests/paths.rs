//! What the command does with the files and directories it is given, where the hostile-input
//! suite's fixed files cannot say it: an output that is an input, a catalog cache that is not
//! a file, a units directory holding links and pipes, a unit file with Windows line endings.
//! Each case runs the built binary in a temporary directory of its own.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_competency");

/// The workspace's root, for its units and examples.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const LINE: &str = r#"{"format":1,"candidate":{"id":"S1"},"units":["CHCMGT006"]}"#;

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_batch_output_that_is_its_input_is_refused_and_the_input_kept() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    fs::write(&input, format!("{LINE}\n")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("in.jsonl", dir.path().join("link.jsonl")).unwrap();
    let mut cases = vec![vec!["batch", "in.jsonl", "--output", "in.jsonl"]];
    #[cfg(unix)]
    cases.push(vec!["batch", "link.jsonl", "--output", "in.jsonl"]);
    for args in cases {
        let output = run(dir.path(), &args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains("error[io]: the output is the input"),
            "{}",
            stderr(&output)
        );
        assert_eq!(fs::read_to_string(&input).unwrap(), format!("{LINE}\n"));
    }
    // The same file as standard input.
    let output = Command::new(BIN)
        .args(["batch", "-", "--output", "in.jsonl"])
        .current_dir(dir.path())
        .stdin(fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("(standard input)"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fs::read_to_string(&input).unwrap(), format!("{LINE}\n"));
    // Another output is written as before.
    let output = run(dir.path(), &["batch", "in.jsonl", "--output", "out.jsonl"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        fs::read_to_string(dir.path().join("out.jsonl"))
            .unwrap()
            .lines()
            .count(),
        1
    );
}

#[test]
fn a_report_that_would_land_on_a_portfolio_is_refused_before_any_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("d");
    fs::create_dir(&reports).unwrap();
    let example = fs::read_to_string(root().join("examples/CHCMGT006-complete.json")).unwrap();
    fs::write(reports.join("p.json"), &example).unwrap();
    fs::copy(
        root().join("examples/CHCMGT006-complete.toml"),
        dir.path().join("a.toml"),
    )
    .unwrap();
    // The first report (a.json) would be harmless; none is written, since the second is not.
    let output = run(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--output-dir",
            "d",
            "a.toml",
            "d/p.json",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("the output is the input (d/p.json)"));
    assert_eq!(fs::read_to_string(reports.join("p.json")).unwrap(), example);
    assert!(!reports.join("a.json").exists());
}

#[test]
fn reports_written_to_a_directory_as_json_are_named_not_printed() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        root().join("examples/CHCMGT006-complete.json"),
        dir.path().join("p.json"),
    )
    .unwrap();
    let output = run(
        dir.path(),
        &["check", "--format", "json", "--output-dir", "o", "p.json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed["reports"][0]["written"], "o/p.json");
    assert!(printed["reports"][0].get("report").is_none());
    assert_eq!(printed["summary"][0]["verdict"], "evidence complete");
    let written: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("o/p.json")).unwrap()).unwrap();
    assert!(written.get("units").is_some());
}

#[test]
fn more_jobs_than_the_most_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("in.jsonl"), format!("{LINE}\n")).unwrap();
    for jobs in ["257", "4294967296"] {
        let output = run(dir.path(), &["batch", "--jobs", jobs, "in.jsonl"]);
        assert_eq!(output.status.code(), Some(2), "--jobs {jobs}");
        assert!(
            stderr(&output).contains("is not in 0..=256"),
            "{}",
            stderr(&output)
        );
    }
    assert_eq!(
        run(dir.path(), &["batch", "--jobs", "256", "in.jsonl"])
            .status
            .code(),
        Some(1)
    );
}

#[cfg(unix)]
#[test]
fn a_catalog_cache_that_is_not_a_file_is_neither_read_nor_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let units = root().join("units");
    let units = units.to_str().unwrap();
    // mkfifo is coreutils': a machine without it fails this test rather than skip the pipe.
    let made = Command::new("mkfifo").arg(dir.path().join("pipe.cache")).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let pipe = true;
    std::os::unix::fs::symlink("nothing.cache", dir.path().join("dangling.cache")).unwrap();
    std::os::unix::fs::symlink("real.cache", dir.path().join("link.cache")).unwrap();
    fs::create_dir(dir.path().join("dir.cache")).unwrap();
    let mut left = vec!["dangling.cache", "dir.cache"];
    if pipe {
        // Read, it would wait for a writer for ever: the test would hang, not fail.
        left.push("pipe.cache");
    }
    for cache in left {
        let output = run(
            dir.path(),
            &["--only-units", units, "--catalog-cache", cache, "units"],
        );
        assert_eq!(output.status.code(), Some(0), "{cache}: {}", stderr(&output));
        assert!(
            stderr(&output).contains(&format!(
                "note: {cache} was not used as a catalog cache and was left as it is"
            )),
            "{cache}: {}",
            stderr(&output)
        );
    }
    let kind = |name: &str| fs::symlink_metadata(dir.path().join(name)).unwrap().file_type();
    assert!(kind("dangling.cache").is_symlink());
    assert!(kind("dir.cache").is_dir());
    if pipe {
        assert!(kind("pipe.cache").is_fifo());
    }
    // A link to a cache file: the file is written and read through it; the link stays.
    let output = run(
        dir.path(),
        &["--only-units", units, "--catalog-cache", "real.cache", "units"],
    );
    assert!(
        stderr(&output).contains("catalog cache real.cache written"),
        "{}",
        stderr(&output)
    );
    let output = run(
        dir.path(),
        &["--only-units", units, "--catalog-cache", "link.cache", "units"],
    );
    assert_eq!(stderr(&output), "", "the cache behind the link is used");
    assert!(kind("link.cache").is_symlink());
}

#[cfg(unix)]
#[test]
fn every_toml_entry_of_a_units_directory_is_read_or_reported() {
    let dir = tempfile::tempdir().unwrap();
    let units = dir.path().join("u");
    fs::create_dir(&units).unwrap();
    fs::copy(root().join("units/CHCMGT006.toml"), units.join("CHCMGT006.toml")).unwrap();
    std::os::unix::fs::symlink("/nonexistent", units.join("CSCORG406A.toml")).unwrap();
    fs::create_dir(units.join("X.toml")).unwrap();
    let output = run(dir.path(), &["--only-units", "u", "units"]);
    assert_eq!(output.status.code(), Some(2));
    let errors = stderr(&output);
    assert!(
        errors.contains("u/CSCORG406A.toml: error[io]: cannot read file: No such file"),
        "{errors}"
    );
    assert!(
        errors.contains("u/X.toml: error[io]: cannot read file: it is a directory"),
        "{errors}"
    );
}

#[test]
fn a_unit_file_named_in_upper_case_is_read_and_its_name_checked() {
    let dir = tempfile::tempdir().unwrap();
    let units = dir.path().join("u");
    fs::create_dir(&units).unwrap();
    fs::copy(root().join("units/CHCMGT006.toml"), units.join("CHCMGT006.TOML")).unwrap();
    let output = run(dir.path(), &["--only-units", "u", "units"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("CHCMGT006"));
    // The name is held to the unit it holds, whatever the case of `.toml`.
    fs::rename(units.join("CHCMGT006.TOML"), units.join("CHCMGT007.Toml")).unwrap();
    let output = run(dir.path(), &["--only-units", "u", "units"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output)
            .contains("error[file-name-mismatch]: the file is named CHCMGT007.Toml but holds unit CHCMGT006"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_units_path_that_is_not_there_is_named_as_missing() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &["--units", "no-such-dir", "units"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("no-such-dir: error[io]: no such unit file or directory\n"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_unit_file_with_windows_line_endings_reads_as_with_unix_ones() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(root().join("units/CHCMGT006.toml")).unwrap();
    assert!(
        text.contains("\"\"\"") || text.contains("'''"),
        "the unit has multi-line text"
    );
    let units = dir.path().join("u");
    fs::create_dir(&units).unwrap();
    fs::File::create(units.join("CHCMGT006.toml"))
        .unwrap()
        .write_all(text.replace('\n', "\r\n").as_bytes())
        .unwrap();
    let output = run(dir.path(), &["lint", "u"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // The same wording: `show` prints the same text from both.
    let crlf = run(dir.path(), &["--only-units", "u", "show", "CHCMGT006"]);
    let plain = run(&root(), &["show", "CHCMGT006"]);
    assert_eq!(crlf.stdout, plain.stdout);
}

#[test]
fn no_output_may_be_a_unit_file_or_the_catalog_cache() {
    let dir = tempfile::tempdir().unwrap();
    let units = dir.path().join("u");
    fs::create_dir(&units).unwrap();
    let unit = fs::read_to_string(root().join("units/CHCMGT006.toml")).unwrap();
    fs::write(units.join("CHCMGT006.toml"), &unit).unwrap();
    fs::write(dir.path().join("in.jsonl"), format!("{LINE}\n")).unwrap();
    for option in ["--units", "--only-units"] {
        let output = run(
            dir.path(),
            &[option, "u", "batch", "in.jsonl", "--output", "u/CHCMGT006.toml"],
        );
        assert_eq!(output.status.code(), Some(2), "{option}: {}", stderr(&output));
        assert!(stderr(&output).contains("the output is the input (u/CHCMGT006.toml)"));
        assert_eq!(fs::read_to_string(units.join("CHCMGT006.toml")).unwrap(), unit);
    }
    let output = run(
        dir.path(),
        &[
            "--only-units",
            "u",
            "--catalog-cache",
            "c.cache",
            "batch",
            "in.jsonl",
            "--output",
            "c.cache",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("c.cache: error[io]: the output is the input (c.cache)"));
    let cache = fs::read(dir.path().join("c.cache")).unwrap();
    assert!(
        cache.starts_with(b"competency catalog cache"),
        "the cache is left whole"
    );
    // A cache named *.toml in the units directory would be read as a unit file next time.
    let output = run(
        dir.path(),
        &["--only-units", "u", "--catalog-cache", "u/cache.toml", "units"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("u/cache.toml was not used as a catalog cache"));
    assert!(!units.join("cache.toml").exists());
}

#[cfg(unix)]
#[test]
fn every_portfolio_entry_of_a_directory_is_checked_or_reported() {
    let dir = tempfile::tempdir().unwrap();
    let portfolios = dir.path().join("p");
    fs::create_dir(&portfolios).unwrap();
    fs::copy(
        root().join("examples/CHCMGT006-complete.json"),
        portfolios.join("B.JSON"),
    )
    .unwrap();
    std::os::unix::fs::symlink("nowhere.toml", portfolios.join("c.toml")).unwrap();
    let made = Command::new("mkfifo").arg(portfolios.join("d.json")).status();
    assert!(made.as_ref().is_ok_and(|s| s.success()), "mkfifo");
    let output = run(dir.path(), &["check", "p"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("p/B.JSON "), "{text}");
    assert!(stderr(&output).contains("p/c.toml: error[io]: cannot read the portfolio"));
    if made.is_ok_and(|s| s.success()) {
        // Listed, a pipe is not opened (it would wait for a writer): an io error.
        assert!(
            stderr(&output)
                .contains("p/d.json: error[io]: cannot read the portfolio: it is not a regular file")
        );
    }
}

#[test]
fn usage_errors_show_what_was_typed_as_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &["schema", "x\u{1b}]8;;http://e\u{7}L\u{7}"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("invalid value 'x\\u{1b}]8;;http://e\\u{7}L\\u{7}'"),
        "{}",
        stderr(&output)
    );
    assert!(!output.stderr.contains(&0x1b));
    let output = run(dir.path(), &["check", "--max-errors", "0", "x.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("it must be at least 1"),
        "{}",
        stderr(&output)
    );
    let output = run(dir.path(), &["template", "CHCMGT006", "CHCMGT006@2"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("CHCMGT006 is named twice"),
        "{}",
        stderr(&output)
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn a_unit_reference_is_named_whole_and_a_lower_case_code_gets_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &["show", "@1"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("\"@1\" is not a valid unit reference"),
        "{}",
        stderr(&output)
    );
    let output = run(dir.path(), &["show", "chcmgt006@2"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("help: did you mean CHCMGT006@2?"),
        "{}",
        stderr(&output)
    );
}

#[cfg(unix)]
#[test]
fn an_output_that_is_a_pipe_is_written_not_opened_to_be_compared() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("in.jsonl"), format!("{LINE}\n")).unwrap();
    let pipe = dir.path().join("out.pipe");
    let made = Command::new("mkfifo").arg(&pipe).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    // The reader opens the pipe once the batch opens it to write; comparing the output with
    // the input must not open it for reading first, or the batch would wait for ever.
    let reader = std::thread::spawn(move || fs::read_to_string(pipe).unwrap());
    let output = run(dir.path(), &["batch", "in.jsonl", "--output", "out.pipe"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(reader.join().unwrap().lines().count(), 1);
}
