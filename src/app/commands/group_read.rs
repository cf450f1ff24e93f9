//! `group list` and `group get`: the portal's groups, their managers and members.

use super::{Command, Prints, Run, Spec};
use crate::app::args::{Kind, Opt, UserRef, user_ref};
use crate::app::exit::{self, Failure};
use crate::app::group_arg::{self, GroupArg};
use crate::app::output::Output;
use crate::app::show::{short, short_group};
use docspace_people::{Client, Group, GroupFilter, UserId};
use serde_json::Value;

pub const LIST: Spec = Spec {
    name: "group list",
    args: "[--user USER | --manager USER]",
    summary: "list the groups, or those of a member or a manager",
    about: "\
Lists the portal's groups, a line each: ID NAME, its manager and how many members it has
(terminated members are not counted: the portal leaves them out). With --user, the groups
USER is a member of; with --manager, the groups USER manages. USER is a user id or an
e-mail address. --json prints the portal's objects. Needs a room admin or DocSpace admin.",
    options: &[&MEMBER_OF, &MANAGED_BY],
    examples: &[
        "docspace-people group list",
        "docspace-people group list --manager ann@example.com",
    ],
    prints: Prints::Json,
    parse: |args| {
        args.no_words()?;
        let member = args.text(&MEMBER_OF)?.map(|u| user_ref(&u)).transpose()?;
        let manager = args.text(&MANAGED_BY)?.map(|u| user_ref(&u)).transpose()?;
        let by = match (member, manager) {
            (Some(_), Some(_)) => {
                return Err(Failure::Usage(
                    "give --user or --manager, not both".to_owned(),
                ));
            }
            (Some(user), None) => Some((user, false)),
            (None, Some(user)) => Some((user, true)),
            (None, None) => None,
        };
        Ok(Box::new(List { by }))
    },
};

const MEMBER_OF: Opt = Opt::value(
    "user",
    Kind::Text,
    "USER",
    "only the groups USER is a member of",
);
const MANAGED_BY: Opt = Opt::value(
    "manager",
    Kind::Text,
    "USER",
    "only the groups USER manages",
);

pub const GET: Spec = Spec {
    name: "group get",
    args: "GROUP...",
    summary: "a group's manager and members",
    about: "\
Prints each group named: ID NAME, its manager, and its members, a line each (terminated
members are not listed: the portal leaves them out). GROUP is a group id or a group's
exact name; a name two groups share is refused, with their ids. --json prints an array of
the portal's objects.",
    options: &[],
    examples: &[
        "docspace-people group get Sales",
        "docspace-people group get 5d0e0b1c-7f2e-4b7a-9a5c-2f1e6d3c4b5a --json",
    ],
    prints: Prints::Json,
    parse: |args| {
        if args.words.is_empty() {
            return Err(Failure::Usage(
                "'group get' needs at least one GROUP".to_owned(),
            ));
        }
        let groups = args
            .words
            .iter()
            .map(|w| GroupArg::of(w))
            .collect::<Result<_, _>>()?;
        Ok(Box::new(Get(groups)))
    },
};

#[derive(Debug, PartialEq, Eq)]
pub struct List {
    /// The groups of this user: as a member, or with `true` as their manager.
    pub by: Option<(UserRef, bool)>,
}

impl Command for List {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect()?;
        let filter = match &self.by {
            None => GroupFilter::All,
            Some((user, manager)) => {
                let id = user_id(&client, user)?;
                if *manager {
                    GroupFilter::ManagedBy(id)
                } else {
                    GroupFilter::MemberOf(id)
                }
            }
        };
        let groups = client.list_groups(&filter)?;
        for group in &groups {
            text(run.out, &group_line(group))?;
        }
        json_array(run.out, &groups)?;
        Ok(exit::DONE)
    }
}

/// The id of a user named by id or address (a look-up for an address).
pub fn user_id(client: &Client, user: &UserRef) -> Result<UserId, Failure> {
    match user {
        UserRef::Id(id) => Ok(*id),
        UserRef::Email(email) => client.get_user_by_email(email).map(|u| u.id).map_err(|e| {
            if e.is_not_found() {
                Failure::Missing(format!("the user {email} was not found"))
            } else {
                e.into()
            }
        }),
    }
}

/// `ID NAME  manager: ID NAME <EMAIL>  members: N`.
fn group_line(group: &Group) -> String {
    let manager = group.manager.as_ref().map_or("none".to_owned(), short);
    format!(
        "{}  manager: {manager}  members: {}",
        short_group(group),
        group.members_count
    )
}

/// The groups as `--json` prints them: the portal's objects, in an array.
fn json_array(out: &mut Output, groups: &[Group]) -> std::io::Result<()> {
    let values: Vec<Value> = groups
        .iter()
        .map(|g| serde_json::from_str(g.json()).unwrap_or(Value::Null))
        .collect();
    out.json(&Value::Array(values))
}

#[derive(Debug, PartialEq, Eq)]
pub struct Get(pub Vec<GroupArg>);

impl Command for Get {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect()?;
        let mut found = Vec::new();
        let mut failures = Vec::new();
        for arg in &self.0 {
            match group_arg::find(&client, arg, true) {
                Ok(group) => {
                    print_group(run.out, &group)?;
                    found.push(group);
                }
                Err(failure) => {
                    run.out.error(&failure)?;
                    failures.push(failure);
                }
            }
        }
        json_array(run.out, &found)?;
        Ok(exit::of_outcomes(found.len(), &failures))
    }
}

/// A line of a read command's data: printed even with `--quiet`, not with `--json`.
pub fn text(out: &mut Output, line: &str) -> std::io::Result<()> {
    if out.json {
        return Ok(());
    }
    out.data(&format!("{line}\n"))
}

fn print_group(out: &mut Output, group: &Group) -> std::io::Result<()> {
    text(out, &short_group(group))?;
    let manager = group.manager.as_ref().map_or("none".to_owned(), short);
    text(out, &format!("  manager: {manager}"))?;
    let members = group.members.as_deref().unwrap_or_default();
    text(out, &format!("  members: {}", members.len()))?;
    for member in members {
        text(out, &format!("    {}", short(member)))?;
    }
    if group.is_ldap {
        text(out, "  synced from LDAP")?;
    }
    Ok(())
}
