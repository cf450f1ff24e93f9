//! The credential, kept out of every printout.

use std::fmt;

/// An API key (`sk-…`), OAuth token or session token.
///
/// It has no `Display`, and its `Debug` prints `Secret(redacted)`, so it cannot end up in
/// a message by accident; [`Secret::expose`] is the one way to read it, used only to build
/// the `Authorization` header and to redact echoes of it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential as read from a file, the environment or a login answer.
    ///
    /// Surrounding white space is dropped, and so is a leading `Bearer `, which people
    /// often copy along with the key.
    pub fn new(raw: &str) -> Secret {
        let trimmed = raw.trim();
        let bare = trimmed
            .strip_prefix("Bearer ")
            .or_else(|| trimmed.strip_prefix("bearer "))
            .unwrap_or(trimmed)
            .trim();
        Secret(bare.to_owned())
    }

    /// The credential itself.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Why this credential cannot be sent in an HTTP header, if it cannot.
    pub fn problem(&self) -> Option<&'static str> {
        if self.0.is_empty() {
            Some("is empty")
        } else if !self.0.bytes().all(|b| b.is_ascii_graphic()) {
            Some("holds spaces, line breaks or non-ASCII characters (one key or token expected)")
        } else {
            None
        }
    }

    /// `text` with every occurrence of the credential replaced by `[redacted]`.
    pub fn redact(&self, text: &str) -> String {
        if self.0.is_empty() {
            text.to_owned()
        } else {
            text.replace(&self.0, "[redacted]")
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_shows_itself() {
        let s = Secret::new("  Bearer sk-abc\n");
        assert_eq!(s.expose(), "sk-abc");
        assert_eq!(format!("{s:?}"), "Secret(redacted)");
        assert_eq!(s.redact("key sk-abc here"), "key [redacted] here");
    }

    #[test]
    fn refuses_what_cannot_be_a_header() {
        assert!(Secret::new("\n").problem().is_some());
        assert!(Secret::new("a b").problem().is_some());
        assert!(Secret::new("sk-1").problem().is_none());
    }
}
