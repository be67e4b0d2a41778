//! Paths into a document, shown as JSON pointers and resolved to line and column.

use std::fmt;

/// One step into a document: a key of a table or an index of an array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(&'static str),
    Name(String),
    Index(usize),
}

/// A path from the document root, such as `/elements/2/criteria/0/id`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Path(Vec<Seg>);

impl Path {
    pub(crate) fn root() -> Self {
        Self::default()
    }
    /// This path extended by a key.
    pub(crate) fn key(&self, key: &'static str) -> Self {
        let mut next = self.clone();
        next.0.push(Seg::Key(key));
        next
    }
    /// This path extended by a key computed at run time (a map key such as a unit code).
    pub(crate) fn name(&self, key: &str) -> Self {
        let mut next = self.clone();
        next.0.push(Seg::Name(key.to_owned()));
        next
    }
    /// This path extended by an array index.
    pub(crate) fn index(&self, index: usize) -> Self {
        let mut next = self.clone();
        next.0.push(Seg::Index(index));
        next
    }
    pub(crate) fn segments(&self) -> &[Seg] {
        &self.0
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for seg in &self.0 {
            match seg {
                Seg::Key(key) => write!(f, "/{}", escape(key))?,
                Seg::Name(key) => write!(f, "/{}", escape(key))?,
                Seg::Index(index) => write!(f, "/{index}")?,
            }
        }
        Ok(())
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line as u32, column as u32)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The byte offset of the value at `path` in a TOML document, or of the deepest part of the
/// path that exists (a missing key is reported where its table is).
pub(crate) fn toml_offset(text: &str, path: &Path) -> Option<usize> {
    use toml::de::{DeTable, DeValue};
    let root = DeTable::parse(text).ok()?;
    let mut offset = root.span().start;
    let mut table: Option<&DeTable<'_>> = Some(root.get_ref());
    let mut array: Option<&[toml::Spanned<DeValue<'_>>]> = None;
    for seg in path.segments() {
        let value = match (seg, table, array) {
            (Seg::Key(key), Some(t), _) => lookup(t, key),
            (Seg::Name(key), Some(t), _) => lookup(t, key),
            (Seg::Index(i), _, Some(a)) => a.get(*i),
            _ => None,
        };
        let Some(value) = value else { break };
        offset = value.span().start;
        table = None;
        array = None;
        match value.get_ref() {
            DeValue::Table(t) => table = Some(t),
            DeValue::Array(a) => array = Some(a.as_ref()),
            _ => {}
        }
    }
    Some(offset)
}

fn lookup<'a, 'i>(
    table: &'a toml::de::DeTable<'i>,
    key: &str,
) -> Option<&'a toml::Spanned<toml::de::DeValue<'i>>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_slashes() {
        let path = Path::root().key("units").name("a/b").index(3);
        assert_eq!(path.to_string(), "/units/a~1b/3");
    }

    #[test]
    fn toml_paths_resolve_to_the_value() {
        let text = "code = \"X\"\n[[elements]]\nid = \"1\"\n[[elements.criteria]]\nid = \"1.1\"\ntext = \"t\"\n";
        let path = Path::root().key("elements").index(0).key("criteria").index(0).key("text");
        let offset = toml_offset(text, &path).unwrap();
        assert_eq!(line_col(text, offset), (6, 8));
        // A key that is absent is reported at its table.
        let missing = Path::root().key("elements").index(0).key("title");
        let (line, _) = line_col(text, toml_offset(text, &missing).unwrap());
        assert_eq!(line, 2);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(line_col("é = 1", 4), (1, 4));
    }
}
