//! The journal: an append-only JSON Lines record of every change this tool makes. The
//! intent of each step is written and synced to disk before its request goes out, and
//! each user's outcome after, so that a run killed by SIGKILL, an OOM or a power cut
//! leaves a truthful record of what may have happened.
//!
//! It is also the tool's memory: a user this tool deleted, looked for again, is `already
//! gone` rather than `not found`.

use super::args::{CommandLine, UserRef};
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
    pub fn open(path: &Path, portal: &str, command: &CommandLine) -> Result<Journal, Failure> {
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
        let scrub = |text: &str| Secret::new("").scrub(text);
        let mut head = json!({
            "run": run,
            "portal": portal,
            "command": scrub(&command.line),
            "name": command.name,
        });
        if let Some(again) = &command.again {
            head["again"] = Value::String(scrub(again));
        }
        Ok(Journal {
            file,
            path: path.to_owned(),
            head,
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

    /// Records every user a run of several steps is to change, before its first intent
    /// (whose sync puts this line on the disk too): a run killed before its end leaves
    /// on record the users it never reached.
    pub fn plan(&mut self, targets: &[Target]) -> Result<(), Failure> {
        let entry = json!({ "targets": targets.iter().map(target_json).collect::<Vec<_>>() });
        self.write("plan", entry, false)
            .map_err(|e| self.failure(&e))
    }

    /// Records that the person at the terminal stopped the run, and the users it did
    /// not send.
    pub fn interrupted(&mut self, not_sent: &[Target]) -> Result<(), Failure> {
        let entry = json!({ "not_sent": not_sent.iter().map(target_json).collect::<Vec<_>>() });
        self.write("interrupted", entry, true)
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
    let mut value = json!({
        "id": target.id.map(|id| id.to_string()).unwrap_or_default(),
        "email": target.email,
    });
    if let Some(group) = target.group {
        value["group"] = Value::String(group.to_string());
    }
    // A group to create is known by its name only.
    if target.id.is_none() && target.email.is_empty() {
        value["name"] = Value::String(target.name());
    }
    value
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
    #[serde(borrow)]
    run: Option<Cow<'a, str>>,
    step: Option<u64>,
    #[serde(borrow)]
    action: Option<Cow<'a, str>>,
    #[serde(borrow)]
    targets: Option<Vec<LineResult<'a>>>,
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
    // The users of each delete step sent without an outcome on record yet, by run and step.
    // The delete and activate steps sent without an outcome on record yet, by run and
    // step.
    let mut unanswered: HashMap<(String, u64), Unanswered> = HashMap::new();
    for line in BufReader::new(file).lines() {
        let line = line?;
        let Ok(read) = serde_json::from_str::<Line>(&line) else {
            if let Ok(entry @ Value::Object(_)) = serde_json::from_str::<Value>(&line) {
                past.record_entry(&entry, portal);
            }
            continue;
        };
        if read.portal.as_deref() != Some(portal) {
            continue;
        }
        let step = read
            .run
            .as_deref()
            .zip(read.step)
            .map(|(r, s)| (r.to_owned(), s));
        match read.event.as_deref() {
            Some("intent")
                if read
                    .action
                    .as_deref()
                    .is_some_and(|a| a.contains("delete") || a == "activate") =>
            {
                let activates = read.action.as_deref() == Some("activate");
                let keys = read.targets.iter().flatten().flat_map(|t| {
                    let id = t.id.as_deref().filter(|id| !id.is_empty());
                    let email = t.email.as_deref().filter(|e| !e.is_empty() && !activates);
                    id.into_iter().chain(email).map(str::to_ascii_lowercase)
                });
                let time = read.time.as_deref().and_then(parse_timestamp);
                if let Some(step) = step {
                    let keys = keys.collect();
                    unanswered.insert(
                        step,
                        Unanswered {
                            activates,
                            time,
                            keys,
                        },
                    );
                }
            }
            Some("outcome") => {
                if let Some(step) = &step {
                    unanswered.remove(step);
                }
                let results = read.results.iter().flatten();
                past.record(
                    read.time.as_deref(),
                    results.map(|r| [r.outcome.as_deref(), r.id.as_deref(), r.email.as_deref()]),
                );
            }
            _ => {}
        }
    }
    for Unanswered {
        activates,
        time,
        keys,
    } in unanswered.into_values()
    {
        if activates {
            // An activation whose answer never came may have gone through: a termination
            // date older than it may be stale, so retention takes the date for unknown
            // rather than delete early.
            for id in keys {
                let at = past.activations.entry(id).or_insert(SystemTime::UNIX_EPOCH);
                *at = (*at).max(time.unwrap_or(SystemTime::UNIX_EPOCH));
            }
        } else {
            // A run killed while its delete was on the way left no outcome: the users it
            // named and that are gone now are taken for gone by this tool (`already
            // gone`), not for a typo (`not found`), when the same list is sent again.
            past.deleted.extend(keys);
        }
    }
    Ok(past)
}

/// A step of a delete or an activation the journal has no outcome of.
struct Unanswered {
    activates: bool,
    /// When it was sent.
    time: Option<SystemTime>,
    /// Its users' ids (and, for a delete, addresses), lower-case.
    keys: Vec<String>,
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

/// What `journal` shows: each user's outcome, and the runs that ended before each user
/// they were to change had one.
pub struct History {
    pub results: Vec<Value>,
    pub interrupted: Vec<Interrupted>,
}

/// A run that ended before each user it was to change had an outcome: killed (SIGKILL,
/// a power cut, SIGINT or SIGTERM without a terminal) during a step or between two, or
/// stopped with Ctrl-C at the terminal.
#[derive(Debug)]
pub struct Interrupted {
    pub run: String,
    pub portal: String,
    /// The time of its first line.
    pub time: String,
    /// The command's name (`user delete`), and its line.
    pub name: String,
    pub command: String,
    /// The command that sends it users again ([`CommandLine::again`]).
    pub again: Option<String>,
    /// Stopped with Ctrl-C at the terminal, not killed.
    pub stopped: bool,
    /// The intents of the steps under way when it ended: what became of their users is
    /// unknown.
    pub unknown: Vec<Value>,
    /// The users it never sent.
    pub not_sent: Vec<Value>,
    /// Of the users of `unknown` and `not_sent`, the ones no later run of the same
    /// command finished (gave an outcome other than failed or not sent).
    pub unfinished: Vec<Value>,
}

impl Interrupted {
    /// Later runs finished every user it left.
    pub fn settled(&self) -> bool {
        self.unfinished.is_empty()
    }

    pub fn json(&self) -> Value {
        json!({
            "run": self.run,
            "portal": self.portal,
            "time": self.time,
            "command": self.name,
            "stopped": self.stopped,
            "settled": self.settled(),
            "unknown": self.unknown,
            "not_sent": self.not_sent,
            "unfinished": self.unfinished,
        })
    }
}

/// Users of journal entries (`{id, email}`), told apart by id, or by address when the
/// id is not known.
#[derive(Default)]
struct Users {
    ids: HashMap<String, usize>,
    emails: HashMap<String, usize>,
}

impl Users {
    fn keys(user: &Value) -> [Option<String>; 2] {
        let key = |field: &str| {
            user[field]
                .as_str()
                .filter(|k| !k.is_empty())
                .map(str::to_ascii_lowercase)
        };
        [key("id"), key("email")]
    }

    /// Adds `user`, seen at line `at`.
    fn insert(&mut self, user: &Value, at: usize) {
        let [id, email] = Users::keys(user);
        if let Some(id) = id {
            self.ids.insert(id, at);
        }
        if let Some(email) = email {
            self.emails.insert(email, at);
        }
    }

    /// The line at which `user` was last seen.
    fn seen(&self, user: &Value) -> Option<usize> {
        let [id, email] = Users::keys(user);
        let by_id = id.and_then(|id| self.ids.get(&id));
        let by_email = email.and_then(|email| self.emails.get(&email));
        by_id.into_iter().chain(by_email).max().copied()
    }
}

/// One run, as its lines tell it.
struct Run<'e> {
    /// Its first line, which holds the command.
    head: &'e Value,
    /// The number of its last line.
    last: usize,
    planned: Vec<&'e Value>,
    intents: Vec<&'e Value>,
    /// The steps whose outcome was written.
    answered: HashSet<String>,
    /// The users with an outcome other than `not sent`.
    done: Users,
    not_sent: Vec<&'e Value>,
    stopped: bool,
}

fn array(value: &Value) -> impl Iterator<Item = &Value> {
    value.as_array().into_iter().flatten()
}

/// The command of a run: its `name`, or for journals written before the name was
/// kept, the leading words of its command line.
fn command_name(head: &Value) -> String {
    if let Some(name) = head["name"].as_str() {
        return name.to_owned();
    }
    let line = head["command"].as_str().unwrap_or_default();
    let word = |w: &&str| {
        !w.is_empty()
            && !w.starts_with('-')
            && w.chars().all(|c| c.is_ascii_lowercase() || c == '-')
    };
    line.split(' ')
        .take_while(word)
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn history(entries: &[Value], since: Option<Date>, user: Option<&UserRef>) -> History {
    let day = |entry: &Value| {
        entry["time"]
            .as_str()
            .and_then(|t| t.get(..10)?.parse::<Date>().ok())
    };
    let shown = |entry: &Value| since.is_none_or(|since| day(entry).is_some_and(|d| d >= since));
    let matches_user = |record: &Value| match user {
        None => true,
        Some(UserRef::Id(id)) => record["id"].as_str() == Some(&id.to_string()),
        Some(UserRef::Email(email)) => record["email"]
            .as_str()
            .is_some_and(|e| e.eq_ignore_ascii_case(email.as_str())),
    };
    let step_of = |e: &Value| e["step"].to_string();
    let mut results = Vec::new();
    let mut runs: HashMap<&str, Run> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    // Per portal and command, where each user last had an outcome that settles it.
    let mut finished: HashMap<(String, String), Users> = HashMap::new();
    for (at, entry) in entries.iter().enumerate() {
        let Some(id) = entry["run"].as_str() else {
            continue;
        };
        let run = runs.entry(id).or_insert_with(|| {
            order.push(id);
            Run {
                head: entry,
                last: at,
                planned: Vec::new(),
                intents: Vec::new(),
                answered: HashSet::new(),
                done: Users::default(),
                not_sent: Vec::new(),
                stopped: false,
            }
        });
        run.last = at;
        match entry["event"].as_str() {
            Some("plan") => run.planned.extend(array(&entry["targets"])),
            Some("intent") => run.intents.push(entry),
            Some("outcome") => {
                run.answered.insert(step_of(entry));
                let action = run
                    .intents
                    .iter()
                    .find(|i| step_of(i) == step_of(entry))
                    .and_then(|i| i["action"].as_str())
                    .unwrap_or("change");
                let command = (
                    run.head["portal"].as_str().unwrap_or_default().to_owned(),
                    command_name(run.head),
                );
                for result in array(&entry["results"]) {
                    match result["outcome"].as_str() {
                        Some("not sent") => run.not_sent.push(result),
                        outcome => {
                            run.done.insert(result, at);
                            if outcome != Some("failed") {
                                finished
                                    .entry(command.clone())
                                    .or_default()
                                    .insert(result, at);
                            }
                        }
                    }
                    if shown(entry) && matches_user(result) {
                        let mut record = result.clone();
                        record["time"] = entry["time"].clone();
                        record["portal"] = entry["portal"].clone();
                        record["action"] = Value::String(action.to_owned());
                        results.push(record);
                    }
                }
            }
            Some("interrupted") => {
                run.stopped = true;
                run.not_sent.extend(array(&entry["not_sent"]));
            }
            _ => {}
        }
    }
    let mut interrupted = Vec::new();
    for id in order {
        let run = &runs[id];
        let unknown: Vec<&Value> = run
            .intents
            .iter()
            .filter(|i| !run.answered.contains(&step_of(i)))
            .copied()
            .collect();
        let mut left = Users::default();
        let mut unknown_users = Vec::new();
        for target in unknown.iter().flat_map(|i| array(&i["targets"])) {
            if left.seen(target).is_none() {
                left.insert(target, 0);
                unknown_users.push(target);
            }
        }
        let mut not_sent = Vec::new();
        for target in run.planned.iter().chain(&run.not_sent) {
            let known = Users::keys(target).iter().any(Option::is_some);
            if known && left.seen(target).is_none() && run.done.seen(target).is_none() {
                left.insert(target, 0);
                not_sent.push(*target);
            }
        }
        if unknown_users.is_empty() && not_sent.is_empty() {
            continue;
        }
        if !shown(run.head)
            || !unknown_users
                .iter()
                .chain(&not_sent)
                .any(|t| matches_user(t))
        {
            continue;
        }
        let name = command_name(run.head);
        let portal = run.head["portal"].as_str().unwrap_or_default().to_owned();
        let later = finished.get(&(portal.clone(), name.clone()));
        let unfinished = unknown_users
            .iter()
            .chain(&not_sent)
            .filter(|t| {
                later
                    .and_then(|l| l.seen(t))
                    .is_none_or(|at| at <= run.last)
            })
            .map(|t| (*t).clone())
            .collect();
        let text = |field: &str| run.head[field].as_str().unwrap_or_default().to_owned();
        interrupted.push(Interrupted {
            run: id.to_owned(),
            portal,
            time: text("time"),
            command: text("command"),
            again: run.head["again"].as_str().map(str::to_owned),
            name,
            stopped: run.stopped,
            unknown: unknown.into_iter().cloned().collect(),
            not_sent: not_sent.into_iter().cloned().collect(),
            unfinished,
        });
    }
    History {
        results,
        interrupted,
    }
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
        assert_eq!(all.interrupted[0].run, "r2");
        assert_eq!(all.interrupted[0].name, "", "no name, no command");
        let later = history(&entries, Some("2026-12-02".parse().unwrap()), None);
        assert_eq!((later.results.len(), later.interrupted.len()), (0, 1));
        assert!(past_of(&entries, "p").deleted.contains("ann@x.co"));
        assert!(past_of(&entries, "other").deleted.is_empty());
    }

    fn parsed(lines: &[&str]) -> Vec<Value> {
        lines
            .iter()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect()
    }

    fn ids(users: &[Value]) -> Vec<&str> {
        users.iter().map(|u| u["id"].as_str().unwrap()).collect()
    }

    /// A run killed in its second step: the step's users are unknown, those of its
    /// third step never sent; a later run of the same command settles them one by one,
    /// a run of another command or a failure does not.
    #[test]
    fn an_interrupted_run_is_settled_by_later_runs_of_its_command() {
        let head = r#""portal":"p","command":"user delete --from l.txt","name":"user delete","again":"user delete""#;
        let line = |rest: &str| format!("{{{head},{rest}}}");
        let killed = [
            line(
                r#""run":"r1","event":"plan","time":"2026-12-01T01:00:00Z","targets":[{"id":"a"},{"id":"b"},{"id":"c"},{"id":"d"},{"id":"e"}]"#,
            ),
            line(
                r#""run":"r1","event":"intent","step":1,"action":"delete","targets":[{"id":"a"},{"id":"b"}]"#,
            ),
            line(
                r#""run":"r1","event":"outcome","step":1,"results":[{"id":"a","outcome":"deleted"},{"id":"b","outcome":"failed"}]"#,
            ),
            line(
                r#""run":"r1","event":"intent","step":2,"action":"delete","targets":[{"id":"c"},{"id":"d"}]"#,
            ),
        ];
        let mut lines: Vec<String> = killed.to_vec();
        let now = |lines: &[String]| {
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            let mut all = history(&parsed(&refs), None, None).interrupted;
            let at = all
                .iter()
                .position(|r| r.run == "r1")
                .expect("r1 is listed");
            all.remove(at)
        };
        let run = now(&lines);
        assert_eq!(
            (run.run.as_str(), run.name.as_str(), run.stopped),
            ("r1", "user delete", false)
        );
        assert_eq!(run.time, "2026-12-01T01:00:00Z");
        assert_eq!(run.again.as_deref(), Some("user delete"));
        assert_eq!(run.unknown.len(), 1);
        assert_eq!(run.unknown[0]["step"], 2);
        assert_eq!(ids(&run.not_sent), ["e"]);
        assert_eq!(ids(&run.unfinished), ["c", "d", "e"]);
        assert!(!run.settled());

        lines.push(r#"{"portal":"p","name":"user terminate","run":"r2","event":"outcome","step":1,"results":[{"id":"c","outcome":"terminated"}]}"#.to_owned());
        lines.push(line(r#""run":"r3","event":"outcome","step":1,"results":[{"id":"c","outcome":"failed"},{"id":"d","outcome":"already gone"}]"#));
        assert_eq!(ids(&now(&lines).unfinished), ["c", "e"]);
        lines.push(line(r#""run":"r4","event":"outcome","step":1,"results":[{"id":"C","outcome":"deleted"},{"id":"e","outcome":"not sent"}]"#));
        let run = now(&lines);
        assert_eq!(ids(&run.unfinished), ["e"]);
        let all = |lines: &[String]| {
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            history(&parsed(&refs), None, None).interrupted
        };
        let listed = all(&lines);
        assert_eq!(
            listed.len(),
            2,
            "r4, which did not send e either, is listed too"
        );
        assert_eq!(ids(&listed[1].unfinished), ["e"]);

        lines.push(line(r#""run":"r5","event":"outcome","step":1,"results":[{"id":"e","outcome":"protected (protect file)"}]"#));
        assert!(all(&lines).iter().all(Interrupted::settled));
        assert_eq!(now(&lines).json()["settled"], true);
    }

    /// A run stopped with Ctrl-C records the users it did not send, and those of a step
    /// it stopped in the middle of (reassign jobs it never started) are `not sent`.
    #[test]
    fn a_run_stopped_at_the_terminal_leaves_its_users_not_sent() {
        let lines = [
            r#"{"portal":"p","name":"user delete","run":"r1","event":"intent","step":1,"action":"reassign and delete","targets":[{"id":"a"},{"id":"b"}]}"#,
            r#"{"portal":"p","name":"user delete","run":"r1","event":"outcome","step":1,"results":[{"id":"a","outcome":"deleted"},{"id":"b","outcome":"not sent"}]}"#,
            r#"{"portal":"p","name":"user delete","run":"r1","event":"interrupted","not_sent":[{"id":"b"},{"id":"c","email":"c@x.co"},{"id":"","email":""}]}"#,
        ];
        let all = history(&parsed(&lines), None, None);
        let run = &all.interrupted[0];
        assert!(run.stopped && run.unknown.is_empty());
        assert_eq!(
            ids(&run.not_sent),
            ["b", "c"],
            "a user known by nothing is left out"
        );
        assert_eq!(ids(&run.unfinished), ["b", "c"]);
        assert_eq!(
            all.results.len(),
            2,
            "not sent is an outcome the journal shows too"
        );
        let of_c = history(
            &parsed(&lines),
            None,
            Some(&UserRef::Email("C@x.co".parse().unwrap())),
        );
        assert_eq!(of_c.interrupted.len(), 1);
        let of_d = history(
            &parsed(&lines),
            None,
            Some(&UserRef::Email("d@x.co".parse().unwrap())),
        );
        assert!(of_d.interrupted.is_empty());
    }
}
