//! `user set-type`: makes users users, room admins or DocSpace admins. Each user's type
//! is read first, so an unchanged user is never sent (the portal refuses a change that
//! changes nothing). Promotions go in one request per chunk; a demotion is the portal's
//! job, which hands the user's rooms to an heir and never silently to the caller.

use super::delete::caller_and_heir;
use super::{Command, Prints, Run, Spec};
use crate::app::args::{self, FROM, HEIR, Heir, Kind, Opt, PROTECT, Selection, WAIT};
use crate::app::bulk::{self, Bulk, Change, Check, Guard};
use crate::app::exit::Failure;
use crate::app::holdings::{self, Held, Leaving};
use crate::app::plan::{self, Action, BATCH, HandOver, Step};
use crate::app::report::{Already, Outcome, Report, Target};
use crate::app::show::short;
use docspace_people::{Status, User, UserId, UserType};
use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;

pub const SPEC: Spec = Spec {
    name: "user set-type",
    args: "USER... --type T [--heir USER|me]",
    summary: "change users' type (paid seats); a demotion hands the rooms to the heir",
    about: "\
Makes users T: user, room-admin, docspace-admin or guest (room admins and DocSpace admins
take paid seats; see 'seats'). Each user's type is read first; one already of that type is
'already T' and not sent. Promotions go in one request per 100 users; the portal stops at
its first refusal, and each user is reported from what it did (exit 1). No paid seat
left is the portal's 402, reported with a pointer to 'seats'. A demotion to user is the
portal's job, which hands the user's rooms to the heir: a user who owns rooms is demoted
only with --heir (an active room admin or DocSpace admin; 'me' is you). --wait (default 5m) bounds the wait for each
job; the same command again follows a job still running. The owner, you and the accounts
of --protect FILE or the profile's protect_file are never changed.

A demotion to guest is the same job, and the portal then takes the user out of every
group: a group it manages would be left without a manager, so the heir is made its
manager first (each answer checked), and a user who manages groups is not made a guest
without --heir. The plan says what becomes of each user's groups and API keys.",
    options: &[&FROM, &TYPE_SET, &HEIR, &WAIT, &PROTECT],
    examples: &[
        "docspace-people user set-type ann@example.com --type room-admin",
        "docspace-people user set-type bob@example.com --type user --heir rita@example.com",
    ],
    prints: Prints::Json,
    parse: |args| {
        let selection = args.selection()?;
        let user_type = match args.text(&TYPE_SET)? {
            None => {
                return Err(Failure::Usage(
                    "'user set-type' needs --type user|room-admin|docspace-admin|guest"
                        .to_owned(),
                ));
            }
            // A demotion: the portal's job, as for user (`user create` and `invite`
            // refuse guests, since guests join through rooms).
            Some(t) if t.eq_ignore_ascii_case("guest") => UserType::Guest,
            Some(t) => args::user_type(Some(&t))?,
        };
        let heir = args.heir()?;
        let wait = args.duration(&WAIT)?;
        if wait.is_some() && heir.is_none() {
            return Err(Failure::Usage(
                "--wait is how long to wait for a demotion's job, which needs --heir: give --heir too".to_owned(),
            ));
        }
        Ok(Box::new(SetType {
            selection,
            user_type,
            demotion: Demotion {
                heir,
                wait,
                protect: args.path(&PROTECT),
            },
        }))
    },
};

const TYPE_SET: Opt = Opt::value(
    "type",
    Kind::Text,
    "T",
    "the new type: user, room-admin, docspace-admin or guest",
);

/// How long to wait for each demotion job unless `--wait` says otherwise.
const DEFAULT_WAIT: Duration = Duration::from_secs(5 * 60);

/// `user set-type`: change users' type (paid seats).
#[derive(Debug, PartialEq, Eq)]
pub struct SetType {
    pub selection: Selection,
    pub user_type: UserType,
    pub demotion: Demotion,
}

/// What a demotion does with the rooms of the user demoted, and whom a type change may
/// touch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Demotion {
    pub heir: Option<Heir>,
    /// How long to wait for each demotion job.
    pub wait: Option<Duration>,
    /// Accounts (ids or addresses, one a line) never changed.
    pub protect: Option<PathBuf>,
}

impl Command for SetType {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect()?;
        let bulk = Bulk {
            verb: "set-type",
            selection: &self.selection,
            accounts: false,
            guard: Some(Guard { ldap: false }),
            protect: self.demotion.protect.as_deref(),
            reads: true,
        };
        let demotion = &self.demotion;
        bulk::run(
            run,
            &client,
            bulk,
            Box::new(|memory| {
                let (caller, heir) = caller_and_heir(&client, memory, demotion.heir.as_ref())?;
                Ok(Box::new(Types {
                    user_type: self.user_type,
                    receiver: heir.as_ref().map_or(caller.id, |heir| heir.id),
                    hand_over: HandOver {
                        heir: heir.as_ref().map(|h| h.id),
                        ..HandOver::default()
                    },
                    heir,
                    wait: demotion.wait.unwrap_or(DEFAULT_WAIT),
                    promoted: HashSet::new(),
                    demoting: false,
                }))
            }),
        )
    }

    fn reads_stdin(&self) -> bool {
        self.selection.reads_stdin()
    }
}

struct Types {
    user_type: UserType,
    heir: Option<User>,
    /// Who receives a demoted user's rooms: the heir, else the caller.
    receiver: UserId,
    wait: Duration,
    /// The users to promote (the others passed are demoted).
    promoted: HashSet<UserId>,
    /// The groups the heir takes over before a demotion to guest.
    hand_over: HandOver,
    /// A user to demote passed the screen: the groups and keys are read.
    demoting: bool,
}

impl Change for Types {
    /// A demotion says what becomes of each user's groups and keys: asked once the
    /// screen has passed a user to demote (a promotion needs neither).
    fn holdings(&self) -> bool {
        self.demoting
    }

    fn screen(&mut self, _: &Check, user: User, report: &mut Report) -> Option<(User, bool)> {
        let user_type = self.user_type;
        let target = Target::of(&user);
        let current = user.user_type();
        if current == user_type {
            report.settle(&target, Outcome::Already(Already::OfType(user_type)));
            return None;
        }
        if user.status == Status::Terminated {
            report.fail(
                &[target],
                Failure::NotDone {
                    action: format!("make {} {user_type}", short(&user)),
                    reason: "terminated, skipped: the portal changes no terminated user's type; reactivate it first".to_owned(),
                },
            );
            return None;
        }
        if plan::promotes(current, user_type) {
            self.promoted.insert(user.id);
            return Some((user, false));
        }
        // A demotion hands the user's rooms over: who owns what is read first.
        self.demoting = true;
        Some((user, true))
    }

    fn check(&mut self, check: &Check, user: User, report: &mut Report) -> Option<Target> {
        let target = Target::of(&user);
        if self.promoted.contains(&user.id) {
            return Some(target);
        }
        let action = format!("make {} {}", short(&user), self.user_type);
        let demoted = check.held(&action).and_then(|held| {
            let fate = demoted(check, held, &user, self.heir.as_ref(), self.user_type)?;
            Ok((held, fate))
        });
        match demoted {
            Ok((held, fate)) => Some(target.with_fate(self.hold(held, &user, fate))),
            Err(failure) => {
                report.fail(&[target], failure);
                None
            }
        }
    }

    fn steps(&mut self, targets: Vec<Target>) -> Vec<Step> {
        let (promote, demote): (Vec<Target>, Vec<Target>) = targets
            .into_iter()
            .partition(|t| t.id.is_some_and(|id| self.promoted.contains(&id)));
        let mut steps = bulk::chunked(promote, BATCH, &|_| Action::Promote(self.user_type));
        // Ten a step, as for reassign jobs: a run killed mid-way leaves little to check.
        steps.extend(bulk::chunked(demote, 10, &|chunk| Action::Demote {
            user_type: self.user_type,
            heir: self.receiver,
            wait: self.wait,
            also: self.hand_over.of(chunk),
        }));
        steps
    }

    fn question(&self, count: usize) -> Option<String> {
        Some(format!(
            "Make {count} user(s) {}? Room admins and DocSpace admins take paid seats, and each user is e-mailed.",
            self.user_type
        ))
    }
}

impl Types {
    /// Gathers the groups the heir takes over before a demotion to guest, and says what
    /// becomes of the user's groups and keys after `fate`, what becomes of its rooms.
    fn hold(&mut self, held: &Held, user: &User, fate: String) -> String {
        let leaving = match self.user_type {
            UserType::Guest => Leaving::Guest,
            _ => Leaving::User,
        };
        let managed = held.managed_by(user.id);
        if leaving == Leaving::Guest && self.heir.is_some() && !managed.is_empty() {
            self.hand_over.give_groups(user.id, &managed);
        }
        holdings::joined([
            Some(fate),
            holdings::managed_fate(&managed, leaving, self.heir.as_ref()),
            holdings::member_fate(&user.groups(), leaving),
            holdings::keys_fate(held.keys_of(user.id).as_deref(), leaving, false),
        ])
        .unwrap_or_default()
    }
}

/// What a demotion does with `user`'s rooms, or why it is not sent: a user who owns rooms
/// is demoted only with an heir, since the portal would otherwise hand them to the caller,
/// and a user who manages groups is made a guest only with an heir, since the portal
/// would leave them without a manager.
fn demoted(
    check: &Check,
    held: &Held,
    user: &User,
    heir: Option<&User>,
    user_type: UserType,
) -> Result<String, Failure> {
    let not_done = |reason: String| Failure::NotDone {
        action: format!("make {} {user_type}", short(user)),
        reason,
    };
    let managed = held.managed_by(user.id);
    if user_type == UserType::Guest && heir.is_none() && !managed.is_empty() {
        let groups = holdings::group_names(managed.iter().map(|g| g.name.as_str()));
        return Err(not_done(format!(
            "skipped: manages groups {groups}; give --heir USER or --heir me"
        )));
    }
    let owns = check
        .owns(user)
        .map_err(|e| Failure::from(e.during(format!("make {} user", short(user)))))?;
    demotion(user, user_type, owns, heir)
}

/// What a demotion of `user` to `user_type` does with the rooms it owns (`owns`, as the
/// portal said; `None` when it cannot say), or why it is not sent: the rooms of a user
/// who owns some go to an heir, never silently to the caller.
pub fn demotion(
    user: &User,
    user_type: UserType,
    owns: Option<bool>,
    heir: Option<&User>,
) -> Result<String, Failure> {
    let not_done = |reason: String| Failure::NotDone {
        action: format!("make {} {user_type}", short(user)),
        reason,
    };
    match (owns, heir) {
        (_, Some(heir)) if heir.id == user.id => Err(not_done(
            "the heir cannot be the user demoted: give another --heir".to_owned(),
        )),
        (Some(false), _) => Ok("owns no rooms".to_owned()),
        (_, Some(heir)) => Ok(format!("rooms go to {}", short(heir))),
        (Some(true), None) => Err(not_done(
            "skipped: owns rooms, which the demotion would hand to you; give --heir USER or --heir me".to_owned(),
        )),
        (None, None) => Err(not_done(
            "skipped: this portal (DocSpace before 3.5) cannot say whether the user owns rooms, which the demotion would hand to you; give --heir USER or --heir me".to_owned(),
        )),
    }
}
