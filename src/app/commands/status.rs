//! `user terminate` and `user activate`: a batch request per 100 users.

use super::{Command, Prints, Run, Spec};
use crate::app::args::{
    Args, FROM, PROTECT, REGISTERED_BEFORE, SEARCH, STATUS, Selection, TYPE_FILTER,
};
use crate::app::bulk::{self, Bulk, Change, Check, Guard};
use crate::app::exit::Failure;
use crate::app::plan::{Action, BATCH, Step};
use crate::app::report::{Already, Outcome, Report, Target};
use docspace_people::{Status, User};
use std::path::PathBuf;

pub const TERMINATE: Spec = Spec {
    name: "user terminate",
    args: "USER... [--from FILE] [--protect FILE]",
    summary: "suspend accounts (they can no longer sign in)",
    about: "\
Suspends the accounts: they can no longer sign in, and their sessions end. USER is a user
id or an e-mail address; instead of naming users, the filters of 'user list' select them.
Never the owner, you, or the accounts of --protect FILE and of the profile's
protect_file. Unattended (no one at a terminal) at most 100 users unless --max says
otherwise. Users the portal refuses are named and the others are still done.",
    options: &[
        &FROM,
        &STATUS,
        &TYPE_FILTER,
        &SEARCH,
        &REGISTERED_BEFORE,
        &PROTECT,
    ],
    examples: &[
        "docspace-people user terminate ann@example.com",
        "docspace-people user terminate --from leavers.txt --protect keep.txt --dry-run",
    ],
    prints: Prints::Json,
    parse: |args| {
        Ok(Box::new(Terminate {
            selection: args.bulk_selection()?,
            protect: args.path(&PROTECT),
        }))
    },
};

pub const ACTIVATE: Spec = Spec {
    name: "user activate",
    args: "USER... [--from FILE]",
    summary: "reactivate terminated accounts",
    about: "\
Reactivates terminated accounts. USER is a user id or an e-mail address; instead of
naming users, the filters of 'user list' select them. Unattended at most 100 users
unless --max says otherwise.",
    options: &[&FROM, &STATUS, &TYPE_FILTER, &SEARCH, &REGISTERED_BEFORE],
    examples: &["docspace-people user activate ann@example.com"],
    prints: Prints::Json,
    parse: |args: &mut Args| Ok(Box::new(Activate(args.bulk_selection()?))),
};

#[derive(Debug, PartialEq, Eq)]
pub struct Terminate {
    pub selection: Selection,
    /// Accounts (ids or addresses, one a line) never to terminate.
    pub protect: Option<PathBuf>,
}

impl Command for Terminate {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect()?;
        let bulk = Bulk {
            verb: "terminate",
            selection: &self.selection,
            accounts: true,
            guard: Some(Guard { ldap: true }),
            protect: self.protect.as_deref(),
            reads: true,
        };
        bulk::run(
            run,
            &client,
            bulk,
            Box::new(|_| Ok(Box::new(Batch(|| Action::Terminate)))),
        )
    }

    fn reads_stdin(&self) -> bool {
        self.selection.reads_stdin()
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct Activate(pub Selection);

impl Command for Activate {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        unguarded(run, &self.0, "activate", || Action::Activate)
    }

    fn reads_stdin(&self) -> bool {
        self.0.reads_stdin()
    }
}

/// A batch change that cannot harm an account (reactivating): the users go to the
/// portal as named, without the guard, and its answer says what became of each.
pub fn unguarded(
    run: &mut Run,
    selection: &Selection,
    verb: &'static str,
    action: fn() -> Action,
) -> Result<u8, Failure> {
    let client = run.connect()?;
    let bulk = Bulk {
        verb,
        selection,
        accounts: true,
        guard: None,
        protect: None,
        reads: false,
    };
    bulk::run(
        run,
        &client,
        bulk,
        Box::new(move |_| Ok(Box::new(Batch(action)))),
    )
}

/// A batch request per 100 users: terminate or activate.
pub struct Batch(pub fn() -> Action);

impl Change for Batch {
    fn check(&mut self, _: &Check, user: User, report: &mut Report) -> Option<Target> {
        // Terminating again changes nothing the admin asked for.
        if matches!((self.0)(), Action::Terminate) && user.status == Status::Terminated {
            report.settle(&Target::of(&user), Outcome::Already(Already::Terminated));
            return None;
        }
        Some(Target::of(&user))
    }

    fn steps(&mut self, targets: Vec<Target>) -> Vec<Step> {
        bulk::chunked(targets, BATCH, &|_| (self.0)())
    }

    fn question(&self, count: usize) -> Option<String> {
        Some(match (self.0)() {
            Action::Terminate => format!(
                "Terminate {count} user(s)? They are signed out and cannot sign in until reactivated."
            ),
            _ => format!("Reactivate {count} user(s)? They can sign in again."),
        })
    }
}
