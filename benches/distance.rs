//! The bulk commands at a real portal's distance: the stand-in portal of the tests behind
//! a relay that adds a round trip (50 ms unless told) to every exchange, with N terminated
//! leavers who own nothing. Prints, for each run, the requests and connections the portal
//! saw, the wall time, and the time the same requests would take one after another
//! (requests × RTT). Asserts nothing about time.
//!
//! ```text
//! cargo bench --bench distance                       # 1 000 leavers, 50 ms
//! cargo bench --bench distance -- --users 10000 --rtt 50
//! cargo bench --bench distance -- --only delete      # runs whose name contains "delete"
//! cargo bench --bench distance -- --users 10000 --no-one   # without the --parallel 1 runs
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
use std::process::Command;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_docspace-people");

struct Bench {
    name: String,
    args: Vec<String>,
    /// The leavers' ids go to stdin.
    ids_on_stdin: bool,
}

fn main() {
    let mut users = 1_000;
    let mut rtt_ms = 50;
    let mut only = String::new();
    let mut one = true;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--users" => users = args.next().and_then(|v| v.parse().ok()).expect("--users N"),
            "--rtt" => rtt_ms = args.next().and_then(|v| v.parse().ok()).expect("--rtt MS"),
            "--only" => only = args.next().expect("--only TEXT"),
            "--no-one" => one = false,
            // `cargo bench` passes --bench.
            _ => {}
        }
    }
    let rtt = Duration::from_millis(rtt_ms);
    let parallel = help_mentions("--parallel");
    println!(
        "{users} terminated leavers owning nothing, {rtt_ms} ms round trip{}",
        if parallel {
            ""
        } else {
            " (this build has no --parallel)"
        }
    );
    println!(
        "{:<44} {:>8} {:>6} {:>9} {:>14}",
        "run", "requests", "conns", "wall", "requests × RTT"
    );
    let max = users.to_string();
    let mut benches = Vec::new();
    for workers in [None, Some("1")] {
        if workers.is_some() && !(parallel && one) {
            continue;
        }
        let extra: Vec<String> = workers
            .map(|n| vec!["--parallel".to_owned(), n.to_owned()])
            .unwrap_or_default();
        let suffix = workers
            .map(|n| format!(" --parallel {n}"))
            .unwrap_or_default();
        let with = |words: &[&str]| -> Vec<String> {
            let mut args: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            args.extend(extra.iter().cloned());
            args
        };
        benches.push(Bench {
            name: format!("user list --ids{suffix}"),
            args: with(&["user", "list", "--ids"]),
            ids_on_stdin: false,
        });
        benches.push(Bench {
            name: format!("user delete --from - --dry-run{suffix}"),
            args: with(&["user", "delete", "--from", "-", "--dry-run", "--max", &max]),
            ids_on_stdin: true,
        });
        benches.push(Bench {
            name: format!("user delete --from -{suffix}"),
            args: with(&["user", "delete", "--from", "-", "--yes", "--max", &max]),
            ids_on_stdin: true,
        });
    }
    for bench in benches.iter().filter(|b| b.name.contains(&only)) {
        run(bench, users, rtt);
    }
}

fn help_mentions(option: &str) -> bool {
    Command::new(BIN)
        .arg("--help")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(option))
}

fn run(bench: &Bench, users: usize, rtt: Duration) {
    let portal = Portal::start();
    let ids = portal.seed_users(users);
    for id in &ids {
        portal.set_status(id, portal::Status::Terminated);
    }
    let upstream = portal
        .url()
        .trim_start_matches("http://")
        .parse()
        .expect("the stand-in's address");
    let relay = Relay::start(upstream, rtt);
    portal.clear_log();
    let input = if bench.ids_on_stdin {
        ids.join("\n")
    } else {
        String::new()
    };
    let timed = timed::run(
        &bench.name,
        &bench.args,
        &relay.url(),
        &portal.owner().key,
        input.as_bytes(),
    );
    let requests = portal.api_requests().len();
    let sequential = rtt * requests as u32;
    println!(
        "{:<44} {:>8} {:>6} {:>8.1}s {:>13.1}s{status}",
        bench.name,
        requests,
        portal.connections(),
        timed.wall.as_secs_f64(),
        sequential.as_secs_f64(),
        status = timed.status,
    );
}
