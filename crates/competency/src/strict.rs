//! Strict deserialisation, at the root: a [`Deserializer`] adapter that forwards everything to
//! the format's deserializer and refuses two things serde accepts by default:
//!
//! - a sequence where a struct belongs (serde-derived structs also accept their fields by
//!   position: `candidate = ["S1"]`, or a JSON portfolio that is an array);
//! - a key written twice in one map (a JSON object read into an `IndexMap` keeps the last).
//!
//! The adapter wraps every visitor, seed, `SeqAccess`, `MapAccess`, `EnumAccess` and
//! `VariantAccess` it hands out, so the rule holds at every depth of the document. Its errors
//! are raised inside the format's own calls, so TOML gives them a span and JSON a line and
//! column as it does for serde's errors.
//!
//! What it cannot see: values that serde buffers before deciding what they are (internally
//! tagged and untagged enums) are deserialised from serde's private buffer, not through this
//! adapter; the buffering itself passes through it, but not the decision made afterwards.

use std::collections::HashSet;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};

/// Deserialises `T` from `deserializer`, refusing sequences for structs and repeated map keys.
pub(crate) fn deserialize<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: de::Deserialize<'de>,
    D: Deserializer<'de>,
{
    T::deserialize(Strict {
        de: deserializer,
        key: None,
    })
}

/// The adapter. `key` is set while a map key is read: the keys seen so far in that map.
struct Strict<'s, D> {
    de: D,
    key: Option<&'s mut HashSet<String>>,
}

/// What the deserializer method that made a visitor asked for.
enum Expect<'s> {
    /// Anything the data holds.
    Any,
    /// A struct with these fields: a sequence is refused.
    Struct(&'static [&'static str]),
    /// A map: keys are tracked and a repeat is refused.
    Map,
    /// A map key: recorded among the keys already seen in its map.
    Key(&'s mut HashSet<String>),
}

impl<'s> Expect<'s> {
    fn from_key(key: Option<&'s mut HashSet<String>>) -> Self {
        key.map_or(Expect::Any, Expect::Key)
    }

    fn into_key(self) -> Option<&'s mut HashSet<String>> {
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
            self.de.$method($($arg,)* Wrap { visitor, expect })
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Strict<'_, D> {
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
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let expect = Expect::Struct(fields);
        self.de.deserialize_struct(name, fields, Wrap { visitor, expect })
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let expect = Expect::Map;
        self.de.deserialize_map(Wrap { visitor, expect })
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

/// A visitor that hands on only strict deserializers and accesses.
struct Wrap<'s, V> {
    visitor: V,
    expect: Expect<'s>,
}

impl<V> Wrap<'_, V> {
    fn record_key<E: de::Error>(&mut self, key: &str) -> Result<(), E> {
        match &mut self.expect {
            Expect::Key(seen) if seen.contains(key) => Err(E::custom(format_args!("duplicate key `{key}`"))),
            Expect::Key(seen) => {
                seen.insert(key.to_owned());
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

macro_rules! forward_visit {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.visitor.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<'_, V> {
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
        self.record_key(v)?;
        self.visitor.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(mut self, v: &'de str) -> Result<Self::Value, E> {
        self.record_key(v)?;
        self.visitor.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(mut self, v: String) -> Result<Self::Value, E> {
        self.record_key(&v)?;
        self.visitor.visit_string(v)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visitor.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visitor.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        let key = self.expect.into_key();
        self.visitor.visit_some(Strict { de, key })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        let key = self.expect.into_key();
        self.visitor.visit_newtype_struct(Strict { de, key })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        match self.expect {
            Expect::Struct(fields) => Err(de::Error::custom(table_expected(fields))),
            _ => self.visitor.visit_seq(StrictSeq(seq)),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let seen = matches!(self.expect, Expect::Map).then(HashSet::new);
        self.visitor.visit_map(StrictMap { map, seen })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.visitor.visit_enum(StrictEnum(data))
    }
}

/// A seed whose deserializer is made strict.
struct StrictSeed<'s, S> {
    seed: S,
    key: Option<&'s mut HashSet<String>>,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for StrictSeed<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(Strict { de, key: self.key })
    }
}

struct StrictSeq<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for StrictSeq<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(StrictSeed { seed, key: None })
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// A map's entries; `seen` holds its keys when it was asked for as a map (not for a struct,
/// whose repeated fields serde reports itself, nor for a value read with `deserialize_any`).
struct StrictMap<A> {
    map: A,
    seen: Option<HashSet<String>>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for StrictMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        let key = self.seen.as_mut();
        self.map.next_key_seed(StrictSeed { seed, key })
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.map.next_value_seed(StrictSeed { seed, key: None })
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

struct StrictEnum<A>(A);

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for StrictEnum<A> {
    type Error = A::Error;
    type Variant = StrictVariant<A::Variant>;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self::Variant), A::Error> {
        let (value, variant) = self.0.variant_seed(StrictSeed { seed, key: None })?;
        Ok((value, StrictVariant(variant)))
    }
}

struct StrictVariant<A>(A);

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for StrictVariant<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        self.0.newtype_variant_seed(StrictSeed { seed, key: None })
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        let expect = Expect::Any;
        self.0.tuple_variant(len, Wrap { visitor, expect })
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        let expect = Expect::Struct(fields);
        self.0.struct_variant(fields, Wrap { visitor, expect })
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Debug;

    use indexmap::IndexMap;
    use serde::Deserialize;
    use serde::de::DeserializeOwned;

    use super::{deserialize, table_expected};
    use crate::error::{ErrorCode, LoadError};
    use crate::load::{Format, parse_toml};
    use crate::portfolio::{Date, Portfolio, Source};
    use crate::rule::Rule;
    use crate::unit::{Entry, Unit};

    const HEAD: &str = "format = 1\ncandidate = { id = \"S1\" }\nunits = [\"CHCMGT006\"]\n";
    const UNIT_HEAD: &str = "code = \"CHCMGT006\"\ntitle = \"t\"\nrelease = 1\n";

    fn toml_error<T: DeserializeOwned>(text: &str) -> LoadError {
        parse_toml::<T>("f.toml", text).map(|_| ()).unwrap_err()
    }

    fn json_error(text: &str) -> LoadError {
        let errors = Source::new("f.json", text, Format::Json).parse().unwrap_err();
        assert_eq!(errors.len(), 1, "{errors}");
        errors.into_iter().next().unwrap()
    }

    /// The error's code, line, column and message.
    fn shown(e: &LoadError) -> (ErrorCode, u32, u32, &str) {
        (e.code(), e.line().unwrap(), e.column().unwrap(), e.message())
    }

    fn strict_toml<T: DeserializeOwned>(text: &str) -> Result<T, toml::de::Error> {
        deserialize(toml::Deserializer::parse(text)?)
    }

    fn strict_json<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let value = deserialize(&mut deserializer)?;
        deserializer.end()?;
        Ok(value)
    }

    /// Parses `text` strictly and with plain serde, and checks both give the same value.
    fn same_as_serde<T: DeserializeOwned + PartialEq + Debug>(format: Format, text: &str) -> T {
        let (strict, plain) = match format {
            Format::Toml => (
                strict_toml::<T>(text).unwrap(),
                toml::from_str::<T>(text).unwrap(),
            ),
            Format::Json => (
                strict_json::<T>(text).unwrap(),
                serde_json::from_str::<T>(text).unwrap(),
            ),
        };
        assert_eq!(strict, plain);
        strict
    }

    const PERSON: &str = "expected a table (JSON object) with keys `id`, `name`, found an array";

    #[test]
    fn a_json_portfolio_that_is_an_array_is_refused() {
        let e = json_error(r#"[1, {"id":"S1"}, ["CHCMGT006"]]"#);
        assert_eq!(
            shown(&e),
            (
                ErrorCode::InvalidValue,
                1,
                1,
                "expected a table (JSON object) with keys `format`, `candidate`, `assessor`, `units`, \
                 `judgement_date`, `policy`, …, found an array"
            )
        );
    }

    #[test]
    fn a_person_written_as_an_array_is_refused_at_its_bracket() {
        let toml = "format = 1\ncandidate = [\"S1\"]\nunits = [\"CHCMGT006\"]\n";
        assert_eq!(
            shown(&toml_error::<Portfolio>(toml)),
            (ErrorCode::InvalidValue, 2, 13, PERSON)
        );
        // An optional table too, and an empty array.
        let toml = format!("{HEAD}assessor = []\n");
        assert_eq!(
            shown(&toml_error::<Portfolio>(&toml)),
            (ErrorCode::InvalidValue, 4, 12, PERSON)
        );
        let json = "{\"format\": 1,\n \"candidate\": [\"S1\"], \"units\": [\"CHCMGT006\"]}";
        assert_eq!(shown(&json_error(json)), (ErrorCode::InvalidValue, 2, 15, PERSON));
    }

    #[test]
    fn tables_written_as_arrays_are_refused_at_any_depth() {
        let unit = format!("{UNIT_HEAD}elements = [[\"1\", \"title\", []]]\n");
        assert_eq!(
            shown(&toml_error::<Unit>(&unit)),
            (
                ErrorCode::InvalidValue,
                4,
                13,
                "expected a table (JSON object) with keys `id`, `title`, `criteria`, found an array"
            )
        );
        let unit =
            format!("{UNIT_HEAD}[[elements]]\nid = \"1\"\ntitle = \"t\"\ncriteria = [[\"1.1\", \"text\"]]\n");
        assert_eq!(
            shown(&toml_error::<Unit>(&unit)),
            (
                ErrorCode::InvalidValue,
                7,
                13,
                "expected a table (JSON object) with keys `id`, `text`, `range`, found an array"
            )
        );
        let portfolio = format!(
            "{HEAD}[[evidence]]\nid = \"E1\"\ntitle = \"t\"\ndate = 2026-01-01\nmethod = \"project\"\n\
             judgement = \"pending\"\nunits.CHCMGT006 = [[\"1.1\"]]\n"
        );
        let e = toml_error::<Portfolio>(&portfolio);
        assert_eq!((e.line(), e.column()), (Some(10), Some(19)));
        assert!(
            e.message()
                .starts_with("expected a table (JSON object) with keys `covers`")
        );
    }

    #[test]
    fn a_unit_mapped_twice_in_one_item_is_refused_at_the_second_key() {
        let json = "{\"format\": 1, \"candidate\": {\"id\": \"S1\"}, \"units\": [\"CHCMGT006\"],\n \
                    \"evidence\": [{\"id\": \"E1\", \"title\": \"t\", \"date\": \"2026-01-01\", \
                    \"method\": \"project\", \"judgement\": \"pending\",\n  \
                    \"units\": {\"CHCMGT006\": {}, \"CHCMGT006\": {\"covers\": [\"1.1\"]}}}]}";
        assert_eq!(
            shown(&json_error(json)),
            (ErrorCode::InvalidValue, 3, 40, "duplicate key `CHCMGT006`")
        );
        // The same key in two items' maps is two maps, each with one key.
        let twice = json.replace("\"CHCMGT006\": {}, ", "");
        let twice = twice.replace("}]}", "}, {\"id\": \"E2\", \"title\": \"t\", \"date\": \"2026-01-01\", \"method\": \"project\", \"judgement\": \"pending\", \"units\": {\"CHCMGT006\": {}}}]}");
        let portfolio = Source::new("f.json", &twice, Format::Json).parse().unwrap();
        assert_eq!(portfolio.evidence.len(), 2);
    }

    #[test]
    fn keys_are_tracked_per_map_at_every_depth() {
        type Nested = IndexMap<String, IndexMap<String, u32>>;
        let nested = same_as_serde::<Nested>(Format::Json, r#"{"a": {"a": 1, "b": 2}, "b": {"a": 3}}"#);
        assert_eq!(nested["b"]["a"], 3);
        let e = strict_json::<Nested>(r#"{"a": {"x": 1, "x": 2}}"#).unwrap_err();
        assert_eq!(e.to_string(), "duplicate key `x` at line 1 column 18");
        let e = strict_json::<Vec<IndexMap<String, u32>>>(r#"[{"x": 1}, {"y": 1, "y": 2}]"#).unwrap_err();
        assert_eq!(e.to_string(), "duplicate key `y` at line 1 column 23");
        // A struct's repeated field stays serde's own error.
        let e = json_error(r#"{"format": 1, "format": 2}"#);
        assert_eq!(
            shown(&e),
            (ErrorCode::InvalidValue, 1, 22, "duplicate field `format`")
        );
    }

    #[test]
    fn trailing_characters_are_still_a_syntax_error() {
        let e = json_error("{\"format\": 1, \"candidate\": {\"id\": \"S1\"}, \"units\": [\"CHCMGT006\"]} x");
        assert_eq!(
            shown(&e),
            (ErrorCode::Syntax, 1, 66, "invalid JSON: trailing characters")
        );
    }

    #[test]
    fn sequences_stay_sequences_and_struct_variants_are_tables() {
        #[derive(Debug, PartialEq, Deserialize)]
        #[serde(deny_unknown_fields)]
        enum Shape {
            Square { side: u32 },
            Pair(u32, u32),
            Named(String),
        }
        let shapes = same_as_serde::<Vec<Shape>>(
            Format::Json,
            r#"[{"Square": {"side": 3}}, {"Pair": [1, 2]}, {"Named": "n"}]"#,
        );
        assert_eq!(shapes[1], Shape::Pair(1, 2));
        let e = strict_json::<Shape>(r#"{"Square": [3]}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("{} at line 1 column 12", table_expected(&["side"]))
        );
        let tuple = same_as_serde::<(u32, String, Vec<u8>)>(Format::Json, r#"[1, "a", [2]]"#);
        assert_eq!(tuple.1, "a");
    }

    #[test]
    fn long_key_lists_are_shortened() {
        assert_eq!(
            table_expected(&[]),
            "expected a table (JSON object), found an array"
        );
        let seven = ["a", "b", "c", "d", "e", "f", "g"];
        assert_eq!(
            table_expected(&seven),
            "expected a table (JSON object) with keys `a`, `b`, `c`, `d`, `e`, `f`, …, found an array"
        );
    }

    #[test]
    fn toml_dates_still_read_and_times_are_still_refused() {
        #[derive(Debug, PartialEq, Deserialize)]
        struct Dated {
            date: Date,
            dates: IndexMap<String, Date>,
        }
        let dated = same_as_serde::<Dated>(Format::Toml, "date = 2026-03-02\ndates = { a = 2026-03-03 }\n");
        assert_eq!(dated.dates["a"].to_string(), "2026-03-03");
        let dated = same_as_serde::<Dated>(Format::Json, r#"{"date": "2026-03-02", "dates": {}}"#);
        assert_eq!(dated.date.to_string(), "2026-03-02");
        let portfolio = format!(
            "{HEAD}[[evidence]]\nid = \"E1\"\ntitle = \"t\"\ndate = 2026-01-01T10:00:00\nmethod = \"project\"\n\
             judgement = \"pending\"\n"
        );
        let e = toml_error::<Portfolio>(&portfolio);
        assert_eq!(
            shown(&e),
            (
                ErrorCode::InvalidValue,
                7,
                8,
                "2026-01-01T10:00:00 is not a date: write YYYY-MM-DD without a time"
            )
        );
    }

    #[test]
    fn tagged_rules_and_untagged_entries_still_parse() {
        let rules = r#"
            [[rules]]
            type = "all"
            rules = [
                { type = "count", min = 2, where = { activity = "meeting", method = ["observation"] } },
                { type = "distinct", field = "client", min = 3 },
                { type = "options", list = "services", min = 5 },
                { type = "per-item", field = "client", min_values = 2 },
                { type = "spread", min_dates = 2, min_span_days = 30 },
            ]
            [[rules]]
            type = "any"
            rules = [{ type = "covers", of = "knowledge" }, { type = "covers", ids = ["PE1", "K2.3"] }]
        "#;
        #[derive(Debug, PartialEq, Deserialize)]
        struct Rules {
            rules: Vec<Rule>,
        }
        let parsed = same_as_serde::<Rules>(Format::Toml, rules);
        assert!(matches!(&parsed.rules[0], Rule::All { rules } if rules.len() == 5));
        let json = serde_json::to_string(&serde_json::json!({
            "rules": [{"type": "any", "rules": [{"type": "count", "min": 1}]}]
        }))
        .unwrap();
        let parsed = same_as_serde::<Rules>(Format::Json, &json);
        assert!(matches!(&parsed.rules[0], Rule::Any { rules } if rules.len() == 1));
        // serde's own errors inside a rule are unchanged.
        let bad = "rules = [{ type = \"count\" }]";
        assert_eq!(
            strict_toml::<Rules>(bad).unwrap_err().message(),
            toml::from_str::<Rules>(bad).unwrap_err().message()
        );

        #[derive(Debug, PartialEq, Deserialize)]
        struct Entries {
            items: Vec<Entry>,
        }
        let entries = same_as_serde::<Entries>(
            Format::Toml,
            "items = [\"plain\", { text = \"nested\", items = [\"a\", { text = \"b\", items = [\"c\"] }] }]",
        );
        assert_eq!(entries.items[1].items()[1].items()[0].text(), "c");
        // An entry written as an array is refused by serde itself (untagged struct variants
        // take only tables).
        let array = "items = [[\"a\", [\"b\"]]]";
        assert_eq!(
            toml_error::<Entries>(array).message(),
            "a listed entry must be text or a table"
        );
        assert!(toml::from_str::<Entries>(array).is_err());
    }

    /// serde buffers an internally tagged enum (a `rule`) before it knows the variant, and
    /// reads the variant from its private buffer, not through the adapter; so inside a rule an
    /// array passes this layer. Loading a unit closes the gap by checking the rules' shapes on
    /// the document tree (`load::rule_shape_error`): both are asserted here.
    #[test]
    fn arrays_inside_a_rule_pass_the_adapter_and_are_refused_by_the_loader() {
        let unit = format!(
            "{UNIT_HEAD}elements = []\n[[evidence]]\nid = \"PE1\"\nkind = \"performance\"\ntext = \"t\"\n\
             rule = [\"count\", 3]\n"
        );
        let filter = unit.replace(
            "[\"count\", 3]",
            "{ type = \"count\", min = 3, where = [\"meeting\"] }",
        );
        for (text, pointer) in [(&unit, "/evidence/0/rule"), (&filter, "/evidence/0/rule/where")] {
            assert!(parse_toml::<Unit>("f.toml", text).is_ok());
            let errors = crate::load::load_unit("f.toml", text).unwrap_err();
            assert_eq!(errors[0].code(), ErrorCode::InvalidValue);
            assert_eq!(errors[0].pointer(), pointer);
            assert_eq!(errors[0].line(), Some(text.lines().count() as u32));
        }
    }

    /// Every shipped unit file and example portfolio reads exactly as plain serde reads it.
    #[test]
    fn shipped_units_and_examples_read_as_with_plain_serde() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut read = 0;
        for dir in ["units", "examples"] {
            let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
                .unwrap()
                .map(|entry| entry.unwrap().path())
                .collect();
            paths.sort();
            for path in paths {
                let text = std::fs::read_to_string(&path).unwrap();
                let format = Format::from_file_name(&path.to_string_lossy());
                match (dir, format) {
                    ("units", Format::Toml) => drop(same_as_serde::<Unit>(format, &text)),
                    ("examples", _) => drop(same_as_serde::<Portfolio>(format, &text)),
                    _ => continue,
                }
                read += 1;
            }
        }
        assert_eq!(read, 5 + 12);
    }
}
