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

    /// Whether the share link whose `confirm` header is `confirm` (from
    /// [`Client::confirm_header`]) is the link of the guest with the address `email`,
    /// checked without approving anything: the guest is looked up by address, that
    /// guest's own share link is fetched (`GET /people/guests/{id}/share`, read-only),
    /// and the two links must name the same guest (the `encemail` the portal writes
    /// for that address; the `key` differs between two links of one guest, as it is
    /// stamped with the time it was made).
    ///
    /// `Ok(false)` when the address has no account, belongs to someone who is not a
    /// guest, or is another guest's. An error when it cannot be checked, typically
    /// because the caller may not see the guest yet (403), which is why one approves a
    /// link: then only the approval itself shows whose link it was.
    pub fn share_link_is_for(&self, confirm: &str, email: &Email) -> Result<bool, Error> {
        let user = match self.get_user_by_email(email) {
            Ok(user) => user,
            Err(e) if e.is_not_found() => return Ok(false),
            Err(e) => return Err(e),
        };
        if !user.is_visitor {
            return Ok(false);
        }
        let own = self.confirm_header(&self.guest_share_link(user.id)?)?;
        let encemail = |query: &str| {
            query
                .split('&')
                .find_map(|p| p.strip_prefix("encemail="))
                .map(str::to_owned)
        };
        Ok(encemail(confirm).is_some() && encemail(confirm) == encemail(&own))
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
    ///
    /// The link must point to this portal: to the address the client talks to, or to
    /// the portal's own name, which a portal writes into the links it hands out
    /// whatever address it is called on (a portal reached on its loopback address hands
    /// out links on its tenant domain). That name is read from the portal's own answer
    /// (`profileUrl` of `GET /people/@self`) when a link names another host; a link of
    /// any other host is refused before anything is sent to it.
    pub fn confirm_header(&self, link: &str) -> Result<String, Error> {
        let link = link.trim();
        let Some((origin, rest)) = split_url(link) else {
            return Err(Error::invalid_input(format!(
                "the link is not a share link: give it as the portal printed it, {}/s/KEY",
                self.portal()
            )));
        };
        let own_name = if &origin == self.origin() {
            None
        } else {
            let name = self.own_name()?;
            if name.as_ref() != Some(&origin) {
                let expected = match &name {
                    Some(name) if name != self.origin() => {
                        format!("{} or its own name {}", self.portal(), name.base())
                    }
                    _ => self.portal(),
                };
                return Err(Error::invalid_input(format!(
                    "the link points to another host than the portal: {}, where {expected} was expected; nothing was sent to it",
                    origin.base()
                )));
            }
            name
        };
        let is_own = |o: &crate::client::Origin| o == self.origin() || own_name.as_ref() == Some(o);
        let action = "resolve the share link";
        let full;
        let target = if rest.starts_with("/s/") {
            // Always asked of the address the client talks to: the portal's own name
            // may not resolve from here.
            let location = self.redirect_target(&format!("{}{rest}", self.portal()), action)?;
            full = if location.starts_with('/') {
                format!("{}{location}", self.portal())
            } else {
                location
            };
            match split_url(&full) {
                Some((o, rest)) if is_own(&o) || self.own_name()?.as_ref() == Some(&o) => {
                    if rest.trim_end_matches('/').is_empty() {
                        return Err(Error::invalid_input(
                            "the portal does not know this short link (it redirects to its start page): the link is mistyped, cut short or from another portal; ask for a new one",
                        ));
                    }
                    rest
                }
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

    /// The portal's own name, as its answers write it: the origin of the caller's
    /// `profileUrl`. `None` when the answer has none.
    /// Asked once a client: a run that asked who the caller is already knows it.
    fn own_name(&self) -> Result<Option<crate::client::Origin>, Error> {
        if let Some(origin) = self.own_name.get() {
            return Ok(Some(origin.clone()));
        }
        Ok(self.whoami()?.profile_origin())
    }
}
