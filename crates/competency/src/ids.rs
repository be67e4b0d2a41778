//! Identifiers, each validated when it is parsed so that an invalid one cannot exist.
//!
//! Every identifier deserialises from, and serialises to, a plain string.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a string is not a valid identifier of some kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a valid {kind}: {expected}")]
pub struct IdError {
    kind: &'static str,
    value: String,
    expected: &'static str,
}

impl IdError {
    fn new(kind: &'static str, value: &str, expected: &'static str) -> Self {
        Self {
            kind,
            value: value.to_owned(),
            expected,
        }
    }
}

/// Implements `FromStr`-based serde, `Display`, `AsRef<str>` and `as_str` for a string newtype.
macro_rules! string_id {
    ($name:ident) => {
        impl $name {
            /// The identifier as written.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                parsed_str(deserializer)
            }
        }
    };
}

/// Deserialises a `T` from a string, parsed while the format reads the string (in its visit),
/// not after. serde_json places a visitor's error at the string it has just read; an error
/// raised after `String::deserialize` returns has no position until the enclosing array or
/// object gives it one, after reading on to its next element or its end: an invalid unit code
/// first in `units` was placed at the second, and its pointer named `/units/1`.
pub(crate) fn parsed_str<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: fmt::Display,
{
    struct Parsed<T>(std::marker::PhantomData<T>);
    impl<T: FromStr> serde::de::Visitor<'_> for Parsed<T>
    where
        T::Err: fmt::Display,
    {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            v.parse().map_err(E::custom)
        }
    }
    deserializer.deserialize_str(Parsed(std::marker::PhantomData))
}

/// A unit of competency's national code, such as `CHCMGT006` or `PSPMNGT606B`.
///
/// The first three letters name the training package.
///
/// ```
/// use competency::UnitCode;
/// let code: UnitCode = "CHCMGT006".parse().unwrap();
/// assert_eq!(code.training_package(), "CHC");
/// assert!("chcmgt006".parse::<UnitCode>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitCode(String);
string_id!(UnitCode);

#[cfg(feature = "schema")]
crate::schema::string_schema!(UnitCode, "UnitCode", {
    "description": "A unit of competency's national code: three capital letters (the training package), then capital letters and digits, 6 to 12 characters with at least one digit, such as CHCMGT006.",
    "type": "string",
    "pattern": "^[A-Z]{3}[A-Z0-9]*[0-9][A-Z0-9]*$",
    "minLength": 6,
    "maxLength": 12,
    "examples": ["CHCMGT006", "PSPMNGT606B"]
});

impl UnitCode {
    /// The training package: the three letters the code starts with (`CHC`, `BSB`, ...).
    pub fn training_package(&self) -> &str {
        &self.0[..3]
    }
}

impl FromStr for UnitCode {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let expected = "three capital letters (the training package) then capital letters and digits, 6 to 12 characters, such as CHCMGT006";
        let ok = (6..=12).contains(&s.len())
            && s.bytes().take(3).all(|b| b.is_ascii_uppercase())
            && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            && s.bytes().any(|b| b.is_ascii_digit());
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(IdError::new("unit code", s, expected))
        }
    }
}

/// A reference to a unit, optionally qualified by release: `CHCMGT006` or `CHCMGT006@2`.
///
/// ```
/// use competency::UnitRef;
/// let r: UnitRef = "CHCMGT006@2".parse().unwrap();
/// assert_eq!(r.code().as_str(), "CHCMGT006");
/// assert_eq!(r.release(), Some(2));
/// assert_eq!(r.to_string(), "CHCMGT006@2");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitRef {
    code: UnitCode,
    release: Option<u32>,
}

impl UnitRef {
    /// A reference to whichever release of `code` the catalog holds.
    pub fn new(code: UnitCode, release: Option<u32>) -> Self {
        Self { code, release }
    }
    /// The unit code.
    pub fn code(&self) -> &UnitCode {
        &self.code
    }
    /// The release asked for, if any.
    pub fn release(&self) -> Option<u32> {
        self.release
    }
}

// The code's length cannot go beside the pattern (the release follows it), so the first pattern
// counts it and the second asks for a digit before any `@`. A release is a positive number
// with at most ten significant digits: the few such numbers over 2^32 - 1 pass the pattern and
// fail the parser.
#[cfg(feature = "schema")]
crate::schema::string_schema!(UnitRef, "UnitRef", {
    "description": "A unit, optionally qualified by release: a unit code (such as CHCMGT006), or a unit code, @ and a positive release number (CHCMGT006@2).",
    "type": "string",
    "allOf": [
        { "pattern": "^[A-Z]{3}[A-Z0-9]{3,9}(@0*[1-9][0-9]{0,9})?$" },
        { "pattern": "^[A-Z0-9]*[0-9]" }
    ],
    "examples": ["CHCMGT006", "CHCMGT006@2"]
});

/// A reference to whichever release of the unit the catalog holds.
impl From<UnitCode> for UnitRef {
    fn from(code: UnitCode) -> Self {
        UnitRef::new(code, None)
    }
}

impl FromStr for UnitRef {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('@') {
            None => Ok(Self::new(s.parse()?, None)),
            Some((code, release)) => {
                // Named whole, not by its code alone (`@1` is not `""`).
                let invalid = || {
                    IdError::new(
                        "unit reference",
                        s,
                        "a unit code, optionally followed by @ and a release number from 1 to 4294967295, such as CHCMGT006@2",
                    )
                };
                let release = release
                    .parse::<u32>()
                    .ok()
                    .filter(|r| *r > 0 && !release.starts_with('+'))
                    .ok_or_else(invalid)?;
                Ok(Self::new(code.parse().map_err(|_| invalid())?, Some(release)))
            }
        }
    }
}

impl fmt::Display for UnitRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.release {
            Some(release) => write!(f, "{}@{release}", self.code),
            None => write!(f, "{}", self.code),
        }
    }
}

impl Serialize for UnitRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for UnitRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parsed_str(deserializer)
    }
}

/// An element's number as the source gives it: `1`, `2`, ... .
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ElementId(String);
string_id!(ElementId);

#[cfg(feature = "schema")]
crate::schema::string_schema!(ElementId, "ElementId", {
    "description": "An element's number: a whole number without leading zeros, such as 3.",
    "type": "string",
    "pattern": "^(0|[1-9][0-9]*)$"
});

impl ElementId {
    /// The element number.
    pub fn number(&self) -> u32 {
        self.0.parse().unwrap_or(u32::MAX)
    }
}

impl FromStr for ElementId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if is_number(s) {
            Ok(Self(s.to_owned()))
        } else {
            Err(IdError::new(
                "element number",
                s,
                "a whole number without leading zeros, such as 3",
            ))
        }
    }
}

/// A performance criterion's number as the source gives it: `3.5` is criterion 5 of element 3.
///
/// ```
/// use competency::CriterionId;
/// let id: CriterionId = "3.5".parse().unwrap();
/// assert_eq!(id.element().as_str(), "3");
/// assert_eq!(id.numbers(), (3, 5));
/// assert!("3.4a".parse::<CriterionId>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CriterionId(String);
string_id!(CriterionId);

#[cfg(feature = "schema")]
crate::schema::string_schema!(CriterionId, "CriterionId", {
    "description": "A performance criterion's number: the element's number, a dot and the criterion's number, without leading zeros, such as 3.5.",
    "type": "string",
    "pattern": "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)$"
});

impl CriterionId {
    /// The element this criterion's number places it under.
    pub fn element(&self) -> ElementId {
        ElementId(self.element_str().to_owned())
    }
    /// The number of [`CriterionId::element`], as written, without allocating.
    pub(crate) fn element_str(&self) -> &str {
        self.0.split_once('.').map_or("", |(e, _)| e)
    }
    /// The element and criterion numbers, for ordering.
    pub fn numbers(&self) -> (u32, u32) {
        let (e, c) = self.0.split_once('.').unwrap_or(("", ""));
        (e.parse().unwrap_or(u32::MAX), c.parse().unwrap_or(u32::MAX))
    }
}

impl FromStr for CriterionId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('.') {
            Some((e, c)) if is_number(e) && is_number(c) => Ok(Self(s.to_owned())),
            _ => Err(IdError::new(
                "performance criterion number",
                s,
                "an element number, a dot and a criterion number, such as 3.5",
            )),
        }
    }
}

/// The identifier of a requirement other than a criterion (an evidence requirement, a knowledge
/// or skill item, an assessment condition), such as `PE1`, `K2.3` or `AC1`: a capital letter,
/// then capital letters, digits and dots.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemId(String);
string_id!(ItemId);

#[cfg(feature = "schema")]
crate::schema::string_schema!(ItemId, "ItemId", {
    "description": "A requirement's ID other than a criterion's: a capital letter, then capital letters, digits and single dots, not ending in a dot, such as PE1 or K2.3.",
    "type": "string",
    "pattern": "^[A-Z][A-Z0-9]*(\\.[A-Z0-9]+)*$"
});

impl FromStr for ItemId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        let ok = !b.is_empty()
            && b[0].is_ascii_uppercase()
            && b.iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'.')
            && !s.ends_with('.')
            && !s.contains("..");
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(IdError::new(
                "requirement ID",
                s,
                "a capital letter then capital letters, digits and dots, such as PE1 or K2.3",
            ))
        }
    }
}

/// A vocabulary name in kebab case: an activity tag, an option list, an option, a range variable.
///
/// ```
/// use competency::Tag;
/// assert!("service-agreement".parse::<Tag>().is_ok());
/// assert!("Service Agreement".parse::<Tag>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(String);
string_id!(Tag);

#[cfg(feature = "schema")]
crate::schema::string_schema!(Tag, "Tag", {
    "description": "A vocabulary name in kebab case: lower-case letters and digits in words joined by single hyphens, such as service-agreement.",
    "type": "string",
    "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"
});

impl FromStr for Tag {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = s.split('-').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(IdError::new(
                "tag",
                s,
                "lower-case letters and digits in words joined by hyphens, such as service-agreement",
            ))
        }
    }
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && !(s.len() > 1 && s.starts_with('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_codes_follow_the_national_pattern() {
        for good in [
            "CHCMGT006",
            "PSPMNGT606B",
            "BSBFLM507A",
            "CSCORG406A",
            "SISXCCS002",
        ] {
            assert!(good.parse::<UnitCode>().is_ok(), "{good}");
        }
        for bad in [
            "",
            "CHC",
            "chcmgt006",
            "CH1MGT006",
            "CHCMGT-006",
            "CHCMGTABCDEFG1",
        ] {
            assert!(bad.parse::<UnitCode>().is_err(), "{bad}");
        }
    }

    #[test]
    fn unit_refs_take_an_optional_positive_release() {
        assert_eq!("CHCMGT006".parse::<UnitRef>().unwrap().release(), None);
        for bad in ["CHCMGT006@", "CHCMGT006@0", "CHCMGT006@x", "CHCMGT006@+2", "@2"] {
            assert!(bad.parse::<UnitRef>().is_err(), "{bad}");
        }
    }

    #[test]
    fn criterion_numbers_are_two_plain_numbers() {
        for bad in ["3", "3.", ".4", "03.4", "3.04", "3.4.1", "a.b"] {
            assert!(bad.parse::<CriterionId>().is_err(), "{bad}");
        }
        assert_eq!("10.12".parse::<CriterionId>().unwrap().numbers(), (10, 12));
    }

    #[test]
    fn item_ids_and_tags_reject_lookalikes() {
        for bad in ["", "pe1", "1PE", "PE.", "K1..2", "K 1"] {
            assert!(bad.parse::<ItemId>().is_err(), "{bad}");
        }
        for bad in ["", "-a", "a-", "a--b", "A", "a_b"] {
            assert!(bad.parse::<Tag>().is_err(), "{bad}");
        }
    }
}
