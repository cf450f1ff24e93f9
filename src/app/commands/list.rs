//! `user list`: every matching account, streamed a page at a time.

use super::{Command, Prints, Run, Spec};
use crate::app::args::{
    Args, Kind, Opt, REGISTERED_BEFORE, SEARCH, STATUS, TERMINATED_BEFORE, TERMINATED_FOR,
    TYPE_FILTER, TerminatedAge,
};
use crate::app::config::Memory;
use crate::app::exit::{DONE, Failure};
use crate::app::format::{Format, Printer};
use crate::app::output::Output;
use crate::app::output::Printing;
use crate::app::retention::AgeFilter;
use crate::app::show;
use docspace_people::{Client, Filter, Status, Users};

pub const SPEC: Spec = Spec {
    name: "user list",
    args: "[--status S] [--type T] [--search TEXT] [--registered-before YYYY-MM-DD] [--terminated-for DUR] [--ids]",
    summary: "list accounts",
    about: "\
Lists every matching account, reading the portal page by page, sorted by e-mail
address. S is active, terminated or pending; T is user, guest, room-admin or
docspace-admin; TEXT matches first name, last name or e-mail. --terminated-for 30d lists
the users terminated at least that long ago (the latest termination the portal or this
tool's journal recorded; a user whose date is unknown, or whom this tool reactivated
since, is left out, and counted on stderr). --ids prints only ids, ready for 'user
delete --from -'; --json prints a JSON array.
--activation pending lists the users who never activated their account: invited and
never registered (pending), and created but never activated (active).",
    options: &[
        &STATUS,
        &TYPE_FILTER,
        &SEARCH,
        &REGISTERED_BEFORE,
        &TERMINATED_BEFORE,
        &TERMINATED_FOR,
        &ACTIVATION,
        &IDS,
    ],
    examples: &[
        "docspace-people user list --status terminated --ids",
        "docspace-people user list --activation pending --registered-before 2026-01-01",
    ],
    prints: Prints::Users,
    parse,
};

const ACTIVATION: Opt = Opt::value(
    "activation",
    Kind::Text,
    "pending",
    "only the users who never activated their account",
);
const IDS: Opt = Opt::flag("ids", "print only ids, one a line (--output ids)");

fn parse(args: &mut Args) -> Result<Box<dyn Command>, Failure> {
    args.no_words()?;
    if args.has(&ACTIVATION) {
        return never_activated(args);
    }
    let filter = args.filter()?;
    let terminated = match args.terminated_age()? {
        Some(_) if filter.status.is_some_and(|s| s != Status::Terminated) => {
            return Err(Failure::Usage(
                "--terminated-before and --terminated-for list terminated users: leave out --status".to_owned(),
            ));
        }
        age => age,
    };
    Ok(Box::new(List {
        filter,
        ids: args.flag(&IDS),
        terminated,
    }))
}

/// `user list --activation pending`: both kinds of never-activated users.
fn never_activated(args: &mut Args) -> Result<Box<dyn Command>, Failure> {
    match args
        .text(&ACTIVATION)?
        .map(|a| a.to_ascii_lowercase())
        .as_deref()
    {
        Some("pending") => {}
        other => {
            return Err(Failure::Usage(format!(
                "--activation '{}' is not 'pending' (the users who never activated their account)",
                other.unwrap_or_default()
            )));
        }
    }
    if args.has(&STATUS) {
        return Err(Failure::Usage(
            "--activation pending lists invited (pending) and created but never activated (active) users: leave out --status".to_owned(),
        ));
    }
    if args.has(&TERMINATED_BEFORE) || args.has(&TERMINATED_FOR) {
        return Err(Failure::Usage(
            "--activation pending lists users who never activated: leave out --terminated-before and --terminated-for".to_owned(),
        ));
    }
    Ok(Box::new(ListNeverActivated {
        filter: args.filter()?,
        ids: args.flag(&IDS),
    }))
}

#[derive(Debug, PartialEq, Eq)]
pub struct List {
    pub filter: Filter,
    /// Print only ids, one a line.
    pub ids: bool,
    /// Only users terminated long enough ago.
    pub terminated: Option<TerminatedAge>,
}

impl Command for List {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect()?;
        if self.terminated.is_some() {
            run.cx.memory.load(&client.portal())?;
        }
        let printing = &run.settings.printing;
        list(&client, self, printing, run.out, &run.cx.memory)
    }
}

/// `user list --activation pending`: the users who never activated their account.
#[derive(Debug, PartialEq, Eq)]
pub struct ListNeverActivated {
    pub filter: Filter,
    pub ids: bool,
}

impl Command for ListNeverActivated {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect()?;
        let printing = &run.settings.printing;
        never_activated_list(&client, &self.filter, self.ids, printing, run.out)
    }
}

/// The format of a command that prints users: `--output`, or its short forms.
pub fn format(printing: &Printing, ids: bool) -> Format {
    match printing.format {
        Some(format) => format,
        None if ids => Format::Ids,
        None if printing.json => Format::Json,
        None => Format::Table,
    }
}

fn list(
    client: &Client,
    command: &List,
    printing: &Printing,
    out: &mut Output,
    memory: &Memory,
) -> Result<u8, Failure> {
    let mut age = command.terminated.map(AgeFilter::new);
    let filter = match age {
        Some(_) => Filter {
            status: Some(Status::Terminated),
            ..command.filter.clone()
        },
        None => command.filter.clone(),
    };
    let mut printer = Printer::new(
        format(printing, command.ids),
        printing.columns.clone(),
        printing.header,
    );
    out.data(&printer.start())?;
    let mut listed = 0;
    let mut users = client.list_users(&filter).read_ahead();
    for user in users.by_ref() {
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
            && !age.selects(&user, memory.past())
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
    miscounted(&users, listed, out)?;
    Ok(DONE)
}

/// The users who never activated their account, both kinds (invited and never
/// registered; created and never activated), read from one listing of every status and
/// selected here, since the portal's filter takes one status.
fn never_activated_list(
    client: &Client,
    filter: &Filter,
    ids: bool,
    printing: &Printing,
    out: &mut Output,
) -> Result<u8, Failure> {
    let mut printer = Printer::new(
        format(printing, ids),
        printing.columns.clone(),
        printing.header,
    );
    out.data(&printer.start())?;
    let mut listed = 0;
    let mut users = client.list_users(filter).read_ahead();
    for user in users.by_ref() {
        let user = user
            .map_err(|e| Failure::from(e.during(format!("list users (after {listed} listed)"))))?;
        if !user.never_activated() {
            continue;
        }
        listed += 1;
        out.data(printer.user(&user))?;
    }
    out.data(printer.finish())?;
    miscounted(&users, listed, out)?;
    Ok(DONE)
}

/// A listing is complete when it printed every user the portal pages out, though its
/// total says more (or fewer): the warning names both numbers.
fn miscounted(users: &Users, listed: usize, out: &mut Output) -> Result<(), Failure> {
    if let Some(miscount) = users.miscount() {
        out.error(&show::miscount(miscount, &format!("listed {listed}")))?;
    }
    Ok(())
}
