//! Escaping text from documents for the format it is written into, so that no byte of input
//! can drive a terminal (escape sequences, bell, bidi reordering), change Markdown's meaning,
//! run as a spreadsheet formula, or hide in a web page.
//!
//! HTML markup is escaped by construction (maud escapes every value it inserts); what is left
//! for [`html`] is to make hidden characters visible, as everywhere else.

use std::borrow::Cow;
use std::fmt::Write;

use competency::is_hidden_char;

/// One line for a terminal: every control or invisible character written as `\u{1b}`, so that a
/// newline in a value cannot forge a line of the report either.
pub fn line(text: &str) -> Cow<'_, str> {
    escape_if(text, is_hidden_char)
}

/// Text for a terminal that may span lines: as [`line`], but newlines are kept.
pub fn lines(text: &str) -> Cow<'_, str> {
    escape_if(text, |c| c != '\n' && is_hidden_char(c))
}

/// Text for an HTML page, before maud escapes its markup: as [`lines`], hidden characters
/// (controls, bidi overrides, zero-width characters) shown as `\u{..}`, newlines kept (the
/// page shows them where its style keeps line breaks).
pub fn html(text: &str) -> Cow<'_, str> {
    lines(text)
}

/// A CSV cell for a spreadsheet: as [`lines`] (the `csv` crate quotes newlines, commas and
/// quotes), and a cell that starts with `=`, `+`, `-` or `@`, which a spreadsheet would run as
/// a formula, gets a leading `'` so that it is shown as text.
pub fn csv_cell(text: &str) -> String {
    let text = lines(text);
    if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.into_owned()
    }
}

fn escape_if(text: &str, hidden: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Running Markdown text: the characters that open CommonMark or GFM constructs inline
/// (emphasis, code, links, images, HTML, entities, tables, strikethrough) and the backslash
/// itself are backslash-escaped, as are the characters that start a block at the start of a
/// line (list, heading, quote, setext underline); hidden characters are made visible;
/// newlines are kept as hard line breaks. Dates and hyphenated words stay readable.
pub fn markdown(text: &str) -> String {
    escape_markdown(text, true)
}

/// A Markdown table cell: as [`markdown`], but every line break (a blank line too) becomes
/// `<br>`, since a table row is one line, and block markers mean nothing inside a cell.
pub fn markdown_cell(text: &str) -> String {
    on_one_line(escape_markdown(text, false))
}

/// A Markdown heading or list item: as [`markdown`], but every line break becomes `<br>`,
/// since a heading ends at its line's end, and a blank line would end a list item.
pub fn markdown_line(text: &str) -> String {
    on_one_line(escape_markdown(text, true))
}

fn on_one_line(escaped: String) -> String {
    if escaped.contains('\n') {
        escaped.replace("  \n", "<br>").replace('\n', "<br>")
    } else {
        escaped
    }
}

fn escape_markdown(text: &str, blocks: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut line_start = blocks;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // What follows a block marker for it to open a block: a space, a tab or the line's end.
        let spaced = |at: usize| chars.get(at).is_none_or(|n| matches!(n, ' ' | '\t' | '\n'));
        // A line of dashes (spaces between them or not) underlines the line before it as a
        // heading, or rules the page: `--`, `---`, `- - -`. Looked at once a line, at its start.
        let dashes = || {
            chars[i..]
                .iter()
                .take_while(|n| **n != '\n')
                .all(|n| matches!(n, '-' | ' ' | '\t'))
        };
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '&' | '~' | '!'
        ) || (line_start
            && (c == '=' || (matches!(c, '-' | '+') && spaced(i + 1)) || (c == '-' && dashes())))
        {
            out.push('\\');
            out.push(c);
        } else if line_start && c.is_ascii_digit() {
            // "1." or "1)" then a space, at the start of a line, opens an ordered list.
            let end = i + chars[i..].iter().take_while(|d| d.is_ascii_digit()).count();
            out.extend(&chars[i..end]);
            i = end;
            if let Some(mark) = chars.get(i).filter(|m| matches!(m, '.' | ')')) {
                if spaced(i + 1) {
                    out.push('\\');
                }
                out.push(*mark);
                i += 1;
            }
            line_start = false;
            continue;
        } else if c == '\n' {
            // A single newline is a hard line break; a blank line stays a paragraph break.
            let blank = (i > 0 && chars[i - 1] == '\n') || chars.get(i + 1) == Some(&'\n');
            out.push_str(if blank { "\n" } else { "  \n" });
        } else if is_hidden_char(c) {
            let _ = write!(out, "\\\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
        line_start = blocks && (c == '\n' || (line_start && c == ' '));
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_text_shows_escapes_instead_of_obeying_them() {
        assert_eq!(line("E1\u{1b}[31m\u{7}"), "E1\\u{1b}[31m\\u{7}");
        assert_eq!(line("a\nb"), "a\\u{a}b");
        assert_eq!(lines("a\nb\u{202e}"), "a\nb\\u{202e}");
        assert!(matches!(line("plain é"), Cow::Borrowed(_)));
    }

    #[test]
    fn csv_cells_cannot_become_formulas_or_hide_characters() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("a\nb\u{1b}"), "a\nb\\u{1b}");
        assert_eq!(csv_cell("2/3 clients"), "2/3 clients");
        assert_eq!(html("<b>\u{202e}"), "<b>\\u{202e}");
    }

    #[test]
    fn markdown_cannot_open_html_or_break_a_table() {
        assert_eq!(markdown("\\<script>"), "\\\\\\<script\\>");
        assert_eq!(markdown("a|b"), "a\\|b");
        assert_eq!(markdown("&lt;"), "\\&lt;");
        assert_eq!(markdown("2026-11-20 1.1"), "2026-11-20 1.1");
        assert_eq!(markdown("- x\n1. y\n=="), "\\- x  \n1\\. y  \n\\==");
        // A line of dashes would make the line before it a heading, or rule the page.
        assert_eq!(markdown("A\n--\nB"), "A  \n\\--  \nB");
        assert_eq!(markdown("A\n---"), "A  \n\\---");
        assert_eq!(markdown("A\n  -- -"), "A  \n  \\-- -");
        assert_eq!(markdown("well-being -- a note"), "well-being -- a note");
        assert_eq!(markdown("1.1 Access, well-being"), "1.1 Access, well-being");
        assert_eq!(markdown_cell("a\nb"), "a<br>b");
        assert!(!markdown_cell("x\ny|z").contains('\n'));
        assert_eq!(markdown_cell("1.1"), "1.1");
        assert_eq!(markdown("a\n\nb\nc"), "a\n\nb  \nc");
        // A blank line would end the row.
        assert_eq!(markdown_cell("a\n\nb"), "a<br><br>b");
    }

    #[test]
    fn a_markdown_heading_or_list_item_stays_on_its_line() {
        // A line break would end the heading (the rest a paragraph), a blank line the item.
        assert_eq!(
            markdown_line("Coordinate\n[policy]"),
            "Coordinate<br>\\[policy\\]"
        );
        assert_eq!(markdown_line("a\n\n- b"), "a<br><br>\\- b");
        assert_eq!(markdown_line("- a"), "\\- a");
        assert_eq!(markdown_line("1.1 Access"), "1.1 Access");
    }
}
