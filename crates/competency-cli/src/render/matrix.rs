//! The mapping matrix of one unit: requirements (rows, in source order, grouped under element
//! headings and sections) against the evidence items mapped to the unit (columns, in
//! portfolio order). Built from the report's facts only, and shared by every format.
//!
//! A cell is [`Cell::Counted`] when the item is among the requirement's `evidence` (it counts
//! and contributed), [`Cell::NotCounted`] when it is among its `not_counted` (it claimed the
//! requirement, or passed its rule's filter, but does not count), and empty otherwise.

use std::collections::HashMap;

use competency::{
    Reason, RegisterEntry, Report, RequirementKind, RequirementResult, RuleType, Tally, UnitReport,
};

use super::register::{self, Standing};

/// The matrix of one unit.
#[derive(Debug, Clone)]
pub struct Matrix<'r> {
    /// The unit.
    pub unit: &'r UnitReport<'r>,
    /// The evidence items mapped to the unit, in portfolio order.
    pub columns: Vec<Column<'r>>,
    /// The requirements, grouped, in unit order.
    pub groups: Vec<Group<'r>>,
}

/// One evidence item, heading a column.
#[derive(Debug, Clone, Copy)]
pub struct Column<'r> {
    /// The item's ID.
    pub id: &'r str,
    /// What the register records of it (date, method).
    pub entry: Option<&'r RegisterEntry>,
    /// Whether it counts for this unit.
    pub standing: Standing,
}

impl Column<'_> {
    /// Its date or period, empty if the register lacks the item.
    pub fn period(&self) -> String {
        self.entry.map(register::period).unwrap_or_default()
    }

    /// Its method, empty if the register lacks the item.
    pub fn method(&self) -> &'static str {
        self.entry.map_or("", |e| e.method.as_str())
    }
}

/// Requirements under one heading.
#[derive(Debug, Clone)]
pub struct Group<'r> {
    /// The heading.
    pub heading: Heading<'r>,
    /// The requirements, in unit order.
    pub rows: Vec<Row<'r>>,
}

/// What a group of requirements is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heading<'r> {
    /// The criteria of one element: its number and, when the report has it, its title.
    Element(&'r str, Option<&'r str>),
    /// A section of another kind of requirement.
    Section(RequirementKind),
}

impl Heading<'_> {
    /// `Element 1: Prepare for client meeting`, `Knowledge evidence`.
    pub fn text(&self) -> String {
        match self {
            Heading::Element(id, Some(title)) => format!("Element {id}: {title}"),
            Heading::Element(id, None) => format!("Element {id}"),
            Heading::Section(kind) => super::section(*kind).to_owned(),
        }
    }

    /// A short label for narrow places: `Element 1`, `Knowledge evidence`.
    pub fn label(&self) -> String {
        match self {
            Heading::Element(id, _) => format!("Element {id}"),
            Heading::Section(kind) => super::section(*kind).to_owned(),
        }
    }
}

/// One requirement and its cells.
#[derive(Debug, Clone)]
pub struct Row<'r> {
    /// The requirement's result.
    pub req: &'r RequirementResult<'r>,
    /// One cell per column.
    pub cells: Vec<Cell>,
}

impl Row<'_> {
    /// The count against the rule (`2/3 clients`; for `all` and `any` the parts), or, for a
    /// requirement without a rule, how many counted items claim it (`2 items`, empty for none).
    pub fn count(&self) -> String {
        match &self.req.tally {
            Some(tally) => count(tally),
            None if self.req.evidence.is_empty() => String::new(),
            None => super::items(self.req.evidence.len()),
        }
    }
}

/// What one item shows for one requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// Neither claimed by the item nor selected by the requirement's rule.
    Empty,
    /// The item counts and contributed.
    Counted,
    /// The item claimed the requirement or passed its rule's filter, but does not count.
    NotCounted(Reason),
}

/// The matrix of every unit of the report, in report order.
pub fn build<'r>(report: &'r Report<'_>) -> Vec<Matrix<'r>> {
    let index = register::index(report);
    report.units.iter().map(|unit| of_unit(unit, &index)).collect()
}

fn of_unit<'r>(unit: &'r UnitReport, index: &HashMap<&str, &'r RegisterEntry>) -> Matrix<'r> {
    let columns: Vec<Column<'r>> = unit
        .evidence
        .iter()
        .map(|status| Column {
            id: &status.id,
            entry: index.get(status.id.as_str()).copied(),
            standing: Standing::of(status),
        })
        .collect();
    let position: HashMap<&str, usize> = columns.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let mut groups: Vec<Group<'r>> = Vec::new();
    for req in &unit.requirements {
        let heading = match (req.kind, &req.element) {
            (RequirementKind::Criterion, Some(element)) => Heading::Element(
                element,
                unit.elements.iter().find(|e| &e.id == element).map(|e| &*e.title),
            ),
            (kind, _) => Heading::Section(kind),
        };
        let mut cells = vec![Cell::Empty; columns.len()];
        for id in &req.evidence {
            if let Some(&i) = position.get(id.as_str()) {
                cells[i] = Cell::Counted;
            }
        }
        for nc in &req.not_counted {
            if let Some(&i) = position.get(nc.item.as_str()) {
                cells[i] = Cell::NotCounted(nc.reason);
            }
        }
        let row = Row { req, cells };
        match groups.last_mut() {
            Some(group) if group.heading == heading => group.rows.push(row),
            _ => groups.push(Group {
                heading,
                rows: vec![row],
            }),
        }
    }
    Matrix {
        unit,
        columns,
        groups,
    }
}

/// A tally in a few characters: `2/3 clients`, `0/1 items with 3 clients`,
/// `1/2 dates; span 30/90 days`, `1/2 parts (0/3 clients; 1/1 items)` for `all`, and
/// `0/1 parts (1/3 contexts or 1/3 dates)` for `any`.
pub fn count(tally: &Tally) -> String {
    match tally.rule {
        RuleType::All | RuleType::Any => {
            let parts: Vec<String> = tally.parts.iter().map(count).collect();
            let joiner = if tally.rule == RuleType::Any { " or " } else { "; " };
            format!("{}/{} parts ({})", tally.have, tally.need, parts.join(joiner))
        }
        RuleType::PerItem => {
            let each = match (tally.per_item, tally.field) {
                (Some(n), Some(field)) => format!(" with {n} {}", field.plural()),
                _ => String::new(),
            };
            format!("{}/{} items{each}", tally.have, tally.need)
        }
        RuleType::Spread => {
            let mut parts = Vec::new();
            if tally.need > 0 || tally.span_days.is_none() {
                parts.push(format!("{}/{} dates", tally.have, tally.need));
            }
            if let Some(span) = tally.span_days {
                parts.push(format!("span {}/{} days", span.have, span.need));
            }
            parts.join("; ")
        }
        _ => format!("{}/{} {}", tally.have, tally.need, tally.counts),
    }
}

/// The reason codes among a matrix's not-counted columns, for its legend.
pub fn reasons(matrix: &Matrix<'_>) -> Vec<Reason> {
    register::reasons(matrix.columns.iter().map(|c| c.standing))
}

#[cfg(test)]
mod tests {

    use super::*;

    /// Checks a portfolio for CHCMGT006 with the bundled catalog.
    fn check(toml: &str) -> Report<'static> {
        super::super::checked(toml)
    }

    const PORTFOLIO: &str = r#"
format = 1
candidate = { id = "S1" }
units = ["CHCMGT006"]
judgement_date = 2026-06-30

[[evidence]]
id = "E1"
title = "Signed service agreement with C1"
date = 2026-04-20
method = "workplace-document"
clients = ["C1"]
judgement = "satisfactory"
units.CHCMGT006 = { covers = ["2.7"], activities = ["service-agreement"] }

[[evidence]]
id = "E2"
title = "Agreement with C2, not yet judged"
date = 2026-05-01
method = "workplace-document"
clients = ["C2"]
judgement = "pending"
units.CHCMGT006 = { covers = ["2.7"], activities = ["service-agreement"] }
"#;

    fn row<'m>(matrix: &'m Matrix<'_>, id: &str) -> &'m Row<'m> {
        matrix
            .groups
            .iter()
            .flat_map(|g| &g.rows)
            .find(|r| r.req.id == id)
            .expect("the requirement is in the matrix")
    }

    #[test]
    fn a_claim_that_does_not_count_is_its_own_mark_with_the_reason() {
        let report = check(PORTFOLIO);
        let matrices = build(&report);
        let m = &matrices[0];
        let ids: Vec<&str> = m.columns.iter().map(|c| c.id).collect();
        assert_eq!(ids, ["E1", "E2"]);
        assert_eq!(
            m.columns[1].standing,
            Standing::NotCounted(Some(Reason::PendingJudgement))
        );
        assert_eq!(m.columns[0].period(), "2026-04-20");
        assert_eq!(m.columns[0].method(), "workplace-document");
        let claimed = row(m, "2.7");
        assert_eq!(
            claimed.cells,
            [Cell::Counted, Cell::NotCounted(Reason::PendingJudgement)]
        );
        assert_eq!(claimed.count(), "1 item");
        assert_eq!(row(m, "1.1").cells, [Cell::Empty, Cell::Empty]);
        assert_eq!(row(m, "1.1").count(), "");
    }

    #[test]
    fn an_item_passed_by_a_rules_filter_has_a_cell_and_the_rule_its_count() {
        let report = check(PORTFOLIO);
        let matrices = build(&report);
        // PE2 is "a formal service agreement with at least 3 clients": no item names PE2, the
        // rule's filter (activity service-agreement) selects both.
        let pe2 = row(&matrices[0], "PE2");
        assert_eq!(
            pe2.cells,
            [Cell::Counted, Cell::NotCounted(Reason::PendingJudgement)]
        );
        assert_eq!(pe2.count(), "1/3 clients");
        assert!(!pe2.req.met);
    }

    #[test]
    fn rows_keep_source_order_under_element_headings_then_sections() {
        let report = check(PORTFOLIO);
        let matrices = build(&report);
        let m = &matrices[0];
        let headings: Vec<String> = m.groups.iter().map(|g| g.heading.text()).collect();
        assert_eq!(
            headings,
            [
                "Element 1: Prepare for client meeting",
                "Element 2: Discuss service options with client",
                "Element 3: Communicate with support staff and other service providers",
                "Element 4: Manage ongoing requirements of client load",
                "Performance evidence",
                "Knowledge evidence",
                "Assessment conditions",
            ]
        );
        let rows: Vec<&str> = m
            .groups
            .iter()
            .flat_map(|g| &g.rows)
            .map(|r| &*r.req.id)
            .collect();
        let source: Vec<&str> = report.units[0].requirements.iter().map(|r| &*r.id).collect();
        assert_eq!(rows, source);
    }

    #[test]
    fn counts_read_as_have_over_need() {
        let report = check(PORTFOLIO);
        let pe5 = report.units[0]
            .requirements
            .iter()
            .find(|r| r.id == "PE5")
            .and_then(|r| r.tally.as_ref())
            .expect("PE5 has an `all` rule");
        assert_eq!(
            count(pe5),
            "0/2 parts (0/3 clients; 0/1 items)",
            "each part of an `all` rule, compactly"
        );
        let pe3 = report.units[0]
            .requirements
            .iter()
            .find(|r| r.id == "PE3")
            .and_then(|r| r.tally.as_ref())
            .expect("PE3 has a per-item rule");
        assert_eq!(count(pe3), "0/1 items with 3 clients");
    }
}
