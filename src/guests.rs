//! Guests: their share links, approving a link, and unlinking guests from yourself.

use crate::client::{Call, Client, split_url};
use crate::error::Error;
use crate::model::User;
use crate::people::{UserIds, checked_id};
use serde::Serialize;

/// The portal validates the approval body's e-mail but never reads it: the guest is
/// named by the encrypted address inside the link. Without `--email` this stands in.
const PLACEHOLDER_EMAIL: &str = "guest@example.com";

impl Client {
    /// The short share link of a guest (`GET /api/2.0/people/guests/{id}/share`), which
    /// another member can approve to see the guest.
    pub fn guest_share_link(&self, guest_id: &str) -> Result<String, Error> {
        let path = format!("/api/2.0/people/guests/{}/share", checked_id(guest_id)?);
        self.get(path, &format!("share link of {guest_id}"))
    }

    /// Approves a guest share link (`POST /api/2.0/people/guests/share/approve`) as the
    /// caller, so that the guest becomes visible to (and, for a room admin, linked to) them.
    ///
    /// `link` is the short `https://portal/s/KEY` link or the full confirmation link; it
    /// must point to this client's portal. A short link is resolved with one GET that does
    /// not carry the credential and does not follow the redirect. With `expected_email`,
    /// an approval of any other guest is reported as an error.
    pub fn approve_guest_link(
        &self,
        link: &str,
        expected_email: Option<&str>,
    ) -> Result<User, Error> {
        let confirm = self.confirm_header(link)?;
        #[derive(Serialize)]
        struct Body<'a> {
            email: &'a str,
        }
        let body = Body {
            email: expected_email.unwrap_or(PLACEHOLDER_EMAIL),
        };
        let action = "approve";
        let guest: User = self
            .call(Call {
                method: "POST",
                path: "/api/2.0/people/guests/share/approve".to_owned(),
                body: Some(serde_json::to_vec(&body).unwrap_or_default()),
                confirm: Some(&confirm),
                action,
            })?
            .ok_or_else(|| Error::Protocol {
                action: action.to_owned(),
                detail: "the portal's answer has no 'response'".to_owned(),
            })?;
        match expected_email {
            Some(expected) if !guest.email.eq_ignore_ascii_case(expected) => Err(Error::Rejected {
                action: action.to_owned(),
                reason: format!(
                    "the link is for {} <{}>, not {expected}; it was approved all the same (undo with 'docspace-people guest delete {}')",
                    guest.name(),
                    guest.email,
                    guest.id
                ),
            }),
            _ => Ok(guest),
        }
    }

    /// Removes guests from the caller's own guests (`DELETE /api/2.0/people/guests`). The
    /// accounts stay. All or nothing: if any id is not an active guest linked to the caller,
    /// the portal refuses the whole batch with "Access denied".
    pub fn unlink_guests(&self, ids: &[String]) -> Result<(), Error> {
        for id in ids {
            checked_id(id)?;
        }
        let body = UserIds {
            user_ids: ids,
            resend_all: false,
        };
        self.call::<serde::de::IgnoredAny>(Call {
            method: "DELETE",
            path: "/api/2.0/people/guests".to_owned(),
            body: Some(serde_json::to_vec(&body).unwrap_or_default()),
            confirm: None,
            action: &format!("unlink {}", ids.join(" ")),
        })?;
        Ok(())
    }

    /// The `confirm` header for an approval: the query of the full confirmation link.
    fn confirm_header(&self, link: &str) -> Result<String, Error> {
        let Some((origin, rest)) = split_url(link.trim()) else {
            return Err(Error::Usage(format!(
                "'{link}' is not a share link: give it as the portal printed it, {}/s/KEY",
                self.portal()
            )));
        };
        if &origin != self.origin() {
            return Err(Error::Usage(format!(
                "the link points to another host than the portal {}; nothing was sent to it",
                self.portal()
            )));
        }
        let full;
        let target = if rest.starts_with("/s/") {
            let location = self.redirect_target(link.trim(), "resolve the share link")?;
            full = if location.starts_with('/') {
                format!("{}{location}", self.portal())
            } else {
                location
            };
            match split_url(&full) {
                Some((o, rest)) if &o == self.origin() => rest,
                _ => {
                    return Err(Error::Protocol {
                        action: "resolve the share link".to_owned(),
                        detail: "the short link leads away from the portal; refused".to_owned(),
                    });
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
            return Err(Error::Usage(
                "the link is not a guest share link (from 'docspace-people guest link GUEST')"
                    .to_owned(),
            ));
        }
        Ok(query.to_owned())
    }
}
