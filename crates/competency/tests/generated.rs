//! The portfolio generator behind the measurements (examples/generate.rs, the throughput
//! harness and the benches) makes what it says: the checker finds every portfolio complete,
//! incomplete or invalid as labelled, and a seed always gives the same bytes.

#[path = "../examples/support/portfolios.rs"]
mod portfolios;

use competency::{Catalog, Checker};
use portfolios::{Generator, Kind, Mix, Rng, Sizes};

fn lines(seed: u64, count: u64, sizes: &Sizes, mix: Mix) -> Vec<portfolios::Generated> {
    let generator = Generator::new();
    let mut rng = Rng::new(seed);
    (1..=count)
        .map(|serial| {
            let kind = mix.draw(&mut rng);
            let size = sizes.draw(&mut rng);
            generator.line(&mut rng, kind, size, serial)
        })
        .collect()
}

#[test]
fn every_generated_portfolio_is_what_its_label_says() {
    let checker = Checker::new(Catalog::bundled());
    let mix = Mix::parse("1:1:1").unwrap();
    let generated = lines(3, 90, &Sizes::parse("1-120").unwrap(), mix);
    for (i, g) in generated.iter().enumerate() {
        if let Err(e) = portfolios::verify(&checker, &g.json, g.kind) {
            panic!("portfolio {}: {e}\n{}", i + 1, g.json);
        }
    }
    // Every kind is made.
    for kind in [Kind::Complete, Kind::Incomplete, Kind::Invalid] {
        assert!(
            generated.iter().filter(|g| g.kind == kind).count() >= 10,
            "few {kind}"
        );
    }
}

#[test]
fn every_kind_of_mistake_makes_an_invalid_portfolio() {
    let checker = Checker::new(Catalog::bundled());
    let invalid = Mix::parse("0:0:1").unwrap();
    for g in lines(11, 60, &Sizes::Fixed(12), invalid) {
        assert_eq!(g.kind, Kind::Invalid);
        portfolios::verify(&checker, &g.json, g.kind).unwrap_or_else(|e| panic!("{e}\n{}", g.json));
    }
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_others() {
    let sizes = Sizes::Realistic;
    let a: Vec<String> = lines(7, 20, &sizes, Mix::default())
        .into_iter()
        .map(|g| g.json)
        .collect();
    let b: Vec<String> = lines(7, 20, &sizes, Mix::default())
        .into_iter()
        .map(|g| g.json)
        .collect();
    let c: Vec<String> = lines(8, 20, &sizes, Mix::default())
        .into_iter()
        .map(|g| g.json)
        .collect();
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn a_complete_portfolio_has_the_size_asked_for() {
    let generator = Generator::new();
    let mut rng = Rng::new(5);
    for size in [generator.smallest_complete(), 100, 1_000] {
        let (portfolio, kind) = generator.valid(&mut rng, true, size, 1);
        assert_eq!(kind, Kind::Complete);
        assert_eq!(portfolio.evidence.len(), size);
    }
    let (small, kind) = generator.valid(&mut rng, true, generator.smallest_complete() - 1, 1);
    assert_eq!(kind, Kind::Incomplete, "too small to be complete");
    assert_eq!(small.evidence.len(), generator.smallest_complete() - 1);
}

#[test]
fn a_record_is_written_as_serde_json_writes_it() {
    // Records of reports are written directly, not through serde; the bytes must not differ.
    let checker = Checker::new(Catalog::bundled());
    let mix = Mix::parse("1:2:1").unwrap();
    let text: String = lines(13, 60, &Sizes::parse("1-400").unwrap(), mix)
        .into_iter()
        .map(|g| g.json + "\n")
        .collect();
    let mut reports = 0;
    for record in checker.check_reader(text.as_bytes(), &competency::BatchOptions::default()) {
        let record = record.unwrap();
        reports += usize::from(record.result.is_ok());
        assert_eq!(
            record.to_json_line(),
            serde_json::to_string(&record).unwrap() + "\n"
        );
    }
    assert!(reports >= 30, "only {reports} reports");
}
