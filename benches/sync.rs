//! `sync` planning a roster of 10 000 people against a portal of 10 000 users: the
//! stand-in portal of the tests, on loopback and behind the relay of `relay.rs` at a
//! real portal's distance (50 ms unless told). Prints, for each, the requests the
//! portal saw (the listing's pages among them), the wall time of the dry run, and the
//! local time (wall time less what the requests took one after another). Asserts
//! nothing about time.
//!
//! ```text
//! cargo bench --bench sync                           # 10 000 people, 50 ms
//! cargo bench --bench sync -- --users 2000 --rtt 20
//! ```
// Test and example code: its public items are not an API.
#![allow(missing_docs)]
// `cargo clippy --all-targets` checks this bench with cfg(test) but without the test
// harness: the portal's self-tests are compiled without their #[test] functions.
#![cfg_attr(test, allow(unused_imports, dead_code))]

#[path = "../tests/cli/portal/mod.rs"]
mod portal;
mod relay;
mod timed;

use portal::Portal;
use relay::Relay;
use std::time::Duration;

fn main() {
    let mut users: usize = 10_000;
    let mut rtt_ms = 50;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--users" => users = args.next().and_then(|v| v.parse().ok()).expect("--users N"),
            "--rtt" => rtt_ms = args.next().and_then(|v| v.parse().ok()).expect("--rtt MS"),
            // `cargo bench` passes --bench.
            _ => {}
        }
    }
    let portal = Portal::start();
    portal.seed_users(users.saturating_sub(1));
    let roster = roster(&portal);
    println!(
        "sync --dry-run: a roster of {users} people against a portal of {users} users, 1 % of them changed"
    );
    println!(
        "{:<22} {:>8} {:>6} {:>6} {:>9} {:>9}",
        "portal", "requests", "pages", "conns", "wall", "local"
    );
    run("loopback", &portal, &portal.url(), &roster, Duration::ZERO);
    let upstream = portal
        .url()
        .trim_start_matches("http://")
        .parse()
        .expect("the stand-in's address");
    let rtt = Duration::from_millis(rtt_ms);
    let relay = Relay::start(upstream, rtt);
    run(
        &format!("{rtt_ms} ms away"),
        &portal,
        &relay.url(),
        &roster,
        rtt,
    );
}

/// Every account of the portal as a roster row, one in a hundred with another first
/// name (a name only its person can change: listed, nothing sent) or a new type.
fn roster(portal: &Portal) -> String {
    let mut text = String::from("email,firstName,lastName,type\n");
    for (n, user) in portal.users().iter().enumerate() {
        let (first, kind) = match n % 100 {
            50 => ("Changed", ""),
            99 => (user.first_name.as_str(), "room-admin"),
            _ => (user.first_name.as_str(), ""),
        };
        text.push_str(&format!(
            "{},{first},{},{kind}\n",
            user.email, user.last_name
        ));
    }
    text
}

fn run(name: &str, portal: &Portal, url: &str, roster: &str, rtt: Duration) {
    portal.clear_log();
    let connections = portal.connections();
    let args: Vec<String> = ["sync", "--from", "-", "--dry-run"]
        .map(str::to_owned)
        .to_vec();
    let timed = timed::run(name, &args, url, &portal.owner().key, roster.as_bytes());
    let wall = timed.wall;
    let requests = portal.api_requests();
    let pages = requests
        .iter()
        .filter(|r| r.path.starts_with("/api/2.0/people/filter"))
        .count();
    let local = wall.saturating_sub(rtt * requests.len() as u32);
    println!(
        "{:<22} {:>8} {:>6} {:>6} {:>8.2}s {:>8.2}s{status}",
        name,
        requests.len(),
        pages,
        portal.connections() - connections,
        wall.as_secs_f64(),
        local.as_secs_f64(),
        status = timed.status,
    );
}
