//! Runs the checking pipeline up to one phase over a JSON Lines file, once, so that
//! `scripts/bench-instructions` can count instructions (callgrind) and allocations (dhat) per
//! phase by difference. A measurement tool, not a test:
//!
//! `cargo run --release -p competency --example phase -- PHASE FILE.jsonl`
//!
//! Each phase does what the one before it does, and more:
//! - `read`: read the file (the baseline every other phase subtracts);
//! - `b1`: read, then `serde_json::from_str::<Portfolio>` each line (the parsing floor);
//! - `load`: read, then load and compile the bundled catalog;
//! - `parse`: load, then parse each line as the check does (strict, located errors, strings
//!   borrowed from the line); `parse-owned`: the same into the public, owned `Portfolio`;
//! - `check`: load, then parse and check each line;
//! - `records`: the same through `Checker::check_reader` (lines read from a reader, one job),
//!   as `throughput`'s OURS-check measures it;
//! - `full`: load, then check and write each record as `competency batch` does (to a sink);
//! - `toml-read`: read, then write each portfolio as TOML (the baseline of the two below);
//!   `toml-typed`: that, then typed `toml::from_str::<Portfolio>` each document; `toml-ours`:
//!   that, then our TOML reader (strict, located errors), as `check FILE.toml` parses.
//!
//! Prints the portfolios and evidence items it saw, for per-item figures.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::hint::black_box;
use std::io::Write;

use competency::{BatchOptions, Catalog, CheckOptions, Checker, Format, Portfolio, Source};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(phase), Some(path)) = (args.next(), args.next()) else {
        eprintln!(
            "usage: phase read|b1|load|parse|parse-owned|check|records|full|toml-read|toml-typed|toml-ours FILE.jsonl"
        );
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2);
    });
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let items: usize = match phase.as_str() {
        "read" => 0,
        "b1" => lines
            .iter()
            .map(|l| serde_json::from_str::<Portfolio>(l).map_or(0, |p| black_box(p).evidence.len()))
            .sum(),
        "toml-read" | "toml-typed" | "toml-ours" => {
            // Valid lines only, each as the TOML document an assessor would write.
            let tomls: Vec<String> = lines
                .iter()
                .filter_map(|l| serde_json::from_str::<Portfolio>(l).ok())
                .map(|p| toml::to_string(&p).expect("a portfolio serialises to TOML"))
                .collect();
            let mut limits = CheckOptions::default().limits;
            limits.toml_input_bytes = usize::MAX;
            tomls
                .iter()
                .map(|t| match phase.as_str() {
                    "toml-typed" => toml::from_str::<Portfolio>(t).map_or(0, |p| black_box(p).evidence.len()),
                    "toml-ours" => Source::new("p.toml", t, Format::Toml)
                        .parse_with(&limits)
                        .map_or(0, |p| black_box(p).evidence.len()),
                    _ => black_box(t).len().min(1),
                })
                .sum()
        }
        "load" | "parse" | "parse-owned" | "check" | "records" | "full" => {
            let checker = Checker::new(Catalog::bundled());
            let options = CheckOptions::default();
            let mut batch = BatchOptions::default();
            batch.name = path.clone();
            batch.jobs = 1;
            match phase.as_str() {
                "load" => 0,
                // As the check parses: strings borrowed from the line.
                "parse" => lines
                    .iter()
                    .map(|l| {
                        Source::new(&path, l, Format::Json)
                            .parse_json_borrowed_for_measurement(&options.limits)
                            .map_or(0, black_box)
                    })
                    .sum(),
                // The public parse into an owned `Portfolio`.
                "parse-owned" => lines
                    .iter()
                    .map(|l| {
                        Source::new(&path, l, Format::Json)
                            .parse_with(&options.limits)
                            .map_or(0, |p| black_box(p).evidence.len())
                    })
                    .sum(),
                "check" => lines
                    .iter()
                    .map(|l| {
                        let report = checker.check_source(&Source::new(&path, l, Format::Json), &options);
                        report.map_or(0, |r| black_box(r).evidence.len())
                    })
                    .sum(),
                // As `throughput`'s OURS-check measures: lines read from a reader.
                "records" => checker
                    .check_reader(text.as_bytes(), &batch)
                    .map(|record| usize::from(black_box(record).is_ok_and(|r| r.result.is_ok())))
                    .sum(),
                _ => {
                    // As `competency batch` writes (crates/competency-cli/src/batch.rs).
                    let mut out = std::io::BufWriter::with_capacity(256 * 1024, std::io::sink());
                    let written = checker.check_reader_to(text.as_bytes(), &mut out, &batch, |_| {});
                    let _ = out.flush();
                    written.summary.portfolios as usize
                }
            }
        }
        other => {
            eprintln!("phase: unknown phase {other:?}");
            std::process::exit(2);
        }
    };
    println!(
        "phase {phase}: {} portfolios, {items} evidence items counted",
        lines.len()
    );
}
