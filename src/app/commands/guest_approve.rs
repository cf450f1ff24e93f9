//! `guest approve`: approves a guest share link.

use super::{Command, Prints, Run, Spec};
use crate::app::args::{Args, Kind, Opt, checked_email};
use crate::app::config::Context;
use crate::app::exit::Failure;
use crate::app::output::Output;
use crate::app::plan::{self, Action, Plan, Step};
use crate::app::report::{Report, Style};
use docspace_people::{Client, Email};

pub const SPEC: Spec = Spec {
    name: "guest approve",
    args: "LINK [--email E]",
    summary: "approve a guest share link (the short /s/… link or the full confirmation link)",
    about: "Approves a share link, so the guest becomes visible to you; LINK is the short\nhttps://portal/s/KEY link or the full confirmation link. With --email, it is an error if\nthe link is for anybody else.",
    options: &[&GUEST_EMAIL],
    examples: &[
        "docspace-people guest approve https://portal.example.com/s/AbCdEf --email gina@example.com",
    ],
    prints: Prints::Json,
    parse: |args| {
        let (link, email) = link_and_email(args)?;
        Ok(Box::new(GuestApprove { link, email }))
    },
};

/// `--email` of the commands that approve a share link.
pub const GUEST_EMAIL: Opt = Opt::value(
    "email",
    Kind::Text,
    "E",
    "the guest's address: the link must be theirs, checked before it is approved",
);

/// The LINK and `--email` of `guest approve` and `guest-cycle`.
pub fn link_and_email(args: &mut Args) -> Result<(String, Option<Email>), Failure> {
    let email = args
        .text(&GUEST_EMAIL)?
        .as_deref()
        .map(checked_email)
        .transpose()?;
    match args.words.as_slice() {
        [link] => Ok((link.clone(), email)),
        _ => Err(Failure::Usage(format!("'{}' takes one LINK", args.name))),
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct GuestApprove {
    pub link: String,
    pub email: Option<Email>,
}

impl Command for GuestApprove {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect_to_change()?;
        let yes = run.settings.yes;
        approve(
            &client,
            &self.link,
            self.email.as_ref(),
            yes,
            run.out,
            run.cx,
        )
    }
}

/// With `--email`, the link is checked to be that guest's before it is approved; when
/// that cannot be checked beforehand (the caller may not see the guest yet), only
/// `--yes` approves it, and the approval's answer is checked instead.
fn approve(
    client: &Client,
    link: &str,
    email: Option<&Email>,
    yes: bool,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    let confirm = client.confirm_header(link)?;
    if let Some(email) = email {
        checked_before(client, &confirm, email, yes)?;
    }
    let action = Action::Approve {
        confirm,
        email: email.cloned(),
    };
    let plan = Plan::of(vec![Step::batch(action, Vec::new())]);
    let mut report = Report::new(out, Style::Single);
    plan::carry_out(client, &plan, &mut report, cx);
    Ok(report.finish())
}

/// Checks, before anything is approved, that the link with this `confirm` header is the
/// share link of the guest `email`; when that cannot be checked (the caller may not see
/// the guest yet), only `yes` lets the approval go on, and its answer is checked instead.
pub fn checked_before(
    client: &Client,
    confirm: &str,
    email: &Email,
    yes: bool,
) -> Result<(), Failure> {
    match client.share_link_is_for(confirm, email) {
        Ok(true) => Ok(()),
        Ok(false) => Err(Failure::NotDone {
            action: "approve".to_owned(),
            reason: format!(
                "the link is not the share link of the guest {email} (that address has no guest account, or the link names another guest); nothing was approved"
            ),
        }),
        Err(e) if !yes => Err(Failure::NotDone {
            action: "approve".to_owned(),
            reason: format!(
                "cannot check beforehand that the link is the share link of {email} ({e}); nothing was approved: give --yes to approve it all the same (the approval's answer is then checked against {email})"
            ),
        }),
        Err(_) => Ok(()),
    }
}
