//! Times the library alone (no fuzz oracles) on saved inputs, to tell a slow library call from
//! a slow harness: `cargo run --release --example time_input -- FILE...` (from fuzz/).
//! A file ending in `.json` is a JSON portfolio; a file under a `unit_toml` directory, or
//! whose name contains `unit`, a unit file; anything else a TOML portfolio.

use std::time::Instant;

use competency::{Catalog, CheckOptions, Checker, Format, Source, Unit};

fn main() {
    let checker = Checker::new(Catalog::bundled());
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).expect("readable");
        let Ok(text) = std::str::from_utf8(&bytes) else {
            println!("{path}: not UTF-8");
            continue;
        };
        let start = Instant::now();
        let outcome = if path.contains("unit") {
            match Unit::from_toml_str(text) {
                Ok(u) => format!("unit {} loads", u.code),
                Err(e) => format!("{} errors", e.len()),
            }
        } else {
            let source = Source::new(&path, text, Format::from_file_name(&path));
            match checker.check_source(&source, &CheckOptions::default()) {
                Ok(r) => format!("report, complete = {}", r.complete),
                Err(e) => format!("{} errors", e.len()),
            }
        };
        println!(
            "{path}: {} bytes, {:.1} ms, {outcome}",
            bytes.len(),
            start.elapsed().as_secs_f64() * 1e3
        );
    }
}
