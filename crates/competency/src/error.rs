//! Load errors: everything wrong with a unit file (or, later, a portfolio), each with a stable
//! code, a location and, where we can tell, what to do about it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::path::Path;

/// The stable, documented code of a load error. `docs/errors.md` has one heading per code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// A file or directory could not be read.
    Io,
    /// The file is not valid TOML or JSON.
    Syntax,
    /// A key that the format does not have (often a typo).
    UnknownField,
    /// A required key is absent.
    MissingField,
    /// A value of the wrong type or form (an invalid ID, a number where text belongs, ...).
    InvalidValue,
    /// Two things that must have different IDs share one.
    DuplicateId,
    /// A criterion whose number places it under another element.
    CriterionOutsideElement,
    /// Elements or criteria not in ascending source order.
    OutOfOrder,
    /// A sub-item whose ID does not extend its parent's.
    ItemOutsideParent,
    /// A criterion points at a range variable that the unit does not declare.
    UnknownRangeVariable,
    /// A rule names an activity that the unit does not declare.
    UnknownActivity,
    /// A rule names an option list that the unit does not declare.
    UnknownOptionList,
    /// A rule names a requirement that the unit does not have.
    UnknownRequirement,
    /// A rule that no body of evidence can satisfy.
    UnsatisfiableRule,
    /// A rule that every body of evidence satisfies, even an empty one.
    VacuousRule,
    /// Text that must not be empty is empty.
    EmptyText,
    /// A list that must have entries has none.
    EmptyList,
    /// A unit file whose name is not its code (or, for `CODE@RELEASE.toml`, not its release).
    FileNameMismatch,
    /// Two files define the same release of a unit.
    DuplicateUnit,
    /// A unit names itself as related, equivalent or replaced.
    SelfRelation,
    /// A directory holds no unit files.
    NoUnits,
    /// The catalog loaded is not the one a driver pinned by its digest.
    CatalogMismatch,
    /// A portfolio's `format` version this library does not read.
    UnsupportedFormat,
    /// A portfolio names a unit the catalog does not hold (or a release of it the catalog
    /// lacks).
    UnknownUnit,
    /// A portfolio claims two releases of one unit.
    ConflictingReleases,
    /// An evidence item maps to a unit the portfolio does not claim.
    UnclaimedUnit,
    /// An evidence item names an option that none of the unit's option lists has.
    UnknownOption,
    /// A date range that ends before it starts.
    InvalidDateRange,
    /// A file that is not UTF-8 text.
    Encoding,
    /// An identifier holding a control character or an invisible format character.
    InvalidCharacter,
    /// A document larger than a configured limit.
    LimitExceeded,
    /// So many errors that validation stopped looking for more.
    TooManyErrors,
}

impl ErrorCode {
    /// Every code, in documentation order.
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::Io,
        ErrorCode::Syntax,
        ErrorCode::UnknownField,
        ErrorCode::MissingField,
        ErrorCode::InvalidValue,
        ErrorCode::DuplicateId,
        ErrorCode::CriterionOutsideElement,
        ErrorCode::OutOfOrder,
        ErrorCode::ItemOutsideParent,
        ErrorCode::UnknownRangeVariable,
        ErrorCode::UnknownActivity,
        ErrorCode::UnknownOptionList,
        ErrorCode::UnknownRequirement,
        ErrorCode::UnsatisfiableRule,
        ErrorCode::VacuousRule,
        ErrorCode::EmptyText,
        ErrorCode::EmptyList,
        ErrorCode::FileNameMismatch,
        ErrorCode::DuplicateUnit,
        ErrorCode::SelfRelation,
        ErrorCode::NoUnits,
        ErrorCode::CatalogMismatch,
        ErrorCode::UnsupportedFormat,
        ErrorCode::UnknownUnit,
        ErrorCode::ConflictingReleases,
        ErrorCode::UnclaimedUnit,
        ErrorCode::UnknownOption,
        ErrorCode::InvalidDateRange,
        ErrorCode::Encoding,
        ErrorCode::InvalidCharacter,
        ErrorCode::LimitExceeded,
        ErrorCode::TooManyErrors,
    ];

    /// The kebab-case code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Io => "io",
            ErrorCode::Syntax => "syntax",
            ErrorCode::UnknownField => "unknown-field",
            ErrorCode::MissingField => "missing-field",
            ErrorCode::InvalidValue => "invalid-value",
            ErrorCode::DuplicateId => "duplicate-id",
            ErrorCode::CriterionOutsideElement => "criterion-outside-element",
            ErrorCode::OutOfOrder => "out-of-order",
            ErrorCode::ItemOutsideParent => "item-outside-parent",
            ErrorCode::UnknownRangeVariable => "unknown-range-variable",
            ErrorCode::UnknownActivity => "unknown-activity",
            ErrorCode::UnknownOptionList => "unknown-option-list",
            ErrorCode::UnknownRequirement => "unknown-requirement",
            ErrorCode::UnsatisfiableRule => "unsatisfiable-rule",
            ErrorCode::VacuousRule => "vacuous-rule",
            ErrorCode::EmptyText => "empty-text",
            ErrorCode::EmptyList => "empty-list",
            ErrorCode::FileNameMismatch => "file-name-mismatch",
            ErrorCode::DuplicateUnit => "duplicate-unit",
            ErrorCode::SelfRelation => "self-relation",
            ErrorCode::NoUnits => "no-units",
            ErrorCode::CatalogMismatch => "catalog-mismatch",
            ErrorCode::UnsupportedFormat => "unsupported-format",
            ErrorCode::UnknownUnit => "unknown-unit",
            ErrorCode::ConflictingReleases => "conflicting-releases",
            ErrorCode::UnclaimedUnit => "unclaimed-unit",
            ErrorCode::UnknownOption => "unknown-option",
            ErrorCode::InvalidDateRange => "invalid-date-range",
            ErrorCode::Encoding => "encoding",
            ErrorCode::InvalidCharacter => "invalid-character",
            ErrorCode::LimitExceeded => "limit-exceeded",
            ErrorCode::TooManyErrors => "too-many-errors",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A problem found by validation, before it is given a file and a line: the path of the value
/// at fault, so that checks never deal with positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub(crate) code: ErrorCode,
    pub(crate) path: Path,
    pub(crate) message: String,
    pub(crate) help: Option<String>,
}

impl Problem {
    pub(crate) fn new(code: ErrorCode, path: Path, message: impl Into<String>) -> Self {
        Self {
            code,
            path,
            message: message.into(),
            help: None,
        }
    }
    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub(crate) fn maybe_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// The error without a file or position (for documents given as values, not text).
    pub(crate) fn into_error(self) -> LoadError {
        LoadError::new(self.code, self.message)
            .with_help(self.help)
            .with_pointer(&self.path)
    }
}

/// One problem found while loading, with where it is and what to do.
///
/// Displays as `file:line:column: error[code]: message`, then `help: ...` on its own line
/// when there is a suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(description = "One problem found while loading, with where it is and what to do.")
)]
pub struct LoadError {
    /// The stable error code, documented under its own heading in docs/errors.md.
    code: ErrorCode,
    /// The file the problem is in, as it was named to the loader (`<stdin>` for standard
    /// input); absent for a document given as a value.
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    /// 1-based line, where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    /// 1-based column, in characters, where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
    /// A JSON pointer to the offending value (`/evidence/0/date`); empty for the whole
    /// document and for a syntax error.
    pointer: String,
    /// What is wrong.
    message: String,
    /// What to do about it, when the loader can tell.
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<String>,
}

impl LoadError {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            file: None,
            line: None,
            column: None,
            pointer: String::new(),
            message: message.into(),
            help: None,
        }
    }

    pub(crate) fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    pub(crate) fn with_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    pub(crate) fn with_pointer(mut self, path: &Path) -> Self {
        self.pointer = path.to_string();
        self
    }

    pub(crate) fn with_position(mut self, position: Option<(u32, u32)>) -> Self {
        if let Some((line, column)) = position {
            self.line = Some(line);
            self.column = Some(column);
        }
        self
    }

    /// The stable error code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }
    /// The file the problem is in, as it was named to the loader.
    pub fn file(&self) -> Option<&str> {
        self.file.as_deref()
    }
    /// 1-based line, where known.
    pub fn line(&self) -> Option<u32> {
        self.line
    }
    /// 1-based column (in characters), where known.
    pub fn column(&self) -> Option<u32> {
        self.column
    }
    /// A JSON pointer to the offending value in the document (`/elements/2/criteria/0/id`);
    /// empty for the whole document and for a syntax error.
    pub fn pointer(&self) -> &str {
        &self.pointer
    }
    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// What to do about it, when we can tell.
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line, self.column) {
            (Some(file), Some(line), Some(col)) => write!(f, "{file}:{line}:{col}: ")?,
            (Some(file), _, _) => write!(f, "{file}: ")?,
            (None, Some(line), Some(col)) => write!(f, "{line}:{col}: ")?,
            (None, _, _) => {}
        }
        write!(f, "error[{}]: {}", self.code, self.message)?;
        if self.line.is_none() && !self.pointer.is_empty() {
            write!(f, " (at {})", self.pointer)?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// Every problem found while loading, in file order then document order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct LoadErrors(Vec<LoadError>);

impl LoadErrors {
    pub(crate) fn new(errors: Vec<LoadError>) -> Self {
        Self(errors)
    }
    /// The problems.
    pub fn errors(&self) -> &[LoadError] {
        &self.0
    }
    /// How many problems there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Never true for a returned error; here for completeness.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl LoadErrors {
    /// The JSON error document, `{"errors": [...]}`, pretty-printed and ending in a newline:
    /// what `check --format json` writes for input it cannot check (docs/batch.md).
    pub fn to_json(&self) -> String {
        // String keys and serialisable values: this cannot fail.
        let mut out = serde_json::to_string_pretty(&ErrorDocument { errors: self }).unwrap_or_default();
        out.push('\n');
        out
    }
}

/// The JSON error document: every problem that stopped a portfolio (or a unit file) from
/// loading, so that a program reading the output never parses prose.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct ErrorDocument<'a> {
    /// Every problem found, in file order then document order.
    pub(crate) errors: &'a LoadErrors,
}

impl IntoIterator for LoadErrors {
    type Item = LoadError;
    type IntoIter = std::vec::IntoIter<LoadError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl From<LoadError> for LoadErrors {
    fn from(error: LoadError) -> Self {
        LoadErrors::new(vec![error])
    }
}
