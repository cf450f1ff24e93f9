//! What the portal sends and takes: users, their types and statuses.

use crate::{Email, UserId};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use std::fmt;

/// A portal account as the portal describes it (`EmployeeFullDto`, or the shorter
/// `EmployeeDto` from invitations, where only `id` and `display_name` are filled).
///
/// The portal's own JSON of the user is kept as it arrived ([`User::json`]), so that
/// `--json` prints every field the portal sent, in its order, while the fields this crate
/// uses are decoded directly, without buffering the object twice.
#[derive(Debug, Clone)]
pub struct User {
    /// The account's id.
    pub id: UserId,
    /// The name the portal shows, HTML-encoded; "Profile removed" for a deleted user.
    pub display_name: String,
    /// Empty when the portal sent none.
    pub first_name: String,
    /// Empty when the portal sent none.
    pub last_name: String,
    /// The sign-in name.
    pub user_name: String,
    /// The address as the portal has it (not checked: the portal may hold any).
    pub email: String,
    /// Active, terminated or pending.
    pub status: Status,
    /// 0 not activated, 1 activated, 2 pending activation, as the portal numbers it.
    pub activation_status: i64,
    /// The portal's owner.
    pub is_owner: bool,
    /// A DocSpace admin.
    pub is_admin: bool,
    /// A room admin (a paid seat).
    pub is_room_admin: bool,
    /// A user who may edit but not create rooms.
    pub is_collaborator: bool,
    /// A guest.
    pub is_visitor: bool,
    /// `yyyy-MM-ddTHH:mm:ss.fffffff` with the portal's time zone; empty when not sent.
    pub registration_date: String,
    /// When the account was terminated, in the same form; empty when the portal did not
    /// record it (`PUT /people/status/Terminated` does not, `Client::disable_user` does).
    pub terminated: String,
    /// An account of an LDAP directory, which the portal's delete refuses.
    pub is_ldap: bool,
    raw: Box<RawValue>,
}

/// The fields of [`User`] as they are named on the wire.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserFields {
    id: UserId,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    user_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    status: Status,
    #[serde(default)]
    activation_status: i64,
    #[serde(default)]
    is_owner: bool,
    #[serde(default)]
    is_admin: bool,
    #[serde(default)]
    is_room_admin: bool,
    #[serde(default)]
    is_collaborator: bool,
    #[serde(default)]
    is_visitor: bool,
    #[serde(default)]
    registration_date: String,
    #[serde(default)]
    terminated: Option<String>,
    #[serde(default, rename = "isLDAP")]
    is_ldap: bool,
}

impl<'de> Deserialize<'de> for User {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<User, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let f: UserFields = serde_json::from_str(raw.get()).map_err(D::Error::custom)?;
        Ok(User {
            id: f.id,
            display_name: f.display_name,
            first_name: f.first_name,
            last_name: f.last_name,
            user_name: f.user_name,
            email: f.email,
            status: f.status,
            activation_status: f.activation_status,
            is_owner: f.is_owner,
            is_admin: f.is_admin,
            is_room_admin: f.is_room_admin,
            is_collaborator: f.is_collaborator,
            is_visitor: f.is_visitor,
            registration_date: f.registration_date,
            terminated: f.terminated.unwrap_or_default(),
            is_ldap: f.is_ldap,
            raw,
        })
    }
}

impl Serialize for User {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}

impl PartialEq for User {
    fn eq(&self, other: &User) -> bool {
        self.raw.get() == other.raw.get()
    }
}

impl User {
    /// The portal's JSON of this user, exactly as received.
    pub fn json(&self) -> &str {
        self.raw.get()
    }

    /// When the portal recorded the account's termination, if it did.
    pub fn terminated_at(&self) -> Option<std::time::SystemTime> {
        crate::date::api_time(&self.terminated)
    }

    /// The account type, derived from the portal's flags the way the portal derives it.
    pub fn user_type(&self) -> UserType {
        if self.is_owner || self.is_admin {
            UserType::DocSpaceAdmin
        } else if self.is_room_admin {
            UserType::RoomAdmin
        } else if self.is_visitor {
            UserType::Guest
        } else {
            UserType::User
        }
    }

    /// The person's name as plain text.
    ///
    /// Built from the first and last name where the portal gave them, because the display
    /// name of a deleted user is "Profile removed"; otherwise the display name (an e-mail
    /// address for someone invited who never registered), which the portal HTML-encodes.
    pub fn name(&self) -> String {
        let full = format!("{} {}", self.first_name, self.last_name);
        match full.trim() {
            "" => html_decode(&self.display_name),
            name => name.to_owned(),
        }
    }
}

/// An account's status. The portal sends it as a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(from = "i64", into = "i64")]
pub enum Status {
    /// May sign in.
    Active,
    /// Suspended: may not sign in, and may be deleted.
    Terminated,
    /// Invited but never registered.
    Pending,
    /// A value this crate does not know; kept so nothing is lost.
    Other(i64),
    /// The portal sent no status (the short user objects of invitations).
    #[default]
    Unknown,
}

impl From<i64> for Status {
    fn from(n: i64) -> Status {
        match n {
            1 => Status::Active,
            2 => Status::Terminated,
            4 => Status::Pending,
            n => Status::Other(n),
        }
    }
}

impl From<Status> for i64 {
    fn from(s: Status) -> i64 {
        match s {
            Status::Active => 1,
            Status::Terminated => 2,
            Status::Pending => 4,
            Status::Other(n) => n,
            Status::Unknown => 0,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Active => f.write_str("active"),
            Status::Terminated => f.write_str("terminated"),
            Status::Pending => f.write_str("pending"),
            Status::Other(n) => write!(f, "status-{n}"),
            Status::Unknown => f.write_str("unknown"),
        }
    }
}

/// An account type. Sent to the portal by its name (`"User"`), which the portal requires
/// to be given explicitly: an omitted type means "All", a paid room admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum UserType {
    /// A member who works in rooms others manage.
    #[default]
    User,
    /// A member who creates and manages rooms (a paid seat).
    RoomAdmin,
    /// An administrator of the whole portal (a paid seat).
    DocSpaceAdmin,
    /// Someone a room was shared with; never created or invited directly.
    Guest,
}

impl UserType {
    /// The name used on the command line and in output.
    pub fn as_str(self) -> &'static str {
        match self {
            UserType::User => "user",
            UserType::RoomAdmin => "room-admin",
            UserType::DocSpaceAdmin => "docspace-admin",
            UserType::Guest => "guest",
        }
    }
}

impl fmt::Display for UserType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The data of a user to create (`POST /api/2.0/people`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewUser {
    /// Required by the portal, and held to its rule for names.
    pub first_name: String,
    /// May be empty.
    pub last_name: String,
    /// Where the portal sends the activation link.
    pub email: Email,
    /// Always sent: the portal takes an omitted type for a paid room admin.
    #[serde(rename = "type")]
    pub user_type: UserType,
}

/// One invitation of `POST /api/2.0/people/invite`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invitation {
    /// Who is invited.
    pub email: Email,
    /// The type the account gets on joining.
    #[serde(rename = "type")]
    pub user_type: UserType,
}

fn html_decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_full_user_and_keeps_unknown_fields() {
        let json = r#"{"firstName":"John","lastName":"Doe","userName":"john.doe",
            "email":"john.doe@example.com","status":2,"activationStatus":2,"isAdmin":false,
            "isRoomAdmin":false,"isOwner":false,"isVisitor":false,"isCollaborator":true,
            "id":"0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a","displayName":"John &amp; Doe",
            "hasAvatar":false,"registrationDate":"2026-07-01T10:00:00.0000000Z"}"#;
        let user: User = serde_json::from_str(json).unwrap();
        assert_eq!(user.status, Status::Terminated);
        assert_eq!(user.user_type(), UserType::User);
        assert_eq!(user.name(), "John Doe");
        let pending: User = serde_json::from_str(
            r#"{"id":"0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5b","displayName":"a&amp;b@c.co"}"#,
        )
        .unwrap();
        assert_eq!(pending.name(), "a&b@c.co");
        assert_eq!(user.registration_date, "2026-07-01T10:00:00.0000000Z");
        assert!(
            user.json().starts_with(r#"{"firstName":"John","#),
            "kept as sent"
        );
        let back = serde_json::to_value(&user).unwrap();
        assert_eq!(back["hasAvatar"], false);
        assert_eq!(back["status"], 2);
    }

    #[test]
    fn short_invitation_entries_are_users_too() {
        let user: User = serde_json::from_str(
            r#"{"id":"0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5b","displayName":"a@b.co"}"#,
        )
        .unwrap();
        assert_eq!(user.status, Status::Unknown);
    }

    #[test]
    fn new_user_always_names_its_type() {
        let new = NewUser {
            first_name: "A".into(),
            last_name: String::new(),
            email: "a@b.co".parse().unwrap(),
            user_type: UserType::default(),
        };
        assert_eq!(
            serde_json::to_string(&new).unwrap(),
            r#"{"firstName":"A","lastName":"","email":"a@b.co","type":"User"}"#
        );
    }
}
