//! `invite resend`: a new invitation (or activation e-mail) for users who never
//! activated their account, all in one request: the portal allows 5 such requests per
//! 15 minutes, so the request is never repeated, and a 429 ends the run at once.

use crate::app::cli::{Globals, Selection};
use crate::app::config::Context;
use crate::app::exit::Failure;
use crate::app::output::Output;
use crate::app::plan::{self, Action, Plan, Step};
use crate::app::report::{Already, Outcome, Report, Style, Target};
use crate::app::select;
use crate::app::show::short;
use docspace_people::{Client, Date, Filter, Status};
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
    let mut report = Report::new(out, Style::Bulk, users.len());
    let mut targets: Vec<Target> = Vec::new();
    if listed {
        let filter = Filter {
            registered_before,
            ..Filter::default()
        };
        for user in client.list_users(&filter) {
            let user =
                user.map_err(|e| Failure::from(e.during("select the never-activated users")))?;
            if user.never_activated() {
                targets.push(Target::of(&user));
            }
        }
        select::cap(targets.len(), "resend", false, attended, globals)?;
    } else {
        let verb = "resend the invitation of";
        select::each_user(
            client,
            &users,
            &HashSet::new(),
            verb,
            |id| format!("{verb} {id}"),
            &mut report,
            |user, report| {
                let target = Target::of(&user);
                if user.status == Status::Terminated {
                    report.fail(
                        &[target],
                        Failure::NotDone {
                            action: format!("{verb} {}", short(&user)),
                            reason: "terminated, skipped: the portal sends nothing to a terminated user; reactivate it first".to_owned(),
                        },
                    );
                } else if !user.never_activated() {
                    report.settle(&target, Outcome::Already(Already::Activated));
                } else {
                    targets.push(target);
                }
            },
        );
    }
    // One request for everyone: each call counts against the portal's 5 per 15 minutes.
    let steps = if targets.is_empty() {
        Vec::new()
    } else {
        vec![Step::batch(Action::Resend, targets)]
    };
    plan::carry_out(client, &Plan::of(steps), &mut report, cx);
    Ok(report.finish())
}
