//! The report for a validated portfolio: per unit whether each item counts (the unit may
//! shorten the currency window), the requirements and plan from evaluation, the findings; then
//! the portfolio's findings and the evidence register.

use std::borrow::Cow;

use super::CheckOptions;
use super::compile::CompiledUnit;
use super::evaluate::Ctx;
use super::standing::{Judged, Standing};
use super::validate::Resolution;
use super::{credit, outcome};
use crate::catalog::Catalog;
use crate::doc_str::Text;
use crate::outcome::{
    CurrencyWindow, OutcomeCode, PriorUnitEntry, RPL_DEFAULT_CURRENCY_MONTHS, WindowSource,
};
use crate::pathway::Pathway;
use crate::portfolio::{Date, EvidenceItem, Portfolio};
use crate::report::{
    ElementHeading, Finding, FindingCode, ItemStatus, ProducedBy, REPORT_FORMAT, RegisterEntry, Report,
    Severity, SharedStr, UnitReport,
};

/// The report for a portfolio that validated. It takes the resolution so as to drop what
/// only evaluation needs before the register is made: a large portfolio's report peaks there.
pub(super) fn report<'k, S: Text>(
    catalog: &Catalog,
    portfolio: &Portfolio<S>,
    options: &CheckOptions,
    res: Resolution<'k>,
) -> Report<'k> {
    let given = options.as_of.or(portfolio.judgement_date);
    let judgement_date = given.unwrap_or_else(Date::today);
    let policy_window = portfolio.policy.currency_window_months();
    let items = &portfolio.evidence;

    // Standing per unit (the unit may shorten the window), then how many units each counted
    // item serves, for the clustered finding.
    let mut judged_by_unit = Vec::with_capacity(res.units.len());
    let mut standing_by_unit = Vec::with_capacity(res.units.len());
    let mut serving = vec![0u32; items.len()];
    let mut windows = Vec::with_capacity(res.units.len());
    for (unit, mapped) in res.units.iter().zip(&res.mapped) {
        let window = window(portfolio, policy_window, unit);
        let judged = Judged {
            date: judgement_date,
            current_since: window.map(|w| judgement_date.minus_months(w.months)),
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
        windows.push(window);
        judged_by_unit.push(judged);
        standing_by_unit.push(standing);
    }

    // Each item's ID once, shared by every requirement that names it; all of them in one
    // allocation.
    let ids = SharedStr::many(items.iter().map(|item| &*item.id));
    let mut units = Vec::with_capacity(res.units.len());
    for (u, unit) in res.units.iter().enumerate() {
        let mapped = &res.mapped[u];
        let standing = &standing_by_unit[u];
        let judged = &judged_by_unit[u];
        let ctx = Ctx {
            unit,
            items,
            mapped,
            pool: &res.pool,
            counted: standing.iter().map(|s| s.counts()).collect(),
            standing,
            values: &res.values,
            names: &res.names,
            ids: &ids,
        };
        let requirements = ctx.requirements();
        let met = requirements.iter().filter(|r| r.met).count();
        let code = unit.unit.code.as_str();
        let (outcome, decision_finding) = outcome::decide(outcome::Facts {
            unit: code,
            recorded: portfolio.outcomes.get(code),
            requirements: &requirements,
            prior_units: credit::credits(catalog, &unit.unit.code, &portfolio.prior_units, judgement_date),
            date: judgement_date,
        });
        // A unit credited by credit transfer needs no evidence, so no plan to gather any.
        let plan = (met < requirements.len() && outcome.code != OutcomeCode::CreditTransfer)
            .then(|| ctx.plan(&requirements, judged));
        let mut findings: Vec<Finding> = decision_finding.into_iter().collect();
        for ((i, resolved), s) in mapped.iter().zip(standing) {
            let item = &items[*i];
            s.findings(item, judged, &mut findings);
            if ctx.counted_item(*i) && serving[*i] > 1 {
                findings.push(Finding {
                    code: FindingCode::Clustered,
                    severity: Severity::Info,
                    item: Some(String::from(&*item.id)),
                    message: format!(
                        "{} counts for {} units checked (clustered assessment)",
                        item.id, serving[*i]
                    ),
                });
            }
            for &r in &resolved.named_ruled {
                let id = unit.reqs[r].id.as_str();
                findings.push(Finding {
                    code: FindingCode::DecidedByRule,
                    severity: Severity::Warning,
                    item: Some(String::from(&*item.id)),
                    message: format!(
                        "{} names {id} in `covers`, but {id} is decided by its rule; naming it has no effect",
                        item.id
                    ),
                });
            }
        }
        units.push(UnitReport {
            code: Cow::Borrowed(unit.unit.code.as_str()),
            release: unit.unit.release,
            title: Cow::Borrowed(&unit.unit.title),
            source_sha256: Cow::Borrowed(&unit.digest),
            complete: met == requirements.len(),
            met,
            total: requirements.len(),
            current_since: judged.current_since,
            currency: windows[u].filter(|w| w.rpl).map(Window::stated),
            outcome,
            evidence: mapped
                .iter()
                .zip(standing)
                .map(|((i, _), s)| ItemStatus {
                    id: ids[*i].clone(),
                    counted: s.counts(),
                    reason: s.reason(),
                })
                .collect(),
            elements: unit
                .unit
                .elements
                .iter()
                .map(|e| ElementHeading {
                    id: Cow::Borrowed(e.id.as_str()),
                    title: Cow::Borrowed(&e.title),
                })
                .collect(),
            requirements,
            findings,
            plan,
        });
    }

    // What only evaluation needed (a 4.6 MB portfolio's values, mappings and standings are
    // about 2 MB), dropped before the register's titles and entries are made (about 2.6 MB).
    let Resolution {
        units: checked,
        mapped,
        pool,
        maps_nothing,
        values,
        names,
    } = res;
    drop((checked, mapped, pool, values, names));
    drop((standing_by_unit, judged_by_unit, serving, windows));
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
    findings.extend(maps_nothing.iter().map(|&i| Finding {
        code: FindingCode::MapsToNothing,
        severity: Severity::Warning,
        item: Some(String::from(&*items[i].id)),
        message: format!(
            "{} maps to no requirement, activity or option of any unit (valid evidence must map to the unit)",
            items[i].id
        ),
    }));
    let names = options.include_names;
    Report {
        format: REPORT_FORMAT,
        produced_by: ProducedBy::this_library(),
        candidate: portfolio.candidate.id.clone(),
        candidate_name: portfolio.candidate.name.clone().filter(|_| names),
        assessor: portfolio.assessor.as_ref().map(|a| a.id.clone()),
        assessor_name: portfolio
            .assessor
            .as_ref()
            .and_then(|a| a.name.clone())
            .filter(|_| names),
        judgement_date,
        judgement_date_defaulted: given.is_none(),
        current_since: policy_window.map(|m| judgement_date.minus_months(m)),
        complete: units.iter().all(|u| u.complete),
        units,
        findings,
        evidence: register(items, ids, names),
        prior_units: portfolio
            .prior_units
            .iter()
            .map(|p| PriorUnitEntry {
                code: p.code.to_string(),
                release: p.release,
                issued_on: p.issued_on,
                issuer: p.issuer.clone(),
                document: p.document,
                verified: p.verified_by.is_some(),
                verified_by: p.verified_by.clone().filter(|_| names),
                verified_on: p.verified_on,
            })
            .collect(),
    }
}

/// The register: each item as recorded, its texts copied into one allocation per kind (the
/// IDs are the report's own, already shared).
fn register<S: Text>(items: &[EvidenceItem<S>], ids: Vec<SharedStr>, names: bool) -> Vec<RegisterEntry> {
    let verifications = || items.iter().filter_map(|item| item.verification.as_ref());
    let titles = SharedStr::many(items.iter().map(|item| &*item.title));
    let mut verifiers = SharedStr::many(verifications().filter(|_| names).map(|v| &*v.by)).into_iter();
    let mut roles = SharedStr::many(verifications().filter_map(|v| v.role.as_deref())).into_iter();
    items
        .iter()
        .zip(ids)
        .zip(titles)
        .map(|((item, id), title)| {
            let verification = item.verification.as_ref();
            RegisterEntry {
                id,
                title,
                date: item.date,
                end_date: item.end_date,
                method: item.method,
                environment: item.environment,
                judgement: item.judgement,
                verified: verification.is_some(),
                verified_by: verification.filter(|_| names).and_then(|_| verifiers.next()),
                verifier_role: verification
                    .and_then(|v| v.role.as_ref())
                    .and_then(|_| roles.next()),
            }
        })
        .collect()
}

/// A unit's currency window: the policy's, shortened by the unit's own; on the RPL pathway,
/// where currency matters most, the RPL default when neither sets one.
fn window<S: Text>(portfolio: &Portfolio<S>, policy: Option<u32>, unit: &CompiledUnit) -> Option<Window> {
    let rpl = portfolio
        .outcomes
        .get(unit.unit.code.as_str())
        .is_some_and(|o| o.pathway == Pathway::Rpl);
    let (months, source) = match (policy, unit.unit.currency_months) {
        (Some(p), Some(u)) if u < p => (u, WindowSource::Unit),
        (Some(p), _) => (p, WindowSource::Policy),
        (None, Some(u)) => (u, WindowSource::Unit),
        (None, None) if rpl => (RPL_DEFAULT_CURRENCY_MONTHS, WindowSource::RplDefault),
        (None, None) => return None,
    };
    Some(Window { months, source, rpl })
}

/// The currency window a unit is checked with.
#[derive(Debug, Clone, Copy)]
struct Window {
    months: u32,
    source: WindowSource,
    /// The unit is on the RPL pathway, so the report states the window.
    rpl: bool,
}

impl Window {
    /// The window as the report states it.
    fn stated(self) -> CurrencyWindow {
        CurrencyWindow {
            months: self.months,
            source: self.source,
        }
    }
}
