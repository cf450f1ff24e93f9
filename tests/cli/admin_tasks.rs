//! The admin's daily tasks (issue 13): changing a user's type (paid seats), resending
//! invitations in one call under the portal's rate window, finding and revoking the
//! accounts never activated, and the paid seats.

use crate::portal::{Fault, Kind, Portal, Reply, Status};
use crate::{body, changes, docspace, lines};

fn type_changes(portal: &Portal) -> Vec<String> {
    lines(&changes(portal))
        .into_iter()
        .filter(|l| l.contains("/people/type"))
        .collect()
}

/// QUIRKS.md Q45: the promotion of a mixed list goes in one request, unchanged users are
/// never sent, and the portal's stop at the first refusal is reported user by user.
#[test]
fn promotion_of_a_mixed_list_reports_each_user_from_what_the_portal_did() {
    let portal = Portal::start();
    let admin = portal.add_member(Kind::DocSpaceAdmin, "adm@example.com", "Ada", "Min");
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    let bob = portal.add_member(Kind::RoomAdmin, "bob@example.com", "Bob", "Ray");
    let cat = portal.add_member(Kind::User, "cat@example.com", "Cat", "Cole");
    portal.set_status(&cat.id, Status::Terminated);
    // Only the owner unmakes a DocSpace admin: the portal refuses this one.
    let dan = portal.add_member(Kind::DocSpaceAdmin, "dan@example.com", "Dan", "Fox");
    let eve = portal.add_member(Kind::User, "eve@example.com", "Eve", "Ng");

    let run = docspace(
        &portal,
        &admin.key,
        &[
            "user",
            "set-type",
            &ann.id,
            &bob.id,
            &cat.id,
            &dan.id,
            &eve.id,
            "--type",
            "room-admin",
        ],
    );
    run.code(1)
        .stdout_has(&format!("made room-admin {} Ann Lee <ann@example.com>", ann.id))
        .stdout_has(&format!("already room-admin {} Bob Ray <bob@example.com>", bob.id))
        .stderr_has(&format!(
            "make {} Cat Cole <cat@example.com> room-admin: terminated, skipped",
            cat.id
        ))
        .stderr_has(&format!(
            "make {} Dan Fox <dan@example.com> room-admin: Access denied (HTTP 403)",
            dan.id
        ))
        .stderr_has(&format!(
            "make {} Eve Ng <eve@example.com> room-admin: not changed: the portal stopped at its refusal of {} Dan Fox <dan@example.com>",
            eve.id, dan.id
        ))
        .stdout_has("made room-admin 1, already room-admin 1, failed 3");
    // One request, without the user already of that type or the terminated one.
    let sent = changes(&portal);
    assert_eq!(
        lines(&sent),
        vec!["PUT /api/2.0/people/type/RoomAdmin".to_owned()]
    );
    assert_eq!(
        body(&sent[0])["userIds"],
        serde_json::json!([ann.id, dan.id, eve.id])
    );
    let kind = |id: &str| portal.user(id).unwrap().kind;
    assert_eq!(
        (kind(&ann.id), kind(&dan.id), kind(&eve.id)),
        (Kind::RoomAdmin, Kind::DocSpaceAdmin, Kind::User)
    );
}

/// QUIRKS.md Q45: with no paid seat left the portal answers 402, shown in its own words.
#[test]
fn a_promotion_without_a_free_seat_exits_65_with_the_portals_message() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    portal.set_seat_limit(Some(portal.seats_used()));

    docspace(
        &portal,
        &owner.key,
        &[
            "user",
            "set-type",
            "ann@example.com",
            "--type",
            "room-admin",
        ],
    )
    .code(65)
    .stderr_has("The number of admins should not exceed 1")
    .stderr_has("HTTP 402");
    assert_eq!(portal.user(&ann.id).unwrap().kind, Kind::User);
}

/// QUIRKS.md Q46: a demotion of someone owning rooms needs an heir, and then goes through
/// the portal's job, followed to its end; the dry run sends nothing.
#[test]
fn a_demotion_hands_the_rooms_to_the_heir_through_the_job() {
    let portal = Portal::start();
    let owner = portal.owner();
    let rita = portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Heir");
    let bob = portal.add_member(Kind::RoomAdmin, "bob@example.com", "Bob", "Ray");
    portal.give_rooms(&bob.id, 3);
    let set_type = ["user", "set-type", "bob@example.com", "--type", "user"];

    docspace(&portal, &owner.key, &set_type)
        .code(65)
        .stderr_has(
            "owns rooms, which the demotion would hand to you; give --heir USER or --heir me",
        );
    assert!(type_changes(&portal).is_empty());

    let mut with_heir = set_type.to_vec();
    with_heir.extend(["--heir", "rita@example.com"]);
    let mut dry = with_heir.clone();
    dry.push("--dry-run");
    docspace(&portal, &owner.key, &dry)
        .code(0)
        .stdout_has("would send POST /api/2.0/people/type")
        .stdout_has(&format!("would make user {} Bob Ray <bob@example.com> (rooms go to {} Rita Heir <rita@example.com>; API key 'docspace-people' kept)", bob.id, rita.id));
    assert!(type_changes(&portal).is_empty());

    docspace(&portal, &owner.key, &with_heir)
        .code(0)
        .stdout_has(&format!(
            "made user {} Bob Ray <bob@example.com> (rooms go to {} Rita Heir <rita@example.com>; API key 'docspace-people' kept)",
            bob.id, rita.id
        ));
    let starts: Vec<_> = changes(&portal)
        .into_iter()
        .filter(|r| r.path == "/api/2.0/people/type")
        .collect();
    assert_eq!(starts.len(), 1);
    assert_eq!(
        body(&starts[0]),
        serde_json::json!({"type": "User", "userId": bob.id, "reassignUserId": rita.id})
    );
    assert_eq!(portal.user(&bob.id).unwrap().kind, Kind::User);
    assert_eq!(
        (portal.rooms_of(&bob.id), portal.rooms_of(&rita.id)),
        (0, 3)
    );
    // The journal has the change.
    docspace(
        &portal,
        &owner.key,
        &["journal", "--user", "bob@example.com"],
    )
    .code(0)
    .stdout_has("made user");
}

/// QUIRKS.md Q47: 150 users in one call; the two the caller may not invite are not in
/// it, since the portal would skip them without a word, and are named as skipped.
#[test]
fn resend_of_150_users_goes_in_one_call_without_the_ones_the_portal_would_skip() {
    let portal = Portal::start();
    let inviter = portal.add_member(Kind::RoomAdmin, "ra@example.com", "Ray", "Admin");
    let mut ids: Vec<String> = (0..148)
        .map(|i| portal.add_pending_as(Kind::User, &format!("p{i:03}@example.com"), 1))
        .collect();
    // A room admin may not invite room admins: the portal would skip these.
    let skipped = [
        portal.add_pending_as(Kind::RoomAdmin, "ra1@example.com", 1),
        portal.add_pending_as(Kind::RoomAdmin, "ra2@example.com", 1),
    ];
    let sent = ids.clone();
    ids.extend(skipped.iter().cloned());
    let list = ids.join("\n");
    let file = portal.state_dir().join("pending.txt");
    std::fs::create_dir_all(portal.state_dir()).unwrap();
    std::fs::write(&file, list).unwrap();

    docspace(
        &portal,
        &inviter.key,
        &["invite", "resend", "--from", file.to_str().unwrap()],
    )
    .code(1)
    .stdout_has("invitation sent 148, failed 2")
    .stderr_has(&format!(
        "resend the invitation of {} ra1@example.com <ra1@example.com>: skipped: a room-admin may not invite a room-admin",
        skipped[0]
    ));
    let resends: Vec<_> = changes(&portal)
        .into_iter()
        .filter(|r| r.path == "/api/2.0/people/invite")
        .collect();
    assert_eq!(resends.len(), 1, "one call for everyone");
    assert_eq!(
        body(&resends[0]),
        serde_json::json!({"userIds": sent, "resendAll": false})
    );
    assert_eq!(portal.resent(), sent);
}

/// Ref §2.16, QUIRKS.md Q47: the portal's answer lists every requested user the caller
/// can see, mailed or not, so whom it mails is decided before sending, with its own rule
/// (`HasAccessInviteAsync`). A room admin may not invite a DocSpace admin: that one is
/// not asked for and is named as skipped, with both types; the user, and the guest the
/// room admin invited itself, are sent. When nobody is left, nothing is sent: exit 65.
#[test]
fn a_room_admin_resend_skips_the_docspace_admin_before_sending() {
    let portal = Portal::start();
    let ra = portal.add_member(Kind::RoomAdmin, "ra@example.com", "Ray", "Admin");
    let dsa = portal.add_pending_as(Kind::DocSpaceAdmin, "dsa@example.com", 1);
    let usr = portal.add_pending_as(Kind::User, "usr@example.com", 1);
    let gst = portal.add_pending_guest_of(&ra.id, "gst@example.com");
    let skipped = format!(
        "docspace-people: resend the invitation of {dsa} dsa@example.com <dsa@example.com>: \
         skipped: a room-admin may not invite a docspace-admin (only the owner may)\n"
    );
    let request = serde_json::json!({"userIds": [usr, gst], "resendAll": false});

    docspace(
        &portal,
        &ra.key,
        &["invite", "resend", &dsa, &usr, &gst, "--dry-run"],
    )
    .code(1)
    .stdout_is(&format!(
        "would send PUT /api/2.0/people/invite {request}\n\
         would send invitation {usr} usr@example.com <usr@example.com>\n\
         would send invitation {gst} gst@example.com <gst@example.com>\n\
         would send invitation 2, failed 1\n"
    ))
    .stderr_is(&skipped);
    assert!(changes(&portal).is_empty());

    docspace(&portal, &ra.key, &["invite", "resend", &dsa, &usr, &gst])
        .code(1)
        .stdout_is(&format!(
            "invitation sent {usr} usr@example.com <usr@example.com>\n\
             invitation sent {gst} gst@example.com <gst@example.com>\n\
             invitation sent 2, failed 1\n"
        ))
        .stderr_is(&skipped);
    let sent = changes(&portal);
    assert_eq!(lines(&sent), ["PUT /api/2.0/people/invite"]);
    assert_eq!(body(&sent[0]), request);
    assert_eq!(portal.resent(), [usr.clone(), gst.clone()]);

    // Only the DocSpace admin: nothing is sent, and the run says it was not done.
    portal.clear_log();
    docspace(&portal, &ra.key, &["invite", "resend", &dsa])
        .code(65)
        .stdout_is("")
        .stderr_is(&skipped);
    assert!(changes(&portal).is_empty());
    assert_eq!(portal.resent(), [usr, gst]);
}

/// QUIRKS.md Q48: the 6th resend in 15 minutes is a 429; it exits 75 at once, without a
/// retry, saying when to try again.
#[test]
fn the_rate_window_exits_75_at_once_without_retrying() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_pending_as(Kind::User, "ann@example.com", 1);
    for _ in 0..5 {
        docspace(&portal, &owner.key, &["invite", "resend", &ann]).code(0);
    }
    portal.clear_log();

    docspace(&portal, &owner.key, &["invite", "resend", &ann])
        .code(75)
        .stderr_has("allows 5 resends per 15 minutes")
        .stderr_has("nothing was retried: try again within 15 minutes");
    assert_eq!(changes(&portal).len(), 1, "the 429 is not retried");

    // A proxy or another limiter that says when: the wait is passed on.
    portal.inject(Fault {
        method: "PUT",
        path_prefix: "/api/2.0/people/invite".to_owned(),
        times: 1,
        reply: Reply::Status {
            code: 429,
            headers: vec![("Retry-After".to_owned(), "120".to_owned())],
            body: Vec::new(),
        },
    });
    portal.clear_log();
    docspace(&portal, &owner.key, &["invite", "resend", &ann])
        .code(75)
        .stderr_has("try again in 120 s");
    assert_eq!(changes(&portal).len(), 1);
}

/// Ref §2.16: never activated is status 4 (invited) or status 1 with activationStatus 2
/// (created, activation e-mail not followed); both are listed, by age too.
#[test]
fn never_activated_users_of_both_kinds_are_listed() {
    let portal = Portal::start();
    let owner = portal.owner();
    let invited = portal.add_pending_as(Kind::User, "inv@example.com", 40);
    let created = portal.add_unactivated("new@example.com", "New", "Hire", 40);
    let recent = portal.add_pending_as(Kind::User, "recent@example.com", 1);
    portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");

    let all = docspace(
        &portal,
        &owner.key,
        &["user", "list", "--activation", "pending"],
    );
    all.code(0).stdout_has("ACTIVATION");
    let rows: Vec<&str> = all.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{}", all.stdout);
    assert!(
        rows.iter().all(|r| r.contains(" pending ")),
        "{}",
        all.stdout
    );
    assert!(all.stdout.contains(&created) && all.stdout.contains("active      pending"));

    let before = crate::portal_day_ago(20);
    docspace(
        &portal,
        &owner.key,
        &[
            "user",
            "list",
            "--activation",
            "pending",
            "--registered-before",
            &before,
            "--ids",
        ],
    )
    .code(0)
    .stdout_is(&format!("{invited}\n{created}\n"));
    let _ = recent;
}

/// Revoke: never-activated accounts older than the age are terminated then deleted, with
/// nothing to hand over, and journalled; recent ones and activated ones stay.
#[test]
fn revoke_removes_old_never_activated_accounts() {
    let portal = Portal::start();
    let owner = portal.owner();
    let invited = portal.add_pending_as(Kind::User, "inv@example.com", 40);
    let created = portal.add_unactivated("new@example.com", "New", "Hire", 40);
    let recent = portal.add_pending_as(Kind::User, "recent@example.com", 1);
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");

    docspace(
        &portal,
        &owner.key,
        &["invite", "revoke", "--older-than", "30d", "--dry-run"],
    )
    .code(0)
    .stdout_has("would delete");
    assert!(changes(&portal).is_empty());

    docspace(
        &portal,
        &owner.key,
        &["invite", "revoke", "--older-than", "30d"],
    )
    .code(0)
    .stdout_has("(never activated: nothing to hand over)")
    .stdout_has("deleted 2");
    assert!(portal.user(&invited).unwrap().removed);
    assert!(portal.user(&created).unwrap().removed);
    assert!(!portal.user(&recent).unwrap().removed);
    assert!(!portal.user(&ann.id).unwrap().removed);
    assert_eq!(
        lines(&changes(&portal)),
        vec![
            "PUT /api/2.0/people/status/Terminated".to_owned(),
            "PUT /api/2.0/people/delete".to_owned()
        ]
    );
    docspace(
        &portal,
        &owner.key,
        &["journal", "--user", "inv@example.com"],
    )
    .code(0)
    .stdout_has("deleted");

    // An activated account named explicitly is not revoked.
    docspace(
        &portal,
        &owner.key,
        &["invite", "revoke", "ann@example.com"],
    )
    .code(65)
    .stderr_has("was activated; remove it with 'user delete'");
}

/// A never-activated account that manages a group is not revoked: its delete would leave
/// the group without a manager (the portal drops every group link of a deleted user,
/// QUIRKS.md Q55). The others are; the groups are read once for the run.
#[test]
fn revoke_skips_a_never_activated_group_manager() {
    let portal = Portal::start();
    let owner = portal.owner();
    let manager = portal.add_unactivated("lead@example.com", "Lea", "Lead", 40);
    let other = portal.add_pending_as(Kind::User, "inv@example.com", 40);
    portal.add_group("Sales", Some(&manager), &[]);

    docspace(
        &portal,
        &owner.key,
        &["invite", "revoke", "--older-than", "30d"],
    )
    .code(1)
    .stderr_has(&format!(
        "revoke {manager} Lea Lead <lead@example.com>: skipped: manages groups 'Sales'"
    ))
    .stdout_has("deleted 1");
    assert!(!portal.user(&manager).unwrap().removed);
    assert!(portal.user(&other).unwrap().removed);
    let groups = portal
        .api_requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/2.0/group"))
        .count();
    assert_eq!(groups, 1, "one group listing for the run");
}

/// QUIRKS.md Q45: used and available seats, and who holds them.
#[test]
fn seats_shows_used_and_available_and_the_holders() {
    let portal = Portal::start();
    let owner = portal.owner();
    let bob = portal.add_member(Kind::RoomAdmin, "bob@example.com", "Bob", "Ray");
    portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    portal.set_seat_limit(Some(5));

    let run = docspace(&portal, &owner.key, &["seats"]);
    run.code(0)
        .stdout_has("paid seats: 2 used, 3 available, 5 in all")
        .stdout_has(&bob.id)
        .stdout_has(&owner.id);
    assert!(!run.stdout.contains("ann@example.com"));
    let json = docspace(&portal, &owner.key, &["seats", "--json"]).json();
    assert_eq!(
        (json["used"].as_u64(), json["available"].as_u64()),
        (Some(2), Some(3))
    );
    assert_eq!(json["holders"].as_array().unwrap().len(), 2);
}
