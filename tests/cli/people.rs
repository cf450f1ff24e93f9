use crate::portal::{Kind, Portal, Status};
use crate::{body, changes, docspace, lines};
use serde_json::json;

#[test]
fn whoami_names_the_account_behind_the_key_and_sends_it_as_bearer() {
    let portal = Portal::start();
    let owner = portal.owner();

    docspace(&portal, &owner.key, &["whoami"])
        .code(0)
        .stdout_has(&format!(
            "{} Admin Owner <owner@example.com> docspace-admin active",
            owner.id
        ))
        .stderr_empty()
        .never_shows(&owner.key);

    let sent = portal.api_requests();
    assert_eq!(
        lines(&sent),
        ["GET /api/2.0/people/@self", "GET /api/2.0/keys/@self"]
    );
    let bearer = format!("Bearer {}", owner.key);
    assert_eq!(sent[0].header("authorization"), Some(bearer.as_str()));
    assert_eq!(sent[0].header("accept"), Some("application/json"));
    assert_eq!(sent[0].header("cookie"), None);
}

#[test]
fn create_always_names_the_type_and_the_user_is_created_as_a_plain_user() {
    let portal = Portal::start();
    let owner = portal.owner();

    let run = docspace(
        &portal,
        &owner.key,
        &[
            "user",
            "create",
            "--email",
            "john.doe@example.com",
            "--first-name",
            "John",
            "--last-name",
            "Doe",
        ],
    );

    let user = portal
        .user_by_email("john.doe@example.com")
        .expect("created");
    run.code(0).stdout_has(&format!(
        "created {} John Doe <john.doe@example.com>",
        user.id
    ));
    assert_eq!((user.kind, user.status), (Kind::User, Status::Active));
    let sent = changes(&portal);
    assert_eq!(lines(&sent), ["POST /api/2.0/people"]);
    assert_eq!(sent[0].header("content-type"), Some("application/json"));
    assert_eq!(
        body(&sent[0]),
        json!({"firstName": "John", "lastName": "Doe", "email": "john.doe@example.com", "type": "User"})
    );
}

#[test]
fn create_a_room_admin_and_print_the_portal_object_as_json() {
    let portal = Portal::start();
    let owner = portal.owner();

    let run = docspace(
        &portal,
        &owner.key,
        &[
            "--json",
            "user",
            "create",
            "--email",
            "ra@example.com",
            "--first-name",
            "Rita",
            "--type",
            "room-admin",
        ],
    );

    let printed = run.code(0).json();
    assert_eq!(printed["email"], "ra@example.com");
    assert_eq!(printed["isRoomAdmin"], true);
    assert_eq!(printed["activationStatus"], 2);
    assert_eq!(body(&changes(&portal)[0])["type"], "RoomAdmin");
    assert_eq!(
        portal.user_by_email("ra@example.com").unwrap().kind,
        Kind::RoomAdmin
    );
}

#[test]
fn create_with_a_taken_email_reports_the_portal_refusal() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.add_member(Kind::User, "john@example.com", "John", "Old");

    docspace(
        &portal,
        &owner.key,
        &["user", "create", "--email", "john@example.com", "--first-name", "John"],
    )
    .code(65)
    .stderr_has("docspace-people: create john@example.com: User with this email is already registered (HTTP 400)");
}

#[test]
fn create_with_a_name_the_portal_rejects_is_a_data_error() {
    let portal = Portal::start();
    let owner = portal.owner();

    docspace(
        &portal,
        &owner.key,
        &[
            "user",
            "create",
            "--email",
            "r2@example.com",
            "--first-name",
            "R2D2",
        ],
    )
    .code(65)
    .stderr_has("Incorrect firstname or lastname");
    assert!(portal.user_by_email("r2@example.com").is_none());
}

#[test]
fn get_by_id_and_by_email_in_one_run() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    let bob = portal.add_member(Kind::RoomAdmin, "bob@example.com", "Bob", "Ray");

    docspace(
        &portal,
        &owner.key,
        &["user", "get", &ann.id, "bob@example.com"],
    )
    .code(0)
    .stdout_has(&format!("{} Ann Lee <ann@example.com> user active", ann.id))
    .stdout_has(&format!(
        "{} Bob Ray <bob@example.com> room-admin active",
        bob.id
    ));

    assert_eq!(
        lines(&portal.api_requests()),
        [
            format!("GET /api/2.0/people/{}", ann.id),
            "GET /api/2.0/people/email?email=bob%40example.com".to_owned()
        ]
    );
}

#[test]
fn get_as_json_is_an_array_however_many_users_are_named() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");

    let one = docspace(&portal, &owner.key, &["user", "get", &ann.id, "--json"]).json();
    assert_eq!(one[0]["id"], ann.id.as_str());
    assert_eq!(one.as_array().map(Vec::len), Some(1));
    let two = docspace(
        &portal,
        &owner.key,
        &["user", "get", &ann.id, &owner.id, "--json"],
    )
    .json();
    assert_eq!(two.as_array().map(Vec::len), Some(2));
}

#[test]
fn get_an_unknown_user_is_not_found() {
    let portal = Portal::start();
    let owner = portal.owner();

    docspace(&portal, &owner.key, &["user", "get", "nobody@example.com"])
        .code(67)
        .stderr_has("get nobody@example.com: The user could not be found (HTTP 404)");
}

#[test]
fn get_with_some_unknown_users_prints_the_others_and_exits_1() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");

    docspace(
        &portal,
        &owner.key,
        &["user", "get", "ghost@example.com", &ann.id],
    )
    .code(1)
    .stdout_has("Ann Lee")
    .stderr_has("ghost@example.com: The user could not be found");
}

#[test]
fn terminate_sends_one_batch_and_suspends_every_user() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    let bob = portal.add_member(Kind::User, "bob@example.com", "Bob", "Ray");

    docspace(
        &portal,
        &owner.key,
        &["user", "terminate", &ann.id, "bob@example.com"],
    )
    .code(0)
    .stdout_has(&format!(
        "terminated {} Ann Lee <ann@example.com> (API key 'docspace-people' revoked)",
        ann.id
    ))
    .stdout_has(&format!("terminated {} Bob Ray <bob@example.com>", bob.id));

    // One batch, then each one's key revoked (the portal would bring it back with them).
    let sent = changes(&portal);
    assert_eq!(sent.len(), 3, "{:?}", lines(&sent));
    assert_eq!(lines(&sent)[0], "PUT /api/2.0/people/status/Terminated");
    assert!(
        lines(&sent)[1..]
            .iter()
            .all(|l| l.starts_with("DELETE /api/2.0/keys/"))
    );
    assert!(portal.keys_of(&ann.id).is_empty() && portal.keys_of(&bob.id).is_empty());
    assert_eq!(
        body(&sent[0]),
        json!({"userIds": [ann.id, bob.id], "resendAll": false})
    );
    for id in [&ann.id, &bob.id] {
        assert_eq!(portal.user(id).unwrap().status, Status::Terminated);
    }
}

#[test]
fn a_batch_the_portal_refuses_whole_is_retried_per_user_and_the_refused_one_is_named() {
    let portal = Portal::start();
    let dora = portal.add_member(Kind::DocSpaceAdmin, "dora@example.com", "Dora", "Admin");
    let otto = portal.add_member(Kind::DocSpaceAdmin, "otto@example.com", "Otto", "Admin");
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");

    // The portal refuses a batch that holds another admin for a caller who is not the
    // owner (the owner and the caller themselves are protected and never sent); Ann
    // must still be terminated.
    docspace(
        &portal,
        &dora.key,
        &["user", "terminate", &otto.id, &ann.id],
    )
    .code(1)
    .stdout_has(&format!("terminated {}", ann.id))
    .stderr_has(&format!("terminate {}: Access denied (HTTP 403)", otto.id));

    assert_eq!(portal.user(&ann.id).unwrap().status, Status::Terminated);
    assert_eq!(portal.user(&otto.id).unwrap().status, Status::Active);
    assert_eq!(
        lines(&changes(&portal))
            .iter()
            .filter(|l| l.starts_with("PUT /api/2.0/people/status/"))
            .count(),
        3,
        "one batch, then one request per user"
    );
    assert!(portal.keys_of(&ann.id).is_empty(), "Ann's key revoked");
    assert_eq!(portal.keys_of(&otto.id).len(), 1, "Otto's kept");
}

#[test]
fn activate_brings_a_terminated_user_back() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = crate::terminated_member(&portal, "ann@example.com", "Ann", "Lee");

    docspace(&portal, &owner.key, &["user", "activate", &ann.id])
        .code(0)
        .stdout_has(&format!("activated {}", ann.id));

    assert_eq!(
        lines(&changes(&portal)),
        ["PUT /api/2.0/people/status/Active"]
    );
    assert_eq!(portal.user(&ann.id).unwrap().status, Status::Active);
}

#[test]
fn delete_removes_a_terminated_user_with_the_bulk_endpoint() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = crate::terminated_member(&portal, "ann@example.com", "Ann", "Lee");

    docspace(
        &portal,
        &owner.key,
        &["user", "delete", "ann@example.com", "--keep-keys"],
    )
    .code(0)
    .stdout_has(&format!("deleted {} Ann Lee <ann@example.com>", ann.id));

    let sent = changes(&portal);
    assert_eq!(lines(&sent), ["PUT /api/2.0/people/delete"]);
    assert_eq!(
        body(&sent[0]),
        json!({"userIds": [ann.id], "resendAll": false})
    );
    assert!(portal.user(&ann.id).unwrap().removed);
}

#[test]
fn delete_of_an_active_user_is_skipped_with_the_next_step() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");

    docspace(&portal, &owner.key, &["user", "delete", &ann.id])
        .code(65)
        .stderr_has(&format!("delete {} Ann Lee <ann@example.com>: not terminated (active), skipped: terminate first, or pass --terminate", ann.id));
    assert_eq!(
        lines(&changes(&portal)),
        Vec::<String>::new(),
        "the user is looked at before anything is sent, and nothing is"
    );

    let after = portal.user(&ann.id).unwrap();
    assert_eq!((after.status, after.removed), (Status::Active, false));
}

#[test]
fn delete_by_a_room_admin_is_not_permitted() {
    let portal = Portal::start();
    let rita = portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray");
    let ann = crate::terminated_member(&portal, "ann@example.com", "Ann", "Lee");

    docspace(&portal, &rita.key, &["user", "delete", &ann.id])
        .code(77)
        .stderr_has("Access denied (HTTP 403)");
    assert!(!portal.user(&ann.id).unwrap().removed);
}

#[test]
fn invite_sends_every_address_with_type_user() {
    let portal = Portal::start();
    let owner = portal.owner();

    docspace(
        &portal,
        &owner.key,
        &["invite", "new.one@example.com", "new.two@example.com"],
    )
    .code(0)
    .stdout_has("invited new.one@example.com (user)")
    .stdout_has("invited new.two@example.com (user)");

    let sent = changes(&portal);
    assert_eq!(lines(&sent), ["POST /api/2.0/people/invite"]);
    assert_eq!(
        body(&sent[0]),
        json!({"invitations": [
            {"email": "new.one@example.com", "type": "User"},
            {"email": "new.two@example.com", "type": "User"}
        ]})
    );
    let invited = portal.user_by_email("new.one@example.com").unwrap();
    assert_eq!(
        (invited.status, invited.kind),
        (Status::Pending, Kind::User)
    );
}

#[test]
fn invite_of_an_existing_account_says_no_invitation_was_sent() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");

    docspace(&portal, &owner.key, &["invite", "ann@example.com"])
        .code(0)
        .stdout_has("exists, no invitation sent ")
        .stdout_has("Ann Lee <ann@example.com>");
    assert!(
        changes(&portal).is_empty(),
        "nothing is sent for an existing account"
    );
}

#[test]
fn invite_past_a_refused_address_reports_each_address_truthfully() {
    let portal = Portal::start();
    let owner = portal.owner();
    crate::terminated_member(&portal, "gone@example.com", "Gone", "Away");

    let run = docspace(
        &portal,
        &owner.key,
        &[
            "--json",
            "invite",
            "a1@example.com",
            "gone@example.com",
            "a3@example.com",
        ],
    );

    run.code(1).stderr_has(
        "invite gone@example.com: the account exists and is terminated: reactivate it with 'docspace-people user activate gone@example.com'",
    );
    let mut outcomes: Vec<String> = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["email"].as_str().unwrap(),
                r["outcome"].as_str().unwrap()
            )
        })
        .collect();
    outcomes.sort();
    assert_eq!(
        outcomes,
        [
            "a1@example.com invited",
            "a3@example.com invited",
            "gone@example.com failed"
        ]
    );
    assert_eq!(
        body(&changes(&portal)[0])["invitations"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(portal.user_by_email("a3@example.com").is_some());
}

#[test]
fn whoami_says_when_the_key_expires_and_warns_two_weeks_ahead() {
    let portal = Portal::start();
    let owner = portal.owner();

    docspace(&portal, &owner.key, &["whoami"])
        .code(0)
        .stdout_has("API key 'docspace-people': never expires")
        .stderr_empty();

    portal.set_key_expiry(&owner.key, 100);
    docspace(&portal, &owner.key, &["whoami"])
        .code(0)
        .stdout_has("API key 'docspace-people': expires on ")
        .stdout_has("(in 99 days)")
        .stderr_empty();

    portal.set_key_expiry(&owner.key, 10);
    docspace(&portal, &owner.key, &["whoami"])
        .code(0)
        .stderr_has("expires on ")
        .stderr_has("in 9 days: create a new one in DocSpace (Developer Tools) before then");
}
