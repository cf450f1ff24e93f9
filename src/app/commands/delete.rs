//! `user delete`: deletes terminated users for good, looking at each first.

use crate::app::cli::{Globals, Selection};
use crate::app::config::Context;
use crate::app::exit::Failure;
use crate::app::output::Output;
use crate::app::plan::{self, Action, BATCH, Deletable, Plan, Step};
use crate::app::report::{Report, Style, Target};
use crate::app::select;
use docspace_people::{Client, UserId};

/// Each user is looked at (its status decides whether it can be deleted, is terminated
/// first with `terminate`, or is skipped), then the deletable ones are deleted a chunk at
/// a time. Unknown users are already gone.
pub fn run(
    client: &Client,
    selection: &Selection,
    terminate: bool,
    globals: &Globals,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    let users = select::users(selection, cx)?;
    let attended = select::attended(selection.from.as_deref(), cx);
    select::cap(users.len(), "delete", true, attended, globals)?;
    let mut report = Report::new(out, Style::Bulk, users.len());
    let mut deletable: Vec<(Target, Option<UserId>)> = Vec::new();
    for (target, found) in select::resolve(client, &users, &cx.deleted, "delete", &mut report) {
        let (target, judged) = match (found, target.id) {
            (Some(user), _) => (Target::of(&user), plan::judge(user, terminate)),
            (None, Some(id)) => plan::deletable(client, id, terminate, &cx.deleted),
            (None, None) => continue,
        };
        match judged {
            Deletable::Yes => deletable.push((target, None)),
            Deletable::AfterTerminating(user) => deletable.push((target, Some(user.id))),
            Deletable::No(outcome) => report.settle(&target, outcome),
        }
    }
    let steps = deletable
        .chunks(BATCH)
        .map(|chunk| {
            let action = Action::Delete {
                terminate_first: chunk.iter().filter_map(|(_, t)| *t).collect(),
            };
            Step::batch(action, chunk.iter().map(|(t, _)| t.clone()).collect())
        })
        .collect();
    let mut plan = Plan::of(steps);
    let count: usize = plan.steps.iter().map(|s| s.targets.len()).sum();
    if attended && !globals.yes && count > 0 {
        plan.question = Some(format!("Delete {count} user(s) for good?"));
    }
    plan::carry_out(client, &plan, &mut report, cx);
    Ok(report.finish())
}
