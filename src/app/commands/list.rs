//! `user list`: every matching account, streamed a page at a time.

use crate::app::cli::TerminatedAge;
use crate::app::config::Context;
use crate::app::exit::{DONE, Failure};
use crate::app::output::Output;
use crate::app::retention::AgeFilter;
use crate::app::show::{table_header, table_row};
use docspace_people::{Client, Filter, Status};

pub fn run(
    client: &Client,
    filter: &Filter,
    ids: bool,
    terminated: Option<TerminatedAge>,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    let mut age = terminated.map(AgeFilter::new);
    let filter = match age {
        Some(_) => Filter {
            status: Some(Status::Terminated),
            ..filter.clone()
        },
        None => filter.clone(),
    };
    out.json_text("[")?;
    if !ids {
        out.line(&table_header())?;
    }
    let mut listed = 0;
    for user in client.list_users(&filter) {
        let user = match user {
            Ok(user) => user,
            // The JSON array is left open: a consumer must not take a listing that
            // failed half-way for a complete one.
            Err(e) => {
                return Err(e
                    .during(format!("list users (after {listed} listed)"))
                    .into());
            }
        };
        if let Some(age) = age.as_mut()
            && !age.selects(&user, cx)
        {
            continue;
        }
        if listed > 0 {
            out.json_text(",\n")?;
        }
        listed += 1;
        out.json_text(user.json())?;
        if ids {
            out.line(&user.id.to_string())?;
        } else {
            out.line(&table_row(&user))?;
        }
    }
    out.json_text("]\n")?;
    if let Some(warning) = age.as_ref().and_then(AgeFilter::warning) {
        out.error(&warning)?;
    }
    Ok(DONE)
}

/// `user list --activation pending`: the users who never activated their account, both
/// kinds (invited and never registered; created and never activated), read from one
/// listing of every status and selected here, since the portal's filter takes one status.
pub fn never_activated(
    client: &Client,
    filter: &Filter,
    ids: bool,
    out: &mut Output,
) -> Result<u8, Failure> {
    out.json_text("[")?;
    if !ids {
        out.line(&table_header())?;
    }
    let mut listed = 0;
    for user in client.list_users(filter) {
        let user = user
            .map_err(|e| Failure::from(e.during(format!("list users (after {listed} listed)"))))?;
        if !user.never_activated() {
            continue;
        }
        if listed > 0 {
            out.json_text(",\n")?;
        }
        listed += 1;
        out.json_text(user.json())?;
        if ids {
            out.line(&user.id.to_string())?;
        } else {
            out.line(&table_row(&user))?;
        }
    }
    out.json_text("]\n")?;
    Ok(DONE)
}
