//! `sync` (issue 20): the portal made to match an HR roster. The plan comes from one
//! listing of the portal; `--dry-run` prints it; a real run carries it out in a safe
//! order through the engine; the same roster again plans nothing.

use crate::portal::{Fault, Kind, Portal, Reply, Status};
use crate::{body, changes, docspace, journal_path, lines, spawn, with_stdin};
use serde_json::Value;
use std::time::Duration;

/// `sync --from - ARGS` with `roster` on stdin, as `key`.
fn sync(portal: &Portal, key: &str, roster: &str, args: &[&str]) -> crate::Outcome {
    let mut words = vec!["sync", "--from", "-"];
    words.extend_from_slice(args);
    with_stdin(portal, key, &words, roster)
}

/// The requests that change something, as `METHOD PATH`.
fn sent(portal: &Portal) -> Vec<String> {
    lines(&changes(portal))
}

/// The listing requests the portal received.
fn listings(portal: &Portal) -> usize {
    portal
        .api_requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/api/2.0/people/filter"))
        .count()
}

const HEADER: &str = "email,firstName,lastName,type,status\n";

/// Each action alone: what the portal receives, the line the run prints, and the state
/// it leaves; then the same roster again plans and sends nothing, and exits 0.
#[test]
fn each_action_alone_and_a_second_run_that_plans_nothing() {
    struct Case {
        name: &'static str,
        setup: fn(&Portal),
        row: &'static str,
        args: &'static [&'static str],
        request: &'static str,
        line: &'static str,
        check: fn(&Portal),
    }
    let cases = [
        Case {
            name: "create",
            setup: |_| {},
            row: "dan@example.com,Dan,Fox,,",
            args: &[],
            request: "POST /api/2.0/people",
            line: "created ",
            check: |p| {
                let dan = p.user_by_email("dan@example.com").expect("created");
                assert_eq!((dan.kind, dan.first_name.as_str()), (Kind::User, "Dan"));
            },
        },
        Case {
            name: "reactivate",
            setup: |p| {
                let ann = p.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
                p.set_status(&ann.id, Status::Terminated);
            },
            row: "ann@example.com,Ann,Lee,,active",
            args: &[],
            request: "PUT /api/2.0/people/status/Active",
            line: "activated ",
            check: |p| {
                let ann = p.user_by_email("ann@example.com").unwrap();
                assert_eq!(ann.status, Status::Active);
            },
        },
        Case {
            name: "promote",
            setup: |p| {
                p.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
            },
            row: "ann@example.com,Ann,Lee,room-admin,",
            args: &[],
            request: "PUT /api/2.0/people/type/RoomAdmin",
            line: "made room-admin ",
            check: |p| {
                assert_eq!(
                    p.user_by_email("ann@example.com").unwrap().kind,
                    Kind::RoomAdmin
                );
            },
        },
        Case {
            name: "demote (owns no rooms)",
            setup: |p| {
                p.add_member(Kind::RoomAdmin, "ann@example.com", "Ann", "Lee");
            },
            row: "ann@example.com,Ann,Lee,user,",
            args: &[],
            request: "POST /api/2.0/people/type",
            line: "made user ",
            check: |p| {
                assert_eq!(p.user_by_email("ann@example.com").unwrap().kind, Kind::User);
            },
        },
        Case {
            name: "terminate (marked)",
            setup: |p| {
                p.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
            },
            row: "ann@example.com,Ann,Lee,,terminated",
            // One request: the revocation of keys is every_action_together's.
            args: &["--keep-keys"],
            request: "PUT /api/2.0/people/status/Terminated",
            line: "terminated ",
            check: |p| {
                let ann = p.user_by_email("ann@example.com").unwrap();
                assert_eq!(ann.status, Status::Terminated);
            },
        },
        Case {
            name: "terminate (missing)",
            setup: |p| {
                p.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
                p.add_member(Kind::User, "zed@example.com", "Zed", "Gone");
            },
            row: "ann@example.com,Ann,Lee,,",
            args: &["--terminate-missing", "--keep-keys"],
            request: "PUT /api/2.0/people/status/Terminated",
            line: "terminated ",
            check: |p| {
                let zed = p.user_by_email("zed@example.com").unwrap();
                assert_eq!(zed.status, Status::Terminated);
                assert!(!zed.removed, "sync never deletes");
            },
        },
        Case {
            name: "rename (the caller's own names)",
            setup: |_| {},
            row: "owner@example.com,Adele,Owner,,",
            args: &[],
            request: "PUT /api/2.0/people/",
            line: "renamed ",
            check: |p| {
                let owner = p.user(&p.owner().id).unwrap();
                assert_eq!(
                    (owner.first_name.as_str(), owner.last_name.as_str()),
                    ("Adele", "Owner")
                );
            },
        },
    ];
    for case in cases {
        let portal = Portal::start();
        let owner = portal.owner();
        (case.setup)(&portal);
        // The owner's row, as the portal has it, except where the case renames it.
        let own = if case.row.starts_with("owner@") {
            String::new()
        } else {
            "owner@example.com,Admin,Owner,,\n".to_owned()
        };
        let roster = format!("{HEADER}{own}{}\n", case.row);
        let run = sync(&portal, &owner.key, &roster, case.args);
        run.code(0).stdout_has(case.line);
        let first = sent(&portal);
        assert_eq!(first.len(), 1, "{}: {first:?}", case.name);
        assert!(
            first[0].starts_with(case.request),
            "{}: {first:?}",
            case.name
        );
        (case.check)(&portal);

        portal.clear_log();
        let again = sync(&portal, &owner.key, &roster, case.args);
        again
            .code(0)
            .stdout_has("nothing to change: the portal is in line with the roster");
        assert_eq!(sent(&portal), Vec::<String>::new(), "{}", case.name);
        assert_eq!(listings(&portal), 1, "{}: one listing", case.name);
    }
}

/// Every action at once, in the safe order: creates, the caller's names and
/// reactivations before promotions, and demotions and terminations last; a name only
/// its person can change is listed and sends nothing, and does not change the exit code.
#[test]
fn every_action_together_in_the_safe_order() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    let bob = portal.add_member(Kind::User, "bob@example.com", "Bob", "Ray");
    portal.set_status(&bob.id, Status::Terminated);
    let cat = portal.add_member(Kind::User, "cat@example.com", "Cat", "Cole");
    let eve = portal.add_member(Kind::RoomAdmin, "eve@example.com", "Eve", "Ng");
    let fay = portal.add_member(Kind::User, "fay@example.com", "Fay", "Old");
    let zed = portal.add_member(Kind::User, "zed@example.com", "Zed", "Gone");
    let roster = format!(
        "{HEADER}\
         eve@example.com,Eve,Ng,user,\n\
         cat@example.com,Cat,Cole,,terminated\n\
         ann@example.com,Ann,Lee,room-admin,\n\
         bob@example.com,Bob,Ray,room-admin,active\n\
         dan@example.com,Dan,Fox,,\n\
         owner@example.com,Adele,Owner,,\n\
         fay@example.com,Fay,New,,\n"
    );

    let plan = sync(
        &portal,
        &owner.key,
        &roster,
        &["--terminate-missing", "--dry-run"],
    );
    plan.code(0).stdout_is(
        "ACTION        PERSON                            CHANGE                        NOTE\n\
         create        dan@example.com (line 6)          user\n\
         rename        owner@example.com (line 7)        Admin Owner → Adele Owner\n\
         reactivate    bob@example.com (line 5)          terminated → active\n\
         set type      ann@example.com (line 4)          user → room-admin\n\
         set type      bob@example.com (line 5)          user → room-admin\n\
         set type      eve@example.com (line 2)          room-admin → user             owns no rooms\n\
         terminate     cat@example.com (line 3)          active → terminated           API key 'docspace-people' revoked\n\
         terminate     zed@example.com                   active → terminated           not in the roster; API key 'docspace-people' revoked\n\
         name differs  fay@example.com (line 8)          Fay Old → Fay New             only the person can change it\n\
         plan: 8 change(s): create 1, rename 1, reactivate 1, set type 3, terminate 2; nothing sent: name differs 1\n",
    );
    assert!(sent(&portal).is_empty(), "a dry run sends nothing");

    let run = sync(&portal, &owner.key, &roster, &["--terminate-missing"]);
    run.code(0)
        .stdout_has("created ")
        .stdout_has(&format!(
            "name differs (only the person can change it) {} Fay Old <fay@example.com> (Fay Old → Fay New)",
            fay.id
        ))
        .stdout_has("created 1, renamed 1, activated 1, made room-admin 2, made user 1, terminated 2, name differs 1");
    let order: Vec<String> = sent(&portal)
        .into_iter()
        .map(|l| l.replace(&owner.id, "{owner}"))
        .map(|l| match l.strip_prefix("DELETE /api/2.0/keys/") {
            Some(_) => "DELETE /api/2.0/keys/{key}".to_owned(),
            None => l,
        })
        .collect();
    // The keys of the two terminated, revoked after the termination.
    assert_eq!(
        order,
        [
            "POST /api/2.0/people",
            "PUT /api/2.0/people/{owner}",
            "PUT /api/2.0/people/status/Active",
            "PUT /api/2.0/people/type/RoomAdmin",
            "POST /api/2.0/people/type",
            "PUT /api/2.0/people/status/Terminated",
            "DELETE /api/2.0/keys/{key}",
            "DELETE /api/2.0/keys/{key}",
        ]
    );
    let promoted = changes(&portal)
        .into_iter()
        .find(|r| r.path.ends_with("/type/RoomAdmin"))
        .unwrap();
    assert_eq!(
        body(&promoted)["userIds"],
        serde_json::json!([ann.id, bob.id])
    );
    let terminated = changes(&portal)
        .into_iter()
        .find(|r| r.path.ends_with("/Terminated"))
        .unwrap();
    assert_eq!(
        body(&terminated)["userIds"],
        serde_json::json!([cat.id, zed.id])
    );
    let view = |id: &str| portal.user(id).unwrap();
    assert_eq!(view(&eve.id).kind, Kind::User);
    assert_eq!(view(&fay.id).last_name, "Old", "nothing sent for it");
    assert_eq!(view(&zed.id).status, Status::Terminated);

    portal.clear_log();
    sync(&portal, &owner.key, &roster, &["--terminate-missing"])
        .code(0)
        .stdout_is(&format!(
            "name differs (only the person can change it) {} Fay Old <fay@example.com> (Fay Old → Fay New)\n",
            fay.id
        ));
    assert!(sent(&portal).is_empty());
    // Under -q a dry run prints what it would do or cannot, not what it leaves by rule:
    // a nightly dry run that only mails on change stays silent.
    sync(&portal, &owner.key, &roster, &["--dry-run", "-q"])
        .code(0)
        .stdout_is("")
        .stderr_empty();
}

/// `--terminate-missing` never terminates the owner, the caller, the accounts of the
/// protect files, nor guests unless `--include-guests`; the run says whom it left
/// alone. An empty roster with it is refused.
#[test]
fn terminate_missing_spares_the_owner_the_caller_the_protected_and_guests() {
    let portal = Portal::start();
    let owner = portal.owner();
    let admin = portal.add_member(Kind::DocSpaceAdmin, "adm@example.com", "Ada", "Min");
    let kept = portal.add_member(Kind::User, "kept@example.com", "Kim", "Kept");
    let guest = portal.add_guest_of(&owner.id, "guest@example.com", "Gus", "Guest");
    let zed = portal.add_member(Kind::User, "zed@example.com", "Zed", "Gone");
    let protect = portal.state_dir().join("protect.txt");
    std::fs::create_dir_all(portal.state_dir()).unwrap();
    std::fs::write(&protect, "KEPT@example.com\n").unwrap();
    let protect = protect.display().to_string();
    let roster = "email,firstName\nann@example.com,Ann\n";
    portal.add_member(Kind::User, "ann@example.com", "Ann", "");

    let run = sync(
        &portal,
        &admin.key,
        roster,
        &["--terminate-missing", "--protect", &protect],
    );
    run.code(0)
        .stdout_is(&format!("terminated {} Zed Gone <zed@example.com>\n", zed.id))
        .stderr_is(
            "docspace-people: not in the roster and left alone: 1 the owner, 1 you, 1 in a protect file, 1 guests (--include-guests terminates them)\n",
        );
    let status = |id: &str| portal.user(id).unwrap().status;
    assert_eq!(status(&zed.id), Status::Terminated);
    for id in [&owner.id, &admin.id, &kept.id, &guest] {
        assert_eq!(status(id), Status::Active);
    }

    portal.clear_log();
    sync(
        &portal,
        &admin.key,
        roster,
        &[
            "--terminate-missing",
            "--include-guests",
            "--protect",
            &protect,
        ],
    )
    .code(0)
    .stdout_is(&format!(
        "terminated {guest} Gus Guest <guest@example.com>\n"
    ));
    assert_eq!(status(&guest), Status::Terminated);

    portal.clear_log();
    sync(&portal, &admin.key, "email,firstName\n", &["--terminate-missing"])
        .code(65)
        .stderr_has("the roster lists nobody, and --terminate-missing would terminate everyone; nothing was sent");
    docspace(
        &portal,
        &admin.key,
        &["sync", "--from", "-", "--include-guests"],
    )
    .code(64)
    .stderr_has("give --terminate-missing too");
    assert!(portal.api_requests().is_empty());
}

/// A roster row for the owner or a protected account that differs is left as it is
/// (said, nothing sent, no failure); the caller's own type is not changed either.
#[test]
fn differences_of_protected_accounts_are_left_as_they_are() {
    let portal = Portal::start();
    let owner = portal.owner();
    let admin = portal.add_member(Kind::DocSpaceAdmin, "adm@example.com", "Ada", "Min");
    let roster = "email,firstName,lastName,type,status\n\
                  owner@example.com,Admin,Owner,,terminated\n\
                  adm@example.com,Ada,Min,user,\n";

    sync(&portal, &admin.key, roster, &[])
        .code(0)
        .stdout_is(&format!(
            "left as it is (owner) {} Admin Owner <owner@example.com> (active → terminated)\n\
             left as it is (you) {} Ada Min <adm@example.com> (docspace-admin → user)\n\
             left as it is 2\n",
            owner.id, admin.id
        ));
    assert!(sent(&portal).is_empty());
}

/// Promotions beyond the free paid seats: the plan says which ones the portal would
/// refuse; a real run sends them all the same, each alone, and reports the portal's
/// 402 for each person.
#[test]
fn promotions_beyond_the_free_seats_are_said_in_the_plan_and_refused_per_person() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    let bob = portal.add_member(Kind::User, "bob@example.com", "Bob", "Ray");
    let cat = portal.add_member(Kind::User, "cat@example.com", "Cat", "Cole");
    portal.set_seat_limit(Some(portal.seats_used() + 1));
    let roster = "email,firstName,lastName,type\n\
                  owner@example.com,Admin,Owner,\n\
                  ann@example.com,Ann,Lee,room-admin\n\
                  bob@example.com,Bob,Ray,room-admin\n\
                  cat@example.com,Cat,Cole,room-admin\n";

    let plan = sync(
        &portal,
        &owner.key,
        roster,
        &["--dry-run", "--output", "csv"],
    );
    plan.code(0);
    let rows: Vec<&str> = plan.stdout.lines().collect();
    assert_eq!(rows[0], "action,email,id,line,from,to,note,sent");
    assert!(rows[1].ends_with("user,room-admin,,true"), "{}", rows[1]);
    for row in &rows[2..] {
        assert!(
            row.ends_with("user,room-admin,no paid seat free: the portal would refuse it (402); 'docspace-people seats' shows who holds one,true"),
            "{row}"
        );
    }

    let run = sync(&portal, &owner.key, roster, &[]);
    run.code(1)
        .stdout_has(&format!(
            "made room-admin {} Ann Lee <ann@example.com>",
            ann.id
        ))
        .stderr_has(&format!(
            "make {} Bob Ray <bob@example.com> room-admin: The number of admins should not exceed",
            bob.id
        ))
        .stderr_has(&format!(
            "make {} Cat Cole <cat@example.com> room-admin: The number of admins should not exceed",
            cat.id
        ))
        .stdout_has("made room-admin 1, failed 2");
    assert_eq!(
        sent(&portal),
        ["PUT /api/2.0/people/type/RoomAdmin"; 3],
        "the promotions within the seats in one request, each beyond them alone"
    );
    let requested: Vec<Value> = changes(&portal)
        .iter()
        .map(|r| body(r)["userIds"].clone())
        .collect();
    assert_eq!(
        requested,
        [
            serde_json::json!([ann.id]),
            serde_json::json!([bob.id]),
            serde_json::json!([cat.id])
        ]
    );
}

/// A demotion of someone who owns rooms waits for `--heir`: the plan says so and exits
/// 65, nothing is sent for it; with `--heir` the portal's job hands the rooms over.
#[test]
fn a_demotion_of_a_room_owner_needs_an_heir() {
    let portal = Portal::start();
    let owner = portal.owner();
    let rita = portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Heir");
    let bob = portal.add_member(Kind::RoomAdmin, "bob@example.com", "Bob", "Ray");
    portal.give_rooms(&bob.id, 3);
    let roster = "email,firstName,lastName,type\n\
                  owner@example.com,Admin,Owner,\n\
                  rita@example.com,Rita,Heir,\n\
                  bob@example.com,Bob,Ray,user\n\
                  new@example.com,New,Person,\n";

    sync(&portal, &owner.key, roster, &["--dry-run"])
        .code(1)
        .stdout_has("set type      bob@example.com (line 4)          room-admin → user             not sent: skipped: owns rooms, which the demotion would hand to you; give --heir USER or --heir me")
        .stderr_has(&format!(
            "make {} Bob Ray <bob@example.com> user: skipped: owns rooms",
            bob.id
        ));
    let run = sync(&portal, &owner.key, roster, &[]);
    run.code(1)
        .stdout_has("created ")
        .stderr_has("give --heir USER or --heir me");
    assert_eq!(sent(&portal), ["POST /api/2.0/people"]);
    assert_eq!(portal.user(&bob.id).unwrap().kind, Kind::RoomAdmin);

    portal.clear_log();
    sync(&portal, &owner.key, roster, &["--heir", "rita@example.com"])
        .code(0)
        .stdout_is(&format!(
            "made user {} Bob Ray <bob@example.com> (rooms go to {} Rita Heir <rita@example.com>)\n",
            bob.id, rita.id
        ));
    assert_eq!(portal.user(&bob.id).unwrap().kind, Kind::User);
    assert_eq!(portal.rooms_of(&rita.id), 3);
}

/// Bad rows are all reported with their lines, and nothing at all is sent; a guest row
/// for someone without an account is refused too, after the one listing, before any
/// change.
#[test]
fn bad_rows_are_refused_with_their_lines_and_nothing_is_sent() {
    let portal = Portal::start();
    let owner = portal.owner();
    let roster = "email,firstName,lastName,type,status,groups\n\
                  ann@example.com,Ann,Lee,,,\n\
                  not-an-email,Bob,Ray,,,\n\
                  cat@example.com,,Cole,,,\n\
                  ANN@example.com,Ann,Again,,,\n\
                  dan@example.com,Dan,Fox,admin,,\n\
                  eve@example.com,Eve,Ng,,gone,\n\
                  r2@example.com,R2D2,Droid,,,\n";
    let run = sync(&portal, &owner.key, roster, &[]);
    run.code(65).stdout_is("").stderr_is(
        "docspace-people: -: line 3: 'not-an-email' is not an e-mail address the portal accepts\n\
         docspace-people: -: line 4: firstName is empty\n\
         docspace-people: -: line 5: ANN@example.com is listed twice\n\
         docspace-people: -: line 6: type 'admin' is not one of user, room-admin, docspace-admin, guest\n\
         docspace-people: -: line 7: status 'gone' is not one of active, terminated\n\
         docspace-people: -: line 8: firstName 'R2D2' has characters the portal refuses in names (only letters and marks of Unicode 15.1.0, spaces, apostrophes and hyphens)\n\
         docspace-people: nothing was sent: fix the 6 bad line(s) of - and run again\n",
    );
    assert!(portal.api_requests().is_empty(), "not even a read");

    let guests = "email,firstName,type\nann@example.com,Ann,\nnew@example.com,New,guest\n";
    sync(&portal, &owner.key, guests, &[])
        .code(65)
        .stderr_has("-: line 3: a guest without an account, whom the portal cannot create")
        .stderr_has("nothing was sent");
    assert!(sent(&portal).is_empty());
    sync(&portal, &owner.key, "mail,name\na@b.co,A\n", &[])
        .code(65)
        .stderr_has("line 1: the header must name the columns email,firstName[,lastName,type,groups,status]");
}

/// Addresses are compared as the portal compares them: a roster in another case, with
/// spaces around its addresses, matches the portal's accounts and creates nobody.
#[test]
fn a_roster_in_another_case_with_spaces_matches_the_portals_accounts() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.add_member(Kind::User, "ann.lee@example.com", "Ann", "Lee");
    portal.add_member(Kind::RoomAdmin, "bob@example.com", "Bob", "Ray");
    let roster = "email,firstName,lastName,type\n\
                  \"  OWNER@Example.COM \",Admin,Owner,\n\
                  \" Ann.Lee@EXAMPLE.com\",Ann,Lee,user\n\
                  BOB@example.com  ,Bob,Ray,room-admin\n";
    sync(&portal, &owner.key, roster, &["--terminate-missing"])
        .code(0)
        .stdout_is("nothing to change: the portal is in line with the roster (3 people)\n");
    assert!(sent(&portal).is_empty());
    let jsonl =
        "{\"email\":\" ANN.LEE@example.com \",\"firstName\":\"Ann\",\"lastName\":\"Lee\"}\n";
    sync(&portal, &owner.key, jsonl, &["--dry-run"])
        .code(0)
        .stdout_is("nothing to change: the portal is in line with the roster (1 people)\n");
}

/// The plan in JSON (one object: the changes, the count of each action, the notes), in
/// JSON Lines and in TSV; `--output ids` and a CSV of a real run are refused.
#[test]
fn the_plan_in_json_and_the_other_formats() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    portal.add_member(Kind::User, "fay@example.com", "Fay", "Old");
    let roster = "email,firstName,lastName,type\n\
                  owner@example.com,Admin,Owner,\n\
                  ann@example.com,Ann,Lee,room-admin\n\
                  dan@example.com,Dan,Fox,\n\
                  fay@example.com,Fay,New,\n";

    let json = sync(&portal, &owner.key, roster, &["--dry-run", "--json"]);
    json.code(0).stderr_empty();
    let plan = json.json();
    assert_eq!(
        plan["plan"][0],
        serde_json::json!({"action": "create", "email": "dan@example.com", "id": null,
            "line": 4, "from": null, "to": "user", "note": null, "sent": true})
    );
    assert_eq!(
        plan["plan"][1],
        serde_json::json!({"action": "set type", "email": "ann@example.com", "id": ann.id,
            "line": 3, "from": "user", "to": "room-admin", "note": null, "sent": true})
    );
    assert_eq!(plan["plan"][2]["action"], "name differs");
    assert_eq!(plan["plan"][2]["sent"], false);
    assert_eq!(
        plan["counts"],
        serde_json::json!({"create": 1, "set type": 1, "name differs": 1})
    );
    assert_eq!(plan["changes"], 2);
    assert_eq!(plan["notes"], serde_json::json!([]));

    let jsonl = sync(
        &portal,
        &owner.key,
        roster,
        &["--dry-run", "--output", "jsonl"],
    );
    jsonl
        .code(0)
        .stderr_has("plan: 2 change(s): create 1, set type 1");
    let objects: Vec<Value> = jsonl
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects.len(), 3);
    assert_eq!(objects[1]["to"], "room-admin");

    let tsv = sync(
        &portal,
        &owner.key,
        roster,
        &["--dry-run", "--output", "tsv", "--no-header", "-q"],
    );
    tsv.code(0);
    assert_eq!(tsv.stdout.lines().count(), 3);
    assert!(
        tsv.stdout
            .starts_with("create\tdan@example.com\t\t4\t\tuser\t\ttrue\r\n")
    );

    portal.clear_log();
    // Refused before the roster is read (so not given on stdin).
    let refused = |args: &[&str]| {
        let mut words = vec!["sync", "--from", "roster.csv"];
        words.extend_from_slice(args);
        docspace(&portal, &owner.key, &words)
    };
    refused(&["--dry-run", "--output", "ids"])
        .code(64)
        .stderr_has("--output ids does not apply to 'sync', which prints a plan of changes");
    refused(&["--output", "csv"])
        .code(64)
        .stderr_has("--output csv without --dry-run does not apply to 'sync'");
    assert!(portal.api_requests().is_empty());

    // A real run with --json: each person's outcome, as every bulk command gives it.
    let run = sync(&portal, &owner.key, roster, &["--json"]);
    run.code(0);
    let outcomes: Vec<(String, String)> = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["email"].as_str().unwrap().to_owned(),
                r["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("dan@example.com".to_owned(), "created".to_owned()),
            ("ann@example.com".to_owned(), "made room-admin".to_owned()),
            (
                "fay@example.com".to_owned(),
                "name differs (only the person can change it)".to_owned()
            ),
        ]
    );
}

/// `--max` counts the changes of the plan (the people it only lists are not changes),
/// and an unattended run is capped at 100 by default: over it, nothing is sent.
#[test]
fn max_counts_the_changes_of_the_plan() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.add_member(Kind::User, "fay@example.com", "Fay", "Old");
    let roster = "email,firstName,lastName\n\
                  owner@example.com,Admin,Owner\n\
                  fay@example.com,Fay,New\n\
                  ann@example.com,Ann,Lee\n\
                  bob@example.com,Bob,Ray\n";
    sync(&portal, &owner.key, roster, &["--max", "1"])
        .code(65)
        .stderr_is("docspace-people: sync: 2 changes planned, more than --max 1; nothing was sent (check the roster with --dry-run, then pass --max 2 if the plan is right)\n");
    assert!(sent(&portal).is_empty());
    sync(&portal, &owner.key, roster, &["--max", "1", "--dry-run"])
        .code(65)
        .stdout_has("plan: 2 change(s): create 2")
        .stderr_has("more than --max 1");
    sync(&portal, &owner.key, roster, &["--max", "2"]).code(0);
    assert_eq!(sent(&portal).len(), 2);

    let mut many = String::from("email,firstName\nowner@example.com,Admin\n");
    for n in 0..101 {
        many.push_str(&format!("new{n}@example.com,New\n"));
    }
    let portal = Portal::start();
    sync(&portal, &portal.owner().key, &many, &[])
        .code(65)
        .stderr_has("101 changes planned, more than --max 100");
    assert!(sent(&portal).is_empty());
}

/// A run killed while a step is under way leaves the journal saying so; the same sync
/// again completes the rest (what the first run did is not planned again) and exits 0.
#[test]
fn an_interrupted_apply_is_completed_by_the_same_sync_again() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    let cat = portal.add_member(Kind::User, "cat@example.com", "Cat", "Cole");
    let roster_path = portal.state_dir().join("roster.csv");
    std::fs::create_dir_all(portal.state_dir()).unwrap();
    std::fs::write(
        &roster_path,
        "email,firstName,lastName,type,status\n\
         owner@example.com,Admin,Owner,,\n\
         ann@example.com,Ann,Lee,room-admin,\n\
         cat@example.com,Cat,Cole,,terminated\n\
         dan@example.com,Dan,Fox,,\n",
    )
    .unwrap();
    let roster = roster_path.display().to_string();
    portal.inject(Fault {
        method: "PUT",
        path_prefix: "/api/2.0/people/status/Terminated".to_owned(),
        times: 1,
        reply: Reply::Hang(Duration::from_secs(30)),
    });

    let mut child = spawn(&portal, &["sync", "--from", &roster]);
    crate::wait_until("the termination was never sent", || {
        sent(&portal)
            .iter()
            .any(|l| l.ends_with("/status/Terminated"))
    });
    child.kill().expect("SIGKILL");
    child.wait().expect("ended");
    assert_eq!(portal.user(&ann.id).unwrap().kind, Kind::RoomAdmin);
    assert_eq!(portal.user(&cat.id).unwrap().status, Status::Active);
    let journal = std::fs::read_to_string(journal_path(&portal)).unwrap();
    assert!(journal.contains("\"event\":\"plan\""), "{journal}");
    docspace(&portal, &owner.key, &["journal"])
        .code(0)
        .stdout_has("interrupted: ")
        .stdout_has("terminate of 1 user(s) under way (step 3), outcome unknown")
        .stdout_has(&format!(
            "send them:   run the same command again (it skips what is done): docspace-people sync --from {roster}"
        ));

    portal.clear_log();
    docspace(&portal, &owner.key, &["sync", "--from", &roster])
        .code(0)
        .stdout_is(&format!(
            "terminated {} Cat Cole <cat@example.com>\n",
            cat.id
        ));
    let again = sent(&portal);
    assert_eq!(again[0], "PUT /api/2.0/people/status/Terminated");
    assert!(
        again[1..]
            .iter()
            .all(|l| l.starts_with("DELETE /api/2.0/keys/")),
        "then Cat's keys are revoked: {again:?}"
    );
    docspace(&portal, &owner.key, &["journal"])
        .code(0)
        .stdout_has("settled: ");
    portal.clear_log();
    docspace(&portal, &owner.key, &["sync", "--from", &roster])
        .code(0)
        .stdout_has("nothing to change");
    assert!(sent(&portal).is_empty());
}

/// 10 000 people against a portal of 10 000: planned from the 100 pages of one listing
/// (and who the caller is), nothing read per person.
#[test]
fn ten_thousand_rows_are_planned_from_a_hundred_listing_pages() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.seed_users(9_999);
    let mut roster = String::with_capacity(600_000);
    roster.push_str("email,firstName,lastName\n");
    for user in portal.users() {
        roster.push_str(&format!(
            "{},{},{}\n",
            user.email.to_uppercase(),
            user.first_name,
            user.last_name
        ));
    }
    // Three differences among the 10 000.
    roster = roster.replacen(
        "USER0001@EXAMPLE.COM,Alice,",
        "USER0001@EXAMPLE.COM,Alicia,",
        1,
    );
    roster.push_str("new1@example.com,New,One\nnew2@example.com,New,Two\n");
    portal.clear_log();

    let run = sync(&portal, &owner.key, &roster, &["--dry-run", "-q"]);
    run.code(0);
    assert_eq!(
        run.stdout.lines().count(),
        3,
        "the header and the two creates: {}",
        run.stdout
    );
    assert_eq!(listings(&portal), 100);
    assert_eq!(
        portal.api_requests().len(),
        101,
        "the listing's pages and who the caller is"
    );
}

/// The portal keeps an LDAP account's names and status its directory's: the caller's own
/// rename is checked in the answer and reported not done when the names stayed (the
/// portal answers 200 all the same), and an LDAP account's termination is not sent.
#[test]
fn ldap_accounts_names_and_status_are_the_directorys() {
    let portal = Portal::start();
    let admin = portal.add_member(Kind::DocSpaceAdmin, "adm@example.com", "Ada", "Min");
    portal.set_ldap(&admin.id);
    let dir = portal.add_member(Kind::User, "dir@example.com", "Dir", "Ectory");
    portal.set_ldap(&dir.id);
    let roster = "email,firstName,lastName,status\n\
                  adm@example.com,Adele,Min,\n\
                  dir@example.com,Dir,Ectory,terminated\n";
    sync(&portal, &admin.key, roster, &[])
        .code(65)
        .stderr_has(&format!(
            "rename {}: the portal answered with the names 'Ada Min' unchanged",
            admin.id
        ))
        .stderr_has(&format!(
            "terminate {} Dir Ectory <dir@example.com>: an LDAP account, which the portal does not change this way",
            dir.id
        ))
        .stdout_has("failed 2");
    assert_eq!(sent(&portal), [format!("PUT /api/2.0/people/{}", admin.id)]);
    assert_eq!(portal.user(&dir.id).unwrap().status, Status::Active);
}

/// The groups column: each person is added to the groups it names and removed from the
/// others, a request per group, after the people's own changes; a group the portal does
/// not have is created (with its members, a person created by the same run among them)
/// only with `--create-groups`, and never deleted. The memberships come from the one
/// listing of users, the names from one listing of groups.
#[test]
fn groups_are_joined_and_left_and_created_only_with_create_groups() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    let bob = portal.add_member(Kind::User, "bob@example.com", "Bob", "Ray");
    let sales = portal.add_group("Sales", None, &[&bob.id]);
    let ops = portal.add_group("Ops", None, &[&ann.id]);
    let roster = "email,firstName,lastName,groups\n\
                  owner@example.com,Admin,Owner,\n\
                  ann@example.com,Ann,Lee,sales;Support\n\
                  bob@example.com,Bob,Ray,Sales\n\
                  dan@example.com,Dan,Fox,Support;Sales\n";

    let plan = sync(&portal, &owner.key, roster, &["--dry-run"]);
    plan.code(1).stdout_is(
        "ACTION             PERSON                            CHANGE                        NOTE\n\
         create             dan@example.com (line 5)          user\n\
         add to group       ann@example.com (line 3)          Sales\n\
         add to group       ann@example.com (line 3)          Support                       not sent: the portal has no group named 'Support': pass --create-groups, or create it with 'docspace-people group create'\n\
         add to group       dan@example.com (line 5)          Support                       not sent: the portal has no group named 'Support': pass --create-groups, or create it with 'docspace-people group create'\n\
         add to group       dan@example.com (line 5)          Sales\n\
         remove from group  ann@example.com (line 3)          Ops\n\
         plan: 4 change(s): create 1, add to group 2, remove from group 1; nothing sent: not sent 2\n",
    );
    let requests = portal.api_requests();
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.path.starts_with("/api/2.0/group"))
            .count(),
        1,
        "one listing of the groups"
    );
    assert_eq!(listings(&portal), 1);

    let run = sync(&portal, &owner.key, roster, &["--create-groups"]);
    let dan = portal.user_by_email("dan@example.com").unwrap();
    run.code(0).stdout_is(&format!(
        "created {dan} Dan Fox <dan@example.com>\n\
         created group {support} Support\n\
         added {ann} Ann Lee <ann@example.com> to group Support\n\
         added {dan} <dan@example.com> to group Support\n\
         added {ann} Ann Lee <ann@example.com> to group Sales\n\
         added {dan} <dan@example.com> to group Sales\n\
         removed {ann} Ann Lee <ann@example.com> from group Ops\n\
         created 1, created group 1, added 4, removed 1\n",
        dan = dan.id,
        ann = ann.id,
        support = portal
            .groups()
            .into_iter()
            .find(|g| g.name == "Support")
            .unwrap()
            .id,
    ));
    let order: Vec<String> = sent(&portal)
        .into_iter()
        .map(|l| l.replace(&sales, "{sales}").replace(&ops, "{ops}"))
        .collect();
    assert_eq!(
        order,
        [
            "POST /api/2.0/people",
            "POST /api/2.0/group",
            "PUT /api/2.0/group/{sales}/members",
            "DELETE /api/2.0/group/{ops}/members",
        ]
    );
    let members = |id: &str| {
        let mut members = portal.group(id).unwrap().members;
        members.sort();
        members
    };
    let mut in_sales = vec![ann.id.clone(), bob.id.clone(), dan.id.clone()];
    in_sales.sort();
    assert_eq!(members(&sales), in_sales);
    assert_eq!(members(&ops), Vec::<String>::new());
    assert!(
        !portal.group(&ops).unwrap().removed,
        "a group is never deleted"
    );
    let support = portal
        .groups()
        .into_iter()
        .find(|g| g.name == "Support")
        .expect("created");
    let mut in_support = vec![ann.id.clone(), dan.id.clone()];
    in_support.sort();
    assert_eq!(members(&support.id), in_support);

    portal.clear_log();
    sync(&portal, &owner.key, roster, &["--create-groups"])
        .code(0)
        .stdout_has("nothing to change");
    assert!(sent(&portal).is_empty());

    // A guest is no group's member: a roster that says so is refused with its line.
    sync(
        &portal,
        &owner.key,
        "email,firstName,type,groups\nann@example.com,Ann,guest,Sales\n",
        &[],
    )
    .code(65)
    .stderr_has("-: line 2: a guest cannot be a member of a group");
}

/// A demotion to guest drops every group link of the person: one who manages a group
/// waits for `--heir`, and with it the heir becomes the manager first, then the job runs.
#[test]
fn a_demotion_to_guest_hands_the_groups_managed_to_the_heir_first() {
    let portal = Portal::start();
    let owner = portal.owner();
    let rita = portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Heir");
    let bob = portal.add_member(Kind::User, "bob@example.com", "Bob", "Ray");
    let sales = portal.add_group("Sales", Some(&bob.id), &[]);
    let roster = "email,firstName,lastName,type\n\
                  owner@example.com,Admin,Owner,\n\
                  rita@example.com,Rita,Heir,\n\
                  bob@example.com,Bob,Ray,guest\n";

    sync(&portal, &owner.key, roster, &[])
        .code(65)
        .stderr_has(&format!(
            "make {} Bob Ray <bob@example.com> guest: skipped: manages groups 'Sales'; give --heir USER or --heir me",
            bob.id
        ));
    assert!(sent(&portal).is_empty());

    sync(&portal, &owner.key, roster, &["--heir", "rita@example.com"])
        .code(0)
        .stdout_has(&format!("made guest {} Bob Ray <bob@example.com>", bob.id));
    let order: Vec<String> = sent(&portal)
        .into_iter()
        .map(|l| l.replace(&sales, "{sales}"))
        .collect();
    assert_eq!(
        order,
        [
            "PUT /api/2.0/group/{sales}/manager",
            "POST /api/2.0/people/type"
        ]
    );
    assert_eq!(portal.group(&sales).unwrap().manager, Some(rita.id.clone()));
    assert_eq!(portal.user(&bob.id).unwrap().kind, Kind::Guest);
}

/// The API keys of the people sync terminates are revoked after the termination, as
/// `user terminate` revokes them; `--keep-keys` keeps them, and the plan says what that
/// means. A key kept works again if the account is reactivated.
#[test]
fn terminations_revoke_the_api_keys_unless_keep_keys() {
    for keep in [false, true] {
        let portal = Portal::start();
        let owner = portal.owner();
        let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
        let roster = format!(
            "{HEADER}owner@example.com,Admin,Owner,,\nann@example.com,Ann,Lee,,terminated\n"
        );
        let mut args = vec![];
        if keep {
            args.push("--keep-keys");
        }
        let mut dry = args.clone();
        dry.push("--dry-run");
        let fate = if keep {
            "API key 'docspace-people' kept: it works again if the account is reactivated"
        } else {
            "API key 'docspace-people' revoked"
        };
        sync(&portal, &owner.key, &roster, &dry)
            .code(0)
            .stdout_has(fate);
        sync(&portal, &owner.key, &roster, &args).code(0);
        let revoked = sent(&portal)
            .iter()
            .filter(|l| l.starts_with("DELETE /api/2.0/keys/"))
            .count();
        assert_eq!(revoked, usize::from(!keep), "keep {keep}");
        // Reactivated: a kept key works again, a revoked one never does.
        portal.set_status(&ann.id, Status::Active);
        let code = docspace(&portal, &ann.key, &["whoami"]).code;
        assert_eq!(code == 0, keep, "keep {keep}: whoami exit {code}");
    }
}
