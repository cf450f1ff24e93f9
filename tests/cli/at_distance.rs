//! What a portal at a real distance needs: one changing run at a time, decided before the
//! second run reads anything.

use crate::portal::{Fault, Gate, Portal, Reply, Status};
use crate::{changes, finish, lines, spawn, spawn_at};
use std::thread;
use std::time::{Duration, Instant};

fn hold_deletes(portal: &Portal) -> Gate {
    let gate = Gate::new();
    portal.inject(Fault {
        method: "PUT",
        path_prefix: "/api/2.0/people/delete".to_owned(),
        times: 1,
        reply: Reply::Hold(gate.clone()),
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

/// A portal with every case a bulk delete meets: leavers who own nothing, one who owns
/// rooms, one still active, the owner, an id the portal does not know, and one on the
/// protect list; reads answered slowly enough that parallel ones overlap. The ids in the
/// order named, and the protect file.
fn mixed_scene(portal: &Portal) -> (Vec<String>, std::path::PathBuf) {
    let mut named = portal.seed_users(40);
    for id in &named {
        portal.set_status(id, Status::Terminated);
    }
    portal.give_rooms(&named[7], 2);
    let active = portal.add_member(
        crate::portal::Kind::User,
        "still@example.com",
        "Still",
        "Here",
    );
    named.insert(3, active.id);
    named.insert(11, portal.owner().id);
    named.insert(20, "00000000-0000-4000-8000-000000000001".to_owned());
    let protect = portal.state_dir().join("protect.txt");
    std::fs::create_dir_all(portal.state_dir()).unwrap();
    std::fs::write(&protect, format!("{}\n", named[30])).unwrap();
    portal.inject(Fault {
        method: "GET",
        path_prefix: "/api/2.0/people/".to_owned(),
        times: 10_000,
        reply: Reply::Slow(Duration::from_millis(20)),
    });
    (named, protect)
}

/// What a run did, with each portal's ids replaced by their place in the list named.
struct Seen {
    code: i32,
    stdout: String,
    stderr: String,
    requests: Vec<String>,
    removed: Vec<bool>,
    journal: Vec<String>,
    connections: usize,
}

fn delete_mixed(parallel: &str) -> Seen {
    let portal = Portal::start();
    let (named, protect) = mixed_scene(&portal);
    let input = named.join("\n");
    let out = crate::with_stdin(
        &portal,
        &portal.owner().key,
        &[
            "user",
            "delete",
            "--from",
            "-",
            "--protect",
            protect.to_str().unwrap(),
            "--parallel",
            parallel,
        ],
        &input,
    );
    let anonymous = |text: &str| {
        let mut text = text.to_owned();
        for (at, id) in named.iter().enumerate() {
            text = text.replace(id.as_str(), &format!("U{at}"));
        }
        text
    };
    let mut requests: Vec<String> = lines(&portal.api_requests())
        .iter()
        .map(|l| anonymous(l))
        .collect();
    requests.sort();
    let journal = std::fs::read_to_string(crate::journal_path(&portal))
        .unwrap_or_default()
        .lines()
        .map(|l| {
            let entry: serde_json::Value = serde_json::from_str(l).unwrap();
            anonymous(&format!(
                "{} {} {}",
                entry["event"], entry["users"], entry["results"]
            ))
        })
        .collect();
    Seen {
        code: out.code,
        stdout: anonymous(&out.stdout),
        stderr: anonymous(&out.stderr),
        requests,
        removed: named
            .iter()
            .map(|id| portal.user(id).is_some_and(|u| u.removed))
            .collect(),
        journal,
        connections: portal.connections(),
    }
}

#[test]
fn parallel_reads_give_the_outcomes_journal_and_code_of_one_connection() {
    let one = delete_mixed("1");
    let six = delete_mixed("6");
    assert_eq!(
        one.code, 1,
        "one owns rooms, one is active, one is unknown:\n{}",
        one.stderr
    );
    assert!(one.stdout.contains("deleted U0"), "{}", one.stdout);
    assert!(one.stderr.contains("U8 Hiro"), "{}", one.stderr);
    assert!(
        one.stdout.contains("protected (owner) U11"),
        "{}",
        one.stdout
    );
    assert!(
        one.stdout.contains("protected (protect file) U30"),
        "{}",
        one.stdout
    );
    assert!(
        one.stderr.contains("not found: delete U20"),
        "{}",
        one.stderr
    );
    assert_eq!(six.code, one.code);
    assert_eq!(six.stdout, one.stdout);
    assert_eq!(six.stderr, one.stderr);
    assert_eq!(six.requests, one.requests, "the same requests, no more");
    assert_eq!(six.removed, one.removed);
    assert_eq!(six.journal, one.journal);
    assert_eq!(one.connections, 1, "--parallel 1 is one connection");
    assert!(
        (2..=6).contains(&six.connections),
        "overlapping reads on at most 6 connections: {}",
        six.connections
    );
}

fn seeded_terminated(portal: &Portal, n: usize) -> Vec<String> {
    let ids = portal.seed_users(n);
    for id in &ids {
        portal.set_status(id, Status::Terminated);
    }
    ids
}

#[test]
fn a_429_on_one_read_holds_every_connection_for_its_retry_after() {
    let portal = Portal::start();
    let ids = seeded_terminated(&portal, 60);
    let first_read = format!("/api/2.0/people/{}", ids[0]);
    portal.inject(Fault {
        method: "GET",
        path_prefix: first_read.clone(),
        times: 1,
        reply: Reply::Status {
            code: 429,
            headers: vec![("Retry-After".to_owned(), "2".to_owned())],
            body: vec![],
        },
    });
    // Reads slow enough that the 60 would still be under way without the pause.
    portal.inject(Fault {
        method: "GET",
        path_prefix: "/api/2.0/people/".to_owned(),
        times: 10_000,
        reply: Reply::Slow(Duration::from_millis(100)),
    });
    let out = crate::with_stdin(
        &portal,
        &portal.owner().key,
        &[
            "user",
            "delete",
            "--from",
            "-",
            "--dry-run",
            "--parallel",
            "6",
        ],
        &ids.join("\n"),
    );
    out.code(0);
    let requests = portal.api_requests();
    let refused = requests
        .iter()
        .find(|r| r.path == first_read)
        .expect("the first read was sent")
        .at;
    // Reads already in flight when the 429 came arrive just after it; none is sent
    // while the portal's Retry-After lasts.
    let held = requests
        .iter()
        .filter(|r| {
            r.at > refused + Duration::from_millis(500)
                && r.at < refused + Duration::from_millis(1800)
        })
        .count();
    assert_eq!(held, 0, "requests inside the Retry-After window");
    assert_eq!(
        out.stderr.matches("retrying").count(),
        1,
        "one note for the pause:\n{}",
        out.stderr
    );
    assert_eq!(
        requests.iter().filter(|r| r.path == first_read).count(),
        2,
        "the refused read is repeated once"
    );
}

#[test]
fn a_portal_gone_mid_run_stops_it_at_once_with_one_line_for_the_rest() {
    for parallel in ["1", "6"] {
        let portal = Portal::start();
        let ids = seeded_terminated(&portal, 50);
        // The caller, then ten reads; then every connection breaks: the portal is gone.
        portal.inject(Fault {
            method: "",
            path_prefix: "/".to_owned(),
            times: 11,
            reply: Reply::Pass,
        });
        portal.inject(Fault {
            method: "",
            path_prefix: "/".to_owned(),
            times: 100_000,
            reply: Reply::Close,
        });
        let out = crate::with_stdin(
            &portal,
            &portal.owner().key,
            &["user", "delete", "--from", "-", "--parallel", parallel],
            &ids.join("\n"),
        );
        out.code(75);
        assert!(
            out.stderr.lines().count() <= 5,
            "--parallel {parallel}: at most five lines:\n{}",
            out.stderr
        );
        assert!(
            out.stderr.contains("the run stopped: not sent 50"),
            "--parallel {parallel}: one line for everything not sent:\n{}",
            out.stderr
        );
        assert!(changes(&portal).is_empty(), "nothing changing was sent");
        // The read that met the failure and its three repeats, and those of the reads
        // in flight beside it; nothing after them.
        let sent = portal.api_requests().len();
        let most = 11 + 4 * parallel.parse::<usize>().unwrap();
        assert!(sent <= most, "--parallel {parallel}: {sent} requests");
    }
}

#[test]
fn a_portal_gone_while_changes_are_sent_stops_the_run_at_once() {
    let portal = Portal::start();
    let ids = seeded_terminated(&portal, 250);
    // Everything is read (the users, what each owns, then the portal's groups and keys
    // once) and the first batch of 100 deleted; then the portal is gone.
    let before_second_batch = 1 + 250 * 2 + 2 + 1;
    portal.inject(Fault {
        method: "",
        path_prefix: "/".to_owned(),
        times: before_second_batch,
        reply: Reply::Pass,
    });
    portal.inject(Fault {
        method: "",
        path_prefix: "/".to_owned(),
        times: 100_000,
        reply: Reply::Close,
    });
    let out = crate::with_stdin(
        &portal,
        &portal.owner().key,
        &["user", "delete", "--from", "-", "--max", "1000"],
        &ids.join("\n"),
    );
    out.code(75);
    assert!(out.stderr.lines().count() <= 5, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("the run stopped: deleted 100, failed 100, not sent 50"),
        "{}",
        out.stderr
    );
    // The second batch and its three repeats; the third batch is never sent.
    assert_eq!(
        changes(&portal).len(),
        1 + 4,
        "{:?}",
        lines(&changes(&portal))
    );
}
