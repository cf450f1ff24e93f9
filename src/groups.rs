//! The portal's groups: listing them, one group with its members, creating and deleting
//! one, changing its members and its manager.

use crate::UserId;
use crate::client::{Client, Request, encode_query};
use crate::error::{Error, ErrorKind};
use crate::model::{User, nullable};
use crate::people::joined;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use std::collections::HashSet;

crate::guid::guid_type!(
    /// The id of a group of the portal: a GUID, like a [`UserId`].
    GroupId,
    "group id"
);

/// A group as the portal describes it (`GroupDto`).
///
/// The portal's own JSON of the group is kept as it arrived ([`Group::json`]).
#[derive(Debug, Clone)]
pub struct Group {
    /// The group's id.
    pub id: GroupId,
    /// Its name; two groups may have the same one.
    pub name: String,
    /// Its manager; `None` when it has none (a manager who was deleted leaves none).
    pub manager: Option<User>,
    /// Its members, the manager among them as a rule; `None` when the answer left them
    /// out, as a listing does ([`Group::members_count`] still counts them).
    pub members: Option<Vec<User>>,
    /// How many members it has, as the portal counts them.
    pub members_count: usize,
    /// Synced from an LDAP directory.
    pub is_ldap: bool,
    raw: Box<str>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GroupFields {
    id: GroupId,
    #[serde(default, deserialize_with = "nullable")]
    name: String,
    #[serde(default)]
    manager: Option<User>,
    #[serde(default)]
    members: Option<Vec<User>>,
    #[serde(default, deserialize_with = "nullable")]
    members_count: usize,
    #[serde(default, rename = "isLDAP", deserialize_with = "nullable")]
    is_ldap: bool,
}

impl<'de> Deserialize<'de> for Group {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Group, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let f: GroupFields = serde_json::from_str(raw.get()).map_err(D::Error::custom)?;
        Ok(Group {
            id: f.id,
            name: f.name,
            manager: f.manager,
            members: f.members,
            members_count: f.members_count,
            is_ldap: f.is_ldap,
            raw: raw.into(),
        })
    }
}

impl Serialize for Group {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        let raw: &RawValue = serde_json::from_str(&self.raw).map_err(S::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl Group {
    /// The portal's JSON of this group, exactly as received.
    pub fn json(&self) -> &str {
        &self.raw
    }

    /// Whether `user` manages the group.
    pub fn managed_by(&self, user: UserId) -> bool {
        self.manager.as_ref().is_some_and(|m| m.id == user)
    }

    /// Whether `user` is a member; `None` when the answer did not list the members.
    pub fn has_member(&self, user: UserId) -> Option<bool> {
        self.members
            .as_ref()
            .map(|members| members.iter().any(|m| m.id == user))
    }
}

/// A group a user is a member of, as the user's own profile lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRef {
    /// The group's id.
    pub id: GroupId,
    /// Its name.
    pub name: String,
}

impl User {
    /// The groups the user is a member of, as the portal's answer about the user lists
    /// them (`groups`): the portal's own groups, not its system ones (DocSpace admins,
    /// room admins…, which are the user's type). Empty when the answer has none, also
    /// when the caller may not see them (a user, not an admin, asking about someone
    /// else).
    pub fn groups(&self) -> Vec<GroupRef> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Summary {
            id: GroupId,
            #[serde(default, deserialize_with = "nullable")]
            name: String,
            #[serde(default, deserialize_with = "nullable")]
            is_system: bool,
        }
        #[derive(Deserialize)]
        struct Groups {
            #[serde(default, deserialize_with = "nullable")]
            groups: Vec<Summary>,
        }
        serde_json::from_str::<Groups>(self.json())
            .map(|g| g.groups)
            .unwrap_or_default()
            .into_iter()
            .filter(|g| !g.is_system)
            .map(|g| GroupRef {
                id: g.id,
                name: g.name,
            })
            .collect()
    }
}

/// Which groups [`Client::list_groups`] lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupFilter {
    /// Every group.
    All,
    /// The groups whose name contains this text, in any case.
    Search(String),
    /// The groups this user is a member of.
    MemberOf(UserId),
    /// The groups this user manages.
    ManagedBy(UserId),
}

/// The largest page `GET /group` serves.
const PAGE: usize = 100;

/// How often a listing starts again before it gives up on a portal that keeps changing.
const RESTARTS: u32 = 3;

#[derive(Serialize)]
struct Members<'a> {
    members: &'a [UserId],
}

impl Request {
    /// `GET /api/2.0/group`, the page of `filter`'s groups from `from`.
    pub fn list_groups(filter: &GroupFilter, from: usize) -> Request {
        let query = match filter {
            GroupFilter::All => String::new(),
            GroupFilter::Search(text) => format!("&filterValue={}", encode_query(text)),
            GroupFilter::MemberOf(user) => format!("&userId={user}"),
            GroupFilter::ManagedBy(user) => format!("&userId={user}&manager=true"),
        };
        Request::new(
            "GET",
            format!("/api/2.0/group?count={PAGE}&startIndex={from}{query}"),
        )
    }

    /// `GET /api/2.0/group/{id}`, with its members.
    pub fn get_group(id: GroupId) -> Request {
        Request::new("GET", format!("/api/2.0/group/{id}"))
    }

    /// `POST /api/2.0/group`.
    pub fn create_group(name: &str, manager: Option<UserId>, members: &[UserId]) -> Request {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            group_name: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            group_manager: Option<UserId>,
            members: &'a [UserId],
        }
        Request::new("POST", "/api/2.0/group".to_owned()).json(&Body {
            group_name: name,
            group_manager: manager,
            members,
        })
    }

    /// `PUT /api/2.0/group/{id}/members`: adds these members.
    pub fn add_group_members(id: GroupId, members: &[UserId]) -> Request {
        Request::new("PUT", format!("/api/2.0/group/{id}/members")).json(&Members { members })
    }

    /// `DELETE /api/2.0/group/{id}/members`: removes these members.
    pub fn remove_group_members(id: GroupId, members: &[UserId]) -> Request {
        Request::new("DELETE", format!("/api/2.0/group/{id}/members")).json(&Members { members })
    }

    /// `PUT /api/2.0/group/{id}/manager`.
    pub fn set_group_manager(id: GroupId, user: UserId) -> Request {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body {
            user_id: UserId,
        }
        Request::new("PUT", format!("/api/2.0/group/{id}/manager")).json(&Body { user_id: user })
    }

    /// `DELETE /api/2.0/group/{id}`.
    pub fn delete_group(id: GroupId) -> Request {
        Request::new("DELETE", format!("/api/2.0/group/{id}"))
    }
}

impl Client {
    /// The groups `filter` selects, read page by page from `GET /api/2.0/group` (each
    /// with its manager, without its members), sorted by name.
    ///
    /// The portal sorts by name without a tie-breaker and pages by offset, so two groups
    /// of one name could trade places between pages; the listing is read again when a
    /// page overlaps the one before, the total changes, or fewer groups than the total
    /// came out, up to three times, then fails with an error of kind
    /// [`ErrorKind::Temporary`].
    pub fn list_groups(&self, filter: &GroupFilter) -> Result<Vec<Group>, Error> {
        let mut restarts = 0;
        'pass: loop {
            let mut groups: Vec<Group> = Vec::new();
            let mut seen = HashSet::new();
            let mut last_page: Vec<GroupId> = Vec::new();
            let mut first_total = None;
            loop {
                let from = groups.len();
                let action = format!("list the groups from {from}");
                let body = self.fetch_body(&Request::list_groups(filter, from), &action)?;
                let (page, total) =
                    self.read_list::<Group>(&action, body, crate::client::read_envelope)?;
                let total = total.and_then(|t| usize::try_from(t).ok());
                let overlaps = page.iter().any(|g| last_page.contains(&g.id));
                let moved = matches!((first_total, total), (Some(a), Some(b)) if a != b);
                let short = page.len() < PAGE;
                let counted = total.is_some_and(|t| from + page.len() >= t);
                last_page = page.iter().map(|g| g.id).collect();
                first_total = first_total.or(total);
                for group in page {
                    if seen.insert(group.id) {
                        groups.push(group);
                    }
                }
                let end = short || counted || last_page.is_empty();
                let fell_short = end && total.is_some_and(|t| groups.len() < t);
                if overlaps || moved || fell_short {
                    if restarts == RESTARTS {
                        return Err(Error::new(
                            ErrorKind::Temporary,
                            action,
                            format!(
                                "the groups changed while they were being read, {} times in a row",
                                RESTARTS + 1
                            ),
                        ));
                    }
                    restarts += 1;
                    continue 'pass;
                }
                if end {
                    return Ok(groups);
                }
            }
        }
    }

    /// The group with this id, with its manager and members (`GET /api/2.0/group/{id}`).
    pub fn get_group(&self, id: GroupId) -> Result<Group, Error> {
        self.fetch(&Request::get_group(id), &format!("get the group {id}"))
    }

    /// Creates a group (`POST /api/2.0/group`), with its manager (who also becomes a
    /// member) and members. The portal refuses the whole request when any of them is
    /// unknown, terminated or a guest. It does not refuse a name another group has.
    pub fn create_group(
        &self,
        name: &str,
        manager: Option<UserId>,
        members: &[UserId],
    ) -> Result<Group, Error> {
        self.fetch(
            &Request::create_group(name, manager, members),
            &format!("create the group '{name}'"),
        )
    }

    /// Adds members to a group (`PUT /api/2.0/group/{id}/members`) and returns the group
    /// as it is then. The portal skips, without a word, a user who is unknown,
    /// terminated or a guest: look for each one in [`Group::members`].
    pub fn add_group_members(&self, id: GroupId, members: &[UserId]) -> Result<Group, Error> {
        let action = format!("add {} to the group {id}", joined(members));
        self.fetch(&Request::add_group_members(id, members), &action)
    }

    /// Removes members from a group (`DELETE /api/2.0/group/{id}/members`) and returns
    /// the group as it is then. A member who managed it leaves it without a manager.
    pub fn remove_group_members(&self, id: GroupId, members: &[UserId]) -> Result<Group, Error> {
        let action = format!("remove {} from the group {id}", joined(members));
        self.fetch(&Request::remove_group_members(id, members), &action)
    }

    /// Makes `user` the manager of a group (`PUT /api/2.0/group/{id}/manager`), and a
    /// member; the manager before stays a member.
    ///
    /// The portal answers success without changing anything for a user who is
    /// terminated or a guest: the answer's manager is checked, and a group whose
    /// manager is not `user` afterwards is an error of kind [`ErrorKind::NotDone`].
    pub fn set_group_manager(&self, id: GroupId, user: UserId) -> Result<Group, Error> {
        let action = format!("make {user} the manager of the group {id}");
        let group: Group = self.fetch(&Request::set_group_manager(id, user), &action)?;
        if group.managed_by(user) {
            return Ok(group);
        }
        Err(Error::new(
            ErrorKind::NotDone,
            action,
            "the portal answered without making the user the group's manager, as it does for a user who is terminated or a guest",
        ))
    }

    /// Deletes a group (`DELETE /api/2.0/group/{id}`); its members stay.
    pub fn delete_group(&self, id: GroupId) -> Result<(), Error> {
        let action = format!("delete the group {id}");
        self.send::<serde::de::IgnoredAny>(&Request::delete_group(id), &action)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str) -> serde_json::Value {
        serde_json::json!({"id": id, "displayName": "A B", "status": 1})
    }

    #[test]
    fn groups_with_and_without_their_members() {
        let (ann, bob) = (
            "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a",
            "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5b",
        );
        let listed: Group = serde_json::from_value(serde_json::json!({
            "name": "Sales", "parent": "00000000-0000-0000-0000-000000000000",
            "category": "00000000-0000-0000-0000-000000000000",
            "id": "5d0e0b1c-7f2e-4b7a-9a5c-2f1e6d3c4b5a", "isLDAP": false,
            "manager": user(ann), "membersCount": 2
        }))
        .unwrap();
        let ann: UserId = ann.parse().unwrap();
        let bob: UserId = bob.parse().unwrap();
        assert!(listed.managed_by(ann) && !listed.managed_by(bob));
        assert_eq!((listed.has_member(ann), listed.members_count), (None, 2));
        let full: Group = serde_json::from_value(serde_json::json!({
            "name": "Ops", "id": "5d0e0b1c-7f2e-4b7a-9a5c-2f1e6d3c4b5b",
            "members": [user(&bob.to_string())], "membersCount": 1
        }))
        .unwrap();
        assert!(full.manager.is_none());
        assert_eq!(full.has_member(bob), Some(true));
        assert!(full.json().contains("\"Ops\""));
    }

    #[test]
    fn a_users_groups_leave_the_system_ones_out() {
        let user: User = serde_json::from_value(serde_json::json!({
            "id": "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a",
            "groups": [
                {"id": "5d0e0b1c-7f2e-4b7a-9a5c-2f1e6d3c4b5a", "name": "Sales", "manager": "ann"},
                {"id": "5d0e0b1c-7f2e-4b7a-9a5c-2f1e6d3c4b5b", "name": "Everyone", "isSystem": true}
            ]
        }))
        .unwrap();
        let groups = user.groups();
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].name, "Sales");
        let none: User = serde_json::from_value(user_json_without_groups()).unwrap();
        assert!(none.groups().is_empty());
    }

    fn user_json_without_groups() -> serde_json::Value {
        serde_json::json!({"id": "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a", "department": ""})
    }

    #[test]
    fn listing_requests_name_the_filter() {
        let ann: UserId = "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a".parse().unwrap();
        assert_eq!(
            Request::list_groups(&GroupFilter::ManagedBy(ann), 100).path,
            format!("/api/2.0/group?count=100&startIndex=100&userId={ann}&manager=true")
        );
        assert_eq!(
            Request::list_groups(&GroupFilter::Search("R&D".into()), 0).path,
            "/api/2.0/group?count=100&startIndex=0&filterValue=R%26D"
        );
    }
}
