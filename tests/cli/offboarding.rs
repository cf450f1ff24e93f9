//! Offboarding without data loss: every delete says where the leaver's rooms and files go;
//! a leaver who owns any is deleted only with a named heir, through the portal's reassign
//! job; jobs are followed to their end across runs; retention selects by termination age.

use crate::portal::{Kind, Portal, Status};
use crate::{backdate_journal, body, changes, docspace, journal_len, lines};
use serde_json::json;

const NOTHING: &str = "owns no rooms or shared files; personal files are destroyed";
/// What becomes of the one API key every member of the stand-in has.
const KEY: &str = "; API key 'docspace-people' revoked";

fn handed_to(heir: &crate::portal::Account, first: &str, last: &str) -> String {
    format!(
        "rooms and shared files go to {} {first} {last} <{}>; personal files never shared are destroyed{KEY}",
        heir.id, heir.email
    )
}

fn starts(portal: &Portal) -> Vec<serde_json::Value> {
    changes(portal)
        .iter()
        .filter(|r| r.path == "/api/2.0/people/reassign/start")
        .map(body)
        .collect()
}

fn deletes_sent(portal: &Portal) -> usize {
    lines(&changes(portal))
        .iter()
        .filter(|l| l.starts_with("DELETE /api/2.0/people/") || *l == "PUT /api/2.0/people/delete")
        .count()
}

#[test]
fn a_leaver_who_owns_rooms_is_not_deleted_without_an_heir() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = crate::terminated_member(&portal, "ann@example.com", "Ann", "Lee");
    portal.give_rooms(&ann.id, 2);

    docspace(&portal, &owner.key, &["user", "delete", "ann@example.com"])
        .code(65)
        .stderr_has(&format!(
            "delete {} Ann Lee <ann@example.com>: skipped: owns rooms or shared files; give --heir USER or --heir me",
            ann.id
        ));
    assert_eq!(deletes_sent(&portal), 0);
    assert!(!portal.user(&ann.id).unwrap().removed);
    assert_eq!(portal.rooms_of(&ann.id), 2);
}

#[test]
fn a_leaver_who_owns_nothing_is_deleted_and_the_report_says_so() {
    let portal = Portal::start();
    let owner = portal.owner();
    let bob = crate::terminated_member(&portal, "bob@example.com", "Bob", "Ray");

    docspace(&portal, &owner.key, &["user", "delete", &bob.id])
        .code(0)
        .stdout_is(&format!(
            "deleted {} Bob Ray <bob@example.com> ({NOTHING}{KEY})\n",
            bob.id
        ));
    assert!(portal.user(&bob.id).unwrap().removed);
    assert!(starts(&portal).is_empty());
}

#[test]
fn an_heir_receives_the_rooms_and_the_profile_is_deleted_by_the_job() {
    let portal = Portal::start();
    let owner = portal.owner();
    let rita = portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray");
    let ann = crate::terminated_member(&portal, "ann@example.com", "Ann", "Lee");
    portal.give_rooms(&ann.id, 2);

    docspace(
        &portal,
        &owner.key,
        &["user", "delete", &ann.id, "--heir", "rita@example.com"],
    )
    .code(0)
    .stdout_is(&format!(
        "deleted {} Ann Lee <ann@example.com> ({})\n",
        ann.id,
        handed_to(&rita, "Rita", "Ray")
    ));
    assert!(portal.user(&ann.id).unwrap().removed);
    assert_eq!(portal.rooms_of(&rita.id), 2);
    assert_eq!(
        starts(&portal),
        [json!({"fromUserId": ann.id, "toUserId": rita.id, "deleteProfile": true})]
    );
    assert_eq!(deletes_sent(&portal), 0, "the job deletes the profile");
}

#[test]
fn heir_me_is_the_caller_said_out_loud() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = crate::terminated_member(&portal, "ann@example.com", "Ann", "Lee");
    portal.give_rooms(&ann.id, 3);

    docspace(
        &portal,
        &owner.key,
        &["user", "delete", &ann.id, "--heir", "me"],
    )
    .code(0)
    .stdout_has(&format!(
        "rooms and shared files go to {} Admin Owner <owner@example.com>",
        owner.id
    ));
    assert_eq!(portal.rooms_of(&owner.id), 3);
}

#[test]
fn an_heir_the_portal_would_refuse_is_refused_before_anything_is_sent() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = crate::terminated_member(&portal, "ann@example.com", "Ann", "Lee");
    portal.give_rooms(&ann.id, 1);
    let gina = portal.add_guest_of(&owner.id, "gina@example.com", "Gina", "Guest");
    let tess = portal.add_member(Kind::RoomAdmin, "tess@example.com", "Tess", "Gone");
    portal.set_status(&tess.id, Status::Terminated);
    portal.add_member(Kind::User, "ulla@example.com", "Ulla", "Berg");

    for (heir, reason) in [
        ("gina@example.com", "a guest cannot receive rooms"),
        (
            "tess@example.com",
            "the heir is terminated, and must be active",
        ),
        (
            "ulla@example.com",
            "the heir must be a room admin or DocSpace admin",
        ),
    ] {
        docspace(
            &portal,
            &owner.key,
            &["user", "delete", &ann.id, "--heir", heir],
        )
        .code(65)
        .stderr_has(reason)
        .stderr_has("nothing was sent");
    }
    let _ = gina;
    assert!(
        changes(&portal).is_empty(),
        "{:?}",
        lines(&changes(&portal))
    );

    // The heir cannot be the leaver; a DocSpace admin's data needs the owner.
    let dora = portal.add_member(Kind::DocSpaceAdmin, "dora@example.com", "Dora", "Admin");
    let otto = crate::terminated_member(&portal, "otto@example.com", "Otto", "Rank");
    portal.give_rooms(&otto.id, 1);
    docspace(
        &portal,
        &owner.key,
        &["user", "delete", &otto.id, "--heir", &otto.id],
    )
    .code(65);
    let dan = portal.add_member(Kind::DocSpaceAdmin, "dan@example.com", "Dan", "Admin");
    portal.set_status(&dan.id, Status::Terminated);
    docspace(
        &portal,
        &dora.key,
        &["user", "delete", &dan.id, "--heir", "me"],
    )
    .code(65)
    .stderr_has("only the owner can delete one or hand over its data");
    assert!(starts(&portal).is_empty());
}

#[test]
fn a_job_that_outlives_wait_is_followed_to_its_end_by_the_next_run() {
    let portal = Portal::start();
    let owner = portal.owner();
    let rita = portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray");
    let ann = crate::terminated_member(&portal, "ann@example.com", "Ann", "Lee");
    portal.give_rooms(&ann.id, 2);
    portal.reassign_polls(1_000);
    let delete = [
        "user",
        "delete",
        ann.id.as_str(),
        "--heir",
        rita.id.as_str(),
        "--wait",
        "1s",
    ];

    docspace(&portal, &owner.key, &delete)
        .code(75)
        .stderr_has("reassign still running (")
        .stderr_has("run the same command again to follow it to its end");
    assert!(!portal.user(&ann.id).unwrap().removed);

    // Without the heir, a rerun does not delete her under the running job, and says so.
    docspace(&portal, &owner.key, &["user", "delete", &ann.id])
        .code(75)
        .stderr_has("reassign running (0 %), not deleted: run again when it ends");
    assert_eq!(deletes_sent(&portal), 0);

    portal.reassign_polls(1);
    docspace(&portal, &owner.key, &delete[..5])
        .code(0)
        .stdout_has(&format!("deleted {}", ann.id));
    assert_eq!(
        starts(&portal).len(),
        1,
        "the running job was followed, not started again"
    );
    assert!(portal.user(&ann.id).unwrap().removed);
    assert_eq!(portal.rooms_of(&rita.id), 2);
}

#[test]
fn a_failed_job_is_reported_with_the_portals_error_and_the_leaver_stays() {
    let portal = Portal::start();
    let owner = portal.owner();
    let rita = portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray");
    let ann = crate::terminated_member(&portal, "ann@example.com", "Ann", "Lee");
    portal.give_rooms(&ann.id, 2);
    portal.fail_reassign(&ann.id, "Storage quota exceeded");

    docspace(&portal, &owner.key, &["user", "delete", &ann.id, "--heir", &rita.id])
        .code(65)
        .stderr_has("the portal's reassign job ended without finishing: Storage quota exceeded; the user is left terminated, not deleted");
    let after = portal.user(&ann.id).unwrap();
    assert_eq!((after.status, after.removed), (Status::Terminated, false));
}

#[test]
fn a_dry_run_shows_the_fate_of_the_data_and_sends_nothing() {
    let portal = Portal::start();
    let owner = portal.owner();
    let rita = portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray");
    let ann = crate::terminated_member(&portal, "ann@example.com", "Ann", "Lee");
    portal.give_rooms(&ann.id, 2);
    let bob = crate::terminated_member(&portal, "bob@example.com", "Bob", "Ray");

    docspace(
        &portal,
        &owner.key,
        &["user", "delete", &ann.id, &bob.id, "--heir", &rita.id, "--dry-run"],
    )
    .code(0)
    .stdout_has(&format!(
        "would send POST /api/2.0/people/reassign/start {{\"deleteProfile\":true,\"fromUserId\":\"{}\",\"toUserId\":\"{}\"}}",
        ann.id, rita.id
    ))
    .stdout_has(&format!("would delete {} Ann Lee <ann@example.com> ({})", ann.id, handed_to(&rita, "Rita", "Ray")))
    .stdout_has(&format!("would delete {} Bob Ray <bob@example.com> ({NOTHING}{KEY})", bob.id));
    assert!(changes(&portal).is_empty());
    assert_eq!(portal.rooms_of(&ann.id), 2);
}

#[test]
fn a_hundred_and_fifty_leavers_in_one_run() {
    let portal = Portal::start();
    let owner = portal.owner();
    let rita = portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray");
    let ids = portal.seed_users(150);
    for id in &ids {
        portal.set_status(id, Status::Terminated);
    }
    for id in &ids[..10] {
        portal.give_rooms(id, 1);
    }
    let mut args = vec!["user", "delete", "--heir", rita.id.as_str(), "--max", "200"];
    args.extend(ids.iter().map(String::as_str));

    docspace(&portal, &owner.key, &args)
        .code(0)
        .stdout_has("deleted 150");
    assert!(ids.iter().all(|id| portal.user(id).unwrap().removed));
    assert_eq!(portal.rooms_of(&rita.id), 10);
    assert_eq!(
        starts(&portal).len(),
        10,
        "a job only for those who own rooms"
    );
    let bulk = lines(&changes(&portal))
        .iter()
        .filter(|l| *l == "PUT /api/2.0/people/delete")
        .count();
    assert_eq!(bulk, 2, "the other 140 in chunks of 100");
}

#[test]
fn the_owner_the_caller_and_the_protect_file_are_never_deleted() {
    let portal = Portal::start();
    let owner = portal.owner();
    let dora = portal.add_member(Kind::DocSpaceAdmin, "dora@example.com", "Dora", "Admin");
    let bob = crate::terminated_member(&portal, "bob@example.com", "Bob", "Ray");
    let cat = crate::terminated_member(&portal, "cat@example.com", "Cat", "Cole");
    let protect =
        std::env::temp_dir().join(format!("docspace-people-protect-{}", std::process::id()));
    std::fs::write(&protect, "# never\nBOB@example.com\n").unwrap();

    docspace(
        &portal,
        &dora.key,
        &[
            "user",
            "delete",
            &owner.id,
            &dora.id,
            &bob.id,
            &cat.id,
            "--terminate",
            "--protect",
            protect.to_str().unwrap(),
        ],
    )
    .code(0)
    .stdout_has(&format!(
        "protected (owner) {} Admin Owner <owner@example.com>",
        owner.id
    ))
    .stdout_has(&format!(
        "protected (you) {} Dora Admin <dora@example.com>",
        dora.id
    ))
    .stdout_has(&format!(
        "protected (protect file) {} Bob Ray <bob@example.com>",
        bob.id
    ))
    .stdout_has("deleted 1, protected 3");
    let _ = std::fs::remove_file(&protect);
    assert!(portal.user(&cat.id).unwrap().removed);
    assert!(!portal.user(&bob.id).unwrap().removed);
    let sent: Vec<String> = changes(&portal).iter().map(|r| r.body.clone()).collect();
    assert!(
        sent.iter()
            .all(|b| !b.contains(&owner.id) && !b.contains(&bob.id)),
        "{sent:?}"
    );
}

#[test]
fn retention_selects_by_termination_age_and_never_a_user_whose_date_is_unknown() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    portal.set_terminated_at(&ann.id, 40);
    let bob = portal.add_member(Kind::User, "bob@example.com", "Bob", "Ray");
    portal.set_terminated_at(&bob.id, 10);
    let cat = crate::terminated_member(&portal, "cat@example.com", "Cat", "Cole");
    let dan = portal.add_member(Kind::User, "dan@example.com", "Dan", "Moe");

    docspace(
        &portal,
        &owner.key,
        &["user", "list", "--terminated-for", "30d", "--ids"],
    )
    .code(0)
    .stdout_is(&format!("{}\n", ann.id))
    .stderr_has("1 terminated user(s) left out: when they were terminated is unknown");

    // Stage 1 by this tool, 31 days ago: the journal remembers when.
    let mark = journal_len(&portal);
    docspace(&portal, &owner.key, &["user", "terminate", &dan.id]).code(0);
    backdate_journal(&portal, mark, 31);
    docspace(
        &portal,
        &owner.key,
        &["user", "delete", "--terminated-for", "30d"],
    )
    .code(0)
    .stdout_has(&format!("deleted {}", ann.id))
    .stdout_has(&format!("deleted {}", dan.id))
    .stderr_has("1 terminated user(s) left out");
    assert!(
        !portal.user(&bob.id).unwrap().removed,
        "terminated 10 days ago"
    );
    assert!(
        !portal.user(&cat.id).unwrap().removed,
        "an unknown date is never old enough"
    );
}

/// The portal stamps `terminated` only through the profile (`disable: true`) and the
/// status endpoints leave it as it was (QUIRKS.md Q24, Q42): a date from an earlier
/// termination is stale once this tool reactivated and terminated the user again.
#[test]
fn a_stale_portal_date_never_deletes_a_user_terminated_again_since() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    // Today is 2 March. 1 January: disabled through the profile, which stamps the date.
    portal.set_terminated_at(&ann.id, 60);
    let january = portal.user(&ann.id).unwrap().terminated_at;
    // 1 February: reactivated with this tool.
    docspace(&portal, &owner.key, &["user", "activate", &ann.id]).code(0);
    backdate_journal(&portal, 0, 29);
    // 1 March: terminated again with this tool.
    let march = journal_len(&portal);
    docspace(&portal, &owner.key, &["user", "terminate", &ann.id]).code(0);
    backdate_journal(&portal, march, 1);
    let after = portal.user(&ann.id).unwrap();
    assert_eq!(
        (after.status, after.terminated_at),
        (Status::Terminated, january),
        "the portal still says 1 January"
    );

    docspace(
        &portal,
        &owner.key,
        &["user", "list", "--terminated-for", "30d", "--ids"],
    )
    .code(0)
    .stdout_is("")
    .stderr_empty();
    docspace(
        &portal,
        &owner.key,
        &["user", "delete", "--terminated-for", "30d"],
    );
    assert_eq!(deletes_sent(&portal), 0);
    assert!(!portal.user(&ann.id).unwrap().removed);

    // 31 March: 30 days after 1 March have passed.
    portal.set_terminated_at(&ann.id, 89);
    backdate_journal(&portal, 0, 58);
    backdate_journal(&portal, march, 30);
    docspace(
        &portal,
        &owner.key,
        &["user", "delete", "--terminated-for", "30d"],
    )
    .code(0)
    .stdout_has(&format!("deleted {}", ann.id));
    assert!(portal.user(&ann.id).unwrap().removed);
}

/// Reactivated with this tool after the portal's date, then terminated by something that
/// records no date (the web UI's status change): when is unknown.
#[test]
fn a_reactivation_after_the_portals_date_leaves_the_user_out_with_the_warning() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    portal.set_terminated_at(&ann.id, 60);
    docspace(&portal, &owner.key, &["user", "activate", &ann.id]).code(0);
    backdate_journal(&portal, 0, 29);
    portal.set_status(&ann.id, Status::Terminated);
    let unknown = "1 terminated user(s) left out: when they were terminated is unknown";

    docspace(
        &portal,
        &owner.key,
        &["user", "list", "--terminated-for", "30d", "--ids"],
    )
    .code(0)
    .stdout_is("")
    .stderr_has(unknown);
    docspace(
        &portal,
        &owner.key,
        &["user", "delete", "--terminated-for", "30d"],
    )
    .stderr_has(unknown);
    docspace(
        &portal,
        &owner.key,
        &["user", "delete", &ann.id, "--terminated-for", "30d"],
    )
    .code(65)
    .stderr_has("not terminated long enough ago (or when is unknown), skipped");
    assert_eq!(deletes_sent(&portal), 0);
    assert!(!portal.user(&ann.id).unwrap().removed);
}

/// An activation whose answer never came (the run was killed while the portal carried it
/// out) counts as one: the portal's older date may be stale, so the user is left out.
#[test]
fn an_activation_whose_answer_was_lost_makes_the_older_date_unknown() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    portal.set_terminated_at(&ann.id, 60);
    let activate = ["user", "activate", &ann.id];
    crate::killed_while_sending(&portal, "PUT", "/api/2.0/people/status/Active", &activate);
    crate::wait_until("the held activation was never carried out", || {
        portal.user(&ann.id).unwrap().status == Status::Active
    });
    // Terminated again outside this tool (the web UI's status change keeps the date).
    portal.set_status(&ann.id, Status::Terminated);

    docspace(
        &portal,
        &owner.key,
        &["user", "delete", "--terminated-for", "30d"],
    )
    .stderr_has("1 terminated user(s) left out: when they were terminated is unknown");
    assert_eq!(deletes_sent(&portal), 0);
    assert!(!portal.user(&ann.id).unwrap().removed);
}

/// A user active again keeps the date of an earlier termination on the portal: it is no
/// termination age, even for a delete that may terminate first.
#[test]
fn an_active_user_with_an_old_date_is_not_terminated_long_ago() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    portal.set_terminated_at(&ann.id, 60);
    portal.set_status(&ann.id, Status::Active);

    docspace(
        &portal,
        &owner.key,
        &[
            "user",
            "delete",
            &ann.id,
            "--terminate",
            "--terminated-for",
            "30d",
        ],
    )
    .code(65)
    .stderr_has("not terminated long enough ago (or when is unknown), skipped");
    assert!(
        changes(&portal).is_empty(),
        "{:?}",
        lines(&changes(&portal))
    );
    assert_eq!(portal.user(&ann.id).unwrap().status, Status::Active);
}

/// A portal before DocSpace 3.5 cannot say whether a leaver owns rooms: every delete
/// needs an heir, and says why.
#[test]
fn a_portal_that_cannot_say_what_a_leaver_owns_needs_an_heir_for_every_delete() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.before_3_5();
    let bob = crate::terminated_member(&portal, "bob@example.com", "Bob", "Ray");

    docspace(&portal, &owner.key, &["user", "delete", &bob.id])
        .code(65)
        .stderr_has("this portal (DocSpace before 3.5) cannot say whether the user owns rooms or shared files");
    assert_eq!(deletes_sent(&portal), 0);

    docspace(
        &portal,
        &owner.key,
        &["user", "delete", &bob.id, "--heir", "me"],
    )
    .code(0)
    .stdout_has(&format!("deleted {}", bob.id));
    assert!(portal.user(&bob.id).unwrap().removed);
}

#[test]
fn a_bulk_termination_never_touches_the_owner_the_caller_or_the_protect_file() {
    let portal = Portal::start();
    let owner = portal.owner();
    let dora = portal.add_member(Kind::DocSpaceAdmin, "dora@example.com", "Dora", "Admin");
    let bob = portal.add_member(Kind::User, "bob@example.com", "Bob", "Ray");
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    let protect =
        std::env::temp_dir().join(format!("docspace-people-protect-t-{}", std::process::id()));
    std::fs::write(&protect, format!("{}\n", bob.id)).unwrap();

    docspace(
        &portal,
        &dora.key,
        &[
            "user",
            "terminate",
            "owner@example.com",
            &dora.id,
            &bob.id,
            &ann.id,
            "--protect",
            protect.to_str().unwrap(),
        ],
    )
    .code(0)
    .stdout_has("terminated 1, protected 3");
    let _ = std::fs::remove_file(&protect);
    assert_eq!(portal.user(&ann.id).unwrap().status, Status::Terminated);
    for id in [&owner.id, &dora.id, &bob.id] {
        assert_eq!(portal.user(id).unwrap().status, Status::Active);
    }
    let sent = changes(&portal);
    assert_eq!(
        body(&sent[0]),
        json!({"userIds": [ann.id], "resendAll": false})
    );
    // Then Ann's key alone is revoked: the protected keep theirs.
    assert_eq!(sent.len(), 2, "{:?}", lines(&sent));
    assert!(sent[1].path.starts_with("/api/2.0/keys/"));
    assert!(portal.keys_of(&ann.id).is_empty());
    assert_eq!(portal.keys_of(&bob.id).len(), 1);
}

/// A protect file that names an account by address protects it when it is named by id.
#[test]
fn a_protected_address_is_protected_when_the_user_is_named_by_id() {
    let portal = Portal::start();
    let owner = portal.owner();
    let bob = portal.add_member(Kind::User, "bob@example.com", "Bob", "Ray");
    let protect =
        std::env::temp_dir().join(format!("docspace-people-protect-id-{}", std::process::id()));
    std::fs::write(&protect, "bob@example.com\n").unwrap();

    docspace(
        &portal,
        &owner.key,
        &[
            "user",
            "terminate",
            &bob.id,
            "--protect",
            protect.to_str().unwrap(),
        ],
    )
    // Every user selected was protected: nothing the admin asked for was done.
    .code(65)
    .stdout_is(&format!(
        "protected (protect file) {} Bob Ray <bob@example.com>\n",
        bob.id
    ));
    let _ = std::fs::remove_file(&protect);
    assert_eq!(portal.user(&bob.id).unwrap().status, Status::Active);
    assert!(changes(&portal).is_empty());
}

/// The outcomes of the journal's outcome records, as `(id, outcome)`, in order.
fn journalled(portal: &Portal) -> Vec<(String, String)> {
    let journal = crate::state_home(portal).join("docspace-people/journal.jsonl");
    std::fs::read_to_string(journal)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("each line is JSON"))
        .filter(|e| e["event"] == "outcome")
        .flat_map(|e| e["results"].as_array().cloned().unwrap_or_default())
        .map(|r| {
            let field = |name: &str| r[name].as_str().unwrap_or_default().to_owned();
            (field("id"), field("outcome"))
        })
        .collect()
}

fn progress_asked(portal: &Portal, id: &str) -> usize {
    let progress = format!("GET /api/2.0/people/reassign/progress/{id}");
    lines(&portal.api_requests())
        .iter()
        .filter(|l| **l == progress)
        .count()
}

/// Another admin hands the leaver's rooms over in the web UI: while that job runs, the
/// leaver still owns them, and the run says the job is running rather than asking for
/// an heir; once it ended, the same command deletes the leaver.
#[test]
fn a_leaver_whose_data_someone_else_is_handing_over_waits_for_that_job() {
    let portal = Portal::start();
    let owner = portal.owner();
    let rita = portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray");
    let ann = crate::terminated_member(&portal, "ann@example.com", "Ann", "Lee");
    let bob = crate::terminated_member(&portal, "bob@example.com", "Bob", "Ray");
    portal.give_rooms(&ann.id, 2);
    portal.reassign_in_web_ui(&ann.id, &rita.id, 40);

    docspace(&portal, &owner.key, &["user", "delete", &ann.id])
        .code(75)
        .stdout_is("")
        .stderr_has(&format!(
            "delete {} Ann Lee <ann@example.com>: reassign running (40 %), not deleted: run again when it ends",
            ann.id
        ));
    assert_eq!(deletes_sent(&portal), 0);
    assert_eq!(progress_asked(&portal, &ann.id), 1);
    assert!(!portal.user(&ann.id).unwrap().removed);

    // A leaver who owns nothing costs no progress request.
    docspace(&portal, &owner.key, &["user", "delete", &bob.id]).code(0);
    assert_eq!(progress_asked(&portal, &bob.id), 0);

    portal.finish_reassign(&ann.id);
    portal.clear_log();
    docspace(&portal, &owner.key, &["user", "delete", &ann.id])
        .code(0)
        .stdout_is(&format!(
            "deleted {} Ann Lee <ann@example.com> ({NOTHING}{KEY})\n",
            ann.id
        ));
    assert!(portal.user(&ann.id).unwrap().removed);
    assert_eq!(
        portal.rooms_of(&rita.id),
        2,
        "the web UI's heir has the rooms"
    );
    assert_eq!(progress_asked(&portal, &ann.id), 0, "she owns nothing now");
    assert_eq!(
        journalled(&portal),
        [
            (bob.id.clone(), "deleted".to_owned()),
            (ann.id.clone(), "deleted".to_owned())
        ]
    );
}

/// A leaver who owns nothing any more while another admin's reassign job for her still
/// runs (it has moved her rooms and is finishing): the portal refuses the whole batch
/// with a 500 before deleting anything, in a translated message. Each user's job is asked
/// for, the running one is named, and the others are sent again.
#[test]
fn a_batch_refused_for_a_running_reassign_job_is_sent_again_without_that_leaver() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.set_language("de");
    let rita = portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray");
    let ann = crate::terminated_member(&portal, "ann@example.com", "Ann", "Lee");
    let bob = crate::terminated_member(&portal, "bob@example.com", "Bob", "Ray");
    let cid = crate::terminated_member(&portal, "cid@example.com", "Cid", "Cole");
    portal.reassign_in_web_ui(&ann.id, &rita.id, 70);

    let run = docspace(
        &portal,
        &owner.key,
        &["user", "delete", &bob.id, &ann.id, &cid.id],
    );

    run.code(1)
        .stdout_has(&format!("deleted {} Bob Ray <bob@example.com>", bob.id))
        .stdout_has(&format!("deleted {} Cid Cole <cid@example.com>", cid.id))
        .stdout_has("deleted 2, failed 1")
        .stderr_has(&format!(
            "delete {} Ann Lee <ann@example.com> ({NOTHING}{KEY}): reassign running (70 %), not deleted: run again when it ends",
            ann.id
        ));
    assert!(
        !run.stderr.contains("failed internally"),
        "the 500 is explained: {}",
        run.stderr
    );
    let sent: Vec<serde_json::Value> = changes(&portal)
        .iter()
        .filter(|r| r.path == "/api/2.0/people/delete")
        .map(body)
        .collect();
    assert_eq!(
        sent,
        [
            json!({"userIds": [bob.id, ann.id, cid.id], "resendAll": false}),
            json!({"userIds": [bob.id, cid.id], "resendAll": false}),
        ]
    );
    for user in [&bob, &ann, &cid] {
        assert_eq!(progress_asked(&portal, &user.id), 1, "{}", user.email);
    }
    assert!(portal.user(&bob.id).unwrap().removed);
    assert!(portal.user(&cid.id).unwrap().removed);
    let left = portal.user(&ann.id).unwrap();
    assert_eq!((left.removed, left.status), (false, Status::Terminated));
    assert_eq!(
        journalled(&portal),
        [
            (ann.id.clone(), "failed".to_owned()),
            (bob.id.clone(), "deleted".to_owned()),
            (cid.id.clone(), "deleted".to_owned()),
        ]
    );
}

/// A 500 that no running job explains is the portal's own failure, reported as such
/// and not sent again.
#[test]
fn a_batch_refused_with_a_500_no_reassign_job_explains_is_not_sent_again() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = crate::terminated_member(&portal, "ann@example.com", "Ann", "Lee");
    portal.inject(crate::portal::Fault {
        method: "PUT",
        path_prefix: "/api/2.0/people/delete".to_owned(),
        times: 1,
        reply: crate::portal::Reply::json(
            500,
            r#"{"error":{"message":"Object reference not set to an instance of an object.","type":"System.NullReferenceException","stack":null,"hresult":-2147467261},"status":1,"statusCode":500}"#,
        ),
    });

    docspace(&portal, &owner.key, &["user", "delete", &ann.id])
        .code(69)
        .stderr_has("Object reference not set to an instance of an object. (HTTP 500)")
        .stderr_has("the portal failed internally");
    assert_eq!(deletes_sent(&portal), 1);
    assert_eq!(progress_asked(&portal, &ann.id), 1);
    assert!(!portal.user(&ann.id).unwrap().removed);
}
