//! Benchmarks of the library's phases, with divan: `cargo bench -p competency --bench check`
//! (add a filter, such as `-- per_size`, to run some). Times are per portfolio; the item
//! counter gives evidence items per second, and the allocation profiler allocations per
//! portfolio. Not run by `cargo test`; docs/performance.md says how the figures were taken.
//!
//! - `catalog`: load (parse and validate) and compile the bundled catalog, and a catalog of
//!   100 units of real size (renamed copies of the bundled ones, in memory; and as files with
//!   a catalog cache, read, hashed and validated);
//! - `per_unit`: each bundled unit's complete example portfolio (`examples/`), as JSON;
//! - `per_size`: generated valid portfolios of 10 to 10,000 items (seeded, as `generate`);
//! - in each: `parse` (text to portfolio), `check` (validate and evaluate a parsed portfolio,
//!   building the report) and `parse_check` (both, from text, as `competency check` does).
#![allow(missing_docs)]

#[path = "../examples/support/catalogs.rs"]
mod catalogs;
#[path = "../examples/support/portfolios.rs"]
mod portfolios;

use std::sync::Arc;

use competency::{Catalog, CheckOptions, Checker, Format, Portfolio, SharedChecker, Source};
use divan::Bencher;
use divan::counter::ItemsCount;

#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

fn main() {
    divan::main();
}

const UNITS: [&str; 5] = [
    "BSBFLM507A",
    "CHCMGT006",
    "CSCORG406A",
    "PSPMNGT606B",
    "SISXCCS002",
];
const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];

mod catalog {
    use super::*;

    fn load(sources: &[(String, String)]) -> Catalog {
        Catalog::from_sources(sources.iter().map(|(n, t)| (n.as_str(), t.as_str()))).expect("the units load")
    }

    #[divan::bench]
    fn bundled_load() -> Catalog {
        Catalog::from_sources(Catalog::bundled_sources().iter().copied()).expect("bundled units load")
    }

    #[divan::bench]
    fn bundled_load_compile() -> SharedChecker {
        Checker::shared(Arc::new(bundled_load()))
    }

    #[divan::bench(sample_count = 20)]
    fn hundred_units_load(bencher: Bencher) {
        let sources = catalogs::renamed_units(100);
        bencher.bench(|| load(&sources));
    }

    #[divan::bench(sample_count = 20)]
    fn hundred_units_load_compile(bencher: Bencher) {
        let sources = catalogs::renamed_units(100);
        bencher.bench(|| Checker::shared(Arc::new(load(&sources))));
    }

    /// From a catalog cache: the unit files and the cache file read, the files hashed, the
    /// cached units validated, then compiled.
    #[divan::bench(sample_count = 20)]
    fn hundred_units_from_cache_compile(bencher: Bencher) {
        let (dir, cache) = catalogs::units_dir_with_cache("bench-units", 100);
        let cache_file = dir.with_extension("cache");
        std::fs::write(&cache_file, &cache).expect("the cache file written");
        bencher.bench(|| catalogs::load_cached(&dir, &cache_file));
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_file(&cache_file);
    }
}

/// The phases on one portfolio's JSON text.
fn parse(bencher: Bencher, portfolio: &Portfolio) {
    let json = portfolios::to_json(portfolio);
    bencher
        .counter(ItemsCount::new(portfolio.evidence.len()))
        .bench(|| Source::new("p.json", &json, Format::Json).parse());
}

fn check(bencher: Bencher, portfolio: &Portfolio) {
    let checker = Checker::new(Catalog::bundled());
    let options = CheckOptions::default();
    bencher
        .counter(ItemsCount::new(portfolio.evidence.len()))
        .bench(|| checker.check(portfolio, &options));
}

fn parse_check(bencher: Bencher, portfolio: &Portfolio) {
    let json = portfolios::to_json(portfolio);
    let checker = Checker::new(Catalog::bundled());
    let options = CheckOptions::default();
    bencher
        .counter(ItemsCount::new(portfolio.evidence.len()))
        .bench(|| checker.check_source(&Source::new("p.json", &json, Format::Json), &options));
}

mod per_unit {
    use super::*;

    fn example(code: &str) -> Portfolio {
        portfolios::Generator::new()
            .example(code)
            .expect("each bundled unit has a complete example")
            .clone()
    }

    #[divan::bench(args = UNITS)]
    fn parse(bencher: Bencher, code: &str) {
        super::parse(bencher, &example(code));
    }

    #[divan::bench(args = UNITS)]
    fn check(bencher: Bencher, code: &str) {
        super::check(bencher, &example(code));
    }

    #[divan::bench(args = UNITS)]
    fn parse_check(bencher: Bencher, code: &str) {
        super::parse_check(bencher, &example(code));
    }
}

mod per_size {
    use super::*;

    /// A valid portfolio of `size` items, the same every run.
    fn generated(size: usize) -> Portfolio {
        let mut rng = portfolios::Rng::new(size as u64);
        portfolios::Generator::new().valid(&mut rng, true, size, 1).0
    }

    #[divan::bench(args = SIZES, sample_count = 30)]
    fn parse(bencher: Bencher, size: usize) {
        super::parse(bencher, &generated(size));
    }

    #[divan::bench(args = SIZES, sample_count = 30)]
    fn check(bencher: Bencher, size: usize) {
        super::check(bencher, &generated(size));
    }

    #[divan::bench(args = SIZES, sample_count = 30)]
    fn parse_check(bencher: Bencher, size: usize) {
        super::parse_check(bencher, &generated(size));
    }
}
