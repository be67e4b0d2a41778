//! Facts to words: the only place that writes a `missing` sentence. Every sentence is built
//! from the structured facts the report carries (`tally`, `not_counted`), so a platform can
//! write its own from the same fields.

use crate::report::{NotCounted, Tally};
use crate::rule::items;

/// A requirement an item must claim, unmet.
pub(super) fn claimed(not_counted: &[NotCounted]) -> String {
    if not_counted.is_empty() {
        "no evidence item claims it".to_owned()
    } else {
        format!(
            "claimed only by items that do not count: {}",
            reasons(not_counted)
        )
    }
}

/// A parent knowledge or skill item, unmet: the sub-items not met.
pub(super) fn parent<'a>(unmet: impl Iterator<Item = &'a str>) -> String {
    format!("not yet met: {}", unmet.collect::<Vec<_>>().join(", "))
}

/// "E3 (judgement pending), E7 (not satisfactory)".
fn reasons(not_counted: &[NotCounted]) -> String {
    not_counted
        .iter()
        .map(|n| format!("{} ({})", n.item, n.reason.words()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A rule that does not hold, in plain words with the numbers; a rule with a filter ends by
/// naming the items it selects that do not count.
pub(super) fn rule(t: &Tally) -> String {
    let mut out = rule_inner(t);
    if !t.not_counted.is_empty() && !matches!(t.rule, "covers" | "all" | "any") {
        out.push_str(&format!(" (not counted: {})", reasons(&t.not_counted)));
    }
    out
}

fn rule_inner(t: &Tally) -> String {
    let words = t.filter.describe();
    let (have, need) = (t.have, t.need);
    let more = need.saturating_sub(have);
    match t.rule {
        "count" if have == 0 => format!("no items{words} yet; {need} needed"),
        "count" => format!(
            "{have} of {need} items{words}: {}; {more} more needed",
            t.values.join(", ")
        ),
        "distinct" if have == 0 => format!("0 of {need} distinct {} among items{words}; none yet", t.counts),
        "distinct" => format!(
            "{have} of {need} distinct {} among items{words}: {}; {more} more needed",
            t.counts,
            t.values.join(", ")
        ),
        "options" => format!(
            "{have} of {need} options of {} shown{}; {more} more needed from: {}",
            t.list.as_deref().unwrap_or_default(),
            if have == 0 {
                String::new()
            } else {
                format!(": {}", t.values.join(", "))
            },
            t.remaining.join(", ")
        ),
        "per-item" => {
            let plural = t.field.map_or("values", |f| f.plural());
            let mut out = format!(
                "{have} of {need} {}{words} involving at least {} distinct {plural}{}",
                items(need),
                t.per_item.unwrap_or_default(),
                if need == 1 { "" } else { " each" }
            );
            match &t.closest {
                Some(c) => out.push_str(&format!(
                    "; closest: {} with {} ({})",
                    c.item,
                    c.values.len(),
                    if c.values.is_empty() {
                        "none".to_owned()
                    } else {
                        c.values.join(", ")
                    }
                )),
                None if have == 0 => out.push_str(&format!("; no items{words} yet")),
                None => {}
            }
            out
        }
        "spread" => {
            let mut parts = Vec::new();
            if have < need {
                parts.push(format!(
                    "items{words} on {have} of {need} distinct dates{}; {more} more needed",
                    if t.values.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", t.values.join(", "))
                    }
                ));
            }
            if let Some(span) = t.span_days.filter(|s| s.have < i64::from(s.need)) {
                parts.push(format!("items{words} span {} of {} days", span.have, span.need));
            }
            parts.join("; ")
        }
        "covers" => format!("not yet met: {}", t.remaining.join(", ")),
        "all" => t
            .parts
            .iter()
            .filter(|p| !p.met)
            .map(rule)
            .collect::<Vec<_>>()
            .join("; and "),
        "any" => format!(
            "one of these is needed: {}",
            t.parts
                .iter()
                .map(|p| format!("({})", rule(p)))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        other => format!("rule {other} not met"),
    }
}
