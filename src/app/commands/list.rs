//! `user list`: every matching account, streamed a page at a time.

use crate::app::cli::{Globals, TerminatedAge};
use crate::app::config::Context;
use crate::app::exit::{DONE, Failure};
use crate::app::format::{Format, Printer};
use crate::app::output::Output;
use crate::app::retention::AgeFilter;
use docspace_people::{Client, Filter, Status};

/// The format of a command that prints users: `--output`, or its short forms.
pub fn format(globals: &Globals, ids: bool) -> Format {
    match globals.output {
        Some(format) => format,
        None if ids => Format::Ids,
        None if globals.json => Format::Json,
        None => Format::Table,
    }
}

pub fn run(
    client: &Client,
    filter: &Filter,
    ids: bool,
    terminated: Option<TerminatedAge>,
    globals: &Globals,
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
    let mut printer = Printer::new(
        format(globals, ids),
        globals.columns.clone(),
        !globals.no_header,
    );
    out.data(&printer.start())?;
    let mut listed = 0;
    for user in client.list_users(&filter).read_ahead() {
        let user = match user {
            Ok(user) => user,
            // A JSON array is left open: a consumer must not take a listing that failed
            // half-way for a complete one.
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
        listed += 1;
        out.data(printer.user(&user))?;
    }
    out.data(printer.finish())?;
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
    globals: &Globals,
    out: &mut Output,
) -> Result<u8, Failure> {
    let mut printer = Printer::new(
        format(globals, ids),
        globals.columns.clone(),
        !globals.no_header,
    );
    out.data(&printer.start())?;
    let mut listed = 0;
    for user in client.list_users(filter).read_ahead() {
        let user = user
            .map_err(|e| Failure::from(e.during(format!("list users (after {listed} listed)"))))?;
        if !user.never_activated() {
            continue;
        }
        listed += 1;
        out.data(printer.user(&user))?;
    }
    out.data(printer.finish())?;
    Ok(DONE)
}
