//! Several portfolios at once (`check` and `matrix` given more than one file, or a directory):
//! each is checked on its own, its report written to standard output or to `--output-dir`, and
//! a summary table closes the run. The exit code is the worst of them: 2 when any portfolio is
//! invalid, else 1 when any unit's evidence is not yet complete, else 0.

use std::path::{Path, PathBuf};

use competency::{LoadErrors, Report};

use crate::escape;
use crate::render;
use crate::render::csv;

/// The portfolio files named, directories expanded to their entries named `.toml` or `.json`
/// (in any case; not hidden ones, [`competency::is_hidden_entry`]) in name order, not
/// recursing; each with whether it was found in a directory
/// (such an entry that is not a regular file, a link to nothing or a pipe, is an `io` error
/// rather than passed over or opened).
pub fn expand(paths: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>, String> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| {
                    format!(
                        "{}: error[io]: cannot read directory: {e}",
                        escape::line(&path.display().to_string())
                    )
                })?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| !competency::is_hidden_entry(p))
                .filter(|p| {
                    p.extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("toml") || e.eq_ignore_ascii_case("json"))
                })
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(format!(
                    "{}: error[io]: the directory holds no .toml or .json portfolio",
                    escape::line(&path.display().to_string())
                ));
            }
            out.extend(found.into_iter().map(|p| (p, true)));
        } else {
            out.push((path.clone(), false));
        }
    }
    Ok(out)
}

/// One portfolio's result: its report, or the errors that stopped it (as printed).
pub enum Checked<'c> {
    /// The portfolio validated.
    Report(Box<Report<'c>>),
    /// It did not: the errors.
    Invalid(LoadErrors),
}

/// One row of the summary.
struct Row {
    file: String,
    candidate: String,
    unit: String,
    met: String,
    total: String,
    verdict: String,
    outcome: String,
    outcome_reason: String,
}

const HEADER: [&str; 8] = [
    "file",
    "candidate",
    "unit",
    "met",
    "total",
    "verdict",
    "outcome",
    "outcome_reason",
];

fn rows(results: &[(String, Checked<'_>)]) -> Vec<Row> {
    let mut out = Vec::new();
    for (file, checked) in results {
        match checked {
            Checked::Report(report) => {
                for unit in &report.units {
                    out.push(Row {
                        file: file.clone(),
                        candidate: report.candidate.clone(),
                        unit: format!("{}@{}", unit.code, unit.release),
                        met: unit.met.to_string(),
                        total: unit.total.to_string(),
                        verdict: render::verdict(unit.complete).to_lowercase(),
                        outcome: unit.outcome.code.as_str().to_owned(),
                        outcome_reason: unit.outcome.reason.as_str().to_owned(),
                    });
                }
            }
            Checked::Invalid(errors) => out.push(Row {
                file: file.clone(),
                candidate: String::new(),
                unit: String::new(),
                met: String::new(),
                total: String::new(),
                verdict: format!(
                    "invalid: {} error{}",
                    errors.len(),
                    if errors.len() == 1 { "" } else { "s" }
                ),
                outcome: String::new(),
                outcome_reason: String::new(),
            }),
        }
    }
    out
}

fn cells(row: &Row) -> [&str; 8] {
    [
        &row.file,
        &row.candidate,
        &row.unit,
        &row.met,
        &row.total,
        &row.verdict,
        &row.outcome,
        &row.outcome_reason,
    ]
}

/// The summary as a text table for a terminal.
pub fn text(results: &[(String, Checked<'_>)]) -> String {
    let rows = rows(results);
    let table: Vec<Vec<String>> = std::iter::once(HEADER.map(str::to_owned).to_vec())
        .chain(
            rows.iter()
                .map(|r| cells(r).map(|c| escape::line(c).into_owned()).to_vec()),
        )
        .collect();
    let widths: Vec<usize> = (0..HEADER.len())
        .map(|i| table.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = format!("Summary of {} portfolios\n", results.len());
    for row in &table {
        let line: Vec<String> = row.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// The summary as a Markdown table.
pub fn markdown(results: &[(String, Checked<'_>)]) -> String {
    let mut out = format!(
        "## Summary of {} portfolios\n\n| {} |\n|{}\n",
        results.len(),
        HEADER.join(" | "),
        "---|".repeat(HEADER.len())
    );
    for row in rows(results) {
        let cells: Vec<String> = cells(&row).iter().map(|c| escape::markdown_cell(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

/// The summary as CSV: the header above, one row per unit of each portfolio, one row per
/// invalid portfolio.
pub fn csv(results: &[(String, Checked<'_>)]) -> String {
    let mut table = vec![HEADER.map(str::to_owned).to_vec()];
    for row in rows(results) {
        table.push(cells(&row).iter().map(|c| escape::csv_cell(c)).collect());
    }
    csv::write(&table)
}

/// The summary and every report as one JSON document: `{ "reports": [{ "file", "report" } or
/// { "file", "errors" } (or `{ "file", "written" }`, [`json_written`])], "summary": [{ "file", "candidate", "unit", "met", "total",
/// "verdict", "outcome", "outcome_reason" }] }`, the errors as `--format json` gives them
/// elsewhere.
pub fn json(results: &[(String, Checked<'_>)]) -> String {
    json_written(results, &[])
}

/// As [`json`], but a report written to a file (`written`, one entry for each result, read
/// only where there is one) is named by its path (`"written"`) instead of given in full: what
/// `--output-dir` prints.
pub fn json_written(results: &[(String, Checked<'_>)], written: &[Option<PathBuf>]) -> String {
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        reports: Vec<Entry<'a>>,
        summary: Vec<SummaryRow<'a>>,
    }
    #[derive(serde::Serialize)]
    struct Entry<'a> {
        file: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        report: Option<&'a Report<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        written: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        errors: Option<&'a LoadErrors>,
    }
    #[derive(serde::Serialize)]
    struct SummaryRow<'a> {
        file: &'a str,
        #[serde(skip_serializing_if = "str::is_empty")]
        candidate: &'a str,
        #[serde(skip_serializing_if = "str::is_empty")]
        unit: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        met: Option<usize>,
        #[serde(skip_serializing_if = "Option::is_none")]
        total: Option<usize>,
        verdict: &'a str,
        #[serde(skip_serializing_if = "str::is_empty")]
        outcome: &'a str,
        #[serde(skip_serializing_if = "str::is_empty")]
        outcome_reason: &'a str,
    }
    let rows = rows(results);
    let doc = Doc {
        reports: results
            .iter()
            .enumerate()
            .map(
                |(at, (file, checked))| match (checked, written.get(at).and_then(Option::as_ref)) {
                    (Checked::Report(_), Some(path)) => Entry {
                        file,
                        report: None,
                        written: Some(path.display().to_string()),
                        errors: None,
                    },
                    (Checked::Report(report), None) => Entry {
                        file,
                        report: Some(report),
                        written: None,
                        errors: None,
                    },
                    (Checked::Invalid(errors), _) => Entry {
                        file,
                        report: None,
                        written: None,
                        errors: Some(errors),
                    },
                },
            )
            .collect(),
        summary: rows
            .iter()
            .map(|r| SummaryRow {
                file: &r.file,
                candidate: &r.candidate,
                unit: &r.unit,
                met: r.met.parse().ok(),
                total: r.total.parse().ok(),
                verdict: &r.verdict,
                outcome: &r.outcome,
                outcome_reason: &r.outcome_reason,
            })
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// Where a portfolio's report goes in `--output-dir`: its file stem with the format's
/// extension, numbered when two portfolios share a stem.
pub fn output_path(dir: &Path, file: &Path, extension: &str, taken: &mut Vec<PathBuf>) -> PathBuf {
    let stem = if file.as_os_str() == "-" {
        "stdin".to_owned()
    } else {
        file.file_stem()
            .map_or_else(|| "portfolio".into(), |s| s.to_string_lossy().into_owned())
    };
    let mut candidate = dir.join(format!("{stem}.{extension}"));
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = dir.join(format!("{stem}-{n}.{extension}"));
        n += 1;
    }
    taken.push(candidate.clone());
    candidate
}

/// The exit code of a run: the worst of its portfolios.
pub fn exit_code(results: &[(String, Checked<'_>)]) -> u8 {
    results
        .iter()
        .map(|(_, c)| match c {
            Checked::Invalid(..) => 2,
            Checked::Report(r) if !r.complete => 1,
            Checked::Report(_) => 0,
        })
        .max()
        .unwrap_or(0)
}
