//! How users are shown: one line each, safe for a terminal.

use docspace_people::{Group, Miscount, Status, User};
use serde_json::Value;
use std::borrow::Cow;

/// `ID NAME <EMAIL>`, safe to print.
pub fn short(user: &User) -> String {
    printable(&format!("{} {} <{}>", user.id, user.name(), user.email))
}

/// `ID NAME` of a group, safe to print.
pub fn short_group(group: &Group) -> String {
    printable(&format!("{} {}", group.id, group.name))
}

/// `ID NAME <EMAIL> TYPE STATUS`, safe to print.
pub fn describe(user: &User) -> String {
    printable(&format!(
        "{} {} <{}> {} {}",
        user.id,
        user.name(),
        user.email,
        user.user_type(),
        user.status
    ))
}

/// A listing whose total never matched: what the portal said, what it gave, and
/// `after`, what came of it.
pub fn miscount(miscount: Miscount, after: &str) -> String {
    format!(
        "the portal reports {} users but pages out {}, the same on a second reading; {after}",
        miscount.total, miscount.paged
    )
}

/// Text from the portal without control characters, which could rewrite the terminal.
pub fn printable(text: &str) -> String {
    safe(text).into_owned()
}

/// [`printable`], borrowing the text when it needs no change (nearly always).
pub fn safe(text: &str) -> Cow<'_, str> {
    // The control characters are C0 and DEL, and C1 (U+0080 to U+009F), which UTF-8
    // writes with the lead byte 0xC2: text without those bytes has none.
    if text.bytes().all(|b| b >= 0x20 && b != 0x7f && b != 0xc2) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect(),
    )
}

/// The portal's JSON of the user, as it sent it, with the enums also as words (the one
/// shape of a user in every JSON output).
pub fn user_json(user: &User) -> Value {
    serde_json::from_str(&with_words(user)).unwrap_or(Value::Null)
}

/// The activation of an account as a word: `pending` for both kinds of accounts that
/// never activated (invited, and created without following the activation e-mail).
pub fn activation(user: &User) -> &'static str {
    match (user.status, user.activation_status) {
        (Status::Pending, _) | (_, 2) => "pending",
        (_, 1) => "activated",
        (_, 4) => "auto",
        _ => "not-activated",
    }
}

/// The portal's object of the user as it sent it, with the enums also as words:
/// `typeName`, `statusName` and `activationName` are added at the end.
pub fn with_words(user: &User) -> String {
    let raw = user.json().trim_end();
    let body = raw.strip_suffix('}').unwrap_or(raw).trim_end();
    let separator = if body.ends_with('{') { "" } else { "," };
    format!(
        "{body}{separator}\"typeName\":\"{}\",\"statusName\":\"{}\",\"activationName\":\"{}\"}}",
        user.user_type().as_str(),
        user.status,
        activation(user)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_spaces_and_other_text_is_kept() {
        assert!(matches!(safe("José Ünal <a@b.co> 😀"), Cow::Borrowed(_)));
        assert_eq!(
            safe("a\u{1b}[2Jb\u{7f}c\u{85}d\u{9f}e\u{a0}f\u{100}"),
            "a [2Jb c d e\u{a0}f\u{100}"
        );
        assert_eq!(printable("tab\there\nnew"), "tab here new");
    }
}
