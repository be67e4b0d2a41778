//! Validating a portfolio against the compiled catalog: every problem found, each with the path
//! of the value at fault; and, when there is none, each item's mappings and values resolved to
//! indices for evaluation.
//!
//! Paths are built only for problems, so a valid portfolio costs no path allocations, and every
//! loop is linear in the portfolio's size.

use crate::hash::HashMap;

use crate::hash::IndexSet;

use super::Checker;
use super::compile::{CompiledUnit, How};
use super::problems::{Problems, conflicting_releases, identifier, limit_problem, text_length, unclaimed};
use super::recorded;
use super::values::{ItemValues, intern_values};
use crate::doc_str::Text;
use crate::error::{ErrorCode, Problem};
use crate::limits::Limits;
use crate::path::Path;
use crate::portfolio::{EvidenceItem, Mapping, PORTFOLIO_FORMAT, Portfolio, item_path};
use crate::report::SharedStr;
use crate::suggest::{did_you_mean, suggest_criterion};
use crate::text::{is_blank, shown};

/// What validation resolved: the units to check, and per unit the items mapped to it.
pub(super) struct Resolution<'k> {
    /// Units to check, in portfolio order (or in the order asked for).
    pub(super) units: Vec<&'k CompiledUnit>,
    /// Per unit checked: the items that map to it, in portfolio order, with their claims.
    pub(super) mapped: Vec<Vec<(usize, Resolved)>>,
    /// Every mapping's indices, one after another (see [`Resolved`]).
    pub(super) pool: Vec<usize>,
    /// Items that map to nothing checkable in any claimed unit, in portfolio order.
    pub(super) maps_nothing: Vec<usize>,
    /// Per item: its client, context and service-period values as interned indices.
    pub(super) values: Vec<ItemValues>,
    /// The interned values (trimmed, NFC), in first-seen order.
    pub(super) names: IndexSet<SharedStr>,
}

/// One item's mapping to one unit, as indices into the compiled unit: the requirements it
/// claims, then its activities, then its options, as ranges of the portfolio's `pool`, which
/// holds every mapping's indices one after another (no allocation a mapping: a 10,000-item
/// portfolio has one mapping per item and unit).
#[derive(Debug)]
pub(super) struct Resolved {
    start: usize,
    activities_at: usize,
    options_at: usize,
    end: usize,
    /// Requirements named in `covers` that their rule decides: naming them has no effect.
    pub(super) named_ruled: Vec<usize>,
}

impl Resolved {
    fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Requirements claimed (a parent expands to itself and its descendants).
    pub(super) fn covers<'p>(&self, pool: &'p [usize]) -> &'p [usize] {
        &pool[self.start..self.activities_at]
    }

    pub(super) fn activities<'p>(&self, pool: &'p [usize]) -> &'p [usize] {
        &pool[self.activities_at..self.options_at]
    }

    pub(super) fn options<'p>(&self, pool: &'p [usize]) -> &'p [usize] {
        &pool[self.options_at..self.end]
    }
}

/// The longest currency window a policy may set: 100 years, beyond any RTO's and within the
/// calendar's range.
pub(crate) const MAX_CURRENCY_MONTHS: u32 = 1_200;

impl<'c> Checker<'c> {
    pub(super) fn validate<'k, S: Text>(
        &'k self,
        portfolio: &Portfolio<S>,
        options: &super::CheckOptions,
    ) -> Result<Resolution<'k>, Vec<Problem>> {
        let limits = &options.limits;
        let mut problems = Problems {
            list: Vec::new(),
            limit: limits.errors.max(1),
        };
        let root = Path::root();
        if portfolio.format != PORTFOLIO_FORMAT {
            problems.push(
                Problem::new(
                    ErrorCode::UnsupportedFormat,
                    root.key("format"),
                    format!("portfolio format {} is not supported", portfolio.format),
                )
                .help("this version reads `format = 1`"),
            );
        }
        if portfolio.evidence.len() > limits.evidence_items {
            // Nothing else is looked at: the document is too large to be worth the time.
            problems.push(limit_problem(
                root.key("evidence"),
                format!("the portfolio has {} evidence items", portfolio.evidence.len()),
                limits.evidence_items,
                "evidence items",
                "--max-items",
            ));
            return Err(problems.finish());
        }
        self.validate_header(portfolio, limits, &mut problems);
        // Claimed units, resolved.
        let mut claimed: Vec<&CompiledUnit> = Vec::new();
        let mut unresolved: Vec<&str> = Vec::new();
        for (i, reference) in portfolio.units.iter().enumerate() {
            match self.catalog.resolve(reference) {
                Ok(unit) => match claimed.iter().find(|c| c.unit.code == unit.code) {
                    Some(first) if first.unit.release == unit.release => problems.push(
                        Problem::new(
                            ErrorCode::DuplicateId,
                            root.key("units").index(i),
                            format!("unit {} is claimed twice", unit.code),
                        )
                        .help("list each unit once"),
                    ),
                    Some(first) => problems.push(conflicting_releases(
                        portfolio,
                        i,
                        unit.release,
                        first.unit.release,
                    )),
                    None => claimed.extend(self.compiled(unit)),
                },
                Err(e) => {
                    unresolved.push(reference.code().as_str());
                    problems.push(
                        Problem::new(ErrorCode::UnknownUnit, root.key("units").index(i), e.to_string())
                            .maybe_help(e.help()),
                    );
                }
            }
        }
        let selected = self.select(&claimed, options, &mut problems);
        recorded::outcomes(portfolio, &claimed, &unresolved, &mut problems);
        recorded::prior_units(portfolio, limits, &mut problems);
        // Evidence items: their own fields, their values interned, their mappings resolved
        // against every claimed unit (so that a typo is caught even when `--unit` narrows the
        // check).
        let mut ids: HashMap<&str, usize> =
            HashMap::with_capacity_and_hasher(portfolio.evidence.len(), Default::default());
        let mut names: IndexSet<SharedStr> = IndexSet::default();
        let mut values = Vec::with_capacity(portfolio.evidence.len());
        // Most portfolios claim one unit, to which every item is then mapped: its list is sized
        // for them all rather than grown one item at a time. With more units, each grows.
        let sized = if claimed.len() == 1 {
            portfolio.evidence.len()
        } else {
            0
        };
        let mut mapped: Vec<Vec<(usize, Resolved)>> =
            claimed.iter().map(|_| Vec::with_capacity(sized)).collect();
        let mut maps_nothing = Vec::new();
        // Sized for every name the mappings give that is within the limit (a name that stands
        // for several requirements adds more): grown from nothing, it was reallocated about six
        // times a portfolio.
        let names_given = portfolio.evidence.iter().flat_map(|item| item.units.values());
        let within = |len: usize| len.min(limits.values_per_item);
        let mut pool = Vec::with_capacity(
            names_given
                .map(|m| within(m.covers.len()) + within(m.activities.len()) + within(m.options.len()))
                .sum(),
        );
        for (i, item) in portfolio.evidence.iter().enumerate() {
            if problems.full() {
                break;
            }
            validate_item(i, item, &mut ids, limits, &mut problems);
            values.push(intern_values(i, item, &mut names, limits, &mut problems));
            let mut maps_something = false;
            for (code, mapping) in &item.units {
                let Some(slot) = claimed.iter().position(|c| c.unit.code.as_str() == &**code) else {
                    if !unresolved.contains(&&**code) {
                        problems.push(unclaimed(i, item, code, &claimed));
                    }
                    continue;
                };
                let resolved = claimed[slot].resolve(mapping, i, code, limits, &mut pool, &mut problems);
                // A mapping that resolves to nothing checkable (empty, or only conditions
                // that evidence cannot show) does not tie the item to the unit.
                if !resolved.is_empty() {
                    maps_something = true;
                    mapped[slot].push((i, resolved));
                }
            }
            if !maps_something {
                maps_nothing.push(i);
            }
        }
        let problems = problems.finish();
        if !problems.is_empty() {
            return Err(problems);
        }
        // Keep the mappings of the units checked, in the order they are checked.
        let mut by_slot: Vec<Option<Vec<(usize, Resolved)>>> = mapped.into_iter().map(Some).collect();
        let mapped = selected
            .iter()
            .map(|&slot| by_slot[slot].take().unwrap_or_default())
            .collect();
        Ok(Resolution {
            units: selected.iter().map(|&slot| claimed[slot]).collect(),
            mapped,
            pool,
            maps_nothing,
            values,
            names,
        })
    }

    fn validate_header<S: Text>(&self, portfolio: &Portfolio<S>, limits: &Limits, problems: &mut Problems) {
        let root = Path::root();
        let policy = &portfolio.policy;
        if policy.currency_months.is_some() && policy.currency_years.is_some() {
            problems.push(
                Problem::new(
                    ErrorCode::InvalidValue,
                    root.key("policy").key("currency_years"),
                    "the policy gives both `currency_months` and `currency_years`",
                )
                .help("give the currency window once"),
            );
        }
        for (key, value, max) in [
            ("currency_months", policy.currency_months, MAX_CURRENCY_MONTHS),
            ("currency_years", policy.currency_years, MAX_CURRENCY_MONTHS / 12),
        ] {
            let Some(value) = value else { continue };
            if value == 0 || value > max {
                problems.push(
                    Problem::new(
                        ErrorCode::InvalidValue,
                        root.key("policy").key(key),
                        format!("a currency window of {value} ({key}) is not between 1 and {max}"),
                    )
                    .help("give the RTO's window (often 2 to 5 years), or leave it out for no window"),
                );
            }
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
        identifier(
            &portfolio.candidate.id,
            &"the candidate's ID",
            limits,
            problems,
            || root.key("candidate").key("id"),
        );
        if let Some(name) = &portfolio.candidate.name {
            text_length(name, limits, problems, || root.key("candidate").key("name"));
        }
        if let Some(assessor) = &portfolio.assessor {
            identifier(&assessor.id, &"the assessor's ID", limits, problems, || {
                root.key("assessor").key("id")
            });
            if let Some(name) = &assessor.name {
                text_length(name, limits, problems, || root.key("assessor").key("name"));
            }
        }
    }

    /// The claimed units to check (positions in `claimed`): all, or those asked for.
    fn select(
        &self,
        claimed: &[&CompiledUnit],
        options: &super::CheckOptions,
        problems: &mut Problems,
    ) -> Vec<usize> {
        if options.units.is_empty() {
            return (0..claimed.len()).collect();
        }
        let mut selected: Vec<usize> = Vec::new();
        for reference in &options.units {
            match claimed.iter().position(|c| &c.unit.code == reference.code()) {
                Some(slot)
                    if reference
                        .release()
                        .is_none_or(|r| r == claimed[slot].unit.release) =>
                {
                    // Asking for a unit twice checks it once.
                    if !selected.contains(&slot) {
                        selected.push(slot);
                    }
                }
                Some(slot) => {
                    let code = reference.code();
                    let release = claimed[slot].unit.release;
                    problems.push(
                        Problem::new(
                            ErrorCode::UnknownUnit,
                            Path::root().key("units"),
                            format!(
                                "{reference} was asked for but the portfolio claims release {release} of {code}"
                            ),
                        )
                        .help(format!("ask for {code} or {code}@{release}")),
                    )
                }
                None => problems.push(
                    Problem::new(
                        ErrorCode::UnknownUnit,
                        Path::root().key("units"),
                        format!("{reference} was asked for but the portfolio does not claim it"),
                    )
                    .maybe_help(did_you_mean(
                        reference.code().as_str(),
                        claimed.iter().map(|c| c.unit.code.as_str()),
                    )),
                ),
            }
        }
        selected
    }
}

/// Checks one item's own fields.
fn validate_item<'p, S: Text>(
    i: usize,
    item: &'p EvidenceItem<S>,
    ids: &mut HashMap<&'p str, usize>,
    limits: &Limits,
    problems: &mut Problems,
) {
    let at = |key: &'static str| item_path(i).key(key);
    let id = &*item.id;
    if identifier(id, &"an evidence item's ID", limits, problems, || at("id")) {
        // IDs that differ only in spaces at either end look the same in every report.
        let key = id.trim();
        if let Some(&first) = ids.get(key) {
            problems.push(
                Problem::new(
                    ErrorCode::DuplicateId,
                    at("id"),
                    format!(
                        "evidence ID `{}` is used twice (also /evidence/{first})",
                        shown(id)
                    ),
                )
                .help("give every evidence item its own ID"),
            );
        } else {
            ids.insert(key, i);
        }
    }
    if is_blank(&item.title) {
        problems.push(Problem::new(
            ErrorCode::EmptyText,
            at("title"),
            format!("evidence item `{}` has an empty title", shown(id)),
        ));
    } else {
        text_length(&item.title, limits, problems, || at("title"));
    }
    if let Some(end) = item.end_date {
        if end < item.date {
            problems.push(
                Problem::new(
                    ErrorCode::InvalidDateRange,
                    at("end_date"),
                    format!(
                        "evidence item `{}` ends on {end}, before it starts on {}",
                        shown(id),
                        item.date
                    ),
                )
                .help("swap the dates, or correct the one that is wrong"),
            );
        }
    }
    if item.service_period.is_some() && !item.service_periods.is_empty() {
        problems.push(
            Problem::new(
                ErrorCode::InvalidValue,
                at("service_periods"),
                format!(
                    "evidence item `{}` gives both `service_period` and `service_periods`",
                    shown(id)
                ),
            )
            .help("list every period in `service_periods`"),
        );
    }
    if let Some(verification) = &item.verification {
        if is_blank(&verification.by) {
            problems.push(
                Problem::new(
                    ErrorCode::EmptyText,
                    at("verification").key("by"),
                    format!(
                        "evidence item `{}` is verified by nobody: `by` is empty",
                        shown(id)
                    ),
                )
                .help("name who verified it, or remove `verification`"),
            );
        } else {
            text_length(&verification.by, limits, problems, || {
                at("verification").key("by")
            });
        }
        if let Some(role) = &verification.role {
            text_length(role, limits, problems, || at("verification").key("role"));
        }
    }
}

impl CompiledUnit {
    /// Resolves one item's mapping to this unit, reporting unknown names.
    fn resolve<S: Text>(
        &self,
        mapping: &Mapping<S>,
        item: usize,
        code: &str,
        limits: &Limits,
        pool: &mut Vec<usize>,
        problems: &mut Problems,
    ) -> Resolved {
        let path = || item_path(item).key("units").name(code);
        let start = pool.len();
        let mut out = Resolved {
            start,
            activities_at: start,
            options_at: start,
            end: start,
            named_ruled: Vec::new(),
        };
        for (key, len) in [
            ("covers", mapping.covers.len()),
            ("activities", mapping.activities.len()),
            ("options", mapping.options.len()),
        ] {
            if len > limits.values_per_item {
                problems.push(limit_problem(
                    path().key(key),
                    format!("a list of {len} names"),
                    limits.values_per_item,
                    "values in one list",
                    "--max-values",
                ));
                return out;
            }
        }
        for (i, id) in mapping.covers.iter().enumerate() {
            match self.claims.get(&**id) {
                Some(reqs) => {
                    pool.extend(reqs.iter().copied());
                    if let [one] = reqs.as_slice() {
                        if matches!(self.reqs[*one].how, How::Rule(_)) {
                            out.named_ruled.push(*one);
                        }
                    }
                }
                None => problems.push(self.unknown_requirement(id, path().key("covers").index(i))),
            }
        }
        out.activities_at = pool.len();
        for (i, tag) in mapping.activities.iter().enumerate() {
            match self.activities.get(&**tag) {
                Some(a) => pool.push(*a),
                None => {
                    let declared = self.unit.activities.iter().map(|a| a.id.as_str());
                    problems.push(
                        Problem::new(
                            ErrorCode::UnknownActivity,
                            path().key("activities").index(i),
                            format!("activity `{}` is not declared by {}", shown(tag), self.name),
                        )
                        .help(self.help_for_unknown(
                            tag,
                            declared,
                            "declares no activities",
                        )),
                    )
                }
            }
        }
        out.options_at = pool.len();
        for (i, option) in mapping.options.iter().enumerate() {
            match self.options.get(&**option) {
                Some(o) => pool.push(*o),
                None => problems.push(
                    Problem::new(
                        ErrorCode::UnknownOption,
                        path().key("options").index(i),
                        format!(
                            "option `{}` is not in any option list of {}",
                            shown(option),
                            self.name
                        ),
                    )
                    .help(self.help_for_unknown(
                        option,
                        self.option_names.iter().map(SharedStr::as_str),
                        "declares no option lists",
                    )),
                ),
            }
        }
        out.end = pool.len();
        out
    }

    fn unknown_requirement(&self, id: &str, path: Path) -> Problem {
        if crate::text::is_blank(id) {
            // Not " is not a requirement of ...", with nothing before it.
            return Problem::new(ErrorCode::EmptyText, path, "a `covers` entry is empty".to_owned())
                .help("name a criterion, such as 1.1, or a requirement ID the unit declares");
        }
        let criterion = id.starts_with(|c: char| c.is_ascii_digit());
        let help = if criterion {
            let criteria: Vec<_> = self.unit.criteria().map(|c| c.id.clone()).collect();
            suggest_criterion(id, &criteria).map(|c| format!("did you mean {c}?"))
        } else {
            did_you_mean(id, self.claim_names.iter().map(String::as_str))
        };
        let what = if criterion { "a criterion" } else { "a requirement" };
        Problem::new(
            ErrorCode::UnknownRequirement,
            path,
            format!("{} is not {what} of {}", shown(id), self.name),
        )
        .maybe_help(help)
    }

    /// Help for a name not in a unit's vocabulary: a near miss, else the whole vocabulary.
    fn help_for_unknown<'a>(
        &self,
        name: &str,
        declared: impl Iterator<Item = &'a str> + Clone,
        none: &str,
    ) -> String {
        let code = &self.name;
        did_you_mean(name, declared.clone()).unwrap_or_else(|| {
            let all: Vec<&str> = declared.collect();
            if all.is_empty() {
                format!("{code} {none}")
            } else {
                format!("{code} declares: {}", all.join(", "))
            }
        })
    }
}
