//! [`Record`]: the result for one line of a batch, as a value and as its JSON line.

use std::io::{self, Write};

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde::{Deserialize, Deserializer};

use crate::batch::Verdict;
use crate::error::LoadErrors;
use crate::report::Report;

/// The result for one portfolio line: `{"line": N, "report": {...}}` or
/// `{"line": N, "errors": [...]}` in JSON.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Record<'a> {
    /// 1-based line number in the input.
    pub line: u64,
    /// The report, or the located errors (line and column inside this line's portfolio).
    pub result: Result<Box<Report<'a>>, LoadErrors>,
}

impl Record<'_> {
    /// How the portfolio fared.
    pub fn verdict(&self) -> Verdict {
        match &self.result {
            Ok(report) if report.complete => Verdict::Complete,
            Ok(_) => Verdict::Incomplete,
            Err(_) => Verdict::Invalid,
        }
    }

    /// The record as one line of compact JSON, ending in a newline: the bytes
    /// `serde_json::to_string` gives for the record, and a newline.
    pub fn to_json_line(&self) -> String {
        let mut out = Vec::new();
        // Writing to memory, with string keys and serialisable values, cannot fail; if it
        // did, the line would be empty, as it was when serde_json wrote it. Checking the bytes
        // are UTF-8 costs a pass over them, a fraction of writing them (the library has no
        // `unsafe`).
        match self.write_json_line(&mut out) {
            Ok(()) => String::from_utf8(out).unwrap_or_else(|_| "\n".to_owned()),
            Err(_) => "\n".to_owned(),
        }
    }

    /// Writes the record as [`Record::to_json_line`] gives it (the same bytes), without
    /// building a `String` first.
    pub fn write_json_line(&self, mut out: impl Write) -> io::Result<()> {
        match &self.result {
            // A report is written directly, the same bytes faster (`report_json`).
            Ok(report) => crate::report_json::write_record(&mut out, self.line, report)?,
            Err(_) => serde_json::to_writer(&mut out, self)?,
        }
        out.write_all(b"\n")
    }
}

impl Serialize for Record<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("line", &self.line)?;
        match &self.result {
            Ok(report) => map.serialize_entry("report", report)?,
            Err(errors) => map.serialize_entry("errors", errors)?,
        }
        map.end()
    }
}

/// Reads a record back from its JSON line: an object with `line` and one of `report` and
/// `errors`.
impl<'de> Deserialize<'de> for Record<'_> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Fields<'a> {
            line: u64,
            report: Option<Box<Report<'a>>>,
            errors: Option<LoadErrors>,
        }
        let Fields { line, report, errors } = Fields::deserialize(deserializer)?;
        let result = match (report, errors) {
            (Some(report), None) => Ok(report),
            (None, Some(errors)) => Err(errors),
            _ => {
                return Err(serde::de::Error::custom(
                    "a record has exactly one of `report` and `errors`",
                ));
            }
        };
        Ok(Record { line, result })
    }
}

// Written by hand, as its `Serialize` is: one of two closed objects.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Record<'_> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Record".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let line = schemars::json_schema!({
            "description": "The portfolio's 1-based line number in the input.",
            "type": "integer",
            "minimum": 1
        });
        let mut report = generator.subschema_for::<Report<'static>>();
        report.insert(
            "description".to_owned(),
            "The portfolio's report, as `check --format json` gives it.".into(),
        );
        let mut errors = generator.subschema_for::<LoadErrors>();
        errors.insert(
            "description".to_owned(),
            "Why the portfolio could not be checked, each error as `check --format json` gives it.".into(),
        );
        schemars::json_schema!({
            "description": "The result for one portfolio line of a batch: its report, or the errors that stopped it from being checked (line and column inside that line's portfolio).",
            "type": "object",
            "oneOf": [
                {
                    "properties": { "line": line, "report": report },
                    "required": ["line", "report"]
                },
                {
                    "properties": { "line": line, "errors": errors },
                    "required": ["line", "errors"]
                }
            ]
        })
    }
}
