//! `invite`: invitations by e-mail for people without an account.

use super::{Command, Prints, Run, Spec};
use crate::app::args::{self, FROM, TYPE_NEW};
use crate::app::config::Context;
use crate::app::exit::Failure;
use crate::app::input;
use crate::app::output::Output;
use crate::app::plan::{self, Action, BATCH, Plan, Step};
use crate::app::report::{Already, Outcome, Report, Style, Target};
use crate::app::select;
use crate::app::settings::Settings;
use docspace_people::{Client, Email, Invitation, Status, UserType};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub const SPEC: Spec = Spec {
    name: "invite",
    args: "EMAIL... [--from FILE] [--type T]",
    summary: "invite people by e-mail",
    about: "\
Invites people by e-mail; T is user (the default), room-admin or docspace-admin.
An address that already has an account gets no e-mail; one invited before and never
activated is sent its invitation again by 'invite resend' (see 'invite resend --help').
FILE holds one address a line ('-' is stdin).",
    options: &[&FROM, &TYPE_NEW],
    examples: &["docspace-people invite ann@example.com --type room-admin"],
    prints: Prints::Json,
    parse: |args| {
        let from = args.path(&FROM);
        if args.words.is_empty() && from.is_none() {
            return Err(Failure::Usage(
                "'invite' needs an EMAIL or --from FILE".to_owned(),
            ));
        }
        let user_type = args::user_type(args.text(&TYPE_NEW)?.as_deref())?;
        let mut emails: Vec<Email> = Vec::new();
        for email in &args.words {
            let email = args::checked_email(email)?;
            if !emails.contains(&email) {
                emails.push(email);
            }
        }
        Ok(Box::new(Invite {
            emails,
            from,
            user_type,
        }))
    },
};

#[derive(Debug, PartialEq, Eq)]
pub struct Invite {
    pub emails: Vec<Email>,
    pub from: Option<PathBuf>,
    pub user_type: UserType,
}

impl Command for Invite {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect_to_change_later()?;
        invite(
            &client,
            &self.emails,
            self.from.as_deref(),
            self.user_type,
            run.settings,
            run.out,
            run.cx,
        )
    }

    fn reads_stdin(&self) -> bool {
        self.from.as_deref() == Some("-".as_ref())
    }
}

/// The portal sends nothing to an address that has an account, and may quietly raise
/// that account's type: each address is looked up first, and those are left out.
fn invite(
    client: &Client,
    emails: &[Email],
    from: Option<&Path>,
    user_type: UserType,
    settings: &Settings,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    let mut emails = emails.to_vec();
    if let Some(path) = from {
        let text = select::read_file(path, &mut cx.io)?;
        let listed =
            input::email_list(&text).map_err(|problems| select::bad_rows(path, &problems))?;
        let mut seen: HashSet<Email> = emails.iter().cloned().collect();
        emails.extend(listed.into_iter().filter(|e| seen.insert(e.clone())));
    }
    select::cap(
        emails.len(),
        "invite",
        false,
        cx.io.keyboard.is_some(),
        settings,
    )?;
    cx.lock_before_reads(settings, client, false)?;
    let mut report = Report::new(out, Style::Bulk);
    report.selected(emails.len());
    let mut new = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    for email in emails {
        let target = Target::by_email(email.as_str());
        // The invite endpoint's own address rule is stricter than the one for accounts
        // (an ASCII address): refused here, before anything is sent, and only here.
        if !email.is_ascii_invitable() {
            let refused = Failure::NotDone {
                action: format!("invite {email}"),
                reason: "invitations need an ASCII address: the portal refuses others with \"Incorrect email\" (create the account with 'user create' instead, which takes it)".to_owned(),
            };
            report.fail(&[target], refused);
            continue;
        }
        match client.get_user_by_email(&email) {
            Err(e) if e.is_not_found() => new.push(Invitation { email, user_type }),
            Ok(user) if user.status == Status::Terminated => {
                let refused = Failure::NotDone {
                    action: format!("invite {email}"),
                    reason: format!(
                        "the account exists and is terminated: reactivate it with 'docspace-people user activate {email}'"
                    ),
                };
                report.fail(&[Target::of(&user)], refused);
            }
            // Invited before and never activated: the portal sends nothing again here;
            // 'invite resend' does.
            Ok(user) if user.never_activated() => {
                pending.push(email.to_string());
                report.settle(
                    &Target::of(&user),
                    Outcome::Already(Already::PendingNotInvited),
                )
            }
            Ok(user) => report.settle(
                &Target::of(&user),
                Outcome::Already(Already::ExistsNotInvited),
            ),
            Err(e) => report.fail(
                &[target],
                Failure::from(e.during(format!("invite {email}"))),
            ),
        }
    }
    if !pending.is_empty() {
        report.note(&format!(
            "{} address(es) invited before and never activated: to send their invitation again, run 'docspace-people invite resend {}'",
            pending.len(),
            pending.join(" ")
        ));
    }
    let steps = new
        .chunks(BATCH)
        .map(|chunk| {
            let targets = chunk
                .iter()
                .map(|i| Target {
                    label: Some(format!("{} ({})", i.email, i.user_type)),
                    ..Target::by_email(i.email.as_str())
                })
                .collect();
            Step::batch(Action::Invite(chunk.to_vec()), targets)
        })
        .collect();
    plan::carry_out(client, &Plan::of(steps), &mut report, cx);
    Ok(report.finish())
}
