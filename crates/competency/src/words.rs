//! Lists in plain words, written straight into the sentence that holds them: a report's
//! sentences are many and short, and joining each list into a `String` of its own first was
//! most of their allocations.

use std::fmt;

/// Every element, with `.1` between two: "E1, E3, E7".
pub(crate) struct Joined<'a, T>(pub &'a [T], pub &'a str);

impl<T: fmt::Display> fmt::Display for Joined<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, element) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(self.1)?;
            }
            element.fmt(f)?;
        }
        Ok(())
    }
}

/// "a", "a or b", "a, b or c".
pub(crate) struct OrList<'a, T>(pub &'a [T]);

impl<T: fmt::Display> fmt::Display for OrList<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let last = self.0.len().saturating_sub(1);
        for (i, word) in self.0.iter().enumerate() {
            match i {
                0 => {}
                _ if i == last => f.write_str(" or ")?,
                _ => f.write_str(", ")?,
            }
            word.fmt(f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_the_joined_strings_did() {
        assert_eq!(Joined(&["E1", "E3", "E7"], ", ").to_string(), "E1, E3, E7");
        assert_eq!(Joined::<&str>(&[], ", ").to_string(), "");
        assert_eq!(OrList::<&str>(&[]).to_string(), "");
        assert_eq!(OrList(&["a"]).to_string(), "a");
        assert_eq!(OrList(&["a", "b"]).to_string(), "a or b");
        assert_eq!(OrList(&["a", "b", "c"]).to_string(), "a, b or c");
    }
}
