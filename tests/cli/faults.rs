//! What an unattended run does when the portal, a proxy or the network misbehaves.

use crate::portal::{Fault, Kind, Portal, Reply, Status};
use crate::{docspace, lines, run};

/// How often the portal was asked who the caller is (whoami then also reads the key).
fn asked_who(portal: &Portal) -> usize {
    portal
        .api_requests()
        .iter()
        .filter(|r| r.path == SELF)
        .count()
}

/// What the journal asks before a run's first change: whose key it is.
const CALLER: &str = "GET /api/2.0/people/@self";

fn fault(method: &'static str, path: &str, times: usize, reply: Reply) -> Fault {
    Fault {
        method,
        path_prefix: path.to_owned(),
        times,
        reply,
    }
}

fn with_retry_after(code: u16, value: &str) -> Reply {
    Reply::Status {
        code,
        headers: vec![("Retry-After".to_owned(), value.to_owned())],
        body: vec![],
    }
}

const SELF: &str = "/api/2.0/people/@self";

const CREATE_ANN: [&str; 6] = [
    "user",
    "create",
    "--email",
    "ann@example.com",
    "--first-name",
    "Ann",
];

#[test]
fn a_busy_portal_is_retried_and_each_retry_is_noted() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.inject(fault("GET", SELF, 2, with_retry_after(503, "0")));

    docspace(&portal, &owner.key, &["whoami"])
        .code(0)
        .stdout_has("owner@example.com")
        .stderr_has("whoami: HTTP 503; retrying in 0.0 s (attempt 2 of 4)")
        .stderr_has("(attempt 3 of 4)");
    assert_eq!(asked_who(&portal), 3);
}

#[test]
fn retries_back_off_without_retry_after_and_are_silent_with_quiet() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.inject(fault("GET", SELF, 1, Reply::empty(502)));

    docspace(&portal, &owner.key, &["-q", "whoami"])
        .code(0)
        .stderr_empty();
    assert_eq!(asked_who(&portal), 2);
}

#[test]
fn retries_stop_after_the_allowed_number_and_report_the_last_failure() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.inject(fault("GET", SELF, 10, with_retry_after(429, "0")));

    docspace(&portal, &owner.key, &["whoami", "--retries", "2"])
        .code(75)
        .stderr_has("whoami: HTTP 429");
    assert_eq!(portal.api_requests().len(), 3);
}

#[test]
fn a_long_retry_after_fails_at_once_with_the_time_to_wait() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.inject(fault("GET", SELF, 1, with_retry_after(429, "86400")));

    docspace(&portal, &owner.key, &["whoami"])
        .code(75)
        .stderr_has("the portal asks to wait 86400 s (Retry-After) before trying again");
    assert_eq!(portal.api_requests().len(), 1);
}

#[test]
fn retry_after_as_an_http_date_is_honoured() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.inject(fault(
        "GET",
        SELF,
        1,
        with_retry_after(503, "Fri, 01 Jan 2100 00:00:00 GMT"),
    ));
    docspace(&portal, &owner.key, &["whoami"])
        .code(75)
        .stderr_has("before trying again");

    let past = Portal::start();
    past.inject(fault(
        "GET",
        SELF,
        1,
        with_retry_after(503, "Sun, 06 Nov 1994 08:49:37 GMT"),
    ));
    docspace(&past, &past.owner().key, &["whoami"]).code(0);
    assert_eq!(asked_who(&past), 2);
}

#[test]
fn a_silent_portal_times_out_instead_of_hanging() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.inject(fault(
        "GET",
        SELF,
        1,
        Reply::Hang(std::time::Duration::from_secs(10)),
    ));

    docspace(
        &portal,
        &owner.key,
        &["whoami", "--timeout", "1", "--retries", "0"],
    )
    .code(75)
    .stderr_has("whoami: timed out after 1 s; try again later");
}

#[test]
fn a_create_is_never_repeated_after_an_error() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.inject(fault("POST", "/api/2.0/people", 1, Reply::empty(503)));

    docspace(&portal, &owner.key, &CREATE_ANN)
        .code(75)
        .stderr_has("create ann@example.com: HTTP 503");
    assert_eq!(
        lines(&portal.api_requests()),
        [CALLER, "POST /api/2.0/people"],
        "the journal learns whose key it is before the first change, then the create goes once"
    );
    assert!(portal.user_by_email("ann@example.com").is_none());
}

#[test]
fn a_create_whose_answer_was_lost_is_found_by_email_and_reported_created() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.inject(fault("POST", "/api/2.0/people", 1, Reply::LoseAnswer));

    let run = docspace(&portal, &owner.key, &CREATE_ANN);

    run.code(0);
    let ann = portal
        .user_by_email("ann@example.com")
        .expect("the portal created her");
    run.stdout_has(&format!("created {} Ann <ann@example.com>", ann.id));
    assert_eq!(
        lines(&portal.api_requests()),
        [
            CALLER,
            "POST /api/2.0/people",
            "GET /api/2.0/people/email?email=ann%40example.com"
        ]
    );
}

/// A keep-alive connection the portal closed while idle breaks under the create; the
/// look-up shows nothing was created, so the create goes once more, on the new
/// connection the look-up opened, and is reported created.
#[test]
fn a_create_on_a_connection_closed_while_idle_is_sent_once_more_on_a_new_one() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.inject(fault("POST", "/api/2.0/people", 1, Reply::ClosedWhileIdle));

    let run = docspace(&portal, &owner.key, &CREATE_ANN);

    let ann = portal
        .user_by_email("ann@example.com")
        .expect("the second create made her");
    run.code(0)
        .stdout_is(&format!("created {} Ann <ann@example.com>\n", ann.id));
    let sent = portal.api_requests();
    assert_eq!(
        lines(&sent),
        [
            CALLER,
            "POST /api/2.0/people",
            "GET /api/2.0/people/email?email=ann%40example.com",
            "POST /api/2.0/people"
        ]
    );
    let carried: Vec<usize> = sent.iter().map(|r| r.connection).collect();
    assert_eq!(
        carried,
        [1, 1, 2, 2],
        "the first create died with the idle connection; the second went on a new one"
    );
    assert_eq!(portal.connections(), 2);
    assert_eq!(sent[1].body, sent[3].body, "the same create, sent again");
}

/// The portal made the account although the connection broke, but does not show it yet
/// when it is looked up: the create sent once more is refused as already registered,
/// and a second look-up finds the account the first attempt made. One account, reported
/// created.
#[test]
fn a_create_sent_once_more_that_meets_the_first_attempts_account_reports_it_created() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.inject(fault("POST", "/api/2.0/people", 1, Reply::LoseAnswer));
    let not_yet = r#"{"error":{"message":"The user could not be found","type":"ASC.Common.Web.ItemNotFoundException","stack":null,"hresult":-2146233088},"status":1,"statusCode":404}"#;
    portal.inject(fault(
        "GET",
        "/api/2.0/people/email",
        1,
        Reply::json(404, not_yet),
    ));

    let run = docspace(&portal, &owner.key, &CREATE_ANN);

    let ann = portal
        .user_by_email("ann@example.com")
        .expect("the first attempt made her");
    run.code(0)
        .stdout_is(&format!("created {} Ann <ann@example.com>\n", ann.id));
    let lookup = "GET /api/2.0/people/email?email=ann%40example.com";
    assert_eq!(
        lines(&portal.api_requests()),
        [
            CALLER,
            "POST /api/2.0/people",
            lookup,
            "POST /api/2.0/people",
            lookup
        ]
    );
}

/// When the create sent once more breaks off too, nothing is sent a third time: the
/// look-ups decide, and an address still unknown is never a flat "not created".
#[test]
fn a_create_that_broke_off_twice_is_not_called_created_or_not() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.inject(fault("POST", "/api/2.0/people", 2, Reply::Close));

    let run = docspace(
        &portal,
        &owner.key,
        &[&CREATE_ANN[..], &["--timeout", "2"]].concat(),
    );
    run.code(75)
        .stderr_has("create ann@example.com: the connection broke off: ");
    assert!(
        run.stderr.contains("; not created as far as the portal shows after 2 s: the portal may still be creating it"),
        "never a flat 'not created': {}",
        run.stderr
    );
    let sent = lines(&portal.api_requests());
    let lookup = "GET /api/2.0/people/email?email=ann%40example.com";
    assert_eq!(
        sent[..4],
        [
            CALLER,
            "POST /api/2.0/people",
            lookup,
            "POST /api/2.0/people"
        ]
    );
    let lookups = &sent[4..];
    assert!(lookups.len() >= 3, "looked up again and again: {sent:?}");
    assert!(lookups.iter().all(|l| l == lookup), "{sent:?}");
    assert!(portal.user_by_email("ann@example.com").is_none());
}

/// The answer to a bulk delete is lost after the portal deleted the users; the repeat
/// no longer lists them. This run saw them just before and its intent is journalled:
/// they are reported deleted, said how it is known, and counted and journalled as such.
#[test]
fn a_bulk_delete_whose_answer_was_lost_reports_the_users_this_run_deleted() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = crate::terminated_member(&portal, "ann@example.com", "Ann", "Lee");
    let bob = crate::terminated_member(&portal, "bob@example.com", "Bob", "Ray");
    portal.inject(fault("PUT", "/api/2.0/people/delete", 1, Reply::LoseAnswer));

    let run = docspace(&portal, &owner.key, &["user", "delete", &ann.id, &bob.id]);

    let fate = "owns no rooms or shared files; personal files are destroyed; API key 'docspace-people' revoked";
    run.code(0).stdout_is(&format!(
        "deleted (confirmed after the answer was lost) {} Ann Lee <ann@example.com> ({fate})\n\
         deleted (confirmed after the answer was lost) {} Bob Ray <bob@example.com> ({fate})\n\
         deleted 2\n",
        ann.id, bob.id
    ));
    assert!(!run.stdout.contains("already gone"), "{}", run.stdout);
    let deletes: Vec<_> = crate::changes(&portal)
        .into_iter()
        .filter(|r| r.path.starts_with("/api/2.0/people/"))
        .collect();
    assert_eq!(
        lines(&deletes),
        ["PUT /api/2.0/people/delete", "PUT /api/2.0/people/delete"],
        "sent, its answer lost, and repeated"
    );
    assert_eq!(deletes[0].body, deletes[1].body);
    assert!(portal.user(&ann.id).unwrap().removed);
    assert!(portal.user(&bob.id).unwrap().removed);

    let journal = crate::state_home(&portal).join("docspace-people/journal.jsonl");
    let entries: Vec<serde_json::Value> = std::fs::read_to_string(journal)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let events: Vec<&str> = entries
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["intent", "outcome"]);
    let outcomes: Vec<(&str, &str)> = entries[1]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(
        outcomes,
        [(ann.id.as_str(), "deleted"), (bob.id.as_str(), "deleted")]
    );

    // The journal remembers: a later run finds them already gone.
    docspace(&portal, &owner.key, &["user", "delete", &ann.id])
        .code(0)
        .stdout_has(&format!("already gone {}", ann.id));
}

/// nginx answers 504 after proxy_read_timeout while the portal is still creating: the
/// account appears a moment later, and the create is reported as done.
#[test]
fn a_create_a_proxy_gave_up_on_is_found_when_the_portal_finishes_it() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.inject(fault(
        "POST",
        "/api/2.0/people",
        1,
        Reply::ActLater {
            code: 504,
            after: std::time::Duration::from_millis(1500),
        },
    ));

    let run = docspace(
        &portal,
        &owner.key,
        &[
            "lifecycle",
            "--email",
            "ann@example.com",
            "--first-name",
            "Ann",
            "--timeout",
            "10",
        ],
    );

    run.code(0);
    let id = run
        .stdout
        .strip_prefix("created ")
        .and_then(|rest| rest.split(' ').next())
        .expect("the create is reported");
    run.stdout_has(&format!("created {id} Ann <ann@example.com>"))
        .stdout_has(&format!("deleted {id}"));
    let ann = portal.user(id).expect("the portal created her");
    assert!(ann.removed, "lifecycle left nothing behind");
    let lookups = lines(&portal.api_requests())
        .iter()
        .filter(|l| l.starts_with("GET /api/2.0/people/email"))
        .count();
    assert!(lookups >= 2, "the first look-up came too early: {lookups}");
}

#[test]
fn an_invitation_is_never_repeated() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.inject(fault(
        "POST",
        "/api/2.0/people/invite",
        1,
        Reply::empty(502),
    ));

    docspace(&portal, &owner.key, &["invite", "ann@example.com"]).code(75);
    assert_eq!(
        lines(&crate::changes(&portal)),
        ["POST /api/2.0/people/invite"]
    );
}

/// Broken answers, each ending in one line, the right exit code, and no panic.
#[test]
fn broken_answers_end_in_a_clear_line_and_the_right_code() {
    let big = {
        let mut body = br#"{"response":{"id":""#.to_vec();
        body.resize(17 * 1024 * 1024, b'a');
        body
    };
    let cases: Vec<(&str, Reply, i32, &str)> = vec![
        ("empty 200", Reply::json(200, ""), 76, "not DocSpace JSON: it is empty"),
        ("empty 500", Reply::empty(500), 69, "HTTP 500 without a message"),
        ("truncated JSON", Reply::json(200, r#"{"response":{"id":"#), 76, "not DocSpace JSON"),
        ("not UTF-8", Reply::Status { code: 200, headers: vec![], body: vec![0xff, 0xfe, b'{', 0x80] }, 76, "not DocSpace JSON"),
        ("wrong shape", Reply::json(200, r#"{"response":"a string","count":1,"status":0,"statusCode":200}"#), 76, "does not have the expected shape"),
        ("validation problem in a 200", Reply::json(200, r#"{"response":{"title":"One or more validation errors occurred.","status":400,"errors":{"Email":["bad"]}},"count":1,"status":1,"statusCode":400}"#), 65, "One or more validation errors occurred. Email: bad (HTTP 400)"),
        ("pre-3.7 validation body", Reply::json(400, r#"{"response":{"title":"One or more validation errors occurred.","status":400,"errors":{"":["x"]}},"count":1,"status":0,"statusCode":200}"#), 65, "One or more validation errors occurred. x (HTTP 400)"),
        ("html 200 from a proxy", Reply::Status { code: 200, headers: vec![], body: b"<!DOCTYPE html><title>Sign in</title>".to_vec() }, 76, "'<!DOCTYPE html><title>Sign in</title>'"),
        ("over the size cap", Reply::Status { code: 200, headers: vec![], body: big }, 76, "larger than 16 MiB"),
        ("closed mid-body", Reply::Raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"response\":".to_vec()), 75, "broke off"),
        ("garbage instead of HTTP", Reply::Raw(b"SSH-2.0-OpenSSH_9.2\r\n".to_vec()), 76, "not valid HTTP"),
    ];
    for (name, reply, code, says) in cases {
        let portal = Portal::start();
        let owner = portal.owner();
        portal.inject(fault("", "/api/", 1, reply));

        let run = docspace(&portal, &owner.key, &["whoami", "--retries", "0"]);

        assert_eq!(run.code, code, "{name}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{name}: {}", run.stderr);
        assert_eq!(
            run.stderr.lines().count(),
            1,
            "{name}: one line: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{name}");
    }
}

#[test]
fn echoes_of_the_credential_are_redacted() {
    let portal = Portal::start();
    let owner = portal.owner();
    let echo = format!(
        r#"{{"error":{{"message":"Invalid key {} (Authorization: Bearer {})"}},"status":1,"statusCode":400}}"#,
        owner.key,
        &owner.key[..20]
    );
    portal.inject(fault("", "/api/", 1, Reply::json(400, &echo)));

    docspace(&portal, &owner.key, &["whoami"])
        .code(65)
        .stderr_has("Invalid key [redacted]")
        .never_shows(&owner.key)
        .never_shows(&owner.key[3..20]);
}

#[test]
fn plain_http_to_another_host_is_refused_unless_allowed() {
    run(
        &["whoami"],
        &[
            ("DOCSPACE_URL", "http://portal.example.com"),
            ("DOCSPACE_TOKEN", "sk-x"),
        ],
        None,
    )
    .code(78)
    .stderr_has("would send the credential unencrypted: use https://, or pass --insecure-http");

    // 0.0.0.0 is not a loopback name, but connecting to it reaches this machine.
    let portal = Portal::start();
    let url = portal.url().replace("127.0.0.1", "0.0.0.0");
    let key = portal.owner().key;
    run(
        &["whoami"],
        &[("DOCSPACE_URL", &url), ("DOCSPACE_TOKEN", &key)],
        None,
    )
    .code(78);
    run(
        &["whoami", "--insecure-http"],
        &[("DOCSPACE_URL", &url), ("DOCSPACE_TOKEN", &key)],
        None,
    )
    .code(0);
}

#[test]
fn a_token_from_the_systemd_credentials_directory_is_used_last() {
    let portal = Portal::start();
    let owner = portal.owner();
    let dir = std::env::temp_dir().join(format!("docspace-people-creds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("docspace-token");
    std::fs::write(&file, &owner.key).unwrap();
    // With an ACL for the service's user, systemd's credential shows the ACL mask as
    // group bits; systemd, not the mode, decides who may read the directory.
    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o440)).unwrap();
    let url = portal.url();

    run(
        &["whoami"],
        &[
            ("DOCSPACE_URL", &url),
            ("CREDENTIALS_DIRECTORY", dir.to_str().unwrap()),
        ],
        None,
    )
    .code(0)
    .stdout_has("owner@example.com");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_short_link_that_leads_to_another_host_is_refused_without_sending_the_credential() {
    let portal = Portal::start();
    let owner = portal.owner();
    let rita = portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray");
    let guest = portal.add_guest_of(&owner.id, "gina@example.com", "Gina", "Guest");
    let link = portal.share_link(&guest, &owner.id);
    let elsewhere =
        "http://127.0.0.2:9/confirm/GuestShareLink?type=GuestShareLink&key=1.A&encemail=x&uid=y";
    portal.inject(fault(
        "GET",
        "/s/",
        1,
        Reply::Status {
            code: 302,
            headers: vec![("Location".into(), elsewhere.into())],
            body: vec![],
        },
    ));

    docspace(&portal, &rita.key, &["guest", "approve", &link])
        .code(76)
        .stderr_has("the short link leads away from the portal; refused");
    // Besides the short link, only the portal's own name was asked (of the portal),
    // once: for the lock, before anything else.
    let sent = portal.requests();
    assert_eq!(
        lines(&sent),
        [
            format!("GET {SELF}"),
            format!("GET {}", &link[portal.url().len()..]),
        ]
    );
    assert_eq!(sent[1].header("authorization"), None);
}

#[test]
fn guest_cycle_stops_at_a_failed_approval_and_names_the_state() {
    let portal = Portal::start();
    let owner = portal.owner();
    let rita = portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray");
    let guest = portal.add_guest_of(&owner.id, "gina@example.com", "Gina", "Guest");
    let link = portal.share_link(&guest, &owner.id);
    portal.inject(fault(
        "POST",
        "/api/2.0/people/guests/share/approve",
        1,
        Reply::empty(503),
    ));

    docspace(&portal, &rita.key, &["guest-cycle", &link])
        .code(75)
        .stderr_has("guest-cycle stopped at step 'approve'")
        .stderr_has("the guest is not approved");
    assert!(
        !lines(&portal.api_requests())
            .iter()
            .any(|l| l.starts_with("DELETE"))
    );
}

#[test]
fn one_failed_user_does_not_stop_the_others_and_the_summary_counts_both() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    let bob = crate::terminated_member(&portal, "bob@example.com", "Bob", "Ray");

    docspace(&portal, &owner.key, &["user", "delete", &ann.id, &bob.id])
        .code(1)
        .stdout_has(&format!("deleted {} Bob Ray <bob@example.com>", bob.id))
        .stdout_has("deleted 1, failed 1")
        .stderr_has(&format!(
            "delete {} Ann Lee <ann@example.com>: not terminated (active), skipped",
            ann.id
        ));
    assert!(portal.user(&bob.id).unwrap().removed);
    assert!(!portal.user(&ann.id).unwrap().removed);
}

#[test]
fn tls_is_verified_and_a_private_ca_file_is_trusted() {
    let portal = Portal::start_tls();
    let owner = portal.owner();
    let url = portal.url();
    let ca = portal.ca_file();
    let env = [
        ("DOCSPACE_URL", url.as_str()),
        ("DOCSPACE_TOKEN", owner.key.as_str()),
    ];

    run(&["whoami", "--retries", "0"], &env, None)
        .code(69)
        .stderr_has("TLS failed");
    run(
        &[
            "lifecycle",
            "--email",
            "ann@example.com",
            "--first-name",
            "Ann",
            "--ca-file",
            ca.to_str().unwrap(),
        ],
        &env,
        None,
    )
    .code(0)
    .stdout_has("deleted ");
    assert_eq!(
        portal.connections(),
        2,
        "the refused handshake, then one connection for all four requests"
    );

    let empty = std::env::temp_dir().join(format!("empty-ca-{}.pem", std::process::id()));
    std::fs::write(&empty, "not a certificate\n").unwrap();
    run(
        &["whoami", "--ca-file", empty.to_str().unwrap()],
        &env,
        None,
    )
    .code(78)
    .stderr_has("holds no PEM certificate");
    std::fs::remove_file(&empty).unwrap();
    run(&["whoami", "--ca-file", "/nonexistent/ca.pem"], &env, None)
        .code(78)
        .stderr_has("cannot read the CA file /nonexistent/ca.pem");
}

#[test]
fn a_lost_create_answer_never_makes_lifecycle_delete_an_account_that_was_there_before() {
    let portal = Portal::start();
    let owner = portal.owner();
    let old = portal.add_member(Kind::User, "john.doe@example.com", "John", "Doe");
    portal.inject(fault("POST", "/api/2.0/people", 1, Reply::LoseAnswer));

    docspace(
        &portal,
        &owner.key,
        &[
            "lifecycle",
            "--email",
            "john.doe@example.com",
            "--first-name",
            "John",
            "--last-name",
            "Doe",
        ],
    )
    .code(75)
    .stderr_has("does not look like the one this request would have made")
    .stderr_has("whether the user was created is not known");
    let sent = lines(&crate::changes(&portal));
    assert_eq!(sent, ["POST /api/2.0/people"], "nothing after the create");
    let after = portal.user(&old.id).unwrap();
    assert_eq!((after.status, after.removed), (Status::Active, false));
}

#[test]
fn a_404_from_the_web_server_is_not_a_missing_user() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    let problem = r#"{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5","title":"Not Found","status":404}"#;
    portal.inject(fault(
        "GET",
        "/api/2.0/people/email",
        1,
        Reply::json(404, problem),
    ));

    docspace(
        &portal,
        &owner.key,
        &["user", "delete", "--terminate", "ann@example.com"],
    )
    .code(76)
    .stderr_has("'Not Found', from the web server rather than DocSpace");
    assert!(crate::changes(&portal).is_empty());
    assert_eq!(portal.user(&ann.id).unwrap().status, Status::Active);
}

#[test]
fn an_absurd_retry_after_date_is_survived() {
    let portal = Portal::start();
    portal.inject(fault(
        "GET",
        SELF,
        1,
        with_retry_after(429, "Sun, 06 Nov 300000000000 08:49:37 GMT"),
    ));

    docspace(&portal, &portal.owner().key, &["whoami", "--retries", "0"])
        .code(75)
        .stderr_has("HTTP 429");
}

#[test]
fn a_repeated_change_whose_first_answer_was_lost_is_not_reported_as_refused() {
    let portal = Portal::start();
    let rita = portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray");
    let guest = portal.add_guest_of(&rita.id, "gina@example.com", "Gina", "Guest");
    portal.inject(fault(
        "DELETE",
        "/api/2.0/people/guests",
        1,
        Reply::LoseAnswer,
    ));

    docspace(&portal, &rita.key, &["guest", "delete", &guest])
        .code(75)
        .stderr_has("the answer was lost")
        .stderr_has("the first attempt may have been carried out");
    assert!(
        portal.relations_of(&rita.id).is_empty(),
        "the first attempt did unlink"
    );
}

#[test]
fn an_account_the_bulk_delete_silently_keeps_is_reported_not_deleted() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = crate::terminated_member(&portal, "ann@example.com", "Ann", "Lee");
    // What the portal answers for an LDAP account: nothing deleted, nothing said.
    let kept = r#"{"response":[],"count":1,"links":[],"status":0,"statusCode":200}"#;
    portal.inject(fault(
        "PUT",
        "/api/2.0/people/delete",
        1,
        Reply::json(200, kept),
    ));

    docspace(&portal, &owner.key, &["user", "delete", &ann.id])
        .code(65)
        .stderr_has("the portal left this account in place");
}

#[test]
fn unknown_users_in_a_batch_are_named_as_not_found() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    let ghost = "00000000-0000-4000-8000-00000000beef";

    docspace(&portal, &owner.key, &["user", "terminate", &ann.id, ghost])
        .code(1)
        .stdout_has(&format!("terminated {}", ann.id))
        .stderr_has(&format!(
            "terminate {ghost}: The user could not be found (HTTP 404)"
        ));
    docspace(&portal, &owner.key, &["user", "activate", ghost]).code(67);
}

#[test]
fn inviting_an_address_already_invited_sends_nothing() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.add_pending("pending@example.com");

    docspace(&portal, &owner.key, &["invite", "pending@example.com"])
        .code(0)
        .stdout_has("invited before, no invitation sent ")
        .stderr_has("run 'docspace-people invite resend pending@example.com'");
    assert!(crate::changes(&portal).is_empty());
}
