//! `guest link`: a guest's share link, for another member to approve.

use super::{Command, Prints, Run, Spec};
use crate::app::args::{UserRef, user_ref};
use crate::app::exit::{DONE, Failure};
use crate::app::output::Output;
use docspace_people::Client;
use serde_json::json;

pub const SPEC: Spec = Spec {
    name: "guest link",
    args: "GUEST",
    summary: "print a guest's share link",
    about: "Prints the guest's share link, for another member to approve with 'guest approve'.\nGUEST is a user id or an e-mail address.",
    options: &[],
    examples: &["docspace-people guest link gina@example.com"],
    prints: Prints::Json,
    parse: |args| match args.words.as_slice() {
        [guest] => Ok(Box::new(GuestLink(user_ref(guest)?))),
        _ => Err(Failure::Usage("'guest link' takes one GUEST".to_owned())),
    },
};

#[derive(Debug, PartialEq, Eq)]
pub struct GuestLink(pub UserRef);

impl Command for GuestLink {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect()?;
        link(&client, &self.0, run.out)
    }
}

fn link(client: &Client, guest: &UserRef, out: &mut Output) -> Result<u8, Failure> {
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
