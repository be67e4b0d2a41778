//! [`SharedList`]: a list of shared strings that is a part of one list made for a whole unit's
//! report.

use std::fmt;
use std::ops::{Deref, Range};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::shared_str::SharedStr;

/// The items a requirement's result lists ([`RequirementResult::evidence`]): a part of one
/// list made for the whole unit, so that a unit of 60 requirements is two allocations (the
/// list and its `Arc`) rather than one per requirement. It reads as a slice of [`SharedStr`]
/// (`Deref`, `iter`, `len`, `join`, indexing), compares with lists of strings and is written
/// as a JSON array.
///
/// [`RequirementResult::evidence`]: crate::RequirementResult::evidence
///
/// ```
/// use competency::{SharedList, SharedStr};
/// let list: SharedList = ["E1", "E3"].into_iter().map(SharedStr::from).collect();
/// assert_eq!(list.len(), 2);
/// assert_eq!(list, vec!["E1", "E3"]);
/// assert_eq!(list.join(", "), "E1, E3");
/// assert_eq!(serde_json::to_string(&list).unwrap(), r#"["E1","E3"]"#);
/// ```
#[derive(Clone, Default)]
pub struct SharedList {
    /// The unit's list; `None` for an empty list, which allocates nothing. An `Arc` of the
    /// `Vec` it was collected in, not an `Arc<[_]>`, which would copy it again.
    all: Option<Arc<Vec<SharedStr>>>,
    part: Range<usize>,
}

impl SharedList {
    /// The part `part` of `all`, which the caller has checked is within it.
    pub(crate) fn part_of(all: &Arc<Vec<SharedStr>>, part: Range<usize>) -> Self {
        debug_assert!(part.start <= part.end && part.end <= all.len());
        if part.is_empty() {
            return Self::default();
        }
        SharedList {
            all: Some(Arc::clone(all)),
            part,
        }
    }

    /// The list as a slice.
    pub fn as_slice(&self) -> &[SharedStr] {
        match &self.all {
            // In range by construction; `get` keeps an impossible case from panicking.
            Some(all) => all.get(self.part.clone()).unwrap_or_default(),
            None => &[],
        }
    }
}

impl Deref for SharedList {
    type Target = [SharedStr];
    fn deref(&self) -> &[SharedStr] {
        self.as_slice()
    }
}

impl From<Vec<SharedStr>> for SharedList {
    fn from(list: Vec<SharedStr>) -> Self {
        let part = 0..list.len();
        if part.is_empty() {
            return Self::default();
        }
        SharedList {
            all: Some(Arc::new(list)),
            part,
        }
    }
}

impl FromIterator<SharedStr> for SharedList {
    fn from_iter<I: IntoIterator<Item = SharedStr>>(iter: I) -> Self {
        Self::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl<'l> IntoIterator for &'l SharedList {
    type Item = &'l SharedStr;
    type IntoIter = std::slice::Iter<'l, SharedStr>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl PartialEq for SharedList {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for SharedList {}

impl<T> PartialEq<Vec<T>> for SharedList
where
    SharedStr: PartialEq<T>,
{
    fn eq(&self, other: &Vec<T>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T, const N: usize> PartialEq<[T; N]> for SharedList
where
    SharedStr: PartialEq<T>,
{
    fn eq(&self, other: &[T; N]) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl fmt::Debug for SharedList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_slice(), f)
    }
}

impl Serialize for SharedList {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_slice().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SharedList {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<SharedStr>::deserialize(deserializer).map(SharedList::from)
    }
}

// An array of strings, as the `Vec<SharedStr>` it replaced was.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for SharedList {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SharedList".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <Vec<SharedStr>>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(ids: &[&str]) -> Arc<Vec<SharedStr>> {
        Arc::new(ids.iter().map(|s| SharedStr::from(*s)).collect())
    }

    #[test]
    fn parts_of_one_list_read_as_their_own_lists() {
        let all = all(&["E1", "E2", "E3"]);
        let first = SharedList::part_of(&all, 0..2);
        let last = SharedList::part_of(&all, 2..3);
        let none = SharedList::part_of(&all, 1..1);
        assert_eq!(first, vec!["E1", "E2"]);
        assert_eq!(last, ["E3"]);
        assert!(none.is_empty());
        assert_eq!(none, SharedList::default());
        assert_eq!(format!("{first:?}"), r#"["E1", "E2"]"#);
        assert_eq!(serde_json::to_string(&last).unwrap(), r#"["E3"]"#);
    }

    #[test]
    fn an_empty_part_holds_nothing_of_the_list() {
        let all = all(&["E1"]);
        let none = SharedList::part_of(&all, 0..0);
        assert_eq!(Arc::strong_count(&all), 1);
        drop(none);
        let one = SharedList::part_of(&all, 0..1);
        assert_eq!(Arc::strong_count(&all), 2);
        drop(one);
    }

    #[test]
    fn reads_back_what_it_writes() {
        let list: SharedList = ["E1", "E2"].into_iter().map(SharedStr::from).collect();
        let json = serde_json::to_string(&list).unwrap();
        let back: SharedList = serde_json::from_str(&json).unwrap();
        assert_eq!(back, list);
    }
}
