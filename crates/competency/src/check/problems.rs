//! Problems found while validating a portfolio, and the checks every identifier and text
//! shares: not blank, no hidden characters, within the limits; and the problems of a unit
//! claimed twice or mapped without being claimed.

use super::compile::CompiledUnit;
use crate::doc_str::Text;
use crate::error::{ErrorCode, Problem};
use crate::limits::Limits;
use crate::path::Path;
use crate::portfolio::{EvidenceItem, Portfolio, item_path};
use crate::suggest::did_you_mean;
use crate::text::{code_point, forbidden_char, is_blank, shown};

/// Problems found so far; stops collecting at the limit so that a document with a million
/// faults costs no more than one with a thousand.
pub(super) struct Problems {
    pub(super) list: Vec<Problem>,
    pub(super) limit: usize,
}

impl Problems {
    pub(super) fn push(&mut self, problem: Problem) {
        if self.list.len() < self.limit {
            self.list.push(problem);
        }
    }
    pub(super) fn full(&self) -> bool {
        self.list.len() >= self.limit
    }
    pub(super) fn finish(mut self) -> Vec<Problem> {
        if self.full() {
            self.list.push(
                Problem::new(
                    ErrorCode::TooManyErrors,
                    Path::root(),
                    match self.limit {
                        1 => "1 error shown; validation stopped looking for more".to_owned(),
                        limit => format!("{limit} errors shown; validation stopped looking for more"),
                    },
                )
                .help("fix these and check again, or raise the limit (--max-errors)"),
            );
        }
        self.list
    }
}

/// Checks a value used as an identifier: not blank, no invisible or control characters, not
/// longer than the limit. True when it is usable.
pub(super) fn identifier(
    value: &str,
    what: &dyn std::fmt::Display,
    limits: &Limits,
    problems: &mut Problems,
    path: impl Fn() -> Path,
) -> bool {
    if is_blank(value) {
        problems.push(Problem::new(
            ErrorCode::EmptyText,
            path(),
            format!("{what} is empty"),
        ));
        return false;
    }
    if !text_length(value, limits, problems, &path) {
        return false;
    }
    if let Some(c) = forbidden_char(value) {
        problems.push(
            Problem::new(
                ErrorCode::InvalidCharacter,
                path(),
                format!(
                    "{what} `{}` holds the invisible or control character {}",
                    shown(value),
                    code_point(c)
                ),
            )
            .help("remove it: an identifier may not hold control or invisible characters, which make values that look alike differ"),
        );
        return false;
    }
    true
}

/// Checks a text's length against the limit. True when it is within.
pub(super) fn text_length(
    value: &str,
    limits: &Limits,
    problems: &mut Problems,
    path: impl Fn() -> Path,
) -> bool {
    // Bytes bound characters from above: count characters only when the bytes exceed.
    if value.len() <= limits.string_chars || value.chars().count() <= limits.string_chars {
        return true;
    }
    problems.push(limit_problem(
        path(),
        format!("a text of {} characters", value.chars().count()),
        limits.string_chars,
        "characters in one text",
        "--max-string",
    ));
    false
}

pub(super) fn limit_problem(path: Path, what: String, limit: usize, unit: &str, flag: &str) -> Problem {
    Problem::new(
        ErrorCode::LimitExceeded,
        path,
        format!("{what}, over the limit of {limit} {unit}"),
    )
    .help(format!(
        "split the document, or raise the limit ({flag} on the command line, `Limits` in the library)"
    ))
}

/// A unit claimed in a second release (`units[i]`, resolved to `release`) after `first`: a
/// portfolio is judged against one release of a unit, and its mappings, keyed by code, could
/// not tell the two apart.
pub(super) fn conflicting_releases<S: Text>(
    portfolio: &Portfolio<S>,
    i: usize,
    release: u32,
    first: u32,
) -> Problem {
    let reference = &portfolio.units[i];
    let code = reference.code();
    let earlier = portfolio.units[..i]
        .iter()
        .find(|r| r.code() == code)
        .map_or_else(|| code.to_string(), ToString::to_string);
    Problem::new(
        ErrorCode::ConflictingReleases,
        Path::root().key("units").index(i),
        format!(
            "{reference} claims release {release} of {code}, but \"{earlier}\" already claims release {first} of it"
        ),
    )
    .help(format!(
        "claim one release of a unit; to check the evidence against both, check it once with {code}@{first} and once with {code}@{release}"
    ))
}

pub(super) fn unclaimed<S: Text>(
    i: usize,
    item: &EvidenceItem<S>,
    code: &str,
    claimed: &[&CompiledUnit],
) -> Problem {
    Problem::new(
        ErrorCode::UnclaimedUnit,
        item_path(i).key("units").name(code),
        format!(
            "evidence item `{}` maps to {}, which the portfolio does not claim",
            shown(&item.id),
            shown(code)
        ),
    )
    .maybe_help(
        did_you_mean(code, claimed.iter().map(|c| c.unit.code.as_str())).or_else(|| {
            Some(format!(
                "add \"{}\" to `units`, or remove this mapping",
                shown(code)
            ))
        }),
    )
}
