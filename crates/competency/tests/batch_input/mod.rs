//! The batch suites' input: every kind of line, mixed, and records as JSON Lines.

use competency::Record;

pub fn complete() -> serde_json::Value {
    serde_json::from_str(include_str!("../../../../examples/CHCMGT006-complete.json")).unwrap()
}

/// A complete, an incomplete and four kinds of invalid portfolio, one per line.
pub fn kinds() -> Vec<String> {
    let full = complete();
    let mut gaps = full.clone();
    gaps["evidence"].as_array_mut().unwrap().truncate(5);
    let mut unknown = full.clone();
    unknown["units"] = serde_json::json!(["CHCMGT007"]);
    let mut bad_date = full.clone();
    bad_date["evidence"][2]["date"] = serde_json::json!("2026-02-30");
    vec![
        serde_json::to_string(&full).unwrap(),
        serde_json::to_string(&gaps).unwrap(),
        serde_json::to_string(&unknown).unwrap(),
        serde_json::to_string(&bad_date).unwrap(),
        r#"{"format": 1, "candidate": "#.to_owned(),
        "[1, 2, 3]".to_owned(),
    ]
}

/// 200 lines mixing every kind (and a few blank ones).
pub fn mixed() -> String {
    let kinds = kinds();
    let mut text = String::new();
    for i in 0..200 {
        if i % 37 == 5 {
            text.push_str("   \n");
        } else {
            text.push_str(&kinds[(i * 7) % kinds.len()]);
            text.push('\n');
        }
    }
    text
}

pub fn jsonl(records: &[Record]) -> String {
    records.iter().map(Record::to_json_line).collect()
}
