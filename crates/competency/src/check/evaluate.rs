//! Evaluating a validated portfolio: per unit, which items count, which requirements are met by
//! which items, what is missing, and the findings.
//!
//! Rules see only indices: requirement, activity and option indices from compiling, and
//! interned client, context and period values from validation. A `missing` sentence is built
//! only for a requirement that is not met.

use std::collections::HashSet;

use chrono::Datelike;

use super::CheckOptions;
use super::compile::{CFilter, Compiled, CompiledUnit, How};
use super::standing::{Judged, Standing};
use super::validate::{ItemValues, Resolution, Resolved};
use crate::method::{Environment, Method};
use crate::portfolio::{Date, EvidenceItem, Portfolio};
use crate::report::{
    Finding, FindingCode, ItemStatus, REPORT_FORMAT, Report, RequirementResult, Severity, UnitReport,
};
use crate::rule::{Field, items};

/// The report for a portfolio that validated.
pub(super) fn report(portfolio: &Portfolio, options: &CheckOptions, res: &Resolution<'_, '_>) -> Report {
    let given = options.as_of.or(portfolio.judgement_date);
    let judgement_date = given.unwrap_or_else(Date::today);
    let policy_window = portfolio.policy.currency_window_months();
    let items = &portfolio.evidence;

    // Standing per unit (the unit may shorten the window), then how many units each counted
    // item serves, for the clustered finding.
    let mut judged_by_unit = Vec::with_capacity(res.units.len());
    let mut standing_by_unit = Vec::with_capacity(res.units.len());
    let mut serving = vec![0u32; items.len()];
    for (unit, mapped) in res.units.iter().zip(&res.mapped) {
        let window = match (policy_window, unit.unit.currency_months) {
            (Some(p), Some(u)) => Some(p.min(u)),
            (p, u) => p.or(u),
        };
        let judged = Judged {
            date: judgement_date,
            current_since: window.map(|m| judgement_date.minus_months(m)),
            policy: &portfolio.policy,
        };
        let standing: Vec<Standing> = mapped
            .iter()
            .map(|(i, _)| Standing::of(&items[*i], &judged))
            .collect();
        for ((i, _), s) in mapped.iter().zip(&standing) {
            if s.counts() {
                serving[*i] += 1;
            }
        }
        judged_by_unit.push(judged);
        standing_by_unit.push(standing);
    }

    let mut units = Vec::with_capacity(res.units.len());
    for (u, unit) in res.units.iter().enumerate() {
        let mapped = &res.mapped[u];
        let standing = &standing_by_unit[u];
        let judged = &judged_by_unit[u];
        let ctx = Ctx {
            unit,
            items,
            mapped,
            counted: standing.iter().map(|s| s.counts()).collect(),
            standing,
            values: &res.values,
            names: &res.names,
        };
        let requirements = ctx.requirements();
        let met = requirements.iter().filter(|r| r.met).count();
        let mut findings = Vec::new();
        for ((i, resolved), s) in mapped.iter().zip(standing) {
            let item = &items[*i];
            s.findings(item, judged, &mut findings);
            if ctx.counted_item(*i) && serving[*i] > 1 {
                findings.push(Finding {
                    code: FindingCode::Clustered,
                    severity: Severity::Info,
                    item: Some(item.id.clone()),
                    message: format!(
                        "{} counts for {} units checked (clustered assessment)",
                        item.id, serving[*i]
                    ),
                });
            }
            for &r in &resolved.named_ruled {
                let id = unit.reqs[r].id;
                findings.push(Finding {
                    code: FindingCode::DecidedByRule,
                    severity: Severity::Warning,
                    item: Some(item.id.clone()),
                    message: format!(
                        "{} names {id} in `covers`, but {id} is decided by its rule; naming it has no effect",
                        item.id
                    ),
                });
            }
        }
        units.push(UnitReport {
            code: unit.unit.code.to_string(),
            release: unit.unit.release,
            title: unit.unit.title.clone(),
            complete: met == requirements.len(),
            met,
            total: requirements.len(),
            current_since: judged.current_since,
            evidence: mapped
                .iter()
                .zip(&ctx.counted)
                .map(|((i, _), counted)| ItemStatus {
                    id: items[*i].id.clone(),
                    counted: *counted,
                })
                .collect(),
            requirements,
            findings,
        });
    }

    let mut findings = Vec::new();
    if given.is_none() {
        findings.push(Finding {
            code: FindingCode::JudgementDateDefaulted,
            severity: Severity::Info,
            item: None,
            message: format!(
                "the portfolio gives no judgement date, so the check used today, {judgement_date}; give `judgement_date` (or --as-of) to make the report reproducible"
            ),
        });
    }
    findings.extend(res.maps_nothing.iter().map(|&i| Finding {
        code: FindingCode::MapsToNothing,
        severity: Severity::Warning,
        item: Some(items[i].id.clone()),
        message: format!(
            "{} maps to no requirement, activity or option of any unit (valid evidence must map to the unit)",
            items[i].id
        ),
    }));
    Report {
        format: REPORT_FORMAT,
        candidate: portfolio.candidate.id.clone(),
        judgement_date,
        judgement_date_defaulted: given.is_none(),
        current_since: policy_window.map(|m| judgement_date.minus_months(m)),
        complete: units.iter().all(|u| u.complete),
        units,
        findings,
    }
}

/// Everything one unit's evaluation reads. Positions (`p`) index `mapped`: the items mapped to
/// this unit, in portfolio order.
struct Ctx<'a, 'c> {
    unit: &'a CompiledUnit<'c>,
    items: &'a [EvidenceItem],
    mapped: &'a [(usize, Resolved)],
    counted: Vec<bool>,
    standing: &'a [Standing],
    values: &'a [ItemValues],
    names: &'a indexmap::IndexSet<String>,
}

/// A rule's outcome: met, the positions of the items that counted, what is missing.
struct Outcome {
    met: bool,
    evidence: Vec<usize>,
    missing: Option<String>,
}

impl Outcome {
    /// An outcome whose `missing` sentence is written only when it is not met.
    fn new(met: bool, evidence: Vec<usize>, missing: impl FnOnce() -> String) -> Self {
        Outcome {
            met,
            evidence,
            missing: (!met).then(missing),
        }
    }
}

/// A value of a field, comparable across items: an interned index, a method or environment,
/// or a day number.
type Key = i64;

impl Ctx<'_, '_> {
    fn requirements(&self) -> Vec<RequirementResult> {
        let reqs = &self.unit.reqs;
        let mut outcomes: Vec<Option<Outcome>> = (0..reqs.len()).map(|_| None).collect();
        // Claimed requirements first, then parents (children come after their parent, so in
        // reverse order every child is done before its parent), then rules.
        let claimers = self.claimers();
        for (r, req) in reqs.iter().enumerate() {
            if matches!(req.how, How::Claimed) {
                outcomes[r] = Some(self.claimed(&claimers[r]));
            }
        }
        for (r, req) in reqs.iter().enumerate().rev() {
            if let How::Parent(children) = &req.how {
                let mut evidence = Vec::new();
                let mut unmet = Vec::new();
                for child in children {
                    let o = outcomes[*child].as_ref();
                    evidence.extend(o.map(|o| o.evidence.clone()).unwrap_or_default());
                    if !o.is_some_and(|o| o.met) {
                        unmet.push(reqs[*child].id);
                    }
                }
                outcomes[r] = Some(Outcome::new(unmet.is_empty(), sorted(evidence), || {
                    format!("not yet met: {}", unmet.join(", "))
                }));
            }
        }
        for (r, req) in reqs.iter().enumerate() {
            if let How::Rule(rule) = &req.how {
                outcomes[r] = Some(self.rule(rule, &outcomes));
            }
        }
        reqs.iter()
            .zip(outcomes)
            .map(|(req, outcome)| {
                let outcome = outcome.unwrap_or(Outcome {
                    met: false,
                    evidence: Vec::new(),
                    missing: None,
                });
                RequirementResult {
                    id: req.id.to_owned(),
                    kind: req.kind,
                    text: req.text.to_owned(),
                    met: outcome.met,
                    evidence: outcome
                        .evidence
                        .iter()
                        .map(|p| self.item(*p).id.clone())
                        .collect(),
                    missing: outcome.missing,
                }
            })
            .collect()
    }

    fn item(&self, p: usize) -> &EvidenceItem {
        &self.items[self.mapped[p].0]
    }

    /// True when the item at portfolio index `i` is mapped to this unit and counts.
    fn counted_item(&self, i: usize) -> bool {
        self.mapped
            .binary_search_by_key(&i, |(index, _)| *index)
            .is_ok_and(|p| self.counted[p])
    }

    /// Per requirement, the positions of the items that claim it, in portfolio order: one pass
    /// over the items instead of one per requirement.
    fn claimers(&self) -> Vec<Vec<usize>> {
        let mut claimers = vec![Vec::new(); self.unit.reqs.len()];
        for (p, (_, resolved)) in self.mapped.iter().enumerate() {
            for &req in &resolved.covers {
                if claimers[req].last() != Some(&p) {
                    claimers[req].push(p);
                }
            }
        }
        claimers
    }

    fn claimed(&self, claimers: &[usize]) -> Outcome {
        let (evidence, uncounted): (Vec<usize>, Vec<usize>) =
            claimers.iter().partition(|&&p| self.counted[p]);
        Outcome::new(!evidence.is_empty(), evidence, || {
            if uncounted.is_empty() {
                "no evidence item claims it".to_owned()
            } else {
                format!(
                    "claimed only by items that do not count: {}",
                    self.reasons(&uncounted)
                )
            }
        })
    }

    /// "E3 (judgement pending), E7 (not satisfactory)".
    fn reasons(&self, positions: &[usize]) -> String {
        positions
            .iter()
            .map(|&p| format!("{} ({})", self.item(p).id, self.standing[p].reason()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Positions of the counted items that pass the filter, in portfolio order.
    fn matching(&self, filter: &CFilter) -> Vec<usize> {
        (0..self.mapped.len())
            .filter(|&p| self.counted[p] && self.passes(p, filter))
            .collect()
    }

    /// The item passes the filter, whether or not it counts.
    fn passes(&self, p: usize, filter: &CFilter) -> bool {
        let (i, m) = &self.mapped[p];
        let item = &self.items[*i];
        filter.activity.is_none_or(|a| m.activities.contains(&a))
            && (filter.method.is_empty() || filter.method.contains(&item.method))
            && (filter.environment.is_empty()
                || item.environment.is_some_and(|e| filter.environment.contains(&e)))
    }

    fn rule(&self, rule: &Compiled, done: &[Option<Outcome>]) -> Outcome {
        let mut outcome = self.rule_inner(rule, done);
        if let (Some(missing), Some(filter)) = (outcome.missing.as_mut(), rule.filter()) {
            let left_out: Vec<usize> = (0..self.mapped.len())
                .filter(|&p| !self.counted[p] && self.passes(p, filter))
                .collect();
            if !left_out.is_empty() {
                missing.push_str(&format!(" (not counted: {})", self.reasons(&left_out)));
            }
        }
        outcome
    }

    fn rule_inner(&self, rule: &Compiled, done: &[Option<Outcome>]) -> Outcome {
        match rule {
            Compiled::Count { min, filter } => {
                let matching = self.matching(filter);
                let n = matching.len() as u32;
                let ids = self.ids(&matching);
                Outcome::new(n >= *min, matching, || {
                    if n == 0 {
                        format!("no items{} yet; {min} needed", filter.words)
                    } else {
                        format!(
                            "{n} of {min} items{}: {ids}; {} more needed",
                            filter.words,
                            min - n
                        )
                    }
                })
            }
            Compiled::Distinct { field, min, filter } => {
                let mut seen: HashSet<Key> = HashSet::new();
                let mut values: Vec<Key> = Vec::new();
                let mut evidence = Vec::new();
                for p in self.matching(filter) {
                    let mut shows = false;
                    self.for_each_key(p, *field, |key| {
                        shows = true;
                        if seen.insert(key) {
                            values.push(key);
                        }
                    });
                    if shows {
                        evidence.push(p);
                    }
                }
                let n = values.len() as u32;
                Outcome::new(n >= *min, evidence, || {
                    if n == 0 {
                        format!(
                            "0 of {min} distinct {} among items{}; none yet",
                            field.plural(),
                            filter.words
                        )
                    } else {
                        format!(
                            "{n} of {min} distinct {} among items{}: {}; {} more needed",
                            field.plural(),
                            filter.words,
                            self.key_texts(*field, &values),
                            min - n
                        )
                    }
                })
            }
            Compiled::Options {
                list,
                options,
                min,
                filter,
            } => {
                let mut shown = vec![false; options.len()];
                let mut evidence = Vec::new();
                for p in self.matching(filter) {
                    let m = &self.mapped[p].1;
                    let method = self.item(p).method;
                    let mut contributes = false;
                    for (k, option) in options.iter().enumerate() {
                        if m.options.contains(option) || self.unit.option_methods[*option].contains(&method) {
                            shown[k] = true;
                            contributes = true;
                        }
                    }
                    if contributes {
                        evidence.push(p);
                    }
                }
                let n = shown.iter().filter(|s| **s).count() as u32;
                Outcome::new(n >= *min, evidence, || {
                    let names = |want: bool| -> Vec<&str> {
                        options
                            .iter()
                            .zip(&shown)
                            .filter(|(_, s)| **s == want)
                            .map(|(o, _)| self.unit.option_names[*o])
                            .collect()
                    };
                    format!(
                        "{n} of {min} options of {list} shown{}; {} more needed from: {}",
                        if n == 0 {
                            String::new()
                        } else {
                            format!(": {}", names(true).join(", "))
                        },
                        min - n,
                        names(false).join(", ")
                    )
                })
            }
            Compiled::PerItem {
                field,
                min_values,
                min,
                filter,
            } => {
                let mut qualifying = Vec::new();
                let mut best: Option<(usize, usize)> = None;
                for p in self.matching(filter) {
                    let count = self.key_count(p, *field);
                    if count as u32 >= *min_values {
                        qualifying.push(p);
                    } else if best.is_none_or(|(_, b)| count > b) {
                        best = Some((p, count));
                    }
                }
                let n = qualifying.len() as u32;
                Outcome::new(n >= *min, qualifying, || {
                    let mut missing = format!(
                        "{n} of {min} {}{} involving at least {min_values} distinct {}{}",
                        items(*min),
                        filter.words,
                        field.plural(),
                        if *min == 1 { "" } else { " each" }
                    );
                    match best {
                        Some((p, count)) => {
                            let mut keys = Vec::new();
                            self.for_each_key(p, *field, |k| keys.push(k));
                            missing.push_str(&format!(
                                "; closest: {} with {count} ({})",
                                self.item(p).id,
                                if keys.is_empty() {
                                    "none".to_owned()
                                } else {
                                    self.key_texts(*field, &keys)
                                }
                            ));
                        }
                        None if n == 0 => missing.push_str(&format!("; no items{} yet", filter.words)),
                        None => {}
                    }
                    missing
                })
            }
            Compiled::Spread {
                min_dates,
                min_span_days,
                filter,
            } => {
                let matching = self.matching(filter);
                let mut dates: Vec<Date> = matching.iter().map(|p| self.item(*p).date).collect();
                dates.sort_unstable();
                dates.dedup();
                let span = match (dates.first(), dates.last()) {
                    (Some(first), Some(last)) => last.days_since(*first),
                    _ => 0,
                };
                let n = dates.len() as u32;
                let dates_short = min_dates.filter(|min| n < *min);
                let span_short = min_span_days.filter(|min| span < i64::from(*min));
                let met = dates_short.is_none() && span_short.is_none();
                Outcome::new(met, matching, || {
                    let mut problems = Vec::new();
                    if let Some(min) = dates_short {
                        let list: Vec<String> = dates.iter().map(Date::to_string).collect();
                        problems.push(format!(
                            "items{} on {n} of {min} distinct dates{}; {} more needed",
                            filter.words,
                            if list.is_empty() {
                                String::new()
                            } else {
                                format!(": {}", list.join(", "))
                            },
                            min - n
                        ));
                    }
                    if let Some(min) = span_short {
                        problems.push(format!("items{} span {span} of {min} days", filter.words));
                    }
                    problems.join("; ")
                })
            }
            Compiled::Covers { reqs } => {
                let mut evidence = Vec::new();
                let mut unmet = Vec::new();
                for r in reqs {
                    match done[*r].as_ref() {
                        Some(o) if o.met => evidence.extend(o.evidence.iter().copied()),
                        _ => unmet.push(self.unit.reqs[*r].id),
                    }
                }
                Outcome::new(unmet.is_empty(), sorted(evidence), || {
                    format!("not yet met: {}", unmet.join(", "))
                })
            }
            Compiled::All(rules) => {
                let outcomes: Vec<Outcome> = rules.iter().map(|r| self.rule(r, done)).collect();
                let met = outcomes.iter().all(|o| o.met);
                let missing: Vec<&str> = outcomes.iter().filter_map(|o| o.missing.as_deref()).collect();
                let missing = missing.join("; and ");
                let evidence = outcomes.iter().flat_map(|o| o.evidence.iter().copied()).collect();
                Outcome::new(met, sorted(evidence), || missing)
            }
            Compiled::Any(rules) => {
                let outcomes: Vec<Outcome> = rules.iter().map(|r| self.rule(r, done)).collect();
                let met = outcomes.iter().any(|o| o.met);
                let evidence = outcomes
                    .iter()
                    .filter(|o| o.met || !met)
                    .flat_map(|o| o.evidence.iter().copied())
                    .collect();
                Outcome::new(met, sorted(evidence), || {
                    let parts: Vec<String> = outcomes
                        .iter()
                        .filter_map(|o| o.missing.as_deref())
                        .map(|m| format!("({m})"))
                        .collect();
                    format!("one of these is needed: {}", parts.join(" or "))
                })
            }
        }
    }

    /// Calls `f` with each distinct value the item shows for a field.
    fn for_each_key(&self, p: usize, field: Field, mut f: impl FnMut(Key)) {
        let i = self.mapped[p].0;
        let item = &self.items[i];
        let values = &self.values[i];
        match field {
            Field::Client => values.clients.iter().for_each(|v| f(Key::from(*v))),
            Field::Context => values.context.into_iter().for_each(|v| f(Key::from(v))),
            Field::ServicePeriod => values.periods.iter().for_each(|v| f(Key::from(*v))),
            Field::Method => f(item.method as Key),
            Field::Environment => item.environment.into_iter().for_each(|e| f(e as Key)),
            Field::Date => f(Key::from(item.date.naive().num_days_from_ce())),
        }
    }

    /// How many distinct values the item shows for a field.
    fn key_count(&self, p: usize, field: Field) -> usize {
        let i = self.mapped[p].0;
        let values = &self.values[i];
        match field {
            Field::Client => values.clients.len(),
            Field::Context => usize::from(values.context.is_some()),
            Field::ServicePeriod => values.periods.len(),
            Field::Method | Field::Date => 1,
            Field::Environment => usize::from(self.items[i].environment.is_some()),
        }
    }

    /// Values in words, in the order given: "C1, C3".
    fn key_texts(&self, field: Field, keys: &[Key]) -> String {
        let text = |key: Key| -> String {
            match field {
                Field::Client | Field::Context | Field::ServicePeriod => usize::try_from(key)
                    .ok()
                    .and_then(|k| self.names.get_index(k))
                    .cloned()
                    .unwrap_or_default(),
                Field::Method => Method::ALL
                    .iter()
                    .find(|m| **m as Key == key)
                    .map_or_else(String::new, |m| m.as_str().to_owned()),
                Field::Environment => Environment::ALL
                    .iter()
                    .find(|e| **e as Key == key)
                    .map_or_else(String::new, |e| e.as_str().to_owned()),
                Field::Date => chrono::NaiveDate::from_num_days_from_ce_opt(key as i32)
                    .map_or_else(String::new, |d| Date::from(d).to_string()),
            }
        };
        keys.iter().map(|k| text(*k)).collect::<Vec<_>>().join(", ")
    }

    fn ids(&self, positions: &[usize]) -> String {
        positions
            .iter()
            .map(|p| self.item(*p).id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn sorted(mut v: Vec<usize>) -> Vec<usize> {
    v.sort_unstable();
    v.dedup();
    v
}
