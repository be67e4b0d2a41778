//! The national outcome a unit report suggests: the AVETMISS "Outcome identifier – national"
//! (NAT00120) that the assessor's recorded decision supports, with the facts behind it; and
//! what the report says of the units the candidate already holds.

use serde::{Deserialize, Serialize};

use crate::pathway::{Decision, Pathway, PriorDocument};
use crate::portfolio::Date;

/// The currency window applied to a unit on the RPL pathway when neither the policy nor the
/// unit sets one: 60 months (5 years), the longest window RTOs commonly set, so that no
/// evidence an RTO's own policy would accept is refused, while evidence older than any common
/// window is found stale.
pub const RPL_DEFAULT_CURRENCY_MONTHS: u32 = 60;

/// The outcome identifier the recorded decision supports, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Outcome {
    /// The AVETMISS NAT00120 value: `"20"`, `"30"`, `"51"`, `"52"`, `"60"` or `"70"`.
    pub code: OutcomeCode,
    /// Why this code, as a stable kebab-case code.
    pub reason: OutcomeReason,
    /// The pathway the portfolio records (assessment when it records none).
    pub pathway: Pathway,
    /// The assessor's decision, as recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// When the decision was recorded as made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<Date>,
    /// For a decision of competent that the evidence does not support: the requirements not
    /// met, in unit order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmet: Vec<String>,
    /// The units held (`prior_units`) that are this unit, are equivalent to it, or are linked
    /// to it by supersession, with whether each gives credit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prior_units: Vec<PriorCredit>,
    /// The outcome in plain words.
    pub text: String,
}

/// A value of the AVETMISS "Outcome identifier – national" that the check can suggest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum OutcomeCode {
    /// 20: competency achieved/pass.
    #[serde(rename = "20")]
    CompetencyAchieved,
    /// 30: competency not achieved/fail.
    #[serde(rename = "30")]
    CompetencyNotAchieved,
    /// 51: recognition of prior learning granted.
    #[serde(rename = "51")]
    RplGranted,
    /// 52: recognition of prior learning not granted.
    #[serde(rename = "52")]
    RplNotGranted,
    /// 60: credit transfer/national recognition.
    #[serde(rename = "60")]
    CreditTransfer,
    /// 70: continuing activity: no final outcome yet.
    #[serde(rename = "70")]
    ContinuingActivity,
}

impl OutcomeCode {
    /// Every code the check suggests, in numeric order.
    pub const ALL: &'static [OutcomeCode] = &[
        OutcomeCode::CompetencyAchieved,
        OutcomeCode::CompetencyNotAchieved,
        OutcomeCode::RplGranted,
        OutcomeCode::RplNotGranted,
        OutcomeCode::CreditTransfer,
        OutcomeCode::ContinuingActivity,
    ];

    /// The identifier as AVETMISS writes it: `"20"`.
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeCode::CompetencyAchieved => "20",
            OutcomeCode::CompetencyNotAchieved => "30",
            OutcomeCode::RplGranted => "51",
            OutcomeCode::RplNotGranted => "52",
            OutcomeCode::CreditTransfer => "60",
            OutcomeCode::ContinuingActivity => "70",
        }
    }

    /// The value's label, quoted from the AVETMISS VET Provider Collection Specifications,
    /// release 8.0 (docs/outcomes.md).
    pub fn label(self) -> &'static str {
        match self {
            OutcomeCode::CompetencyAchieved => "Competency achieved/pass",
            OutcomeCode::CompetencyNotAchieved => "Competency not achieved/fail",
            OutcomeCode::RplGranted => "Recognition of prior learning granted",
            OutcomeCode::RplNotGranted => "Recognition of prior learning not granted",
            OutcomeCode::CreditTransfer => "Credit transfer/national recognition",
            OutcomeCode::ContinuingActivity => "Continuing activity",
        }
    }
}

/// Why a unit has the outcome it has, as a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum OutcomeReason {
    /// 20: the evidence is complete and the assessor recorded competent.
    Competent,
    /// 30: the assessor recorded not yet competent.
    NotYetCompetent,
    /// 51: on the RPL pathway, the evidence is complete and the assessor recorded competent.
    RplGranted,
    /// 52: on the RPL pathway, the assessor recorded not yet competent.
    RplNotGranted,
    /// 60: a verified unit held is this unit or equivalent to it.
    CreditTransfer,
    /// 70: the portfolio records no final decision.
    NoDecision,
    /// 70: the decision is dated after the judgement date, so it had not been made then.
    DecidedAfterJudgementDate,
    /// 70: the recorded decision is not supported: competent (or RPL granted) with evidence
    /// not complete, or credit transfer without a verified equivalent unit held.
    DecisionContradictsEvidence,
}

impl OutcomeReason {
    /// The kebab-case code.
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeReason::Competent => "competent",
            OutcomeReason::NotYetCompetent => "not-yet-competent",
            OutcomeReason::RplGranted => "rpl-granted",
            OutcomeReason::RplNotGranted => "rpl-not-granted",
            OutcomeReason::CreditTransfer => "credit-transfer",
            OutcomeReason::NoDecision => "no-decision",
            OutcomeReason::DecidedAfterJudgementDate => "decided-after-judgement-date",
            OutcomeReason::DecisionContradictsEvidence => "decision-contradicts-evidence",
        }
    }
}

/// A unit held, as it bears on one claimed unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct PriorCredit {
    /// The code of the unit held.
    pub code: String,
    /// Its release, when the portfolio gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release: Option<u32>,
    /// How it relates to the claimed unit.
    pub relation: PriorRelation,
    /// The catalog's relations from the claimed unit to the unit held, in order; empty for
    /// the same unit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// True when it gives credit for the claimed unit.
    pub credit: bool,
    /// Why it gives no credit, when it gives none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_credit: Option<NoCredit>,
}

/// How a unit held relates to a claimed unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PriorRelation {
    /// The same code (any release: a unit keeps its code only while its outcomes are
    /// unchanged).
    SameUnit,
    /// Equivalent, through one or more relations the catalog records as equivalence.
    Equivalent,
    /// Linked by supersession, at least one link of which is not an equivalence.
    SupersededNotEquivalent,
}

impl PriorRelation {
    /// The kebab-case code.
    pub fn as_str(self) -> &'static str {
        match self {
            PriorRelation::SameUnit => "same-unit",
            PriorRelation::Equivalent => "equivalent",
            PriorRelation::SupersededNotEquivalent => "superseded-not-equivalent",
        }
    }
}

/// One relation the catalog records between two units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Link {
    /// The unit the relation is read from.
    pub from: String,
    /// The unit it leads to.
    pub to: String,
    /// What the relation is.
    pub kind: LinkKind,
}

/// A relation between two units, as credit transfer reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum LinkKind {
    /// Equivalent ("is equivalent to", or "replaces and is equivalent to"), either way.
    Equivalent,
    /// `from` replaces `to`, without equivalence.
    Replaces,
    /// `from` is replaced by `to`, without equivalence.
    ReplacedBy,
}

impl LinkKind {
    /// The kebab-case code.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Equivalent => "equivalent",
            LinkKind::Replaces => "replaces",
            LinkKind::ReplacedBy => "replaced-by",
        }
    }
}

/// Why a unit held gives no credit for a claimed unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum NoCredit {
    /// It is linked to the claimed unit only through a supersession without equivalence.
    NotEquivalent,
    /// Its document is dated after the judgement date.
    IssuedAfterJudgementDate,
    /// Nobody is recorded as having verified its document with the issuer.
    Unverified,
    /// Its document was verified after the judgement date.
    VerifiedAfterJudgementDate,
}

impl NoCredit {
    /// The kebab-case code.
    pub fn as_str(self) -> &'static str {
        match self {
            NoCredit::NotEquivalent => "not-equivalent",
            NoCredit::IssuedAfterJudgementDate => "issued-after-judgement-date",
            NoCredit::Unverified => "unverified",
            NoCredit::VerifiedAfterJudgementDate => "verified-after-judgement-date",
        }
    }
}

/// The currency window a unit on the RPL pathway was checked with, and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct CurrencyWindow {
    /// The window in months before the judgement date.
    pub months: u32,
    /// Who set it.
    pub source: WindowSource,
}

/// Where a currency window came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum WindowSource {
    /// The portfolio's policy.
    Policy,
    /// The unit file (`currency_months`), shorter than the policy's or alone.
    Unit,
    /// Neither: the RPL default, [`RPL_DEFAULT_CURRENCY_MONTHS`].
    RplDefault,
}

impl WindowSource {
    /// The kebab-case code.
    pub fn as_str(self) -> &'static str {
        match self {
            WindowSource::Policy => "policy",
            WindowSource::Unit => "unit",
            WindowSource::RplDefault => "rpl-default",
        }
    }
}

/// A unit the candidate holds, as the portfolio records it, for the report's register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct PriorUnitEntry {
    /// The unit's code.
    pub code: String,
    /// Its release, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release: Option<u32>,
    /// When its document was issued.
    pub issued_on: Date,
    /// The issuing RTO.
    pub issuer: String,
    /// The kind of document.
    pub document: PriorDocument,
    /// True when a verification is recorded.
    pub verified: bool,
    /// Who verified it: a person's name, so only when the check was asked for names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified_by: Option<String>,
    /// When it was verified, when recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified_on: Option<Date>,
}
