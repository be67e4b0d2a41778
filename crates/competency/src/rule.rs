//! The rule language: how a unit file says, as data, what a body of evidence must show.
//!
//! A rule is evaluated over the evidence items of one portfolio that count for one unit
//! (judged satisfactory, current, dated on or before the judgement date). Rules never name a
//! unit: the same shapes serve every unit.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ids::{CriterionId, IdError, ItemId, Tag};
use crate::method::{Environment, Method};
use crate::words::OrList;

/// A machine-checkable requirement on the body of evidence.
///
/// In a unit file a rule is a table with a `type`:
///
/// ```
/// use competency::Rule;
/// let rule: Rule = toml::from_str(r#"
///     type = "distinct"
///     field = "client"
///     min = 3
///     where = { activity = "service-agreement" }
/// "#).unwrap();
/// assert!(matches!(rule, Rule::Distinct { min: 3, .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(
        description = "A machine-checkable requirement on the body of evidence: a table whose `type` names its shape (docs/unit-format.md).",
        transform = describe_rule_type
    )
)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Rule {
    /// At least `min` items match the filter.
    #[non_exhaustive]
    Count {
        /// How many items are needed.
        min: u32,
        /// Which items count.
        #[serde(default, rename = "where", skip_serializing_if = "Filter::is_empty")]
        filter: Filter,
    },
    /// The items matching the filter show at least `min` distinct values of `field`.
    #[non_exhaustive]
    Distinct {
        /// The field whose values are counted.
        field: Field,
        /// How many distinct values are needed.
        min: u32,
        /// Which items count.
        #[serde(default, rename = "where", skip_serializing_if = "Filter::is_empty")]
        filter: Filter,
    },
    /// The items matching the filter show at least `min` distinct options of a declared list.
    #[non_exhaustive]
    Options {
        /// The option list, declared in the unit's `[[option_lists]]`.
        list: Tag,
        /// How many distinct options are needed.
        min: u32,
        /// Which items count.
        #[serde(default, rename = "where", skip_serializing_if = "Filter::is_empty")]
        filter: Filter,
    },
    /// At least `min` items matching the filter each show `min_values` distinct values of
    /// `field` on their own (one meeting that involves three clients).
    #[non_exhaustive]
    PerItem {
        /// The field whose values are counted within one item.
        field: Field,
        /// How many distinct values one item must show.
        min_values: u32,
        /// How many such items are needed.
        #[serde(default = "one")]
        min: u32,
        /// Which items count.
        #[serde(default, rename = "where", skip_serializing_if = "Filter::is_empty")]
        filter: Filter,
    },
    /// The items matching the filter are spread over time: on at least `min_dates` distinct
    /// dates, and/or with at least `min_span_days` days from the first to the last.
    #[non_exhaustive]
    Spread {
        /// Distinct dates needed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_dates: Option<u32>,
        /// Days needed between the earliest and the latest date.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_span_days: Option<u32>,
        /// Which items count.
        #[serde(default, rename = "where", skip_serializing_if = "Filter::is_empty")]
        filter: Filter,
    },
    /// Every listed requirement (or every requirement of a kind) of the same unit is met.
    #[non_exhaustive]
    Covers {
        /// A whole kind of requirement.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        of: Option<Scope>,
        /// Individual requirements.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        ids: Vec<RequirementId>,
    },
    /// Every sub-rule holds.
    #[non_exhaustive]
    All {
        /// The sub-rules.
        rules: Vec<Rule>,
    },
    /// At least one sub-rule holds.
    #[non_exhaustive]
    Any {
        /// The sub-rules.
        rules: Vec<Rule>,
    },
}

/// Gives each shape's `type` key, which serde's tag makes, a description.
#[cfg(feature = "schema")]
fn describe_rule_type(schema: &mut schemars::Schema) {
    let shapes = schema.get_mut("oneOf").and_then(|s| s.as_array_mut());
    for shape in shapes.into_iter().flatten() {
        if let Some(tag) = shape
            .pointer_mut("/properties/type")
            .and_then(|t| t.as_object_mut())
        {
            tag.insert("description".to_owned(), "The rule's shape.".into());
        }
    }
}

fn one() -> u32 {
    1
}

impl Rule {
    /// The rule's `type`.
    pub fn rule_type(&self) -> RuleType {
        match self {
            Rule::Count { .. } => RuleType::Count,
            Rule::Distinct { .. } => RuleType::Distinct,
            Rule::Options { .. } => RuleType::Options,
            Rule::PerItem { .. } => RuleType::PerItem,
            Rule::Spread { .. } => RuleType::Spread,
            Rule::Covers { .. } => RuleType::Covers,
            Rule::All { .. } => RuleType::All,
            Rule::Any { .. } => RuleType::Any,
        }
    }

    /// The rule's filter, for the shapes that have one.
    pub fn filter(&self) -> Option<&Filter> {
        match self {
            Rule::Count { filter, .. }
            | Rule::Distinct { filter, .. }
            | Rule::Options { filter, .. }
            | Rule::PerItem { filter, .. }
            | Rule::Spread { filter, .. } => Some(filter),
            Rule::Covers { .. } | Rule::All { .. } | Rule::Any { .. } => None,
        }
    }
}

/// A rule's shape: the `type` of a rule in a unit file, and of a tally in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
#[serde(rename_all = "kebab-case")]
pub enum RuleType {
    /// At least `min` items match the filter.
    Count,
    /// The matching items show `min` distinct values of a field.
    Distinct,
    /// The matching items show `min` distinct options of a declared list.
    Options,
    /// At least `min` matching items each show `min_values` distinct values of a field.
    PerItem,
    /// The matching items are spread over distinct dates, or over a span of days.
    Spread,
    /// Listed requirements of the same unit, or every one of a kind, are met.
    Covers,
    /// Every sub-rule holds.
    All,
    /// At least one sub-rule holds.
    Any,
}

impl RuleType {
    /// The kebab-case name used in files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleType::Count => "count",
            RuleType::Distinct => "distinct",
            RuleType::Options => "options",
            RuleType::PerItem => "per-item",
            RuleType::Spread => "spread",
            RuleType::Covers => "covers",
            RuleType::All => "all",
            RuleType::Any => "any",
        }
    }
}

impl fmt::Display for RuleType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which evidence items a rule looks at. Every condition given must hold; an empty filter
/// takes every item that counts for the unit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Filter {
    /// The item is tagged with this activity, declared in the unit's `[[activities]]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<Tag>,
    /// The item's method is one of these.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "non_empty"
    )]
    #[cfg_attr(feature = "schema", schemars(length(min = 1)))]
    pub method: Vec<Method>,
    /// The item's environment is one of these.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "non_empty"
    )]
    #[cfg_attr(feature = "schema", schemars(length(min = 1)))]
    pub environment: Vec<Environment>,
}

/// A filter list, refused when empty: `method = []` would read as "any method", the opposite of
/// what someone who wrote a list meant.
fn non_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    let list = Vec::<T>::deserialize(deserializer)?;
    if list.is_empty() {
        return Err(serde::de::Error::custom(
            "an empty list would take every item; list what the rule asks for, or leave the key out",
        ));
    }
    Ok(list)
}

impl Filter {
    /// True when the filter takes every item.
    pub fn is_empty(&self) -> bool {
        self.activity.is_none() && self.method.is_empty() && self.environment.is_empty()
    }
}

/// A field of an evidence item whose distinct values a rule can count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Field {
    /// The pseudonymous clients the item involves.
    Client,
    /// Where, or on what occasion, the item was produced.
    Context,
    /// The assessment method.
    Method,
    /// The environment (workplace or simulated).
    Environment,
    /// The service period label.
    ServicePeriod,
    /// The date (each day of a date range counts once, by its start date).
    Date,
}

impl Field {
    /// The kebab-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Client => "client",
            Field::Context => "context",
            Field::Method => "method",
            Field::Environment => "environment",
            Field::ServicePeriod => "service-period",
            Field::Date => "date",
        }
    }

    /// How many distinct values the field can ever take, where that is fixed.
    pub fn max_values(self) -> Option<u32> {
        match self {
            Field::Method => Some(Method::ALL.len() as u32),
            Field::Environment => Some(Environment::ALL.len() as u32),
            _ => None,
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A whole kind of requirement, for [`Rule::Covers`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(description = "A whole kind of requirement, for a `covers` rule.")
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Scope {
    /// Every performance criterion.
    Criteria,
    /// Every knowledge item.
    Knowledge,
    /// Every skill item.
    Skills,
}

impl Scope {
    /// The kebab-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Criteria => "criteria",
            Scope::Knowledge => "knowledge",
            Scope::Skills => "skills",
        }
    }
}

/// The ID of any requirement of a unit: a criterion's number (`3.5`) or another requirement's
/// ID (`PE1`, `K2.3`).
///
/// ```
/// use competency::RequirementId;
/// assert!("3.5".parse::<RequirementId>().unwrap().is_criterion());
/// assert!(!"PE1".parse::<RequirementId>().unwrap().is_criterion());
/// assert!("pe1".parse::<RequirementId>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequirementId(String);

#[cfg(feature = "schema")]
crate::schema::string_schema!(RequirementId, "RequirementId", {
    "description": "A requirement of the same unit: a performance criterion's number (3.5) or another requirement's ID (PE1, K2.3).",
    "type": "string",
    "pattern": "^((0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)|[A-Z][A-Z0-9]*(\\.[A-Z0-9]+)*)$"
});

impl RequirementId {
    /// The ID as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// True for a performance criterion's number.
    pub fn is_criterion(&self) -> bool {
        self.0.starts_with(|c: char| c.is_ascii_digit())
    }
}

impl From<&CriterionId> for RequirementId {
    fn from(id: &CriterionId) -> Self {
        Self(id.as_str().to_owned())
    }
}

impl From<&ItemId> for RequirementId {
    fn from(id: &ItemId) -> Self {
        Self(id.as_str().to_owned())
    }
}

impl FromStr for RequirementId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.starts_with(|c: char| c.is_ascii_digit()) {
            s.parse::<CriterionId>().map(|id| Self::from(&id))
        } else {
            s.parse::<ItemId>().map(|id| Self::from(&id))
        }
    }
}

impl fmt::Display for RequirementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for RequirementId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RequirementId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::ids::parsed_str(deserializer)
    }
}

impl Field {
    /// The plural noun for counts in plain words ("3 distinct clients").
    pub fn plural(self) -> &'static str {
        crate::report::Counted::from(self).as_str()
    }
}

impl Filter {
    /// The filter in plain words, after "items" (" tagged service-agreement"); empty when the
    /// filter takes every item.
    pub fn describe(&self) -> String {
        self.words().to_string()
    }

    /// [`Filter::describe`]'s words, written where they are wanted.
    pub(crate) fn words(&self) -> FilterWords<'_> {
        FilterWords(self)
    }
}

/// A filter in plain words ([`Filter::words`]).
pub(crate) struct FilterWords<'a>(&'a Filter);

impl fmt::Display for FilterWords<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let filter = self.0;
        if let Some(activity) = &filter.activity {
            write!(f, " tagged {activity}")?;
        }
        if !filter.method.is_empty() {
            write!(f, " by {}", OrList(&filter.method))?;
        }
        if !filter.environment.is_empty() {
            write!(f, " in a {} environment", OrList(&filter.environment))?;
        }
        Ok(())
    }
}

impl Rule {
    /// The rule in plain words.
    ///
    /// ```
    /// use competency::Rule;
    /// let rule: Rule = toml::from_str(r#"
    ///     type = "per-item"
    ///     field = "client"
    ///     min_values = 3
    ///     where = { activity = "support-staff-meeting" }
    /// "#).unwrap();
    /// assert_eq!(rule.describe(), "at least 1 item tagged support-staff-meeting, each involving at least 3 distinct clients");
    /// ```
    pub fn describe(&self) -> String {
        match self {
            Rule::Count { min, filter } => format!("at least {min} {}{}", items(*min), filter.words()),
            Rule::Distinct { field, min, filter } => {
                format!(
                    "at least {min} distinct {} among items{}",
                    field.plural(),
                    filter.words()
                )
            }
            Rule::Options { list, min, filter } => {
                let among = if filter.is_empty() {
                    String::new()
                } else {
                    format!(" among items{}", filter.words())
                };
                format!("at least {min} options of list {list}{among}")
            }
            Rule::PerItem {
                field,
                min_values,
                min,
                filter,
            } => format!(
                "at least {min} {}{}, each involving at least {min_values} distinct {}",
                items(*min),
                filter.words(),
                field.plural()
            ),
            Rule::Spread {
                min_dates,
                min_span_days,
                filter,
            } => {
                let mut parts = Vec::new();
                if let Some(d) = min_dates {
                    parts.push(format!("on at least {d} distinct dates"));
                }
                if let Some(d) = min_span_days {
                    parts.push(format!("spanning at least {d} days"));
                }
                format!("items{} {}", filter.words(), parts.join(" and "))
            }
            Rule::Covers { of, ids } => {
                let mut parts = Vec::new();
                if let Some(scope) = of {
                    parts.push(match scope {
                        Scope::Criteria => "every performance criterion".to_owned(),
                        Scope::Knowledge => "every knowledge item".to_owned(),
                        Scope::Skills => "every skill item".to_owned(),
                    });
                }
                if !ids.is_empty() {
                    let ids: Vec<&str> = ids.iter().map(RequirementId::as_str).collect();
                    parts.push(ids.join(", "));
                }
                format!("{} met", parts.join(" and "))
            }
            Rule::All { rules } => format!("all of: {}", join_rules(rules)),
            Rule::Any { rules } => format!("any of: {}", join_rules(rules)),
        }
    }
}

/// "item" or "items" to follow a count.
pub(crate) fn items(n: u32) -> &'static str {
    if n == 1 { "item" } else { "items" }
}

fn join_rules(rules: &[Rule]) -> String {
    rules
        .iter()
        .map(|r| format!("({})", r.describe()))
        .collect::<Vec<_>>()
        .join("; ")
}
