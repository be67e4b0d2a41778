//! The hash maps and sets the checker builds per portfolio. Keys come from documents, so the
//! hasher is seeded per process (foldhash's `RandomState`, the default of hashbrown), and it is
//! several times faster than the standard library's SipHash on the short strings and small
//! integers we hash.

/// A hash map keyed by values from a document.
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// A hash set of values from a document.
pub(crate) type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;
/// An insertion-ordered set of values from a document.
pub(crate) type IndexSet<T> = indexmap::IndexSet<T, foldhash::fast::RandomState>;
