//! Real portals (issue 10): every language, every script, every answer the API may
//! give, against a stand-in that is no kinder than the server.

use crate::portal::{Kind, Portal, Reply, Status, Wire};
use crate::{changes, docspace, lines, with_stdin};

// ---------------------------------------------------------------------------
// Portals that do not speak English

#[test]
fn create_from_is_idempotent_on_a_german_portal() {
    let portal = Portal::start();
    portal.set_language("de");
    let owner = portal.owner();
    let csv = "email,firstName,lastName\nann@example.com,Ann,Lee\nbob@example.com,Bob,Ray\n";
    let args = ["user", "create", "--from", "-"];

    with_stdin(&portal, &owner.key, &args, csv).code(0);
    with_stdin(&portal, &owner.key, &args, csv)
        .code(0)
        .stdout_has("exists, skipped");
    // The second run's refusals were in German, and were not what decided.
    let created = changes(&portal)
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(created, 4, "each row sent once a run");
}

#[test]
fn a_german_refusal_is_quoted_not_matched() {
    let portal = Portal::start();
    portal.set_language("de");
    let owner = portal.owner();

    // A name the portal refuses: its translated message is quoted as it is.
    docspace(
        &portal,
        &owner.key,
        &[
            "user",
            "create",
            "--email",
            "x@example.com",
            "--first-name",
            "Ann",
        ],
    )
    .code(0);
    docspace(
        &portal,
        &owner.key,
        &[
            "user",
            "create",
            "--email",
            "x@example.com",
            "--first-name",
            "Ann",
        ],
    )
    .code(65)
    .stderr_has("Ein Benutzer mit dieser E-Mail-Adresse ist bereits registriert (HTTP 400)");
}

#[test]
fn delete_and_terminate_are_idempotent_on_a_german_portal() {
    let portal = Portal::start();
    portal.set_language("de");
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");

    for _ in 0..2 {
        docspace(&portal, &owner.key, &["user", "terminate", &ann.id]).code(0);
    }
    docspace(&portal, &owner.key, &["user", "delete", &ann.id])
        .code(0)
        .stdout_has("deleted");
    docspace(&portal, &owner.key, &["user", "delete", &ann.id])
        .code(0)
        .stdout_has("already gone");
    // An unknown address is "not found" by its status, whatever the language.
    docspace(&portal, &owner.key, &["user", "get", "nobody@example.com"])
        .code(67)
        .stderr_has("Der Benutzer konnte nicht gefunden werden");
}

/// Issue 21: a user a bulk command cannot find is `not found` in the tool's own words,
/// whatever the portal's language, and the portal's message follows as it is. Every
/// bulk command reads the users it is given first, so terminate counts it as delete does.
#[test]
fn a_missing_user_is_not_found_in_english_on_a_german_portal() {
    let portal = Portal::start();
    portal.set_language("de");
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    let ghost = "00000000-0000-4000-8000-00000000beef";
    let german = "Der Benutzer konnte nicht gefunden werden (HTTP 404)";

    docspace(&portal, &owner.key, &["user", "terminate", &ann.id, ghost])
        .code(1)
        .stdout_is(&format!(
            "terminated {} Ann Lee <ann@example.com> (API key 'docspace-people' revoked)\nterminated 1, not found 1\n",
            ann.id
        ))
        .stderr_is(&format!(
            "docspace-people: not found: terminate {ghost}: {german}\n"
        ));
    docspace(
        &portal,
        &owner.key,
        &["user", "delete", "nobody@example.com", "--terminate"],
    )
    .code(67)
    .stdout_is("")
    .stderr_is(&format!(
        "docspace-people: not found: delete nobody@example.com: {german}\n"
    ));
}

// ---------------------------------------------------------------------------
// People whose names and addresses are not ASCII

#[test]
fn an_address_in_any_script_is_looked_up_and_listed_in_files() {
    let portal = Portal::start();
    let owner = portal.owner();
    let jurgen = portal.add_member(Kind::User, "jürgen.müller@example.de", "Jürgen", "Müller");
    portal.set_status(&jurgen.id, Status::Terminated);

    docspace(
        &portal,
        &owner.key,
        &["user", "get", "jürgen.müller@example.de"],
    )
    .code(0)
    .stdout_has("Jürgen Müller");
    with_stdin(
        &portal,
        &owner.key,
        &["user", "delete", "--from", "-"],
        "jürgen.müller@example.de\n",
    )
    .code(0)
    .stdout_has("deleted");
    assert!(portal.user(&jurgen.id).unwrap().removed);
}

#[test]
fn an_invitation_to_an_address_that_is_not_ascii_is_refused_here_and_says_why() {
    let portal = Portal::start();
    let owner = portal.owner();

    docspace(
        &portal,
        &owner.key,
        &["invite", "jürgen@example.de", "ann@example.com"],
    )
    .code(1)
    .stderr_has("invitations need an ASCII address")
    .stdout_has("invited ann@example.com (user)");
    let sent = changes(&portal);
    assert_eq!(lines(&sent), ["POST /api/2.0/people/invite"]);
    assert!(!sent[0].body.contains("example.de"), "{}", sent[0].body);
    assert!(portal.user_by_email("jürgen@example.de").is_none());
}

#[test]
fn names_in_every_script_are_created() {
    let portal = Portal::start();
    let owner = portal.owner();
    let names = [
        ("dev@example.com", "देवनागरी", "शर्मा"),
        ("tam@example.com", "தமிழ்", "செல்வன்"),
        ("tha@example.com", "สมชาย", "ใจดี"),
        ("ara@example.com", "محمد", "عبدالله"),
        ("heb@example.com", "שלום", "כהן"),
        ("han@example.com", "小明", "王"),
        ("lat@example.com", "Jose\u{301}", "Mu\u{308}ller"),
    ];
    let mut csv = String::from("email,firstName,lastName\n");
    for (email, first, last) in names {
        csv.push_str(&format!("{email},{first},{last}\n"));
    }

    with_stdin(
        &portal,
        &owner.key,
        &["user", "create", "--from", "-"],
        &csv,
    )
    .code(0);
    for (email, first, _) in names {
        let user = portal.user_by_email(email).expect("created");
        assert_eq!(user.first_name, first);
    }
}

#[test]
fn a_name_the_portal_refuses_is_refused_before_anything_is_sent() {
    let portal = Portal::start();
    let owner = portal.owner();
    let csv = "email,firstName,lastName\nann@example.com,Ann,Lee\nr2@example.com,Ⅻ,Droid\n";

    with_stdin(&portal, &owner.key, &["user", "create", "--from", "-"], csv)
        .code(65)
        .stderr_has("line 3: firstName 'Ⅻ' has characters the portal refuses in names");
    assert!(changes(&portal).is_empty());
}

// ---------------------------------------------------------------------------
// Answers the API allows

#[test]
fn null_names_and_addresses_do_not_stop_a_listing() {
    let portal = Portal::start();
    portal.answer_like(Wire {
        nulls: true,
        ..Wire::default()
    });
    let owner = portal.owner();
    portal.add_pending("pending@example.com");

    docspace(
        &portal,
        &owner.key,
        &["user", "list", "--status", "pending"],
    )
    .code(0)
    .stdout_has("pending");
}

#[test]
fn numeric_entities_in_display_names_are_decoded() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.add_pending("josé.😀@example.com");

    let run = docspace(
        &portal,
        &owner.key,
        &["user", "list", "--status", "pending"],
    );
    run.code(0).stdout_has("josé.😀@example.com");
    assert!(!run.stdout.contains("&#"), "{}", run.stdout);
}

#[test]
fn an_invite_is_never_reported_failed_after_the_portal_accepted_it() {
    let portal = Portal::start();
    let owner = portal.owner();
    // ~600 bytes each in the answer: past the client's 16 MiB limit.
    portal.add_pending_many(28_500);
    portal.answer_like(Wire {
        invite_entry_without_id: true,
        ..Wire::default()
    });

    docspace(&portal, &owner.key, &["invite", "new@example.com"])
        .code(0)
        .stdout_has("invited new@example.com (user)");
    assert!(portal.user_by_email("new@example.com").is_some());
}

#[test]
fn a_list_without_total_is_read_to_its_short_page() {
    let portal = Portal::start();
    portal.answer_like(Wire {
        no_total: true,
        ..Wire::default()
    });
    let owner = portal.owner();
    portal.seed_users(230);

    let array = docspace(&portal, &owner.key, &["user", "list", "--json"])
        .code(0)
        .json();
    assert_eq!(array.as_array().map(Vec::len), Some(231), "the owner too");
}

#[test]
fn answers_in_every_form_the_openapi_document_allows() {
    let portal = Portal::start();
    portal.set_time_zone(120);
    portal.answer_like(Wire {
        nulls: true,
        enum_names: true,
        date_objects: true,
        status_200: true,
        chunked: true,
        ..Wire::default()
    });
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    portal.add_pending("pending@example.com");

    docspace(&portal, &owner.key, &["whoami"])
        .code(0)
        .stdout_has("owner@example.com");
    docspace(
        &portal,
        &owner.key,
        &["user", "list", "--status", "pending"],
    )
    .code(0)
    .stdout_has("pending@example.com");
    docspace(
        &portal,
        &owner.key,
        &["user", "delete", "--terminate", &ann.id],
    )
    .code(0)
    .stdout_has("deleted");
    assert!(portal.user(&ann.id).unwrap().removed);
}

#[test]
fn dates_with_the_tenants_offset_keep_their_day() {
    let portal = Portal::start();
    portal.set_time_zone(-300);
    let owner = portal.owner();
    portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");

    let array = docspace(&portal, &owner.key, &["user", "list", "--json"])
        .code(0)
        .json();
    let date = array[0]["registrationDate"].as_str().unwrap().to_owned();
    assert!(date.ends_with("-05:00"), "{date}");
}

#[test]
fn an_empty_answer_where_none_is_declared_is_a_success() {
    let portal = Portal::start();
    let rita = portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray");
    let guest = portal.add_guest_of(&rita.id, "gina@example.com", "Gina", "Guest");
    portal.answer_like(Wire {
        chunked: true,
        ..Wire::default()
    });
    portal.inject(crate::portal::Fault {
        method: "DELETE",
        path_prefix: "/api/2.0/people/guests".to_owned(),
        times: 1,
        reply: Reply::empty(200),
    });

    docspace(&portal, &rita.key, &["guest", "delete", &guest])
        .code(0)
        .stdout_has("unlinked");
}

#[test]
fn a_bare_404_on_the_address_look_up_is_no_such_user() {
    let portal = Portal::start();
    portal.answer_like(Wire {
        bare_email_404: true,
        ..Wire::default()
    });
    let owner = portal.owner();

    docspace(&portal, &owner.key, &["invite", "new@example.com"])
        .code(0)
        .stdout_has("invited new@example.com (user)");
}

// ---------------------------------------------------------------------------
// Share links and guests

#[test]
fn a_link_on_the_portals_own_name_is_approved() {
    let portal = Portal::start();
    portal.set_tenant_domain("portal.example.com");
    let owner = portal.owner();
    let guest = portal.add_guest_of(&owner.id, "gina@example.com", "Gina", "Guest");
    let rita = portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray");
    let link = portal.share_link(&guest, &owner.id);
    assert!(link.starts_with("https://portal.example.com/s/"), "{link}");

    docspace(&portal, &rita.key, &["guest", "approve", &link])
        .code(0)
        .stdout_has("approved");
    assert_eq!(portal.relations_of(&rita.id), [guest]);
}

#[test]
fn an_unknown_short_key_redirects_to_the_start_page_and_says_so() {
    let portal = Portal::start();
    portal.set_tenant_domain("portal.example.com");
    let owner = portal.owner();

    docspace(
        &portal,
        &owner.key,
        &[
            "guest",
            "approve",
            "https://portal.example.com/s/AAAAAAAAAAAAAAA",
        ],
    )
    .code(64)
    .stderr_has("the portal does not know this short link");
    assert!(changes(&portal).is_empty());
}

#[test]
fn approve_with_email_checks_the_link_before_approving() {
    let portal = Portal::start();
    let owner = portal.owner();
    let admin = portal.add_member(Kind::DocSpaceAdmin, "dana@example.com", "Dana", "Day");
    let gina = portal.add_guest_of(&owner.id, "gina@example.com", "Gina", "Guest");
    portal.add_guest_of(&owner.id, "otto@example.com", "Otto", "Other");
    let link = portal.share_link(&gina, &owner.id);

    docspace(
        &portal,
        &admin.key,
        &["guest", "approve", &link, "--email", "otto@example.com"],
    )
    .code(65)
    .stderr_has("nothing was approved");
    assert!(changes(&portal).is_empty());

    docspace(
        &portal,
        &admin.key,
        &["guest", "approve", &link, "--email", "gina@example.com"],
    )
    .code(0)
    .stdout_has("approved");
}

#[test]
fn approve_with_email_that_cannot_be_checked_asks_for_yes() {
    let portal = Portal::start();
    let owner = portal.owner();
    let rita = portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray");
    let gina = portal.add_guest_of(&owner.id, "gina@example.com", "Gina", "Guest");
    let link = portal.share_link(&gina, &owner.id);
    let args = ["guest", "approve", &link, "--email", "gina@example.com"];

    docspace(&portal, &rita.key, &args)
        .code(65)
        .stderr_has("cannot check beforehand")
        .stderr_has("--yes");
    assert!(changes(&portal).is_empty());

    let mut with_yes = args.to_vec();
    with_yes.push("--yes");
    docspace(&portal, &rita.key, &with_yes)
        .code(0)
        .stdout_has("approved");
    assert_eq!(portal.relations_of(&rita.id), [gina]);
}
