//! One run of the release binary against a portal, timed: what the benchmarks at a
//! distance share.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a timed run gives back.
pub struct Timed {
    pub wall: Duration,
    /// Empty on exit 0; else `  exit N: <its last line on stderr>`, to print after the
    /// figures.
    pub status: String,
}

/// Runs `docspace-people -q ARGS` against `url` with `key`, `stdin` fed to it, in a
/// state directory of its own (removed afterwards) named after `name`.
pub fn run(name: &str, args: &[String], url: &str, key: &str, stdin: &[u8]) -> Timed {
    let state = state_dir(name);
    let _ = std::fs::remove_dir_all(&state);
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_docspace-people"))
        .arg("-q")
        .args(args)
        .env_clear()
        .env("DOCSPACE_URL", url)
        .env("DOCSPACE_TOKEN", key)
        .env("XDG_STATE_HOME", &state)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut pipe = child.stdin.take().expect("piped");
    pipe.write_all(stdin).expect("the input is written");
    drop(pipe);
    let output = child.wait_with_output().expect("the binary ends");
    let wall = started.elapsed();
    let _ = std::fs::remove_dir_all(&state);
    let status = match output.status.code() {
        Some(0) => String::new(),
        code => format!(
            "  exit {code:?}: {}",
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ),
    };
    Timed { wall, status }
}

fn state_dir(name: &str) -> PathBuf {
    let slug: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    std::env::temp_dir().join(format!(
        "docspace-people-bench-{}-{slug}",
        std::process::id()
    ))
}
