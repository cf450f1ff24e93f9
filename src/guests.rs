//! Guests: their share links, approving a link, and unlinking guests from yourself.

use crate::client::{Client, Request, split_url};
use crate::error::{Error, ErrorKind};
use crate::model::User;
use crate::people::joined;
use crate::{Email, UserId};
use serde::Serialize;

/// The portal validates the approval body's e-mail but never reads it: the guest is
/// named by the encrypted address inside the link. Without `--email` this stands in.
const PLACEHOLDER_EMAIL: &str = "guest@example.com";

impl Request {
    /// `POST /api/2.0/people/guests/share/approve` with the `confirm` header of a share
    /// link (see [`Client::confirm_header`]).
    pub fn approve_guest(confirm: String, email: Option<&Email>) -> Request {
        #[derive(Serialize)]
        struct Body<'a> {
            email: &'a str,
        }
        let mut request = Request::new("POST", "/api/2.0/people/guests/share/approve".to_owned())
            .json(&Body {
                email: email.map_or(PLACEHOLDER_EMAIL, Email::as_str),
            });
        request.confirm = Some(confirm);
        request
    }
}

impl Client {
    /// The short share link of a guest (`GET /api/2.0/people/guests/{id}/share`), which
    /// another member can approve to see the guest.
    pub fn guest_share_link(&self, guest_id: UserId) -> Result<String, Error> {
        let path = format!("/api/2.0/people/guests/{guest_id}/share");
        self.fetch(
            &Request::new("GET", path),
            &format!("share link of {guest_id}"),
        )
    }

    /// Approves a guest share link (`POST /api/2.0/people/guests/share/approve`) as the
    /// caller, so that the guest becomes visible to (and, for a room admin, linked to) them.
    ///
    /// `link` is the short `https://portal/s/KEY` link or the full confirmation link; it
    /// must point to this client's portal. A short link is resolved with one GET that does
    /// not carry the credential and does not follow the redirect
    /// ([`Client::confirm_header`]). With `expected_email`, an approval of any other guest
    /// is reported as an error of kind [`ErrorKind::NotDone`].
    pub fn approve_guest_link(
        &self,
        link: &str,
        expected_email: Option<&Email>,
    ) -> Result<User, Error> {
        self.approve_guest(self.confirm_header(link)?, expected_email)
    }

    /// Approves the guest share link whose `confirm` header is `confirm` (from
    /// [`Client::confirm_header`]); see [`Client::approve_guest_link`].
    pub fn approve_guest(
        &self,
        confirm: String,
        expected_email: Option<&Email>,
    ) -> Result<User, Error> {
        let request = Request::approve_guest(confirm, expected_email);
        let action = "approve";
        let guest: User = self.fetch(&request, action).map_err(|e| {
            if e.status() == Some(401) && e.portal_message().is_none() {
                // With a valid credential, an empty 401 here is the portal refusing the link.
                Error::new(ErrorKind::Unauthenticated, action, "the portal refused the share link (HTTP 401): its key is wrong or expired (links last 7 days), or the guest or the member who shared it is no longer active; ask for a new link")
            } else {
                e
            }
        })?;
        match expected_email {
            Some(expected) if !guest.email.eq_ignore_ascii_case(expected.as_str()) => {
                Err(Error::new(
                    ErrorKind::NotDone,
                    action,
                    format!(
                        "the link is for {} <{}>, not {expected}; it was approved all the same (unlink guest {} to undo)",
                        guest.name(),
                        guest.email,
                        guest.id
                    ),
                ))
            }
            _ => Ok(guest),
        }
    }

    /// Removes guests from the caller's own guests (`DELETE /api/2.0/people/guests`). The
    /// accounts stay. All or nothing: if any id is not an active guest linked to the caller,
    /// the portal refuses the whole batch with "Access denied".
    pub fn unlink_guests(&self, ids: &[UserId]) -> Result<(), Error> {
        let action = format!("unlink {}", joined(ids));
        self.send::<serde::de::IgnoredAny>(&Request::unlink_guests(ids), &action)?;
        Ok(())
    }

    /// The `confirm` header for approving `link`: the query of the full confirmation
    /// link, resolving a short link first (a read-only request).
    pub fn confirm_header(&self, link: &str) -> Result<String, Error> {
        let Some((origin, rest)) = split_url(link.trim()) else {
            return Err(Error::invalid_input(format!(
                "the link is not a share link: give it as the portal printed it, {}/s/KEY",
                self.portal()
            )));
        };
        if &origin != self.origin() {
            return Err(Error::invalid_input(format!(
                "the link points to another host than the portal {}; nothing was sent to it",
                self.portal()
            )));
        }
        let action = "resolve the share link";
        let full;
        let target = if rest.starts_with("/s/") {
            let location = self.redirect_target(link.trim(), action)?;
            full = if location.starts_with('/') {
                format!("{}{location}", self.portal())
            } else {
                location
            };
            match split_url(&full) {
                Some((o, rest)) if &o == self.origin() => rest,
                _ => {
                    return Err(Error::protocol(
                        action,
                        "the short link leads away from the portal; refused",
                    ));
                }
            }
        } else {
            rest
        };
        let query = target
            .split_once('?')
            .map(|(_, q)| q.split('#').next().unwrap_or_default())
            .unwrap_or_default();
        let has = |name: &str| query.split('&').any(|p| p.starts_with(name));
        if !(has("type=GuestShareLink") && has("key=") && has("encemail=")) {
            return Err(Error::invalid_input(
                "the link is not a guest share link (a guest's share link, as the portal hands it out)",
            ));
        }
        Ok(query.to_owned())
    }
}
