//! Local work on a large input file: 100 000 ids (every one twice, in two case forms)
//! read, de-duplicated and planned into activate requests by a dry run, which sends no
//! request at all: `activate` is the one bulk change that sends ids as named (the others
//! read each user first, to protect the owner and the caller). A tiny server here counts
//! any request all the same.
//! Prints the wall time of the whole run; asserts nothing about time.
//!
//! `cargo bench --bench input`
// Test and example code: its public items are not an API.
#![allow(missing_docs)]

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Instant;

const OWNER: &str = r#"{"response":{"id":"7ffe085d-0dc5-43c2-a9f2-757bd9a0afff","displayName":"Admin Owner","firstName":"Admin","lastName":"Owner","email":"owner@example.com","status":1,"activationStatus":1,"isOwner":true,"isAdmin":false},"count":1,"status":0,"statusCode":200}"#;

/// Answers every request with the owner, one request per connection, and counts them.
fn owner_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&count);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                line.clear();
            }
            counted.fetch_add(1, Ordering::SeqCst);
            let _ = write!(
                &stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{OWNER}",
                OWNER.len()
            );
        }
    });
    (url, count)
}

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
    let (url, requests) = owner_server();
    let mut runs = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let output = Command::new(env!("CARGO_BIN_EXE_docspace-people"))
            .args([
                "user",
                "activate",
                "--dry-run",
                "--no-journal",
                "--max",
                "1000000",
                "--from",
            ])
            .arg(&path)
            .env_clear()
            .env("DOCSPACE_URL", &url)
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
            .filter(|l| l.starts_with("would activate 00000000-"))
            .count();
        assert_eq!(planned, IDS, "every id once");
    }
    let _ = std::fs::remove_file(&path);
    assert_eq!(requests.load(Ordering::SeqCst), 0, "no request for the ids");
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
