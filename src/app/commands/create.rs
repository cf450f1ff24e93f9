//! `user create`: one account from the options, or every row of a CSV or JSON Lines
//! file, checked before anything is sent.

use crate::app::cli::Globals;
use crate::app::config::Context;
use crate::app::exit::Failure;
use crate::app::input;
use crate::app::output::Output;
use crate::app::plan::{self, Action, Plan, Step};
use crate::app::report::{Report, Style, Target};
use crate::app::select;
use docspace_people::{Client, NewUser};
use std::path::Path;

pub fn one(
    client: &Client,
    new: &NewUser,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    let action = Action::Create {
        user: new.clone(),
        line: None,
        skip_existing: false,
    };
    let plan = Plan::of(vec![Step::batch(action, Vec::new())]);
    let mut report = Report::new(out, Style::Single, 1);
    plan::carry_out(client, &plan, &mut report, cx);
    Ok(report.finish())
}

/// Creates the people of a file; addresses the portal already has are skipped.
pub fn from_file(
    client: &Client,
    path: &Path,
    globals: &Globals,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    let text = select::read_file(path, cx)?;
    let rows = input::people(&text).map_err(|problems| select::bad_rows(path, &problems))?;
    select::cap(
        rows.len(),
        "create",
        false,
        select::attended(Some(path), cx),
        globals,
    )?;
    let steps = rows
        .into_iter()
        .map(|row| {
            let target = Target::by_email(row.user.email.as_str());
            let action = Action::Create {
                user: row.user,
                line: Some(row.line),
                skip_existing: true,
            };
            Step::batch(action, vec![target])
        })
        .collect();
    let plan = Plan::of(steps);
    let mut report = Report::new(out, Style::Bulk, plan.steps.len());
    plan::carry_out(client, &plan, &mut report, cx);
    Ok(report.finish())
}
