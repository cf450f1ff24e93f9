//! `invite`: invitations by e-mail for people without an account.

use crate::app::cli::Globals;
use crate::app::config::Context;
use crate::app::exit::Failure;
use crate::app::input;
use crate::app::output::Output;
use crate::app::plan::{self, Action, BATCH, Plan, Step};
use crate::app::report::{Already, Outcome, Report, Style, Target};
use crate::app::select;
use docspace_people::{Client, Email, Invitation, Status, UserType};
use std::collections::HashSet;
use std::path::Path;

/// The portal sends nothing to an address that has an account, and may quietly raise
/// that account's type: each address is looked up first, and those are left out.
pub fn run(
    client: &Client,
    emails: &[Email],
    from: Option<&Path>,
    user_type: UserType,
    globals: &Globals,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    let mut emails = emails.to_vec();
    if let Some(path) = from {
        let text = select::read_file(path, cx)?;
        let listed =
            input::email_list(&text).map_err(|problems| select::bad_rows(path, &problems))?;
        let mut seen: HashSet<Email> = emails.iter().cloned().collect();
        emails.extend(listed.into_iter().filter(|e| seen.insert(e.clone())));
    }
    select::cap(
        emails.len(),
        "invite",
        false,
        select::attended(from, cx),
        globals,
    )?;
    let mut report = Report::new(out, Style::Bulk, emails.len());
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
