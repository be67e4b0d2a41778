//! The mapping matrix as CSV for a spreadsheet: RFC 4180 (CRLF line ends, quoting by the `csv`
//! crate), one header row, one row per requirement of every unit checked.
//!
//! The first [`COLUMNS`] are fixed and documented (docs/record.md); one column per evidence
//! item follows, headed by the item's ID, for every item mapped to at least one unit checked,
//! in portfolio order. An item's cell is `counted`, the reason code of an item that claimed the
//! requirement or passed its rule's filter but does not count (`pending-judgement`), or empty.

use std::collections::{HashMap, HashSet};

use super::matrix::{self, Cell};
use crate::escape;
use competency::Report;

/// The fixed columns, in order.
pub const COLUMNS: [&str; 12] = [
    "unit",
    "release",
    "group",
    "id",
    "kind",
    "requirement",
    "met",
    "count",
    "have",
    "need",
    "counts",
    "missing",
];

/// The header and the rows, as the cells' text (already escaped for a spreadsheet).
pub fn rows(report: &Report) -> Vec<Vec<String>> {
    let matrices = matrix::build(report);
    // Every item mapped to some unit, in portfolio order (the register's order).
    let mapped: HashSet<&str> = matrices
        .iter()
        .flat_map(|m| m.columns.iter().map(|c| c.id))
        .collect();
    let items: Vec<&str> = report
        .evidence
        .iter()
        .map(|e| e.id.as_str())
        .filter(|id| mapped.contains(id))
        .collect();
    let mut out = Vec::new();
    let mut header: Vec<String> = COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    header.extend(items.iter().map(|id| escape::csv_cell(id)));
    out.push(header);
    for m in &matrices {
        let columns: HashMap<&str, usize> = m.columns.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        let position: Vec<Option<usize>> = items.iter().map(|id| columns.get(id).copied()).collect();
        for group in &m.groups {
            for row in &group.rows {
                let r = row.req;
                let (have, need, counts) = match &r.tally {
                    Some(t) => (
                        t.have.to_string(),
                        t.need.to_string(),
                        t.counts.as_str().to_owned(),
                    ),
                    None => Default::default(),
                };
                let mut cells = vec![
                    m.unit.code.to_string(),
                    m.unit.release.to_string(),
                    group.heading.text(),
                    r.id.to_string(),
                    r.kind.as_str().to_owned(),
                    r.text.to_string(),
                    if r.met { "yes" } else { "no" }.to_owned(),
                    row.count(),
                    have,
                    need,
                    counts,
                    r.missing.as_deref().unwrap_or_default().to_owned(),
                ];
                cells.extend(position.iter().map(|p| match p.map(|i| row.cells[i]) {
                    Some(Cell::Counted) => "counted".to_owned(),
                    Some(Cell::NotCounted(reason)) => reason.as_str().to_owned(),
                    Some(Cell::Empty) | None => String::new(),
                }));
                out.push(cells.iter().map(|c| escape::csv_cell(c)).collect());
            }
        }
    }
    out
}

/// The CSV text.
pub fn matrix(report: &Report) -> String {
    write(&rows(report))
}

/// Writes rows as RFC 4180 CSV.
pub fn write(rows: &[Vec<String>]) -> String {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .flexible(false)
        .from_writer(Vec::new());
    for row in rows {
        // Writing to memory fails only on rows of different lengths, which `rows` never makes.
        let _ = writer.write_record(row);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {

    use super::*;

    fn report(toml: &str) -> Report<'static> {
        super::super::checked(toml)
    }

    /// Item IDs and titles with every character CSV treats specially.
    const AWKWARD: &str = r#"
format = 1
candidate = { id = "S1" }
units = ["CHCMGT006"]
judgement_date = 2026-06-30

[[evidence]]
id = 'a,"b"'
title = "x"
date = 2026-04-20
method = "observation"
judgement = "satisfactory"
units.CHCMGT006 = { covers = ["1.1"] }

[[evidence]]
id = '=1+1'
title = "y"
date = 2026-04-21
method = "observation"
judgement = "pending"
units.CHCMGT006 = { covers = ["1.1", "K1.1"] }
"#;

    #[test]
    fn csv_reads_back_as_the_same_rows() {
        let report = report(AWKWARD);
        let rows = rows(&report);
        let text = matrix(&report);
        assert!(text.ends_with("\r\n"), "RFC 4180 line ends");
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let read: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.expect("valid CSV").iter().map(str::to_owned).collect())
            .collect();
        assert_eq!(read, rows);
        assert_eq!(
            read.len(),
            1 + report.units[0].requirements.len(),
            "one header row"
        );
        assert!(read.iter().all(|r| r.len() == COLUMNS.len() + 2));
    }

    #[test]
    fn item_columns_hold_counted_or_the_reason_and_formulas_stay_text() {
        let report = report(AWKWARD);
        let rows = rows(&report);
        assert_eq!(&rows[0][..COLUMNS.len()], COLUMNS);
        assert_eq!(rows[0][COLUMNS.len()..], ["a,\"b\"", "'=1+1"]);
        let r11 = rows.iter().find(|r| r[3] == "1.1").expect("1.1 has a row");
        assert_eq!(r11[COLUMNS.len()..], ["counted", "pending-judgement"]);
        assert_eq!(r11[2], "Element 1: Prepare for client meeting");
        let k11 = rows.iter().find(|r| r[3] == "K1.1").expect("K1.1 has a row");
        assert_eq!(k11[6], "no");
        assert_eq!(k11[COLUMNS.len()..], ["", "pending-judgement"]);
        assert_eq!(
            k11[11], "claimed only by items that do not count: =1+1 (judgement pending)",
            "only a cell that starts like a formula is marked as text"
        );
    }
}
