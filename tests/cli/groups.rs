//! The `group` commands: groups named by id or exact name, every change planned, sent
//! once and checked in the portal's answer, and the users the portal would skip without
//! a word refused before anything is sent.

use crate::portal::{Fault, Kind, Portal, Reply, Status};
use crate::{body, changes, docspace, lines};
use serde_json::json;

struct Scene {
    portal: Portal,
    key: String,
    ann: crate::portal::Account,
    bob: crate::portal::Account,
    sales: String,
}

/// Sales, managed by Ann with Bob a member; Ops, with nobody.
fn scene() -> Scene {
    let portal = Portal::start();
    let key = portal.owner().key;
    let ann = portal.add_member(Kind::RoomAdmin, "ann@example.com", "Ann", "Lee");
    let bob = portal.add_member(Kind::User, "bob@example.com", "Bob", "Ray");
    let sales = portal.add_group("Sales", Some(&ann.id), &[&bob.id]);
    portal.add_group("Ops", None, &[]);
    Scene {
        portal,
        key,
        ann,
        bob,
        sales,
    }
}

#[test]
fn groups_are_listed_with_their_managers_and_read_with_their_members() {
    let s = scene();
    let out = docspace(&s.portal, &s.key, &["group", "list"]);
    out.code(0).stdout_is(&format!(
        "{} Ops  manager: none  members: 0\n{} Sales  manager: {} Ann Lee <ann@example.com>  members: 2\n",
        s.portal.groups()[1].id,
        s.sales,
        s.ann.id
    ));
    docspace(
        &s.portal,
        &s.key,
        &["group", "list", "--manager", "ann@example.com"],
    )
    .code(0)
    .stdout_has("Sales")
    .stdout_is(&format!(
        "{} Sales  manager: {} Ann Lee <ann@example.com>  members: 2\n",
        s.sales, s.ann.id
    ));
    let member_of = docspace(
        &s.portal,
        &s.key,
        &["group", "list", "--user", &s.bob.id, "--json"],
    );
    let groups = member_of.code(0).json();
    assert_eq!(groups.as_array().unwrap().len(), 1);
    assert_eq!(groups[0]["id"], s.sales.as_str());
    docspace(&s.portal, &s.key, &["group", "get", "Sales"])
        .code(0)
        .stdout_is(&format!(
            "{} Sales\n  manager: {} Ann Lee <ann@example.com>\n  members: 2\n    {} Ann Lee <ann@example.com>\n    {} Bob Ray <bob@example.com>\n",
            s.sales, s.ann.id, s.ann.id, s.bob.id
        ));
    let got = docspace(&s.portal, &s.key, &["group", "get", &s.sales, "--json"])
        .code(0)
        .json();
    assert_eq!(got[0]["members"].as_array().unwrap().len(), 2);
    docspace(&s.portal, &s.key, &["group", "get", "sales"])
        .code(67)
        .stderr_has("no group is named 'sales' (names are matched exactly)");
    assert!(changes(&s.portal).is_empty());
}

#[test]
fn a_name_two_groups_share_is_refused_with_their_ids() {
    let s = scene();
    let other = s.portal.add_group("Sales", None, &[]);
    for args in [
        vec!["group", "get", "Sales"],
        vec!["group", "add", "Sales", "bob@example.com"],
        vec!["group", "delete", "Sales"],
    ] {
        let out = docspace(&s.portal, &s.key, &args);
        out.code(64)
            .stderr_has("2 groups are named 'Sales': ")
            .stderr_has(&s.sales)
            .stderr_has(&other)
            .stderr_has("name the group by its id");
    }
    assert!(changes(&s.portal).is_empty());
    // By its id it is one group.
    docspace(&s.portal, &s.key, &["group", "delete", &other, "--yes"])
        .code(0)
        .stdout_has(&format!("deleted group {other} Sales"));
    assert!(s.portal.group(&other).unwrap().removed);
    assert!(!s.portal.group(&s.sales).unwrap().removed);
}

#[test]
fn create_refuses_a_terminated_or_guest_manager_before_anything_is_sent() {
    let s = scene();
    let tess = s
        .portal
        .add_member(Kind::RoomAdmin, "tess@example.com", "Tess", "Gone");
    s.portal.set_status(&tess.id, Status::Terminated);
    s.portal
        .add_guest_of(&s.ann.id, "gina@example.com", "Gina", "Guest");
    for (manager, why) in [
        (
            "tess@example.com",
            "terminated, and the portal takes no terminated user",
        ),
        ("gina@example.com", "a guest, and the portal takes no guest"),
    ] {
        docspace(
            &s.portal,
            &s.key,
            &["group", "create", "Design", "--manager", manager],
        )
        .code(65)
        .stderr_has("--manager ")
        .stderr_has(why)
        .stderr_has("nothing was sent");
    }
    docspace(
        &s.portal,
        &s.key,
        &["group", "create", "Design", "--member", "gina@example.com"],
    )
    .code(65)
    .stderr_has("a guest");
    docspace(&s.portal, &s.key, &["group", "create", "Sales"])
        .code(65)
        .stderr_has(&format!("a group of that name exists ({})", s.sales));
    assert!(
        changes(&s.portal).is_empty(),
        "{:?}",
        lines(&changes(&s.portal))
    );
}

#[test]
fn create_plans_in_a_dry_run_then_makes_the_group_and_journals_it() {
    let s = scene();
    let args = [
        "group",
        "create",
        "Design",
        "--manager",
        "ann@example.com",
        "--member",
        "bob@example.com",
        "--member",
        &s.ann.id,
    ];
    let mut dry = args.to_vec();
    dry.push("--dry-run");
    docspace(&s.portal, &s.key, &dry).code(0).stdout_is(&format!(
        "would send POST /api/2.0/group {}\nwould create group 'Design'\n",
        json!({"groupName": "Design", "groupManager": s.ann.id, "members": [s.bob.id, s.ann.id]})
    ));
    assert!(changes(&s.portal).is_empty());
    let out = docspace(&s.portal, &s.key, &args);
    out.code(0);
    let made = s
        .portal
        .groups()
        .into_iter()
        .find(|g| g.name == "Design")
        .expect("made");
    out.stdout_is(&format!("created group {} Design\n", made.id));
    assert_eq!(made.manager.as_deref(), Some(s.ann.id.as_str()));
    assert_eq!(made.members.len(), 2);
    let journal = std::fs::read_to_string(crate::journal_path(&s.portal)).unwrap();
    assert!(journal.contains("\"create group\""), "{journal}");
    assert!(
        journal.contains("\"name\":\"group 'Design'\""),
        "the intent names the group to create: {journal}"
    );
    assert!(
        journal.contains(&format!("\"group\":\"{}\"", made.id)),
        "{journal}"
    );
}

#[test]
fn add_skips_whom_the_portal_would_skip_and_checks_each_user_in_its_answer() {
    let s = scene();
    let carl = s
        .portal
        .add_member(Kind::User, "carl@example.com", "Carl", "Dee");
    let tess = s
        .portal
        .add_member(Kind::User, "tess@example.com", "Tess", "Gone");
    s.portal.set_status(&tess.id, Status::Terminated);
    let gina = s
        .portal
        .add_guest_of(&s.ann.id, "gina@example.com", "Gina", "Guest");
    let args = [
        "group",
        "add",
        "Sales",
        "carl@example.com",
        &s.bob.id,
        &tess.id,
        &gina,
        "nobody@example.com",
    ];
    let mut dry = args.to_vec();
    dry.push("--dry-run");
    let planned = docspace(&s.portal, &s.key, &dry);
    planned
        .code(1)
        .stdout_has(&format!(
            "would send PUT /api/2.0/group/{}/members {}",
            s.sales,
            json!({"members": [carl.id]})
        ))
        .stdout_has(&format!(
            "would add {} Carl Dee <carl@example.com> to group Sales",
            carl.id
        ))
        .stdout_has(&format!(
            "already a member {} Bob Ray <bob@example.com> of group Sales",
            s.bob.id
        ))
        .stderr_has("skipped: terminated, and the portal takes no terminated user into a group")
        .stderr_has("skipped: a guest, and the portal takes no guest into a group")
        .stderr_has("not found: add nobody@example.com");
    assert!(changes(&s.portal).is_empty());

    docspace(&s.portal, &s.key, &args)
        .code(1)
        .stdout_has(&format!(
            "added {} Carl Dee <carl@example.com> to group Sales",
            carl.id
        ))
        .stdout_has("added 1, not found 1, already a member 1, failed 2");
    assert_eq!(
        lines(&changes(&s.portal)),
        [format!("PUT /api/2.0/group/{}/members", s.sales)]
    );
    assert!(s.portal.group(&s.sales).unwrap().members.contains(&carl.id));
}

#[test]
fn a_user_the_portal_skips_without_a_word_is_not_reported_added() {
    let s = scene();
    let carl = s
        .portal
        .add_member(Kind::User, "carl@example.com", "Carl", "Dee");
    // Terminated by someone else between the read and the change.
    s.portal.inject(Fault {
        method: "PUT",
        path_prefix: format!("/api/2.0/group/{}/members", s.sales),
        times: 1,
        reply: Reply::TerminateFirst(vec![carl.id.clone()]),
    });
    docspace(&s.portal, &s.key, &["group", "add", "Sales", &carl.id])
        .code(65)
        .stderr_has("the portal answered without adding this user");
    assert!(!s.portal.group(&s.sales).unwrap().members.contains(&carl.id));
}

#[test]
fn remove_asks_nothing_of_a_non_member_and_leaves_no_manager_when_it_removes_one() {
    let s = scene();
    let carl = s
        .portal
        .add_member(Kind::User, "carl@example.com", "Carl", "Dee");
    docspace(
        &s.portal,
        &s.key,
        &["group", "remove", "Sales", &carl.id, &s.ann.id, "--dry-run"],
    )
    .code(0)
    .stdout_has(&format!(
        "not a member {} Carl Dee <carl@example.com> of group Sales",
        carl.id
    ))
    .stdout_has(&format!(
        "would remove {} Ann Lee <ann@example.com> from group Sales",
        s.ann.id
    ));
    assert!(changes(&s.portal).is_empty());
    docspace(&s.portal, &s.key, &["group", "remove", "Sales", &s.ann.id])
        .code(0)
        .stdout_has(&format!(
            "removed {} Ann Lee <ann@example.com> from group Sales",
            s.ann.id
        ));
    let sales = s.portal.group(&s.sales).unwrap();
    assert_eq!(
        (sales.manager, sales.members),
        (None, vec![s.bob.id.clone()])
    );
}

#[test]
fn set_manager_refuses_a_terminated_or_guest_manager_and_checks_the_answer() {
    let s = scene();
    let tess = s
        .portal
        .add_member(Kind::RoomAdmin, "tess@example.com", "Tess", "Gone");
    s.portal.set_status(&tess.id, Status::Terminated);
    let gina = s
        .portal
        .add_guest_of(&s.ann.id, "gina@example.com", "Gina", "Guest");
    for (user, why) in [(&tess.id, "terminated"), (&gina, "a guest")] {
        docspace(&s.portal, &s.key, &["group", "set-manager", "Sales", user])
            .code(65)
            .stderr_has(why)
            .stderr_has("nothing was sent");
    }
    docspace(
        &s.portal,
        &s.key,
        &["group", "set-manager", "Sales", &s.ann.id],
    )
    .code(0)
    .stdout_is(&format!(
        "already the manager {} Ann Lee <ann@example.com> of group Sales\n",
        s.ann.id
    ));
    assert!(changes(&s.portal).is_empty());

    let hana = s
        .portal
        .add_member(Kind::RoomAdmin, "hana@example.com", "Hana", "Heir");
    docspace(
        &s.portal,
        &s.key,
        &["group", "set-manager", "Sales", "hana@example.com", "--dry-run"],
    )
    .code(0)
    .stdout_is(&format!(
        "would send PUT /api/2.0/group/{}/manager {}\nwould make manager {} Hana Heir <hana@example.com> of group Sales\n",
        s.sales,
        json!({"userId": hana.id}),
        hana.id
    ));
    assert!(changes(&s.portal).is_empty());

    // Terminated between the read and the change: the portal's 200 is not taken for it.
    s.portal.inject(Fault {
        method: "PUT",
        path_prefix: format!("/api/2.0/group/{}/manager", s.sales),
        times: 1,
        reply: Reply::TerminateFirst(vec![hana.id.clone()]),
    });
    docspace(
        &s.portal,
        &s.key,
        &["group", "set-manager", "Sales", &hana.id],
    )
    .code(65)
    .stderr_has("the portal answered 200 without making this user the manager");
    assert_eq!(
        s.portal.group(&s.sales).unwrap().manager.as_deref(),
        Some(s.ann.id.as_str())
    );

    s.portal.set_status(&hana.id, Status::Active);
    docspace(
        &s.portal,
        &s.key,
        &["group", "set-manager", &s.sales, &hana.id],
    )
    .code(0)
    .stdout_is(&format!(
        "made manager {} Hana Heir <hana@example.com> of group Sales\n",
        hana.id
    ));
    let sales = s.portal.group(&s.sales).unwrap();
    assert_eq!(sales.manager.as_deref(), Some(hana.id.as_str()));
    assert!(
        sales.members.contains(&s.ann.id),
        "the manager before stays a member"
    );
    let sent = changes(&s.portal);
    assert_eq!(body(sent.last().unwrap()), json!({"userId": hana.id}));
}

#[test]
fn delete_plans_then_deletes_and_the_members_stay() {
    let s = scene();
    docspace(
        &s.portal,
        &s.key,
        &["group", "delete", "Sales", "--dry-run"],
    )
    .code(0)
    .stdout_is(&format!(
        "would send DELETE /api/2.0/group/{}\nwould delete group {} Sales\n",
        s.sales, s.sales
    ));
    assert!(changes(&s.portal).is_empty());
    docspace(&s.portal, &s.key, &["group", "delete", "Sales", "--json"])
        .code(0)
        .stdout_is(&format!(
            "{}\n",
            json!([{"id": "", "email": "", "outcome": "deleted", "group": s.sales}])
        ));
    assert!(s.portal.group(&s.sales).unwrap().removed);
    assert!(!s.portal.user(&s.bob.id).unwrap().removed);
    docspace(&s.portal, &s.key, &["group", "delete", &s.sales])
        .code(67)
        .stderr_has(&format!("no group has the id {}", s.sales));
}
