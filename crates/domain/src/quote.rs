//! How a message quotes what a client sent: never more than [`MAX_QUOTED_CHARS`] of it, so a
//! megabyte of junk in a query or path does not come back in the error (nor in a log line).

use std::borrow::Cow;

/// The most characters of a client's input an error message repeats.
pub const MAX_QUOTED_CHARS: usize = 100;

/// `raw` cut after [`MAX_QUOTED_CHARS`] characters, with "…" marking the cut.
pub fn clip(raw: &str) -> Cow<'_, str> {
    match raw.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((at, _)) => Cow::Owned(format!("{}…", &raw[..at])),
        None => Cow::Borrowed(raw),
    }
}

/// `raw` clipped and in double quotes, escaped as Rust's `{:?}` does (so control characters
/// show as escapes).
pub fn quote(raw: &str) -> String {
    format!("{:?}", clip(raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_input_is_cut_at_a_character_with_an_ellipsis() {
        assert_eq!(quote("walk"), "\"walk\"");
        let long = "黄".repeat(MAX_QUOTED_CHARS + 1);
        let clipped = clip(&long);
        assert_eq!(clipped.chars().count(), MAX_QUOTED_CHARS + 1);
        assert!(clipped.ends_with("黄…"));
        assert_eq!(clip(&long[..MAX_QUOTED_CHARS * 3]), long[..MAX_QUOTED_CHARS * 3]);
    }
}
