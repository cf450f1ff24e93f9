//! Commands that act on many users: select them (arguments and `--from` files), guard
//! against acting on too many, use the portal's batch endpoints, and give every user an
//! outcome, a summary line and an exit code.

use crate::cli::{Command, Globals, Selection, UserRef};
use crate::client::{Client, Request};
use crate::error::{ACCESS_DENIED, Error};
use crate::input;
use crate::model::{Invitation, Status, User, UserType};
use crate::people::PAGE;
use crate::run::{Context, Output, describe, fail, short, user_json};
use serde_json::{Value, json};
use std::io;
use std::path::Path;
use std::time::{Duration, Instant};

/// Counts what a bulk command did to each user, prints each outcome, and decides the
/// exit code: 0 when all was done, 1 when some was, else the first failure's own code.
struct Tally<'o, 'a> {
    out: &'o mut Output<'a>,
    counts: Vec<(&'static str, usize)>,
    failed: usize,
    first_failure: Option<i32>,
    results: Vec<Value>,
    /// The number of users selected, for the progress line.
    total: usize,
    started: Instant,
    drawn: Option<Instant>,
}

impl<'o, 'a> Tally<'o, 'a> {
    fn new(out: &'o mut Output<'a>, total: usize) -> Self {
        Tally {
            out,
            counts: Vec::new(),
            failed: 0,
            first_failure: None,
            results: Vec::new(),
            total,
            started: Instant::now(),
            drawn: None,
        }
    }

    /// Redraws the progress line of a run that has taken more than two seconds, at most
    /// four times a second.
    fn progress(&mut self) -> io::Result<()> {
        let now = Instant::now();
        let due = now.duration_since(self.started) > Duration::from_secs(2)
            && self
                .drawn
                .is_none_or(|d| now.duration_since(d) > Duration::from_millis(250));
        if !due {
            return Ok(());
        }
        self.drawn = Some(now);
        let done: usize = self.counts.iter().map(|(_, n)| n).sum::<usize>() + self.failed;
        self.out.progress(done, self.total.max(done))
    }

    /// `outcome` happened to the user described by `who` (`ID NAME <EMAIL>` or less).
    fn done(&mut self, outcome: &'static str, id: &str, email: &str, who: &str) -> io::Result<()> {
        match self.counts.iter_mut().find(|(o, _)| *o == outcome) {
            Some((_, n)) => *n += 1,
            None => self.counts.push((outcome, 1)),
        }
        self.results
            .push(json!({ "id": id, "email": email, "outcome": outcome }));
        self.out.line(&format!("{outcome} {who}"))?;
        self.progress()
    }

    fn done_user(&mut self, outcome: &'static str, user: &User) -> io::Result<()> {
        self.done(outcome, &user.id, &user.email, &short(user))
    }

    /// `error` happened to these users; reported once, counted for each.
    fn failed(&mut self, users: &[(String, String)], error: &Error) -> io::Result<()> {
        self.failed += users.len().max(1);
        self.first_failure.get_or_insert(error.exit_code());
        for (id, email) in users {
            self.results.push(json!({ "id": id, "email": email, "outcome": "failed", "error": error.to_string() }));
        }
        self.out.error(error)?;
        self.progress()
    }

    fn finish(mut self) -> io::Result<i32> {
        let done: usize = self.counts.iter().map(|(_, n)| n).sum();
        // What the command is for comes first; what needed nothing doing after it.
        self.counts.sort_by_key(|(outcome, _)| {
            outcome.starts_with("already") || outcome.starts_with("exists")
        });
        if done + self.failed > 1 {
            let mut parts: Vec<String> = self
                .counts
                .iter()
                .map(|(outcome, n)| format!("{outcome} {n}"))
                .collect();
            if self.failed > 0 {
                parts.push(format!("failed {}", self.failed));
            }
            self.out.line(&parts.join(", "))?;
        }
        self.out.json(&Value::Array(self.results))?;
        Ok(match (done, self.first_failure) {
            (_, None) => 0,
            (0, Some(code)) => code,
            (_, Some(_)) => 1,
        })
    }
}

/// A user selected for a bulk command, once its id is known.
#[derive(Clone)]
struct Target {
    id: String,
    email: String,
}

impl Target {
    fn pair(&self) -> (String, String) {
        (self.id.clone(), self.email.clone())
    }

    fn who(&self) -> String {
        if self.email.is_empty() {
            self.id.clone()
        } else {
            format!("{} <{}>", self.id, self.email)
        }
    }
}

fn pairs(targets: &[Target]) -> Vec<(String, String)> {
    targets.iter().map(Target::pair).collect()
}

fn ids(targets: &[Target]) -> Vec<String> {
    targets.iter().map(|t| t.id.clone()).collect()
}

/// Reads an input file; `-` is stdin.
fn read_input(path: &Path, cx: &mut Context) -> Result<String, Error> {
    let unreadable = |e: io::Error| Error::Input(format!("cannot read {}: {e}", path.display()));
    if path.as_os_str() == "-" {
        io::read_to_string(&mut cx.stdin).map_err(unreadable)
    } else {
        std::fs::read_to_string(path).map_err(unreadable)
    }
}

/// Reports every problem of an input file, each on its own line; exit 65.
fn bad_input(out: &mut Output, path: &Path, problems: &[String]) -> io::Result<i32> {
    for problem in problems {
        out.error(&format!("{}: {problem}", path.display()))?;
    }
    out.error(&format!(
        "nothing was sent: fix the {} bad line(s) of {} and run again",
        problems.len(),
        path.display()
    ))?;
    Ok(65)
}

/// The users of a selection: the arguments, then the file's, without duplicates.
/// `Err` carries the exit code after the problem was reported.
fn selected(
    selection: &Selection,
    out: &mut Output,
    cx: &mut Context,
) -> io::Result<Result<Vec<UserRef>, i32>> {
    let mut users = selection.users.clone();
    if let Some(path) = &selection.from {
        let text = match read_input(path, cx) {
            Ok(text) => text,
            Err(e) => return fail(out, &e).map(Err),
        };
        match input::user_list(&text) {
            Ok(listed) => {
                for user in listed {
                    if !users.contains(&user) {
                        users.push(user);
                    }
                }
            }
            Err(problems) => return bad_input(out, path, &problems).map(Err),
        }
    }
    Ok(Ok(users))
}

/// Refuses to act on more users than `--max` allows (by default 100 for unattended
/// deletes), and asks on a terminal before deleting. `Some(code)` stops the command
/// before anything is sent.
fn guard(
    count: usize,
    what: &str,
    deletes: bool,
    from_stdin: bool,
    globals: &Globals,
    out: &mut Output,
    cx: &mut Context,
) -> io::Result<Option<i32>> {
    let attended = cx.stdin_is_terminal && !from_stdin;
    let max = globals.max.or((deletes && !attended).then_some(100));
    if let Some(max) = max
        && count > max
    {
        let refusal = Error::Rejected {
            action: what.to_owned(),
            reason: format!(
                "{count} users selected, more than --max {max}; nothing was sent (check the selection, then pass --max {count} if it is right)"
            ),
        };
        return fail(out, &refusal).map(Some);
    }
    if deletes && attended && !globals.yes && !globals.dry_run && count > 0 {
        let question = format!("Delete {count} user(s) for good?");
        if !out.confirm(&question, cx.stdin)? {
            out.error(&"cancelled; nothing was sent")?;
            return Ok(Some(0));
        }
    }
    Ok(None)
}

/// Looks up the users named by e-mail. One that is not found is `already gone` when
/// `gone_is_done` (an idempotent delete), else a failure.
fn resolve(
    client: &Client,
    users: &[UserRef],
    gone_is_done: bool,
    verb: &str,
    tally: &mut Tally,
) -> io::Result<Vec<Target>> {
    let mut targets: Vec<Target> = Vec::new();
    for user in users {
        let target = match user {
            UserRef::Id(id) => Target {
                id: id.clone(),
                email: String::new(),
            },
            UserRef::Email(email) => match client.get_user_by_email(email) {
                Ok(found) => Target {
                    id: found.id,
                    email: found.email,
                },
                Err(e) if gone_is_done && e.is_not_found() => {
                    tally.done("already gone", "", email, email)?;
                    continue;
                }
                Err(e) => {
                    tally.failed(
                        &[(String::new(), email.clone())],
                        &e.during(format!("{verb} {email}")),
                    )?;
                    continue;
                }
            },
        };
        if !targets.iter().any(|t| t.id == target.id) {
            targets.push(target);
        }
    }
    Ok(targets)
}

fn from_stdin(selection: &Selection) -> bool {
    selection.from.as_deref() == Some(Path::new("-"))
}

/// The portal answers a batch with one unacceptable id by refusing all of it ("Access
/// denied"); then each id is tried on its own, so the others are still done and the
/// refused ones are named. Yields each request's targets with its result.
fn per_target_after_refusal<T>(
    targets: &[Target],
    batch: impl Fn(&[String]) -> Result<T, Error>,
) -> Vec<(Vec<Target>, Result<T, Error>)> {
    match batch(&ids(targets)) {
        Err(e) if targets.len() > 1 && refuses_whole_batch(&e) => targets
            .iter()
            .map(|t| (vec![t.clone()], batch(std::slice::from_ref(&t.id))))
            .collect(),
        result => vec![(targets.to_vec(), result)],
    }
}

fn refuses_whole_batch(error: &Error) -> bool {
    matches!(error, Error::Portal { status: 403, message, .. }
        if message.as_deref().is_none_or(|m| m == ACCESS_DENIED))
}

pub(crate) fn get(
    client: &Client,
    selection: &Selection,
    out: &mut Output,
    cx: &mut Context,
) -> io::Result<i32> {
    let users = match selected(selection, out, cx)? {
        Ok(users) => users,
        Err(code) => return Ok(code),
    };
    let (mut done, mut first_failure) = (0, None);
    let mut found = Vec::new();
    for user in &users {
        let result = match user {
            UserRef::Id(id) => client.get_user(id),
            UserRef::Email(email) => client.get_user_by_email(email),
        };
        match result {
            Ok(user) => {
                done += 1;
                out.line(&describe(&user))?;
                found.push(user_json(&user));
            }
            Err(e) => {
                first_failure.get_or_insert(e.exit_code());
                out.error(&e)?;
            }
        }
    }
    match (users.len(), found.pop()) {
        (1, Some(user)) => out.json(&user)?,
        (1, None) => {}
        (_, last) => {
            found.extend(last);
            out.json(&Value::Array(found))?
        }
    }
    Ok(match (done, first_failure) {
        (_, None) => 0,
        (0, Some(code)) => code,
        (_, Some(_)) => 1,
    })
}

/// A batch operation of the portal, acted on a chunk of users at a time.
struct Batch<Build, Send, Report> {
    /// `terminate`, for messages.
    verb: &'static str,
    /// The outcome `--dry-run` reports: `would terminate`.
    would: &'static str,
    /// The request for a chunk, which `--dry-run` prints.
    request: Build,
    send: Send,
    /// Reports what a successful request did to its users.
    report: Report,
}

/// Selects the users, guards, resolves e-mails, and sends `batch` a chunk at a time (or,
/// with `--dry-run`, prints what would be sent).
fn in_batches<T, Build, Send, Report>(
    client: &Client,
    selection: &Selection,
    globals: &Globals,
    out: &mut Output,
    cx: &mut Context,
    batch: Batch<Build, Send, Report>,
) -> io::Result<i32>
where
    Build: Fn(&[String]) -> Result<Request, Error>,
    Send: Fn(&[String]) -> Result<T, Error>,
    Report: Fn(&mut Tally, &[Target], T) -> io::Result<()>,
{
    let users = match selected(selection, out, cx)? {
        Ok(users) => users,
        Err(code) => return Ok(code),
    };
    let stdin = from_stdin(selection);
    if let Some(code) = guard(users.len(), batch.verb, false, stdin, globals, out, cx)? {
        return Ok(code);
    }
    let mut tally = Tally::new(out, users.len());
    let targets = resolve(client, &users, false, batch.verb, &mut tally)?;
    for chunk in targets.chunks(PAGE) {
        if tally.out.dry_run {
            if let Ok(request) = (batch.request)(&ids(chunk)) {
                tally.out.would_send(&request)?;
            }
            for t in chunk {
                tally.done(batch.would, &t.id, &t.email, &t.who())?;
            }
            continue;
        }
        for (targets, result) in per_target_after_refusal(chunk, &batch.send) {
            match (result, targets.as_slice()) {
                (Ok(answer), _) => (batch.report)(&mut tally, &targets, answer)?,
                // The portal answers "Access denied" for an unknown user too; say which.
                (Err(e), [target]) if refuses_whole_batch(&e) => {
                    let error = match client.get_user(&target.id) {
                        Err(lookup) if lookup.is_not_found() => {
                            lookup.during(format!("{} {}", batch.verb, target.who()))
                        }
                        _ => e,
                    };
                    tally.failed(&[target.pair()], &error)?
                }
                (Err(e), _) => tally.failed(&pairs(&targets), &e)?,
            }
        }
    }
    tally.finish()
}

pub(crate) fn set_status(
    client: &Client,
    selection: &Selection,
    globals: &Globals,
    out: &mut Output,
    cx: &mut Context,
    terminate: bool,
) -> io::Result<i32> {
    let (verb, would, done, status) = if terminate {
        (
            "terminate",
            "would terminate",
            "terminated",
            Status::Terminated,
        )
    } else {
        ("activate", "would activate", "activated", Status::Active)
    };
    let batch = Batch {
        verb,
        would,
        request: |ids: &[String]| Request::set_status(ids, status),
        send: |ids: &[String]| {
            if terminate {
                client.terminate_users(ids)
            } else {
                client.activate_users(ids)
            }
        },
        report: |tally: &mut Tally, _: &[Target], users: Vec<User>| {
            users
                .iter()
                .try_for_each(|user| tally.done_user(done, user))
        },
    };
    in_batches(client, selection, globals, out, cx, batch)
}

/// Deletes terminated users with `PUT /people/delete`, a chunk at a time.
///
/// The portal refuses a chunk that holds one user who is not terminated; then each user
/// of the chunk is looked at, the ones still active are reported (or, with `terminate`,
/// were terminated beforehand), and the rest is sent again. Unknown ids are dropped by the
/// portal: they are already gone. DocSpace admins are skipped unless the caller is the
/// owner, yet still returned: they are reported as not deleted.
#[allow(clippy::too_many_arguments)]
pub(crate) fn delete(
    client: &Client,
    selection: &Selection,
    terminate: bool,
    globals: &Globals,
    command: &Command,
    out: &mut Output,
    cx: &mut Context,
) -> io::Result<i32> {
    let users = match selected(selection, out, cx)? {
        Ok(users) => users,
        Err(code) => return Ok(code),
    };
    let deletes = command.deletes();
    if let Some(code) = guard(
        users.len(),
        "delete",
        deletes,
        from_stdin(selection),
        globals,
        out,
        cx,
    )? {
        return Ok(code);
    }
    let mut tally = Tally::new(out, users.len());
    let targets = resolve(client, &users, true, "delete", &mut tally)?;
    let mut caller_is_owner: Option<bool> = None;
    for chunk in targets.chunks(PAGE) {
        if tally.out.dry_run {
            plan_delete(client, chunk, terminate, &mut tally)?;
            continue;
        }
        let mut chunk = chunk.to_vec();
        if terminate {
            let mut terminated = Vec::new();
            for (targets, result) in
                per_target_after_refusal(&chunk, |ids| client.terminate_users(ids))
            {
                match (result, targets.as_slice()) {
                    (Ok(_), _) => terminated.extend(targets),
                    // The portal refuses to terminate an unknown id: for a delete, that
                    // user is already gone.
                    (Err(e), [target])
                        if refuses_whole_batch(&e)
                            && client.get_user(&target.id).is_err_and(|e| e.is_not_found()) =>
                    {
                        tally.done("already gone", &target.id, &target.email, &target.who())?
                    }
                    (Err(e), _) => tally.failed(&pairs(&targets), &e)?,
                }
            }
            chunk = terminated;
        }
        let mut checked = false;
        while !chunk.is_empty() {
            match client.delete_users(&ids(&chunk)) {
                Ok(deleted) => {
                    for target in &chunk {
                        match deleted
                            .iter()
                            .find(|u| u.id.eq_ignore_ascii_case(&target.id))
                        {
                            // The portal drops unknown ids, but also LDAP accounts: only a
                            // look-up tells "already gone" from "not deleted".
                            None => match client.get_user(&target.id) {
                                Err(e) if e.is_not_found() => tally.done(
                                    "already gone",
                                    &target.id,
                                    &target.email,
                                    &target.who(),
                                )?,
                                Ok(user) => {
                                    let kept = Error::Rejected {
                                        action: format!("delete {}", short(&user)),
                                        reason: "the portal left this account in place without saying why (LDAP accounts are never deleted this way)".to_owned(),
                                    };
                                    tally.failed(&[target.pair()], &kept)?
                                }
                                Err(e) => tally.failed(&[target.pair()], &e)?,
                            },
                            Some(user)
                                if user.is_admin
                                    && !*caller_is_owner.get_or_insert_with(|| {
                                        client.whoami().is_ok_and(|me| me.is_owner)
                                    }) =>
                            {
                                let skipped = Error::Rejected {
                                    action: format!("delete {}", target.id),
                                    reason: "the portal skipped this DocSpace admin: only the owner can delete one".to_owned(),
                                };
                                tally.failed(&[target.pair()], &skipped)?;
                            }
                            Some(user) => tally.done_user("deleted", user)?,
                        }
                    }
                    break;
                }
                Err(e) if !checked && not_suspended(&e) => {
                    checked = true;
                    chunk = still_deletable(client, &chunk, &mut tally)?;
                }
                Err(e) => {
                    tally.failed(&pairs(&chunk), &e)?;
                    break;
                }
            }
        }
    }
    tally.finish()
}

fn not_suspended(error: &Error) -> bool {
    matches!(error, Error::Portal { status: 403, message: Some(m), .. }
        if m == "Users are not suspended" || m == "The user is not suspended")
}

/// Looks at a user before deleting it: the user when it can be deleted (terminated, or to
/// be terminated first with `terminate`); otherwise reports why not (already gone, still
/// active, the look-up failed).
fn deletable(
    client: &Client,
    target: &Target,
    terminate: bool,
    tally: &mut Tally,
) -> io::Result<Option<User>> {
    match client.get_user(&target.id) {
        Ok(user) if user.status == Status::Terminated || terminate => return Ok(Some(user)),
        Ok(user) => {
            let skipped = Error::Rejected {
                action: format!("delete {}", short(&user)),
                reason: format!(
                    "not terminated ({}), skipped: terminate first, or pass --terminate",
                    user.status
                ),
            };
            tally.failed(&[target.pair()], &skipped)?;
        }
        Err(e) if e.is_not_found() => {
            tally.done("already gone", &target.id, &target.email, &target.who())?
        }
        Err(e) => tally.failed(&[target.pair()], &e)?,
    }
    Ok(None)
}

/// After the portal refused a chunk because someone in it is not terminated: the users
/// that can still be deleted, having reported the others.
fn still_deletable(
    client: &Client,
    chunk: &[Target],
    tally: &mut Tally,
) -> io::Result<Vec<Target>> {
    let mut keep = Vec::new();
    for target in chunk {
        if deletable(client, target, false, tally)?.is_some() {
            keep.push(target.clone());
        }
    }
    Ok(keep)
}

/// `--dry-run` of a delete chunk: looks at each user (read-only) and prints the requests
/// a real run would send.
fn plan_delete(
    client: &Client,
    chunk: &[Target],
    terminate: bool,
    tally: &mut Tally,
) -> io::Result<()> {
    let mut to_terminate = Vec::new();
    let mut to_delete = Vec::new();
    for target in chunk {
        if let Some(user) = deletable(client, target, terminate, tally)? {
            if user.status != Status::Terminated {
                to_terminate.push(user.id.clone());
            }
            to_delete.push(user);
        }
    }
    if !to_terminate.is_empty()
        && let Ok(request) = Request::set_status(&to_terminate, Status::Terminated)
    {
        tally.out.would_send(&request)?;
    }
    let ids: Vec<String> = to_delete.iter().map(|u| u.id.clone()).collect();
    if !ids.is_empty()
        && let Ok(request) = Request::delete_users(&ids)
    {
        tally.out.would_send(&request)?;
    }
    for user in &to_delete {
        tally.done_user("would delete", user)?;
    }
    Ok(())
}

pub(crate) fn unlink(
    client: &Client,
    selection: &Selection,
    globals: &Globals,
    out: &mut Output,
    cx: &mut Context,
) -> io::Result<i32> {
    let batch = Batch {
        verb: "unlink",
        would: "would unlink",
        request: Request::unlink_guests,
        send: |ids: &[String]| client.unlink_guests(ids),
        report: |tally: &mut Tally, targets: &[Target], (): ()| {
            targets
                .iter()
                .try_for_each(|t| tally.done("unlinked", &t.id, &t.email, &t.who()))
        },
    };
    in_batches(client, selection, globals, out, cx, batch)
}

/// Creates the people of a CSV or JSON Lines file, after checking every row.
pub(crate) fn create_from(
    client: &Client,
    path: &Path,
    globals: &Globals,
    out: &mut Output,
    cx: &mut Context,
) -> io::Result<i32> {
    let text = match read_input(path, cx) {
        Ok(text) => text,
        Err(e) => return fail(out, &e),
    };
    let rows = match input::people(&text) {
        Ok(rows) => rows,
        Err(problems) => return bad_input(out, path, &problems),
    };
    let from_stdin = path.as_os_str() == "-";
    if let Some(code) = guard(rows.len(), "create", false, from_stdin, globals, out, cx)? {
        return Ok(code);
    }
    let mut tally = Tally::new(out, rows.len());
    for row in &rows {
        let email = &row.user.email;
        if tally.out.dry_run {
            tally.out.would_send(&Request::create_user(&row.user))?;
            tally.done("would create", "", email, email)?;
            continue;
        }
        match client.create_user(&row.user) {
            Ok(user) => tally.done_user("created", &user)?,
            Err(Error::Portal {
                status: 400,
                message: Some(m),
                ..
            }) if m == "User with this email is already registered" => {
                tally.done("exists, skipped", "", email, email)?
            }
            Err(e) => tally.failed(
                &[(String::new(), email.clone())],
                &e.during(format!("create {email} (line {})", row.line)),
            )?,
        }
    }
    tally.finish()
}

/// Invites in order. The portal stops at the first invitation it refuses, having sent the
/// ones before it; when its message names the refused address, the rest are sent again so
/// that every address gets a truthful outcome.
pub(crate) fn invite(
    client: &Client,
    emails: &[String],
    from: Option<&Path>,
    user_type: UserType,
    globals: &Globals,
    out: &mut Output,
    cx: &mut Context,
) -> io::Result<i32> {
    let mut emails = emails.to_vec();
    if let Some(path) = from {
        let text = match read_input(path, cx) {
            Ok(text) => text,
            Err(e) => return fail(out, &e),
        };
        match input::email_list(&text) {
            Ok(listed) => {
                for email in listed {
                    if !emails.contains(&email) {
                        emails.push(email);
                    }
                }
            }
            Err(problems) => return bad_input(out, path, &problems),
        }
    }
    let from_stdin = from == Some(Path::new("-"));
    if let Some(code) = guard(emails.len(), "invite", false, from_stdin, globals, out, cx)? {
        return Ok(code);
    }
    let invitations: Vec<Invitation> = emails
        .into_iter()
        .map(|email| Invitation { email, user_type })
        .collect();
    let mut tally = Tally::new(out, invitations.len());
    // The portal sends nothing to an address that has an account, and may quietly raise
    // that account's type: such addresses are reported and left out.
    let mut new = Vec::new();
    for invitation in invitations {
        let email = invitation.email.clone();
        match client.get_user_by_email(&email) {
            Err(e) if e.is_not_found() => new.push(invitation),
            Ok(user) if user.status == Status::Terminated => {
                let refused = Error::Rejected {
                    action: format!("invite {email}"),
                    reason: format!(
                        "the account exists and is terminated: reactivate it with 'docspace-people user activate {email}'"
                    ),
                };
                tally.failed(&[(user.id.clone(), email)], &refused)?;
            }
            Ok(user) => tally.done(
                "exists, no invitation sent",
                &user.id,
                &email,
                &short(&user),
            )?,
            Err(e) => tally.failed(
                &[(String::new(), email.clone())],
                &e.during(format!("invite {email}")),
            )?,
        }
    }
    let invited_line = |i: &Invitation| format!("{} ({})", i.email, i.user_type);
    let mut rest = &new[..];
    while !rest.is_empty() {
        let chunk = &rest[..rest.len().min(PAGE)];
        if tally.out.dry_run {
            tally.out.would_send(&Request::invite(chunk, None))?;
            for i in chunk {
                tally.done("would invite", "", &i.email, &invited_line(i))?;
            }
            rest = &rest[chunk.len()..];
            continue;
        }
        match client.invite_users(chunk, None) {
            Ok(_) => {
                for i in chunk {
                    tally.done("invited", "", &i.email, &invited_line(i))?;
                }
                rest = &rest[chunk.len()..];
            }
            Err(e) => {
                // The portal stops at the first address it refuses; its message names
                // it when it can. Those before it were invited; the rest are sent again.
                let refused_at = match &e {
                    Error::Portal {
                        message: Some(m), ..
                    } => chunk
                        .iter()
                        .position(|i| m.ends_with(&format!(": {}", i.email))),
                    _ => None,
                };
                let Some(at) = refused_at else {
                    let emails: Vec<(String, String)> = chunk
                        .iter()
                        .map(|i| (String::new(), i.email.clone()))
                        .collect();
                    tally.failed(&emails, &e)?;
                    if chunk.len() > 1 {
                        tally.out.error(&"the portal stops at the first invitation it refuses, so some of these may have been sent: check with 'user get EMAIL' before inviting again")?;
                    }
                    rest = &rest[chunk.len()..];
                    continue;
                };
                for i in &chunk[..at] {
                    tally.done("invited", "", &i.email, &invited_line(i))?;
                }
                let refused = e.during(format!("invite {}", chunk[at].email));
                tally.failed(&[(String::new(), chunk[at].email.clone())], &refused)?;
                rest = &rest[at + 1..];
            }
        }
    }
    tally.finish()
}
