//! Operations on portal accounts: create, look up, terminate, reactivate, delete, invite.

use crate::client::{Client, encode_query};
use crate::error::Error;
use crate::model::{Invitation, NewUser, User, UserType, is_email, is_user_id};
use serde::Serialize;

/// The body of the portal's batch endpoints. `resendAll` is ignored by the portal but
/// sent as its own clients send it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserIds<'a> {
    pub user_ids: &'a [String],
    pub resend_all: bool,
}

impl Client {
    /// The account behind the credential (`GET /api/2.0/people/@self`): the cheapest way
    /// to check the address and the credential.
    pub fn whoami(&self) -> Result<User, Error> {
        self.get("/api/2.0/people/@self".to_owned(), "whoami")
    }

    /// Creates an account (`POST /api/2.0/people`). The portal e-mails the new user an
    /// activation link. Guests cannot be created this way; they join through room sharing.
    pub fn create_user(&self, new: &NewUser) -> Result<User, Error> {
        let action = format!("create {}", new.email);
        if new.user_type == UserType::Guest {
            return Err(Error::Rejected {
                action,
                reason: GUESTS_JOIN_BY_LINK.to_owned(),
            });
        }
        self.send("POST", "/api/2.0/people".to_owned(), new, &action)
    }

    /// The account with this id (`GET /api/2.0/people/{id}`), terminated ones included.
    pub fn get_user(&self, id: &str) -> Result<User, Error> {
        let path = format!("/api/2.0/people/{}", checked_id(id)?);
        self.get(path, &format!("get {id}"))
    }

    /// The account with this e-mail address (`GET /api/2.0/people/email?email=`).
    pub fn get_user_by_email(&self, email: &str) -> Result<User, Error> {
        if !is_email(email) {
            return Err(Error::Usage(format!("'{email}' is not an e-mail address")));
        }
        let path = format!("/api/2.0/people/email?email={}", encode_query(email));
        self.get(path, &format!("get {email}"))
    }

    /// Terminates (suspends) accounts: `PUT /api/2.0/people/status/Terminated`.
    ///
    /// The portal refuses the whole batch with "Access denied" when any id is unknown,
    /// the owner, the caller, or (for a non-owner) a DocSpace admin; then nothing changes.
    pub fn terminate_users(&self, ids: &[String]) -> Result<Vec<User>, Error> {
        self.set_status("Terminated", "terminate", ids)
    }

    /// Reactivates terminated accounts: `PUT /api/2.0/people/status/Active`.
    pub fn activate_users(&self, ids: &[String]) -> Result<Vec<User>, Error> {
        self.set_status("Active", "activate", ids)
    }

    fn set_status(&self, status: &str, verb: &str, ids: &[String]) -> Result<Vec<User>, Error> {
        for id in ids {
            checked_id(id)?;
        }
        let action = format!("{verb} {}", ids.join(" "));
        let body = UserIds {
            user_ids: ids,
            resend_all: false,
        };
        self.send(
            "PUT",
            format!("/api/2.0/people/status/{status}"),
            &body,
            &action,
        )
    }

    /// Deletes a terminated account for good (`DELETE /api/2.0/people/{id}`); the portal
    /// answers "The user is not suspended" for an account that is not terminated.
    pub fn delete_user(&self, id: &str) -> Result<User, Error> {
        let path = format!("/api/2.0/people/{}", checked_id(id)?);
        self.call(crate::client::Call {
            method: "DELETE",
            path,
            body: None,
            confirm: None,
            action: &format!("delete {id}"),
        })?
        .ok_or_else(|| Error::Protocol {
            action: format!("delete {id}"),
            detail: "the portal's answer has no 'response'".to_owned(),
        })
    }

    /// Invites people by e-mail (`POST /api/2.0/people/invite`).
    ///
    /// The portal handles the invitations in order and stops at the first it refuses, so
    /// the ones before it were sent. Its answer lists every pending invitee visible to the
    /// caller, not only these. An address that already has an account gets no e-mail.
    pub fn invite_users(
        &self,
        invitations: &[Invitation],
        culture: Option<&str>,
    ) -> Result<Vec<User>, Error> {
        let action = format!(
            "invite {}",
            invitations
                .iter()
                .map(|i| i.email.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        );
        if invitations.iter().any(|i| i.user_type == UserType::Guest) {
            return Err(Error::Rejected {
                action,
                reason: GUESTS_JOIN_BY_LINK.to_owned(),
            });
        }
        #[derive(Serialize)]
        struct Body<'a> {
            invitations: &'a [Invitation],
            #[serde(skip_serializing_if = "Option::is_none")]
            culture: Option<&'a str>,
        }
        let body = Body {
            invitations,
            culture,
        };
        self.send("POST", "/api/2.0/people/invite".to_owned(), &body, &action)
    }
}

pub(crate) const GUESTS_JOIN_BY_LINK: &str = "guests cannot be created or invited directly: they join when a room is shared with them; let one in with 'docspace-people guest approve LINK'";

/// `id` if it is a user id; refusing anything else keeps it from reaching another route.
pub(crate) fn checked_id(id: &str) -> Result<&str, Error> {
    if is_user_id(id) {
        Ok(id)
    } else {
        Err(Error::Usage(format!(
            "'{id}' is not a user id (a GUID like 0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a)"
        )))
    }
}
