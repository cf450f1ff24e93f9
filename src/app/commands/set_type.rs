//! `user set-type`: makes users users, room admins or DocSpace admins. Each user's type
//! is read first, so an unchanged user is never sent (the portal refuses a change that
//! changes nothing). Promotions go in one request per chunk; a demotion is the portal's
//! job, which hands the user's rooms to an heir and never silently to the caller.

use crate::app::cli::{Demotion, Globals, Selection};
use crate::app::commands::delete::checked_heir;
use crate::app::config::{self, Context};
use crate::app::exit::Failure;
use crate::app::output::Output;
use crate::app::plan::{self, Action, BATCH, Plan, Step};
use crate::app::report::{Already, Outcome, Report, Style, Target};
use crate::app::select;
use crate::app::show::short;
use docspace_people::{Client, Status, User, UserType};
use std::collections::HashSet;
use std::time::Duration;

/// How long to wait for each demotion job unless `--wait` says otherwise.
const DEFAULT_WAIT: Duration = Duration::from_secs(5 * 60);

/// Where a type stands; a DocSpace admin made a room admin goes through the promotion
/// request too (the owner's right).
fn rank(user_type: UserType) -> u8 {
    match user_type {
        UserType::Guest => 0,
        UserType::User => 1,
        UserType::RoomAdmin => 2,
        UserType::DocSpaceAdmin => 3,
    }
}

pub fn run(
    client: &Client,
    selection: &Selection,
    user_type: UserType,
    demotion: &Demotion,
    globals: &Globals,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    let users = select::users(selection, cx)?;
    let attended = select::attended(selection.from.as_deref(), cx);
    select::cap(users.len(), "set-type", false, attended, globals)?;
    let protected = select::protect_list(demotion.protect.as_deref(), cx)?;
    let caller = config::caller(client, cx)?;
    let heir = match &demotion.heir {
        None => None,
        Some(heir) => Some(checked_heir(client, heir, &caller)?),
    };
    let mut report = Report::new(out, Style::Bulk, users.len());
    let mut promote: Vec<Target> = Vec::new();
    let mut demote: Vec<Target> = Vec::new();
    let verb = format!("make {user_type}");
    let looking_up = |id| format!("{verb}: {id}");
    select::each_user(
        client,
        &users,
        &HashSet::new(),
        &verb,
        looking_up,
        &mut report,
        |user, report| {
            let target = Target::of(&user);
            let current = user.user_type();
            if current == user_type {
                report.settle(&target, Outcome::Already(Already::OfType(user_type)));
                return;
            }
            if select::is_protected(&target, user.is_owner, &caller, &protected) {
                report.settle(&target, Outcome::Protected);
                return;
            }
            if user.status == Status::Terminated {
                report.fail(
                &[target],
                Failure::NotDone {
                    action: format!("make {} {user_type}", short(&user)),
                    reason: "terminated, skipped: the portal changes no terminated user's type; reactivate it first".to_owned(),
                },
            );
                return;
            }
            if rank(user_type) > rank(current) || user_type == UserType::RoomAdmin {
                promote.push(target);
                return;
            }
            match demoted(client, &user, heir.as_ref()) {
                Ok(fate) => demote.push(target.with_fate(fate)),
                Err(failure) => report.fail(&[target], failure),
            }
        },
    );
    let mut steps: Vec<Step> = promote
        .chunks(BATCH)
        .map(|chunk| Step::batch(Action::Promote(user_type), chunk.to_vec()))
        .collect();
    // Ten a step, as for reassign jobs: a run killed mid-way leaves little to check.
    let receiver = heir.as_ref().map_or(caller.id, |heir| heir.id);
    steps.extend(demote.chunks(10).map(|chunk| {
        let action = Action::Demote {
            user_type,
            heir: receiver,
            wait: demotion.wait.unwrap_or(DEFAULT_WAIT),
        };
        Step::batch(action, chunk.to_vec())
    }));
    let mut plan = Plan::of(steps);
    let count: usize = plan.steps.iter().map(|s| s.targets.len()).sum();
    if attended && !globals.yes && count > 0 {
        plan.question = Some(format!(
            "Make {count} user(s) {user_type}? Room admins and DocSpace admins take paid seats, and each user is e-mailed."
        ));
    }
    plan::carry_out(client, &plan, &mut report, cx);
    Ok(report.finish())
}

/// What a demotion does with `user`'s rooms, or why it is not sent: a user who owns rooms
/// is demoted only with an heir, since the portal would otherwise hand them to the caller.
fn demoted(client: &Client, user: &User, heir: Option<&User>) -> Result<String, Failure> {
    let not_done = |reason: String| Failure::NotDone {
        action: format!("make {} {}", short(user), UserType::User),
        reason,
    };
    let owns = client
        .reassign_necessary(user.id, user.user_type())
        .map_err(|e| Failure::from(e.during(format!("make {} user", short(user)))))?;
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
