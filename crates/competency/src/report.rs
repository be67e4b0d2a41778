//! The result of checking a portfolio: per unit, every requirement met or not with the
//! evidence that counted and what is missing; and findings under the rules of evidence.

use std::fmt;

use serde::Serialize;

use crate::portfolio::Date;

/// The report format version.
pub const REPORT_FORMAT: u32 = 1;

/// The result of a check. Serialises to the stable JSON report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Report format version.
    pub format: u32,
    /// The candidate's identifier.
    pub candidate: String,
    /// The judgement date the check used.
    pub judgement_date: Date,
    /// True when the portfolio gave no judgement date (and no `as_of` was given), so that the
    /// check used the day it ran: the report is then not reproducible on another day.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub judgement_date_defaulted: bool,
    /// The earliest date evidence may have and still be current, when the policy sets a window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_since: Option<Date>,
    /// True when every unit checked is complete.
    pub complete: bool,
    /// One entry per unit checked, in the portfolio's order.
    pub units: Vec<UnitReport>,
    /// Findings about items that concern no single unit (an item that maps to nothing).
    pub findings: Vec<Finding>,
}

/// The result for one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitReport {
    /// Unit code.
    pub code: String,
    /// Release checked against.
    pub release: u32,
    /// Unit title.
    pub title: String,
    /// True only when every requirement is met.
    pub complete: bool,
    /// How many requirements are met.
    pub met: usize,
    /// How many requirements there are.
    pub total: usize,
    /// The earliest date evidence may have and still be current for this unit: the policy's
    /// window, shortened by the unit's own where it sets one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_since: Option<Date>,
    /// The items mapped to this unit, in portfolio order, and whether each counted.
    pub evidence: Vec<ItemStatus>,
    /// Every requirement in unit order: criteria, evidence requirements, knowledge, skills,
    /// then the assessment conditions that evidence can show.
    pub requirements: Vec<RequirementResult>,
    /// Findings under the rules of evidence for items mapped to this unit.
    pub findings: Vec<Finding>,
}

/// Whether an item mapped to a unit counted towards it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemStatus {
    /// Item ID.
    pub id: String,
    /// True when the item counts (satisfactory, current, not after the judgement date).
    pub counted: bool,
}

/// One requirement's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequirementResult {
    /// A criterion's own number (`3.5`), or the requirement's ID in the unit file.
    pub id: String,
    /// What kind of requirement it is.
    pub kind: RequirementKind,
    /// The source wording.
    pub text: String,
    /// Whether the evidence meets it.
    pub met: bool,
    /// The items that counted towards it, in portfolio order.
    pub evidence: Vec<String>,
    /// For an unmet requirement, what is missing, in plain words with the numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
}

/// The kinds of requirement a report lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequirementKind {
    /// A performance criterion.
    Criterion,
    /// Performance evidence.
    Performance,
    /// A critical aspect of evidence.
    CriticalAspect,
    /// A range of contexts, occasions or time.
    Contexts,
    /// Required assessment methods.
    Method,
    /// A knowledge item.
    Knowledge,
    /// A skill item.
    Skill,
    /// An assessment condition shown by evidence.
    Condition,
}

impl RequirementKind {
    /// The kebab-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            RequirementKind::Criterion => "criterion",
            RequirementKind::Performance => "performance",
            RequirementKind::CriticalAspect => "critical-aspect",
            RequirementKind::Contexts => "contexts",
            RequirementKind::Method => "method",
            RequirementKind::Knowledge => "knowledge",
            RequirementKind::Skill => "skill",
            RequirementKind::Condition => "condition",
        }
    }
}

/// A finding under the rules of evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code, documented in `docs/findings.md`.
    pub code: FindingCode,
    /// How much it matters.
    pub severity: Severity,
    /// The evidence item concerned; none for a finding about the whole portfolio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// What was found, in plain words.
    pub message: String,
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// For information; nothing to fix.
    Info,
    /// The item does not count, or its authenticity is not established.
    Warning,
}

/// The stable code of a finding. `docs/findings.md` has one heading per code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingCode {
    /// Older than the currency window (rule of evidence: current).
    Stale,
    /// Dated after the judgement date.
    AfterJudgementDate,
    /// Gathered by a method the policy says needs verification, and not verified (authentic).
    Unverified,
    /// Not yet judged.
    PendingJudgement,
    /// Judged not satisfactory.
    NotSatisfactory,
    /// Maps to no requirement of any unit checked (valid).
    MapsToNothing,
    /// Counted for more than one unit (clustered assessment).
    Clustered,
    /// Names in `covers` a requirement that its rule decides; naming it has no effect.
    DecidedByRule,
    /// No judgement date was given, so the check used the day it ran.
    JudgementDateDefaulted,
}

impl FindingCode {
    /// Every code, in documentation order.
    pub const ALL: &'static [FindingCode] = &[
        FindingCode::Stale,
        FindingCode::AfterJudgementDate,
        FindingCode::Unverified,
        FindingCode::PendingJudgement,
        FindingCode::NotSatisfactory,
        FindingCode::MapsToNothing,
        FindingCode::Clustered,
        FindingCode::DecidedByRule,
        FindingCode::JudgementDateDefaulted,
    ];

    /// The kebab-case code.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingCode::Stale => "stale",
            FindingCode::AfterJudgementDate => "after-judgement-date",
            FindingCode::Unverified => "unverified",
            FindingCode::PendingJudgement => "pending-judgement",
            FindingCode::NotSatisfactory => "not-satisfactory",
            FindingCode::MapsToNothing => "maps-to-nothing",
            FindingCode::Clustered => "clustered",
            FindingCode::DecidedByRule => "decided-by-rule",
            FindingCode::JudgementDateDefaulted => "judgement-date-defaulted",
        }
    }
}

impl fmt::Display for FindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Report {
    /// The report as pretty-printed JSON, ending in a newline; the same input always gives
    /// the same bytes.
    pub fn to_json(&self) -> String {
        // Every key is a string and every value serialisable, so this cannot fail.
        let mut out = serde_json::to_string_pretty(self).unwrap_or_default();
        out.push('\n');
        out
    }
}
