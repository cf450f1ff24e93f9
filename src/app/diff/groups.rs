//! The groups column of a roster against the portal: the memberships to add and to
//! remove, and with `--create-groups` the groups to create. What each person is a member
//! of comes from the one listing of users (each profile lists its groups); the names of
//! the portal's groups from one listing of groups. A group is never deleted.
//!
//! The membership changes are carried out after the people's own (see
//! [`Diff::group_steps`]): a person created by the run is added once the portal has
//! given them an id, and a group the run creates is created with its members.

use super::{Act, Diff, Fate, Item};
use crate::app::exit::Failure;
use crate::app::input::Person;
use crate::app::plan::{Action, BATCH, Step};
use crate::app::report::{Left, Protection, Target};
use crate::app::show::{printable, short};
use docspace_people::{Group, GroupId, User, UserId, UserType};
use std::collections::{HashMap, HashSet};

/// The portal's groups by name, compared without regard to case (as people type them).
#[derive(Debug, Default)]
pub struct Groups {
    by_name: HashMap<String, Vec<(GroupId, String)>>,
    /// `--create-groups`: a group the roster names and the portal does not have is made.
    pub create: bool,
}

impl Groups {
    /// The portal's `groups`, from its listing.
    pub fn of(groups: &[Group], create: bool) -> Groups {
        let mut by_name: HashMap<String, Vec<(GroupId, String)>> = HashMap::new();
        for group in groups {
            by_name
                .entry(key(&group.name))
                .or_default()
                .push((group.id, group.name.clone()));
        }
        Groups { by_name, create }
    }

    /// The group named `name`.
    fn find(&self, name: &str) -> Found<'_> {
        match self.by_name.get(&key(name)).map(Vec::as_slice) {
            None | Some([]) => Found::None,
            Some([(id, name)]) => Found::One(*id, name),
            Some(_) => Found::Many,
        }
    }
}

/// A group's name as names are compared.
fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

enum Found<'g> {
    One(GroupId, &'g str),
    None,
    Many,
}

impl Diff {
    /// The membership changes that make `user` (`None`: a person the run creates) a
    /// member of the groups `person` names, and of no other.
    pub(super) fn memberships(
        &mut self,
        person: &Person,
        user: Option<&User>,
        groups: &Groups,
        why: Option<Protection>,
    ) {
        let Some(names) = &person.groups else {
            return;
        };
        let current = user.map(User::groups).unwrap_or_default();
        let guest = person
            .user_type
            .or(user.map(User::user_type))
            .is_some_and(|t| t == UserType::Guest);
        let line = Some(person.line);
        let mut named: HashSet<GroupId> = HashSet::new();
        let mut unsure: HashSet<String> = HashSet::new();
        for name in names {
            let (group, id, blocked) = match groups.find(name) {
                Found::One(id, shown) => {
                    named.insert(id);
                    if current.iter().any(|g| g.id == id) {
                        continue;
                    }
                    (shown.to_owned(), Some(id), None)
                }
                Found::Many => {
                    unsure.insert(key(name));
                    let reason = format!(
                        "the portal has more than one group named '{}': rename all but one, then run again",
                        printable(name)
                    );
                    (name.clone(), None, Some(reason))
                }
                Found::None if groups.create => {
                    self.create_group(name);
                    (name.clone(), None, None)
                }
                Found::None => {
                    let reason = format!(
                        "the portal has no group named '{}': pass --create-groups, or create it with 'docspace-people group create'",
                        printable(name)
                    );
                    (name.clone(), None, Some(reason))
                }
            };
            let blocked = blocked.or_else(|| {
                guest.then(|| {
                    "a guest cannot be a member of a group: the portal skips one".to_owned()
                })
            });
            self.membership(person, user, line, Act::Join { group, id }, why, blocked);
        }
        for group in current {
            if !named.contains(&group.id) && !unsure.contains(&key(&group.name)) {
                let act = Act::Leave {
                    group: group.name,
                    id: group.id,
                };
                self.membership(person, user, line, act, why, None);
            }
        }
    }

    /// The item that creates the group `name`, once however many people it is for.
    fn create_group(&mut self, name: &str) {
        let made = self
            .items
            .iter()
            .any(|i| matches!(&i.act, Act::CreateGroup(n) if key(n) == key(name)));
        if made {
            return;
        }
        self.items.push(Item {
            act: Act::CreateGroup(name.to_owned()),
            target: group_target(name),
            line: None,
            from: String::new(),
            to: name.to_owned(),
            note: Some("--create-groups".to_owned()),
            fate: Fate::Send,
            seat: false,
            beyond_seats: false,
            user: None,
        });
    }

    /// A membership change of `user` (or of the person the run creates), left as it is
    /// when the user is protected, not sent when `blocked` says why.
    fn membership(
        &mut self,
        person: &Person,
        user: Option<&User>,
        line: Option<usize>,
        act: Act,
        why: Option<Protection>,
        blocked: Option<String>,
    ) {
        let (relation, group) = match &act {
            Act::Join { group, .. } => ("to", group),
            Act::Leave { group, .. } => ("from", group),
            _ => return,
        };
        let who = user.map_or_else(|| person.email.to_string(), short);
        let mut target = match user {
            Some(user) => Target::of(user),
            None => Target::by_email(person.email.as_str()),
        };
        target.label = Some(format!("{who} {relation} group {}", printable(group)));
        target.group = match &act {
            Act::Join { id, .. } => *id,
            Act::Leave { id, .. } => Some(*id),
            _ => None,
        };
        let (from, to) = match &act {
            Act::Join { group, .. } => (String::new(), group.clone()),
            _ => (group.clone(), String::new()),
        };
        let (fate, note) = match (why, blocked) {
            (Some(why), _) => (
                Fate::Left(Left::Protected(why)),
                Some(super::protected_note(why)),
            ),
            (None, Some(reason)) => (
                Fate::Blocked(Failure::NotDone {
                    action: format!("add {}", target.name()),
                    reason: reason.clone(),
                }),
                Some(format!("not sent: {reason}")),
            ),
            (None, None) => (Fate::Send, None),
        };
        self.items.push(Item {
            act,
            target,
            line,
            from,
            to,
            note,
            fate,
            seat: false,
            beyond_seats: false,
            user: None,
        });
    }

    /// The steps of the membership changes, once the people's own are carried out:
    /// each group to create with its members, then additions and removals, a request
    /// per group (of [`BATCH`] people at most). `created` has the ids of the people the
    /// run created, by address in lower case; the additions of people without an id (their
    /// create failed) are returned apart, not sent. Without `created` (for the question
    /// before the run) the people to create are in the steps by their address.
    pub fn group_steps(
        &self,
        created: Option<&HashMap<String, UserId>>,
    ) -> (Vec<Step>, Vec<Target>) {
        let sent: Vec<&Item> = self.items.iter().filter(|i| i.sends()).collect();
        let id_of = |item: &Item| match created {
            Some(created) => item
                .target
                .id
                .or_else(|| created.get(&item.target.email.to_lowercase()).copied())
                .map(Some),
            None => Some(item.target.id),
        };
        let mut steps = Vec::new();
        let mut unsent = Vec::new();
        for item in &sent {
            let Act::CreateGroup(name) = &item.act else {
                continue;
            };
            let mut members = Vec::new();
            // The group, then each person it is made with: each gets its own outcome.
            let mut targets = vec![item.target.clone()];
            for join in &sent {
                if !matches!(&join.act, Act::Join { group, id: None } if key(group) == key(name)) {
                    continue;
                }
                match id_of(join) {
                    Some(Some(id)) => {
                        members.push(id);
                        targets.push(member(join, id, true));
                    }
                    Some(None) => {}
                    None => unsent.push(join.target.clone()),
                }
            }
            let action = Action::CreateGroup {
                name: name.clone(),
                manager: None,
                members,
            };
            steps.push(Step::batch(action, targets));
        }
        // Additions, then removals, each group's people in one request.
        for adding in [true, false] {
            let mut by_group: Vec<(GroupId, Vec<Target>)> = Vec::new();
            for item in &sent {
                let group = match &item.act {
                    Act::Join { id: Some(id), .. } if adding => *id,
                    Act::Leave { id, .. } if !adding => *id,
                    _ => continue,
                };
                let Some(id) = id_of(item) else {
                    unsent.push(item.target.clone());
                    continue;
                };
                let target = match id {
                    Some(user) => member(item, user, adding),
                    None => item.target.clone(),
                };
                match by_group.iter_mut().find(|(g, _)| *g == group) {
                    Some((_, targets)) => targets.push(target),
                    None => by_group.push((group, vec![target])),
                }
            }
            for (group, targets) in by_group {
                for chunk in targets.chunks(BATCH) {
                    let action = if adding {
                        Action::AddToGroup(group)
                    } else {
                        Action::RemoveFromGroup(group)
                    };
                    steps.push(Step::batch(action, chunk.to_vec()));
                }
            }
        }
        (steps, unsent)
    }
}

/// The person of a membership change, named by `user`: as the plan named it, or, for
/// someone this run created, by the id the portal gave it.
fn member(item: &Item, user: UserId, adding: bool) -> Target {
    let mut target = item.target.clone();
    if target.id.is_none() {
        let relation = if adding { "to" } else { "from" };
        let group = printable(if adding { &item.to } else { &item.from });
        target.label = Some(format!(
            "{user} <{}> {relation} group {group}",
            target.email
        ));
        target.id = Some(user);
    }
    target
}

/// A group the run creates, as the report names it.
fn group_target(name: &str) -> Target {
    Target {
        label: Some(format!("group {}", printable(name))),
        ..Target::by_email("")
    }
}
