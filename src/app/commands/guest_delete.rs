//! `guest delete`: unlinks guests from the caller; their accounts stay.

use crate::app::cli::{Globals, Selection};
use crate::app::commands::status;
use crate::app::config::Context;
use crate::app::exit::Failure;
use crate::app::output::Output;
use crate::app::plan::Action;
use docspace_people::Client;

pub fn run(
    client: &Client,
    selection: &Selection,
    globals: &Globals,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    status::batches(client, selection, "unlink", globals, out, cx, || {
        Action::Unlink
    })
}
