//! The journal: an append-only JSON Lines record of every change this tool makes. The
//! intent of each step is written and synced to disk before its request goes out, and
//! each user's outcome after, so that a run killed by SIGKILL, an OOM or a power cut
//! leaves a truthful record of what may have happened.
//!
//! It is also the tool's memory: a user this tool deleted, looked for again, is `already
//! gone` rather than `not found`.

use super::args::UserRef;
use super::env::Environment;
use super::exit::Failure;
use super::report::{Recorded, Target};
use docspace_people::{Date, Request, Secret, UserId};
use serde_json::{Value, json};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The state directory: `$STATE_DIRECTORY` under systemd, else `$XDG_STATE_HOME` or
/// `~/.local/state`, with `docspace-people` below the latter two. `~` is `$HOME`, else
/// the home directory in the password database, so that a service started without
/// `HOME` still has its journal and its lock.
pub fn state_dir(env: &dyn Environment) -> Option<PathBuf> {
    if let Some(dir) = env.var("STATE_DIRECTORY") {
        // systemd may list several, separated by colons; the first is this unit's own.
        let first = dir
            .to_string_lossy()
            .split(':')
            .next()
            .unwrap_or_default()
            .to_owned();
        return Some(PathBuf::from(first));
    }
    let base = match env.var("XDG_STATE_HOME") {
        Some(dir) => PathBuf::from(dir),
        None => env
            .var("HOME")
            .map(PathBuf::from)
            .or_else(|| env.passwd_home())?
            .join(".local/state"),
    };
    Some(base.join("docspace-people"))
}

/// Creates `dir` and its parents, readable only by this user.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// The journal of one run.
pub struct Journal {
    file: File,
    path: PathBuf,
    head: Value,
    step: usize,
}

impl Journal {
    /// Opens the journal for appending (created mode 600), for a run of `command` against
    /// `portal`.
    pub fn open(path: &Path, portal: &str, command: &str) -> Result<Journal, Failure> {
        let unwritable = |e: io::Error| {
            Failure::Journal(format!(
                "the journal {} cannot be written ({e}); nothing was sent: fix it, or pass --journal PATH or --no-journal",
                path.display()
            ))
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            private_dir(dir).map_err(unwritable)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)
            .map_err(unwritable)?;
        let run = format!("{}-{}", now_seconds(), std::process::id());
        Ok(Journal {
            file,
            path: path.to_owned(),
            head: json!({
                "run": run,
                "portal": portal,
                "command": Secret::new("").scrub(command),
            }),
            step: 0,
        })
    }

    /// Appends one line; `durable` waits until it is on the disk.
    fn write(&mut self, event: &str, mut entry: Value, durable: bool) -> io::Result<()> {
        entry["time"] = Value::String(timestamp(SystemTime::now()));
        entry["event"] = Value::String(event.to_owned());
        if let (Some(entry), Some(head)) = (entry.as_object_mut(), self.head.as_object()) {
            for (key, value) in head {
                entry.insert(key.clone(), value.clone());
            }
        }
        let mut line = entry.to_string();
        line.push('\n');
        self.file.write_all(line.as_bytes())?;
        if durable {
            self.file.sync_data()?;
        }
        Ok(())
    }

    /// Records what step is about to be sent, and to whom, before it is sent, and whose
    /// key sends it (the caller, asked of the portal once a run).
    pub fn intent(
        &mut self,
        caller: UserId,
        action: &str,
        targets: &[Target],
        requests: &[Request],
    ) -> Result<(), Failure> {
        if self.head.get("caller").is_none() {
            self.head["caller"] = Value::String(caller.to_string());
        }
        self.step += 1;
        let entry = json!({
            "step": self.step,
            "action": action,
            "targets": targets.iter().map(target_json).collect::<Vec<_>>(),
            "requests": requests.iter().map(|r| format!("{} {}", r.method, r.path)).collect::<Vec<_>>(),
        });
        // On the disk before the change is sent, whatever happens to the machine then.
        self.write("intent", entry, true)
            .map_err(|e| self.failure(&e))
    }

    /// Records what became of each user of the step last announced.
    pub fn outcome(&mut self, results: Vec<Value>) -> Result<(), Failure> {
        let entry = json!({ "step": self.step, "results": results });
        // Written, not waited for (a fdatasync took a quarter of a millisecond): the
        // next intent's flushes it, and one lost to a power cut leaves its intent, which
        // `journal` shows as interrupted, never as done.
        self.write("outcome", entry, false)
            .map_err(|e| self.failure(&e))
    }

    fn failure(&self, error: &io::Error) -> Failure {
        Failure::Journal(format!(
            "the journal {} cannot be written ({error}); nothing more was sent",
            self.path.display()
        ))
    }
}

fn target_json(target: &Target) -> Value {
    json!({
        "id": target.id.map(|id| id.to_string()).unwrap_or_default(),
        "email": target.email,
    })
}

/// The entries of a journal file, oldest first; lines that are not JSON objects (a line
/// cut short by a crash) are skipped.
pub fn entries(path: &Path) -> io::Result<Vec<Value>> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut entries = Vec::new();
    for line in BufReader::new(file).lines() {
        if let Ok(entry @ Value::Object(_)) = serde_json::from_str::<Value>(&line?) {
            entries.push(entry);
        }
    }
    Ok(entries)
}

/// What the journal says this tool did on one portal, as a run needs it.
#[derive(Debug, Default, PartialEq)]
pub struct Past {
    /// The ids and (lower-case) addresses of the users this tool deleted.
    pub deleted: HashSet<String>,
    /// When this tool terminated each user (by id, lower-case), the latest time.
    pub terminations: HashMap<String, SystemTime>,
    /// When this tool reactivated each user (by id, lower-case), the latest time: a
    /// termination date older than that is stale.
    pub activations: HashMap<String, SystemTime>,
    /// The ids (lower-case) of the guests this tool unlinked.
    pub unlinked: HashSet<String>,
}

impl Past {
    /// Takes in the results of one outcome line of the portal, each as its
    /// `[outcome, id, email]`, and the line's `time`.
    fn record<'a>(
        &mut self,
        time: Option<&str>,
        results: impl Iterator<Item = [Option<&'a str>; 3]>,
    ) {
        let time = time.and_then(parse_timestamp);
        for [outcome, id, email] in results {
            let id = id.filter(|id| !id.is_empty());
            match outcome.and_then(Recorded::of) {
                Some(Recorded::Deleted) => {
                    let email = email.filter(|e| !e.is_empty());
                    for key in id.into_iter().chain(email) {
                        self.deleted.insert(key.to_ascii_lowercase());
                    }
                }
                Some(Recorded::Unlinked) => self.unlinked.extend(id.map(str::to_ascii_lowercase)),
                Some(Recorded::Terminated) => remember(&mut self.terminations, id, time),
                Some(Recorded::Activated) => remember(&mut self.activations, id, time),
                None => {}
            }
        }
    }

    /// Takes in one journal entry, read as a JSON value (any shape).
    fn record_entry(&mut self, entry: &Value, portal: &str) {
        if entry["event"] != "outcome" || entry["portal"] != portal {
            return;
        }
        let results = entry["results"].as_array().into_iter().flatten();
        self.record(
            entry["time"].as_str(),
            results.map(|r| [r["outcome"].as_str(), r["id"].as_str(), r["email"].as_str()]),
        );
    }
}

/// Keeps `time` as the user's latest (the journal is read oldest first).
fn remember(times: &mut HashMap<String, SystemTime>, id: Option<&str>, time: Option<SystemTime>) {
    if let (Some(id), Some(time)) = (id, time) {
        times.insert(id.to_ascii_lowercase(), time);
    }
}

/// The fields of a journal line [`past`] reads; the rest is skipped.
#[derive(serde::Deserialize)]
struct Line<'a> {
    #[serde(borrow)]
    event: Option<Cow<'a, str>>,
    #[serde(borrow)]
    portal: Option<Cow<'a, str>>,
    #[serde(borrow)]
    time: Option<Cow<'a, str>>,
    #[serde(borrow)]
    results: Option<Vec<LineResult<'a>>>,
}

#[derive(serde::Deserialize)]
struct LineResult<'a> {
    #[serde(borrow)]
    outcome: Option<Cow<'a, str>>,
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    email: Option<Cow<'a, str>>,
}

/// [`Past`] of the journal at `path`, read at the start of every changing run: a line is
/// decoded into the few fields used rather than into a JSON value, which took a bulk
/// run's start a tenth of its time once the journal held a few runs of 10 000 users. A
/// line of another shape is read as a value.
pub fn past(path: &Path, portal: &str) -> io::Result<Past> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Past::default()),
        Err(e) => return Err(e),
    };
    let mut past = Past::default();
    for line in BufReader::new(file).lines() {
        let line = line?;
        let Ok(read) = serde_json::from_str::<Line>(&line) else {
            if let Ok(entry @ Value::Object(_)) = serde_json::from_str::<Value>(&line) {
                past.record_entry(&entry, portal);
            }
            continue;
        };
        if read.event.as_deref() == Some("outcome") && read.portal.as_deref() == Some(portal) {
            let results = read.results.iter().flatten();
            past.record(
                read.time.as_deref(),
                results.map(|r| [r.outcome.as_deref(), r.id.as_deref(), r.email.as_deref()]),
            );
        }
    }
    Ok(past)
}

/// Reads back a [`timestamp`].
fn parse_timestamp(text: &str) -> Option<SystemTime> {
    let day: Date = text.get(..10)?.parse().ok()?;
    let b = text.as_bytes();
    if b.len() != 20 || b[10] != b'T' || b[19] != b'Z' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| text.get(r)?.parse::<u64>().ok();
    let seconds = n(11..13)? * 3600 + n(14..16)? * 60 + n(17..19)?;
    day.midnight()
        .checked_add(std::time::Duration::from_secs(seconds))
}

/// What `journal` shows: each user's outcome, and the steps whose outcome was never
/// written (the run was killed while they were under way).
pub struct History {
    pub results: Vec<Value>,
    pub interrupted: Vec<Value>,
}

pub fn history(entries: &[Value], since: Option<Date>, user: Option<&UserRef>) -> History {
    let day = |entry: &Value| {
        entry["time"]
            .as_str()
            .and_then(|t| t.get(..10)?.parse::<Date>().ok())
    };
    let matches_user = |record: &Value| match user {
        None => true,
        Some(UserRef::Id(id)) => record["id"].as_str() == Some(&id.to_string()),
        Some(UserRef::Email(email)) => record["email"]
            .as_str()
            .is_some_and(|e| e.eq_ignore_ascii_case(email.as_str())),
    };
    let mut results = Vec::new();
    let mut open: Vec<&Value> = Vec::new();
    for entry in entries {
        if since.is_some_and(|since| day(entry).is_none_or(|d| d < since)) {
            continue;
        }
        let step_of = |e: &Value| (e["run"].clone(), e["step"].clone());
        match entry["event"].as_str() {
            Some("intent") => open.push(entry),
            Some("outcome") => {
                open.retain(|intent| step_of(intent) != step_of(entry));
                let action = entry_action(entries, entry);
                for result in entry["results"].as_array().into_iter().flatten() {
                    if matches_user(result) {
                        let mut record = result.clone();
                        record["time"] = entry["time"].clone();
                        record["portal"] = entry["portal"].clone();
                        record["action"] = Value::String(action.clone());
                        results.push(record);
                    }
                }
            }
            _ => {}
        }
    }
    let interrupted = open
        .into_iter()
        .filter(|intent| {
            user.is_none()
                || intent["targets"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(matches_user)
        })
        .cloned()
        .collect();
    History {
        results,
        interrupted,
    }
}

/// The action of the intent an outcome answers.
fn entry_action(entries: &[Value], outcome: &Value) -> String {
    entries
        .iter()
        .find(|e| {
            e["event"] == "intent" && e["run"] == outcome["run"] && e["step"] == outcome["step"]
        })
        .and_then(|e| e["action"].as_str())
        .unwrap_or("change")
        .to_owned()
}

fn now_seconds() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `2026-12-02T06:30:00Z`.
pub fn timestamp(time: SystemTime) -> String {
    let secs = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        Date::of(time),
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// An environment of the given variables, and of a password database that gives
    /// `passwd` as the home directory.
    struct Env {
        vars: Vec<(&'static str, &'static str)>,
        passwd: Option<&'static str>,
    }

    impl Environment for Env {
        fn var(&self, name: &str) -> Option<std::ffi::OsString> {
            self.vars
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.into())
        }

        fn passwd_home(&self) -> Option<PathBuf> {
            self.passwd.map(PathBuf::from)
        }
    }

    #[test]
    fn the_state_directory_falls_back_to_the_home_in_the_password_database() {
        let dir = |vars: &[(&'static str, &'static str)], passwd| {
            state_dir(&Env {
                vars: vars.to_vec(),
                passwd,
            })
        };
        let all = [
            ("STATE_DIRECTORY", "/var/lib/dp:/var/lib/other"),
            ("XDG_STATE_HOME", "/x"),
            ("HOME", "/h"),
        ];
        assert_eq!(dir(&all, Some("/p")), Some("/var/lib/dp".into()));
        assert_eq!(
            dir(&all[1..], Some("/p")),
            Some("/x/docspace-people".into())
        );
        assert_eq!(
            dir(&all[2..], Some("/p")),
            Some("/h/.local/state/docspace-people".into())
        );
        assert_eq!(
            dir(&[], Some("/p")),
            Some("/p/.local/state/docspace-people".into())
        );
        assert_eq!(dir(&[], None), None);
    }

    /// [`Past`] of `entries` read as JSON values, as [`past`] reads a line of odd shape.
    fn past_of(entries: &[Value], portal: &str) -> Past {
        let mut past = Past::default();
        for entry in entries {
            past.record_entry(entry, portal);
        }
        past
    }

    #[test]
    fn the_past_is_read_as_the_entries_say_whatever_the_shape_of_a_line() {
        let p = "https://portal.example.com";
        let lines = [
            r#"{"event":"intent","portal":"https://portal.example.com","targets":[{"id":"a1"}]}"#,
            r#"{"event":"outcome","portal":"https://portal.example.com","time":"2026-07-01T10:00:00Z","results":[{"id":"A1","email":"X@Example.com","outcome":"deleted"},{"id":"b2","outcome":"terminated"},{"id":"c3","outcome":"unlinked"},{"id":"","email":"","outcome":"deleted"}]}"#,
            r#"{"event":"outcome","portal":"https://other.example.com","time":"2026-07-01T10:00:00Z","results":[{"id":"d4","outcome":"deleted"}]}"#,
            r#"{"event":"outcome","portal":"https://portal.example.com","results":[{"id":"e5","outcome":"terminated"},{"id":"f6","outcome":"deleted"}]}"#,
            r#"{"event":"outcome","portal":"https://portal.example.com","time":"2026-07-02T11:00:00Z","results":[7,{"id":"g7","outcome":"deleted"},{"id":8,"outcome":"deleted"},{"id":"b2","outcome":"terminated"},{"id":"B2","outcome":"activated"}]}"#,
            r#"{"event":"outcome","portal":"https://portal.example.com","time":"2026-07-02T11:00:00Z","results":[{"id":"h\u0038","outcome":"del\u0065ted"}]}"#,
            r#"{"event":"outcome","portal":"https://portal.example.com","portal":"https://other.example.com","results":[{"id":"i9","outcome":"deleted"}]}"#,
            r#"{"event":1,"portal":"https://portal.example.com","results":[{"id":"j0","outcome":"deleted"}]}"#,
            r#"{"event":"outcome","portal":"https://portal.example.com","results":{"id":"k1"}}"#,
            r#"{"event":"outcome","portal":"https://portal.exa"#,
            r#"[1,2]"#,
        ];
        let dir = std::env::temp_dir().join(format!("docspace-people-past-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("journal.jsonl");
        std::fs::write(&path, lines.join("\n")).unwrap();
        let expected = past_of(&entries(&path).unwrap(), p);
        assert_eq!(past(&path, p).unwrap(), expected);
        assert!(expected.deleted.contains("a1") && expected.deleted.contains("h8"));
        assert!(expected.deleted.contains("g7") && !expected.deleted.contains("d4"));
        assert_eq!(expected.terminations.len(), 1, "b2, at its latest time");
        let july_2 = parse_timestamp("2026-07-02T11:00:00Z");
        assert_eq!(expected.terminations.get("b2").copied(), july_2);
        assert_eq!(expected.activations.get("b2").copied(), july_2);
        assert_eq!(past(&dir.join("none.jsonl"), p).unwrap(), Past::default());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn timestamps_are_utc() {
        let at = |secs| timestamp(SystemTime::UNIX_EPOCH + Duration::from_secs(secs));
        for secs in [0, 951_825_600, 1_741_260_643, 4_102_444_799] {
            let time = SystemTime::UNIX_EPOCH + Duration::from_secs(secs);
            assert_eq!(parse_timestamp(&timestamp(time)), Some(time));
        }
        assert_eq!(parse_timestamp("2026-13-01T00:00:00Z"), None);
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(1_741_260_643), "2025-03-06T11:30:43Z");
        assert_eq!(at(951_825_600), "2000-02-29T12:00:00Z");
    }

    #[test]
    fn the_history_shows_outcomes_and_steps_left_without_one() {
        let lines = [
            r#"{"event":"intent","run":"r1","step":1,"portal":"p","action":"delete","targets":[{"id":"a","email":"ann@x.co"}],"time":"2026-12-01T01:00:00Z"}"#,
            r#"{"event":"outcome","run":"r1","step":1,"portal":"p","results":[{"id":"a","email":"ann@x.co","outcome":"deleted"}],"time":"2026-12-01T01:00:01Z"}"#,
            r#"{"event":"intent","run":"r2","step":1,"portal":"p","action":"terminate","targets":[{"id":"b","email":"bob@x.co"}],"time":"2026-12-02T01:00:00Z"}"#,
            "{\"cut short",
        ];
        let entries: Vec<Value> = lines
            .iter()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        let all = history(&entries, None, None);
        assert_eq!(all.results.len(), 1);
        assert_eq!(all.results[0]["action"], "delete");
        assert_eq!(all.interrupted.len(), 1);
        assert_eq!(all.interrupted[0]["run"], "r2");
        let later = history(&entries, Some("2026-12-02".parse().unwrap()), None);
        assert_eq!((later.results.len(), later.interrupted.len()), (0, 1));
        assert!(past_of(&entries, "p").deleted.contains("ann@x.co"));
        assert!(past_of(&entries, "other").deleted.is_empty());
    }
}
