//! JSON Schemas (draft 2020-12) of the documents the library reads and writes, generated from
//! the Rust types that read and write them, so that a schema cannot say other than serde does.
//!
//! Inputs (the portfolio, the unit file) are described as they are **read** (a field with a
//! default may be left out); outputs (the report, the error document, the batch record) as
//! they are **written** (a field that is always written is required). The committed copies
//! live in `docs/schema/`; `docs/schema/README.md` says how to use them.
//!
//! A new type in one of these documents needs
//! `#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]` beside its serde derives;
//! an identifier with its own `Deserialize` needs a hand-written impl whose `pattern` mirrors
//! its parser (the `string_schema!` macro of this module).
//!
//! ```
//! use competency::schema::Document;
//! let schema: serde_json::Value = serde_json::from_str(&Document::Portfolio.to_json()).unwrap();
//! assert_eq!(schema["$id"], "portfolio.schema.json");
//! assert_eq!(schema["additionalProperties"], false);
//! let report: serde_json::Value = serde_json::from_str(&Document::Report.to_json()).unwrap();
//! assert!(!report.to_string().contains("\"additionalProperties\":false"));
//! ```

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema};

use crate::batch::Record;
use crate::error::ErrorDocument;
use crate::portfolio::Portfolio;
use crate::report::Report;
use crate::unit::Unit;

/// A document the library reads or writes, with a JSON Schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Document {
    /// An evidence portfolio, TOML or JSON (docs/portfolio-format.md).
    Portfolio,
    /// A unit file, TOML (docs/unit-format.md).
    Unit,
    /// The report `check --format json` writes (docs/findings.md).
    Report,
    /// The error document `check --format json` writes for invalid input (docs/errors.md).
    Errors,
    /// One line of `competency batch` output (docs/batch.md).
    BatchRecord,
}

impl Document {
    /// Every document, in the order the documentation lists them.
    pub const ALL: &'static [Document] = &[
        Document::Portfolio,
        Document::Unit,
        Document::Report,
        Document::Errors,
        Document::BatchRecord,
    ];

    /// The document's name on the command line: `portfolio`, `unit`, `report`, `errors`,
    /// `batch-record`.
    pub fn name(self) -> &'static str {
        match self {
            Document::Portfolio => "portfolio",
            Document::Unit => "unit",
            Document::Report => "report",
            Document::Errors => "errors",
            Document::BatchRecord => "batch-record",
        }
    }

    /// The document whose [`name`](Document::name) this is.
    pub fn from_name(name: &str) -> Option<Document> {
        Document::ALL.iter().copied().find(|d| d.name() == name)
    }

    /// The schema's file name in `docs/schema/`, which is also its `$id`:
    /// `portfolio.schema.json`. A relative `$id`: the schemas have no public address yet, and
    /// a relative one resolves against wherever a platform puts them.
    pub fn file_name(self) -> String {
        format!("{}.schema.json", self.name())
    }

    /// The schema.
    pub fn schema(self) -> Schema {
        let (mut schema, title) = match self {
            Document::Portfolio => (input::<Portfolio>(), "Evidence portfolio"),
            Document::Unit => (input::<Unit>(), "Unit of competency file"),
            Document::Report => (output::<Report>(), "Check report"),
            Document::Errors => (output::<ErrorDocument<'static>>(), "Load error document"),
            Document::BatchRecord => (output::<Record>(), "Batch record"),
        };
        schema.insert("$id".to_owned(), self.file_name().into());
        schema.insert("title".to_owned(), title.into());
        schema
    }

    /// The schema as pretty-printed JSON ending in a newline; the same library always gives
    /// the same bytes.
    pub fn to_json(self) -> String {
        // A schema is a JSON object with string keys: serialising it cannot fail.
        let mut out = serde_json::to_string_pretty(&self.schema()).unwrap_or_default();
        out.push('\n');
        out
    }
}

/// A document as it is read: fields with defaults are optional.
fn input<T: JsonSchema>() -> Schema {
    settings()
        .for_deserialize()
        .into_generator()
        .into_root_schema_for::<T>()
}

/// A document as it is written: fields that are always written are required, and no object
/// forbids other keys (a type an input shares, such as a rule's filter, is closed there), so
/// that a platform validating with the schema keeps working when a later version adds a key.
fn output<T: JsonSchema>() -> Schema {
    settings()
        .for_serialize()
        .with_transform(RecursiveTransform(open as fn(&mut Schema)))
        .into_generator()
        .into_root_schema_for::<T>()
}

/// The schema without `"additionalProperties": false`.
fn open(schema: &mut Schema) {
    if schema.get("additionalProperties") == Some(&serde_json::Value::Bool(false)) {
        schema.remove("additionalProperties");
    }
}

fn settings() -> SchemaSettings {
    SchemaSettings::draft2020_12().with_transform(RecursiveTransform(unwrap_description as fn(&mut Schema)))
}

/// A description taken from a doc comment, with the comment's line breaks inside a paragraph
/// undone, so that an editor shows it as prose.
fn unwrap_description(schema: &mut Schema) {
    if let Some(serde_json::Value::String(text)) = schema.get_mut("description") {
        *text = text
            .split("\n\n")
            .map(|paragraph| paragraph.split('\n').map(str::trim).collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
            .join("\n\n");
    }
}

/// Implements [`JsonSchema`] for a type that reads and writes a plain string checked by a
/// parser: `$name` in `$defs`, and the schema `$schema` (a `json_schema!` object) whose
/// `pattern` must accept exactly what the parser accepts, or say in its description where
/// it cannot.
macro_rules! string_schema {
    ($ty:ty, $name:literal, $schema:tt) => {
        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                $name.into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!($schema)
            }
        }
    };
}
pub(crate) use string_schema;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_the_file_names() {
        for &document in Document::ALL {
            assert_eq!(Document::from_name(document.name()), Some(document));
            assert!(document.file_name().starts_with(document.name()));
        }
        assert_eq!(Document::from_name("portfolios"), None);
    }
}
