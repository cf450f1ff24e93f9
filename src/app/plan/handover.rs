//! What a terminate, a delete or a demotion does with a user's holdings besides the
//! change itself: the API keys it revokes (a terminated user's keys come back with the
//! account), and the groups whose manager the heir becomes first (a delete or a
//! demotion to guest leaves them without one).

use super::Target;
use crate::app::exit::Failure;
use crate::app::holdings::key_names;
use crate::app::report::Report;
use crate::app::show::printable;
use docspace_people::{ApiKey, Client, Group, GroupRef, Request, UserId};

/// The holdings a step hands over or revokes, by user.
#[derive(Debug, Clone, Default)]
pub struct HandOver {
    /// The keys each user made, revoked once the user is terminated.
    pub keys: Vec<(UserId, Vec<ApiKey>)>,
    /// The groups each user manages, whose manager `heir` becomes before the change.
    pub groups: Vec<(UserId, Vec<GroupRef>)>,
    /// Who takes the groups over.
    pub heir: Option<UserId>,
}

impl HandOver {
    /// The groups `user` manages go to the heir before its change.
    pub fn give_groups(&mut self, user: UserId, managed: &[&Group]) {
        let groups = managed
            .iter()
            .map(|g| GroupRef {
                id: g.id,
                name: g.name.clone(),
            })
            .collect();
        self.groups.push((user, groups));
    }

    /// The keys `user` made are revoked after its change.
    pub fn revoke_keys(&mut self, user: UserId, keys: &[&ApiKey]) {
        self.keys
            .push((user, keys.iter().map(|k| (*k).clone()).collect()));
    }

    /// The part of it about `targets`.
    pub fn of(&self, targets: &[Target]) -> HandOver {
        let mine = |id: &UserId| targets.iter().any(|t| t.id == Some(*id));
        HandOver {
            keys: self.keys.iter().filter(|(u, _)| mine(u)).cloned().collect(),
            groups: self
                .groups
                .iter()
                .filter(|(u, _)| mine(u))
                .cloned()
                .collect(),
            heir: self.heir,
        }
    }

    fn keys_of(&self, user: UserId) -> &[ApiKey] {
        self.keys
            .iter()
            .find(|(u, _)| *u == user)
            .map_or(&[], |(_, keys)| keys)
    }

    fn groups_of(&self, user: UserId) -> &[GroupRef] {
        self.groups
            .iter()
            .find(|(u, _)| *u == user)
            .map_or(&[], |(_, groups)| groups)
    }

    /// `DELETE /keys/{id}` for each key, user after user in the order of `users`.
    pub fn key_requests(&self, users: &[UserId]) -> Vec<Request> {
        users
            .iter()
            .flat_map(|u| self.keys_of(*u))
            .map(|k| Request::delete_api_key(k.id))
            .collect()
    }

    /// `PUT /group/{id}/manager` for each group, user after user.
    pub fn group_requests(&self, users: &[UserId]) -> Vec<Request> {
        let Some(heir) = self.heir else {
            return Vec::new();
        };
        users
            .iter()
            .flat_map(|u| self.groups_of(*u))
            .map(|g| Request::set_group_manager(g.id, heir))
            .collect()
    }

    /// What it does to `target`, as the question before a run says it: `revoke 2 API
    /// keys`, `make the heir the manager of 1 group`.
    pub fn stages(&self, target: &Target) -> Vec<String> {
        let Some(id) = target.id else {
            return Vec::new();
        };
        let mut stages = Vec::new();
        match self.keys_of(id).len() {
            0 => {}
            1 => stages.push("revoke 1 API key".to_owned()),
            n => stages.push(format!("revoke {n} API keys")),
        }
        match self.groups_of(id).len() {
            0 => {}
            1 => stages.push("make the heir the manager of 1 group".to_owned()),
            n => stages.push(format!("make the heir the manager of {n} groups")),
        }
        stages
    }

    /// Revokes the keys of each user of `targets`. A key the portal does not delete is
    /// reported; the user's change goes on (a deleted user's keys never work again), and
    /// its fate says the key is not revoked.
    ///
    /// The portal answers a key it no longer has with a 500, which is also what the
    /// repeat of a delete whose answer was lost meets: after a failure the keys are
    /// listed again, and a key no longer there counts as revoked.
    pub fn revoke(
        &self,
        client: &Client,
        targets: Vec<Target>,
        report: &mut Report,
    ) -> Vec<Target> {
        targets
            .into_iter()
            .map(|mut target| {
                let Some(id) = target.id else { return target };
                let mut kept = Vec::new();
                for key in self.keys_of(id) {
                    let Err(e) = client.delete_api_key(key.id) else {
                        continue;
                    };
                    let gone = client
                        .list_api_keys()
                        .is_ok_and(|keys| keys.iter().all(|k| k.id != key.id));
                    if gone {
                        continue;
                    }
                    let action = format!(
                        "revoke the API key '{}' of {}",
                        printable(&key.name),
                        target.name()
                    );
                    report.fail(std::slice::from_ref(&target), e.during(action).into());
                    kept.push(key);
                }
                if !kept.is_empty() {
                    // The plan's last word on the keys gives way to what was done.
                    let revoked: Vec<&ApiKey> = self
                        .keys_of(id)
                        .iter()
                        .filter(|k| !kept.iter().any(|kept| kept.id == k.id))
                        .collect();
                    let not = format!("{} NOT revoked (see above)", key_names(&kept));
                    let note = match revoked.as_slice() {
                        [] => format!("API keys {not}"),
                        revoked => format!("API keys {} revoked, {not}", key_names(revoked)),
                    };
                    let fate = target.fate.take().unwrap_or_default();
                    let rest = match fate.rfind("; API key") {
                        Some(at) => &fate[..at],
                        None if fate.starts_with("API key") => "",
                        None => &fate,
                    };
                    target.fate = Some(match rest {
                        "" => note,
                        rest => format!("{rest}; {note}"),
                    });
                }
                target
            })
            .collect()
    }

    /// Makes the heir the manager of every group each user of `targets` manages, each
    /// answer checked; a user with a group the heir did not take is reported, and left
    /// out of what is returned: the change that would orphan the group is not sent.
    pub fn hand_groups(
        &self,
        client: &Client,
        targets: Vec<Target>,
        report: &mut Report,
        verb: &str,
    ) -> Vec<Target> {
        let Some(heir) = self.heir else {
            return targets;
        };
        targets
            .into_iter()
            .filter(|target| {
                let Some(id) = target.id else { return true };
                for group in self.groups_of(id) {
                    if let Err(e) = client.set_group_manager(group.id, heir) {
                        let failure = Failure::NotDone {
                            action: format!("{verb} {}", target.who()),
                            reason: format!(
                                "the group '{}' did not take the heir as its manager ({e}); not sent, so that the group keeps a manager: run the same command again",
                                printable(&group.name)
                            ),
                        };
                        report.fail(std::slice::from_ref(target), failure);
                        return false;
                    }
                }
                true
            })
            .collect()
    }
}
