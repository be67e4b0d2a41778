//! Why a unit reference does not resolve against a catalog.

use std::fmt;

use crate::ids::UnitRef;

/// Why a unit reference does not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResolveError {
    /// The text is not a unit reference.
    #[non_exhaustive]
    Invalid {
        /// What is wrong with it.
        message: String,
        /// The reference the text would be in capitals, when the catalog holds it
        /// (`chcmgt006`).
        suggestion: Option<String>,
    },
    /// No unit with that code.
    #[non_exhaustive]
    UnknownUnit {
        /// The reference.
        reference: UnitRef,
        /// A near-miss code in the catalog.
        suggestion: Option<String>,
    },
    /// The catalog holds other releases of the unit, not the one asked for.
    #[non_exhaustive]
    ReleaseMismatch {
        /// The reference.
        reference: UnitRef,
        /// The releases the catalog holds, ascending.
        available: Vec<u32>,
    },
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResolveError::Invalid { message, .. } => f.write_str(message),
            ResolveError::UnknownUnit {
                reference,
                suggestion,
            } => {
                write!(f, "unit {} is not in the catalog", reference.code())?;
                if let Some(s) = suggestion {
                    write!(f, "; did you mean {s}?")?;
                }
                Ok(())
            }
            ResolveError::ReleaseMismatch { reference, available } => {
                let releases = match available.as_slice() {
                    [one] => format!("release {one}"),
                    [rest @ .., last] => format!(
                        "releases {} and {last}",
                        rest.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
                    ),
                    [] => "no release".to_owned(),
                };
                write!(
                    f,
                    "{reference} asks for release {}, but the catalog holds {releases} of {}",
                    reference.release().unwrap_or_default(),
                    reference.code()
                )
            }
        }
    }
}

impl ResolveError {
    /// What to write instead, when the tool can tell: for a release the catalog lacks, the
    /// references that resolve.
    pub fn help(&self) -> Option<String> {
        match self {
            ResolveError::ReleaseMismatch { reference, available } => {
                let code = reference.code();
                let named: Vec<String> = available.iter().map(|r| format!("{code}@{r}")).collect();
                Some(format!(
                    "name a release the catalog holds ({}), or {code} alone for the latest",
                    named.join(", ")
                ))
            }
            ResolveError::Invalid {
                suggestion: Some(suggestion),
                ..
            } => Some(format!("did you mean {suggestion}?")),
            ResolveError::Invalid { .. } | ResolveError::UnknownUnit { .. } => None,
        }
    }
}

impl std::error::Error for ResolveError {}
