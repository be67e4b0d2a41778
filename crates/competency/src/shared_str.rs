//! [`SharedStr`]: text a report repeats (an item's ID, a value a rule counted), made once and
//! shared.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use smol_str::SmolStr;

/// Text a report repeats, made once and shared: an evidence item's ID, which a report names
/// under every requirement it meets or fails to count for and in every rule's tally that counts
/// it; a client, context or service period a rule counted; an option's or a requirement's ID.
/// A text of up to 23 bytes (most IDs, values and dates) is kept in the value itself, so that
/// it costs no allocation and naming it again only copies it; a longer one is shared, so that
/// naming it again copies nothing (an `Arc`), and the long texts of a report's items are kept
/// in one allocation. It reads as a `&str` (`Deref`, `==` with strings) and is written as a
/// JSON string.
///
/// ```
/// use competency::SharedStr;
/// let id = SharedStr::from("E1");
/// assert_eq!(id, "E1");
/// assert_eq!(serde_json::to_string(&id).unwrap(), "\"E1\"");
/// assert!(id.starts_with('E'));
/// ```
#[derive(Clone)]
pub struct SharedStr(Text);

/// Where the text is.
#[derive(Clone)]
enum Text {
    /// A short text in the value itself (up to 23 bytes), or a longer one in an allocation of
    /// its own (an `Arc<str>`): `smol_str`'s string, which reads its inline bytes as a `str`
    /// without checking them again. Short texts are the common case (item IDs, requirement
    /// IDs, dates, most values); copying 24 bytes costs less than an allocation, or than the
    /// atomic count of an `Arc`, which every name of an item in a report would otherwise add to
    /// and take from.
    Smol(SmolStr),
    /// `start..end` of a text shared by several (the texts of a portfolio that its report
    /// holds, [`SharedStr::many`]). An `Arc<String>`, so that the joined text is moved into it
    /// rather than copied: a 9,000-item portfolio's titles are 1.3 MB, held twice otherwise.
    Part(Arc<String>, u32, u32),
}

/// The longest text `SmolStr` keeps inline (its `INLINE_CAP` in 0.3): `many` joins only longer
/// ones. Were it smaller, a text between the two would get an allocation of its own, no more.
const INLINE: usize = 23;

// A plain string where it is used, as the `String` it replaced was.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for SharedStr {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SharedStr".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string" })
    }
}

impl SharedStr {
    /// The ID as a string slice.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Text::Smol(text) => text.as_str(),
            // In bounds and on character boundaries: `many` made it so.
            Text::Part(text, start, end) => text.get(*start as usize..*end as usize).unwrap_or_default(),
        }
    }

    /// The text kept inline, when it is short enough.
    fn inline(text: &str) -> Option<Self> {
        (text.len() <= INLINE).then(|| SharedStr(Text::Smol(SmolStr::new(text))))
    }

    /// The texts, in order: each short one inline, the long ones joined in one allocation
    /// that each of them shares. For the texts of a portfolio that its report holds (each
    /// item's ID and title), which would otherwise be an allocation each, made and freed with
    /// every report.
    pub(crate) fn many<'s, I>(texts: I) -> Vec<SharedStr>
    where
        I: IntoIterator<Item = &'s str>,
        I::IntoIter: Clone,
    {
        let texts = texts.into_iter();
        // Short texts are kept inline, so only the long ones are joined.
        let long = |text: &&str| text.len() > INLINE;
        let len: usize = texts.clone().filter(long).map(str::len).sum();
        if len == 0 || u32::try_from(len).is_err() {
            // All short: each inline. Too long to cut with `u32` offsets: each its own
            // allocation.
            return texts.map(SharedStr::from).collect();
        }
        let mut joined = String::with_capacity(len);
        texts.clone().filter(long).for_each(|text| joined.push_str(text));
        let joined = Arc::new(joined);
        let mut start = 0u32;
        texts
            .map(|text| {
                if let Some(short) = SharedStr::inline(text) {
                    return short;
                }
                // Within `len`, which fits in a `u32`.
                let end = start + text.len() as u32;
                let part = SharedStr(Text::Part(Arc::clone(&joined), start, end));
                start = end;
                part
            })
            .collect()
    }
}

impl PartialEq for SharedStr {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SharedStr {}

impl PartialOrd for SharedStr {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SharedStr {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

// As the `str` it reads as, so that a map of `SharedStr` can be looked up by `&str`.
impl std::hash::Hash for SharedStr {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for SharedStr {
    fn from(id: &str) -> Self {
        SharedStr(Text::Smol(SmolStr::new(id)))
    }
}

impl From<String> for SharedStr {
    fn from(id: String) -> Self {
        SharedStr(Text::Smol(SmolStr::from(id)))
    }
}

/// For APIs that take `impl Into<String>`, such as the builder's `covers` with a plan's
/// suggestion.
impl From<SharedStr> for String {
    fn from(s: SharedStr) -> Self {
        String::from(s.as_str())
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SharedStr {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SharedStr {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(SharedStr::from)
    }
}

#[cfg(test)]
mod tests {
    use super::SharedStr;
    use std::collections::HashSet;

    #[test]
    fn parts_of_one_text_read_compare_and_hash_as_their_own_strings() {
        // Short texts are kept inline and long ones joined; both read the same. 23 bytes is
        // the longest kept inline.
        let texts = [
            "E1",
            "",
            "Dienstübergabe — nuit",
            "E1",
            "Dienstübergabe — nacht",
            "a text of 23 bytes: ok.",
            "a text of 24 bytes: one.",
            "Übergabe — nuit: 123",
        ];
        assert_eq!(
            texts[5..].iter().map(|t| t.len()).collect::<Vec<_>>(),
            [23, 24, 23]
        );
        let parts = SharedStr::many(texts);
        assert_eq!(parts.len(), texts.len());
        assert_eq!(std::mem::size_of::<SharedStr>(), 24);
        for (part, text) in parts.iter().zip(texts) {
            assert_eq!(part.as_str(), text);
            assert_eq!(*part, SharedStr::from(text));
        }
        // Equal texts are equal whatever allocation they are in, and a set of them is looked
        // up by `&str`.
        assert_eq!(parts[0], parts[3]);
        assert!(parts[1] < parts[0] && parts[2] < parts[0]);
        let set: HashSet<SharedStr> = parts.into_iter().collect();
        assert_eq!(set.len(), 7);
        assert!(set.contains("Dienstübergabe — nuit") && set.contains(""));
        assert!(SharedStr::many(std::iter::empty::<&str>()).is_empty());
        assert_eq!(SharedStr::many(["E1", "E2"]), ["E1", "E2"]);
        let long = "x".repeat(100);
        assert_eq!(SharedStr::from(long.clone()), SharedStr::from(long.as_str()));
        assert_eq!(SharedStr::from(long.clone()).as_str(), long);
    }
}
