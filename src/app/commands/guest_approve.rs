//! `guest approve`: approves a guest share link.

use crate::app::config::Context;
use crate::app::exit::Failure;
use crate::app::output::Output;
use crate::app::plan::{self, Action, Plan, Step};
use crate::app::report::{Report, Style};
use docspace_people::{Client, Email};

pub fn run(
    client: &Client,
    link: &str,
    email: Option<&Email>,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    let action = Action::Approve {
        confirm: client.confirm_header(link)?,
        email: email.cloned(),
    };
    let plan = Plan::of(vec![Step::batch(action, Vec::new())]);
    let mut report = Report::new(out, Style::Single, 1);
    plan::carry_out(client, &plan, &mut report, cx);
    Ok(report.finish())
}
