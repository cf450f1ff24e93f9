//! The plan of `sync`: what differs between a roster and the portal, read from one
//! listing of the portal, and the changes that remove the differences, in a safe order.
//!
//! The portal's users come in as a stream and only the ones that differ are kept: a
//! roster of 10 000 people against a portal of 10 000 holds the roster, one page of the
//! listing and the plan. Every step is local (a hash look-up a user), so planning is
//! linear in the roster and the portal.

use super::bulk::{self, protection};
use super::exit::Failure;
use super::format::{csv_field, tsv_field};
use super::input::Person;
use super::plan::{Action, BATCH, HandOver, Step, promotes};
use super::report::{Left, Protection, Target};
use super::show::safe;
use super::width;
use docspace_people::{Email, Error, GroupId, NewUser, Seats, Status, User, UserId, UserType};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::time::Duration;

mod groups;

pub use groups::Groups;

/// How far `sync` reaches beyond the people of the roster.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reach {
    /// Terminate the portal's people whom the roster does not list.
    pub terminate_missing: bool,
    /// Guests too (they are left alone otherwise: HR does not list them).
    pub include_guests: bool,
}

/// Who is never changed, and who may change their own name.
pub struct Guard<'g> {
    pub caller: &'g User,
    /// The ids and addresses (lower-case) of the protect files.
    pub protected: &'g HashSet<String>,
}

/// A change, in the order a run carries them out: creates, the caller's names and
/// reactivations first, then promotions (which need the people active), then
/// demotions and terminations, which free paid seats only once the others are done;
/// the group memberships last, once every person has an id and their type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    Create(NewUser),
    Rename {
        first_name: String,
        last_name: String,
    },
    Reactivate,
    SetType {
        from: UserType,
        to: UserType,
    },
    Terminate,
    /// A group the roster names and the portal does not have (`--create-groups`).
    CreateGroup(String),
    /// Makes the person a member of a group: one of the portal's, or (`None`) one the
    /// run creates.
    Join {
        group: String,
        id: Option<GroupId>,
    },
    Leave {
        group: String,
        id: GroupId,
    },
}

impl Act {
    /// Where the change comes in the run.
    fn order(&self) -> u8 {
        match self {
            Act::Create(_) => 0,
            Act::Rename { .. } => 1,
            Act::Reactivate => 2,
            Act::SetType { from, to } if promotes(*from, *to) => 3,
            Act::SetType { .. } => 4,
            Act::Terminate => 5,
            Act::CreateGroup(_) => 6,
            Act::Join { .. } => 7,
            Act::Leave { .. } => 8,
        }
    }

    /// Its name in the plan and in counts.
    fn name(&self) -> &'static str {
        match self {
            Act::Create(_) => "create",
            Act::Rename { .. } => "rename",
            Act::Reactivate => "reactivate",
            Act::SetType { .. } => "set type",
            Act::Terminate => "terminate",
            Act::CreateGroup(_) => "create group",
            Act::Join { .. } => "add to group",
            Act::Leave { .. } => "remove from group",
        }
    }
}

/// What a real run does with an item of the plan.
#[derive(Debug, Clone)]
pub enum Fate {
    /// Sends it.
    Send,
    /// Sends nothing, and reports this failure.
    Blocked(Failure),
    /// Sends nothing: the difference is left as it is, by rule.
    Left(Left),
}

/// One difference and the change that removes it.
#[derive(Debug, Clone)]
pub struct Item {
    pub act: Act,
    pub target: Target,
    /// The roster's line; `None` for someone the roster does not list.
    pub line: Option<usize>,
    /// What the portal has, and what the roster says (for a create, the type).
    pub from: String,
    pub to: String,
    pub note: Option<String>,
    pub fate: Fate,
    /// The change takes a paid seat.
    seat: bool,
    /// ... and no seat is free for it.
    beyond_seats: bool,
    /// The user, for a demotion: whether it owns rooms is asked before the plan is final.
    pub user: Option<Box<User>>,
}

impl Item {
    /// The action as the plan names it: a name only the person can change is `name
    /// differs`.
    pub fn action(&self) -> &'static str {
        match self.fate {
            Fate::Left(Left::NameDiffers) => "name differs",
            _ => self.act.name(),
        }
    }

    /// Whether a real run sends it.
    pub fn sends(&self) -> bool {
        matches!(self.fate, Fate::Send)
    }

    /// A demotion that a real run would send: whether the user owns rooms decides how.
    pub fn is_demotion(&self) -> bool {
        matches!(self.act, Act::SetType { from, to } if !promotes(from, to)) && self.sends()
    }

    /// `from → to`; the type of a new account, or a group's name.
    pub fn change(&self) -> String {
        match (self.from.as_str(), self.to.as_str()) {
            ("", to) => to.to_owned(),
            (from, "") => from.to_owned(),
            (from, to) => format!("{from} → {to}"),
        }
    }

    /// Whom the plan's line is about: the address (and the roster's line), or the
    /// group to create.
    fn person(&self) -> String {
        match (&self.act, self.line) {
            (Act::CreateGroup(name), _) => format!("group {name}"),
            (_, Some(line)) => format!("{} (line {line})", self.target.email),
            (_, None) => self.target.email.clone(),
        }
    }

    fn json(&self) -> Value {
        json!({
            "action": self.action(),
            "email": (!self.target.email.is_empty()).then_some(&self.target.email),
            "id": self.target.id.map(|id| id.to_string()),
            "line": self.line,
            "from": (!self.from.is_empty()).then_some(&self.from),
            "to": (!self.to.is_empty()).then_some(&self.to),
            "note": self.note,
            "sent": self.sends(),
        })
    }
}

/// The people of the portal the roster does not list, left alone under
/// `--terminate-missing`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Kept {
    pub owner: usize,
    pub you: usize,
    pub protected: usize,
    pub guests: usize,
}

/// The plan of a `sync` run.
#[derive(Debug, Default)]
pub struct Diff {
    /// In the order of the run ([`Act`]), then by roster line.
    pub items: Vec<Item>,
    /// The lines of active guests without an account: the portal creates no guest.
    pub uncreatable: Vec<usize>,
    pub kept: Kept,
    /// How many people the roster lists.
    pub people: usize,
    /// The groups whose manager the heir becomes before a demotion to guest (which
    /// drops every group link of the person).
    pub hand_over: HandOver,
}

/// The roster's people against the portal's `accounts` (one listing, streamed). Fails
/// as the listing fails.
pub fn diff(
    people: &[Person],
    accounts: impl Iterator<Item = Result<User, Error>>,
    guard: &Guard,
    reach: Reach,
    groups: Option<&Groups>,
) -> Result<Diff, Error> {
    let index: HashMap<&Email, usize> = people
        .iter()
        .enumerate()
        .map(|(at, person)| (&person.email, at))
        .collect();
    let mut listed = vec![false; people.len()];
    let mut diff = Diff {
        people: people.len(),
        ..Diff::default()
    };
    for user in accounts {
        let user = user?;
        // Compared as the portal compares addresses ([`Email`]'s equality); an address
        // the portal holds but would not take today matches no row.
        let row = user
            .email
            .trim()
            .parse::<Email>()
            .ok()
            .and_then(|email| index.get(&email).copied());
        match row {
            Some(at) => {
                listed[at] = true;
                diff.compare(&people[at], &user, guard, groups);
            }
            None => diff.missing(&user, guard, reach),
        }
    }
    for (person, _) in people.iter().zip(&listed).filter(|(_, listed)| !**listed) {
        if person.terminated {
            continue;
        }
        if person.user_type == Some(UserType::Guest) {
            diff.uncreatable.push(person.line);
            continue;
        }
        if let Some(groups) = groups {
            diff.memberships(person, None, groups, None);
        }
        let user = NewUser {
            first_name: person.first_name.clone(),
            last_name: person.last_name.clone().unwrap_or_default(),
            email: person.email.clone(),
            user_type: person.user_type.unwrap_or_default(),
        };
        diff.items.push(Item {
            target: Target::by_email(person.email.as_str()),
            line: Some(person.line),
            from: String::new(),
            to: user.user_type.to_string(),
            note: None,
            fate: Fate::Send,
            seat: paid(user.user_type),
            beyond_seats: false,
            user: None,
            act: Act::Create(user),
        });
    }
    // The changes in the order of the run; what is left as it is after them, in the
    // roster's order.
    diff.items.sort_by_key(|item| {
        let left = matches!(item.fate, Fate::Left(_));
        let order = if left { 0 } else { item.act.order() };
        (left, order, item.line.unwrap_or(usize::MAX))
    });
    Ok(diff)
}

/// The note of a change left as it is because `why` protects the account.
fn protected_note(why: Protection) -> String {
    let whose = match why {
        Protection::Owner => "the owner",
        Protection::You => "you",
        Protection::File => "in a protect file",
    };
    format!("left as it is: {whose}")
}

/// Room admins and DocSpace admins take paid seats.
fn paid(user_type: UserType) -> bool {
    matches!(user_type, UserType::RoomAdmin | UserType::DocSpaceAdmin)
}

impl Diff {
    /// The changes that make `user` what `person` says.
    fn compare(&mut self, person: &Person, user: &User, guard: &Guard, groups: Option<&Groups>) {
        let why = protection(user, guard.caller, guard.protected);
        let line = Some(person.line);
        if person.terminated {
            // A terminated account keeps its type and names: the portal changes
            // neither on a terminated user.
            if user.status != Status::Terminated {
                let from = user.status.to_string();
                self.change(user, line, Act::Terminate, (from, "terminated"), why, None);
            }
            return;
        }
        if user.status == Status::Terminated {
            let seat = paid(user.user_type());
            let (from, to) = ("terminated".to_owned(), "active");
            self.change(user, line, Act::Reactivate, (from, to), why, None);
            if let Some(item) = self.items.last_mut() {
                item.seat = seat;
            }
        }
        // Without a lastName column (or field), last names are not compared.
        let last_name = person.last_name.as_deref();
        if user.first_name.trim() != person.first_name
            || last_name.is_some_and(|last| user.last_name.trim() != last)
        {
            let last_name = last_name.unwrap_or(user.last_name.trim());
            let fate = if user.id == guard.caller.id {
                Fate::Send
            } else {
                Fate::Left(Left::NameDiffers)
            };
            let note = match fate {
                Fate::Send => None,
                _ => Some("only the person can change it".to_owned()),
            };
            self.items.push(Item {
                act: Act::Rename {
                    first_name: person.first_name.clone(),
                    last_name: last_name.to_owned(),
                },
                target: Target::of(user),
                line,
                from: format!("{} {}", user.first_name.trim(), user.last_name.trim())
                    .trim()
                    .to_owned(),
                to: format!("{} {last_name}", person.first_name)
                    .trim()
                    .to_owned(),
                note,
                fate,
                seat: false,
                beyond_seats: false,
                user: None,
            });
        }
        match person.user_type {
            Some(to) if to != user.user_type() => {
                let from = user.user_type();
                let act = Act::SetType { from, to };
                let demotion = !promotes(from, to);
                self.change(user, line, act, (from.to_string(), to.as_str()), why, None);
                if let Some(item) = self.items.last_mut() {
                    item.seat = paid(to) && !paid(from);
                    if demotion && item.sends() {
                        item.user = Some(Box::new(user.clone()));
                    }
                }
            }
            _ => {}
        }
        if let Some(groups) = groups {
            self.memberships(person, Some(user), groups, why);
        }
    }

    /// A user the roster does not list: terminated under `--terminate-missing`, unless
    /// never changed or a guest.
    fn missing(&mut self, user: &User, guard: &Guard, reach: Reach) {
        if !reach.terminate_missing || user.status == Status::Terminated {
            return;
        }
        match protection(user, guard.caller, guard.protected) {
            Some(Protection::Owner) => self.kept.owner += 1,
            Some(Protection::You) => self.kept.you += 1,
            Some(Protection::File) => self.kept.protected += 1,
            None if user.user_type() == UserType::Guest && !reach.include_guests => {
                self.kept.guests += 1
            }
            None => {
                let from = user.status.to_string();
                let note = Some("not in the roster".to_owned());
                self.change(user, None, Act::Terminate, (from, "terminated"), None, note);
            }
        }
    }

    /// Adds the change `act` of `user`, left as it is when the user is protected, and
    /// not sent when the portal would refuse it for an LDAP account.
    fn change(
        &mut self,
        user: &User,
        line: Option<usize>,
        act: Act,
        (from, to): (String, &str),
        why: Option<Protection>,
        note: Option<String>,
    ) {
        let status_change = matches!(act, Act::Terminate | Act::Reactivate);
        let (fate, note) = match why {
            Some(why) => (Fate::Left(Left::Protected(why)), Some(protected_note(why))),
            None if status_change && user.is_ldap => (
                Fate::Blocked(Failure::NotDone {
                    action: format!("{} {}", act.name(), Target::of(user).name()),
                    reason: "an LDAP account, which the portal does not change this way: do it in the directory".to_owned(),
                }),
                Some("not sent: an LDAP account".to_owned()),
            ),
            None => (Fate::Send, note),
        };
        self.items.push(Item {
            act,
            target: Target::of(user),
            line,
            from,
            to: to.to_owned(),
            note,
            fate,
            seat: false,
            beyond_seats: false,
            user: None,
        });
    }

    /// Whether any change to be sent takes a paid seat: then the free seats are read.
    /// Whether a real run terminates anyone.
    pub fn terminates(&self) -> bool {
        self.items
            .iter()
            .any(|i| matches!(i.act, Act::Terminate) && i.sends())
    }

    pub fn takes_seats(&self) -> bool {
        self.items.iter().any(|item| item.seat && item.sends())
    }

    /// Counts the free `seats` down the plan, in the order of the run, and says which
    /// changes would find none: the portal refuses a promotion or a reactivation then
    /// (402), and creates a user instead of a room admin or DocSpace admin
    /// (`UserController.cs:379-385`). They are sent all the same (seats may have been
    /// freed meanwhile), and a refusal is the portal's, reported for each person.
    pub fn count_seats(&mut self, seats: Seats) {
        let Some(mut free) = seats.available() else {
            return;
        };
        for item in self.items.iter_mut().filter(|i| i.seat && i.sends()) {
            if free > 0 {
                free -= 1;
                continue;
            }
            item.beyond_seats = true;
            item.note = Some(match item.act {
                Act::Create(_) => {
                    "no paid seat free: the portal creates a user instead".to_owned()
                }
                _ => "no paid seat free: the portal would refuse it (402); 'docspace-people seats' shows who holds one".to_owned(),
            });
        }
    }

    /// Settles a demotion once the portal said whether the user owns rooms (and, for a
    /// demotion to guest, which groups it manages): how the rooms go (its note), or why
    /// it is not sent.
    pub fn settle_demotion(&mut self, at: usize, decided: Result<String, Failure>) {
        let item = &mut self.items[at];
        match decided {
            Ok(fate) => {
                item.target = item.target.clone().with_fate(fate.clone());
                item.note = Some(fate);
            }
            Err(failure) => {
                item.note = Some(format!("not sent: {}", reason(&failure)));
                item.fate = Fate::Blocked(failure);
            }
        }
    }

    /// The changes a real run sends.
    pub fn changes(&self) -> usize {
        self.items.iter().filter(|item| item.sends()).count()
    }

    /// The steps of a real run: each kind of change in the order of the plan, batch
    /// requests of [`BATCH`] users, demotion jobs ten a step (as `user set-type`), and
    /// each promotion that may find no paid seat in a step of its own, so that the
    /// portal's refusal is reported for each person. Demoted users' rooms go to
    /// `heir`.
    pub fn steps(&self, heir: UserId, wait: Duration) -> Vec<Step> {
        let mut sent: Vec<&Item> = self.items.iter().filter(|i| i.sends()).collect();
        // Stable: the order of the run first, then the roster's within each kind.
        sent.sort_by_key(|item| kind(item));
        let mut steps = Vec::new();
        for items in sent.chunk_by(|a, b| kind(a) == kind(b)) {
            let targets: Vec<Target> = items.iter().map(|item| item.target.clone()).collect();
            let first = items[0];
            match &first.act {
                Act::Create(_) | Act::Rename { .. } => {
                    steps.extend(items.iter().filter_map(|item| one(item)))
                }
                Act::Reactivate => {
                    steps.extend(bulk::chunked(targets, BATCH, &|_| Action::Activate))
                }
                Act::SetType { from, to } if promotes(*from, *to) => {
                    let size = if first.beyond_seats { 1 } else { BATCH };
                    steps.extend(bulk::chunked(targets, size, &|_| Action::Promote(*to)))
                }
                Act::SetType { to, .. } => {
                    steps.extend(bulk::chunked(targets, 10, &|chunk| Action::Demote {
                        user_type: *to,
                        heir,
                        wait,
                        also: self.hand_over.of(chunk),
                    }))
                }
                // With the API keys the people made, revoked after it ([`Diff::hand_over`]).
                Act::Terminate => steps.extend(bulk::chunked(targets, BATCH, &|chunk| {
                    Action::Terminate(self.hand_over.of(chunk))
                })),
                // Once the people's own changes are made ([`Diff::group_steps`]).
                Act::CreateGroup(_) | Act::Join { .. } | Act::Leave { .. } => {}
            }
        }
        steps
    }

    /// `create 2, set type 1, terminate 3`: the count of each action, in the plan's
    /// order, the changes first.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        let mut counts: Vec<(&'static str, bool, usize)> = Vec::new();
        for item in &self.items {
            let label = match &item.fate {
                Fate::Send => item.action(),
                Fate::Left(Left::NameDiffers) => "name differs",
                Fate::Left(Left::Protected(_)) => "left as it is",
                Fate::Blocked(_) => "not sent",
            };
            match counts.iter_mut().find(|(l, _, _)| *l == label) {
                Some((_, _, n)) => *n += 1,
                None => counts.push((label, item.sends(), 1)),
            }
        }
        // Stable: the changes in the order of the run, then what is not sent.
        counts.sort_by_key(|(_, sends, _)| !*sends);
        counts.into_iter().map(|(l, _, n)| (l, n)).collect()
    }

    /// The summary line: `plan: 5 change(s): create 2, terminate 3; nothing sent: name
    /// differs 1`.
    pub fn summary(&self) -> String {
        if self.items.is_empty() {
            return format!(
                "nothing to change: the portal is in line with the roster ({} people)",
                self.people
            );
        }
        let counts = self.counts();
        let changes = self.changes();
        let (sent, rest): (Vec<_>, Vec<_>) = counts.iter().partition(|(label, _)| {
            !matches!(*label, "name differs" | "left as it is" | "not sent")
        });
        let list = |counts: &[&(&str, usize)]| {
            counts
                .iter()
                .map(|(label, n)| format!("{label} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut text = format!("plan: {changes} change(s)");
        if !sent.is_empty() {
            text.push_str(&format!(": {}", list(&sent)));
        }
        if !rest.is_empty() {
            text.push_str(&format!("; nothing sent: {}", list(&rest)));
        }
        text
    }

    /// The note on the people `--terminate-missing` leaves alone, if any.
    pub fn kept_note(&self) -> Option<String> {
        let k = self.kept;
        let parts: Vec<String> = [
            (k.owner, "the owner"),
            (k.you, "you"),
            (k.protected, "in a protect file"),
            (k.guests, "guests (--include-guests terminates them)"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        (!parts.is_empty())
            .then(|| format!("not in the roster and left alone: {}", parts.join(", ")))
    }

    /// The plan as a table (`ACTION PERSON CHANGE NOTE`), without the items sent
    /// nothing by rule when `quiet` (so that a quiet dry run prints only what it would
    /// do or cannot).
    pub fn table(&self, header: bool, quiet: bool) -> String {
        let shown: Vec<&Item> = self
            .items
            .iter()
            .filter(|item| !(quiet && matches!(item.fate, Fate::Left(_))))
            .collect();
        let action = shown.iter().map(|i| i.action().len()).max().unwrap_or(0);
        let widths = [action.max(12), 32, 28];
        let mut text = String::new();
        let mut row = |cells: [&str; 4]| {
            for (i, cell) in cells.iter().enumerate() {
                let start = text.len();
                text.push_str(&safe(cell));
                if i < 3 {
                    let written = width::width(&text[start..]);
                    text.extend(std::iter::repeat_n(
                        ' ',
                        widths[i].saturating_sub(written) + 2,
                    ));
                }
            }
            let end = text.trim_end_matches(' ').len();
            text.truncate(end);
            text.push('\n');
        };
        if header && !shown.is_empty() {
            row(["ACTION", "PERSON", "CHANGE", "NOTE"]);
        }
        for item in shown {
            row([
                item.action(),
                &item.person(),
                &item.change(),
                item.note.as_deref().unwrap_or_default(),
            ]);
        }
        text
    }

    /// The plan as CSV or TSV: `action,email,id,line,from,to,note,sent`.
    pub fn separated(&self, header: bool, tabs: bool) -> String {
        let field = |value: &str| {
            if tabs {
                tsv_field(value)
            } else {
                csv_field(value)
            }
        };
        let separator = if tabs { "\t" } else { "," };
        let mut text = String::new();
        if header {
            let names = [
                "action", "email", "id", "line", "from", "to", "note", "sent",
            ];
            text.push_str(&names.join(separator));
            text.push_str("\r\n");
        }
        for item in &self.items {
            let cells = [
                item.action().to_owned(),
                item.target.email.clone(),
                item.target.id.map(|id| id.to_string()).unwrap_or_default(),
                item.line.map(|l| l.to_string()).unwrap_or_default(),
                item.from.clone(),
                item.to.clone(),
                item.note.clone().unwrap_or_default(),
                item.sends().to_string(),
            ];
            let cells: Vec<String> = cells.iter().map(|c| field(c)).collect();
            text.push_str(&cells.join(separator));
            text.push_str("\r\n");
        }
        text
    }

    /// The plan as JSON Lines: one object a change.
    pub fn json_lines(&self) -> String {
        let mut text = String::new();
        for item in &self.items {
            text.push_str(&item.json().to_string());
            text.push('\n');
        }
        text
    }

    /// The plan as one JSON object: the changes, the count of each action, the notes.
    pub fn json(&self, notes: &[String]) -> Value {
        let counts: serde_json::Map<String, Value> = self
            .counts()
            .into_iter()
            .map(|(label, n)| (label.to_owned(), Value::from(n)))
            .collect();
        json!({
            "plan": self.items.iter().map(Item::json).collect::<Vec<_>>(),
            "counts": counts,
            "changes": self.changes(),
            "notes": notes,
        })
    }
}

/// The kind of step an item goes in: the items of one kind share steps.
fn kind(item: &Item) -> (u8, &'static str, bool) {
    match &item.act {
        Act::SetType { to, .. } => (item.act.order(), to.as_str(), item.beyond_seats),
        other => (other.order(), "", false),
    }
}

/// The step of a change made one person at a time: a create, the caller's names.
fn one(item: &Item) -> Option<Step> {
    let action = match &item.act {
        Act::Create(user) => Action::Create {
            user: user.clone(),
            line: item.line,
            // Made since the plan was read (by someone else): said, not failed.
            skip_existing: true,
        },
        Act::Rename {
            first_name,
            last_name,
        } => Action::Rename {
            first_name: first_name.clone(),
            last_name: last_name.clone(),
        },
        _ => return None,
    };
    Some(Step::batch(action, vec![item.target.clone()]))
}

/// A failure's reason, without the action it names (the plan's line names the person).
fn reason(failure: &Failure) -> String {
    match failure {
        Failure::NotDone { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::input;
    use crate::app::plan::Plan;

    /// A user of the portal, its id ending in `n`; `flag` is its type's flag.
    fn user(n: u8, email: &str, name: (&str, &str), flag: &str, status: i64) -> User {
        let id = format!("0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b{n:02x}");
        serde_json::from_value(json!({"id": id, "email": email, "firstName": name.0,
            "lastName": name.1, flag: true, "status": status}))
        .unwrap()
    }

    fn planned(roster: &str, users: Vec<User>, reach: Reach) -> Diff {
        let people = input::roster(roster).unwrap();
        let caller = users[0].clone();
        let protected = HashSet::new();
        let guard = Guard {
            caller: &caller,
            protected: &protected,
        };
        diff(&people, users.into_iter().map(Ok), &guard, reach, None).unwrap()
    }

    #[test]
    fn the_plan_is_in_the_order_of_the_run_and_its_question_counts_each_action() {
        let users = vec![
            user(1, "owner@example.com", ("Admin", "Owner"), "isOwner", 1),
            user(2, "ann@example.com", ("Ann", "Lee"), "isCollaborator", 1),
            user(3, "cat@example.com", ("Cat", "Cole"), "isCollaborator", 1),
            user(4, "zed@example.com", ("Zed", "Gone"), "isCollaborator", 1),
            user(5, "gus@example.com", ("Gus", "Guest"), "isVisitor", 1),
            user(6, "old@example.com", ("Old", "Leaver"), "isCollaborator", 2),
        ];
        let roster = "email,firstName,lastName,type,status\n\
                      cat@example.com,Cat,Cole,,terminated\n\
                      ANN@example.com,Ann,Lee,room-admin,\n\
                      bob@example.com,Bob,Ray,,\n\
                      owner@example.com,Admin,Owner,,\n";
        let reach = Reach {
            terminate_missing: true,
            include_guests: false,
        };
        let diff = planned(roster, users, reach);
        let actions: Vec<(&str, &str)> = diff
            .items
            .iter()
            .map(|i| (i.action(), i.target.email.as_str()))
            .collect();
        assert_eq!(
            actions,
            [
                ("create", "bob@example.com"),
                ("set type", "ann@example.com"),
                ("terminate", "cat@example.com"),
                ("terminate", "zed@example.com"),
            ]
        );
        assert_eq!(
            diff.kept,
            Kept {
                guests: 1,
                ..Kept::default()
            },
            "the owner is in the roster; the terminated leaver is not counted"
        );
        let id: UserId = "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b01".parse().unwrap();
        let plan = Plan::of(diff.steps(id, Duration::from_secs(1)));
        assert_eq!(
            plan.steps.len(),
            3,
            "a create, a promotion, one termination"
        );
        assert_eq!(
            bulk::asked(&plan, "Make these 4 change(s)?"),
            "create (1):\n  bob@example.com\n\
             make room-admin (1):\n  0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b02 Ann Lee <ann@example.com>\n\
             terminate (2):\n  0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b03 Cat Cole <cat@example.com>\n  \
             0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b04 Zed Gone <zed@example.com>\n\
             Make these 4 change(s)?"
        );
        assert_eq!(
            diff.summary(),
            "plan: 4 change(s): create 1, set type 1, terminate 2"
        );
    }

    #[test]
    fn memberships_follow_the_groups_column() {
        let group = |n: u8, name: &str| -> docspace_people::Group {
            let id = format!("1b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b{n:02x}");
            serde_json::from_value(json!({"id": id, "name": name})).unwrap()
        };
        // Two groups named "Ops": neither is joined nor left on the roster's word.
        let portal = [group(1, "Sales"), group(2, "Ops"), group(3, "OPS")];
        let member_of = |n: u8, name: &str| json!({"id": format!("1b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b{n:02x}"), "name": name});
        let mut ann: Value = serde_json::to_value(user(
            2,
            "ann@example.com",
            ("Ann", "Lee"),
            "isCollaborator",
            1,
        ))
        .unwrap();
        ann["groups"] = json!([member_of(2, "Ops"), member_of(9, "Old")]);
        let users = vec![
            user(1, "owner@example.com", ("Admin", "Owner"), "isOwner", 1),
            serde_json::from_value(ann).unwrap(),
            user(3, "gus@example.com", ("Gus", "Guest"), "isVisitor", 1),
        ];
        let roster = "email,firstName,lastName,groups\n\
                      ann@example.com,Ann,Lee,SALES;ops;New\n\
                      gus@example.com,Gus,Guest,Sales\n";
        let people = input::roster(roster).unwrap();
        let caller = users[0].clone();
        let protected = HashSet::new();
        let guard = Guard {
            caller: &caller,
            protected: &protected,
        };
        let groups = Groups::of(&portal, false);
        let diff = diff(
            &people,
            users.into_iter().map(Ok),
            &guard,
            Reach::default(),
            Some(&groups),
        )
        .unwrap();
        let items: Vec<(&str, &str, String, bool)> = diff
            .items
            .iter()
            .map(|i| (i.action(), i.target.email.as_str(), i.change(), i.sends()))
            .collect();
        assert_eq!(
            items,
            [
                ("add to group", "ann@example.com", "Sales".to_owned(), true),
                ("add to group", "ann@example.com", "ops".to_owned(), false),
                ("add to group", "ann@example.com", "New".to_owned(), false),
                ("add to group", "gus@example.com", "Sales".to_owned(), false),
                (
                    "remove from group",
                    "ann@example.com",
                    "Old".to_owned(),
                    true
                ),
            ]
        );
        assert!(
            diff.items[3]
                .note
                .as_deref()
                .is_some_and(|n| n.contains("a guest cannot be a member")),
            "{:?}",
            diff.items[3].note
        );
        let (steps, unsent) = diff.group_steps(Some(&HashMap::new()));
        assert_eq!(
            (steps.len(), unsent.len()),
            (2, 0),
            "an addition, a removal"
        );
    }

    #[test]
    fn free_seats_are_counted_down_the_plan_in_the_order_of_the_run() {
        let users = vec![
            user(1, "owner@example.com", ("Admin", "Owner"), "isOwner", 1),
            user(2, "ann@example.com", ("Ann", "Lee"), "isCollaborator", 1),
            user(3, "bob@example.com", ("Bob", "Ray"), "isCollaborator", 1),
            user(4, "cat@example.com", ("Cat", "Cole"), "isRoomAdmin", 2),
        ];
        let roster = "email,firstName,lastName,type\n\
                      ann@example.com,Ann,Lee,room-admin\n\
                      bob@example.com,Bob,Ray,room-admin\n\
                      cat@example.com,Cat,Cole,\n\
                      new@example.com,New,One,docspace-admin\n";
        let mut diff = planned(roster, users, Reach::default());
        assert!(diff.takes_seats());
        diff.count_seats(Seats {
            used: 1,
            limit: Some(3),
        });
        let beyond: Vec<(&str, bool)> = diff
            .items
            .iter()
            .map(|i| (i.target.email.as_str(), i.beyond_seats))
            .collect();
        // The create and the reactivated room admin take the two free seats first.
        assert_eq!(
            beyond,
            [
                ("new@example.com", false),
                ("cat@example.com", false),
                ("ann@example.com", true),
                ("bob@example.com", true),
            ]
        );
        let id: UserId = "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b01".parse().unwrap();
        let steps = diff.steps(id, Duration::from_secs(1));
        let sizes: Vec<usize> = steps.iter().map(|s| s.targets.len()).collect();
        assert_eq!(sizes, [1, 1, 1, 1], "each promotion beyond the seats alone");
    }
}
