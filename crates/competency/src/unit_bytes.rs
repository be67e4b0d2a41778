//! Units as the compact bytes a catalog cache holds them in ([`crate::catalog_cache`]): made to
//! be decoded quickly, since decoding is most of what loading from a cache costs.
//!
//! Two parts: the shape (numbers, variant tags and lengths, as LEB128 varints) and the text
//! (every string, one after the other, checked as UTF-8 once). Fields are in declaration order
//! and nothing names them; a field the files' format leaves out (`None`, an empty list) is
//! still written, so no value is ever absent. The layout is the cache's `FORMAT`: bump it on
//! any change here or to the units' types.
//!
//! Decoding checks what deserialising a unit file checks (identifiers are parsed; numbers fit
//! their type) and refuses whatever could not be the bytes of some units, so that the units of
//! a damaged or forged cache are at worst units a file could give; the caller then validates
//! them as a file's.

use crate::ids::{CriterionId, ElementId, ItemId, Tag, UnitCode};
use crate::method::{Environment, Method};
use crate::rule::{Field, Filter, RequirementId, Rule, Scope};
use crate::unit::{
    Activity, Condition, ConditionKind, Criterion, Element, Entry, EvidenceKind, EvidenceRequirement,
    FoundationSkill, HistoryEntry, Item, ItemSection, KeyCompetency, Note, OptionItem, OptionList,
    RangeVariable, Relation, RelationKind, Status, Strength, Unit,
};

/// How deeply lists may nest (items in items, rules in rules): far beyond any unit, and a
/// bound on the stack a forged cache can ask for.
const MAX_DEPTH: u32 = 64;

/// The bytes of `units`: the shape's length (8 bytes, little-endian), the shape, the text.
pub(crate) fn encode(units: &[&Unit]) -> Vec<u8> {
    let mut w = Writer::default();
    w.number(units.len() as u64);
    for unit in units {
        unit.put(&mut w);
    }
    let mut out = Vec::with_capacity(8 + w.shape.len() + w.text.len());
    out.extend((w.shape.len() as u64).to_le_bytes());
    out.extend(w.shape);
    out.extend(w.text.into_bytes());
    out
}

/// The units `bytes` hold, or `None` when they are not the bytes of some units.
pub(crate) fn decode(bytes: &[u8]) -> Option<Vec<Unit>> {
    let (length, rest) = bytes.split_first_chunk::<8>()?;
    let length = usize::try_from(u64::from_le_bytes(*length)).ok()?;
    let (shape, text) = rest.split_at_checked(length)?;
    let text = std::str::from_utf8(text).ok()?;
    let mut r = Reader {
        shape,
        text,
        depth: 0,
    };
    let units = Vec::<Unit>::take(&mut r)?;
    (r.shape.is_empty() && r.text.is_empty()).then_some(units)
}

#[derive(Default)]
struct Writer {
    shape: Vec<u8>,
    text: String,
}

impl Writer {
    fn number(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.shape.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.shape.push(n as u8);
    }

    fn str(&mut self, s: &str) {
        self.number(s.len() as u64);
        self.text.push_str(s);
    }
}

struct Reader<'a> {
    shape: &'a [u8],
    text: &'a str,
    /// Lists being read, one inside the other.
    depth: u32,
}

impl<'a> Reader<'a> {
    #[inline]
    fn number(&mut self) -> Option<u64> {
        let (&first, rest) = self.shape.split_first()?;
        self.shape = rest;
        if first < 0x80 {
            return Some(u64::from(first));
        }
        let mut n = u64::from(first & 0x7f);
        for shift in (7..64).step_by(7) {
            let (&byte, rest) = self.shape.split_first()?;
            self.shape = rest;
            n |= u64::from(byte & 0x7f).checked_shl(shift)?;
            if byte < 0x80 {
                return Some(n);
            }
        }
        None
    }

    #[inline]
    fn length(&mut self) -> Option<usize> {
        usize::try_from(self.number()?).ok()
    }

    #[inline]
    fn str(&mut self) -> Option<&'a str> {
        let length = self.length()?;
        // `get` refuses a length that ends inside a character.
        let s = self.text.get(..length)?;
        self.text = &self.text[length..];
        Some(s)
    }
}

/// A value that goes into and comes out of the bytes.
trait Compact: Sized {
    fn put(&self, w: &mut Writer);
    fn take(r: &mut Reader<'_>) -> Option<Self>;
}

impl Compact for String {
    fn put(&self, w: &mut Writer) {
        w.str(self);
    }
    #[inline]
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        r.str().map(str::to_owned)
    }
}

impl Compact for u32 {
    fn put(&self, w: &mut Writer) {
        w.number(u64::from(*self));
    }
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        u32::try_from(r.number()?).ok()
    }
}

impl Compact for u8 {
    fn put(&self, w: &mut Writer) {
        w.number(u64::from(*self));
    }
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        u8::try_from(r.number()?).ok()
    }
}

impl Compact for bool {
    fn put(&self, w: &mut Writer) {
        w.number(u64::from(*self));
    }
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        match r.number()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

impl<T: Compact> Compact for Option<T> {
    fn put(&self, w: &mut Writer) {
        match self {
            None => w.number(0),
            Some(value) => {
                w.number(1);
                value.put(w);
            }
        }
    }
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        match r.number()? {
            0 => Some(None),
            1 => T::take(r).map(Some),
            _ => None,
        }
    }
}

impl<T: Compact> Compact for Vec<T> {
    fn put(&self, w: &mut Writer) {
        w.number(self.len() as u64);
        for value in self {
            value.put(w);
        }
    }
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        let length = r.length()?;
        // Every value takes at least a byte of the shape: a longer list is not there, and is
        // not allocated.
        if length > r.shape.len() || r.depth >= MAX_DEPTH {
            return None;
        }
        r.depth += 1;
        let mut out = Vec::with_capacity(length);
        for _ in 0..length {
            out.push(T::take(r)?);
        }
        r.depth -= 1;
        Some(out)
    }
}

/// Identifiers, as their text, parsed again when taken.
macro_rules! ids {
    ($($ty:ty),* $(,)?) => {$(
        impl Compact for $ty {
            fn put(&self, w: &mut Writer) {
                w.str(self.as_str());
            }
            fn take(r: &mut Reader<'_>) -> Option<Self> {
                r.str()?.parse().ok()
            }
        }
    )*};
}

ids!(UnitCode, Tag, ItemId, ElementId, CriterionId, RequirementId);

/// Enums without fields, as the variant's place in the list given here (the `match` makes a
/// new variant a compile error until it is listed).
macro_rules! choices {
    ($($ty:ident { $($variant:ident),+ $(,)? })*) => {$(
        impl Compact for $ty {
            fn put(&self, w: &mut Writer) {
                const ALL: &[$ty] = &[$($ty::$variant),+];
                match self {
                    $($ty::$variant)|+ => {}
                }
                w.number(ALL.iter().position(|v| v == self).unwrap_or_default() as u64);
            }
            fn take(r: &mut Reader<'_>) -> Option<Self> {
                const ALL: &[$ty] = &[$($ty::$variant),+];
                ALL.get(r.length()?).copied()
            }
        }
    )*};
}

choices! {
    Status { Current, Superseded }
    RelationKind { EquivalentTo, Replaces, CoAssess, Related }
    EvidenceKind { Performance, CriticalAspect, Contexts, Method }
    ConditionKind { Environment, Resources, People, Assessor }
    Strength { Must, Should, May, Defines }
    Method {
        Observation, Questioning, ThirdPartyReport, WorkplaceDocument, CaseStudy, Project,
        Portfolio, Scenario, Simulation, Product, RplDocument,
    }
    Environment { Workplace, Simulated }
    Field { Client, Context, Method, Environment, ServicePeriod, Date }
    Scope { Criteria, Knowledge, Skills }
}

/// Structs, field by field in the order given here (the struct literal makes a new field a
/// compile error until it is listed).
macro_rules! records {
    ($($ty:ident { $($field:ident),+ $(,)? })*) => {$(
        impl Compact for $ty {
            fn put(&self, w: &mut Writer) {
                $(self.$field.put(w);)+
            }
            fn take(r: &mut Reader<'_>) -> Option<Self> {
                Some($ty { $($field: Compact::take(r)?),+ })
            }
        }
    )*};
}

records! {
    Unit {
        code, title, release, status, competency_field, sectors, descriptor, application,
        licensing, currency_months, prerequisites, history, relations, activities, option_lists,
        elements, evidence, knowledge, skills, conditions, range, foundation_skills,
        key_competencies, notes,
    }
    HistoryEntry { release, text }
    Relation { kind, code, title, equivalent }
    Activity { id, text }
    OptionList { id, text, options }
    OptionItem { id, text, items, methods }
    Element { id, title, criteria }
    Criterion { id, text, range }
    EvidenceRequirement { id, kind, text, rule }
    ItemSection { heading, lead, items }
    Item { id, text, items }
    Condition { id, kind, text, items, rule }
    RangeVariable { id, term, strength, text, items }
    FoundationSkill { skill, text }
    KeyCompetency { name, level, text }
    Note { heading, text, items }
    Filter { activity, method, environment }
}

impl Compact for Entry {
    fn put(&self, w: &mut Writer) {
        match self {
            Entry::Text(text) => {
                w.number(0);
                w.str(text);
            }
            Entry::Nested { text, items } => {
                w.number(1);
                w.str(text);
                items.put(w);
            }
        }
    }
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        match r.number()? {
            0 => String::take(r).map(Entry::Text),
            1 => Some(Entry::Nested {
                text: Compact::take(r)?,
                items: Compact::take(r)?,
            }),
            _ => None,
        }
    }
}

impl Compact for Rule {
    fn put(&self, w: &mut Writer) {
        match self {
            Rule::Count { min, filter } => {
                w.number(0);
                min.put(w);
                filter.put(w);
            }
            Rule::Distinct { field, min, filter } => {
                w.number(1);
                field.put(w);
                min.put(w);
                filter.put(w);
            }
            Rule::Options { list, min, filter } => {
                w.number(2);
                list.put(w);
                min.put(w);
                filter.put(w);
            }
            Rule::PerItem {
                field,
                min_values,
                min,
                filter,
            } => {
                w.number(3);
                field.put(w);
                min_values.put(w);
                min.put(w);
                filter.put(w);
            }
            Rule::Spread {
                min_dates,
                min_span_days,
                filter,
            } => {
                w.number(4);
                min_dates.put(w);
                min_span_days.put(w);
                filter.put(w);
            }
            Rule::Covers { of, ids } => {
                w.number(5);
                of.put(w);
                ids.put(w);
            }
            Rule::All { rules } => {
                w.number(6);
                rules.put(w);
            }
            Rule::Any { rules } => {
                w.number(7);
                rules.put(w);
            }
        }
    }
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        use Compact as C;
        Some(match r.number()? {
            0 => Rule::Count {
                min: C::take(r)?,
                filter: C::take(r)?,
            },
            1 => Rule::Distinct {
                field: C::take(r)?,
                min: C::take(r)?,
                filter: C::take(r)?,
            },
            2 => Rule::Options {
                list: C::take(r)?,
                min: C::take(r)?,
                filter: C::take(r)?,
            },
            3 => Rule::PerItem {
                field: C::take(r)?,
                min_values: C::take(r)?,
                min: C::take(r)?,
                filter: C::take(r)?,
            },
            4 => Rule::Spread {
                min_dates: C::take(r)?,
                min_span_days: C::take(r)?,
                filter: C::take(r)?,
            },
            5 => Rule::Covers {
                of: C::take(r)?,
                ids: C::take(r)?,
            },
            6 => Rule::All { rules: C::take(r)? },
            7 => Rule::Any { rules: C::take(r)? },
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn units_come_back_as_they_went_in() {
        let units: Vec<&Unit> = Catalog::bundled().units().collect();
        let bytes = encode(&units);
        let back = decode(&bytes).unwrap_or_default();
        assert_eq!(back.iter().collect::<Vec<_>>(), units);
        // Every cut is refused, none panics.
        for cut in (0..bytes.len()).step_by(101) {
            assert_eq!(decode(&bytes[..cut]), None, "cut at {cut}");
        }
    }

    /// Every unit file of the repository's tests that deserialises (valid or not: the lint and
    /// hostile cases hold every rule shape, nested entries and odd values) comes back as it was.
    #[test]
    fn every_shape_of_unit_comes_back_as_it_went_in() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut units = Vec::new();
        for dir in ["units", "tests/lint", "tests/hostile/units", "tests/check"] {
            let mut pending = vec![root.join(dir)];
            while let Some(dir) = pending.pop() {
                for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        pending.push(path);
                    } else if path.extension().is_some_and(|e| e == "toml") {
                        let text = std::fs::read_to_string(&path).unwrap_or_default();
                        units.extend(toml::from_str::<Unit>(&text).ok());
                    }
                }
            }
        }
        assert!(units.len() > 40, "{} unit files found", units.len());
        let each: Vec<&Unit> = units.iter().collect();
        assert_eq!(decode(&encode(&each)), Some(units));
    }

    #[test]
    fn values_that_no_file_gives_are_refused() {
        let units: Vec<&Unit> = Catalog::bundled().units().collect();
        let bytes = encode(&units[..1]);
        let shape = usize::try_from(u64::from_le_bytes(bytes[..8].try_into().unwrap_or_default()))
            .unwrap_or_default();
        let text = &bytes[8 + shape..];
        // The first unit's code is the first text: made lower case, it is no unit code.
        let code = units[0].code.as_str();
        assert!(text.starts_with(code.as_bytes()));
        let mut lower = bytes.clone();
        lower[8 + shape..8 + shape + code.len()].make_ascii_lowercase();
        assert_eq!(decode(&lower), None);
        // A list longer than the bytes left is not allocated.
        let mut long = bytes[..8].to_vec();
        long.extend([0xff, 0xff, 0xff, 0xff, 0x0f]);
        long[..8].copy_from_slice(&5u64.to_le_bytes());
        assert_eq!(decode(&long), None);
        // Lists nested past the limit are refused, not followed down the stack.
        let mut w = Writer::default();
        w.number(1);
        let deep = (0..200).fold(Entry::Text("x".into()), |inner, _| Entry::Nested {
            text: "y".into(),
            items: vec![inner],
        });
        deep.put(&mut w);
        let mut r = Reader {
            shape: &w.shape,
            text: &w.text,
            depth: 0,
        };
        assert_eq!(r.number(), Some(1));
        assert_eq!(Entry::take(&mut r), None);
    }
}
