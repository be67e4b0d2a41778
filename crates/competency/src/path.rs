//! Paths into a document, shown as JSON pointers and resolved to line and column.

use crate::hash::HashMap;
use crate::plain_json::stops;
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

/// The byte offsets of the values at `paths` in a JSON document, or of the deepest part of
/// each path that exists. serde_json keeps no positions, so this scans the text, once.
pub(crate) fn json_offsets<'p>(text: &str, paths: impl IntoIterator<Item = &'p Path>) -> Vec<Option<usize>> {
    let (mut trie, routes) = Trie::new(paths);
    let mut scanner = JsonScanner {
        bytes: text.as_bytes(),
        pos: 0,
    };
    scanner.walk(&mut trie, 0);
    trie.answer(&routes)
}

/// The path of the innermost value of a JSON document that byte `offset` falls in: the member
/// whose key or value holds it, the element that holds it, or, between members (where
/// serde_json reports a missing field: at the closing `}`), the object or array itself. One
/// pass up to the offset; where the text stops being JSON before it, the path reached there.
pub(crate) fn json_path_at(text: &str, offset: usize) -> Path {
    /// An object or array the offset is inside: its member's key (where it is written: read
    /// only if it is on the path) or element's index, and whether that member or element has
    /// begun and not yet ended.
    enum Frame {
        Object(std::ops::Range<usize>, bool),
        Array(usize, bool),
    }
    /// A value begins: in an array, its element has begun.
    fn begin(frames: &mut [Frame]) {
        if let Some(Frame::Array(_, open)) = frames.last_mut() {
            *open = true;
        }
    }
    /// A value ended: the member or element that held it is over.
    fn end(frames: &mut [Frame]) {
        if let Some(Frame::Object(_, open) | Frame::Array(_, open)) = frames.last_mut() {
            *open = false;
        }
    }
    let mut scanner = JsonScanner {
        bytes: text.as_bytes(),
        pos: 0,
    };
    let mut frames = Vec::new();
    loop {
        scanner.skip_ws();
        let start = scanner.pos;
        let Some(byte) = scanner.peek() else { break };
        if start >= offset {
            // A value that begins at the offset (a one-character one, where serde_json
            // reports its last character) is in the element it begins.
            if !matches!(byte, b'}' | b']' | b',' | b':') {
                begin(&mut frames);
            }
            break;
        }
        match byte {
            b'{' | b'[' => {
                begin(&mut frames);
                frames.push(if byte == b'{' {
                    Frame::Object(0..0, false)
                } else {
                    Frame::Array(0, false)
                });
                scanner.pos += 1;
            }
            b'}' | b']' => {
                frames.pop();
                end(&mut frames);
                scanner.pos += 1;
            }
            b',' => {
                if let Some(Frame::Array(index, _)) = frames.last_mut() {
                    *index += 1;
                }
                scanner.pos += 1;
            }
            b':' => scanner.pos += 1,
            _ => {
                if byte == b'"' {
                    if scanner.string().is_none() {
                        break;
                    }
                } else {
                    scanner.scalar();
                }
                if let Some(Frame::Object(key, open @ false)) = frames.last_mut() {
                    // A key: its member begins.
                    *key = start..scanner.pos;
                    *open = true;
                } else {
                    begin(&mut frames);
                    // A value that holds the offset keeps its member open.
                    if scanner.pos > offset {
                        break;
                    }
                    end(&mut frames);
                }
            }
        }
    }
    let mut path = Path::root();
    for frame in frames {
        match frame {
            Frame::Object(key, true) => path
                .0
                .push(Seg::Name(json_key(text.get(key).unwrap_or_default()))),
            Frame::Array(index, true) => path.0.push(Seg::Index(index)),
            _ => break,
        }
    }
    path
}

/// A key as written in JSON (quotes included) as text: its escapes read when it has any.
fn json_key(quoted: &str) -> String {
    let inner = quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or_default();
    if inner.contains('\\') {
        serde_json::from_str(quoted).unwrap_or_else(|_| inner.to_owned())
    } else {
        inner.to_owned()
    }
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
    /// Eight bytes at a time up to a quote or backslash (as our JSON reader does): strings are
    /// most of a document's bytes, and this scanner reads an invalid batch line, which may be
    /// megabytes, a second time to place its errors.
    fn string(&mut self) -> Option<&[u8]> {
        let start = self.pos + 1;
        self.pos += 1;
        loop {
            while let Some(chunk) = self.bytes.get(self.pos..self.pos + 8) {
                let found = stops(u64::from_le_bytes(chunk.try_into().ok()?));
                if found != 0 {
                    self.pos += (found.trailing_zeros() / 8) as usize;
                    break;
                }
                self.pos += 8;
            }
            // A quote, a backslash, a control character (invalid in a string, passed over
            // here), or one of the last few bytes.
            match self.peek()? {
                b'"' => {
                    self.pos += 1;
                    return self.bytes.get(start..self.pos - 1);
                }
                b'\\' => self.pos += 2,
                _ => self.pos += 1,
            }
        }
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
                self.scalar();
                Some(())
            }
        }
    }
    /// Skips a number, `true`, `false` or `null` (or whatever stands in their place), to the
    /// next separator or white space.
    fn scalar(&mut self) {
        while !matches!(
            self.peek(),
            None | Some(b',' | b'}' | b']' | b':' | b' ' | b'\n' | b'\r' | b'\t')
        ) {
            self.pos += 1;
        }
    }
    /// At a value: records its offset for `node`, then reads the value, descending into the
    /// members and elements that the trie leads to and skipping the rest.
    fn walk(&mut self, trie: &mut Trie<'_>, node: usize) -> Option<()> {
        self.skip_ws();
        trie.nodes[node].offset = Some(self.pos);
        let descend = !trie.nodes[node].keys.is_empty() || !trie.nodes[node].indices.is_empty();
        match self.peek()? {
            b'{' if descend => {
                self.pos += 1;
                loop {
                    self.skip_ws();
                    match self.peek()? {
                        b'}' => {
                            self.pos += 1;
                            return Some(());
                        }
                        b',' => {
                            self.pos += 1;
                            continue;
                        }
                        b'"' => {}
                        _ => return None,
                    }
                    let name = self.string()?;
                    let next = std::str::from_utf8(name)
                        .ok()
                        .and_then(|name| trie.nodes[node].keys.get(name).copied());
                    self.skip_ws();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.pos += 1;
                    match next {
                        Some(next) => self.walk(trie, next)?,
                        None => self.skip_value()?,
                    }
                }
            }
            b'[' if descend => {
                self.pos += 1;
                for i in 0.. {
                    self.skip_ws();
                    match self.peek()? {
                        b']' => {
                            self.pos += 1;
                            return Some(());
                        }
                        b',' => {
                            self.pos += 1;
                            self.skip_ws();
                        }
                        _ => {}
                    }
                    match trie.nodes[node].indices.get(&i).copied() {
                        Some(next) => self.walk(trie, next)?,
                        None => self.skip_value()?,
                    }
                }
                None
            }
            _ => self.skip_value(),
        }
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
        let offset = json_offsets(text, [&path])[0].unwrap();
        assert_eq!(&text[offset..offset + 5], "\"3.4\"");
        assert_eq!(line_col(text, offset).0, 5);
        let missing = Path::root().key("evidence").index(0).key("title");
        assert_eq!(line_col(text, json_offsets(text, [&missing])[0].unwrap()), (4, 5));
        // Many paths, one pass: every item's ID, and one that does not exist.
        let ids: Vec<Path> = (0..3)
            .map(|i| Path::root().key("evidence").index(i).key("id"))
            .collect();
        let found = json_offsets(text, &ids);
        assert_eq!(&text[found[0].unwrap()..found[0].unwrap() + 4], "\"E1\"");
        assert_eq!(&text[found[1].unwrap()..found[1].unwrap() + 4], "\"E2\"");
        assert_eq!(
            line_col(text, found[2].unwrap()).0,
            3,
            "a missing item is placed at its array"
        );
    }

    /// The path at a byte offset names what serde_json reports there: the value whose first
    /// or last character it is, the member whose key ends there, the object whose closing
    /// `}` it is (a missing field); and every value's own path is found again at its start.
    #[test]
    fn json_path_at_an_offset_names_the_value_member_or_object() {
        let text = "{\n  \"a\": {\"x\": \"}\\\"]\", \"k\\u0065y/~\": 5},\n  \"evidence\": [\n    {\"id\": \"E1\", \"n\": [1, 22, [3]]},\n    {\"id\": \"E2\", \"units\": {\"CHC\": {\"covers\": [\"1.1\", \"3.4\"]}}}\n  ]\n}";
        let at =
            |needle: &str, plus: usize| json_path_at(text, text.find(needle).unwrap() + plus).to_string();
        assert_eq!(at("\"3.4\"", 0), "/evidence/1/units/CHC/covers/1");
        assert_eq!(at("\"3.4\"", 4), "/evidence/1/units/CHC/covers/1");
        assert_eq!(at("22", 1), "/evidence/0/n/1");
        assert_eq!(
            at("[3]", 1),
            "/evidence/0/n/2/0",
            "a one-character value, at its only character"
        );
        assert_eq!(
            at("\"n\"", 2),
            "/evidence/0/n",
            "the last character of a key: its member"
        );
        assert_eq!(at("}\\\"]\"", 0), "/a/x", "brackets inside a string are text");
        assert_eq!(
            at(": 5}", 2),
            "/a/key~1~0",
            "an escaped key is read, and escaped as a pointer"
        );
        assert_eq!(
            at("]},\n    {\"id\": \"E2\"", 1),
            "/evidence/0",
            "the closing brace of an object"
        );
        assert_eq!(at("  ]\n}", 2), "/evidence", "the closing bracket of an array");
        assert_eq!(json_path_at(text, 0).to_string(), "");
        assert_eq!(json_path_at(text, text.len()).to_string(), "");
        // Text that stops being JSON: the path reached before it.
        assert_eq!(json_path_at("{\"a\": [1, {\"b\": \"x", 17).to_string(), "/a/1/b");
        for path in [
            Path::root().key("a").key("x"),
            Path::root().key("evidence").index(0).key("n").index(2),
            Path::root()
                .key("evidence")
                .index(1)
                .key("units")
                .name("CHC")
                .key("covers"),
            Path::root().key("evidence").index(1),
        ] {
            let offset = json_offsets(text, [&path])[0].unwrap();
            assert_eq!(
                json_path_at(text, offset).to_string(),
                path.to_string(),
                "at {offset}"
            );
        }
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

    /// Strings of every length around the scanner's eight-byte steps, with escaped quotes
    /// and backslashes at every place, are passed over whole: what follows them is found.
    #[test]
    fn json_strings_are_skipped_whole_at_any_length_and_escape() {
        let path = Path::root().key("evidence").index(1).key("id");
        for len in 0..20 {
            for at in 0..=len {
                for escape in ["\\\"", "\\\\", "\\n", "é"] {
                    let mut value = "x".repeat(len);
                    value.insert_str(at, escape);
                    let text = format!(
                        r#"{{"a": "{value}", "evidence": [{{"id": "{value}", "b": ["{value}"]}}, {{"id": "E2"}}]}}"#
                    );
                    let offset = json_offsets(&text, [&path])[0];
                    assert_eq!(offset.map(|o| &text[o..o + 4]), Some("\"E2\""), "{text}");
                }
            }
        }
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
