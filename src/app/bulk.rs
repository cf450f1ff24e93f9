//! The one pipeline of every command that changes several accounts: select → resolve
//! the users → guard → check → cap → confirm → plan → carry out → report. A command
//! supplies only what differs: which users a listing selects, its check of each user,
//! the steps for the users that pass, and its question.

use super::args::{Selection, UserRef};
use super::commands::Run;
use super::config::Memory;
use super::exit::Failure;
use super::holdings::Held;
use super::journal::Past;
use super::parallel::{self, Stop};
use super::plan::{self, Plan, Step};
use super::progress;
use super::report::{Outcome, Protection, Report, Style, Target};
use super::select;
use super::show::{self, short};
use docspace_people::{Client, Error, Filter, User, UserId};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// What a bulk command is, for the pipeline.
pub struct Bulk<'s> {
    /// The verb of its messages: `terminate`, `delete`.
    pub verb: &'static str,
    pub selection: &'s Selection,
    /// It changes existing accounts: an unattended run is capped at 100 unless `--max`
    /// says otherwise.
    pub accounts: bool,
    /// The owner, the caller and the protect lists are never touched.
    pub guard: Option<Guard>,
    /// The command's own `--protect`, on top of the profile's protect file.
    pub protect: Option<&'s Path>,
    /// Each user named by id is read before it is checked (else it goes to the portal
    /// as named, and the portal's answer says what became of it).
    pub reads: bool,
}

/// What the pipeline keeps from a change.
pub struct Guard {
    /// LDAP accounts are refused here, as the portal refuses them (the whole batch).
    pub ldap: bool,
}

/// What a user check is given besides the user.
pub struct Check<'c> {
    pub client: &'c Client,
    pub past: &'c Past,
    /// The user was named (as an argument or in a file), not listed by the portal.
    pub named: bool,
    /// What `reassign/necessary` said of the users whose screen asked for it, read for
    /// all of them at once.
    owns: &'c HashMap<UserId, Result<Option<bool>, Error>>,
    /// The portal's groups and keys, read once for every user, when the change asks
    /// for them ([`Change::holdings`]).
    held: Option<&'c Held>,
}

impl Check<'_> {
    /// The portal's groups and keys, for a change that asked for them
    /// ([`Change::holdings`]).
    pub fn held(&self, action: &str) -> Result<&Held, Failure> {
        self.held.ok_or_else(|| Failure::NotDone {
            action: action.to_owned(),
            reason: "the portal's groups and API keys were not read, so what becomes of them cannot be said: nothing was sent".to_owned(),
        })
    }

    /// Whether `user` owns rooms or shared files that a delete or a demotion would hand
    /// over (`None`: a portal before DocSpace 3.5 cannot say), as read before the checks,
    /// or asked now for a user whose screen did not ask for it.
    pub fn owns(&self, user: &User) -> Result<Option<bool>, Error> {
        match self.owns.get(&user.id) {
            Some(answer) => answer.clone(),
            None => self.client.reassign_necessary(user.id, user.user_type()),
        }
    }
}

/// A user past the screen.
enum Screened {
    /// Read and screened: checked next; whether its ownership was asked for.
    Read(User, bool),
    /// Named by id and not read: goes to the portal as named.
    Unread(Target),
}

/// Reads what `read` reads of each item on up to `workers` connections, with the
/// progress line showing `phase`. Once `stop` is set, nothing more is read, and a read
/// that failed meanwhile for the reason the run stops counts as not read: it is said
/// once, not once per user.
pub fn read_all<T: Sync, R: Send>(
    phase: &'static str,
    items: &[T],
    workers: usize,
    stop: &Stop,
    read: &(dyn Fn(&T) -> Option<Result<R, Error>> + Sync),
) -> Vec<Option<Option<Result<R, Error>>>> {
    if items.is_empty() {
        return Vec::new();
    }
    progress::phase(phase, items.len());
    let observed = |item: &T| {
        let result = read(item);
        if let Some(result) = &result {
            stop.observe(result);
        }
        result
    };
    let mut reads = parallel::map(items, workers, stop, &progress::tick, &observed);
    progress::end();
    if stop.is_set() {
        for read in &mut reads {
            if matches!(read, Some(Some(Err(e))) if parallel::gone(e) || e.is_temporary()) {
                *read = None;
            }
        }
    }
    reads
}

/// Reads the users named, on up to `workers` connections; one named by id only when
/// `by_id` (else it is `Some(None)`: not read).
pub fn read_named(
    client: &Client,
    users: &[UserRef],
    by_id: bool,
    workers: usize,
    stop: &Stop,
) -> Vec<select::Read> {
    let read = |user: &UserRef| match user {
        UserRef::Id(_) if !by_id => None,
        UserRef::Id(id) => Some(client.get_user(*id)),
        UserRef::Email(email) => Some(client.get_user_by_email(email)),
    };
    read_all("reading", users, workers, stop, &read)
}

/// What differs between the bulk commands.
pub trait Change {
    /// The listing that selects the users when none are named.
    fn listing(&self, selection: &Selection) -> Filter {
        selection.filter.clone().unwrap_or_default()
    }

    /// Whether a listed user is selected (no request): the others are left out silently.
    fn lists(&mut self, _user: &User, _past: &Past) -> bool {
        true
    }

    /// The part of the check that sends nothing: `None` when the user's outcome is
    /// settled here; else the user, and whether its check asks whether it owns rooms
    /// ([`Check::owns`]), which is then read for every such user at once.
    fn screen(&mut self, _check: &Check, user: User, _report: &mut Report) -> Option<(User, bool)> {
        Some((user, false))
    }

    /// The user's target, if it is to be changed; otherwise its outcome is settled here.
    fn check(&mut self, check: &Check, user: User, report: &mut Report) -> Option<Target>;

    /// The steps that change the users that passed.
    fn steps(&mut self, targets: Vec<Target>) -> Vec<Step>;

    /// Whether its check needs the portal's groups and API keys ([`Check::held`]): read
    /// once a run, for all its users, once the screen has passed any (asked after the
    /// screen, so it may depend on what the screen saw).
    fn holdings(&self) -> bool {
        false
    }

    /// What a person at the terminal is asked before `count` users are changed.
    fn question(&self, _count: usize) -> Option<String> {
        None
    }

    /// A note on the selection, printed before the plan (users left out).
    fn note(&self) -> Option<String> {
        None
    }
}

/// Makes a command's change once its users are counted.
pub type Make<'c> = Box<dyn FnOnce(&mut Memory) -> Result<Box<dyn Change + 'c>, Failure> + 'c>;

/// Runs a bulk command through the pipeline. The change is made (its heir checked,
/// say) once the named users are read and counted: a selection over `--max` sends
/// nothing.
///
/// One function for every command, not one copy per command: the change is a trait
/// object (the binary must not grow with each command).
pub fn run<'c>(
    run: &mut Run,
    client: &'c Client,
    bulk: Bulk,
    make: Make<'c>,
) -> Result<u8, Failure> {
    let settings = run.settings;
    let cx = &mut *run.cx;
    let attended = cx.io.keyboard.is_some();
    let named = bulk.selection.named();
    cx.memory.load(&client.portal())?;
    let users = if named {
        select::users(bulk.selection, &mut cx.io)?
    } else {
        Vec::new()
    };
    if named {
        select::cap(users.len(), bulk.verb, bulk.accounts, attended, settings)?;
    }
    let protected = match &bulk.guard {
        Some(_) => {
            let files = [
                settings.protect_file.as_ref().map(|p| p.value.as_path()),
                bulk.protect,
            ];
            select::protect_list(files.into_iter().flatten(), &mut cx.io)?
        }
        None => HashSet::new(),
    };
    // Everything local is read and checked; the portal is not read before the lock.
    cx.lock_before_reads(settings, client, bulk.guard.is_some())?;
    let caller = match &bulk.guard {
        Some(_) => Some(cx.memory.caller(client)?),
        None => None,
    };
    let mut change = make(&mut cx.memory)?;
    let change = &mut *change;
    // Whose keys the portal lists depends on who asks.
    let asker = match &caller {
        Some(caller) => Some(caller.clone()),
        None if change.holdings() => Some(cx.memory.caller(client)?),
        None => None,
    };
    let past = cx.memory.past();
    let mut report = Report::new(run.out, Style::Bulk);
    let workers = settings.parallel.value;
    let chosen = if named {
        report.selected(users.len());
        let reads_by_id = bulk.reads || bulk.guard.is_some();
        let reads = read_named(client, &users, reads_by_id, workers, report.stop());
        select::resolve(&users, reads, &past.deleted, bulk.verb, &mut report)
    } else {
        let mut listed = Vec::new();
        let mut users = client.list_users(&change.listing(bulk.selection));
        for user in users.by_ref() {
            let user = user.map_err(|e| {
                Failure::from(e.during(format!("select the users to {}", bulk.verb)))
            })?;
            if change.lists(&user, past) {
                listed.push((Target::of(&user), Some(user)));
            }
        }
        // Selected from every user the portal pages out, which is all any listing can
        // give: said before the plan and the question, not refused, or a portal that
        // miscounts would stop every run.
        if let Some(miscount) = users.miscount() {
            let after = format!(
                "the users to {} are selected from the {}",
                bulk.verb, miscount.paged
            );
            report.note(&show::miscount(miscount, &after));
        }
        select::cap(listed.len(), bulk.verb, bulk.accounts, attended, settings)?;
        report.selected(listed.len());
        listed
    };
    let mut screened = Vec::new();
    let mut owners = Vec::new();
    let nothing_read = HashMap::new();
    let local = Check {
        client,
        past,
        named,
        owns: &nothing_read,
        held: None,
    };
    for (target, found) in chosen {
        let Some(user) = found else {
            // Named by id and not read: the portal's answer to the change says.
            screened.push(Screened::Unread(target));
            continue;
        };
        if let (Some(guard), Some(caller)) = (&bulk.guard, &caller) {
            if let Some(why) = protection(&user, caller, &protected) {
                report.settle(&Target::of(&user), Outcome::Protected(why));
                continue;
            }
            if guard.ldap && user.is_ldap {
                let refused = Failure::NotDone {
                    action: format!("{} {}", bulk.verb, short(&user)),
                    reason: "an LDAP account, which the portal does not change this way: do it in the directory".to_owned(),
                };
                report.fail(&[Target::of(&user)], refused);
                continue;
            }
        }
        if let Some((user, owns)) = change.screen(&local, user, &mut report) {
            if owns {
                owners.push(user.clone());
            }
            screened.push(Screened::Read(user, owns));
        }
    }
    // One group listing and one key listing for every user, not one per user.
    let read = screened.iter().any(|s| matches!(s, Screened::Read(..)));
    let held = match &asker {
        Some(asker) if change.holdings() && read && !report.stop().is_set() => {
            match Held::read(client, asker) {
                Ok(held) => Some(held),
                Err(failure) => {
                    let targets: Vec<Target> = screened
                        .iter()
                        .map(|s| match s {
                            Screened::Read(user, _) => Target::of(user),
                            Screened::Unread(target) => target.clone(),
                        })
                        .collect();
                    report.not_sent(&targets);
                    report.abort(failure);
                    return Ok(report.finish());
                }
            }
        }
        _ => None,
    };
    let ownership = |user: &User| Some(client.reassign_necessary(user.id, user.user_type()));
    let owned = read_all("checking", &owners, workers, report.stop(), &ownership);
    let mut owns = HashMap::with_capacity(owners.len());
    for (user, read) in owners.iter().zip(owned) {
        match read {
            Some(Some(answer)) => {
                owns.insert(user.id, answer);
            }
            _ => report.not_sent(&[Target::of(user)]),
        }
    }
    let check = Check {
        client,
        past,
        named,
        owns: &owns,
        held: held.as_ref(),
    };
    let mut targets = Vec::new();
    for screened in screened {
        match screened {
            Screened::Unread(target) => targets.push(target),
            // A user whose ownership was not read is already reported not sent.
            Screened::Read(user, true) if !owns.contains_key(&user.id) => {}
            Screened::Read(user, _) => {
                if let Some(target) = change.check(&check, user, &mut report) {
                    targets.push(target);
                }
            }
        }
    }
    if let Some(reason) = report.stop().reason() {
        // The portal is gone: nothing more is sent, and what was not is said once.
        report.not_sent(&targets);
        report.abort(Failure::from(
            reason.during(format!("read the users to {}", bulk.verb)),
        ));
        return Ok(report.finish());
    }
    if let Some(note) = change.note() {
        report.note(&note);
    }
    let mut plan = Plan::of(change.steps(targets));
    let count: usize = plan.steps.iter().map(|s| s.targets.len()).sum();
    if attended && !settings.yes && count > 0 {
        plan.question = change.question(count).map(|q| asked(&plan, &q));
    }
    plan::carry_out(client, &plan, &mut report, cx);
    Ok(report.finish())
}

/// The question before a plan is carried out: each kind of change with its users (the
/// first [`plan::NAMED`] of them, then how many more), then the command's `headline`.
pub fn asked(plan: &Plan, headline: &str) -> String {
    let mut kinds: Vec<(String, Vec<&Target>)> = Vec::new();
    for step in &plan.steps {
        for target in &step.targets {
            let stages = step.stages(target);
            match kinds.iter_mut().find(|(s, _)| *s == stages) {
                Some((_, users)) => users.push(target),
                None => kinds.push((stages, vec![target])),
            }
        }
    }
    let mut text = String::new();
    let mut named = 0;
    for (stages, users) in &kinds {
        text.push_str(&format!("{stages} ({}):\n", users.len()));
        let shown = users.len().min(plan::NAMED - named);
        for user in &users[..shown] {
            text.push_str(&format!("  {}\n", user.name()));
        }
        named += shown;
        if shown < users.len() {
            text.push_str(&format!("  and {} more\n", users.len() - shown));
        }
    }
    text.push_str(headline);
    text
}

/// Why `user` is never changed by a bulk run, if it is not: the owner, the caller, or
/// an account of a protect list, recognised by id and by address alike.
pub fn protection(user: &User, caller: &User, protected: &HashSet<String>) -> Option<Protection> {
    if user.is_owner {
        Some(Protection::Owner)
    } else if user.id == caller.id {
        Some(Protection::You)
    } else if protected.contains(&user.id.to_string())
        || (!user.email.is_empty() && protected.contains(&user.email.to_ascii_lowercase()))
    {
        Some(Protection::File)
    } else {
        None
    }
}

/// Steps of `size` users each, the same action for all.
pub fn chunked(
    targets: Vec<Target>,
    size: usize,
    action: &dyn Fn(&[Target]) -> plan::Action,
) -> Vec<Step> {
    targets
        .chunks(size)
        .map(|chunk| Step::batch(action(chunk), chunk.to_vec()))
        .collect()
}
