//! Writes seeded, realistic portfolios for the five bundled units: complete, incomplete and
//! invalid, in the proportions asked, as JSON Lines (one portfolio per line) or one file each.
//! The same options give the same bytes. A measurement tool, not a test:
//!
//! `cargo run --release -p competency --example generate -- --seed 1 --count 1000 --output p.jsonl`
//!
//! Options:
//! - `--seed N` (default 1);
//! - `--count N` portfolios (default 1,000), or `--mb N`: stop once N million bytes are written;
//! - `--items SPEC` evidence items per portfolio: `realistic` (default: mostly 10 to 40, some
//!   hundreds, rarely thousands), `N`, `A-B` (log-uniform) or `A,B,C` (one of them);
//! - `--mix C:I:V` weights of complete, incomplete and invalid portfolios (default 40:50:10);
//! - `--output FILE` (default standard output), or `--dir DIR` for `DIR/p000001.json`, ...;
//! - `--no-verify`: skip checking that the checker finds each portfolio to be what it was made
//!   as (by default every one is checked, and a mismatch stops the run with exit code 1).
//!
//! A summary goes to standard error:
//! `generate: seed 1: 1000 portfolios: 402 complete, 497 incomplete, 101 invalid; 61234 evidence items; 38123456 bytes; each checked as labelled`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "support/portfolios.rs"]
mod portfolios;

use std::io::Write;
use std::path::PathBuf;

use competency::{Catalog, Checker};
use portfolios::{Generator, Kind, Mix, Rng, Sizes};

struct Options {
    seed: u64,
    count: Option<u64>,
    bytes: Option<u64>,
    sizes: Sizes,
    mix: Mix,
    output: Option<PathBuf>,
    dir: Option<PathBuf>,
    verify: bool,
}

fn usage(problem: &str) -> ! {
    eprintln!("generate: {problem}");
    eprintln!(
        "usage: generate [--seed N] [--count N | --mb N] [--items realistic|N|A-B|A,B,C] [--mix C:I:V] [--output FILE | --dir DIR] [--no-verify]"
    );
    std::process::exit(2);
}

fn options() -> Options {
    let mut options = Options {
        seed: 1,
        count: None,
        bytes: None,
        sizes: Sizes::Realistic,
        mix: Mix::default(),
        output: None,
        dir: None,
        verify: true,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .unwrap_or_else(|| usage(&format!("{name} needs a value")))
        };
        let number = |name: &str, text: String| {
            text.replace('_', "")
                .parse::<u64>()
                .unwrap_or_else(|_| usage(&format!("{name} takes a whole number, not {text:?}")))
        };
        match arg.as_str() {
            "--seed" => options.seed = number("--seed", value("--seed")),
            "--count" => options.count = Some(number("--count", value("--count"))),
            "--mb" => options.bytes = Some(number("--mb", value("--mb")) * 1_000_000),
            "--items" => {
                let text = value("--items");
                options.sizes =
                    Sizes::parse(&text).unwrap_or_else(|| usage(&format!("bad --items {text:?}")));
            }
            "--mix" => {
                let text = value("--mix");
                options.mix = Mix::parse(&text).unwrap_or_else(|| usage(&format!("bad --mix {text:?}")));
            }
            "--output" => options.output = Some(PathBuf::from(value("--output"))),
            "--dir" => options.dir = Some(PathBuf::from(value("--dir"))),
            "--no-verify" => options.verify = false,
            other => usage(&format!("unknown argument {other:?}")),
        }
    }
    if options.count.is_some() && options.bytes.is_some() {
        usage("give --count or --mb, not both");
    }
    if options.output.is_some() && options.dir.is_some() {
        usage("give --output or --dir, not both");
    }
    options
}

fn main() {
    let options = options();
    let generator = Generator::new();
    let checker = Checker::new(Catalog::bundled());
    let mut rng = Rng::new(options.seed);
    let mut out: Option<Box<dyn Write>> = match (&options.output, &options.dir) {
        (_, Some(dir)) => {
            std::fs::create_dir_all(dir).unwrap_or_else(|e| usage(&format!("{}: {e}", dir.display())));
            None
        }
        (Some(path), None) => Some(Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).unwrap_or_else(|e| usage(&format!("{}: {e}", path.display()))),
        ))),
        (None, None) => Some(Box::new(std::io::BufWriter::new(std::io::stdout().lock()))),
    };
    let count = options
        .count
        .unwrap_or(if options.bytes.is_some() { u64::MAX } else { 1_000 });
    let (mut made, mut items, mut bytes) = (0u64, 0u64, 0u64);
    let mut kinds = [0u64; 3];
    while made < count && options.bytes.is_none_or(|limit| bytes < limit) {
        made += 1;
        let kind = options.mix.draw(&mut rng);
        let size = options.sizes.draw(&mut rng);
        let generated = generator.line(&mut rng, kind, size, made);
        if options.verify {
            if let Err(e) = portfolios::verify(&checker, &generated.json, generated.kind) {
                eprintln!("generate: portfolio {made}: {e}\n{}", generated.json);
                std::process::exit(1);
            }
        }
        kinds[match generated.kind {
            Kind::Complete => 0,
            Kind::Incomplete => 1,
            Kind::Invalid => 2,
        }] += 1;
        items += generated.items as u64;
        bytes += generated.json.len() as u64 + 1;
        let written = match (&mut out, &options.dir) {
            (Some(out), _) => out
                .write_all(generated.json.as_bytes())
                .and_then(|()| out.write_all(b"\n")),
            (None, Some(dir)) => std::fs::write(dir.join(format!("p{made:06}.json")), &generated.json),
            (None, None) => unreachable!("one output is chosen"),
        };
        if let Err(e) = written {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                break;
            }
            eprintln!("generate: cannot write: {e}");
            std::process::exit(2);
        }
    }
    if let Some(mut out) = out {
        if let Err(e) = out.flush() {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                eprintln!("generate: cannot write: {e}");
                std::process::exit(2);
            }
        }
    }
    eprintln!(
        "generate: seed {}: {made} portfolios: {} complete, {} incomplete, {} invalid; {items} evidence items; {bytes} bytes; {}",
        options.seed,
        kinds[0],
        kinds[1],
        kinds[2],
        if options.verify {
            "each checked as labelled"
        } else {
            "not checked (--no-verify)"
        }
    );
}
