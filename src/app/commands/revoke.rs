//! `invite revoke`: removes accounts that were never activated (invited and never
//! registered, or created and never activated), old enough: terminated, then deleted.
//! Such an account has nothing to hand over; one that owns rooms all the same is left
//! to `user delete --heir`.

use crate::app::cli::{Globals, PendingAge, Selection};
use crate::app::config::{self, Context};
use crate::app::exit::Failure;
use crate::app::output::Output;
use crate::app::plan::{self, Action, BATCH, Plan, Step};
use crate::app::report::{Outcome, Report, Style, Target};
use crate::app::select;
use crate::app::show::short;
use docspace_people::{Client, Filter, User, UserId};
use std::time::SystemTime;

/// What becomes of a revoked account's data.
const NOTHING_TO_HAND_OVER: &str = "never activated: nothing to hand over";

pub fn run(
    client: &Client,
    selection: &Selection,
    age: Option<PendingAge>,
    protect: Option<&std::path::Path>,
    globals: &Globals,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    let by_age = selection.users.is_empty() && selection.from.is_none();
    let users = if by_age {
        Vec::new()
    } else {
        select::users(selection, cx)?
    };
    let attended = select::attended(selection.from.as_deref(), cx);
    if !by_age {
        select::cap(users.len(), "revoke", true, attended, globals)?;
    }
    let protected = select::protect_list(protect, cx)?;
    let caller = config::caller(client, cx)?;
    let cut_off = age.map(|age| match age {
        PendingAge::For(long) => SystemTime::now()
            .checked_sub(long)
            .unwrap_or(SystemTime::UNIX_EPOCH),
        PendingAge::Before(day) => day.midnight(),
    });
    let old_enough = |user: &User| match cut_off {
        None => true,
        Some(cut_off) => user.registered_at().is_some_and(|at| at < cut_off),
    };
    let mut report = Report::new(out, Style::Bulk, users.len());
    let mut candidates: Vec<User> = Vec::new();
    if by_age {
        for user in client.list_users(&Filter::default()) {
            let user =
                user.map_err(|e| Failure::from(e.during("select the never-activated users")))?;
            if user.never_activated() && old_enough(&user) {
                candidates.push(user);
            }
        }
        select::cap(candidates.len(), "revoke", true, attended, globals)?;
    } else {
        let looking_up = |id| format!("revoke {id}");
        select::each_user(
            client,
            &users,
            &cx.deleted,
            "revoke",
            looking_up,
            &mut report,
            |user, _| candidates.push(user),
        );
    }
    let mut chosen: Vec<Target> = Vec::new();
    for user in candidates {
        let target = Target::of(&user);
        let not_done = |reason: &str| Failure::NotDone {
            action: format!("revoke {}", short(&user)),
            reason: reason.to_owned(),
        };
        if !user.never_activated() {
            report.fail(
                &[target],
                not_done(&format!(
                    "skipped: the account is {} and was activated; remove it with 'user delete'",
                    user.status
                )),
            );
            continue;
        }
        if !old_enough(&user) {
            report.fail(
                &[target],
                not_done("skipped: invited or created too recently (or when is unknown)"),
            );
            continue;
        }
        if select::is_protected(&target, user.is_owner, &caller, &protected) {
            report.settle(&target, Outcome::Protected);
            continue;
        }
        match client.reassign_necessary(user.id, user.user_type()) {
            Ok(Some(true)) => report.fail(
                &[target],
                not_done(
                    "skipped: owns rooms all the same; remove it with 'user delete --heir USER'",
                ),
            ),
            Ok(Some(false)) => chosen.push(target.with_fate(NOTHING_TO_HAND_OVER)),
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
    }
    let steps: Vec<Step> = chosen
        .chunks(BATCH)
        .map(|chunk| {
            let terminate_first: Vec<UserId> = chunk.iter().filter_map(|t| t.id).collect();
            Step::batch(Action::Delete { terminate_first }, chunk.to_vec())
        })
        .collect();
    let mut plan = Plan::of(steps);
    let count: usize = plan.steps.iter().map(|s| s.targets.len()).sum();
    if attended && !globals.yes && count > 0 {
        plan.question = Some(format!(
            "Revoke {count} never-activated account(s): terminate and delete them for good?"
        ));
    }
    plan::carry_out(client, &plan, &mut report, cx);
    Ok(report.finish())
}
