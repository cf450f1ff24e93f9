//! `user holdings`: what each user holds, read with one group listing and one key
//! listing whatever the number of users.

use crate::portal::{Kind, Portal, Status};
use crate::{changes, docspace, lines};

struct Scene {
    portal: Portal,
    key: String,
    ann: crate::portal::Account,
    ci: String,
    sales: String,
    ops: String,
}

/// Ann owns two rooms, manages Sales, is a member of Sales and Ops, and has two keys.
fn scene() -> Scene {
    let portal = Portal::start();
    let key = portal.owner().key;
    let ann = portal.add_member(Kind::RoomAdmin, "ann@example.com", "Ann", "Lee");
    let bob = portal.add_member(Kind::User, "bob@example.com", "Bob", "Ray");
    portal.give_rooms(&ann.id, 2);
    let ci = portal.issue_key(&ann.id, "ci");
    let sales = portal.add_group("Sales", Some(&ann.id), &[&bob.id]);
    let ops = portal.add_group("Ops", Some(&bob.id), &[&ann.id]);
    Scene {
        portal,
        key,
        ann,
        ci,
        sales,
        ops,
    }
}

#[test]
fn a_users_rooms_groups_memberships_and_keys() {
    let s = scene();
    // The key is used once: its last use is on record.
    docspace(&s.portal, &s.ci, &["whoami"]).code(0);
    s.portal.clear_log();

    let out = docspace(&s.portal, &s.key, &["user", "holdings", "ann@example.com"]);
    let today = crate::portal_day_ago(0);
    out.code(0).stderr_empty();
    let lines_out: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines_out[..5],
        [
            format!("{} Ann Lee <ann@example.com> (active)", s.ann.id).as_str(),
            "  rooms and shared files: owns some (a delete or a demotion hands them to the heir)",
            "  manages: Sales",
            "  member of: Ops, Sales",
            // Newest first, as the portal lists them.
            &format!(
                "  API keys: 'ci' (last used {today}, never expires); 'docspace-people' (never used, never expires)"
            ),
        ],
        "{}",
        out.stdout
    );
    assert_eq!(lines_out[5], "  job: none running");
    assert_eq!(lines_out.len(), 6);
    let sent = lines(&s.portal.api_requests());
    assert_eq!(
        sent,
        [
            "GET /api/2.0/people/email?email=ann%40example.com".to_owned(),
            "GET /api/2.0/people/@self".to_owned(),
            "GET /api/2.0/group?count=100&startIndex=0".to_owned(),
            "GET /api/2.0/keys".to_owned(),
            format!(
                "GET /api/2.0/people/reassign/necessary?userId={}&type=RoomAdmin",
                s.ann.id
            ),
            format!("GET /api/2.0/people/type/progress/{}", s.ann.id),
        ]
    );
    assert!(changes(&s.portal).is_empty());

    let json = docspace(
        &s.portal,
        &s.key,
        &["user", "holdings", &s.ann.id, "--json"],
    )
    .code(0)
    .json();
    let ann = &json[0];
    assert_eq!(ann["ownsRoomsOrSharedFiles"], true);
    assert_eq!(ann["manages"][0]["id"], s.sales.as_str());
    assert_eq!(ann["memberOf"].as_array().unwrap().len(), 2);
    assert_eq!(ann["memberOf"][0]["id"], s.ops.as_str());
    assert_eq!(ann["apiKeys"][0]["name"], "ci");
    assert_eq!(ann["apiKeys"][0]["isActive"], true);
    assert!(ann["job"].is_null());

    docspace(&s.portal, &s.key, &["user", "holdings", &s.ann.id, "--output", "csv"])
        .code(0)
        .stdout_is(&format!(
            "ID,ROOMS,MANAGES,GROUPS,KEYS,JOB,EMAIL,NAME\r\n{},yes,Sales,\"Ops, Sales\",\"ci, docspace-people\",none,ann@example.com,Ann Lee\r\n",
            s.ann.id
        ));
    docspace(
        &s.portal,
        &s.key,
        &["user", "holdings", &s.ann.id, "--columns", "id"],
    )
    .code(64)
    .stderr_has("--columns does not apply to 'user holdings'");
}

#[test]
fn ids_are_the_users_who_hold_something_to_hand_over_or_revoke() {
    let s = scene();
    let cid = s
        .portal
        .add_member(Kind::User, "cid@example.com", "Cid", "Cole");
    let dee = s
        .portal
        .add_member(Kind::User, "dee@example.com", "Dee", "Dunn");
    s.portal.set_status(&dee.id, Status::Terminated);
    // Cid's only key is revoked: Cid holds nothing but a membership.
    s.portal.add_group("Design", None, &[&cid.id]);
    let holders = docspace(
        &s.portal,
        &s.key,
        &["user", "holdings", &s.ann.id, &cid.id, "--output", "ids"],
    );
    holders.code(0);
    // Every member of the stand-in has a key: both hold one.
    assert_eq!(holders.stdout, format!("{}\n{}\n", s.ann.id, cid.id));
    let table = docspace(
        &s.portal,
        &s.key,
        &["user", "holdings", &s.ann.id, &dee.id, "--output", "table"],
    );
    table.code(0);
    let rows: Vec<&str> = table.stdout.lines().collect();
    assert!(rows[0].starts_with("ID  "), "{}", table.stdout);
    assert!(rows[1].starts_with(&s.ann.id), "{}", table.stdout);
    assert!(rows[2].contains("  no  "), "{}", table.stdout);
}

#[test]
fn many_users_cost_one_group_listing_and_one_key_listing() {
    let portal = Portal::start();
    let key = portal.owner().key;
    let ids = portal.seed_users(30);
    for (i, id) in ids.iter().enumerate() {
        portal.issue_key(id, &format!("k{i}"));
        if i % 3 == 0 {
            portal.add_group(&format!("G{i:02}"), Some(id), &[]);
        }
    }
    let holdings = |parallel: &str| {
        portal.clear_log();
        let mut args = vec!["user", "holdings", "--parallel", parallel, "--json"];
        args.extend(ids.iter().map(String::as_str));
        let out = docspace(&portal, &key, &args);
        out.code(0);
        let mut sent = lines(&portal.api_requests());
        sent.sort();
        (out.json(), sent)
    };
    let (one, sent_one) = holdings("1");
    let (six, sent_six) = holdings("6");
    assert_eq!(one, six, "the same holdings, read in parallel or not");
    assert_eq!(sent_one, sent_six, "the same requests, no more");
    let count = |prefix: &str| sent_one.iter().filter(|l| l.starts_with(prefix)).count();
    assert_eq!(count("GET /api/2.0/group"), 1);
    assert_eq!(count("GET /api/2.0/keys"), 1);
    assert_eq!(sent_one.len(), 1 + 2 + 30 * 3, "{sent_one:#?}");
    let managers = one
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| !u["manages"].as_array().unwrap().is_empty())
        .count();
    assert_eq!(managers, 10);
}

#[test]
fn a_room_admin_is_told_the_keys_are_unknown_not_that_there_are_none() {
    let s = scene();
    let rita = s
        .portal
        .add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray");
    let bob = s.portal.user_by_email("bob@example.com").unwrap();
    docspace(&s.portal, &rita.key, &["user", "holdings", &bob.id])
        .code(0)
        .stdout_has("  API keys: unknown: only a DocSpace admin can list other users' API keys");
    assert!(
        !lines(&s.portal.api_requests())
            .iter()
            .any(|l| l.starts_with("GET /api/2.0/keys")),
        "a room admin's key listing says nothing of others"
    );
}

#[test]
fn a_job_under_way_is_shown() {
    let s = scene();
    let rita = s
        .portal
        .add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray");
    s.portal.set_status(&s.ann.id, Status::Terminated);
    s.portal.reassign_in_web_ui(&s.ann.id, &rita.id, 40);
    docspace(&s.portal, &s.key, &["user", "holdings", &s.ann.id])
        .code(0)
        .stdout_has("(terminated)")
        .stdout_has("  job: reassign running (40 %)");
    docspace(
        &s.portal,
        &s.key,
        &["user", "holdings", "nobody@example.com"],
    )
    .code(67)
    .stderr_has("not found")
    .stdout_is("");
}
