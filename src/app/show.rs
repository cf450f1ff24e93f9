//! How users are shown: one line each, safe for a terminal.

use docspace_people::User;
use serde_json::Value;

/// `ID NAME <EMAIL>`, safe to print.
pub fn short(user: &User) -> String {
    printable(&format!("{} {} <{}>", user.id, user.name(), user.email))
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

/// Text from the portal without control characters, which could rewrite the terminal.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The portal's JSON of the user, as it sent it, with the enums also as words (the one
/// shape of a user in every JSON output).
pub fn user_json(user: &User) -> Value {
    serde_json::from_str(&super::format::with_words(user)).unwrap_or(Value::Null)
}
