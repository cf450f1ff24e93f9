use crate::portal::{Fault, Kind, Portal, Reply, Status};
use crate::{docspace, lines};
use serde_json::json;

const JOHN: [&str; 7] = [
    "lifecycle",
    "--email",
    "john.doe@example.com",
    "--first-name",
    "John",
    "--last-name",
    "Doe",
];

#[test]
fn lifecycle_creates_reads_terminates_and_deletes_over_one_connection() {
    let portal = Portal::start();
    let owner = portal.owner();

    let run = docspace(&portal, &owner.key, &JOHN);

    run.code(0).stderr_empty();
    let id = run
        .stdout
        .split_whitespace()
        .nth(1)
        .expect("created ID")
        .to_owned();
    assert_eq!(
        run.stdout,
        format!(
            "created {id} John Doe <john.doe@example.com>\n\
             got {id} John Doe <john.doe@example.com> user active\n\
             terminated {id} John Doe <john.doe@example.com>\n\
             deleted {id} John Doe <john.doe@example.com>\n"
        )
    );
    assert_eq!(
        lines(&portal.api_requests()),
        [
            "GET /api/2.0/people/@self".to_owned(),
            "POST /api/2.0/people".to_owned(),
            format!("GET /api/2.0/people/{id}"),
            "PUT /api/2.0/people/status/Terminated".to_owned(),
            format!("DELETE /api/2.0/people/{id}"),
        ]
    );
    assert!(portal.user(&id).expect("known to the portal").removed);
    assert_eq!(
        portal.connections(),
        1,
        "all four requests share one connection"
    );
}

#[test]
fn lifecycle_as_json_reports_each_step() {
    let portal = Portal::start();
    let owner = portal.owner();
    let mut args = vec!["--json"];
    args.extend(JOHN);

    let report = docspace(&portal, &owner.key, &args).code(0).json();

    assert_eq!(report["state"], "deleted");
    assert_eq!(report["user"]["email"], "john.doe@example.com");
    assert_eq!(report["user"]["status"], 2);
    let outcomes: Vec<&str> = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["done", "done", "done", "done"]);
}

#[test]
fn lifecycle_with_a_taken_email_creates_nothing_and_stops() {
    let portal = Portal::start();
    let owner = portal.owner();
    let old = portal.add_member(Kind::User, "john.doe@example.com", "John", "Old");

    docspace(&portal, &owner.key, &JOHN)
        .code(65)
        .stderr_has("lifecycle stopped at step 'create': create john.doe@example.com: User with this email is already registered")
        .stderr_has("nothing was created");

    assert_eq!(
        lines(&portal.api_requests()),
        ["GET /api/2.0/people/@self", "POST /api/2.0/people"],
        "the journal asks whose key it is, then the one create"
    );
    assert_eq!(portal.user(&old.id).unwrap().status, Status::Active);
}

/// Each later step, made to fail in turn: the step and the user's state are named, the
/// exit code is that failure's own, and nothing after the failed step is sent.
#[test]
fn lifecycle_stops_at_the_failed_step_and_never_deletes_after_a_failure() {
    struct Case {
        step: &'static str,
        method: &'static str,
        path: &'static str,
        reply: fn() -> Reply,
        code: i32,
        says: &'static str,
        state: &'static str,
        left: Status,
    }
    let unavailable = || Reply::Status {
        code: 503,
        headers: vec![],
        body: vec![],
    };
    let denied = || Reply::Status {
        code: 403,
        headers: vec![],
        body: vec![],
    };
    let crashed = || {
        Reply::Status {
        code: 500,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: br#"{"error":{"message":"Data reassign process for John Doe is not complete.","type":"System.Exception","stack":null,"hresult":0},"status":1,"statusCode":500}"#.to_vec(),
    }
    };
    let cases = [
        Case {
            step: "get",
            method: "GET",
            path: "/api/2.0/people/",
            reply: unavailable,
            code: 75,
            says: "HTTP 503",
            state: "the user is left created and still active",
            left: Status::Active,
        },
        Case {
            step: "terminate",
            method: "PUT",
            path: "/api/2.0/people/status/",
            reply: denied,
            code: 77,
            says: "HTTP 403 without a message",
            state: "the user is left created and still active",
            left: Status::Active,
        },
        Case {
            step: "delete",
            method: "DELETE",
            path: "/api/2.0/people/",
            reply: crashed,
            code: 69,
            says: "Data reassign process for John Doe is not complete. (HTTP 500)",
            state: "the user is left terminated, not deleted",
            left: Status::Terminated,
        },
    ];
    for case in cases {
        let portal = Portal::start();
        let owner = portal.owner();
        portal.inject(Fault {
            method: case.method,
            path_prefix: case.path.to_owned(),
            times: 1,
            reply: (case.reply)(),
        });

        let run = docspace(
            &portal,
            &owner.key,
            // The faults match by path prefix, which the journal's look-up of the caller
            // (GET /people/@self) would take; this test is about the steps alone.
            &[&JOHN[..], &["--retries", "0", "--no-journal"]].concat(),
        );

        let john = portal
            .user_by_email("john.doe@example.com")
            .expect("created, not deleted");
        run.code(case.code)
            .stderr_has(&format!(
                "lifecycle stopped at step '{}' for user {}",
                case.step, john.id
            ))
            .stderr_has(case.says)
            .stderr_has(case.state);
        assert_eq!(john.status, case.left, "{}", case.step);
        let sent = lines(&portal.api_requests());
        let last = sent.last().unwrap();
        assert!(
            last.starts_with(case.method),
            "{}: nothing after the failed step: {sent:?}",
            case.step
        );
        assert!(
            !sent.iter().any(|l| l.starts_with("DELETE")) || case.step == "delete",
            "{sent:?}"
        );
    }
}

#[test]
fn lifecycle_json_on_failure_names_the_failed_and_the_skipped_steps() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.inject(Fault {
        method: "PUT",
        path_prefix: "/api/2.0/people/status/".to_owned(),
        times: 1,
        reply: Reply::Status {
            code: 403,
            headers: vec![],
            body: vec![],
        },
    });
    let mut args = vec!["--json"];
    args.extend(JOHN);

    let report = docspace(&portal, &owner.key, &args).code(77).json();

    assert_eq!(report["state"], "the user is left created and still active");
    assert_eq!(report["steps"][2]["outcome"], "failed");
    assert_eq!(
        report["steps"][3],
        json!({"step": "delete", "outcome": "not run"})
    );
}
