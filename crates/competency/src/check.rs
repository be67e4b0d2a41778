//! The completeness check: a catalog compiled once into a [`Checker`], then any number of
//! portfolios checked against it.
//!
//! Compiling resolves every requirement, activity tag and option of every unit to a small
//! index, so that evaluating a rule works on indices; portfolio names are looked up once per
//! item when the portfolio is validated.

use std::collections::HashMap;

use crate::catalog::Catalog;
use crate::error::{ErrorCode, LoadErrors, Problem};
use crate::ids::{UnitCode, UnitRef};
use crate::method::{Environment, Method};
use crate::path::Path;
use crate::portfolio::{Date, EvidenceItem, Judgement, Portfolio, Source, item_path};
use crate::report::{
    Finding, FindingCode, ItemStatus, REPORT_FORMAT, Report, RequirementKind, RequirementResult, Severity,
    UnitReport,
};
use crate::rule::{Field, Filter, Rule, Scope, items};
use crate::suggest::did_you_mean;
use crate::suggest::suggest_criterion;
use crate::unit::{EvidenceKind, Item, Unit};

/// Options for one check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckOptions {
    /// The judgement date; overrides the portfolio's. Default: the portfolio's, else today.
    pub as_of: Option<Date>,
    /// Check only these of the claimed units (all claimed units when empty).
    pub units: Vec<UnitRef>,
}

/// A catalog compiled for checking.
///
/// ```
/// use competency::{Catalog, Checker, CheckOptions, Format, Source};
/// let checker = Checker::new(Catalog::bundled());
/// let text = r#"
/// format = 1
/// candidate = { id = "S1" }
/// units = ["CHCMGT006"]
/// judgement_date = 2026-11-20
///
/// [[evidence]]
/// id = "E1"
/// title = "Service agreement with client C1"
/// date = 2026-10-01
/// method = "workplace-document"
/// clients = ["C1"]
/// judgement = "satisfactory"
/// units.CHCMGT006 = { covers = ["2.7"], activities = ["service-agreement"] }
/// "#;
/// let report = checker.check_source(&Source::new("p.toml", text, Format::Toml), &CheckOptions::default()).unwrap();
/// let pe2 = report.units[0].requirements.iter().find(|r| r.id == "PE2").unwrap();
/// assert!(!pe2.met);
/// assert_eq!(pe2.missing.as_deref(), Some("1 of 3 distinct clients among items tagged service-agreement: C1; 2 more needed"));
/// ```
#[derive(Debug)]
pub struct Checker<'c> {
    units: HashMap<&'c UnitCode, CompiledUnit<'c>>,
    catalog: &'c Catalog,
}

#[derive(Debug)]
struct CompiledUnit<'c> {
    unit: &'c Unit,
    reqs: Vec<Req<'c>>,
    /// Every ID a portfolio may name in `covers`, to the requirements it claims (a knowledge
    /// parent claims itself and every sub-item; a condition without a rule claims nothing).
    claims: HashMap<&'c str, Vec<usize>>,
    /// The same IDs in unit order, for deterministic suggestions.
    claim_names: Vec<&'c str>,
    activities: HashMap<&'c str, usize>,
    options: HashMap<&'c str, usize>,
    /// Per option (unit-wide index): the methods that show it without a tag.
    option_methods: Vec<&'c [Method]>,
    option_names: Vec<&'c str>,
}

#[derive(Debug)]
struct Req<'c> {
    id: &'c str,
    kind: RequirementKind,
    text: &'c str,
    how: How,
}

#[derive(Debug)]
enum How {
    /// Met when a counted item claims it.
    Claimed,
    /// Met when every sub-item is met.
    Parent(Vec<usize>),
    /// Met when the rule holds.
    Rule(Compiled),
}

/// A rule with its names resolved to indices.
#[derive(Debug)]
enum Compiled {
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
    fn filter(&self) -> Option<&CFilter> {
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

#[derive(Debug)]
struct CFilter {
    activity: Option<usize>,
    method: Vec<Method>,
    environment: Vec<Environment>,
    words: String,
}

impl<'c> Checker<'c> {
    /// Compiles every unit of the catalog.
    pub fn new(catalog: &'c Catalog) -> Self {
        Checker {
            units: catalog.units().map(|u| (&u.code, CompiledUnit::new(u))).collect(),
            catalog,
        }
    }

    /// Parses, validates and checks a portfolio's text; errors carry file, line and column.
    pub fn check_source(&self, source: &Source<'_>, options: &CheckOptions) -> Result<Report, LoadErrors> {
        let portfolio = source.parse()?;
        self.check_inner(&portfolio, options)
            .map_err(|problems| source.locate(problems))
    }

    /// Validates and checks a parsed portfolio; errors carry JSON pointers but no lines.
    pub fn check(&self, portfolio: &Portfolio, options: &CheckOptions) -> Result<Report, LoadErrors> {
        self.check_inner(portfolio, options)
            .map_err(|problems| LoadErrors::new(problems.into_iter().map(Problem::into_error).collect()))
    }

    fn check_inner(&self, portfolio: &Portfolio, options: &CheckOptions) -> Result<Report, Vec<Problem>> {
        let plan = self.validate(portfolio, options)?;
        Ok(self.evaluate(portfolio, options, &plan))
    }
}

/// What validation resolved: the units to check and each item's claims as indices.
struct Plan<'c, 'k> {
    /// Units to check, in portfolio order.
    units: Vec<&'k CompiledUnit<'c>>,
    /// Per unit checked, per item: its resolved mapping, if it maps to the unit.
    mappings: Vec<Vec<Option<Resolved>>>,
    /// Per item: true when it maps to nothing checkable in any claimed unit.
    maps_nothing: Vec<bool>,
}

#[derive(Debug, Default)]
struct Resolved {
    covers: Vec<usize>,
    activities: Vec<usize>,
    options: Vec<usize>,
}

impl Resolved {
    fn is_empty(&self) -> bool {
        self.covers.is_empty() && self.activities.is_empty() && self.options.is_empty()
    }
}

impl<'c> Checker<'c> {
    fn validate<'k>(
        &'k self,
        portfolio: &Portfolio,
        options: &CheckOptions,
    ) -> Result<Plan<'c, 'k>, Vec<Problem>> {
        let mut problems = Vec::new();
        let root = Path::root();
        if portfolio.format != crate::portfolio::PORTFOLIO_FORMAT {
            problems.push(
                Problem::new(
                    ErrorCode::UnsupportedFormat,
                    root.key("format"),
                    format!("portfolio format {} is not supported", portfolio.format),
                )
                .help("this version reads `format = 1`"),
            );
        }
        if portfolio.policy.currency_months.is_some() && portfolio.policy.currency_years.is_some() {
            problems.push(
                Problem::new(
                    ErrorCode::InvalidValue,
                    root.key("policy").key("currency_years"),
                    "the policy gives both `currency_months` and `currency_years`",
                )
                .help("give the currency window once"),
            );
        }
        if portfolio.units.is_empty() {
            problems.push(
                Problem::new(
                    ErrorCode::EmptyList,
                    root.key("units"),
                    "the portfolio claims no units",
                )
                .help("list the units assessed, such as units = [\"CHCMGT006\"]"),
            );
        }
        // Claimed units, resolved.
        let mut claimed: Vec<(usize, &CompiledUnit<'c>)> = Vec::new();
        let mut unresolved: Vec<&str> = Vec::new();
        for (i, reference) in portfolio.units.iter().enumerate() {
            match self.catalog.resolve(reference) {
                Ok(unit) => {
                    if claimed.iter().any(|(_, c)| c.unit.code == unit.code) {
                        problems.push(
                            Problem::new(
                                ErrorCode::DuplicateId,
                                root.key("units").index(i),
                                format!("unit {} is claimed twice", unit.code),
                            )
                            .help("list each unit once"),
                        );
                    } else if let Some(compiled) = self.units.get(&unit.code) {
                        claimed.push((i, compiled));
                    }
                }
                Err(e) => {
                    unresolved.push(reference.code().as_str());
                    problems.push(Problem::new(
                        ErrorCode::UnknownUnit,
                        root.key("units").index(i),
                        e.to_string(),
                    ));
                }
            }
        }
        // The units to check: all claimed, or those asked for.
        let mut selected: Vec<&CompiledUnit<'c>> = Vec::new();
        if options.units.is_empty() {
            selected = claimed.iter().map(|(_, c)| *c).collect();
        } else {
            for reference in &options.units {
                match claimed.iter().find(|(_, c)| &c.unit.code == reference.code()) {
                    Some((_, c)) if reference.release().is_none_or(|r| r == c.unit.release) => {
                        // Asking for a unit twice checks it once.
                        if !selected.iter().any(|s| s.unit.code == c.unit.code) {
                            selected.push(c);
                        }
                    }
                    _ => problems.push(
                        Problem::new(
                            ErrorCode::UnknownUnit,
                            root.key("units"),
                            format!("{reference} was asked for but the portfolio does not claim it"),
                        )
                        .maybe_help(did_you_mean(
                            reference.code().as_str(),
                            claimed.iter().map(|(_, c)| c.unit.code.as_str()),
                        )),
                    ),
                }
            }
        }
        // Evidence items.
        let mut ids: HashMap<&str, usize> = HashMap::new();
        for (i, item) in portfolio.evidence.iter().enumerate() {
            let path = item_path(i);
            if item.id.trim().is_empty() {
                problems.push(Problem::new(
                    ErrorCode::EmptyText,
                    path.key("id"),
                    "an evidence item has an empty ID",
                ));
            } else if let Some(first) = ids.insert(&item.id, i) {
                problems.push(
                    Problem::new(
                        ErrorCode::DuplicateId,
                        path.key("id"),
                        format!("evidence ID `{}` is used twice (also /evidence/{first})", item.id),
                    )
                    .help("give every evidence item its own ID"),
                );
            }
            if item.title.trim().is_empty() {
                problems.push(Problem::new(
                    ErrorCode::EmptyText,
                    path.key("title"),
                    format!("evidence item `{}` has an empty title", item.id),
                ));
            }
            if let Some(end) = item.end_date {
                if end < item.date {
                    problems.push(
                        Problem::new(
                            ErrorCode::InvalidDateRange,
                            path.key("end_date"),
                            format!(
                                "evidence item `{}` ends on {end}, before it starts on {}",
                                item.id, item.date
                            ),
                        )
                        .help("swap the dates, or correct the one that is wrong"),
                    );
                }
            }
            for code in item.units.keys() {
                let known = claimed.iter().any(|(_, c)| c.unit.code.as_str() == code)
                    || unresolved.contains(&code.as_str());
                if !known {
                    problems.push(
                        Problem::new(
                            ErrorCode::UnclaimedUnit,
                            path.key("units").name(code),
                            format!(
                                "evidence item `{}` maps to {code}, which the portfolio does not claim",
                                item.id
                            ),
                        )
                        .maybe_help(
                            did_you_mean(code, claimed.iter().map(|(_, c)| c.unit.code.as_str())).or_else(
                                || Some(format!("add \"{code}\" to `units`, or remove this mapping")),
                            ),
                        ),
                    );
                }
            }
        }
        // Mappings, resolved against every claimed unit (so that a typo is caught even when
        // `--unit` narrows the check).
        let mut resolved_by_code: HashMap<&str, Vec<Option<Resolved>>> = HashMap::new();
        for (_, compiled) in &claimed {
            let code = compiled.unit.code.as_str();
            let mut per_item = Vec::with_capacity(portfolio.evidence.len());
            for (i, item) in portfolio.evidence.iter().enumerate() {
                // A mapping that resolves to nothing checkable (empty, or only conditions that
                // evidence cannot show) does not tie the item to the unit.
                per_item.push(
                    item.units
                        .get(code)
                        .map(|m| compiled.resolve(m, &item_path(i).key("units").name(code), &mut problems))
                        .filter(|r| !r.is_empty()),
                );
            }
            resolved_by_code.insert(code, per_item);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let maps_nothing = (0..portfolio.evidence.len())
            .map(|i| resolved_by_code.values().all(|per_item| per_item[i].is_none()))
            .collect();
        let mappings = selected
            .iter()
            .map(|c| resolved_by_code.remove(c.unit.code.as_str()).unwrap_or_default())
            .collect();
        Ok(Plan {
            units: selected,
            mappings,
            maps_nothing,
        })
    }

    fn evaluate(&self, portfolio: &Portfolio, options: &CheckOptions, plan: &Plan<'c, '_>) -> Report {
        let judgement_date = options
            .as_of
            .or(portfolio.judgement_date)
            .unwrap_or_else(Date::today);
        let current_since = portfolio
            .policy
            .currency_window_months()
            .map(|m| judgement_date.minus_months(m));
        let standing: Vec<Standing> = portfolio
            .evidence
            .iter()
            .map(|item| Standing::of(item, judgement_date, current_since))
            .collect();
        let counted: Vec<bool> = standing.iter().map(|s| s.counts()).collect();
        // How many checked units each counted item serves, for the clustered finding.
        let serving: Vec<usize> = (0..portfolio.evidence.len())
            .map(|i| {
                plan.mappings
                    .iter()
                    .filter(|m| counted[i] && m[i].is_some())
                    .count()
            })
            .collect();

        let mut units = Vec::new();
        for (compiled, mapping) in plan.units.iter().zip(&plan.mappings) {
            let ctx = Ctx {
                unit: compiled,
                items: &portfolio.evidence,
                mapping,
                counted: &counted,
                standing: &standing,
            };
            let requirements = ctx.requirements();
            let met = requirements.iter().filter(|r| r.met).count();
            let mut findings = Vec::new();
            for (i, item) in portfolio.evidence.iter().enumerate() {
                if mapping[i].is_none() {
                    continue;
                }
                findings.extend(standing[i].findings(
                    item,
                    &portfolio.policy.verify,
                    current_since,
                    judgement_date,
                ));
                if serving[i] > 1 {
                    findings.push(Finding {
                        code: FindingCode::Clustered,
                        severity: Severity::Info,
                        item: item.id.clone(),
                        message: format!(
                            "{} counts for {} units checked (clustered assessment)",
                            item.id, serving[i]
                        ),
                    });
                }
            }
            units.push(UnitReport {
                code: compiled.unit.code.to_string(),
                release: compiled.unit.release,
                title: compiled.unit.title.clone(),
                complete: met == requirements.len(),
                met,
                total: requirements.len(),
                evidence: portfolio
                    .evidence
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mapping[*i].is_some())
                    .map(|(i, item)| ItemStatus {
                        id: item.id.clone(),
                        counted: counted[i],
                    })
                    .collect(),
                requirements,
                findings,
            });
        }
        let findings = portfolio
            .evidence
            .iter()
            .zip(&plan.maps_nothing)
            .filter(|(_, nothing)| **nothing)
            .map(|(item, _)| Finding {
                code: FindingCode::MapsToNothing,
                severity: Severity::Warning,
                item: item.id.clone(),
                message: format!("{} maps to no requirement, activity or option of any unit (valid evidence must map to the unit)", item.id),
            })
            .collect();
        Report {
            format: REPORT_FORMAT,
            candidate: portfolio.candidate.id.clone(),
            judgement_date,
            current_since,
            complete: units.iter().all(|u| u.complete),
            units,
            findings,
        }
    }
}

/// Why an item does or does not count.
#[derive(Debug, Clone, Copy)]
struct Standing {
    judgement: Judgement,
    after: bool,
    stale: bool,
}

impl Standing {
    fn of(item: &EvidenceItem, judgement_date: Date, current_since: Option<Date>) -> Self {
        Standing {
            judgement: item.judgement,
            after: item.last_date() > judgement_date,
            stale: current_since.is_some_and(|since| item.last_date() < since),
        }
    }

    fn counts(self) -> bool {
        self.judgement == Judgement::Satisfactory && !self.after && !self.stale
    }

    /// Why the item does not count, in a few words.
    fn reason(self) -> &'static str {
        if self.after {
            "dated after the judgement date"
        } else if self.stale {
            "outside the currency window"
        } else {
            match self.judgement {
                Judgement::Pending => "judgement pending",
                Judgement::NotSatisfactory => "not satisfactory",
                Judgement::Satisfactory => "counted",
            }
        }
    }

    fn findings(
        self,
        item: &EvidenceItem,
        verify: &[Method],
        since: Option<Date>,
        judged: Date,
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut push = |code, severity, message: String| {
            out.push(Finding {
                code,
                severity,
                item: item.id.clone(),
                message,
            })
        };
        if self.after {
            push(
                FindingCode::AfterJudgementDate,
                Severity::Warning,
                format!(
                    "{} is dated {}, after the judgement date {judged}; it does not count",
                    item.id,
                    item.last_date()
                ),
            );
        }
        if let (true, Some(since)) = (self.stale, since) {
            push(
                FindingCode::Stale,
                Severity::Warning,
                format!(
                    "{} is dated {}, before {since}, outside the currency window; it does not count",
                    item.id,
                    item.last_date()
                ),
            );
        }
        if verify.contains(&item.method) && item.verification.is_none() {
            push(
                FindingCode::Unverified,
                Severity::Warning,
                format!(
                    "{} was gathered by {} and the policy requires verification, but none is recorded",
                    item.id, item.method
                ),
            );
        }
        match self.judgement {
            Judgement::Pending => push(
                FindingCode::PendingJudgement,
                Severity::Warning,
                format!(
                    "{} has not been judged yet; it does not count until it is judged satisfactory",
                    item.id
                ),
            ),
            Judgement::NotSatisfactory => push(
                FindingCode::NotSatisfactory,
                Severity::Warning,
                format!("{} was judged not satisfactory; it does not count", item.id),
            ),
            Judgement::Satisfactory => {}
        }
        out
    }
}

impl<'c> CompiledUnit<'c> {
    fn new(unit: &'c Unit) -> Self {
        let mut c = CompiledUnit {
            unit,
            reqs: Vec::new(),
            claims: HashMap::new(),
            claim_names: Vec::new(),
            activities: unit
                .activities
                .iter()
                .enumerate()
                .map(|(i, a)| (a.id.as_str(), i))
                .collect(),
            options: HashMap::new(),
            option_methods: Vec::new(),
            option_names: Vec::new(),
        };
        for list in &unit.option_lists {
            for option in &list.options {
                c.options.insert(option.id.as_str(), c.option_names.len());
                c.option_names.push(option.id.as_str());
                c.option_methods.push(&option.methods);
            }
        }
        for criterion in unit.criteria() {
            c.push_claimable(criterion.id.as_str(), RequirementKind::Criterion, &criterion.text);
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
                c.claims.insert(condition.id.as_str(), Vec::new());
                c.claim_names.push(condition.id.as_str());
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

    fn push_claimable(&mut self, id: &'c str, kind: RequirementKind, text: &'c str) -> usize {
        let index = self.reqs.len();
        self.reqs.push(Req {
            id,
            kind,
            text,
            how: How::Claimed,
        });
        self.claims.insert(id, vec![index]);
        self.claim_names.push(id);
        index
    }

    /// Pushes items depth first; returns the indices of these items (not their descendants).
    fn push_items(&mut self, items: &'c [Item], kind: RequirementKind) -> Vec<usize> {
        let mut mine = Vec::new();
        for item in items {
            let index = self.push_claimable(item.id.as_str(), kind, &item.text);
            mine.push(index);
            if !item.items.is_empty() {
                let children = self.push_items(&item.items, kind);
                // Claiming a parent claims every descendant.
                let mut claimed = vec![index];
                for child in &children {
                    claimed.extend(self.claims.get(self.reqs[*child].id).cloned().unwrap_or_default());
                }
                self.claims.insert(item.id.as_str(), claimed);
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
            words: f.describe(),
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

    /// Resolves one item's mapping to this unit, reporting unknown names.
    fn resolve(
        &self,
        mapping: &crate::portfolio::Mapping,
        path: &Path,
        problems: &mut Vec<Problem>,
    ) -> Resolved {
        let code = &self.unit.code;
        let mut out = Resolved::default();
        for (i, id) in mapping.covers.iter().enumerate() {
            match self.claims.get(id.as_str()) {
                Some(reqs) => out.covers.extend(reqs.iter().copied()),
                None => {
                    let help = if id.starts_with(|c: char| c.is_ascii_digit()) {
                        let criteria: Vec<_> = self.unit.criteria().map(|c| c.id.clone()).collect();
                        suggest_criterion(id, &criteria).map(|c| format!("did you mean {c}?"))
                    } else {
                        did_you_mean(id, self.claim_names.iter().copied())
                    };
                    let what = if id.starts_with(|c: char| c.is_ascii_digit()) {
                        "a criterion"
                    } else {
                        "a requirement"
                    };
                    problems.push(
                        Problem::new(
                            ErrorCode::UnknownRequirement,
                            path.key("covers").index(i),
                            format!("{id} is not {what} of {code}"),
                        )
                        .maybe_help(help),
                    );
                }
            }
        }
        let activities: Vec<&str> = self.unit.activities.iter().map(|a| a.id.as_str()).collect();
        for (i, tag) in mapping.activities.iter().enumerate() {
            match self.activities.get(tag.as_str()) {
                Some(a) => out.activities.push(*a),
                None => problems.push(
                    Problem::new(
                        ErrorCode::UnknownActivity,
                        path.key("activities").index(i),
                        format!("activity `{tag}` is not declared by {code}"),
                    )
                    .help(help_for_unknown(
                        tag,
                        &activities,
                        &format!("{code} declares no activities"),
                        code,
                    )),
                ),
            }
        }
        for (i, option) in mapping.options.iter().enumerate() {
            match self.options.get(option.as_str()) {
                Some(o) => out.options.push(*o),
                None => problems.push(
                    Problem::new(
                        ErrorCode::UnknownOption,
                        path.key("options").index(i),
                        format!("option `{option}` is not in any option list of {code}"),
                    )
                    .help(help_for_unknown(
                        option,
                        &self.option_names,
                        &format!("{code} declares no option lists"),
                        code,
                    )),
                ),
            }
        }
        out
    }
}

/// Help for a name not in a unit's vocabulary: a near miss, else the whole vocabulary.
fn help_for_unknown(name: &str, declared: &[&str], none: &str, code: &UnitCode) -> String {
    did_you_mean(name, declared.iter().copied()).unwrap_or_else(|| {
        if declared.is_empty() {
            none.to_owned()
        } else {
            format!("{code} declares: {}", declared.join(", "))
        }
    })
}

/// Everything one unit's evaluation reads.
struct Ctx<'a, 'c> {
    unit: &'a CompiledUnit<'c>,
    items: &'a [EvidenceItem],
    mapping: &'a [Option<Resolved>],
    counted: &'a [bool],
    standing: &'a [Standing],
}

/// A rule's outcome: met, the items that counted, what is missing.
struct Outcome {
    met: bool,
    evidence: Vec<usize>,
    missing: Option<String>,
}

impl Ctx<'_, '_> {
    fn requirements(&self) -> Vec<RequirementResult> {
        let reqs = &self.unit.reqs;
        let mut outcomes: Vec<Option<Outcome>> = (0..reqs.len()).map(|_| None).collect();
        // Claimed requirements first, then parents (children come after their parent, so in
        // reverse order every child is done before its parent), then rules.
        let claimers = self.claimers();
        for (i, req) in reqs.iter().enumerate() {
            if matches!(req.how, How::Claimed) {
                outcomes[i] = Some(self.claimed(&claimers[i]));
            }
        }
        for (i, req) in reqs.iter().enumerate().rev() {
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
                outcomes[i] = Some(Outcome {
                    met: unmet.is_empty(),
                    evidence: sorted(evidence),
                    missing: (!unmet.is_empty()).then(|| format!("not yet met: {}", unmet.join(", "))),
                });
            }
        }
        for (i, req) in reqs.iter().enumerate() {
            if let How::Rule(rule) = &req.how {
                outcomes[i] = Some(self.rule(rule, &outcomes));
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
                        .map(|i| self.items[*i].id.clone())
                        .collect(),
                    missing: if outcome.met { None } else { outcome.missing },
                }
            })
            .collect()
    }

    fn mapped(&self, i: usize) -> Option<&Resolved> {
        self.mapping[i].as_ref()
    }

    /// Per requirement, the items that claim it, in portfolio order: one pass over the items
    /// instead of one per requirement.
    fn claimers(&self) -> Vec<Vec<usize>> {
        let mut claimers = vec![Vec::new(); self.unit.reqs.len()];
        for (i, mapping) in self.mapping.iter().enumerate() {
            for &req in mapping.iter().flat_map(|m| &m.covers) {
                if claimers[req].last() != Some(&i) {
                    claimers[req].push(i);
                }
            }
        }
        claimers
    }

    fn claimed(&self, claimers: &[usize]) -> Outcome {
        let (evidence, uncounted): (Vec<usize>, Vec<usize>) =
            claimers.iter().partition(|&&i| self.counted[i]);
        let missing = if uncounted.is_empty() {
            "no evidence item claims it".to_owned()
        } else {
            let why: Vec<String> = uncounted
                .iter()
                .map(|&i| format!("{} ({})", self.items[i].id, self.standing[i].reason()))
                .collect();
            format!("claimed only by items that do not count: {}", why.join(", "))
        };
        Outcome {
            met: !evidence.is_empty(),
            evidence,
            missing: Some(missing),
        }
    }

    /// Counted items mapped to the unit that pass the filter, in portfolio order.
    fn matching(&self, filter: &CFilter) -> Vec<usize> {
        (0..self.items.len())
            .filter(|&i| self.counted[i] && self.passes(i, filter))
            .collect()
    }

    /// The item is mapped to the unit and passes the filter, whether or not it counts.
    fn passes(&self, i: usize, filter: &CFilter) -> bool {
        let Some(m) = self.mapped(i) else { return false };
        let item = &self.items[i];
        filter.activity.is_none_or(|a| m.activities.contains(&a))
            && (filter.method.is_empty() || filter.method.contains(&item.method))
            && (filter.environment.is_empty()
                || item.environment.is_some_and(|e| filter.environment.contains(&e)))
    }

    fn rule(&self, rule: &Compiled, done: &[Option<Outcome>]) -> Outcome {
        let mut outcome = self.rule_inner(rule, done);
        if let (false, Some(filter)) = (outcome.met, rule.filter()) {
            let left_out = self.left_out(filter);
            if let (false, Some(missing)) = (left_out.is_empty(), outcome.missing.as_mut()) {
                missing.push_str(&format!(" (not counted: {})", left_out.join(", ")));
            }
        }
        outcome
    }

    /// Items that pass the filter but do not count, with the reason.
    fn left_out(&self, filter: &CFilter) -> Vec<String> {
        (0..self.items.len())
            .filter(|&i| !self.counted[i] && self.passes(i, filter))
            .map(|i| format!("{} ({})", self.items[i].id, self.standing[i].reason()))
            .collect()
    }

    fn rule_inner(&self, rule: &Compiled, done: &[Option<Outcome>]) -> Outcome {
        match rule {
            Compiled::Count { min, filter } => {
                let matching = self.matching(filter);
                let n = matching.len() as u32;
                let missing = if n == 0 {
                    format!("no items{} yet; {min} needed", filter.words)
                } else {
                    format!(
                        "{n} of {min} items{}: {}; {} more needed",
                        filter.words,
                        self.ids(&matching),
                        min - n.min(*min)
                    )
                };
                Outcome {
                    met: n >= *min,
                    evidence: matching,
                    missing: Some(missing),
                }
            }
            Compiled::Distinct { field, min, filter } => {
                let mut values: Vec<String> = Vec::new();
                let mut evidence = Vec::new();
                for i in self.matching(filter) {
                    let vals = field_values(&self.items[i], *field);
                    if !vals.is_empty() {
                        evidence.push(i);
                    }
                    for v in vals {
                        if !values.contains(&v) {
                            values.push(v);
                        }
                    }
                }
                let n = values.len() as u32;
                let missing = if n == 0 {
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
                        values.join(", "),
                        min - n.min(*min)
                    )
                };
                Outcome {
                    met: n >= *min,
                    evidence,
                    missing: Some(missing),
                }
            }
            Compiled::Options {
                list,
                options,
                min,
                filter,
            } => {
                let mut shown = vec![false; options.len()];
                let mut evidence = Vec::new();
                for i in self.matching(filter) {
                    let Some(m) = self.mapped(i) else { continue };
                    let mut contributes = false;
                    for (k, option) in options.iter().enumerate() {
                        let by_tag = m.options.contains(option);
                        let by_method = self.unit.option_methods[*option].contains(&self.items[i].method);
                        if by_tag || by_method {
                            shown[k] = true;
                            contributes = true;
                        }
                    }
                    if contributes {
                        evidence.push(i);
                    }
                }
                let names = |want: bool| -> Vec<&str> {
                    options
                        .iter()
                        .zip(&shown)
                        .filter(|(_, s)| **s == want)
                        .map(|(o, _)| self.unit.option_names[*o])
                        .collect()
                };
                let n = names(true).len() as u32;
                let missing = format!(
                    "{n} of {min} options of {list} shown{}; {} more needed from: {}",
                    if n == 0 {
                        String::new()
                    } else {
                        format!(": {}", names(true).join(", "))
                    },
                    min - n.min(*min),
                    names(false).join(", ")
                );
                Outcome {
                    met: n >= *min,
                    evidence,
                    missing: Some(missing),
                }
            }
            Compiled::PerItem {
                field,
                min_values,
                min,
                filter,
            } => {
                let mut qualifying = Vec::new();
                let mut best: Option<(usize, Vec<String>)> = None;
                for i in self.matching(filter) {
                    let vals = field_values(&self.items[i], *field);
                    if vals.len() as u32 >= *min_values {
                        qualifying.push(i);
                    } else if best.as_ref().is_none_or(|(_, b)| vals.len() > b.len()) {
                        best = Some((i, vals));
                    }
                }
                let n = qualifying.len() as u32;
                let mut missing = format!(
                    "{n} of {min} {}{} involving at least {min_values} distinct {}{}",
                    items(*min),
                    filter.words,
                    field.plural(),
                    if *min == 1 { "" } else { " each" }
                );
                match best {
                    Some((i, vals)) if n < *min => missing.push_str(&format!(
                        "; closest: {} with {} ({})",
                        self.items[i].id,
                        vals.len(),
                        if vals.is_empty() {
                            "none".to_owned()
                        } else {
                            vals.join(", ")
                        }
                    )),
                    None if n == 0 => missing.push_str(&format!("; no items{} yet", filter.words)),
                    _ => {}
                }
                Outcome {
                    met: n >= *min,
                    evidence: qualifying,
                    missing: Some(missing),
                }
            }
            Compiled::Spread {
                min_dates,
                min_span_days,
                filter,
            } => {
                let matching = self.matching(filter);
                let mut dates: Vec<Date> = matching.iter().map(|i| self.items[*i].date).collect();
                dates.sort();
                dates.dedup();
                let span = match (dates.first(), dates.last()) {
                    (Some(first), Some(last)) => last.days_since(*first),
                    _ => 0,
                };
                let mut problems = Vec::new();
                let mut met = true;
                if let Some(min) = min_dates {
                    let n = dates.len() as u32;
                    if n < *min {
                        met = false;
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
                }
                if let Some(min) = min_span_days {
                    if span < i64::from(*min) {
                        met = false;
                        problems.push(format!("items{} span {span} of {min} days", filter.words));
                    }
                }
                Outcome {
                    met,
                    evidence: matching,
                    missing: Some(problems.join("; ")),
                }
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
                Outcome {
                    met: unmet.is_empty(),
                    evidence: sorted(evidence),
                    missing: Some(format!("not yet met: {}", unmet.join(", "))),
                }
            }
            Compiled::All(rules) => {
                let outcomes: Vec<Outcome> = rules.iter().map(|r| self.rule(r, done)).collect();
                let met = outcomes.iter().all(|o| o.met);
                let missing: Vec<String> = outcomes
                    .iter()
                    .filter(|o| !o.met)
                    .filter_map(|o| o.missing.clone())
                    .collect();
                Outcome {
                    met,
                    evidence: sorted(outcomes.into_iter().flat_map(|o| o.evidence).collect()),
                    missing: Some(missing.join("; and ")),
                }
            }
            Compiled::Any(rules) => {
                let outcomes: Vec<Outcome> = rules.iter().map(|r| self.rule(r, done)).collect();
                let met = outcomes.iter().any(|o| o.met);
                let evidence = if met {
                    outcomes
                        .iter()
                        .filter(|o| o.met)
                        .flat_map(|o| o.evidence.clone())
                        .collect()
                } else {
                    outcomes.iter().flat_map(|o| o.evidence.clone()).collect()
                };
                let missing: Vec<String> = outcomes
                    .iter()
                    .filter_map(|o| o.missing.clone())
                    .map(|m| format!("({m})"))
                    .collect();
                Outcome {
                    met,
                    evidence: sorted(evidence),
                    missing: Some(format!("one of these is needed: {}", missing.join(" or "))),
                }
            }
        }
    }

    fn ids(&self, indices: &[usize]) -> String {
        indices
            .iter()
            .map(|i| self.items[*i].id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The distinct values an item shows for a field, in the order written.
fn field_values(item: &EvidenceItem, field: Field) -> Vec<String> {
    let mut values: Vec<String> = match field {
        Field::Client => item
            .clients
            .iter()
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect(),
        Field::Context => item
            .context
            .iter()
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect(),
        Field::Method => vec![item.method.as_str().to_owned()],
        Field::Environment => item.environment.iter().map(|e| e.as_str().to_owned()).collect(),
        Field::ServicePeriod => item
            .service_period
            .iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        Field::Date => vec![item.date.to_string()],
    };
    let mut seen = Vec::new();
    values.retain(|v| {
        let new = !seen.contains(v);
        if new {
            seen.push(v.clone());
        }
        new
    });
    values
}

fn sorted(mut v: Vec<usize>) -> Vec<usize> {
    v.sort_unstable();
    v.dedup();
    v
}
