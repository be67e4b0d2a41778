//! [`Tally`]: what a rule counted, the numbers behind a requirement's `missing` sentence.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::report::{NotCounted, SharedStr};
use crate::rule::{Field, Filter, RuleType};

/// What a rule counted: the numbers behind a `missing` sentence, so that a platform can show
/// "2 of 3 clients" without parsing English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Tally {
    /// The rule's type, as in the unit file: `count`, `distinct`, `options`, `per-item`,
    /// `spread`, `covers`, `all`, `any`.
    #[serde(rename = "type")]
    pub rule: RuleType,
    /// Whether this rule (or part) holds.
    pub met: bool,
    /// What is counted: `items`, a field's plural (`clients`, `contexts`, `service periods`,
    /// `dates`, `methods`, `environments`), `options`, `requirements`, or `parts`.
    pub counts: Counted,
    /// For `distinct` and `per-item`: the field whose values are counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<Field>,
    /// How many there are.
    pub have: u32,
    /// How many the rule needs.
    pub need: u32,
    /// The rule's filter, when it has one.
    #[serde(rename = "where", default, skip_serializing_if = "Filter::is_empty")]
    pub filter: Filter,
    /// What counted, in first-seen order: the distinct values, the options shown, the dates,
    /// or, for `count`, `per-item` and `covers`, the item or requirement IDs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<SharedStr>,
    /// What could still count: the options not yet shown (`options`), the requirements not
    /// yet met (`covers`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remaining: Vec<SharedStr>,
    /// For `options`: the option list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    /// For `per-item`: how many distinct values one item must show.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_item: Option<u32>,
    /// For `per-item` not met: the matching item that came closest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closest: Option<Closest>,
    /// For `spread` with a span: days from the first date to the last, and the days needed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span_days: Option<Span>,
    /// For `all` and `any`: each part.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Tally>,
    /// The items this rule's filter selects that do not count, with why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_counted: Vec<NotCounted>,
}

/// What a tally's `have` and `need` count. Written as in the report's plain words, so
/// `service periods` has a space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
#[serde(rename_all = "kebab-case")]
pub enum Counted {
    /// Evidence items (`count`, `per-item`).
    Items,
    /// Distinct clients (`distinct` on `client`).
    Clients,
    /// Distinct contexts (`distinct` on `context`).
    Contexts,
    /// Distinct service periods (`distinct` on `service-period`).
    #[serde(rename = "service periods")]
    ServicePeriods,
    /// Distinct dates (`distinct` on `date`, `spread`).
    Dates,
    /// Distinct methods (`distinct` on `method`).
    Methods,
    /// Distinct environments (`distinct` on `environment`).
    Environments,
    /// Options of a list (`options`).
    Options,
    /// Requirements met (`covers`).
    Requirements,
    /// Parts that hold (`all`, `any`).
    Parts,
}

impl Counted {
    /// The word the report writes: `items`, `service periods`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Counted::Items => "items",
            Counted::Clients => "clients",
            Counted::Contexts => "contexts",
            Counted::ServicePeriods => "service periods",
            Counted::Dates => "dates",
            Counted::Methods => "methods",
            Counted::Environments => "environments",
            Counted::Options => "options",
            Counted::Requirements => "requirements",
            Counted::Parts => "parts",
        }
    }
}

/// What a `distinct` rule on a field counts: the field's values.
impl From<Field> for Counted {
    fn from(field: Field) -> Self {
        match field {
            Field::Client => Counted::Clients,
            Field::Context => Counted::Contexts,
            Field::Method => Counted::Methods,
            Field::Environment => Counted::Environments,
            Field::ServicePeriod => Counted::ServicePeriods,
            Field::Date => Counted::Dates,
        }
    }
}

impl fmt::Display for Counted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The item that came closest to a `per-item` rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Closest {
    /// Item ID.
    pub item: SharedStr,
    /// The distinct values it shows.
    pub values: Vec<SharedStr>,
}

/// Days between the first and last date, against the days needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Span {
    /// Days the items span.
    pub have: i64,
    /// Days needed.
    pub need: u32,
}
