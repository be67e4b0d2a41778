//! The national outcome a unit's recorded decision supports. The check never decides
//! competence: it reads the decision the portfolio records and says which outcome identifier
//! that decision supports, or, when the evidence or the units held do not support it, that it
//! does not, and why.

use super::explain;
use crate::outcome::{Outcome, OutcomeCode, OutcomeReason, PriorCredit};
use crate::pathway::{Decision, Pathway, UnitOutcome};
use crate::portfolio::Date;
use crate::report::{Finding, FindingCode, RequirementResult, Severity};

/// What the outcome is decided from, for one unit.
pub(super) struct Facts<'a> {
    /// The unit's code.
    pub(super) unit: &'a str,
    /// The pathway and decision recorded, if any.
    pub(super) recorded: Option<&'a UnitOutcome>,
    /// The unit's requirements, evaluated.
    pub(super) requirements: &'a [RequirementResult<'a>],
    /// The units held that bear on it.
    pub(super) prior_units: Vec<PriorCredit>,
    /// The judgement date.
    pub(super) date: Date,
}

/// The outcome, and the finding that goes with a decision the check cannot take into account.
pub(super) fn decide(facts: Facts<'_>) -> (Outcome, Option<Finding>) {
    let recorded = facts.recorded.cloned().unwrap_or_default();
    let complete = facts.requirements.iter().all(|r| r.met);
    let late = recorded.decided_on.filter(|on| *on > facts.date);
    use OutcomeCode as C;
    use OutcomeReason as R;
    let (code, reason) = match (recorded.pathway, recorded.decision) {
        _ if late.is_some() => (C::ContinuingActivity, R::DecidedAfterJudgementDate),
        (Pathway::CreditTransfer, _) if facts.prior_units.iter().any(|p| p.credit) => {
            (C::CreditTransfer, R::CreditTransfer)
        }
        (Pathway::CreditTransfer, _) => (C::ContinuingActivity, R::DecisionContradictsEvidence),
        (_, None) => (C::ContinuingActivity, R::NoDecision),
        (Pathway::Assessment, Some(Decision::NotYetCompetent)) => {
            (C::CompetencyNotAchieved, R::NotYetCompetent)
        }
        (Pathway::Rpl, Some(Decision::NotYetCompetent)) => (C::RplNotGranted, R::RplNotGranted),
        (_, Some(Decision::Competent)) if !complete => {
            (C::ContinuingActivity, R::DecisionContradictsEvidence)
        }
        (Pathway::Assessment, Some(Decision::Competent)) => (C::CompetencyAchieved, R::Competent),
        (Pathway::Rpl, Some(Decision::Competent)) => (C::RplGranted, R::RplGranted),
    };
    let mut outcome = Outcome {
        code,
        reason,
        pathway: recorded.pathway,
        decision: recorded.decision,
        decided_on: recorded.decided_on,
        // The unmet requirements are the facts behind a contradicted decision of competent.
        unmet: if reason == R::DecisionContradictsEvidence && recorded.pathway != Pathway::CreditTransfer {
            facts
                .requirements
                .iter()
                .filter(|r| !r.met)
                .map(|r| r.id.to_string())
                .collect()
        } else {
            Vec::new()
        },
        prior_units: facts.prior_units,
        text: String::new(),
    };
    outcome.text = explain::outcome(facts.unit, &outcome, facts.date);
    let finding = match reason {
        R::DecisionContradictsEvidence => Some(Finding {
            code: FindingCode::DecisionContradictsEvidence,
            severity: Severity::Error,
            item: None,
            message: explain::contradiction(facts.unit, &outcome),
        }),
        R::DecidedAfterJudgementDate => Some(Finding {
            code: FindingCode::DecisionAfterJudgementDate,
            severity: Severity::Warning,
            item: None,
            message: explain::late_decision(facts.unit, &outcome, facts.date),
        }),
        _ => None,
    };
    (outcome, finding)
}
