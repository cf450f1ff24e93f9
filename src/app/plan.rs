//! The engine of every changing command: a [`Plan`] of typed steps, printed by
//! `--dry-run` and carried out step by step by a real run, each user ending with an
//! [`Outcome`](super::report::Outcome).
//!
//! Look-ups that decide the plan (resolving e-mail addresses, reading a user's status)
//! happen while the plan is built, the same way in both modes; this is the only place
//! that asks whether the run is a dry run.

use super::config::Context;
use super::exit::Failure;
use super::interrupt::Watch;
use super::progress;
use super::report::{Already, Change, Outcome, Report, Target};
use super::select;
use super::sequence::Sequence;
use super::show::short;
use docspace_people::{
    Client, Email, ErrorKind, GroupId, Invitation, JobStatus, NewUser, ReassignJob, Refusal,
    Request, Seen, Status, User, UserId, UserType,
};

/// The group actions: what the portal's answers show of them.
mod groups;
/// The API keys revoked and the groups handed over with a terminate, delete or demotion.
mod handover;

pub use handover::HandOver;
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// The most users one batch request carries (the portal's page size).
pub const BATCH: usize = 100;

/// The ordered steps of a changing command.
pub struct Plan {
    pub steps: Vec<Step>,
    /// A sequence about one user, whose first step is the plan's only step and whose
    /// later steps need the id that step gives.
    pub sequence: Option<Sequence>,
    /// A question the person at the terminal must answer yes before anything is sent.
    pub question: Option<String>,
}

impl Plan {
    pub fn of(steps: Vec<Step>) -> Plan {
        Plan {
            steps,
            sequence: None,
            question: None,
        }
    }
}

/// One request (or, for deletes that terminate first, two) and the users it is for.
pub struct Step {
    pub action: Action,
    pub targets: Vec<Target>,
}

/// What a step does.
pub enum Action {
    /// `POST /people`; with `skip_existing`, an address the portal already has is not a
    /// failure. `line` is the input file's line.
    Create {
        user: NewUser,
        line: Option<usize>,
        skip_existing: bool,
    },
    /// Terminates the step's users, then revokes the keys of `HandOver` of each one
    /// terminated.
    Terminate(HandOver),
    /// Revokes the keys of `HandOver` of users terminated before.
    RevokeKeys(HandOver),
    Activate,
    /// Changes the caller's own names (the portal changes no one else's).
    Rename {
        first_name: String,
        last_name: String,
    },
    /// Unlinks guests from the caller.
    Unlink,
    /// Deletes terminated users in one request, terminating `terminate_first` before,
    /// then revoking their keys and handing their groups to the heir (`also`).
    Delete {
        terminate_first: Vec<UserId>,
        also: HandOver,
    },
    /// Hands each user's rooms and shared files to `heir` and deletes the profile, in
    /// the portal's reassign jobs (terminating `terminate_first` before); waits up to
    /// `wait` for each job, and follows a job an earlier run started.
    Reassign {
        heir: UserId,
        wait: Duration,
        terminate_first: Vec<UserId>,
        also: HandOver,
    },
    Invite(Vec<Invitation>),
    Approve {
        confirm: String,
        email: Option<Email>,
    },
    /// `PUT /people/type/{type}` for the step's users: a promotion, which the portal
    /// carries out one user after the other and stops at the first it refuses.
    Promote(UserType),
    /// The portal's demotion jobs (`POST /people/type`), one per user: rooms go to
    /// `heir`; waits up to `wait` for each job, and follows a job an earlier run started.
    /// The groups of `also` go to its heir first (a guest is in no group).
    Demote {
        user_type: UserType,
        heir: UserId,
        wait: Duration,
        also: HandOver,
    },
    /// `PUT /people/invite`: new invitations for all the step's users in one request,
    /// never repeated (the portal allows 5 in 15 minutes). The users are the ones the
    /// portal's rule lets `caller` invite ([`resend_outcome`]).
    Resend {
        caller: Box<User>,
    },
    /// `POST /group`: a group named `name`, with its manager and members; the step's one
    /// target is the group.
    CreateGroup {
        name: String,
        manager: Option<UserId>,
        members: Vec<UserId>,
    },
    /// `DELETE /group/{id}`; the step's one target is the group.
    DeleteGroup(GroupId),
    /// `PUT /group/{id}/members` for the step's users: the answer shows whom the portal
    /// added (it skips some without a word).
    AddToGroup(GroupId),
    /// `DELETE /group/{id}/members` for the step's users.
    RemoveFromGroup(GroupId),
    /// `PUT /group/{id}/manager` for the step's one user, the answer checked.
    SetManager(GroupId),
}

impl Action {
    fn change(&self) -> Change {
        match self {
            Action::Create { .. } => Change::Created,
            Action::Terminate(_) => Change::Terminated,
            Action::RevokeKeys(_) => Change::KeysRevoked,
            Action::Activate => Change::Activated,
            Action::Rename { .. } => Change::Renamed,
            Action::Unlink => Change::Unlinked,
            Action::Delete { .. } | Action::Reassign { .. } => Change::Deleted,
            Action::Invite(_) => Change::Invited,
            Action::Approve { .. } => Change::Approved,
            Action::Promote(user_type) | Action::Demote { user_type, .. } => {
                Change::Typed(*user_type)
            }
            Action::Resend { .. } => Change::Resent,
            Action::CreateGroup { .. } => Change::GroupCreated,
            Action::DeleteGroup(_) => Change::GroupDeleted,
            Action::AddToGroup(_) => Change::AddedToGroup,
            Action::RemoveFromGroup(_) => Change::RemovedFromGroup,
            Action::SetManager(_) => Change::MadeManager,
        }
    }

    /// The action's name in the journal.
    fn name(&self) -> &'static str {
        match self {
            Action::Create { .. } => "create",
            Action::Terminate(_) => "terminate",
            Action::RevokeKeys(_) => "revoke keys",
            Action::Activate => "activate",
            Action::Rename { .. } => "rename",
            Action::Unlink => "unlink",
            Action::Delete { .. } => "delete",
            Action::Reassign { .. } => "reassign and delete",
            Action::Invite(_) => "invite",
            Action::Approve { .. } => "approve",
            Action::Promote(_) => "set type",
            Action::Demote { .. } => "set type with heir",
            Action::Resend { .. } => "resend invitations",
            Action::CreateGroup { .. } => "create group",
            Action::DeleteGroup(_) => "delete group",
            Action::AddToGroup(_) => "add to group",
            Action::RemoveFromGroup(_) => "remove from group",
            Action::SetManager(_) => "set group manager",
        }
    }
}

impl Step {
    /// A step for `targets`, whose ids are all known.
    pub fn batch(action: Action, targets: Vec<Target>) -> Step {
        Step { action, targets }
    }

    fn ids(&self) -> Vec<UserId> {
        ids(&self.targets)
    }

    /// What the step does to `target`, every request in order, as the question before a
    /// run says it: `terminate first, then delete`.
    pub fn stages(&self, target: &Target) -> String {
        let first =
            |terminate_first: &[UserId]| target.id.is_some_and(|id| terminate_first.contains(&id));
        // The hand-over's stages, after the terminate and before the change.
        let with = |also: &HandOver, before: Option<&str>, change: &str| {
            let mut stages: Vec<String> = before.map(str::to_owned).into_iter().collect();
            stages.extend(also.stages(target));
            match stages.split_first() {
                None => change.to_owned(),
                Some((first, rest)) => {
                    let mut text = format!("{first} first, then ");
                    for stage in rest {
                        text.push_str(&format!("{stage}, "));
                    }
                    text + change
                }
            }
        };
        match &self.action {
            Action::Create { .. } => "create".to_owned(),
            Action::Terminate(also) => {
                let mut stages = vec!["terminate".to_owned()];
                stages.extend(also.stages(target));
                stages.join(", then ")
            }
            Action::RevokeKeys(also) => also.stages(target).join(", "),
            Action::Activate => "activate".to_owned(),
            Action::Rename {
                first_name,
                last_name,
            } => format!("rename to {first_name} {last_name}"),
            Action::Unlink => "unlink from you".to_owned(),
            Action::Delete {
                terminate_first,
                also,
            } => with(
                also,
                first(terminate_first).then_some("terminate"),
                "delete",
            ),
            Action::Reassign {
                terminate_first,
                also,
                ..
            } => with(
                also,
                first(terminate_first).then_some("terminate"),
                "hand their data to the heir and delete",
            ),
            Action::Invite(_) => "invite".to_owned(),
            Action::Approve { .. } => "approve".to_owned(),
            Action::Promote(user_type) => format!("make {user_type}"),
            Action::Demote {
                user_type, also, ..
            } => with(
                also,
                None,
                &format!("hand their rooms to the heir, then make {user_type}"),
            ),
            Action::Resend { .. } => "send the invitation again".to_owned(),
            // The group, then the people it is made with.
            Action::CreateGroup { members, .. }
                if target.id.is_some_and(|id| members.contains(&id)) =>
            {
                "add".to_owned()
            }
            Action::CreateGroup { .. } => "create".to_owned(),
            Action::DeleteGroup(_) => "delete (its members stay)".to_owned(),
            Action::AddToGroup(_) => "add".to_owned(),
            Action::RemoveFromGroup(_) => "remove".to_owned(),
            Action::SetManager(_) => "make the manager".to_owned(),
        }
    }

    /// Whom the step is for, as far as it is known before it is sent.
    fn intended(&self) -> Vec<Target> {
        match &self.action {
            Action::Create { user, .. } if self.targets.is_empty() => {
                vec![Target::by_email(user.email.as_str())]
            }
            Action::Approve { email, .. } if self.targets.is_empty() => {
                vec![Target::by_email(email.as_ref().map_or("", |e| e.as_str()))]
            }
            _ => self.targets.clone(),
        }
    }

    /// The requests this step sends, in order.
    pub fn requests(&self) -> Vec<Request> {
        match &self.action {
            Action::Create { user, .. } => vec![Request::create_user(user)],
            Action::Terminate(also) => {
                let mut requests = vec![Request::terminate_users(&self.ids())];
                requests.extend(also.key_requests(&self.ids()));
                requests
            }
            Action::RevokeKeys(also) => also.key_requests(&self.ids()),
            Action::Activate => vec![Request::activate_users(&self.ids())],
            Action::Rename {
                first_name,
                last_name,
            } => self
                .ids()
                .into_iter()
                .map(|id| Request::rename(id, first_name, last_name))
                .collect(),
            Action::Unlink => vec![Request::unlink_guests(&self.ids())],
            Action::Delete {
                terminate_first,
                also,
            } => {
                let mut requests = Vec::new();
                if !terminate_first.is_empty() {
                    requests.push(Request::terminate_users(terminate_first));
                }
                requests.extend(also.key_requests(&self.ids()));
                requests.extend(also.group_requests(&self.ids()));
                requests.push(Request::delete_users(&self.ids()));
                requests
            }
            Action::Reassign {
                heir,
                terminate_first,
                also,
                ..
            } => {
                let mut requests = Vec::new();
                if !terminate_first.is_empty() {
                    requests.push(Request::terminate_users(terminate_first));
                }
                requests.extend(also.key_requests(&self.ids()));
                requests.extend(also.group_requests(&self.ids()));
                for id in self.ids() {
                    requests.push(Request::start_reassign(id, *heir, true));
                }
                requests
            }
            Action::Invite(invitations) => vec![Request::invite(invitations, None)],
            Action::Promote(user_type) => vec![Request::set_users_type(&self.ids(), *user_type)],
            Action::Demote {
                user_type,
                heir,
                also,
                ..
            } => {
                let mut requests = also.group_requests(&self.ids());
                requests.extend(
                    self.ids()
                        .into_iter()
                        .map(|id| Request::start_type_change(id, *user_type, *heir)),
                );
                requests
            }
            Action::Resend { .. } => vec![Request::resend_invitations(&self.ids())],
            Action::Approve { confirm, email } => {
                vec![Request::approve_guest(confirm.clone(), email.as_ref())]
            }
            Action::CreateGroup {
                name,
                manager,
                members,
            } => vec![Request::create_group(name, *manager, members)],
            Action::DeleteGroup(group) => vec![Request::delete_group(*group)],
            Action::AddToGroup(group) => vec![Request::add_group_members(*group, &self.ids())],
            Action::RemoveFromGroup(group) => {
                vec![Request::remove_group_members(*group, &self.ids())]
            }
            Action::SetManager(group) => self
                .ids()
                .into_iter()
                .map(|id| Request::set_group_manager(*group, id))
                .collect(),
        }
    }
}

fn ids(targets: &[Target]) -> Vec<UserId> {
    targets.iter().filter_map(|t| t.id).collect()
}

/// Prints the plan (`--dry-run`) or carries it out, recording every user's outcome.
///
/// The outcomes of each step are flushed to stdout before the next step is sent, so
/// that a run killed in the middle has printed what it did. When the report cannot be
/// written, nothing more is sent: the rest is `not sent`.
pub fn carry_out(client: &Client, plan: &Plan, report: &mut Report, cx: &mut Context) {
    if report.dry_run() {
        return print(client, plan, report);
    }
    if let Some(question) = &plan.question
        && !confirmed(question, report, cx)
    {
        return;
    }
    if let Some(sequence) = &plan.sequence {
        let Some(step) = plan.steps.first() else {
            return;
        };
        if journal_intent(client, cx, report, sequence.name(), step, None) {
            sequence.run(client, report);
            journal_outcome(cx, report, 0);
        }
        return;
    }
    // Ctrl-C at the terminal stops a bulk run between its requests; the terminal is
    // put back as it was when `watch` is dropped.
    let watch = if report.bulk() && cx.io.keyboard.is_some() {
        Watch::start()
    } else {
        None
    };
    if let Some(watch) = &watch {
        report.watch(watch.interrupt());
    }
    if let Some(first) = plan.steps.first() {
        let total = plan.steps.iter().map(|s| s.targets.len().max(1)).sum();
        progress::phase(gerund(&first.action), total);
    }
    for (at, step) in plan.steps.iter().enumerate() {
        report.flush();
        let first = (at == 0).then_some(plan);
        if !report.stopped() && journal_intent(client, cx, report, step.action.name(), step, first)
        {
            let before = report.len();
            progress::rename(gerund(&step.action));
            run(client, step, report, cx);
            journal_outcome(cx, report, before);
            report.observe_since(before);
            progress::advance(step.targets.len().max(1));
            continue;
        }
        for rest in &plan.steps[at..] {
            report.not_sent(&rest.targets);
        }
        break;
    }
    progress::end();
    drop(watch);
    if report.interrupted() {
        interrupted(cx, report);
    }
    report.flush();
}

/// Whether the person at the terminal answers yes to `question`; no (or no answer) is
/// said: nothing was sent.
pub fn confirmed(question: &str, report: &mut Report, cx: &mut Context) -> bool {
    match cx.io.confirm(report.out, question) {
        Ok(true) => true,
        Ok(false) | Err(_) => {
            report.note(&"cancelled; nothing was sent");
            false
        }
    }
}

/// What the progress line calls a step while it is sent.
fn gerund(action: &Action) -> &'static str {
    match action {
        Action::Create { .. } => "creating",
        Action::Terminate(_) => "terminating",
        Action::RevokeKeys(_) => "revoking keys",
        Action::Activate => "activating",
        Action::Rename { .. } => "renaming",
        Action::Unlink => "unlinking",
        Action::Delete { .. } => "deleting",
        Action::Reassign { .. } => "handing over and deleting",
        Action::Invite(_) => "inviting",
        Action::Approve { .. } => "approving",
        Action::Promote(_) | Action::Demote { .. } => "changing types",
        Action::Resend { .. } => "resending",
        Action::CreateGroup { .. }
        | Action::DeleteGroup(_)
        | Action::AddToGroup(_)
        | Action::RemoveFromGroup(_)
        | Action::SetManager(_) => "changing groups",
    }
}

/// Ends a run the person at the terminal stopped before all was sent: the users not
/// sent are recorded in the journal and named, and the run ends with exit 130. A run
/// stopped after its last request ends as its outcomes say.
fn interrupted(cx: &mut Context, report: &mut Report) {
    let rest = report.not_sent_targets();
    if rest.is_empty() {
        return;
    }
    let recorded = match cx.session.journal() {
        Some(journal) => match journal.interrupted(&rest) {
            Ok(()) => true,
            Err(failure) => {
                report.note(&failure);
                false
            }
        },
        None => false,
    };
    let mut names: Vec<String> = rest.iter().take(NAMED).map(Target::name).collect();
    if rest.len() > NAMED {
        names.push(format!("and {} more", rest.len() - NAMED));
    }
    let next = if recorded {
        "; 'docspace-people journal' lists them, with the command that sends them"
    } else {
        ""
    };
    report.abort(Failure::Interrupted(format!(
        "interrupted: {} user(s) not sent: {}{next}",
        rest.len(),
        names.join(", ")
    )));
}

/// The most users a message names; the others are counted.
pub const NAMED: usize = 10;

/// Records in the journal, before it is sent, what `step` is about to do (and, before
/// the first step of a `plan` of several, every user the run is to change); false (the
/// run aborted) when the journal cannot be written.
fn journal_intent(
    client: &Client,
    cx: &mut Context,
    report: &mut Report,
    action: &str,
    step: &Step,
    plan: Option<&Plan>,
) -> bool {
    if let Err(failure) = cx.session.before_changes(&client.portal()) {
        report.abort(failure);
        return false;
    }
    if cx.session.journal().is_none() {
        return true;
    }
    // The journal says whose key made the changes: the caller, asked once a run.
    let caller = match cx.memory.caller(client) {
        Ok(caller) => caller.id,
        Err(failure) => {
            report.abort(failure.during("find the caller for the journal"));
            return false;
        }
    };
    let Some(journal) = cx.session.journal() else {
        return true;
    };
    // A run killed before its end leaves on record the users it never reached.
    if let Some(plan) = plan.filter(|p| p.steps.len() > 1) {
        let everyone: Vec<Target> = plan.steps.iter().flat_map(Step::intended).collect();
        if let Err(failure) = journal.plan(&everyone) {
            report.abort(failure);
            return false;
        }
    }
    match journal.intent(caller, action, &step.intended(), &step.requests()) {
        Ok(()) => true,
        Err(failure) => {
            report.abort(failure);
            false
        }
    }
}

/// Records in the journal what became of the users of the step just carried out.
fn journal_outcome(cx: &mut Context, report: &mut Report, from: usize) {
    if let Some(journal) = cx.session.journal()
        && let Err(failure) = journal.outcome(report.results_since(from))
    {
        report.abort(failure);
    }
}

/// Prints what a real run would send, and what would become of each user. A create
/// whose address the portal already has is settled as the real run settles it, by a
/// look-up (read-only) instead of the refused request.
fn print(client: &Client, plan: &Plan, report: &mut Report) {
    for step in &plan.steps {
        if let Action::Create {
            user,
            line,
            skip_existing,
        } = &step.action
            && let Some(outcome) = existing(client, user, *line, *skip_existing)
        {
            report.settle(&Target::by_email(user.email.as_str()), outcome);
            continue;
        }
        for request in step.requests() {
            report.would_send(&request);
        }
        for target in &step.targets {
            report.settle(target, Outcome::Would(step.action.change()));
        }
        if let Some(sequence) = &plan.sequence {
            report.plan_line(sequence.then());
        }
    }
}

/// What a real run's create of `user` would end in, if not in a new account: the
/// portal refuses an address it already has ("already registered", ref §2.2), which
/// `skip_existing` reports as `exists, skipped`. Asked with the look-up the real run
/// makes after that refusal; an address that cannot be looked up is the look-up's
/// failure.
fn existing(
    client: &Client,
    user: &NewUser,
    line: Option<usize>,
    skip_existing: bool,
) -> Option<Outcome> {
    let email = &user.email;
    let action = match line {
        Some(line) => format!("create {email} (line {line})"),
        None => format!("create {email}"),
    };
    match client.get_user_by_email(email) {
        Err(e) if e.is_not_found() => None,
        Ok(_) if skip_existing => Some(Outcome::Already(Already::Exists)),
        Ok(found) => Some(Outcome::Failed(Failure::NotDone {
            action,
            reason: format!(
                "the address already has an account ({}), so the portal would refuse it",
                short(&found)
            ),
        })),
        Err(e) => Some(Outcome::Failed(Failure::from(e.during(action)))),
    }
}

fn run(client: &Client, step: &Step, report: &mut Report, cx: &Context) {
    match &step.action {
        Action::Create {
            user,
            line,
            skip_existing,
        } => create(client, user, *line, *skip_existing, report),
        Action::Terminate(also) => terminate(client, step, also, report),
        Action::RevokeKeys(also) => {
            let targets = also.revoke(client, step.targets.clone(), report);
            for target in targets {
                report.settle(&target, Outcome::Done(Change::KeysRevoked));
            }
        }
        Action::Activate => set_status(client, step, report, Status::Active),
        Action::Rename {
            first_name,
            last_name,
        } => {
            for target in &step.targets {
                let Some(id) = target.id else { continue };
                match client.rename(id, first_name, last_name) {
                    Ok(user) => report.changed(Change::Renamed, &user),
                    Err(e) => report.fail(std::slice::from_ref(target), e.into()),
                }
            }
        }
        Action::Unlink => {
            for (targets, result) in
                per_target_after_refusal(&step.targets, |ids| client.unlink_guests(ids))
            {
                match result {
                    Ok(()) => {
                        for target in &targets {
                            report.settle(target, Outcome::Done(Change::Unlinked));
                        }
                    }
                    // The portal refuses a guest who is not linked to the caller, as
                    // one this tool already unlinked is not: the journal tells them apart.
                    Err(e)
                        if refuses_whole_batch(&e)
                            && matches!(targets.as_slice(), [t] if t.id.is_some_and(|id| cx.memory.past().unlinked.contains(&id.to_string()))) =>
                    {
                        report.settle(&targets[0], Outcome::Already(Already::Unlinked))
                    }
                    Err(e) => refused(client, "unlink", &targets, e, report),
                }
            }
        }
        Action::Delete {
            terminate_first,
            also,
        } => delete(client, step, terminate_first, also, report),
        Action::Reassign {
            heir,
            wait,
            terminate_first,
            also,
        } => reassign(client, step, *heir, *wait, terminate_first, also, report),
        Action::Invite(invitations) => invite(client, invitations, report),
        Action::Promote(user_type) => promote(client, step, *user_type, report),
        Action::Demote {
            user_type,
            heir,
            wait,
            also,
        } => demote(client, step, *user_type, *heir, *wait, also, report),
        Action::Resend { caller } => resend(client, step, caller, report),
        Action::Approve { confirm, email } => {
            match client.approve_guest(confirm.clone(), email.as_ref()) {
                Ok(guest) => report.changed(Change::Approved, &guest),
                Err(e) => report.fail(&step.targets, e.into()),
            }
        }
        Action::CreateGroup {
            name,
            manager,
            members,
        } => groups::create(client, step, name, *manager, members, report),
        Action::DeleteGroup(group) => groups::delete(client, step, *group, report),
        Action::AddToGroup(group) => groups::add(client, step, *group, report),
        Action::RemoveFromGroup(group) => groups::remove(client, step, *group, report),
        Action::SetManager(group) => groups::set_manager(client, step, *group, report),
    }
}

fn create(
    client: &Client,
    user: &NewUser,
    line: Option<usize>,
    skip_existing: bool,
    report: &mut Report,
) {
    let email = user.email.to_string();
    let target = Target::by_email(&email);
    match client.create_user(user) {
        Ok(created) => report.changed(Change::Created, &created),
        // The portal's "already registered" message is translated, so the address is
        // looked up instead of the message read.
        Err(e)
            if skip_existing
                && matches!(e.kind(), ErrorKind::Refused(Refusal::Invalid))
                && client.get_user_by_email(&user.email).is_ok() =>
        {
            report.settle(&target, Outcome::Already(Already::Exists))
        }
        Err(e) => {
            let action = match line {
                Some(line) => format!("create {email} (line {line})"),
                None => format!("create {email}"),
            };
            let failure = if skip_existing {
                Failure::from(e).during(action)
            } else {
                e.into()
            };
            report.fail(&[target], failure)
        }
    }
}

fn set_status(client: &Client, step: &Step, report: &mut Report, status: Status) {
    let (verb, change) = match status {
        Status::Terminated => ("terminate", Change::Terminated),
        _ => ("activate", Change::Activated),
    };
    let send = |ids: &[UserId]| match status {
        Status::Terminated => client.terminate_users(ids),
        _ => client.activate_users(ids),
    };
    for (targets, result) in per_target_after_refusal(&step.targets, send) {
        match result {
            Ok(users) => {
                for user in &users {
                    report.changed(change, user);
                }
            }
            Err(e) => refused(client, verb, &targets, e, report),
        }
    }
}

/// Terminates the step's users in one request (each alone after a refusal of the
/// batch), then revokes the API keys of each one terminated; each user's line keeps the
/// fate its plan gave it.
fn terminate(client: &Client, step: &Step, also: &HandOver, report: &mut Report) {
    for (targets, result) in
        per_target_after_refusal(&step.targets, |ids| client.terminate_users(ids))
    {
        match result {
            Ok(users) => {
                let done: Vec<Target> = users
                    .iter()
                    .filter(|u| u.status == Status::Terminated)
                    .map(|u| {
                        let planned = targets.iter().find(|t| t.id == Some(u.id));
                        Target {
                            fate: planned.and_then(|t| t.fate.clone()),
                            ..Target::of(u)
                        }
                    })
                    .collect();
                for user in users.iter().filter(|u| u.status != Status::Terminated) {
                    report.fail(
                        &[Target::of(user)],
                        Failure::NotDone {
                            action: format!("terminate {}", short(user)),
                            reason: format!("the portal answered with the user {}", user.status),
                        },
                    );
                }
                for target in also.revoke(client, done, report) {
                    report.settle(&target, Outcome::Done(Change::Terminated));
                }
            }
            Err(e) => refused(client, "terminate", &targets, e, report),
        }
    }
}

/// Reports a refused batch request. The portal answers "Access denied" for an unknown
/// user too; a single refused user is looked up to say which.
fn refused(
    client: &Client,
    verb: &str,
    targets: &[Target],
    error: docspace_people::Error,
    report: &mut Report,
) {
    let failure = match targets {
        [target] if refuses_whole_batch(&error) => match target.id.map(|id| client.get_user(id)) {
            Some(Err(lookup)) if lookup.is_not_found() => {
                lookup.during(format!("{verb} {}", target.who())).into()
            }
            _ => error.into(),
        },
        _ => error.into(),
    };
    report.fail(targets, failure)
}

/// The portal answers a batch with one unacceptable id by refusing all of it ("Access
/// denied"); then each id is tried on its own, so the others are still done and the
/// refused ones are named. Yields each request's targets with its result.
fn per_target_after_refusal<T>(
    targets: &[Target],
    batch: impl Fn(&[UserId]) -> Result<T, docspace_people::Error>,
) -> Vec<(Vec<Target>, Result<T, docspace_people::Error>)> {
    match batch(&ids(targets)) {
        Err(e) if targets.len() > 1 && refuses_whole_batch(&e) => targets
            .iter()
            .map(|t| (vec![t.clone()], batch(&ids(std::slice::from_ref(t)))))
            .collect(),
        result => vec![(targets.to_vec(), result)],
    }
}

fn refuses_whole_batch(error: &docspace_people::Error) -> bool {
    error.refusal() == Some(Refusal::AccessDenied)
}

/// What a look-up says about deleting a user.
pub enum Deletable {
    /// Terminated: it can be deleted.
    Yes(User),
    /// Active, and to be terminated first.
    AfterTerminating(User),
    /// Its outcome is settled: gone, not terminated, or the look-up failed.
    No(Outcome),
}

/// Looks at a user before deleting it (a read-only request). One the portal does not
/// know is `already gone` only if `deleted` (the journal) shows this tool deleted it.
pub fn deletable(
    client: &Client,
    id: UserId,
    terminate: bool,
    deleted: &HashSet<String>,
) -> (Target, Deletable) {
    let unknown = Target::by_id(id);
    match client.get_user(id) {
        Ok(user) => {
            let target = Target::of(&user);
            (target, judge(user, terminate))
        }
        Err(e) if e.is_not_found() => {
            let outcome = select::gone(deleted, &unknown, e.during(format!("delete {id}")));
            (unknown, Deletable::No(outcome))
        }
        Err(e) => (unknown, Deletable::No(Outcome::Failed(e.into()))),
    }
}

/// Whether `user`, as the portal describes it, can be deleted.
pub fn judge(user: User, terminate: bool) -> Deletable {
    match user.status {
        Status::Terminated => Deletable::Yes(user),
        _ if terminate => Deletable::AfterTerminating(user),
        status => Deletable::No(Outcome::Failed(Failure::NotDone {
            action: format!("delete {}", short(&user)),
            reason: format!(
                "not terminated ({status}), skipped: terminate first, or pass --terminate"
            ),
        })),
    }
}

/// The most reassign jobs a run keeps going at once: the portal runs them in the
/// background, one worker each.
const JOBS_AT_ONCE: usize = 4;

/// Terminates the users of `chunk` listed in `terminate_first`; the ones the portal
/// refused are reported and left out of what is returned.
fn terminated_first(
    client: &Client,
    chunk: &[Target],
    terminate_first: &[UserId],
    report: &mut Report,
) -> Vec<Target> {
    let mut chunk = chunk.to_vec();
    if terminate_first.is_empty() {
        return chunk;
    }
    let to_terminate: Vec<Target> = chunk
        .iter()
        .filter(|t| t.id.is_some_and(|id| terminate_first.contains(&id)))
        .cloned()
        .collect();
    let mut refused: Vec<UserId> = Vec::new();
    for (targets, result) in
        per_target_after_refusal(&to_terminate, |ids| client.terminate_users(ids))
    {
        if let Err(e) = result {
            refused.extend(ids(&targets));
            match targets.as_slice() {
                // The portal refuses to terminate an unknown id: for a delete, that
                // user is already gone.
                [target]
                    if refuses_whole_batch(&e)
                        && target.id.is_some_and(|id| {
                            client.get_user(id).is_err_and(|e| e.is_not_found())
                        }) =>
                {
                    report.settle(target, Outcome::Already(Already::Gone))
                }
                _ => report.fail(&targets, e.into()),
            }
        }
    }
    chunk.retain(|t| t.id.is_some_and(|id| !refused.contains(&id)));
    chunk
}

/// Hands each user's data to `heir` through the portal's reassign jobs, which also
/// delete the profile, at most [`JOBS_AT_ONCE`] at a time. A job an earlier run started
/// (and left running) is followed instead of started again; a delete is never sent
/// while one runs. A job still running after `wait` is left to the portal and reported
/// as such (exit 75): running the same command again follows it to its end.
fn reassign(
    client: &Client,
    step: &Step,
    heir: UserId,
    wait: Duration,
    terminate_first: &[UserId],
    also: &HandOver,
    report: &mut Report,
) {
    let targets = terminated_first(client, &step.targets, terminate_first, report);
    let targets = also.revoke(client, targets, report);
    let targets = also.hand_groups(client, targets, report, "delete");
    let jobs = Jobs {
        job: "reassign",
        verb: "delete",
        wait,
        progress: &|id| client.reassign_progress(id),
        start: &|id| client.start_reassign(id, heir, true).map(|_| ()),
        // The profile must be gone, or the data was handed over without the delete.
        completed: &|target: &Target| {
            match client.get_user(target.id.expect("job targets have ids")) {
            Err(e) if e.is_not_found() => Ok(Outcome::Done(Change::Deleted)),
            Ok(_) => Err(Failure::NotDone {
                action: format!("delete {}", target.who()),
                reason: "the reassign job ended, but the profile is still there: run the same command again".to_owned(),
            }),
            Err(e) => Err(e.into()),
        }
        },
        unfinished: &|target: &Target, why: String| Failure::NotDone {
            action: format!("hand over the data of {}", target.who()),
            reason: format!(
                "the portal's reassign job ended without finishing: {why}; the user is left terminated, not deleted"
            ),
        },
    };
    follow_jobs(&jobs, targets, report);
}

/// Makes each user of the step `user_type` (a user) through the portal's demotion jobs,
/// which hand the user's rooms to `heir` first; followed the way [`reassign`] follows
/// its jobs, and resumed the same way.
fn demote(
    client: &Client,
    step: &Step,
    user_type: UserType,
    heir: UserId,
    wait: Duration,
    also: &HandOver,
    report: &mut Report,
) {
    let targets = also.hand_groups(
        client,
        step.targets.clone(),
        report,
        &format!("make {user_type}"),
    );
    let jobs = Jobs {
        job: "type change",
        verb: "change the type of",
        wait,
        progress: &|id| client.type_change_progress(id),
        start: &|id| client.start_type_change(id, user_type, heir).map(|_| ()),
        completed: &|target: &Target| {
            let user = client.get_user(target.id.expect("job targets have ids"))?;
            if user.user_type() == user_type {
                Ok(Outcome::Done(Change::Typed(user_type)))
            } else {
                Err(Failure::NotDone {
                    action: format!("make {} {user_type}", target.who()),
                    reason: format!(
                        "the portal's type-change job ended, but the user is still {}: run the same command again",
                        user.user_type()
                    ),
                })
            }
        },
        unfinished: &|target: &Target, why: String| Failure::NotDone {
            action: format!("make {} {user_type}", target.who()),
            reason: format!(
                "the portal's type-change job ended without finishing: {why}; rooms already handed over stay handed over"
            ),
        },
    };
    follow_jobs(&jobs, targets, report);
}

/// A kind of the portal's background jobs about one user (reassign, type change): how
/// to start one, follow it, and judge it once it has ended.
struct Jobs<'a> {
    /// The job's name in messages: `reassign`.
    job: &'static str,
    /// What the job is for, before the user: `delete`.
    verb: &'static str,
    wait: Duration,
    progress: &'a dyn Fn(UserId) -> Result<Option<ReassignJob>, docspace_people::Error>,
    start: &'a dyn Fn(UserId) -> Result<(), docspace_people::Error>,
    /// The user's outcome once the job completed (or the portal no longer shows it).
    completed: &'a dyn Fn(&Target) -> Result<Outcome, Failure>,
    /// The failure of a job that was cancelled or failed, with the portal's reason.
    unfinished: &'a dyn Fn(&Target, String) -> Failure,
}

/// Runs one job per target, at most [`JOBS_AT_ONCE`] at a time. A job an earlier run
/// started (and left running) is followed instead of started again. A job still running
/// after `wait` is left to the portal and reported as such (exit 75): running the same
/// command again follows it to its end.
fn follow_jobs(jobs: &Jobs, targets: Vec<Target>, report: &mut Report) {
    let mut queue: std::collections::VecDeque<Target> = targets.into();
    let mut running: Vec<(Target, Instant)> = Vec::new();
    let mut pause = Duration::from_millis(100);
    while !queue.is_empty() || !running.is_empty() {
        if report.stopped() {
            let rest: Vec<Target> = queue.drain(..).collect();
            report.not_sent(&rest);
        }
        while running.len() < JOBS_AT_ONCE && !report.stopped() {
            let Some(target) = queue.pop_front() else {
                break;
            };
            let Some(id) = target.id else { continue };
            let started = match (jobs.progress)(id) {
                // Started by an earlier run: followed, not started again.
                Ok(Some(job))
                    if !job.status.is_finished() || job.status == JobStatus::Completed =>
                {
                    Ok(())
                }
                Ok(_) => (jobs.start)(id),
                Err(e) => Err(e),
            };
            match started {
                Ok(()) => running.push((target, Instant::now())),
                Err(e) => report.fail(&[target], e.into()),
            }
            pause = Duration::from_millis(100);
        }
        let mut still = Vec::new();
        for (target, since) in running {
            let id = target.id.expect("job targets have ids");
            let one = std::slice::from_ref(&target);
            match (jobs.progress)(id) {
                Ok(None)
                | Ok(Some(ReassignJob {
                    status: JobStatus::Completed,
                    ..
                })) => match (jobs.completed)(&target) {
                    Ok(outcome) => report.settle(&target, outcome),
                    Err(failure) => report.fail(one, failure),
                },
                Ok(Some(job)) if job.status.is_finished() => {
                    let why = job.error.unwrap_or_else(|| "it was cancelled".to_owned());
                    report.fail(one, (jobs.unfinished)(&target, why));
                }
                // Ctrl-C stops the waiting too: the job is the portal's from then on.
                Ok(Some(job)) if since.elapsed() >= jobs.wait || report.interrupted() => {
                    let when = if report.interrupted() {
                        "when the run was interrupted".to_owned()
                    } else {
                        format!("after {} s", since.elapsed().as_secs())
                    };
                    report.fail(
                        one,
                        Failure::Busy(format!(
                            "{} {}: {} still running ({:.0} %) {when}; the portal goes on with it: run the same command again to follow it to its end",
                            jobs.verb,
                            target.who(),
                            jobs.job,
                            job.percentage,
                        )),
                    )
                }
                Ok(Some(_)) => still.push((target, since)),
                Err(e) => report.fail(one, e.into()),
            }
        }
        running = still;
        if !running.is_empty() {
            progress::rename(match jobs.job {
                "reassign" => "waiting for reassign",
                _ => "waiting for type change",
            });
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_secs(2));
        }
    }
}

/// Deletes a chunk: terminates the users that need it, then deletes with
/// `PUT /people/delete`.
///
/// The portal drops unknown ids and LDAP accounts without a word, and skips (but still
/// returns) DocSpace admins unless the caller is the owner: each is looked at and
/// reported. Two refusals of the whole chunk change nothing on the portal, so the rest is
/// sent once more: "not suspended", when a user was reactivated since the plan was made
/// (each user is judged again), and a 500 when a reassign job runs for one of them
/// (each user's job is asked for, [`reassign_blocks`]).
fn delete(
    client: &Client,
    step: &Step,
    terminate_first: &[UserId],
    also: &HandOver,
    report: &mut Report,
) {
    let chunk = terminated_first(client, &step.targets, terminate_first, report);
    let chunk = also.revoke(client, chunk, report);
    let mut chunk = also.hand_groups(client, chunk, report, "delete");
    let mut judged_again = false;
    let mut jobs_asked = false;
    let mut caller_is_owner: Option<bool> = None;
    while !chunk.is_empty() {
        match client.delete_users(&ids(&chunk)) {
            Ok(answer) => {
                for target in &chunk {
                    let id = target.id.expect("delete targets have ids");
                    match answer.users.iter().find(|u| u.id == id) {
                        None => match client.get_user(id) {
                            // This run saw the user just before sending: after a lost
                            // answer, the repeat no longer finds the user its first
                            // attempt deleted.
                            Err(e) if e.is_not_found() && answer.after_lost_answer => {
                                report.settle(target, Outcome::Confirmed(Change::Deleted))
                            }
                            Err(e) if e.is_not_found() => {
                                report.settle(target, Outcome::Already(Already::Gone))
                            }
                            Ok(user) => report.fail(
                                std::slice::from_ref(target),
                                Failure::NotDone {
                                    action: format!("delete {}", short(&user)),
                                    reason: "the portal left this account in place without saying why (LDAP accounts are never deleted this way)".to_owned(),
                                },
                            ),
                            Err(e) => report.fail(std::slice::from_ref(target), e.into()),
                        },
                        Some(user)
                            if user.is_admin
                                && !*caller_is_owner.get_or_insert_with(|| {
                                    client.whoami().is_ok_and(|me| me.is_owner)
                                }) =>
                        {
                            report.fail(
                                std::slice::from_ref(target),
                                Failure::NotDone {
                                    action: format!("delete {id}"),
                                    reason: "the portal skipped this DocSpace admin: only the owner can delete one".to_owned(),
                                },
                            )
                        }
                        Some(user) => {
                            let mut deleted = Target::of(user);
                            deleted.fate = target.fate.clone();
                            report.settle(&deleted, Outcome::Done(Change::Deleted))
                        }
                    }
                }
                return;
            }
            Err(e) if !judged_again && e.refusal() == Some(Refusal::NotSuspended) => {
                judged_again = true;
                let mut keep = Vec::new();
                for target in chunk {
                    let Some(id) = target.id else { continue };
                    match deletable(client, id, false, &HashSet::new()) {
                        (_, Deletable::Yes(_)) => keep.push(target),
                        (target, Deletable::AfterTerminating(_)) => keep.push(target),
                        (target, Deletable::No(outcome)) => report.settle(&target, outcome),
                    }
                }
                chunk = keep;
            }
            Err(e) if !jobs_asked && e.status() == Some(500) => {
                jobs_asked = true;
                match reassign_blocks(client, chunk, report) {
                    Ok(rest) => chunk = rest,
                    Err(rest) => return report.fail(&rest, e.into()),
                }
            }
            Err(e) => return report.fail(&chunk, e.into()),
        }
    }
}

/// After a bulk delete refused with a 500: the portal checks every listed user's reassign
/// job before it deletes anything (`CheckReassignProcessAsync`, UserController.cs:1342)
/// and refuses the whole batch for one still running, in a translated message that is
/// not read. Each user's job is asked for instead: the users with one running are
/// reported, and the others are returned to be sent again (one whose job cannot be read
/// too: if it is what blocks, the portal's 500 is reported then). `Err` with the whole
/// chunk when no job runs: the 500 was something else.
fn reassign_blocks(
    client: &Client,
    chunk: Vec<Target>,
    report: &mut Report,
) -> Result<Vec<Target>, Vec<Target>> {
    let mut running = Vec::new();
    let mut rest = Vec::new();
    for target in chunk {
        let job = target.id.map(|id| client.reassign_progress(id));
        match job {
            Some(Ok(Some(job))) if !job.status.is_finished() => running.push((target, job)),
            _ => rest.push(target),
        }
    }
    if running.is_empty() {
        return Err(rest);
    }
    for (target, job) in running {
        report.fail(
            std::slice::from_ref(&target),
            reassign_running(&target, &job),
        );
    }
    Ok(rest)
}

/// A user not deleted because a reassign job for it, started by someone else, is still
/// running: the portal refuses to delete the user until it ends.
pub fn reassign_running(target: &Target, job: &ReassignJob) -> Failure {
    Failure::Busy(format!(
        "delete {}: reassign running ({:.0} %), not deleted: run again when it ends",
        target.who(),
        job.percentage
    ))
}

/// Invites in order. The portal stops at the first invitation it refuses, having sent the
/// ones before it; when its message names the refused address, the rest are sent again so
/// that every address gets a truthful outcome.
fn invite(client: &Client, invitations: &[Invitation], report: &mut Report) {
    let invited = |i: &Invitation| Target::by_email(i.email.as_str());
    let line = |i: &Invitation| format!("{} ({})", i.email, i.user_type);
    let mut rest = invitations;
    while !rest.is_empty() {
        match client.invite_users(rest, None) {
            Ok(_) => {
                for i in rest {
                    report.record(invited(i), &line(i), Outcome::Done(Change::Invited));
                }
                return;
            }
            Err(e) => {
                // The portal stops at the first address it refuses; its message names
                // it when it can. Those before it were invited; the rest are sent again.
                // Only the fixed part of the message is matched: the server writes
                // `Resource.ErrorUserDisabled + ": " + email` (UserController.cs,
                // InviteUsers), whose first part is translated ("Benutzer deaktiviert"
                // in German) and whose ": <address as sent>" is not. "Incorrect email"
                // (`ErrorNotCorrectEmail`) is translated and names no address, so it
                // is never matched.
                let refused_at = e.portal_message().and_then(|m| {
                    rest.iter()
                        .position(|i| m.ends_with(&format!(": {}", i.email)))
                });
                let Some(at) = refused_at else {
                    let targets: Vec<Target> = rest.iter().map(invited).collect();
                    report.fail(&targets, e.into());
                    if rest.len() > 1 {
                        report.note(&"the portal stops at the first invitation it refuses, so some of these may have been sent: check with 'user get EMAIL' before inviting again");
                    }
                    return;
                };
                for i in &rest[..at] {
                    report.record(invited(i), &line(i), Outcome::Done(Change::Invited));
                }
                let failure = Failure::from(e.during(format!("invite {}", rest[at].email)));
                report.fail(&[invited(&rest[at])], failure);
                rest = &rest[at + 1..];
            }
        }
    }
}

/// Whether making a `from` user a `to` goes through the promotion request
/// (`PUT /people/type/{type}`): a change up, and the owner's DocSpace admin made a room
/// admin. Every other change is a demotion, the portal's job that hands the user's rooms
/// to an heir (`POST /people/type`).
pub fn promotes(from: UserType, to: UserType) -> bool {
    let rank = |user_type| match user_type {
        UserType::Guest => 0,
        UserType::User => 1,
        UserType::RoomAdmin => 2,
        UserType::DocSpaceAdmin => 3,
    };
    rank(to) > rank(from) || to == UserType::RoomAdmin
}

/// Promotes the users of a step in one request. The portal changes them one after the
/// other and stops at the first it refuses, answering only with the error: then each
/// user is read again, so that the ones already changed are reported as changed, the
/// first unchanged one gets the portal's refusal, and the rest are said not to be done.
fn promote(client: &Client, step: &Step, user_type: UserType, report: &mut Report) {
    match client.set_users_type(&step.ids(), user_type) {
        Ok(changed) => {
            for target in &step.targets {
                match changed.iter().find(|u| Some(u.id) == target.id) {
                    Some(user) if user.user_type() == user_type => {
                        report.changed(Change::Typed(user_type), user)
                    }
                    _ => report.fail(
                        std::slice::from_ref(target),
                        Failure::NotDone {
                            action: format!("make {} {user_type}", target.who()),
                            reason: "the portal answered without changing this user".to_owned(),
                        },
                    ),
                }
            }
        }
        Err(error) => {
            let mut refused: Option<String> = None;
            for target in &step.targets {
                let one = std::slice::from_ref(target);
                let now = target.id.map(|id| client.get_user(id));
                match (now, &refused) {
                    (Some(Ok(user)), _) if user.user_type() == user_type => {
                        report.changed(Change::Typed(user_type), &user)
                    }
                    (_, None) => {
                        refused = Some(target.who());
                        let action = format!("make {} {user_type}", target.who());
                        report.fail(one, promotion_refused(&error, action));
                    }
                    (_, Some(first)) => report.fail(
                        one,
                        Failure::NotDone {
                            action: format!("make {} {user_type}", target.who()),
                            reason: format!(
                                "not changed: the portal stopped at its refusal of {first}; run the same command again for the rest"
                            ),
                        },
                    ),
                }
            }
        }
    }
}

/// A promotion the portal refused, as the run reports it. A 402 in DocSpace's own
/// envelope is its paid-seat check (`TenantQuotaException`, ref §1.5, §2.15): the line
/// says where to look. A 402 without it (an unpaid portal's `ProblemDetails`) is not
/// about seats, and is reported as it came.
fn promotion_refused(error: &docspace_people::Error, action: String) -> Failure {
    match error.portal_message() {
        Some(message) if error.refusal() == Some(Refusal::PaymentRequired) => Failure::NotDone {
            action,
            reason: format!(
                "{message} (HTTP 402); no paid seat is free: 'docspace-people seats' shows who holds one; demote someone or add seats, then run the same command again"
            ),
        },
        _ => error.clone().during(action).into(),
    }
}

/// Whether the portal, by its own rules (ref §2.16), sends `user` a new invitation when
/// `caller` asks for one: `None` if it does, else the user's outcome. It sends nothing to
/// activated users, and skips without a word, which its answer cannot show, terminated
/// users and the ones the caller may not invite (`HasAccessInviteAsync`,
/// [`User::may_invite`]). `user` is always one the portal showed the caller: looked up,
/// listed, or in its answer to the caller.
pub fn resend_outcome(caller: &User, user: &User) -> Option<Outcome> {
    let skipped = |reason: String| {
        Some(Outcome::Failed(Failure::NotDone {
            action: format!("resend the invitation of {}", short(user)),
            reason,
        }))
    };
    if user.status == Status::Terminated {
        skipped("terminated, skipped: the portal sends nothing to a terminated user; reactivate it first".to_owned())
    } else if !user.never_activated() {
        Some(Outcome::Already(Already::Activated))
    } else if !caller.may_invite(user, Seen::ByCaller) {
        let (by, of) = (caller.user_type(), user.user_type());
        let only = if of == UserType::DocSpaceAdmin {
            " (only the owner may)"
        } else {
            ""
        };
        skipped(format!("skipped: a {by} may not invite a {of}{only}"))
    } else {
        None
    }
}

/// Resends the invitations of a step's users in one request, never repeated. The
/// users were chosen with the portal's rule ([`resend_outcome`]), since its answer lists
/// every requested user the caller can see, sent to or not: it cannot confirm a resend.
/// It can only show a user that changed since it was read (activated, terminated, of
/// another type, or out of the caller's sight), which the rule is applied to again. A
/// 429 is the portal's window of 5 calls per 15 minutes: it ends the run at once (exit
/// 75), saying when to try again.
fn resend(client: &Client, step: &Step, caller: &User, report: &mut Report) {
    match client.resend_invitations(&step.ids()) {
        Ok(answer) => {
            for target in &step.targets {
                // Every user in the answer is one the portal shows the caller.
                match answer.iter().find(|u| Some(u.id) == target.id) {
                    Some(user) => match resend_outcome(caller, user) {
                        None => report.settle(target, Outcome::Done(Change::Resent)),
                        Some(outcome) => report.settle(target, outcome),
                    },
                    None => report.fail(
                        std::slice::from_ref(target),
                        Failure::NotDone {
                            action: format!("resend the invitation of {}", target.who()),
                            reason: "not sent: the portal left this user out of its answer, as it does a user deleted or out of your sight since it was read".to_owned(),
                        },
                    ),
                }
            }
        }
        Err(error) if error.status() == Some(429) => {
            let when = match error.retry_after() {
                Some(wait) if wait < Duration::from_secs(u64::from(u32::MAX)) => {
                    format!(
                        "try again in {} s (the portal's Retry-After)",
                        wait.as_secs()
                    )
                }
                _ => "try again within 15 minutes".to_owned(),
            };
            report.fail(
                &step.targets,
                Failure::Busy(format!(
                    "resend invitations: the portal allows 5 resends per 15 minutes and refused this one (HTTP 429); nothing was sent and nothing was retried: {when}"
                )),
            );
        }
        Err(error) => report.fail(&step.targets, error.into()),
    }
}
