//! The unit of competency: one model for both generations of unit (pre-2012 units with required
//! skills and knowledge, evidence guide and range statement; 2012 Standards units with
//! performance evidence, knowledge evidence and assessment conditions).
//!
//! These types are the unit file format: they deserialise from TOML (unknown keys are errors)
//! and serialise back to the same shape. A [`Unit`] obtained from [`crate::Catalog`] or
//! [`Unit::from_toml_str`] has also passed every check of unit validation.

use serde::{Deserialize, Serialize};

use crate::ids::{CriterionId, ElementId, ItemId, Tag, UnitCode};
use crate::method::Method;
use crate::rule::Rule;

/// A unit of competency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Unit {
    /// National code, such as `CHCMGT006`.
    pub code: UnitCode,
    /// Title, such as "Coordinate client directed services".
    pub title: String,
    /// Release (revision) number; 1 when the source states none.
    pub release: u32,
    /// Whether the unit is current or superseded, where the source states it; `None` when the
    /// source does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Competency field, where the source names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competency_field: Option<String>,
    /// Sectors, where the source names them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sectors: Vec<String>,
    /// Unit descriptor: what the unit is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub descriptor: Option<String>,
    /// Application of the unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<String>,
    /// Licensing or regulatory information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licensing: Option<String>,
    /// The longest time, in months before the judgement date, that evidence stays current for
    /// this unit, where the unit's licensing or regulator sets one. A portfolio's policy may
    /// shorten it, never lengthen it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_months: Option<u32>,
    /// Prerequisite units or statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prerequisites: Option<String>,
    /// Modification history, newest first as in the sources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryEntry>,
    /// Equivalence, supersession, co-assessment and related units.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<Relation>,
    /// Activity tags that evidence items can carry, used by rules' `where.activity`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub activities: Vec<Activity>,
    /// Option lists used by `options` rules ("at least five of the following").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub option_lists: Vec<OptionList>,
    /// Elements and their performance criteria, in source order.
    pub elements: Vec<Element>,
    /// Evidence requirements: performance evidence, critical aspects, contexts, methods.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<EvidenceRequirement>,
    /// Knowledge evidence / required knowledge / underpinning knowledge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knowledge: Option<ItemSection>,
    /// Required skills / underpinning skills.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skills: Option<ItemSection>,
    /// Assessment conditions, context and resources for assessment.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// Range statement / range of conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub range: Vec<RangeVariable>,
    /// Foundation skills.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foundation_skills: Vec<FoundationSkill>,
    /// Key competency levels (older business services units).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_competencies: Vec<KeyCompetency>,
    /// Source text that guides assessment but is not itself a requirement.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
}

/// Whether a unit is current.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Status {
    /// Current.
    Current,
    /// Superseded by another unit.
    Superseded,
}

/// One release in a unit's modification history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct HistoryEntry {
    /// Release number.
    pub release: u32,
    /// What changed.
    pub text: String,
}

/// A unit this unit names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Relation {
    /// How the units relate.
    pub kind: RelationKind,
    /// The other unit's code.
    pub code: UnitCode,
    /// The other unit's title, as the source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// With `replaces`: the replaced unit is also equivalent ("replaces and is equivalent to").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub equivalent: bool,
}

impl Relation {
    /// True when the relation records equivalence: `equivalent-to`, or `replaces` with
    /// `equivalent = true`.
    pub fn is_equivalence(&self) -> bool {
        self.kind == RelationKind::EquivalentTo || (self.kind == RelationKind::Replaces && self.equivalent)
    }
}

/// How a unit relates to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RelationKind {
    /// "This unit is equivalent to ...".
    EquivalentTo,
    /// "This unit replaces ..." (supersession).
    Replaces,
    /// Suggested for assessment together with this unit.
    CoAssess,
    /// Named as related.
    Related,
}

impl RelationKind {
    /// The kebab-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            RelationKind::EquivalentTo => "equivalent-to",
            RelationKind::Replaces => "replaces",
            RelationKind::CoAssess => "co-assess",
            RelationKind::Related => "related",
        }
    }
}

/// An activity tag that evidence items carry ("service-agreement").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Activity {
    /// The tag.
    pub id: Tag,
    /// What the activity is, in words.
    pub text: String,
}

/// A declared list of options ("client service activities").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OptionList {
    /// The list's tag.
    pub id: Tag,
    /// What the list is, in words.
    pub text: String,
    /// The options, in source order.
    pub options: Vec<OptionItem>,
}

/// One option of an [`OptionList`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(description = "One option of an option list.")
)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OptionItem {
    /// The option's tag.
    pub id: Tag,
    /// Source wording.
    pub text: String,
    /// Sub-items the source lists under this option.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
    /// Evidence gathered by any of these methods shows this option without being tagged
    /// (for lists of assessment methods).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<Method>,
}

/// An element: an essential outcome, with its performance criteria.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Element {
    /// The element number.
    pub id: ElementId,
    /// Source wording.
    pub title: String,
    /// Performance criteria in source order.
    pub criteria: Vec<Criterion>,
}

/// A performance criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Criterion {
    /// The criterion's number, exactly as the source gives it.
    pub id: CriterionId,
    /// Source wording.
    pub text: String,
    /// Range variables that terms of this criterion point at (the source's bold italic terms).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub range: Vec<Tag>,
}

/// A requirement on the body of evidence as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct EvidenceRequirement {
    /// Stable ID, such as `PE1` or `CA4`.
    pub id: ItemId,
    /// Which kind of source statement this is.
    pub kind: EvidenceKind,
    /// Source wording.
    pub text: String,
    /// How evidence shows it; without a rule, an item must claim the requirement's ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Rule>,
}

/// The kinds of evidence requirement the two generations of unit use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum EvidenceKind {
    /// 2012 Standards performance evidence.
    Performance,
    /// Pre-2012 critical aspects of evidence.
    CriticalAspect,
    /// A range of contexts or occasions over time; consistency of performance.
    Contexts,
    /// Which assessment methods evidence must include.
    Method,
}

impl EvidenceKind {
    /// The kebab-case name used in files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Performance => "performance",
            EvidenceKind::CriticalAspect => "critical-aspect",
            EvidenceKind::Contexts => "contexts",
            EvidenceKind::Method => "method",
        }
    }
}

/// A section of identified items: knowledge or skills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ItemSection {
    /// The source's heading ("Knowledge Evidence", "Required knowledge", ...).
    pub heading: String,
    /// The source's lead-in sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<String>,
    /// The items, in source order.
    pub items: Vec<Item>,
}

/// A knowledge or skill item; nested lists keep their nesting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Item {
    /// Stable ID, such as `K3` or `K3.2` for the second sub-item of `K3`.
    pub id: ItemId,
    /// Source wording.
    pub text: String,
    /// Sub-items. An item with sub-items is met when all of them are.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<Item>,
}

/// An assessment condition: environment, resources, people, assessor requirements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Condition {
    /// Stable ID, such as `AC1`.
    pub id: ItemId,
    /// What the condition is about.
    pub kind: ConditionKind,
    /// Source wording.
    pub text: String,
    /// Listed sub-items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<Entry>,
    /// How evidence shows the condition, where evidence can; conditions without a rule are
    /// for the RTO to meet and are not checked against a portfolio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Rule>,
}

/// What an assessment condition is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ConditionKind {
    /// Where assessment happens (workplace, simulated environment).
    Environment,
    /// Facilities, equipment, documents.
    Resources,
    /// People involved in assessment.
    People,
    /// Requirements on the assessor.
    Assessor,
}

/// A range statement variable ("Clients may include: ...").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RangeVariable {
    /// The variable's tag, which criteria point at.
    pub id: Tag,
    /// The term, as the source writes it ("Clients").
    pub term: String,
    /// How binding the list is.
    pub strength: Strength,
    /// The source's lead-in ("Clients may include:").
    pub text: String,
    /// The listed entries.
    pub items: Vec<Entry>,
}

/// How binding a range variable is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Strength {
    /// "must comply with", "will be".
    Must,
    /// "should include".
    Should,
    /// "may include", "may be".
    May,
    /// A definition: "includes", "relate to", "including".
    Defines,
}

/// A line of listed source text, possibly with a nested list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
#[non_exhaustive]
pub enum Entry {
    /// A plain line.
    Text(String),
    /// A line with sub-items.
    #[non_exhaustive]
    Nested {
        /// The line.
        text: String,
        /// Its sub-items.
        items: Vec<Entry>,
    },
}

impl Entry {
    /// The entry's own line.
    pub fn text(&self) -> &str {
        match self {
            Entry::Text(text) | Entry::Nested { text, .. } => text,
        }
    }
    /// Its sub-items.
    pub fn items(&self) -> &[Entry] {
        match self {
            Entry::Text(_) => &[],
            Entry::Nested { items, .. } => items,
        }
    }
}

/// A foundation skill with its context statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct FoundationSkill {
    /// The skill ("Reading skills to:").
    pub skill: String,
    /// Its description.
    pub text: String,
}

/// A key competency and its level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct KeyCompetency {
    /// The competency ("Communicating ideas and information").
    pub name: String,
    /// Its performance level.
    pub level: u8,
    /// What it is used for in this unit.
    pub text: String,
}

/// Guidance text that is not itself a requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Note {
    /// The source's heading.
    pub heading: String,
    /// The paragraph, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Listed entries, if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<Entry>,
}

impl Unit {
    /// Every performance criterion, in source order.
    pub fn criteria(&self) -> impl Iterator<Item = &Criterion> {
        self.elements.iter().flat_map(|e| e.criteria.iter())
    }

    /// The knowledge items, outermost first then their sub-items (depth first, source order).
    pub fn knowledge_items(&self) -> Vec<&Item> {
        flatten(self.knowledge.as_ref())
    }

    /// The skill items, depth first in source order.
    pub fn skill_items(&self) -> Vec<&Item> {
        flatten(self.skills.as_ref())
    }

    /// The option list with this tag.
    pub fn option_list(&self, id: &str) -> Option<&OptionList> {
        self.option_lists.iter().find(|l| l.id.as_str() == id)
    }
}

fn flatten(section: Option<&ItemSection>) -> Vec<&Item> {
    fn walk<'a>(items: &'a [Item], out: &mut Vec<&'a Item>) {
        for item in items {
            out.push(item);
            walk(&item.items, out);
        }
    }
    let mut out = Vec::new();
    if let Some(section) = section {
        walk(&section.items, &mut out);
    }
    out
}

impl Status {
    /// The kebab-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Current => "current",
            Status::Superseded => "superseded",
        }
    }
}

impl ConditionKind {
    /// The kebab-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionKind::Environment => "environment",
            ConditionKind::Resources => "resources",
            ConditionKind::People => "people",
            ConditionKind::Assessor => "assessor",
        }
    }
}

impl Strength {
    /// The kebab-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Strength::Must => "must",
            Strength::Should => "should",
            Strength::May => "may",
            Strength::Defines => "defines",
        }
    }
}
