//! `invite resend`: a new invitation (or activation e-mail) for users who never
//! activated their account, all in one request: the portal allows 5 such requests per
//! 15 minutes, so the request is never repeated, and a 429 ends the run at once. Only
//! the users the portal's own rule lets the caller invite are asked for; the others are
//! `skipped`, since the portal would skip them without a word.

use super::{Command, Prints, Run, Spec};
use crate::app::args::{FROM, REGISTERED_BEFORE, Selection};
use crate::app::bulk::{self, Bulk, Change, Check};
use crate::app::exit::Failure;
use crate::app::journal::Past;
use crate::app::plan::{self, Action, Step};
use crate::app::report::{Report, Target};
use docspace_people::{Date, Filter, User};

pub const SPEC: Spec = Spec {
    name: "invite resend",
    args: "[USER...] [--from FILE] [--registered-before YYYY-MM-DD]",
    summary: "send never-activated users their invitation again, in one request",
    about: "\
Sends a new invitation (or activation e-mail) to users who never activated their
account; without USER or --from, to every such user (registered before the day, with
--registered-before). All of them go in ONE request: the portal allows 5 per 15 minutes,
so it is never repeated. The portal skips without a word the users you may not invite
(e.g. a room-admin may not invite a docspace-admin), so they are not sent but named
'skipped: a room-admin may not invite a docspace-admin' (exit 1, or 65 if nobody was
sent). A 429 exits 75 at once and says when to try again.",
    options: &[&FROM, &REGISTERED_BEFORE],
    examples: &["docspace-people invite resend ann@example.com bob@example.com"],
    prints: Prints::Json,
    parse: |args| {
        let registered_before = args.date(&REGISTERED_BEFORE)?;
        let selection = if args.words.is_empty() && !args.has(&FROM) {
            Selection::default()
        } else {
            args.selection()?
        };
        Ok(Box::new(Resend {
            selection,
            registered_before,
        }))
    },
};

/// `invite resend`: new invitations for never-activated users, in one request; with an
/// empty selection, for every never-activated user (registered before the day).
#[derive(Debug, PartialEq, Eq)]
pub struct Resend {
    pub selection: Selection,
    pub registered_before: Option<Date>,
}

impl Command for Resend {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect()?;
        let bulk = Bulk {
            verb: "resend the invitation of",
            selection: &self.selection,
            accounts: false,
            guard: None,
            protect: None,
            reads: true,
        };
        let registered_before = self.registered_before;
        let reader = &client;
        bulk::run(
            run,
            &client,
            bulk,
            Box::new(move |memory| {
                // Whom the portal sends an invitation is decided here, with its own rule:
                // its answer lists every requested user the caller can see, sent or not.
                let caller = memory.caller(reader)?;
                Ok(Box::new(Invitations {
                    registered_before,
                    caller,
                }))
            }),
        )
    }

    fn reads_stdin(&self) -> bool {
        self.selection.reads_stdin()
    }
}

struct Invitations {
    registered_before: Option<Date>,
    caller: User,
}

impl Change for Invitations {
    fn listing(&self, _: &Selection) -> Filter {
        Filter {
            registered_before: self.registered_before,
            ..Filter::default()
        }
    }

    fn lists(&mut self, user: &User, _: &Past) -> bool {
        user.never_activated()
    }

    fn check(&mut self, _: &Check, user: User, report: &mut Report) -> Option<Target> {
        let target = Target::of(&user);
        match plan::resend_outcome(&self.caller, &user) {
            Some(outcome) => {
                report.settle(&target, outcome);
                None
            }
            None => Some(target),
        }
    }

    fn steps(&mut self, targets: Vec<Target>) -> Vec<Step> {
        // One request for everyone: each call counts against the portal's 5 per 15 minutes.
        if targets.is_empty() {
            Vec::new()
        } else {
            let caller = Box::new(self.caller.clone());
            vec![Step::batch(Action::Resend { caller }, targets)]
        }
    }
}
