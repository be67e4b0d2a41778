//! Measures checking throughput: compiles the bundled catalog once, then parses and checks
//! one portfolio many times. A measurement script, not a test:
//!
//! `cargo run --release -p competency --example measure -- examples/CHCMGT006-complete.json 20000`
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::Instant;

use competency::{Catalog, CheckOptions, Checker, Format, Source};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(path), runs) = (
        args.next(),
        args.next().and_then(|n| n.parse::<u32>().ok()).unwrap_or(10_000),
    ) else {
        eprintln!("usage: measure PORTFOLIO [RUNS]");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2);
    });
    let started = Instant::now();
    let checker = Checker::new(Catalog::bundled());
    let compile = started.elapsed();
    let source = Source::new(&path, &text, Format::from_file_name(&path));
    let options = CheckOptions::default();
    let started = Instant::now();
    let mut complete = 0u32;
    for _ in 0..runs {
        match checker.check_source(&source, &options) {
            Ok(report) => complete += u32::from(report.complete),
            Err(errors) => {
                eprintln!("{errors}");
                std::process::exit(2);
            }
        }
    }
    let elapsed = started.elapsed();
    // Parsing alone, to compare the check with the cost of reading the document.
    let started = Instant::now();
    for _ in 0..runs {
        if source.parse().is_err() {
            std::process::exit(2);
        }
    }
    let parse_only = started.elapsed();
    println!("catalog load + compile: {:.2} ms", compile.as_secs_f64() * 1e3);
    println!(
        "{runs} parse+check runs of {} bytes: {:.1} µs each, {:.0} portfolios/s ({complete} complete)",
        text.len(),
        elapsed.as_secs_f64() * 1e6 / f64::from(runs),
        f64::from(runs) / elapsed.as_secs_f64()
    );
    println!(
        "parse only: {:.1} µs each",
        parse_only.as_secs_f64() * 1e6 / f64::from(runs)
    );
}
