//! Selection built into the bulk commands: the filters of `user list` choose the users,
//! so a clean-up needs no pipe; a selection that fails fails the run; every bulk change
//! run unattended is capped at 100.

use crate::portal::{Fault, Kind, Portal, Reply, Status};
use crate::{changes, docspace, lines};

#[test]
fn each_bulk_command_selects_by_the_filters_of_user_list() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal
        .add_member(Kind::User, "ann.leaver@example.com", "Ann", "Leaver")
        .id;
    let bob = portal
        .add_member(Kind::User, "bob@example.com", "Bob", "Ray")
        .id;
    let rita = portal
        .add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray")
        .id;
    let gina = portal.add_guest_of(&owner.id, "gina@example.com", "Gina", "Guest");

    docspace(
        &portal,
        &owner.key,
        &["user", "terminate", "--search", "leaver"],
    )
    .code(0)
    .stdout_has(&format!("terminated {ann}"));
    assert_eq!(portal.user(&ann).unwrap().status, Status::Terminated);
    assert_eq!(portal.user(&bob).unwrap().status, Status::Active);

    portal.set_status(&rita, Status::Terminated);
    docspace(
        &portal,
        &owner.key,
        &[
            "user",
            "activate",
            "--status",
            "terminated",
            "--type",
            "room-admin",
        ],
    )
    .code(0)
    .stdout_has(&format!("activated {rita}"));
    assert_eq!(portal.user(&rita).unwrap().status, Status::Active);
    assert_eq!(portal.user(&ann).unwrap().status, Status::Terminated);

    docspace(&portal, &owner.key, &["guest", "delete", "--type", "guest"])
        .code(0)
        .stdout_has(&format!("unlinked {gina}"));

    // The README's clean-up without a pipe: terminated users registered before a day.
    let tomorrow = "2999-01-01";
    docspace(
        &portal,
        &owner.key,
        &["user", "delete", "--registered-before", tomorrow],
    )
    .code(0)
    .stdout_has(&format!("deleted {ann}"));
    assert!(portal.user(&ann).unwrap().removed);
    assert!(
        !portal.user(&bob).unwrap().removed,
        "active users are not selected for delete"
    );
}

#[test]
fn a_selection_that_fails_fails_the_run_and_changes_nothing() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.seed_users(150);
    portal.inject(Fault {
        method: "GET",
        path_prefix: "/api/2.0/people/filter?count=100&startIndex=100".to_owned(),
        times: 1,
        reply: Reply::empty(500),
    });

    docspace(
        &portal,
        &owner.key,
        &[
            "user",
            "terminate",
            "--status",
            "active",
            "--max",
            "500",
            "--retries",
            "0",
        ],
    )
    .code(69)
    .stderr_has("select the users to terminate");
    assert!(
        changes(&portal).is_empty(),
        "{:?}",
        lines(&changes(&portal))
    );
}

#[test]
fn every_bulk_change_run_unattended_is_capped_at_100() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.seed_users(101);

    docspace(
        &portal,
        &owner.key,
        &["user", "terminate", "--status", "active", "--type", "user"],
    )
    .code(65)
    .stderr_has("101 users selected, more than --max 100; nothing was sent");
    assert!(changes(&portal).is_empty());
    docspace(
        &portal,
        &owner.key,
        &["user", "terminate", "--type", "user", "--max", "101"],
    )
    .code(0)
    .stdout_has("terminated 101");
}

#[test]
fn named_users_and_filters_do_not_mix() {
    let portal = Portal::start();
    let owner = portal.owner();
    docspace(
        &portal,
        &owner.key,
        &["user", "terminate", &owner.id, "--status", "active"],
    )
    .code(64)
    .stderr_has("not both");
    assert!(portal.api_requests().is_empty());
}
