//! HTML: the printable record of `check --format html`, and the matrix of `matrix --format
//! html`. One self-contained file: the style is inline, there is no script, font, image or
//! link to fetch, and a Content-Security-Policy forbids loading anything.
//!
//! The page is written with maud, which escapes every value it inserts: text from a
//! portfolio can only ever be text (`<script>` in a title is shown, not run). Hidden
//! characters are made visible first by `escape::html`.
//!
//! For print (A4): each unit starts a page, table headers repeat on every page, rows do not
//! split. For people: real tables with header cells and `scope`, marks and verdicts that say
//! what they mean in words as well as in colour.

use competency::{Finding, RegisterEntry, Report, RequirementResult, UnitReport};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::findings;
use super::matrix::{self, Cell, Column, Matrix};
use super::register::{self, Standing};
use super::{DISCLAIMER, verdict};
use crate::escape;

/// The stylesheet, inline: screen and print.
const STYLE: &str = r#"
:root { color: #111; background: #fff; }
body { font: 15px/1.45 system-ui, "DejaVu Sans", Arial, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .75rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; border-bottom: 2px solid #333; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
table { border-collapse: collapse; margin: .4rem 0 .8rem; }
th, td { border: 1px solid #8a9099; padding: .2rem .4rem; text-align: left; vertical-align: top; white-space: pre-line; overflow-wrap: break-word; }
thead th { background: #e8ebef; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
tbody th[scope="rowgroup"] { background: #f3f4f6; font-weight: 700; }
tbody th[scope="row"] { font-weight: 600; white-space: nowrap; }
.facts th { background: #f3f4f6; width: 11rem; }
table.requirements, table.register { width: 100%; }
.nowrap { white-space: nowrap; }
td.wording { min-width: 16rem; }
.text { white-space: pre-line; }
.verdict { font-weight: 700; padding: .45rem .7rem; border-left: .45rem solid; margin: .5rem 0; }
.verdict.complete { background: #e6f4ea; border-color: #1e6b34; color: #0b3d1a; }
.verdict.incomplete { background: #fdecea; border-color: #a4262c; color: #5c0b0f; }
.met { color: #1e6b34; font-weight: 700; }
.unmet { color: #a4262c; font-weight: 700; }
.disclaimer { font-style: italic; }
.matrix th.item { vertical-align: bottom; padding: .3rem .1rem; }
.matrix th.item > span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; display: inline-block; max-height: 18rem; overflow: hidden; text-align: left; }
.matrix th.item small { font-weight: 400; }
.matrix th.item.not-counted { background: #f6eee3; }
.matrix td.mark { text-align: center; white-space: nowrap; font-size: 1.05em; min-width: 1.2em; }
.matrix td.counted { color: #1e3a8a; }
.matrix td.not-counted { color: #8a4b00; background: #fbf6ef; }
.matrix td.count { white-space: nowrap; }
.legend { font-size: .9em; }
.legend .counted { color: #1e3a8a; }
.legend .not-counted { color: #8a4b00; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.sign-off table { width: 100%; }
.sign-off td.blank { height: 2.2rem; width: 60%; }
.feedback { border: 1px solid #8a9099; padding: 0 .6rem .6rem; margin: .4rem 0 1rem; }
.feedback div { border-bottom: 1px solid #8a9099; height: 2rem; }
@media screen { .scroll { overflow-x: auto; } }
@page { margin: 12mm 11mm; }
@media print {
  body { font-size: 8.5pt; max-width: none; padding: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .unit + .unit, .sign-off { break-before: page; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  h2, h3, caption { break-after: avoid; }
  .matrix th.item > span { max-height: 14rem; }
}
"#;

/// Text from a document, with hidden characters made visible; maud escapes the markup.
fn t(text: &str) -> std::borrow::Cow<'_, str> {
    escape::html(text)
}

/// A whole page around a body.
fn page(title: &str, page_size: &str, body: Markup) -> String {
    let page = html! {
        (DOCTYPE)
        html lang="en-AU" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'";
                meta name="color-scheme" content="light";
                title { (t(title)) }
                style { (PreEscaped(STYLE)) "@page { size: " (page_size) "; }" }
            }
            body { (body) }
        }
    };
    let mut out = lines(&page.into_string());
    out.push('\n');
    out
}

/// The elements that start a line of the written page, so that a diff of two pages reads line
/// by line. Only maud writes a `<` (every `<` of a document's text is `&lt;` by then), and none
/// of these tags sits inside a cell's text, so the page shows the same.
const LINE_STARTS: &[&str] = &[
    "head", "meta", "title", "style", "body", "header", "/header", "main", "/main", "footer", "section",
    "/section", "h1", "h2", "h3", "p", "ul", "/ul", "li", "div", "table", "/table", "caption", "thead",
    "tbody", "tr",
];

fn lines(page: &str) -> String {
    let mut out = String::with_capacity(page.len() + page.len() / 16);
    let mut rest = page;
    while let Some(at) = rest.find('<') {
        let (before, tag) = rest.split_at(at);
        out.push_str(before);
        let name_end = tag[1..].find(['>', ' ']).map_or(tag.len(), |i| i + 1);
        if LINE_STARTS.contains(&&tag[1..name_end]) && !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push('<');
        rest = &tag[1..];
    }
    out.push_str(rest);
    out
}

/// The facts at the head of both pages.
fn facts(report: &Report, source: &str) -> Markup {
    html! {
        table.facts {
            caption.vh { "About this record" }
            tbody {
                tr { th scope="row" { "Candidate" } td { (t(&super::candidate(report))) } }
                tr { th scope="row" { "Assessor" } td { (t(&super::assessor(report))) } }
                tr { th scope="row" { "Judgement date" } td { (super::judgement_date(report)) } }
                tr { th scope="row" { "Currency window" } td { (super::currency(report.current_since)) } }
                tr { th scope="row" { "Portfolio" } td { (t(source)) } }
                tr { th scope="row" { "Checked by" } td { (report.produced_by.tool) " " (report.produced_by.version) } }
            }
        }
    }
}

fn verdict_line(complete: bool, met: usize, total: usize) -> Markup {
    html! {
        p.verdict.complete[complete].incomplete[!complete] {
            (verdict(complete)) ": " (met) " of " (total) " requirements met"
        }
    }
}

fn met_words(met: bool) -> Markup {
    html! {
        @if met { span.met { "met" } } @else { span.unmet { "not met" } }
    }
}

/// The record for one candidate.
pub fn record(report: &Report, source: &str) -> String {
    let matrices = matrix::build(report);
    let unmapped = register::unmapped(report);
    let body = html! {
        header {
            h1 { "Evidence record: " (t(&report.candidate)) }
            (facts(report, source))
            table.units {
                caption { "Units checked" }
                thead { tr {
                    th scope="col" { "Unit" } th scope="col" { "Release" } th scope="col" { "Title" }
                    th scope="col" { "Verdict" } th scope="col" { "Requirements met" }
                    th scope="col" { "Outcome" }
                } }
                tbody {
                    @for u in &report.units {
                        tr {
                            th scope="row" { (t(&u.code)) }
                            td { (u.release) }
                            td { (t(&u.title)) }
                            td { @if u.complete { span.met { (verdict(true)) } } @else { span.unmet { (verdict(false)) } } }
                            td { (u.met) " of " (u.total) }
                            td.nowrap { (t(&super::outcome_short(&u.outcome))) }
                        }
                    }
                }
            }
            p.verdict.complete[report.complete].incomplete[!report.complete] { (super::summary(report)) }
            p.disclaimer { (DISCLAIMER) }
        }
        main {
            @for (n, m) in matrices.iter().enumerate() {
                (unit(report, m, n))
            }
            @if !report.findings.is_empty() {
                section aria-labelledby="portfolio-findings" {
                    h2 #portfolio-findings { "Portfolio findings" }
                    (finding_list(&report.findings))
                }
            }
            @if !unmapped.is_empty() {
                section aria-labelledby="unmapped" {
                    h2 #unmapped { "Evidence mapped to no unit checked" }
                    (register_table("Evidence mapped to no unit checked", unmapped.iter().map(|e| (e.id.as_str(), Some(*e), None))))
                }
            }
            @if !report.prior_units.is_empty() {
                section aria-labelledby="units-held" {
                    h2 #units-held { "Units held" }
                    (prior_table(report))
                }
            }
        }
        (sign_off(report))
    };
    page(
        &format!("Evidence record: {}", report.candidate),
        "A4 portrait",
        body,
    )
}

fn unit(report: &Report, m: &Matrix<'_>, n: usize) -> Markup {
    let u = m.unit;
    let id = format!("unit-{n}");
    html! {
        section.unit aria-labelledby=(id) {
            h2 id=(id) { (t(&u.code)) " " (t(&u.title)) " (release " (u.release) ")" }
            (verdict_line(u.complete, u.met, u.total))
            (outcome_line(u))
            p {
                @if let Some(window) = u.currency { (super::rpl_window(window, u.current_since)) }
                @else { "Currency window: " (super::currency(u.current_since)) }
                ". Unit file SHA-256: " code { (u.source_sha256) } "."
            }

            h3 { "Requirements" }
            div.scroll {
                table.requirements {
                    caption.vh { (t(&u.code)) ": requirements, what counted and what is missing" }
                    thead { tr {
                        th scope="col" { "ID" } th scope="col" { "Requirement" } th scope="col" { "Met" }
                        th scope="col" { "Evidence" } th scope="col" { "What is missing" }
                    } }
                    @for group in &m.groups {
                        tbody {
                            tr { th scope="rowgroup" colspan="5" { (t(&group.heading.text())) } }
                            @for row in &group.rows {
                                tr {
                                    th scope="row" { (t(&row.req.id)) }
                                    td { (t(&row.req.text)) }
                                    td.nowrap { (met_words(row.req.met)) }
                                    td { (evidence(row.req)) }
                                    td { (t(row.req.missing.as_deref().unwrap_or(""))) }
                                }
                            }
                        }
                    }
                }
            }

            h3 { "Mapping matrix" }
            (matrix_table(m, false))

            h3 { "Evidence register" }
            @if m.columns.is_empty() {
                p { "No evidence item is mapped to this unit." }
            } @else {
                (register_table(
                    &format!("{}: evidence register", u.code),
                    register::for_unit(report, u).into_iter().map(|r| (r.id, r.entry, Some(r.standing))),
                ))
            }

            h3 { "Findings" }
            @if u.findings.is_empty() { p { "None." } } @else { (finding_list(&u.findings)) }

            @if let Some(plan) = &u.plan {
                @let (items, actions, blocked) = super::plan_lines(plan);
                h3 { "To complete this unit" }
                @if !items.is_empty() {
                    p { "New evidence that would complete it:" }
                    ul.plan { @for l in &items { li { (t(l)) } } }
                }
                @if !actions.is_empty() {
                    p { "Items that do not count:" }
                    ul.plan { @for l in &actions { li { (t(l)) } } }
                }
                @if !blocked.is_empty() {
                    p { "Requirements the plan leaves out:" }
                    ul.plan { @for l in &blocked { li { (t(l)) } } }
                }
            }
        }
    }
}

/// A unit's outcome: the reason code, then the report's sentence.
fn outcome_line(u: &UnitReport) -> Markup {
    html! {
        p.outcome { strong { "Outcome" } " (" code { (u.outcome.reason.as_str()) } "): " (t(&u.outcome.text)) }
    }
}

/// The units the candidate holds, as the portfolio records them.
fn prior_table(report: &Report) -> Markup {
    html! {
        div.scroll {
            table.register {
                caption.vh { "Units held" }
                thead { tr { @for c in super::PRIOR_COLUMNS { th scope="col" { (c) } } } }
                tbody {
                    @for p in &report.prior_units {
                        @let cells = super::prior_cells(p);
                        tr {
                            th scope="row" { (t(&cells[0])) }
                            @for c in &cells[1..] { td { (t(c)) } }
                        }
                    }
                }
            }
        }
    }
}

/// The counted items, then those that did not count with their reason codes.
fn evidence(r: &RequirementResult) -> Markup {
    html! {
        (t(&r.evidence.join(", ")))
        @if !r.not_counted.is_empty() {
            @if !r.evidence.is_empty() { "; " }
            "not counted: "
            @for (i, nc) in r.not_counted.iter().enumerate() {
                @if i > 0 { ", " }
                (t(&nc.item)) " (" (nc.reason.as_str()) ")"
            }
        }
    }
}

fn item_heading(c: &Column<'_>) -> Markup {
    html! {
        th.item.not-counted[c.standing != Standing::Counted] scope="col" {
            span {
                b { (t(c.id)) } br;
                small {
                    (c.period()) " · " (c.method())
                    @if c.standing != Standing::Counted { br; "not counted: " (c.standing.code()) }
                }
            }
        }
    }
}

/// The matrix; with `wording`, the requirement's text follows its ID.
fn matrix_table(m: &Matrix<'_>, wording: bool) -> Markup {
    let width = m.columns.len() + if wording { 4 } else { 3 };
    let reasons = matrix::reasons(m);
    html! {
        div.scroll {
            table.matrix {
                caption.vh { (t(&m.unit.code)) ": mapping matrix of requirements and evidence items" }
                thead { tr {
                    th scope="col" { "ID" }
                    @if wording { th scope="col" { "Requirement" } }
                    @for c in &m.columns { (item_heading(c)) }
                    th scope="col" { "Met" }
                    th scope="col" { "Count" }
                } }
                @for group in &m.groups {
                    tbody {
                        tr { th scope="rowgroup" colspan=(width) { (t(&group.heading.text())) } }
                        @for row in &group.rows {
                            tr {
                                th scope="row" { (t(&row.req.id)) }
                                @if wording { td.wording { (t(&row.req.text)) } }
                                @for (cell, column) in row.cells.iter().zip(&m.columns) {
                                    @match cell {
                                        Cell::Counted => td.mark.counted title={ (t(column.id)) ": counted" } {
                                            span aria-hidden="true" { "●" } span.vh { "counted" }
                                        },
                                        Cell::NotCounted(reason) => td.mark.not-counted title={ (t(column.id)) ": does not count: " (reason.as_str()) } {
                                            span aria-hidden="true" { "○" } span.vh { "claimed, does not count: " (reason.as_str()) }
                                        },
                                        Cell::Empty => td.mark {},
                                    }
                                }
                                td.nowrap { (met_words(row.req.met)) }
                                td.count { (row.count()) }
                            }
                        }
                    }
                }
            }
        }
        p.legend {
            span.counted aria-hidden="true" { "●" } " counted · "
            span.not-counted aria-hidden="true" { "○" } " claims the requirement or passes its rule's filter, but does not count · empty: neither. "
            "Count: what the requirement's rule counted against what it needs, or the counted items that claim it."
            @if !reasons.is_empty() {
                " Reasons an item does not count: "
                @for (i, r) in reasons.iter().enumerate() {
                    @if i > 0 { "; " }
                    code { (r.as_str()) } ": " (r.words())
                }
                "."
            }
        }
    }
}

fn register_table<'r>(
    caption: &str,
    rows: impl Iterator<Item = (&'r str, Option<&'r RegisterEntry>, Option<Standing>)>,
) -> Markup {
    let rows: Vec<_> = rows.collect();
    let with_standing = rows.iter().any(|r| r.2.is_some());
    html! {
        div.scroll {
            table.register {
                caption.vh { (t(caption)) }
                thead { tr {
                    th scope="col" { "ID" } th scope="col" { "Title" } th scope="col" { "Date or period" }
                    th scope="col" { "Method" } th scope="col" { "Environment" } th scope="col" { "Judgement" }
                    th scope="col" { "Verified by" }
                    @if with_standing { th scope="col" { "Counted" } }
                } }
                tbody {
                    @for (id, entry, standing) in &rows {
                        tr {
                            th scope="row" { (t(id)) }
                            @if let Some(e) = entry {
                                td { (t(&e.title)) }
                                td.nowrap { (register::period(e)) }
                                td { (e.method.as_str()) }
                                td { (e.environment.map_or("", |v| v.as_str())) }
                                td { (e.judgement.as_str()) }
                                td { (t(&e.verification())) }
                            } @else {
                                td colspan="6" {}
                            }
                            @if let Some(s) = standing {
                                td.nowrap {
                                    @if *s == Standing::Counted { span.met { "yes" } }
                                    @else { span.unmet { "no" } ": " (s.code()) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn finding_list(list: &[Finding]) -> Markup {
    html! {
        ul.findings {
            @for g in findings::grouped(list) {
                li {
                    strong { (g.code.as_str()) } " (" (g.severity.as_str()) "): "
                    @if g.items.is_empty() {
                        (t(&g.messages.join(" ")))
                    } @else {
                        (findings::meaning(g.code)) ". " (findings::items_label(g.items.len())) ": " (t(&g.items.join(", "))) "."
                    }
                }
            }
        }
    }
}

fn sign_off(report: &Report) -> Markup {
    html! {
        section.sign-off aria-labelledby="sign-off" {
            h2 #sign-off { "Sign-off" }
            table {
                caption.vh { "Assessor's sign-off" }
                tbody {
                    tr { th scope="row" { "Assessor" } td { (t(&super::assessor(report))) } }
                    tr { th scope="row" { "Assessor's signature" } td.blank {} }
                    tr { th scope="row" { "Date" } td.blank {} }
                }
            }
            h3 { "Feedback to the candidate" }
            div.feedback role="img" aria-label="Space for written feedback" {
                @for _ in 0..5 { div {} }
            }
            table {
                caption.vh { "Candidate's acknowledgement" }
                tbody {
                    tr { th scope="row" { "Candidate" } td { (t(&super::candidate(report))) ". I have received this feedback." } }
                    tr { th scope="row" { "Candidate's signature" } td.blank {} }
                    tr { th scope="row" { "Date" } td.blank {} }
                }
            }
            p.disclaimer { (DISCLAIMER) }
        }
    }
}

/// The mapping matrix of every unit, with the requirements' wording.
pub fn matrix(report: &Report, source: &str) -> String {
    let body = html! {
        header {
            h1 { "Mapping matrix: " (t(&report.candidate)) }
            (facts(report, source))
        }
        main {
            @for (n, m) in matrix::build(report).iter().enumerate() {
                @let id = format!("unit-{n}");
                section.unit aria-labelledby=(id) {
                    h2 id=(id) { (t(&m.unit.code)) " " (t(&m.unit.title)) " (release " (m.unit.release) ")" }
                    (verdict_line(m.unit.complete, m.unit.met, m.unit.total))
                    (outcome_line(m.unit))
                    (matrix_table(m, true))
                }
            }
        }
        footer {
            p.verdict.complete[report.complete].incomplete[!report.complete] { (super::summary(report)) }
            p.disclaimer { (DISCLAIMER) }
        }
    };
    // With the wording beside 10 to 20 item columns, the matrix reads better across the page.
    page(
        &format!("Mapping matrix: {}", report.candidate),
        "A4 landscape",
        body,
    )
}

#[cfg(test)]
mod tests {

    use super::*;

    const HOSTILE: &str = r#"
format = 1
candidate = { id = "S1</title><script>alert(0)</script>" }
units = ["CHCMGT006"]
judgement_date = 2026-06-30

[[evidence]]
id = "<script>alert(1)</script>"
title = "<script>alert(2)</script>\n<tr><td>forged</td></tr> \" onmouseover=\"alert(3)"
date = 2026-04-20
method = "observation"
judgement = "satisfactory"
units.CHCMGT006 = { covers = ["1.1"] }
"#;

    fn report() -> Report<'static> {
        super::super::checked(HOSTILE)
    }

    #[test]
    fn portfolio_text_is_never_markup() {
        let report = report();
        for page in [record(&report, "<p>.toml"), matrix(&report, "x.toml")] {
            assert!(!page.contains("<script"), "no script element can be written");
            assert!(!page.contains("<tr><td>forged"));
            assert!(!page.contains("\" onmouseover"));
            assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
            assert!(
                !page.contains(" src=") && !page.contains(" href="),
                "nothing to fetch"
            );
        }
        assert!(record(&report, "<p>.toml").contains("&lt;script&gt;alert(2)&lt;/script&gt;\n&lt;tr&gt;"));
    }

    #[test]
    fn line_breaks_go_between_elements_only() {
        let page = "<table><tbody><tr><td>a<b>b</b></td></tr><tr><td>c</td></tr></tbody></table><p>d</p>";
        assert_eq!(
            lines(page),
            "<table>\n<tbody>\n<tr><td>a<b>b</b></td></tr>\n<tr><td>c</td></tr></tbody>\n</table>\n<p>d</p>"
        );
        let report = report();
        let page = record(&report, "t.toml");
        let body = &page[page.find("<body>").expect("a body")..];
        // In the body, every line break was put between two tags, or comes from a document.
        for (i, _) in body.match_indices('\n') {
            let next = &body[i + 1..];
            assert!(
                next.is_empty() || next.starts_with('<') || body[..i].ends_with("alert(2)&lt;/script&gt;"),
                "unexpected line break before {:?}",
                &next[..next.len().min(30)]
            );
        }
    }
}
