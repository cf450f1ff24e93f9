//! A group as named on the command line: by its id, or by its exact name, which must be
//! one group's (the portal lets two groups share a name).

use super::exit::Failure;
use super::show::printable;
use docspace_people::{Client, Group, GroupFilter, GroupId};
use std::fmt;

/// A group as given: `GROUP`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupArg {
    Id(GroupId),
    Name(String),
}

impl GroupArg {
    /// A GUID is an id; anything else a name.
    pub fn of(word: &str) -> Result<GroupArg, Failure> {
        if let Ok(id) = word.parse() {
            return Ok(GroupArg::Id(id));
        }
        if word.trim().is_empty() {
            return Err(Failure::Usage(
                "a group is named by its id or its name, not by an empty word".to_owned(),
            ));
        }
        Ok(GroupArg::Name(word.to_owned()))
    }
}

impl fmt::Display for GroupArg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupArg::Id(id) => id.fmt(f),
            GroupArg::Name(name) => write!(f, "'{}'", printable(name)),
        }
    }
}

/// The group `arg` names, with its manager; with its members when `members` (a group
/// named by its name is then read again by id, as a listing leaves members out).
///
/// A name is matched exactly against the groups whose name contains it; none is
/// `not found` (exit 67), more than one is refused (exit 64) with their ids.
pub fn find(client: &Client, arg: &GroupArg, members: bool) -> Result<Group, Failure> {
    let missing = |what: String| {
        Failure::Missing(format!(
            "{what}; 'docspace-people group list' shows the groups"
        ))
    };
    match arg {
        GroupArg::Id(id) => client.get_group(*id).map_err(|e| {
            if e.is_not_found() {
                missing(format!("no group has the id {id}"))
            } else {
                e.during(format!("find the group {id}")).into()
            }
        }),
        GroupArg::Name(name) => {
            let listed = client
                .list_groups(&GroupFilter::Search(name.clone()))
                .map_err(|e| Failure::from(e.during(format!("find the group {arg}"))))?;
            let mut named: Vec<Group> = listed.into_iter().filter(|g| &g.name == name).collect();
            match named.len() {
                0 => Err(missing(format!(
                    "no group is named {arg} (names are matched exactly)"
                ))),
                1 if members => find(client, &GroupArg::Id(named[0].id), true),
                1 => Ok(named.remove(0)),
                _ => {
                    let ids: Vec<String> = named.iter().map(|g| g.id.to_string()).collect();
                    Err(Failure::Usage(format!(
                        "{} groups are named {arg}: {}; name the group by its id",
                        named.len(),
                        ids.join(", ")
                    )))
                }
            }
        }
    }
}
