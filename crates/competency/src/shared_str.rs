//! [`SharedStr`]: text a report repeats (an item's ID, a value a rule counted), made once and
//! shared.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// Text a report repeats, made once and shared: an evidence item's ID, which a report names
/// under every requirement it meets or fails to count for and in every rule's tally that counts
/// it; a client, context or service period a rule counted; an option's or a requirement's ID.
/// Naming it again copies nothing (`Arc<str>`). It reads as a `&str` (`Deref`, `==` with
/// strings) and is written as a JSON string.
///
/// ```
/// use competency::SharedStr;
/// let id = SharedStr::from("E1");
/// assert_eq!(id, "E1");
/// assert_eq!(serde_json::to_string(&id).unwrap(), "\"E1\"");
/// assert!(id.starts_with('E'));
/// ```
#[derive(Clone)]
pub struct SharedStr {
    /// The allocation the text is in: its own, or one shared by the texts of a portfolio
    /// ([`SharedStr::many`]).
    text: Arc<str>,
    start: u32,
    end: u32,
}

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

/// `end` for a text that is the whole of its allocation (of any length).
const WHOLE: u32 = u32::MAX;

impl SharedStr {
    /// The ID as a string slice.
    pub fn as_str(&self) -> &str {
        match self.end {
            WHOLE => &self.text,
            // In bounds and on character boundaries: `many` made it so.
            end => self
                .text
                .get(self.start as usize..end as usize)
                .unwrap_or_default(),
        }
    }

    fn whole(text: Arc<str>) -> Self {
        SharedStr {
            text,
            start: 0,
            end: WHOLE,
        }
    }

    /// The texts, in order, made into one allocation that each result shares: for the texts of
    /// a portfolio that its report holds (each item's ID and title), which would otherwise be
    /// an allocation each, made and freed with every report.
    pub(crate) fn many<'s, I>(texts: I) -> Vec<SharedStr>
    where
        I: IntoIterator<Item = &'s str>,
        I::IntoIter: Clone,
    {
        let texts = texts.into_iter();
        let mut joined = String::with_capacity(texts.clone().map(str::len).sum());
        texts.clone().for_each(|text| joined.push_str(text));
        let mut end = 0;
        SharedStr::parts(
            joined,
            texts.map(|text| {
                end += text.len();
                end
            }),
        )
    }

    /// `joined` cut at `ends` (each the end of one part, the next starting there), the parts
    /// sharing one allocation.
    fn parts(joined: String, ends: impl Iterator<Item = usize>) -> Vec<SharedStr> {
        let mut ends = ends.peekable();
        if ends.peek().is_none() {
            return Vec::new();
        }
        let mut start = 0;
        match u32::try_from(joined.len()) {
            Ok(len) if len < WHOLE => {
                let text: Arc<str> = Arc::from(joined);
                ends.map(|end| {
                    // Both within `len`, which is under `WHOLE`.
                    let end = end.min(len as usize);
                    let part = SharedStr {
                        text: Arc::clone(&text),
                        start: start as u32,
                        end: end as u32,
                    };
                    start = end;
                    part
                })
                .collect()
            }
            // Too long to index with `u32`: each part its own allocation.
            _ => ends
                .map(|end| {
                    let part = SharedStr::from(joined.get(start..end).unwrap_or_default());
                    start = end;
                    part
                })
                .collect(),
        }
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
        SharedStr::whole(Arc::from(id))
    }
}

impl From<String> for SharedStr {
    fn from(id: String) -> Self {
        SharedStr::whole(Arc::from(id))
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
