//! `user create`: one account from the options, or every row of a CSV or JSON Lines
//! file, checked before anything is sent.

use super::{Command, Prints, Run, Spec};
use crate::app::args::{self, Args, EMAIL, FIRST_NAME, LAST_NAME, Opt, TYPE_NEW};
use crate::app::config::Context;
use crate::app::exit::Failure;
use crate::app::input;
use crate::app::output::Output;
use crate::app::plan::{self, Action, Plan, Step};
use crate::app::report::{Report, Style, Target};
use crate::app::select;
use crate::app::settings::Settings;
use docspace_people::{Client, NewUser};
use std::path::{Path, PathBuf};

pub const SPEC: Spec = Spec {
    name: "user create",
    args: "--email E --first-name F [--last-name L] [--type T] | --from FILE",
    summary: "create an account (or --from FILE: CSV email,firstName,lastName[,type] or JSON Lines)",
    about: "\
Creates accounts; the portal e-mails each new person an activation link.
T is user (the default), room-admin (a paid seat) or docspace-admin (owner only).
FILE is CSV with a header line email,firstName,lastName[,type] (RFC 4180 quoting,
UTF-8) or JSON Lines ({\"email\":…,\"firstName\":…,\"lastName\":…,\"type\":…}). Every row is
checked before anything is sent; existing addresses are skipped.
Prints: created ID NAME <EMAIL>",
    options: &[
        &EMAIL,
        &FIRST_NAME,
        &LAST_NAME,
        &TYPE_NEW,
        &CREATE_FROM,
        &INVITE,
    ],
    examples: &[
        "docspace-people user create --email ann.lee@example.com --first-name Ann --last-name Lee",
        "docspace-people user create --from new-staff.csv --dry-run",
    ],
    prints: Prints::Json,
    parse: |args| {
        args.no_words()?;
        if args.flag(&INVITE) {
            return Err(Failure::Usage(
                "'user create' needs no --invite: the portal already e-mails every user it creates an activation link, \
                 and an invitation to an existing account sends nothing; 'invite' is for people without an account"
                    .to_owned(),
            ));
        }
        Ok(match args.path(&CREATE_FROM) {
            Some(file) => Box::new(CreateFrom(file)),
            None => Box::new(Create(new_user(args)?)),
        })
    },
};

/// The options of a new user, given on the command line.
pub const NEW_USER: &[&Opt] = &[&EMAIL, &FIRST_NAME, &LAST_NAME, &TYPE_NEW];

const CREATE_FROM: Opt = Opt::value(
    "from",
    args::Kind::Path,
    "FILE",
    "the people to create: CSV or JSON Lines ('-' is stdin)",
);

/// Refused with the reason: people are e-mailed when their account is created.
const INVITE: Opt = Opt::flag(
    "invite",
    "not needed: the portal e-mails every user it creates an activation link",
);

/// A new user from `--email`, `--first-name`, `--last-name` and `--type`.
pub fn new_user(args: &mut Args) -> Result<NewUser, Failure> {
    let email = args
        .text(&EMAIL)?
        .ok_or_else(|| Failure::Usage("--email is required".to_owned()))?;
    let first_name = args
        .text(&FIRST_NAME)?
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| Failure::Usage("--first-name is required".to_owned()))?;
    Ok(NewUser {
        first_name,
        last_name: args.text(&LAST_NAME)?.unwrap_or_default(),
        email: args::checked_email(&email)?,
        user_type: args::user_type(args.text(&TYPE_NEW)?.as_deref())?,
    })
}

#[derive(Debug, PartialEq, Eq)]
pub struct Create(pub NewUser);

impl Command for Create {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect_to_change()?;
        one(&client, &self.0, run.out, run.cx)
    }
}

/// Create the users of a CSV or JSON Lines file.
#[derive(Debug, PartialEq, Eq)]
pub struct CreateFrom(pub PathBuf);

impl Command for CreateFrom {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect_to_change_later()?;
        from_file(&client, &self.0, run.settings, run.out, run.cx)
    }

    fn reads_stdin(&self) -> bool {
        self.0.as_os_str() == "-"
    }
}

fn one(client: &Client, new: &NewUser, out: &mut Output, cx: &mut Context) -> Result<u8, Failure> {
    let action = Action::Create {
        user: new.clone(),
        line: None,
        skip_existing: false,
    };
    let plan = Plan::of(vec![Step::batch(action, Vec::new())]);
    let mut report = Report::new(out, Style::Single);
    plan::carry_out(client, &plan, &mut report, cx);
    Ok(report.finish())
}

/// Creates the people of a file; addresses the portal already has are skipped.
fn from_file(
    client: &Client,
    path: &Path,
    settings: &Settings,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    let text = select::read_file(path, &mut cx.io)?;
    let rows = input::people(&text).map_err(|problems| select::bad_rows(path, &problems))?;
    select::cap(
        rows.len(),
        "create",
        false,
        cx.io.keyboard.is_some(),
        settings,
    )?;
    cx.lock_before_reads(settings, client, false)?;
    let steps = rows
        .into_iter()
        .map(|row| {
            let target = Target::by_email(row.user.email.as_str());
            let action = Action::Create {
                user: row.user,
                line: Some(row.line),
                skip_existing: true,
            };
            Step::batch(action, vec![target])
        })
        .collect();
    let plan = Plan::of(steps);
    let mut report = Report::new(out, Style::Bulk);
    report.selected(plan.steps.len());
    plan::carry_out(client, &plan, &mut report, cx);
    Ok(report.finish())
}
