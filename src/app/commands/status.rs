//! `user terminate` and `user activate`: a batch request per 100 users.

use crate::app::cli::{Globals, Selection};
use crate::app::config::{self, Context};
use crate::app::exit::Failure;
use crate::app::output::Output;
use crate::app::plan::{self, Action, BATCH, Plan, Step};
use crate::app::report::{Outcome, Report, Style, Target};
use crate::app::select;
use docspace_people::{Client, User};
use std::path::Path;

/// The batch commands.
#[derive(Clone, Copy)]
pub enum Batch {
    Terminate,
    Activate,
    Unlink,
}

impl Batch {
    fn verb(self) -> &'static str {
        match self {
            Batch::Terminate => "terminate",
            Batch::Activate => "activate",
            Batch::Unlink => "unlink",
        }
    }

    fn action(self) -> Action {
        match self {
            Batch::Terminate => Action::Terminate,
            Batch::Activate => Action::Activate,
            Batch::Unlink => Action::Unlink,
        }
    }
}

/// Terminates (with `Some(protect file)`) or reactivates the selected users. A bulk
/// termination never touches the owner, the caller, or the protect file's accounts.
pub fn run(
    client: &Client,
    selection: &Selection,
    terminate: Option<Option<&Path>>,
    globals: &Globals,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    match terminate {
        Some(protect) => {
            let protected = select::protect_list(protect, cx)?;
            let caller = config::caller(client, cx)?;
            let keep = move |target: &Target, found: Option<&User>| {
                // A user named by id is looked up when the protect file could name it by
                // address: otherwise its address is unknown here.
                let looked_up = match (found, target.id) {
                    (None, Some(id)) if !protected.is_empty() => client.get_user(id).ok(),
                    _ => None,
                };
                let user = found.or(looked_up.as_ref());
                let owner = user.is_some_and(|u| u.is_owner);
                let known = match user {
                    Some(u) => Target::of(u),
                    None => target.clone(),
                };
                select::is_protected(&known, owner, &caller, &protected)
            };
            batches(client, selection, Batch::Terminate, keep, globals, out, cx)
        }
        None => batches(
            client,
            selection,
            Batch::Activate,
            |_, _| false,
            globals,
            out,
            cx,
        ),
    }
}

/// Selects the users, guards, resolves e-mails, leaves out the `protected` ones, and
/// plans one request a chunk.
pub fn batches(
    client: &Client,
    selection: &Selection,
    batch: Batch,
    protected: impl Fn(&Target, Option<&User>) -> bool,
    globals: &Globals,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    let verb = batch.verb();
    let attended = select::attended(selection.from.as_deref(), cx);
    let (chosen, mut report) = match &selection.filter {
        Some(filter) => {
            let listed = select::listed(client, filter, verb)?;
            select::cap(listed.len(), verb, true, attended, globals)?;
            (listed, Report::new(out, Style::Bulk, 0))
        }
        None => {
            let users = select::users(selection, cx)?;
            select::cap(users.len(), verb, true, attended, globals)?;
            let mut report = Report::new(out, Style::Bulk, users.len());
            let resolved = select::resolve(client, &users, &cx.deleted, verb, &mut report);
            (resolved, report)
        }
    };
    let mut targets: Vec<Target> = Vec::new();
    for (target, found) in chosen {
        if protected(&target, found.as_ref()) {
            report.settle(&target, Outcome::Protected);
        } else {
            targets.push(target);
        }
    }
    let steps = targets
        .chunks(BATCH)
        .map(|chunk| Step::batch(batch.action(), chunk.to_vec()))
        .collect();
    plan::carry_out(client, &Plan::of(steps), &mut report, cx);
    Ok(report.finish())
}
