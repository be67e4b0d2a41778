//! Findings grouped for the record: one line per finding code, listing its items, instead of
//! one line per finding (twenty items assessed together are one `clustered` line).

use std::collections::HashSet;

use competency::{Finding, FindingCode, Severity};

/// The findings of one code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group<'r> {
    /// The finding code.
    pub code: FindingCode,
    /// The most serious severity among its findings.
    pub severity: Severity,
    /// The items concerned, each once, in the order the findings name them.
    pub items: Vec<&'r str>,
    /// The messages of the findings that concern no item (the whole portfolio).
    pub messages: Vec<&'r str>,
}

/// The findings grouped by code, in the documented order of the codes.
pub fn grouped(findings: &[Finding]) -> Vec<Group<'_>> {
    FindingCode::ALL
        .iter()
        .filter_map(|&code| {
            let of_code: Vec<&Finding> = findings.iter().filter(|f| f.code == code).collect();
            let severity = of_code.iter().map(|f| f.severity).max()?;
            let mut seen = HashSet::new();
            let items: Vec<&str> = of_code
                .iter()
                .filter_map(|f| f.item.as_deref())
                .filter(|item| seen.insert(*item))
                .collect();
            let messages = of_code
                .iter()
                .filter(|f| f.item.is_none())
                .map(|f| f.message.as_str())
                .collect();
            Some(Group {
                code,
                severity,
                items,
                messages,
            })
        })
        .collect()
}

/// The meaning given a code [`meaning`] has no words for.
const UNKNOWN_MEANING: &str = "see docs/findings.md";

/// What a finding code means, in a few words for the grouped line.
pub fn meaning(code: FindingCode) -> &'static str {
    match code {
        FindingCode::Stale => "dated before the currency window; does not count",
        FindingCode::AfterJudgementDate => "dated after the judgement date; does not count",
        FindingCode::Unverified => {
            "gathered by a method the policy requires to be verified, with no verification recorded"
        }
        FindingCode::PendingJudgement => "not judged yet; does not count until judged satisfactory",
        FindingCode::NotSatisfactory => "judged not satisfactory; does not count",
        FindingCode::MapsToNothing => "mapped to no requirement of any unit checked",
        FindingCode::Clustered => "counts for more than one unit checked (clustered assessment)",
        FindingCode::DecidedByRule => {
            "names in `covers` a requirement that its rule decides; naming it has no effect"
        }
        FindingCode::JudgementDateDefaulted => "the check used the day it ran as the judgement date",
        FindingCode::DecisionContradictsEvidence => {
            "the recorded decision is not supported by the evidence or the units held"
        }
        FindingCode::DecisionAfterJudgementDate => "the recorded decision is dated after the judgement date",
        // A code this command does not know yet (the library is newer): its code, which
        // docs/findings.md explains, is on the line already.
        _ => UNKNOWN_MEANING,
    }
}

/// `Item` or `Items`, before the list of a group's items.
pub fn items_label(n: usize) -> &'static str {
    if n == 1 { "Item" } else { "Items" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(code: FindingCode, item: Option<&str>) -> Finding {
        // A report's types are read from JSON outside the library, not written as literals.
        serde_json::from_value(serde_json::json!({
            "code": code,
            "severity": Severity::Info,
            "item": item,
            "message": "m",
        }))
        .unwrap()
    }

    #[test]
    fn every_finding_code_has_words() {
        for &code in FindingCode::ALL {
            assert_ne!(meaning(code), UNKNOWN_MEANING, "{code}");
        }
    }

    #[test]
    fn twenty_clustered_items_are_one_line_and_codes_keep_their_documented_order() {
        let mut findings: Vec<Finding> = (1..=20)
            .map(|i| finding(FindingCode::Clustered, Some(&format!("E{i}"))))
            .collect();
        findings.insert(3, finding(FindingCode::Stale, Some("E4")));
        findings.push(finding(FindingCode::DecidedByRule, Some("E2")));
        findings.push(finding(FindingCode::DecidedByRule, Some("E2")));
        let groups = grouped(&findings);
        let codes: Vec<FindingCode> = groups.iter().map(|g| g.code).collect();
        assert_eq!(
            codes,
            [
                FindingCode::Stale,
                FindingCode::Clustered,
                FindingCode::DecidedByRule
            ]
        );
        assert_eq!(groups[1].items.len(), 20);
        assert_eq!(groups[2].items, ["E2"], "an item is listed once per code");
    }
}
