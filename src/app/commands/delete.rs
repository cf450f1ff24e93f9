//! `user delete`: deletes terminated users for good, saying for each what becomes of
//! their data. A leaver who owns rooms or shared files is deleted only with an heir
//! (`--heir USER|me`), through the portal's reassign job; a plain delete would hand
//! everything silently to the account behind the key.

use super::{Command, Prints, Run, Spec};
use crate::app::args::{
    FROM, HEIR, Heir, KEEP_KEYS, Opt, PROTECT, REGISTERED_BEFORE, SEARCH, STATUS, Selection,
    TERMINATED_BEFORE, TERMINATED_FOR, TYPE_FILTER, TerminatedAge, UserRef, WAIT,
};
use crate::app::bulk::{self, Bulk, Change, Check, Guard};
use crate::app::config::Memory;
use crate::app::exit::Failure;
use crate::app::holdings::{self, Held, Leaving};
use crate::app::journal::Past;
use crate::app::plan::{self, Action, BATCH, Deletable, HandOver, Step};
use crate::app::report::{Outcome, Report, Target};
use crate::app::retention::AgeFilter;
use crate::app::show::short;
use docspace_people::{Client, Filter, Status, User, UserId, UserType};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

pub const SPEC: Spec = Spec {
    name: "user delete",
    args: "USER... [--from FILE] [--terminate] [--heir USER|me]",
    summary: "delete terminated accounts for good, their rooms and shared files handed to the heir",
    about: "\
Deletes terminated accounts for good; with --terminate, active ones are terminated
first, without it they are skipped. USER is a user id or an e-mail address. Unattended
(no one at a terminal) at most 100 users unless --max says otherwise; at a terminal it
asks first, naming the users and each step, unless --yes: on /dev/tty when stdin is a
pipe ('user list --ids ... | user delete --from -'). Ctrl-C stops it after the request
under way (exit 130).

What a delete does with the leaver's data, said for each user in the plan, the
question and the report: personal files that were never shared are destroyed. Rooms and
shared files would go to the account behind the key without a word, so a leaver who owns
any is deleted only with --heir: the portal's reassign job hands them to the heir (an
active room admin or DocSpace admin; 'me' is you) and then deletes the profile. --wait
(default 5m) bounds the wait for each job; a job still running is left to the portal
(exit 75), and running the same command again follows it. The owner, you, and the
accounts listed in --protect FILE or the profile's protect_file are never deleted.
Without USER or --from, --terminated-for 30d (or --terminated-before DATE) selects the
terminated users old enough; one whose termination date is unknown is never selected.
Users the portal refuses are named and the others are still done; exit 1 when some
failed. --dry-run prints the requests instead of sending them.

What else a leaver holds is said for each user too. The groups it manages would be left
without a manager (the portal drops every group link of a deleted user): with --heir the
heir is made their manager first, each answer checked, and a leaver who manages groups is
not deleted without --heir. Its memberships go with the account. Its API keys are revoked
(one request a key) unless --keep-keys; only a DocSpace admin sees other users' keys.",
    options: &[
        &FROM,
        &STATUS,
        &TYPE_FILTER,
        &SEARCH,
        &REGISTERED_BEFORE,
        &TERMINATE,
        &HEIR,
        &WAIT,
        &PROTECT,
        &TERMINATED_BEFORE,
        &TERMINATED_FOR,
        &KEEP_KEYS,
    ],
    examples: &[
        "docspace-people user delete ann@example.com --heir rita@example.com",
        "docspace-people user delete --terminated-for 30d --heir me --max 50",
    ],
    prints: Prints::Json,
    parse: |args| {
        let terminated = args.terminated_age()?;
        let selection = if args.words.is_empty() && !args.has(&FROM) && terminated.is_some() {
            // Selected from the portal: every terminated user old enough.
            Selection {
                filter: Some(args.filter()?),
                ..Selection::default()
            }
        } else {
            args.bulk_selection()?
        };
        let heir = args.heir()?;
        let wait = args.duration(&WAIT)?;
        if wait.is_some() && heir.is_none() {
            return Err(Failure::Usage(
                "--wait is how long to wait for an heir's reassign job: give --heir too".to_owned(),
            ));
        }
        Ok(Box::new(Delete {
            selection,
            terminate: args.flag(&TERMINATE),
            offboarding: Offboarding {
                heir,
                wait,
                protect: args.path(&PROTECT),
                terminated,
                keep_keys: args.flag(&KEEP_KEYS),
            },
        }))
    },
};

const TERMINATE: Opt = Opt::flag(
    "terminate",
    "terminate active users first (else they are skipped)",
);

/// How long to wait for each reassign job unless `--wait` says otherwise.
const DEFAULT_WAIT: Duration = Duration::from_secs(5 * 60);

/// What the data of a plain delete becomes.
const NOTHING_TO_HAND_OVER: &str = "owns no rooms or shared files; personal files are destroyed";

#[derive(Debug, PartialEq, Eq)]
pub struct Delete {
    pub selection: Selection,
    /// Terminate active users first.
    pub terminate: bool,
    pub offboarding: Offboarding,
}

/// What `user delete` does with the leavers' data, and whom it may touch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offboarding {
    pub heir: Option<Heir>,
    /// How long to wait for each reassign job.
    pub wait: Option<Duration>,
    /// Accounts (ids or addresses, one a line) a bulk run never touches.
    pub protect: Option<PathBuf>,
    /// Only users terminated long enough ago.
    pub terminated: Option<TerminatedAge>,
    /// Leave the leavers' API keys in place.
    pub keep_keys: bool,
}

impl Command for Delete {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect()?;
        let bulk = Bulk {
            verb: "delete",
            selection: &self.selection,
            accounts: true,
            guard: Some(Guard { ldap: true }),
            protect: self.offboarding.protect.as_deref(),
            reads: true,
        };
        let offboarding = &self.offboarding;
        bulk::run(
            run,
            &client,
            bulk,
            Box::new(|memory| {
                let (caller, heir) = caller_and_heir(&client, memory, offboarding.heir.as_ref())?;
                Ok(Box::new(Leavers {
                    decided: HashMap::new(),
                    terminate: self.terminate,
                    age: offboarding.terminated.map(AgeFilter::new),
                    hand_over: HandOver {
                        heir: heir.as_ref().map(|h| h.id),
                        ..HandOver::default()
                    },
                    heir,
                    caller,
                    wait: offboarding.wait.unwrap_or(DEFAULT_WAIT),
                    keep_keys: offboarding.keep_keys,
                }))
            }),
        )
    }

    fn reads_stdin(&self) -> bool {
        self.selection.reads_stdin()
    }
}

/// What becomes of a leaver.
enum Plan1 {
    /// Owns nothing to hand over: the portal's plain bulk delete.
    Plain,
    /// Handed to the heir by a reassign job, which deletes the profile.
    ToHeir,
}

struct Leavers {
    /// Whether each leaver goes to the heir, and whether it is terminated first.
    decided: HashMap<UserId, (Plan1, bool)>,
    terminate: bool,
    age: Option<AgeFilter>,
    heir: Option<User>,
    caller: User,
    wait: Duration,
    keep_keys: bool,
    /// The keys revoked and the groups handed to the heir, gathered by the checks.
    hand_over: HandOver,
}

impl Change for Leavers {
    fn holdings(&self) -> bool {
        true
    }

    fn listing(&self, selection: &Selection) -> Filter {
        // Only terminated users can be deleted; a termination age needs them anyway.
        let filter = selection.filter.clone().unwrap_or_default();
        match (&self.age, filter.status) {
            (Some(_), _) | (None, None) => Filter {
                status: Some(Status::Terminated),
                ..filter
            },
            (None, Some(_)) => filter,
        }
    }

    fn lists(&mut self, user: &User, past: &Past) -> bool {
        self.age.as_mut().is_none_or(|age| age.selects(user, past))
    }

    fn screen(&mut self, check: &Check, user: User, report: &mut Report) -> Option<(User, bool)> {
        let target = Target::of(&user);
        let user = match plan::judge(user, self.terminate) {
            Deletable::Yes(user) => user,
            Deletable::AfterTerminating(user) => user,
            Deletable::No(outcome) => {
                report.settle(&target, outcome);
                return None;
            }
        };
        let not_done = |reason: &str| {
            Outcome::Failed(Failure::NotDone {
                action: format!("delete {}", short(&user)),
                reason: reason.to_owned(),
            })
        };
        if check.named
            && self
                .age
                .as_mut()
                .is_some_and(|age| !age.selects(&user, check.past))
        {
            let skipped = not_done("not terminated long enough ago (or when is unknown), skipped");
            report.settle(&target, skipped);
            return None;
        }
        if user.is_admin && !self.caller.is_owner {
            let refused =
                not_done("a DocSpace admin: only the owner can delete one or hand over its data");
            report.settle(&target, refused);
            return None;
        }
        Some((user, true))
    }

    fn check(&mut self, check: &Check, user: User, report: &mut Report) -> Option<Target> {
        let target = Target::of(&user);
        let decided = check
            .held(&format!("delete {}", short(&user)))
            .and_then(|held| {
                let (plan, fate) = decide(check, held, &user, self.heir.as_ref())?;
                Ok((plan, fate, held))
            });
        match decided {
            Ok((plan, fate, held)) => {
                let terminate_first = user.status != Status::Terminated;
                self.decided.insert(user.id, (plan, terminate_first));
                let fate = self.hold(held, &user, fate);
                Some(target.with_fate(fate))
            }
            Err(failure) => {
                report.settle(&target, Outcome::Failed(failure));
                None
            }
        }
    }

    fn steps(&mut self, targets: Vec<Target>) -> Vec<Step> {
        let decided = |t: &Target| t.id.and_then(|id| self.decided.get(&id));
        let (to_heir, plain): (Vec<Target>, Vec<Target>) = targets
            .into_iter()
            .partition(|t| matches!(decided(t), Some((Plan1::ToHeir, _))));
        let terminate_first = |chunk: &[Target]| -> Vec<UserId> {
            chunk
                .iter()
                .filter(|t| decided(t).is_some_and(|(_, first)| *first))
                .filter_map(|t| t.id)
                .collect()
        };
        let mut steps = bulk::chunked(plain, BATCH, &|chunk| Action::Delete {
            terminate_first: terminate_first(chunk),
            also: self.hand_over.of(chunk),
        });
        if let Some(heir) = &self.heir {
            // Ten leavers a step, so that the journal's intent of a step names few users
            // and a run killed mid-way leaves little to check.
            steps.extend(bulk::chunked(to_heir, 10, &|chunk| Action::Reassign {
                heir: heir.id,
                wait: self.wait,
                terminate_first: terminate_first(chunk),
                also: self.hand_over.of(chunk),
            }));
        }
        steps
    }

    fn question(&self, count: usize) -> Option<String> {
        let mut fate = match &self.heir {
            Some(heir) => format!(
                "Their rooms and shared files go to {}; personal files never shared are destroyed.",
                short(heir)
            ),
            None => "None of them owns rooms or shared files; their personal files are destroyed."
                .to_owned(),
        };
        if let (Some(heir), false) = (&self.heir, self.hand_over.groups.is_empty()) {
            fate.push_str(&format!(
                " The groups they manage get {} as their manager.",
                short(heir)
            ));
        }
        if !self.hand_over.keys.is_empty() {
            fate.push_str(" Their API keys are revoked.");
        }
        Some(format!("Delete {count} user(s) for good? {fate}"))
    }

    fn note(&self) -> Option<String> {
        self.age.as_ref().and_then(AgeFilter::warning)
    }
}

impl Leavers {
    /// Gathers what the delete does with `user`'s groups and keys, and says it after
    /// `fate`, what becomes of its rooms and files.
    fn hold(&mut self, held: &Held, user: &User, fate: String) -> String {
        let managed = held.managed_by(user.id);
        let keys = held.keys_of(user.id);
        if self.heir.is_some() && !managed.is_empty() {
            self.hand_over.give_groups(user.id, &managed);
        }
        if let Some(keys) = keys.as_ref().filter(|k| !k.is_empty() && !self.keep_keys) {
            self.hand_over.revoke_keys(user.id, keys);
        }
        holdings::joined([
            Some(fate),
            holdings::managed_fate(&managed, Leaving::Deleted, self.heir.as_ref()),
            holdings::member_fate(&user.groups(), Leaving::Deleted),
            holdings::keys_fate(keys.as_deref(), Leaving::Deleted, !self.keep_keys),
        ])
        .unwrap_or_default()
    }
}

/// The caller, and the heir (`--heir`) checked against the portal's rules, before any
/// user is checked.
pub(crate) fn caller_and_heir(
    client: &Client,
    memory: &mut Memory,
    heir: Option<&Heir>,
) -> Result<(User, Option<User>), Failure> {
    let caller = memory.caller(client)?;
    let heir = heir
        .map(|heir| checked_heir(client, heir, &caller))
        .transpose()?;
    Ok((caller, heir))
}

/// The heir, checked against the portal's rules for reassigning before anything is sent:
/// an active room admin or DocSpace admin.
pub(crate) fn checked_heir(client: &Client, heir: &Heir, caller: &User) -> Result<User, Failure> {
    let found = match heir {
        Heir::Me => Ok(caller.clone()),
        Heir::User(UserRef::Id(id)) => client.get_user(*id),
        Heir::User(UserRef::Email(email)) => client.get_user_by_email(email),
    };
    let user = match (found, heir) {
        (Ok(user), _) => user,
        (Err(e), Heir::User(named)) if e.is_not_found() => {
            return Err(Failure::Missing(format!(
                "the heir {named} was not found: nothing was sent; check --heir (an active room admin or DocSpace admin, or 'me')"
            )));
        }
        (Err(e), Heir::User(named)) => {
            return Err(e.during(format!("check the heir {named}")).into());
        }
        (Err(e), Heir::Me) => return Err(e.into()),
    };
    let refused = |reason: &str| {
        Err(Failure::BadInput(vec![format!(
            "--heir {}: {reason}; nothing was sent",
            short(&user)
        )]))
    };
    match (user.status, user.user_type()) {
        (Status::Active, UserType::RoomAdmin | UserType::DocSpaceAdmin) => Ok(user),
        (Status::Active, UserType::Guest) => {
            refused("a guest cannot receive rooms; the heir must be a room admin or DocSpace admin")
        }
        (Status::Active, _) => {
            refused("the heir must be a room admin or DocSpace admin (the portal refuses a user)")
        }
        (status, _) => refused(&format!("the heir is {status}, and must be active")),
    }
}

/// Whether `user` owns anything to hand over, and so how it is deleted; or why it cannot
/// be deleted as asked: it owns rooms or manages groups, and no heir is given.
fn decide(
    check: &Check,
    held: &Held,
    user: &User,
    heir: Option<&User>,
) -> Result<(Plan1, String), Failure> {
    let not_done = |reason: String| Failure::NotDone {
        action: format!("delete {}", short(user)),
        reason,
    };
    let owns = check
        .owns(user)
        .map_err(|e| Failure::from(e.during(format!("delete {}", short(user)))))?;
    let managed = held.managed_by(user.id);
    let manages = (!managed.is_empty())
        .then(|| holdings::group_names(managed.iter().map(|g| g.name.as_str())));
    match (owns, heir, manages) {
        (Some(false), _, None) => Ok((Plan1::Plain, NOTHING_TO_HAND_OVER.to_owned())),
        (_, Some(heir), _) if heir.id == user.id => Err(not_done(
            "the heir cannot be the leaver: give another --heir".to_owned(),
        )),
        // Nothing to hand over but the groups, which the heir takes before the delete.
        (Some(false), Some(_), Some(_)) => Ok((Plan1::Plain, NOTHING_TO_HAND_OVER.to_owned())),
        (_, Some(heir), _) => Ok((
            Plan1::ToHeir,
            format!(
                "rooms and shared files go to {}; personal files never shared are destroyed",
                short(heir)
            ),
        )),
        (Some(false), None, Some(groups)) => Err(not_done(format!(
            "skipped: manages groups {groups}; give --heir USER or --heir me"
        ))),
        // Owning something is also what a reassign job someone else started (in the web
        // UI) leaves until it ends, and the portal refuses to delete the user meanwhile:
        // asked only for these leavers, so that one who owns nothing costs no request.
        (Some(true), None, manages) => match check.client.reassign_progress(user.id) {
            Ok(Some(job)) if !job.status.is_finished() => {
                Err(plan::reassign_running(&Target::of(user), &job))
            }
            Ok(_) => Err(not_done(match manages {
                None => "skipped: owns rooms or shared files; give --heir USER or --heir me"
                    .to_owned(),
                Some(groups) => format!(
                    "skipped: owns rooms or shared files and manages groups {groups}; give --heir USER or --heir me"
                ),
            })),
            Err(e) => Err(e.during(format!("delete {}", short(user))).into()),
        },
        (None, None, _) => Err(not_done(
            "skipped: this portal (DocSpace before 3.5) cannot say whether the user owns rooms or shared files, which a delete would hand to you; give --heir USER or --heir me".to_owned(),
        )),
    }
}
