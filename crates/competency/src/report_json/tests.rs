use std::path::Path;

use proptest::prelude::*;

use super::{Json, write_record};
use crate::batch_record::Record;
use crate::{Catalog, CheckOptions, Checker, Date, Format, Portfolio, Report, Source};

/// The record's bytes from `write_record`, and from serde_json through the derived `Serialize`.
fn both(report: Report<'_>) -> (String, String) {
    let record = Record {
        line: 42,
        result: Ok(Box::new(report)),
    };
    let Ok(report) = &record.result else {
        unreachable!()
    };
    let mut ours = Vec::new();
    write_record(&mut ours, record.line, report).unwrap();
    (
        String::from_utf8(ours).unwrap(),
        serde_json::to_string(&record).unwrap(),
    )
}

fn with_names() -> CheckOptions {
    CheckOptions {
        include_names: true,
        ..CheckOptions::default()
    }
}

#[test]
fn every_conformance_case_that_checks_is_written_as_serde_json_writes_it() {
    let checker = Checker::new(Catalog::bundled());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/check");
    let mut written = 0;
    for case in std::fs::read_dir(&root).unwrap() {
        let dir = case.unwrap().path();
        // A case that expects a report must give one here, unless it checks against units of
        // its own (`units.txt`); the others are invalid, and a record of errors goes through
        // serde_json as it is.
        let expects_report = dir.join("expected.json").exists() && !dir.join("units.txt").exists();
        for (name, format) in [("portfolio.toml", Format::Toml), ("portfolio.json", Format::Json)] {
            let Ok(text) = std::fs::read_to_string(dir.join(name)) else {
                continue;
            };
            for options in [CheckOptions::default(), with_names()] {
                match checker.check_source(&Source::new(name, &text, format), &options) {
                    Ok(report) => {
                        let (ours, theirs) = both(report);
                        assert_eq!(ours, theirs, "{}", dir.display());
                        written += 1;
                    }
                    Err(e) => assert!(!expects_report, "{}: {e}", dir.display()),
                }
            }
        }
    }
    assert!(written > 200, "only {written} reports written");
}

#[test]
fn every_ascii_character_is_escaped_as_serde_json_escapes_it() {
    for b in 0u8..0x80 {
        // Alone, at each place in an eight-byte word and past the first word, with text after
        // it and as the last byte.
        for at in 0..20 {
            for tail in ["", "tail"] {
                let mut s = "a".repeat(at);
                s.push(char::from(b));
                s.push_str(tail);
                let mut ours = Vec::new();
                Json { out: &mut ours }.str(&s).unwrap();
                assert_eq!(
                    String::from_utf8(ours).unwrap(),
                    serde_json::to_string(&s).unwrap(),
                    "byte {b:#04x} at {at}"
                );
            }
        }
    }
}

/// A portfolio whose every free text is `text`, and whose items are each of the kinds a
/// report treats apart (counted or not, verified or not, ended or not, with an environment or
/// not), for two units.
fn portfolio_with(text: &str) -> String {
    let quoted = serde_json::to_string(text).unwrap();
    format!(
        r#"{{"format":1,"candidate":{{"id":"S1","name":{quoted}}},"assessor":{{"id":"A1","name":{quoted}}},
        "units":["CHCMGT006","BSBFLM507A"],"judgement_date":"2026-11-20",
        "policy":{{"verify":["third-party-report"]}},
        "evidence":[
          {{"id":"E1","title":{quoted},"date":"2026-10-01","method":"workplace-document","clients":["C1"],
            "judgement":"satisfactory","units":{{"CHCMGT006":{{"covers":["2.7","1.1"],"activities":["service-agreement"]}}}}}},
          {{"id":"E2","title":{quoted},"date":"2026-10-02","end_date":"2026-10-09","method":"third-party-report",
            "environment":"workplace","judgement":"satisfactory","units":{{"CHCMGT006":{{"covers":["1.2"]}},"BSBFLM507A":{{"covers":["1.1"]}}}}}},
          {{"id":"E3","title":{quoted},"date":"2026-10-03","method":"observation","environment":"simulated",
            "judgement":"pending","verification":{{"by":{quoted},"role":{quoted},"date":"2026-10-04"}},
            "units":{{"BSBFLM507A":{{"covers":["1.2"]}}}}}},
          {{"id":"E4","title":{quoted},"date":"2027-01-01","method":"observation","judgement":"satisfactory",
            "units":{{"CHCMGT006":{{"covers":["2.1"]}}}}}},
          {{"id":"E5","title":"nothing","date":"2026-10-05","method":"observation","judgement":"not-satisfactory",
            "units":{{}}}}
        ]}}"#
    )
}

#[test]
fn a_report_with_every_kind_of_item_is_written_as_serde_json_writes_it() {
    let checker = Checker::new(Catalog::bundled());
    let text = portfolio_with("Plan \"A\" \\ review\n\tfor Zoë 😀 \u{1}");
    let report = checker
        .check_source(&Source::new("p.json", &text, Format::Json), &with_names())
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    // The parts the writer treats apart are all there.
    assert!(report.units.iter().any(|u| u.plan.is_some()));
    assert!(
        report
            .units
            .iter()
            .flat_map(|u| &u.requirements)
            .any(|r| r.tally.is_some())
    );
    assert!(
        report
            .units
            .iter()
            .flat_map(|u| &u.requirements)
            .any(|r| !r.not_counted.is_empty())
    );
    assert!(
        report
            .evidence
            .iter()
            .any(|e| e.end_date.is_some() && e.environment.is_some())
    );
    assert!(report.evidence.iter().any(|e| e.verified_by.is_some()));
    assert!(!report.findings.is_empty() && report.units.iter().any(|u| !u.findings.is_empty()));
    let (ours, theirs) = both(report);
    assert_eq!(ours, theirs);
}

#[test]
fn a_date_no_document_can_hold_is_written_as_serde_json_writes_it() {
    let mut portfolio = Portfolio::new("S1").claim("CHCMGT006".parse().unwrap());
    portfolio.judgement_date = Some("0001-01-01".parse::<Date>().unwrap());
    portfolio.policy.currency_months = Some(24);
    let report = Checker::bundled()
        .check(&portfolio, &CheckOptions::default())
        .unwrap();
    // A currency window that would reach back before year 1 starts at its first day, which
    // every report can write as YYYY-MM-DD (its schema's pattern).
    assert!(
        report
            .units
            .iter()
            .all(|u| u.current_since.is_some_and(|d| d.to_string() == "0001-01-01"))
    );
    let (ours, theirs) = both(report.clone());
    assert_eq!(ours, theirs);
    // A date made outside a document (a program's own `Date::from`) can still be out of that
    // range: both writers write it alike.
    let mut report = report;
    let early = chrono::NaiveDate::from_ymd_opt(-2, 1, 1).unwrap();
    report.units[0].current_since = Some(Date::from(early));
    let (ours, theirs) = both(report);
    assert!(ours.contains("\"current_since\":\"-0002-01-01\""), "{ours}");
    assert_eq!(ours, theirs);
}

#[test]
fn a_spread_over_days_and_a_defaulted_date_are_written_as_serde_json_writes_them() {
    // No bundled unit counts days between items; one that does, for the tally's `span_days`.
    let sources: Vec<(&str, String)> = Catalog::bundled_sources()
        .iter()
        .map(|&(name, text)| {
            let text = text.replace(
                r#"rule = { type = "spread", min_dates = 2 }"#,
                r#"rule = { type = "spread", min_dates = 2, min_span_days = 30 }"#,
            );
            (name, text)
        })
        .collect();
    assert!(sources.iter().any(|(_, text)| text.contains("min_span_days")));
    let catalog = Catalog::from_sources(sources.iter().map(|(name, text)| (*name, text.as_str()))).unwrap();
    let checker = Checker::new(&catalog);
    // Without a judgement date, the report says it used today's.
    let text = portfolio_with("t").replace(r#""judgement_date":"2026-11-20","#, "");
    let report = checker
        .check_source(
            &Source::new("p.json", &text, Format::Json),
            &CheckOptions::default(),
        )
        .unwrap();
    assert!(report.judgement_date_defaulted);
    let tallies = report
        .units
        .iter()
        .flat_map(|u| &u.requirements)
        .filter_map(|r| r.tally.as_ref());
    assert!(tallies.clone().any(|t| t.span_days.is_some()));
    let (ours, theirs) = both(report);
    assert_eq!(ours, theirs);
}

/// Text with what JSON must escape (quotes, backslashes, every control character) among plain
/// and non-ASCII characters, or any text at all; it starts with a letter, since a portfolio's
/// texts may not be blank.
fn text() -> impl Strategy<Value = String> {
    prop_oneof!["[\"\\\\\u{0}-\u{1f} a-z~\u{7f}é😀]{0,40}", any::<String>()].prop_map(|s| format!("x{s}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_text_in_a_report_is_written_as_serde_json_writes_it(text in text()) {
        let checker = Checker::new(Catalog::bundled());
        let json = portfolio_with(&text);
        let report = checker
            .check_source(&Source::new("p.json", &json, Format::Json), &with_names())
            .unwrap_or_else(|e| panic!("{e}\n{json}"));
        let (ours, theirs) = both(report);
        prop_assert_eq!(ours, theirs);
    }
}
