//! The two sequences: `lifecycle` (create → get → terminate → delete) and `guest-cycle`
//! (approve → unlink). Each stops at the first failed step and says which step failed,
//! for which user, and the state the user is left in.

use crate::client::{Client, Request};
use crate::error::Error;
use crate::model::{NewUser, Status, User};
use crate::run::{Output, describe, short, user_json};
use serde_json::{Value, json};
use std::io;

/// One step of a sequence and what became of it.
struct Step {
    name: &'static str,
    outcome: &'static str,
    error: Option<String>,
}

/// Runs named steps in order until one fails; reports the user, every step's outcome and,
/// on failure, the step, the user and the state the user is left in.
struct Sequence<'o, 'a> {
    name: &'static str,
    out: &'o mut Output<'a>,
    steps: Vec<Step>,
    user: Option<User>,
}

impl<'o, 'a> Sequence<'o, 'a> {
    fn new(name: &'static str, out: &'o mut Output<'a>, names: &[&'static str]) -> Self {
        let steps = names
            .iter()
            .map(|n| Step {
                name: n,
                outcome: "not run",
                error: None,
            })
            .collect();
        Sequence {
            name,
            out,
            steps,
            user: None,
        }
    }

    fn done(&mut self, index: usize, user: User, line: String) -> io::Result<()> {
        self.steps[index].outcome = "done";
        self.user = Some(user);
        self.out.line(&line)
    }

    /// Reports the failure of step `index`; `state` is what the user is left as.
    fn failed(&mut self, index: usize, error: &Error, state: &str) -> io::Result<i32> {
        self.steps[index].outcome = "failed";
        self.steps[index].error = Some(error.to_string());
        let who = match &self.user {
            Some(u) => format!(" for user {}", u.id),
            None => String::new(),
        };
        let message = format!(
            "{} stopped at step '{}'{who}: {error}; {state}",
            self.name, self.steps[index].name
        );
        self.out.error(&message)?;
        self.finish(state)?;
        Ok(error.exit_code())
    }

    fn finish(&mut self, state: &str) -> io::Result<()> {
        let user = self.user.as_ref().map(user_json).unwrap_or(Value::Null);
        let steps: Vec<Value> = self
            .steps
            .iter()
            .map(|s| {
                let mut v = json!({ "step": s.name, "outcome": s.outcome });
                if let Some(e) = &s.error {
                    v["error"] = Value::String(e.clone());
                }
                v
            })
            .collect();
        self.out
            .json(&json!({ "user": user, "steps": steps, "state": state }))
    }
}

pub(crate) fn lifecycle(client: &Client, new: &NewUser, out: &mut Output) -> io::Result<i32> {
    if out.dry_run {
        // The later requests need the id the portal gives the new user.
        out.would_send(&Request::create_user(new))?;
        out.line("then, for the new user's id: GET /api/2.0/people/ID, PUT /api/2.0/people/status/Terminated, DELETE /api/2.0/people/ID")?;
        return Ok(0);
    }
    let mut seq = Sequence::new("lifecycle", out, &["create", "get", "terminate", "delete"]);
    let user = match client.create_user(new) {
        Ok(u) => u,
        Err(e) if e.is_temporary() => {
            let state = format!(
                "whether the user was created is not known: check with 'docspace-people user get {}'",
                new.email
            );
            return seq.failed(0, &e, &state);
        }
        Err(e) => return seq.failed(0, &e, "nothing was created"),
    };
    let id = user.id.clone();
    seq.done(0, user.clone(), format!("created {}", short(&user)))?;
    match client.get_user(&id) {
        Ok(u) => seq.done(1, u.clone(), format!("got {}", describe(&u)))?,
        Err(e) => return seq.failed(1, &e, "the user is left created and still active"),
    }
    let terminated = client
        .terminate_users(std::slice::from_ref(&id))
        .and_then(|users| terminated_one(users, &id));
    match terminated {
        Ok(u) => seq.done(2, u.clone(), format!("terminated {}", short(&u)))?,
        Err(e) => return seq.failed(2, &e, "the user is left created and still active"),
    }
    match client.delete_user(&id) {
        Ok(u) => seq.done(3, u.clone(), format!("deleted {}", short(&u)))?,
        Err(e) => return seq.failed(3, &e, "the user is left terminated, not deleted"),
    }
    seq.finish("deleted")?;
    Ok(0)
}

/// The portal's answer to terminating `id`, if it really says the user is terminated.
fn terminated_one(users: Vec<User>, id: &str) -> Result<User, Error> {
    match users.into_iter().find(|u| u.id.eq_ignore_ascii_case(id)) {
        Some(u) if u.status == Status::Terminated => Ok(u),
        Some(u) => Err(Error::Rejected {
            action: format!("terminate {id}"),
            reason: format!("the portal answered, but the user is {}", u.status),
        }),
        None => Err(Error::Protocol {
            action: format!("terminate {id}"),
            detail: "the portal's answer does not include the user".to_owned(),
        }),
    }
}

pub(crate) fn guest_cycle(
    client: &Client,
    link: &str,
    email: Option<&str>,
    out: &mut Output,
) -> io::Result<i32> {
    if out.dry_run {
        return match client.confirm_header(link) {
            Ok(confirm) => {
                out.would_send(&Request::approve_guest(confirm, email))?;
                out.line("then, for the approved guest's id: DELETE /api/2.0/people/guests {\"userIds\":[ID],\"resendAll\":false}")?;
                Ok(0)
            }
            Err(e) => crate::run::fail(out, &e),
        };
    }
    let mut seq = Sequence::new("guest-cycle", out, &["approve", "delete"]);
    let guest = match client.approve_guest_link(link, email) {
        Ok(g) => g,
        Err(e) => {
            let state = match e {
                Error::Rejected { .. } => "the link was approved, but for another guest",
                _ => "the guest is not approved",
            };
            return seq.failed(0, &e, state);
        }
    };
    seq.done(0, guest.clone(), format!("approved {}", short(&guest)))?;
    if let Err(e) = client.unlink_guests(std::slice::from_ref(&guest.id)) {
        return seq.failed(
            1,
            &e,
            "the guest is left approved and not unlinked (approving links a guest to a room admin, not to a DocSpace admin)",
        );
    }
    seq.done(1, guest.clone(), format!("unlinked {}", short(&guest)))?;
    seq.finish("approved and unlinked")?;
    Ok(0)
}
