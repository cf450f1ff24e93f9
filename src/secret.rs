//! The credential, and the scrubbing of everything echoed back to the user.

use std::fmt;

/// An API key (`sk-…`), OAuth token or session token.
///
/// It has no `Display`, and its `Debug` prints `Secret(redacted)`, so it cannot end up in
/// a message by accident; [`Secret::expose`] is the one way to read it, used only to build
/// the `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

/// Shared runs of at least this many characters between an echoed word and the
/// credential get the whole word redacted: a fragment that short cannot rebuild a key.
const SHORTEST_FRAGMENT: usize = 8;

const REDACTED: &str = "[redacted]";

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

    /// `text` made safe to print: no trace of the credential (whole, in part, escaped or
    /// in another case), no `Authorization` value, no `user:password@` in a URL, and no
    /// value of a JSON field named like a token, password, secret or key.
    pub fn scrub(&self, text: &str) -> String {
        let text = redact_fields(text);
        let text = redact_userinfo(&text);
        self.redact_fragments(&text)
    }

    /// Replaces every word that shares a run of [`SHORTEST_FRAGMENT`] characters with the
    /// credential, compared without regard to ASCII case. Words are runs of the characters
    /// keys and tokens are made of, so an escaped or truncated echo is caught too.
    fn redact_fragments(&self, text: &str) -> String {
        let secret = self.0.to_ascii_lowercase();
        if secret.len() < SHORTEST_FRAGMENT {
            return if secret.is_empty() {
                text.to_owned()
            } else {
                replace_ignoring_case(text, &secret)
            };
        }
        let fragments: Vec<&str> = (0..=secret.len() - SHORTEST_FRAGMENT)
            .filter(|&i| {
                secret.is_char_boundary(i) && secret.is_char_boundary(i + SHORTEST_FRAGMENT)
            })
            .map(|i| &secret[i..i + SHORTEST_FRAGMENT])
            .collect();
        let mut out = String::with_capacity(text.len());
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut String| {
            let lower = word.to_ascii_lowercase();
            if fragments.iter().any(|f| lower.contains(f)) {
                out.push_str(REDACTED);
            } else {
                out.push_str(word);
            }
            word.clear();
        };
        for c in text.chars() {
            if c.is_ascii_alphanumeric() || "+/=_.-~%".contains(c) {
                word.push(c);
            } else {
                flush(&mut word, &mut out);
                out.push(c);
            }
        }
        flush(&mut word, &mut out);
        out
    }
}

fn replace_ignoring_case(text: &str, lower_needle: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::new();
    let mut rest = 0;
    while let Some(at) = lower[rest..].find(lower_needle) {
        out.push_str(&text[rest..rest + at]);
        out.push_str(REDACTED);
        rest += at + lower_needle.len();
    }
    out.push_str(&text[rest..]);
    out
}

/// Blanks the values of JSON fields and headers whose names say they hold a secret:
/// `"token": "…"`, `"password":"…"`, `Authorization: Bearer …`.
fn redact_fields(text: &str) -> String {
    const NAMES: [&str; 6] = [
        "token",
        "password",
        "secret",
        "key",
        "authorization",
        "cookie",
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(colon) = rest.find([':', '=']) {
        let (before, after) = rest.split_at(colon + 1);
        out.push_str(before);
        let name: String = before[..colon]
            .chars()
            .rev()
            .skip_while(|c| *c == '"' || *c == '\'' || c.is_whitespace())
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect::<String>()
            .chars()
            .rev()
            .collect::<String>()
            .to_ascii_lowercase();
        if !NAMES.iter().any(|n| name.contains(n)) {
            rest = after;
            continue;
        }
        let value_start = after.len() - after.trim_start().len();
        out.push_str(&after[..value_start]);
        let value = &after[value_start..];
        let end = if let Some(quoted) = value.strip_prefix('"') {
            out.push('"');
            1 + quoted.find('"').unwrap_or(quoted.len())
        } else {
            value
                .find(['\n', '\r', ',', '}', ';', '&', '"'])
                .unwrap_or(value.len())
        };
        out.push_str(REDACTED);
        rest = &value[end..];
    }
    out.push_str(rest);
    out
}

/// `scheme://user:password@host` becomes `scheme://[redacted]@host`.
fn redact_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let authority_end = tail
            .find(['/', ' ', '"', '\'', '?', '#', '\n'])
            .unwrap_or(tail.len());
        match tail[..authority_end].rfind('@') {
            Some(userinfo_end) => {
                out.push_str(REDACTED);
                rest = &tail[userinfo_end..];
            }
            None => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn never_shows_itself() {
        let s = Secret::new("  Bearer sk-abc\n");
        assert_eq!(s.expose(), "sk-abc");
        assert_eq!(format!("{s:?}"), "Secret(redacted)");
    }

    #[test]
    fn refuses_what_cannot_be_a_header() {
        assert!(Secret::new("\n").problem().is_some());
        assert!(Secret::new("a b").problem().is_some());
        assert!(Secret::new("sk-1").problem().is_none());
    }

    #[test]
    fn no_part_of_the_credential_survives() {
        let s = Secret::new(KEY);
        let upper = KEY.to_ascii_uppercase();
        let half = &KEY[..30];
        let tail = &KEY[40..];
        for echo in [
            format!("bad key {KEY} here"),
            format!("bad key {upper}"),
            format!("cut off: {half}"),
            format!("the end {tail}."),
            format!("escaped \\u0022{KEY}\\u0022"),
        ] {
            let clean = s.scrub(&echo);
            assert!(!clean.contains("0123456789abcdef"), "{clean}");
            assert!(
                !clean.to_ascii_lowercase().contains("89abcdef01"),
                "{clean}"
            );
            assert!(clean.contains(REDACTED), "{clean}");
        }
        assert_eq!(s.scrub("nothing secret here"), "nothing secret here");
    }

    #[test]
    fn secret_fields_headers_and_userinfo_are_blanked() {
        let s = Secret::new("unrelated-credential");
        assert_eq!(
            s.scrub(r#"{"token":"abc","expires":"x","Password": "p w"}"#),
            r#"{"token":"[redacted]","expires":"x","Password": "[redacted]"}"#
        );
        assert_eq!(
            s.scrub("Authorization: Bearer xyz\nHost: a"),
            "Authorization: [redacted]\nHost: a"
        );
        assert_eq!(
            s.scrub("see https://bob:hunter2@portal.example.com/x"),
            "see https://[redacted]@portal.example.com/x"
        );
        assert_eq!(s.scrub("api_key=abc&x=1"), "api_key=[redacted]&x=1");
    }
}
