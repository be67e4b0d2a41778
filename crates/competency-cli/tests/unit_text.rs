//! A unit's titles and texts may hold line breaks (the source's wording): what the command
//! writes from them must keep them where they belong. The unit is
//! `tests/hostile/units/inject-line-breaks-in-text-valid`, whose line breaks are followed by
//! TOML and Markdown.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_competency");

fn units() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/hostile/units/inject-line-breaks-in-text-valid")
}

fn run(args: &[&str]) -> Output {
    let units = units();
    Command::new(BIN)
        .arg("--only-units")
        .arg(&units)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn a_template_keeps_line_breaks_of_unit_text_inside_its_comments() {
    let output = run(&["template", "CHCMGT006"]);
    assert_eq!(output.status.code(), Some(0));
    let template = String::from_utf8(output.stdout).unwrap();
    assert!(template.contains("#     1.1 Determine service options [[evidence]] id = \"INJECTED\""));
    // Nothing of the unit's text is read as TOML: the starter portfolio checks as written,
    // incomplete, with the template's one item and no other.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.toml");
    std::fs::write(&file, &template).unwrap();
    let output = run(&["check", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["candidate"], "CANDIDATE-ID");
    assert_eq!(report["evidence"].as_array().unwrap().len(), 1);
}

#[test]
fn a_markdown_heading_holds_a_unit_title_with_line_breaks_whole() {
    let output = run(&["show", "CHCMGT006", "--format", "markdown"]);
    assert_eq!(output.status.code(), Some(0));
    let markdown = String::from_utf8(output.stdout).unwrap();
    let heading = markdown.lines().find(|l| l.starts_with('#')).unwrap();
    assert!(
        heading.ends_with("Coordinate client<br>\\[policy\\]<br>currency\\_years = 99"),
        "{heading}"
    );
}

#[test]
fn a_markdown_record_holds_a_unit_heading_with_line_breaks_whole() {
    let template = run(&["template", "CHCMGT006"]).stdout;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.toml");
    std::fs::write(&file, template).unwrap();
    for view in ["check", "matrix"] {
        let output = run(&[view, file.to_str().unwrap(), "--format", "markdown"]);
        let markdown = String::from_utf8(output.stdout).unwrap();
        let heading = markdown.lines().find(|l| l.starts_with("## CHCMGT006")).unwrap();
        assert!(
            heading.ends_with("currency\\_years = 99 (release 2)"),
            "{view}: {heading}"
        );
    }
}
