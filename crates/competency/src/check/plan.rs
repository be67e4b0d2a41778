//! The plan that closes a unit's gaps: the fewest further items the planner can find.
//!
//! Method (greedy, deterministic, documented in docs/design.md):
//! 1. Each unmet requirement becomes *needs*: new items with constraints, derived from its
//!    rule and what already counts (its tally): a `count` needs `min − have` items that pass its
//!    filter; a `distinct` on clients or service periods needs one item with the missing number
//!    of new values, on a single-valued field (context, date, method, environment) one item per
//!    missing value; `options` one item tagged with the missing options; `per-item` the missing
//!    items, each with enough values; `spread` items on new dates, or one far enough from the
//!    first date; `all` the needs of its unmet parts; `any` the cheapest part. A requirement that
//!    an item must claim needs only a claim.
//! 2. Needs are merged, in requirement order, into the first item they are compatible with:
//!    the same activity (or none), methods and environments that intersect, date windows that
//!    overlap, and never two needs of one requirement (they must be distinct items). New values
//!    are chosen new to every requirement the item serves.
//! 3. Claims go to the first item (or one item that only claims, when nothing else is needed).
//! 4. Items that claimed or would count but do not are listed as actions (judge, re-assess,
//!    verify, replace); requirements that no new item can meet are listed as blocked.
//!
//! Greedy merging is not guaranteed minimal, but it never suggests an item that does not serve
//! a requirement, and adding items built from the plan completes the unit (a property test).

use crate::doc_str::Text;
use std::collections::BTreeMap;

use super::compile::{Compiled, How};
use super::evaluate::Ctx;
use super::standing::Judged;
use crate::method::{Environment, Method};
use crate::portfolio::Date;
use crate::report::{
    Action, Blocked, NewValues, Plan, Reason, RequirementResult, SharedStr, Suggestion, Tally,
};
use crate::rule::Field;

mod need;
use need::Need;

/// The most new items a unit's plan suggests. Real rules ask for a handful (three clients,
/// five of the following); one asking for thousands (a unit file may say up to 4,294,967,295)
/// would make a plan no assessor reads, held in memory item by item and merged in time that
/// grows with the square of its length. Beyond this, the requirement is listed as blocked.
const MOST_ITEMS: usize = 1_000;

/// The most values a unit's plan names for its new items to differ from (clients, contexts,
/// service periods, dates already counted), over all of them: a rule asking for many items,
/// each new beside a portfolio's many values, would otherwise name those values once per item
/// (in memory and in the report), a product of the two. Beyond this, as beyond
/// [`MOST_ITEMS`], the requirement is listed as blocked.
const MOST_VALUES: usize = 100_000;

/// What is left of a plan's bounds for the needs still to come: a requirement's needs must fit
/// what the requirements before it left, and each part of an `all` rule what the parts before
/// it left, so that no rule, however many parts it has, makes more than the plan holds.
#[derive(Debug, Clone, Copy)]
struct Room {
    items: usize,
    values: usize,
}

impl Room {
    const FULL: Room = Room {
        items: MOST_ITEMS,
        values: MOST_VALUES,
    };

    /// Why `count` new items, each naming `values` values, do not fit, if they do not.
    fn refuses(self, count: usize, values: usize) -> Option<String> {
        self.refuses_total(count, count.saturating_mul(values))
    }

    /// Why `needs` do not fit, if they do not.
    fn refuses_all(self, needs: &[Need]) -> Option<String> {
        self.refuses_total(needs.len(), needs.iter().map(Need::values).sum())
    }

    /// Why `count` new items naming `named` values in all do not fit, if they do not.
    fn refuses_total(self, count: usize, named: usize) -> Option<String> {
        if count > self.items {
            return Some(if self.items == MOST_ITEMS {
                format!("{count} more items are needed, more than the {MOST_ITEMS} a plan suggests")
            } else {
                format!(
                    "{count} more items are needed, more than the {} left of the {MOST_ITEMS} a plan suggests after the items planned before them",
                    self.items
                )
            });
        }
        (named > self.values).then(|| {
            format!(
                "the new items would have to be told apart from {named} values already counted, more than the {MOST_VALUES} a plan names"
            )
        })
    }

    /// What is left once `needs` are planned.
    fn less(self, needs: &[Need]) -> Room {
        Room {
            items: self.items.saturating_sub(needs.len()),
            values: self
                .values
                .saturating_sub(needs.iter().map(Need::values).sum::<usize>()),
        }
    }
}

impl<S: Text> Ctx<'_, '_, S> {
    /// The plan for a unit whose evidence is not complete.
    pub(super) fn plan(&self, results: &[RequirementResult], judged: &Judged<'_>) -> Plan {
        let reqs = &self.unit.reqs;
        let mut needs: Vec<Need> = Vec::new();
        let mut room = Room::FULL;
        // Room for every requirement: in a small portfolio most are unmet claimed ones, and
        // this list grew one at a time to dozens.
        let mut claims: Vec<usize> = Vec::with_capacity(results.len());
        let mut blocked = Vec::new();
        let window = Need {
            date_from: judged.current_since,
            date_to: Some(judged.date),
            ..Need::default()
        };
        for (r, result) in results.iter().enumerate() {
            if result.met {
                continue;
            }
            match (&reqs[r].how, &result.tally) {
                (How::Claimed, _) => claims.push(r),
                (How::Rule(rule), Some(tally)) => match self
                    .needs(r, rule, tally, judged, room)
                    .and_then(|found| room.refuses_all(&found).map_or(Ok(found), Err))
                {
                    Ok(found) => {
                        room = room.less(&found);
                        needs.extend(found);
                    }
                    Err(why) => blocked.push(Blocked {
                        requirement: reqs[r].id.to_string(),
                        text: why,
                    }),
                },
                // A parent is met when its sub-items are; they are planned themselves.
                _ => {}
            }
        }
        // Every new item must be current and not after the judgement date.
        let mut items: Vec<Need> = Vec::new();
        for mut need in needs {
            need.narrow_to(&window);
            match items.iter_mut().find(|item| item.fits(&need)) {
                Some(item) => item.merge(need),
                None => items.push(need),
            }
        }
        if items.is_empty() && !claims.is_empty() {
            items.push(window.clone());
        }
        // Claims: one to each item that nothing else ties to the unit (an item that only adds
        // a context or a date must map to something), the rest to the first item; an untied
        // item with no claim left re-claims the unit's first criterion.
        let mut covers: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
        let untied: Vec<usize> = (0..items.len())
            .filter(|i| items[*i].activity.is_none() && items[*i].options.is_empty())
            .collect();
        let mut rest = claims.iter().copied();
        for &i in &untied {
            match rest.next() {
                Some(r) => covers[i].push(r),
                None => covers[i].extend(reqs.iter().position(|r| r.element.is_some())),
            }
        }
        if let Some(first) = covers.first_mut() {
            first.extend(rest);
        }
        for (item, claimed) in items.iter_mut().zip(&covers) {
            item.serves.reserve(claimed.len());
            for r in claimed {
                if !item.serves.contains(r) && claims.contains(r) {
                    item.serves.push(*r);
                }
            }
        }
        let suggestions = items
            .iter()
            .zip(&covers)
            .map(|(need, claimed)| self.suggestion(need, claimed, judged))
            .collect();
        Plan {
            items: suggestions,
            actions: self.actions(results),
            blocked,
        }
    }

    /// The new items one unmet rule needs, given what already counts for it.
    fn needs(
        &self,
        r: usize,
        rule: &Compiled,
        tally: &Tally,
        judged: &Judged<'_>,
        room: Room,
    ) -> Result<Vec<Need>, String> {
        let missing = tally.need.saturating_sub(tally.have);
        // `n` copies of `need`, if the plan has room for them: counted before they are made.
        let repeat = |need: Need, n: u32| {
            let count = usize::try_from(n).unwrap_or(usize::MAX);
            match room.refuses(count, need.values()) {
                Some(why) => Err(why),
                None => Ok(vec![need; count]),
            }
        };
        Ok(match rule {
            Compiled::Count { filter, .. } => repeat(Need::filtered(r, filter), missing)?,
            Compiled::Distinct { field, filter, .. } => {
                let base = Need::filtered(r, filter);
                let others = tally.values.clone();
                match field {
                    Field::Client => vec![Need {
                        clients: Some((missing, others)),
                        ..base
                    }],
                    Field::ServicePeriod => vec![Need {
                        periods: Some((missing, others)),
                        ..base
                    }],
                    Field::Context => repeat(
                        Need {
                            context: Some(others),
                            ..base
                        },
                        missing,
                    )?,
                    Field::Date => repeat(
                        Need {
                            not_on: parse_dates(&others),
                            ..base
                        },
                        missing,
                    )?,
                    Field::Method => {
                        let allowed = base.methods.clone().unwrap_or_else(|| Method::ALL.to_vec());
                        let free: Vec<Method> = allowed
                            .into_iter()
                            .filter(|m| !others.iter().any(|o| o == m.as_str()))
                            .collect();
                        if free.len() < missing as usize {
                            return Err(format!(
                                "{} more distinct methods are needed, but only {} are left to use",
                                missing,
                                free.len()
                            ));
                        }
                        free.iter()
                            .take(missing as usize)
                            .map(|m| Need {
                                methods: Some(vec![*m]),
                                ..base.clone()
                            })
                            .collect()
                    }
                    Field::Environment => {
                        let allowed = base
                            .environments
                            .clone()
                            .unwrap_or_else(|| Environment::ALL.to_vec());
                        let free: Vec<Environment> = allowed
                            .into_iter()
                            .filter(|e| !others.iter().any(|o| o == e.as_str()))
                            .collect();
                        if free.len() < missing as usize {
                            return Err(format!(
                                "{missing} more distinct environments are needed, but only {} are left",
                                free.len()
                            ));
                        }
                        free.iter()
                            .take(missing as usize)
                            .map(|e| Need {
                                environments: Some(vec![*e]),
                                ..base.clone()
                            })
                            .collect()
                    }
                }
            }
            Compiled::Options { options, filter, .. } => {
                let wanted: Vec<usize> = options
                    .iter()
                    .copied()
                    .filter(|o| {
                        tally
                            .remaining
                            .iter()
                            .any(|name| *name == self.unit.option_names[*o])
                    })
                    .take(missing as usize)
                    .collect();
                vec![Need {
                    options: wanted,
                    ..Need::filtered(r, filter)
                }]
            }
            Compiled::PerItem {
                field,
                min_values,
                filter,
                ..
            } => {
                let mut need = Need::filtered(r, filter);
                match field {
                    Field::Client => need.clients = Some((*min_values, Vec::new())),
                    Field::ServicePeriod => need.periods = Some((*min_values, Vec::new())),
                    // Single-valued fields: any matching item has its one value.
                    _ => {}
                }
                repeat(need, missing)?
            }
            Compiled::Spread { filter, .. } => {
                let dates = parse_dates(&tally.values);
                let base = Need {
                    not_on: dates.clone(),
                    ..Need::filtered(r, filter)
                };
                let mut out = repeat(base.clone(), missing)?;
                if let Some(span) = tally.span_days.filter(|s| s.have < i64::from(s.need)) {
                    let days = chrono::Days::new(u64::from(span.need));
                    let from = judged.current_since;
                    match dates.first() {
                        // One item far enough after the first date.
                        Some(first) => {
                            let after = first.naive().checked_add_days(days).map(Date::from);
                            match after.filter(|d| *d <= judged.date) {
                                Some(after) => out.push(Need {
                                    date_from: Some(after),
                                    ..base
                                }),
                                None => {
                                    return Err(format!(
                                        "the items must span {} days from {first}, which runs past the judgement date {}",
                                        span.need, judged.date
                                    ));
                                }
                            }
                        }
                        // Two items far enough apart, both inside the window.
                        None => {
                            let latest_first = judged.date.naive().checked_sub_days(days).map(Date::from);
                            match latest_first.filter(|d| from.is_none_or(|f| *d >= f)) {
                                Some(first) => {
                                    out.push(Need {
                                        date_to: Some(first),
                                        ..base.clone()
                                    });
                                    out.push(Need {
                                        date_from: Some(judged.date),
                                        ..base
                                    });
                                }
                                None => {
                                    return Err(format!(
                                        "the items must span {} days, longer than the currency window allows",
                                        span.need
                                    ));
                                }
                            }
                        }
                    }
                }
                out
            }
            // The requirements a covers rule names are planned themselves.
            Compiled::Covers { .. } => Vec::new(),
            Compiled::All(rules) => {
                let mut out = Vec::new();
                let mut left = room;
                for (rule, part) in rules.iter().zip(&tally.parts) {
                    if !part.met {
                        let found = self.needs(r, rule, part, judged, left)?;
                        if let Some(why) = left.refuses_all(&found) {
                            return Err(why);
                        }
                        left = left.less(&found);
                        out.extend(found);
                    }
                }
                out
            }
            Compiled::Any(rules) => {
                let mut best: Option<Vec<Need>> = None;
                let mut why = Vec::new();
                for (rule, part) in rules.iter().zip(&tally.parts) {
                    match self.needs(r, rule, part, judged, room) {
                        Ok(found) if best.as_ref().is_none_or(|b| found.len() < b.len()) => {
                            best = Some(found)
                        }
                        Ok(_) => {}
                        // Each reason once: parts too large for the plan give the same one.
                        Err(e) if !why.contains(&e) => why.push(e),
                        Err(_) => {}
                    }
                }
                best.ok_or_else(|| why.join("; and "))?
            }
        })
    }

    fn suggestion(&self, need: &Need, claims: &[usize], judged: &Judged<'_>) -> Suggestion {
        let reqs = &self.unit.reqs;
        let methods = need.methods.clone().unwrap_or_default();
        let verify = &judged.policy.verify;
        let any_method = if methods.is_empty() {
            Method::ALL.to_vec()
        } else {
            methods.clone()
        };
        let values = |v: &Option<(u32, Vec<SharedStr>)>| {
            v.as_ref().map(|(count, other_than)| NewValues {
                count: *count,
                other_than: other_than.clone(),
            })
        };
        let mut s = Suggestion {
            serves: need.serves.iter().map(|r| reqs[*r].shared_id()).collect(),
            covers: claims.iter().map(|r| reqs[*r].shared_id()).collect(),
            activities: need
                .activity
                .map(|a| self.unit.unit.activities[a].id.to_string())
                .into_iter()
                .collect(),
            options: need
                .options
                .iter()
                .map(|o| self.unit.option_names[*o].clone())
                .collect(),
            methods,
            environments: need.environments.clone().unwrap_or_default(),
            clients: values(&need.clients),
            context: need.context.as_ref().map(|other_than| NewValues {
                count: 1,
                other_than: other_than.clone(),
            }),
            service_periods: values(&need.periods),
            date_from: need.date_from,
            date_to: need.date_to.unwrap_or(judged.date),
            not_on: need.not_on.clone(),
            verified: any_method.iter().all(|m| verify.contains(m)),
            text: String::new(),
        };
        s.text = super::explain::suggestion(&s);
        s
    }

    /// The items that claim an unmet requirement, or pass its rule's filter, but do not count.
    fn actions(&self, results: &[RequirementResult]) -> Vec<Action> {
        let position: crate::hash::HashMap<&str, usize> = (0..self.mapped.len())
            .map(|p| (&*self.items[self.mapped[p].0].id, p))
            .collect();
        let mut by_item: BTreeMap<usize, (Reason, Vec<String>)> = BTreeMap::new();
        for result in results.iter().filter(|r| !r.met) {
            for nc in &result.not_counted {
                let Some(&p) = position.get(nc.item.as_str()) else {
                    continue;
                };
                let entry = by_item.entry(p).or_insert((nc.reason, Vec::new()));
                if !entry.1.iter().any(|id| *id == result.id) {
                    entry.1.push(result.id.to_string());
                }
            }
        }
        by_item
            .into_iter()
            .map(|(p, (reason, would_help))| {
                let item = String::from(&*self.items[self.mapped[p].0].id);
                let text = super::explain::action(&item, reason, &would_help);
                Action {
                    item,
                    reason,
                    would_help,
                    text,
                }
            })
            .collect()
    }
}

fn parse_dates(values: &[SharedStr]) -> Vec<Date> {
    values.iter().filter_map(|v| v.parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        text.parse().expect("a date")
    }

    fn values(count: u32, texts: &[&str]) -> Option<(u32, Vec<SharedStr>)> {
        Some((count, texts.iter().map(|t| SharedStr::from(*t)).collect()))
    }

    #[test]
    fn one_item_that_fits_two_needs_takes_the_narrower_of_each_constraint_and_both_values() {
        use Method::{Observation, Questioning, ThirdPartyReport};
        let mut item = Need {
            serves: vec![0],
            methods: Some(vec![Observation, Questioning, ThirdPartyReport]),
            options: vec![1, 2],
            clients: values(2, &["C1", "C2"]),
            context: Some(vec!["ward".into()]),
            date_from: Some(date("2025-01-01")),
            not_on: vec![date("2025-03-01")],
            ..Need::default()
        };
        let need = Need {
            serves: vec![3],
            activity: Some(4),
            methods: Some(vec![ThirdPartyReport, Observation]),
            environments: Some(vec![Environment::Workplace]),
            options: vec![2, 5],
            clients: values(3, &["C2", "C3"]),
            periods: values(1, &[]),
            context: Some(vec!["clinic".into(), "ward".into()]),
            date_to: Some(date("2025-06-30")),
            not_on: vec![date("2025-03-01"), date("2025-04-01")],
            ..Need::default()
        };
        assert!(item.fits(&need));
        item.merge(need);
        assert_eq!(item.serves, [0, 3]);
        assert_eq!(item.activity, Some(4));
        // In this item's order, only what both allow.
        assert_eq!(item.methods, Some(vec![Observation, ThirdPartyReport]));
        assert_eq!(item.environments, Some(vec![Environment::Workplace]));
        // This item's values first, then the other's new ones; the larger count.
        assert_eq!(item.options, [1, 2, 5]);
        assert_eq!(item.clients, values(3, &["C1", "C2", "C3"]));
        assert_eq!(item.periods, values(1, &[]));
        assert_eq!(item.context, Some(vec!["ward".into(), "clinic".into()]));
        assert_eq!(
            (item.date_from, item.date_to),
            (Some(date("2025-01-01")), Some(date("2025-06-30")))
        );
        assert_eq!(item.not_on, [date("2025-03-01"), date("2025-04-01")]);
    }

    #[test]
    fn a_need_does_not_fit_an_item_it_conflicts_with() {
        let item = Need {
            serves: vec![0],
            activity: Some(1),
            methods: Some(vec![Method::Observation]),
            date_to: Some(date("2025-06-30")),
            ..Need::default()
        };
        let fits = |change: fn(&mut Need)| {
            let mut need = Need {
                serves: vec![1],
                ..Need::default()
            };
            change(&mut need);
            item.fits(&need)
        };
        assert!(fits(|_| {}));
        assert!(!fits(|n| n.serves = vec![0]), "the same requirement twice");
        assert!(!fits(|n| n.activity = Some(2)), "another activity");
        assert!(
            !fits(|n| n.methods = Some(vec![Method::Questioning])),
            "no method in common"
        );
        assert!(
            !fits(|n| n.date_from = Some(date("2025-07-01"))),
            "no date in common"
        );
        assert!(fits(|n| n.environments = Some(vec![Environment::Simulated])));
    }
}
