//! The second phase of loading a unit: checks that serde cannot express, every problem
//! collected with the path of the value at fault.

mod rule;

use crate::check::MAX_CURRENCY_MONTHS;
use crate::hash::HashSet;
use crate::text::{code_point, is_hidden_char};
use std::fmt;

use crate::error::{ErrorCode, Problem};
use crate::ids::ItemId;
use crate::path::{At, Path};
use crate::suggest::did_you_mean;
use crate::unit::{Entry, Item, ItemSection, Unit};

/// Every problem with a parsed unit, in document order.
pub(crate) fn validate_unit(unit: &Unit) -> Vec<Problem> {
    let mut v = Validator {
        unit,
        problems: Vec::new(),
    };
    v.run();
    v.problems
}

struct Validator<'a> {
    unit: &'a Unit,
    problems: Vec<Problem>,
}

impl Validator<'_> {
    fn push(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    fn text(&mut self, at: At<'_>, text: &str, what: impl fmt::Display) {
        // Most wording is printable ASCII and line breaks: one pass over the bytes settles it
        // (of those, only a space and a line break are white space, and none is hidden).
        // (A fold, not `all`: without an early exit the loop is vectorised.)
        let plain = text.bytes().fold(true, |plain, b| {
            plain & ((0x20..0x7f).contains(&b) | (b == b'\n'))
        });
        let empty = if plain {
            text.bytes().all(|b| b == b' ' || b == b'\n')
        } else {
            text.chars().all(|c| c.is_whitespace() || is_hidden_char(c))
        };
        if empty {
            self.push(
                Problem::new(ErrorCode::EmptyText, at.path(), format!("{what} is empty"))
                    .help("write the source's wording"),
            );
        } else if let Some(c) = (!plain)
            .then(|| text.chars().find(|c| *c != '\n' && is_hidden_char(*c)))
            .flatten()
        {
            // Source wording never needs a terminal escape, a tab or a bidi override.
            self.push(
                Problem::new(
                    ErrorCode::InvalidCharacter,
                    at.path(),
                    format!(
                        "{what} holds the control or invisible character {}",
                        code_point(c)
                    ),
                )
                .help("remove it; keep the source's wording and plain line breaks"),
            );
        }
    }

    fn opt_text(&mut self, at: At<'_>, text: Option<&str>, what: impl fmt::Display) {
        if let Some(text) = text {
            self.text(at, text, what);
        }
    }

    fn non_empty<T>(&mut self, at: At<'_>, list: &[T], what: impl fmt::Display) -> bool {
        if list.is_empty() {
            self.push(Problem::new(
                ErrorCode::EmptyList,
                at.path(),
                format!("{what} has no entries"),
            ));
            false
        } else {
            true
        }
    }

    fn run(&mut self) {
        let unit = self.unit;
        let root = At::Root;
        self.text(root.key("title"), &unit.title, "the unit title");
        if let Some(months) = unit.currency_months {
            if months == 0 || months > MAX_CURRENCY_MONTHS {
                self.push(
                    Problem::new(
                        ErrorCode::InvalidValue,
                        root.key("currency_months").path(),
                        format!(
                            "a currency window of {months} months is not between 1 and {MAX_CURRENCY_MONTHS}"
                        ),
                    )
                    .help("give the window the unit's licensing sets, or leave it out"),
                );
            }
        }
        if unit.release == 0 {
            self.push(
                Problem::new(
                    ErrorCode::InvalidValue,
                    root.key("release").path(),
                    "release 0 does not exist",
                )
                .help("releases are numbered from 1; use 1 when the source states none"),
            );
        }
        for (field, value) in [
            ("competency_field", &unit.competency_field),
            ("descriptor", &unit.descriptor),
            ("application", &unit.application),
            ("licensing", &unit.licensing),
            ("prerequisites", &unit.prerequisites),
        ] {
            self.opt_text(root.key(field), value.as_deref(), format_args!("`{field}`"));
        }
        for (i, sector) in unit.sectors.iter().enumerate() {
            self.text(root.key("sectors").index(i), sector, "a sector");
        }
        for (i, entry) in unit.history.iter().enumerate() {
            self.text(
                root.key("history").index(i).key("text"),
                &entry.text,
                "a history entry",
            );
        }
        self.relations();
        self.vocabularies();
        self.elements();
        self.items(root.key("knowledge"), unit.knowledge.as_ref(), "knowledge");
        self.items(root.key("skills"), unit.skills.as_ref(), "skill");
        self.requirement_ids();
        self.range();
        let conditions = root.key("conditions");
        for (i, c) in unit.conditions.iter().enumerate() {
            let path = conditions.index(i);
            self.text(path.key("text"), &c.text, "an assessment condition");
            self.entries(path.key("items"), &c.items);
        }
        for (i, e) in unit.evidence.iter().enumerate() {
            self.text(
                root.key("evidence").index(i).key("text"),
                &e.text,
                "an evidence requirement",
            );
        }
        let skills = root.key("foundation_skills");
        for (i, fs) in unit.foundation_skills.iter().enumerate() {
            let path = skills.index(i);
            self.text(path.key("skill"), &fs.skill, "a foundation skill");
            self.text(path.key("text"), &fs.text, "a foundation skill's description");
        }
        let competencies = root.key("key_competencies");
        for (i, kc) in unit.key_competencies.iter().enumerate() {
            let path = competencies.index(i);
            self.text(path.key("name"), &kc.name, "a key competency");
            self.text(path.key("text"), &kc.text, "a key competency's use");
            if !(1..=3).contains(&kc.level) {
                self.push(
                    Problem::new(
                        ErrorCode::InvalidValue,
                        path.key("level").path(),
                        format!("key competency level {} does not exist", kc.level),
                    )
                    .help("key competency levels are 1, 2 or 3"),
                );
            }
        }
        let notes = root.key("notes");
        for (i, note) in unit.notes.iter().enumerate() {
            let path = notes.index(i);
            self.text(path.key("heading"), &note.heading, "a note's heading");
            self.opt_text(path.key("text"), note.text.as_deref(), "a note's text");
            self.entries(path.key("items"), &note.items);
            if note.text.is_none() && note.items.is_empty() {
                self.push(Problem::new(
                    ErrorCode::EmptyText,
                    path.path(),
                    format!("note \"{}\" has neither text nor items", note.heading),
                ));
            }
        }
        self.rules();
    }

    fn relations(&mut self) {
        let unit = self.unit;
        let mut seen = HashSet::default();
        let root = At::Root;
        let relations = root.key("relations");
        for (i, relation) in unit.relations.iter().enumerate() {
            let path = relations.index(i);
            if relation.code == unit.code {
                self.push(Problem::new(
                    ErrorCode::SelfRelation,
                    path.key("code").path(),
                        format!("{} names itself in `relations`", unit.code),
                    )
                    .help("a unit cannot be equivalent to, replace or be co-assessed with itself; remove this relation"),
                );
            }
            if !seen.insert((relation.kind, &relation.code)) {
                self.push(Problem::new(
                    ErrorCode::DuplicateId,
                    path.key("code").path(),
                    format!("relation to {} is listed twice", relation.code),
                ));
            }
            if relation.equivalent && relation.kind != crate::unit::RelationKind::Replaces {
                self.push(
                    Problem::new(
                        ErrorCode::InvalidValue,
                        path.key("equivalent").path(),
                        "`equivalent = true` only qualifies `kind = \"replaces\"`",
                    )
                    .help("use `kind = \"equivalent-to\"` for a plain equivalence"),
                );
            }
        }
    }

    fn vocabularies(&mut self) {
        let unit = self.unit;
        let mut activities = HashSet::default();
        let root = At::Root;
        let all_activities = root.key("activities");
        for (i, a) in unit.activities.iter().enumerate() {
            let path = all_activities.index(i);
            if !activities.insert(&a.id) {
                self.push(duplicate(path.key("id").path(), "activity", a.id.as_str()));
            }
            self.text(path.key("text"), &a.text, "an activity's description");
        }
        let mut lists = HashSet::default();
        let mut options = HashSet::default();
        let all_lists = root.key("option_lists");
        for (i, list) in unit.option_lists.iter().enumerate() {
            let path = all_lists.index(i);
            if !lists.insert(&list.id) {
                self.push(duplicate(path.key("id").path(), "option list", list.id.as_str()));
            }
            self.text(path.key("text"), &list.text, "an option list's description");
            self.non_empty(
                path.key("options"),
                &list.options,
                format_args!("option list `{}`", list.id),
            );
            let list_options = path.key("options");
            for (j, option) in list.options.iter().enumerate() {
                let path = list_options.index(j);
                // Portfolios name options without their list, so they are unique across lists.
                if !options.insert(&option.id) {
                    self.push(duplicate(path.key("id").path(), "option", option.id.as_str()));
                }
                self.text(path.key("text"), &option.text, "an option");
            }
        }
    }

    fn elements(&mut self) {
        let unit = self.unit;
        let top = At::Root;
        let root = top.key("elements");
        if !self.non_empty(root, &unit.elements, "`elements`") {
            return;
        }
        let mut elements = HashSet::default();
        // Sized up front: a unit has tens of criteria, and growing the set rehashes them.
        let mut criteria = sized_set(unit.criteria().count());
        let mut last_element = 0;
        for (i, element) in unit.elements.iter().enumerate() {
            let path = root.index(i);
            if !elements.insert(&element.id) {
                self.push(duplicate(path.key("id").path(), "element", element.id.as_str()));
            } else if element.id.number() <= last_element {
                self.push(
                    Problem::new(
                        ErrorCode::OutOfOrder,
                        path.key("id").path(),
                        format!("element {} comes after element {last_element}", element.id),
                    )
                    .help("list elements in the source's (ascending) order"),
                );
            }
            last_element = last_element.max(element.id.number());
            self.text(path.key("title"), &element.title, "an element title");
            self.non_empty(
                path.key("criteria"),
                &element.criteria,
                format_args!("element {}", element.id),
            );
            let mut last = 0;
            let element_criteria = path.key("criteria");
            for (j, criterion) in element.criteria.iter().enumerate() {
                let path = element_criteria.index(j);
                let (e, c) = criterion.id.numbers();
                if criterion.id.element_str() != element.id.as_str() {
                    self.push(
                        Problem::new(
                            ErrorCode::CriterionOutsideElement,
                            path.key("id").path(),
                            format!(
                                "criterion {} is listed under element {}, but its number places it under element {e}",
                                criterion.id, element.id
                            ),
                        )
                        .help(format!(
                            "move it under element {e}, or correct its number to one of element {}",
                            element.id
                        )),
                    );
                } else if !criteria.insert(&criterion.id) {
                    self.push(duplicate(
                        path.key("id").path(),
                        "criterion",
                        criterion.id.as_str(),
                    ));
                } else if c <= last {
                    self.push(
                        Problem::new(
                            ErrorCode::OutOfOrder,
                            path.key("id").path(),
                            format!(
                                "criterion {} comes after criterion {}.{last}",
                                criterion.id, element.id
                            ),
                        )
                        .help("list criteria in the source's (ascending) order"),
                    );
                }
                last = last.max(c);
                self.text(path.key("text"), &criterion.text, "a criterion");
            }
        }
    }

    fn items(&mut self, path: At<'_>, section: Option<&ItemSection>, what: &str) {
        let Some(section) = section else { return };
        self.text(
            path.key("heading"),
            &section.heading,
            format_args!("the {what} heading"),
        );
        self.opt_text(
            path.key("lead"),
            section.lead.as_deref(),
            format_args!("the {what} lead-in"),
        );
        self.non_empty(
            path.key("items"),
            &section.items,
            format_args!("the {what} section"),
        );
        self.item_list(path.key("items"), &section.items, None, what);
    }

    fn item_list(&mut self, path: At<'_>, items: &[Item], parent: Option<&ItemId>, what: &str) {
        for (i, item) in items.iter().enumerate() {
            let path = path.index(i);
            if let Some(parent) = parent {
                let nested = item
                    .id
                    .as_str()
                    .strip_prefix(parent.as_str())
                    .is_some_and(|rest| rest.starts_with('.'));
                if !nested {
                    self.push(
                        Problem::new(
                            ErrorCode::ItemOutsideParent,
                            path.key("id").path(),
                            format!("{what} item {} is nested under {parent}", item.id),
                        )
                        .help(format!(
                            "number sub-items of {parent} as {parent}.1, {parent}.2, ..."
                        )),
                    );
                }
            }
            self.text(path.key("text"), &item.text, format_args!("a {what} item"));
            self.item_list(path.key("items"), &item.items, Some(&item.id), what);
        }
    }

    /// Evidence requirements, knowledge and skill items and conditions share one namespace:
    /// a portfolio names any of them in `covers`.
    fn requirement_ids(&mut self) {
        let unit = self.unit;
        // Nearly always every ID is new: settle that before building the paths a message needs.
        let mut ids: Vec<&ItemId> = unit.evidence.iter().map(|e| &e.id).collect();
        for section in [&unit.knowledge, &unit.skills].into_iter().flatten() {
            item_ids(&section.items, &mut ids);
        }
        ids.extend(unit.conditions.iter().map(|c| &c.id));
        let mut seen = sized_set(ids.len());
        if ids.into_iter().all(|id| seen.insert(id)) {
            return;
        }
        let mut found: Vec<(Path, &ItemId)> = Vec::new();
        for (i, e) in unit.evidence.iter().enumerate() {
            found.push((Path::root().key("evidence").index(i).key("id"), &e.id));
        }
        for (key, section) in [("knowledge", &unit.knowledge), ("skills", &unit.skills)] {
            if let Some(section) = section {
                collect_item_ids(Path::root().key(key).key("items"), &section.items, &mut found);
            }
        }
        for (i, c) in unit.conditions.iter().enumerate() {
            found.push((Path::root().key("conditions").index(i).key("id"), &c.id));
        }
        let mut first: std::collections::HashMap<&ItemId, Path> = std::collections::HashMap::new();
        for (path, id) in found {
            if let Some(earlier) = first.get(id) {
                self.push(
                    Problem::new(
                        ErrorCode::DuplicateId,
                        path,
                        format!("requirement `{id}` is defined twice (first at {earlier})"),
                    )
                    .help("evidence requirements, knowledge and skill items and conditions share one set of IDs; give each its own"),
                );
            } else {
                first.insert(id, path);
            }
        }
    }

    fn range(&mut self) {
        let unit = self.unit;
        let mut seen = HashSet::default();
        let root = At::Root;
        let variables = root.key("range");
        for (i, variable) in unit.range.iter().enumerate() {
            let path = variables.index(i);
            if !seen.insert(&variable.id) {
                self.push(duplicate(
                    path.key("id").path(),
                    "range variable",
                    variable.id.as_str(),
                ));
            }
            self.text(path.key("term"), &variable.term, "a range variable's term");
            self.text(path.key("text"), &variable.text, "a range variable's lead-in");
            self.non_empty(
                path.key("items"),
                &variable.items,
                format_args!("range variable `{}`", variable.id),
            );
            self.entries(path.key("items"), &variable.items);
        }
        let names: Vec<&str> = unit.range.iter().map(|r| r.id.as_str()).collect();
        for (i, element) in unit.elements.iter().enumerate() {
            for (j, criterion) in element.criteria.iter().enumerate() {
                for (k, tag) in criterion.range.iter().enumerate() {
                    if !names.contains(&tag.as_str()) {
                        let path = Path::root()
                            .key("elements")
                            .index(i)
                            .key("criteria")
                            .index(j)
                            .key("range")
                            .index(k);
                        self.push(
                            Problem::new(
                                ErrorCode::UnknownRangeVariable,
                                path,
                                format!("criterion {} points at range variable `{tag}`, which the unit does not declare", criterion.id),
                            )
                            .maybe_help(did_you_mean(tag.as_str(), names.iter().copied()).or_else(|| {
                                Some("declare it in a [[range]] table".to_owned())
                            })),
                        );
                    }
                }
            }
        }
    }

    fn entries(&mut self, path: At<'_>, entries: &[Entry]) {
        for (i, entry) in entries.iter().enumerate() {
            let path = path.index(i);
            match entry {
                Entry::Text(text) => self.text(path, text, "a listed entry"),
                Entry::Nested { text, items } => {
                    self.text(path.key("text"), text, "a listed entry");
                    self.entries(path.key("items"), items);
                }
            }
        }
    }
}

fn item_ids<'a>(items: &'a [Item], out: &mut Vec<&'a ItemId>) {
    for item in items {
        out.push(&item.id);
        item_ids(&item.items, out);
    }
}

fn collect_item_ids<'a>(path: Path, items: &'a [Item], out: &mut Vec<(Path, &'a ItemId)>) {
    for (i, item) in items.iter().enumerate() {
        out.push((path.index(i).key("id"), &item.id));
        collect_item_ids(path.index(i).key("items"), &item.items, out);
    }
}

/// An empty set with room for `n` values.
fn sized_set<T>(n: usize) -> HashSet<T> {
    HashSet::with_capacity_and_hasher(n, Default::default())
}

fn duplicate(path: Path, what: &str, id: &str) -> Problem {
    Problem::new(
        ErrorCode::DuplicateId,
        path,
        format!("{what} `{id}` is defined twice"),
    )
    .help("give each its own ID, or remove the repeat")
}
