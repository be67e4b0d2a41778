//! The completeness check: a catalog compiled (each unit once, on first use) into a
//! [`Checker`], then any number of portfolios checked against it, by stage:
//!
//! - `compile`: units to indices (requirements, tags, options) and compiled rules, once per
//!   unit, when a portfolio first claims it;
//! - `validate`: a portfolio against the compiled catalog, every problem located, and each
//!   item's mappings and values resolved to indices;
//! - `standing`: whether each item counts for a unit, and the findings under the rules of
//!   evidence;
//! - `evaluate`: which requirements are met, by which items, and what is missing.

mod assemble;
mod compile;
mod credit;
mod evaluate;
mod explain;
mod outcome;
mod plan;
mod problems;
mod recorded;
mod standing;
mod validate;
mod values;

use crate::hash::HashMap;
use std::sync::Arc;

use crate::catalog::Catalog;
use crate::doc_str::Text;
use crate::error::{LoadErrors, Problem};
use crate::ids::{UnitCode, UnitRef};
use crate::limits::Limits;
use crate::load::Format;
use crate::portfolio::{Date, Portfolio, Source};
use crate::report::Report;

use compile::CompiledUnit;
pub(crate) use validate::MAX_CURRENCY_MONTHS;

/// Options for one check.
///
/// Start from the defaults and set the fields you need, so that a program keeps compiling
/// when an option is added (the struct is `#[non_exhaustive]`: it cannot be written as a
/// literal outside this crate):
///
/// ```
/// use competency::{CheckOptions, Date};
/// let mut options = CheckOptions::default();
/// options.as_of = Some("2026-11-20".parse::<Date>().unwrap());
/// options.limits.evidence_items = 500;
/// options.include_names = true;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
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
///
/// A checker borrows its catalog ([`Checker::new`]) or shares it ([`Checker::shared`], a
/// `Checker<'static>` that an application can keep in its state); either way it is `Send` and
/// `Sync`, and checks portfolios from any number of threads.
#[derive(Debug)]
pub struct Checker<'c> {
    /// Every release the catalog holds, compiled, per code in ascending release order.
    units: HashMap<UnitCode, Vec<Release>>,
    catalog: CatalogRef<'c>,
}

/// One release of a catalog unit, compiled when a portfolio first claims it: a checker of a
/// catalog of a hundred units compiles the few that its portfolios claim, once each.
#[derive(Debug)]
struct Release {
    unit: Arc<crate::unit::Unit>,
    /// SHA-256 of the unit file, hex.
    digest: String,
    compiled: std::sync::OnceLock<CompiledUnit>,
}

/// The catalog a checker resolves unit references in: borrowed or shared.
#[derive(Debug)]
enum CatalogRef<'c> {
    Borrowed(&'c Catalog),
    Shared(Arc<Catalog>),
}

impl std::ops::Deref for CatalogRef<'_> {
    type Target = Catalog;
    fn deref(&self) -> &Catalog {
        match self {
            CatalogRef::Borrowed(catalog) => catalog,
            CatalogRef::Shared(catalog) => catalog,
        }
    }
}

/// A checker that owns (shares) its catalog: no lifetime to carry, nothing leaked.
///
/// ```
/// use std::sync::Arc;
/// use competency::{Catalog, SharedChecker};
/// let checker: SharedChecker = SharedChecker::shared(Arc::new(Catalog::bundled().clone()));
/// std::thread::spawn(move || checker.catalog().len()).join().unwrap();
/// ```
pub type SharedChecker = Checker<'static>;

impl<'c> Checker<'c> {
    /// A checker of every unit of the catalog, every release of each, which the checker
    /// borrows. Each release is compiled the first time a portfolio claims it.
    pub fn new(catalog: &'c Catalog) -> Self {
        Self::compile(CatalogRef::Borrowed(catalog))
    }

    /// The checker of the bundled catalog, one per process (each unit compiled the first time
    /// a portfolio claims it): reports from it borrow for `'static`,
    /// so that a function can check and return the report.
    ///
    /// ```
    /// use competency::{CheckOptions, Checker, Portfolio, Report};
    /// fn check(portfolio: &Portfolio) -> Report<'static> {
    ///     Checker::bundled().check(portfolio, &CheckOptions::default()).unwrap()
    /// }
    /// let report = check(&Portfolio::new("S1").claim("CHCMGT006".parse().unwrap()));
    /// assert!(!report.complete);
    /// ```
    pub fn bundled() -> &'static Checker<'static> {
        static BUNDLED: std::sync::OnceLock<Checker<'static>> = std::sync::OnceLock::new();
        BUNDLED.get_or_init(|| Checker::new(Catalog::bundled()))
    }

    /// A checker of every unit of a shared catalog, every release of each, which the checker
    /// keeps a handle to: the checker has no borrowed lifetime and can live in an
    /// application's state. Each release is compiled the first time a portfolio claims it.
    pub fn shared(catalog: Arc<Catalog>) -> Checker<'static> {
        Checker::compile(CatalogRef::Shared(catalog))
    }

    fn compile(catalog: CatalogRef<'c>) -> Self {
        let mut units: HashMap<UnitCode, Vec<Release>> = HashMap::default();
        for (unit, digest) in catalog.shared_units() {
            units.entry(unit.code.clone()).or_default().push(Release {
                unit: Arc::clone(unit),
                digest: digest.to_owned(),
                compiled: std::sync::OnceLock::new(),
            });
        }
        Checker { units, catalog }
    }

    /// The compiled form of a unit of the catalog (that release of it), compiled on first use.
    fn compiled(&self, unit: &crate::unit::Unit) -> Option<&CompiledUnit> {
        let releases = self.units.get(&unit.code)?;
        let release = releases.iter().find(|r| r.unit.release == unit.release)?;
        Some(release.compiled.get_or_init(|| {
            // Messages name the release only where the catalog holds several.
            let name = if releases.len() > 1 {
                UnitRef::new(unit.code.clone(), Some(unit.release)).to_string()
            } else {
                unit.code.to_string()
            };
            CompiledUnit::new(Arc::clone(&release.unit), &release.digest, name)
        }))
    }

    /// The catalog the checker was compiled from.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Parses, validates and checks a portfolio's text; errors carry file, line and column.
    pub fn check_source(
        &self,
        source: &Source<'_>,
        options: &CheckOptions,
    ) -> Result<Report<'_>, LoadErrors> {
        match source.format() {
            // JSON is read borrowing its strings: the check only looks at them.
            Format::Json => {
                self.check_located(source, &source.parse_json_borrowed(&options.limits)?, options)
            }
            Format::Toml => self.check_located(source, &source.parse_with(&options.limits)?, options),
        }
    }

    /// Validates and checks a portfolio read from `source`, errors located in it.
    fn check_located<S: Text>(
        &self,
        source: &Source<'_>,
        portfolio: &Portfolio<S>,
        options: &CheckOptions,
    ) -> Result<Report<'_>, LoadErrors> {
        let resolution = self
            .validate(portfolio, options)
            .map_err(|problems| source.locate(problems))?;
        Ok(assemble::report(&self.catalog, portfolio, options, resolution))
    }

    /// Validates and checks a parsed portfolio; errors carry JSON pointers but no lines.
    pub fn check(&self, portfolio: &Portfolio, options: &CheckOptions) -> Result<Report<'_>, LoadErrors> {
        self.check_inner(portfolio, options)
            .map_err(|problems| LoadErrors::new(problems.into_iter().map(Problem::into_error).collect()))
    }

    fn check_inner(&self, portfolio: &Portfolio, options: &CheckOptions) -> Result<Report<'_>, Vec<Problem>> {
        let resolution = self.validate(portfolio, options)?;
        Ok(assemble::report(&self.catalog, portfolio, options, resolution))
    }
}
