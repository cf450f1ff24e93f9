//! Terminating and deleting 1 000 users: the tool's bulk run against one request per
//! user. Prints the requests each way sends and the wall time; asserts nothing about time.
//!
//! `cargo bench --bench bulk` (the stand-in portal of the tests serves both runs).
// Test and example code: its public items are not an API.
#![allow(missing_docs)]
// `cargo clippy --all-targets` checks this bench with cfg(test) but without the test
// harness: the portal's self-tests are compiled without their #[test] functions.
#![cfg_attr(test, allow(unused_imports))]

#[path = "../tests/cli/portal/mod.rs"]
mod portal;

use docspace_people::{Client, Secret, UserId};
use portal::Portal;
use std::process::{Command, Stdio};
use std::time::Instant;

const USERS: usize = 1_000;

fn main() {
    let (requests, connections, seconds) = bulk();
    println!("terminate + delete {USERS} users");
    println!(
        "  bulk (docspace-people user delete --terminate --from -): {requests:>5} requests, {connections} connection(s), {seconds:.3} s"
    );
    let (requests, connections, seconds) = one_by_one();
    println!(
        "  one request per user (library loop):                  {requests:>5} requests, {connections} connection(s), {seconds:.3} s"
    );
}

fn bulk() -> (usize, usize, f64) {
    let portal = Portal::start();
    let ids = portal.seed_users(USERS).join("\n");
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_docspace-people"))
        .args([
            "-q",
            "user",
            "delete",
            "--terminate",
            "--from",
            "-",
            "--max",
            "5000",
        ])
        .env_clear()
        .env("DOCSPACE_URL", portal.url())
        .env(
            "XDG_STATE_HOME",
            std::env::temp_dir().join(format!("docspace-people-bench-{}", std::process::id())),
        )
        .env("DOCSPACE_TOKEN", portal.owner().key)
        .stdin(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    std::io::Write::write_all(&mut child.stdin.take().expect("piped"), ids.as_bytes())
        .expect("the ids are written");
    let status = child.wait().expect("the binary ends");
    let seconds = started.elapsed().as_secs_f64();
    assert!(status.success(), "the bulk run failed: {status}");
    (portal.api_requests().len(), portal.connections(), seconds)
}

fn one_by_one() -> (usize, usize, f64) {
    let portal = Portal::start();
    let ids = portal.seed_users(USERS);
    let client = Client::new(&portal.url(), Secret::new(&portal.owner().key)).expect("a client");
    let started = Instant::now();
    for id in &ids {
        let id: UserId = id.parse().expect("the stand-in hands out user ids");
        client.terminate_users(&[id]).expect("terminated");
        client.delete_user(id).expect("deleted");
    }
    let seconds = started.elapsed().as_secs_f64();
    (portal.api_requests().len(), portal.connections(), seconds)
}
