//! A listing never skips or repeats a user silently: not when the portal's sort has ties,
//! not when users are added or removed while it is read, and a listing that fails is never
//! taken for a complete one.

use crate::docspace;
use crate::portal::{Fault, Kind, Portal, Reply};
use std::collections::HashSet;

fn ids_of(stdout: &str) -> Vec<String> {
    stdout.lines().map(str::to_owned).collect()
}

fn second_page(reply: Reply) -> Fault {
    Fault {
        method: "GET",
        path_prefix: "/api/2.0/people/filter?count=100&startIndex=100".to_owned(),
        times: 1,
        reply,
    }
}

/// An import registers hundreds of users in the same second; the portal orders ties
/// differently on each request, so paging by registration date skips some and repeats
/// others.
#[test]
fn users_registered_in_the_same_second_are_each_listed_once() {
    let portal = Portal::start();
    let owner = portal.owner();
    let mut expected: HashSet<String> = (0..250)
        .map(|i| {
            let email = format!("import{i:03}@example.com");
            portal.add_member(Kind::User, &email, "Imported", "User").id
        })
        .collect();
    expected.insert(owner.id.clone());

    let run = docspace(&portal, &owner.key, &["user", "list", "--ids"]);

    let listed = ids_of(&run.code(0).stdout);
    let distinct: HashSet<String> = listed.iter().cloned().collect();
    assert_eq!(listed.len(), distinct.len(), "no user twice");
    assert_eq!(distinct, expected, "every user once");
}

#[test]
fn users_removed_while_the_listing_is_read_make_it_start_again() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ids = portal.seed_users(250);
    // Another admin deletes three users of the first page before the second is read.
    portal.inject(second_page(Reply::RemoveFirst(ids[..3].to_vec())));

    let run = docspace(&portal, &owner.key, &["user", "list", "--ids"]);

    let listed = ids_of(&run.code(0).stdout);
    let distinct: HashSet<&String> = listed.iter().collect();
    assert_eq!(listed.len(), distinct.len(), "no user twice");
    for id in &ids[3..] {
        assert!(distinct.contains(id), "{id} was skipped");
    }
    let requests = portal.api_requests().len();
    assert_eq!(
        requests,
        3 + 3,
        "one pass cut short (with the page it had fetched ahead, unused), then a whole one: {requests}"
    );
}

/// The next page is fetched while one is printed, but never two requests at once: one
/// connection, and no page more than the listing needs.
#[test]
fn a_listing_reads_ahead_on_one_connection_and_asks_for_each_page_once() {
    let portal = Portal::start();
    let owner = portal.owner();
    let mut ids = portal.seed_users(250);
    ids.push(owner.id.clone());

    let run = docspace(&portal, &owner.key, &["user", "list", "--ids"]);

    let listed: HashSet<String> = ids_of(&run.code(0).stdout).into_iter().collect();
    assert_eq!(listed, ids.into_iter().collect::<HashSet<_>>());
    let pages: Vec<String> = portal
        .api_requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(pages.len(), 3, "{pages:?}");
    for (page, from) in pages.iter().zip(["0", "100", "200"]) {
        assert!(page.contains(&format!("startIndex={from}&")), "{pages:?}");
    }
    assert_eq!(portal.connections(), 1);
}

#[test]
fn a_portal_that_keeps_changing_fails_the_listing_and_its_json_is_left_unfinished() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ids = portal.seed_users(250);
    // Each pass of the listing meets one more removal.
    for id in &ids[..4] {
        portal.inject(second_page(Reply::RemoveFirst(vec![id.clone()])));
    }

    let run = docspace(&portal, &owner.key, &["user", "list", "--json"]);

    run.code(75)
        .stderr_has("the portal changed while it was being read, 4 times in a row");
    assert!(
        serde_json::from_str::<serde_json::Value>(&run.stdout).is_err(),
        "a listing that failed is not valid JSON: {}",
        run.stdout
    );
}

/// A portal whose `total` stays larger than the users it pages out (QUIRKS.md Q23) is not
/// changing: read twice alike, page for page, the listing ends with every user it pages
/// out, and says what did not add up.
#[test]
fn a_total_that_never_matches_ends_the_listing_with_a_warning() {
    let portal = Portal::start();
    let owner = portal.owner();
    let mut ids = portal.seed_users(201);
    ids.push(owner.id.clone());
    portal.miscount_total(3);

    let run = docspace(&portal, &owner.key, &["user", "list", "--ids"]);

    let listed = ids_of(&run.code(0).stdout);
    assert_eq!(listed.len(), 202, "no user twice");
    assert_eq!(
        listed.into_iter().collect::<HashSet<_>>(),
        ids.into_iter().collect::<HashSet<_>>()
    );
    run.stderr_is("docspace-people: the portal reports 205 users but pages out 202, the same on a second reading; listed 202\n");
    assert_eq!(
        portal.api_requests().len(),
        6,
        "two passes of three pages, no more"
    );

    // The same for a JSON array, which is complete.
    let json = docspace(&portal, &owner.key, &["user", "list", "--json"]);
    assert_eq!(json.code(0).json().as_array().map(Vec::len), Some(202));
    json.stderr_has("the portal reports 205 users but pages out 202");
}

/// A portal that miscounts and changes while it is read: the change makes the listing
/// start again, as ever, and the miscount ends it once two passes are alike.
#[test]
fn a_total_that_never_matches_on_a_portal_that_changes_still_starts_again() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ids = portal.seed_users(250);
    portal.miscount_total(3);
    portal.inject(second_page(Reply::RemoveFirst(ids[..3].to_vec())));

    let run = docspace(&portal, &owner.key, &["user", "list", "--ids"]);

    let listed = ids_of(&run.code(0).stdout);
    let distinct: HashSet<&String> = listed.iter().collect();
    assert_eq!(listed.len(), distinct.len(), "no user twice");
    for id in &ids[3..] {
        assert!(distinct.contains(id), "{id} was skipped");
    }
    run.stderr_has("the portal reports 251 users but pages out 248, the same on a second reading");
    assert_eq!(
        portal.api_requests().len(),
        3 + 3 + 3,
        "one pass cut short by the change (with the page it had fetched ahead), two alike"
    );
}

/// A bulk change selected by a listing whose total never matches acts on every user the
/// portal pages out, which is all any listing can give, and says so before the plan.
#[test]
fn a_bulk_change_on_a_listing_whose_total_never_matches_says_so() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ids = portal.seed_users(3);
    for id in &ids {
        portal.set_terminated_at(id, 40);
    }
    portal.miscount_total(2);

    let run = docspace(
        &portal,
        &owner.key,
        &["user", "delete", "--terminated-for", "30d"],
    );

    run.code(0).stderr_has(
        "the portal reports 5 users but pages out 3, the same on a second reading; the users to delete are selected from the 3",
    );
    for id in &ids {
        run.stdout_has(&format!("deleted {id}"));
        assert!(portal.user(id).unwrap().removed);
    }
    let listings = portal
        .api_requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/2.0/people/filter"))
        .count();
    assert_eq!(listings, 2, "two passes of one page");
}

#[test]
fn seats_read_from_listings_whose_total_never_matches_say_so() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray");
    portal.miscount_total(1);

    docspace(&portal, &owner.key, &["seats"])
        .code(0)
        .stdout_has("rita@example.com")
        .stdout_has("owner@example.com")
        .stderr_is(&"docspace-people: the portal reports 2 users but pages out 1, the same on a second reading; the holders are read from the 1\n".repeat(2));
}

#[test]
fn a_listing_that_fails_half_way_is_not_valid_json() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.seed_users(150);
    portal.inject(second_page(Reply::empty(500)));

    let run = docspace(
        &portal,
        &owner.key,
        &["user", "list", "--json", "--retries", "0"],
    );

    run.code(69).stderr_has("list users (after 100 listed)");
    assert!(run.stdout.starts_with("[{"), "{}", run.stdout);
    assert!(serde_json::from_str::<serde_json::Value>(&run.stdout).is_err());
}

/// A user whose registration date is missing or unreadable was never "registered before"
/// any day: the README's clean-up recipe must not delete it.
#[test]
fn a_user_without_a_readable_registration_date_is_never_registered_before() {
    let portal = Portal::start();
    let owner = portal.owner();
    let user = |id: &str, date: &str| {
        format!(
            r#"{{"id":"{id}","email":"{id}@example.com","firstName":"A","lastName":"B","status":1{date}}}"#
        )
    };
    let page = format!(
        r#"{{"response":[{},{},{}],"count":3,"total":3,"status":0,"statusCode":200}}"#,
        user(
            "00000000-0000-4000-8000-000000000001",
            r#","registrationDate":"2020-05-01T10:00:00.0000000+02:00""#
        ),
        user("00000000-0000-4000-8000-000000000002", ""),
        user(
            "00000000-0000-4000-8000-000000000003",
            r#","registrationDate":"not a date""#
        ),
    );
    portal.inject(Fault {
        method: "GET",
        path_prefix: "/api/2.0/people/filter".to_owned(),
        times: 1,
        reply: Reply::json(200, &page),
    });

    docspace(
        &portal,
        &owner.key,
        &["user", "list", "--registered-before", "2026-01-01", "--ids"],
    )
    .code(0)
    .stdout_is("00000000-0000-4000-8000-000000000001\n");
}

/// Under a task limit that leaves no room for a second thread (a systemd unit's
/// `TasksMax=`, a container's pids limit), the listing reads page by page instead of
/// failing. The limit is a pids cgroup of one task; without a writable pids controller
/// (cgroup v1 at /sys/fs/cgroup/pids, root) the test says it is skipped.
#[test]
fn a_listing_where_no_thread_can_be_started_reads_page_by_page() {
    let parent = std::path::Path::new("/sys/fs/cgroup/pids");
    let cgroup = parent.join(format!("docspace-people-test-{}", std::process::id()));
    let limited = std::fs::create_dir(&cgroup).is_ok()
        && std::fs::write(cgroup.join("pids.max"), "1").is_ok();
    if !limited {
        let _ = std::fs::remove_dir(&cgroup);
        eprintln!("skipped: no writable pids cgroup to limit the binary to one task");
        return;
    }
    let portal = Portal::start();
    let owner = portal.owner();
    let mut ids = portal.seed_users(250);
    ids.push(owner.id.clone());
    let output = std::process::Command::new("sh")
        .args([
            "-c",
            r#"echo $$ > "$1/cgroup.procs" && shift && exec "$@""#,
            "sh",
        ])
        .arg(&cgroup)
        .arg(env!("CARGO_BIN_EXE_docspace-people"))
        .args(["user", "list", "--ids"])
        .env("DOCSPACE_URL", portal.url())
        .env("DOCSPACE_TOKEN", &owner.key)
        .env("XDG_STATE_HOME", crate::state_home(&portal))
        .output()
        .expect("sh runs");
    let _ = std::fs::remove_dir(&cgroup);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{:?}: {stderr}", output.status);
    let listed: HashSet<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(listed, ids.into_iter().collect::<HashSet<_>>());
    assert_eq!(portal.api_requests().len(), 3, "three pages, each once");
}
