//! Building a portfolio in code: a constructor for each part with the keys a file must give,
//! and a method per optional key, so that a program writes what it knows and nothing else,
//! and keeps compiling when the format gains a key.
//!
//! Nothing is checked while building, as nothing is while a file is written: the check
//! ([`Checker::check`](crate::Checker::check)) validates a built portfolio as it does a parsed
//! one, and reports each problem with a JSON pointer (`/evidence/0/units/CHCMGT006/covers/0`).

use indexmap::IndexMap;

use crate::ids::{UnitCode, UnitRef};
use crate::method::{Environment, Method};
use crate::pathway::{Decision, Pathway, PriorDocument, PriorUnit, UnitOutcome};
use crate::portfolio::{
    Date, EvidenceItem, Judgement, Mapping, Mappings, PORTFOLIO_FORMAT, Person, Policy, Portfolio,
    Unverified, Verification,
};

impl Portfolio {
    /// A portfolio (format [`PORTFOLIO_FORMAT`]) for a candidate, given as a [`Person`] or by
    /// ID: no unit claimed, no evidence, no judgement date (the check then uses the day it
    /// runs, unless [`CheckOptions::as_of`](crate::CheckOptions::as_of) gives one) and the
    /// default policy. See [`Portfolio`] for an example.
    pub fn new(candidate: impl Into<Person>) -> Self {
        Portfolio {
            format: PORTFOLIO_FORMAT,
            candidate: candidate.into(),
            assessor: None,
            units: Vec::new(),
            judgement_date: None,
            policy: Policy::default(),
            evidence: Vec::new(),
            outcomes: IndexMap::new(),
            prior_units: Vec::new(),
        }
    }

    /// Who assesses.
    pub fn assessor(mut self, assessor: impl Into<Person>) -> Self {
        self.assessor = Some(assessor.into());
        self
    }

    /// Claims a unit, after those already claimed: `"CHCMGT006".parse()?` for the latest
    /// release the catalog holds, `"CHCMGT006@2".parse()?` for that release.
    pub fn claim(mut self, unit: UnitRef) -> Self {
        self.units.push(unit);
        self
    }

    /// The date of the judgement.
    pub fn judgement_date(mut self, date: Date) -> Self {
        self.judgement_date = Some(date);
        self
    }

    /// The RTO's evidence policy.
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Adds an evidence item, after those already added.
    pub fn item(mut self, item: EvidenceItem) -> Self {
        self.evidence.push(item);
        self
    }

    /// Records the pathway and the assessor's decision for a claimed unit code, replacing any
    /// recorded before for that code.
    pub fn outcome(mut self, unit: impl AsRef<str>, outcome: UnitOutcome) -> Self {
        self.outcomes.insert(unit.as_ref().to_owned(), outcome);
        self
    }

    /// Adds a unit the candidate already holds, for credit transfer.
    pub fn prior_unit(mut self, unit: PriorUnit) -> Self {
        self.prior_units.push(unit);
        self
    }
}

impl Person {
    /// A person known by an identifier (student number, staff number) and no name.
    pub fn new(id: impl Into<String>) -> Self {
        Person {
            id: id.into(),
            name: None,
        }
    }

    /// Their name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

/// A person known only by this identifier.
impl From<&str> for Person {
    fn from(id: &str) -> Self {
        Person::new(id)
    }
}

/// A person known only by this identifier.
impl From<String> for Person {
    fn from(id: String) -> Self {
        Person::new(id)
    }
}

impl Policy {
    /// Evidence older than this many months before the judgement date is not current.
    pub fn currency_months(mut self, months: u32) -> Self {
        self.currency_months = Some(months);
        self.currency_years = None;
        self
    }

    /// Evidence gathered by this method needs verification (added to those already named).
    pub fn verify(mut self, method: Method) -> Self {
        self.verify.push(method);
        self
    }

    /// What an item that needs verification and has none does.
    pub fn unverified(mut self, unverified: Unverified) -> Self {
        self.unverified = unverified;
        self
    }
}

impl EvidenceItem {
    /// An item with the keys every item has. Its judgement is
    /// [`Pending`](Judgement::Pending) until [`judgement`](EvidenceItem::judgement) records
    /// the assessor's: a program that forgets to copy a judgement gets an item that does not
    /// count, never one that counts unjudged. It shows nothing for any unit until
    /// [`covers`](EvidenceItem::covers), [`activities`](EvidenceItem::activities) or
    /// [`options`](EvidenceItem::options) say what.
    pub fn new(id: impl Into<String>, title: impl Into<String>, date: Date, method: Method) -> Self {
        EvidenceItem {
            id: id.into(),
            title: title.into(),
            date,
            end_date: None,
            method,
            environment: None,
            context: None,
            clients: Vec::new(),
            service_period: None,
            service_periods: Vec::new(),
            judgement: Judgement::Pending,
            verification: None,
            units: Mappings::new(),
        }
    }

    /// The last day of a period of evidence that began on the item's date.
    pub fn end_date(mut self, date: Date) -> Self {
        self.end_date = Some(date);
        self
    }

    /// Workplace or simulated.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = Some(environment);
        self
    }

    /// Where, or on what occasion.
    pub fn context(mut self, context: impl Into<String>) -> Self {
        self.context = Some(context.into());
        self
    }

    /// Pseudonymous IDs of clients involved, after those already given.
    pub fn clients<I, S>(mut self, clients: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.clients.extend(clients.into_iter().map(Into::into));
        self
    }

    /// The service period it belongs to ("2026-Q1").
    pub fn service_period(mut self, period: impl Into<String>) -> Self {
        self.service_period = Some(period.into());
        self
    }

    /// Service periods it covers, when it covers several, after those already given.
    pub fn service_periods<I, S>(mut self, periods: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.service_periods.extend(periods.into_iter().map(Into::into));
        self
    }

    /// The assessor's judgement of the item.
    pub fn judgement(mut self, judgement: Judgement) -> Self {
        self.judgement = judgement;
        self
    }

    /// Who verified that it is the candidate's own work.
    pub fn verification(mut self, verification: Verification) -> Self {
        self.verification = Some(verification);
        self
    }

    /// Criteria (`3.5`) and other requirement IDs (`PE1`, `K2.3`) of a unit that the item
    /// demonstrates, after those already given for that unit.
    pub fn covers<I, S>(self, unit: impl AsRef<str>, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.extend_mapping(unit.as_ref(), |m| &mut m.covers, ids)
    }

    /// Activity tags from a unit's vocabulary, after those already given for that unit.
    pub fn activities<I, S>(self, unit: impl AsRef<str>, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.extend_mapping(unit.as_ref(), |m| &mut m.activities, tags)
    }

    /// Option IDs from a unit's option lists, after those already given for that unit.
    pub fn options<I, S>(self, unit: impl AsRef<str>, options: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.extend_mapping(unit.as_ref(), |m| &mut m.options, options)
    }

    /// Adds `values` to one list of what the item shows for `unit`; a unit not mapped yet is
    /// added after those that are.
    fn extend_mapping<S: Into<String>>(
        mut self,
        unit: &str,
        list: fn(&mut Mapping) -> &mut Vec<String>,
        values: impl IntoIterator<Item = S>,
    ) -> Self {
        let mapping = self.units.get_or_insert_default(unit);
        list(mapping).extend(values.into_iter().map(Into::into));
        self
    }
}

impl Verification {
    /// A verification by this person (a name).
    pub fn new(by: impl Into<String>) -> Self {
        Verification {
            by: by.into(),
            role: None,
            date: None,
        }
    }

    /// Their role ("Team leader").
    pub fn role(mut self, role: impl Into<String>) -> Self {
        self.role = Some(role.into());
        self
    }

    /// When they verified it.
    pub fn date(mut self, date: Date) -> Self {
        self.date = Some(date);
        self
    }
}

impl UnitOutcome {
    /// A unit achieved by this pathway, with no decision yet. [`UnitOutcome::default`] is
    /// the assessment pathway.
    pub fn new(pathway: Pathway) -> Self {
        UnitOutcome {
            pathway,
            decision: None,
            decided_on: None,
        }
    }

    /// The assessor's final decision.
    pub fn decision(mut self, decision: Decision) -> Self {
        self.decision = Some(decision);
        self
    }

    /// When the decision was made, or credit granted.
    pub fn decided_on(mut self, date: Date) -> Self {
        self.decided_on = Some(date);
        self
    }
}

impl PriorUnit {
    /// A unit held, as its document records it.
    pub fn new(code: UnitCode, issued_on: Date, issuer: impl Into<String>, document: PriorDocument) -> Self {
        PriorUnit {
            code,
            release: None,
            issued_on,
            issuer: issuer.into(),
            document,
            verified_by: None,
            verified_on: None,
        }
    }

    /// Its release, when the document gives one.
    pub fn release(mut self, release: u32) -> Self {
        self.release = Some(release);
        self
    }

    /// Who verified the document with its issuer: a person's name.
    pub fn verified_by(mut self, name: impl Into<String>) -> Self {
        self.verified_by = Some(name.into());
        self
    }

    /// When they verified it.
    pub fn verified_on(mut self, date: Date) -> Self {
        self.verified_on = Some(date);
        self
    }
}
