//! API keys: the one a client uses, every key of the portal, and revoking one.

use crate::UserId;
use crate::client::{Client, Request};
use crate::error::{Error, ErrorKind};
use crate::model::{api_date, nullable};
use serde::{Deserialize, Deserializer};
use std::time::SystemTime;

crate::guid::guid_type!(
    /// The id of an API key (not the key itself, which the portal never shows again).
    ApiKeyId,
    "API key id"
);

/// An API key as the portal describes it (`ApiKeyResponseDto`, DocSpace 3.5 and later).
/// The key itself is never in it: the portal shows a key once, when it is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// The key's id, to revoke it by.
    pub id: ApiKeyId,
    /// The name it was given when it was created.
    pub name: String,
    /// Whose key it is: it acts as this user, and stops working while the user is not
    /// active, to work again once the user is reactivated.
    pub created_by: Option<UserId>,
    /// When it was last used, in the portal's text; `None` if never.
    pub last_used: Option<String>,
    /// When it stops working; `None` for a key that never expires.
    pub expires_at: Option<SystemTime>,
    /// The portal's text of that time, as it sent it.
    pub expires: Option<String>,
    /// Switched off by its owner or an admin (a key that is not active does not work).
    pub is_active: bool,
}

/// The fields of [`ApiKey`] as they are named on the wire.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeyFields {
    id: ApiKeyId,
    #[serde(default, deserialize_with = "nullable")]
    name: String,
    #[serde(default)]
    create_by: Option<Creator>,
    #[serde(default, deserialize_with = "api_date")]
    last_used: String,
    #[serde(default, deserialize_with = "api_date")]
    expires_at: String,
    #[serde(default)]
    is_active: Option<bool>,
}

/// `createBy`: the creator's short user object (`EmployeeDto`), or, as some answers
/// write it, its id alone.
#[derive(Deserialize)]
#[serde(untagged)]
enum Creator {
    Id(UserId),
    User { id: UserId },
}

impl<'de> Deserialize<'de> for ApiKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ApiKey, D::Error> {
        let f = KeyFields::deserialize(deserializer)?;
        let text = |s: String| (!s.is_empty()).then_some(s);
        let expires = text(f.expires_at);
        Ok(ApiKey {
            id: f.id,
            name: f.name,
            created_by: f.create_by.map(|c| match c {
                Creator::Id(id) | Creator::User { id } => id,
            }),
            last_used: text(f.last_used),
            expires_at: expires.as_deref().and_then(crate::date::api_time),
            expires,
            is_active: f.is_active.unwrap_or(true),
        })
    }
}

impl Request {
    /// `GET /api/2.0/keys/@self`.
    pub fn api_key() -> Request {
        Request::new("GET", "/api/2.0/keys/@self".to_owned())
    }

    /// `GET /api/2.0/keys`.
    pub fn list_api_keys() -> Request {
        Request::new("GET", "/api/2.0/keys".to_owned())
    }

    /// `DELETE /api/2.0/keys/{id}`.
    pub fn delete_api_key(id: ApiKeyId) -> Request {
        Request::new("DELETE", format!("/api/2.0/keys/{id}"))
    }
}

impl Client {
    /// The API key this client sends; `None` when the credential is no API key (a session
    /// token) or the portal is older than DocSpace 3.5.
    pub fn api_key(&self) -> Result<Option<ApiKey>, Error> {
        match self.fetch::<ApiKey>(&Request::api_key(), "read the API key") {
            Ok(key) => Ok(Some(key)),
            Err(e)
                if e.is_not_found()
                    || (e.kind() == ErrorKind::Protocol && e.status() == Some(404)) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// The API keys the caller may see (`GET /api/2.0/keys`): every key of the portal for
    /// a DocSpace admin, **only the caller's own** for anyone else. An empty list from a
    /// caller who is not a DocSpace admin says nothing about other users' keys.
    pub fn list_api_keys(&self) -> Result<Vec<ApiKey>, Error> {
        self.fetch(&Request::list_api_keys(), "list the API keys")
    }

    /// Deletes an API key for good (`DELETE /api/2.0/keys/{id}`): it stops working at
    /// once, and reactivating its owner does not bring it back. A DocSpace admin may
    /// delete any key, anyone else only their own: the portal answers another's with
    /// `false`, which is an error of kind [`ErrorKind::NotDone`] here.
    ///
    /// The portal answers an id it does not have (a key already deleted) with a 500, so
    /// a failure is worth checking against [`Client::list_api_keys`].
    pub fn delete_api_key(&self, id: ApiKeyId) -> Result<(), Error> {
        let action = format!("revoke the API key {id}");
        match self.fetch::<bool>(&Request::delete_api_key(id), &action)? {
            true => Ok(()),
            false => Err(Error::new(
                ErrorKind::NotDone,
                action,
                "the portal answered false: only a DocSpace admin may delete another user's key",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_as_the_portal_describes_them() {
        let key: ApiKey = serde_json::from_value(serde_json::json!({
            "id": "00000000-0000-4000-a000-000000000002",
            "name": "ci",
            "key": "sk-***beef",
            "keyPostfix": "beef",
            "permissions": [],
            "lastUsed": "2026-07-01T10:00:00.0000000+02:00",
            "createOn": "2026-06-01T10:00:00.0000000Z",
            "createBy": {"id": "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a", "displayName": "Ann Lee"},
            "isActive": false
        }))
        .unwrap();
        assert_eq!(key.name, "ci");
        assert_eq!(
            key.created_by,
            Some("0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a".parse().unwrap())
        );
        assert_eq!(
            key.last_used.as_deref(),
            Some("2026-07-01T10:00:00.0000000+02:00")
        );
        assert_eq!((key.expires_at, key.is_active), (None, false));
        let by_id: ApiKey = serde_json::from_value(serde_json::json!({
            "id": "00000000-0000-4000-a000-000000000002",
            "createBy": "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a",
            "expiresAt": "2027-01-01T00:00:00.0000000Z"
        }))
        .unwrap();
        assert!(by_id.created_by.is_some() && by_id.expires_at.is_some() && by_id.is_active);
    }
}
