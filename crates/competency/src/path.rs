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

/// The byte offsets of the values at `paths` in a TOML document (parsed once), or of the
/// deepest part of each path that exists (a missing key is reported where its table is).
pub(crate) fn toml_offsets<'p>(text: &str, paths: impl IntoIterator<Item = &'p Path>) -> Vec<Option<usize>> {
    let root = toml::de::DeTable::parse(text).ok();
    paths
        .into_iter()
        .map(|path| root.as_ref().map(|root| toml_offset(root, path)))
        .collect()
}

fn toml_offset(root: &toml::Spanned<toml::de::DeTable<'_>>, path: &Path) -> usize {
    use toml::de::{DeTable, DeValue};
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
    offset
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

/// The byte offset of the value at `path` in a JSON document, or of the deepest part of the
/// path that exists. serde_json keeps no positions, so this scans the text once.
pub(crate) fn json_offset(text: &str, path: &Path) -> Option<usize> {
    let mut scanner = JsonScanner {
        bytes: text.as_bytes(),
        pos: 0,
    };
    scanner.skip_ws();
    let mut found = scanner.pos;
    for seg in path.segments() {
        scanner.skip_ws();
        let located = match (seg, scanner.peek()?) {
            (Seg::Key(key), b'{') => scanner.find_key(key),
            (Seg::Name(key), b'{') => scanner.find_key(key),
            (Seg::Index(i), b'[') => scanner.find_index(*i),
            _ => None,
        };
        match located {
            Some(offset) => found = offset,
            None => break,
        }
    }
    Some(found)
}

struct JsonScanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl JsonScanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }
    /// Reads a string starting at `"`, returning its raw contents (escapes left as written).
    fn string(&mut self) -> Option<&[u8]> {
        let start = self.pos + 1;
        self.pos += 1;
        while let Some(b) = self.peek() {
            match b {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    return Some(&self.bytes[start..self.pos - 1]);
                }
                _ => self.pos += 1,
            }
        }
        None
    }
    /// Skips one value of any kind.
    fn skip_value(&mut self) -> Option<()> {
        self.skip_ws();
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
            }
            _ => {
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
                ) {
                    self.pos += 1;
                }
                Some(())
            }
        }
    }
    /// At `{`: moves to the value of `key` and returns its offset.
    fn find_key(&mut self, key: &str) -> Option<usize> {
        self.pos += 1;
        loop {
            self.skip_ws();
            match self.peek()? {
                b'}' => return None,
                b',' => {
                    self.pos += 1;
                    continue;
                }
                b'"' => {}
                _ => return None,
            }
            let name = self.string()?;
            let matches = name == key.as_bytes();
            self.skip_ws();
            if self.peek()? != b':' {
                return None;
            }
            self.pos += 1;
            self.skip_ws();
            if matches {
                return Some(self.pos);
            }
            self.skip_value()?;
        }
    }
    /// At `[`: moves to element `index` and returns its offset.
    fn find_index(&mut self, index: usize) -> Option<usize> {
        self.pos += 1;
        for i in 0.. {
            self.skip_ws();
            if self.peek()? == b']' {
                return None;
            }
            if i == index {
                return Some(self.pos);
            }
            self.skip_value()?;
            self.skip_ws();
            if self.peek()? == b',' {
                self.pos += 1;
            }
        }
        None
    }
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
        let text =
            "code = \"X\"\n[[elements]]\nid = \"1\"\n[[elements.criteria]]\nid = \"1.1\"\ntext = \"t\"\n";
        let path = Path::root()
            .key("elements")
            .index(0)
            .key("criteria")
            .index(0)
            .key("text");
        let offset = toml_offsets(text, [&path])[0].unwrap();
        assert_eq!(line_col(text, offset), (6, 8));
        // A key that is absent is reported at its table.
        let missing = Path::root().key("elements").index(0).key("title");
        let (line, _) = line_col(text, toml_offsets(text, [&missing])[0].unwrap());
        assert_eq!(line, 2);
    }

    #[test]
    fn json_paths_resolve_to_the_value() {
        let text = "{\n  \"a\": {\"x\": \"}\\\"]\"},\n  \"evidence\": [\n    {\"id\": \"E1\"},\n    {\"id\": \"E2\", \"units\": {\"CHCMGT006\": {\"covers\": [\"1.1\", \"3.4\"]}}}\n  ]\n}";
        let path = Path::root()
            .key("evidence")
            .index(1)
            .key("units")
            .name("CHCMGT006")
            .key("covers")
            .index(1);
        let offset = json_offset(text, &path).unwrap();
        assert_eq!(&text[offset..offset + 5], "\"3.4\"");
        assert_eq!(line_col(text, offset).0, 5);
        let missing = Path::root().key("evidence").index(0).key("title");
        assert_eq!(line_col(text, json_offset(text, &missing).unwrap()), (4, 5));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(line_col("é = 1", 4), (1, 4));
    }
}
