//! Seeded, realistic portfolios for the bundled units, shared by the `generate` and
//! `throughput` examples and the benchmarks (each includes this file with `#[path]`).
//!
//! Every portfolio is built from the complete example portfolios in `examples/` (one per
//! bundled unit, and the clustered one): their items, renumbered, plus copies of them with
//! new dates, clients and contexts to reach the size asked for. A complete portfolio keeps
//! every template item; an incomplete one drops every claim of one criterion (and, when it is
//! smaller than its templates, most items too); an invalid one carries one mistake a platform
//! makes, either in its shape (parsing) or in its content (validation). The same seed gives
//! the same bytes: the randomness is a splitmix64 stream and nothing iterates a hash map.
#![allow(dead_code)]

use std::fmt;

use competency::{
    Catalog, CheckOptions, Checker, Date, EvidenceItem, Format, Judgement, Person, Portfolio, Source, Verdict,
};

#[path = "rng.rs"]
mod rng;
pub use rng::Rng;

/// What a generated portfolio is, as the checker must find it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Valid, and every unit claimed is complete.
    Complete,
    /// Valid, and some unit is not complete.
    Incomplete,
    /// Parsing or validation rejects it.
    Invalid,
}

impl Kind {
    /// The checker's verdict for this kind.
    pub fn verdict(self) -> Verdict {
        match self {
            Kind::Complete => Verdict::Complete,
            Kind::Incomplete => Verdict::Incomplete,
            Kind::Invalid => Verdict::Invalid,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Complete => "complete",
            Kind::Incomplete => "incomplete",
            Kind::Invalid => "invalid",
        })
    }
}

/// Weights of the three kinds, `C:I:V`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mix {
    /// Weight of complete portfolios.
    pub complete: u32,
    /// Weight of incomplete portfolios.
    pub incomplete: u32,
    /// Weight of invalid portfolios.
    pub invalid: u32,
}

impl Mix {
    /// Parses `C:I:V`, such as `60:30:10`.
    pub fn parse(text: &str) -> Option<Mix> {
        let parts: Vec<u32> = text
            .split(':')
            .map(|p| p.trim().parse().ok())
            .collect::<Option<_>>()?;
        match parts[..] {
            [complete, incomplete, invalid] if complete + incomplete + invalid > 0 => Some(Mix {
                complete,
                incomplete,
                invalid,
            }),
            _ => None,
        }
    }

    /// One kind, drawn by weight.
    pub fn draw(&self, rng: &mut Rng) -> Kind {
        let total = self.complete + self.incomplete + self.invalid;
        let n = rng.below(total as usize) as u32;
        if n < self.complete {
            Kind::Complete
        } else if n < self.complete + self.incomplete {
            Kind::Incomplete
        } else {
            Kind::Invalid
        }
    }
}

impl Default for Mix {
    /// Mostly candidates in progress, a few bad documents.
    fn default() -> Self {
        Mix {
            complete: 40,
            incomplete: 50,
            invalid: 10,
        }
    }
}

/// How many evidence items a portfolio has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sizes {
    /// Always this many.
    Fixed(usize),
    /// Log-uniform between the two, inclusive.
    Range(usize, usize),
    /// One of these, uniformly.
    List(Vec<usize>),
    /// What RTOs hold: mostly 10 to 40 items, some a few hundred, rarely thousands.
    Realistic,
}

impl Sizes {
    /// Parses `realistic`, `N`, `A-B` (log-uniform) or `A,B,C` (one of them).
    pub fn parse(text: &str) -> Option<Sizes> {
        let size = |s: &str| {
            s.trim()
                .replace('_', "")
                .parse::<usize>()
                .ok()
                .filter(|&n| n >= 1)
        };
        if text == "realistic" {
            Some(Sizes::Realistic)
        } else if let Some((a, b)) = text.split_once('-') {
            let (a, b) = (size(a)?, size(b)?);
            (a <= b).then_some(Sizes::Range(a, b))
        } else if text.contains(',') {
            Some(Sizes::List(text.split(',').map(size).collect::<Option<_>>()?))
        } else {
            Some(Sizes::Fixed(size(text)?))
        }
    }

    /// One size.
    pub fn draw(&self, rng: &mut Rng) -> usize {
        fn log_uniform(rng: &mut Rng, a: usize, b: usize) -> usize {
            let (la, lb) = ((a as f64).ln(), ((b + 1) as f64).ln());
            ((la + rng.fraction() * (lb - la)).exp() as usize).clamp(a, b)
        }
        match self {
            Sizes::Fixed(n) => *n,
            Sizes::Range(a, b) => log_uniform(rng, *a, *b),
            Sizes::List(sizes) => *rng.pick(sizes),
            Sizes::Realistic => {
                let roll = rng.fraction();
                if roll < 0.70 {
                    rng.between(10, 40)
                } else if roll < 0.95 {
                    log_uniform(rng, 41, 300)
                } else if roll < 0.995 {
                    log_uniform(rng, 301, 2_000)
                } else {
                    log_uniform(rng, 2_001, 10_000)
                }
            }
        }
    }
}

/// One complete example portfolio, the source of items.
#[derive(Debug, Clone)]
struct Template {
    portfolio: Portfolio,
    /// The criterion numbers of each unit it claims, by unit code.
    criteria: Vec<(String, Vec<String>)>,
    /// The contexts its items name.
    contexts: Vec<String>,
}

impl Template {
    fn codes(&self) -> impl Iterator<Item = &str> {
        self.criteria.iter().map(|(code, _)| code.as_str())
    }
}

/// The complete examples the generator copies from (paths from this file).
const TEMPLATES: [(&str, &str); 6] = [
    (
        "BSBFLM507A-complete.toml",
        include_str!("../../../../examples/BSBFLM507A-complete.toml"),
    ),
    (
        "CHCMGT006-complete.toml",
        include_str!("../../../../examples/CHCMGT006-complete.toml"),
    ),
    (
        "CSCORG406A-complete.toml",
        include_str!("../../../../examples/CSCORG406A-complete.toml"),
    ),
    (
        "PSPMNGT606B-complete.toml",
        include_str!("../../../../examples/PSPMNGT606B-complete.toml"),
    ),
    (
        "SISXCCS002-complete.toml",
        include_str!("../../../../examples/SISXCCS002-complete.toml"),
    ),
    (
        "clustered.toml",
        include_str!("../../../../examples/clustered.toml"),
    ),
];

const GIVEN: [&str; 12] = [
    "Aroha", "Ben", "Chloe", "Dinh", "Esther", "Farid", "Grace", "Hamish", "Isla", "Jarrah", "Kiri",
    "Lachlan",
];
const FAMILY: [&str; 12] = [
    "Anderson",
    "Bui",
    "Campbell",
    "Dimitriou",
    "Evans",
    "Fonoti",
    "Gupta",
    "Hughes",
    "Ivanov",
    "Jones",
    "Kaur",
    "Lee",
];

/// A portfolio line and what it is.
#[derive(Debug, Clone)]
pub struct Generated {
    /// One line of compact JSON, without the line ending.
    pub json: String,
    /// What the checker must find.
    pub kind: Kind,
    /// Evidence items in it.
    pub items: usize,
}

/// Builds portfolios from the complete examples.
#[derive(Debug, Clone)]
pub struct Generator {
    templates: Vec<Template>,
}

impl Default for Generator {
    fn default() -> Self {
        Self::new()
    }
}

impl Generator {
    /// Reads the complete examples through the library (they are checked by its tests).
    pub fn new() -> Self {
        let catalog = Catalog::bundled();
        let templates = TEMPLATES
            .iter()
            .map(|(name, text)| {
                let portfolio = Source::new(name, text, Format::Toml)
                    .parse()
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                let criteria = portfolio
                    .units
                    .iter()
                    .map(|r| {
                        let unit = catalog.resolve(r).unwrap_or_else(|e| panic!("{name}: {e}"));
                        (
                            unit.code.to_string(),
                            unit.criteria().map(|c| c.id.to_string()).collect(),
                        )
                    })
                    .collect();
                let mut contexts: Vec<String> = Vec::new();
                for context in portfolio.evidence.iter().filter_map(|i| i.context.as_ref()) {
                    if !contexts.contains(context) {
                        contexts.push(context.clone());
                    }
                }
                Template {
                    portfolio,
                    criteria,
                    contexts,
                }
            })
            .collect();
        Generator { templates }
    }

    /// The complete example portfolio of one bundled unit.
    pub fn example(&self, code: &str) -> Option<&Portfolio> {
        self.templates
            .iter()
            .find(|t| t.criteria.len() == 1 && t.criteria[0].0 == code)
            .map(|t| &t.portfolio)
    }

    /// The fewest items a complete portfolio can have (the smallest template).
    pub fn smallest_complete(&self) -> usize {
        self.templates
            .iter()
            .map(|t| t.portfolio.evidence.len())
            .min()
            .unwrap_or(0)
    }

    /// A portfolio of `kind` with `items` evidence items as one JSON line. A complete portfolio
    /// smaller than every template cannot be made: it comes out incomplete (see `kind`).
    pub fn line(&self, rng: &mut Rng, kind: Kind, items: usize, serial: u64) -> Generated {
        match kind {
            Kind::Complete | Kind::Incomplete => {
                let (portfolio, kind) = self.valid(rng, kind == Kind::Complete, items, serial);
                Generated {
                    json: to_json(&portfolio),
                    kind,
                    items: portfolio.evidence.len(),
                }
            }
            Kind::Invalid => {
                let complete = rng.chance(0.5);
                let (mut portfolio, _) = self.valid(rng, complete, items, serial);
                let json = self.spoil(rng, &mut portfolio);
                Generated {
                    json,
                    kind: Kind::Invalid,
                    items: portfolio.evidence.len(),
                }
            }
        }
    }

    /// A valid portfolio with `items` evidence items: complete if asked and possible, else
    /// incomplete; the kind it is.
    pub fn valid(&self, rng: &mut Rng, complete: bool, items: usize, serial: u64) -> (Portfolio, Kind) {
        let fits = |t: &&Template| t.portfolio.evidence.len() <= items;
        let complete = complete && self.templates.iter().any(|t| fits(&t));
        let first = loop {
            let t = rng.pick(&self.templates);
            if !complete || fits(&t) {
                break t;
            }
        };
        let mut chosen = vec![first];
        // Some candidates are assessed on two units at once; a second template fits when it
        // claims other units and, for a complete portfolio, its items fit too.
        if rng.chance(0.15) {
            let second = rng.pick(&self.templates);
            let disjoint = second.codes().all(|c| first.codes().all(|f| f != c));
            let room = first.portfolio.evidence.len() + second.portfolio.evidence.len() <= items;
            if disjoint && (room || !complete) {
                chosen.push(second);
            }
        }
        let base = &first.portfolio;
        let judgement = base.judgement_date.unwrap_or_else(|| date(2026, 11, 20));
        let mut evidence: Vec<EvidenceItem> = chosen
            .iter()
            .flat_map(|t| t.portfolio.evidence.iter().cloned())
            .collect();
        if evidence.len() > items {
            // A candidate part-way through: a few of the items a complete portfolio has.
            rng.shuffle(&mut evidence);
            evidence.truncate(items);
        }
        // Clients are pseudonyms from a pool that grows with the portfolio, as a larger
        // portfolio covers more clients.
        let pool = (items / 4).max(8);
        while evidence.len() < items {
            let t = *rng.pick(&chosen);
            evidence.push(filler(rng, t, judgement, pool));
        }
        rng.shuffle(&mut evidence);
        let width = digits(evidence.len());
        for (i, item) in evidence.iter_mut().enumerate() {
            item.id = format!("E{:0width$}", i + 1);
        }
        // Anything a portfolio holds that is not set here (outcomes, prior units) as the first
        // example has it. The random draws in the order the generator has always made them
        // (same seed, same bytes): the candidate's name, then the assessor's number and name.
        let mut portfolio = base.clone();
        portfolio.candidate =
            Person::new(format!("S{serial:07}")).name(format!("{} {}", rng.pick(&GIVEN), rng.pick(&FAMILY)));
        portfolio.assessor = Some(Person::new(format!("A-{:04}", rng.below(500))).name(format!(
            "{} {}",
            rng.pick(&GIVEN),
            rng.pick(&FAMILY)
        )));
        portfolio.units = chosen
            .iter()
            .flat_map(|t| t.portfolio.units.iter().cloned())
            .collect();
        portfolio.judgement_date = Some(judgement);
        portfolio.evidence = evidence;
        if complete {
            return (portfolio, Kind::Complete);
        }
        // Incomplete for certain: no item claims one criterion of one unit any more.
        let t = *rng.pick(&chosen);
        let (code, criteria) = rng.pick(&t.criteria);
        let gap = rng.pick(criteria);
        for item in &mut portfolio.evidence {
            if let Some(mapping) = item.units.get_mut(code) {
                mapping.covers.retain(|c| c != gap);
            }
        }
        if rng.chance(0.5) && !portfolio.evidence.is_empty() {
            let i = rng.below(portfolio.evidence.len());
            portfolio.evidence[i].judgement = Judgement::Pending;
        }
        (portfolio, Kind::Incomplete)
    }

    /// One item with `clients` distinct clients in a complete CHCMGT006 portfolio (the linear
    /// case of a `distinct client` rule).
    pub fn with_clients(&self, clients: usize) -> Portfolio {
        let mut portfolio = self.templates[1].portfolio.clone();
        let item = portfolio
            .evidence
            .iter_mut()
            .find(|i| {
                i.units
                    .get("CHCMGT006")
                    .is_some_and(|m| m.activities.iter().any(|a| a == "service-proposal"))
            })
            .expect("CHCMGT006's example has a service proposal");
        item.clients = (1..=clients).map(|n| format!("C{n}")).collect();
        portfolio
    }

    /// One mistake in a valid portfolio, in a random item: about half fail validation (every
    /// problem located), half fail parsing (the first stops it).
    fn spoil(&self, rng: &mut Rng, portfolio: &mut Portfolio) -> String {
        let n = portfolio.evidence.len();
        if n == 0 {
            return to_json(portfolio).replacen("\"format\":1", "\"format\":2", 1);
        }
        let i = rng.below(n);
        let code = portfolio.units[0].code().to_string();
        match rng.below(11) {
            0 => {
                let m = portfolio.evidence[i].units.get_or_insert_default(&code);
                m.covers.push("9.9".to_owned());
            }
            1 => {
                let m = portfolio.evidence[i].units.get_or_insert_default(&code);
                m.activities.push("site-visit".to_owned());
            }
            2 if n > 1 => {
                let j = (i + 1 + rng.below(n - 1)) % n;
                portfolio.evidence[j].id = portfolio.evidence[i].id.clone();
            }
            3 => {
                let item = &mut portfolio.evidence[i];
                item.end_date = Some(minus_days(item.date, 1 + rng.below(30)));
            }
            4 => {
                // A mapping for a bundled unit the portfolio does not claim.
                let other = self
                    .templates
                    .iter()
                    .flat_map(|t| t.codes())
                    .find(|c| portfolio.units.iter().all(|u| u.code().as_str() != *c))
                    .unwrap_or("BSBFLM507A")
                    .to_owned();
                let m = portfolio.evidence[i].units.get_or_insert_default(&other);
                m.covers.push("1.1".to_owned());
            }
            5 => {
                portfolio
                    .units
                    .push("ZZZ999".parse().expect("a well-formed code"));
            }
            shape => {
                let json = to_json(portfolio);
                let id = &portfolio.evidence[i].id;
                let start = json
                    .find(&format!("{{\"id\":\"{id}\""))
                    .expect("the item is in the document");
                let end = start + json[start..].find("\"judgement\":").unwrap_or(0);
                let item = &json[start..end];
                return match shape {
                    6 => format!("{}\"notes\":\"see file\",{}", &json[..=start], &json[start + 1..]),
                    7 => {
                        let date = format!("\"date\":\"{}\"", portfolio.evidence[i].date);
                        let at = start + item.find(&date).unwrap_or(0);
                        format!(
                            "{}\"date\":\"2026-02-30\"{}",
                            &json[..at],
                            &json[at + date.len()..]
                        )
                    }
                    8 => {
                        let method = format!("\"method\":\"{}\"", portfolio.evidence[i].method.as_str());
                        let at = start + item.find(&method).unwrap_or(0);
                        format!(
                            "{}\"method\":\"interview\"{}",
                            &json[..at],
                            &json[at + method.len()..]
                        )
                    }
                    9 => {
                        let title = format!(
                            "\"title\":{},",
                            serde_json::to_string(&portfolio.evidence[i].title).unwrap_or_default()
                        );
                        let at = start + item.find(&title).unwrap_or(0);
                        format!("{}{}", &json[..at], &json[at + title.len()..])
                    }
                    _ => {
                        // Cut off in transit: ends inside the chosen item.
                        let mut cut = start + 1 + rng.below(item.len().max(2) - 1);
                        while !json.is_char_boundary(cut) {
                            cut -= 1;
                        }
                        json[..cut].to_owned()
                    }
                };
            }
        }
        to_json(portfolio)
    }
}

/// A copy of one of the template's items: another date in the currency window, other clients
/// and context; mostly judged satisfactory.
fn filler(rng: &mut Rng, t: &Template, judgement: Date, pool: usize) -> EvidenceItem {
    let mut item = rng.pick(&t.portfolio.evidence).clone();
    // Within the three-year window the examples' policy sets, whatever the date of the copy.
    item.date = minus_days(judgement, rng.below(1_000));
    if item.end_date.is_some() {
        item.end_date = Some(plus_days(item.date, rng.between(7, 90)).min(judgement));
    }
    if !item.clients.is_empty() {
        let k = rng.between(1, 4);
        item.clients = (0..k).map(|_| format!("C{}", 1 + rng.below(pool))).collect();
    }
    if item.context.is_some() && !t.contexts.is_empty() {
        item.context = Some(rng.pick(&t.contexts).clone());
    }
    if let Some(verification) = &mut item.verification {
        verification.date = Some(plus_days(item.date, rng.between(1, 14)).min(judgement));
    }
    let roll = rng.fraction();
    if roll < 0.04 {
        item.judgement = Judgement::Pending;
    } else if roll < 0.06 {
        item.judgement = Judgement::NotSatisfactory;
    }
    item
}

/// Checks that the checker finds each line to be what it was made as.
pub fn verify(checker: &Checker<'_>, json: &str, kind: Kind) -> Result<(), String> {
    let source = Source::new("generated.jsonl", json, Format::Json);
    let verdict = match checker.check_source(&source, &CheckOptions::default()) {
        Ok(report) if report.complete => Verdict::Complete,
        Ok(_) => Verdict::Incomplete,
        Err(_) => Verdict::Invalid,
    };
    if verdict == kind.verdict() {
        Ok(())
    } else {
        Err(format!("made as {kind}, checked as {verdict:?}"))
    }
}

/// Compact JSON, the way platforms send it.
pub fn to_json(portfolio: &Portfolio) -> String {
    serde_json::to_string(portfolio).expect("a portfolio serialises")
}

fn digits(n: usize) -> usize {
    n.max(1).to_string().len()
}

fn date(y: i32, m: u32, d: u32) -> Date {
    chrono::NaiveDate::from_ymd_opt(y, m, d)
        .expect("a real date")
        .into()
}

fn minus_days(d: Date, days: usize) -> Date {
    (d.naive() - chrono::Days::new(days as u64)).into()
}

fn plus_days(d: Date, days: usize) -> Date {
    (d.naive() + chrono::Days::new(days as u64)).into()
}
