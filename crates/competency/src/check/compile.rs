//! Compiling: a unit's requirements, activity tags and options resolved to small indices,
//! and its rules to [`Compiled`] rules over those indices. Done once per unit, when a
//! portfolio first claims it.

use crate::hash::HashMap;
use std::sync::Arc;

use crate::method::{Environment, Method};
use crate::report::{RequirementKind, SharedStr};
use crate::rule::{Field, Filter, Rule, Scope};
use crate::unit::{EvidenceKind, Item, Unit};

/// One unit, compiled. It owns what it holds (the unit shared, names copied), so that a
/// checker can own its catalog without borrowing from itself.
#[derive(Debug)]
pub(super) struct CompiledUnit {
    pub(super) unit: Arc<Unit>,
    /// The unit as messages name it: its code, or `CODE@RELEASE` when the catalog holds
    /// several releases of it.
    pub(super) name: String,
    /// SHA-256 of the unit file, hex.
    pub(super) digest: String,
    pub(super) reqs: Vec<Req>,
    /// Every ID a portfolio may name in `covers`, to the requirements it claims (a knowledge
    /// parent claims itself and every sub-item; a condition without a rule claims nothing).
    pub(super) claims: HashMap<String, Vec<usize>>,
    /// The same IDs in unit order, for deterministic suggestions.
    pub(super) claim_names: Vec<String>,
    pub(super) activities: HashMap<String, usize>,
    pub(super) options: HashMap<String, usize>,
    /// Per option (unit-wide index): the methods that show it without a tag.
    pub(super) option_methods: Vec<Vec<Method>>,
    /// Per option: its ID, shared by every tally that names it.
    pub(super) option_names: Vec<SharedStr>,
}

/// One requirement in report order.
#[derive(Debug)]
pub(super) struct Req {
    /// The requirement's ID, as its unit gives it: a report borrows it.
    pub(super) id: String,
    /// The same ID as tallies and plans hold it (`Req::shared_id`), made once: a clone is a
    /// copy, or for an ID over 23 bytes (`legislation-codes-standards`) a count, where making
    /// it at each use would allocate.
    shared: SharedStr,
    /// The element a criterion is under.
    pub(super) element: Option<String>,
    pub(super) kind: RequirementKind,
    pub(super) text: String,
    pub(super) how: How,
}

impl Req {
    /// The ID as a tally or a plan holds it.
    pub(super) fn shared_id(&self) -> SharedStr {
        self.shared.clone()
    }
}

/// How a requirement is decided.
#[derive(Debug)]
pub(super) enum How {
    /// Met when a counted item claims it.
    Claimed,
    /// Met when every sub-item is met.
    Parent(Vec<usize>),
    /// Met when the rule holds.
    Rule(Compiled),
}

/// A rule with its names resolved to indices.
#[derive(Debug)]
pub(super) enum Compiled {
    Count {
        min: u32,
        filter: CFilter,
    },
    Distinct {
        field: Field,
        min: u32,
        filter: CFilter,
    },
    Options {
        list: String,
        options: Vec<usize>,
        min: u32,
        filter: CFilter,
    },
    PerItem {
        field: Field,
        min_values: u32,
        min: u32,
        filter: CFilter,
    },
    Spread {
        min_dates: Option<u32>,
        min_span_days: Option<u32>,
        filter: CFilter,
    },
    Covers {
        reqs: Vec<usize>,
    },
    All(Vec<Compiled>),
    Any(Vec<Compiled>),
}

impl Compiled {
    pub(super) fn filter(&self) -> Option<&CFilter> {
        match self {
            Compiled::Count { filter, .. }
            | Compiled::Distinct { filter, .. }
            | Compiled::Options { filter, .. }
            | Compiled::PerItem { filter, .. }
            | Compiled::Spread { filter, .. } => Some(filter),
            Compiled::Covers { .. } | Compiled::All(_) | Compiled::Any(_) => None,
        }
    }
}

/// A rule's filter with its activity resolved; `source` is the filter as the unit writes it.
#[derive(Debug, Default)]
pub(super) struct CFilter {
    pub(super) activity: Option<usize>,
    pub(super) method: Vec<Method>,
    pub(super) environment: Vec<Environment>,
    pub(super) source: Filter,
}

impl CompiledUnit {
    pub(super) fn new(shared: Arc<Unit>, digest: &str, name: String) -> Self {
        // A second handle to read from while `c` is built.
        let unit = Arc::clone(&shared);
        let unit = &*unit;
        let mut c = CompiledUnit {
            unit: shared,
            name,
            digest: digest.to_owned(),
            reqs: Vec::new(),
            claims: HashMap::default(),
            claim_names: Vec::new(),
            activities: unit
                .activities
                .iter()
                .enumerate()
                .map(|(i, a)| (a.id.to_string(), i))
                .collect(),
            options: HashMap::default(),
            option_methods: Vec::new(),
            option_names: Vec::new(),
        };
        for list in &unit.option_lists {
            for option in &list.options {
                c.options.insert(option.id.to_string(), c.option_names.len());
                c.option_names.push(SharedStr::from(option.id.as_str()));
                c.option_methods.push(option.methods.clone());
            }
        }
        for element in &unit.elements {
            for criterion in &element.criteria {
                let r = c.push_claimable(criterion.id.as_str(), RequirementKind::Criterion, &criterion.text);
                c.reqs[r].element = Some(element.id.to_string());
            }
        }
        let evidence_start = c.reqs.len();
        for e in &unit.evidence {
            let kind = match e.kind {
                EvidenceKind::Performance => RequirementKind::Performance,
                EvidenceKind::CriticalAspect => RequirementKind::CriticalAspect,
                EvidenceKind::Contexts => RequirementKind::Contexts,
                EvidenceKind::Method => RequirementKind::Method,
            };
            c.push_claimable(e.id.as_str(), kind, &e.text);
        }
        if let Some(k) = &unit.knowledge {
            c.push_items(&k.items, RequirementKind::Knowledge);
        }
        if let Some(s) = &unit.skills {
            c.push_items(&s.items, RequirementKind::Skill);
        }
        let conditions_start = c.reqs.len();
        for condition in &unit.conditions {
            if condition.rule.is_some() {
                c.push_claimable(condition.id.as_str(), RequirementKind::Condition, &condition.text);
            } else {
                // Named by a portfolio without error, but not checked: it is for the RTO.
                c.claims.insert(condition.id.to_string(), Vec::new());
                c.claim_names.push(condition.id.to_string());
            }
        }
        // Rules last, once every requirement they may name has its index.
        for (offset, e) in unit.evidence.iter().enumerate() {
            if let Some(rule) = &e.rule {
                c.reqs[evidence_start + offset].how = How::Rule(c.compile(rule));
            }
        }
        let ruled = unit.conditions.iter().filter_map(|cond| cond.rule.as_ref());
        for (offset, rule) in ruled.enumerate() {
            c.reqs[conditions_start + offset].how = How::Rule(c.compile(rule));
        }
        c
    }

    fn push_claimable(&mut self, id: &str, kind: RequirementKind, text: &str) -> usize {
        let index = self.reqs.len();
        self.reqs.push(Req {
            id: id.to_owned(),
            shared: SharedStr::from(id),
            element: None,
            kind,
            text: text.to_owned(),
            how: How::Claimed,
        });
        self.claims.insert(id.to_owned(), vec![index]);
        self.claim_names.push(id.to_owned());
        index
    }

    /// Pushes items depth first; returns the indices of these items (not their descendants).
    fn push_items(&mut self, items: &[Item], kind: RequirementKind) -> Vec<usize> {
        let mut mine = Vec::new();
        for item in items {
            let index = self.push_claimable(item.id.as_str(), kind, &item.text);
            mine.push(index);
            if !item.items.is_empty() {
                let children = self.push_items(&item.items, kind);
                // Claiming a parent claims every descendant.
                let mut claimed = vec![index];
                for child in &children {
                    claimed.extend(
                        self.claims
                            .get(&self.reqs[*child].id)
                            .cloned()
                            .unwrap_or_default(),
                    );
                }
                self.claims.insert(item.id.to_string(), claimed);
                self.reqs[index].how = How::Parent(children);
            }
        }
        mine
    }

    fn compile(&self, rule: &Rule) -> Compiled {
        let filter = |f: &Filter| CFilter {
            activity: f
                .activity
                .as_ref()
                .and_then(|a| self.activities.get(a.as_str()).copied()),
            method: f.method.clone(),
            environment: f.environment.clone(),
            source: f.clone(),
        };
        match rule {
            Rule::Count { min, filter: f } => Compiled::Count {
                min: *min,
                filter: filter(f),
            },
            Rule::Distinct {
                field,
                min,
                filter: f,
            } => Compiled::Distinct {
                field: *field,
                min: *min,
                filter: filter(f),
            },
            Rule::Options { list, min, filter: f } => Compiled::Options {
                list: list.to_string(),
                options: self
                    .unit
                    .option_list(list.as_str())
                    .map(|l| {
                        l.options
                            .iter()
                            .filter_map(|o| self.options.get(o.id.as_str()).copied())
                            .collect()
                    })
                    .unwrap_or_default(),
                min: *min,
                filter: filter(f),
            },
            Rule::PerItem {
                field,
                min_values,
                min,
                filter: f,
            } => Compiled::PerItem {
                field: *field,
                min_values: *min_values,
                min: *min,
                filter: filter(f),
            },
            Rule::Spread {
                min_dates,
                min_span_days,
                filter: f,
            } => Compiled::Spread {
                min_dates: *min_dates,
                min_span_days: *min_span_days,
                filter: filter(f),
            },
            Rule::Covers { of, ids } => {
                let kind = of.map(|s| match s {
                    Scope::Criteria => RequirementKind::Criterion,
                    Scope::Knowledge => RequirementKind::Knowledge,
                    Scope::Skills => RequirementKind::Skill,
                });
                let mut reqs: Vec<usize> = self
                    .reqs
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| Some(r.kind) == kind)
                    .map(|(i, _)| i)
                    .collect();
                for id in ids {
                    if let Some(i) = self.reqs.iter().position(|r| r.id == id.as_str()) {
                        if !reqs.contains(&i) {
                            reqs.push(i);
                        }
                    }
                }
                Compiled::Covers { reqs }
            }
            Rule::All { rules } => Compiled::All(rules.iter().map(|r| self.compile(r)).collect()),
            Rule::Any { rules } => Compiled::Any(rules.iter().map(|r| self.compile(r)).collect()),
        }
    }
}
