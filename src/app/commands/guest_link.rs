//! `guest link`: a guest's share link, for another member to approve.

use crate::app::cli::UserRef;
use crate::app::exit::{DONE, Failure};
use crate::app::output::Output;
use docspace_people::Client;
use serde_json::json;

pub fn run(client: &Client, guest: &UserRef, out: &mut Output) -> Result<u8, Failure> {
    let id = match guest {
        UserRef::Id(id) => *id,
        UserRef::Email(email) => client.get_user_by_email(email)?.id,
    };
    let link = client.guest_share_link(id)?;
    if !out.json {
        out.data(&format!("{link}\n"))?;
    }
    out.json(&json!({ "id": id.to_string(), "link": link }))?;
    Ok(DONE)
}
