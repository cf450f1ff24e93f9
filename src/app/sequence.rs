//! The two sequences: `lifecycle` (create → get → terminate → delete) and `guest-cycle`
//! (approve → unlink). Each stops at the first failed step and says which step failed,
//! for which user, and the state the user is left in.

use super::exit::Failure;
use super::report::{Change, Outcome, Report, Target};
use super::show::{describe, short, user_json};
use docspace_people::{Client, Email, NewUser, Status, User, UserId};
use serde_json::{Value, json};

/// A sequence of steps about one user, the first of which makes or finds that user.
pub enum Sequence {
    Lifecycle(NewUser),
    GuestCycle {
        confirm: String,
        email: Option<Email>,
    },
}

impl Sequence {
    /// The sequence's name in the journal.
    pub fn name(&self) -> &'static str {
        match self {
            Sequence::Lifecycle(_) => "lifecycle",
            Sequence::GuestCycle { .. } => "guest-cycle",
        }
    }

    /// For `--dry-run`: what follows the first request, which needs the user's id.
    pub fn then(&self) -> &'static str {
        match self {
            Sequence::Lifecycle(_) => {
                "then, for the new user's id: GET /api/2.0/people/ID, PUT /api/2.0/people/status/Terminated, DELETE /api/2.0/people/ID"
            }
            Sequence::GuestCycle { .. } => {
                "then, for the approved guest's id: DELETE /api/2.0/people/guests {\"userIds\":[ID],\"resendAll\":false}"
            }
        }
    }

    /// Runs the steps until one fails, or until the report cannot be written, and
    /// records the user's outcome.
    pub fn run(&self, client: &Client, report: &mut Report) {
        match self {
            Sequence::Lifecycle(new) => lifecycle(client, new, report),
            Sequence::GuestCycle { confirm, email } => {
                guest_cycle(client, confirm, email.as_ref(), report)
            }
        }
    }
}

/// One step of a sequence and what became of it.
struct Step {
    name: &'static str,
    outcome: &'static str,
    error: Option<String>,
}

/// The steps of one run of a sequence, and the user they are about.
struct Progress<'r, 'o, 'a> {
    name: &'static str,
    report: &'r mut Report<'o, 'a>,
    steps: Vec<Step>,
    user: Option<User>,
}

impl<'r, 'o, 'a> Progress<'r, 'o, 'a> {
    fn new(name: &'static str, report: &'r mut Report<'o, 'a>, names: &[&'static str]) -> Self {
        let steps = names
            .iter()
            .map(|n| Step {
                name: n,
                outcome: "not run",
                error: None,
            })
            .collect();
        Progress {
            name,
            report,
            steps,
            user: None,
        }
    }

    /// Step `index` was done; false when the report could not be written, so that no
    /// further step is sent.
    fn done(&mut self, index: usize, user: User, line: String) -> bool {
        self.steps[index].outcome = "done";
        self.user = Some(user);
        self.report.line(&line);
        self.report.flush();
        !self.report.stopped()
    }

    /// The report could not be written after a step: the later steps are not sent, and
    /// `state` is what the user is left as.
    fn halted(self, state: &str) {
        let target = self.target();
        self.finish(state, target, Outcome::NotSent)
    }

    /// Reports the failure of step `index`; `state` is what the user is left as.
    fn failed(mut self, index: usize, failure: Failure, state: &str) {
        self.steps[index].outcome = "failed";
        self.steps[index].error = Some(failure.to_string());
        let who = match &self.user {
            Some(u) => format!(" for user {}", u.id),
            None => String::new(),
        };
        let message = format!(
            "{} stopped at step '{}'{who}: {failure}; {state}",
            self.name, self.steps[index].name
        );
        self.report.note(&message);
        let target = self.target();
        self.finish(state, target, Outcome::Failed(failure))
    }

    fn target(&self) -> Target {
        match &self.user {
            Some(user) => Target::of(user),
            None => Target::by_email(""),
        }
    }

    fn finish(self, state: &str, target: Target, outcome: Outcome) {
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
        self.report.conclude(
            target,
            outcome,
            json!({ "user": user, "steps": steps, "state": state }),
        );
    }
}

fn lifecycle(client: &Client, new: &NewUser, report: &mut Report) {
    const ACTIVE: &str = "the user is left created and still active";
    const TERMINATED: &str = "the user is left terminated, not deleted";
    let mut seq = Progress::new(
        "lifecycle",
        report,
        &["create", "get", "terminate", "delete"],
    );
    let user = match client.create_user(new) {
        Ok(u) => u,
        Err(e) if e.is_temporary() => {
            let state = format!(
                "whether the user was created is not known: check with 'docspace-people user get {}'",
                new.email
            );
            return seq.failed(0, e.into(), &state);
        }
        Err(e) => return seq.failed(0, e.into(), "nothing was created"),
    };
    let id = user.id;
    if !seq.done(0, user.clone(), format!("created {}", short(&user))) {
        return seq.halted(ACTIVE);
    }
    match client.get_user(id) {
        Ok(u) if seq.done(1, u.clone(), format!("got {}", describe(&u))) => {}
        Ok(_) => return seq.halted(ACTIVE),
        Err(e) => return seq.failed(1, e.into(), ACTIVE),
    }
    let terminated = client
        .terminate_users(&[id])
        .map_err(Failure::from)
        .and_then(|users| terminated_one(users, id));
    match terminated {
        Ok(u) if seq.done(2, u.clone(), format!("terminated {}", short(&u))) => {}
        Ok(_) => return seq.halted(TERMINATED),
        Err(e) => return seq.failed(2, e, ACTIVE),
    }
    match client.delete_user(id) {
        Ok(u) => {
            seq.done(3, u.clone(), format!("deleted {}", short(&u)));
        }
        Err(e) => return seq.failed(3, e.into(), TERMINATED),
    }
    let target = seq.target();
    seq.finish("deleted", target, Outcome::Done(Change::Deleted))
}

/// The portal's answer to terminating `id`, if it really says the user is terminated.
fn terminated_one(users: Vec<User>, id: UserId) -> Result<User, Failure> {
    match users.into_iter().find(|u| u.id == id) {
        Some(u) if u.status == Status::Terminated => Ok(u),
        Some(u) => Err(Failure::NotDone {
            action: format!("terminate {id}"),
            reason: format!("the portal answered, but the user is {}", u.status),
        }),
        None => Err(Failure::NotDone {
            action: format!("terminate {id}"),
            reason: "the portal's answer does not include the user".to_owned(),
        }),
    }
}

fn guest_cycle(client: &Client, confirm: &str, email: Option<&Email>, report: &mut Report) {
    const APPROVED: &str = "the guest is left approved and not unlinked (approving links a guest to a room admin, not to a DocSpace admin)";
    let mut seq = Progress::new("guest-cycle", report, &["approve", "delete"]);
    let guest = match client.approve_guest(confirm.to_owned(), email) {
        Ok(g) => g,
        Err(e) => {
            let state = match e.kind() {
                docspace_people::ErrorKind::NotDone => {
                    "the link was approved, but for another guest"
                }
                _ => "the guest is not approved",
            };
            return seq.failed(0, e.into(), state);
        }
    };
    if !seq.done(0, guest.clone(), format!("approved {}", short(&guest))) {
        return seq.halted(APPROVED);
    }
    if let Err(e) = client.unlink_guests(&[guest.id]) {
        return seq.failed(1, e.into(), APPROVED);
    }
    seq.done(1, guest.clone(), format!("unlinked {}", short(&guest)));
    let target = seq.target();
    seq.finish(
        "approved and unlinked",
        target,
        Outcome::Done(Change::Unlinked),
    )
}
