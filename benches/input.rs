//! Local work on a large input file: 100 000 ids (every one twice, in two case forms)
//! read, de-duplicated and planned into terminate requests by a dry run, which sends no
//! request for ids. Prints the wall time of the whole run; asserts nothing about time.
//!
//! `cargo bench --bench input`
// Test and example code: its public items are not an API.
#![allow(missing_docs)]

use std::fmt::Write as _;
use std::process::{Command, Stdio};
use std::time::Instant;

const IDS: usize = 100_000;

fn main() {
    let mut text = String::with_capacity(IDS * 2 * 38);
    for i in 0..IDS {
        let id = format!("00000000-0000-4000-8000-{i:012x}");
        let _ = writeln!(text, "{id}");
        let _ = writeln!(text, "{}", id.to_ascii_uppercase());
    }
    let path =
        std::env::temp_dir().join(format!("docspace-people-bench-{}.txt", std::process::id()));
    std::fs::write(&path, &text).expect("the id file is written");
    let mut runs = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let output = Command::new(env!("CARGO_BIN_EXE_docspace-people"))
            .args([
                "user",
                "terminate",
                "--dry-run",
                "--no-journal",
                "--max",
                "1000000",
                "--from",
            ])
            .arg(&path)
            .env_clear()
            // Nothing listens here: a request would fail the run, so none may be sent.
            .env("DOCSPACE_URL", "http://127.0.0.1:9")
            .env("DOCSPACE_TOKEN", "sk-bench")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .expect("the binary runs");
        runs.push(started.elapsed().as_secs_f64());
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let planned = String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter(|l| l.starts_with("would terminate 00000000-"))
            .count();
        assert_eq!(planned, IDS, "every id once");
    }
    let _ = std::fs::remove_file(&path);
    runs.sort_by(f64::total_cmp);
    println!(
        "{} lines ({IDS} distinct ids) read, de-duplicated and planned: median {:.3} s (min {:.3}, max {:.3}) over {} runs",
        IDS * 2,
        runs[runs.len() / 2],
        runs[0],
        runs[runs.len() - 1],
        runs.len()
    );
}
