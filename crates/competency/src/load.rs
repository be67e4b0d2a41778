//! The first phase of loading: text to typed values, with serde's errors turned into located
//! [`LoadError`]s; and the resolution of validation problems to file, line and column.

use serde::de::DeserializeOwned;

use crate::error::Problem;
use crate::error::{ErrorCode, LoadError, LoadErrors};
use crate::path::{Path, json_offsets, line_col, positions, toml_offsets, toml_path_at};
use crate::strict;
use crate::suggest::did_you_mean;
use crate::text::shown;
use crate::unit::Unit;
use crate::unit_rules::validate_unit;

/// The two file formats documents can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// TOML, for people.
    Toml,
    /// JSON, for platforms.
    Json,
}

impl Format {
    /// The format's name: `TOML` or `JSON`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Toml => "TOML",
            Format::Json => "JSON",
        }
    }

    /// The format a file name's extension implies (`.json` is JSON, anything else TOML).
    pub fn from_file_name(name: &str) -> Format {
        if name.to_ascii_lowercase().ends_with(".json") {
            Format::Json
        } else {
            Format::Toml
        }
    }
}

/// Parses TOML into `T`, reporting a syntax or shape error with its position. Shapes are
/// read strictly (see [`crate::strict`]): an array where a table belongs is an error, and so
/// is one of more than `cap` elements.
pub(crate) fn parse_toml<T: DeserializeOwned>(name: &str, text: &str, cap: usize) -> Result<T, LoadError> {
    from_tree(name, text, parse_tree(name, text)?, cap)
}

/// The first half of [`parse_toml`]: the text as toml's span-keeping tree, or a located syntax
/// error. A caller that inspects the tree before [`from_tree`] parses the text once.
fn parse_tree<'t>(name: &str, text: &'t str) -> Result<toml::Spanned<toml::de::DeTable<'t>>, LoadError> {
    let tree = parse_tree_only(name, text)?;
    // toml hands a date literal to serde as a table of one key, which a date type reads: the
    // same table written out (`d = { "$__toml_private_datetime" = "2026-02-01" }`) would be
    // taken for a date. Looked for only when the text could hold the key: spelt out (a `$`),
    // or with an escape in a quoted key (`"\u0024__toml_private_datetime"`), which a single
    // scan for either byte settles for almost every document.
    if memchr::memchr2(b'$', b'\\', text.as_bytes()).is_some() {
        if let Some((path, offset)) = private_key(tree.get_ref(), &Path::root()) {
            let error = LoadError::new(
                ErrorCode::InvalidValue,
                format!(
                    "`{}` is the TOML reader's own key for a date",
                    strict::TOML_DATETIME_KEY
                ),
            )
            .with_help(Some(
                "write a date as a date, 2026-02-01, or as a string, \"2026-02-01\"".to_owned(),
            ))
            .with_pointer(&path);
            return Err(located(error, name, text, Some(offset)));
        }
    }
    Ok(tree)
}

/// Where a table of `table` (or `table` itself) has toml's private date key, at `path`.
fn private_key(table: &toml::de::DeTable<'_>, path: &Path) -> Option<(Path, usize)> {
    use toml::de::DeValue;
    fn in_value(value: &toml::Spanned<DeValue<'_>>, path: &Path) -> Option<(Path, usize)> {
        match value.get_ref() {
            DeValue::Table(table) => private_key(table, path),
            DeValue::Array(array) => array
                .iter()
                .enumerate()
                .find_map(|(i, v)| in_value(v, &path.index(i))),
            _ => None,
        }
    }
    table.iter().find_map(|(key, v)| {
        let path = path.name(key.get_ref());
        if key.get_ref() == strict::TOML_DATETIME_KEY {
            return Some((path, key.span().start));
        }
        in_value(v, &path)
    })
}

/// The text as toml's tree, or a located syntax error.
fn parse_tree_only<'t>(name: &str, text: &'t str) -> Result<toml::Spanned<toml::de::DeTable<'t>>, LoadError> {
    toml::de::DeTable::parse(text).map_err(|e| {
        let message = first_line(e.message());
        // toml gives its recursion limit no position: find where the nesting gets deep.
        let (message, offset) = match e.span() {
            None if message.contains("recursion limit") => (
                "tables, arrays or dotted keys are nested too deeply (recursion limit)".to_owned(),
                deep_nesting_offset(text),
            ),
            span => (message.to_owned(), span.map(|s| s.start)),
        };
        located(
            LoadError::new(ErrorCode::Syntax, format!("invalid TOML: {message}")),
            name,
            text,
            offset,
        )
    })
}

/// The second half of [`parse_toml`]: `T` read strictly from the tree of `text`.
fn from_tree<'t, T: DeserializeOwned>(
    name: &str,
    text: &'t str,
    tree: toml::Spanned<toml::de::DeTable<'t>>,
    cap: usize,
) -> Result<T, LoadError> {
    strict::from_toml(toml::Deserializer::from(tree), cap).map_err(|e: toml::de::Error| {
        let offset = e.span().map(|s| s.start);
        // The pointer names the key, value or table at fault (the text is parsed again for
        // it: the tree went to the deserializer, and this is only on an error).
        let error = match offset {
            Some(offset) => serde_error(e.message()).with_pointer(&toml_path_at(text, offset)),
            None => serde_error(e.message()),
        };
        located(error, name, text, offset)
    })
}

/// Where a TOML text first nests deeper than any real document: open brackets and braces,
/// plus the dots of a dotted key or table header, counted outside strings and comments.
fn deep_nesting_offset(text: &str) -> Option<usize> {
    const DEEP: usize = 64;
    let bytes = text.as_bytes();
    let (mut depth, mut dots, mut key_part) = (0usize, 0usize, true);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'"' | b'\'') => {
                // Skip the string; a basic string may escape its quote.
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += if quote == b'"' && bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\n' => (dots, key_part) = (0, true),
            b'=' => key_part = false,
            b'.' if key_part => dots += 1,
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth + dots > DEEP {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn located(error: LoadError, name: &str, text: &str, offset: Option<usize>) -> LoadError {
    error
        .with_file(name)
        .with_position(offset.map(|o| line_col(text, o)))
}

fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or(message).trim()
}

/// Classifies a serde message and adds a suggestion for a near-miss name.
pub(crate) fn serde_error(full: &str) -> LoadError {
    if let Some((field, expected)) = unknown_name(full, "unknown field ") {
        let help = did_you_mean(field, expected.iter().copied())
            .or_else(|| (!expected.is_empty()).then(|| format!("allowed here: {}", expected.join(", "))));
        return LoadError::new(
            ErrorCode::UnknownField,
            format!("unknown field `{}`", shown(field)),
        )
        .with_help(help);
    }
    if let Some((value, expected)) = unknown_name(full, "unknown variant ") {
        let help = did_you_mean(value, expected.iter().copied())
            .or_else(|| Some(format!("allowed values: {}", expected.join(", "))));
        return LoadError::new(
            ErrorCode::InvalidValue,
            format!("unknown value `{}`", shown(value)),
        )
        .with_help(help);
    }
    let message = first_line(full);
    if message.starts_with(strict::CAPPED) {
        return LoadError::new(ErrorCode::LimitExceeded, message.to_owned()).with_help(Some(
            "split the list, or raise the limit (--max-values, --max-items)".to_owned(),
        ));
    }
    if message.starts_with("missing field ") {
        return LoadError::new(ErrorCode::MissingField, message.to_owned());
    }
    if message.starts_with("data did not match any variant of untagged enum Entry") {
        return LoadError::new(ErrorCode::InvalidValue, "a listed entry must be text or a table").with_help(
            Some("write \"text\", or { text = \"...\", items = [...] }".to_owned()),
        );
    }
    LoadError::new(ErrorCode::InvalidValue, plain(message))
}

/// serde's wording of a type error in the format's terms, shortened when it quotes a long
/// value.
fn plain(message: &str) -> String {
    const WORDS: &[(&str, &str)] = &[
        ("expected u32", "expected a whole number from 0 to 4294967295"),
        ("expected u8", "expected a whole number from 0 to 255"),
        (
            "expected internally tagged enum Rule",
            "expected a rule: a table with a `type`",
        ),
        ("expected variant identifier", "expected one of the allowed names"),
        // toml's date type, which a date reads from a map (how toml hands over a date
        // literal), on any other map: a JSON object where a date belongs.
        (
            "datetime key not found",
            "invalid type: map, expected a date written YYYY-MM-DD",
        ),
        ("expected a borrowed string", "expected text"),
    ];
    let mut out = message.to_owned();
    for (serde, ours) in WORDS {
        out = out.replace(serde, ours);
    }
    // A number beyond 64 bits: serde calls it a type error (`integer `N` as i128`, or `as u128`
    // from 2^127), and where the value was held before its type was known (in a rule) says it
    // expected "any value".
    if let Some((number, expected)) = out.strip_prefix("invalid type: integer `").and_then(|rest| {
        rest.split_once("` as i128, ")
            .or_else(|| rest.split_once("` as u128, "))
    }) {
        let expected = expected.replace("expected any value", "expected a whole number");
        out = format!("the number {number} is out of range, {expected}");
    }
    if let Some(i) = out.find("expected struct ") {
        // "expected struct Person" names a Rust type; the reader wrote a table.
        out.truncate(i);
        out.push_str("expected a table");
    }
    const MAX: usize = 240;
    if out.len() > MAX {
        let cut = (0..=MAX).rev().find(|i| out.is_char_boundary(*i)).unwrap_or(0);
        out = format!("{}… ({} characters)", &out[..cut], message.chars().count());
    }
    out
}

/// serde's ``unknown field `NAME`, expected one of `a`, `b` `` (or ``expected `a` ``, or
/// `there are no fields`), and the same for a variant: `NAME`, and the names expected. `NAME`
/// comes from the document and may hold anything, backticks, a fake list and line breaks
/// included; serde's list, whose names never hold a backtick, is the last thing in the message.
fn unknown_name<'m>(message: &'m str, prefix: &str) -> Option<(&'m str, Vec<&'m str>)> {
    let rest = message.strip_prefix(prefix)?.strip_prefix('`')?;
    let end = [rest.rfind("`, expected "), rest.rfind("`, there are no ")]
        .into_iter()
        .flatten()
        .max()?;
    let expected = rest[end + 1..].split('`').skip(1).step_by(2).collect();
    Some((&rest[..end], expected))
}

/// Gives validation problems their file and position in a document, in document order.
pub(crate) fn locate(name: &str, text: &str, format: Format, problems: Vec<Problem>) -> Vec<LoadError> {
    let offsets = match format {
        Format::Toml => toml_offsets(text, problems.iter().map(|p| &p.path)),
        Format::Json => json_offsets(text, problems.iter().map(|p| &p.path)),
    };
    let mut errors: Vec<LoadError> = problems
        .into_iter()
        .zip(positions(text, &offsets))
        .map(|(p, position)| {
            // "Stopped looking" is about the whole document, not a place in it.
            let position = position.filter(|_| p.code != ErrorCode::TooManyErrors);
            p.into_error().with_file(name).with_position(position)
        })
        .collect();
    // Document order, whichever check found the problem; "stopped looking" last.
    errors.sort_by_key(|e| (e.code() == ErrorCode::TooManyErrors, e.line(), e.column()));
    errors
}

/// Parses and validates one unit file.
pub(crate) fn load_unit(name: &str, text: &str) -> Result<Unit, Vec<LoadError>> {
    // A file saved with Windows line endings: TOML takes `\r\n` as a line break, and keeps it
    // inside a multi-line string, where unit text allows only `\n`. The same wording whatever
    // the editor; lines and columns are unchanged.
    let text = &*crlf_to_lf(text);
    let tree = parse_tree(name, text).map_err(|e| vec![e])?;
    // Read from the tree before serde consumes it, so that the text is parsed once; a shape
    // error comes after any error serde finds, as it did when it was looked for afterwards.
    let shape = rule_shape_error(tree.get_ref(), text);
    // A unit file is bounded by its size limit, not by the portfolios' list limits.
    let unit: Unit = from_tree(name, text, tree, usize::MAX).map_err(|e| vec![e])?;
    if let Some(error) = shape {
        return Err(vec![error.with_file(name)]);
    }
    let problems = validate_unit(&unit);
    if problems.is_empty() {
        Ok(unit)
    } else {
        Err(locate(name, text, Format::Toml, problems))
    }
}

/// `text` with each `\r\n` as `\n` (a lone `\r` is left, and refused where text is checked).
fn crlf_to_lf(text: &str) -> std::borrow::Cow<'_, str> {
    if memchr::memmem::find(text.as_bytes(), b"\r\n").is_some() {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// An array written where a rule or its `where` filter belongs. Rules are internally tagged,
/// so serde reads them from a buffer that [`crate::strict`] cannot see into, and would take
/// `rule = ["count", 3]` as a count rule: the rules' shapes are checked on the document tree.
fn rule_shape_error(root: &toml::de::DeTable<'_>, text: &str) -> Option<LoadError> {
    use toml::de::{DeTable, DeValue};
    type Value<'a> = toml::Spanned<DeValue<'a>>;
    fn get<'t, 'a>(table: &'t DeTable<'a>, key: &str) -> Option<&'t Value<'a>> {
        table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(_, v)| v)
    }
    fn check(rule: &Value<'_>, path: Path) -> Option<(Path, usize, &'static str)> {
        let DeValue::Table(table) = rule.get_ref() else {
            return Some((
                path,
                rule.span().start,
                "expected a rule: a table with a `type`, found",
            ));
        };
        if let Some(filter) = get(table, "where") {
            if !matches!(filter.get_ref(), DeValue::Table(_)) {
                return Some((
                    path.key("where"),
                    filter.span().start,
                    "expected a `where` table, found",
                ));
            }
        }
        if let Some(DeValue::Array(rules)) = get(table, "rules").map(|r| r.get_ref()) {
            for (i, sub) in rules.iter().enumerate() {
                if let Some(found) = check(sub, path.key("rules").index(i)) {
                    return Some(found);
                }
            }
        }
        None
    }
    for section in ["evidence", "conditions"] {
        let Some(DeValue::Array(entries)) = get(root, section).map(|v| v.get_ref()) else {
            continue;
        };
        for (i, entry) in entries.iter().enumerate() {
            let DeValue::Table(entry) = entry.get_ref() else {
                continue;
            };
            let Some(rule) = get(entry, "rule") else { continue };
            if let Some((path, offset, what)) = check(rule, Path::root().key(section).index(i).key("rule")) {
                let found = match text.as_bytes().get(offset) {
                    Some(b'[') => "an array",
                    Some(b'"' | b'\'') => "text",
                    _ => "a value of another kind",
                };
                return Some(
                    LoadError::new(ErrorCode::InvalidValue, format!("{what} {found}"))
                        .with_pointer(&path)
                        .with_position(Some(line_col(text, offset))),
                );
            }
        }
    }
    None
}

impl Unit {
    /// Parses and validates a unit from TOML text.
    ///
    /// ```
    /// use competency::{Catalog, Unit};
    /// let (_, text) = Catalog::bundled_sources()[1]; // CHCMGT006.toml
    /// let unit = Unit::from_toml_str(text).unwrap();
    /// assert_eq!(unit.criteria().count(), 19);
    /// ```
    pub fn from_toml_str(text: &str) -> Result<Unit, LoadErrors> {
        load_unit("<unit>", text).map_err(LoadErrors::new)
    }

    /// The unit as TOML in the unit file format (without the source file's comments).
    pub fn to_toml_string(&self) -> Result<String, toml::ser::Error> {
        toml::to_string(self)
    }
}

/// [`decode`] of bytes already owned: the text is checked once and, in the common case (no
/// byte order mark), kept without a copy.
pub(crate) fn decode_owned(name: &str, bytes: Vec<u8>) -> Result<String, LoadError> {
    match String::from_utf8(bytes) {
        Ok(text) if !text.starts_with('\u{feff}') && wide_encoding(text.as_bytes()).is_none() => Ok(text),
        // UTF-16 can be valid UTF-8 (with NUL characters): `decode` names it.
        Ok(text) => decode(name, text.as_bytes()).map(str::to_owned),
        Err(e) => decode(name, e.as_bytes()).map(str::to_owned),
    }
}

/// The encoding and byte order of text that starts as UTF-32 or UTF-16 does, if it does
/// (UTF-32 first: its little-endian byte order mark starts with UTF-16's).
fn wide_encoding(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    match bytes {
        [0xFF, 0xFE, 0, 0, ..] => Some(("UTF-32", "little-endian")),
        [0, 0, 0xFE, 0xFF, ..] => Some(("UTF-32", "big-endian")),
        [a, 0, 0, 0, b, 0, 0, 0, ..] if *a != 0 && *b != 0 => Some(("UTF-32", "little-endian")),
        [0, 0, 0, a, 0, 0, 0, b, ..] if *a != 0 && *b != 0 => Some(("UTF-32", "big-endian")),
        [0xFF, 0xFE, ..] => Some(("UTF-16", "little-endian")),
        [0xFE, 0xFF, ..] => Some(("UTF-16", "big-endian")),
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 => Some(("UTF-16", "little-endian")),
        [0, a, 0, b, ..] if *a != 0 && *b != 0 => Some(("UTF-16", "big-endian")),
        _ => None,
    }
}

/// A file's bytes as UTF-8 text, without a leading byte order mark. Text that is not UTF-8 is
/// an `encoding` error at the line and column of the first bad byte; UTF-16, which editors on
/// some systems write, is named as such.
pub(crate) fn decode<'a>(name: &str, bytes: &'a [u8]) -> Result<&'a str, LoadError> {
    if let Some((encoding, order)) = wide_encoding(bytes) {
        return Err(LoadError::new(
            ErrorCode::Encoding,
            format!("the file is {encoding} ({order}), not UTF-8"),
        )
        .with_help(Some(
            "save it as UTF-8 (in most editors: Save As, encoding UTF-8)".to_owned(),
        ))
        .with_file(name)
        .with_position(Some((1, 1))));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        // The valid prefix is UTF-8 by definition.
        let prefix = std::str::from_utf8(good).unwrap_or_default();
        LoadError::new(
            ErrorCode::Encoding,
            format!(
                "the file is not UTF-8 text: byte 0x{:02X} at byte offset {} is not valid UTF-8",
                bytes[e.valid_up_to()],
                e.valid_up_to()
            ),
        )
        .with_help(Some(
            "save it as UTF-8; a file from a spreadsheet may be in Windows-1252 or Latin-1".to_owned(),
        ))
        .with_file(name)
        .with_position(Some(line_col(prefix, prefix.len())))
    })
}

/// A located error about a whole file, before validation.
pub(crate) fn file_error(code: ErrorCode, name: &str, message: String, help: Option<String>) -> LoadError {
    LoadError::new(code, message)
        .with_help(help)
        .with_file(name)
        .with_pointer(&Path::root())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_get_a_near_miss_suggestion() {
        let e = serde_error("unknown field `titel`, expected one of `id`, `title`, `criteria`");
        assert_eq!(e.code(), ErrorCode::UnknownField);
        assert_eq!(e.help(), Some("did you mean `title`?"));
        let e = serde_error("unknown field `zzzzzz`, expected `id` or `text`");
        assert_eq!(e.help(), Some("allowed here: id, text"));
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let e = parse_toml::<Unit>("u.toml", "code = \"X\"\ntitle = \n", usize::MAX).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Syntax);
        assert_eq!((e.line(), e.file()), (Some(2), Some("u.toml")));
    }
}
