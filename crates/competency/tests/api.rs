//! Promises of the public API that a program depending on the library relies on: which types
//! cross threads, that every error is a `std::error::Error`, that a report and a batch record
//! read back from their JSON, and that a portfolio built in code is the one its file reads as.

#![allow(clippy::unwrap_used)]

use competency::*;

/// A checker (borrowing or sharing its catalog), the catalog and what a check returns can be
/// kept in an application's state and cross threads.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Checker<'static>>();
    send_sync::<SharedChecker>();
    send_sync::<Catalog>();
    send_sync::<Report>();
    send_sync::<Record>();
    send_sync::<Portfolio>();
    send_sync::<LoadErrors>();
};

/// Every public error type converts into `Box<dyn Error + Send + Sync>` (so `?` works in any
/// application), with `Display` and `Debug`.
const _: () = {
    const fn error<T: std::error::Error + std::fmt::Display + std::fmt::Debug + Send + Sync + 'static>() {}
    error::<LoadError>();
    error::<LoadErrors>();
    error::<ResolveError>();
    error::<IdError>();
    error::<DateError>();
};

#[test]
fn errors_say_what_is_wrong_through_the_error_trait() {
    fn message(e: impl std::error::Error) -> String {
        e.to_string()
    }
    assert_eq!(
        message("2026-02-30".parse::<Date>().unwrap_err()),
        "\"2026-02-30\" is not a date: write YYYY-MM-DD, such as 2026-03-31"
    );
    assert!(message("chc".parse::<UnitCode>().unwrap_err()).starts_with("\"chc\" is not a valid unit code"));
    assert_eq!(
        message(Catalog::bundled().resolve_str("CHCMGT007").unwrap_err()),
        "unit CHCMGT007 is not in the catalog; did you mean CHCMGT006?"
    );
    let errors = Source::new("p.toml", "format = 2", Format::Toml)
        .parse()
        .unwrap_err();
    assert!(message(errors.errors()[0].clone()).starts_with("p.toml:"));
    assert!(message(errors).starts_with("p.toml:"));
}

/// Reports read back from their JSON (every conformance case's too: `check_cases.rs`),
/// with the fields written only with names (candidate, assessor, verifiers).
#[test]
fn reports_with_names_read_back() {
    let mut options = CheckOptions::default();
    options.include_names = true;
    let checker = Checker::new(Catalog::bundled());
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut names = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let report = checker
            .check_source(
                &Source::new(&name, &text, Format::from_file_name(&name)),
                &options,
            )
            .unwrap();
        let json = report.to_json();
        names += usize::from(json.contains("\"candidate_name\""));
        let back: Report = serde_json::from_str(&json).unwrap();
        assert_eq!(back, report, "{name}");
    }
    assert!(names > 0, "no example names its candidate");
}

/// A batch's records, a report and an error alike, read back from their lines.
#[test]
fn batch_records_read_back_from_their_lines() {
    let complete = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/CHCMGT006-complete.json"),
    )
    .unwrap();
    let complete: serde_json::Value = serde_json::from_str(&complete).unwrap();
    let input = format!("{complete}\n{{\"format\": 1}}\n");
    let records = Checker::bundled().check_jsonl(&input, &BatchOptions::default());
    assert_eq!(records.len(), 2);
    assert!(records[0].result.is_ok() && records[1].result.is_err());
    for record in records {
        let line = record.to_json_line();
        let back: Record = serde_json::from_str(&line).unwrap();
        assert_eq!(back.to_json_line(), line);
        assert_eq!(back, record);
    }
    for both_or_neither in [r#"{"line": 1}"#, r#"{"line": 1, "report": null, "errors": null}"#] {
        let error = serde_json::from_str::<Record>(both_or_neither).unwrap_err();
        assert!(error.to_string().contains("exactly one of"), "{error}");
    }
}

/// The names the library writes for its vocabularies are the ones its JSON has.
#[test]
fn as_str_is_the_json_name() {
    fn same<T: serde::Serialize>(value: T, name: &str) {
        assert_eq!(serde_json::to_value(value).unwrap(), name);
    }
    for v in [Severity::Info, Severity::Warning, Severity::Error] {
        same(v, v.as_str());
    }
    for v in [
        Judgement::Satisfactory,
        Judgement::NotSatisfactory,
        Judgement::Pending,
    ] {
        same(v, v.as_str());
    }
    for v in [Unverified::Warn, Unverified::Exclude] {
        same(v, v.as_str());
    }
    for v in [
        RelationKind::EquivalentTo,
        RelationKind::Replaces,
        RelationKind::CoAssess,
        RelationKind::Related,
    ] {
        same(v, v.as_str());
    }
    for v in [Scope::Criteria, Scope::Knowledge, Scope::Skills] {
        same(v, v.as_str());
    }
    for v in [
        RuleType::Count,
        RuleType::Distinct,
        RuleType::Options,
        RuleType::PerItem,
        RuleType::Spread,
        RuleType::Covers,
        RuleType::All,
        RuleType::Any,
    ] {
        same(v, v.as_str());
    }
    for field in [
        Field::Client,
        Field::Context,
        Field::Method,
        Field::Environment,
        Field::ServicePeriod,
        Field::Date,
    ] {
        same(Counted::from(field), field.plural());
    }
    for v in [
        Counted::Items,
        Counted::Options,
        Counted::Requirements,
        Counted::Parts,
    ] {
        same(v, v.as_str());
    }
}

fn date(text: &str) -> Date {
    text.parse().unwrap()
}

/// A portfolio built in code, with every key, is the one its TOML file reads as.
#[test]
fn a_built_portfolio_is_the_one_its_file_reads_as() {
    let text = r#"
format = 1
candidate = { id = "S1", name = "Sam Lee" }
assessor = { id = "A1" }
units = ["CHCMGT006@2", "BSBFLM507A"]
judgement_date = 2026-11-20

[policy]
currency_months = 24
verify = ["third-party-report"]
unverified = "exclude"

[[evidence]]
id = "E1"
title = "Service agreement"
date = 2026-10-01
end_date = 2026-10-03
method = "workplace-document"
environment = "workplace"
context = "Site A"
clients = ["C1", "C2"]
service_period = "2026-Q4"
judgement = "satisfactory"
verification = { by = "Jo Smith", role = "Team leader", date = 2026-10-05 }
units.CHCMGT006 = { covers = ["2.7", "PE1"], activities = ["service-agreement"], options = ["opt-1"] }
units.BSBFLM507A = { covers = ["1.1"] }

[[evidence]]
id = "E2"
title = "Supervisor's report"
date = 2026-09-01
method = "third-party-report"
service_periods = ["2026-Q2", "2026-Q3"]
judgement = "pending"

[outcomes.CHCMGT006]
pathway = "rpl"
decision = "competent"
decided_on = 2026-11-20

[outcomes.BSBFLM507A]
pathway = "credit-transfer"

[[prior_units]]
code = "BSBFLM507"
release = 1
issued_on = 2020-06-30
issuer = "RTO 12345 Example College"
document = "statement-of-attainment"
verified_by = "Jo Smith"
verified_on = 2026-10-10
"#;
    let parsed = Source::new("p.toml", text, Format::Toml).parse().unwrap();
    let built = Portfolio::new(Person::new("S1").name("Sam Lee"))
        .assessor("A1")
        .claim("CHCMGT006@2".parse().unwrap())
        .claim("BSBFLM507A".parse::<UnitCode>().unwrap().into())
        .judgement_date(date("2026-11-20"))
        .policy(
            Policy::default()
                .currency_months(24)
                .verify(Method::ThirdPartyReport)
                .unverified(Unverified::Exclude),
        )
        .item(
            EvidenceItem::new(
                "E1",
                "Service agreement",
                date("2026-10-01"),
                Method::WorkplaceDocument,
            )
            .end_date(date("2026-10-03"))
            .environment(Environment::Workplace)
            .context("Site A")
            .clients(["C1"])
            .clients(["C2".to_owned()])
            .service_period("2026-Q4")
            .judgement(Judgement::Satisfactory)
            .verification(
                Verification::new("Jo Smith")
                    .role("Team leader")
                    .date(date("2026-10-05")),
            )
            .covers("CHCMGT006", ["2.7"])
            .activities("CHCMGT006", ["service-agreement"])
            .options("CHCMGT006", ["opt-1"])
            .covers("BSBFLM507A", ["1.1"])
            // A second call adds to the unit's mapping, which keeps its place.
            .covers("CHCMGT006", ["PE1"]),
        )
        .item(
            EvidenceItem::new(
                "E2",
                "Supervisor's report",
                date("2026-09-01"),
                Method::ThirdPartyReport,
            )
            .service_periods(["2026-Q2", "2026-Q3"]),
        )
        .outcome(
            "CHCMGT006",
            UnitOutcome::new(Pathway::Rpl)
                .decision(Decision::Competent)
                .decided_on(date("2026-11-20")),
        )
        .outcome("BSBFLM507A", UnitOutcome::new(Pathway::CreditTransfer))
        .prior_unit(
            PriorUnit::new(
                "BSBFLM507".parse().unwrap(),
                date("2020-06-30"),
                "RTO 12345 Example College",
                PriorDocument::StatementOfAttainment,
            )
            .release(1)
            .verified_by("Jo Smith")
            .verified_on(date("2026-10-10")),
        );
    assert_eq!(built, parsed);
}

/// An item built without a judgement is pending: it never counts unjudged.
#[test]
fn a_built_item_is_pending_until_judged() {
    let item = EvidenceItem::new("E1", "t", date("2026-10-01"), Method::Observation);
    assert_eq!(item.judgement, Judgement::Pending);
    assert!(item.units.is_empty());
}

/// A built portfolio is validated as a file is: a mistake is an error with a pointer.
#[test]
fn a_built_portfolio_with_a_mistake_gets_a_located_error() {
    let portfolio = Portfolio::new("S1")
        .claim("CHCMGT006".parse().unwrap())
        .judgement_date(date("2026-11-20"))
        .item(
            EvidenceItem::new("E1", "t", date("2026-10-01"), Method::Observation)
                .judgement(Judgement::Satisfactory)
                .covers("CHCMGT006", ["9.9"]),
        );
    let errors = Checker::new(Catalog::bundled())
        .check(&portfolio, &CheckOptions::default())
        .unwrap_err();
    assert_eq!(
        errors.errors()[0].pointer(),
        "/evidence/0/units/CHCMGT006/covers/0"
    );
}

/// An error the parser finds in a portfolio names the value at fault, in JSON and in TOML
/// alike, so that a platform can point at it without reading positions: the value of the
/// wrong kind or with an unknown value, the field that is not in the format, the item that
/// lacks a field. A syntax error names nothing.
#[test]
fn an_identifier_that_does_not_parse_is_placed_at_itself_not_at_what_follows() {
    // An identifier was parsed after its string was read, so serde_json placed its error
    // where the array stopped reading: at the next element, whose pointer the error gave.
    let byte = |text: &str, line: u32, column: u32| -> (usize, char) {
        let start: usize = text
            .split('\n')
            .take(line as usize - 1)
            .map(|l| l.len() + 1)
            .sum();
        let (i, c) = text[start..].char_indices().nth(column as usize - 1).unwrap();
        (start + i, c)
    };
    let json = "{\n  \"format\": 1,\n  \"candidate\": {\"id\": \"S1\"},\n  \"units\": [\n    \"chcmgt006\",\n    \"CHCMGT006\"\n  ],\n  \"evidence\": []\n}\n";
    let toml =
        "format = 1\ncandidate = { id = \"S1\" }\nunits = [\"chcmgt006\", \"CHCMGT006\"]\nevidence = []\n";
    for (text, format, at) in [
        // JSON: the last character of the value at fault; TOML: its first.
        (json, Format::Json, json.find("\"chcmgt006\"").unwrap() + 10),
        (toml, Format::Toml, toml.find("\"chcmgt006\"").unwrap()),
    ] {
        let errors = Source::new("p", text, format).parse().unwrap_err();
        let error = &errors.errors()[0];
        assert_eq!(error.code().as_str(), "invalid-value", "{format:?}: {error}");
        assert_eq!(error.pointer(), "/units/0", "{format:?}: {error}");
        let (line, column) = (error.line().unwrap(), error.column().unwrap());
        assert_eq!(byte(text, line, column), (at, '"'), "{format:?}: {error}");
    }
}

#[test]
fn a_parse_error_in_a_portfolio_names_the_value_at_fault() {
    let json = include_str!("../../../examples/CHCMGT006-complete.json");
    let toml = include_str!("../../../examples/CHCMGT006-complete.toml");
    let first = |text: &str, format: Format| {
        let error = Source::new("p", text, format).parse().unwrap_err().errors()[0].clone();
        (error.code().as_str().to_owned(), error.pointer().to_owned())
    };
    let mut value: serde_json::Value = serde_json::from_str(json).unwrap();
    value["evidence"][1]["clients"] = serde_json::json!(["C1", 5]);
    let wrong_kind = serde_json::to_string_pretty(&value).unwrap();
    // A list where a date belongs: serde_json stops in the white space before its first
    // element; the value at fault is the list.
    let mut value: serde_json::Value = serde_json::from_str(json).unwrap();
    value["evidence"][0]["end_date"] = serde_json::json!(["C1"]);
    let list_for_date = serde_json::to_string_pretty(&value).unwrap();
    let unknown_method = json.replacen("\"method\": \"workplace-document\"", "\"method\": \"x\"", 1);
    let unknown_field = json.replacen("\"title\"", "\"titel\"", 1);
    let mut value: serde_json::Value = serde_json::from_str(json).unwrap();
    value["evidence"][2].as_object_mut().unwrap().remove("title");
    let missing = serde_json::to_string(&value).unwrap();
    let toml_wrong_kind = {
        let at = toml.find("\ncovers = [").unwrap() + 1;
        let end = at + toml[at..].find(']').unwrap() + 1;
        format!("{}covers = 7{}", &toml[..at], &toml[end..])
    };
    for (text, format, code, pointer) in [
        (
            &wrong_kind,
            Format::Json,
            "invalid-value",
            "/evidence/1/clients/1",
        ),
        (
            &unknown_method,
            Format::Json,
            "invalid-value",
            "/evidence/0/method",
        ),
        (&unknown_field, Format::Json, "unknown-field", "/evidence/0/titel"),
        (
            &list_for_date,
            Format::Json,
            "invalid-value",
            "/evidence/0/end_date",
        ),
        (&missing, Format::Json, "missing-field", "/evidence/2"),
        (&"{\"format\": 1,".to_owned(), Format::Json, "syntax", ""),
        (
            &toml.replacen("\ntitle = ", "\ntitel = ", 1),
            Format::Toml,
            "unknown-field",
            "/evidence/0/titel",
        ),
        (
            &toml_wrong_kind,
            Format::Toml,
            "invalid-value",
            "/evidence/0/units/CHCMGT006/covers",
        ),
        (
            &toml.replacen("method = \"workplace-document\"", "method = \"x\"", 1),
            Format::Toml,
            "invalid-value",
            "/evidence/0/method",
        ),
    ] {
        assert_eq!(
            first(text, format),
            (code.to_owned(), pointer.to_owned()),
            "{code} at {pointer}"
        );
    }
}

/// The register names each item's own verifier and role: items with a verification and a
/// role, with a verification and no role, and with none, mixed, with and without names.
#[test]
fn the_register_gives_each_item_its_own_verifier_and_role() {
    use competency::{EvidenceItem, Method, Portfolio, Verification};
    let date = "2026-10-01".parse().unwrap();
    let item = |id: &str| EvidenceItem::new(id, format!("Title of {id}"), date, Method::Product);
    let portfolio = Portfolio::new("S1")
        .claim("CHCMGT006".parse().unwrap())
        .judgement_date("2026-11-20".parse().unwrap())
        .item(item("E1").verification(Verification::new("Ann").role("Team leader")))
        .item(item("E2"))
        .item(item("E3").verification(Verification::new("Bo")))
        .item(item("E4").verification(Verification::new("Cy").role("Supervisor")));
    for names in [false, true] {
        let mut options = CheckOptions::default();
        options.include_names = names;
        let report = Checker::bundled().check(&portfolio, &options).unwrap();
        let register: Vec<_> = report
            .evidence
            .iter()
            .map(|e| {
                (
                    e.id.as_str(),
                    e.title.as_str(),
                    e.verified,
                    e.verified_by.as_deref(),
                    e.verifier_role.as_deref(),
                )
            })
            .collect();
        let by = |name| names.then_some(name);
        assert_eq!(
            register,
            [
                ("E1", "Title of E1", true, by("Ann"), Some("Team leader")),
                ("E2", "Title of E2", false, None, None),
                ("E3", "Title of E3", true, by("Bo"), None),
                ("E4", "Title of E4", true, by("Cy"), Some("Supervisor")),
            ],
            "names: {names}"
        );
    }
}
