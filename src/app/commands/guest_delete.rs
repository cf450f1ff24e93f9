//! `guest delete`: unlinks guests from the caller; their accounts stay.

use super::{Command, Prints, Run, Spec};
use crate::app::args::{FROM, REGISTERED_BEFORE, SEARCH, STATUS, Selection, TYPE_FILTER};
use crate::app::bulk::{self, Bulk, Change, Check};
use crate::app::exit::Failure;
use crate::app::plan::{Action, BATCH, Step};
use crate::app::report::{Report, Target};
use crate::app::show::short;
use docspace_people::{Filter, User, UserType};

pub const SPEC: Spec = Spec {
    name: "guest delete",
    args: "GUEST... [--from FILE]",
    summary: "unlink guests from you (their accounts stay)",
    about: "\
Unlinks guests from you; their accounts stay. A DocSpace admin is linked only to guests
they invited: approving a link does not link them. GUEST is a user id or an e-mail
address; instead of naming guests, the filters of 'user list' select them (guests
only, unless --type says otherwise). A user who is not a guest is named and skipped:
nothing is sent for them.",
    options: &[&FROM, &STATUS, &TYPE_FILTER, &SEARCH, &REGISTERED_BEFORE],
    examples: &["docspace-people guest delete gina@example.com"],
    prints: Prints::Json,
    parse: |args| Ok(Box::new(GuestDelete(args.bulk_selection()?))),
};

#[derive(Debug, PartialEq, Eq)]
pub struct GuestDelete(pub Selection);

impl Command for GuestDelete {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect()?;
        // Each guest named by id is read: the portal refuses the whole batch for one
        // member in it, with a bare "Access denied" that does not say why.
        let bulk = Bulk {
            verb: "unlink",
            selection: &self.0,
            accounts: true,
            guard: None,
            protect: None,
            reads: true,
        };
        bulk::run(run, &client, bulk, Box::new(|_| Ok(Box::new(Guests))))
    }

    fn reads_stdin(&self) -> bool {
        self.0.reads_stdin()
    }
}

/// Unlinks guests, a batch request per 100; members are skipped before anything is sent.
struct Guests;

impl Change for Guests {
    fn listing(&self, selection: &Selection) -> Filter {
        let filter = selection.filter.clone().unwrap_or_default();
        Filter {
            user_type: filter.user_type.or(Some(UserType::Guest)),
            ..filter
        }
    }

    fn check(&mut self, _: &Check, user: User, report: &mut Report) -> Option<Target> {
        let target = Target::of(&user);
        match user.user_type() {
            UserType::Guest => Some(target),
            other => {
                // The portal links guests only (ref §2.7): it would refuse this one.
                report.fail(
                    &[target],
                    Failure::NotDone {
                        action: format!("unlink {}", short(&user)),
                        reason: format!("skipped: not a guest ({other})"),
                    },
                );
                None
            }
        }
    }

    fn steps(&mut self, targets: Vec<Target>) -> Vec<Step> {
        bulk::chunked(targets, BATCH, &|_| Action::Unlink)
    }

    fn question(&self, count: usize) -> Option<String> {
        Some(format!(
            "Unlink {count} guest(s) from you? Their accounts stay; they are no longer linked to you."
        ))
    }
}
