//! Near-miss suggestions for misspelt names and IDs.

use crate::ids::CriterionId;

/// The candidate closest to `input`, if it is close enough to be a plausible typo.
///
/// Ties go to the candidate sharing the longest prefix, then to the nearest character, then to
/// the earliest.
///
/// ```
/// assert_eq!(competency::suggest("servce-agreement", ["service-agreement"]), Some("service-agreement"));
/// assert_eq!(competency::suggest("zzz", ["service-agreement"]), None);
/// ```
pub fn suggest<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let input_len = input.chars().count();
    let limit = (input_len / 3).max(1);
    // The edit distance is at least the difference in length, so a candidate much shorter or
    // longer than the input is never a near miss: skip it before any work, which keeps a
    // megabyte-long unknown value as cheap as a short one.
    let mut near = candidates
        .into_iter()
        .filter(|c| *c != input && c.chars().count().abs_diff(input_len) <= limit)
        .peekable();
    near.peek()?;
    let input_lower = input.to_lowercase();
    near.map(|c| {
        let lower = c.to_lowercase();
        (distance(&input_lower, &lower), tie_break(&input_lower, &lower), c)
    })
    .filter(|(d, _, _)| *d <= limit)
    .min_by_key(|(d, tie, _)| (*d, *tie))
    .map(|(_, _, c)| c)
}

/// Among equally distant candidates, prefer the longer shared prefix, then the nearer
/// character where they first differ (so `K7` suggests `K6`, not `K1`).
fn tie_break(input: &str, candidate: &str) -> (usize, u32) {
    let shared = input
        .chars()
        .zip(candidate.chars())
        .take_while(|(a, b)| a == b)
        .count();
    let gap = match (input.chars().nth(shared), candidate.chars().nth(shared)) {
        (Some(a), Some(b)) => (a as u32).abs_diff(b as u32),
        _ => 0,
    };
    (usize::MAX - shared, gap)
}

/// "did you mean `x`?" for a near miss among `candidates`.
pub(crate) fn did_you_mean<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    suggest(input, candidates).map(|s| format!("did you mean `{s}`?"))
}

/// The criterion nearest to a criterion number that does not exist: the same element first,
/// then the nearest number, and on a tie the later one (a gap in numbering usually means the
/// source skipped a number, as CHCMGT006 skips 3.4).
///
/// ```
/// use competency::{suggest_criterion, CriterionId};
/// let ids: Vec<CriterionId> = ["3.1", "3.2", "3.3", "3.5", "4.4"].iter().map(|s| s.parse().unwrap()).collect();
/// assert_eq!(suggest_criterion("3.4", &ids).map(|c| c.as_str()), Some("3.5"));
/// assert_eq!(suggest_criterion("3.9", &ids).map(|c| c.as_str()), Some("3.5"));
/// assert_eq!(suggest_criterion("3,5", &ids).map(|c| c.as_str()), Some("3.5"));
/// ```
pub fn suggest_criterion<'a>(input: &str, ids: &'a [CriterionId]) -> Option<&'a CriterionId> {
    if let Ok(wanted) = input.parse::<CriterionId>() {
        let (element, number) = wanted.numbers();
        let nearest = ids
            .iter()
            .filter(|id| id.numbers().0 == element)
            .min_by_key(|id| (id.numbers().1.abs_diff(number), std::cmp::Reverse(id.numbers().1)));
        if nearest.is_some() {
            return nearest;
        }
    }
    let name = suggest(input, ids.iter().map(CriterionId::as_str))?;
    ids.iter().find(|id| id.as_str() == name)
}

/// Edit distance in characters, counting a swap of two neighbours as one edit (the optimal
/// string alignment distance), since `titel` for `title` is the commonest typo. Keeps three
/// rows, not the whole matrix.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("same", "same"), 0);
        assert_eq!(distance("titel", "title"), 1);
        assert_eq!(distance("ca", "abc"), 3);
        assert_eq!(distance("abcdef", "badcfe"), 3);
    }

    #[test]
    fn a_long_input_is_not_compared_with_short_candidates() {
        let long = "x".repeat(10_000_000);
        assert_eq!(suggest(&long, ["title", "text"]), None);
        assert_eq!(
            suggest("servce-agreement", ["service-agreement", "x"]),
            Some("service-agreement")
        );
    }

    #[test]
    fn ties_go_to_the_nearest_candidate() {
        assert_eq!(suggest("ab", ["xb", "ax"]), Some("ax"));
        assert_eq!(suggest("K7", ["K1", "K2", "K6"]), Some("K6"));
    }
}
