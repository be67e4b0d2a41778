//! The result of checking a portfolio: per unit, every requirement met or not with the
//! evidence that counted and what is missing; and findings under the rules of evidence.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::method::{Environment, Method};
use crate::outcome::{CurrencyWindow, Outcome, PriorUnitEntry};
use crate::portfolio::{Date, Judgement};

pub use crate::finding::{Finding, FindingCode, Severity};
pub use crate::shared_list::SharedList;
pub use crate::shared_str::SharedStr;
pub use crate::tally::{Closest, Counted, Span, Tally};

/// The report format version. 2 added the structured gaps (`tally`, `not_counted`, reasons),
/// the evidence register, `produced_by`, and the unit's sections and element headings.
pub const REPORT_FORMAT: u32 = 2;

/// The result of a check. Serialises to the stable JSON report, and reads back from it (a
/// platform that stored the JSON gets the same value); a field this library does not know is
/// skipped, so that a report with a field added later still reads.
///
/// ```
/// use competency::{CheckOptions, Checker, Portfolio, Report};
/// let portfolio = Portfolio::new("S1").claim("CHCMGT006".parse().unwrap());
/// let report = Checker::bundled().check(&portfolio, &CheckOptions::default()).unwrap();
/// let json = report.to_json();
/// let read: Report = serde_json::from_str(&json).unwrap();
/// assert_eq!(read, report);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(description = "The result of a check. Serialises to the stable JSON report.")
)]
#[non_exhaustive]
pub struct Report<'a> {
    /// Report format version.
    #[cfg_attr(feature = "schema", schemars(extend("const" = REPORT_FORMAT)))]
    pub format: u32,
    /// What produced the report, so that it can be reproduced.
    pub produced_by: ProducedBy,
    /// The candidate's identifier.
    pub candidate: String,
    /// The candidate's name, only when the check was asked to include names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidate_name: Option<String>,
    /// The assessor's identifier, when the portfolio names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessor: Option<String>,
    /// The assessor's name, only when the check was asked to include names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessor_name: Option<String>,
    /// The judgement date the check used.
    pub judgement_date: Date,
    /// True when the portfolio gave no judgement date (and no `as_of` was given), so that the
    /// check used the day it ran: the report is then not reproducible on another day.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub judgement_date_defaulted: bool,
    /// The earliest date evidence may have and still be current, when the policy sets a window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_since: Option<Date>,
    /// True when every unit checked is complete.
    pub complete: bool,
    /// One entry per unit checked, in the portfolio's order.
    pub units: Vec<UnitReport<'a>>,
    /// Findings about items that concern no single unit (an item that maps to nothing).
    pub findings: Vec<Finding>,
    /// The evidence register: every item of the portfolio, in portfolio order.
    pub evidence: Vec<RegisterEntry>,
    /// The units the candidate holds (`prior_units`), in portfolio order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prior_units: Vec<PriorUnitEntry>,
}

/// The tool and unit files that produced a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
// `Cow<'static, str>`: every report names this library, and copying its two names into
// every report of a batch was two allocations a portfolio; one read back from JSON owns them.
pub struct ProducedBy {
    /// The tool's name: `competency`.
    pub tool: Cow<'static, str>,
    /// The library's version.
    pub version: Cow<'static, str>,
}

impl ProducedBy {
    /// This library: `competency` at the version it was built as.
    ///
    /// ```
    /// let by = competency::ProducedBy::this_library();
    /// assert_eq!(by.tool, "competency");
    /// assert_eq!(by.version, env!("CARGO_PKG_VERSION"));
    /// ```
    pub fn this_library() -> Self {
        ProducedBy {
            tool: Cow::Borrowed("competency"),
            version: Cow::Borrowed(env!("CARGO_PKG_VERSION")),
        }
    }
}

/// One evidence item as the assessor recorded it, for the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RegisterEntry {
    /// Item ID.
    pub id: SharedStr,
    /// What it is.
    pub title: SharedStr,
    /// When it was produced, or when its period began.
    pub date: Date,
    /// The last day of its period, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<Date>,
    /// How it was gathered.
    pub method: Method,
    /// Workplace or simulated, if recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    /// The assessor's judgement of the item.
    pub judgement: Judgement,
    /// True when a verification is recorded.
    pub verified: bool,
    /// Who verified it: a person's name, so only when the check was asked for names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified_by: Option<SharedStr>,
    /// The verifier's role ("Team leader"), when recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verifier_role: Option<SharedStr>,
}

impl RegisterEntry {
    /// The verification in a few words: the verifier's name (with names) or role, `yes`, or
    /// empty when there is none.
    pub fn verification(&self) -> String {
        match (&self.verified_by, &self.verifier_role) {
            (Some(name), Some(role)) => format!("{name} ({role})"),
            (Some(name), None) => name.to_string(),
            (None, Some(role)) => role.to_string(),
            (None, None) if self.verified => "yes".to_owned(),
            (None, None) => String::new(),
        }
    }
}

/// The result for one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct UnitReport<'a> {
    /// Unit code.
    pub code: Cow<'a, str>,
    /// Release checked against.
    pub release: u32,
    /// Unit title.
    pub title: Cow<'a, str>,
    /// SHA-256 of the unit file's bytes, in lower-case hex: which text of the unit was used.
    pub source_sha256: Cow<'a, str>,
    /// True only when every requirement is met.
    pub complete: bool,
    /// How many requirements are met.
    pub met: usize,
    /// How many requirements there are.
    pub total: usize,
    /// The earliest date evidence may have and still be current for this unit: the policy's
    /// window, shortened by the unit's own where it sets one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_since: Option<Date>,
    /// For a unit on the RPL pathway: the currency window checked with and where it came
    /// from (the policy, the unit, or the RPL default when neither sets one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<CurrencyWindow>,
    /// The national outcome identifier the recorded decision supports, with why.
    pub outcome: Outcome,
    /// The items mapped to this unit, in portfolio order, and whether each counted.
    pub evidence: Vec<ItemStatus>,
    /// The unit's elements, for grouping criteria under their headings.
    pub elements: Vec<ElementHeading<'a>>,
    /// Every requirement in unit order: criteria, evidence requirements, knowledge, skills,
    /// then the assessment conditions that evidence can show.
    pub requirements: Vec<RequirementResult<'a>>,
    /// Findings under the rules of evidence for items mapped to this unit.
    pub findings: Vec<Finding>,
    /// For a unit whose evidence is not yet complete and that is not credited by credit
    /// transfer: what would complete it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<Plan>,
}

/// What would complete a unit's evidence: as few new items as the planner can find, what to do
/// with items that do not count, and the requirements the plan leaves out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Plan {
    /// New items that, added together, meet every unmet requirement that evidence can meet.
    pub items: Vec<Suggestion>,
    /// Items already in the portfolio that do not count, and what would make them count.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
    /// Requirements the plan leaves out, with why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocked: Vec<Blocked>,
}

/// One new evidence item to add. Every constraint given must hold for it to do its part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Suggestion {
    /// The unmet requirements this item helps meet.
    pub serves: Vec<SharedStr>,
    /// Requirement IDs it should claim in `covers`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covers: Vec<SharedStr>,
    /// Activity tags it should carry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub activities: Vec<String>,
    /// Options it should be tagged with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<SharedStr>,
    /// It is gathered by one of these methods (empty: any method).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<Method>,
    /// It is produced in one of these environments (empty: any, or none recorded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<Environment>,
    /// Clients it involves that no counted item of the requirement has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clients: Option<NewValues>,
    /// A context no counted item of the requirement has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<NewValues>,
    /// Service periods no counted item of the requirement has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_periods: Option<NewValues>,
    /// The first day it may be dated (the currency window, or a spread in time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_from: Option<Date>,
    /// The last day it may be dated (the judgement date, or earlier for a spread in time).
    pub date_to: Date,
    /// Dates it may not have: dates the requirement already has.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_on: Vec<Date>,
    /// The policy requires verification of every method it may be gathered by.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub verified: bool,
    /// The item in plain words.
    pub text: String,
}

/// How many new values of a field an item needs, and the values that would not be new.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct NewValues {
    /// How many distinct new values.
    pub count: u32,
    /// Values already counted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_than: Vec<SharedStr>,
}

/// An item that does not count, and what would make it count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Action {
    /// Item ID.
    pub item: String,
    /// Why it does not count.
    pub reason: Reason,
    /// Unmet requirements it claims or whose rules it would count towards.
    pub would_help: Vec<String>,
    /// What to do, in plain words.
    pub text: String,
}

/// A requirement the plan leaves out, and why: new evidence cannot meet it (a span of days
/// longer than the currency window allows), or the new items it needs are more than a plan
/// lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Blocked {
    /// The requirement.
    pub requirement: String,
    /// Why, in plain words.
    pub text: String,
}

/// Whether an item mapped to a unit counted towards it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ItemStatus {
    /// Item ID.
    pub id: SharedStr,
    /// True when the item counts (satisfactory, current, not after the judgement date).
    pub counted: bool,
    /// Why it does not count, when it does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
}

/// An element's number and title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ElementHeading<'a> {
    /// The element number.
    pub id: Cow<'a, str>,
    /// Its title, as the source words it.
    pub title: Cow<'a, str>,
}

/// Why an item does not count, as a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// Dated after the judgement date.
    AfterJudgementDate,
    /// Older than the currency window.
    Stale,
    /// Not judged yet.
    PendingJudgement,
    /// Judged not satisfactory.
    NotSatisfactory,
    /// Not verified, and the policy excludes unverified evidence.
    Unverified,
}

impl Reason {
    /// The kebab-case code.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::AfterJudgementDate => "after-judgement-date",
            Reason::Stale => "stale",
            Reason::PendingJudgement => "pending-judgement",
            Reason::NotSatisfactory => "not-satisfactory",
            Reason::Unverified => "unverified",
        }
    }

    /// The reason in a few words, as `missing` texts give it.
    pub fn words(self) -> &'static str {
        match self {
            Reason::AfterJudgementDate => "dated after the judgement date",
            Reason::Stale => "outside the currency window",
            Reason::PendingJudgement => "judgement pending",
            Reason::NotSatisfactory => "not satisfactory",
            Reason::Unverified => "not verified",
        }
    }
}

/// An item that claimed a requirement, or passed its rule's filter, but did not count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct NotCounted {
    /// Item ID.
    pub item: SharedStr,
    /// Why it did not count.
    pub reason: Reason,
}

/// One requirement's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RequirementResult<'a> {
    /// A criterion's own number (`3.5`), or the requirement's ID in the unit file.
    pub id: Cow<'a, str>,
    /// What kind of requirement it is.
    pub kind: RequirementKind,
    /// The source wording.
    pub text: Cow<'a, str>,
    /// Whether the evidence meets it.
    pub met: bool,
    /// The element a criterion belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<Cow<'a, str>>,
    /// The items that counted towards it, in portfolio order.
    pub evidence: SharedList,
    /// The items that claimed it or passed its rule's filter but did not count, in portfolio
    /// order, with why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_counted: Vec<NotCounted>,
    /// For a requirement decided by a rule: what the rule counted.
    // Boxed: most requirements have none, and a requirement is moved several times while a
    // report is built (the tally is more than half its size).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tally: Option<Box<Tally>>,
    /// For an unmet requirement, what is missing, in plain words with the numbers.
    // A `Cow`: a sentence without numbers ("no evidence item claims it") is not copied into
    // every requirement that needs it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Cow<'a, str>>,
}

/// The kinds of requirement a report lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
#[serde(rename_all = "kebab-case")]
pub enum RequirementKind {
    /// A performance criterion.
    Criterion,
    /// Performance evidence.
    Performance,
    /// A critical aspect of evidence.
    CriticalAspect,
    /// A range of contexts, occasions or time.
    Contexts,
    /// Required assessment methods.
    Method,
    /// A knowledge item.
    Knowledge,
    /// A skill item.
    Skill,
    /// An assessment condition shown by evidence.
    Condition,
}

impl RequirementKind {
    /// The kebab-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            RequirementKind::Criterion => "criterion",
            RequirementKind::Performance => "performance",
            RequirementKind::CriticalAspect => "critical-aspect",
            RequirementKind::Contexts => "contexts",
            RequirementKind::Method => "method",
            RequirementKind::Knowledge => "knowledge",
            RequirementKind::Skill => "skill",
            RequirementKind::Condition => "condition",
        }
    }
}

impl Report<'_> {
    /// The report as pretty-printed JSON, ending in a newline; the same input always gives
    /// the same bytes.
    pub fn to_json(&self) -> String {
        // Every key is a string and every value serialisable, so this cannot fail.
        let mut out = serde_json::to_string_pretty(self).unwrap_or_default();
        out.push('\n');
        out
    }

    /// The report with every borrowed text copied, so that it outlives the checker that
    /// made it (a report borrows the units' wording from its checker rather than copying it
    /// for every portfolio).
    ///
    /// ```
    /// use competency::{Catalog, CheckOptions, Checker, Portfolio, Report};
    /// let portfolio = Portfolio::new("S1").claim("CHCMGT006".parse().unwrap());
    /// let report: Report<'static> = {
    ///     let checker = Checker::new(Catalog::bundled());
    ///     checker.check(&portfolio, &CheckOptions::default()).unwrap().into_owned()
    /// };
    /// assert_eq!(report.units[0].code, "CHCMGT006");
    /// ```
    pub fn into_owned(self) -> Report<'static> {
        Report {
            units: self.units.into_iter().map(UnitReport::into_owned).collect(),
            format: self.format,
            produced_by: self.produced_by,
            candidate: self.candidate,
            candidate_name: self.candidate_name,
            assessor: self.assessor,
            assessor_name: self.assessor_name,
            judgement_date: self.judgement_date,
            judgement_date_defaulted: self.judgement_date_defaulted,
            current_since: self.current_since,
            complete: self.complete,
            findings: self.findings,
            evidence: self.evidence,
            prior_units: self.prior_units,
        }
    }
}

/// A borrowed text made owned.
fn owned(text: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(text.into_owned())
}

impl UnitReport<'_> {
    /// The unit's report with every borrowed text copied (see [`Report::into_owned`]).
    pub fn into_owned(self) -> UnitReport<'static> {
        UnitReport {
            code: owned(self.code),
            title: owned(self.title),
            source_sha256: owned(self.source_sha256),
            elements: self
                .elements
                .into_iter()
                .map(|e| ElementHeading {
                    id: owned(e.id),
                    title: owned(e.title),
                })
                .collect(),
            requirements: self
                .requirements
                .into_iter()
                .map(|r| RequirementResult {
                    id: owned(r.id),
                    text: owned(r.text),
                    element: r.element.map(owned),
                    kind: r.kind,
                    met: r.met,
                    evidence: r.evidence,
                    not_counted: r.not_counted,
                    tally: r.tally,
                    missing: r.missing.map(owned),
                })
                .collect(),
            release: self.release,
            complete: self.complete,
            met: self.met,
            total: self.total,
            current_since: self.current_since,
            currency: self.currency,
            outcome: self.outcome,
            evidence: self.evidence,
            findings: self.findings,
            plan: self.plan,
        }
    }
}
