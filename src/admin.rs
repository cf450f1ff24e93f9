//! The admin's daily tasks: changing a user's type (paid seats), resending invitations
//! that were never accepted, and the portal's paid seats.

use crate::UserId;
use crate::client::{Client, Request};
use crate::error::Error;
use crate::model::{Status, User, UserType};
use crate::reassign::ReassignJob;
use serde::Serialize;
use serde_json::Value;

/// The type's name as the portal's type endpoints take it: always a name, since the
/// numbers of `EmployeeType` changed meaning in 3.0.
fn type_name(user_type: UserType) -> &'static str {
    match user_type {
        UserType::User => "User",
        UserType::RoomAdmin => "RoomAdmin",
        UserType::DocSpaceAdmin => "DocSpaceAdmin",
        UserType::Guest => "Guest",
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Ids<'a> {
    user_ids: &'a [UserId],
}

impl Request {
    /// `PUT /api/2.0/people/type/{type}`: a promotion (or, by the owner, a DocSpace admin
    /// made a room admin), for these users.
    pub fn set_users_type(ids: &[UserId], user_type: UserType) -> Request {
        Request::new(
            "PUT",
            format!("/api/2.0/people/type/{}", type_name(user_type)),
        )
        .json(&Ids { user_ids: ids })
    }

    /// `POST /api/2.0/people/type`: starts the demotion job of one user, whose rooms go
    /// to `heir`.
    pub fn start_type_change(user: UserId, user_type: UserType, heir: UserId) -> Request {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body {
            #[serde(rename = "type")]
            user_type: &'static str,
            user_id: UserId,
            reassign_user_id: UserId,
        }
        Request::new("POST", "/api/2.0/people/type".to_owned()).json(&Body {
            user_type: type_name(user_type),
            user_id: user,
            reassign_user_id: heir,
        })
    }

    /// `GET /api/2.0/people/type/progress/{userid}`.
    pub fn type_change_progress(user: UserId) -> Request {
        Request::new("GET", format!("/api/2.0/people/type/progress/{user}"))
    }

    /// `PUT /api/2.0/people/type/terminate`.
    pub fn cancel_type_change(user: UserId) -> Request {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body {
            user_id: UserId,
        }
        Request::new("PUT", "/api/2.0/people/type/terminate".to_owned())
            .json(&Body { user_id: user })
    }

    /// `PUT /api/2.0/people/invite` `{userIds, resendAll: false}`: new invitations for
    /// these users. Never repeated by the client: the portal allows 5 a quarter of an hour.
    pub fn resend_invitations(ids: &[UserId]) -> Request {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            user_ids: &'a [UserId],
            resend_all: bool,
        }
        Request::new("PUT", "/api/2.0/people/invite".to_owned())
            .json(&Body {
                user_ids: ids,
                resend_all: false,
            })
            .once()
    }

    /// `GET /api/2.0/portal/payment/quota`.
    pub fn seats() -> Request {
        Request::new("GET", "/api/2.0/portal/payment/quota".to_owned())
    }
}

/// The portal's paid seats (room admins and DocSpace admins), from its quota's `manager`
/// feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seats {
    /// Seats taken.
    pub used: u64,
    /// Seats the tariff has; `None` when it sets no limit.
    pub limit: Option<u64>,
}

impl Seats {
    /// Seats still free; `None` without a limit.
    pub fn available(&self) -> Option<u64> {
        self.limit.map(|limit| limit.saturating_sub(self.used))
    }

    fn from_quota(quota: &Value, action: &str) -> Result<Seats, Error> {
        let feature = quota["features"]
            .as_array()
            .and_then(|features| features.iter().find(|f| f["id"] == "manager"))
            .ok_or_else(|| {
                Error::protocol(
                    action,
                    "the portal's quota has no paid-seat feature ('manager')",
                )
            })?;
        let number = |v: &Value| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        };
        let used = number(&feature["used"]["value"]).unwrap_or(0);
        // A negative or absurd limit is the portal's "unlimited".
        let limit = number(&feature["value"]).filter(|n| *n < i32::MAX as u64);
        Ok(Seats { used, limit })
    }
}

/// How a user was read from the portal, which the portal's rule for resending an
/// invitation needs to know of a guest ([`User::may_invite`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Read with the caller's own credential (a look-up or a listing by the caller).
    ByCaller,
    /// Read with another credential, or not known.
    Otherwise,
}

impl User {
    /// Whether the portal sends `target` a new invitation when `self`, the caller, asks
    /// for one with `PUT /people/invite`: the server's own rule, `HasAccessInviteAsync`
    /// (`UserController.cs:1510-1540`, reference §2.16). The portal skips without a word
    /// the users this rule refuses (`UserController.cs:1470-1492`) and answers with every
    /// requested user the caller can see all the same (`UserController.cs:1501-1507`), so
    /// its answer cannot say who was sent an invitation: decide with this before sending.
    ///
    /// - Anyone may have their own invitation sent again.
    /// - A guest may not have anyone else's sent.
    /// - A DocSpace admin's needs the owner; a room admin's a DocSpace admin; a user's a
    ///   caller who is not a user; a guest's anyone (but see the next point).
    /// - A caller who is not a DocSpace admin may not have a guest's sent unless it
    ///   created the guest or has a relation with it. The API shows neither: `createdBy`
    ///   only to DocSpace admins (`EmployeeFullDto.cs:353-459`, reference §3.2), a
    ///   caller's relations nowhere. But a room admin is shown a guest only when it has a
    ///   relation with it (`CanUserViewAnotherUserAsync`, `UserExtensions.cs:160-189`,
    ///   reference §1.8), so a guest it read itself ([`Seen::ByCaller`]) passes. In every
    ///   other case (a guest read otherwise, or a caller who is a user, whom the portal
    ///   shows nobody else) the relation cannot be known and is taken to be missing: a
    ///   guest said to be skipped that the portal would have mailed is a missed mail an
    ///   admin can see and send; one said to be sent that the portal skipped is a false
    ///   confirmation.
    ///
    /// The portal's other conditions are about the target alone: it must never have
    /// activated ([`User::never_activated`]) and not be terminated.
    pub fn may_invite(&self, target: &User, seen: Seen) -> bool {
        if self.id == target.id {
            return true;
        }
        let caller = self.user_type();
        if caller == UserType::Guest {
            return false;
        }
        let target_type = target.user_type();
        if caller != UserType::DocSpaceAdmin
            && target_type == UserType::Guest
            && !(caller == UserType::RoomAdmin && seen == Seen::ByCaller)
        {
            return false;
        }
        match target_type {
            UserType::DocSpaceAdmin => self.is_owner,
            UserType::RoomAdmin => caller == UserType::DocSpaceAdmin,
            UserType::User => caller != UserType::User,
            UserType::Guest => true,
        }
    }

    /// When the account was registered (invited or created), if the portal said.
    pub fn registered_at(&self) -> Option<std::time::SystemTime> {
        crate::date::api_time(&self.registration_date)
    }

    /// Never activated: invited and never registered (`status` pending), or created
    /// and never followed the activation e-mail (`status` active, `activationStatus` 2).
    pub fn never_activated(&self) -> bool {
        self.status == Status::Pending
            || (self.status == Status::Active && self.activation_status == 2)
    }
}

impl Client {
    /// Changes the type of these users in one request (`PUT /people/type/{type}`): a
    /// promotion (user to room admin, guest to user or room admin; the owner also makes
    /// DocSpace admins and room admins of them).
    ///
    /// The portal changes the users one by one and stops at the first it refuses (403 for
    /// a terminated user, one the caller may not see, and any change that changes nothing
    /// or is not permitted; 402 when no paid seat is left): the ones before it are
    /// changed even though the answer is an error. Each changed user is e-mailed.
    pub fn set_users_type(&self, ids: &[UserId], user_type: UserType) -> Result<Vec<User>, Error> {
        let action = format!("make {} {user_type}", joined(ids));
        self.fetch(&Request::set_users_type(ids, user_type), &action)
    }

    /// Starts the demotion job of `user` (`POST /people/type`): its rooms go to `heir`,
    /// its room-manager roles drop to content creator, then its type changes to
    /// `user_type` (a user or a guest).
    pub fn start_type_change(
        &self,
        user: UserId,
        user_type: UserType,
        heir: UserId,
    ) -> Result<ReassignJob, Error> {
        let action = format!("make {user} {user_type}");
        let value: Value =
            self.fetch(&Request::start_type_change(user, user_type, heir), &action)?;
        ReassignJob::from_value(&value, &action)
    }

    /// The demotion job of `user`, if the portal has one.
    pub fn type_change_progress(&self, user: UserId) -> Result<Option<ReassignJob>, Error> {
        let action = format!("follow the type change of {user}");
        match self.send::<Value>(&Request::type_change_progress(user), &action)? {
            None | Some(Value::Null) => Ok(None),
            Some(value) => ReassignJob::from_value(&value, &action).map(Some),
        }
    }

    /// Cancels the demotion job of `user`; rooms already handed over stay handed over.
    pub fn cancel_type_change(&self, user: UserId) -> Result<(), Error> {
        let action = format!("cancel the type change of {user}");
        self.send::<serde::de::IgnoredAny>(&Request::cancel_type_change(user), &action)?;
        Ok(())
    }

    /// Sends the invitation (or activation instructions) again to each of these
    /// never-activated users, in one request that is never repeated.
    ///
    /// The portal skips without a word the users the caller may not invite, and the
    /// activated and terminated ones, yet answers with every requested user the caller
    /// can see, sent to or not: decide whom to ask for with [`User::may_invite`] and
    /// [`User::never_activated`] before sending. It allows 5 such requests per caller in 15
    /// minutes; the 6th is a 429 ([`Error::retry_after`] says how long to wait when the
    /// portal says it).
    pub fn resend_invitations(&self, ids: &[UserId]) -> Result<Vec<User>, Error> {
        let action = format!("resend the invitations of {} user(s)", ids.len());
        self.fetch(&Request::resend_invitations(ids), &action)
    }

    /// The portal's paid seats (`GET /portal/payment/quota`, its `manager` feature).
    pub fn seats(&self) -> Result<Seats, Error> {
        let action = "read the portal's paid seats";
        let quota: Value = self.fetch(&Request::seats(), action)?;
        Seats::from_quota(&quota, action)
    }
}

fn joined(ids: &[UserId]) -> String {
    match ids {
        [one] => one.to_string(),
        many => format!("{} users", many.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seats_from_the_manager_feature() {
        let quota = serde_json::json!({"features": [
            {"id": "total_size", "value": 1000, "used": {"value": 10}},
            {"id": "manager", "value": 5, "type": "count", "used": {"value": 3, "title": "x"}}
        ]});
        let seats = Seats::from_quota(&quota, "x").unwrap();
        assert_eq!(
            (seats.used, seats.limit, seats.available()),
            (3, Some(5), Some(2))
        );
        let unlimited =
            serde_json::json!({"features": [{"id": "manager", "value": -1, "used": {"value": 7}}]});
        assert_eq!(Seats::from_quota(&unlimited, "x").unwrap().limit, None);
        assert!(Seats::from_quota(&serde_json::json!({"features": []}), "x").is_err());
    }

    /// A user of this type (`owner` is the portal's owner), its id ending in `n`.
    fn of(kind: &str, n: u8) -> User {
        let flag = match kind {
            "owner" => "isOwner",
            "docspace-admin" => "isAdmin",
            "room-admin" => "isRoomAdmin",
            "user" => "isCollaborator",
            "guest" => "isVisitor",
            other => panic!("{other}"),
        };
        let id = format!("0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b{n:02x}");
        serde_json::from_value(serde_json::json!({"id": id, flag: true})).unwrap()
    }

    /// Each branch of `HasAccessInviteAsync` (UserController.cs:1510-1540): every caller
    /// type against every target type, for a target read by the caller and otherwise.
    #[test]
    fn may_invite_follows_the_servers_rule_branch_by_branch() {
        let callers = ["owner", "docspace-admin", "room-admin", "user", "guest"];
        let targets = ["docspace-admin", "room-admin", "user", "guest"];
        // Rows: callers; columns: targets; each cell: (read by the caller, read otherwise).
        let expected = [
            // The owner invites everyone.
            [(true, true), (true, true), (true, true), (true, true)],
            // A DocSpace admin: not another DocSpace admin; a guest without a relation.
            [(false, false), (true, true), (true, true), (true, true)],
            // A room admin: users, and the guests it is shown, which are its relations.
            [(false, false), (false, false), (true, true), (true, false)],
            // A user: nobody else (a guest's relation to it cannot be known).
            [
                (false, false),
                (false, false),
                (false, false),
                (false, false),
            ],
            // A guest: nobody else.
            [
                (false, false),
                (false, false),
                (false, false),
                (false, false),
            ],
        ];
        for (caller, row) in callers.iter().zip(expected) {
            for (target, (by_caller, otherwise)) in targets.iter().zip(row) {
                let (me, them) = (of(caller, 1), of(target, 2));
                assert_eq!(
                    (
                        me.may_invite(&them, Seen::ByCaller),
                        me.may_invite(&them, Seen::Otherwise)
                    ),
                    (by_caller, otherwise),
                    "a {caller} inviting a {target}"
                );
            }
        }
        // Anyone may have their own invitation sent again, a guest too.
        for caller in callers {
            let me = of(caller, 3);
            assert!(me.may_invite(&me.clone(), Seen::Otherwise), "{caller}");
        }
    }

    #[test]
    fn types_go_by_name_and_resend_is_sent_once() {
        let id: UserId = "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a".parse().unwrap();
        let promote = Request::set_users_type(&[id], UserType::RoomAdmin);
        assert_eq!(promote.path, "/api/2.0/people/type/RoomAdmin");
        let demote = Request::start_type_change(id, UserType::User, id);
        assert_eq!(demote.body.unwrap()["type"], "User");
        let resend = Request::resend_invitations(&[id]);
        assert!(resend.once);
        assert_eq!(resend.body.unwrap()["resendAll"], false);
    }
}
