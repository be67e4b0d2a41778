//! Strict deserialisation, at the root: a [`Deserializer`] adapter that forwards everything to
//! the format's deserializer and refuses what serde accepts by default:
//!
//! - a sequence where a struct belongs (serde-derived structs also accept their fields by
//!   position: `candidate = ["S1"]`, or a JSON portfolio that is an array);
//! - in JSON, a key written twice in one map (a JSON object read into an `IndexMap` keeps the
//!   last; in TOML, toml's parser refuses it first, so it is not tracked there);
//! - in JSON, the key under which the `toml` crate hands over a TOML date literal
//!   ([`TOML_DATETIME_KEY`]): a date type reads that map as a date, so without this a JSON
//!   portfolio could write `{"$__toml_private_datetime": "2026-03-02"}` where a date belongs.
//!
//! Which format is read is a const parameter (`JSON`) of every adapter type, not a field, so
//! that the TOML reader pays nothing for the JSON rule and neither carries a flag through
//! every value.
//!
//! The adapter wraps every visitor, seed, `SeqAccess`, `MapAccess`, `EnumAccess` and
//! `VariantAccess` it hands out, so the rule holds at every depth of the document. Its errors
//! are raised inside the format's own calls, so TOML gives them a span and JSON a line and
//! column as it does for serde's errors.
//!
//! What it cannot see: values that serde buffers before deciding what they are (internally
//! tagged and untagged enums) are deserialised from serde's private buffer, not through this
//! adapter; the buffering itself passes through it, but not the decision made afterwards.

use crate::hash::HashSet;
use std::borrow::Cow;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};

/// The key under which the `toml` crate passes a date or time literal to a visitor, as a map
/// of one entry (toml's private convention, which `toml::value::Datetime` reads).
pub(crate) const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

/// Deserialises `T` from a TOML `deserializer`, refusing sequences for structs (a repeated key
/// is toml's own syntax error).
pub(crate) fn from_toml<'de, T: de::Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
    cap: usize,
) -> Result<T, D::Error> {
    strict::<T, D, false>(deserializer, cap)
}

/// Deserialises `T` from a JSON `deserializer`, refusing sequences for structs, repeated map
/// keys and toml's private date key.
pub(crate) fn from_json<'de, T: de::Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
    cap: usize,
) -> Result<T, D::Error> {
    strict::<T, D, true>(deserializer, cap)
}

/// The error for a sequence (`what`: "values in one list") or a map ("entries in one table")
/// of more than `cap`; `load::serde_error` knows it by its start, [`CAPPED`].
fn capped<E: de::Error>(cap: usize, what: &str) -> E {
    E::custom(format_args!("{CAPPED} {cap} {what}"))
}

/// How the error for a sequence (or map) over the cap starts.
pub(crate) const CAPPED: &str = "more than";

fn strict<'de, T: de::Deserialize<'de>, D: Deserializer<'de>, const JSON: bool>(
    deserializer: D,
    cap: usize,
) -> Result<T, D::Error> {
    T::deserialize(Strict::<D, JSON> {
        de: deserializer,
        key: None,
        cap,
    })
}

/// The adapter. `key` is set while a map key is read: the keys seen so far in that map. `cap`
/// is the most elements a sequence may hold: one more is an error, so that a list of millions
/// of empty strings is refused as it is read rather than held whole (its elements take several
/// times their bytes) before validation counts it.
struct Strict<'s, 'de, D, const JSON: bool> {
    de: D,
    key: Option<&'s mut Seen<'de>>,
    cap: usize,
}

/// The keys of one map read so far. The first is held inline, since most maps hold one key,
/// and keys are borrowed from the input where the format lends them, so that tracking them
/// allocates nothing for most documents.
#[derive(Default)]
struct Seen<'de> {
    first: Option<Cow<'de, str>>,
    rest: HashSet<Cow<'de, str>>,
}

impl<'de> Seen<'de> {
    /// Records `key` (made by `own` only when it is new); false when it was seen before.
    fn insert(&mut self, key: &str, own: impl FnOnce() -> Cow<'de, str>) -> bool {
        match &self.first {
            None => self.first = Some(own()),
            Some(first) if first == key => return false,
            Some(_) if self.rest.contains(key) => return false,
            Some(_) => {
                self.rest.insert(own());
            }
        }
        true
    }
}

/// What the deserializer method that made a visitor asked for.
enum Expect<'s, 'de> {
    /// Anything the data holds.
    Any,
    /// A struct with these fields: a sequence is refused.
    Struct(&'static [&'static str]),
    /// A map: in JSON, keys are tracked and a repeat is refused.
    Map,
    /// A map key: recorded among the keys already seen in its map.
    Key(&'s mut Seen<'de>),
}

impl<'s, 'de> Expect<'s, 'de> {
    fn from_key(key: Option<&'s mut Seen<'de>>) -> Self {
        key.map_or(Expect::Any, Expect::Key)
    }

    fn into_key(self) -> Option<&'s mut Seen<'de>> {
        match self {
            Expect::Key(seen) => Some(seen),
            _ => None,
        }
    }
}

/// The message for a sequence where a struct belongs; it reads for TOML and JSON alike.
fn table_expected(fields: &[&str]) -> String {
    const SHOWN: usize = 6;
    let mut keys: Vec<String> = fields.iter().take(SHOWN).map(|f| format!("`{f}`")).collect();
    if fields.len() > SHOWN {
        keys.push("…".to_owned());
    }
    if keys.is_empty() {
        "expected a table (JSON object), found an array".to_owned()
    } else {
        format!(
            "expected a table (JSON object) with keys {}, found an array",
            keys.join(", ")
        )
    }
}

macro_rules! forward_deserialize {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            let expect = Expect::from_key(self.key);
            self.de.$method($($arg,)* Wrap::<V, JSON> { visitor, expect, cap: self.cap })
        }
    )*};
}

impl<'de, D: Deserializer<'de>, const JSON: bool> Deserializer<'de> for Strict<'_, 'de, D, JSON> {
    type Error = D::Error;

    forward_deserialize! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_identifier();
        deserialize_ignored_any();
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        // serde_json reads an enum from a string or an object and calls any other value a
        // syntax error ("expected value"), though the JSON is well formed; toml takes a table
        // `{ name = {} }` for the name, which the schema refuses. Asked for any value, both hand
        // over what is there, and this passes a string on as a name and an object as a variant
        // with data, and calls the rest a value of the wrong type.
        self.de.deserialize_any(any_enum::EnumOf::<V, JSON> {
            visitor,
            variants,
            cap: self.cap,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let expect = Expect::Struct(fields);
        self.de.deserialize_struct(
            name,
            fields,
            Wrap::<V, JSON> {
                visitor,
                expect,
                cap: self.cap,
            },
        )
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let expect = Expect::Map;
        self.de.deserialize_map(Wrap::<V, JSON> {
            visitor,
            expect,
            cap: self.cap,
        })
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

/// A visitor that hands on only strict deserializers and accesses.
struct Wrap<'s, 'de, V, const JSON: bool> {
    visitor: V,
    expect: Expect<'s, 'de>,
    cap: usize,
}

impl<'de, V, const JSON: bool> Wrap<'_, 'de, V, JSON> {
    fn record_key<E: de::Error>(&mut self, key: &str, own: impl FnOnce() -> Cow<'de, str>) -> Result<(), E> {
        if let Expect::Key(seen) = &mut self.expect {
            if JSON && key == TOML_DATETIME_KEY {
                return Err(E::custom(format_args!(
                    "`{key}` is the TOML reader's own key for a date: in JSON, write a date as a string, \"YYYY-MM-DD\""
                )));
            }
            if !seen.insert(key, own) {
                return Err(E::custom(format_args!("duplicate key `{key}`")));
            }
        }
        Ok(())
    }
}

macro_rules! forward_visit {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.visitor.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>, const JSON: bool> Visitor<'de> for Wrap<'_, 'de, V, JSON> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    forward_visit! {
        visit_bool(bool);
        visit_i8(i8);
        visit_i16(i16);
        visit_i32(i32);
        visit_i64(i64);
        visit_i128(i128);
        visit_u8(u8);
        visit_u16(u16);
        visit_u32(u32);
        visit_u64(u64);
        visit_u128(u128);
        visit_f32(f32);
        visit_f64(f64);
        visit_char(char);
        visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]);
        visit_byte_buf(Vec<u8>);
    }

    fn visit_str<E: de::Error>(mut self, v: &str) -> Result<Self::Value, E> {
        self.record_key(v, || Cow::Owned(v.to_owned()))?;
        self.visitor.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(mut self, v: &'de str) -> Result<Self::Value, E> {
        self.record_key(v, || Cow::Borrowed(v))?;
        self.visitor.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(mut self, v: String) -> Result<Self::Value, E> {
        self.record_key(&v, || Cow::Owned(v.clone()))?;
        self.visitor.visit_string(v)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visitor.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visitor.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        let (key, cap) = (self.expect.into_key(), self.cap);
        self.visitor.visit_some(Strict::<D, JSON> { de, key, cap })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        let (key, cap) = (self.expect.into_key(), self.cap);
        self.visitor
            .visit_newtype_struct(Strict::<D, JSON> { de, key, cap })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        match self.expect {
            Expect::Struct(fields) => Err(de::Error::custom(table_expected(fields))),
            _ => self.visitor.visit_seq(StrictSeq::<A, JSON> {
                seq,
                cap: self.cap,
                read: 0,
            }),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        // In JSON, a map read with `deserialize_any` (a date) has its keys tracked too, so that
        // toml's private key is refused there; a struct's keys are its fields, and one it does
        // not know is refused by the struct. A TOML document's keys are not tracked: toml's
        // parser refuses a key defined twice in a table, however it is written, before this
        // sees it.
        let tracked = JSON && !matches!(self.expect, Expect::Struct(_));
        let seen = tracked.then(Seen::default);
        let most = match self.expect {
            Expect::Struct(_) => usize::MAX,
            _ => self.cap,
        };
        self.visitor.visit_map(StrictMap::<A, JSON> {
            map,
            seen,
            cap: self.cap,
            most,
            read: 0,
        })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.visitor.visit_enum(StrictEnum::<A, JSON>(data, self.cap))
    }
}

/// A seed whose deserializer is made strict.
struct StrictSeed<'s, 'de, S, const JSON: bool> {
    seed: S,
    key: Option<&'s mut Seen<'de>>,
    cap: usize,
}

impl<'de, S: DeserializeSeed<'de>, const JSON: bool> DeserializeSeed<'de> for StrictSeed<'_, 'de, S, JSON> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(Strict::<D, JSON> {
            de,
            key: self.key,
            cap: self.cap,
        })
    }
}

/// A sequence's elements, refused once there are more than `cap` of them.
struct StrictSeq<A, const JSON: bool> {
    seq: A,
    cap: usize,
    /// Elements read so far.
    read: usize,
}

impl<'de, A: SeqAccess<'de>, const JSON: bool> SeqAccess<'de> for StrictSeq<A, JSON> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, A::Error> {
        let cap = self.cap;
        let element = self
            .seq
            .next_element_seed(StrictSeed::<T, JSON> { seed, key: None, cap })?;
        if element.is_some() {
            self.read += 1;
            if self.read > cap {
                return Err(capped(cap, "values in one list"));
            }
        }
        Ok(element)
    }

    fn size_hint(&self) -> Option<usize> {
        self.seq.size_hint()
    }
}

/// A map's entries; in JSON, `seen` holds its keys when it was asked for as a map or read with
/// `deserialize_any` (not for a struct, whose repeated fields serde reports itself).
struct StrictMap<'de, A, const JSON: bool> {
    map: A,
    seen: Option<Seen<'de>>,
    cap: usize,
    /// The most entries this map may hold: `cap` for a map (an item's `units`, `outcomes`),
    /// which is refused beyond it as a sequence is; none for a struct, whose fields are few
    /// and its own.
    most: usize,
    /// Keys read so far.
    read: usize,
}

impl<'de, A: MapAccess<'de>, const JSON: bool> MapAccess<'de> for StrictMap<'de, A, JSON> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        let (key, cap) = (self.seen.as_mut(), self.cap);
        let key = self.map.next_key_seed(StrictSeed::<K, JSON> { seed, key, cap })?;
        if key.is_some() {
            self.read += 1;
            if self.read > self.most {
                return Err(capped(self.most, "entries in one table"));
            }
        }
        Ok(key)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        let cap = self.cap;
        self.map
            .next_value_seed(StrictSeed::<T, JSON> { seed, key: None, cap })
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

struct StrictEnum<A, const JSON: bool>(A, usize);

impl<'de, A: EnumAccess<'de>, const JSON: bool> EnumAccess<'de> for StrictEnum<A, JSON> {
    type Error = A::Error;
    type Variant = StrictVariant<A::Variant, JSON>;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self::Variant), A::Error> {
        let cap = self.1;
        let (value, variant) = self
            .0
            .variant_seed(StrictSeed::<S, JSON> { seed, key: None, cap })?;
        Ok((value, StrictVariant(variant, cap)))
    }
}

struct StrictVariant<A, const JSON: bool>(A, usize);

impl<'de, A: VariantAccess<'de>, const JSON: bool> VariantAccess<'de> for StrictVariant<A, JSON> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        let cap = self.1;
        self.0
            .newtype_variant_seed(StrictSeed::<S, JSON> { seed, key: None, cap })
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        let (expect, cap) = (Expect::Any, self.1);
        self.0
            .tuple_variant(len, Wrap::<V, JSON> { visitor, expect, cap })
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        let (expect, cap) = (Expect::Struct(fields), self.1);
        self.0
            .struct_variant(fields, Wrap::<V, JSON> { visitor, expect, cap })
    }
}

mod any_enum;
#[cfg(test)]
mod tests;
