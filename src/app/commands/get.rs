//! `user get`: each account named, terminated ones included.
//!
//! Printed as `ID NAME <EMAIL> TYPE STATUS` lines, or as `--output` says. `--json` is
//! always an array, one portal object per user found, however many were named.

use super::{Command, Prints, Run, Spec};
use crate::app::args::{FROM, Selection, UserRef};
use crate::app::config::Context;
use crate::app::exit::{self, Failure};
use crate::app::format::Printer;
use crate::app::output::Output;
use crate::app::output::Printing;
use crate::app::select;
use crate::app::show::describe;
use docspace_people::Client;

pub const SPEC: Spec = Spec {
    name: "user get",
    args: "USER... [--from FILE]",
    summary: "USER is a user id or an e-mail address",
    about: "\
Prints each account named, terminated ones included: ID NAME <EMAIL> TYPE STATUS, or as
--output says. USER is a user id (0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a) or an e-mail
address. --json is always an array, one portal object per user found.",
    options: &[&FROM],
    examples: &[
        "docspace-people user get ann@example.com",
        "docspace-people user get --from leavers.txt --output csv",
    ],
    prints: Prints::Users,
    parse: |args| Ok(Box::new(Get(args.selection()?))),
};

#[derive(Debug, PartialEq, Eq)]
pub struct Get(pub Selection);

impl Command for Get {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect()?;
        get(&client, &self.0, &run.settings.printing, run.out, run.cx)
    }

    fn reads_stdin(&self) -> bool {
        self.0.reads_stdin()
    }
}

fn get(
    client: &Client,
    selection: &Selection,
    printing: &Printing,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    let users = select::users(selection, &mut cx.io)?;
    let mut printer = (printing.format.is_some() || printing.json).then(|| {
        let format = crate::app::commands::list::format(printing, false);
        Printer::new(format, printing.columns.clone(), printing.header)
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
