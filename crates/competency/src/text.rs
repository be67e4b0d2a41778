//! Text that comes from a document: how identifiers are compared, which characters they may not
//! hold, and how a value is quoted back in a message.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// The form in which two identifiers (client, context, service period) are compared: trimmed
/// and in Unicode NFC, so that `é` typed two ways is one client.
pub(crate) fn normalise(value: &str) -> Cow<'_, str> {
    let trimmed = value.trim();
    if trimmed.is_ascii() || is_nfc_quick(trimmed.chars()) == IsNormalized::Yes {
        Cow::Borrowed(trimmed)
    } else {
        Cow::Owned(trimmed.nfc().collect())
    }
}

/// True when the text is empty or only white space: `value.trim().is_empty()`, without
/// trimming both ends first (it stops at the first other character, usually the first).
pub(crate) fn is_blank(value: &str) -> bool {
    value.chars().all(char::is_whitespace)
}

/// The first character that an identifier may not hold: a control character (including
/// newline and tab) or an invisible format character (zero-width space and joiners, bidi
/// controls, soft hyphen, byte order mark, ...). Such characters make two values that look
/// alike count as two, or reorder text on screen.
pub(crate) fn forbidden_char(value: &str) -> Option<char> {
    // Most identifiers are printable ASCII: one pass over the bytes settles them.
    if value.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return None;
    }
    value
        .chars()
        .find(|c| is_hidden_char(*c) || is_variation_selector(*c))
}

/// A variation selector: it changes how the character before it is drawn (an emoji's colour
/// form, a Han character's variant), so text may hold one and output shows it as it is; but
/// in an identifier `C1` and `C1` with one are two values that read as one.
fn is_variation_selector(c: char) -> bool {
    matches!(c as u32, 0x180B..=0x180D | 0x180F | 0xFE00..=0xFE0F | 0xE0100..=0xE01EF)
}

/// True for a character that a screen does not show as itself: a control character (including
/// newline and tab; terminal escape sequences start with one) or an invisible format character
/// (zero-width space and joiners, bidi controls that reorder text, byte order mark, ...).
/// Identifiers may not hold them; renderers escape them.
///
/// ```
/// assert!(competency::is_hidden_char('\u{1b}'));
/// assert!(competency::is_hidden_char('\u{202E}'));
/// assert!(competency::is_hidden_char('\u{115F}')); // a Hangul filler, blank on screen
/// assert!(!competency::is_hidden_char('é'));
/// ```
pub fn is_hidden_char(c: char) -> bool {
    c.is_control() || is_format(c) || is_blank_glyph(c)
}

/// Characters outside Cf that a screen shows as nothing, or as a line break: the combining
/// grapheme joiner, Hangul fillers, Khmer inherent vowels, the braille blank, the line and
/// paragraph separators, and unassigned default-ignorable code points. Without them `C1` and
/// `C1` with a Hangul filler are two clients that read as one (a hostile-input review,
/// twenty-first pass). Variation selectors, also invisible, are refused in identifiers only
/// (`forbidden_char`): in text they draw an emoji or a Han character as meant.
fn is_blank_glyph(c: char) -> bool {
    matches!(
        c as u32,
        0x034F
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x2028..=0x2029
            | 0x2065
            | 0x2800
            | 0x3164
            | 0xFFA0
            | 0xFFF0..=0xFFF8
            | 0xE0000
            | 0xE0002..=0xE001F
            | 0xE0080..=0xE00FF
            | 0xE01F0..=0xE0FFF
    )
}

/// Unicode general category Cf (format characters), which render as nothing or reorder text.
/// The table is Unicode 16's; a newer assignment is at worst not refused.
fn is_format(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    )
}

/// How a character that is not shown is written in a message: `U+200B`.
pub(crate) fn code_point(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// A value quoted back in a message: at most 60 characters, the rest summarised, so that a
/// megabyte-long value gives a short error.
pub(crate) fn shown(value: &str) -> Cow<'_, str> {
    const MAX: usize = 60;
    match value.char_indices().nth(MAX) {
        None => Cow::Borrowed(value),
        Some((cut, _)) => Cow::Owned(format!(
            "{}… ({} characters)",
            &value[..cut],
            value.chars().count()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_is_what_trimming_leaves_empty() {
        // Unicode white space counts (ideographic space, no-break space); a zero-width space
        // is not white space, so a title of one is not blank (it is refused as invisible).
        for text in [
            "",
            " ",
            "\t\n ",
            "\u{3000}",
            "\u{a0} ",
            "x",
            " x ",
            "\u{200b}",
            "a\u{3000}",
        ] {
            assert_eq!(is_blank(text), text.trim().is_empty(), "{text:?}");
        }
        assert!(is_blank(" \u{3000}\t"));
        assert!(!is_blank("\u{200b}"));
    }

    #[test]
    fn normalising_trims_and_composes() {
        assert_eq!(normalise("  C1 "), "C1");
        assert_eq!(normalise("Ze\u{301}lie"), "Z\u{e9}lie");
        assert_eq!(normalise("Z\u{e9}lie"), "Z\u{e9}lie");
    }

    #[test]
    fn invisible_and_control_characters_are_found() {
        for bad in [
            "C\u{200B}1",
            "C1\u{202E}",
            "\u{1b}[31mC1",
            "C\n1",
            "C\u{0}1",
            "\u{FEFF}C1",
            "C\u{AD}1",
        ] {
            assert!(forbidden_char(bad).is_some(), "{bad:?}");
        }
        for good in ["C1", "Zélie", "客户 7", "O'Brien-Smith"] {
            assert_eq!(forbidden_char(good), None, "{good:?}");
        }
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        let long = "x".repeat(1_000);
        let s = shown(&long);
        assert!(
            s.starts_with(&"x".repeat(60)) && s.ends_with("(1000 characters)"),
            "{s}"
        );
        assert_eq!(shown("E1"), "E1");
    }
}
