//! Paths into a document, shown as JSON pointers and resolved to line and column.

use crate::hash::HashMap;
use std::fmt;

mod json_text;
mod toml_tree;

pub(crate) use json_text::{json_offsets, json_path_at};
pub(crate) use toml_tree::{toml_offsets, toml_path_at};

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

/// A path not built yet: steps kept on the stack, each borrowing the one before, made into a
/// [`Path`] only when a problem is found there. Checks that pass, nearly all of them,
/// then allocate nothing.
#[derive(Debug, Clone, Copy)]
pub(crate) enum At<'a> {
    Root,
    Key(&'a At<'a>, &'static str),
    Index(&'a At<'a>, usize),
}

impl<'a> At<'a> {
    /// This place extended by a key.
    pub(crate) fn key(&'a self, key: &'static str) -> At<'a> {
        At::Key(self, key)
    }
    /// This place extended by an array index.
    pub(crate) fn index(&'a self, index: usize) -> At<'a> {
        At::Index(self, index)
    }
    /// The path to this place.
    pub(crate) fn path(&self) -> Path {
        let (up, seg) = match *self {
            At::Root => return Path::root(),
            At::Key(up, key) => (up, Seg::Key(key)),
            At::Index(up, index) => (up, Seg::Index(index)),
        };
        let mut path = up.path();
        path.0.push(seg);
        path
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
    positions(text, &[Some(offset)])[0].unwrap_or((1, 1))
}

/// 1-based lines and columns (in characters) of many byte offsets, in one pass over the text,
/// so that placing ten thousand errors costs one read of the document, not ten thousand.
pub(crate) fn positions(text: &str, offsets: &[Option<usize>]) -> Vec<Option<(u32, u32)>> {
    let mut order: Vec<usize> = (0..offsets.len()).filter(|i| offsets[*i].is_some()).collect();
    order.sort_unstable_by_key(|i| offsets[*i]);
    let mut out = vec![None; offsets.len()];
    let bytes = text.as_bytes();
    let (mut line, mut column, mut at) = (1u32, 1u32, 0usize);
    for i in order {
        let target = offsets[i].unwrap_or(0).clamp(at, text.len());
        // Many bytes a step (memchr, and `is_ascii` in `chars_in`), not a character at a
        // time: an invalid line of a batch may be megabytes long.
        let span = &bytes[at..target];
        let newlines = memchr::memchr_iter(b'\n', span).count();
        let line_start = match newlines {
            0 => 0,
            _ => {
                column = 1;
                memchr::memrchr(b'\n', span).map_or(0, |last| last + 1)
            }
        };
        line = line.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        column = column.saturating_add(chars_in(&span[line_start..]));
        at = target;
        out[i] = Some((line, column));
    }
    out
}

/// Characters that start in `bytes` (UTF-8): every byte but continuation bytes. Most
/// documents are ASCII, which `is_ascii` confirms a word at a time; counting them byte by byte,
/// with the line endings, took about 9 instructions a byte up to a parse error on a long batch
/// line.
fn chars_in(bytes: &[u8]) -> u32 {
    let n = if bytes.is_ascii() {
        bytes.len()
    } else {
        bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
    };
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The positions of many paths in a document, found in one pass: a trie of the paths asked
/// for is walked together with the document, descending only where some path leads.
#[derive(Debug, Default)]
struct Trie<'p> {
    nodes: Vec<Node<'p>>,
}

#[derive(Debug, Default)]
struct Node<'p> {
    keys: HashMap<&'p str, usize>,
    indices: HashMap<usize, usize>,
    offset: Option<usize>,
}

impl<'p> Trie<'p> {
    fn new<'a>(paths: impl IntoIterator<Item = &'a Path>) -> (Self, Vec<Vec<usize>>)
    where
        'a: 'p,
    {
        let mut trie = Trie {
            nodes: vec![Node::default()],
        };
        let routes = paths
            .into_iter()
            .map(|path| {
                let mut node = 0;
                let mut route = vec![0];
                for seg in path.segments() {
                    let next = trie.nodes.len();
                    let child = match seg {
                        Seg::Key(key) => *trie.nodes[node].keys.entry(key).or_insert(next),
                        Seg::Name(key) => *trie.nodes[node].keys.entry(key.as_str()).or_insert(next),
                        Seg::Index(i) => *trie.nodes[node].indices.entry(*i).or_insert(next),
                    };
                    if child == next {
                        trie.nodes.push(Node::default());
                    }
                    node = child;
                    route.push(node);
                }
                route
            })
            .collect();
        (trie, routes)
    }

    /// The offset of the deepest node of each route that the document has.
    fn answer(&self, routes: &[Vec<usize>]) -> Vec<Option<usize>> {
        routes
            .iter()
            .map(|route| route.iter().filter_map(|n| self.nodes[*n].offset).next_back())
            .collect()
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
    fn positions_are_found_in_one_pass_in_any_order() {
        let text = "ab\néf\ng";
        let got = positions(text, &[Some(7), Some(0), None, Some(5), Some(99)]);
        assert_eq!(
            got,
            vec![Some((3, 1)), Some((1, 1)), None, Some((2, 2)), Some((3, 2))]
        );
    }

    #[test]
    fn positions_agree_with_counting_characters_one_by_one() {
        let text = "{\n  \"a\": \"é\",\n\n  \"客户\": [1, 2],\r\n  \"b\": \"x\"\n}";
        let offsets: Vec<Option<usize>> = text
            .char_indices()
            .map(|(i, _)| Some(i))
            .chain([Some(text.len())])
            .collect();
        let got = positions(text, &offsets);
        let (mut line, mut column) = (1u32, 1u32);
        for (k, (_, c)) in text.char_indices().enumerate() {
            assert_eq!(got[k], Some((line, column)), "offset {k}");
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        assert_eq!(got[offsets.len() - 1], Some((line, column)));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(line_col("é = 1", 4), (1, 4));
    }
}
