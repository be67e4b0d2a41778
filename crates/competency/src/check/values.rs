//! An item's client, context and service-period values: checked, trimmed, put in Unicode NFC
//! and interned per portfolio, so that rules compare small indices and one person written two
//! ways is one client.

use std::borrow::Cow;

use crate::hash::IndexSet;
use chrono::Datelike;

use super::evaluate::Ctx;

use super::problems::{Problems, identifier, limit_problem};
use crate::doc_str::Text;
use crate::limits::Limits;
use crate::method::{Environment, Method};
use crate::path::Path;
use crate::portfolio::{Date, EvidenceItem, item_path};
use crate::report::SharedStr;
use crate::rule::Field;
use crate::text::{normalise, shown};

/// An item's values for the fields rules count, each distinct within the item.
#[derive(Debug, Default)]
pub(super) struct ItemValues {
    pub(super) clients: Vec<u32>,
    pub(super) context: Option<u32>,
    pub(super) periods: Vec<u32>,
}

/// Interns an item's client, context and service-period values (trimmed, NFC), refusing
/// blank values and invisible or control characters, which would make one person count twice.
pub(super) fn intern_values<S: Text>(
    i: usize,
    item: &EvidenceItem<S>,
    names: &mut IndexSet<SharedStr>,
    limits: &Limits,
    problems: &mut Problems,
) -> ItemValues {
    let mut out = ItemValues::default();
    let mut list = |key: &'static str, values: &[S], what: &str, into: &mut Vec<u32>| {
        if values.len() > limits.values_per_item {
            problems.push(limit_problem(
                item_path(i).key(key),
                format!(
                    "evidence item `{}` lists {} {what}",
                    shown(&item.id),
                    values.len()
                ),
                limits.values_per_item,
                "values in one list",
                "--max-values",
            ));
            return;
        }
        into.reserve_exact(values.len());
        for (k, value) in values.iter().enumerate() {
            if let Some(v) = value_index(value, what, names, limits, problems, || {
                item_path(i).key(key).index(k)
            }) {
                into.push(v);
            }
        }
        dedup_keep_order(into);
    };
    list("clients", &item.clients, "clients", &mut out.clients);
    list(
        "service_periods",
        &item.service_periods,
        "service periods",
        &mut out.periods,
    );
    if let Some(period) = &item.service_period {
        out.periods.extend(value_index(
            period,
            "service periods",
            names,
            limits,
            problems,
            || item_path(i).key("service_period"),
        ));
    }
    if let Some(context) = &item.context {
        out.context = value_index(context, "contexts", names, limits, problems, || {
            item_path(i).key("context")
        });
    }
    out
}

/// The longest list of values that is searched by scanning it rather than through a hash set:
/// here, and in a `distinct` rule's keys (`evaluate::Distinct`). Past it, a set, so that 100,000
/// values stay linear.
pub(super) const SCAN: usize = 16;

/// Removes repeats, keeping first-seen order: a scan in place for the usual short list, a
/// set for a long one, so that one item with 100,000 clients stays linear.
fn dedup_keep_order(values: &mut Vec<u32>) {
    if values.len() <= SCAN {
        let mut kept = 0;
        for k in 0..values.len() {
            let v = values[k];
            if !values[..kept].contains(&v) {
                values[kept] = v;
                kept += 1;
            }
        }
        values.truncate(kept);
    } else {
        let mut seen = crate::hash::HashSet::with_capacity_and_hasher(values.len(), Default::default());
        values.retain(|v| seen.insert(*v));
    }
}

/// The interned index of one value, or a problem.
fn value_index(
    value: &str,
    what: &str,
    names: &mut IndexSet<SharedStr>,
    limits: &Limits,
    problems: &mut Problems,
    path: impl Fn() -> Path,
) -> Option<u32> {
    // A portfolio repeats its values, mostly written in their normal form: a value already
    // interned exactly as written is the normal form of one that passed the checks (trimmed,
    // no hidden character; NFC could only lengthen it past the 65,536-character limit by a
    // few characters), so a repeat is one lookup.
    if let Some(index) = names.get_index_of(value) {
        return Some(index as u32);
    }
    // The label is written only when there is a problem to describe.
    let label = ValueIn(what);
    if !identifier(value, &label, limits, problems, &path) {
        return None;
    }
    let normal = normalise(value);
    // Written in its normal form, the value was just looked up and is not there.
    let known = match &normal {
        Cow::Borrowed(n) if n.len() == value.len() => None,
        _ => names.get_index_of(normal.as_ref()),
    };
    let index = match known {
        Some(index) => index,
        None => names.insert_full(SharedStr::from(normal.as_ref())).0,
    };
    Some(index as u32)
}

/// "a value in clients", for messages.
struct ValueIn<'a>(&'a str);

impl std::fmt::Display for ValueIn<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a value in {}", self.0)
    }
}

/// A value of a field, comparable across items: an interned index, a method or environment,
/// or a day number.
pub(super) type Key = i64;

impl<S: Text> Ctx<'_, '_, S> {
    /// Calls `f` with each distinct value the item shows for a field.
    pub(super) fn for_each_key(&self, p: usize, field: Field, mut f: impl FnMut(Key)) {
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
    pub(super) fn key_count(&self, p: usize, field: Field) -> usize {
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

    /// Values in words, in the order given: the interned values shared, not copied.
    pub(super) fn key_texts(&self, field: Field, keys: &[Key]) -> Vec<SharedStr> {
        let text = |key: Key| -> SharedStr {
            match field {
                Field::Client | Field::Context | Field::ServicePeriod => usize::try_from(key)
                    .ok()
                    .and_then(|k| self.names.get_index(k))
                    .cloned()
                    .unwrap_or_else(|| SharedStr::from("")),
                Field::Method => SharedStr::from(
                    Method::ALL
                        .iter()
                        .find(|m| **m as Key == key)
                        .map_or("", |m| m.as_str()),
                ),
                Field::Environment => SharedStr::from(
                    Environment::ALL
                        .iter()
                        .find(|e| **e as Key == key)
                        .map_or("", |e| e.as_str()),
                ),
                Field::Date => chrono::NaiveDate::from_num_days_from_ce_opt(key as i32)
                    .map_or_else(|| SharedStr::from(""), |d| Date::from(d).shared()),
            }
        };
        keys.iter().map(|k| text(*k)).collect()
    }
}
