//! `lifecycle`: create → get → terminate → delete one user.

use crate::app::config::Context;
use crate::app::exit::Failure;
use crate::app::output::Output;
use crate::app::plan::{self, Action, Plan, Step};
use crate::app::report::{Report, Style};
use crate::app::sequence::Sequence;
use docspace_people::{Client, NewUser};

pub fn run(
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
    let mut report = Report::new(out, Style::Sequence, 1);
    plan::carry_out(client, &plan, &mut report, cx);
    Ok(report.finish())
}
