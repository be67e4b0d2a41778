//! Paths in a JSON document, by scanning its text (serde_json keeps no positions): where a
//! path's value is, and which path holds a byte.

use super::{Path, Seg, Trie};
use crate::plain_json::stops;

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
            // reports its last character) is in the element it begins. White space before a
            // value is not in it: serde_json stops there after an array it refused (a list
            // where a date belongs), which is the value at fault, not its first element.
            if start == offset && !matches!(byte, b'}' | b']' | b',' | b':') {
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
                    let (bytes, quote) = (self.bytes, self.pos);
                    self.string()?;
                    // The key as written, quotes included; one with escapes is named by what
                    // it reads as (`"a\u0062"` is `ab`), as the paths name it.
                    let next = std::str::from_utf8(&bytes[quote..self.pos])
                        .ok()
                        .and_then(|quoted| {
                            let keys = &trie.nodes[node].keys;
                            let inner = &quoted[1..quoted.len() - 1];
                            if inner.contains('\\') {
                                keys.get(json_key(quoted).as_str()).copied()
                            } else {
                                keys.get(inner).copied()
                            }
                        });
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
    use crate::path::line_col;

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
        // A key written with escapes is found by what it reads as, not placed at its object.
        let text = "{\"units\": {\"A\\u0042\\r\": {\"covers\": []}, \"C\": {}}}";
        let path = Path::root().key("units").name("AB\r");
        let offset = json_offsets(text, [&path])[0].unwrap();
        assert_eq!(&text[offset..offset + 13], "{\"covers\": []");
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
}
