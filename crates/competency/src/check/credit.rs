//! Credit transfer: how each unit the candidate holds relates to a claimed unit through the
//! catalog's equivalence and supersession relations, and whether it gives credit.
//!
//! A unit held gives credit when it is the claimed unit (any release), or is reached from it
//! through relations that are all equivalences; a chain that passes through a supersession
//! without equivalence gives none, however the rest of it reads.

use std::collections::{HashMap, VecDeque};

use crate::catalog::Catalog;
use crate::ids::UnitCode;
use crate::outcome::{Link, LinkKind, NoCredit, PriorCredit, PriorRelation};
use crate::pathway::PriorUnit;
use crate::portfolio::Date;

/// The units held that bear on `claimed`, in portfolio order: the same unit, equivalent ones,
/// and those linked to it by supersession; units unrelated to it are left out.
pub(super) fn credits(
    catalog: &Catalog,
    claimed: &UnitCode,
    held: &[PriorUnit],
    date: Date,
) -> Vec<PriorCredit> {
    if held.is_empty() {
        return Vec::new();
    }
    let equivalent = walk(catalog, claimed, false);
    let mut linked: Option<HashMap<UnitCode, Vec<Link>>> = None;
    held.iter()
        .filter_map(|prior| {
            let (relation, links) = if prior.code == *claimed {
                (PriorRelation::SameUnit, Vec::new())
            } else if let Some(links) = equivalent.get(&prior.code) {
                (PriorRelation::Equivalent, links.clone())
            } else {
                let all = linked.get_or_insert_with(|| walk(catalog, claimed, true));
                (
                    PriorRelation::SupersededNotEquivalent,
                    all.get(&prior.code)?.clone(),
                )
            };
            let no_credit = if relation == PriorRelation::SupersededNotEquivalent {
                Some(NoCredit::NotEquivalent)
            } else if prior.issued_on > date {
                Some(NoCredit::IssuedAfterJudgementDate)
            } else if prior.verified_by.is_none() {
                Some(NoCredit::Unverified)
            } else if prior.verified_on.is_some_and(|on| on > date) {
                Some(NoCredit::VerifiedAfterJudgementDate)
            } else {
                None
            };
            Some(PriorCredit {
                code: prior.code.to_string(),
                release: prior.release,
                relation,
                links,
                credit: no_credit.is_none(),
                no_credit,
            })
        })
        .collect()
}

/// The shortest chain of links from `from` to every unit reachable from it: through
/// equivalences only, or with `supersession` through supersessions as well.
fn walk(catalog: &Catalog, from: &UnitCode, supersession: bool) -> HashMap<UnitCode, Vec<Link>> {
    let mut paths: HashMap<UnitCode, Vec<Link>> = HashMap::from([(from.clone(), Vec::new())]);
    let mut queue = VecDeque::from([from.clone()]);
    while let Some(code) = queue.pop_front() {
        for (next, kind) in neighbours(catalog, &code, supersession) {
            if paths.contains_key(&next) {
                continue;
            }
            let mut path = paths.get(&code).cloned().unwrap_or_default();
            path.push(Link {
                from: code.to_string(),
                to: next.to_string(),
                kind,
            });
            paths.insert(next.clone(), path);
            queue.push_back(next);
        }
    }
    paths
}

/// The units one relation away from `code`, in the catalog's order: equivalents first, then
/// (with `supersession`) the units it replaces and those that replace it without equivalence.
fn neighbours(catalog: &Catalog, code: &UnitCode, supersession: bool) -> Vec<(UnitCode, LinkKind)> {
    let equivalents: Vec<UnitCode> = catalog.equivalents(code).into_iter().cloned().collect();
    let mut out: Vec<(UnitCode, LinkKind)> = Vec::new();
    if supersession {
        let not_equivalent = |c: &&UnitCode| !equivalents.contains(c);
        out.extend(
            catalog
                .replaces(code)
                .into_iter()
                .filter(not_equivalent)
                .map(|c| (c.clone(), LinkKind::Replaces)),
        );
        out.extend(
            catalog
                .replaced_by(code)
                .into_iter()
                .map(|u| &u.code)
                .filter(not_equivalent)
                .map(|c| (c.clone(), LinkKind::ReplacedBy)),
        );
    }
    let mut all: Vec<(UnitCode, LinkKind)> = equivalents
        .into_iter()
        .map(|c| (c, LinkKind::Equivalent))
        .collect();
    all.append(&mut out);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(code: &str, verified: bool) -> PriorUnit {
        PriorUnit {
            code: code.parse().expect("a unit code"),
            release: None,
            issued_on: "2020-06-30".parse().expect("a date"),
            issuer: "RTO 1".to_owned(),
            document: crate::pathway::PriorDocument::StatementOfAttainment,
            verified_by: verified.then(|| "J. Smith".to_owned()),
            verified_on: None,
        }
    }

    /// A unit file with the given relations and the least else a unit needs.
    fn unit(code: &str, relations: &str) -> String {
        format!(
            "code = \"{code}\"\ntitle = \"T\"\nrelease = 1\n{relations}\n[[elements]]\nid = \"1\"\ntitle = \"E\"\n[[elements.criteria]]\nid = \"1.1\"\ntext = \"C\"\n"
        )
    }

    #[test]
    fn equivalence_chains_give_credit_and_a_supersession_without_equivalence_breaks_them() {
        // CCC003 replaces (equivalent) CCC002, which replaces (not equivalent) CCC001.
        let c3 = unit(
            "CCC003",
            "[[relations]]\nkind = \"replaces\"\ncode = \"CCC002\"\nequivalent = true\n",
        );
        let c2 = unit(
            "CCC002",
            "[[relations]]\nkind = \"replaces\"\ncode = \"CCC001\"\n",
        );
        let catalog = Catalog::from_sources([("CCC003.toml", c3.as_str()), ("CCC002.toml", c2.as_str())])
            .expect("valid units");
        let date = "2026-01-01".parse().expect("a date");
        let claimed: UnitCode = "CCC003".parse().expect("a code");
        let found = credits(
            &catalog,
            &claimed,
            &[held("CCC001", true), held("CCC002", true), held("ZZZ999", true)],
            date,
        );
        assert_eq!(found.len(), 2, "an unrelated unit is left out");
        assert_eq!(found[0].relation, PriorRelation::SupersededNotEquivalent);
        assert_eq!(found[0].no_credit, Some(NoCredit::NotEquivalent));
        assert_eq!(
            found[0].links.iter().map(|l| l.kind).collect::<Vec<_>>(),
            [LinkKind::Equivalent, LinkKind::Replaces]
        );
        assert!(found[1].credit && found[1].relation == PriorRelation::Equivalent);

        // Claimed the other way round: the newer unit held is linked by `replaced-by`.
        let old: UnitCode = "CCC001".parse().expect("a code");
        let found = credits(&catalog, &old, &[held("CCC003", true)], date);
        assert_eq!(
            found[0].links.iter().map(|l| l.kind).collect::<Vec<_>>(),
            [LinkKind::ReplacedBy, LinkKind::Equivalent]
        );
        assert!(!found[0].credit);
    }
}
