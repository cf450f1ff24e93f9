//! `guest-cycle`: approve a guest share link → unlink the guest.

use super::guest_approve::{GUEST_EMAIL, link_and_email};
use super::{Command, Prints, Run, Spec};
use crate::app::config::Context;
use crate::app::exit::Failure;
use crate::app::output::Output;
use crate::app::plan::{self, Action, Plan, Step};
use crate::app::report::{Report, Style};
use crate::app::sequence::Sequence;
use docspace_people::{Client, Email};

pub const SPEC: Spec = Spec {
    name: "guest-cycle",
    args: "LINK [--email E]",
    summary: "approve → delete (unlink)",
    about: "Approves a guest share link, then unlinks the guest from you, stopping at the first\nstep that fails. Unlinking works for guests linked to you: a room admin is linked by\nthe approval, a DocSpace admin is not.",
    options: &[&GUEST_EMAIL],
    examples: &[
        "docspace-people guest-cycle https://portal.example.com/s/AbCdEf --email gina@example.com",
    ],
    prints: Prints::Json,
    parse: |args| {
        let (link, email) = link_and_email(args)?;
        Ok(Box::new(GuestCycle { link, email }))
    },
};

#[derive(Debug, PartialEq, Eq)]
pub struct GuestCycle {
    pub link: String,
    pub email: Option<Email>,
}

impl Command for GuestCycle {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect_to_change()?;
        let yes = run.settings.yes;
        cycle(
            &client,
            &self.link,
            self.email.as_ref(),
            yes,
            run.out,
            run.cx,
        )
    }
}

fn cycle(
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
    let mut report = Report::new(out, Style::Sequence);
    plan::carry_out(client, &plan, &mut report, cx);
    Ok(report.finish())
}
