//! Prints what the library says about saved inputs (errors or a report summary), for triage:
//! `cargo run --release --example show_errors -- FILE...` (from fuzz/); same file kinds as
//! `time_input`.

use competency::{Catalog, CheckOptions, Checker, Format, Source, Unit};

fn main() {
    let checker = Checker::new(Catalog::bundled());
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).expect("UTF-8");
        println!("== {path}");
        if path.contains("unit") {
            match Unit::from_toml_str(&text) {
                Ok(u) => println!("unit {} loads", u.code),
                Err(e) => println!("{e}"),
            }
        } else {
            let source = Source::new(&path, &text, Format::from_file_name(&path));
            match checker.check_source(&source, &CheckOptions::default()) {
                Ok(r) => println!("{}", r.to_json()),
                Err(e) => println!("{e}"),
            }
        }
    }
}
