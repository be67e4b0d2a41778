//! Checks a portfolio against the bundled units and prints the JSON report.
//!
//! `cargo run -p competency --example check -- examples/CHCMGT006-complete.toml`
#![allow(clippy::print_stdout, clippy::print_stderr)]

use competency::{Catalog, CheckOptions, Checker, Format, Source};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: check PORTFOLIO");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let checker = Checker::new(Catalog::bundled());
    match checker.check_source(
        &Source::new(&path, &text, Format::from_file_name(&path)),
        &CheckOptions::default(),
    ) {
        Ok(report) => print!("{}", report.to_json()),
        Err(errors) => {
            eprintln!("{errors}");
            std::process::exit(2);
        }
    }
}
