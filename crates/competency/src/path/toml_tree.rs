//! Paths in a TOML document, through toml's tree and its spans: where a path's value is, and
//! which path holds a byte.

use super::{Path, Seg, Trie};

/// The byte offsets of the values at `paths` in a TOML document, or of the deepest part of
/// each path that exists (a missing key is reported where its table is).
pub(crate) fn toml_offsets<'p>(text: &str, paths: impl IntoIterator<Item = &'p Path>) -> Vec<Option<usize>> {
    let (mut trie, routes) = Trie::new(paths);
    let Ok(root) = toml::de::DeTable::parse(text) else {
        return routes.iter().map(|_| None).collect();
    };
    fn walk(trie: &mut Trie<'_>, node: usize, value: &toml::Spanned<toml::de::DeValue<'_>>) {
        use toml::de::DeValue;
        trie.nodes[node].offset = Some(value.span().start);
        match value.get_ref() {
            DeValue::Table(table) if !trie.nodes[node].keys.is_empty() => {
                for (key, child) in table.iter() {
                    if let Some(&next) = trie.nodes[node].keys.get(key.get_ref().as_ref()) {
                        walk(trie, next, child);
                    }
                }
            }
            DeValue::Array(array) if !trie.nodes[node].indices.is_empty() => {
                let wanted: Vec<(usize, usize)> =
                    trie.nodes[node].indices.iter().map(|(i, n)| (*i, *n)).collect();
                for (i, next) in wanted {
                    if let Some(child) = array.get(i) {
                        walk(trie, next, child);
                    }
                }
            }
            _ => {}
        }
    }
    let root_value = toml::Spanned::new(root.span(), toml::de::DeValue::Table(root.into_inner()));
    walk(&mut trie, 0, &root_value);
    trie.answer(&routes)
}

/// The path of the innermost key or value of a TOML document whose span holds byte `offset`:
/// a key stands for its member. toml keeps the span of a table's header, not of its body, so
/// an error about a whole table (a missing field) is placed at the header and named by the
/// table's path; where nothing holds the offset, the root.
pub(crate) fn toml_path_at(text: &str, offset: usize) -> Path {
    use toml::de::DeValue;
    /// A step down the tree, borrowed from it: made into a [`Path`] only where one holds the
    /// offset.
    enum Step<'k> {
        Key(&'k str),
        Index(usize),
    }
    /// The best so far: its span's length, its depth, its path.
    type Best = Option<(usize, usize, Path)>;
    fn consider(span: std::ops::Range<usize>, offset: usize, steps: &[Step<'_>], best: &mut Best) {
        if span.start <= offset && offset < span.end.max(span.start + 1) {
            let len = span.end - span.start;
            // The shortest span that holds the offset, and of equal ones the deepest (an
            // array of tables and its first table share their header's span).
            if best
                .as_ref()
                .is_none_or(|(l, d, _)| len < *l || (len == *l && steps.len() >= *d))
            {
                let path = steps.iter().map(|step| match step {
                    Step::Key(key) => Seg::Name((*key).to_owned()),
                    Step::Index(i) => Seg::Index(*i),
                });
                *best = Some((len, steps.len(), Path(path.collect())));
            }
        }
    }
    fn visit<'k>(
        value: &'k toml::Spanned<DeValue<'_>>,
        offset: usize,
        steps: &mut Vec<Step<'k>>,
        best: &mut Best,
    ) {
        consider(value.span(), offset, steps, best);
        match value.get_ref() {
            DeValue::Table(table) => {
                for (key, child) in table.iter() {
                    steps.push(Step::Key(key.get_ref()));
                    consider(key.span(), offset, steps, best);
                    visit(child, offset, steps, best);
                    steps.pop();
                }
            }
            DeValue::Array(array) => {
                for (i, child) in array.iter().enumerate() {
                    steps.push(Step::Index(i));
                    visit(child, offset, steps, best);
                    steps.pop();
                }
            }
            _ => {}
        }
    }
    let Ok(root) = toml::de::DeTable::parse(text) else {
        return Path::root();
    };
    let root = toml::Spanned::new(root.span(), DeValue::Table(root.into_inner()));
    let mut best = None;
    visit(&root, offset, &mut Vec::new(), &mut best);
    best.map_or_else(Path::root, |(_, _, path)| path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::line_col;

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

    /// The same for TOML, through toml's spans: a value, a key (its member), an inline
    /// table's member, and a table of an array of tables at its header.
    #[test]
    fn toml_path_at_an_offset_names_the_key_value_or_table() {
        let text = "format = 1\n[candidate]\nid = \"S1\"\n\n[[evidence]]\nid = \"E1\"\ntitel = \"t\"\nunits.X = { covers = [\"1.1\", 7] }\n\n[[evidence]]\nid = \"E2\"\n[evidence.units.Y]\ncovers = [\"2\"]\n";
        let at =
            |needle: &str, plus: usize| toml_path_at(text, text.find(needle).unwrap() + plus).to_string();
        assert_eq!(at("\"S1\"", 0), "/candidate/id");
        assert_eq!(at("titel", 0), "/evidence/0/titel");
        assert_eq!(at("7]", 0), "/evidence/0/units/X/covers/1");
        assert_eq!(at("[[evidence]]", 0), "/evidence/0");
        assert_eq!(at("[[evidence]]\nid = \"E2\"", 0), "/evidence/1");
        assert_eq!(at("\"2\"", 1), "/evidence/1/units/Y/covers/0");
        assert_eq!(at("\n\n[[evidence]]", 0), "", "between members: nothing holds it");
        assert_eq!(toml_path_at("a = [", 4).to_string(), "", "text that is not TOML");
    }
}
