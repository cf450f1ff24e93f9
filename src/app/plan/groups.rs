//! Carrying out the group actions. The portal answers each change with the group as it
//! is afterwards, and skips some users without a word (a terminated user, a guest): each
//! user's outcome is read from that answer, never assumed.

use super::{Step, ids};
use crate::app::exit::Failure;
use crate::app::report::{Change, Outcome, Report, Target};
use docspace_people::{Client, ErrorKind, Group, GroupId, UserId};

/// The group `name` made; checked against its answer, which must have the manager and
/// every member asked for.
pub(super) fn create(
    client: &Client,
    step: &Step,
    name: &str,
    manager: Option<UserId>,
    members: &[UserId],
    report: &mut Report,
) {
    match client.create_group(name, manager, members) {
        // The people it was made with are targets of their own (sync): each is reported
        // as the answer lists it, as for an addition.
        Ok(group) if step.targets.len() > 1 && manager.is_none() => {
            report.settle(&Target::group(&group), Outcome::Done(Change::GroupCreated));
            each_member(&group, &step.targets[1..], true, report);
        }
        Ok(group) => {
            let target = Target::group(&group);
            let missing: Vec<String> = members
                .iter()
                .chain(&manager)
                .filter(|id| group.has_member(**id) == Some(false))
                .map(UserId::to_string)
                .collect();
            let manager_missing = manager.is_some_and(|m| !group.managed_by(m));
            if missing.is_empty() && !manager_missing {
                report.settle(&target, Outcome::Done(Change::GroupCreated));
                return;
            }
            report.fail(
                std::slice::from_ref(&target),
                Failure::NotDone {
                    action: format!("create {}", target.who()),
                    reason: format!(
                        "created, but the portal left out {}: check the group with 'docspace-people group get {}'",
                        if manager_missing {
                            "its manager".to_owned()
                        } else {
                            missing.join(", ")
                        },
                        group.id
                    ),
                },
            );
        }
        Err(e) => report.fail(&step.targets, e.into()),
    }
}

pub(super) fn delete(client: &Client, step: &Step, group: GroupId, report: &mut Report) {
    match client.delete_group(group) {
        Ok(()) => {
            for target in &step.targets {
                report.settle(target, Outcome::Done(Change::GroupDeleted));
            }
        }
        Err(e) => report.fail(&step.targets, e.into()),
    }
}

/// Adds the step's users; each is reported added only if the answer lists it.
pub(super) fn add(client: &Client, step: &Step, group: GroupId, report: &mut Report) {
    match client.add_group_members(group, &ids(&step.targets)) {
        Ok(answer) => each_member(&answer, &step.targets, true, report),
        Err(e) => report.fail(&step.targets, e.into()),
    }
}

/// Removes the step's users; each is reported removed only if the answer no longer
/// lists it.
pub(super) fn remove(client: &Client, step: &Step, group: GroupId, report: &mut Report) {
    match client.remove_group_members(group, &ids(&step.targets)) {
        Ok(answer) => each_member(&answer, &step.targets, false, report),
        Err(e) => report.fail(&step.targets, e.into()),
    }
}

/// The outcome of each user of an addition (`added`) or a removal, from the group the
/// portal answered with.
fn each_member(answer: &Group, targets: &[Target], added: bool, report: &mut Report) {
    for target in targets {
        let listed = target.id.and_then(|id| answer.has_member(id));
        match (listed, added) {
            (Some(true), true) => report.settle(target, Outcome::Done(Change::AddedToGroup)),
            (Some(false), false) => {
                report.settle(target, Outcome::Done(Change::RemovedFromGroup))
            }
            _ => report.fail(
                std::slice::from_ref(target),
                Failure::NotDone {
                    action: format!(
                        "{} {}",
                        if added { "add" } else { "remove" },
                        target.who()
                    ),
                    reason: if added {
                        "the portal answered without adding this user (it skips a user who is terminated or a guest without a word)".to_owned()
                    } else {
                        "the portal answered with this user still a member".to_owned()
                    },
                },
            ),
        }
    }
}

/// Makes the step's user the manager; the answer is checked by the client.
pub(super) fn set_manager(client: &Client, step: &Step, group: GroupId, report: &mut Report) {
    for target in &step.targets {
        let Some(user) = target.id else { continue };
        match client.set_group_manager(group, user) {
            Ok(_) => report.settle(target, Outcome::Done(Change::MadeManager)),
            Err(e) if e.kind() == ErrorKind::NotDone => report.fail(
                std::slice::from_ref(target),
                Failure::NotDone {
                    action: format!("make {} the manager", target.who()),
                    reason: "the portal answered 200 without making this user the manager, as it does for a user who is terminated or a guest".to_owned(),
                },
            ),
            Err(e) => report.fail(std::slice::from_ref(target), e.into()),
        }
    }
}
