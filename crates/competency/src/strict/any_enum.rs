//! An enum read from any value ([`EnumOf`]), JSON or TOML, so that a value of the wrong type
//! where an enum belongs is a type error naming the allowed names (not serde_json's syntax
//! error, nor toml's "wanted string or table"): a string names a variant without data, an object
//! of one key a variant with data ([`MapEnum`]), its data through the strict adapter; a variant
//! without data written as an object (`{"name": null}`, which serde_json takes, or toml's
//! `{ name = {} }`) is refused.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, VariantAccess, Visitor};

use super::{StrictEnum, StrictSeed};

/// The visitor for an enum asked for with `deserialize_any`; anything but a string or an
/// object is a value of the wrong type, expected as one of `variants`.
pub(super) struct EnumOf<V, const JSON: bool> {
    pub(super) visitor: V,
    pub(super) variants: &'static [&'static str],
    pub(super) cap: usize,
}

impl<'de, V: Visitor<'de>, const JSON: bool> Visitor<'de> for EnumOf<V, JSON> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        de::Expected::fmt(&OneOf(self.variants), f)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        let name = de::value::BorrowedStrDeserializer::<E>::new(v);
        self.visitor.visit_enum(StrictEnum::<_, JSON>(name, self.cap))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let name = de::value::StrDeserializer::<E>::new(v);
        self.visitor.visit_enum(StrictEnum::<_, JSON>(name, self.cap))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.visitor
            .visit_enum(MapEnum::<A, JSON>(map, self.cap, self.variants))
    }
}

/// What an enum expects: one of its variants' names.
struct OneOf(&'static [&'static str]);

impl de::Expected for OneOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [] => write!(f, "a name"),
            [only] => write!(f, "`{only}`"),
            [first, rest @ ..] => {
                write!(f, "one of `{first}`")?;
                rest.iter().try_for_each(|v| write!(f, ", `{v}`"))
            }
        }
    }
}

/// An object read as an enum: its one key names the variant, its value holds the data.
struct MapEnum<A, const JSON: bool>(A, usize, &'static [&'static str]);

impl<'de, A: MapAccess<'de>, const JSON: bool> EnumAccess<'de> for MapEnum<A, JSON> {
    type Error = A::Error;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(mut self, seed: S) -> Result<(S::Value, Self), A::Error> {
        // The key is read first, to tell toml's date literal (a map of its private key) from a
        // variant: `method = 2026-01-01` is a date where a name belongs.
        let Some(name) = self.0.next_key::<String>()? else {
            return Err(de::Error::invalid_type(de::Unexpected::Map, &OneOf(self.2)));
        };
        if name == super::TOML_DATETIME_KEY {
            return Err(de::Error::invalid_type(
                de::Unexpected::Other("a date"),
                &OneOf(self.2),
            ));
        }
        let variant = seed.deserialize(de::value::StrDeserializer::<A::Error>::new(&name))?;
        Ok((variant, self))
    }
}

impl<'de, A: MapAccess<'de>, const JSON: bool> MapEnum<A, JSON> {
    /// The variant's data, read by `seed` through the strict adapter; then the object must end.
    fn data<S: DeserializeSeed<'de>>(mut self, seed: S) -> Result<S::Value, A::Error> {
        let cap = self.1;
        let value = self
            .0
            .next_value_seed(StrictSeed::<S, JSON> { seed, key: None, cap })?;
        match self.0.next_key::<de::IgnoredAny>()? {
            Some(_) => Err(de::Error::custom(
                "an enum's object holds one key, the variant's name",
            )),
            None => Ok(value),
        }
    }
}

impl<'de, A: MapAccess<'de>, const JSON: bool> VariantAccess<'de> for MapEnum<A, JSON> {
    type Error = A::Error;

    // serde_json takes `{"name": null}` for `"name"`; a name is written as text, as the
    // schemas say.
    fn unit_variant(self) -> Result<(), A::Error> {
        Err(de::Error::invalid_type(de::Unexpected::Map, &OneOf(self.2)))
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        self.data(seed)
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.data(Shaped::<V, JSON> {
            visitor,
            shape: Shape::Tuple(len),
        })
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.data(Shaped::<V, JSON> {
            visitor,
            shape: Shape::Struct(fields),
        })
    }
}

/// What a variant's data is read as.
enum Shape {
    Tuple(usize),
    Struct(&'static [&'static str]),
}

/// A seed that reads a variant's data as its shape, through the strict adapter (whose
/// `deserialize_struct` refuses an array for a struct's fields).
struct Shaped<V, const JSON: bool> {
    visitor: V,
    shape: Shape,
}

impl<'de, V: Visitor<'de>, const JSON: bool> DeserializeSeed<'de> for Shaped<V, JSON> {
    type Value = V::Value;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<V::Value, D::Error> {
        // `StrictSeed` made `de` strict already; its cap is in force.
        match self.shape {
            Shape::Tuple(len) => de.deserialize_tuple(len, self.visitor),
            Shape::Struct(fields) => de.deserialize_struct("", fields, self.visitor),
        }
    }
}
