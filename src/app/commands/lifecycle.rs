//! `lifecycle`: create → get → terminate → delete one user.

use crate::app::exit::Failure;
use crate::app::output::Output;
use crate::app::plan::{self, Action, Plan, Step};
use crate::app::report::{Report, Style};
use crate::app::sequence::Sequence;
use docspace_people::{Client, NewUser};

pub fn run(client: &Client, new: &NewUser, out: &mut Output) -> Result<u8, Failure> {
    let create = Action::Create {
        user: new.clone(),
        line: None,
        skip_existing: false,
    };
    let plan = Plan {
        steps: vec![Step::batch(create, Vec::new())],
        sequence: Some(Sequence::Lifecycle(new.clone())),
    };
    let mut report = Report::new(out, Style::Sequence, 1);
    plan::carry_out(client, &plan, &mut report)?;
    Ok(report.finish()?)
}
