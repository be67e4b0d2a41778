//! `competency show`: one unit, whole and readable.

use competency::{Entry, Item, ItemSection, Lineage, RelationKind};

use crate::doc::Block;

/// The unit as a document, with where it stands in the catalog (its releases, what it
/// supersedes and what it is equivalent to).
pub fn unit_blocks(lineage: &Lineage<'_>) -> Vec<Block> {
    let unit = lineage.unit;
    let mut b = vec![Block::Heading(1, format!("{} {}", unit.code, unit.title))];
    let mut facts = vec![
        format!("Release {}", unit.release),
        match unit.status {
            Some(status) => status.as_str().to_owned(),
            None => "status not stated by the source".to_owned(),
        },
        format!("training package {}", unit.code.training_package()),
    ];
    if let Some(months) = unit.currency_months {
        facts.push(format!("evidence current for {months} months"));
    }
    if let Some(field) = &unit.competency_field {
        facts.push(format!("competency field: {field}"));
    }
    if !unit.sectors.is_empty() {
        facts.push(format!("sectors: {}", unit.sectors.join(", ")));
    }
    b.push(Block::Para(facts.join(" · ")));
    if lineage.releases.len() > 1 {
        b.push(Block::Para(releases_line(lineage)));
    }
    let mut list: Vec<(usize, String)> = unit
        .relations
        .iter()
        .map(|r| {
            let what = match (r.kind, r.equivalent) {
                (RelationKind::EquivalentTo, _) => "Equivalent to",
                (RelationKind::Replaces, true) => "Replaces and is equivalent to",
                (RelationKind::Replaces, false) => "Replaces",
                (RelationKind::CoAssess, _) => "May be co-assessed with",
                (RelationKind::Related, _) => "Related",
                (other, _) => other.as_str(),
            };
            let title = r.title.as_deref().map(|t| format!(" {t}")).unwrap_or_default();
            (0, format!("{what}: {}{title}", r.code))
        })
        .collect();
    // What the catalog adds to the unit's own relations: its other releases, and units
    // whose files name this one.
    let code = &unit.code;
    if let Some(previous) = lineage.previous() {
        list.push((0, format!("Supersedes: {code} release {previous}")));
    }
    if let Some(next) = lineage.next() {
        list.push((0, format!("Superseded by: {code} release {next}")));
    }
    for other in &lineage.replaced_by {
        list.push((0, format!("Replaced by: {other} (its unit file says so)")));
    }
    for other in &lineage.equivalent_from {
        list.push((0, format!("Equivalent to: {other} (its unit file says so)")));
    }
    if !list.is_empty() {
        b.push(Block::List(list));
    }
    for (heading, text) in [
        ("Descriptor", &unit.descriptor),
        ("Application", &unit.application),
        ("Licensing", &unit.licensing),
        ("Prerequisites", &unit.prerequisites),
    ] {
        if let Some(text) = text {
            b.push(Block::Heading(2, heading.to_owned()));
            b.push(Block::Para(text.trim().to_owned()));
        }
    }
    if !unit.history.is_empty() {
        b.push(Block::Heading(2, "Modification history".to_owned()));
        b.push(Block::List(
            unit.history
                .iter()
                .map(|h| (0, format!("Release {}: {}", h.release, h.text)))
                .collect(),
        ));
    }

    b.push(Block::Heading(2, "Elements and performance criteria".to_owned()));
    for element in &unit.elements {
        b.push(Block::Heading(3, format!("{} {}", element.id, element.title)));
        b.push(Block::List(
            element
                .criteria
                .iter()
                .map(|c| {
                    let range = if c.range.is_empty() {
                        String::new()
                    } else {
                        let tags: Vec<&str> = c.range.iter().map(|t| t.as_str()).collect();
                        format!(" [range: {}]", tags.join(", "))
                    };
                    (0, format!("{} {}{range}", c.id, c.text))
                })
                .collect(),
        ));
    }

    if !unit.evidence.is_empty() {
        b.push(Block::Heading(2, "Evidence requirements".to_owned()));
        let mut list = Vec::new();
        for e in &unit.evidence {
            list.push((0, format!("{} ({}) {}", e.id, e.kind.as_str(), e.text)));
            list.push((1, rule_line(e.rule.as_ref())));
        }
        b.push(Block::List(list));
    }
    if !unit.activities.is_empty() || !unit.option_lists.is_empty() {
        b.push(Block::Heading(2, "Vocabulary for evidence".to_owned()));
        if !unit.activities.is_empty() {
            b.push(Block::Para("Activity tags:".to_owned()));
            b.push(Block::List(
                unit.activities
                    .iter()
                    .map(|a| (0, format!("{}: {}", a.id, a.text)))
                    .collect(),
            ));
        }
        for list in &unit.option_lists {
            b.push(Block::Para(format!("Option list {} ({}):", list.id, list.text)));
            let mut entries = Vec::new();
            for option in &list.options {
                let methods = if option.methods.is_empty() {
                    String::new()
                } else {
                    let m: Vec<&str> = option.methods.iter().map(|m| m.as_str()).collect();
                    format!(" (shown by methods: {})", m.join(", "))
                };
                entries.push((0, format!("{}: {}{methods}", option.id, option.text)));
                entries.extend(option.items.iter().map(|i| (1, i.clone())));
            }
            b.push(Block::List(entries));
        }
    }
    for section in [&unit.knowledge, &unit.skills].into_iter().flatten() {
        item_section(&mut b, section);
    }
    if !unit.conditions.is_empty() {
        b.push(Block::Heading(2, "Assessment conditions".to_owned()));
        let mut list = Vec::new();
        for c in &unit.conditions {
            list.push((0, format!("{} ({}) {}", c.id, c.kind.as_str(), c.text)));
            entries(&mut list, &c.items, 1);
            if c.rule.is_some() {
                list.push((1, rule_line(c.rule.as_ref())));
            }
        }
        b.push(Block::List(list));
    }
    if !unit.range.is_empty() {
        b.push(Block::Heading(2, "Range statement".to_owned()));
        for variable in &unit.range {
            b.push(Block::Heading(
                3,
                format!(
                    "{} ({}; {})",
                    variable.term,
                    variable.strength.as_str(),
                    variable.id
                ),
            ));
            b.push(Block::Para(variable.text.clone()));
            let mut list = Vec::new();
            entries(&mut list, &variable.items, 0);
            b.push(Block::List(list));
        }
    }
    if !unit.foundation_skills.is_empty() {
        b.push(Block::Heading(2, "Foundation skills".to_owned()));
        b.push(Block::Table(
            vec!["Skill".to_owned(), "Description".to_owned()],
            unit.foundation_skills
                .iter()
                .map(|f| vec![f.skill.clone(), f.text.clone()])
                .collect(),
        ));
    }
    if !unit.key_competencies.is_empty() {
        b.push(Block::Heading(2, "Key competency levels".to_owned()));
        b.push(Block::Table(
            vec!["Key competency".to_owned(), "Level".to_owned(), "Used".to_owned()],
            unit.key_competencies
                .iter()
                .map(|k| vec![k.name.clone(), k.level.to_string(), k.text.clone()])
                .collect(),
        ));
    }
    if !unit.notes.is_empty() {
        b.push(Block::Heading(2, "Notes from the source".to_owned()));
        for note in &unit.notes {
            b.push(Block::Heading(3, note.heading.clone()));
            if let Some(text) = &note.text {
                b.push(Block::Para(text.trim().to_owned()));
            }
            if !note.items.is_empty() {
                let mut list = Vec::new();
                entries(&mut list, &note.items, 0);
                b.push(Block::List(list));
            }
        }
    }
    b
}

/// The releases of the code in the catalog, and which one a reference without a release means.
fn releases_line(lineage: &Lineage<'_>) -> String {
    let unit = lineage.unit;
    let all: Vec<String> = lineage.releases.iter().map(u32::to_string).collect();
    let latest = lineage.releases.last().copied().unwrap_or(unit.release);
    let latest = format!("{} without a release means release {latest}", unit.code);
    let this = if lineage.is_latest() {
        "This is the latest: "
    } else {
        ""
    };
    format!("Releases in the catalog: {}. {this}{latest}.", all.join(", "))
}

fn rule_line(rule: Option<&competency::Rule>) -> String {
    match rule {
        Some(rule) => format!("checked: {}", rule.describe()),
        None => "checked: an evidence item claims this requirement".to_owned(),
    }
}

fn item_section(b: &mut Vec<Block>, section: &ItemSection) {
    fn walk(list: &mut Vec<(usize, String)>, items: &[Item], depth: usize) {
        for item in items {
            list.push((depth, format!("{} {}", item.id, item.text)));
            walk(list, &item.items, depth + 1);
        }
    }
    b.push(Block::Heading(2, section.heading.clone()));
    if let Some(lead) = &section.lead {
        b.push(Block::Para(lead.trim().to_owned()));
    }
    let mut list = Vec::new();
    walk(&mut list, &section.items, 0);
    b.push(Block::List(list));
}

fn entries(list: &mut Vec<(usize, String)>, items: &[Entry], depth: usize) {
    for entry in items {
        list.push((depth, entry.text().to_owned()));
        entries(list, entry.items(), depth + 1);
    }
}
