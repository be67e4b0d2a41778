//! The completeness check: a catalog compiled once into a [`Checker`], then any number of
//! portfolios checked against it, by stage:
//!
//! - `compile`: units to indices (requirements, tags, options) and compiled rules, once;
//! - `validate`: a portfolio against the compiled catalog, every problem located, and each
//!   item's mappings and values resolved to indices;
//! - `standing`: whether each item counts for a unit, and the findings under the rules of
//!   evidence;
//! - `evaluate`: which requirements are met, by which items, and what is missing.

mod compile;
mod evaluate;
mod explain;
mod plan;
mod problems;
mod standing;
mod validate;
mod values;

use std::collections::HashMap;

use crate::catalog::Catalog;
use crate::error::{LoadErrors, Problem};
use crate::ids::{UnitCode, UnitRef};
use crate::limits::Limits;
use crate::portfolio::{Date, Portfolio, Source};
use crate::report::Report;

use compile::CompiledUnit;
pub(crate) use validate::MAX_CURRENCY_MONTHS;

/// Options for one check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckOptions {
    /// The judgement date; overrides the portfolio's. Default: the portfolio's, else today.
    pub as_of: Option<Date>,
    /// Check only these of the claimed units (all claimed units when empty).
    pub units: Vec<UnitRef>,
    /// Bounds on the portfolio's size.
    pub limits: Limits,
    /// Copy the candidate's and assessor's names into the report (default: IDs only).
    pub include_names: bool,
}

/// A catalog compiled for checking.
///
/// ```
/// use competency::{Catalog, Checker, CheckOptions, Format, Source};
/// let checker = Checker::new(Catalog::bundled());
/// let text = r#"
/// format = 1
/// candidate = { id = "S1" }
/// units = ["CHCMGT006"]
/// judgement_date = 2026-11-20
///
/// [[evidence]]
/// id = "E1"
/// title = "Service agreement with client C1"
/// date = 2026-10-01
/// method = "workplace-document"
/// clients = ["C1"]
/// judgement = "satisfactory"
/// units.CHCMGT006 = { covers = ["2.7"], activities = ["service-agreement"] }
/// "#;
/// let report = checker.check_source(&Source::new("p.toml", text, Format::Toml), &CheckOptions::default()).unwrap();
/// let pe2 = report.units[0].requirements.iter().find(|r| r.id == "PE2").unwrap();
/// assert!(!pe2.met);
/// assert_eq!(pe2.missing.as_deref(), Some("1 of 3 distinct clients among items tagged service-agreement: C1; 2 more needed"));
/// ```
#[derive(Debug)]
pub struct Checker<'c> {
    units: HashMap<&'c UnitCode, CompiledUnit<'c>>,
    catalog: &'c Catalog,
}

impl<'c> Checker<'c> {
    /// Compiles every unit of the catalog.
    pub fn new(catalog: &'c Catalog) -> Self {
        Checker {
            units: catalog
                .units()
                .map(|u| {
                    (
                        &u.code,
                        CompiledUnit::new(u, catalog.digest(&u.code).unwrap_or_default()),
                    )
                })
                .collect(),
            catalog,
        }
    }

    /// Parses, validates and checks a portfolio's text; errors carry file, line and column.
    pub fn check_source(&self, source: &Source<'_>, options: &CheckOptions) -> Result<Report, LoadErrors> {
        let portfolio = source.parse_with(&options.limits)?;
        self.check_inner(&portfolio, options)
            .map_err(|problems| source.locate(problems))
    }

    /// Validates and checks a parsed portfolio; errors carry JSON pointers but no lines.
    pub fn check(&self, portfolio: &Portfolio, options: &CheckOptions) -> Result<Report, LoadErrors> {
        self.check_inner(portfolio, options)
            .map_err(|problems| LoadErrors::new(problems.into_iter().map(Problem::into_error).collect()))
    }

    fn check_inner(&self, portfolio: &Portfolio, options: &CheckOptions) -> Result<Report, Vec<Problem>> {
        let resolution = self.validate(portfolio, options)?;
        Ok(evaluate::report(portfolio, options, &resolution))
    }
}
