//! `guest delete`: unlinks guests from the caller; their accounts stay.

use super::status;
use super::{Command, Prints, Run, Spec};
use crate::app::args::{FROM, REGISTERED_BEFORE, SEARCH, STATUS, Selection, TYPE_FILTER};
use crate::app::exit::Failure;
use crate::app::plan::Action;

pub const SPEC: Spec = Spec {
    name: "guest delete",
    args: "GUEST... [--from FILE]",
    summary: "unlink guests from you (their accounts stay)",
    about: "\
Unlinks guests from you; their accounts stay. A DocSpace admin is linked only to guests
they invited: approving a link does not link them. GUEST is a user id or an e-mail
address; instead of naming guests, the filters of 'user list' select them.",
    options: &[&FROM, &STATUS, &TYPE_FILTER, &SEARCH, &REGISTERED_BEFORE],
    examples: &["docspace-people guest delete gina@example.com"],
    prints: Prints::Json,
    parse: |args| Ok(Box::new(GuestDelete(args.bulk_selection()?))),
};

#[derive(Debug, PartialEq, Eq)]
pub struct GuestDelete(pub Selection);

impl Command for GuestDelete {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        status::unguarded(run, &self.0, "unlink", || Action::Unlink)
    }

    fn reads_stdin(&self) -> bool {
        self.0.reads_stdin()
    }
}
