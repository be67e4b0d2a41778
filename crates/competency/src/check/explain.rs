//! Facts to words: the only place that writes a `missing` sentence. Every sentence is built
//! from the structured facts the report carries (`tally`, `not_counted`), so a platform can
//! write its own from the same fields.

use crate::outcome::{Link, LinkKind, NoCredit, Outcome, OutcomeReason, PriorCredit, PriorRelation};
use crate::pathway::Pathway;
use crate::portfolio::Date;
use crate::report::{NewValues, NotCounted, Reason, Suggestion, Tally};
use crate::rule::{RuleType, items, or_list};
use std::borrow::Cow;
use std::fmt::Write as _;

/// A requirement an item must claim, unmet.
pub(super) fn claimed(not_counted: &[NotCounted]) -> Cow<'static, str> {
    if not_counted.is_empty() {
        Cow::Borrowed("no evidence item claims it")
    } else {
        Cow::Owned(format!(
            "claimed only by items that do not count: {}",
            reasons(not_counted)
        ))
    }
}

/// A parent knowledge or skill item, unmet: the sub-items not met.
pub(super) fn parent<'a>(unmet: impl Iterator<Item = &'a str>) -> String {
    format!("not yet met: {}", unmet.collect::<Vec<_>>().join(", "))
}

/// "E3 (judgement pending), E7 (not satisfactory)".
fn reasons(not_counted: &[NotCounted]) -> String {
    not_counted
        .iter()
        .map(|n| format!("{} ({})", n.item, n.reason.words()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A rule that does not hold, in plain words with the numbers; a rule with a filter ends by
/// naming the items it selects that do not count.
pub(super) fn rule(t: &Tally) -> String {
    let mut out = rule_inner(t);
    if !t.not_counted.is_empty() && !matches!(t.rule, RuleType::Covers | RuleType::All | RuleType::Any) {
        let _ = write!(out, " (not counted: {})", reasons(&t.not_counted));
    }
    out
}

fn rule_inner(t: &Tally) -> String {
    let words = t.filter.describe();
    let (have, need) = (t.have, t.need);
    let more = need.saturating_sub(have);
    match t.rule {
        RuleType::Count if have == 0 => format!("no items{words} yet; {need} needed"),
        RuleType::Count => format!(
            "{have} of {need} items{words}: {}; {more} more needed",
            t.values.join(", ")
        ),
        RuleType::Distinct if have == 0 => {
            format!("0 of {need} distinct {} among items{words}; none yet", t.counts)
        }
        RuleType::Distinct => format!(
            "{have} of {need} distinct {} among items{words}: {}; {more} more needed",
            t.counts,
            t.values.join(", ")
        ),
        RuleType::Options => format!(
            "{have} of {need} options of {} shown{}; {more} more needed from: {}",
            t.list.as_deref().unwrap_or_default(),
            if have == 0 {
                String::new()
            } else {
                format!(": {}", t.values.join(", "))
            },
            t.remaining.join(", ")
        ),
        RuleType::PerItem => {
            let plural = t.field.map_or("values", |f| f.plural());
            let mut out = format!(
                "{have} of {need} {}{words} involving at least {} distinct {plural}{}",
                items(need),
                t.per_item.unwrap_or_default(),
                if need == 1 { "" } else { " each" }
            );
            match &t.closest {
                Some(c) => {
                    _ = write!(
                        out,
                        "; closest: {} with {} ({})",
                        c.item,
                        c.values.len(),
                        if c.values.is_empty() {
                            "none".to_owned()
                        } else {
                            c.values.join(", ")
                        }
                    )
                }
                None if have == 0 => _ = write!(out, "; no items{words} yet"),
                None => {}
            }
            out
        }
        RuleType::Spread => {
            let mut parts = Vec::new();
            if have < need {
                parts.push(format!(
                    "items{words} on {have} of {need} distinct dates{}; {more} more needed",
                    if t.values.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", t.values.join(", "))
                    }
                ));
            }
            if let Some(span) = t.span_days.filter(|s| s.have < i64::from(s.need)) {
                parts.push(format!("items{words} span {} of {} days", span.have, span.need));
            }
            parts.join("; ")
        }
        RuleType::Covers => format!("not yet met: {}", t.remaining.join(", ")),
        RuleType::All => t
            .parts
            .iter()
            .filter(|p| !p.met)
            .map(rule)
            .collect::<Vec<_>>()
            .join("; and "),
        RuleType::Any => format!(
            "one of these is needed: {}",
            t.parts
                .iter()
                .map(|p| format!("({})", rule(p)))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    }
}

/// A suggested item in plain words: "an item tagged service-agreement, by observation or
/// workplace-document, in a workplace environment, with 1 client other than C1, C3, dated
/// 2023-11-20 to 2026-11-20, covering 4.1, 4.2".
pub(super) fn suggestion(s: &Suggestion) -> String {
    let mut out = String::from("an item");
    if !s.activities.is_empty() {
        let _ = write!(out, " tagged {}", s.activities.join(" and "));
    }
    if !s.options.is_empty() {
        let _ = write!(
            out,
            " showing option{} {}",
            plural(s.options.len()),
            s.options.join(", ")
        );
    }
    if !s.methods.is_empty() {
        let methods: Vec<&str> = s.methods.iter().map(|m| m.as_str()).collect();
        let _ = write!(out, ", by {}", or_list(&methods));
    }
    if !s.environments.is_empty() {
        let envs: Vec<&str> = s.environments.iter().map(|e| e.as_str()).collect();
        let _ = write!(out, ", in a {} environment", or_list(&envs));
    }
    let mut new = |values: &Option<NewValues>, one: &str, many: &str| {
        if let Some(v) = values {
            let _ = write!(
                out,
                ", with {} {}",
                v.count,
                if v.count == 1 { one } else { many }
            );
            if !v.other_than.is_empty() {
                let _ = write!(out, " other than {}", v.other_than.join(", "));
            }
        }
    };
    new(&s.clients, "client", "distinct clients");
    new(&s.context, "context", "contexts");
    new(&s.service_periods, "service period", "distinct service periods");
    match s.date_from {
        Some(from) => _ = write!(out, ", dated {from} to {}", s.date_to),
        None => _ = write!(out, ", dated on or before {}", s.date_to),
    }
    if !s.not_on.is_empty() {
        let dates: Vec<String> = s.not_on.iter().map(ToString::to_string).collect();
        let _ = write!(out, " but not on {}", dates.join(", "));
    }
    if !s.covers.is_empty() {
        let _ = write!(out, ", covering {}", s.covers.join(", "));
    }
    if s.verified {
        out.push_str(", with its verification recorded");
    }
    let _ = write!(out, "; for {}", s.serves.join(", "));
    out
}

/// What to do with an item that does not count.
pub(super) fn action(item: &str, reason: Reason, would_help: &[String]) -> String {
    let helps = would_help.join(", ");
    match reason {
        Reason::PendingJudgement => format!("judge {item}: if it is satisfactory it counts towards {helps}"),
        Reason::NotSatisfactory => format!(
            "{item} was judged not satisfactory: re-assess it, or add the new evidence suggested for {helps}"
        ),
        Reason::Stale => format!(
            "{item} is outside the currency window and cannot count: adding evidence cannot make it current; the new evidence suggested replaces it for {helps}"
        ),
        Reason::AfterJudgementDate => format!(
            "{item} is dated after the judgement date: it counts only if the judgement is made on or after its date; until then the new evidence suggested is needed for {helps}"
        ),
        Reason::Unverified => {
            format!("record who verified {item} as the candidate's own work: it then counts towards {helps}")
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A unit's outcome in plain words: the identifier and its label, then why.
pub(super) fn outcome(unit: &str, o: &Outcome, date: Date) -> String {
    let decided = o.decided_on.map(|on| format!(" on {on}")).unwrap_or_default();
    let why = match o.reason {
        OutcomeReason::Competent => {
            format!("the evidence is complete and the assessor recorded competent{decided}")
        }
        OutcomeReason::NotYetCompetent => format!("the assessor recorded not yet competent{decided}"),
        OutcomeReason::RplGranted => format!(
            "on the RPL pathway, the evidence is complete and the assessor recorded competent{decided}"
        ),
        OutcomeReason::RplNotGranted => {
            format!("on the RPL pathway, the assessor recorded not yet competent{decided}")
        }
        OutcomeReason::CreditTransfer => format!("credit transfer is recorded: {}", priors(&o.prior_units)),
        OutcomeReason::NoDecision => format!(
            "no final decision is recorded for {unit} (pathway: {})",
            o.pathway.as_str()
        ),
        OutcomeReason::DecidedAfterJudgementDate => late_decision(unit, o, date),
        OutcomeReason::DecisionContradictsEvidence => contradiction(unit, o),
    };
    format!("{} {}: {why}", o.code.as_str(), o.code.label())
}

/// A recorded decision that the evidence or the units held do not support, and why.
pub(super) fn contradiction(unit: &str, o: &Outcome) -> String {
    if o.pathway == Pathway::CreditTransfer {
        let held = if o.prior_units.is_empty() {
            String::new()
        } else {
            format!(": {}", priors(&o.prior_units))
        };
        return format!(
            "{unit} is recorded as credit transfer, but no verified unit held is {unit} or equivalent to it{held}; the outcome stays 70 until a verified equivalent unit is recorded or the pathway is changed"
        );
    }
    let granted = if o.pathway == Pathway::Rpl {
        "RPL granted (competent)"
    } else {
        "competent"
    };
    format!(
        "{unit} is recorded {granted}, but the evidence is not complete: {} of its requirements {} not met ({}); the outcome stays 70 until the evidence is complete or the decision is corrected",
        o.unmet.len(),
        if o.unmet.len() == 1 { "is" } else { "are" },
        o.unmet.join(", ")
    )
}

/// A decision dated after the judgement date.
pub(super) fn late_decision(unit: &str, o: &Outcome, date: Date) -> String {
    let what = o.decision.map_or("credit transfer", |d| d.as_str());
    let on = o.decided_on.map(|d| d.to_string()).unwrap_or_default();
    format!(
        "the decision on {unit} ({what}) is dated {on}, after the judgement date {date}, so it had not been made then; the outcome is 70 as of {date}"
    )
}

/// The units held, each with how it relates to the claimed unit and whether it gives credit.
fn priors(list: &[PriorCredit]) -> String {
    list.iter().map(prior).collect::<Vec<_>>().join("; ")
}

fn prior(p: &PriorCredit) -> String {
    let links = p.links.iter().map(link).collect::<Vec<_>>().join(", ");
    let what = match p.relation {
        PriorRelation::SameUnit => format!("{} is the unit itself", p.code),
        PriorRelation::Equivalent => format!("{} is equivalent to it ({links})", p.code),
        PriorRelation::SupersededNotEquivalent => format!(
            "{} is linked to it only through a supersession without equivalence ({links})",
            p.code
        ),
    };
    let credit = match p.no_credit {
        None => "gives credit",
        Some(NoCredit::NotEquivalent) => "gives no credit",
        Some(NoCredit::IssuedAfterJudgementDate) => {
            "gives no credit: its document is dated after the judgement date"
        }
        Some(NoCredit::Unverified) => "gives no credit until its document is verified with the issuer",
        Some(NoCredit::VerifiedAfterJudgementDate) => {
            "gives no credit: its document was verified after the judgement date"
        }
    };
    format!("{what}, and {credit}")
}

fn link(l: &Link) -> String {
    match l.kind {
        LinkKind::Equivalent => format!("{} is equivalent to {}", l.from, l.to),
        LinkKind::Replaces => format!("{} replaces {} without equivalence", l.from, l.to),
        LinkKind::ReplacedBy => format!("{} is replaced by {} without equivalence", l.from, l.to),
    }
}
