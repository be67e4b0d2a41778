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
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SharedStr(Arc<str>);

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
        &self.0
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SharedStr {
    fn from(id: &str) -> Self {
        SharedStr(Arc::from(id))
    }
}

impl From<String> for SharedStr {
    fn from(id: String) -> Self {
        SharedStr(Arc::from(id))
    }
}

/// For APIs that take `impl Into<String>`, such as the builder's `covers` with a plan's
/// suggestion.
impl From<SharedStr> for String {
    fn from(s: SharedStr) -> Self {
        String::from(&*s.0)
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for SharedStr {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SharedStr {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(SharedStr::from)
    }
}
