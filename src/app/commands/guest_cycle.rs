//! `guest-cycle`: approve a guest share link → unlink the guest.

use crate::app::config::Context;
use crate::app::exit::Failure;
use crate::app::output::Output;
use crate::app::plan::{self, Action, Plan, Step};
use crate::app::report::{Report, Style};
use crate::app::sequence::Sequence;
use docspace_people::{Client, Email};

pub fn run(
    client: &Client,
    link: &str,
    email: Option<&Email>,
    yes: bool,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    let confirm = client.confirm_header(link)?;
    // With --email, the link is checked before anything is approved, as by 'guest approve'.
    if let Some(email) = email {
        crate::app::commands::guest_approve::checked_before(client, &confirm, email, yes)?;
    }
    let approve = Action::Approve {
        confirm: confirm.clone(),
        email: email.cloned(),
    };
    let plan = Plan {
        steps: vec![Step::batch(approve, Vec::new())],
        sequence: Some(Sequence::GuestCycle {
            confirm,
            email: email.cloned(),
        }),
        question: None,
    };
    let mut report = Report::new(out, Style::Sequence, 1);
    plan::carry_out(client, &plan, &mut report, cx);
    Ok(report.finish())
}
