//! The way to the portal: TLS, and what a middlebox does to an answer. Each failure is
//! named for what it is, with the exit code that says whether to fix or wait.

use crate::docspace;
use crate::portal::{Fault, Portal, Reply};

// ---------------------------------------------------------------------------------------
// TLS, and answers a middlebox mangles.

#[test]
fn an_unknown_certificate_authority_hints_at_the_ca_file() {
    let portal = Portal::start_tls();
    let run = docspace(&portal, &portal.owner().key, &["whoami", "--retries", "0"]);
    run.code(69)
        .stderr_has(
            "TLS failed: the portal's certificate is not signed by a publicly trusted authority",
        )
        .stderr_has("pass that authority's certificate with --ca-file PATH");
    assert!(
        !run.stderr.contains("check that the portal is up"),
        "{}",
        run.stderr
    );
}

/// The first bytes of a gzip stream (RFC 1952), then what no decoder would accept.
const GZIP: &[u8] =
    b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xab\x56\x2a\x4a\x2d\x2e\xc8\xcf\x2b\x4e";

#[test]
fn an_unasked_gzip_answer_is_named_not_quoted() {
    let gzip = |code| Reply::Status {
        code,
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("Content-Encoding".into(), "gzip".into()),
        ],
        body: GZIP.to_vec(),
    };
    let portal = Portal::start();
    let owner = portal.owner();
    portal.inject(Fault {
        method: "",
        path_prefix: "/api/".into(),
        times: 1,
        reply: gzip(200),
    });
    let run = docspace(&portal, &owner.key, &["whoami", "--retries", "0"]);
    run.code(76).stderr_is(
        "docspace-people: whoami: the portal answered with gzip-compressed content it was not asked for\n",
    );
    assert_eq!(
        portal.requests()[0].header("accept-encoding"),
        None,
        "none was asked for"
    );

    portal.inject(Fault {
        method: "",
        path_prefix: "/api/".into(),
        times: 1,
        reply: gzip(502),
    });
    docspace(&portal, &owner.key, &["whoami", "--retries", "0"])
        .code(75)
        .stderr_has("whoami: HTTP 502: the body is gzip-compressed, which was not asked for");
}

#[test]
fn a_retry_after_too_large_for_any_clock_fails_at_once() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.inject(Fault {
        method: "GET",
        path_prefix: "/api/2.0/people/@self".into(),
        times: 10,
        reply: Reply::Status {
            code: 503,
            headers: vec![("Retry-After".into(), "99999999999999999999".into())],
            body: vec![],
        },
    });

    docspace(&portal, &owner.key, &["whoami"])
        .code(75)
        .stderr_is(&format!(
            "docspace-people: whoami: HTTP 503: the portal asks to wait more than {} s (Retry-After) before trying again; the portal is busy or restarting: try again later\n",
            u64::MAX
        ));
    assert_eq!(portal.api_requests().len(), 1, "not retried");
}
