//! The `$schema` key a JSON portfolio may have at its root: the address of its JSON Schema, for
//! editors that offer completion and checking (`"$schema": "./portfolio.schema.json"`). It
//! holds a string and is otherwise ignored. TOML portfolios point at their schema with taplo's
//! `#:schema` comment instead, and have no such key: every other key is still refused.

use serde::de::value::StringDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};

/// The key.
pub(crate) const KEY: &str = "$schema";

/// A root deserializer that drops the `$schema` entry of the struct it is asked for, and hands
/// every other key to the struct's own field visitor (which refuses unknown ones as before).
pub(crate) struct SkipSchemaKey<D>(pub(crate) D);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for SkipSchemaKey<D> {
    type Error = D::Error;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct(name, fields, SkipVisitor(visitor))
    }

    // A struct is the only thing a portfolio's root is read as; anything else passes through.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

struct SkipVisitor<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for SkipVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(SkipMap { map, seen: false })
    }

    // A sequence where the struct belongs: the visitor underneath refuses it.
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(seq)
    }
}

struct SkipMap<A> {
    map: A,
    seen: bool,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for SkipMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        loop {
            // The key is read as text first, so that `$schema` can be told apart; any other
            // key then goes to the struct's field visitor, whose errors (an unknown field) the
            // format still places at the key.
            let Some(key) = self.map.next_key::<String>()? else {
                return Ok(None);
            };
            if key != KEY {
                let key: StringDeserializer<A::Error> = key.into_deserializer();
                return seed.deserialize(key).map(Some);
            }
            if std::mem::replace(&mut self.seen, true) {
                return Err(de::Error::duplicate_field(KEY));
            }
            self.map.next_value::<String>()?;
        }
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.map.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}
