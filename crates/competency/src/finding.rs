//! [`Finding`]: a finding under the rules of evidence, with its stable code and severity.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A finding under the rules of evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Finding {
    /// Stable code, documented in `docs/findings.md`.
    pub code: FindingCode,
    /// How much it matters.
    pub severity: Severity,
    /// The evidence item concerned; none for a finding about the whole portfolio or about a
    /// unit's recorded decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// What was found, in plain words.
    pub message: String,
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// For information; nothing to fix.
    Info,
    /// The item does not count, or its authenticity is not established.
    Warning,
    /// The assessor's recorded decision contradicts the evidence.
    Error,
}

impl Severity {
    /// The kebab-case name used in reports: `info`, `warning`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// The stable code of a finding. `docs/findings.md` has one heading per code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
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
    /// The recorded decision is not supported by the evidence or the units held.
    DecisionContradictsEvidence,
    /// The recorded decision is dated after the judgement date.
    DecisionAfterJudgementDate,
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
        FindingCode::DecisionContradictsEvidence,
        FindingCode::DecisionAfterJudgementDate,
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
            FindingCode::DecisionContradictsEvidence => "decision-contradicts-evidence",
            FindingCode::DecisionAfterJudgementDate => "decision-after-judgement-date",
        }
    }
}

impl fmt::Display for FindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
