use crate::portal::{Fault, Portal, Reply};
use crate::{docspace, lines, run};
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

#[test]
fn help_and_version_work_without_any_configuration() {
    run(&["--help"], &[], None)
        .code(0)
        .stdout_has("Usage: docspace-people [OPTIONS] COMMAND")
        .stdout_has(
            "77  not permitted: 401, 403 \"Access denied\" or an empty 403, a refused login",
        )
        .stderr_empty();
    run(&["user", "delete", "--help"], &[], None)
        .code(0)
        .stdout_has("delete terminated accounts for good");
    run(&["-V"], &[], None).code(0).stdout_has(concat!(
        "docspace-people ",
        env!("CARGO_PKG_VERSION"),
        " ("
    ));
}

/// The key from DOCSPACE_TOKEN, echoed back in every kind of answer the binary quotes
/// other than a DocSpace error message (faults::echoes_of_the_credential_are_redacted):
/// a proxy's error page, a redirect's Location, a 200 that is not DocSpace's and a web
/// server's problem document. The problem document cuts the key short itself; the 200 is
/// long enough that the binary's own 120-character excerpt ends 6 characters into the
/// key, which only scrubbing before cutting hides.
#[test]
fn echoes_of_the_credential_outside_a_portal_message_are_redacted() {
    let portal = Portal::start();
    let key = portal.owner().key;
    let padding = "z".repeat(110);
    let cut = &key[..20];
    let html = |code: u16, body: String| Reply::Status {
        code,
        headers: vec![("Content-Type".into(), "text/html".into())],
        body: body.into_bytes(),
    };
    let cases: Vec<(Reply, i32, String)> = vec![
        (
            html(502, format!("<html><body>upstream rejected {key}</body></html>")),
            75,
            "docspace-people: whoami: HTTP 502: '<html><body>upstream rejected [redacted]</body></html>'; the portal is busy or restarting: try again later\n".to_owned(),
        ),
        (
            Reply::Status {
                code: 302,
                headers: vec![(
                    "Location".into(),
                    format!("https://login.example.com/sso?next=%2Fapi&k={key}"),
                )],
                body: vec![],
            },
            76,
            "docspace-people: whoami: the portal answered with a redirect (302) to 'https://login.example.com/sso?next=%2Fapi&[redacted]'; redirects are not followed: check the portal address\n".to_owned(),
        ),
        (
            html(200, format!("<p>{padding} {key}</p>")),
            76,
            format!("docspace-people: whoami: the answer is not DocSpace JSON: '<p>{padding} [redac…'\n"),
        ),
        (
            Reply::json(
                401,
                &format!(r#"{{"type":"about:blank","title":"Unknown API key {cut}","status":401}}"#),
            ),
            77,
            "docspace-people: whoami: HTTP 401: 'Unknown API key [redacted]', from the web server rather than DocSpace; the portal did not accept the credential: check the API key or token (it must belong to an active account)\n".to_owned(),
        ),
    ];
    for (reply, code, stderr) in cases {
        portal.inject(Fault {
            method: "",
            path_prefix: "/api/".to_owned(),
            times: 1,
            reply,
        });

        docspace(&portal, &key, &["whoami", "--retries", "0"])
            .code(code)
            .stdout_is("")
            .stderr_is(&stderr)
            .never_shows(&key)
            .never_shows(&key[3..20]);
    }
}

#[test]
fn bad_usage_exits_64_and_sends_nothing() {
    let portal = Portal::start();
    let owner = portal.owner();
    for args in [
        &["frobnicate"][..],
        &["user", "delete", "bob"],
        &["user", "get", "not-an-email@"],
        &["user", "create", "--first-name", "Ann"],
        &["invite", "a@example.com", "--type", "guest"],
        &["whoami", "--bogus"],
    ] {
        docspace(&portal, &owner.key, args)
            .code(64)
            .stderr_has("docspace-people: ");
    }
    assert!(portal.requests().is_empty());
}

#[test]
fn a_credential_on_the_command_line_is_refused_and_not_echoed() {
    let secret = "sk-aaaabbbbccccddddeeeeffff0000111122223333444455556666777788889999";
    run(&["whoami", "--token", secret], &[], None)
        .code(64)
        .stderr_has("--token-file")
        .never_shows(secret);
}

#[test]
fn missing_address_or_credential_is_a_configuration_error() {
    let portal = Portal::start();
    run(&["whoami"], &[("DOCSPACE_TOKEN", "sk-x")], None)
        .code(78)
        .stderr_has("no portal address: pass --portal");
    run(&["whoami", "--portal", &portal.url()], &[], None)
        .code(78)
        .stderr_has("no credential");
    run(
        &["whoami"],
        &[
            ("DOCSPACE_URL", "portal.example.com"),
            ("DOCSPACE_TOKEN", "k"),
        ],
        None,
    )
    .code(78)
    .stderr_has("is not an http(s) URL");
    assert!(portal.requests().is_empty());
}

#[test]
fn the_credential_is_read_from_a_file_or_from_stdin() {
    let portal = Portal::start();
    let owner = portal.owner();
    let dir = std::env::temp_dir().join(format!("docspace-people-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("token");
    std::fs::write(&file, format!("{}\n", owner.key)).unwrap();
    let url = portal.url();
    let path = file.to_str().unwrap();
    run(
        &["whoami", "--portal", &url, "--token-file", path],
        &[],
        None,
    )
    .code(78)
    .stderr_has(&format!(
        "can be read by other users (mode 644): run 'chmod 600 {path}'"
    ));
    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();

    run(
        &[
            "whoami",
            "--portal",
            &url,
            "--token-file",
            file.to_str().unwrap(),
        ],
        &[],
        None,
    )
    .code(0)
    .stdout_has("owner@example.com");
    run(
        &["whoami", "--token-file", "-"],
        &[("DOCSPACE_URL", &url)],
        Some(&owner.key),
    )
    .code(0)
    .stdout_has("owner@example.com");
    run(
        &["whoami"],
        &[
            ("DOCSPACE_URL", &url),
            ("DOCSPACE_TOKEN_FILE", file.to_str().unwrap()),
        ],
        None,
    )
    .code(0);
    run(
        &[
            "whoami",
            "--portal",
            &url,
            "--token-file",
            dir.join("missing").to_str().unwrap(),
        ],
        &[],
        None,
    )
    .code(78)
    .stderr_has("cannot read the token file");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A key file written with Notepad starts with a UTF-8 byte order mark: the key after it
/// is the credential, from a token file, stdin or a systemd credential alike.
#[test]
fn a_byte_order_mark_before_the_key_is_dropped() {
    let portal = Portal::start();
    let owner = portal.owner();
    let dir = portal.state_dir().join("bom");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("docspace-token");
    std::fs::write(&file, format!("\u{feff}{}\r\n", owner.key)).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let url = portal.url();

    run(
        &["whoami", "--token-file", file.to_str().unwrap()],
        &[("DOCSPACE_URL", &url)],
        None,
    )
    .code(0)
    .stdout_has("owner@example.com");
    run(
        &["whoami", "--token-file", "-"],
        &[("DOCSPACE_URL", &url)],
        Some(&format!("\u{feff}{}\n", owner.key)),
    )
    .code(0)
    .stdout_has("owner@example.com");
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
    let requests = portal.api_requests();
    assert!(!requests.is_empty());
    for request in requests {
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {}", owner.key).as_str())
        );
    }
}

/// A file over 64 KiB is the wrong file, not a key: it is refused before anything is sent
/// (it was sent as a header of megabytes).
#[test]
fn a_token_file_over_64_kib_is_refused_before_anything_is_sent() {
    let portal = Portal::start();
    let dir = portal.state_dir().join("large");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("docspace-token");
    let url = portal.url();
    for size in [64 * 1024 + 1, 10 << 20] {
        std::fs::write(&file, "a".repeat(size)).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        run(
            &["whoami", "--token-file", file.to_str().unwrap()],
            &[("DOCSPACE_URL", &url)],
            None,
        )
        .code(78)
        .stderr_is(&format!(
            "docspace-people: the token file {} is too large to be a token (over 64 KiB): it should hold the API key alone\n",
            file.display()
        ));
        run(
            &["whoami"],
            &[
                ("DOCSPACE_URL", &url),
                ("CREDENTIALS_DIRECTORY", dir.to_str().unwrap()),
            ],
            None,
        )
        .code(78)
        .stderr_has("is too large to be a token (over 64 KiB)");
    }
    assert!(portal.requests().is_empty());
}

/// A directory given as the token file is named as one, whatever its mode, rather than
/// asked to be made private with chmod.
#[test]
fn a_directory_as_the_token_file_is_named_a_directory() {
    let portal = Portal::start();
    let dir = portal.state_dir().join("credentials");
    let nested = dir.join("docspace-token");
    std::fs::create_dir_all(&nested).unwrap();
    let url = portal.url();
    for mode in [0o755, 0o700] {
        std::fs::set_permissions(&nested, std::fs::Permissions::from_mode(mode)).unwrap();
        let outcome = run(
            &["whoami", "--token-file", nested.to_str().unwrap()],
            &[("DOCSPACE_URL", &url)],
            None,
        );
        outcome.code(78).stderr_is(&format!(
            "docspace-people: the token file {} is a directory: name the file that holds the API key\n",
            nested.display()
        ));
        run(
            &["whoami"],
            &[
                ("DOCSPACE_URL", &url),
                ("CREDENTIALS_DIRECTORY", dir.to_str().unwrap()),
            ],
            None,
        )
        .code(78)
        .stderr_has(&format!(
            "the credential {} is a directory",
            nested.display()
        ));
    }
    assert!(portal.requests().is_empty());
}

#[test]
fn an_unknown_key_is_not_permitted_and_never_printed() {
    let portal = Portal::start();
    let wrong = "sk-ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";

    docspace(&portal, wrong, &["user", "get", "owner@example.com"])
        .code(77)
        .stderr_has("HTTP 401 without a message")
        .stderr_has("did not accept the credential")
        .never_shows(wrong);
}

/// Failures a portal, a proxy or the network can produce, each with its documented code.
#[test]
fn every_failure_class_has_its_exit_code() {
    let json = || vec![("Content-Type".to_owned(), "application/json".to_owned())];
    let cases: Vec<(Reply, i32, &str)> = vec![
        (Reply::Status { code: 500, headers: json(), body: br#"{"error":{"message":"Object reference not set"},"status":1,"statusCode":500}"#.to_vec() }, 69, "Object reference not set (HTTP 500)"),
        (Reply::Status { code: 502, headers: vec![("Content-Type".into(), "text/html".into())], body: b"<html><body>Bad Gateway</body></html>".to_vec() }, 75, "HTTP 502: '<html><body>Bad Gateway</body></html>'"),
        (Reply::Status { code: 429, headers: vec![], body: vec![] }, 75, "try again later"),
        (Reply::Status { code: 404, headers: vec![], body: vec![] }, 76, "does not serve this DocSpace API"),
        (Reply::Status { code: 302, headers: vec![("Location".into(), "https://login.example.com/".into())], body: vec![] }, 76, "redirect (302) to 'https://login.example.com/'"),
        (Reply::Status { code: 200, headers: vec![("Content-Type".into(), "text/html".into())], body: b"<html>Maintenance</html>".to_vec() }, 76, "not DocSpace JSON: '<html>Maintenance</html>'"),
        (Reply::Status { code: 200, headers: json(), body: br#"{"error":{"message":"Access denied"},"status":1,"statusCode":403}"#.to_vec() }, 77, "Access denied (HTTP 403)"),
        (Reply::Close, 75, "broke off"),
    ];
    for (reply, code, says) in cases {
        let portal = Portal::start();
        let owner = portal.owner();
        portal.inject(Fault {
            method: "",
            path_prefix: "/api/".to_owned(),
            times: 1,
            reply,
        });

        docspace(&portal, &owner.key, &["whoami", "--retries", "0"])
            .code(code)
            .stderr_has(says);
    }
}

#[test]
fn an_http_portal_that_moved_to_https_gets_a_precise_hint() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.inject(Fault {
        method: "",
        path_prefix: "/api/".to_owned(),
        times: 1,
        reply: Reply::Status {
            code: 301,
            headers: vec![(
                "Location".into(),
                "https://127.0.0.1/api/2.0/people/@self".into(),
            )],
            body: vec![],
        },
    });

    docspace(&portal, &owner.key, &["whoami"])
        .code(76)
        .stderr_has("use https://127.0.0.1 as the portal address");
    assert_eq!(portal.requests().len(), 1, "the redirect is not followed");
}

#[test]
fn a_portal_that_is_down_is_unavailable() {
    let url = {
        let unused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", unused.local_addr().unwrap())
    };
    run(
        &["whoami"],
        &[("DOCSPACE_URL", &url), ("DOCSPACE_TOKEN", "sk-x")],
        None,
    )
    .code(69)
    .stderr_has("refused");
}

/// A read-only command whose stdout is a pipe nobody reads any more exits 0 quietly, as
/// `docspace-people user list | head -1` expects.
///
/// No read end of the pipe exists when the binary starts, so its write fails for certain
/// (`truthful::closed_pipe`):
/// the test drops its read end, then writes to the pipe itself until the kernel answers
/// EPIPE, which it does only once no process holds a read end (a child that another test
/// forks at that moment carries a copy until it execs). A read end cannot come back.
#[test]
fn a_closed_stdout_is_not_an_error() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.seed_users(3);
    let writer = crate::truthful::closed_pipe();

    let url = portal.url();
    let output = Command::new(env!("CARGO_BIN_EXE_docspace-people"))
        .args(["user", "list"])
        .env_clear()
        .env("DOCSPACE_URL", &url)
        .env("DOCSPACE_TOKEN", &owner.key)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs");

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "", "a closed stdout is not reported");
    let sent = lines(&portal.api_requests());
    assert_eq!(sent.len(), 1, "the listing was read: {sent:?}");
    assert!(
        sent[0].starts_with("GET /api/2.0/people/filter?"),
        "{sent:?}"
    );
}

#[test]
fn completions_a_shell_accepts_and_a_manual_page_without_a_portal() {
    let bash = run(&["completions", "bash"], &[], None);
    bash.code(0).stderr_empty();
    let path = std::env::temp_dir().join(format!(
        "docspace-people-completion-{}.bash",
        std::process::id()
    ));
    std::fs::write(&path, &bash.stdout).unwrap();
    let checked = Command::new("bash")
        .arg("-n")
        .arg(&path)
        .status()
        .expect("bash runs");
    assert!(checked.success(), "bash -n refuses the script");
    // Completing `docspace-people user del` offers `delete`.
    let completed = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {}; COMP_WORDS=(docspace-people user del); COMP_CWORD=2; _docspace_people; echo \"${{COMPREPLY[@]}}\"",
            path.display()
        ))
        .output()
        .expect("bash runs");
    std::fs::remove_file(&path).unwrap();
    assert_eq!(String::from_utf8_lossy(&completed.stdout).trim(), "delete");
    for shell in ["zsh", "fish"] {
        run(&["completions", shell], &[], None)
            .code(0)
            .stdout_has("user");
    }
    run(&["completions", "tcsh"], &[], None).code(64);
    run(&["manpage"], &[], None)
        .code(0)
        .stdout_has(".TH DOCSPACE-PEOPLE 1")
        .stdout_has(".SS user delete");
}

#[test]
fn a_typo_in_a_command_or_an_option_suggests_the_nearest_one() {
    run(&["user", "delet", "x@y.co"], &[], None)
        .code(64)
        .stderr_has("unknown command 'user delet'; did you mean 'user delete'?");
    run(&["whoami", "--dryrun"], &[], None)
        .code(64)
        .stderr_has("did you mean '--dry-run'?");
}
