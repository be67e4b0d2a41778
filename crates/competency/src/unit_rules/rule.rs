//! Validating a unit's rules: the vocabularies they name, and rules that no evidence can meet
//! or that every body of evidence meets.

use super::Validator;
use crate::error::{ErrorCode, Problem};
use crate::path::{At, Path};
use crate::rule::{Field, Rule, Scope};
use crate::suggest::{did_you_mean, suggest_criterion};
use crate::unit::Unit;

impl Validator<'_> {
    pub(super) fn rules(&mut self) {
        let unit = self.unit;
        let root = At::Root;
        let evidence = root.key("evidence");
        for (i, e) in unit.evidence.iter().enumerate() {
            if let Some(rule) = &e.rule {
                self.rule(evidence.index(i).key("rule"), rule);
            }
        }
        let conditions = root.key("conditions");
        for (i, c) in unit.conditions.iter().enumerate() {
            if let Some(rule) = &c.rule {
                self.rule(conditions.index(i).key("rule"), rule);
            }
        }
    }

    /// Checks one rule; `path` is turned into a [`Path`] only for a problem, since nearly every
    /// rule has none.
    fn rule(&mut self, path: At<'_>, rule: &Rule) {
        let unit = self.unit;
        if let Some(filter) = rule.filter() {
            if let Some(activity) = &filter.activity {
                if !unit.activities.iter().any(|a| a.id == *activity) {
                    self.push(
                        Problem::new(
                            ErrorCode::UnknownActivity,
                            path.key("where").key("activity").path(),
                            format!("activity `{activity}` is not declared by {}", unit.code),
                        )
                        .maybe_help(
                            did_you_mean(activity.as_str(), unit.activities.iter().map(|a| a.id.as_str()))
                                .or_else(|| Some("declare it in an [[activities]] table".to_owned())),
                        ),
                    );
                }
            }
        }
        let vacuous = |path: Path, what: &str| {
            Problem::new(
                ErrorCode::VacuousRule,
                path,
                format!("{what}: the rule holds even with no evidence"),
            )
            .help("a requirement must ask for at least one thing")
        };
        match rule {
            Rule::Count { min, .. } => {
                if *min == 0 {
                    self.push(vacuous(path.key("min").path(), "`min = 0`"));
                }
            }
            Rule::Distinct { field, min, filter } => {
                if *min == 0 {
                    self.push(vacuous(path.key("min").path(), "`min = 0`"));
                }
                let possible = match field {
                    Field::Method if !filter.method.is_empty() => Some(distinct_count(&filter.method)),
                    Field::Environment if !filter.environment.is_empty() => {
                        Some(distinct_count(&filter.environment))
                    }
                    _ => field.max_values(),
                };
                if let Some(possible) = possible {
                    if *min > possible {
                        self.push(unsatisfiable(
                            path.key("min").path(),
                            *min,
                            possible,
                            &format!("distinct values of `{field}`"),
                        ));
                    }
                }
            }
            Rule::Options { list, min, .. } => {
                if *min == 0 {
                    self.push(vacuous(path.key("min").path(), "`min = 0`"));
                }
                match unit.option_list(list.as_str()) {
                    None => self.push(
                        Problem::new(
                            ErrorCode::UnknownOptionList,
                            path.key("list").path(),
                            format!("option list `{list}` is not declared by {}", unit.code),
                        )
                        .maybe_help(
                            did_you_mean(list.as_str(), unit.option_lists.iter().map(|l| l.id.as_str()))
                                .or_else(|| Some("declare it in an [[option_lists]] table".to_owned())),
                        ),
                    ),
                    Some(declared) => {
                        let possible = declared.options.len() as u32;
                        if *min > possible && possible > 0 {
                            self.push(unsatisfiable(
                                path.key("min").path(),
                                *min,
                                possible,
                                &format!("options in `{list}`"),
                            ));
                        }
                    }
                }
            }
            Rule::PerItem {
                field,
                min_values,
                min,
                ..
            } => {
                if *min == 0 {
                    self.push(vacuous(path.key("min").path(), "`min = 0`"));
                }
                if *min_values == 0 {
                    self.push(vacuous(path.key("min_values").path(), "`min_values = 0`"));
                }
                // One item has one method, environment, date and context; only its clients and
                // service periods can be many.
                if !matches!(field, Field::Client | Field::ServicePeriod) {
                    let possible = 1;
                    if *min_values > possible {
                        self.push(unsatisfiable(
                            path.key("min_values").path(),
                            *min_values,
                            possible,
                            &format!("values of `{field}` on one item"),
                        ));
                    }
                }
            }
            Rule::Spread {
                min_dates,
                min_span_days,
                ..
            } => match (min_dates, min_span_days) {
                (None, None) => self.push(
                    Problem::new(
                        ErrorCode::VacuousRule,
                        path.path(),
                        "a `spread` rule needs `min_dates` or `min_span_days`",
                    )
                    .help("for evidence on more than one date, write `min_dates = 2`"),
                ),
                (Some(0), _) => self.push(vacuous(path.key("min_dates").path(), "`min_dates = 0`")),
                (_, Some(0)) => self.push(vacuous(path.key("min_span_days").path(), "`min_span_days = 0`")),
                _ => {}
            },
            Rule::Covers { of, ids } => {
                if of.is_none() && ids.is_empty() {
                    self.push(
                        Problem::new(ErrorCode::EmptyList, path.path(), "a `covers` rule names nothing")
                            .help("give `of = \"knowledge\"` (or \"skills\", \"criteria\") or `ids = [...]`"),
                    );
                }
                if let Some(scope) = of {
                    let empty = match scope {
                        Scope::Criteria => unit.criteria().next().is_none(),
                        // Without listing the items: a section's items are none when its top
                        // level is empty.
                        Scope::Knowledge => unit.knowledge.as_ref().is_none_or(|s| s.items.is_empty()),
                        Scope::Skills => unit.skills.as_ref().is_none_or(|s| s.items.is_empty()),
                    };
                    if empty {
                        self.push(vacuous(
                            path.key("of").path(),
                            &format!("{} has no {} items", unit.code, scope_name(*scope)),
                        ));
                    }
                }
                // Listed only when there are IDs to look up: most `covers` rules name a scope.
                let leaves = if ids.is_empty() {
                    Vec::new()
                } else {
                    coverable_ids(unit)
                };
                for (i, id) in ids.iter().enumerate() {
                    if !leaves.contains(&id.as_str()) {
                        let help = if id.is_criterion() {
                            let criteria: Vec<_> = unit.criteria().map(|c| c.id.clone()).collect();
                            suggest_criterion(id.as_str(), &criteria).map(|c| format!("did you mean `{c}`?"))
                        } else {
                            did_you_mean(id.as_str(), leaves.iter().copied())
                        };
                        self.push(
                            Problem::new(
                                ErrorCode::UnknownRequirement,
                                path.key("ids").index(i).path(),
                                format!(
                                    "`{id}` is not a criterion, knowledge item or skill item of {}",
                                    unit.code
                                ),
                            )
                            .maybe_help(help),
                        );
                    }
                }
            }
            Rule::All { rules } | Rule::Any { rules } => {
                if rules.is_empty() {
                    self.push(Problem::new(
                        ErrorCode::EmptyList,
                        path.key("rules").path(),
                        format!("an `{}` rule has no sub-rules", rule.rule_type()),
                    ));
                }
                for (i, sub) in rules.iter().enumerate() {
                    self.rule(path.key("rules").index(i), sub);
                }
            }
        }
    }
}

fn distinct_count<T: PartialEq>(values: &[T]) -> u32 {
    let mut distinct: Vec<&T> = Vec::new();
    for v in values {
        if !distinct.contains(&v) {
            distinct.push(v);
        }
    }
    distinct.len() as u32
}

fn scope_name(scope: Scope) -> &'static str {
    match scope {
        Scope::Criteria => "criteria",
        Scope::Knowledge => "knowledge",
        Scope::Skills => "skill",
    }
}

/// The IDs a `covers` rule may name: criteria, knowledge and skill items (never another
/// evidence requirement, so rules cannot refer to each other in a cycle).
fn coverable_ids(unit: &Unit) -> Vec<&str> {
    unit.criteria()
        .map(|c| c.id.as_str())
        .chain(unit.knowledge_items().into_iter().map(|i| i.id.as_str()))
        .chain(unit.skill_items().into_iter().map(|i| i.id.as_str()))
        .collect()
}

fn unsatisfiable(path: Path, min: u32, possible: u32, what: &str) -> Problem {
    Problem::new(
        ErrorCode::UnsatisfiableRule,
        path,
        format!("the rule asks for at least {min} {what}, but only {possible} exist"),
    )
    .help(format!(
        "lower `min` to at most {possible}, or declare the missing ones"
    ))
}
