//! Units of competency (Australian vocational education and training) as checked data.
//!
//! Load the bundled units, or a directory of unit files, into a [`Catalog`]; every unit in it
//! has passed strict parsing (unknown keys are errors) and validation (IDs, order, rules and
//! the vocabularies they use).
//!
//! ```
//! use competency::{Catalog, RelationKind};
//! let catalog = Catalog::bundled();
//! let unit = catalog.resolve_str("PSPMNGT606B").unwrap();
//! assert_eq!(unit.criteria().count(), 21);
//! assert!(unit.relations.iter().any(|r| r.kind == RelationKind::Replaces && r.equivalent));
//! ```
//!
//! The core never prints; the `competency` command-line tool renders what it returns.
#![forbid(unsafe_code)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

// The README's example (the crate's page on crates.io) is compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod batch;
mod batch_record;
mod builder;
mod catalog;
mod catalog_cache;
mod check;
mod date;
mod doc_str;
mod error;
mod finding;
mod hash;
mod held;
mod ids;
mod limits;
mod lineage;
mod lines;
mod load;
mod mappings;
mod method;
mod outcome;
mod path;
mod pathway;
mod pipeline;
mod plain_json;
mod portfolio;
mod read;
mod report;
mod report_json;
mod resolve;
mod rule;
#[cfg(feature = "schema")]
pub mod schema;
mod schema_key;
mod shared_list;
mod shared_str;
mod spool;
mod strict;
mod suggest;
mod tally;
mod text;
mod unit;
mod unit_bytes;
mod unit_files;
mod unit_rules;
mod words;

pub use batch::{BatchOptions, Record, Records, Summary, Verdict, Written};
pub use catalog::{Catalog, Overlap, OverlapKind};
pub use catalog_cache::{CacheMiss, CacheUse};
pub use check::{CheckOptions, Checker, SharedChecker};
pub use error::{ErrorCode, LoadError, LoadErrors};
pub use ids::{CriterionId, ElementId, IdError, ItemId, Tag, UnitCode, UnitRef};
pub use limits::Limits;
pub use lineage::Lineage;
pub use lines::{BoundedLines, Line};
pub use load::Format;
pub use method::{Environment, Method};
pub use outcome::{
    CurrencyWindow, Link, LinkKind, NoCredit, Outcome, OutcomeCode, OutcomeReason, PriorCredit,
    PriorRelation, PriorUnitEntry, RPL_DEFAULT_CURRENCY_MONTHS, WindowSource,
};
pub use pathway::{Decision, Pathway, PriorDocument, PriorUnit, UnitOutcome};
pub use portfolio::{
    Date, DateError, EvidenceItem, Judgement, Mapping, Mappings, PORTFOLIO_FORMAT, Person, Policy, Portfolio,
    Source, Unverified, Verification,
};
pub use read::{
    UNIT_FILE_BYTES, is_hidden_entry, read_limited, read_listed_portfolio, read_portfolio,
    read_portfolio_from,
};
pub use report::{
    Action, Blocked, Closest, Counted, ElementHeading, Finding, FindingCode, ItemStatus, NewValues,
    NotCounted, Plan, ProducedBy, REPORT_FORMAT, Reason, RegisterEntry, Report, RequirementKind,
    RequirementResult, Severity, SharedList, SharedStr, Span, Suggestion, Tally, UnitReport,
};
pub use resolve::ResolveError;
pub use rule::{Field, Filter, RequirementId, Rule, RuleType, Scope};
pub use suggest::{suggest, suggest_criterion};
pub use text::is_hidden_char;
pub use unit::{
    Activity, Condition, ConditionKind, Criterion, Element, Entry, EvidenceKind, EvidenceRequirement,
    FoundationSkill, HistoryEntry, Item, ItemSection, KeyCompetency, Note, OptionItem, OptionList,
    RangeVariable, Relation, RelationKind, Status, Strength, Unit,
};
