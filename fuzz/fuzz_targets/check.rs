//! A structured target: a portfolio built from `arbitrary` data whose names are drawn from the
//! bundled units' real criterion and requirement IDs, activities and options (with an
//! occasional near miss), so that validation mostly passes and the check itself is exercised.
//!
//! Each input is checked as a value (`Checker::check`), then as JSON and as TOML text
//! (`check_source`); the three must agree. Reports must hold the invariants of
//! `competency_fuzz`, and two metamorphic relations:
//! - judging one more item satisfactory never makes a met requirement unmet;
//! - dropping the items that do not count changes no requirement's `met` or `evidence`.
//!
//! The portfolio also records outcomes (pathway, decision, date) and units held, so that each
//! unit's suggested outcome is checked against what it rests on (`assert_outcome`).
#![no_main]

use std::sync::OnceLock;

use arbitrary::{Arbitrary, Unstructured};
use competency::{
    Catalog, CheckOptions, Date, Decision, EvidenceItem, Format, Judgement, Mapping, Method, OutcomeCode,
    Pathway, Policy, Portfolio, PriorUnit, Report, Source, UnitOutcome, UnitRef, Unverified, Verification,
};
use competency_fuzz::{assert_report, assert_same_result, assert_value_errors, checker, counts};
use libfuzzer_sys::fuzz_target;

/// The names one bundled unit declares.
struct Vocab {
    code: String,
    release: u32,
    claims: Vec<String>,
    activities: Vec<String>,
    options: Vec<String>,
}

fn vocabs() -> &'static [Vocab] {
    static VOCABS: OnceLock<Vec<Vocab>> = OnceLock::new();
    VOCABS.get_or_init(|| {
        Catalog::bundled()
            .units()
            .map(|u| {
                let mut claims: Vec<String> = u.criteria().map(|c| c.id.to_string()).collect();
                claims.extend(u.evidence.iter().map(|e| e.id.to_string()));
                claims.extend(u.knowledge_items().iter().map(|i| i.id.to_string()));
                claims.extend(u.skill_items().iter().map(|i| i.id.to_string()));
                claims.extend(u.conditions.iter().map(|c| c.id.to_string()));
                Vocab {
                    code: u.code.to_string(),
                    release: u.release,
                    claims,
                    activities: u.activities.iter().map(|a| a.id.to_string()).collect(),
                    options: u
                        .option_lists
                        .iter()
                        .flat_map(|l| l.options.iter().map(|o| o.id.to_string()))
                        .collect(),
                }
            })
            .collect()
    })
}

/// A list of `MIN` to `MAX` entries, its length read first: `Vec`'s own `Arbitrary` gives
/// about two entries from random bytes, too few for rules such as "at least 3 clients".
#[derive(Debug)]
struct Few<T, const MIN: usize, const MAX: usize>(Vec<T>);

impl<'a, T: Arbitrary<'a>, const MIN: usize, const MAX: usize> Arbitrary<'a> for Few<T, MIN, MAX> {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let n = u.int_in_range(MIN..=MAX)?;
        (0..n).map(|_| T::arbitrary(u)).collect::<Result<_, _>>().map(Few)
    }
}

impl<T, const MIN: usize, const MAX: usize> std::ops::Deref for Few<T, MIN, MAX> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

#[derive(Debug, Arbitrary)]
struct Seed {
    /// 1, or (255) another version.
    format: u8,
    candidate: u8,
    units: Few<UnitSeed, 1, 3>,
    judgement_date: Option<i16>,
    as_of: Option<i16>,
    /// 0..=99 no window, 100..=199 months, 200..=254 years, 255 both (an error).
    window: u8,
    window_len: u8,
    verify: Few<u8, 0, 2>,
    evidence: Few<ItemSeed, 0, 24>,
    /// `--unit`: usually none.
    only: Few<UnitSeed, 0, 1>,
    outcomes: Few<OutcomeSeed, 0, 3>,
    prior_units: Few<PriorSeed, 0, 2>,
}

#[derive(Debug, Arbitrary)]
struct OutcomeSeed {
    /// Usually one of the claimed units (by position); 252.. a unit not claimed.
    unit: u8,
    /// 0..=127 assessment, 128..=191 RPL, 192.. credit transfer.
    pathway: u8,
    /// 0..=63 none, 64..=191 competent, 192.. not yet competent.
    decision: u8,
    /// Days from 2024-01-01.
    decided_on: Option<i16>,
}

#[derive(Debug, Arbitrary)]
struct PriorSeed {
    /// Index into the bundled units; 252.. a code the catalog does not hold.
    index: u8,
    /// 0..=199 no release, 200.. the unit's own.
    release: u8,
    /// Days from 2024-01-01.
    issued_on: i16,
    /// 0..=63 not verified, 64..=223 verified on `verified_on`, 224.. verified with no date.
    verified: u8,
    verified_on: i16,
    document: u8,
}

#[derive(Debug, Arbitrary)]
struct UnitSeed {
    /// Index into the bundled units; 252.. a unit the catalog does not hold.
    index: u8,
    /// 0..=199 no release, 200..=251 the right one, 252.. a wrong one.
    release: u8,
    /// A unit already listed is dropped, unless this is 255.
    repeat: u8,
}

#[derive(Debug, Arbitrary)]
struct ItemSeed {
    /// 0..=253 `E` and the item's position, 254 `E0` (which may repeat), 255 blank.
    id: u8,
    title: u8,
    /// Days from 2024-01-01.
    date: i16,
    /// A quarter of this many days after `date`; 254.. a day or two before it (an error).
    end: Option<u8>,
    method: u8,
    environment: u8,
    context: Option<u8>,
    clients: Few<u8, 0, 5>,
    service_period: Option<u8>,
    judgement: u8,
    verified: bool,
    mappings: Few<MappingSeed, 0, 2>,
}

#[derive(Debug, Arbitrary)]
struct MappingSeed {
    /// Usually one of the claimed units (by position), else any bundled unit.
    unit: u8,
    covers: Few<u16, 0, 8>,
    activities: Few<u16, 0, 3>,
    options: Few<u16, 0, 4>,
}

fn day(offset: i16) -> Date {
    let base = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date");
    Date::from(base + chrono::TimeDelta::days(i64::from(offset)))
}

/// A name from `names`, or (one time in 64) a near miss; `None` when there are no names.
fn pick(names: &[String], n: u16) -> Option<String> {
    if names.is_empty() {
        return None;
    }
    if n >= 0xFC00 {
        let base = names.first().map_or("x", String::as_str);
        return Some(match n % 4 {
            0 => format!("{base}x"),
            1 => base.to_uppercase(),
            2 => "9.99".to_owned(),
            _ => String::new(),
        });
    }
    Some(names[n as usize % names.len()].clone())
}

fn unit_ref(seed: &UnitSeed) -> UnitRef {
    let vocabs = vocabs();
    let (code, release) = match seed.index {
        0..=251 => {
            let v = &vocabs[seed.index as usize % vocabs.len()];
            (v.code.as_str(), v.release)
        }
        _ => ("CHCMGT007", 1),
    };
    let release = match seed.release {
        0..=199 => None,
        200..=251 => Some(release),
        _ => Some(release + 1),
    };
    UnitRef::new(code.parse().expect("a unit code"), release)
}

fn build(seed: &Seed) -> (Portfolio, CheckOptions) {
    let vocabs = vocabs();
    let mut units: Vec<UnitRef> = Vec::new();
    for s in seed.units.iter() {
        let r = unit_ref(s);
        if s.repeat == 255 || !units.iter().any(|u| u.code() == r.code()) {
            units.push(r);
        }
    }
    let claimed: Vec<&Vocab> = units
        .iter()
        .filter_map(|r| vocabs.iter().find(|v| v.code == r.code().as_str()))
        .collect();
    let evidence = seed
        .evidence
        .iter()
        .enumerate()
        .map(|(position, s)| {
            let date = day(s.date);
            // In order; a repeated unit code keeps the last mapping, as a map would.
            let mut mappings: Vec<(String, Mapping)> = Vec::new();
            for m in s.mappings.iter() {
                let vocab = if m.unit < 252 && !claimed.is_empty() {
                    claimed[m.unit as usize % claimed.len()]
                } else {
                    &vocabs[m.unit as usize % vocabs.len()]
                };
                let mut mapping = Mapping::default();
                mapping.covers = m.covers.iter().filter_map(|n| pick(&vocab.claims, *n)).collect();
                mapping.activities = m
                    .activities
                    .iter()
                    .filter_map(|n| pick(&vocab.activities, *n))
                    .collect();
                mapping.options = m
                    .options
                    .iter()
                    .filter_map(|n| pick(&vocab.options, *n))
                    .collect();
                mappings.push((vocab.code.clone(), mapping));
            }
            let id = match s.id {
                0..=253 => format!("E{position}"),
                254 => "E0".to_owned(),
                _ => " ".to_owned(),
            };
            let title = if s.title == 255 {
                String::new()
            } else {
                format!("Item {}", s.title)
            };
            let method = Method::ALL[s.method as usize % Method::ALL.len()];
            let mut item = EvidenceItem::new(id, title, date, method);
            item.end_date = s.end.map(|d| {
                let days = if d >= 254 {
                    253 - i16::from(d)
                } else {
                    i16::from(d) / 4
                };
                day(s.date.saturating_add(days))
            });
            item.environment = match s.environment % 3 {
                0 => None,
                1 => Some(competency::Environment::Workplace),
                _ => Some(competency::Environment::Simulated),
            };
            item.context = s.context.map(|c| format!("context {}", c % 5));
            item.clients = s
                .clients
                .iter()
                .map(|c| {
                    if *c == 255 {
                        " ".to_owned()
                    } else {
                        format!("C{}", c % 9)
                    }
                })
                .collect();
            // Some items cover two service periods.
            item.service_period = s
                .service_period
                .filter(|p| p % 2 == 0)
                .map(|p| format!("2026-Q{}", p % 4 + 1));
            item.service_periods = s
                .service_period
                .filter(|p| p % 2 == 1)
                .map(|p| vec![format!("2026-Q{}", p % 4 + 1), "2025-Q4".to_owned()])
                .unwrap_or_default();
            item.judgement = match s.judgement {
                0..=191 => Judgement::Satisfactory,
                192..=223 => Judgement::NotSatisfactory,
                _ => Judgement::Pending,
            };
            item.verification = s.verified.then(|| Verification::new("A. Assessor"));
            item.units = mappings.into_iter().collect();
            item
        })
        .collect();
    let window = u32::from(seed.window_len % 60);
    let mut policy = Policy::default();
    policy.currency_months = matches!(seed.window, 100..=199 | 255).then_some(window);
    policy.currency_years = matches!(seed.window, 200..).then_some(window / 12);
    policy.verify = seed
        .verify
        .iter()
        .map(|m| Method::ALL[*m as usize % Method::ALL.len()])
        .collect();
    policy.unverified = if seed.window_len.is_multiple_of(2) {
        Unverified::Warn
    } else {
        Unverified::Exclude
    };
    let mut portfolio = Portfolio::new(format!("S{}", seed.candidate)).policy(policy);
    portfolio.format = if seed.format < 255 { 1 } else { 2 };
    portfolio.units = units;
    portfolio.judgement_date = seed.judgement_date.map(day);
    portfolio.evidence = evidence;
    portfolio.outcomes = seed
        .outcomes
        .iter()
        .map(|s| {
            let code = match portfolio
                .units
                .get(s.unit as usize % portfolio.units.len().max(1))
            {
                Some(unit) if s.unit < 252 => unit.code().to_string(),
                _ => "CHCMGT007".to_owned(),
            };
            let mut outcome = UnitOutcome::default();
            outcome.pathway = match s.pathway {
                0..=127 => Pathway::Assessment,
                128..=191 => Pathway::Rpl,
                _ => Pathway::CreditTransfer,
            };
            outcome.decision = match s.decision {
                0..=63 => None,
                64..=191 => Some(Decision::Competent),
                _ => Some(Decision::NotYetCompetent),
            };
            outcome.decided_on = s.decided_on.map(day);
            (code, outcome)
        })
        .collect();
    portfolio.prior_units = seed
        .prior_units
        .iter()
        .map(|s| {
            let (code, release) = match s.index {
                0..=251 => {
                    let v = &vocabs[s.index as usize % vocabs.len()];
                    (v.code.clone(), v.release)
                }
                _ => ("CHCMGT007".to_owned(), 1),
            };
            let document =
                ["statement-of-attainment", "record-of-results", "vet-transcript"][s.document as usize % 3];
            let mut held = serde_json::json!({
                "code": code,
                "issued_on": day(s.issued_on).to_string(),
                "issuer": "RTO 1",
                "document": document,
            });
            if s.release >= 200 {
                held["release"] = release.into();
            }
            if s.verified >= 64 {
                held["verified_by"] = "A. Assessor".into();
            }
            if (64..224).contains(&s.verified) {
                held["verified_on"] = day(s.verified_on).to_string().into();
            }
            serde_json::from_value::<PriorUnit>(held).expect("a unit held, as the portfolio format writes it")
        })
        .collect();
    let mut options = CheckOptions::default();
    options.as_of = seed.as_of.map(day);
    options.units = seed.only.iter().map(unit_ref).collect();
    (portfolio, options)
}

fn met_flags(report: &Report) -> Vec<(String, String, bool, Vec<String>)> {
    report
        .units
        .iter()
        .flat_map(|u| {
            u.requirements.iter().map(|r| {
                let evidence = r.evidence.iter().map(|id| id.to_string()).collect();
                (u.code.to_string(), r.id.to_string(), r.met, evidence)
            })
        })
        .collect()
}

/// Each unit's suggested outcome rests on what the docs (docs/outcomes.md) say it rests on:
/// the recorded pathway and decision, complete evidence for a competent one, a crediting unit
/// held for credit transfer; and with no decision recorded, no final outcome but credit.
fn assert_outcome(report: &Report, portfolio: &Portfolio) {
    for unit in &report.units {
        let recorded = portfolio.outcomes.get(&*unit.code);
        let pathway = recorded.map_or(Pathway::Assessment, |o| o.pathway);
        let decision = recorded.and_then(|o| o.decision);
        let outcome = &unit.outcome;
        assert_eq!(
            outcome.pathway, pathway,
            "{}: the outcome's pathway is the one recorded",
            unit.code
        );
        assert_eq!(
            outcome.decision, decision,
            "{}: the outcome's decision is the one recorded",
            unit.code
        );
        let credited = outcome.prior_units.iter().any(|p| p.credit);
        match outcome.code {
            OutcomeCode::CompetencyAchieved | OutcomeCode::RplGranted => {
                assert!(
                    unit.complete,
                    "{}: {:?} with evidence not complete",
                    unit.code, outcome.code
                );
                assert_eq!(
                    decision,
                    Some(Decision::Competent),
                    "{}: {:?}",
                    unit.code,
                    outcome.code
                );
                let expected = if outcome.code == OutcomeCode::RplGranted {
                    Pathway::Rpl
                } else {
                    Pathway::Assessment
                };
                assert_eq!(pathway, expected, "{}: {:?}", unit.code, outcome.code);
            }
            OutcomeCode::CompetencyNotAchieved | OutcomeCode::RplNotGranted => {
                assert_eq!(
                    decision,
                    Some(Decision::NotYetCompetent),
                    "{}: {:?}",
                    unit.code,
                    outcome.code
                );
            }
            OutcomeCode::CreditTransfer => {
                assert_eq!(
                    pathway,
                    Pathway::CreditTransfer,
                    "{}: 60 off the credit-transfer pathway",
                    unit.code
                );
                assert!(
                    credited,
                    "{}: 60 without a unit held that gives credit",
                    unit.code
                );
            }
            _ => {}
        }
        if decision.is_none() && pathway != Pathway::CreditTransfer {
            assert_eq!(
                outcome.code,
                OutcomeCode::ContinuingActivity,
                "{}: a final outcome with no decision",
                unit.code
            );
        }
    }
}

fuzz_target!(|seed: Seed| {
    let (portfolio, mut options) = build(&seed);
    let checker = checker();
    if std::env::var_os("COMPETENCY_FUZZ_PRINT").is_some() {
        // The portfolio as a JSON file, to turn a crash into a conformance case.
        eprintln!(
            "PORTFOLIO {}\nOPTIONS as_of={:?} units={:?}",
            serde_json::to_string_pretty(&portfolio).unwrap_or_default(),
            options.as_of.map(|d| d.to_string()),
            options.units.iter().map(|u| u.to_string()).collect::<Vec<_>>()
        );
    }
    let result = checker.check(&portfolio, &options);
    if std::env::var_os("COMPETENCY_FUZZ_STATS").is_some() {
        // How deep inputs get: run the corpus with -runs=0 and count these lines.
        eprintln!(
            "STAT ok={} toml={} units={} items={} met={} errors={:?}",
            result.is_ok(),
            toml::to_string(&portfolio)
                .map(|_| "ok".to_owned())
                .unwrap_or_else(|e| e.to_string()),
            portfolio.units.len(),
            portfolio.evidence.len(),
            result
                .as_ref()
                .map_or(0, |r| r.units.iter().map(|u| u.met).sum::<usize>()),
            result
                .as_ref()
                .err()
                .map(|e| e.errors().iter().map(|e| e.code().as_str()).collect::<Vec<_>>())
        );
    }
    let report = match &result {
        Ok(report) => {
            assert_report(report, &portfolio, &options);
            assert_outcome(report, &portfolio);
            Some(report.clone())
        }
        Err(errors) => {
            assert_value_errors(errors);
            None
        }
    };
    // Fix the judgement date so that the text forms are judged on the same day.
    if let Some(report) = &report {
        options.as_of = Some(report.judgement_date);
    }
    let result = checker.check(&portfolio, &options);

    // The same portfolio as JSON and as TOML text.
    let json = serde_json::to_string(&portfolio).expect("a portfolio serialises to JSON");
    let from_json = checker.check_source(&Source::new("p.json", &json, Format::Json), &options);
    if let Err(e) = &from_json {
        competency_fuzz::assert_text_errors(e, "p.json", &json);
    }
    assert_same_result(&result, &from_json, "check vs check_source(json)");
    // TOML text for one input in four: parsing TOML is most of the cost of an input.
    let toml = seed
        .candidate
        .is_multiple_of(4)
        .then(|| toml::to_string(&portfolio).ok())
        .flatten();
    if let Some(toml) = toml {
        let from_toml = checker.check_source(&Source::new("p.toml", &toml, Format::Toml), &options);
        if let Err(e) = &from_toml {
            competency_fuzz::assert_text_errors(e, "p.toml", &toml);
        }
        assert_same_result(&result, &from_toml, "check vs check_source(toml)");
    }

    let Some(report) = report else { return };
    let judged = report.judgement_date;
    let since = report.current_since;

    // Monotonic: one more satisfactory item never unmeets a requirement.
    if let Some(i) = portfolio
        .evidence
        .iter()
        .position(|e| e.judgement != Judgement::Satisfactory)
    {
        let mut more = portfolio.clone();
        more.evidence[i].judgement = Judgement::Satisfactory;
        let after = checker
            .check(&more, &options)
            .unwrap_or_else(|e| panic!("a change of judgement made the portfolio invalid: {e}"));
        assert_report(&after, &more, &options);
        for ((code, id, met, _), (_, _, met_after, _)) in
            met_flags(&report).iter().zip(met_flags(&after).iter())
        {
            assert!(
                !met || *met_after,
                "{code} {id}: met, then unmet after judging {} satisfactory",
                more.evidence[i].id
            );
        }
    }

    // Items that do not count change no requirement's outcome.
    let kept: Vec<EvidenceItem> = portfolio
        .evidence
        .iter()
        .filter(|e| counts(e, judged, since, &portfolio.policy))
        .cloned()
        .collect();
    if kept.len() < portfolio.evidence.len() {
        let mut fewer = portfolio.clone();
        fewer.evidence = kept;
        let after = checker
            .check(&fewer, &options)
            .unwrap_or_else(|e| panic!("dropping items made the portfolio invalid: {e}"));
        assert_report(&after, &fewer, &options);
        assert_eq!(
            met_flags(&report),
            met_flags(&after),
            "dropping items that do not count changed what is met"
        );
    }
});
