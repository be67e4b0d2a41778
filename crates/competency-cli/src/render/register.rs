//! The evidence register as the record shows it: every item the assessor recorded, with
//! whether it counted for a unit and, when not, why.

use std::collections::{HashMap, HashSet};

use competency::{ItemStatus, Reason, RegisterEntry, Report, UnitReport};

/// Whether an item counted towards one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// It counts: satisfactory, current, not after the judgement date.
    Counted,
    /// It does not count, and why (the report always gives a reason; `None` is kept
    /// rather than invented).
    NotCounted(Option<Reason>),
}

impl Standing {
    /// The standing an item's status in a unit gives.
    pub fn of(status: &ItemStatus) -> Standing {
        if status.counted {
            Standing::Counted
        } else {
            Standing::NotCounted(status.reason)
        }
    }

    /// `counted`, or the reason code (`pending-judgement`): the words of the register's
    /// last column and of the CSV cells.
    pub fn code(self) -> &'static str {
        match self {
            Standing::Counted => "counted",
            Standing::NotCounted(Some(reason)) => reason.as_str(),
            Standing::NotCounted(None) => "not-counted",
        }
    }

    /// For the register: `yes`, or `no: ` and the reason code.
    pub fn counted_words(self) -> String {
        match self {
            Standing::Counted => "yes".to_owned(),
            other => format!("no: {}", other.code()),
        }
    }
}

/// One row of a unit's register.
#[derive(Debug, Clone, Copy)]
pub struct Row<'r> {
    /// The item's ID, as the unit lists it.
    pub id: &'r str,
    /// What the assessor recorded; `None` only if the register lacks the item.
    pub entry: Option<&'r RegisterEntry>,
    /// Whether it counted for the unit.
    pub standing: Standing,
}

/// The register's entries by item ID.
pub fn index<'r>(report: &'r Report<'_>) -> HashMap<&'r str, &'r RegisterEntry> {
    report.evidence.iter().map(|e| (e.id.as_str(), e)).collect()
}

/// The items mapped to a unit, in portfolio order, with their standing for it.
pub fn for_unit<'r>(report: &'r Report, unit: &'r UnitReport) -> Vec<Row<'r>> {
    let index = index(report);
    unit.evidence
        .iter()
        .map(|status| Row {
            id: &status.id,
            entry: index.get(status.id.as_str()).copied(),
            standing: Standing::of(status),
        })
        .collect()
}

/// The items of the register mapped to none of the units checked, in portfolio order.
pub fn unmapped<'r>(report: &'r Report<'_>) -> Vec<&'r RegisterEntry> {
    let mapped: HashSet<&str> = report
        .units
        .iter()
        .flat_map(|u| u.evidence.iter().map(|s| s.id.as_str()))
        .collect();
    report
        .evidence
        .iter()
        .filter(|e| !mapped.contains(e.id.as_str()))
        .collect()
}

/// When the item was produced: `2026-02-09`, or a period `2026-02-09 to 2026-03-01`.
pub fn period(entry: &RegisterEntry) -> String {
    match entry.end_date {
        Some(end) if end != entry.date => format!("{} to {end}", entry.date),
        _ => entry.date.to_string(),
    }
}

/// The reason codes that occur among these standings, in a fixed order, for a legend.
pub fn reasons(standings: impl IntoIterator<Item = Standing>) -> Vec<Reason> {
    let mut found: Vec<Reason> = standings
        .into_iter()
        .filter_map(|s| match s {
            Standing::NotCounted(reason) => reason,
            Standing::Counted => None,
        })
        .collect();
    found.sort();
    found.dedup();
    found
}
