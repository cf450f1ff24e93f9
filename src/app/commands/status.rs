//! `user terminate` and `user activate`: a batch request per 100 users.

use super::{Command, Prints, Run, Spec};
use crate::app::args::{
    Args, FROM, KEEP_KEYS, PROTECT, REGISTERED_BEFORE, SEARCH, STATUS, Selection, TYPE_FILTER,
};
use crate::app::bulk::{self, Bulk, Change, Check, Guard};
use crate::app::exit::Failure;
use crate::app::holdings::{self, Leaving};
use crate::app::plan::{Action, BATCH, HandOver, Step};
use crate::app::report::{Already, Outcome, Report, Target};
use crate::app::show::short;
use docspace_people::{Status, User, UserId};
use std::collections::HashSet;
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
otherwise. Users the portal refuses are named and the others are still done.

The plan says for each user what becomes of what it holds: the groups it manages (it
stays their manager) and is a member of (kept), and its API keys. The portal keeps a
terminated user's keys, and they work again once the account is reactivated, so they are
revoked (one request a key) unless --keep-keys, also those of a user terminated before;
only a DocSpace admin sees other users' keys, and for anyone else the plan says they are
unknown.",
    options: &[
        &FROM,
        &STATUS,
        &TYPE_FILTER,
        &SEARCH,
        &REGISTERED_BEFORE,
        &PROTECT,
        &KEEP_KEYS,
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
            keep_keys: args.flag(&KEEP_KEYS),
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
    /// Leave the users' API keys in place.
    pub keep_keys: bool,
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
        let keep_keys = self.keep_keys;
        bulk::run(
            run,
            &client,
            bulk,
            Box::new(move |_| {
                Ok(Box::new(Terminations {
                    keep_keys,
                    hand_over: HandOver::default(),
                    revoke_only: HashSet::new(),
                }))
            }),
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

/// A batch request per 100 users that cannot harm an account: activate.
pub struct Batch(pub fn() -> Action);

impl Change for Batch {
    fn check(&mut self, _: &Check, user: User, _: &mut Report) -> Option<Target> {
        Some(Target::of(&user))
    }

    fn steps(&mut self, targets: Vec<Target>) -> Vec<Step> {
        bulk::chunked(targets, BATCH, &|_| (self.0)())
    }

    fn question(&self, count: usize) -> Option<String> {
        Some(format!(
            "Reactivate {count} user(s)? They can sign in again."
        ))
    }
}

/// A batch request per 100 users that terminates them, each one's API keys revoked
/// after it unless `keep_keys`. A user terminated before whose keys are still there (the
/// web UI's termination, or a revocation that failed) has them revoked now.
struct Terminations {
    keep_keys: bool,
    /// The keys to revoke, gathered by the checks.
    hand_over: HandOver,
    /// Users terminated before, whose keys only are revoked.
    revoke_only: HashSet<UserId>,
}

impl Change for Terminations {
    fn holdings(&self) -> bool {
        true
    }

    fn check(&mut self, check: &Check, user: User, report: &mut Report) -> Option<Target> {
        let held = match check.held(&format!("terminate {}", short(&user))) {
            Ok(held) => held,
            Err(failure) => {
                report.fail(&[Target::of(&user)], failure);
                return None;
            }
        };
        let keys = held.keys_of(user.id);
        let revoked = keys.as_ref().filter(|k| !k.is_empty() && !self.keep_keys);
        if user.status == Status::Terminated {
            // Terminating again changes nothing the admin asked for; keys left behind
            // would come back with the account.
            let Some(keys) = revoked else {
                report.settle(&Target::of(&user), Outcome::Already(Already::Terminated));
                return None;
            };
            let fate = holdings::keys_fate(Some(keys), Leaving::Terminated, true);
            let fate = format!("already terminated; {}", fate.unwrap_or_default());
            self.hand_over.revoke_keys(user.id, keys);
            self.revoke_only.insert(user.id);
            return Some(Target::of(&user).with_fate(fate));
        }
        if let Some(keys) = revoked {
            self.hand_over.revoke_keys(user.id, keys);
        }
        let fate = holdings::joined([
            holdings::managed_fate(&held.managed_by(user.id), Leaving::Terminated, None),
            holdings::member_fate(&user.groups(), Leaving::Terminated),
            holdings::keys_fate(keys.as_deref(), Leaving::Terminated, !self.keep_keys),
        ]);
        let target = Target::of(&user);
        Some(match fate {
            Some(fate) => target.with_fate(fate),
            None => target,
        })
    }

    fn steps(&mut self, targets: Vec<Target>) -> Vec<Step> {
        let (revoke, terminate): (Vec<Target>, Vec<Target>) = targets
            .into_iter()
            .partition(|t| t.id.is_some_and(|id| self.revoke_only.contains(&id)));
        let mut steps = bulk::chunked(terminate, BATCH, &|chunk| {
            Action::Terminate(self.hand_over.of(chunk))
        });
        steps.extend(bulk::chunked(revoke, BATCH, &|chunk| {
            Action::RevokeKeys(self.hand_over.of(chunk))
        }));
        steps
    }

    fn question(&self, count: usize) -> Option<String> {
        Some(format!(
            "Terminate {count} user(s)? They are signed out and cannot sign in until reactivated."
        ))
    }
}
