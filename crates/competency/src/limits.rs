//! Limits on what one document may ask of the library, so that hostile or broken input gets a
//! located error instead of exhausting memory or time.

use crate::load::Format;

/// Bounds on one portfolio. Exceeding one is a `limit-exceeded` error with its location, never
/// an out-of-memory. The defaults are far above any real portfolio (an RTO's largest runs to a
/// few hundred items); a platform with larger documents raises them.
///
/// Start from the defaults and change the bounds you need (the struct is `#[non_exhaustive]`,
/// so that a bound can be added without breaking programs):
///
/// ```
/// use competency::Limits;
/// let mut limits = Limits::default();
/// limits.evidence_items = 50_000;
/// assert_eq!(limits.input_bytes, 64 * 1024 * 1024);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Bytes of JSON portfolio text. Default 64 MiB (a JSON portfolio of 100,000 items is
    /// about 22 MB and peaks at about 8 bytes of memory per byte).
    pub input_bytes: usize,
    /// Bytes of TOML portfolio text. Default 8 MiB. TOML is read through a document tree that
    /// takes about 35 bytes of memory per byte of input (up to about 95–137 for a document of
    /// nothing but one long array), so hand-written TOML gets a lower
    /// bound than the JSON that platforms send; the tighter of this and `input_bytes` applies.
    pub toml_input_bytes: usize,
    /// Evidence items in one portfolio. Default 100,000.
    pub evidence_items: usize,
    /// Values in one list of one item (clients, service periods, `covers`, activities, options).
    /// Default 100,000. Any list of a portfolio longer than the larger of this and
    /// `evidence_items` is refused: in JSON as it is read, before it is held whole; in TOML
    /// once toml has built the document's tree (which `toml_input_bytes` bounds).
    pub values_per_item: usize,
    /// Characters in one piece of text (an ID, a title, a name, a client). Default 65,536.
    pub string_chars: usize,
    /// Errors reported before validation stops looking for more (0 counts as 1). Default 1,000.
    pub errors: usize,
}

impl Limits {
    /// The most elements any list of a portfolio may hold as it is read: longer is refused
    /// then (`limit-exceeded`), before the list is held whole; validation applies each list's
    /// own limit (`evidence_items`, `values_per_item`) to what is shorter.
    pub(crate) fn list_cap(&self) -> usize {
        self.evidence_items.max(self.values_per_item)
    }

    /// The input limit for a document in `format`.
    pub fn input_bytes_for(&self, format: Format) -> usize {
        match format {
            Format::Json => self.input_bytes,
            Format::Toml => self.input_bytes.min(self.toml_input_bytes),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            input_bytes: 64 * 1024 * 1024,
            toml_input_bytes: 8 * 1024 * 1024,
            evidence_items: 100_000,
            values_per_item: 100_000,
            string_chars: 65_536,
            errors: 1_000,
        }
    }
}
