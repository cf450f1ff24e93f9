//! What a portal at a real distance needs: one changing run at a time, decided before the
//! second run reads anything.

use crate::portal::{Fault, Gate, Portal, Reply, Status};
use crate::{changes, finish, lines, spawn, spawn_at};
use std::thread;
use std::time::{Duration, Instant};

fn hold_deletes(portal: &Portal) -> Gate {
    let gate = Gate::default();
    portal.inject(Fault {
        method: "PUT",
        path_prefix: "/api/2.0/people/delete".to_owned(),
        times: 1,
        reply: Reply::Held(gate.clone()),
    });
    gate
}

fn wait_for_a_delete(portal: &Portal) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !lines(&changes(portal))
        .iter()
        .any(|l| l == "PUT /api/2.0/people/delete")
    {
        assert!(Instant::now() < deadline, "the delete was never sent");
        thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_second_run_through_another_address_is_refused_before_its_first_read() {
    let portal = Portal::start();
    portal.set_tenant_domain("portal.example.com");
    let ids = portal.seed_users(2);
    for id in &ids {
        portal.set_status(id, Status::Terminated);
    }
    let gate = hold_deletes(&portal);
    let first = spawn(&portal, &["user", "delete", &ids[0]]);
    wait_for_a_delete(&portal);
    portal.clear_log();

    // The same portal, called by another name.
    let other_address = portal.url().replace("127.0.0.1", "localhost");
    let second = finish(spawn_at(
        &portal,
        &other_address,
        &["user", "delete", &ids[1]],
    ));
    second.code(75).stderr_has(&format!(
        "another run against https://portal.example.com is in progress (pid {}, since ",
        first.id()
    ));
    assert_eq!(
        lines(&portal.api_requests()),
        ["GET /api/2.0/people/@self"],
        "only who the caller is was asked: the portal's own name"
    );

    gate.open();
    finish(first).code(0);
    assert!(
        !portal.user(&ids[1]).unwrap().removed,
        "the refused run sent nothing"
    );
}

#[test]
fn a_dry_run_takes_no_lock() {
    let portal = Portal::start();
    let ids = portal.seed_users(2);
    for id in &ids {
        portal.set_status(id, Status::Terminated);
    }
    let gate = hold_deletes(&portal);
    let first = spawn(&portal, &["user", "delete", &ids[0]]);
    wait_for_a_delete(&portal);

    let dry = finish(spawn(&portal, &["user", "delete", &ids[1], "--dry-run"]));
    dry.code(0).stdout_has(&format!("would delete {}", ids[1]));

    gate.open();
    finish(first).code(0);
}
