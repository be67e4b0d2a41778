//! Properties of the check that every portfolio must have.

#![allow(clippy::unwrap_used)]

use competency::*;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

const UNITS: [&str; 3] = ["CHCMGT006", "SISXCCS002", "PSPMNGT606B"];

fn unit(code: &str) -> &'static Unit {
    Catalog::bundled().get(&code.parse().unwrap()).unwrap()
}

/// Everything an item of this unit may name: requirement IDs, activity tags, options.
fn vocabulary(u: &Unit) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut ids: Vec<String> = u.criteria().map(|c| c.id.to_string()).collect();
    ids.extend(u.evidence.iter().map(|e| e.id.to_string()));
    ids.extend(u.knowledge_items().iter().map(|i| i.id.to_string()));
    ids.extend(u.skill_items().iter().map(|i| i.id.to_string()));
    let activities = u.activities.iter().map(|a| a.id.to_string()).collect();
    let options = u
        .option_lists
        .iter()
        .flat_map(|l| l.options.iter().map(|o| o.id.to_string()))
        .collect();
    (ids, activities, options)
}

fn item(code: &'static str, id: usize) -> impl Strategy<Value = EvidenceItem> {
    let (ids, activities, options) = vocabulary(unit(code));
    let n_act = activities.len();
    let n_opt = options.len();
    (
        (
            0..60u32,
            0..5u32,
            select(Method::ALL.to_vec()),
            proptest::option::of(select(Environment::ALL.to_vec())),
        ),
        (
            subsequence(vec!["C1", "C2", "C3", "C4"], 0..4),
            proptest::option::of(select(vec!["Site A", "Site B", "Site C"])),
        ),
        (
            proptest::option::of(select(vec!["P1", "P2", "P3"])),
            select(vec![
                Judgement::Satisfactory,
                Judgement::Satisfactory,
                Judgement::Pending,
                Judgement::NotSatisfactory,
            ]),
        ),
        (
            subsequence(ids.clone(), 0..6.min(ids.len())),
            subsequence(activities, 0..3.min(n_act + 1).max(1).min(n_act + 1)),
            subsequence(options, 0..4.min(n_opt + 1).max(1).min(n_opt + 1)),
        ),
    )
        .prop_map(
            move |(
                (day, len, method, environment),
                (clients, context),
                (period, judgement),
                (covers, activities, options),
            )| {
                let date: Date = (chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
                    + chrono::Days::new(u64::from(day) * 5))
                .into();
                let end = (len > 2).then(|| Date::from(date.naive() + chrono::Days::new(u64::from(len))));
                let mut item = EvidenceItem::new(format!("E{id}"), format!("Item {id}"), date, method)
                    .clients(clients)
                    .judgement(judgement)
                    .covers(code, covers)
                    .activities(code, activities)
                    .options(code, options);
                if let Some(end) = end {
                    item = item.end_date(end);
                }
                if let Some(environment) = environment {
                    item = item.environment(environment);
                }
                if let Some(context) = context {
                    item = item.context(context);
                }
                // Some items cover two service periods.
                match period {
                    Some(p) if len % 2 == 0 => item.service_period(p),
                    Some(p) => item.service_periods([p, "P4"]),
                    None => item,
                }
            },
        )
}

fn portfolio() -> impl Strategy<Value = Portfolio> {
    select(UNITS.to_vec()).prop_flat_map(|code| {
        (0..12usize).prop_flat_map(move |n| {
            let items: Vec<_> = (0..n).map(|i| item(code, i)).collect();
            (items, proptest::option::of(1..3u32)).prop_map(move |(evidence, years)| {
                let mut policy =
                    Policy::default()
                        .verify(Method::ThirdPartyReport)
                        .unverified(if n % 2 == 0 {
                            Unverified::Warn
                        } else {
                            Unverified::Exclude
                        });
                // In years, as a file may give it.
                policy.currency_years = years;
                let portfolio = Portfolio::new("S1")
                    .claim(code.parse().unwrap())
                    .judgement_date("2026-10-01".parse().unwrap())
                    .policy(policy);
                evidence.into_iter().fold(portfolio, Portfolio::item)
            })
        })
    })
}

fn checker() -> &'static Checker<'static> {
    Checker::bundled()
}

fn verdicts(report: &Report) -> Vec<(String, bool)> {
    report
        .units
        .iter()
        .flat_map(|u| u.requirements.iter().map(|r| (r.id.to_string(), r.met)))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn toml_and_json_give_byte_identical_reports(p in portfolio()) {
        let toml_text = toml::to_string(&p).unwrap();
        let json_text = serde_json::to_string_pretty(&p).unwrap();
        let options = CheckOptions::default();
        let from_toml = checker().check_source(&Source::new("p.toml", &toml_text, Format::Toml), &options).unwrap();
        let from_json = checker().check_source(&Source::new("p.json", &json_text, Format::Json), &options).unwrap();
        prop_assert_eq!(from_toml.to_json(), from_json.to_json());
    }

    #[test]
    fn reordering_evidence_never_changes_a_verdict(p in portfolio(), seed in any::<u64>()) {
        let mut shuffled = p.clone();
        // A deterministic shuffle from the seed.
        let n = shuffled.evidence.len();
        let mut state = seed | 1;
        for i in (1..n).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            shuffled.evidence.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let a = checker().check(&p, &CheckOptions::default()).unwrap();
        let b = checker().check(&shuffled, &CheckOptions::default()).unwrap();
        prop_assert_eq!(verdicts(&a), verdicts(&b));
        prop_assert_eq!(a.complete, b.complete);
    }

    #[test]
    fn a_satisfactory_current_item_never_unmeets_a_requirement(p in portfolio(), extra in select(UNITS.to_vec()).prop_flat_map(|c| item(c, 99))) {
        let before = checker().check(&p, &CheckOptions::default()).unwrap();
        let mut more = p.clone();
        let mut extra = extra;
        extra.judgement = Judgement::Satisfactory;
        extra.date = "2026-09-01".parse().unwrap();
        extra.end_date = None;
        // Map the item to the portfolio's own unit so that it validates.
        let code = p.units[0].code().to_string();
        let first = extra.units.keys().next().cloned();
        let mapping = first.and_then(|k| extra.units.remove(&k)).unwrap_or_default();
        let (ids, acts, opts) = vocabulary(unit(&code));
        let extra = extra
            .covers(&code, mapping.covers.into_iter().filter(|c| ids.contains(c)))
            .activities(&code, mapping.activities.into_iter().filter(|a| acts.contains(a)))
            .options(&code, mapping.options.into_iter().filter(|o| opts.contains(o)));
        more.evidence.push(extra);
        let after = checker().check(&more, &CheckOptions::default()).unwrap();
        for ((id, was), (_, now)) in verdicts(&before).into_iter().zip(verdicts(&after)) {
            prop_assert!(!was || now, "{} was met and is not after adding a satisfactory item", id);
        }
    }

    #[test]
    fn complete_exactly_when_every_requirement_is_met(p in portfolio()) {
        let report = checker().check(&p, &CheckOptions::default()).unwrap();
        for u in &report.units {
            prop_assert_eq!(u.complete, u.requirements.iter().all(|r| r.met));
            prop_assert_eq!(u.met, u.requirements.iter().filter(|r| r.met).count());
            for r in &u.requirements {
                prop_assert_eq!(r.missing.is_some(), !r.met, "{}", r.id);
            }
        }
        prop_assert_eq!(report.complete, report.units.iter().all(|u| u.complete));
    }
}

/// Evidence items built from a unit's plan, as an assessor following it would add them: each
/// constraint met with fresh values, on the latest free date the suggestion allows.
fn items_from_plan(report: &Report, used_dates: &mut Vec<Date>) -> Vec<EvidenceItem> {
    let mut out = Vec::new();
    let mut fresh = 0;
    let mut next = |prefix: &str| {
        fresh += 1;
        format!("{prefix}{fresh}")
    };
    for unit in &report.units {
        let Some(plan) = &unit.plan else { continue };
        for s in &plan.items {
            let mut date = s.date_to;
            while s.not_on.contains(&date) || used_dates.contains(&date) {
                date = Date::from(date.naive().pred_opt().unwrap());
            }
            assert!(
                s.date_from.is_none_or(|from| date >= from),
                "no free date in {s:?}"
            );
            used_dates.push(date);
            let count = |v: &Option<NewValues>| v.as_ref().map_or(0, |v| v.count);
            let method = s.methods.first().copied().unwrap_or(Method::Observation);
            let mut item = EvidenceItem::new(next("PLAN-"), s.text.clone(), date, method)
                .clients(
                    (0..count(&s.clients))
                        .map(|_| next("PLAN-CLIENT-"))
                        .collect::<Vec<_>>(),
                )
                .service_periods(
                    (0..count(&s.service_periods))
                        .map(|_| next("PLAN-PERIOD-"))
                        .collect::<Vec<_>>(),
                )
                .judgement(Judgement::Satisfactory)
                .verification(Verification::new("Assessor"))
                .covers(&unit.code, s.covers.clone())
                .activities(&unit.code, s.activities.clone())
                .options(&unit.code, s.options.clone());
            if let Some(&environment) = s.environments.first() {
                item = item.environment(environment);
            }
            if s.context.is_some() {
                item = item.context(next("PLAN-CONTEXT-"));
            }
            out.push(item);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn adding_the_planned_items_completes_every_unit_the_plan_does_not_call_blocked(p in portfolio()) {
        let before = checker().check(&p, &CheckOptions::default()).unwrap();
        let mut used: Vec<Date> = p.evidence.iter().map(|e| e.date).collect();
        let mut more = p.clone();
        more.evidence.extend(items_from_plan(&before, &mut used));
        let after = checker().check(&more, &CheckOptions::default()).unwrap();
        for (was, now) in before.units.iter().zip(&after.units) {
            let blocked = was.plan.as_ref().is_some_and(|plan| !plan.blocked.is_empty());
            if !blocked {
                let unmet: Vec<&str> = now.requirements.iter().filter(|r| !r.met).map(|r| &*r.id).collect();
                prop_assert!(now.complete, "{} still lacks {:?} after the plan {:#?}\n{}", now.code, unmet, was.plan.as_ref().map(|p| p.items.iter().map(|s| s.text.clone()).collect::<Vec<_>>()), now.requirements.iter().filter(|r| !r.met).map(|r| format!("{}: {:?}", r.id, r.missing)).collect::<Vec<_>>().join("\n"));
            }
        }
    }
}

#[test]
fn every_example_plan_completes_its_unit_with_no_more_items_than_unmet_requirements() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let mut planned = 0;
    for path in paths {
        let name = path.to_string_lossy().into_owned();
        let format = match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => Format::Toml,
            Some("json") => Format::Json,
            _ => continue,
        };
        let text = std::fs::read_to_string(&path).unwrap();
        let source = Source::new(&name, &text, format);
        let portfolio = source.parse().unwrap();
        let report = checker().check(&portfolio, &CheckOptions::default()).unwrap();
        for unit in &report.units {
            let unmet = unit.requirements.iter().filter(|r| !r.met).count();
            match &unit.plan {
                // A unit credited by credit transfer needs no evidence, so it has no plan.
                None => assert!(
                    unit.complete || unit.outcome.code == OutcomeCode::CreditTransfer,
                    "{name}: {} has no plan",
                    unit.code
                ),
                Some(plan) => {
                    planned += 1;
                    assert!(plan.blocked.is_empty(), "{name}: {:?}", plan.blocked);
                    assert!(
                        plan.items.len() <= unmet,
                        "{name}: {} items for {unmet} unmet requirements of {}",
                        plan.items.len(),
                        unit.code
                    );
                }
            }
        }
        let mut used: Vec<Date> = portfolio.evidence.iter().map(|e| e.date).collect();
        let mut more = portfolio.clone();
        more.evidence.extend(items_from_plan(&report, &mut used));
        let after = checker().check(&more, &CheckOptions::default()).unwrap();
        assert!(
            after
                .units
                .iter()
                .all(|u| u.complete || u.outcome.code == OutcomeCode::CreditTransfer),
            "{name}: the plan did not complete it"
        );
    }
    assert!(planned >= 5, "only {planned} example units had a plan");
}
