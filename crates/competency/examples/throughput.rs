//! Checking throughput against the floor of reading (and writing) the same JSON, single
//! thread, for issue 8's targets. A measurement tool, not a test:
//!
//! `cargo run --release -p competency --example throughput -- [FILE.jsonl] [--runs N] [--block-mb N] [--no-sizes]`
//!
//! On FILE (JSON Lines, as `generate` writes), read a block of lines at a time (untimed), and
//! time on each block:
//! - B1: `serde_json::from_str::<Portfolio>` on each line, nothing else;
//! - B2: B1, plus writing each line's result record, computed before the timing, as compact
//!   JSON to a buffered sink: the same bytes `competency batch` writes;
//! - OURS-check: the library's parse and check as `competency batch` runs them
//!   (`Checker::check_reader`, one job);
//! - OURS-full: OURS-check plus each record written as `competency batch` writes it
//!   (`Checker::check_reader_to` into a 256 KiB `BufWriter`, one job).
//!
//! Each block is timed `--file-runs` times (default 1), the best kept, each timing repeating a
//! measure until it has run for 0.25 s; the figures are the sums over blocks. Measures that are
//! compared are timed in rounds (B2 then OURS-full, repeated; then B1 then OURS-check; our TOML
//! reader then typed `toml::from_str`), so that a change in the host's speed falls on both
//! sides of a ratio; by portfolio size, every size is timed once a round, so that it falls on
//! every size of the spread. Before it, the catalog's load and compile; after it, unless `--no-sizes`: the time per
//! evidence item by portfolio size (valid portfolios only), TOML against typed
//! `toml::from_str`, and the linear cases (best of `--runs`, default 3).
#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "support/catalogs.rs"]
mod catalogs;
#[path = "support/portfolios.rs"]
mod portfolios;
#[path = "support/timing.rs"]
mod timing;

use std::hint::black_box;
use std::io::{BufRead, BufWriter, Write};
use std::time::{Duration, Instant};

use competency::{BatchOptions, Catalog, CheckOptions, Checker, Format, Portfolio, Record, Source, Verdict};
use portfolios::{Generator, Kind, Mix, Rng};
use timing::{best, best_of_each, clock_name, load_average};

/// A sink that counts what is written to it, so that B2 and OURS-full can be shown to write
/// the same number of bytes.
#[derive(Default)]
struct Counter(u64);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct Args {
    file: Option<String>,
    runs: u32,
    file_runs: u32,
    block_bytes: usize,
    sizes: bool,
}

fn usage(problem: &str) -> ! {
    eprintln!("throughput: {problem}");
    eprintln!("usage: throughput [FILE.jsonl] [--runs N] [--file-runs N] [--block-mb N] [--no-sizes]");
    std::process::exit(2);
}

fn args() -> Args {
    let mut args = Args {
        file: None,
        runs: 3,
        file_runs: 1,
        block_bytes: 32_000_000,
        sizes: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut number = |name: &str| -> u64 {
            it.next()
                .and_then(|v| v.parse().ok())
                .filter(|&n| n > 0)
                .unwrap_or_else(|| usage(&format!("{name} takes a whole number above 0")))
        };
        match arg.as_str() {
            "--runs" => args.runs = number("--runs") as u32,
            "--file-runs" => args.file_runs = number("--file-runs") as u32,
            "--block-mb" => args.block_bytes = number("--block-mb") as usize * 1_000_000,
            "--no-sizes" => args.sizes = false,
            other if other.starts_with("--") => usage(&format!("unknown option {other}")),
            _ => args.file = Some(arg),
        }
    }
    args
}

fn mb_per_s(bytes: u64, time: Duration) -> f64 {
    bytes as f64 / 1e6 / time.as_secs_f64()
}

fn ns_per(time: Duration, n: u64) -> f64 {
    time.as_secs_f64() * 1e9 / n.max(1) as f64
}

fn met(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}

/// The four measures over one block of lines.
#[derive(Default, Clone, Copy)]
struct Times {
    b1: Duration,
    b2: Duration,
    check: Duration,
    full: Duration,
}

impl Times {
    /// The best of two timings of the same work, measure by measure.
    fn min(self, o: Times) -> Times {
        Times {
            b1: self.b1.min(o.b1),
            b2: self.b2.min(o.b2),
            check: self.check.min(o.check),
            full: self.full.min(o.full),
        }
    }
}

impl std::ops::AddAssign for Times {
    fn add_assign(&mut self, o: Times) {
        self.b1 += o.b1;
        self.b2 += o.b2;
        self.check += o.check;
        self.full += o.full;
    }
}

/// What a block holds, counted before timing.
#[derive(Default, Clone, Copy)]
struct Counts {
    bytes: u64,
    lines: u64,
    items: u64,
    complete: u64,
    incomplete: u64,
    invalid: u64,
    written: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.bytes += o.bytes;
        self.lines += o.lines;
        self.items += o.items;
        self.complete += o.complete;
        self.incomplete += o.incomplete;
        self.invalid += o.invalid;
        self.written += o.written;
    }
}

/// Evidence items in a line, valid or not (0 for a line that is not JSON).
fn items_in(line: &str) -> u64 {
    match serde_json::from_str::<Portfolio>(line) {
        Ok(p) => p.evidence.len() as u64,
        Err(_) => serde_json::from_str::<serde_json::Value>(line)
            .ok()
            .and_then(|v| {
                v.get("evidence")
                    .and_then(|e| e.as_array())
                    .map(|a| a.len() as u64)
            })
            .unwrap_or(0),
    }
}

/// Times the four measures on one block of JSON Lines text (no blank lines).
fn measure_block(checker: &Checker<'_>, options: &BatchOptions, text: &str, runs: u32) -> (Times, Counts) {
    let lines: Vec<&str> = text.lines().collect();
    let records: Vec<Record> = checker
        .check_reader(text.as_bytes(), options)
        .map(|r| r.expect("reading memory cannot fail"))
        .collect();
    assert_eq!(records.len(), lines.len(), "one record per line (no blank lines)");
    let mut counts = Counts {
        bytes: text.len() as u64,
        lines: lines.len() as u64,
        ..Counts::default()
    };
    for (line, record) in lines.iter().zip(&records) {
        counts.items += items_in(line);
        match record.verdict() {
            Verdict::Complete => counts.complete += 1,
            Verdict::Incomplete => counts.incomplete += 1,
            Verdict::Invalid => counts.invalid += 1,
            other => unreachable!("a verdict this harness does not count: {other:?}"),
        }
    }
    // B2 and OURS-full in rounds while the records B2 writes are held, then B1 and OURS-check
    // in rounds without them.
    let mut b2_written = 0;
    let mut written = 0;
    let [b2, full] = best_of_each(
        runs,
        [
            &mut || {
                let mut out = BufWriter::with_capacity(256 * 1024, Counter::default());
                for (line, record) in lines.iter().zip(&records) {
                    let _ = black_box(serde_json::from_str::<Portfolio>(black_box(line)));
                    serde_json::to_writer(&mut out, record).expect("a record serialises");
                    out.write_all(b"\n").expect("counting cannot fail");
                }
                out.flush().expect("counting cannot fail");
                b2_written = out.get_ref().0;
            },
            &mut || {
                // As `competency batch` does it (crates/competency-cli/src/batch.rs).
                let mut out = BufWriter::with_capacity(256 * 1024, Counter::default());
                let result = checker.check_reader_to(text.as_bytes(), &mut out, options, |_| {});
                assert!(result.read_error.is_none() && result.write_error.is_none());
                out.flush().expect("counting cannot fail");
                written = out.get_ref().0;
            },
        ],
    );
    drop(records);
    counts.written = written;
    let [b1, check] = best_of_each(
        runs,
        [
            &mut || {
                for line in &lines {
                    let _ = black_box(serde_json::from_str::<Portfolio>(black_box(line)));
                }
            },
            &mut || {
                for record in checker.check_reader(text.as_bytes(), options) {
                    let _ = black_box(record);
                }
            },
        ],
    );
    let times = Times { b1, b2, check, full };
    assert_eq!(b2_written, counts.written, "B2 writes the bytes OURS-full writes");
    (times, counts)
}

/// Reads the next block of whole lines, about `size` bytes; empty at the end.
fn next_block(reader: &mut impl BufRead, size: usize) -> String {
    let mut block = Vec::with_capacity(size + size / 8);
    while block.len() < size {
        match reader.read_until(b'\n', &mut block) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => usage(&format!("cannot read: {e}")),
        }
    }
    String::from_utf8(block).unwrap_or_else(|_| usage("the file is not UTF-8"))
}

fn whole_file(path: &str, args: &Args) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| usage(&format!("{path}: {e}")));
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    let checker = Checker::new(Catalog::bundled());
    let mut options = BatchOptions::default();
    options.name = path.to_owned();
    options.jobs = 1;
    println!("== whole file, single thread ==");
    println!("file: {path}");
    println!("load average at start: {}", load_average());
    let (mut times, mut counts) = (Times::default(), Counts::default());
    let mut blocks = 0;
    let wall = Instant::now();
    loop {
        let block = next_block(&mut reader, args.block_bytes);
        if block.is_empty() {
            break;
        }
        let (t, c) = measure_block(&checker, &options, &block, args.file_runs);
        times += t;
        counts += c;
        blocks += 1;
    }
    let wall = wall.elapsed();
    println!("load average at end: {}", load_average());
    println!(
        "input: {:.1} MB, {} portfolios ({} complete, {} incomplete, {} invalid), {} evidence items; output {:.1} MB",
        counts.bytes as f64 / 1e6,
        counts.lines,
        counts.complete,
        counts.incomplete,
        counts.invalid,
        counts.items,
        counts.written as f64 / 1e6
    );
    println!(
        "method: {blocks} block(s) of about {} MB, each timed {} time(s) per measure (best kept; a timing repeats a measure to last 0.25 s), measures interleaved per block",
        args.block_bytes / 1_000_000,
        args.file_runs
    );
    println!(
        "time: {:.1} s on CPU for the four measures, {:.1} s wall-clock for the section (which also computes the records for B2)",
        (times.b1 + times.b2 + times.check + times.full).as_secs_f64(),
        wall.as_secs_f64()
    );
    println!(
        "{:<36} {:>9} {:>10} {:>9}",
        "measure", "MB/s", "ns/item", "seconds"
    );
    for (name, time) in [
        ("B1 serde_json::from_str", times.b1),
        ("B2 B1 + write precomputed records", times.b2),
        ("OURS-check parse + check", times.check),
        ("OURS-full parse + check + write", times.full),
    ] {
        println!(
            "{name:<36} {:>9.1} {:>10.0} {:>9.2}",
            mb_per_s(counts.bytes, time),
            ns_per(time, counts.items),
            time.as_secs_f64()
        );
    }
    let check_ratio = times.b1.as_secs_f64() / times.check.as_secs_f64();
    let full_ratio = times.b2.as_secs_f64() / times.full.as_secs_f64();
    println!(
        "ratio OURS-check / B1 = {check_ratio:.2} (target >= 0.85: {})",
        met(check_ratio >= 0.85)
    );
    println!(
        "ratio OURS-full / B2  = {full_ratio:.2} (target >= 0.85: {})",
        met(full_ratio >= 0.85)
    );
}

fn catalog() {
    println!("== catalog load and compile (best of 5) ==");
    let bundled = best(5, || {
        let catalog =
            Catalog::from_sources(Catalog::bundled_sources().iter().copied()).expect("bundled units load");
        black_box(Checker::new(&catalog));
    });
    let renamed = catalogs::renamed_units(100);
    let hundred = best(5, || {
        let catalog = Catalog::from_sources(renamed.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .expect("renamed units load");
        assert_eq!(catalog.len(), 100);
        black_box(Checker::new(&catalog));
    });
    let (dir, cache) = catalogs::units_dir_with_cache("throughput-units", 100);
    let cache_file = dir.with_extension("cache");
    std::fs::write(&cache_file, &cache).expect("the cache file written");
    let cached = best(5, || {
        black_box(catalogs::load_cached(&dir, &cache_file));
    });
    // What `competency --only-units DIR --catalog-cache FILE check P` does: the checker compiles
    // the one unit the portfolio claims (CHCMGT006's complete example, claiming its renamed
    // copy CHCX00001).
    let generator = Generator::new();
    let example = generator.example("CHCMGT006").expect("a complete example");
    let json = portfolios::to_json(example).replace("CHCMGT006", "CHCX00001");
    let cached_check = best(5, || {
        let checker = catalogs::load_cached(&dir, &cache_file);
        let report = checker
            .check_source(
                &Source::new("p.json", &json, Format::Json),
                &CheckOptions::default(),
            )
            .expect("the renamed example is valid");
        assert!(report.complete, "the example is complete");
        black_box(report);
    });
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&cache_file);
    for (name, time, target) in [
        ("bundled catalog (5 units)", bundled, 5.0),
        ("100 units (renamed copies)", hundred, 10.0),
        ("100 units from cache", cached, 10.0),
        ("  + check 1 portfolio", cached_check, 10.0),
    ] {
        let ms = time.as_secs_f64() * 1e3;
        let verdict = if ms < target {
            "met".to_owned()
        } else {
            format!("NOT met: {:.1}x the target", ms / target)
        };
        println!("{name:<28} {ms:>8.2} ms   target < {target} ms: {verdict}");
    }
    println!(
        "(from cache: the unit files and the cache file read, the files hashed, the units validated; units are compiled when first claimed, so the check includes compiling one)"
    );
}

/// Valid portfolios of `size` items, about `total` items in all, as one JSON Lines text and
/// the parsed portfolios.
fn portfolios_of(generator: &Generator, size: usize, total: usize) -> (String, Vec<Portfolio>) {
    let mut rng = Rng::new(size as u64);
    let mix = Mix {
        complete: 40,
        incomplete: 60,
        invalid: 0,
    };
    let mut text = String::new();
    let mut parsed = Vec::new();
    for serial in 0..(total / size).max(1) {
        let complete = mix.draw(&mut rng) == Kind::Complete;
        let (portfolio, _) = generator.valid(&mut rng, complete, size, serial as u64);
        text.push_str(&portfolios::to_json(&portfolio));
        text.push('\n');
        parsed.push(portfolio);
    }
    (text, parsed)
}

fn sizes(generator: &Generator, runs: u32) {
    const TOTAL: usize = 100_000;
    println!(
        "== time per evidence item by portfolio size (valid portfolios, 40:60 complete:incomplete, about {TOTAL} items per size; best of {runs} rounds, each size timed once a round) =="
    );
    println!("load average at start: {}", load_average());
    let checker = Checker::new(Catalog::bundled());
    let mut options = BatchOptions::default();
    options.jobs = 1;
    println!(
        "{:>6} {:>11} {:>11} {:>11} {:>11} {:>11} {:>9} {:>9} {:>12} {:>12} {:>9}",
        "items",
        "portfolios",
        "B1 ns/it",
        "B2 ns/it",
        "check ns/it",
        "full ns/it",
        "check/B1",
        "full/B2",
        "toml ns/it",
        "typed ns/it",
        "toml/typ"
    );
    // Every size is timed once a round, and the rounds repeated: the spread compares sizes,
    // so a change in the host's speed while one size was timed would otherwise be read as
    // the cost of that size.
    const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];
    let mut limits = competency::Limits::default();
    limits.toml_input_bytes = usize::MAX;
    let inputs: Vec<(String, usize, u64, Vec<String>)> = SIZES
        .iter()
        .map(|&size| {
            let (text, parsed) = portfolios_of(generator, size, TOTAL);
            // TOML: our reader (strict, located errors) against typed `toml::from_str`.
            let tomls: Vec<String> = parsed
                .iter()
                .map(|p| toml::to_string(p).expect("a portfolio serialises to TOML"))
                .collect();
            for t in &tomls {
                Source::new("p.toml", t, Format::Toml)
                    .parse_with(&limits)
                    .expect("generated TOML parses");
            }
            (text, parsed.len(), (parsed.len() * size) as u64, tomls)
        })
        .collect();
    let mut best = vec![(Times::default(), Duration::ZERO, Duration::ZERO); SIZES.len()];
    for round in 0..runs.max(1) {
        for ((text, _, items, tomls), best) in inputs.iter().zip(&mut best) {
            let (times, counts) = measure_block(&checker, &options, text, 1);
            assert_eq!(counts.items, *items);
            let [ours_toml, typed_toml] = best_of_each(
                1,
                [
                    &mut || {
                        for t in tomls {
                            let _ = black_box(
                                Source::new("p.toml", black_box(t), Format::Toml).parse_with(&limits),
                            );
                        }
                    },
                    &mut || {
                        for t in tomls {
                            let _ = black_box(toml::from_str::<Portfolio>(black_box(t)));
                        }
                    },
                ],
            );
            *best = if round == 0 {
                (times, ours_toml, typed_toml)
            } else {
                (best.0.min(times), best.1.min(ours_toml), best.2.min(typed_toml))
            };
        }
    }
    let (mut per_item, mut toml_ratios) = (Vec::new(), Vec::new());
    for (size, ((_, portfolios, items, _), (times, ours_toml, typed_toml))) in
        SIZES.iter().zip(inputs.iter().zip(&best))
    {
        let items = *items;
        let check = ns_per(times.check, items);
        per_item.push(check);
        toml_ratios.push(typed_toml.as_secs_f64() / ours_toml.as_secs_f64());
        println!(
            "{size:>6} {portfolios:>11} {:>11.0} {:>11.0} {:>11.0} {:>11.0} {:>9.2} {:>9.2} {:>12.0} {:>12.0} {:>9.2}",
            ns_per(times.b1, items),
            ns_per(times.b2, items),
            check,
            ns_per(times.full, items),
            times.b1.as_secs_f64() / times.check.as_secs_f64(),
            times.b2.as_secs_f64() / times.full.as_secs_f64(),
            ns_per(*ours_toml, items),
            ns_per(*typed_toml, items),
            typed_toml.as_secs_f64() / ours_toml.as_secs_f64(),
        );
    }
    let max = per_item.iter().copied().fold(f64::MIN, f64::max);
    let min = per_item.iter().copied().fold(f64::MAX, f64::min);
    println!(
        "spread of check ns/item across sizes (largest / smallest) = {:.2} (target <= 1.25: {})",
        max / min,
        met(max / min <= 1.25)
    );
    let worst = toml_ratios.iter().copied().fold(f64::MAX, f64::min);
    println!(
        "TOML: typed toml::from_str time / our TOML parse time (toml/typ), lowest across sizes = {worst:.2} (target >= 0.90: {})",
        met(worst >= 0.90)
    );
    println!("load average at end: {}", load_average());
}

fn linear(generator: &Generator, runs: u32) {
    println!("== linear cases: parse + check of one portfolio (best of {runs}) ==");
    println!("load average at start: {}", load_average());
    let checker = Checker::new(Catalog::bundled());
    let options = CheckOptions::default();
    let time = |portfolio: &Portfolio| {
        let json = portfolios::to_json(portfolio);
        let source = Source::new("p.json", &json, Format::Json);
        checker
            .check_source(&source, &options)
            .expect("the portfolio is valid");
        best(runs, || {
            let _ = black_box(checker.check_source(&source, &options));
        })
    };
    let mut rng = Rng::new(7);
    let mut rows = Vec::new();
    for clients in [10_000, 100_000] {
        rows.push((
            format!("one item with {clients} clients"),
            "client",
            clients,
            time(&generator.with_clients(clients)),
        ));
    }
    for items in [10_000, 100_000] {
        let (portfolio, _) = generator.valid(&mut rng, true, items, 1);
        rows.push((format!("{items} items"), "item", items, time(&portfolio)));
    }
    for pair in rows.chunks(2) {
        let per = |r: &(String, &str, usize, Duration)| ns_per(r.3, r.2 as u64);
        for row in pair {
            println!(
                "{:<32} {:>10.1} ms {:>10.0} ns/{}",
                row.0,
                row.3.as_secs_f64() * 1e3,
                per(row),
                row.1
            );
        }
        println!(
            "cost per {} at 10x the size: {:.2}x (linear: about 1; quadratic: 10)",
            pair[1].1,
            per(&pair[1]) / per(&pair[0])
        );
    }
    println!("load average at end: {}", load_average());
}

fn main() {
    let args = args();
    println!(
        "throughput: competency {} (release build expected); {} cores; load average {}",
        env!("CARGO_PKG_VERSION"),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load_average()
    );
    println!("clock: {}", clock_name());
    if cfg!(debug_assertions) {
        println!("WARNING: a debug build; figures are meaningless (use --release)");
    }
    // First, while the heap is fresh: after the whole file it took up to 5x as long.
    catalog();
    if let Some(file) = &args.file {
        whole_file(file, &args);
    }
    if args.sizes {
        let generator = Generator::new();
        sizes(&generator, args.runs);
        linear(&generator, args.runs);
    }
}
