//! `invite resend`: a new invitation (or activation e-mail) for users who never
//! activated their account, all in one request: the portal allows 5 such requests per
//! 15 minutes, so the request is never repeated, and a 429 ends the run at once. Only
//! the users the portal's own rule lets the caller invite are asked for; the others are
//! `skipped`, since the portal would skip them without a word.

use crate::app::cli::{Globals, Selection};
use crate::app::config::{self, Context};
use crate::app::exit::Failure;
use crate::app::output::Output;
use crate::app::plan::{self, Action, Plan, Step};
use crate::app::report::{Report, Style, Target};
use crate::app::select;
use docspace_people::{Client, Date, Filter, User};
use std::collections::HashSet;

pub fn run(
    client: &Client,
    selection: &Selection,
    registered_before: Option<Date>,
    globals: &Globals,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    let listed = selection.users.is_empty() && selection.from.is_none();
    let users = if listed {
        Vec::new()
    } else {
        select::users(selection, cx)?
    };
    let attended = select::attended(selection.from.as_deref(), cx);
    select::cap(users.len(), "resend", false, attended, globals)?;
    // Whom the portal sends an invitation is decided here, with its own rule: its answer
    // lists every requested user the caller can see, sent to or not.
    let me = config::caller(client, cx)?;
    let mut report = Report::new(out, Style::Bulk, users.len());
    let mut targets: Vec<Target> = Vec::new();
    let mut judge = |user: User, report: &mut Report| match plan::resend_outcome(&me, &user) {
        Some(outcome) => report.settle(&Target::of(&user), outcome),
        None => targets.push(Target::of(&user)),
    };
    if listed {
        let filter = Filter {
            registered_before,
            ..Filter::default()
        };
        let mut pending = Vec::new();
        for user in client.list_users(&filter) {
            let user =
                user.map_err(|e| Failure::from(e.during("select the never-activated users")))?;
            if user.never_activated() {
                pending.push(user);
            }
        }
        select::cap(pending.len(), "resend", false, attended, globals)?;
        for user in pending {
            judge(user, &mut report);
        }
    } else {
        let verb = "resend the invitation of";
        select::each_user(
            client,
            &users,
            &HashSet::new(),
            verb,
            |id| format!("{verb} {id}"),
            &mut report,
            judge,
        );
    }
    // One request for everyone: each call counts against the portal's 5 per 15 minutes.
    let steps = if targets.is_empty() {
        Vec::new()
    } else {
        vec![Step::batch(
            Action::Resend {
                caller: Box::new(me),
            },
            targets,
        )]
    };
    plan::carry_out(client, &Plan::of(steps), &mut report, cx);
    Ok(report.finish())
}
