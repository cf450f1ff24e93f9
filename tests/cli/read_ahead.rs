//! A listing reads each next page on a second thread while it prints the one before. Every
//! fault on that page reaches the reader as it would on any page: retried with the same
//! caps and notes, then a complete listing or the right exit code, never a hang.

use crate::docspace;
use crate::portal::{Fault, Portal, Reply};
use std::time::Duration;

const USERS: usize = 250;

fn page(from: usize) -> String {
    format!("/api/2.0/people/filter?count=100&startIndex={from}")
}

fn status(code: u16, retry_after: &str) -> Reply {
    Reply::Status {
        code,
        headers: vec![("Retry-After".to_owned(), retry_after.to_owned())],
        body: vec![],
    }
}

fn fault_on(from: usize, times: usize, reply: Reply) -> Fault {
    Fault {
        method: "GET",
        path_prefix: page(from),
        times,
        reply,
    }
}

/// How often each page was asked for, in order of the first index.
fn asked(portal: &Portal) -> Vec<(usize, usize)> {
    [0, 100, 200]
        .into_iter()
        .map(|from| {
            let n = portal
                .api_requests()
                .iter()
                .filter(|r| r.path.starts_with(&page(from)))
                .count();
            (from, n)
        })
        .collect()
}

fn list_ids(portal: &Portal, extra: &[&str]) -> crate::Outcome {
    let mut args = vec!["user", "list", "--ids", "--retries", "2"];
    args.extend_from_slice(extra);
    docspace(portal, &portal.owner().key, &args)
}

#[test]
fn a_passing_fault_on_a_page_read_ahead_is_retried_and_the_listing_is_complete() {
    let faults: [(&str, Reply); 4] = [
        ("HTTP 429", status(429, "1")),
        ("HTTP 503", status(503, "0")),
        ("reset", Reply::Close),
        ("timed out", Reply::Hang(Duration::from_secs(5))),
    ];
    for (note, reply) in faults {
        for from in [100, 200] {
            let portal = Portal::start();
            let ids = portal.seed_users(USERS);
            portal.inject(fault_on(from, 1, reply.clone()));
            let out = list_ids(&portal, &["--timeout", "1s"]);
            out.code(0);
            assert_eq!(
                out.stdout.lines().count(),
                USERS + 1,
                "{note} on page {from}"
            );
            for id in &ids {
                assert!(out.stdout.contains(id.as_str()), "{note}: {id} missing");
            }
            assert!(
                out.stderr.contains(&format!("list users from {from}"))
                    && out.stderr.contains("attempt 2 of 3"),
                "{note} on page {from}: the retry is noted:\n{}",
                out.stderr
            );
            let again: Vec<_> = asked(&portal).into_iter().map(|(_, n)| n).collect();
            let expected: Vec<usize> = [0, 100, 200]
                .into_iter()
                .map(|f| if f == from { 2 } else { 1 })
                .collect();
            assert_eq!(again, expected, "{note} on page {from}: requests per page");
        }
    }
}

#[test]
fn a_fault_that_outlasts_the_retries_on_a_page_read_ahead_ends_the_listing_with_its_code() {
    let faults: [(&str, Reply, i32); 4] = [
        ("HTTP 429", status(429, "0"), 75),
        ("HTTP 503", status(503, "0"), 75),
        ("reset", Reply::Close, 75),
        ("never answers", Reply::Hang(Duration::from_secs(30)), 75),
    ];
    for (note, reply, code) in faults {
        for from in [100, 200] {
            let portal = Portal::start();
            portal.seed_users(USERS);
            portal.inject(fault_on(from, 10, reply.clone()));
            let out = list_ids(&portal, &["--timeout", "1s"]);
            assert_eq!(out.code, code, "{note} on page {from}:\n{}", out.stderr);
            assert!(
                out.stderr.contains(&format!("list users from {from}")),
                "{note} on page {from}: the failure names the page:\n{}",
                out.stderr
            );
            // Three attempts (--retries 2) of the failing page, and nothing after it.
            let counts = asked(&portal);
            let failing = counts.iter().find(|(f, _)| *f == from).map(|(_, n)| *n);
            assert_eq!(failing, Some(3), "{note} on page {from}: {counts:?}");
            if from == 100 {
                assert_eq!(counts[2].1, 0, "{note}: no page after the failing one");
            }
        }
    }
}
