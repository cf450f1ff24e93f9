use crate::portal::{Kind, Portal, Status};
use crate::{body, changes, docspace, lines};
use serde_json::json;

/// A portal with a guest invited by the owner and a room admin who has not met the guest.
struct GuestScene {
    portal: Portal,
    guest: String,
    room_admin: crate::portal::Account,
    link: String,
}

fn guest_scene() -> GuestScene {
    let portal = Portal::start();
    let owner = portal.owner();
    let guest = portal.add_guest_of(&owner.id, "gina@example.com", "Gina", "Guest");
    let room_admin = portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray");
    let link = portal.share_link(&guest, &owner.id);
    GuestScene {
        portal,
        guest,
        room_admin,
        link,
    }
}

#[test]
fn guest_link_prints_the_portal_short_link() {
    let scene = guest_scene();
    let owner = scene.portal.owner();

    let run = docspace(
        &scene.portal,
        &owner.key,
        &["guest", "link", "gina@example.com"],
    );

    run.code(0)
        .stdout_has(&format!("{}/s/", scene.portal.url()));
    let sent = lines(&scene.portal.api_requests());
    assert_eq!(
        sent[1],
        format!("GET /api/2.0/people/guests/{}/share", scene.guest)
    );
}

#[test]
fn guest_link_of_a_member_is_refused_by_the_portal() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");

    docspace(&portal, &owner.key, &["guest", "link", &ann.id])
        .code(65)
        .stderr_has("User is not a guest (HTTP 400)");
}

#[test]
fn approve_resolves_the_short_link_without_the_credential_and_sends_the_confirm_header() {
    let scene = guest_scene();
    let portal = &scene.portal;

    docspace(
        portal,
        &scene.room_admin.key,
        &["guest", "approve", &scene.link],
    )
    .code(0)
    .stdout_has(&format!(
        "approved {} Gina Guest <gina@example.com>",
        scene.guest
    ));

    let all = portal.requests();
    assert_eq!(
        lines(&all)[..1],
        ["GET /api/2.0/people/@self"],
        "whose key it is, for the journal and the lock, before anything else"
    );
    assert_eq!(
        lines(&all)[2..],
        ["POST /api/2.0/people/guests/share/approve"],
        "the link is resolved, then the approval"
    );
    let (resolve, approve) = (&all[1], &all[2]);
    assert!(resolve.path.starts_with("/s/"), "{}", resolve.path);
    assert_eq!(
        resolve.header("authorization"),
        None,
        "the credential goes to the API only"
    );
    assert_eq!(approve.path, "/api/2.0/people/guests/share/approve");
    let confirm = approve.header("confirm").expect("confirm header");
    assert!(confirm.starts_with("type=GuestShareLink&key="), "{confirm}");
    assert!(confirm.contains("&encemail="), "{confirm}");
    let bearer = format!("Bearer {}", scene.room_admin.key);
    assert_eq!(approve.header("authorization"), Some(bearer.as_str()));
    assert_eq!(body(approve), json!({"email": "guest@example.com"}));
    assert!(
        portal
            .relations_of(&scene.room_admin.id)
            .contains(&scene.guest)
    );
}

#[test]
fn approve_takes_the_full_confirmation_link_too() {
    let scene = guest_scene();
    let portal = &scene.portal;
    docspace(
        portal,
        &scene.room_admin.key,
        &["guest", "approve", &scene.link],
    )
    .code(0);
    let confirm = portal
        .requests()
        .iter()
        .find_map(|r| r.header("confirm").map(str::to_owned))
        .expect("the approval carried the confirm header");
    let full = format!("{}/confirm/GuestShareLink?{confirm}", portal.url());
    portal.clear_log();

    docspace(portal, &scene.room_admin.key, &["guest", "approve", &full]).code(0);

    let sent = portal.requests();
    assert_eq!(
        lines(&sent),
        [
            "GET /api/2.0/people/@self",
            "POST /api/2.0/people/guests/share/approve"
        ],
        "no short link to resolve; the journal learns whose key it is"
    );
    assert_eq!(sent[1].header("confirm"), Some(confirm.as_str()));
}

#[test]
fn approve_with_the_wrong_email_approves_nothing() {
    let scene = guest_scene();

    docspace(
        &scene.portal,
        &scene.room_admin.key,
        &[
            "guest",
            "approve",
            &scene.link,
            "--email",
            "other@example.com",
        ],
    )
    .code(65)
    .stderr_has("the link is not the share link of the guest other@example.com")
    .stderr_has("nothing was approved");
    assert!(changes(&scene.portal).is_empty());
    assert!(scene.portal.relations_of(&scene.room_admin.id).is_empty());
}

#[test]
fn a_link_to_another_host_is_refused_before_anything_is_sent() {
    let scene = guest_scene();

    docspace(
        &scene.portal,
        &scene.room_admin.key,
        &["guest", "approve", "http://127.0.0.2:9/s/AAAAAAAAAAAAAAA"],
    )
    .code(64)
    .stderr_has("the link points to another host than the portal")
    .stderr_has("http://127.0.0.2:9, where http://127.0.0.1:");
    // Only the portal itself was asked, for its own name.
    assert_eq!(
        lines(&scene.portal.requests()),
        ["GET /api/2.0/people/@self"]
    );
}

#[test]
fn a_forged_link_is_not_permitted() {
    let scene = guest_scene();
    let forged = format!(
        "{}/confirm/GuestShareLink?type=GuestShareLink&key=1.FORGED&encemail=abc&uid={}",
        scene.portal.url(),
        scene.portal.owner().id
    );

    docspace(
        &scene.portal,
        &scene.room_admin.key,
        &["guest", "approve", &forged],
    )
    .code(77)
    .stderr_has("HTTP 401");
    assert!(scene.portal.relations_of(&scene.room_admin.id).is_empty());
}

#[test]
fn guest_delete_unlinks_a_guest_from_a_room_admin_and_keeps_the_account() {
    let portal = Portal::start();
    let rita = portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray");
    let guest = portal.add_guest_of(&rita.id, "gina@example.com", "Gina", "Guest");

    docspace(&portal, &rita.key, &["guest", "delete", &guest])
        .code(0)
        .stdout_has(&format!("unlinked {guest}"));

    let sent = changes(&portal);
    assert_eq!(lines(&sent), ["DELETE /api/2.0/people/guests"]);
    assert_eq!(sent[0].header("content-type"), Some("application/json"));
    assert_eq!(
        body(&sent[0]),
        json!({"userIds": [guest], "resendAll": false})
    );
    assert!(portal.relations_of(&rita.id).is_empty());
    let account = portal.user(&guest).unwrap();
    assert_eq!((account.removed, account.status), (false, Status::Active));
}

#[test]
fn guest_delete_of_a_guest_not_linked_to_you_is_not_permitted() {
    let scene = guest_scene();

    docspace(
        &scene.portal,
        &scene.room_admin.key,
        &["guest", "delete", &scene.guest],
    )
    .code(77)
    .stderr_has("Access denied (HTTP 403)");
}

#[test]
fn guest_cycle_as_a_room_admin_approves_then_unlinks() {
    let scene = guest_scene();
    let portal = &scene.portal;

    // A room admin cannot see the guest before approving: the e-mail cannot be checked
    // beforehand, so nothing is approved without --yes.
    docspace(
        portal,
        &scene.room_admin.key,
        &["guest-cycle", &scene.link, "--email", "gina@example.com"],
    )
    .code(65)
    .stderr_has("cannot check beforehand that the link is the share link of gina@example.com");
    assert!(changes(portal).is_empty(), "nothing was approved");

    docspace(
        portal,
        &scene.room_admin.key,
        &[
            "guest-cycle",
            &scene.link,
            "--email",
            "gina@example.com",
            "--yes",
        ],
    )
    .code(0)
    .stdout_has(&format!("approved {} Gina Guest", scene.guest))
    .stdout_has(&format!("unlinked {} Gina Guest", scene.guest));

    assert_eq!(
        lines(&changes(portal)),
        [
            "POST /api/2.0/people/guests/share/approve",
            "DELETE /api/2.0/people/guests"
        ]
    );
    assert!(portal.relations_of(&scene.room_admin.id).is_empty());
    assert!(!portal.user(&scene.guest).unwrap().removed);
}

#[test]
fn guest_cycle_as_a_docspace_admin_stops_at_the_unlink_and_says_why() {
    let portal = Portal::start();
    let owner = portal.owner();
    let rita = portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray");
    let guest = portal.add_guest_of(&rita.id, "gina@example.com", "Gina", "Guest");
    let admin = portal.add_member(Kind::DocSpaceAdmin, "dora@example.com", "Dora", "Admin");
    let link = portal.share_link(&guest, &rita.id);
    let _ = owner;

    let run = docspace(&portal, &admin.key, &["--json", "guest-cycle", &link]);

    run.code(77)
        .stderr_has(&format!(
            "guest-cycle stopped at step 'delete' for user {guest}"
        ))
        .stderr_has("left approved and not unlinked");
    let report = run.json();
    assert_eq!(
        report["steps"],
        json!([
            {"step": "approve", "outcome": "done"},
            {"step": "delete", "outcome": "failed", "error": report["steps"][1]["error"]}
        ])
    );
    assert_eq!(report["user"]["id"], guest.as_str());
}

#[test]
fn guest_cycle_with_a_refused_link_never_sends_the_unlink() {
    let scene = guest_scene();
    let forged = format!(
        "{}/confirm/GuestShareLink?type=GuestShareLink&key=1.FORGED&encemail=abc&uid={}",
        scene.portal.url(),
        scene.portal.owner().id
    );

    docspace(
        &scene.portal,
        &scene.room_admin.key,
        &["guest-cycle", &forged],
    )
    .code(77)
    .stderr_has("stopped at step 'approve'")
    .stderr_has("the guest is not approved");
    assert_eq!(
        lines(&changes(&scene.portal)),
        ["POST /api/2.0/people/guests/share/approve"]
    );
}

/// A guest this tool already unlinked is refused by the portal like one never linked;
/// the journal tells the two apart, so a second run is done, not "not permitted".
#[test]
fn a_second_unlink_of_the_same_guest_is_already_done() {
    let portal = Portal::start();
    let owner = portal.owner();
    let gina = portal.add_guest_of(&owner.id, "gina@example.com", "Gina", "Guest");
    let stranger = portal.add_member(Kind::RoomAdmin, "sam@example.com", "Sam", "Stranger");
    let never = portal.add_guest_of(&stranger.id, "nora@example.com", "Nora", "Never");

    docspace(&portal, &owner.key, &["guest", "delete", &gina])
        .code(0)
        .stdout_has(&format!("unlinked {gina}"));
    docspace(&portal, &owner.key, &["guest", "delete", &gina])
        .code(0)
        .stdout_has(&format!("already unlinked {gina}"));
    // One this tool never unlinked stays a refusal.
    docspace(&portal, &owner.key, &["guest", "delete", &never]).code(77);
}
