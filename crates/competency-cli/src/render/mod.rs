//! Rendering a checked portfolio. Every renderer reads only the [`Report`]'s facts; the words
//! for its codes are written here, once, and each format escapes what comes from a document.
//!
//! - `check --format text`: the assessor's quick view ([`text`]);
//! - `check --format markdown|html`: the printable record for one candidate ([`markdown`],
//!   [`html`]): header, per unit the verdict, the requirements, the matrix, the register and
//!   the findings, and a sign-off block;
//! - `matrix --format text|markdown|csv|html`: the mapping matrix alone ([`matrix`] is the
//!   model all four share; [`csv`] writes it for a spreadsheet).

pub mod csv;
pub mod findings;
pub mod html;
pub mod markdown;
pub mod matrix;
pub mod register;
pub mod text;

use competency::{
    CurrencyWindow, Outcome, PriorDocument, PriorUnitEntry, Report, RequirementKind, WindowSource,
};

/// What every report says of itself, in every format.
pub const DISCLAIMER: &str = "This checks the sufficiency and currency of the evidence; the competency judgement remains the assessor's.";

/// A unit's verdict, in the words every format uses.
pub fn verdict(complete: bool) -> &'static str {
    if complete {
        "EVIDENCE COMPLETE"
    } else {
        "EVIDENCE NOT YET COMPLETE"
    }
}

/// The closing sentence over all units checked.
pub fn summary(report: &Report) -> String {
    let incomplete = report.units.iter().filter(|u| !u.complete).count();
    if incomplete == 0 {
        "The evidence is complete for every unit checked.".to_owned()
    } else {
        format!(
            "The evidence is not yet complete for {incomplete} of {} unit{}.",
            report.units.len(),
            if report.units.len() == 1 { "" } else { "s" }
        )
    }
}

/// The candidate as the record names them: the ID, and the name when the report has it
/// (only with `--show-names`).
pub fn candidate(report: &Report) -> String {
    person(&report.candidate, report.candidate_name.as_deref())
}

/// The assessor, as [`candidate`]; `not recorded` when the portfolio names none.
pub fn assessor(report: &Report) -> String {
    match &report.assessor {
        Some(id) => person(id, report.assessor_name.as_deref()),
        None => "not recorded in the portfolio".to_owned(),
    }
}

fn person(id: &str, name: Option<&str>) -> String {
    match name {
        Some(name) => format!("{id} ({name})"),
        None => id.to_owned(),
    }
}

/// The judgement date, with a note when the check used the day it ran.
pub fn judgement_date(report: &Report) -> String {
    if report.judgement_date_defaulted {
        format!(
            "{} (today: the portfolio gives no judgement date)",
            report.judgement_date
        )
    } else {
        report.judgement_date.to_string()
    }
}

/// The currency window in words.
pub fn currency(since: Option<competency::Date>) -> String {
    match since {
        Some(since) => format!("evidence dated on or after {since}"),
        None => "no currency window set".to_owned(),
    }
}

/// A unit's outcome on one line: the reason code, then the report's sentence, which starts
/// with the identifier and its label (`[no-decision] 70 Continuing activity: ...`).
pub fn outcome_line(outcome: &Outcome) -> String {
    format!("[{}] {}", outcome.reason.as_str(), outcome.text)
}

/// A unit's outcome for a table cell: `70 (no-decision)`.
pub fn outcome_short(outcome: &Outcome) -> String {
    format!("{} ({})", outcome.code.as_str(), outcome.reason.as_str())
}

/// The currency window of a unit on the RPL pathway, with where it came from.
pub fn rpl_window(window: CurrencyWindow, since: Option<competency::Date>) -> String {
    let source = match window.source {
        WindowSource::Policy => "set by the policy",
        WindowSource::Unit => "set by the unit",
        WindowSource::RplDefault => "the RPL default: neither the policy nor the unit sets one",
        other => other.as_str(),
    };
    let from = since
        .map(|d| format!(", evidence dated on or after {d}"))
        .unwrap_or_default();
    format!("RPL currency window: {} months ({source}){from}", window.months)
}

/// The kind of a prior unit's document, in words.
pub fn document(document: PriorDocument) -> &'static str {
    match document {
        PriorDocument::StatementOfAttainment => "statement of attainment",
        PriorDocument::RecordOfResults => "record of results",
        PriorDocument::VetTranscript => "VET transcript",
        other => other.as_str(),
    }
}

/// Who verified a prior unit's document: their name (only with `--show-names`), `yes`, or
/// empty when nobody has.
pub fn prior_verification(entry: &PriorUnitEntry) -> String {
    match (&entry.verified_by, entry.verified) {
        (Some(name), _) => name.clone(),
        (None, true) => "yes".to_owned(),
        (None, false) => String::new(),
    }
}

/// The columns of the table of units held, and one row's cells as text (to be escaped).
pub const PRIOR_COLUMNS: [&str; 7] = [
    "Code",
    "Release",
    "Issued on",
    "Issuer",
    "Document",
    "Verified by",
    "Verified on",
];

/// A unit held as the cells of [`PRIOR_COLUMNS`].
pub fn prior_cells(entry: &PriorUnitEntry) -> [String; 7] {
    [
        entry.code.clone(),
        entry.release.map(|r| r.to_string()).unwrap_or_default(),
        entry.issued_on.to_string(),
        entry.issuer.clone(),
        document(entry.document).to_owned(),
        prior_verification(entry),
        entry.verified_on.map(|d| d.to_string()).unwrap_or_default(),
    ]
}

/// The heading of a section of requirements other than criteria.
pub fn section(kind: RequirementKind) -> &'static str {
    match kind {
        RequirementKind::Criterion => "Performance criteria",
        RequirementKind::Performance => "Performance evidence",
        RequirementKind::CriticalAspect => "Critical aspects of evidence",
        RequirementKind::Contexts => "Contexts and consistency",
        RequirementKind::Method => "Assessment methods",
        RequirementKind::Knowledge => "Knowledge evidence",
        RequirementKind::Skill => "Required skills",
        RequirementKind::Condition => "Assessment conditions",
        other => other.as_str(),
    }
}

/// `1 item`, `3 items`.
pub fn items(n: usize) -> String {
    format!("{n} item{}", if n == 1 { "" } else { "s" })
}

/// A unit's plan as lines of plain text, shared by every format: the new items (numbered),
/// the actions on items that do not count, and the requirements the plan leaves out.
/// Each line is text from the report, to be escaped by the renderer.
pub fn plan_lines(plan: &competency::Plan) -> (Vec<String>, Vec<String>, Vec<String>) {
    let items = plan
        .items
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{}. Add {}.", i + 1, s.text))
        .collect();
    let actions = plan
        .actions
        .iter()
        .map(|a| format!("{}.", capitalised(&a.text)))
        .collect();
    let blocked = plan
        .blocked
        .iter()
        .map(|b| format!("{} is left out of the plan: {}.", b.requirement, b.text))
        .collect();
    (items, actions, blocked)
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The report of a TOML test portfolio checked against the bundled units.
#[cfg(test)]
pub fn checked(toml: &str) -> Report<'static> {
    let source = competency::Source::new("t.toml", toml, competency::Format::Toml);
    competency::Checker::bundled()
        .check_source(&source, &competency::CheckOptions::default())
        .expect("the test portfolio is valid")
}
