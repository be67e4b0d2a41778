//! [`ItemRef`]: an evidence item's ID as a report names it, shared.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// An evidence item's ID as a report names it. A report names an item under every
/// requirement it meets or fails to count for; the ID is made once per portfolio and shared,
/// so naming it again copies nothing. It reads as a `&str` (`Deref`, `==` with strings) and is
/// written as a JSON string.
///
/// ```
/// use competency::ItemRef;
/// let id = ItemRef::from("E1");
/// assert_eq!(id, "E1");
/// assert_eq!(serde_json::to_string(&id).unwrap(), "\"E1\"");
/// assert!(id.starts_with('E'));
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemRef(Arc<str>);

// A plain string where it is used, as the `String` it replaced was.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for ItemRef {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ItemRef".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string" })
    }
}

impl ItemRef {
    /// The ID as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for ItemRef {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for ItemRef {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for ItemRef {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for ItemRef {
    fn from(id: &str) -> Self {
        ItemRef(Arc::from(id))
    }
}

impl From<String> for ItemRef {
    fn from(id: String) -> Self {
        ItemRef(Arc::from(id))
    }
}

impl PartialEq<str> for ItemRef {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for ItemRef {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for ItemRef {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl fmt::Debug for ItemRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for ItemRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for ItemRef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ItemRef {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(ItemRef::from)
    }
}
