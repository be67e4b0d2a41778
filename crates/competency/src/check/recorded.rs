//! Validating what a portfolio records beside its evidence: the pathway and decision per unit
//! (`outcomes`) and the units the candidate holds (`prior_units`).

use std::collections::HashMap;

use super::compile::CompiledUnit;
use super::problems::{Problems, limit_problem, text_length};
use crate::doc_str::Text;
use crate::error::{ErrorCode, Problem};
use crate::limits::Limits;
use crate::path::Path;
use crate::pathway::{Decision, Pathway};
use crate::portfolio::Portfolio;
use crate::suggest::did_you_mean;
use crate::text::{is_blank, shown};

/// Checks `outcomes`: every key a claimed unit (a unit that did not resolve has its own
/// error), and each entry a decision its pathway can have.
pub(super) fn outcomes<S: Text>(
    portfolio: &Portfolio<S>,
    claimed: &[&CompiledUnit],
    unresolved: &[&str],
    problems: &mut Problems,
) {
    let at = |code: &str| Path::root().key("outcomes").name(code);
    for (code, recorded) in &portfolio.outcomes {
        if !claimed.iter().any(|c| c.unit.code.as_str() == code) {
            if !unresolved.contains(&code.as_str()) {
                problems.push(
                    Problem::new(
                        ErrorCode::UnclaimedUnit,
                        at(code),
                        format!(
                            "`outcomes` records a decision for {}, which the portfolio does not claim",
                            shown(code)
                        ),
                    )
                    .maybe_help(
                        did_you_mean(code, claimed.iter().map(|c| c.unit.code.as_str())).or_else(|| {
                            Some(format!(
                                "add \"{}\" to `units`, or remove this entry",
                                shown(code)
                            ))
                        }),
                    ),
                );
            }
            continue;
        }
        match (recorded.pathway, recorded.decision, recorded.decided_on) {
            (Pathway::CreditTransfer, Some(Decision::NotYetCompetent), _) => problems.push(
                Problem::new(
                    ErrorCode::InvalidValue,
                    at(code).key("decision"),
                    format!(
                        "{code} is on the credit-transfer pathway, which has no `not-yet-competent` decision"
                    ),
                )
                .help("credit is granted when a verified unit held is this unit or an equivalent one; to assess the unit instead, set `pathway` to \"assessment\" or \"rpl\""),
            ),
            (Pathway::Assessment | Pathway::Rpl, None, Some(_)) => problems.push(
                Problem::new(
                    ErrorCode::InvalidValue,
                    at(code).key("decided_on"),
                    format!("{code} gives `decided_on` but no `decision`"),
                )
                .help("record the decision (\"competent\" or \"not-yet-competent\"), or remove `decided_on` until there is one"),
            ),
            _ => {}
        }
    }
}

/// Checks `prior_units`: within the item limit, releases from 1, an issuer and any verifier
/// not blank, a verification date only with a verifier and not before the document's date,
/// and each unit listed once.
pub(super) fn prior_units<S: Text>(portfolio: &Portfolio<S>, limits: &Limits, problems: &mut Problems) {
    let list = &portfolio.prior_units;
    let root = Path::root().key("prior_units");
    if list.len() > limits.evidence_items {
        problems.push(limit_problem(
            root,
            format!("the portfolio lists {} prior units", list.len()),
            limits.evidence_items,
            "prior units",
            "--max-items",
        ));
        return;
    }
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(list.len());
    for (i, prior) in list.iter().enumerate() {
        if problems.full() {
            return;
        }
        let at = |key: &'static str| root.index(i).key(key);
        let code = prior.code.as_str();
        if let Some(&first) = seen.get(code) {
            problems.push(
                Problem::new(
                    ErrorCode::DuplicateId,
                    at("code"),
                    format!("prior unit {code} is listed twice (also /prior_units/{first})"),
                )
                .help("list each unit held once, with the document that shows it"),
            );
        } else {
            seen.insert(code, i);
        }
        if prior.release == Some(0) {
            problems.push(
                Problem::new(
                    ErrorCode::InvalidValue,
                    at("release"),
                    format!("prior unit {code} gives release 0; releases start at 1"),
                )
                .help("give the release the document shows, or leave `release` out"),
            );
        }
        if is_blank(&prior.issuer) {
            problems.push(Problem::new(
                ErrorCode::EmptyText,
                at("issuer"),
                format!("prior unit {code} has an empty `issuer`"),
            ));
        } else {
            text_length(&prior.issuer, limits, problems, || at("issuer"));
        }
        match (&prior.verified_by, prior.verified_on) {
            (Some(by), _) if is_blank(by) => problems.push(
                Problem::new(
                    ErrorCode::EmptyText,
                    at("verified_by"),
                    format!("prior unit {code} is verified by nobody: `verified_by` is empty"),
                )
                .help("name who verified the document with its issuer, or remove `verified_by`"),
            ),
            (Some(by), _) => {
                text_length(by, limits, problems, || at("verified_by"));
            }
            (None, Some(_)) => problems.push(
                Problem::new(
                    ErrorCode::InvalidValue,
                    at("verified_on"),
                    format!("prior unit {code} gives `verified_on` but no `verified_by`"),
                )
                .help("name who verified the document with its issuer in `verified_by`"),
            ),
            (None, None) => {}
        }
        if let Some(on) = prior.verified_on.filter(|on| *on < prior.issued_on) {
            problems.push(
                Problem::new(
                    ErrorCode::InvalidDateRange,
                    at("verified_on"),
                    format!(
                        "prior unit {code} was verified on {on}, before its document was issued on {}",
                        prior.issued_on
                    ),
                )
                .help("correct the date that is wrong"),
            );
        }
    }
}
