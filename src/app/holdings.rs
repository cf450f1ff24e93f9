//! What a user holds besides its rooms and files: the groups it manages and is a member
//! of, and its API keys. Read once a run for all its users (one paged group listing, one
//! key listing), and said for each user as the fate a change gives it.

use super::exit::Failure;
use super::show::{printable, short};
use docspace_people::{ApiKey, Client, Group, GroupFilter, GroupRef, User, UserId, UserType};
use std::collections::HashMap;

/// What the portal holds of everyone, as one run reads it, by user.
pub struct Held {
    /// Every group, each with its manager.
    groups: Vec<Group>,
    /// The groups each user manages, as indices into `groups`.
    managers: HashMap<UserId, Vec<usize>>,
    /// Every API key of the portal by its creator, or `None` when the caller may not
    /// list them.
    keys: Option<HashMap<UserId, Vec<ApiKey>>>,
}

/// Why the keys are unknown, when they are.
pub const KEYS_UNKNOWN: &str = "unknown: only a DocSpace admin can list other users' API keys (the portal lists a caller's own only)";

/// Every API key of the portal (one listing, which only a DocSpace admin may read in
/// full), by the user who made it.
pub fn keys_by_creator(client: &Client) -> Result<HashMap<UserId, Vec<ApiKey>>, Failure> {
    let listed = client
        .list_api_keys()
        .map_err(|e| Failure::from(e.during("read the portal's API keys")))?;
    let mut keys: HashMap<UserId, Vec<ApiKey>> = HashMap::new();
    for key in listed {
        if let Some(creator) = key.created_by {
            keys.entry(creator).or_default().push(key);
        }
    }
    Ok(keys)
}

impl Held {
    /// The portal's groups, and its keys when `caller` is a DocSpace admin (the portal
    /// shows anyone else only their own, which says nothing of other users').
    pub fn read(client: &Client, caller: &User) -> Result<Held, Failure> {
        let groups = client
            .list_groups(&GroupFilter::All)
            .map_err(|e| Failure::from(e.during("read the portal's groups")))?;
        let mut managers: HashMap<UserId, Vec<usize>> = HashMap::new();
        for (at, group) in groups.iter().enumerate() {
            if let Some(manager) = &group.manager {
                managers.entry(manager.id).or_default().push(at);
            }
        }
        let keys = if caller.user_type() == UserType::DocSpaceAdmin {
            Some(keys_by_creator(client)?)
        } else {
            None
        };
        Ok(Held {
            groups,
            managers,
            keys,
        })
    }

    /// The groups `user` manages.
    pub fn managed_by(&self, user: UserId) -> Vec<&Group> {
        self.managers
            .get(&user)
            .map(|at| at.iter().map(|&at| &self.groups[at]).collect())
            .unwrap_or_default()
    }

    /// The API keys `user` made; `None` when the caller may not know them.
    pub fn keys_of(&self, user: UserId) -> Option<Vec<&ApiKey>> {
        self.keys.as_ref().map(|keys| {
            keys.get(&user)
                .map(|keys| keys.iter().collect())
                .unwrap_or_default()
        })
    }
}

/// What a change does to the holdings of a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaving {
    /// Terminated: the account stays, and may be reactivated.
    Terminated,
    /// Deleted: the account is gone for good.
    Deleted,
    /// Made a guest: out of every group.
    Guest,
    /// Made a user: everything stays.
    User,
}

/// `'Sales', 'Ops'`.
pub fn group_names<'g>(groups: impl IntoIterator<Item = &'g str>) -> String {
    groups
        .into_iter()
        .map(|name| format!("'{}'", printable(name)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `'ci', 'deploy'`.
pub fn key_names(keys: &[&ApiKey]) -> String {
    keys.iter()
        .map(|k| format!("'{}'", printable(&k.name)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What becomes of the groups `managed` when the user leaves: handed to `heir`, kept by
/// a terminated (or demoted) manager, or left without a manager.
pub fn managed_fate(managed: &[&Group], leaving: Leaving, heir: Option<&User>) -> Option<String> {
    if managed.is_empty() {
        return None;
    }
    let names = group_names(managed.iter().map(|g| g.name.as_str()));
    let plural = if managed.len() == 1 {
        "group"
    } else {
        "groups"
    };
    Some(match (leaving, heir) {
        (Leaving::Deleted | Leaving::Guest, Some(heir)) => {
            format!("manages {plural} {names}: manager becomes {}", short(heir))
        }
        (Leaving::Deleted | Leaving::Guest, None) => {
            format!("manages {plural} {names}, which lose their manager")
        }
        (Leaving::Terminated, _) => {
            format!("still manages {plural} {names} while terminated")
        }
        (Leaving::User, _) => format!("still manages {plural} {names}"),
    })
}

/// What becomes of the memberships `groups`.
pub fn member_fate(groups: &[GroupRef], leaving: Leaving) -> Option<String> {
    if groups.is_empty() {
        return None;
    }
    let names = group_names(groups.iter().map(|g| g.name.as_str()));
    Some(match leaving {
        Leaving::Deleted => format!("member of {names}: removed with the account"),
        Leaving::Guest => format!("member of {names}: removed by the demotion"),
        Leaving::Terminated | Leaving::User => format!("member of {names}: kept"),
    })
}

/// What becomes of the API keys `keys` (`None`: unknown): revoked, or kept.
pub fn keys_fate(keys: Option<&[&ApiKey]>, leaving: Leaving, revoke: bool) -> Option<String> {
    let Some(keys) = keys else {
        return Some(format!("API keys {KEYS_UNKNOWN}"));
    };
    if keys.is_empty() {
        return None;
    }
    let names = key_names(keys);
    let (one, them, never) = if keys.len() == 1 {
        ("API key", "it works", "it never works")
    } else {
        ("API keys", "they work", "they never work")
    };
    Some(match (leaving, revoke) {
        (Leaving::Terminated | Leaving::Deleted, true) => format!("{one} {names} revoked"),
        (Leaving::Terminated, false) => {
            format!("{one} {names} kept: {them} again if the account is reactivated")
        }
        (Leaving::Deleted, false) => {
            format!("{one} {names} kept: {never} again once the account is deleted")
        }
        (Leaving::Guest | Leaving::User, _) => format!("{one} {names} kept"),
    })
}

/// The parts of a fate that are said, joined.
pub fn joined(parts: impl IntoIterator<Item = Option<String>>) -> Option<String> {
    let parts: Vec<String> = parts.into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}
