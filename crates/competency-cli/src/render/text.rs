//! Text for a terminal: the assessor's quick view of `check` (per unit the verdict, what is
//! missing and the findings), and the mapping matrix of `matrix`.

use competency::{OutcomeCode, Report, RequirementResult, Severity};

use super::matrix::{self, Cell};
use super::{DISCLAIMER, verdict};
use crate::escape::line;

/// Terminal styling: ANSI colour when writing to a terminal and NO_COLOR is unset.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub colour: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn good(self, text: &str) -> String {
        self.paint("1;32", text)
    }
    fn bad(self, text: &str) -> String {
        self.paint("1;31", text)
    }
    fn warn(self, text: &str) -> String {
        self.paint("33", text)
    }
    fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }
}

/// The first line of a text report: the portfolio, the candidate, the judgement date and the
/// currency window.
fn header(report: &Report, source: &str) -> String {
    let window = report
        .current_since
        .map(|d| format!(" · current since {d}"))
        .unwrap_or_default();
    format!(
        "{} · candidate {} · judged as of {}{}{window}\n",
        line(source),
        line(&report.candidate),
        report.judgement_date,
        if report.judgement_date_defaulted {
            " (today: the portfolio gives no judgement date)"
        } else {
            ""
        }
    )
}

/// The report as text for an assessor: per unit a verdict line, unmet requirements with what
/// is missing, then findings.
pub fn to_text(report: &Report, source: &str, style: Style) -> String {
    let mut out = header(report, source);
    for unit in &report.units {
        out.push('\n');
        let word = if unit.complete {
            style.good(verdict(true))
        } else {
            style.bad(verdict(false))
        };
        out.push_str(&format!(
            "{} {} (release {}): {word}, {} of {} requirements met\n",
            line(&unit.code),
            line(&unit.title),
            unit.release,
            unit.met,
            unit.total
        ));
        out.push_str(&format!(
            "  outcome {}\n",
            line(&super::outcome_line(&unit.outcome))
        ));
        if let Some(window) = unit.currency {
            out.push_str(&format!("  {}\n", super::rpl_window(window, unit.current_since)));
        } else if unit.current_since != report.current_since {
            if let Some(since) = unit.current_since {
                out.push_str(&format!(
                    "  evidence current since {since} (the unit's own window)\n"
                ));
            }
        }
        let unmet: Vec<&RequirementResult> = unit.requirements.iter().filter(|r| !r.met).collect();
        if !unmet.is_empty() && unit.outcome.code == OutcomeCode::CreditTransfer {
            // Credit needs no evidence: a list of every requirement would only hide the outcome.
            out.push_str(&format!(
                "  Unmet: {} requirements; credit transfer needs no evidence for them\n",
                unmet.len()
            ));
        } else if !unmet.is_empty() {
            out.push_str("  Unmet:\n");
            for r in unmet {
                out.push_str(&format!(
                    "    {} ({}) {}\n",
                    line(&r.id),
                    r.kind.as_str(),
                    line(&r.text)
                ));
                if let Some(missing) = &r.missing {
                    out.push_str(&format!("      missing: {}\n", line(missing)));
                }
            }
        }
        if !unit.findings.is_empty() {
            out.push_str("  Findings:\n");
            findings(&mut out, &unit.findings, "    ", style);
        }
        if let Some(plan) = &unit.plan {
            let (items, actions, blocked) = super::plan_lines(plan);
            out.push_str("  To complete this unit:\n");
            for l in items.iter().chain(&actions).chain(&blocked) {
                out.push_str(&format!("    {}\n", line(l)));
            }
        }
        let counted = unit.evidence.iter().filter(|e| e.counted).count();
        out.push_str(&style.dim(&format!(
            "  {counted} of {} mapped evidence items counted\n",
            unit.evidence.len()
        )));
    }
    if !report.findings.is_empty() {
        out.push_str("\nPortfolio findings:\n");
        findings(&mut out, &report.findings, "  ", style);
    }
    out.push('\n');
    out.push_str(&if report.complete {
        style.good(&super::summary(report))
    } else {
        style.bad(&super::summary(report))
    });
    out.push('\n');
    out.push_str(&style.dim(DISCLAIMER));
    out.push('\n');
    out
}

fn findings(out: &mut String, findings: &[competency::Finding], indent: &str, style: Style) {
    for f in findings {
        out.push_str(&format!(
            "{indent}{} [{}] {}\n",
            severity(style, f.severity),
            f.code,
            line(&f.message)
        ));
    }
}

fn severity(style: Style, severity: Severity) -> String {
    match severity {
        Severity::Error => style.bad("error"),
        Severity::Warning => style.warn("warning"),
        _ => style.dim(severity.as_str()),
    }
}

/// The marks of the matrix in text; the legend under each matrix explains them.
const COUNTED: &str = "●";
const NOT_COUNTED: &str = "○";
const EMPTY: &str = "·";

/// The mapping matrix as text: per unit the verdict, the items (ID, date, method, whether it
/// counts), then one line per requirement under its heading: ID, one mark per item, met, the
/// count against the rule, and the wording last, where a long line does the least harm.
pub fn matrix(report: &Report, source: &str) -> String {
    let mut out = header(report, source);
    if report.candidate_name.is_some() || report.assessor_name.is_some() {
        out.push_str(&format!(
            "candidate {} · assessor {}\n",
            line(&super::candidate(report)),
            line(&super::assessor(report))
        ));
    }
    for m in matrix::build(report) {
        let unit = m.unit;
        out.push_str(&format!(
            "\n{} {} (release {}): {}, {} of {} requirements met\n",
            line(&unit.code),
            line(&unit.title),
            unit.release,
            verdict(unit.complete),
            unit.met,
            unit.total
        ));
        out.push_str(&format!(
            "  outcome {}\n",
            line(&super::outcome_line(&unit.outcome))
        ));
        // The items, as a small table.
        let ids: Vec<String> = m.columns.iter().map(|c| line(c.id).into_owned()).collect();
        let periods: Vec<String> = m.columns.iter().map(|c| c.period()).collect();
        let width = |cells: &[String], title: &str| {
            cells
                .iter()
                .map(|c| c.chars().count())
                .chain([title.chars().count()])
                .max()
                .unwrap_or(0)
        };
        if m.columns.is_empty() {
            out.push_str("\n  No evidence item is mapped to this unit.\n");
        } else {
            let (wi, wp) = (width(&ids, "item"), width(&periods, "date"));
            let wm = m
                .columns
                .iter()
                .map(|c| c.method().len())
                .chain([6])
                .max()
                .unwrap_or(6);
            out.push_str(&format!(
                "\n  {:<wi$}  {:<wp$}  {:<wm$}  counts for this unit\n",
                "item", "date", "method"
            ));
            for ((c, id), period) in m.columns.iter().zip(&ids).zip(&periods) {
                out.push_str(&format!(
                    "  {id:<wi$}  {period:<wp$}  {:<wm$}  {}\n",
                    c.method(),
                    c.standing.counted_words()
                ));
            }
        }
        // The matrix.
        let rows: Vec<_> = m.groups.iter().flat_map(|g| &g.rows).collect();
        let req_ids: Vec<String> = rows.iter().map(|r| line(&r.req.id).into_owned()).collect();
        let counts: Vec<String> = rows.iter().map(|r| r.count()).collect();
        let wid = width(&req_ids, "ID");
        let wcount = width(&counts, "count");
        let col_widths: Vec<usize> = ids.iter().map(|id| id.chars().count().max(1)).collect();
        let mut head = format!("\n  {:<wid$}", "ID");
        for (id, w) in ids.iter().zip(&col_widths) {
            head.push_str(&format!("  {id:<w$}"));
        }
        head.push_str(&format!("  met  {:<wcount$}  requirement", "count"));
        out.push_str(head.trim_end());
        out.push('\n');
        let mut n = 0;
        for group in &m.groups {
            out.push_str(&format!("  {}\n", line(&group.heading.text())));
            for row in &group.rows {
                let mut l = format!("  {:<wid$}", req_ids[n]);
                for (cell, w) in row.cells.iter().zip(&col_widths) {
                    let mark = match cell {
                        Cell::Counted => COUNTED,
                        Cell::NotCounted(_) => NOT_COUNTED,
                        Cell::Empty => EMPTY,
                    };
                    l.push_str(&format!("  {mark:<w$}"));
                }
                l.push_str(&format!(
                    "  {:<3}  {:<wcount$}  {}",
                    if row.req.met { "yes" } else { "no" },
                    counts[n],
                    line(&row.req.text)
                ));
                out.push_str(l.trim_end());
                out.push('\n');
                n += 1;
            }
        }
        out.push_str(&format!(
            "\n  {COUNTED} counted  {NOT_COUNTED} claims it or passes its rule's filter, but does not count  {EMPTY} neither\n"
        ));
        let reasons: Vec<String> = matrix::reasons(&m)
            .iter()
            .map(|r| format!("{} = {}", r.as_str(), r.words()))
            .collect();
        if !reasons.is_empty() {
            out.push_str(&format!("  not counted: {}\n", reasons.join("; ")));
        }
    }
    out.push('\n');
    out.push_str(&super::summary(report));
    out.push('\n');
    out.push_str(DISCLAIMER);
    out.push('\n');
    out
}
