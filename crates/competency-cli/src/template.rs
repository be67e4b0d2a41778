//! `competency template`: a starter portfolio with every requirement listed as comments.

use competency::{Date, Item, Unit};

/// A TOML portfolio for these units that parses and checks as it is (with every requirement
/// unmet), listing what each unit's evidence can claim; judged as of `today`.
pub fn portfolio(units: &[&Unit], today: Date) -> String {
    // taplo (Even Better TOML) reads a `#:schema` comment before the first key: completion and
    // checking against the schema beside the file.
    let mut out = String::from("#:schema ./portfolio.schema.json\n");
    out.push_str(
        "# For completion and checking in an editor (taplo, Even Better TOML), put the portfolio's\n\
         # schema beside this file: competency schema portfolio > portfolio.schema.json\n",
    );
    let names: Vec<String> = units
        .iter()
        .map(|u| format!("{} {}", u.code, one_line(&u.title)))
        .collect();
    out.push_str(&format!("# Evidence portfolio for {}.\n", names.join("; ")));
    out.push_str(
        "# Format reference: docs/portfolio-format.md. Check it with: competency check THIS-FILE\n\n",
    );
    out.push_str("format = 1\n");
    out.push_str("candidate = { id = \"CANDIDATE-ID\", name = \"Candidate name\" }\n");
    out.push_str("assessor = { id = \"ASSESSOR-ID\", name = \"Assessor name\" }\n");
    let refs: Vec<String> = units
        .iter()
        .map(|u| format!("\"{}@{}\"", u.code, u.release))
        .collect();
    out.push_str(&format!("units = [{}]\n", refs.join(", ")));
    out.push_str(&format!(
        "judgement_date = {today}          # the day of the judgement: evidence is current relative to it\n\n"
    ));
    out.push_str("[policy]\n");
    out.push_str("currency_years = 3                 # evidence older than this does not count\n");
    out.push_str("verify = [\"third-party-report\", \"workplace-document\", \"rpl-document\"]\n");
    for unit in units {
        out.push('\n');
        out.push_str(&unit_comments(unit));
    }
    out.push_str("\n# One [[evidence]] table per item. Copy this one for each item.\n");
    out.push_str("[[evidence]]\n");
    out.push_str("id = \"E1\"\n");
    out.push_str("title = \"What the item is\"\n");
    out.push_str("date = 2026-01-01                  # end_date = ... for a period\n");
    out.push_str("method = \"observation\"             # questioning, third-party-report, workplace-document, case-study, project, portfolio, scenario, simulation, product, rpl-document\n");
    out.push_str("environment = \"workplace\"          # or \"simulated\"\n");
    out.push_str("context = \"Where, or on what occasion\"\n");
    out.push_str("clients = []                       # pseudonymous client IDs, such as [\"C1\", \"C2\"]\n");
    out.push_str("# service_period = \"2026-Q1\"\n");
    out.push_str("judgement = \"pending\"              # satisfactory, not-satisfactory or pending\n");
    out.push_str("# verification = { by = \"Name\", role = \"Supervisor\", date = 2026-01-02 }\n");
    for unit in units {
        out.push_str(&format!("\n[evidence.units.{}]\n", unit.code));
        out.push_str("covers = []                        # criteria and requirement IDs listed above\n");
        if !unit.activities.is_empty() {
            out.push_str("activities = []\n");
        }
        if !unit.option_lists.is_empty() {
            out.push_str("options = []\n");
        }
    }
    out
}

fn unit_comments(unit: &Unit) -> String {
    let mut out = format!(
        "# {} {} (release {}): IDs an item can claim in `covers`\n",
        unit.code,
        one_line(&unit.title),
        unit.release
    );
    out.push_str("#\n# Performance criteria\n");
    for element in &unit.elements {
        out.push_str(&format!(
            "#   Element {} {}\n",
            element.id,
            one_line(&element.title)
        ));
        for c in &element.criteria {
            out.push_str(&format!("#     {} {}\n", c.id, one_line(&c.text)));
        }
    }
    if !unit.evidence.is_empty() {
        out.push_str("#\n# Evidence requirements\n");
        for e in &unit.evidence {
            out.push_str(&format!("#   {} {}\n", e.id, one_line(&e.text)));
            match &e.rule {
                Some(rule) => out.push_str(&format!("#       checked: {}\n", one_line(&rule.describe()))),
                None => out.push_str("#       checked: an item claims it in `covers`\n"),
            }
        }
    }
    for section in [&unit.knowledge, &unit.skills].into_iter().flatten() {
        out.push_str(&format!("#\n# {}\n", one_line(&section.heading)));
        items(&mut out, &section.items, 1);
    }
    let ruled: Vec<_> = unit.conditions.iter().filter(|c| c.rule.is_some()).collect();
    if !ruled.is_empty() {
        out.push_str("#\n# Assessment conditions shown by evidence\n");
        for c in ruled {
            out.push_str(&format!("#   {} {}\n", c.id, one_line(&c.text)));
        }
    }
    if !unit.activities.is_empty() {
        out.push_str("#\n# Activity tags (for `activities`)\n");
        for a in &unit.activities {
            out.push_str(&format!("#   {}: {}\n", a.id, one_line(&a.text)));
        }
    }
    for list in &unit.option_lists {
        out.push_str(&format!("#\n# Options of {} (for `options`)\n", list.id));
        for o in &list.options {
            out.push_str(&format!("#   {}: {}\n", o.id, one_line(&o.text)));
        }
    }
    out
}

fn items(out: &mut String, items_: &[Item], depth: usize) {
    for item in items_ {
        out.push_str(&format!(
            "#{}{} {}\n",
            "  ".repeat(depth),
            item.id,
            one_line(&item.text)
        ));
        items(out, &item.items, depth + 1);
    }
}

/// A unit's text on one comment line: a line break in it (unit text keeps the source's) would
/// end the comment, and what follows would be read as TOML.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
