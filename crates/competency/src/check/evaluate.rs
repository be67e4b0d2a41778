//! Evaluating one unit of a validated portfolio: which requirements are met, by which items,
//! which items did not count and why, and what each rule counted.
//!
//! Rules see only indices: requirement, activity and option indices from compiling, and
//! interned client, context and period values from validation. Evaluation produces facts
//! (counts, values, reasons, item positions); `explain` turns the facts of a requirement that
//! is not met into its `missing` sentence.

use std::borrow::Cow;
use std::sync::Arc;

use crate::hash::HashSet;

use super::compile::{CFilter, Compiled, CompiledUnit, How};
use super::explain;
use super::standing::Standing;
use super::validate::Resolved;
use super::values::{ItemValues, Key};
use crate::doc_str::Text;
use crate::portfolio::{Date, EvidenceItem};
use crate::report::{Closest, Counted, NotCounted, RequirementResult, SharedList, SharedStr, Span, Tally};
use crate::rule::RuleType;

/// Everything one unit's evaluation reads. Positions (`p`) index `mapped`: the items mapped to
/// this unit, in portfolio order.
pub(super) struct Ctx<'a, 'k, S: Text> {
    pub(super) unit: &'k CompiledUnit,
    pub(super) items: &'a [EvidenceItem<S>],
    pub(super) mapped: &'a [(usize, Resolved)],
    /// The indices `mapped`'s ranges point into.
    pub(super) pool: &'a [usize],
    pub(super) counted: Vec<bool>,
    pub(super) standing: &'a [Standing],
    pub(super) values: &'a [ItemValues],
    pub(super) names: &'a crate::hash::IndexSet<SharedStr>,
    /// Every item's ID, shared (indexed as `items`).
    pub(super) ids: &'a [SharedStr],
}

/// A requirement's outcome: met, the positions of the items that counted and of those that
/// claimed it or passed its filter but did not count, and for a rule what it counted. Words
/// come later, from `explain`. A claimed requirement whose claimers all count borrows their
/// positions (`'c`), the usual case, which would otherwise be a list per requirement.
struct Outcome<'c> {
    met: bool,
    evidence: Cow<'c, [usize]>,
    not_counted: Vec<usize>,
    tally: Option<Box<Tally>>,
    /// For a parent item: the sub-items not met.
    unmet_children: Vec<usize>,
}

/// The positions of the items that claim each requirement: requirement `r`'s are
/// `positions[start[r]..start[r + 1]]`, in portfolio order.
struct Claimers {
    start: Vec<usize>,
    positions: Vec<usize>,
}

impl Claimers {
    fn of(&self, r: usize) -> &[usize] {
        &self.positions[self.start[r]..self.start[r + 1]]
    }
}

impl Outcome<'_> {
    fn of_rule(tally: Tally, evidence: Vec<usize>, not_counted: Vec<usize>) -> Self {
        Outcome {
            met: tally.met,
            evidence: Cow::Owned(evidence),
            not_counted,
            tally: Some(Box::new(tally)),
            unmet_children: Vec::new(),
        }
    }
}

impl<'k, S: Text> Ctx<'_, 'k, S> {
    pub(super) fn requirements(&self) -> Vec<RequirementResult<'k>> {
        let reqs: &'k [_] = &self.unit.reqs;
        let mut outcomes: Vec<Option<Outcome<'_>>> = (0..reqs.len()).map(|_| None).collect();
        // Claimed requirements first, then parents (children come after their parent, so in
        // reverse order every child is done before its parent), then rules.
        let claimers = self.claimers();
        for (r, req) in reqs.iter().enumerate() {
            if matches!(req.how, How::Claimed) {
                let all = claimers.of(r);
                let (evidence, not_counted) = if all.iter().all(|&p| self.counted[p]) {
                    (Cow::Borrowed(all), Vec::new())
                } else {
                    // Sized for all of them: `partition` would grow both lists one item at a time.
                    let mut evidence = Vec::with_capacity(all.len());
                    let mut not_counted = Vec::new();
                    for &p in all {
                        if self.counted[p] {
                            evidence.push(p);
                        } else {
                            not_counted.push(p);
                        }
                    }
                    (Cow::Owned(evidence), not_counted)
                };
                outcomes[r] = Some(Outcome {
                    met: !evidence.is_empty(),
                    evidence,
                    not_counted,
                    tally: None,
                    unmet_children: Vec::new(),
                });
            }
        }
        for (r, req) in reqs.iter().enumerate().rev() {
            if let How::Parent(children) = &req.how {
                let of_children = |c: &usize| outcomes[*c].as_ref().map_or(0, |o| o.evidence.len());
                let mut evidence = Vec::with_capacity(children.iter().map(of_children).sum());
                let mut unmet = Vec::new();
                for &child in children {
                    let o = outcomes[child].as_ref();
                    if let Some(o) = o {
                        evidence.extend_from_slice(&o.evidence);
                    }
                    if !o.is_some_and(|o| o.met) {
                        unmet.push(child);
                    }
                }
                outcomes[r] = Some(Outcome {
                    met: unmet.is_empty(),
                    evidence: Cow::Owned(sorted(evidence)),
                    not_counted: claimers
                        .of(r)
                        .iter()
                        .copied()
                        .filter(|p| !self.counted[*p])
                        .collect(),
                    tally: None,
                    unmet_children: unmet,
                });
            }
        }
        for (r, req) in reqs.iter().enumerate() {
            if let How::Rule(rule) = &req.how {
                outcomes[r] = Some(self.rule(rule, &outcomes));
            }
        }
        // Every requirement's evidence, as parts of one list for the unit.
        let total = outcomes.iter().flatten().map(|o| o.evidence.len()).sum();
        let mut all = Vec::with_capacity(total);
        for o in outcomes.iter().flatten() {
            all.extend(o.evidence.iter().map(|p| self.id(*p)));
        }
        let all = Arc::new(all);
        // Requirement `r`'s part follows the parts of the requirements before it.
        let mut end = 0;
        reqs.iter()
            .zip(outcomes)
            .map(|(req, outcome)| {
                let start = end;
                end += outcome.as_ref().map_or(0, |o| o.evidence.len());
                let outcome = outcome.unwrap_or(Outcome {
                    met: false,
                    evidence: Cow::Borrowed(&[]),
                    not_counted: Vec::new(),
                    tally: None,
                    unmet_children: Vec::new(),
                });
                let not_counted = self.not_counted(&outcome.not_counted);
                let missing = (!outcome.met).then(|| match &outcome.tally {
                    Some(tally) => Cow::Owned(explain::rule(tally)),
                    None if matches!(req.how, How::Parent(_)) => Cow::Owned(explain::parent(
                        outcome
                            .unmet_children
                            .iter()
                            .map(|c| self.unit.reqs[*c].id.as_str()),
                    )),
                    None => explain::claimed(&not_counted),
                });
                RequirementResult {
                    id: Cow::Borrowed(req.id.as_str()),
                    kind: req.kind,
                    text: Cow::Borrowed(&req.text),
                    met: outcome.met,
                    element: req.element.as_deref().map(Cow::Borrowed),
                    evidence: SharedList::part_of(&all, start..end),
                    not_counted,
                    tally: outcome.tally,
                    missing,
                }
            })
            .collect()
    }

    fn item(&self, p: usize) -> &EvidenceItem<S> {
        &self.items[self.mapped[p].0]
    }

    /// The ID of the item at position `p`, shared.
    fn id(&self, p: usize) -> SharedStr {
        self.ids[self.mapped[p].0].clone()
    }

    fn not_counted(&self, positions: &[usize]) -> Vec<NotCounted> {
        positions
            .iter()
            .filter_map(|&p| {
                Some(NotCounted {
                    item: self.id(p),
                    reason: self.standing[p].reason()?,
                })
            })
            .collect()
    }

    /// True when the item at portfolio index `i` is mapped to this unit and counts.
    pub(super) fn counted_item(&self, i: usize) -> bool {
        self.mapped
            .binary_search_by_key(&i, |(index, _)| *index)
            .is_ok_and(|p| self.counted[p])
    }

    /// Per requirement, the positions of the items that claim it, in portfolio order: one pass
    /// over the items instead of one per requirement, into one list for every requirement.
    fn claimers(&self) -> Claimers {
        let reqs = self.unit.reqs.len();
        // An item that names a requirement twice claims it once: `last` is the last position
        // counted for each requirement.
        let mut last = vec![usize::MAX; reqs];
        let mut start = vec![0usize; reqs + 1];
        for (p, (_, resolved)) in self.mapped.iter().enumerate() {
            for &req in resolved.covers(self.pool) {
                if last[req] != p {
                    last[req] = p;
                    start[req + 1] += 1;
                }
            }
        }
        for r in 0..reqs {
            start[r + 1] += start[r];
        }
        let mut next = start.clone();
        let mut positions = vec![0usize; start[reqs]];
        last.fill(usize::MAX);
        for (p, (_, resolved)) in self.mapped.iter().enumerate() {
            for &req in resolved.covers(self.pool) {
                if last[req] != p {
                    last[req] = p;
                    positions[next[req]] = p;
                    next[req] += 1;
                }
            }
        }
        Claimers { start, positions }
    }

    /// Positions of the counted items that pass the filter, in portfolio order (an iterator:
    /// most rules only read them once).
    fn matching<'s>(&'s self, filter: &'s CFilter) -> impl Iterator<Item = usize> + 's {
        (0..self.mapped.len()).filter(|&p| self.counted[p] && self.passes(p, filter))
    }

    /// [`Ctx::matching`] as a list.
    fn matching_list(&self, filter: &CFilter) -> Vec<usize> {
        let mut list = Vec::new();
        self.matching(filter).for_each(|p| self.push(&mut list, p));
        list
    }

    /// Adds a position to a list a rule makes. The first makes room for all of a small
    /// portfolio's items, so that the list is one allocation rather than up to four as it
    /// grows from nothing (lists are made for each rule of each portfolio), and for a start
    /// of a large one's, whose list grows as far as its items take it rather than to all of
    /// them. A list that stays empty allocates nothing.
    fn push(&self, list: &mut Vec<usize>, p: usize) {
        if list.capacity() == 0 {
            list.reserve(self.mapped.len().min(ROOM));
        }
        list.push(p);
    }

    /// The item passes the filter, whether or not it counts.
    fn passes(&self, p: usize, filter: &CFilter) -> bool {
        let (i, m) = &self.mapped[p];
        let item = &self.items[*i];
        filter
            .activity
            .is_none_or(|a| m.activities(self.pool).contains(&a))
            && (filter.method.is_empty() || filter.method.contains(&item.method))
            && (filter.environment.is_empty()
                || item.environment.is_some_and(|e| filter.environment.contains(&e)))
    }

    /// A rule's outcome. A rule with a filter also names the items the filter selects that do
    /// not count; `all` and `any` gather their parts'.
    fn rule<'c>(&self, rule: &Compiled, done: &[Option<Outcome<'_>>]) -> Outcome<'c> {
        let mut outcome = self.rule_inner(rule, done);
        if let (Some(filter), Some(tally)) = (rule.filter(), outcome.tally.as_mut()) {
            let mut left_out = Vec::new();
            (0..self.mapped.len())
                .filter(|&p| !self.counted[p] && self.passes(p, filter))
                .for_each(|p| self.push(&mut left_out, p));
            tally.not_counted = self.not_counted(&left_out);
            outcome.not_counted = left_out;
        }
        outcome
    }

    fn tally(
        &self,
        rule: RuleType,
        met: bool,
        counts: Counted,
        have: u32,
        need: u32,
        filter: &CFilter,
    ) -> Tally {
        Tally {
            rule,
            met,
            counts,
            field: None,
            have,
            need,
            filter: filter.source.clone(),
            values: Vec::new(),
            remaining: Vec::new(),
            list: None,
            per_item: None,
            closest: None,
            span_days: None,
            parts: Vec::new(),
            not_counted: Vec::new(),
        }
    }

    fn rule_inner<'c>(&self, rule: &Compiled, done: &[Option<Outcome<'_>>]) -> Outcome<'c> {
        match rule {
            Compiled::Count { min, filter } => {
                let matching = self.matching_list(filter);
                let n = matching.len() as u32;
                let mut tally = self.tally(RuleType::Count, n >= *min, Counted::Items, n, *min, filter);
                tally.values = matching.iter().map(|p| self.id(*p)).collect();
                Outcome::of_rule(tally, matching, Vec::new())
            }
            Compiled::Distinct { field, min, filter } => {
                let mut values = Distinct::default();
                let mut evidence = Vec::new();
                for p in self.matching(filter) {
                    let mut shows = false;
                    self.for_each_key(p, *field, |key| {
                        shows = true;
                        values.insert(key);
                    });
                    if shows {
                        self.push(&mut evidence, p);
                    }
                }
                let n = values.list.len() as u32;
                let mut tally = self.tally(RuleType::Distinct, n >= *min, (*field).into(), n, *min, filter);
                tally.field = Some(*field);
                tally.values = self.key_texts(*field, &values.list);
                Outcome::of_rule(tally, evidence, Vec::new())
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
                        if m.options(self.pool).contains(option)
                            || self.unit.option_methods[*option].contains(&method)
                        {
                            shown[k] = true;
                            contributes = true;
                        }
                    }
                    if contributes {
                        self.push(&mut evidence, p);
                    }
                }
                let names = |want: bool| -> Vec<SharedStr> {
                    options
                        .iter()
                        .zip(&shown)
                        .filter(|(_, s)| **s == want)
                        .map(|(o, _)| self.unit.option_names[*o].clone())
                        .collect()
                };
                let n = shown.iter().filter(|s| **s).count() as u32;
                let mut tally = self.tally(RuleType::Options, n >= *min, Counted::Options, n, *min, filter);
                tally.values = names(true);
                tally.remaining = names(false);
                tally.list = Some(list.clone());
                Outcome::of_rule(tally, evidence, Vec::new())
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
                        self.push(&mut qualifying, p);
                    } else if best.is_none_or(|(_, b)| count > b) {
                        best = Some((p, count));
                    }
                }
                let n = qualifying.len() as u32;
                let mut tally = self.tally(RuleType::PerItem, n >= *min, Counted::Items, n, *min, filter);
                tally.field = Some(*field);
                tally.per_item = Some(*min_values);
                tally.values = qualifying.iter().map(|p| self.id(*p)).collect();
                tally.closest = best.filter(|_| n < *min).map(|(p, _)| {
                    let mut keys = Vec::new();
                    self.for_each_key(p, *field, |k| keys.push(k));
                    Closest {
                        item: self.id(p),
                        values: self.key_texts(*field, &keys),
                    }
                });
                Outcome::of_rule(tally, qualifying, Vec::new())
            }
            Compiled::Spread {
                min_dates,
                min_span_days,
                filter,
            } => {
                let matching = self.matching_list(filter);
                let mut dates: Vec<Date> = matching.iter().map(|p| self.item(*p).date).collect();
                dates.sort_unstable();
                dates.dedup();
                let span = match (dates.first(), dates.last()) {
                    (Some(first), Some(last)) => last.days_since(*first),
                    _ => 0,
                };
                let n = dates.len() as u32;
                let need = min_dates.unwrap_or(0);
                let span_days = min_span_days.map(|need| Span { have: span, need });
                let met = n >= need && span_days.is_none_or(|s| s.have >= i64::from(s.need));
                let mut tally = self.tally(RuleType::Spread, met, Counted::Dates, n, need, filter);
                tally.values = dates.iter().map(|d| d.shared()).collect();
                tally.span_days = span_days;
                Outcome::of_rule(tally, matching, Vec::new())
            }
            Compiled::Covers { reqs } => {
                let of_met = |r: &usize| {
                    done[*r]
                        .as_ref()
                        .filter(|o| o.met)
                        .map_or(0, |o| o.evidence.len())
                };
                let mut evidence = Vec::with_capacity(reqs.iter().map(of_met).sum());
                let mut met_ids = Vec::new();
                let mut unmet = Vec::new();
                for r in reqs {
                    let id = self.unit.reqs[*r].shared_id();
                    match done[*r].as_ref() {
                        Some(o) if o.met => {
                            evidence.extend(o.evidence.iter().copied());
                            met_ids.push(id);
                        }
                        _ => unmet.push(id),
                    }
                }
                let (have, need) = (met_ids.len() as u32, reqs.len() as u32);
                let mut tally = self.tally(
                    RuleType::Covers,
                    unmet.is_empty(),
                    Counted::Requirements,
                    have,
                    need,
                    &CFilter::default(),
                );
                tally.values = met_ids;
                tally.remaining = unmet;
                Outcome::of_rule(tally, sorted(evidence), Vec::new())
            }
            Compiled::All(rules) | Compiled::Any(rules) => {
                let any = matches!(rule, Compiled::Any(_));
                let outcomes: Vec<Outcome<'_>> = rules.iter().map(|r| self.rule(r, done)).collect();
                let held = outcomes.iter().filter(|o| o.met).count() as u32;
                let met = if any {
                    held > 0
                } else {
                    held == outcomes.len() as u32
                };
                let evidence = outcomes
                    .iter()
                    .filter(|o| !any || o.met || !met)
                    .flat_map(|o| o.evidence.iter().copied())
                    .collect();
                let not_counted = sorted(
                    outcomes
                        .iter()
                        .flat_map(|o| o.not_counted.iter().copied())
                        .collect(),
                );
                let need = if any { 1 } else { outcomes.len() as u32 };
                let mut tally = self.tally(
                    if any { RuleType::Any } else { RuleType::All },
                    met,
                    Counted::Parts,
                    held,
                    need,
                    &CFilter::default(),
                );
                tally.parts = outcomes.into_iter().filter_map(|o| o.tally.map(|t| *t)).collect();
                Outcome::of_rule(tally, sorted(evidence), not_counted)
            }
        }
    }
}

/// The most room [`Ctx::push`] makes in a list at its first position.
const ROOM: usize = 64;

/// The distinct keys a rule has seen, in the order first seen: a scan of the list while it is
/// short (most rules see a few clients or contexts; a set was an allocation or two for each),
/// then a set, so that 100,000 distinct clients stay linear. The incremental form of
/// `values::dedup_keep_order`, which removes repeats from a finished list in place; they share
/// the threshold.
#[derive(Default)]
struct Distinct {
    list: Vec<Key>,
    set: Option<HashSet<Key>>,
}

impl Distinct {
    /// The longest list scanned rather than hashed.
    const SCAN: usize = super::values::SCAN;

    fn insert(&mut self, key: Key) {
        let new = match &mut self.set {
            Some(set) => set.insert(key),
            None if self.list.len() < Self::SCAN => !self.list.contains(&key),
            None => {
                let mut set: HashSet<Key> = self.list.iter().copied().collect();
                let new = set.insert(key);
                self.set = Some(set);
                new
            }
        };
        if new {
            if self.list.is_empty() {
                // Room for the scan at once: grown from nothing it is reallocated at 4 and 8.
                self.list.reserve(Self::SCAN);
            }
            self.list.push(key);
        }
    }
}

/// Positions in order, each once. The lists given are concatenations of lists already in
/// order (a parent's children, a rule's parts): the stable sort finds those runs and merges
/// them, where the unstable one sorted them afresh (4% of a 1,000-item portfolio's check).
fn sorted(mut v: Vec<usize>) -> Vec<usize> {
    v.sort();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::Distinct;

    /// The same distinct keys in the same first-seen order whether the list is scanned or
    /// hashed, across the point where it changes from one to the other.
    #[test]
    fn distinct_keeps_first_seen_order_across_the_switch_to_a_set() {
        for len in [0, 1, 15, 16, 17, 40] {
            let keys: Vec<i64> = (0..len).flat_map(|k| [k * 7 % 41, 3, k * 7 % 41]).collect();
            let mut distinct = Distinct::default();
            keys.iter().for_each(|k| distinct.insert(*k));
            let mut expected: Vec<i64> = Vec::new();
            for k in &keys {
                if !expected.contains(k) {
                    expected.push(*k);
                }
            }
            assert_eq!(distinct.list, expected, "{len} keys");
            // Hashed once there are more than a scan's worth; never while fewer.
            if expected.len() > Distinct::SCAN {
                assert!(distinct.set.is_some(), "{len} keys");
            }
            if expected.len() < Distinct::SCAN {
                assert!(distinct.set.is_none(), "{len} keys");
            }
        }
    }
}
