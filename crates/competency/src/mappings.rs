//! What an evidence item shows, per unit: a short list in the order given, looked up by unit
//! code. Most items map to one unit, so a list costs one allocation where a hash map costs two
//! (its entries and its table) and more memory: 1.35 MB less at the peak of a 4.6 MB portfolio.

use std::borrow::Borrow;
use std::fmt;
use std::hash::Hash;
use std::marker::PhantomData;

use serde::de::{Error as _, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::hash::HashMap;
use crate::portfolio::Mapping;

/// Past this many units, [`Collect`] finds a unit named again in a map of places rather than by
/// looking back along the list.
const LOOK_BACK: usize = 16;

/// An item's mappings, one per unit code, in the order given (see
/// [`EvidenceItem::units`](crate::EvidenceItem::units)). It reads from and writes to a map
/// keyed by unit code, as the portfolio formats have it; a unit named twice is an error.
///
/// ```
/// use competency::Mappings;
/// let mut units = Mappings::new();
/// units.get_or_insert_default("CHCMGT006").covers.push("1.1".to_owned());
/// assert_eq!(units.get("CHCMGT006").map(|m| m.covers.len()), Some(1));
/// assert_eq!(units.keys().collect::<Vec<_>>(), ["CHCMGT006"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mappings<S = String>(Vec<(S, Mapping<S>)>);

impl<S> Default for Mappings<S> {
    fn default() -> Self {
        Mappings(Vec::new())
    }
}

impl<S> Mappings<S> {
    /// No mappings.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many units the item maps to.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when the item maps to no unit.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each unit code with its mapping, in the order given.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&S, &Mapping<S>)> + DoubleEndedIterator {
        self.0.iter().map(|(code, mapping)| (code, mapping))
    }

    /// The unit codes, in the order given.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &S> + DoubleEndedIterator {
        self.0.iter().map(|(code, _)| code)
    }

    /// The mappings, in the order given.
    pub fn values(&self) -> impl ExactSizeIterator<Item = &Mapping<S>> + DoubleEndedIterator {
        self.0.iter().map(|(_, mapping)| mapping)
    }

    /// The mappings, to change them, in the order given.
    pub fn values_mut(&mut self) -> impl ExactSizeIterator<Item = &mut Mapping<S>> + DoubleEndedIterator {
        self.0.iter_mut().map(|(_, mapping)| mapping)
    }
}

impl<S: Borrow<str>> Mappings<S> {
    fn position(&self, code: &str) -> Option<usize> {
        self.0.iter().position(|(c, _)| c.borrow() == code)
    }

    /// The mapping for a unit code. A search along the list: an item maps to a few units.
    pub fn get(&self, code: &str) -> Option<&Mapping<S>> {
        self.position(code).map(|i| &self.0[i].1)
    }

    /// The mapping for a unit code, to change it.
    pub fn get_mut(&mut self, code: &str) -> Option<&mut Mapping<S>> {
        self.position(code).map(|i| &mut self.0[i].1)
    }

    /// True when the item maps to the unit.
    pub fn contains_key(&self, code: &str) -> bool {
        self.position(code).is_some()
    }

    /// Sets the mapping for a unit: in its place when the unit is there already (returning the
    /// mapping it had), otherwise after the others.
    pub fn insert(&mut self, code: S, mapping: Mapping<S>) -> Option<Mapping<S>> {
        match self.position(code.borrow()) {
            Some(i) => Some(std::mem::replace(&mut self.0[i].1, mapping)),
            None => {
                self.0.push((code, mapping));
                None
            }
        }
    }

    /// Removes a unit's mapping, keeping the others in order.
    pub fn remove(&mut self, code: &str) -> Option<Mapping<S>> {
        self.position(code).map(|i| self.0.remove(i).1)
    }
}

impl<S: Borrow<str> + for<'c> From<&'c str>> Mappings<S> {
    /// The mapping for a unit, added empty after the others if the item has none for it yet.
    pub fn get_or_insert_default(&mut self, code: &str) -> &mut Mapping<S> {
        let i = match self.position(code) {
            Some(i) => i,
            None => {
                self.0.push((S::from(code), Mapping::default()));
                self.0.len() - 1
            }
        };
        &mut self.0[i].1
    }
}

impl<S: Borrow<str>> std::ops::Index<&str> for Mappings<S> {
    type Output = Mapping<S>;

    /// The mapping for a unit code.
    ///
    /// # Panics
    ///
    /// When the item does not map to the unit, as a map's index does.
    fn index(&self, code: &str) -> &Mapping<S> {
        match self.get(code) {
            Some(mapping) => mapping,
            None => panic!("the item does not map to {code}"),
        }
    }
}

impl<'m, S> IntoIterator for &'m Mappings<S> {
    type Item = (&'m S, &'m Mapping<S>);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'m, (S, Mapping<S>)>, fn(&'m (S, Mapping<S>)) -> Self::Item>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(code, mapping)| (code, mapping))
    }
}

impl<S> IntoIterator for Mappings<S> {
    type Item = (S, Mapping<S>);
    type IntoIter = std::vec::IntoIter<(S, Mapping<S>)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<S: Borrow<str> + Eq + Hash + Clone> FromIterator<(S, Mapping<S>)> for Mappings<S> {
    /// The mappings in order; a unit given twice keeps its first place and its last mapping,
    /// as a map's would. Linear however many there are (past 16 units, a unit's place is
    /// found in a hash map).
    fn from_iter<I: IntoIterator<Item = (S, Mapping<S>)>>(iter: I) -> Self {
        let mut collect = Collect::with_capacity(0);
        for (code, mapping) in iter {
            if let Err(Repeated { place, mapping, .. }) = collect.push(code, mapping) {
                collect.mappings[place].1 = mapping;
            }
        }
        collect.finish()
    }
}

/// Builds mappings one entry at a time, finding a unit named again: by looking back along the
/// list while it is short, and in a map of places once it is not, so that a hostile item with
/// thousands of units stays linear.
pub(crate) struct Collect<S> {
    mappings: Vec<(S, Mapping<S>)>,
    places: Option<HashMap<S, usize>>,
}

/// An entry for a unit already there, given back with that unit's place.
pub(crate) struct Repeated<S> {
    pub(crate) place: usize,
    pub(crate) code: S,
    pub(crate) mapping: Mapping<S>,
}

impl<S: Borrow<str> + Eq + Hash + Clone> Collect<S> {
    /// Room for `hint` entries, at most a few: the hint may come from hostile input.
    pub(crate) fn with_capacity(hint: usize) -> Self {
        Collect {
            mappings: Vec::with_capacity(hint.min(LOOK_BACK)),
            places: None,
        }
    }

    /// Adds a unit's mapping after the others; `Err` gives the entry back, with the place of
    /// the unit, when the unit is there already.
    pub(crate) fn push(&mut self, code: S, mapping: Mapping<S>) -> Result<(), Repeated<S>> {
        if self.places.is_none() && self.mappings.len() == LOOK_BACK {
            self.places = Some(self.mappings.iter().map(|(c, _)| c.clone()).zip(0..).collect());
        }
        let found = match &mut self.places {
            Some(places) => match places.get(code.borrow()) {
                Some(&place) => Some(place),
                None => {
                    places.insert(code.clone(), self.mappings.len());
                    None
                }
            },
            None => self
                .mappings
                .iter()
                .position(|(c, _)| c.borrow() == code.borrow()),
        };
        if let Some(place) = found {
            return Err(Repeated { place, code, mapping });
        }
        self.mappings.push((code, mapping));
        Ok(())
    }

    pub(crate) fn finish(self) -> Mappings<S> {
        Mappings(self.mappings)
    }
}

impl<S: Serialize> Serialize for Mappings<S> {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de, S> Deserialize<'de> for Mappings<S>
where
    S: Deserialize<'de> + Borrow<str> + Eq + Hash + Clone,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<S>(PhantomData<S>);
        impl<'de, S> Visitor<'de> for MapVisitor<S>
        where
            S: Deserialize<'de> + Borrow<str> + Eq + Hash + Clone,
        {
            type Value = Mappings<S>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut collect = Collect::with_capacity(access.size_hint().unwrap_or(1));
                while let Some((code, mapping)) = access.next_entry::<S, Mapping<S>>()? {
                    collect.push(code, mapping).map_err(|repeated| {
                        A::Error::custom(format_args!(
                            "unit `{}` is given twice in `units`",
                            repeated.code.borrow()
                        ))
                    })?;
                }
                Ok(collect.finish())
            }
        }
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(covers: &str) -> Mapping {
        let mut m = Mapping::default();
        m.covers.push(covers.to_owned());
        m
    }

    #[test]
    fn reads_and_writes_a_map_in_order() {
        let json = r#"{"B":{"covers":["1.1"]},"A":{},"C":{"covers":["2.1"]}}"#;
        let units: Mappings = serde_json::from_str(json).unwrap();
        assert_eq!(units.keys().collect::<Vec<_>>(), ["B", "A", "C"]);
        assert_eq!(units["C"].covers, ["2.1"]);
        assert_eq!(serde_json::to_string(&units).unwrap(), json);
    }

    #[test]
    fn a_unit_named_twice_is_refused_however_many_units_there_are() {
        for n in [1, LOOK_BACK - 1, LOOK_BACK, LOOK_BACK + 1, 200] {
            for repeat in [0, n - 1] {
                let mut entries: Vec<String> = (0..n).map(|k| format!("\"U{k}\":{{}}")).collect();
                entries.push(format!("\"U{repeat}\":{{}}"));
                let json = format!("{{{}}}", entries.join(","));
                let err = serde_json::from_str::<Mappings>(&json).unwrap_err().to_string();
                assert!(
                    err.contains(&format!("unit `U{repeat}` is given twice")),
                    "{n} {repeat}: {err}"
                );
            }
            let json = format!(
                "{{{}}}",
                (0..n)
                    .map(|k| format!("\"U{k}\":{{}}"))
                    .collect::<Vec<_>>()
                    .join(",")
            );
            assert_eq!(serde_json::from_str::<Mappings>(&json).unwrap().len(), n);
        }
    }

    #[test]
    fn collecting_keeps_first_places_and_last_mappings_however_many_units() {
        for n in [3, LOOK_BACK, LOOK_BACK + 5, 100] {
            let entries = (0..n).map(|k| (format!("U{k}"), mapping("a")));
            let again = (0..n).rev().step_by(2).map(|k| (format!("U{k}"), mapping("b")));
            let units: Mappings = entries.chain(again).collect();
            assert_eq!(units.len(), n);
            for (k, (code, m)) in units.iter().enumerate() {
                assert_eq!(code, &format!("U{k}"));
                let last = if (n - 1 - k) % 2 == 0 { "b" } else { "a" };
                assert_eq!(m, &mapping(last), "{n} units, U{k}");
            }
        }
    }

    #[test]
    fn insert_keeps_a_units_place_and_replaces_its_mapping() {
        let mut units: Mappings = [("A".to_owned(), mapping("1")), ("B".to_owned(), mapping("2"))]
            .into_iter()
            .collect();
        assert_eq!(units.insert("A".to_owned(), mapping("3")), Some(mapping("1")));
        assert_eq!(units.keys().collect::<Vec<_>>(), ["A", "B"]);
        assert_eq!(units["A"], mapping("3"));
        assert_eq!(units.remove("A"), Some(mapping("3")));
        assert!(!units.contains_key("A") && units.len() == 1);
        units.get_or_insert_default("C").covers.push("4".to_owned());
        assert_eq!(units.keys().collect::<Vec<_>>(), ["B", "C"]);
    }
}
