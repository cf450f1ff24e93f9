//! Dry runs say what the real run does (issue 21, item 13): the same look-ups and the
//! same skips, the plan even under `-q`, and `nothing selected` for a selection of nobody.

use crate::portal::{Kind, Portal, Status};
use crate::{changes, docspace};
use serde_json::json;

/// The outcome of each user of a `--json` bulk report.
fn outcomes(report: &serde_json::Value) -> Vec<(String, String)> {
    report
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|r| {
            (
                r["email"].as_str().unwrap().to_owned(),
                r["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// `-q` silences the summary, never a dry run's plan: the requests and the users.
#[test]
fn a_quiet_dry_run_still_prints_the_plan() {
    let portal = Portal::start();
    let key = portal.owner().key;
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    let bob = portal.add_member(Kind::User, "bob@example.com", "Bob", "Ray");
    let terminate = ["-q", "user", "terminate", &ann.id, "bob@example.com"];

    let mut dry = terminate.to_vec();
    dry.push("--dry-run");
    docspace(&portal, &key, &dry)
        .code(0)
        .stderr_empty()
        .stdout_is(&format!(
            "would send PUT /api/2.0/people/status/Terminated {}\n\
             would terminate {} Ann Lee <ann@example.com>\n\
             would terminate {} Bob Ray <bob@example.com>\n",
            json!({"resendAll": false, "userIds": [ann.id, bob.id]}),
            ann.id,
            bob.id
        ));

    // With --json the plan is the results (the requests go to stderr).
    dry.push("--json");
    let run = docspace(&portal, &key, &dry);
    run.code(0)
        .stderr_has("docspace-people: would send PUT /api/2.0/people/status/Terminated");
    assert_eq!(
        outcomes(&run.json()),
        [
            ("ann@example.com".to_owned(), "would terminate".to_owned()),
            ("bob@example.com".to_owned(), "would terminate".to_owned()),
        ]
    );
    assert!(changes(&portal).is_empty());

    // The real run under -q prints nothing when everything is done.
    docspace(&portal, &key, &terminate)
        .code(0)
        .stdout_is("")
        .stderr_empty();
    assert_eq!(portal.user(&ann.id).unwrap().status, Status::Terminated);
}
