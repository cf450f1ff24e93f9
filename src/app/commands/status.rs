//! `user terminate` and `user activate`: a batch request per 100 users.

use crate::app::cli::{Globals, Selection};
use crate::app::config::Context;
use crate::app::exit::Failure;
use crate::app::output::Output;
use crate::app::plan::{self, Action, BATCH, Plan, Step};
use crate::app::report::{Report, Style, Target};
use crate::app::select;
use docspace_people::Client;

/// Terminates (`terminate`) or reactivates the selected users.
pub fn run(
    client: &Client,
    selection: &Selection,
    terminate: bool,
    globals: &Globals,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    let verb = if terminate { "terminate" } else { "activate" };
    batches(client, selection, verb, globals, out, cx, || {
        if terminate {
            Action::Terminate
        } else {
            Action::Activate
        }
    })
}

/// Selects the users, guards, resolves e-mails, and plans one `action` a chunk.
pub fn batches(
    client: &Client,
    selection: &Selection,
    verb: &str,
    globals: &Globals,
    out: &mut Output,
    cx: &mut Context,
    action: impl Fn() -> Action,
) -> Result<u8, Failure> {
    let users = select::users(selection, cx)?;
    let attended = select::attended(selection.from.as_deref(), cx);
    select::cap(users.len(), verb, false, attended, globals)?;
    let mut report = Report::new(out, Style::Bulk, users.len());
    let targets: Vec<Target> = select::resolve(client, &users, &cx.deleted, verb, &mut report)
        .into_iter()
        .map(|(target, _)| target)
        .collect();
    let steps = targets
        .chunks(BATCH)
        .map(|chunk| Step::batch(action(), chunk.to_vec()))
        .collect();
    plan::carry_out(client, &Plan::of(steps), &mut report, cx);
    Ok(report.finish())
}
