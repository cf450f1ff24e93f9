//! The real binary against the stand-in portal: each test sets up portal state, runs one
//! command, and checks the exit code, the output, the requests sent and the state left.
// Test and example code: its public items are not an API.
#![allow(missing_docs)]

mod portal;

mod admin_tasks;
mod at_distance;
mod bulk;
mod causes;
mod dry_runs;
mod errors;
mod faults;
mod formats;
mod groups;
mod guests;
mod handover;
mod holdings;
mod journal;
mod listing;
mod net;
mod offboarding;
mod one_table;
mod output;
mod people;
mod profiles;
mod read_ahead;
mod real_portals;
mod recipes;
mod selection;
mod sequences;
mod sync;
mod terminal;
mod truthful;

use portal::{Logged, Portal};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// What one run of the binary did.
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// Asserts the exit code, showing the output when it is not the expected one.
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code, expected,
            "exit code\n--- stdout\n{}--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stdout_has(&self, text: &str) -> &Self {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}:\n{}",
            self.stdout
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(&self, text: &str) -> &Self {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}:\n{}",
            self.stderr
        );
        self
    }

    /// Asserts the whole of stdout, so that an extra, missing or repeated line fails.
    #[track_caller]
    pub fn stdout_is(&self, expected: &str) -> &Self {
        assert_eq!(self.stdout, expected, "stdout\n--- stderr\n{}", self.stderr);
        self
    }

    /// Asserts the whole of stderr, so that an extra, missing or repeated line fails.
    #[track_caller]
    pub fn stderr_is(&self, expected: &str) -> &Self {
        assert_eq!(self.stderr, expected, "stderr\n--- stdout\n{}", self.stdout);
        self
    }

    #[track_caller]
    pub fn stderr_empty(&self) -> &Self {
        assert_eq!(self.stderr, "", "stderr should be empty");
        self
    }

    #[track_caller]
    pub fn never_shows(&self, secret: &str) -> &Self {
        assert!(!self.stdout.contains(secret), "secret on stdout");
        assert!(!self.stderr.contains(secret), "secret on stderr");
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// Runs `docspace-people ARGS` against `portal` with `key` as the credential.
pub fn docspace(portal: &Portal, key: &str, args: &[&str]) -> Outcome {
    docspace_fed(portal, key, args, None)
}

/// [`docspace`], with `stdin` as its standard input.
pub fn with_stdin(portal: &Portal, key: &str, args: &[&str], stdin: &str) -> Outcome {
    docspace_fed(portal, key, args, Some(stdin))
}

fn docspace_fed(portal: &Portal, key: &str, args: &[&str], stdin: Option<&str>) -> Outcome {
    let url = portal.url();
    let state = state_home(portal);
    run(
        args,
        &[
            ("DOCSPACE_URL", url.as_str()),
            ("DOCSPACE_TOKEN", key),
            (
                "XDG_STATE_HOME",
                state.to_str().expect("a UTF-8 temporary directory"),
            ),
        ],
        stdin,
    )
}

/// Starts `docspace-people ARGS` against `portal` as its owner, as [`docspace`] runs it,
/// without waiting for it: a run a test keeps going while it runs another.
pub fn spawn(portal: &Portal, args: &[&str]) -> std::process::Child {
    spawn_at(portal, &portal.url(), args)
}

/// [`spawn`], with the portal called at `url` (another address of the same portal).
pub fn spawn_at(portal: &Portal, url: &str, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_docspace-people"))
        .args(args)
        .env_clear()
        .env("DOCSPACE_URL", url)
        .env("DOCSPACE_TOKEN", portal.owner().key)
        .env("XDG_STATE_HOME", state_home(portal))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts")
}

/// Holds the first `PUT /people/delete` until the test opens the gate.
pub fn hold_the_first_delete(portal: &Portal) -> portal::Gate {
    let gate = portal::Gate::new();
    portal.inject(portal::Fault {
        method: "PUT",
        path_prefix: "/api/2.0/people/delete".to_owned(),
        times: 1,
        reply: portal::Reply::Hold(gate.clone()),
    });
    gate
}

/// Waits until `done` holds, failing the test with `what` after 60 s: for a state a
/// process or a held request brings about, without a clock in the test.
#[track_caller]
pub fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "{what}");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Runs `docspace-people ARGS` as the owner until the portal holds its first `method`
/// request to `path`, kills it (SIGKILL) there, then lets the portal carry that request
/// out: a run killed while its change was on the way, whose answer it never read.
pub fn killed_while_sending(portal: &Portal, method: &'static str, path: &str, args: &[&str]) {
    let gate = portal::Gate::new();
    portal.inject(portal::Fault {
        method,
        path_prefix: path.to_owned(),
        times: 1,
        reply: portal::Reply::Hold(gate.clone()),
    });
    let mut child = spawn(portal, args);
    wait_until("the change was never sent", || {
        portal
            .requests()
            .iter()
            .any(|r| r.method == method && r.path.starts_with(path))
    });
    child.kill().expect("SIGKILL");
    child.wait().expect("ended");
    gate.open();
}

/// Waits until the portal has received a `PUT /people/delete`.
pub fn wait_for_a_delete(portal: &Portal) {
    wait_until("the delete was never sent", || {
        lines(&changes(portal)).contains(&"PUT /api/2.0/people/delete".to_owned())
    });
}

/// The state directory (journal and locks) of the runs against `portal`: its own, so
/// that re-runs against one portal share a journal and tests never share one.
pub fn state_home(portal: &Portal) -> std::path::PathBuf {
    portal.state_dir()
}

/// A state directory no other run uses.
fn fresh_state_home() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir()
        .join(format!("docspace-people-tests-{}", std::process::id()))
        .join(format!("run-{}", NEXT.fetch_add(1, Ordering::SeqCst)))
}

/// Runs the binary with only the given environment and standard input.
pub fn run(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Outcome {
    let state = fresh_state_home();
    let has_state = env
        .iter()
        .any(|(name, _)| ["XDG_STATE_HOME", "HOME", "STATE_DIRECTORY"].contains(name));
    let mut child = Command::new(env!("CARGO_BIN_EXE_docspace-people"))
        .args(args)
        .env_clear()
        .envs((!has_state).then_some(("XDG_STATE_HOME", state.as_os_str())))
        .envs(env.iter().copied())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        pipe.write_all(text.as_bytes())
            .expect("stdin accepts the input");
    }
    finish(child)
}

/// However the binary misbehaves, a test ends: a run that has not finished after this
/// long is killed and the test fails, rather than hanging the suite.
const DEADLINE: std::time::Duration = std::time::Duration::from_secs(120);

/// Waits for the binary, at most [`DEADLINE`], and collects its output.
pub fn finish(mut child: std::process::Child) -> Outcome {
    use std::io::Read;
    fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    }
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the binary can be waited for") {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = stderr.join().unwrap_or_default();
            panic!(
                "the binary did not finish within {} s; stderr:\n{}",
                DEADLINE.as_secs(),
                String::from_utf8_lossy(&stderr)
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    Outcome {
        code: status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8(stdout.join().expect("stdout is read")).expect("stdout is UTF-8"),
        stderr: String::from_utf8(stderr.join().expect("stderr is read")).expect("stderr is UTF-8"),
    }
}

/// Whether this machine lets a test give the binary files of its own in /etc
/// ([`run_with_files`]: `unshare --mount`, which needs root). When it does not, the test
/// (`needs` names it) is skipped with a note, or fails where the sandbox is required
/// (`DOCSPACE_PEOPLE_REQUIRE_SANDBOX`, as `.ci/run` sets it).
pub fn sandbox(needs: &str) -> bool {
    static USABLE: OnceLock<bool> = OnceLock::new();
    let usable = *USABLE.get_or_init(|| {
        Command::new("unshare")
            .args(["--mount", "true"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if !usable {
        assert!(
            std::env::var_os("DOCSPACE_PEOPLE_REQUIRE_SANDBOX").is_none(),
            "DOCSPACE_PEOPLE_REQUIRE_SANDBOX is set, but 'unshare --mount' fails (it needs root)"
        );
        eprintln!("skipped: {needs} need 'unshare --mount', which needs root");
    }
    usable
}

/// Runs the binary with only `env`, in a mount namespace of its own where each file is
/// bound over the path given with it (`/etc/resolv.conf`, `/etc/passwd`); the rest of the
/// machine sees its own files. Only where [`sandbox`] says it can.
pub fn run_with_files(files: &[(&Path, &str)], args: &[&str], env: &[(&str, &str)]) -> Outcome {
    let script = r#"while [ "$1" != -- ]; do mount --bind "$1" "$2" || exit 125; shift 2; done; shift; exec "$@""#;
    let mut command = Command::new("unshare");
    command.args(["--mount", "--", "sh", "-c", script, "sh"]);
    for (file, over) in files {
        command.arg(file).arg(over);
    }
    let output = command
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_docspace-people"))
        .args(args)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("unshare runs");
    Outcome {
        code: output
            .status
            .code()
            .expect("exited, not killed by a signal"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// `n` seeded users (`Portal::seed_users`), terminated: leavers to delete.
pub fn terminated(portal: &Portal, n: usize) -> Vec<String> {
    let ids = portal.seed_users(n);
    for id in &ids {
        portal.set_status(id, portal::Status::Terminated);
    }
    ids
}

/// A plain user the portal already has, terminated: the usual thing to delete.
pub fn terminated_member(portal: &Portal, email: &str, first: &str, last: &str) -> portal::Account {
    let account = portal.add_member(portal::Kind::User, email, first, last);
    portal.set_status(&account.id, portal::Status::Terminated);
    account
}

/// The API requests the portal received that could change something.
pub fn changes(portal: &Portal) -> Vec<Logged> {
    portal
        .api_requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect()
}

/// `METHOD PATH` of each request, for compact assertions on what was sent.
pub fn lines(requests: &[Logged]) -> Vec<String> {
    requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

/// A request's body as JSON.
pub fn body(request: &Logged) -> serde_json::Value {
    serde_json::from_str(&request.body).unwrap_or_else(|e| {
        panic!(
            "body of {} {} is not JSON ({e})",
            request.method, request.path
        )
    })
}

/// The journal of the runs against `portal`.
pub fn journal_path(portal: &Portal) -> std::path::PathBuf {
    state_home(portal).join("docspace-people/journal.jsonl")
}

/// How many lines the journal of the runs against `portal` has: where the lines of the
/// next run will start.
pub fn journal_len(portal: &Portal) -> usize {
    std::fs::read_to_string(journal_path(portal)).map_or(0, |text| text.lines().count())
}

/// Dates the journal's lines from `from` on `days` days ago, as if the runs that wrote
/// them had been made then: the journal's times are when this tool terminated or
/// reactivated a user, so retention can be tested without waiting.
pub fn backdate_journal(portal: &Portal, from: usize, days: u64) {
    let path = journal_path(portal);
    let text = std::fs::read_to_string(&path).expect("the journal exists");
    let then = seconds_now() - days * 86_400;
    let time = format!(
        "{}T{:02}:{:02}:{:02}Z",
        utc_day(then),
        then % 86_400 / 3600,
        then % 3600 / 60,
        then % 60
    );
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    assert!(from < lines.len(), "no journal line from {from} on");
    for line in &mut lines[from..] {
        let mut entry: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        entry["time"] = time.clone().into();
        *line = entry.to_string();
    }
    std::fs::write(&path, lines.join("\n") + "\n").expect("the journal is written");
}

fn seconds_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

/// The day `days` days ago, as `YYYY-MM-DD` (UTC).
pub fn portal_day_ago(days: u64) -> String {
    utc_day(seconds_now() - days * 86_400)
}

/// The day of `secs` seconds after 1970, as `YYYY-MM-DD` (UTC).
fn utc_day(secs: u64) -> String {
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
