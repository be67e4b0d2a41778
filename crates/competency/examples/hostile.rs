//! Writes the large hostile inputs that `scripts/measure-hostile` times: the worst cases the
//! review of issue 6 found, at sizes that would have taken minutes or exhausted memory. A
//! measurement tool, not a test:
//!
//! `cargo run --release -p competency --example hostile -- DIR`
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt::Write;

const HEAD_JSON: &str = r#"{"format": 1, "candidate": {"id": "S1"}, "units": ["CHCMGT006"], "judgement_date": "2026-11-20", "evidence": ["#;

fn item_json(out: &mut String, id: &str, clients: &str) {
    let _ = write!(
        out,
        r#"{{"id": "{id}", "title": "Service agreement", "date": "2026-10-01", "method": "workplace-document", "clients": [{clients}], "judgement": "satisfactory", "units": {{"CHCMGT006": {{"covers": ["2.7"], "activities": ["service-agreement"]}}}}}}"#
    );
}

fn item_toml(out: &mut String, id: &str) {
    let _ = write!(
        out,
        "[[evidence]]\nid = \"{id}\"\ntitle = \"Service agreement\"\ndate = 2026-10-01\nmethod = \"workplace-document\"\nclients = [\"C1\"]\njudgement = \"satisfactory\"\nunits.CHCMGT006 = {{ covers = [\"2.7\"], activities = [\"service-agreement\"] }}\n\n"
    );
}

fn json_items(n: usize, id: impl Fn(usize) -> String) -> String {
    let mut out = String::from(HEAD_JSON);
    for i in 0..n {
        if i > 0 {
            out.push_str(",\n");
        }
        item_json(&mut out, &id(i), &format!("\"C{}\"", i % 7));
    }
    out.push_str("]}\n");
    out
}

fn toml_items(n: usize, id: impl Fn(usize) -> String) -> String {
    let mut out = String::from(
        "format = 1\ncandidate = { id = \"S1\" }\nunits = [\"CHCMGT006\"]\njudgement_date = 2026-11-20\n\n",
    );
    for i in 0..n {
        item_toml(&mut out, &id(i));
    }
    out
}

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: hostile DIR");
        std::process::exit(2);
    };
    let dir = std::path::Path::new(&dir);
    let write = |name: &str, text: String| {
        std::fs::write(dir.join(name), text).unwrap_or_else(|e| {
            eprintln!("{name}: {e}");
            std::process::exit(2);
        });
        println!("{name}");
    };
    // Valid documents of growing size: the linear baseline.
    for n in [10_000, 100_000] {
        write(&format!("items-{n}.json"), json_items(n, |i| format!("E{i}")));
        write(&format!("items-{n}.toml"), toml_items(n, |i| format!("E{i}")));
    }
    // Every item has the same ID: one error per item, each to be placed in the file.
    for n in [10_000, 100_000] {
        write(
            &format!("duplicate-ids-{n}.json"),
            json_items(n, |_| "E1".to_owned()),
        );
        write(
            &format!("duplicate-ids-{n}.toml"),
            toml_items(n, |_| "E1".to_owned()),
        );
    }
    // One item with 100,000 distinct clients: a distinct rule over them.
    let mut one = String::from(HEAD_JSON);
    let clients: Vec<String> = (0..100_000).map(|i| format!("\"C{i}\"")).collect();
    item_json(&mut one, "E1", &clients.join(", "));
    one.push_str("]}\n");
    write("clients-100000.json", one);
    // A 24 MB unknown activity: near-miss suggestions against it.
    let mut long = String::from(HEAD_JSON);
    let _ = write!(
        long,
        r#"{{"id": "E1", "title": "t", "date": "2026-10-01", "method": "observation", "judgement": "satisfactory", "units": {{"CHCMGT006": {{"activities": ["{}"]}}}}}}]}}"#,
        "service-agreement".repeat(24_000_000 / 17)
    );
    write("long-value-24mb.json", long);
    // 100,000 items each mapped to a unit the portfolio does not claim: 100,000 errors, of
    // which the first 1,000 are reported.
    let mut unclaimed = String::from(HEAD_JSON);
    for i in 0..100_000 {
        if i > 0 {
            unclaimed.push_str(",\n");
        }
        let _ = write!(
            unclaimed,
            r#"{{"id": "E{i}", "title": "t", "date": "2026-10-01", "method": "observation", "judgement": "satisfactory", "units": {{"BSBFLM507A": {{"covers": ["1.1"]}}}}}}"#
        );
    }
    unclaimed.push_str("]}\n");
    write("unclaimed-100000.json", unclaimed);
}
