//! A small document model rendered as plain text or Markdown, so that every view is written
//! once and shown in both forms.

use crate::escape;

/// A block of a document.
#[derive(Debug, Clone)]
pub enum Block {
    /// A heading; level 1 is the title.
    Heading(u8, String),
    /// A paragraph.
    Para(String),
    /// A list; each entry has a nesting depth (0 outermost).
    List(Vec<(usize, String)>),
    /// A table with a header row.
    Table(Vec<String>, Vec<Vec<String>>),
}

/// Renders blocks as text for a terminal; hidden characters in the text are escaped.
pub fn to_text(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        let block = &escaped(block);
        match block {
            Block::Heading(1, text) => {
                out.push_str(text);
                out.push('\n');
                out.push_str(&"=".repeat(text.chars().count()));
                out.push_str("\n\n");
            }
            Block::Heading(2, text) => {
                out.push_str(text);
                out.push('\n');
                out.push_str(&"-".repeat(text.chars().count()));
                out.push_str("\n\n");
            }
            Block::Heading(_, text) => {
                out.push_str(text);
                out.push_str("\n\n");
            }
            Block::Para(text) => {
                out.push_str(text);
                out.push_str("\n\n");
            }
            Block::List(items) => {
                for (depth, text) in items {
                    out.push_str(&"  ".repeat(*depth + 1));
                    out.push_str(text);
                    out.push('\n');
                }
                out.push('\n');
            }
            Block::Table(header, rows) => {
                let widths: Vec<usize> = (0..header.len())
                    .map(|i| {
                        rows.iter()
                            .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                            .chain([header[i].chars().count()])
                            .max()
                            .unwrap_or(0)
                    })
                    .collect();
                let line = |cells: &[String]| {
                    let mut l = String::new();
                    for (i, cell) in cells.iter().enumerate() {
                        if i + 1 == cells.len() {
                            l.push_str(cell);
                        } else {
                            l.push_str(&format!("{cell:<w$}  ", w = widths[i]));
                        }
                    }
                    l.trim_end().to_owned() + "\n"
                };
                out.push_str(&line(header));
                for row in rows {
                    out.push_str(&line(row));
                }
                out.push('\n');
            }
        }
    }
    trim_end(out)
}

/// Renders blocks as CommonMark.
pub fn to_markdown(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Heading(level, text) => {
                out.push_str(&"#".repeat(usize::from(*level)));
                out.push(' ');
                out.push_str(&escape::markdown_line(text));
                out.push_str("\n\n");
            }
            Block::Para(text) => {
                out.push_str(&escape::markdown(text));
                out.push_str("\n\n");
            }
            Block::List(items) => {
                for (depth, text) in items {
                    out.push_str(&"  ".repeat(*depth));
                    out.push_str("- ");
                    out.push_str(&escape::markdown_line(text));
                    out.push('\n');
                }
                out.push('\n');
            }
            Block::Table(header, rows) => {
                let row = |cells: &[String]| {
                    let cells: Vec<String> = cells.iter().map(|c| escape::markdown_cell(c)).collect();
                    format!("| {} |\n", cells.join(" | "))
                };
                out.push_str(&row(header));
                out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
                for r in rows {
                    out.push_str(&row(r));
                }
                out.push('\n');
            }
        }
    }
    trim_end(out)
}

/// The block with its text made safe for a terminal: table cells on one line, other text
/// keeping its line breaks.
fn escaped(block: &Block) -> Block {
    let lines = |t: &String| escape::lines(t).into_owned();
    match block {
        Block::Heading(level, text) => Block::Heading(*level, escape::line(text).into_owned()),
        Block::Para(text) => Block::Para(lines(text)),
        Block::List(items) => Block::List(items.iter().map(|(d, t)| (*d, lines(t))).collect()),
        Block::Table(header, rows) => {
            let cells = |r: &Vec<String>| r.iter().map(|c| escape::line(c).into_owned()).collect();
            Block::Table(cells(header), rows.iter().map(cells).collect())
        }
    }
}

fn trim_end(mut out: String) -> String {
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}
