//! `competency check`: the gap report, as an assessor reads it or as a platform parses it.

use competency::{Report, RequirementResult, Severity};

use crate::doc::Block;
use crate::escape::line;

/// What every report says of itself, in every format.
pub const DISCLAIMER: &str = "This checks the sufficiency and currency of the evidence; the competency judgement remains the assessor's.";

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

/// The report as text for an assessor: per unit a verdict line, unmet requirements with what
/// is missing, then findings.
pub fn to_text(report: &Report, source: &str, style: Style) -> String {
    let mut out = String::new();
    let window = report
        .current_since
        .map(|d| format!(" · current since {d}"))
        .unwrap_or_default();
    out.push_str(&format!(
        "{} · candidate {} · judged as of {}{}{window}\n",
        line(source),
        line(&report.candidate),
        report.judgement_date,
        if report.judgement_date_defaulted {
            " (today: the portfolio gives no judgement date)"
        } else {
            ""
        }
    ));
    for unit in &report.units {
        out.push('\n');
        let verdict = if unit.complete {
            style.good("EVIDENCE COMPLETE")
        } else {
            style.bad("EVIDENCE NOT YET COMPLETE")
        };
        out.push_str(&format!(
            "{} {} (release {}): {verdict}, {} of {} requirements met\n",
            line(&unit.code),
            line(&unit.title),
            unit.release,
            unit.met,
            unit.total
        ));
        if unit.current_since != report.current_since {
            if let Some(since) = unit.current_since {
                out.push_str(&format!(
                    "  evidence current since {since} (the unit's own window)\n"
                ));
            }
        }
        let unmet: Vec<&RequirementResult> = unit.requirements.iter().filter(|r| !r.met).collect();
        if !unmet.is_empty() {
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
    let incomplete = report.units.iter().filter(|u| !u.complete).count();
    out.push('\n');
    out.push_str(&if incomplete == 0 {
        style.good("The evidence is complete for every unit checked.")
    } else {
        style.bad(&format!(
            "The evidence is not yet complete for {incomplete} of {} unit{}.",
            report.units.len(),
            if report.units.len() == 1 { "" } else { "s" }
        ))
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
        Severity::Warning => style.warn("warning"),
        Severity::Info => style.dim("info"),
    }
}

/// The report as Markdown: a verdict per unit and a requirement table that can be attached to
/// the candidate's file.
pub fn to_blocks(report: &Report, source: &str) -> Vec<Block> {
    let mut b = vec![Block::Heading(1, format!("Evidence check: {}", report.candidate))];
    let window = report
        .current_since
        .map(|d| format!("; evidence current since {d}"))
        .unwrap_or_default();
    b.push(Block::Para(format!(
        "Portfolio {source}, judged as of {}{}{window}.",
        report.judgement_date,
        if report.judgement_date_defaulted {
            " (today: the portfolio gives no judgement date)"
        } else {
            ""
        }
    )));
    b.push(Block::Para(DISCLAIMER.to_owned()));
    for unit in &report.units {
        b.push(Block::Heading(
            2,
            format!("{} {} (release {})", unit.code, unit.title, unit.release),
        ));
        b.push(Block::Para(format!(
            "{}: {} of {} requirements met.",
            if unit.complete {
                "Evidence complete"
            } else {
                "Evidence not yet complete"
            },
            unit.met,
            unit.total
        )));
        b.push(Block::Table(
            ["ID", "Kind", "Met", "Evidence", "Missing"]
                .map(String::from)
                .to_vec(),
            unit.requirements
                .iter()
                .map(|r| {
                    vec![
                        r.id.clone(),
                        r.kind.as_str().to_owned(),
                        if r.met { "yes" } else { "no" }.to_owned(),
                        r.evidence.join(", "),
                        r.missing.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        ));
        if !unit.findings.is_empty() {
            b.push(Block::Heading(3, "Findings".to_owned()));
            b.push(Block::List(
                unit.findings.iter().map(|f| (0, finding_line(f))).collect(),
            ));
        }
    }
    if !report.findings.is_empty() {
        b.push(Block::Heading(2, "Portfolio findings".to_owned()));
        b.push(Block::List(
            report.findings.iter().map(|f| (0, finding_line(f))).collect(),
        ));
    }
    b
}

fn finding_line(f: &competency::Finding) -> String {
    match &f.item {
        Some(item) => format!("{} ({item}): {}", f.code, f.message),
        None => format!("{}: {}", f.code, f.message),
    }
}
