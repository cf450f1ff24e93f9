//! Selecting, previewing, capping and acting on many accounts, as a cron job does.

use crate::portal::{Kind, Portal, Status};
use crate::{body, changes, docspace, lines, run, with_stdin};
use serde_json::json;
use std::collections::BTreeSet;

#[test]
fn list_reads_a_250_user_portal_in_full_page_by_page() {
    let portal = Portal::start();
    let owner = portal.owner();
    let seeded: BTreeSet<String> = portal.seed_users(250).into_iter().collect();

    let run = docspace(
        &portal,
        &owner.key,
        &[
            "user", "list", "--type", "user", "--status", "active", "--ids",
        ],
    );

    run.code(0);
    let listed: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(listed.len(), 250);
    assert_eq!(
        listed
            .iter()
            .map(|s| s.to_string())
            .collect::<BTreeSet<_>>(),
        seeded
    );
    let pages: Vec<String> = lines(&portal.api_requests());
    assert_eq!(pages.len(), 3, "{pages:?}");
    for (page, start) in pages.iter().zip([0, 100, 200]) {
        assert!(page.starts_with(&format!("GET /api/2.0/people/filter?count=100&startIndex={start}&employeeStatus=1&employeeType=User")), "{page}");
    }
}

#[test]
fn list_as_json_is_one_array_and_the_table_has_a_header() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.seed_users(120);

    let array = docspace(&portal, &owner.key, &["user", "list", "--json"])
        .code(0)
        .json();
    assert_eq!(array.as_array().map(Vec::len), Some(121), "the owner too");

    let table = docspace(
        &portal,
        &owner.key,
        &["user", "list", "--search", "user0007"],
    );
    table.code(0);
    let rows: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(rows.len(), 2, "{}", table.stdout);
    assert!(rows[0].starts_with("ID "), "{}", rows[0]);
    assert!(
        rows[1].contains("user0007@example.com")
            && rows[1].contains(" user ")
            && rows[1].contains("active")
    );
}

#[test]
fn list_applies_the_registration_cut_off_itself() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.seed_users(250);
    let all = docspace(
        &portal,
        &owner.key,
        &["user", "list", "--type", "user", "--json"],
    )
    .json();
    let day = |u: &serde_json::Value| u["registrationDate"].as_str().unwrap()[..10].to_owned();
    let cut_off = day(&all[150]);
    let expected = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| day(u) < cut_off)
        .count();
    portal.clear_log();

    let run = docspace(
        &portal,
        &owner.key,
        &[
            "user",
            "list",
            "--type",
            "user",
            "--registered-before",
            &cut_off,
            "--json",
        ],
    );

    let listed = run.code(0).json();
    assert_eq!(listed.as_array().unwrap().len(), expected);
    assert!(listed.as_array().unwrap().iter().all(|u| day(u) < cut_off));
    assert_eq!(
        portal.api_requests().len(),
        3,
        "every page is read: the portal cannot filter by date, and its registration order has ties"
    );
}

/// A nightly clean-up fed from stdin: some users still active, some terminated, some
/// unknown or deleted by somebody else (which this tool cannot tell from unknown).
struct Leavers {
    portal: Portal,
    active: String,
    terminated: String,
    deleted_before: String,
    stdin: String,
}

fn leavers() -> Leavers {
    let portal = Portal::start();
    let active = portal
        .add_member(Kind::User, "ann@example.com", "Ann", "Lee")
        .id;
    let terminated = portal
        .add_member(Kind::User, "bob@example.com", "Bob", "Ray")
        .id;
    portal.set_status(&terminated, Status::Terminated);
    let deleted_before = portal
        .add_member(Kind::User, "cat@example.com", "Cat", "Cole")
        .id;
    portal.set_status(&deleted_before, Status::Terminated);
    portal.remove(&deleted_before);
    let stdin = format!(
        "# leavers of the week\n{active}\nbob@example.com\n\n{deleted_before}\nnobody@example.com\n00000000-0000-4000-8000-00000000beef\n"
    );
    Leavers {
        portal,
        active,
        terminated,
        deleted_before,
        stdin,
    }
}

#[test]
fn delete_from_stdin_reports_each_user_and_skips_the_active_one() {
    let scene = leavers();
    let portal = &scene.portal;

    let run = with_stdin(
        portal,
        &portal.owner().key,
        &["user", "delete", "--from", "-"],
        &scene.stdin,
    );

    run.code(1)
        .stdout_has(&format!(
            "deleted {} Bob Ray <bob@example.com>",
            scene.terminated
        ))
        .stdout_has("deleted 1, not found 3, failed 1")
        .stderr_has(&format!(
            "delete {}: The user could not be found (HTTP 404)",
            scene.deleted_before
        ))
        .stderr_has("delete nobody@example.com: The user could not be found (HTTP 404)")
        .stderr_has(&format!(
            "delete {} Ann Lee <ann@example.com>: not terminated (active), skipped",
            scene.active
        ));
    assert!(portal.user(&scene.terminated).unwrap().removed);
    assert_eq!(portal.user(&scene.active).unwrap().status, Status::Active);
}

#[test]
fn delete_with_terminate_offboards_active_users_in_one_run() {
    let scene = leavers();
    let portal = &scene.portal;

    let run = with_stdin(
        portal,
        &portal.owner().key,
        &["user", "delete", "--from", "-", "--terminate", "--json"],
        &scene.stdin,
    );

    run.code(1);
    let outcomes: BTreeSet<String> = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["email"].as_str().unwrap_or(""),
                r["outcome"].as_str().unwrap()
            )
        })
        .collect();
    assert!(outcomes.contains("ann@example.com deleted"), "{outcomes:?}");
    assert!(outcomes.contains("bob@example.com deleted"), "{outcomes:?}");
    assert!(
        outcomes.contains("nobody@example.com not found"),
        "{outcomes:?}"
    );
    assert!(portal.user(&scene.active).unwrap().removed);
    let sent: Vec<String> = lines(&changes(portal))
        .into_iter()
        .filter(|l| !l.starts_with("DELETE /api/2.0/keys/"))
        .collect();
    let terminate = "PUT /api/2.0/people/status/Terminated";
    assert_eq!(
        sent,
        [terminate, "PUT /api/2.0/people/delete"],
        "every user is looked at first: the unknown and deleted ones are already gone, so only the active one is terminated"
    );
    assert_eq!(
        body(&changes(portal)[0]),
        json!({"userIds": [scene.active], "resendAll": false})
    );
}

#[test]
fn a_second_run_of_the_same_delete_is_all_done() {
    let scene = leavers();
    let portal = &scene.portal;
    let key = portal.owner().key;
    let stdin = format!("{}\nbob@example.com\n", scene.active);
    with_stdin(
        portal,
        &key,
        &["user", "delete", "--from", "-", "--terminate"],
        &stdin,
    )
    .code(0)
    .stdout_has("deleted 2");

    with_stdin(
        portal,
        &key,
        &["user", "delete", "--from", "-", "--terminate"],
        &stdin,
    )
    .code(0)
    .stdout_has(&format!("already gone {}", scene.active))
    .stdout_has("already gone bob@example.com")
    .stdout_has("already gone 2");
    with_stdin(
        portal,
        &key,
        &["user", "delete", "--from", "-", "--terminate", "-q"],
        &stdin,
    )
    .code(0)
    .stderr_empty();
}

/// A typo in a leavers file leaves the leaver with access: it is never "done".
#[test]
fn a_user_nobody_deleted_is_not_found_even_under_quiet() {
    let scene = leavers();
    let portal = &scene.portal;
    let key = portal.owner().key;

    docspace(
        portal,
        &key,
        &["-q", "user", "delete", "--terminate", "jon.doe.typo@example.com"],
    )
    .code(67)
    .stdout_is("")
    .stderr_is("docspace-people: not found: delete jon.doe.typo@example.com: The user could not be found (HTTP 404)\n");

    // Deleted by somebody else: this tool cannot tell it from a typo, so it says so.
    let run = with_stdin(
        portal,
        &key,
        &["user", "delete", "--from", "-"],
        &format!("bob@example.com\n{}\n", scene.deleted_before),
    );
    run.code(1).stdout_has("deleted 1, not found 1");
    assert!(
        changes(portal)
            .iter()
            .all(|r| !(r.method == "DELETE" && r.path.starts_with("/api/2.0/people/")))
    );
}

#[test]
fn max_refuses_a_larger_selection_before_sending_anything() {
    let scene = leavers();
    let portal = &scene.portal;

    with_stdin(
        portal,
        &portal.owner().key,
        &["user", "delete", "--from", "-", "--max", "3"],
        &scene.stdin,
    )
    .code(65)
    .stderr_has("5 users selected, more than --max 3; nothing was sent");
    assert!(portal.requests().is_empty());
}

#[test]
fn unattended_deletes_are_capped_at_100_by_default() {
    let portal = Portal::start();
    let ids: String = (0..101)
        .map(|i| format!("00000000-0000-4000-8000-{i:012x}\n"))
        .collect();

    with_stdin(
        &portal,
        &portal.owner().key,
        &["user", "delete", "--from", "-"],
        &ids,
    )
    .code(65)
    .stderr_has("101 users selected, more than --max 100");
    assert!(portal.requests().is_empty());
    with_stdin(
        &portal,
        &portal.owner().key,
        &["user", "delete", "--from", "-", "--max", "101"],
        &ids,
    )
    .code(67)
    .stdout_has("not found 101");
}

#[test]
fn dry_run_sends_nothing_that_changes_the_portal_and_prints_what_it_would() {
    let scene = leavers();
    let portal = &scene.portal;
    let key = portal.owner().key;

    let run = with_stdin(
        portal,
        &key,
        &["user", "delete", "--from", "-", "--terminate", "--dry-run"],
        &scene.stdin,
    );

    // The three users the portal does not know would not be found: exit 1.
    run.code(1)
        .stdout_has("would delete 2, not found 3")
        .stdout_has(&format!("would send PUT /api/2.0/people/status/Terminated {{\"resendAll\":false,\"userIds\":[\"{}\"]}}", scene.active))
        .stdout_has("would send PUT /api/2.0/people/delete")
        .stdout_has(&format!("would delete {} Ann Lee", scene.active))
        .never_shows(&key);
    for args in [
        // Bob is terminated already: that one would send nothing.
        &["user", "terminate", "ann@example.com", "--dry-run"][..],
        &["user", "activate", "bob@example.com", "--dry-run"],
        &["invite", "new@example.com", "--dry-run"],
        &[
            "user",
            "create",
            "--email",
            "new@example.com",
            "--first-name",
            "New",
            "--dry-run",
        ],
        &[
            "lifecycle",
            "--email",
            "new@example.com",
            "--first-name",
            "New",
            "--dry-run",
        ],
    ] {
        docspace(portal, &key, args)
            .code(0)
            .stdout_has("would send ")
            .never_shows(&key);
    }
    assert!(changes(portal).is_empty(), "{:?}", lines(&changes(portal)));
    assert!(portal.user_by_email("new@example.com").is_none());
    assert_eq!(portal.user(&scene.active).unwrap().status, Status::Active);
}

#[test]
fn a_docspace_admin_the_portal_skips_in_a_bulk_delete_is_reported_not_deleted() {
    let portal = Portal::start();
    let dora = portal.add_member(Kind::DocSpaceAdmin, "dora@example.com", "Dora", "Admin");
    let other = portal.add_member(Kind::DocSpaceAdmin, "otto@example.com", "Otto", "Admin");
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    for id in [&other.id, &ann.id] {
        portal.set_status(id, Status::Terminated);
    }

    docspace(&portal, &dora.key, &["user", "delete", &other.id, &ann.id])
        .code(1)
        .stdout_has(&format!("deleted {}", ann.id))
        .stderr_has("a DocSpace admin: only the owner can delete one or hand over its data");
    let sent: Vec<String> = crate::changes(&portal)
        .iter()
        .map(|r| r.body.clone())
        .collect();
    assert!(
        sent.iter().all(|b| !b.contains(&other.id)),
        "refused before it is sent, as the portal would skip it: {sent:?}"
    );
    assert!(!portal.user(&other.id).unwrap().removed);
    assert!(portal.user(&ann.id).unwrap().removed);
}

#[test]
fn terminate_and_guest_delete_take_lists_of_emails() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    let bob = portal.add_member(Kind::User, "bob@example.com", "Bob", "Ray");
    let list = std::env::temp_dir().join(format!("leavers-{}.txt", std::process::id()));
    std::fs::write(&list, "ann@example.com\nbob@example.com\n").unwrap();

    docspace(
        &portal,
        &owner.key,
        &["user", "terminate", "--from", list.to_str().unwrap()],
    )
    .code(0)
    .stdout_has("terminated 2");
    std::fs::remove_file(&list).unwrap();
    for id in [&ann.id, &bob.id] {
        assert_eq!(portal.user(id).unwrap().status, Status::Terminated);
    }
    docspace(
        &portal,
        &owner.key,
        &["user", "terminate", "--from", "/nonexistent/list"],
    )
    .code(66)
    .stderr_has("cannot read /nonexistent/list");
    with_stdin(
        &portal,
        &owner.key,
        &["user", "terminate", "--from", "-"],
        "ann@example.com\nann\n",
    )
    .code(65)
    .stderr_has("-: line 2: 'ann' is neither a user id nor an e-mail address");
}

#[test]
fn create_from_csv_checks_every_row_before_sending_anything() {
    let portal = Portal::start();
    let owner = portal.owner();
    let csv = "email,firstName,lastName\nann@example.com,Ann,Lee\nnot-an-email,Bob,Ray\ncat@example.com,,Cole\n";

    with_stdin(&portal, &owner.key, &["user", "create", "--from", "-"], csv)
        .code(65)
        .stderr_has("-: line 3: 'not-an-email' is not an e-mail address")
        .stderr_has("-: line 4: firstName is empty")
        .stderr_has("nothing was sent");
    assert!(portal.requests().is_empty());
}

#[test]
fn create_from_csv_with_quoting_creates_new_people_and_skips_existing_ones() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.add_member(Kind::User, "old@example.com", "Old", "Timer");
    let csv = "email,firstName,lastName,type\n\
               \"ann@example.com\",Ann,\"O'Neil-Lee\",room-admin\n\
               old@example.com,Old,Timer,\n\
               zoe@example.com,Zoë,\"Ünal\",user\n";

    with_stdin(&portal, &owner.key, &["user", "create", "--from", "-"], csv)
        .code(0)
        .stdout_has("created ")
        .stdout_has("exists, skipped old@example.com")
        .stdout_has("created 2, exists, skipped 1");

    let ann = portal.user_by_email("ann@example.com").unwrap();
    assert_eq!(
        (ann.last_name.as_str(), ann.kind),
        ("O'Neil-Lee", Kind::RoomAdmin)
    );
    assert_eq!(
        portal.user_by_email("zoe@example.com").unwrap().first_name,
        "Zoë"
    );
    let creates: Vec<_> = changes(&portal);
    assert_eq!(
        body(&creates[0]),
        json!({"firstName": "Ann", "lastName": "O'Neil-Lee", "email": "ann@example.com", "type": "RoomAdmin"})
    );
}

/// A POST on a keep-alive connection the portal had already dropped breaks off, and so
/// does one whose answer is lost after the portal acted: each row is looked up before it
/// is reported. The one the portal never got is sent once more; the other is not.
#[test]
fn create_from_a_file_checks_each_row_whose_answer_was_lost() {
    let portal = Portal::start();
    let owner = portal.owner();
    let create = |reply| crate::portal::Fault {
        method: "POST",
        path_prefix: "/api/2.0/people".to_owned(),
        times: 1,
        reply,
    };
    portal.inject(create(crate::portal::Reply::Pass));
    portal.inject(create(crate::portal::Reply::LoseAnswer));
    portal.inject(create(crate::portal::Reply::ClosedWhileIdle));
    let csv = "email,firstName,lastName\n\
               ann@example.com,Ann,Lee\n\
               bob@example.com,Bob,Ray\n\
               cat@example.com,Cat,Cole\n";

    let run = with_stdin(
        &portal,
        &owner.key,
        &["user", "create", "--from", "-", "--timeout", "1"],
        csv,
    );

    let bob = portal
        .user_by_email("bob@example.com")
        .expect("created, answer lost");
    let cat = portal
        .user_by_email("cat@example.com")
        .expect("created when sent again");
    run.code(0)
        .stdout_has(&format!("created {} Bob Ray <bob@example.com>", bob.id))
        .stdout_has(&format!("created {} Cat Cole <cat@example.com>", cat.id))
        .stdout_has("created 3")
        .stderr_empty();
    let posts: Vec<String> = changes(&portal)
        .iter()
        .filter(|r| r.path == "/api/2.0/people")
        .map(|r| body(r)["email"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        posts,
        [
            "ann@example.com",
            "bob@example.com",
            "cat@example.com",
            "cat@example.com"
        ],
        "only the create the portal never got is sent again"
    );
}

#[test]
fn create_from_json_lines() {
    let portal = Portal::start();
    let owner = portal.owner();
    let jsonl = "{\"email\":\"ann@example.com\",\"firstName\":\"Ann\",\"lastName\":\"Lee\"}\n";

    with_stdin(
        &portal,
        &owner.key,
        &["user", "create", "--from", "-"],
        jsonl,
    )
    .code(0);
    assert_eq!(
        portal.user_by_email("ann@example.com").unwrap().kind,
        Kind::User
    );
}

#[test]
fn invite_a_list_from_a_file() {
    let portal = Portal::start();
    let owner = portal.owner();

    with_stdin(
        &portal,
        &owner.key,
        &["invite", "--from", "-"],
        "a1@example.com\n# later\na2@example.com\n",
    )
    .code(0)
    .stdout_has("invited 2");
    assert_eq!(
        portal.user_by_email("a2@example.com").unwrap().status,
        Status::Pending
    );
}

#[test]
fn login_prints_a_session_token_that_works_as_a_credential() {
    let portal = Portal::start();
    let url = portal.url();
    portal.login("owner@example.com", "correct horse");

    let token = run(
        &["login", "owner@example.com"],
        &[
            ("DOCSPACE_URL", &url),
            ("DOCSPACE_PASSWORD", "correct horse"),
        ],
        None,
    );
    token.code(0).stderr_empty();
    let token = token.stdout.trim().to_owned();
    assert!(!token.is_empty());
    run(
        &["whoami"],
        &[("DOCSPACE_URL", &url), ("DOCSPACE_TOKEN", &token)],
        None,
    )
    .code(0)
    .stdout_has("owner@example.com");
    let sent = portal.api_requests();
    assert_eq!(
        body(&sent[0]),
        json!({"userName": "owner@example.com", "password": "correct horse"})
    );

    run(
        &["login", "owner@example.com"],
        &[("DOCSPACE_URL", &url)],
        Some("correct horse\n"),
    )
    .code(0);
    run(
        &["login", "owner@example.com"],
        &[("DOCSPACE_URL", &url)],
        Some("wrong\n"),
    )
    .code(77)
    .stderr_has("log in as owner@example.com: User authentication failed")
    .never_shows("wrong");
}
