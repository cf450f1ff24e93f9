//! The journal records every change before it is sent and after, survives a SIGKILL
//! truthfully, never holds a credential; one changing run at a time per portal.

use crate::portal::{Fault, Portal, Reply};
use crate::{
    changes, docspace, finish, hold_the_first_delete, journal_path, run_with_files, spawn,
    terminated, wait_for_a_delete, with_stdin,
};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::thread;
use std::time::Duration;

fn entries(portal: &Portal) -> Vec<Value> {
    std::fs::read_to_string(journal_path(portal))
        .expect("the journal exists")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

fn hang_deletes(portal: &Portal, seconds: u64) {
    portal.inject(Fault {
        method: "PUT",
        path_prefix: "/api/2.0/people/delete".to_owned(),
        times: 1,
        reply: Reply::Hang(Duration::from_secs(seconds)),
    });
}

#[test]
fn every_change_is_journalled_before_and_after_it_is_sent() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ids = terminated(&portal, 2);

    docspace(&portal, &owner.key, &["user", "delete", &ids[0], &ids[1]]).code(0);

    let journal = entries(&portal);
    assert_eq!(journal.len(), 2, "{journal:?}");
    let (intent, outcome) = (&journal[0], &journal[1]);
    assert_eq!(intent["event"], "intent");
    assert_eq!(intent["action"], "delete");
    assert_eq!(intent["portal"], portal.url());
    assert_eq!(intent["caller"], owner.id);
    assert_eq!(
        intent["command"],
        format!("user delete {} {}", ids[0], ids[1])
    );
    assert_eq!(
        intent["requests"],
        serde_json::json!(["PUT /api/2.0/people/delete"])
    );
    let targets: Vec<&str> = intent["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(targets, [ids[0].as_str(), ids[1].as_str()]);
    assert_eq!(outcome["event"], "outcome");
    assert_eq!(
        (&outcome["run"], &outcome["step"]),
        (&intent["run"], &intent["step"])
    );
    let outcomes: Vec<&str> = outcome["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["deleted", "deleted"]);
    let mode = std::fs::metadata(journal_path(&portal))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    docspace(&portal, &owner.key, &["journal"])
        .code(0)
        .stdout_has(&format!("delete      deleted           {}", ids[0]));
    docspace(&portal, &owner.key, &["user", "list"]).code(0);
    docspace(
        &portal,
        &owner.key,
        &["user", "delete", &ids[0], "--dry-run"],
    )
    .code(0);
    assert_eq!(
        entries(&portal).len(),
        2,
        "reading and dry runs journal nothing"
    );
}

#[test]
fn a_run_killed_mid_chunk_leaves_an_intent_that_journal_shows_as_interrupted() {
    let portal = Portal::start();
    let ids = terminated(&portal, 3);
    hang_deletes(&portal, 30);

    let mut child = spawn(&portal, &["user", "delete", &ids[0], &ids[1], &ids[2]]);
    wait_for_a_delete(&portal);
    child.kill().expect("SIGKILL");
    child.wait().expect("ended");

    let journal = entries(&portal);
    assert_eq!(journal.len(), 1, "the intent, and no outcome: {journal:?}");
    assert_eq!(journal[0]["event"], "intent");
    let key = portal.owner().key;
    let run = journal[0]["run"].as_str().unwrap();
    let unfinished = format!("docspace-people journal --unfinished {run}");
    docspace(&portal, &key, &["journal"]).code(0).stdout_is(&format!(
        "interrupted: {} user delete (run {run}): delete of 3 user(s) under way (step 1), outcome unknown\n  \
         the 3 user(s) left, one a line:  {unfinished}\n  \
         check them:  {unfinished} | docspace-people user get --from -\n  \
         send them:   {unfinished} | docspace-people user delete --from -\n",
        journal[0]["time"].as_str().unwrap()
    ));
    let json = docspace(&portal, &key, &["journal", "--json"]).json();
    assert_eq!(json["interrupted"].as_array().unwrap().len(), 1);
    assert_eq!(json["interrupted"][0]["settled"], false);
    assert_eq!(json["changes"].as_array().unwrap().len(), 0);

    // The ids, for --from -: no command line of 37 characters a user.
    let left = docspace(&portal, &key, &["journal", "--unfinished", run]);
    left.code(0)
        .stdout_is(&format!("{}\n{}\n{}\n", ids[0], ids[1], ids[2]));
    with_stdin(
        &portal,
        &key,
        &["user", "delete", "--from", "-"],
        &left.stdout,
    )
    .code(0)
    .stdout_has("deleted 3");
    docspace(&portal, &key, &["journal"])
        .code(0)
        .stdout_has(&format!(
            "settled: {} user delete (run {run}): interrupted with 3 user(s) left; later runs of 'user delete' finished them\n",
            journal[0]["time"].as_str().unwrap()
        ));
    docspace(&portal, &key, &["journal", "--unfinished", run])
        .code(0)
        .stdout_is("");
    docspace(&portal, &key, &["journal", "--unfinished", "0-0"])
        .code(64)
        .stderr_has("has no run 0-0");
}

#[test]
fn the_journal_never_holds_the_credential_the_portal_echoes() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ids = terminated(&portal, 1);
    let echo = format!(
        r#"{{"error":{{"message":"bad key {}"}},"status":1,"statusCode":400}}"#,
        owner.key
    );
    portal.inject(Fault {
        method: "PUT",
        path_prefix: "/api/2.0/people/delete".to_owned(),
        times: 1,
        reply: Reply::json(400, &echo),
    });

    docspace(&portal, &owner.key, &["user", "delete", &ids[0]]).code(65);

    let text = std::fs::read_to_string(journal_path(&portal)).unwrap();
    assert!(
        text.contains("bad key"),
        "the portal's message is kept: {text}"
    );
    assert!(!text.contains(&owner.key[3..30]), "{text}");
}

/// A run started without HOME, XDG_STATE_HOME and STATE_DIRECTORY (a systemd system
/// service without `User=`, `env -i`) keeps its journal and its lock under the home
/// directory that /etc/passwd gives its user. Where it gives none that exists, nothing is
/// sent (exit 73). The binary sees an /etc/passwd of the test's own, so the test writes
/// nothing in the real home directory.
#[test]
fn without_home_the_journal_goes_under_the_home_in_etc_passwd() {
    if !crate::sandbox("the tests of a run without HOME") {
        return;
    }
    let portal = Portal::start();
    let owner = portal.owner();
    let ids = terminated(&portal, 2);
    let dir = portal.state_dir().join("passwd");
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let uid: u32 = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().next())
        .and_then(|id| id.parse().ok())
        .expect("a Uid: line");
    let other = uid.wrapping_add(1);
    let passwd = dir.join("passwd");
    let url = portal.url();
    let env = [
        ("DOCSPACE_URL", url.as_str()),
        ("DOCSPACE_TOKEN", owner.key.as_str()),
    ];
    let delete =
        |id: &str| run_with_files(&[(&passwd, "/etc/passwd")], &["user", "delete", id], &env);

    std::fs::write(
        &passwd,
        format!(
            "other:x:{other}:0::/nowhere:/bin/sh\nservice:x:{uid}:0::{}:/usr/sbin/nologin\n",
            home.display()
        ),
    )
    .unwrap();
    delete(&ids[0])
        .code(0)
        .stdout_has(&format!("deleted {}", ids[0]));
    let state = home.join(".local/state/docspace-people");
    let journal: Vec<Value> = std::fs::read_to_string(state.join("journal.jsonl"))
        .expect("the journal is under the home in /etc/passwd")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(journal.len(), 2, "{journal:?}");
    assert_eq!(journal[0]["event"], "intent");
    assert_eq!(journal[0]["targets"][0]["id"], ids[0].as_str());
    assert_eq!(
        std::fs::read_dir(state.join("locks")).unwrap().count(),
        1,
        "the lock is there too"
    );

    let sent = changes(&portal).len();
    let nonexistent = dir.join("nonexistent");
    for passwd_text in [
        format!("other:x:{other}:0::{}:/bin/sh\n", home.display()),
        format!("service:x:{uid}:0::{}:/bin/sh\n", nonexistent.display()),
    ] {
        std::fs::write(&passwd, passwd_text).unwrap();
        delete(&ids[1]).code(73).stderr_is(
            "docspace-people: there is no place for the journal: HOME, XDG_STATE_HOME and \
             STATE_DIRECTORY are all unset, and /etc/passwd gives this user no home directory \
             that exists; pass --journal PATH, or --no-journal to keep none\n",
        );
    }
    assert_eq!(changes(&portal).len(), sent, "nothing more was sent");
    assert!(!nonexistent.exists(), "a home is not this tool's to create");
}

#[test]
fn a_journal_that_cannot_be_written_stops_the_run_before_its_first_change() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ids = terminated(&portal, 1);
    let directory = std::env::temp_dir();

    docspace(
        &portal,
        &owner.key,
        &[
            "user",
            "delete",
            &ids[0],
            "--journal",
            directory.to_str().unwrap(),
        ],
    )
    .code(73)
    .stderr_has(&format!("the journal {}", directory.display()))
    .stderr_has("nothing was sent");
    assert!(changes(&portal).is_empty());

    docspace(
        &portal,
        &owner.key,
        &["user", "delete", &ids[0], "--no-journal"],
    )
    .code(0);
    assert!(!journal_path(&portal).exists(), "--no-journal writes none");
}

#[test]
fn a_second_changing_run_against_the_same_portal_is_refused_or_waits() {
    let portal = Portal::start();
    let ids = terminated(&portal, 3);
    let gate = hold_the_first_delete(&portal);

    let first = spawn(&portal, &["user", "delete", &ids[0]]);
    wait_for_a_delete(&portal);
    let second = docspace(&portal, &portal.owner().key, &["user", "delete", &ids[1]]);
    second.code(75).stderr_has(&format!(
        "another run against {} is in progress (pid {}, since ",
        portal.url(),
        first.id()
    ));
    docspace(&portal, &portal.owner().key, &["user", "list"]).code(0);

    let mut waiting = spawn(&portal, &["user", "delete", &ids[2], "--wait-lock", "30s"]);
    thread::sleep(Duration::from_millis(200));
    assert!(
        waiting.try_wait().expect("it can be waited for").is_none(),
        "the lock is held: it cannot have finished"
    );
    gate.open();
    finish(first).code(0);
    finish(waiting)
        .code(0)
        .stdout_has(&format!("deleted {}", ids[2]));
    assert!(
        !portal.user(&ids[1]).unwrap().removed,
        "the refused run sent nothing"
    );
}

/// A run killed while its delete was on the way, which the portal carried out: sending
/// the same list again finds the users gone, and says so as `already gone`, not as typos.
#[test]
fn users_a_killed_run_was_deleting_are_already_gone_when_sent_again() {
    let portal = Portal::start();
    let ids = terminated(&portal, 3);
    let delete = ["user", "delete", &ids[0], &ids[1]];
    crate::killed_while_sending(&portal, "PUT", "/api/2.0/people/delete", &delete);
    crate::wait_until("the held delete was never carried out", || {
        portal.user(&ids[1]).unwrap().removed
    });

    docspace(
        &portal,
        &portal.owner().key,
        &["user", "delete", &ids[0], &ids[1], &ids[2]],
    )
    .code(0)
    .stdout_has(&format!("already gone {}", ids[0]))
    .stdout_has(&format!("already gone {}", ids[1]))
    .stdout_has(&format!("deleted {}", ids[2]));
}
