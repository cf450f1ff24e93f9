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

/// A row of `user list`'s table.
pub fn table_row(user: &User) -> String {
    printable(&format!(
        "{:<36}  {:<14}  {:<10}  {:<10}  {:<32}  {}",
        user.id,
        user.user_type().as_str(),
        user.status.to_string(),
        activation(user),
        user.email,
        user.name()
    ))
}

/// The header of `user list`'s table.
pub fn table_header() -> String {
    format!(
        "{:<36}  {:<14}  {:<10}  {:<10}  {:<32}  NAME",
        "ID", "TYPE", "STATUS", "ACTIVATION", "EMAIL"
    )
}

/// The ACTIVATION column: `pending` for a user who never activated the account (invited,
/// or created and never followed the activation e-mail), else as the portal numbers it.
fn activation(user: &User) -> &'static str {
    match user.activation_status {
        _ if user.never_activated() => "pending",
        1 => "activated",
        2 => "pending",
        _ => "-",
    }
}

/// Text from the portal without control characters, which could rewrite the terminal.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The portal's JSON of the user, as it sent it.
pub fn user_json(user: &User) -> Value {
    serde_json::to_value(user).unwrap_or(Value::Null)
}
