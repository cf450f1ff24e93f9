//! `group create`, `group add`, `group remove`, `group set-manager` and `group delete`.
//!
//! The portal skips some users without a word: it adds no terminated user or guest to a
//! group, and answers 200 to making one the manager without doing it. Each user is read
//! first and such a user is refused before anything is sent; what was sent is checked in
//! the portal's answer, user by user.

use super::{Command, Prints, Run, Spec};
use crate::app::args::{Kind, Opt, Selection, UserRef, user_ref};
use crate::app::bulk;
use crate::app::exit::Failure;
use crate::app::group_arg::{self, GroupArg};
use crate::app::plan::{self, Action, BATCH, Plan, Step};
use crate::app::report::{Already, Outcome, Report, Style, Target};
use crate::app::select;
use crate::app::show::{printable, short, short_group};
use docspace_people::{Client, Group, GroupFilter, Status, User, UserType};

pub const CREATE: Spec = Spec {
    name: "group create",
    args: "NAME [--manager USER] [--member USER]...",
    summary: "create a group, with its manager and members",
    about: "\
Creates the group NAME (1 to 128 characters), with its manager (who also becomes a
member) and members. USER is a user id or an e-mail address. Every user is read first: a
terminated user or a guest is refused before anything is sent (the portal refuses the
whole group for one). A name another group has is refused too: this tool names groups by
their name. --dry-run prints the request instead of sending it.",
    options: &[&MANAGER, &MEMBER],
    examples: &[
        "docspace-people group create Sales --manager ann@example.com --member bob@example.com",
    ],
    prints: Prints::Json,
    parse: |args| {
        let name = match args.words.as_slice() {
            [name] => name.clone(),
            _ => {
                return Err(Failure::Usage(
                    "'group create' takes one NAME (quote a name with spaces)".to_owned(),
                ));
            }
        };
        if name.trim().is_empty() || name.chars().count() > 128 {
            return Err(Failure::Usage(
                "a group's NAME has 1 to 128 characters, not only blanks".to_owned(),
            ));
        }
        let manager = args.text(&MANAGER)?.map(|u| user_ref(&u)).transpose()?;
        let members = args
            .texts(&MEMBER)?
            .iter()
            .map(|u| user_ref(u))
            .collect::<Result<_, _>>()?;
        Ok(Box::new(Create {
            name,
            manager,
            members,
        }))
    },
};

const MANAGER: Opt = Opt::value(
    "manager",
    Kind::Text,
    "USER",
    "the group's manager, who also becomes a member",
);
const MEMBER: Opt = Opt::value("member", Kind::Text, "USER", "a member (repeatable)").repeating();

pub const ADD: Spec = Spec {
    name: "group add",
    args: "GROUP USER...",
    summary: "add users to a group",
    about: "\
Adds the users to the group. GROUP is a group id or a group's exact name (a name two groups
share is refused, with their ids); USER is a user id or an e-mail address. Each user is read
first: one already a member is 'already a member'; a terminated user or a guest is skipped
before anything is sent, since the portal would skip it without a word. The portal's answer
is checked: each user is 'added' only if the group then lists it.",
    options: &[],
    examples: &["docspace-people group add Sales bob@example.com carl@example.com"],
    prints: Prints::Json,
    parse: |args| Ok(Box::new(members(args, true)?)),
};

pub const REMOVE: Spec = Spec {
    name: "group remove",
    args: "GROUP USER...",
    summary: "remove users from a group",
    about: "\
Removes the users from the group; they stay users of the portal. GROUP is a group id or a
group's exact name; USER is a user id or an e-mail address. One who is not a member is 'not a
member'. Removing the manager leaves the group without one (give it another with 'group
set-manager'). At a terminal it asks first, unless --yes.",
    options: &[],
    examples: &["docspace-people group remove Sales bob@example.com"],
    prints: Prints::Json,
    parse: |args| Ok(Box::new(members(args, false)?)),
};

pub const SET_MANAGER: Spec = Spec {
    name: "group set-manager",
    args: "GROUP USER",
    summary: "make a user the manager of a group",
    about: "\
Makes USER the manager of the group (and a member); the manager before stays a member.
GROUP is a group id or a group's exact name; USER is a user id or an e-mail address. A
terminated user or a guest is refused before anything is sent: the portal answers 200 to
either without making it the manager. The answer is checked.",
    options: &[],
    examples: &["docspace-people group set-manager Sales hana@example.com"],
    prints: Prints::Json,
    parse: |args| match args.words.as_slice() {
        [group, user] => Ok(Box::new(SetManager {
            group: GroupArg::of(group)?,
            user: user_ref(user)?,
        })),
        _ => Err(Failure::Usage(
            "'group set-manager' takes one GROUP and one USER".to_owned(),
        )),
    },
};

pub const DELETE: Spec = Spec {
    name: "group delete",
    args: "GROUP",
    summary: "delete a group (its members stay)",
    about: "\
Deletes the group; its members stay users of the portal. GROUP is a group id or a group's
exact name (a name two groups share is refused, with their ids). At a terminal it asks
first, unless --yes. --dry-run prints the request instead of sending it.",
    options: &[],
    examples: &["docspace-people group delete Sales --dry-run"],
    prints: Prints::Json,
    parse: |args| match args.words.as_slice() {
        [group] => Ok(Box::new(Delete(GroupArg::of(group)?))),
        _ => Err(Failure::Usage("'group delete' takes one GROUP".to_owned())),
    },
};

#[derive(Debug, PartialEq, Eq)]
pub struct Create {
    pub name: String,
    pub manager: Option<UserRef>,
    pub members: Vec<UserRef>,
}

/// `group add` (`add`) or `group remove`.
#[derive(Debug, PartialEq, Eq)]
pub struct Members {
    pub group: GroupArg,
    pub selection: Selection,
    pub add: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub struct SetManager {
    pub group: GroupArg,
    pub user: UserRef,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Delete(pub GroupArg);

fn members(args: &mut crate::app::args::Args, add: bool) -> Result<Members, Failure> {
    if args.words.len() < 2 {
        return Err(Failure::Usage(format!(
            "'{}' needs a GROUP, then at least one USER",
            args.name
        )));
    }
    let group = args.words.remove(0);
    Ok(Members {
        group: GroupArg::of(&group)?,
        selection: args.selection()?,
        add,
    })
}

/// Why the portal would not take `user` into a group (it skips such a user without a
/// word, or refuses a new group for one), if it would not.
fn unfit(user: &User) -> Option<&'static str> {
    if user.status == Status::Terminated {
        Some("terminated, and the portal takes no terminated user into a group")
    } else if user.user_type() == UserType::Guest {
        Some("a guest, and the portal takes no guest into a group")
    } else {
        None
    }
}

/// A user named by an option, read; one the portal would not take is refused.
fn fit(client: &Client, user: &UserRef, option: &str) -> Result<User, Failure> {
    let found = match user {
        UserRef::Id(id) => client.get_user(*id),
        UserRef::Email(email) => client.get_user_by_email(email),
    };
    let user = found.map_err(|e| {
        if e.is_not_found() {
            Failure::Missing(format!("{option} {user}: no such user; nothing was sent"))
        } else {
            e.during(format!("read {option} {user}")).into()
        }
    })?;
    match unfit(&user) {
        Some(why) => Err(Failure::BadInput(vec![format!(
            "{option} {}: {why}; nothing was sent",
            short(&user)
        )])),
        None => Ok(user),
    }
}

/// Carries a plan out and reports each of its targets.
fn carry_out(run: &mut Run, client: &Client, mut plan: Plan, question: Option<String>) -> u8 {
    let mut report = Report::new(run.out, Style::Bulk);
    if run.cx.io.keyboard.is_some() && !run.settings.yes {
        plan.question = question;
    }
    plan::carry_out(client, &plan, &mut report, run.cx);
    report.finish()
}

impl Command for Create {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect_to_change()?;
        let manager = self
            .manager
            .as_ref()
            .map(|u| fit(&client, u, "--manager"))
            .transpose()?;
        let members = self
            .members
            .iter()
            .map(|u| fit(&client, u, "--member"))
            .collect::<Result<Vec<User>, Failure>>()?;
        let taken: Vec<String> = client
            .list_groups(&GroupFilter::Search(self.name.clone()))?
            .into_iter()
            .filter(|g| g.name == self.name)
            .map(|g| g.id.to_string())
            .collect();
        let name = printable(&self.name);
        if !taken.is_empty() {
            return Err(Failure::NotDone {
                action: format!("create the group '{name}'"),
                reason: format!(
                    "a group of that name exists ({}); nothing was sent: this tool names groups by their name, so it makes no second one",
                    taken.join(", ")
                ),
            });
        }
        let mut seen = std::collections::HashSet::new();
        let ids: Vec<_> = members
            .iter()
            .map(|m| m.id)
            .filter(|id| seen.insert(*id))
            .collect();
        let target = Target {
            label: Some(format!("group '{name}'")),
            ..Target::by_email("")
        };
        let action = Action::CreateGroup {
            name: self.name.clone(),
            manager: manager.map(|m| m.id),
            members: ids,
        };
        Ok(carry_out(
            run,
            &client,
            Plan::of(vec![Step::batch(action, vec![target])]),
            None,
        ))
    }
}

impl Command for Members {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect_to_change()?;
        let group = group_arg::find(&client, &self.group, false)?;
        let users = select::users(&self.selection, &mut run.cx.io)?;
        let (verb, relation) = if self.add {
            ("add", "to")
        } else {
            ("remove", "from")
        };
        let workers = run.settings.parallel.value;
        let mut report = Report::new(run.out, Style::Bulk);
        report.selected(users.len());
        let reads = bulk::read_named(&client, &users, true, workers, report.stop());
        let past = run.cx.memory.past();
        let resolved = select::resolve(&users, reads, &past.deleted, verb, &mut report);
        let mut targets = Vec::new();
        for (_, user) in resolved {
            let Some(user) = user else { continue };
            let target = Target::member(&user, relation, &group);
            let of = Target::member(&user, "of", &group);
            let member = user.groups().iter().any(|g| g.id == group.id);
            match (self.add, member, unfit(&user)) {
                (true, true, _) => report.settle(&of, Outcome::Already(Already::Member)),
                (true, false, Some(why)) => report.fail(
                    std::slice::from_ref(&target),
                    Failure::NotDone {
                        action: format!("add {}", target.who()),
                        reason: format!("skipped: {why} (it would skip it without a word)"),
                    },
                ),
                (false, false, _) => report.settle(&of, Outcome::Already(Already::NotMember)),
                _ => targets.push(target),
            }
        }
        if let Some(reason) = report.stop().reason() {
            report.not_sent(&targets);
            report.abort(Failure::from(
                reason.during(format!("read the users to {verb}")),
            ));
            return Ok(report.finish());
        }
        let count = targets.len();
        let action = |_: &[Target]| {
            if self.add {
                Action::AddToGroup(group.id)
            } else {
                Action::RemoveFromGroup(group.id)
            }
        };
        let mut plan = Plan::of(bulk::chunked(targets, BATCH, &action));
        if !self.add && count > 0 && run.cx.io.keyboard.is_some() && !run.settings.yes {
            plan.question = Some(format!(
                "Remove {count} user(s) from group {}? They stay users of the portal.",
                short_group(&group)
            ));
        }
        plan::carry_out(&client, &plan, &mut report, run.cx);
        Ok(report.finish())
    }
}

impl Command for SetManager {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect_to_change()?;
        let group: Group = group_arg::find(&client, &self.group, false)?;
        let user = fit(&client, &self.user, "USER")?;
        let target = Target::member(&user, "of", &group);
        if group.managed_by(user.id) {
            let mut report = Report::new(run.out, Style::Bulk);
            report.settle(&target, Outcome::Already(Already::Manager));
            return Ok(report.finish());
        }
        let step = Step::batch(Action::SetManager(group.id), vec![target]);
        Ok(carry_out(run, &client, Plan::of(vec![step]), None))
    }
}

impl Command for Delete {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect_to_change()?;
        let group = group_arg::find(&client, &self.0, false)?;
        let question = format!(
            "Delete group {} ({} member(s), who stay users of the portal)?",
            short_group(&group),
            group.members_count
        );
        let step = Step::batch(Action::DeleteGroup(group.id), vec![Target::group(&group)]);
        Ok(carry_out(
            run,
            &client,
            Plan::of(vec![step]),
            Some(question),
        ))
    }
}
