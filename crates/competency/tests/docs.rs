//! Every error and finding code is documented under its own heading, and no heading documents
//! a code that does not exist.

#![allow(clippy::unwrap_used)]

use competency::{ErrorCode, FindingCode};

fn headings(doc: &str) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs")
        .join(doc);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(|h| h.trim().trim_matches('`').to_owned())
        .filter(|h| h.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .collect()
}

/// The doc's `## code` headings are exactly `codes`, in order.
fn assert_documented(doc: &str, codes: impl IntoIterator<Item = &'static str>) {
    let codes: Vec<String> = codes.into_iter().map(str::to_owned).collect();
    assert_eq!(
        headings(doc),
        codes,
        "docs/{doc} headings must list every code, in order"
    );
}

#[test]
fn every_error_code_has_its_heading_in_order() {
    assert_documented("errors.md", ErrorCode::ALL.iter().map(|c| c.as_str()));
}

#[test]
fn every_finding_code_has_its_heading_in_order() {
    assert_documented("findings.md", FindingCode::ALL.iter().map(|c| c.as_str()));
}
