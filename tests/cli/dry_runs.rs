//! Dry runs say what the real run does (issue 21, item 13): the same look-ups and the
//! same skips, the plan even under `-q`, and `nothing selected` for a selection of nobody.

use crate::portal::{Kind, Portal, Status};
use crate::{changes, docspace, lines, state_home};
use serde_json::json;
use std::path::PathBuf;

/// A file of the test's own in the portal's state directory.
fn file(portal: &Portal, name: &str, text: &str) -> PathBuf {
    let dir = portal.state_dir().join("files");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The outcome of each user of a `--json` bulk report.
fn outcomes(report: &serde_json::Value) -> Vec<(String, String)> {
    report
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|r| {
            (
                r["email"].as_str().unwrap().to_owned(),
                r["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The dry run looks the addresses up (GETs only) and skips an existing one with the
/// real run's words; the real run then does what the dry run said.
#[test]
fn create_from_a_file_dry_run_skips_an_existing_address_as_the_real_run_does() {
    let portal = Portal::start();
    let key = portal.owner().key;
    let old = portal.add_member(Kind::User, "old@example.com", "Old", "Timer");
    let csv = file(
        &portal,
        "new-staff.csv",
        "email,firstName,lastName\nann@example.com,Ann,Lee\nold@example.com,Old,Timer\nzoe@example.com,Zoe,Ng\n",
    );
    let csv = csv.to_str().unwrap();
    let create = ["user", "create", "--from", csv];
    let post = |email: &str, first: &str, last: &str| {
        format!(
            "would send POST /api/2.0/people {}",
            json!({"firstName": first, "lastName": last, "email": email, "type": "User"})
        )
    };

    let mut dry = create.to_vec();
    dry.push("--dry-run");
    docspace(&portal, &key, &dry).code(0).stdout_is(&format!(
        "{}\nwould create ann@example.com\n\
         exists, skipped old@example.com\n\
         {}\nwould create zoe@example.com\n\
         would create 2, exists, skipped 1\n",
        post("ann@example.com", "Ann", "Lee"),
        post("zoe@example.com", "Zoe", "Ng"),
    ));
    let sent = portal.api_requests();
    assert!(changes(&portal).is_empty(), "{:?}", lines(&sent));
    assert!(
        lines(&sent).contains(&"GET /api/2.0/people/email?email=old%40example.com".to_owned()),
        "each address is looked up: {:?}",
        lines(&sent)
    );

    let mut dry_json = dry.clone();
    dry_json.push("--json");
    let planned = outcomes(&docspace(&portal, &key, &dry_json).code(0).json());
    let mut real_json = create.to_vec();
    real_json.push("--json");
    let done = outcomes(&docspace(&portal, &key, &real_json).code(0).json());
    let said = |outcomes: &[(String, String)]| -> Vec<String> {
        outcomes
            .iter()
            .map(|(email, outcome)| format!("{email} {outcome}"))
            .collect()
    };
    assert_eq!(
        said(&planned),
        [
            "ann@example.com would create",
            "old@example.com exists, skipped",
            "zoe@example.com would create",
        ]
    );
    assert_eq!(
        said(&done),
        [
            "ann@example.com created",
            "old@example.com exists, skipped",
            "zoe@example.com created",
        ]
    );
    // The real run learns of the existing address from the portal's refusal of its
    // create (then looks it up, as the dry run did): that refusal changes nothing.
    for email in ["ann@example.com", "zoe@example.com"] {
        assert!(portal.user_by_email(email).is_some(), "{email} created");
    }
    let old_now = portal.user(&old.id).unwrap();
    assert_eq!(
        (old_now.first_name.as_str(), old_now.kind),
        ("Old", Kind::User)
    );
}

/// One account to create whose address the portal has: the dry run fails as the real
/// run does (exit 65), and sends nothing.
#[test]
fn a_dry_run_create_of_an_existing_address_fails_as_the_real_run_does() {
    let portal = Portal::start();
    let key = portal.owner().key;
    let old = portal.add_member(Kind::User, "old@example.com", "Old", "Timer");
    let create = [
        "user",
        "create",
        "--email",
        "old@example.com",
        "--first-name",
        "Another",
    ];

    let mut dry = create.to_vec();
    dry.push("--dry-run");
    docspace(&portal, &key, &dry)
        .code(65)
        .stdout_is("")
        .stderr_is(&format!(
            "docspace-people: create old@example.com: the address already has an account ({} Old Timer <old@example.com>), so the portal would refuse it\n",
            old.id
        ));
    assert!(changes(&portal).is_empty());

    docspace(&portal, &key, &create)
        .code(65)
        .stderr_has("User with this email is already registered (HTTP 400)");
}

/// `-q` silences the summary, never a dry run's plan: the requests and the users.
#[test]
fn a_quiet_dry_run_still_prints_the_plan() {
    let portal = Portal::start();
    let key = portal.owner().key;
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    let bob = portal.add_member(Kind::User, "bob@example.com", "Bob", "Ray");
    let terminate = ["-q", "user", "terminate", &ann.id, "bob@example.com"];

    let mut dry = terminate.to_vec();
    dry.push("--dry-run");
    docspace(&portal, &key, &dry)
        .code(0)
        .stderr_empty()
        .stdout_is(&format!(
            "would send PUT /api/2.0/people/status/Terminated {}\n\
             would send DELETE /api/2.0/keys/{}\n\
             would send DELETE /api/2.0/keys/{}\n\
             would terminate {} Ann Lee <ann@example.com> (API key 'docspace-people' revoked)\n\
             would terminate {} Bob Ray <bob@example.com> (API key 'docspace-people' revoked)\n",
            json!({"resendAll": false, "userIds": [ann.id, bob.id]}),
            portal.key_ids_of(&ann.id)[0],
            portal.key_ids_of(&bob.id)[0],
            ann.id,
            bob.id
        ));

    // With --json the plan is the results (the requests go to stderr).
    dry.push("--json");
    let run = docspace(&portal, &key, &dry);
    run.code(0)
        .stderr_has("docspace-people: would send PUT /api/2.0/people/status/Terminated");
    assert_eq!(
        outcomes(&run.json()),
        [
            ("ann@example.com".to_owned(), "would terminate".to_owned()),
            ("bob@example.com".to_owned(), "would terminate".to_owned()),
        ]
    );
    assert!(changes(&portal).is_empty());

    // The real run under -q prints nothing when everything is done.
    docspace(&portal, &key, &terminate)
        .code(0)
        .stdout_is("")
        .stderr_empty();
    assert_eq!(portal.user(&ann.id).unwrap().status, Status::Terminated);
}

/// Every bulk command whose selection is empty says so and exits 0 (nothing was asked
/// for, so nothing failed), in a dry run and a real one; `-q` keeps a nightly run silent
/// and `--json` prints an empty array. Nothing that changes the portal is sent.
#[test]
fn a_selection_of_nobody_says_nothing_selected_and_exits_0() {
    let portal = Portal::start();
    let key = portal.owner().key;
    portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    let leaver = portal.add_member(Kind::User, "bob@example.com", "Bob", "Ray");
    portal.set_status(&leaver.id, Status::Terminated);
    portal.set_terminated_at(&leaver.id, 3);
    let empty = file(&portal, "empty.txt", "# nobody this week\n\n");
    let empty = empty.to_str().unwrap();
    let header = file(&portal, "new-staff.csv", "email,firstName,lastName\n");
    let header = header.to_str().unwrap();

    let commands: [&[&str]; 11] = [
        &["user", "terminate", "--search", "nobody-by-that-name"],
        &["user", "terminate", "--from", empty],
        &[
            "user",
            "activate",
            "--status",
            "terminated",
            "--type",
            "guest",
        ],
        // Terminated 3 days ago: not long enough.
        &["user", "delete", "--terminated-for", "30d", "--heir", "me"],
        &["user", "delete", "--from", empty],
        &["user", "set-type", "--from", empty, "--type", "room-admin"],
        &["guest", "delete", "--type", "guest"],
        &["user", "create", "--from", header],
        &["invite", "--from", empty],
        &["invite", "resend"],
        &["invite", "revoke", "--older-than", "30d"],
    ];
    for command in commands {
        for extra in [&[][..], &["--dry-run"]] {
            let args = [command, extra].concat();
            docspace(&portal, &key, &args)
                .code(0)
                .stdout_is("nothing selected\n")
                .stderr_empty();
            let quiet = [&["-q"][..], &args].concat();
            docspace(&portal, &key, &quiet)
                .code(0)
                .stdout_is("")
                .stderr_empty();
            let json = [&args[..], &["--json"]].concat();
            docspace(&portal, &key, &json)
                .code(0)
                .stdout_is("[]\n")
                .stderr_empty();
        }
    }
    assert!(
        changes(&portal).is_empty(),
        "{:?}",
        lines(&changes(&portal))
    );
    // Nothing changed, so nothing was journalled either.
    let journal = state_home(&portal).join("docspace-people/journal.jsonl");
    assert!(!journal.exists(), "{}", journal.display());
}
