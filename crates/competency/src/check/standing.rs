//! Whether an item counts for a unit, and the findings under the rules of evidence that say
//! why not.

use crate::doc_str::Text;
use crate::portfolio::{Date, EvidenceItem, Judgement, Policy, Unverified};
use crate::report::{Finding, FindingCode, Reason, Severity};

/// Why an item does or does not count for one unit.
#[derive(Debug, Clone, Copy)]
pub(super) struct Standing {
    judgement: Judgement,
    after: bool,
    stale: bool,
    /// Gathered by a method the policy says needs verification, and not verified.
    unverified: bool,
    /// The policy excludes unverified items from counting.
    exclude_unverified: bool,
}

/// What standing is judged against: the judgement date, the unit's currency window and the
/// policy.
#[derive(Debug, Clone, Copy)]
pub(super) struct Judged<'p> {
    pub(super) date: Date,
    pub(super) current_since: Option<Date>,
    pub(super) policy: &'p Policy,
}

impl Standing {
    pub(super) fn of<S: Text>(item: &EvidenceItem<S>, judged: &Judged<'_>) -> Self {
        Standing {
            judgement: item.judgement,
            after: item.last_date() > judged.date,
            stale: judged.current_since.is_some_and(|since| item.last_date() < since),
            unverified: judged.policy.verify.contains(&item.method) && item.verification.is_none(),
            exclude_unverified: judged.policy.unverified == Unverified::Exclude,
        }
    }

    pub(super) fn counts(self) -> bool {
        self.reason().is_none()
    }

    fn excluded_unverified(self) -> bool {
        self.unverified && self.exclude_unverified
    }

    /// Why the item does not count (the first reason that applies), or `None` when it counts.
    pub(super) fn reason(self) -> Option<Reason> {
        if self.after {
            Some(Reason::AfterJudgementDate)
        } else if self.stale {
            Some(Reason::Stale)
        } else {
            match self.judgement {
                Judgement::Pending => Some(Reason::PendingJudgement),
                Judgement::NotSatisfactory => Some(Reason::NotSatisfactory),
                Judgement::Satisfactory if self.excluded_unverified() => Some(Reason::Unverified),
                Judgement::Satisfactory => None,
            }
        }
    }

    pub(super) fn findings<S: Text>(
        self,
        item: &EvidenceItem<S>,
        judged: &Judged<'_>,
        out: &mut Vec<Finding>,
    ) {
        let mut push = |code, message: String| {
            out.push(Finding {
                code,
                severity: Severity::Warning,
                item: Some(String::from(&*item.id)),
                message,
            })
        };
        if self.after {
            push(
                FindingCode::AfterJudgementDate,
                format!(
                    "{} is dated {}, after the judgement date {}; it does not count",
                    item.id,
                    item.last_date(),
                    judged.date
                ),
            );
        }
        if let (true, Some(since)) = (self.stale, judged.current_since) {
            push(
                FindingCode::Stale,
                format!(
                    "{} is dated {}, before {since}, outside the currency window; it does not count",
                    item.id,
                    item.last_date()
                ),
            );
        }
        if self.unverified {
            let effect = if self.exclude_unverified {
                "; the policy excludes unverified evidence, so it does not count"
            } else {
                ""
            };
            push(
                FindingCode::Unverified,
                format!(
                    "{} was gathered by {} and the policy requires verification, but none is recorded{effect}",
                    item.id, item.method
                ),
            );
        }
        match self.judgement {
            Judgement::Pending => push(
                FindingCode::PendingJudgement,
                format!(
                    "{} has not been judged yet; it does not count until it is judged satisfactory",
                    item.id
                ),
            ),
            Judgement::NotSatisfactory => push(
                FindingCode::NotSatisfactory,
                format!("{} was judged not satisfactory; it does not count", item.id),
            ),
            Judgement::Satisfactory => {}
        }
    }
}
