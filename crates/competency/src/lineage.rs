//! Where one release of a unit stands in a catalog: the releases of its code, what it
//! supersedes and what supersedes it, and what it is equivalent to. Facts only: `show` and
//! `units` word them.

use crate::catalog::Catalog;
use crate::ids::{UnitCode, UnitRef};
use crate::unit::{RelationKind, Unit};

/// What a catalog records about one release of a unit ([`Catalog::lineage`]).
///
/// Supersession between releases of one code comes from the releases the catalog holds (a
/// later release supersedes the one before it); between codes, from `[[relations]]` in the
/// unit files, read in both directions.
///
/// ```
/// use competency::Catalog;
/// let catalog = Catalog::bundled();
/// let unit = catalog.resolve_str("PSPMNGT606B").unwrap();
/// let lineage = catalog.lineage(unit);
/// assert!(lineage.is_latest());
/// assert_eq!(lineage.supersedes()[0].to_string(), "PSPMNGT606A");
/// assert_eq!(lineage.equivalent_to()[0].as_str(), "PSPMNGT606A");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Lineage<'c> {
    /// The release described.
    pub unit: &'c Unit,
    /// The releases the catalog holds of the unit's code, ascending (this one among them).
    pub releases: Vec<u32>,
    /// Codes of catalog units (any release) whose relations say they replace this code.
    pub replaced_by: Vec<&'c UnitCode>,
    /// Codes of catalog units (any release) that declare this code equivalent, and that this
    /// release does not itself declare equivalent.
    pub equivalent_from: Vec<&'c UnitCode>,
}

impl<'c> Lineage<'c> {
    /// True when no later release of the code is in the catalog: a reference without a
    /// release resolves to this one.
    pub fn is_latest(&self) -> bool {
        self.releases.last() == Some(&self.unit.release)
    }

    /// The release of the same code that this one supersedes: the latest earlier release the
    /// catalog holds.
    pub fn previous(&self) -> Option<u32> {
        self.releases.iter().copied().rfind(|r| *r < self.unit.release)
    }

    /// The release of the same code that supersedes this one: the next release the catalog
    /// holds.
    pub fn next(&self) -> Option<u32> {
        self.releases.iter().copied().find(|r| *r > self.unit.release)
    }

    /// What this release supersedes: the previous release of its code (`CODE@RELEASE`), then
    /// every code its `replaces` relations name.
    pub fn supersedes(&self) -> Vec<UnitRef> {
        let code = &self.unit.code;
        let previous = self.previous().map(|r| UnitRef::new(code.clone(), Some(r)));
        let replaced = self
            .unit
            .relations
            .iter()
            .filter(|r| r.kind == RelationKind::Replaces)
            .map(|r| UnitRef::new(r.code.clone(), None));
        previous.into_iter().chain(replaced).collect()
    }

    /// What supersedes this release: the next release of its code (`CODE@RELEASE`), then every
    /// catalog unit that replaces its code.
    pub fn superseded_by(&self) -> Vec<UnitRef> {
        let code = &self.unit.code;
        let next = self.next().map(|r| UnitRef::new(code.clone(), Some(r)));
        let replacing = self.replaced_by.iter().map(|c| UnitRef::new((*c).clone(), None));
        next.into_iter().chain(replacing).collect()
    }

    /// The codes this release is equivalent to: those its relations declare equivalent
    /// (`equivalent-to`, or `replaces` with `equivalent = true`), then those of catalog units
    /// that declare its code equivalent.
    pub fn equivalent_to(&self) -> Vec<&'c UnitCode> {
        let unit: &'c Unit = self.unit;
        let own = unit
            .relations
            .iter()
            .filter(|r| r.is_equivalence())
            .map(|r| &r.code);
        own.chain(self.equivalent_from.iter().copied()).collect()
    }
}

impl Catalog {
    /// Where a unit (one release, normally from this catalog) stands among this catalog's
    /// units: see [`Lineage`].
    pub fn lineage<'c>(&'c self, unit: &'c Unit) -> Lineage<'c> {
        let code = &unit.code;
        let declared = |other: &UnitCode| {
            unit.relations
                .iter()
                .any(|r| &r.code == other && r.is_equivalence())
        };
        Lineage {
            unit,
            releases: self.releases(code).map(|u| u.release).collect(),
            replaced_by: self.replaced_by(code).into_iter().map(|u| &u.code).collect(),
            equivalent_from: self
                .declaring_equivalent(code)
                .into_iter()
                .filter(|other| !declared(other))
                .collect(),
        }
    }
}
