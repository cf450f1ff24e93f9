//! Turning a parsed command into requests and printed results.
//!
//! [`connect`] reads the portal address and the credential and builds the one client of a
//! run; [`execute`] runs one command and reports through an [`Output`].

use crate::cli::{Command, Globals, UserRef};
use crate::client::Client;
use crate::error::{ACCESS_DENIED, Error};
use crate::model::{Invitation, NewUser, Status, User};
use crate::secret::Secret;
use serde_json::{Value, json};
use std::ffi::OsString;
use std::io::{self, Read, Write};

/// Where the process's settings come from; the real one reads the environment.
pub trait Environment {
    fn var(&self, name: &str) -> Option<OsString>;
}

/// The process environment.
pub struct ProcessEnvironment;

impl Environment for ProcessEnvironment {
    fn var(&self, name: &str) -> Option<OsString> {
        std::env::var_os(name).filter(|v| !v.is_empty())
    }
}

/// Reads the portal address and the credential, and builds the client.
///
/// The address comes from `--portal` or `DOCSPACE_URL`; the credential from
/// `--token-file` (`-` for stdin), `DOCSPACE_TOKEN_FILE` or `DOCSPACE_TOKEN`, in that order.
pub fn connect(
    globals: &Globals,
    env: &dyn Environment,
    stdin: &mut dyn Read,
) -> Result<Client, Error> {
    let portal = match (&globals.portal, env.var("DOCSPACE_URL")) {
        (Some(p), _) => p.clone(),
        (None, Some(p)) => p.to_string_lossy().into_owned(),
        (None, None) => {
            return Err(Error::Config(
                "no portal address: pass --portal https://portal.example.com or set DOCSPACE_URL"
                    .to_owned(),
            ));
        }
    };
    let token_file = globals
        .token_file
        .clone()
        .or_else(|| env.var("DOCSPACE_TOKEN_FILE").map(Into::into));
    let credential = match token_file {
        Some(path) if path.as_os_str() == "-" => {
            let mut text = String::new();
            stdin.read_to_string(&mut text).map_err(|e| {
                Error::Config(format!("cannot read the credential from stdin: {e}"))
            })?;
            Secret::new(&text)
        }
        Some(path) => {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                Error::Config(format!(
                    "cannot read the token file {}: {e}",
                    path.display()
                ))
            })?;
            Secret::new(&text)
        }
        None => match env.var("DOCSPACE_TOKEN") {
            Some(token) => Secret::new(&token.to_string_lossy()),
            None => {
                return Err(Error::Config(
                    "no credential: put the API key in a file only you can read and pass --token-file PATH \
                     (or set DOCSPACE_TOKEN_FILE), or set DOCSPACE_TOKEN"
                        .to_owned(),
                ));
            }
        },
    };
    Client::new(&portal, credential)
}

/// Where results and errors go, and in which form.
pub struct Output<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    json: bool,
    quiet: bool,
}

impl<'a> Output<'a> {
    pub fn new(out: &'a mut dyn Write, err: &'a mut dyn Write, globals: &Globals) -> Output<'a> {
        Output {
            out,
            err,
            json: globals.json,
            quiet: globals.quiet,
        }
    }

    /// One human-readable result line (not with `--json` or `--quiet`).
    fn line(&mut self, text: &str) -> io::Result<()> {
        if self.json || self.quiet {
            return Ok(());
        }
        writeln!(self.out, "{text}")
    }

    /// The JSON result (only with `--json`, and not with `--quiet`).
    fn json(&mut self, value: &Value) -> io::Result<()> {
        if !self.json || self.quiet {
            return Ok(());
        }
        writeln!(self.out, "{value}")
    }

    /// An error line on stderr; always printed.
    pub fn error(&mut self, error: &dyn std::fmt::Display) -> io::Result<()> {
        writeln!(self.err, "docspace-people: {error}")
    }
}

/// Runs one command and returns the exit code. An `Err` is a failure to print, such as a
/// closed pipe on stdout.
pub fn execute(client: &Client, command: &Command, out: &mut Output) -> io::Result<i32> {
    match command {
        Command::Whoami => single(out, client.whoami(), describe),
        Command::Create(new) => single(out, client.create_user(new), |u| {
            format!("created {}", short(u))
        }),
        Command::Get(refs) => get_users(client, refs, out),
        Command::Terminate(refs) => set_status(client, refs, out, true),
        Command::Activate(refs) => set_status(client, refs, out, false),
        Command::Delete(refs) => delete_users(client, refs, out),
        Command::GuestLink(guest) => {
            let result = resolve(client, guest).and_then(|id| {
                let link = client.guest_share_link(&id)?;
                Ok((id, link))
            });
            match result {
                Ok((id, link)) => {
                    out.line(&link)?;
                    out.json(&json!({ "id": id, "link": link }))?;
                    Ok(0)
                }
                Err(e) => fail(out, &e),
            }
        }
        Command::GuestApprove { link, email } => single(
            out,
            client.approve_guest_link(link, email.as_deref()),
            |u| format!("approved {}", short(u)),
        ),
        Command::GuestDelete(refs) => unlink_guests(client, refs, out),
        Command::Invite(invitations) => invite(client, invitations, out),
        Command::Lifecycle(new) => lifecycle(client, new, out),
        Command::GuestCycle { link, email } => guest_cycle(client, link, email.as_deref(), out),
    }
}

fn single(
    out: &mut Output,
    result: Result<User, Error>,
    line: impl Fn(&User) -> String,
) -> io::Result<i32> {
    match result {
        Ok(user) => {
            out.line(&line(&user))?;
            out.json(&user_json(&user))?;
            Ok(0)
        }
        Err(e) => fail(out, &e),
    }
}

fn fail(out: &mut Output, error: &Error) -> io::Result<i32> {
    out.error(error)?;
    Ok(error.exit_code())
}

/// Counts what a multi-item command did, and decides its exit code.
#[derive(Default)]
struct Tally {
    done: usize,
    first_failure: Option<i32>,
    failed: usize,
}

impl Tally {
    fn failed(&mut self, out: &mut Output, error: &Error) -> io::Result<()> {
        self.failed += 1;
        self.first_failure.get_or_insert(error.exit_code());
        out.error(error)
    }

    /// 0 when everything was done, 1 when some was, else the first failure's own code.
    fn exit_code(&self) -> i32 {
        match (self.done, self.first_failure) {
            (_, None) => 0,
            (0, Some(code)) => code,
            (_, Some(_)) => 1,
        }
    }
}

fn get_users(client: &Client, refs: &[UserRef], out: &mut Output) -> io::Result<i32> {
    let mut tally = Tally::default();
    let mut found = Vec::new();
    for r in refs {
        let result = match r {
            UserRef::Id(id) => client.get_user(id),
            UserRef::Email(email) => client.get_user_by_email(email),
        };
        match result {
            Ok(user) => {
                tally.done += 1;
                out.line(&describe(&user))?;
                found.push(user_json(&user));
            }
            Err(e) => tally.failed(out, &e)?,
        }
    }
    print_users_json(out, refs.len(), found)?;
    Ok(tally.exit_code())
}

/// A single object for one requested user, an array for several.
fn print_users_json(out: &mut Output, requested: usize, mut users: Vec<Value>) -> io::Result<()> {
    if requested == 1 {
        if let Some(user) = users.pop() {
            out.json(&user)?;
        }
        Ok(())
    } else {
        out.json(&Value::Array(users))
    }
}

/// Resolves users named by e-mail to ids; failures are reported and left out.
fn resolve_all(
    client: &Client,
    refs: &[UserRef],
    verb: &str,
    out: &mut Output,
    tally: &mut Tally,
) -> io::Result<Vec<String>> {
    let mut ids: Vec<String> = Vec::new();
    for r in refs {
        match resolve(client, r) {
            Ok(id) if !ids.contains(&id) => ids.push(id),
            Ok(_) => {}
            Err(e) => tally.failed(out, &e.during(format!("{verb} {r}")))?,
        }
    }
    Ok(ids)
}

fn resolve(client: &Client, user: &UserRef) -> Result<String, Error> {
    match user {
        UserRef::Id(id) => Ok(id.clone()),
        UserRef::Email(email) => Ok(client.get_user_by_email(email)?.id),
    }
}

/// The portal answers a batch with one bad id by refusing all of it; then each id is
/// tried on its own, so the others are still done and the bad ones are named.
fn per_item_after_refusal<T>(
    ids: &[String],
    batch: impl Fn(&[String]) -> Result<T, Error>,
) -> Vec<(String, Result<T, Error>)> {
    match batch(ids) {
        Err(e) if ids.len() > 1 && batch_refusal(&e) => ids
            .iter()
            .map(|id| (id.clone(), batch(std::slice::from_ref(id))))
            .collect(),
        result => vec![(ids.join(" "), result)],
    }
}

fn batch_refusal(error: &Error) -> bool {
    matches!(error, Error::Portal { status: 403, message, .. }
        if message.as_deref().is_none_or(|m| m == ACCESS_DENIED))
}

fn set_status(
    client: &Client,
    refs: &[UserRef],
    out: &mut Output,
    terminate: bool,
) -> io::Result<i32> {
    let mut tally = Tally::default();
    let (verb, done) = if terminate {
        ("terminate", "terminated")
    } else {
        ("activate", "activated")
    };
    let ids = resolve_all(client, refs, verb, out, &mut tally)?;
    let mut changed = Vec::new();
    for chunk in ids.chunks(100) {
        let results = per_item_after_refusal(chunk, |ids| {
            if terminate {
                client.terminate_users(ids)
            } else {
                client.activate_users(ids)
            }
        });
        for (_, result) in results {
            match result {
                Ok(users) => {
                    for user in users {
                        tally.done += 1;
                        out.line(&format!("{done} {}", short(&user)))?;
                        changed.push(user_json(&user));
                    }
                }
                Err(e) => tally.failed(out, &e)?,
            }
        }
    }
    print_users_json(out, refs.len(), changed)?;
    Ok(tally.exit_code())
}

fn delete_users(client: &Client, refs: &[UserRef], out: &mut Output) -> io::Result<i32> {
    let mut tally = Tally::default();
    let ids = resolve_all(client, refs, "delete", out, &mut tally)?;
    let mut deleted = Vec::new();
    for id in ids {
        match client.delete_user(&id) {
            Ok(user) => {
                tally.done += 1;
                out.line(&format!("deleted {}", short(&user)))?;
                deleted.push(user_json(&user));
            }
            Err(e) => tally.failed(out, &e)?,
        }
    }
    print_users_json(out, refs.len(), deleted)?;
    Ok(tally.exit_code())
}

fn unlink_guests(client: &Client, refs: &[UserRef], out: &mut Output) -> io::Result<i32> {
    let mut tally = Tally::default();
    let ids = resolve_all(client, refs, "unlink", out, &mut tally)?;
    let mut unlinked = Vec::new();
    for chunk in ids.chunks(100) {
        for (label, result) in per_item_after_refusal(chunk, |ids| client.unlink_guests(ids)) {
            match result {
                Ok(()) => {
                    for id in label.split(' ') {
                        tally.done += 1;
                        out.line(&format!("unlinked {id}"))?;
                        unlinked.push(json!({ "id": id, "outcome": "unlinked" }));
                    }
                }
                Err(e) => tally.failed(out, &e)?,
            }
        }
    }
    print_users_json(out, refs.len(), unlinked)?;
    Ok(tally.exit_code())
}

/// Invites in order. The portal stops at the first invitation it refuses, having sent the
/// ones before it; when its message names the refused address, the rest are sent again so
/// that every address gets a truthful outcome.
fn invite(client: &Client, invitations: &[Invitation], out: &mut Output) -> io::Result<i32> {
    let mut tally = Tally::default();
    let mut results = Vec::new();
    let mut rest = invitations;
    while !rest.is_empty() {
        let chunk = &rest[..rest.len().min(100)];
        match client.invite_users(chunk, None) {
            Ok(pending) => {
                for invitation in chunk {
                    let invited = pending
                        .iter()
                        .any(|u| u.name().eq_ignore_ascii_case(&invitation.email));
                    tally.done += 1;
                    let outcome = if invited {
                        out.line(&format!(
                            "invited {} ({})",
                            invitation.email, invitation.user_type
                        ))?;
                        "invited"
                    } else {
                        out.line(&format!(
                            "exists {}: already has an account, no invitation sent",
                            invitation.email
                        ))?;
                        "exists"
                    };
                    results.push(json!({ "email": invitation.email, "type": invitation.user_type.as_str(), "outcome": outcome }));
                }
                rest = &rest[chunk.len()..];
            }
            Err(e) => {
                let refused_at = match &e {
                    Error::Portal {
                        message: Some(m), ..
                    } => chunk
                        .iter()
                        .position(|i| m.ends_with(&format!(": {}", i.email))),
                    _ => None,
                };
                let Some(at) = refused_at else {
                    let unknown = Error::Rejected {
                        action: format!(
                            "invite {}",
                            chunk
                                .iter()
                                .map(|i| i.email.as_str())
                                .collect::<Vec<_>>()
                                .join(" ")
                        ),
                        reason: format!(
                            "{e}; the portal stops at the first invitation it refuses, so some of these may have been sent: check with 'user get EMAIL'"
                        ),
                    };
                    for invitation in chunk {
                        results.push(json!({ "email": invitation.email, "outcome": "unknown", "error": e.to_string() }));
                    }
                    tally.failed(out, &unknown)?;
                    rest = &rest[chunk.len()..];
                    continue;
                };
                for invitation in &chunk[..at] {
                    tally.done += 1;
                    out.line(&format!(
                        "invited {} ({})",
                        invitation.email, invitation.user_type
                    ))?;
                    results.push(json!({ "email": invitation.email, "type": invitation.user_type.as_str(), "outcome": "invited" }));
                }
                let refused = e.during(format!("invite {}", chunk[at].email));
                results.push(json!({ "email": chunk[at].email, "outcome": "failed", "error": refused.to_string() }));
                tally.failed(out, &refused)?;
                rest = &rest[at + 1..];
            }
        }
    }
    out.json(&Value::Array(results))?;
    Ok(tally.exit_code())
}

/// One step of a sequence and what became of it.
struct Step {
    name: &'static str,
    outcome: &'static str,
    error: Option<String>,
}

fn steps_json(steps: &[Step]) -> Value {
    Value::Array(
        steps
            .iter()
            .map(|s| {
                let mut v = json!({ "step": s.name, "outcome": s.outcome });
                if let Some(e) = &s.error {
                    v["error"] = Value::String(e.clone());
                }
                v
            })
            .collect(),
    )
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
        let report = json!({ "user": user, "steps": steps_json(&self.steps), "state": state });
        self.out.json(&report)
    }
}

fn lifecycle(client: &Client, new: &NewUser, out: &mut Output) -> io::Result<i32> {
    let mut seq = Sequence::new("lifecycle", out, &["create", "get", "terminate", "delete"]);
    let user = match client.create_user(new) {
        Ok(u) => u,
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
        Err(e) => {
            return seq.failed(3, &e, "the user is left terminated, not deleted");
        }
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

fn guest_cycle(
    client: &Client,
    link: &str,
    email: Option<&str>,
    out: &mut Output,
) -> io::Result<i32> {
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
    seq.steps[1].outcome = "done";
    seq.out.line(&format!("unlinked {}", short(&guest)))?;
    seq.finish("approved and unlinked")?;
    Ok(0)
}

/// `ID NAME <EMAIL>`, safe to print.
fn short(user: &User) -> String {
    printable(&format!("{} {} <{}>", user.id, user.name(), user.email))
}

/// `ID NAME <EMAIL> TYPE STATUS`, safe to print.
fn describe(user: &User) -> String {
    printable(&format!(
        "{} {} <{}> {} {}",
        user.id,
        user.name(),
        user.email,
        user.user_type(),
        user.status
    ))
}

/// Text from the portal without control characters, which could rewrite the terminal.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn user_json(user: &User) -> Value {
    serde_json::to_value(user).unwrap_or(Value::Null)
}

/// For `main`: the program's one-line report of an error, and its exit code.
pub fn report(err: &mut dyn Write, error: &Error) -> i32 {
    // Nothing more can be done if stderr itself is gone.
    let _ = writeln!(err, "docspace-people: {error}");
    error.exit_code()
}

/// For `main`: a failure to print is a closed pipe (exit 0, as `head` expects) or a real
/// output error (exit 74).
pub fn output_failure(error: &io::Error) -> i32 {
    if error.kind() == io::ErrorKind::BrokenPipe {
        0
    } else {
        74
    }
}
