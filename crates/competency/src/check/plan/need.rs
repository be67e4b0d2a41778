//! One new item a plan suggests, as its needs are merged into it: the requirements it serves
//! and the constraints it must meet, narrowed as needs are folded in.

use super::super::compile::CFilter;
use crate::method::{Environment, Method};
use crate::portfolio::Date;
use crate::report::SharedStr;

/// One new item some requirement needs, before merging.
#[derive(Debug, Clone, Default)]
pub(super) struct Need {
    pub(super) serves: Vec<usize>,
    pub(super) activity: Option<usize>,
    /// `None`: any method.
    pub(super) methods: Option<Vec<Method>>,
    pub(super) environments: Option<Vec<Environment>>,
    pub(super) options: Vec<usize>,
    pub(super) clients: Option<(u32, Vec<SharedStr>)>,
    pub(super) context: Option<Vec<SharedStr>>,
    pub(super) periods: Option<(u32, Vec<SharedStr>)>,
    pub(super) date_from: Option<Date>,
    pub(super) date_to: Option<Date>,
    pub(super) not_on: Vec<Date>,
}

impl Need {
    /// The values this item must differ from, which a plan names (at most `MOST_VALUES`).
    pub(super) fn values(&self) -> usize {
        let listed = |v: &Option<(u32, Vec<SharedStr>)>| v.as_ref().map_or(0, |(_, values)| values.len());
        listed(&self.clients)
            + listed(&self.periods)
            + self.context.as_ref().map_or(0, Vec::len)
            + self.not_on.len()
    }

    pub(super) fn filtered(req: usize, filter: &CFilter) -> Need {
        Need {
            serves: vec![req],
            activity: filter.activity,
            methods: (!filter.method.is_empty()).then(|| filter.method.clone()),
            environments: (!filter.environment.is_empty()).then(|| filter.environment.clone()),
            ..Need::default()
        }
    }

    /// True when one item can be both this one and `other`: no requirement served twice (they
    /// must be distinct items), the same activity or none, methods and environments that
    /// intersect, dates that overlap. Checked without building the merged item, since most
    /// items a need is tried against do not fit it.
    pub(super) fn fits(&self, other: &Need) -> bool {
        !other.serves.iter().any(|r| self.serves.contains(r))
            && !matches!((self.activity, other.activity), (Some(a), Some(b)) if a != b)
            && overlaps(&self.methods, &other.methods)
            && overlaps(&self.environments, &other.environments)
            && self.dates_within(other).is_some()
    }

    /// `other` folded into this item, which [`fits`](Self::fits) it: its requirements, the
    /// narrower of each constraint, and the values of both (this item's first).
    pub(super) fn merge(&mut self, other: Need) {
        self.narrow_to(&other);
        self.serves.extend(other.serves);
        self.activity = self.activity.or(other.activity);
        // `None` is any method or environment: the narrower of the two is what both allow.
        fold(&mut self.methods, other.methods, |a, b| {
            a.retain(|x| b.contains(x))
        });
        fold(&mut self.environments, other.environments, |a, b| {
            a.retain(|x| b.contains(x))
        });
        union_into(&mut self.options, &other.options);
        let values = |(n, x): &mut (u32, Vec<SharedStr>), (m, y): (u32, Vec<SharedStr>)| {
            *n = (*n).max(m);
            union_into(x, &y);
        };
        fold(&mut self.clients, other.clients, values);
        fold(&mut self.periods, other.periods, values);
        fold(&mut self.context, other.context, |a, b| union_into(a, &b));
        union_into(&mut self.not_on, &other.not_on);
    }

    /// The dates an item may have to be both this one and `other`; `None` when there are none.
    pub(super) fn dates_within(&self, other: &Need) -> Option<(Option<Date>, Option<Date>)> {
        let date_from = self.date_from.max(other.date_from);
        let date_to = match (self.date_to, other.date_to) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match (date_from, date_to) {
            (Some(from), Some(to)) if from > to => None,
            dates => Some(dates),
        }
    }

    /// This item narrowed to the dates it may have to be `other` too, unless that leaves it no
    /// date.
    pub(super) fn narrow_to(&mut self, other: &Need) {
        if let Some((from, to)) = self.dates_within(other) {
            self.date_from = from;
            self.date_to = to;
        }
    }
}

/// True when two optional sets (`None` is everything) have something in common.
fn overlaps<T: PartialEq>(a: &Option<Vec<T>>, b: &Option<Vec<T>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.iter().any(|x| b.contains(x)),
        _ => true,
    }
}

/// `b` folded into `a`: whichever is given when only one is, `both` when each is.
fn fold<T>(a: &mut Option<T>, b: Option<T>, both: impl FnOnce(&mut T, T)) {
    match (a.as_mut(), b) {
        (Some(a), Some(b)) => both(a, b),
        (None, b) => *a = b,
        (Some(_), None) => {}
    }
}

/// `b`'s values that `a` did not have, added to `a` in order. Short lists (a few values, as
/// real rules give) by search; longer ones through a set, so that merging two items never takes
/// the product of their lists' lengths.
fn union_into<T: Clone + Eq + std::hash::Hash>(a: &mut Vec<T>, b: &[T]) {
    let had = a.len();
    if had.saturating_mul(b.len()) <= 256 {
        for x in b {
            if !a[..had].contains(x) {
                a.push(x.clone());
            }
        }
        return;
    }
    let seen: crate::hash::HashSet<T> = a.iter().cloned().collect();
    a.extend(b.iter().filter(|x| !seen.contains(*x)).cloned());
}

#[cfg(test)]
mod tests {
    use super::union_into;

    #[test]
    fn long_lists_are_joined_as_short_ones_are() {
        // Over the product at which a set is used, and under it: the same values, in order.
        let a: Vec<u32> = (0..100).collect();
        let b: Vec<u32> = (50..150).rev().collect();
        let mut long = a.clone();
        union_into(&mut long, &b);
        let mut short = a[..2].to_vec();
        union_into(&mut short, &[1, 7, 0, 9]);
        assert_eq!(short, [0, 1, 7, 9]);
        let mut expected = a;
        expected.extend((100..150).rev());
        assert_eq!(long, expected);
    }
}
