//! `user get`: each account named, terminated ones included.

use crate::app::cli::{Selection, UserRef};
use crate::app::config::Context;
use crate::app::exit::{self, Failure};
use crate::app::output::Output;
use crate::app::select;
use crate::app::show::{describe, user_json};
use docspace_people::Client;
use serde_json::Value;

pub fn run(
    client: &Client,
    selection: &Selection,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    let users = select::users(selection, cx)?;
    let mut found = Vec::new();
    let mut failures = Vec::new();
    for user in &users {
        let result = match user {
            UserRef::Id(id) => client.get_user(*id),
            UserRef::Email(email) => client.get_user_by_email(email),
        };
        match result {
            Ok(user) => {
                out.line(&describe(&user))?;
                found.push(user_json(&user));
            }
            Err(e) => {
                let failure = Failure::from(e);
                out.error(&failure)?;
                failures.push(failure);
            }
        }
    }
    let succeeded = found.len();
    match (users.len(), found.pop()) {
        (1, Some(user)) => out.json(&user)?,
        (1, None) => {}
        (_, last) => {
            found.extend(last);
            out.json(&Value::Array(found))?
        }
    }
    Ok(exit::of_outcomes(succeeded, &failures))
}
