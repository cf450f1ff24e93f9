//! What became of each user: typed outcomes, printed as they happen, and the summary line
//! and exit code derived from them in one place.

use super::exit::{self, Failure};
use super::interrupt::Interrupt;
use super::output::Output;
use super::parallel::Stop;
use super::show::{printable, short, short_group, user_json};
use docspace_people::{Group, GroupId, User, UserId, UserType};
use serde_json::{Value, json};
use std::io;

/// A change a command makes to a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Created,
    Terminated,
    Activated,
    /// The caller's own names were changed.
    Renamed,
    Deleted,
    Unlinked,
    Invited,
    Approved,
    /// The user's type was changed to this one.
    Typed(UserType),
    /// The portal was asked for a new invitation (or activation e-mail) and, by its own
    /// rule, sends one: its answer cannot confirm it, so not "delivered".
    Resent,
    GroupCreated,
    GroupDeleted,
    /// Added to the group its line names.
    AddedToGroup,
    /// Removed from the group its line names.
    RemovedFromGroup,
    /// Made the manager of the group its line names.
    MadeManager,
    /// The API keys of a user terminated before were revoked.
    KeysRevoked,
}

impl Change {
    fn done(self) -> &'static str {
        match self {
            Change::Created => "created",
            Change::Terminated => "terminated",
            Change::Activated => "activated",
            Change::Renamed => "renamed",
            Change::Deleted => "deleted",
            Change::Unlinked => "unlinked",
            Change::Invited => "invited",
            Change::Approved => "approved",
            Change::Typed(UserType::User) => "made user",
            Change::Typed(UserType::RoomAdmin) => "made room-admin",
            Change::Typed(UserType::DocSpaceAdmin) => "made docspace-admin",
            Change::Typed(UserType::Guest) => "made guest",
            Change::Resent => "invitation sent",
            Change::GroupCreated => "created",
            Change::GroupDeleted => "deleted",
            Change::AddedToGroup => "added",
            Change::RemovedFromGroup => "removed",
            Change::MadeManager => "made manager",
            Change::KeysRevoked => "revoked keys of",
        }
    }

    fn would(self) -> &'static str {
        match self {
            Change::Created => "would create",
            Change::Terminated => "would terminate",
            Change::Activated => "would activate",
            Change::Renamed => "would rename",
            Change::Deleted => "would delete",
            Change::Unlinked => "would unlink",
            Change::Invited => "would invite",
            Change::Approved => "would approve",
            Change::Typed(UserType::User) => "would make user",
            Change::Typed(UserType::RoomAdmin) => "would make room-admin",
            Change::Typed(UserType::DocSpaceAdmin) => "would make docspace-admin",
            Change::Typed(UserType::Guest) => "would make guest",
            Change::Resent => "would send invitation",
            Change::GroupCreated => "would create",
            Change::GroupDeleted => "would delete",
            Change::AddedToGroup => "would add",
            Change::RemovedFromGroup => "would remove",
            Change::MadeManager => "would make manager",
            Change::KeysRevoked => "would revoke keys of",
        }
    }
}

/// Why nothing needed doing for a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Already {
    /// A delete found the user gone.
    Gone,
    /// A create found the address registered.
    Exists,
    /// An invitation found the address registered, so the portal would send nothing.
    ExistsNotInvited,
    /// An unlink found the guest not linked, and the journal shows this tool unlinked it.
    Unlinked,
    /// A type change found the user of that type already.
    OfType(UserType),
    /// A resend found the user has activated the account.
    Activated,
    /// An invitation found the address invited and never activated: `invite resend`
    /// sends the invitation again.
    PendingNotInvited,
    /// A termination found the user terminated.
    Terminated,
    /// An addition to a group found the user a member.
    Member,
    /// A removal from a group found the user no member.
    NotMember,
    /// A new manager of a group found the user its manager.
    Manager,
}

/// Why a bulk run never changes a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protection {
    /// The portal's owner.
    Owner,
    /// The account behind the credential.
    You,
    /// An account of a protect file (`--protect`, or the profile's `protect_file`).
    File,
}

/// Why a difference a command found was left as it is, by rule: neither done nor
/// failed, and no part of the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Left {
    /// The portal changes names on one's own profile only.
    NameDiffers,
    /// The owner, the caller or an account of a protect file.
    Protected(Protection),
}

/// An outcome the journal remembers, under the name it is stored with: the names are
/// the journal's format, read back by every later run, and never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Deleted,
    Terminated,
    Activated,
    Unlinked,
}

impl Recorded {
    const NAMES: [(&'static str, Recorded); 4] = [
        ("deleted", Recorded::Deleted),
        ("terminated", Recorded::Terminated),
        ("activated", Recorded::Activated),
        ("unlinked", Recorded::Unlinked),
    ];

    /// The stored name.
    pub fn name(self) -> &'static str {
        Recorded::NAMES
            .iter()
            .find(|(_, r)| *r == self)
            .map_or("", |(name, _)| name)
    }

    pub fn of(name: &str) -> Option<Recorded> {
        Recorded::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, r)| *r)
    }
}

/// What became of one user.
#[derive(Debug, Clone)]
pub enum Outcome {
    Done(Change),
    /// Done by this run: the portal's answer was lost, and a look-up afterwards showed
    /// the change made (a repeated bulk delete no longer lists the users its first
    /// attempt deleted). Counted and journalled as [`Outcome::Done`].
    Confirmed(Change),
    /// `--dry-run`: what a real run would do.
    Would(Change),
    Already(Already),
    /// The owner, the caller, or an account of a protect file: never touched by a bulk
    /// run.
    Protected(Protection),
    /// A difference left as it is, by rule ([`Left`]).
    Left(Left),
    /// The portal has no such user, and this tool did not delete one by that name.
    NotFound(Failure),
    Failed(Failure),
    /// The run stopped before this user's request was sent.
    NotSent,
}

impl Outcome {
    /// The outcomes the journal remembers, for a later run to read back.
    pub fn recorded(&self) -> Option<Recorded> {
        match self {
            Outcome::Done(change) | Outcome::Confirmed(change) => match change {
                Change::Deleted => Some(Recorded::Deleted),
                Change::Terminated => Some(Recorded::Terminated),
                Change::Activated => Some(Recorded::Activated),
                Change::Unlinked => Some(Recorded::Unlinked),
                _ => None,
            },
            _ => None,
        }
    }

    fn label(&self) -> &'static str {
        match self {
            Outcome::Done(change) => change.done(),
            // Counted with the changes done; its line says how it was confirmed.
            Outcome::Confirmed(change) => change.done(),
            Outcome::Would(change) => change.would(),
            Outcome::Already(Already::Gone) => "already gone",
            Outcome::Already(Already::Exists) => "exists, skipped",
            Outcome::Already(Already::ExistsNotInvited) => "exists, no invitation sent",
            Outcome::Already(Already::Unlinked) => "already unlinked",
            Outcome::Already(Already::OfType(UserType::User)) => "already user",
            Outcome::Already(Already::OfType(UserType::RoomAdmin)) => "already room-admin",
            Outcome::Already(Already::OfType(UserType::DocSpaceAdmin)) => "already docspace-admin",
            Outcome::Already(Already::OfType(UserType::Guest)) => "already guest",
            Outcome::Already(Already::Activated) => "already activated",
            Outcome::Already(Already::PendingNotInvited) => "invited before, no invitation sent",
            Outcome::Already(Already::Terminated) => "already terminated",
            Outcome::Already(Already::Member) => "already a member",
            Outcome::Already(Already::NotMember) => "not a member",
            Outcome::Already(Already::Manager) => "already the manager",
            Outcome::Protected(Protection::Owner) => "protected (owner)",
            Outcome::Protected(Protection::You) => "protected (you)",
            Outcome::Protected(Protection::File) => "protected (protect file)",
            Outcome::Left(Left::NameDiffers) => "name differs (only the person can change it)",
            Outcome::Left(Left::Protected(Protection::Owner)) => "left as it is (owner)",
            Outcome::Left(Left::Protected(Protection::You)) => "left as it is (you)",
            Outcome::Left(Left::Protected(Protection::File)) => "left as it is (protect file)",
            Outcome::NotFound(_) => "not found",
            Outcome::Failed(_) => "failed",
            Outcome::NotSent => "not sent",
        }
    }
}

/// A user a command acts on, as far as it is known: by id, by address, or both.
#[derive(Debug, Clone)]
pub struct Target {
    pub id: Option<UserId>,
    pub email: String,
    /// How the target is shown when more is known than the id and the address.
    pub label: Option<String>,
    /// What becomes of the user's data, said after the user in every line about them.
    pub fate: Option<String>,
    /// The group the change is about: the target itself (created, deleted), or the
    /// group a user is added to or removed from.
    pub group: Option<GroupId>,
}

impl Target {
    pub fn of(user: &User) -> Target {
        Target {
            id: Some(user.id),
            email: user.email.clone(),
            label: Some(short(user)),
            fate: None,
            group: None,
        }
    }

    /// A group, as `group ID NAME`.
    pub fn group(group: &Group) -> Target {
        Target {
            id: None,
            email: String::new(),
            label: Some(format!("group {}", short_group(group))),
            fate: None,
            group: Some(group.id),
        }
    }

    /// `user` as a member of `group`: `ID NAME <EMAIL> to group NAME` with `to` for
    /// `relation`.
    pub fn member(user: &User, relation: &str, group: &Group) -> Target {
        Target {
            label: Some(format!(
                "{} {relation} group {}",
                short(user),
                printable(&group.name)
            )),
            group: Some(group.id),
            ..Target::of(user)
        }
    }

    /// The same target, with what becomes of its data.
    pub fn with_fate(mut self, fate: impl Into<String>) -> Target {
        self.fate = Some(fate.into());
        self
    }

    pub fn by_id(id: UserId) -> Target {
        Target {
            id: Some(id),
            email: String::new(),
            label: None,
            fate: None,
            group: None,
        }
    }

    pub fn by_email(email: &str) -> Target {
        Target {
            id: None,
            email: email.to_owned(),
            label: None,
            fate: None,
            group: None,
        }
    }

    /// `ID NAME <EMAIL>`, `ID <EMAIL>`, or whichever of the two is known, then what
    /// becomes of the user's data.
    pub fn who(&self) -> String {
        let who = self.name();
        match &self.fate {
            Some(fate) => format!("{who} ({fate})"),
            None => who,
        }
    }

    /// `ID NAME <EMAIL>`, `ID <EMAIL>`, or whichever of the two is known.
    pub fn name(&self) -> String {
        if let Some(label) = &self.label {
            return label.clone();
        }
        match (self.id, self.email.as_str()) {
            (Some(id), "") => id.to_string(),
            (Some(id), email) => format!("{id} <{email}>"),
            (None, email) => email.to_owned(),
        }
    }
}

struct Entry {
    target: Target,
    outcome: Outcome,
}

/// How the results of a command are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// One line a user, a summary line, and with `--json` an array of
    /// `{id, email, outcome, error?}`.
    Bulk,
    /// A command about one user: its line, and with `--json` the portal's object.
    Single,
    /// A sequence of steps about one user: a line a step, and with `--json` the user,
    /// the steps and the state it is left in.
    Sequence,
}

/// Collects and prints the outcome of every user of one command.
pub struct Report<'o, 'a> {
    pub out: &'o mut Output<'a>,
    style: Style,
    entries: Vec<Entry>,
    /// What `--json` prints for a [`Style::Single`] or [`Style::Sequence`] command.
    user: Option<Value>,
    /// The report could not be written: a changing command stops before its next
    /// request, since what it printed must be what it did.
    broken: Option<io::Error>,
    /// The run stopped for this failure (the journal could not be written, Ctrl-C).
    aborted: Option<Failure>,
    /// The selection (the named users, the listing, the file's rows) was empty.
    nobody: bool,
    /// Ctrl-C at the terminal asks the run to stop.
    interrupt: Interrupt,
    /// Set when the portal is gone: the rest is not sent.
    stop: Stop,
}

impl<'o, 'a> Report<'o, 'a> {
    pub fn new(out: &'o mut Output<'a>, style: Style) -> Self {
        Report {
            out,
            style,
            entries: Vec::new(),
            user: None,
            broken: None,
            aborted: None,
            nobody: false,
            interrupt: Interrupt::default(),
            stop: Stop::default(),
        }
    }

    /// `count` users were selected: a selection of nobody is said to be one in the
    /// summary (nothing was asked for, so it is not a failure).
    pub fn selected(&mut self, count: usize) {
        self.nobody = count == 0;
    }

    pub fn dry_run(&self) -> bool {
        self.out.dry_run
    }

    /// One line a user: a command about many users.
    pub fn bulk(&self) -> bool {
        self.style == Style::Bulk
    }

    /// From now on, the run stops when `stop` is requested.
    pub fn watch(&mut self, interrupt: Interrupt) {
        self.interrupt = interrupt;
    }

    /// The person at the terminal asked the run to stop (Ctrl-C).
    pub fn interrupted(&self) -> bool {
        self.interrupt.requested()
    }

    /// Keeps the first failure to write; the outcomes are recorded all the same.
    fn written(&mut self, result: io::Result<()>) {
        if let Err(e) = result {
            self.broken.get_or_insert(e);
        }
    }

    /// The report could not be written, the run was aborted, or the person at the
    /// terminal stopped it: nothing more is to be sent.
    pub fn stopped(&self) -> bool {
        self.broken.is_some() || self.aborted.is_some() || self.interrupted()
    }

    /// Whether the run goes on: told of the result of every read made for it.
    pub fn stop(&self) -> &Stop {
        &self.stop
    }

    /// Takes note of how the step recorded since `from` went: a failure that shows the
    /// portal gone, or the third temporary one in a row, stops the run. Its line is
    /// already printed; the summary says what was not sent.
    pub fn observe_since(&mut self, from: usize) {
        let entries = &self.entries[from.min(self.entries.len())..];
        let failed = entries.iter().find_map(|e| match &e.outcome {
            Outcome::Failed(Failure::Portal(error)) => Some(error.clone()),
            _ => None,
        });
        match failed {
            Some(error) => self.stop.observe::<()>(&Err(error)),
            None if !entries.is_empty() => self.stop.observe(&Ok(())),
            None => {}
        }
        if let Some(reason) = self.stop.reason() {
            self.aborted.get_or_insert(Failure::Portal(reason));
        }
    }

    /// Stops the run for `failure`: nothing more is sent, and the run ends with its code.
    pub fn abort(&mut self, failure: Failure) {
        self.note(&failure);
        self.aborted.get_or_insert(failure);
    }

    /// How many outcomes are recorded so far.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The outcomes recorded since the first `from`, as the journal keeps them.
    pub fn results_since(&self, from: usize) -> Vec<Value> {
        self.entries[from.min(self.entries.len())..]
            .iter()
            .map(entry_json)
            .collect()
    }

    /// Writes out what was printed so far, so that it is on record even if the run is
    /// killed before the next request.
    pub fn flush(&mut self) {
        let flushed = self.out.flush();
        self.written(flushed);
    }

    /// Prints a line that is not a user's outcome (a note, a sequence's step).
    pub fn line(&mut self, text: &str) {
        let written = self.out.line(text);
        self.written(written);
    }

    /// Prints an error line that is not a user's outcome.
    pub fn note(&mut self, text: &dyn std::fmt::Display) {
        let written = self.out.error(text);
        self.written(written);
    }

    /// Prints a line of a dry run's plan that is not a user's outcome.
    pub fn plan_line(&mut self, text: &str) {
        let written = self.out.plan(text);
        self.written(written);
    }

    /// Prints a request a dry run holds back.
    pub fn would_send(&mut self, request: &docspace_people::Request) {
        let written = self.out.would_send(request);
        self.written(written);
    }

    /// Records and prints what became of `target`; `who` describes it in the line.
    pub fn record(&mut self, target: Target, who: &str, outcome: Outcome) {
        let written = match &outcome {
            Outcome::NotFound(failure) => self.out.error(&format_args!("not found: {failure}")),
            Outcome::Failed(failure) => self.out.error(&Failed(failure)),
            Outcome::Confirmed(change) => self.out.line(&format!(
                "{} (confirmed after the answer was lost) {who}",
                change.done()
            )),
            Outcome::Would(_) => self.out.plan(&format!("{} {who}", outcome.label())),
            other => self.out.line(&format!("{} {who}", other.label())),
        };
        self.written(written);
        self.entries.push(Entry { target, outcome });
    }

    /// Records that `targets` were not sent because the run stopped.
    pub fn not_sent(&mut self, targets: &[Target]) {
        for target in targets {
            self.entries.push(Entry {
                target: target.clone(),
                outcome: Outcome::NotSent,
            });
        }
    }

    /// The users recorded as not sent, in order.
    pub fn not_sent_targets(&self) -> Vec<Target> {
        self.entries
            .iter()
            .filter(|e| matches!(e.outcome, Outcome::NotSent))
            .map(|e| e.target.clone())
            .collect()
    }

    /// Records `outcome` for a target described by itself.
    pub fn settle(&mut self, target: &Target, outcome: Outcome) {
        self.record(target.clone(), &target.who(), outcome)
    }

    /// The portal answered with `user` for a change.
    pub fn changed(&mut self, change: Change, user: &User) {
        if self.style == Style::Single {
            self.user = Some(user_json(user));
        }
        self.record(Target::of(user), &short(user), Outcome::Done(change))
    }

    /// Records the outcome of a sequence, which printed its own lines, and what
    /// `--json` shows of it.
    pub fn conclude(&mut self, target: Target, outcome: Outcome, json: Value) {
        self.entries.push(Entry { target, outcome });
        self.user = Some(json);
    }

    /// `failure` happened to all of `targets`: reported once, recorded for each.
    pub fn fail(&mut self, targets: &[Target], failure: Failure) {
        let written = self.out.error(&Failed(&failure));
        self.written(written);
        let nobody = [Target::by_email("")];
        let targets = if targets.is_empty() {
            &nobody[..]
        } else {
            targets
        };
        for target in targets {
            self.entries.push(Entry {
                target: target.clone(),
                outcome: Outcome::Failed(failure.clone()),
            });
        }
    }

    fn failures(&self) -> impl Iterator<Item = &Failure> {
        self.entries.iter().filter_map(|e| match &e.outcome {
            Outcome::Failed(f) | Outcome::NotFound(f) => Some(f),
            _ => None,
        })
    }

    /// Prints the summary and the JSON results, and returns the exit code: the code the
    /// outcomes call for, or 74 when the report could not be written, after saying on
    /// stderr (if it can) what was done and what was not sent.
    pub fn finish(mut self) -> u8 {
        let written = match self.style {
            Style::Single | Style::Sequence => match &self.user {
                Some(user) => self.out.json(user),
                None => Ok(()),
            },
            Style::Bulk => {
                let summary = match self.entries.len() {
                    0 if self.nobody => Some("nothing selected".to_owned()),
                    0 | 1 => None,
                    _ => Some(self.summary()),
                };
                let results: Vec<Value> = self.entries.iter().map(entry_json).collect();
                summary
                    .map_or(Ok(()), |s| self.out.line(&s))
                    .and_then(|()| self.out.json(&Value::Array(results)))
            }
        };
        self.written(written);
        self.flush();
        if let Some(broken) = &self.broken {
            // stderr may be gone too; the exit code still says what happened.
            let _ = self.out.error(&format!(
                "the results could not be written ({broken}), so the run stopped: {}",
                self.summary()
            ));
            return exit::OUTPUT;
        }
        if let Some(failure) = &self.aborted {
            let _ = self
                .out
                .error(&format!("the run stopped: {}", self.summary()));
            return failure.code();
        }
        // Differences left as they are by rule count neither way.
        let left = self
            .entries
            .iter()
            .filter(|e| matches!(e.outcome, Outcome::Left(_)))
            .count();
        // Every user selected was protected: nothing the admin asked for was changed.
        if self.entries.len() > left
            && self
                .entries
                .iter()
                .all(|e| matches!(e.outcome, Outcome::Protected(_) | Outcome::Left(_)))
        {
            return exit::REFUSED;
        }
        let succeeded = self.entries.len() - left - self.failures().count();
        exit::of_outcomes(succeeded, self.failures())
    }

    /// `deleted 3, already gone 1, failed 2`: what the command is for first, then what
    /// needed nothing doing, then failures.
    fn summary(&self) -> String {
        let mut counts: Vec<(&'static str, bool, usize)> = Vec::new();
        let (mut failed, mut not_sent) = (0, 0);
        for entry in &self.entries {
            match entry.outcome {
                Outcome::Failed(_) => failed += 1,
                Outcome::NotSent => not_sent += 1,
                _ => {}
            }
            if matches!(entry.outcome, Outcome::Failed(_) | Outcome::NotSent) {
                continue;
            }
            let counts_last = matches!(
                entry.outcome,
                Outcome::Already(_)
                    | Outcome::Protected(_)
                    | Outcome::Left(_)
                    | Outcome::NotFound(_)
            );
            // One count for the protected, whatever protects each (its line says).
            let label = match entry.outcome {
                Outcome::Protected(_) => "protected",
                Outcome::Left(Left::NameDiffers) => "name differs",
                // Not counted with the people created.
                Outcome::Done(Change::GroupCreated) | Outcome::Confirmed(Change::GroupCreated) => {
                    "created group"
                }
                Outcome::Left(Left::Protected(_)) => "left as it is",
                _ => entry.outcome.label(),
            };
            match counts.iter_mut().find(|(l, _, _)| *l == label) {
                Some((_, _, n)) => *n += 1,
                None => counts.push((label, counts_last, 1)),
            }
        }
        counts.sort_by_key(|(_, already, _)| *already);
        let mut parts: Vec<String> = counts
            .iter()
            .map(|(label, _, n)| format!("{label} {n}"))
            .collect();
        if failed > 0 {
            parts.push(format!("failed {failed}"));
        }
        if not_sent > 0 {
            parts.push(format!("not sent {not_sent}"));
        }
        if parts.is_empty() {
            parts.push("nothing done".to_owned());
        }
        parts.join(", ")
    }
}

/// A user's failure as its line says it. A user the portal does not have is said to be
/// `not found` in the tool's words first, as an [`Outcome::NotFound`] is: the portal's
/// message that follows is in the portal's language. Told by the error's kind, not its
/// words.
struct Failed<'f>(&'f Failure);

impl std::fmt::Display for Failed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Failure::Portal(e) if e.is_not_found() => write!(f, "not found: {}", self.0),
            failure => write!(f, "{failure}"),
        }
    }
}

fn entry_json(entry: &Entry) -> Value {
    let id = entry.target.id.map(|id| id.to_string()).unwrap_or_default();
    // What the journal reads back is the typed record, under its stable name; other
    // outcomes are kept as they were printed.
    let outcome = match entry.outcome.recorded() {
        Some(recorded) => recorded.name(),
        None => entry.outcome.label(),
    };
    let mut value = json!({ "id": id, "email": entry.target.email, "outcome": outcome });
    if let Some(group) = entry.target.group {
        value["group"] = Value::String(group.to_string());
    }
    if let Outcome::Failed(failure) | Outcome::NotFound(failure) = &entry.outcome {
        value["error"] = Value::String(failure.to_string());
    }
    value
}
