//! Facts to words: the only place that writes a `missing` sentence. Every sentence is built
//! from the structured facts the report carries (`tally`, `not_counted`), so a platform can
//! write its own from the same fields.

use crate::outcome::{Link, LinkKind, NoCredit, Outcome, OutcomeReason, PriorCredit, PriorRelation};
use crate::pathway::Pathway;
use crate::portfolio::Date;
use crate::report::{NewValues, NotCounted, Reason, Suggestion, Tally};
use crate::rule::{RuleType, items};
use crate::words::{Joined, OrList};
use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// Room for most sentences, so that writing one seldom grows it (format! starts from the
/// length of its literal text, and a sentence with a list in it then grows two or three times).
const SENTENCE: usize = 160;

/// A requirement an item must claim, unmet.
pub(super) fn claimed(not_counted: &[NotCounted]) -> Cow<'static, str> {
    if not_counted.is_empty() {
        Cow::Borrowed("no evidence item claims it")
    } else {
        let mut out = String::with_capacity(SENTENCE);
        let _ = write!(
            out,
            "claimed only by items that do not count: {}",
            Reasons(not_counted)
        );
        Cow::Owned(out)
    }
}

/// A parent knowledge or skill item, unmet: the sub-items not met.
pub(super) fn parent<'a>(unmet: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::with_capacity(SENTENCE);
    out.push_str("not yet met: ");
    for (i, id) in unmet.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(id);
    }
    out
}

/// "E3 (judgement pending), E7 (not satisfactory)".
struct Reasons<'a>(&'a [NotCounted]);

impl fmt::Display for Reasons<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, n) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{} ({})", n.item, n.reason.words())?;
        }
        Ok(())
    }
}

/// A rule that does not hold, in plain words with the numbers; a rule with a filter ends by
/// naming the items it selects that do not count.
pub(super) fn rule(t: &Tally) -> String {
    let mut out = String::with_capacity(SENTENCE);
    rule_into(&mut out, t);
    out
}

fn rule_into(out: &mut String, t: &Tally) {
    rule_inner(out, t);
    if !t.not_counted.is_empty() && !matches!(t.rule, RuleType::Covers | RuleType::All | RuleType::Any) {
        let _ = write!(out, " (not counted: {})", Reasons(&t.not_counted));
    }
}

fn rule_inner(out: &mut String, t: &Tally) {
    let words = t.filter.words();
    let (have, need) = (t.have, t.need);
    let more = need.saturating_sub(have);
    let values = Joined(&t.values, ", ");
    let _ = match t.rule {
        RuleType::Count if have == 0 => write!(out, "no items{words} yet; {need} needed"),
        RuleType::Count => write!(out, "{have} of {need} items{words}: {values}; {more} more needed"),
        RuleType::Distinct if have == 0 => {
            write!(
                out,
                "0 of {need} distinct {} among items{words}; none yet",
                t.counts
            )
        }
        RuleType::Distinct => write!(
            out,
            "{have} of {need} distinct {} among items{words}: {values}; {more} more needed",
            t.counts
        ),
        RuleType::Options => {
            let _ = write!(
                out,
                "{have} of {need} options of {} shown",
                t.list.as_deref().unwrap_or_default()
            );
            if have != 0 {
                let _ = write!(out, ": {values}");
            }
            write!(out, "; {more} more needed from: {}", Joined(&t.remaining, ", "))
        }
        RuleType::PerItem => {
            let plural = t.field.map_or("values", |f| f.plural());
            let _ = write!(
                out,
                "{have} of {need} {}{words} involving at least {} distinct {plural}{}",
                items(need),
                t.per_item.unwrap_or_default(),
                if need == 1 { "" } else { " each" }
            );
            match &t.closest {
                Some(c) if c.values.is_empty() => write!(out, "; closest: {} with 0 (none)", c.item),
                Some(c) => write!(
                    out,
                    "; closest: {} with {} ({})",
                    c.item,
                    c.values.len(),
                    Joined(&c.values, ", ")
                ),
                None if have == 0 => write!(out, "; no items{words} yet"),
                None => Ok(()),
            }
        }
        RuleType::Spread => {
            let short = have < need;
            if short {
                let _ = write!(out, "items{words} on {have} of {need} distinct dates");
                if !t.values.is_empty() {
                    let _ = write!(out, ": {values}");
                }
                let _ = write!(out, "; {more} more needed");
            }
            match t.span_days.filter(|s| s.have < i64::from(s.need)) {
                Some(span) => write!(
                    out,
                    "{}items{words} span {} of {} days",
                    if short { "; " } else { "" },
                    span.have,
                    span.need
                ),
                None => Ok(()),
            }
        }
        RuleType::Covers => write!(out, "not yet met: {}", Joined(&t.remaining, ", ")),
        RuleType::All => {
            for (i, part) in t.parts.iter().filter(|p| !p.met).enumerate() {
                if i > 0 {
                    out.push_str("; and ");
                }
                rule_into(out, part);
            }
            Ok(())
        }
        RuleType::Any => {
            out.push_str("one of these is needed: ");
            for (i, part) in t.parts.iter().enumerate() {
                if i > 0 {
                    out.push_str(" or ");
                }
                out.push('(');
                rule_into(out, part);
                out.push(')');
            }
            Ok(())
        }
    };
}

/// A suggested item in plain words: "an item tagged service-agreement, by observation or
/// workplace-document, in a workplace environment, with 1 client other than C1, C3, dated
/// 2023-11-20 to 2026-11-20, covering 4.1, 4.2".
pub(super) fn suggestion(s: &Suggestion) -> String {
    let mut out = String::with_capacity(2 * SENTENCE);
    out.push_str("an item");
    if !s.activities.is_empty() {
        let _ = write!(out, " tagged {}", Joined(&s.activities, " and "));
    }
    if !s.options.is_empty() {
        let _ = write!(
            out,
            " showing option{} {}",
            plural(s.options.len()),
            Joined(&s.options, ", ")
        );
    }
    if !s.methods.is_empty() {
        let _ = write!(out, ", by {}", OrList(&s.methods));
    }
    if !s.environments.is_empty() {
        let _ = write!(out, ", in a {} environment", OrList(&s.environments));
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
                let _ = write!(out, " other than {}", Joined(&v.other_than, ", "));
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
        let _ = write!(out, " but not on {}", Joined(&s.not_on, ", "));
    }
    if !s.covers.is_empty() {
        let _ = write!(out, ", covering {}", Joined(&s.covers, ", "));
    }
    if s.verified {
        out.push_str(", with its verification recorded");
    }
    let _ = write!(out, "; for {}", Joined(&s.serves, ", "));
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
    let mut out = String::with_capacity(SENTENCE);
    let _ = write!(out, "{} {}: ", o.code.as_str(), o.code.label());
    let decided = Decided(o.decided_on);
    let _ = match o.reason {
        OutcomeReason::Competent => {
            write!(
                out,
                "the evidence is complete and the assessor recorded competent{decided}"
            )
        }
        OutcomeReason::NotYetCompetent => write!(out, "the assessor recorded not yet competent{decided}"),
        OutcomeReason::RplGranted => write!(
            out,
            "on the RPL pathway, the evidence is complete and the assessor recorded competent{decided}"
        ),
        OutcomeReason::RplNotGranted => {
            write!(
                out,
                "on the RPL pathway, the assessor recorded not yet competent{decided}"
            )
        }
        OutcomeReason::CreditTransfer => {
            write!(out, "credit transfer is recorded: {}", priors(&o.prior_units))
        }
        OutcomeReason::NoDecision => write!(
            out,
            "no final decision is recorded for {unit} (pathway: {})",
            o.pathway.as_str()
        ),
        OutcomeReason::DecidedAfterJudgementDate => {
            out.push_str(&late_decision(unit, o, date));
            Ok(())
        }
        OutcomeReason::DecisionContradictsEvidence => {
            out.push_str(&contradiction(unit, o));
            Ok(())
        }
    };
    out
}

/// " on 2026-03-02" when the decision is dated; nothing otherwise.
struct Decided(Option<Date>);

impl fmt::Display for Decided {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(on) => write!(f, " on {on}"),
            None => Ok(()),
        }
    }
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
