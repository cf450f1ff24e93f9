//! `invite revoke`: removes accounts that were never activated (invited and never
//! registered, or created and never activated), old enough: terminated, then deleted.
//! Such an account has nothing to hand over; one that owns rooms all the same is left
//! to `user delete --heir`.

use super::{Command, Prints, Run, Spec};
use crate::app::args::{FROM, Kind, Opt, PROTECT, PendingAge, REGISTERED_BEFORE, Selection};
use crate::app::bulk::{self, Bulk, Change, Check, Guard};
use crate::app::exit::Failure;
use crate::app::holdings;
use crate::app::journal::Past;
use crate::app::plan::{Action, BATCH, HandOver, Step};
use crate::app::report::{Report, Target};
use crate::app::show::short;
use docspace_people::{Filter, User, UserId};
use std::path::PathBuf;
use std::time::SystemTime;

pub const SPEC: Spec = Spec {
    name: "invite revoke",
    args: "--older-than DUR|--registered-before YYYY-MM-DD | USER... [--from FILE]",
    summary: "terminate and delete never-activated accounts",
    about: "\
Removes accounts that were never activated (invited and never registered, or created and
never activated) and registered long enough ago: each is terminated, then deleted; there
is nothing to hand over. An activated account is never revoked, nor the accounts of
--protect FILE or of the profile's protect_file. Unattended at most 100 accounts unless
--max says otherwise; on a terminal it asks first unless --yes.",
    options: &[&OLDER_THAN, &REGISTERED_BEFORE, &FROM, &PROTECT],
    examples: &[
        "docspace-people invite revoke --older-than 30d --dry-run",
        "docspace-people invite revoke --registered-before 2026-01-01",
    ],
    prints: Prints::Json,
    parse: |args| {
        let age = match (args.date(&REGISTERED_BEFORE)?, args.duration(&OLDER_THAN)?) {
            (Some(_), Some(_)) => {
                return Err(Failure::Usage(
                    "give --older-than or --registered-before, not both".to_owned(),
                ));
            }
            (Some(day), None) => Some(PendingAge::Before(day)),
            (None, Some(long)) => Some(PendingAge::For(long)),
            (None, None) => None,
        };
        let selection = if args.words.is_empty() && !args.has(&FROM) {
            if age.is_none() {
                return Err(Failure::Usage(
                    "'invite revoke' needs USER..., --from FILE, or an age: --older-than DUR or --registered-before YYYY-MM-DD".to_owned(),
                ));
            }
            Selection::default()
        } else {
            args.selection()?
        };
        Ok(Box::new(Revoke {
            selection,
            age,
            protect: args.path(&PROTECT),
        }))
    },
};

const OLDER_THAN: Opt = Opt::value(
    "older-than",
    Kind::Duration,
    "DUR",
    "only accounts invited or created at least this long ago (30d)",
);

/// What becomes of a revoked account's data.
const NOTHING_TO_HAND_OVER: &str = "never activated: nothing to hand over";

/// `invite revoke`: terminate and delete never-activated accounts.
#[derive(Debug, PartialEq, Eq)]
pub struct Revoke {
    pub selection: Selection,
    pub age: Option<PendingAge>,
    pub protect: Option<PathBuf>,
}

impl Command for Revoke {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect()?;
        let cut_off = self.age.map(|age| match age {
            PendingAge::For(long) => SystemTime::now()
                .checked_sub(long)
                .unwrap_or(SystemTime::UNIX_EPOCH),
            PendingAge::Before(day) => day.midnight(),
        });
        let bulk = Bulk {
            verb: "revoke",
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
            Box::new(|_| Ok(Box::new(Pending { cut_off }))),
        )
    }

    fn reads_stdin(&self) -> bool {
        self.selection.reads_stdin()
    }
}

struct Pending {
    cut_off: Option<SystemTime>,
}

impl Pending {
    fn old_enough(&self, user: &User) -> bool {
        match self.cut_off {
            None => true,
            Some(cut_off) => user.registered_at().is_some_and(|at| at < cut_off),
        }
    }
}

impl Change for Pending {
    fn listing(&self, _: &Selection) -> Filter {
        Filter::default()
    }

    fn lists(&mut self, user: &User, _: &Past) -> bool {
        user.never_activated() && self.old_enough(user)
    }

    fn screen(&mut self, _: &Check, user: User, report: &mut Report) -> Option<(User, bool)> {
        let target = Target::of(&user);
        let not_done = |reason: &str| not_done(&user, reason);
        if !user.never_activated() {
            report.fail(
                &[target],
                not_done(&format!(
                    "skipped: the account is {} and was activated; remove it with 'user delete'",
                    user.status
                )),
            );
            return None;
        }
        if !self.old_enough(&user) {
            report.fail(
                &[target],
                not_done("skipped: invited or created too recently (or when is unknown)"),
            );
            return None;
        }
        Some((user, true))
    }

    // A never-activated account can manage a group, which its delete would leave without
    // a manager: the groups are read once, as for a delete.
    fn holdings(&self) -> bool {
        true
    }

    fn check(&mut self, check: &Check, user: User, report: &mut Report) -> Option<Target> {
        let target = Target::of(&user);
        let not_done = |reason: &str| not_done(&user, reason);
        let managed = match check.held(&format!("revoke {}", short(&user))) {
            Ok(held) => held.managed_by(user.id),
            Err(failure) => {
                report.fail(&[target], failure);
                return None;
            }
        };
        if !managed.is_empty() {
            let names = holdings::group_names(managed.iter().map(|g| g.name.as_str()));
            report.fail(
                &[target],
                not_done(&format!(
                    "skipped: manages groups {names}, which its delete would leave without a manager; remove it with 'user delete --terminate --heir USER'"
                )),
            );
            return None;
        }
        match check.owns(&user) {
            Ok(Some(true)) => report.fail(
                &[target],
                not_done(
                    "skipped: owns rooms all the same; remove it with 'user delete --heir USER'",
                ),
            ),
            Ok(Some(false)) => return Some(target.with_fate(NOTHING_TO_HAND_OVER)),
            // A portal before DocSpace 3.5 cannot say: a plain delete could hand rooms to
            // the caller without a word.
            Ok(None) => report.fail(
                &[target],
                not_done(
                    "skipped: this portal (DocSpace before 3.5) cannot say whether the account owns rooms; remove it with 'user delete --heir USER'",
                ),
            ),
            Err(e) => report.fail(
                &[target],
                e.during(format!("revoke {}", short(&user))).into(),
            ),
        }
        None
    }

    fn steps(&mut self, targets: Vec<Target>) -> Vec<Step> {
        bulk::chunked(targets, BATCH, &|chunk| {
            let terminate_first: Vec<UserId> = chunk.iter().filter_map(|t| t.id).collect();
            Action::Delete {
                terminate_first,
                also: HandOver::default(),
            }
        })
    }

    fn question(&self, count: usize) -> Option<String> {
        Some(format!(
            "Revoke {count} never-activated account(s): terminate and delete them for good?"
        ))
    }
}

/// A pending account this run does not revoke, and why.
fn not_done(user: &User, reason: &str) -> Failure {
    Failure::NotDone {
        action: format!("revoke {}", short(user)),
        reason: reason.to_owned(),
    }
}
