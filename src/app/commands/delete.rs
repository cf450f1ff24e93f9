//! `user delete`: deletes terminated users for good, saying for each what becomes of
//! their data. A leaver who owns rooms or shared files is deleted only with an heir
//! (`--heir USER|me`), through the portal's reassign job; a plain delete would hand
//! everything silently to the account behind the key.

use crate::app::cli::{Globals, Heir, Offboarding, Selection, UserRef};
use crate::app::config::{self, Context};
use crate::app::exit::Failure;
use crate::app::output::Output;
use crate::app::plan::{self, Action, BATCH, Deletable, Plan, Step};
use crate::app::report::{Outcome, Report, Style, Target};
use crate::app::retention::AgeFilter;
use crate::app::select;
use crate::app::show::short;
use docspace_people::{Client, Filter, Status, User, UserId, UserType};
use std::time::Duration;

/// How long to wait for each reassign job unless `--wait` says otherwise.
const DEFAULT_WAIT: Duration = Duration::from_secs(5 * 60);

/// What the data of a plain delete becomes.
const NOTHING_TO_HAND_OVER: &str = "owns no rooms or shared files; personal files are destroyed";

/// What becomes of a leaver.
enum Plan1 {
    /// Owns nothing to hand over: the portal's plain bulk delete.
    Plain,
    /// Handed to the heir by a reassign job, which deletes the profile.
    ToHeir,
}

pub fn run(
    client: &Client,
    selection: &Selection,
    terminate: bool,
    offboarding: &Offboarding,
    globals: &Globals,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    // Selected from the portal (by the listing filters, or by termination age alone)
    // rather than named.
    let by_age = selection.filter.is_some();
    let users = if by_age {
        Vec::new()
    } else {
        select::users(selection, cx)?
    };
    let attended = select::attended(selection.from.as_deref(), cx);
    if !by_age {
        select::cap(users.len(), "delete", true, attended, globals)?;
    }
    let protect = offboarding
        .protect
        .as_deref()
        .or(globals.protect_file.as_deref());
    let protected = select::protect_list(protect, cx)?;
    let caller = config::caller(client, cx)?;
    let heir = match &offboarding.heir {
        None => None,
        Some(heir) => Some(checked_heir(client, heir, &caller)?),
    };
    let mut report = Report::new(out, Style::Bulk, users.len());
    let mut age = offboarding.terminated.map(AgeFilter::new);
    let candidates: Vec<(Target, Option<User>)> = if let Some(filter) = &selection.filter {
        // Only terminated users can be deleted; a termination age needs them anyway.
        let filter = match (&age, filter.status) {
            (Some(_), _) | (None, None) => Filter {
                status: Some(Status::Terminated),
                ..filter.clone()
            },
            (None, Some(_)) => filter.clone(),
        };
        let mut chosen = Vec::new();
        for (target, user) in select::listed(client, &filter, "delete")? {
            let old_enough = match (&mut age, &user) {
                (Some(age), Some(user)) => age.selects(user, cx),
                _ => true,
            };
            if old_enough {
                chosen.push((target, user));
            }
        }
        select::cap(chosen.len(), "delete", true, attended, globals)?;
        chosen
    } else {
        select::resolve(client, &users, &cx.deleted, "delete", &mut report)
    };
    let mut plain: Vec<(Target, Option<UserId>)> = Vec::new();
    let mut to_heir: Vec<(Target, Option<UserId>)> = Vec::new();
    for (target, found) in candidates {
        let (target, judged) = match (found, target.id) {
            (Some(user), _) => (Target::of(&user), plan::judge(user, terminate)),
            (None, Some(id)) => plan::deletable(client, id, terminate, &cx.deleted),
            (None, None) => continue,
        };
        let (user, terminate_first) = match judged {
            Deletable::Yes(user) => (user, None),
            Deletable::AfterTerminating(user) => {
                let id = user.id;
                (user, Some(id))
            }
            Deletable::No(outcome) => {
                report.settle(&target, outcome);
                continue;
            }
        };
        if !by_age && age.as_mut().is_some_and(|age| !age.selects(&user, cx)) {
            report.settle(
                &target,
                Outcome::Failed(Failure::NotDone {
                    action: format!("delete {}", short(&user)),
                    reason: "not terminated long enough ago (or when is unknown), skipped"
                        .to_owned(),
                }),
            );
            continue;
        }
        if select::is_protected(&Target::of(&user), user.is_owner, &caller, &protected) {
            report.settle(&target, Outcome::Protected);
            continue;
        }
        match decide(client, &user, heir.as_ref(), &caller) {
            Ok((Plan1::Plain, fate)) => plain.push((target.with_fate(fate), terminate_first)),
            Ok((Plan1::ToHeir, fate)) => to_heir.push((target.with_fate(fate), terminate_first)),
            Err(failure) => report.settle(&target, Outcome::Failed(failure)),
        }
    }
    if let Some(warning) = age.as_ref().and_then(AgeFilter::warning) {
        report.note(&warning);
    }
    let mut steps: Vec<Step> = plain
        .chunks(BATCH)
        .map(|chunk| {
            let action = Action::Delete {
                terminate_first: chunk.iter().filter_map(|(_, t)| *t).collect(),
            };
            Step::batch(action, chunk.iter().map(|(t, _)| t.clone()).collect())
        })
        .collect();
    if let Some(heir) = &heir {
        // Ten leavers a step, so that the journal's intent of a step names few users
        // and a run killed mid-way leaves little to check.
        steps.extend(to_heir.chunks(10).map(|chunk| {
            let action = Action::Reassign {
                heir: heir.id,
                wait: offboarding.wait.unwrap_or(DEFAULT_WAIT),
                terminate_first: chunk.iter().filter_map(|(_, t)| *t).collect(),
            };
            Step::batch(action, chunk.iter().map(|(t, _)| t.clone()).collect())
        }));
    }
    let mut plan = Plan::of(steps);
    let count: usize = plan.steps.iter().map(|s| s.targets.len()).sum();
    if attended && !globals.yes && count > 0 {
        let fate = match &heir {
            Some(heir) => format!(
                "Their rooms and shared files go to {}; personal files never shared are destroyed.",
                short(heir)
            ),
            None => "None of them owns rooms or shared files; their personal files are destroyed."
                .to_owned(),
        };
        plan.question = Some(format!("Delete {count} user(s) for good? {fate}"));
    }
    plan::carry_out(client, &plan, &mut report, cx);
    Ok(report.finish())
}

/// The heir, checked against the portal's rules for reassigning before anything is sent:
/// an active room admin or DocSpace admin.
pub(crate) fn checked_heir(client: &Client, heir: &Heir, caller: &User) -> Result<User, Failure> {
    let user = match heir {
        Heir::Me => caller.clone(),
        Heir::User(UserRef::Id(id)) => client.get_user(*id)?,
        Heir::User(UserRef::Email(email)) => client.get_user_by_email(email)?,
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
/// be deleted as asked.
fn decide(
    client: &Client,
    user: &User,
    heir: Option<&User>,
    caller: &User,
) -> Result<(Plan1, String), Failure> {
    let not_done = |reason: String| Failure::NotDone {
        action: format!("delete {}", short(user)),
        reason,
    };
    if user.is_ldap {
        return Err(not_done(
            "an LDAP account, which the portal does not delete this way: remove it in the directory".to_owned(),
        ));
    }
    if user.is_admin && !caller.is_owner {
        return Err(not_done(
            "a DocSpace admin: only the owner can delete one or hand over its data".to_owned(),
        ));
    }
    let owns = client
        .reassign_necessary(user.id, user.user_type())
        .map_err(|e| Failure::from(e.during(format!("delete {}", short(user)))))?;
    match (owns, heir) {
        (Some(false), _) => Ok((Plan1::Plain, NOTHING_TO_HAND_OVER.to_owned())),
        (_, Some(heir)) if heir.id == user.id => Err(not_done(
            "the heir cannot be the leaver: give another --heir".to_owned(),
        )),
        (_, Some(heir)) => Ok((
            Plan1::ToHeir,
            format!(
                "rooms and shared files go to {}; personal files never shared are destroyed",
                short(heir)
            ),
        )),
        (Some(true), None) => Err(not_done(
            "skipped: owns rooms or shared files; give --heir USER or --heir me".to_owned(),
        )),
        (None, None) => Err(not_done(
            "skipped: this portal (DocSpace before 3.5) cannot say whether the user owns rooms or shared files, which a delete would hand to you; give --heir USER or --heir me".to_owned(),
        )),
    }
}
