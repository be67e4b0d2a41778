//! The fixed vocabularies every unit and portfolio share: assessment methods and environments.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How a piece of evidence was gathered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Method {
    /// The assessor watched the candidate perform.
    Observation,
    /// Written or oral questions.
    Questioning,
    /// A report from a supervisor, colleague or client.
    ThirdPartyReport,
    /// A document produced as part of routine work.
    WorkplaceDocument,
    /// A written case study.
    CaseStudy,
    /// A project.
    Project,
    /// A portfolio of work.
    Portfolio,
    /// A workplace scenario.
    Scenario,
    /// A simulation or role play.
    Simulation,
    /// A product the candidate made.
    Product,
    /// A document submitted for recognition of prior learning.
    RplDocument,
}

impl Method {
    /// Every method, in documentation order.
    pub const ALL: &'static [Method] = &[
        Method::Observation,
        Method::Questioning,
        Method::ThirdPartyReport,
        Method::WorkplaceDocument,
        Method::CaseStudy,
        Method::Project,
        Method::Portfolio,
        Method::Scenario,
        Method::Simulation,
        Method::Product,
        Method::RplDocument,
    ];

    /// The kebab-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Observation => "observation",
            Method::Questioning => "questioning",
            Method::ThirdPartyReport => "third-party-report",
            Method::WorkplaceDocument => "workplace-document",
            Method::CaseStudy => "case-study",
            Method::Project => "project",
            Method::Portfolio => "portfolio",
            Method::Scenario => "scenario",
            Method::Simulation => "simulation",
            Method::Product => "product",
            Method::RplDocument => "rpl-document",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where evidence was produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Environment {
    /// A real workplace.
    Workplace,
    /// A simulated environment that reflects workplace conditions.
    Simulated,
}

impl Environment {
    /// Both environments.
    pub const ALL: &'static [Environment] = &[Environment::Workplace, Environment::Simulated];

    /// The kebab-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Workplace => "workplace",
            Environment::Simulated => "simulated",
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
