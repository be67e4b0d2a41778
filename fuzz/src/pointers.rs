//! The pointer oracle: every error's JSON pointer names something in the document, and in
//! JSON the error's position is inside what it names, read by a scanner of this crate's own
//! rather than the library's path code.

use competency::LoadErrors;

/// Every non-empty pointer names a value the document has: a value at fault, a field as
/// written, or the object or table that lacks a field. Checked where the text reads as a plain
/// JSON value (a name ending in `.json`) or TOML table (any other name); a syntax error has no
/// plain value and an empty pointer.
pub(crate) fn assert_pointers_resolve(errors: &LoadErrors, name: &str, text: &str) {
    if errors.errors().iter().all(|e| e.pointer().is_empty()) {
        return;
    }
    let plain = if name.ends_with(".json") {
        // A key written twice makes a pointer through it ambiguous (a plain value keeps the
        // last), so such a document is not checked here.
        serde_json::from_str::<Unique>(text).ok().map(|u| u.0)
    } else {
        toml::from_str::<toml::Table>(text)
            .ok()
            .and_then(|table| serde_json::to_value(table).ok())
    };
    let Some(plain) = plain else { return };
    for e in errors.errors() {
        if !e.pointer().is_empty() {
            assert!(
                plain.pointer(e.pointer()).is_some(),
                "the pointer {:?} names nothing in the document: {e:?}",
                e.pointer()
            );
            // In JSON, the position is inside what the pointer names: a value at its start,
            // a parse error where serde_json stopped in the key or value at fault, a missing
            // field at its object's `}`. So a pointer to another element or member that
            // exists is caught too.
            if let (true, Some(line), Some(column)) = (name.ends_with(".json"), e.line(), e.column()) {
                let (start, end) = json_member_span(text, e.pointer())
                    .unwrap_or_else(|| panic!("no span for the pointer {:?}: {e:?}", e.pointer()));
                let offset = byte_offset(text, line, column);
                assert!(
                    (start..=end).contains(&offset),
                    "the error at {line}:{column} (byte {offset}) is outside what its pointer {:?} names (bytes {start}..{end}): {e:?}",
                    e.pointer()
                );
            }
        }
    }
}

/// The byte offset of a 1-based line and column (in characters), as errors give them.
fn byte_offset(text: &str, line: u32, column: u32) -> usize {
    let start: usize = text
        .split('\n')
        .take(line as usize - 1)
        .map(|l| l.len() + 1)
        .sum();
    let rest = text.get(start..).unwrap_or_default();
    start
        + rest
            .chars()
            .take(column as usize - 1)
            .map(char::len_utf8)
            .sum::<usize>()
}

/// The bytes of the member or element a JSON pointer names in `text` (valid JSON without
/// repeated keys): from its key's opening quote (a member) or its first byte (an element) to
/// the end of its value. Read here independently of the library's own path code.
fn json_member_span(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let mut p = Scan {
        bytes: text.as_bytes(),
        at: 0,
    };
    p.ws();
    let mut span = (p.at, text.len());
    for segment in pointer.split('/').skip(1) {
        let want = segment.replace("~1", "/").replace("~0", "~");
        span = match p.peek()? {
            b'{' => {
                p.at += 1;
                loop {
                    p.ws();
                    if p.peek()? == b'}' {
                        return None;
                    }
                    let key_start = p.at;
                    p.string()?;
                    let key: String = serde_json::from_str(&text[key_start..p.at]).ok()?;
                    p.ws();
                    p.at += 1; // the `:`
                    p.ws();
                    let value_start = p.at;
                    p.value()?;
                    let value_end = p.at;
                    if key == want {
                        p.at = value_start;
                        break (key_start, value_end);
                    }
                    p.ws();
                    if p.peek()? == b',' {
                        p.at += 1;
                    }
                }
            }
            b'[' => {
                let index: usize = want.parse().ok()?;
                p.at += 1;
                let mut n = 0;
                loop {
                    p.ws();
                    if p.peek()? == b']' {
                        return None;
                    }
                    let start = p.at;
                    p.value()?;
                    if n == index {
                        let end = p.at;
                        p.at = start;
                        break (start, end);
                    }
                    n += 1;
                    p.ws();
                    if p.peek()? == b',' {
                        p.at += 1;
                    }
                }
            }
            _ => return None,
        };
    }
    Some(span)
}

/// A byte cursor over valid JSON, for [`json_member_span`].
struct Scan<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }
    /// Past a string, its quotes included.
    fn string(&mut self) -> Option<()> {
        self.at += 1;
        loop {
            match self.peek()? {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    return Some(());
                }
                _ => self.at += 1,
            }
        }
    }
    /// Past a value of any kind (iteratively: the depth is the document's).
    fn value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            self.ws();
            match self.peek()? {
                b'"' => self.string()?,
                b'{' | b'[' => {
                    depth += 1;
                    self.at += 1;
                    continue;
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    self.at += 1;
                }
                b',' | b':' => {
                    self.at += 1;
                    continue;
                }
                _ => {
                    while !matches!(
                        self.peek(),
                        None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                    ) {
                        self.at += 1;
                    }
                }
            }
            if depth == 0 {
                return Some(());
            }
        }
    }
}

/// A JSON value read as `serde_json::Value` is, but refused if an object has a key twice.
struct Unique(serde_json::Value);

impl<'de> serde::Deserialize<'de> for Unique {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueVisitor).map(Unique)
    }
}

struct UniqueVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueVisitor {
    type Value = serde_json::Value;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value without repeated keys")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut list = Vec::new();
        while let Some(Unique(v)) = seq.next_element()? {
            list.push(v);
        }
        Ok(list.into())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some((key, Unique(v))) = map.next_entry::<String, Unique>()? {
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format!("`{key}` twice")));
            }
            object.insert(key, v);
        }
        Ok(object.into())
    }
}
