//! What a run prints is what it did: a changing command that cannot write its report
//! stops before its next change, says what was done, and exits 74; what was done before
//! a signal is on stdout; a broken stderr never changes the exit code.

use crate::portal::{Fault, Portal, Reply};
use crate::{changes, lines};
use std::io::{ErrorKind, PipeWriter, Read, Write};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// A pipe whose reading end is closed for good: a write to it fails with a broken pipe.
///
/// Another test forking at the moment the reader is dropped may briefly hold a copy of
/// it until it execs; the probe waits until no reader is left.
pub fn closed_pipe() -> PipeWriter {
    let (reader, mut writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match writer.write(b"x") {
            Err(e) if e.kind() == ErrorKind::BrokenPipe => return writer,
            Ok(_) if Instant::now() < deadline => thread::sleep(Duration::from_millis(1)),
            other => panic!("the pipe still has a reader: {other:?}"),
        }
    }
}

/// `n` terminated users, and a file listing their ids.
fn leavers(portal: &Portal, n: usize) -> (Vec<String>, tempfile::TempPath) {
    let ids = crate::terminated(portal, n);
    let file = list_file(&ids.join("\n"));
    (ids, file)
}

mod tempfile {
    /// A file in the system's temporary directory, removed when dropped.
    pub struct TempPath(pub std::path::PathBuf);

    impl Drop for TempPath {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

fn list_file(text: &str) -> tempfile::TempPath {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "docspace-people-test-{}-{}.txt",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::write(&path, text).expect("the list is written");
    tempfile::TempPath(path)
}

fn binary(portal: &Portal, key: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_docspace-people"));
    command
        .args(args)
        .env_clear()
        .env("DOCSPACE_URL", portal.url())
        .env("DOCSPACE_TOKEN", key)
        .env("XDG_STATE_HOME", crate::state_home(portal))
        .stdin(Stdio::null());
    command
}

fn deletes(portal: &Portal) -> usize {
    lines(&changes(portal))
        .iter()
        .filter(|l| *l == "PUT /api/2.0/people/delete")
        .count()
}

fn removed(portal: &Portal, ids: &[String]) -> usize {
    ids.iter()
        .filter(|id| portal.user(id).is_some_and(|u| u.removed))
        .count()
}

#[test]
fn a_delete_whose_stdout_is_closed_stops_after_the_first_chunk_and_says_so() {
    let portal = Portal::start();
    let owner = portal.owner();
    let (ids, list) = leavers(&portal, 300);

    let output = binary(&portal, &owner.key, &["user", "delete", "--from"])
        .arg(&list.0)
        .args(["--max", "1000"])
        .stdout(closed_pipe())
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs");

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(74), "{stderr}");
    assert_eq!(
        deletes(&portal),
        1,
        "no chunk is sent after the report failed"
    );
    assert_eq!(removed(&portal, &ids), 100);
    assert_eq!(
        stderr.lines().last().unwrap_or_default(),
        "docspace-people: the results could not be written (Broken pipe (os error 32)), so the run stopped: deleted 100, not sent 200",
        "{stderr}"
    );
}

#[test]
fn a_full_disk_under_a_listing_or_a_delete_is_exit_74_with_the_reason() {
    let portal = Portal::start();
    let owner = portal.owner();
    let (ids, list) = leavers(&portal, 150);
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full")
    };

    let listing = binary(&portal, &owner.key, &["user", "list"])
        .stdout(full())
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs");
    assert_eq!(listing.status.code(), Some(74));
    assert_eq!(
        String::from_utf8_lossy(&listing.stderr),
        "docspace-people: cannot write the results: No space left on device (os error 28)\n"
    );

    let delete = binary(&portal, &owner.key, &["user", "delete", "--from"])
        .arg(&list.0)
        .args(["--max", "1000"])
        .stdout(full())
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&delete.stderr);
    assert_eq!(delete.status.code(), Some(74), "{stderr}");
    assert_eq!(removed(&portal, &ids), 100, "the second chunk is not sent");
    assert!(
        stderr.ends_with("so the run stopped: deleted 100, not sent 50\n"),
        "{stderr}"
    );
}

#[test]
fn a_broken_stderr_never_turns_a_failure_into_success() {
    let portal = Portal::start();
    let unknown = format!("sk-{}", "0".repeat(64));

    let whoami = binary(&portal, &unknown, &["whoami"])
        .stdout(Stdio::null())
        .stderr(closed_pipe())
        .status()
        .expect("the binary runs");
    assert_eq!(whoami.code(), Some(77), "a refused key stays refused");

    let owner = portal.owner();
    let ann = portal.add_member(crate::portal::Kind::User, "ann@example.com", "Ann", "Lee");
    let active = binary(&portal, &owner.key, &["user", "delete", &ann.id])
        .stdout(Stdio::null())
        .stderr(closed_pipe())
        .status()
        .expect("the binary runs");
    assert_ne!(active.code(), Some(0), "a skipped delete is not success");
}

#[test]
fn what_was_deleted_before_a_signal_is_on_stdout() {
    let portal = Portal::start();
    let owner = portal.owner();
    let (ids, list) = leavers(&portal, 300);
    let delete = |times, reply| Fault {
        method: "PUT",
        path_prefix: "/api/2.0/people/delete".to_owned(),
        times,
        reply,
    };
    portal.inject(delete(2, Reply::Pass));
    portal.inject(delete(1, Reply::Hang(Duration::from_secs(30))));

    let mut child = binary(&portal, &owner.key, &["user", "delete", "--from"])
        .arg(&list.0)
        .args(["--max", "1000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    crate::wait_until("the third chunk was never sent", || deletes(&portal) >= 3);
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .expect("piped")
        .read_to_string(&mut stdout)
        .expect("stdout is UTF-8");
    let status = child.wait().expect("the binary ends");

    assert_eq!(status.code(), None, "ended by the signal");
    assert_eq!(removed(&portal, &ids), 200);
    let reported = stdout.lines().filter(|l| l.starts_with("deleted ")).count();
    assert_eq!(reported, 200, "every deletion made is on stdout:\n{stdout}");
}
