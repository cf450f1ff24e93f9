//! `whoami`: the account behind the credential.

use crate::app::exit::{DONE, Failure};
use crate::app::output::Output;
use crate::app::show::{describe, user_json};
use docspace_people::Client;

pub fn run(client: &Client, out: &mut Output) -> Result<u8, Failure> {
    let me = client.whoami()?;
    out.line(&describe(&me))?;
    out.json(&user_json(&me))?;
    Ok(DONE)
}
