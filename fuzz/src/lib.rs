//! Shared oracles for the fuzz targets: invariants every report and every error list must
//! satisfy, beyond "it did not panic". Each function panics (so libFuzzer records a crash)
//! when an invariant is broken; the message says which one.

use std::collections::HashSet;
use std::sync::OnceLock;

use competency::{
    Catalog, CheckOptions, Checker, Date, FindingCode, Format, Judgement, LoadErrors, Portfolio,
    REPORT_FORMAT, Report, RequirementKind, Source,
};

mod pointers;

/// Whether a known, already reported finding is to be tolerated in this run: the tags listed,
/// comma-separated, in `COMPETENCY_FUZZ_KNOWN` (see README.md). Unset, every invariant holds,
/// so that a fixed bug stays fixed.
pub fn known(tag: &str) -> bool {
    static KNOWN: OnceLock<Vec<String>> = OnceLock::new();
    KNOWN
        .get_or_init(|| {
            std::env::var("COMPETENCY_FUZZ_KNOWN")
                .unwrap_or_default()
                .split(',')
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect()
        })
        .iter()
        .any(|k| k == tag)
}

/// The checker for the bundled catalog, compiled once per fuzzing process.
pub fn checker() -> &'static Checker<'static> {
    static CHECKER: OnceLock<Checker<'static>> = OnceLock::new();
    CHECKER.get_or_init(|| Checker::new(Catalog::bundled()))
}

/// Invariants of an error list returned for a document given as text.
pub fn assert_text_errors(errors: &LoadErrors, name: &str, text: &str) {
    assert_common_errors(errors);
    let lines: Vec<&str> = text.split('\n').collect();
    let mut last: Option<(Option<u32>, Option<u32>)> = None;
    for e in errors.errors() {
        assert_eq!(e.file(), Some(name), "error without its file name: {e}");
        match (e.line(), e.column()) {
            (Some(line), Some(column)) => {
                assert!(line >= 1, "line 0: {e}");
                // serde_json reports column 0 for an error before the first byte of a line.
                if !known("json-column-0") {
                    assert!(column >= 1, "column 0: {e}");
                }
                let Some(text_line) = lines.get(line as usize - 1) else {
                    panic!("line {line} is past the end of a {}-line text: {e}", lines.len());
                };
                let chars = text_line.chars().count() as u32;
                // serde_json counts columns in bytes, not characters.
                if !known("json-column-bytes") {
                    assert!(
                        column <= chars + 1,
                        "column {column} is past the end of line {line} ({chars} characters): {e}"
                    );
                }
            }
            (None, None) => {}
            (line, column) => panic!("line {line:?} without column {column:?} or the reverse: {e}"),
        }
        // Errors are listed in document order.
        let key = (e.line(), e.column());
        if let Some(prev) = last {
            assert!(
                prev <= key,
                "errors out of document order: {prev:?} then {key:?}\n{errors}"
            );
        }
        last = Some(key);
    }
    pointers::assert_pointers_resolve(errors, name, text);
}

/// Invariants of an error list returned for a document given as a value (no text).
pub fn assert_value_errors(errors: &LoadErrors) {
    assert_common_errors(errors);
    for e in errors.errors() {
        assert_eq!((e.file(), e.line(), e.column()), (None, None, None), "{e}");
        assert!(
            e.pointer().starts_with('/'),
            "a value error without a pointer: {e}"
        );
    }
}

fn assert_common_errors(errors: &LoadErrors) {
    assert!(!errors.is_empty(), "an Err with no errors");
    assert_eq!(errors.len(), errors.errors().len());
    for e in errors.errors() {
        assert!(
            !e.message().trim().is_empty(),
            "an error with an empty message: {e:?}"
        );
        if let Some(help) = e.help() {
            assert!(!help.trim().is_empty(), "an error with an empty help: {e:?}");
        }
        assert!(
            e.pointer().is_empty() || e.pointer().starts_with('/'),
            "a pointer that is not a JSON pointer: {e:?}"
        );
    }
    assert!(!errors.to_string().is_empty());
    serde_json::to_string(errors).expect("errors serialise to JSON");
}

/// Whether an item counts, computed independently of the library: judged satisfactory, not
/// dated (by its last day) after the judgement date, not before the currency window, and,
/// when the policy excludes unverified evidence, verified if its method needs it.
pub fn counts(
    item: &competency::EvidenceItem,
    judged: Date,
    since: Option<Date>,
    policy: &competency::Policy,
) -> bool {
    let last = item.last_date();
    let excluded = policy.unverified == competency::Unverified::Exclude
        && policy.verify.contains(&item.method)
        && item.verification.is_none();
    item.judgement == Judgement::Satisfactory
        && last <= judged
        && since.is_none_or(|s| last >= s)
        && !excluded
}

/// Invariants of a report for `portfolio` checked with `options`.
pub fn assert_report(report: &Report, portfolio: &Portfolio, options: &CheckOptions) {
    // It serialises, and the JSON says what the value says.
    let json = report.to_json();
    assert!(json.ends_with('\n'));
    let value: serde_json::Value = serde_json::from_str(&json).expect("the report's JSON parses");
    assert_eq!(value["complete"].as_bool(), Some(report.complete));
    assert_eq!(value["units"].as_array().map(Vec::len), Some(report.units.len()));

    assert_eq!(report.format, REPORT_FORMAT);
    assert_eq!(report.candidate, portfolio.candidate.id);
    if let Some(date) = options.as_of.or(portfolio.judgement_date) {
        assert_eq!(
            report.judgement_date, date,
            "the judgement date is not the one given"
        );
    }
    assert_eq!(
        report.current_since.is_some(),
        portfolio.policy.currency_window_months().is_some(),
        "current_since present without a window, or absent with one"
    );
    if let Some(since) = report.current_since {
        assert!(
            since <= report.judgement_date,
            "the window starts after the judgement date"
        );
    }
    assert_eq!(
        report.complete,
        report.units.iter().all(|u| u.complete),
        "report.complete disagrees with its units"
    );
    if options.units.is_empty() {
        assert_eq!(
            report.units.len(),
            portfolio.units.len(),
            "not every claimed unit was checked"
        );
    }
    let ids: Vec<&str> = portfolio.evidence.iter().map(|e| e.id.as_str()).collect();
    let position = |id: &str| ids.iter().position(|i| *i == id);
    let mut codes = HashSet::new();
    for unit in &report.units {
        // A unit's own window (its currency, or on the RPL pathway the RPL default) can only
        // shorten the policy's; the report gives the date it checked the unit with.
        if let (Some(unit_since), Some(since)) = (unit.current_since, report.current_since) {
            assert!(
                unit_since >= since,
                "{}: a unit's window is longer than the policy's",
                unit.code
            );
        }
        let since = unit.current_since.or(report.current_since);
        let counted: Vec<bool> = portfolio
            .evidence
            .iter()
            .map(|e| counts(e, report.judgement_date, since, &portfolio.policy))
            .collect();
        assert!(codes.insert(&*unit.code), "unit {} reported twice", unit.code);
        let met = unit.requirements.iter().filter(|r| r.met).count();
        assert_eq!(
            unit.met, met,
            "{}: `met` is not the number of met requirements",
            unit.code
        );
        assert_eq!(unit.total, unit.requirements.len(), "{}: `total`", unit.code);
        assert_eq!(
            unit.complete,
            met == unit.total,
            "{}: `complete` disagrees",
            unit.code
        );
        // The unit's items, in portfolio order, each counted exactly when it counts.
        let mut last = None;
        let mut unit_counted = HashSet::new();
        for status in &unit.evidence {
            let i =
                position(&status.id).unwrap_or_else(|| panic!("unknown item {} in {}", status.id, unit.code));
            assert!(
                last < Some(i),
                "{}: evidence not in portfolio order (or repeated)",
                unit.code
            );
            last = Some(i);
            assert_eq!(
                status.counted, counted[i],
                "{}: item {} counted = {}, but by its judgement and dates it should be {}",
                unit.code, status.id, status.counted, counted[i]
            );
            assert!(
                portfolio.evidence[i].units.contains_key(&unit.code),
                "{}: item {} is listed but does not map to the unit",
                unit.code,
                status.id
            );
            if status.counted {
                unit_counted.insert(status.id.as_str());
            }
        }
        let mut req_ids = HashSet::new();
        for r in &unit.requirements {
            assert!(
                req_ids.insert(&*r.id),
                "{}: requirement {} listed twice",
                unit.code,
                r.id
            );
            assert!(
                !r.text.trim().is_empty(),
                "{}: requirement {} without text",
                unit.code,
                r.id
            );
            let mut seen = HashSet::new();
            for id in &r.evidence {
                assert!(
                    seen.insert(id.as_str()),
                    "{} {}: item {id} listed twice",
                    unit.code,
                    r.id
                );
                assert!(
                    unit_counted.contains(id.as_str()),
                    "{} {}: item {id} is evidence but is not a counted item of the unit",
                    unit.code,
                    r.id
                );
            }
            let mut order: Vec<usize> = r.evidence.iter().filter_map(|id| position(id)).collect();
            let sorted = {
                let mut s = order.clone();
                s.sort_unstable();
                s
            };
            assert_eq!(
                order, sorted,
                "{} {}: evidence not in portfolio order",
                unit.code, r.id
            );
            order.clear();
            if r.met {
                assert!(
                    r.missing.is_none(),
                    "{} {}: met, yet something is missing",
                    unit.code,
                    r.id
                );
            } else {
                assert!(
                    r.missing.as_deref().is_some_and(|m| !m.trim().is_empty()),
                    "{} {}: unmet, but `missing` does not say why: {:?}",
                    unit.code,
                    r.id,
                    r.missing
                );
            }
            // A criterion is met exactly when a counted item maps to the unit and covers it.
            if r.kind == RequirementKind::Criterion {
                let expected = portfolio.evidence.iter().enumerate().any(|(i, e)| {
                    counted[i]
                        && e.units
                            .get(&unit.code)
                            .is_some_and(|m| m.covers.iter().any(|c| c == &r.id))
                });
                assert_eq!(
                    r.met, expected,
                    "{} criterion {}: met = {}",
                    unit.code, r.id, r.met
                );
            }
        }
        for f in &unit.findings {
            // Every finding under a unit is about one of its items, except the two about the
            // unit's recorded decision (docs/findings.md).
            match f.item.as_deref() {
                Some(item) => assert!(
                    position(item).is_some(),
                    "{}: finding about unknown item {item:?}",
                    unit.code
                ),
                None => assert!(
                    matches!(
                        f.code,
                        FindingCode::DecisionContradictsEvidence | FindingCode::DecisionAfterJudgementDate
                    ),
                    "{}: {:?} names no item",
                    unit.code,
                    f.code
                ),
            }
            assert!(
                !f.message.trim().is_empty(),
                "{}: finding without a message",
                unit.code
            );
        }
    }
    for f in &report.findings {
        // A portfolio finding is about an item, or (judgement-date-defaulted) about none.
        assert!(
            f.item.as_deref().is_none_or(|item| position(item).is_some()),
            "finding about unknown item {:?}",
            f.item
        );
        assert!(!f.message.trim().is_empty(), "finding without a message");
    }
}

/// What two results of checking the same portfolio must agree on: the report, or the errors'
/// codes, messages, help and pointers (as multisets; positions differ by input form).
pub fn assert_same_result(a: &Result<Report, LoadErrors>, b: &Result<Report, LoadErrors>, what: &str) {
    match (a, b) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{what}: the reports differ"),
        (Err(a), Err(b)) => {
            let key = |e: &LoadErrors| {
                let mut v: Vec<(String, String, Option<String>, String)> = e
                    .errors()
                    .iter()
                    .map(|e| {
                        (
                            e.code().to_string(),
                            e.message().to_owned(),
                            e.help().map(str::to_owned),
                            e.pointer().to_owned(),
                        )
                    })
                    .collect();
                v.sort();
                v
            };
            assert_eq!(key(a), key(b), "{what}: the errors differ");
        }
        (a, b) => panic!(
            "{what}: one is accepted, the other not:\n{:?}\n---\n{:?}",
            a.as_ref().map(|r| r.complete).map_err(|e| e.to_string()),
            b.as_ref().map(|r| r.complete).map_err(|e| e.to_string())
        ),
    }
}

/// The whole oracle for a portfolio given as text in `format`.
pub fn fuzz_portfolio_text(data: &[u8], format: Format) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let name = match format {
        Format::Toml => "fuzz.toml",
        _ => "fuzz.json",
    };
    let checker = checker();
    let options = CheckOptions::default();
    let source = Source::new(name, text, format);
    let result = checker.check_source(&source, &options);
    match (&result, source.parse()) {
        (Ok(report), Ok(portfolio)) => {
            assert_report(report, &portfolio, &options);
            // The same portfolio as a value checks the same way. The judgement date is pinned
            // to the first check's, unless that one was defaulted to today (then the second
            // defaults too, and both say so).
            let mut options = CheckOptions::default();
            options.as_of = (!report.judgement_date_defaulted).then_some(report.judgement_date);
            let again = checker.check(&portfolio, &options);
            assert_same_result(&result, &again, "check_source vs check");
            round_trip(&portfolio);
        }
        (Err(errors), Ok(portfolio)) => {
            assert_text_errors(errors, name, text);
            // Validation errors: the value path finds the same problems.
            let again = checker.check(&portfolio, &options);
            if let Err(value_errors) = &again {
                assert_value_errors(value_errors);
            }
            assert_same_result(&result, &again, "check_source vs check");
            round_trip(&portfolio);
        }
        (Err(errors), Err(parse_errors)) => {
            assert_text_errors(errors, name, text);
            assert_eq!(
                errors, &parse_errors,
                "check_source's parse errors are not parse()'s"
            );
        }
        (Ok(_), Err(e)) => panic!("check_source accepted what parse() rejects: {e}"),
    }
}

/// A parsed portfolio written as JSON reads back as the same value.
pub fn round_trip(portfolio: &Portfolio) {
    // `Date` parses "-026-10-09" (year -26) but writes it as "-0026-10-09", which it rejects.
    if known("date-signed-year") && has_odd_year(portfolio) {
        return;
    }
    let json = serde_json::to_string(portfolio).expect("a portfolio serialises to JSON");
    let source = Source::new("round-trip.json", &json, Format::Json);
    match source.parse() {
        Ok(back) => assert_eq!(&back, portfolio, "JSON round trip changed the portfolio"),
        Err(e) => panic!("a parsed portfolio, written as JSON, does not parse: {e}\n{json}"),
    }
}

/// Whether any date of the portfolio is outside the years 0 to 9999.
pub fn has_odd_year(portfolio: &Portfolio) -> bool {
    use chrono::Datelike;
    let odd = |d: Date| !(0..=9999).contains(&d.naive().year());
    portfolio.judgement_date.is_some_and(odd)
        || portfolio.evidence.iter().any(|e| {
            odd(e.date)
                || e.end_date.is_some_and(odd)
                || e.verification.as_ref().and_then(|v| v.date).is_some_and(odd)
        })
}
