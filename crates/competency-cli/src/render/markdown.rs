//! Markdown: the printable record of `check --format markdown`, and the matrix of `matrix
//! --format markdown`. Every text from a document goes through `escape::markdown` (running
//! text) or `escape::markdown_cell` (a table cell); the markup around it is written here.

use competency::{Finding, RegisterEntry, Report, UnitReport};

use super::findings;
use super::matrix::{self, Cell, Matrix};
use super::register;
use super::{DISCLAIMER, verdict};
use crate::escape::{markdown as text, markdown_cell as cell, markdown_line as line};

/// The marks of the matrix; the legend under each matrix explains them.
const COUNTED: &str = "●";
const NOT_COUNTED: &str = "○";

/// A Markdown document being written: blocks separated by blank lines.
#[derive(Default)]
struct Doc(String);

impl Doc {
    fn block(&mut self, block: &str) {
        if !self.0.is_empty() {
            self.0.push('\n');
        }
        self.0.push_str(block);
        if !block.ends_with('\n') {
            self.0.push('\n');
        }
    }

    /// A table; every cell is already escaped.
    fn table(&mut self, header: &[String], rows: &[Vec<String>]) {
        let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
        let mut out = line(header);
        out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
        for row in rows {
            out.push_str(&line(row));
        }
        self.block(&out);
    }
}

fn owned(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

/// The facts at the head of both documents, as a list.
fn facts(doc: &mut Doc, report: &Report, source: &str) {
    let facts = [
        ("Candidate", super::candidate(report)),
        ("Assessor", super::assessor(report)),
        ("Judgement date", super::judgement_date(report)),
        ("Currency window", super::currency(report.current_since)),
        ("Portfolio", source.to_owned()),
        (
            "Checked by",
            format!("{} {}", report.produced_by.tool, report.produced_by.version),
        ),
    ];
    let list: String = facts
        .iter()
        .map(|(k, v)| format!("- {k}: {}\n", line(v)))
        .collect();
    doc.block(&list);
}

/// The record for one candidate: header, units, per unit the verdict, the requirements, the
/// matrix, the register and the findings; portfolio findings, unmapped items, and sign-off.
pub fn record(report: &Report, source: &str) -> String {
    let mut doc = Doc::default();
    doc.block(&format!("# Evidence record: {}", line(&report.candidate)));
    facts(&mut doc, report, source);
    doc.table(
        &owned(&[
            "Unit",
            "Release",
            "Title",
            "Verdict",
            "Requirements met",
            "Outcome",
        ]),
        &report
            .units
            .iter()
            .map(|u| {
                vec![
                    cell(&u.code),
                    u.release.to_string(),
                    cell(&u.title),
                    verdict(u.complete).to_owned(),
                    format!("{} of {}", u.met, u.total),
                    cell(&super::outcome_short(&u.outcome)),
                ]
            })
            .collect::<Vec<_>>(),
    );
    doc.block(&text(&super::summary(report)));
    doc.block(&text(DISCLAIMER));
    let matrices = matrix::build(report);
    for m in &matrices {
        unit(&mut doc, report, m);
    }
    if !report.findings.is_empty() {
        doc.block("## Portfolio findings");
        finding_list(&mut doc, &report.findings);
    }
    let unmapped = register::unmapped(report);
    if !unmapped.is_empty() {
        doc.block("## Evidence mapped to no unit checked");
        register_table(&mut doc, unmapped.iter().map(|e| (e.id.as_str(), Some(*e), None)));
    }
    if !report.prior_units.is_empty() {
        doc.block("## Units held");
        doc.table(
            &owned(&super::PRIOR_COLUMNS),
            &report
                .prior_units
                .iter()
                .map(|p| super::prior_cells(p).iter().map(|c| cell(c)).collect())
                .collect::<Vec<_>>(),
        );
    }
    sign_off(&mut doc, report);
    doc.0
}

/// A unit's heading and verdict line.
fn unit_heading(doc: &mut Doc, u: &UnitReport) {
    doc.block(&format!(
        "## {} {} (release {})",
        line(&u.code),
        line(&u.title),
        u.release
    ));
    doc.block(&format!(
        "**{}**: {} of {} requirements met.",
        verdict(u.complete),
        u.met,
        u.total
    ));
    doc.block(&format!(
        "**Outcome** ({}): {}",
        u.outcome.reason.as_str(),
        text(&u.outcome.text)
    ));
}

fn unit(doc: &mut Doc, report: &Report, m: &Matrix<'_>) {
    let u: &UnitReport = m.unit;
    unit_heading(doc, u);
    let mut about = vec![match u.currency {
        Some(window) => format!("{}.", super::rpl_window(window, u.current_since)),
        None => format!("Currency window: {}.", super::currency(u.current_since)),
    }];
    about.push(format!("Unit file SHA-256: {}.", u.source_sha256));
    doc.block(&text(&about.join(" ")));

    doc.block("### Requirements");
    let mut rows = Vec::new();
    for group in &m.groups {
        rows.push(vec![
            String::new(),
            format!("**{}**", cell(&group.heading.text())),
            String::new(),
            String::new(),
            String::new(),
        ]);
        for row in &group.rows {
            let r = row.req;
            rows.push(vec![
                cell(&r.id),
                cell(&r.text),
                if r.met { "yes" } else { "no" }.to_owned(),
                cell(&evidence(r)),
                cell(r.missing.as_deref().unwrap_or("")),
            ]);
        }
    }
    doc.table(
        &owned(&["ID", "Requirement", "Met", "Evidence", "What is missing"]),
        &rows,
    );

    doc.block("### Mapping matrix");
    matrix_table(doc, m, false);

    doc.block("### Evidence register");
    if m.columns.is_empty() {
        doc.block("No evidence item is mapped to this unit.");
    } else {
        let rows = register::for_unit(report, u);
        register_table(
            doc,
            rows.iter()
                .map(|r| (r.id, r.entry, Some(r.standing.counted_words()))),
        );
    }

    doc.block("### Findings");
    if u.findings.is_empty() {
        doc.block("None.");
    } else {
        finding_list(doc, &u.findings);
    }

    if let Some(plan) = &u.plan {
        doc.block("### To complete this unit");
        let (items, actions, blocked) = super::plan_lines(plan);
        for (heading, lines) in [
            ("New evidence that would complete it:", &items),
            ("Items that do not count:", &actions),
            ("Requirements the plan leaves out:", &blocked),
        ] {
            if !lines.is_empty() {
                doc.block(heading);
                let list: Vec<String> = lines.iter().map(|l| format!("- {}", line(l))).collect();
                doc.block(&list.join("\n"));
            }
        }
    }
}

/// A requirement's evidence in words: the counted items, then those that did not count.
fn evidence(r: &competency::RequirementResult) -> String {
    let mut parts = Vec::new();
    if !r.evidence.is_empty() {
        parts.push(r.evidence.join(", "));
    }
    if !r.not_counted.is_empty() {
        let items: Vec<String> = r
            .not_counted
            .iter()
            .map(|n| format!("{} ({})", n.item, n.reason.as_str()))
            .collect();
        parts.push(format!("not counted: {}", items.join(", ")));
    }
    parts.join("; ")
}

/// The matrix as one table; with `wording`, the requirement's text follows its ID.
fn matrix_table(doc: &mut Doc, m: &Matrix<'_>, wording: bool) {
    let mut header = vec!["ID".to_owned()];
    if wording {
        header.push("Requirement".to_owned());
    }
    for c in &m.columns {
        let mut head = format!("{}\n{}\n{}", c.id, c.period(), c.method());
        if c.standing != register::Standing::Counted {
            head.push_str(&format!("\nnot counted: {}", c.standing.code()));
        }
        header.push(cell(&head));
    }
    header.push("Met".to_owned());
    header.push("Count".to_owned());
    let width = header.len();
    let mut rows = Vec::new();
    for group in &m.groups {
        let mut heading = vec![String::new(); width];
        if wording {
            heading[1] = format!("**{}**", cell(&group.heading.text()));
        } else {
            heading[0] = format!("**{}**", cell(&group.heading.label()));
        }
        rows.push(heading);
        for row in &group.rows {
            let mut cells = vec![cell(&row.req.id)];
            if wording {
                cells.push(cell(&row.req.text));
            }
            cells.extend(row.cells.iter().map(|c| {
                match c {
                    Cell::Counted => COUNTED,
                    Cell::NotCounted(_) => NOT_COUNTED,
                    Cell::Empty => "",
                }
                .to_owned()
            }));
            cells.push(if row.req.met { "met" } else { "not met" }.to_owned());
            cells.push(cell(&row.count()));
            rows.push(cells);
        }
    }
    doc.table(&header, &rows);
    let mut legend = format!(
        "{COUNTED} counted; {NOT_COUNTED} claims the requirement or passes its rule's filter, but does not count; empty: neither. Count: what the requirement's rule counted against what it needs, or the counted items that claim it."
    );
    let reasons = matrix::reasons(m);
    if !reasons.is_empty() {
        let words: Vec<String> = reasons
            .iter()
            .map(|r| format!("{}: {}", r.as_str(), r.words()))
            .collect();
        legend.push_str(&format!(" Reasons an item does not count: {}.", words.join("; ")));
    }
    doc.block(&text(&legend));
}

fn register_table<'r>(
    doc: &mut Doc,
    rows: impl Iterator<Item = (&'r str, Option<&'r RegisterEntry>, Option<String>)>,
) {
    let mut out = Vec::new();
    let mut with_standing = false;
    for (id, entry, standing) in rows {
        with_standing |= standing.is_some();
        let mut cells = vec![cell(id)];
        match entry {
            Some(e) => cells.extend([
                cell(&e.title),
                register::period(e),
                e.method.as_str().to_owned(),
                e.environment.map_or("", |v| v.as_str()).to_owned(),
                e.judgement.as_str().to_owned(),
                cell(&e.verification()),
            ]),
            None => cells.extend(std::iter::repeat_n(String::new(), 6)),
        }
        cells.extend(standing);
        out.push(cells);
    }
    let mut header = owned(&[
        "ID",
        "Title",
        "Date or period",
        "Method",
        "Environment",
        "Judgement",
        "Verified by",
    ]);
    if with_standing {
        header.push("Counted".to_owned());
    }
    doc.table(&header, &out);
}

fn finding_list(doc: &mut Doc, list: &[Finding]) {
    let mut out = String::new();
    for g in findings::grouped(list) {
        let what = if g.items.is_empty() {
            g.messages.join(" ")
        } else {
            format!(
                "{}. {}: {}.",
                findings::meaning(g.code),
                findings::items_label(g.items.len()),
                g.items.join(", ")
            )
        };
        out.push_str(&format!(
            "- **{}** ({}): {}\n",
            g.code,
            g.severity.as_str(),
            line(&what)
        ));
    }
    doc.block(&out);
}

/// Lines to sign on.
const LINE: &str =
    "\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_";

fn sign_off(doc: &mut Doc, report: &Report) {
    doc.block("## Sign-off");
    doc.block(&format!("Assessor: {}", text(&super::assessor(report))));
    doc.block(&format!("Assessor's signature: {LINE}  \nDate: {LINE}"));
    doc.block(&format!(
        "Feedback to the candidate:\n\n{LINE}{LINE}  \n{LINE}{LINE}  \n{LINE}{LINE}"
    ));
    doc.block(&format!(
        "Candidate: {}. I have received this feedback.",
        text(&super::candidate(report))
    ));
    doc.block(&format!("Candidate's signature: {LINE}  \nDate: {LINE}"));
}

/// The mapping matrix of every unit, with the requirements' wording.
pub fn matrix(report: &Report, source: &str) -> String {
    let mut doc = Doc::default();
    doc.block(&format!("# Mapping matrix: {}", line(&report.candidate)));
    facts(&mut doc, report, source);
    for m in &matrix::build(report) {
        unit_heading(&mut doc, m.unit);
        matrix_table(&mut doc, m, true);
    }
    doc.block(&text(&super::summary(report)));
    doc.block(&text(DISCLAIMER));
    doc.0
}
