//! `lifecycle`: create → get → terminate → delete one user.

use super::create::{NEW_USER, new_user};
use super::{Command, Prints, Run, Spec};
use crate::app::config::Context;
use crate::app::exit::Failure;
use crate::app::output::Output;
use crate::app::plan::{self, Action, Plan, Step};
use crate::app::report::{Report, Style};
use crate::app::sequence::Sequence;
use docspace_people::{Client, NewUser};

pub const SPEC: Spec = Spec {
    name: "lifecycle",
    args: "--email E --first-name F [--last-name L] [--type T]",
    summary: "create → get → terminate → delete",
    about: "Creates a user, reads it back, terminates it and deletes it, stopping at the first step\nthat fails. A failure names the step, the user's id and the state the user is left in;\nthe exit code is that step's own.",
    options: NEW_USER,
    examples: &["docspace-people lifecycle --email probe@example.com --first-name Probe"],
    prints: Prints::Json,
    parse: |args| {
        args.no_words()?;
        Ok(Box::new(Lifecycle(new_user(args)?)))
    },
};

#[derive(Debug, PartialEq, Eq)]
pub struct Lifecycle(pub NewUser);

impl Command for Lifecycle {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect_to_change()?;
        lifecycle(&client, &self.0, run.out, run.cx)
    }
}

fn lifecycle(
    client: &Client,
    new: &NewUser,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    let create = Action::Create {
        user: new.clone(),
        line: None,
        skip_existing: false,
    };
    let plan = Plan {
        steps: vec![Step::batch(create, Vec::new())],
        sequence: Some(Sequence::Lifecycle(new.clone())),
        question: None,
    };
    let mut report = Report::new(out, Style::Sequence);
    plan::carry_out(client, &plan, &mut report, cx);
    Ok(report.finish())
}
