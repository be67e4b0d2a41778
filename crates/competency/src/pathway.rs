//! What a portfolio records about how each unit is achieved: the pathway (assessment,
//! recognition of prior learning, credit transfer), the assessor's final decision, and the
//! units the candidate already holds.

use serde::{Deserialize, Serialize};

use crate::ids::UnitCode;
use crate::portfolio::Date;

/// The pathway and the assessor's decision for one claimed unit (`[outcomes.CODE]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct UnitOutcome {
    /// How the unit is being achieved. Default: assessment.
    #[serde(default, skip_serializing_if = "Pathway::is_default")]
    pub pathway: Pathway,
    /// The assessor's final decision; absent while there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// When the decision was made, or credit granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<Date>,
}

/// How a unit is being achieved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Pathway {
    /// Training and assessment: evidence gathered now.
    #[default]
    Assessment,
    /// Recognition of prior learning: evidence of skills already held, assessed against the
    /// unit.
    Rpl,
    /// Credit transfer: the candidate holds the unit, or an equivalent one, from an RTO.
    CreditTransfer,
}

impl Pathway {
    /// The kebab-case name used in files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Pathway::Assessment => "assessment",
            Pathway::Rpl => "rpl",
            Pathway::CreditTransfer => "credit-transfer",
        }
    }

    fn is_default(&self) -> bool {
        *self == Pathway::Assessment
    }
}

/// The assessor's final decision on a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// Competent (on the RPL pathway: RPL granted).
    Competent,
    /// Not yet competent (on the RPL pathway: RPL not granted).
    NotYetCompetent,
}

impl Decision {
    /// The kebab-case name used in files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Competent => "competent",
            Decision::NotYetCompetent => "not-yet-competent",
        }
    }
}

/// A unit the candidate already holds (`[[prior_units]]`), for credit transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PriorUnit {
    /// The unit's code as the document gives it.
    pub code: UnitCode,
    /// Its release, when the document gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(range(min = 1)))]
    pub release: Option<u32>,
    /// When the document was issued.
    pub issued_on: Date,
    /// The issuing RTO ("RTO 12345 Example College").
    pub issuer: String,
    /// The kind of document.
    pub document: PriorDocument,
    /// Who verified the document with its issuer: a person's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_by: Option<String>,
    /// When they verified it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_on: Option<Date>,
}

/// The document that shows a unit is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PriorDocument {
    /// A statement of attainment.
    StatementOfAttainment,
    /// The record of results that goes with a qualification's testamur.
    RecordOfResults,
    /// An authenticated VET transcript from the Student Identifier Registrar.
    VetTranscript,
}

impl PriorDocument {
    /// The kebab-case name used in files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            PriorDocument::StatementOfAttainment => "statement-of-attainment",
            PriorDocument::RecordOfResults => "record-of-results",
            PriorDocument::VetTranscript => "vet-transcript",
        }
    }
}
