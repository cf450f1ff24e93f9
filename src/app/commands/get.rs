//! `user get`: each account named, terminated ones included.
//!
//! Printed as `ID NAME <EMAIL> TYPE STATUS` lines, or as `--output` says. `--json` is
//! always an array, one portal object per user found, however many were named.

use crate::app::cli::{Globals, Selection, UserRef};
use crate::app::config::Context;
use crate::app::exit::{self, Failure};
use crate::app::format::Printer;
use crate::app::output::Output;
use crate::app::select;
use crate::app::show::describe;
use docspace_people::Client;

pub fn run(
    client: &Client,
    selection: &Selection,
    globals: &Globals,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    let users = select::users(selection, cx)?;
    let mut printer = (globals.output.is_some() || globals.json).then(|| {
        let format = crate::app::commands::list::format(globals, false);
        Printer::new(format, globals.columns.clone(), !globals.no_header)
    });
    if let Some(printer) = &printer {
        out.data(&printer.start())?;
    }
    let mut found = 0;
    let mut failures = Vec::new();
    for user in &users {
        let result = match user {
            UserRef::Id(id) => client.get_user(*id),
            UserRef::Email(email) => client.get_user_by_email(email),
        };
        match result {
            Ok(user) => {
                found += 1;
                match printer.as_mut() {
                    Some(printer) => out.data(printer.user(&user))?,
                    None => out.data(&format!("{}\n", describe(&user)))?,
                }
            }
            Err(e) => {
                let failure = Failure::from(e);
                out.error(&failure)?;
                failures.push(failure);
            }
        }
    }
    if let Some(printer) = &printer {
        out.data(printer.finish())?;
    }
    Ok(exit::of_outcomes(found, &failures))
}
