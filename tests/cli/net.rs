//! The way to the portal: TLS, and what a middlebox does to an answer. Each failure is
//! named for what it is, with the exit code that says whether to fix or wait.

use crate::docspace;
use crate::portal::{Fault, Portal, Reply};

// ---------------------------------------------------------------------------------------
// TLS, and answers a middlebox mangles.

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
