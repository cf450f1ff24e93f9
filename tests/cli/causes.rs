//! Errors name the real cause (issue 21, item 14): a member given to `guest delete` is
//! not a guest, an heir that does not exist is not found, and a promotion with no paid
//! seat left points to `seats`.

use crate::portal::{Kind, Portal, Status};
use crate::{body, changes, docspace, lines, terminated_member};
use serde_json::json;

/// A member among the guests is skipped as not a guest, before anything is sent; the
/// guests are unlinked. Alone, it is exit 65 and nothing is sent, dry run or not.
#[test]
fn guest_delete_of_a_member_says_it_is_not_a_guest_and_sends_nothing_for_it() {
    let portal = Portal::start();
    let owner = portal.owner();
    let gina = portal.add_guest_of(&owner.id, "gina@example.com", "Gina", "Guest");
    let rita = portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray");
    let skipped = format!(
        "docspace-people: unlink {} Rita Ray <rita@example.com>: skipped: not a guest (room-admin)\n",
        rita.id
    );

    for dry_run in [true, false] {
        let mut alone = vec!["guest", "delete", "rita@example.com"];
        if dry_run {
            alone.push("--dry-run");
        }
        docspace(&portal, &owner.key, &alone)
            .code(65)
            .stdout_is("")
            .stderr_is(&skipped);
    }
    assert!(
        changes(&portal).is_empty(),
        "{:?}",
        lines(&changes(&portal))
    );

    docspace(&portal, &owner.key, &["guest", "delete", &gina, &rita.id])
        .code(1)
        .stdout_is(&format!(
            "unlinked {gina} Gina Guest <gina@example.com>\nunlinked 1, failed 1\n"
        ))
        .stderr_is(&skipped);
    let sent = changes(&portal);
    assert_eq!(lines(&sent), ["DELETE /api/2.0/people/guests"]);
    assert_eq!(
        body(&sent[0]),
        json!({"userIds": [gina], "resendAll": false})
    );
    assert!(portal.relations_of(&owner.id).is_empty());
    assert_eq!(portal.user(&rita.id).unwrap().kind, Kind::RoomAdmin);
}

/// Selected by the filters, `guest delete` lists guests only (unless --type says
/// otherwise): the members matching the search are not touched nor complained about.
#[test]
fn guest_delete_by_filters_selects_guests_only() {
    let portal = Portal::start();
    let owner = portal.owner();
    let gina = portal.add_guest_of(&owner.id, "gina@example.com", "Gina", "Guest");
    portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");

    docspace(
        &portal,
        &owner.key,
        &["guest", "delete", "--search", "example.com"],
    )
    .code(0)
    .stdout_is(&format!("unlinked {gina} Gina Guest <gina@example.com>\n"))
    .stderr_empty();
    let sent = changes(&portal);
    assert_eq!(lines(&sent), ["DELETE /api/2.0/people/guests"]);
    assert_eq!(body(&sent[0])["userIds"], json!([gina]));
}

/// An heir the portal does not have is named as the heir, with exit 67, before any
/// leaver is looked at: nothing that changes the portal is sent, for a delete or a
/// demotion, by address or by id, dry run or not.
#[test]
fn an_heir_that_does_not_exist_is_not_found_and_nothing_is_sent() {
    let portal = Portal::start();
    let owner = portal.owner();
    let leaver = terminated_member(&portal, "lea@example.com", "Lea", "Ver");
    portal.give_rooms(&leaver.id, 2);
    let demoted = portal.add_member(Kind::RoomAdmin, "dee@example.com", "Dee", "Moted");
    portal.give_rooms(&demoted.id, 1);
    let ghost = "00000000-0000-4000-8000-00000000beef";

    for heir in ["nobody@example.com", ghost] {
        let refused = format!(
            "docspace-people: the heir {heir} was not found: nothing was sent; check --heir (an active room admin or DocSpace admin, or 'me')\n"
        );
        for args in [
            &["user", "delete", &leaver.id, "--heir", heir][..],
            &["user", "delete", "--terminated-for", "1d", "--heir", heir],
            &[
                "user",
                "set-type",
                &demoted.id,
                "--type",
                "user",
                "--heir",
                heir,
            ],
            &["user", "delete", &leaver.id, "--heir", heir, "--dry-run"],
        ] {
            docspace(&portal, &owner.key, args)
                .code(67)
                .stdout_is("")
                .stderr_is(&refused);
        }
    }
    assert!(
        changes(&portal).is_empty(),
        "{:?}",
        lines(&changes(&portal))
    );
    assert!(!portal.user(&leaver.id).unwrap().removed);
    assert_eq!(portal.rooms_of(&leaver.id), 2);
    assert_eq!(portal.user(&demoted.id).unwrap().kind, Kind::RoomAdmin);
}

/// QUIRKS.md Q45: no paid seat left is the portal's 402 in its own words, and the line
/// says where to look (`seats`). The portal stops there: the user before it was made a
/// room admin and is reported so (exit 1).
#[test]
fn a_promotion_without_a_free_seat_points_to_seats() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    let bob = portal.add_member(Kind::User, "bob@example.com", "Bob", "Ray");
    portal.set_seat_limit(Some(portal.seats_used() + 1));

    docspace(
        &portal,
        &owner.key,
        &["user", "set-type", &ann.id, &bob.id, "--type", "room-admin"],
    )
    .code(1)
    .stdout_is(&format!(
        "made room-admin {} Ann Lee <ann@example.com>\nmade room-admin 1, failed 1\n",
        ann.id
    ))
    .stderr_is(&format!(
        "docspace-people: make {} Bob Ray <bob@example.com> room-admin: The number of admins should not exceed 2 (HTTP 402); no paid seat is free: 'docspace-people seats' shows who holds one; demote someone or add seats, then run the same command again\n",
        bob.id
    ));
    assert_eq!(
        lines(&changes(&portal)),
        ["PUT /api/2.0/people/type/RoomAdmin"]
    );
    assert_eq!(portal.user(&ann.id).unwrap().kind, Kind::RoomAdmin);
    assert_eq!(portal.user(&bob.id).unwrap().kind, Kind::User);

    // What the hint points to: the seats, all taken, and who holds them.
    docspace(&portal, &owner.key, &["seats"])
        .code(0)
        .stdout_has("paid seats: 2 used, 0 available, 2 in all")
        .stdout_has("ann@example.com");
    assert_eq!(portal.user(&bob.id).unwrap().status, Status::Active);
}

/// Terminating a terminated user changes nothing: it is `already terminated`, done, and
/// not sent; the others are terminated. (Without `--keep-keys`, the keys it still has
/// are revoked: `handover.rs`.)
#[test]
fn terminating_a_terminated_user_says_already_terminated() {
    let portal = Portal::start();
    let owner = portal.owner();
    let gone = terminated_member(&portal, "tom@example.com", "Tom", "Gone");
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");

    docspace(
        &portal,
        &owner.key,
        &["user", "terminate", &gone.id, &ann.id, "--keep-keys"],
    )
    .code(0)
    .stdout_has(&format!(
        "already terminated {} Tom Gone <tom@example.com>",
        gone.id
    ))
    .stdout_has(&format!("terminated {} Ann Lee <ann@example.com>", ann.id));
    let sent = changes(&portal);
    assert_eq!(lines(&sent), ["PUT /api/2.0/people/status/Terminated"]);
    assert_eq!(
        body(&sent[0])["userIds"],
        json!([ann.id]),
        "Tom is not sent"
    );
    assert_eq!(portal.user(&ann.id).unwrap().status, Status::Terminated);
}
