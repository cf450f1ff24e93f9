//! Errors name the real cause (issue 21, item 14): a member given to `guest delete` is
//! not a guest, and an heir that does not exist is not found.

use crate::portal::{Kind, Portal};
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
