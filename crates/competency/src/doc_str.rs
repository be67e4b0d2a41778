//! [`DocStr`]: a string value of a document being checked, borrowed from the document's text
//! when the format allows (a JSON string without escapes), owned otherwise.

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer};

/// A string of a document being checked. The check reads a portfolio as
/// `Portfolio<DocStr<'text>>`: the strings of a 10,000-item portfolio are most of its parsed
/// size and of the time it takes to read, and borrowing them from the text costs neither.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct DocStr<'a>(Cow<'a, str>);

impl<'a> DocStr<'a> {
    /// A string borrowed from the document's text.
    pub(crate) fn borrowed(text: &'a str) -> Self {
        DocStr(Cow::Borrowed(text))
    }
}

impl Deref for DocStr<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for DocStr<'_> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DocStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for DocStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for DocStr<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for DocStr<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = DocStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(DocStr(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(DocStr(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(DocStr(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// What the check needs of a portfolio's string type (`String`, or [`DocStr`]): to read it as
/// a `str`, to look it up in a map, and to write it in a message.
pub(crate) trait Text:
    Deref<Target = str> + Borrow<str> + Eq + std::hash::Hash + fmt::Display
{
}

impl<T: Deref<Target = str> + Borrow<str> + Eq + std::hash::Hash + fmt::Display> Text for T {}
