//! `guest delete`: unlinks guests from the caller; their accounts stay.

use crate::app::cli::{Globals, Selection};
use crate::app::commands::status;
use crate::app::config::Context;
use crate::app::exit::Failure;
use crate::app::output::Output;
use docspace_people::Client;

pub fn run(
    client: &Client,
    selection: &Selection,
    globals: &Globals,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    let unprotected = |_: &crate::app::report::Target, _: Option<&docspace_people::User>| false;
    status::batches(
        client,
        selection,
        status::Batch::Unlink,
        unprotected,
        globals,
        out,
        cx,
    )
}
