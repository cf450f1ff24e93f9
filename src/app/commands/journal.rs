//! `journal`: the changes this tool made, and the runs that ended before every user they
//! were to change had an outcome: killed while a step was under way (its outcome is
//! unknown) or before some users were sent, or stopped with Ctrl-C. Reads only the
//! journal file.

use super::{Command, Prints, Run, Spec};
use crate::app::args::{Kind, Opt, UserRef, quoted, user_ref};
use crate::app::exit::{DONE, Failure};
use crate::app::journal::{self, Interrupted};
use crate::app::output::Output;
use crate::app::settings::Settings;
use crate::app::show::printable;
use docspace_people::Date;
use serde_json::{Value, json};

pub const SPEC: Spec = Spec {
    name: "journal",
    args: "[--since YYYY-MM-DD] [--user USER] [--unfinished RUN]",
    summary: "show the changes this tool made, and the runs that were interrupted before all was done",
    about: "\
Shows the changes this tool recorded: one line per user and step, with its outcome.
Every change is written to the journal before its request is sent, so a run that was
killed (SIGKILL, out of memory, power loss) leaves an intent without an outcome, and a
run stopped with Ctrl-C records the users it did not send. Such a run is listed as
'interrupted', with the commands that list its users, check them and send them, until
later runs of the same command have finished them all: it is then 'settled'. USER is an
id or an e-mail address. --unfinished RUN prints the ids of the users run RUN left
unfinished, one a line, for '--from -'. Reads only the journal file: no portal is
needed.",
    options: &[&SINCE, &USER, &UNFINISHED],
    examples: &[
        "docspace-people journal --since 2026-12-01",
        "docspace-people journal --user ann.lee@example.com --json",
        "docspace-people journal --unfinished 1764657000-4242 | docspace-people user delete --from -",
    ],
    prints: Prints::Json,
    parse: |args| {
        args.no_words()?;
        Ok(Box::new(Journal {
            since: args.date(&SINCE)?,
            user: args.text(&USER)?.as_deref().map(user_ref).transpose()?,
            unfinished: args.text(&UNFINISHED)?,
        }))
    },
};

const SINCE: Opt = Opt::value(
    "since",
    Kind::Date,
    "YYYY-MM-DD",
    "only changes from this day on",
);
const USER: Opt = Opt::value(
    "user",
    Kind::Text,
    "USER",
    "only the changes to this user (an id or an e-mail)",
);
const UNFINISHED: Opt = Opt::value(
    "unfinished",
    Kind::Text,
    "RUN",
    "print the ids of the users this interrupted run left unfinished, one a line",
);

/// Show the journal of past changes.
#[derive(Debug, PartialEq, Eq)]
pub struct Journal {
    pub since: Option<Date>,
    pub user: Option<UserRef>,
    /// The run whose unfinished users to print.
    pub unfinished: Option<String>,
}

impl Command for Journal {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let settings = run.settings;
        let Some(path) = settings.journal_path()? else {
            return Err(Failure::Usage(
                "with --no-journal there is no journal to show".to_owned(),
            ));
        };
        let entries = journal::entries(path).map_err(|e| {
            Failure::Input(format!("cannot read the journal {}: {e}", path.display()))
        })?;
        match &self.unfinished {
            Some(id) => unfinished(&entries, id, path, run.out),
            None => show(settings, &entries, self.since, self.user.as_ref(), run.out),
        }
    }
}

/// Prints the users run `id` left unfinished, as `--from` reads them: an id a line (an
/// address when the id is not known).
fn unfinished(
    entries: &[Value],
    id: &str,
    path: &std::path::Path,
    out: &mut Output,
) -> Result<u8, Failure> {
    let history = journal::history(entries, None, None);
    let Some(run) = history.interrupted.iter().find(|r| r.run == id) else {
        if entries.iter().any(|e| e["run"] == id) {
            // A run that finished every user leaves none.
            out.json(&json!([]))?;
            return Ok(DONE);
        }
        return Err(Failure::Usage(format!(
            "the journal {} has no run {id}: 'docspace-people journal' lists the interrupted runs",
            path.display()
        )));
    };
    out.json(&Value::Array(run.unfinished.clone()))?;
    if !out.json {
        let lines: String = run
            .unfinished
            .iter()
            .map(who)
            .filter(|who| !who.is_empty())
            .map(|who| format!("{}\n", printable(&who)))
            .collect();
        out.data(&lines)?;
    }
    Ok(DONE)
}

/// A user of the journal as `--from` reads it: the id, or the address.
fn who(target: &Value) -> String {
    let text = |field: &str| target[field].as_str().unwrap_or_default().to_owned();
    match text("id").as_str() {
        "" => text("email"),
        id => id.to_owned(),
    }
}

fn show(
    settings: &Settings,
    entries: &[Value],
    since: Option<Date>,
    user: Option<&UserRef>,
    out: &mut Output,
) -> Result<u8, Failure> {
    let history = journal::history(entries, since, user);
    let interrupted: Vec<Value> = history.interrupted.iter().map(Interrupted::json).collect();
    out.json(&json!({ "changes": history.results, "interrupted": interrupted }))?;
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    for record in &history.results {
        let mut line = format!(
            "{}  {:<10}  {:<16}  {}  <{}>",
            text(&record["time"]),
            text(&record["action"]),
            text(&record["outcome"]),
            text(&record["id"]),
            text(&record["email"])
        );
        if let Some(error) = record["error"].as_str() {
            line.push_str(&format!("  {error}"));
        }
        out.line(&printable(&line))?;
    }
    // The journal the suggested commands read, when a flag named it.
    let journal = match (&settings.journal.source[..], settings.journal_path()) {
        ("--journal", Ok(Some(path))) => {
            format!(" --journal {}", quoted(&path.to_string_lossy()))
        }
        _ => String::new(),
    };
    for run in &history.interrupted {
        for line in interrupted_lines(run, &journal) {
            out.line(&printable(&line))?;
        }
    }
    Ok(DONE)
}

/// What `journal` says of an interrupted run: what it left, and the commands that list
/// those users, check them and send them; or, once later runs finished them, that it is
/// settled.
fn interrupted_lines(run: &Interrupted, journal: &str) -> Vec<String> {
    let unknown: usize = run.unknown.iter().map(|i| targets(i).len()).sum();
    let left = unknown + run.not_sent.len();
    let by = if run.stopped {
        ", stopped with Ctrl-C"
    } else {
        ""
    };
    let head = format!("{} {} (run {}{by})", run.time, run.name, run.run);
    if run.settled() {
        return vec![format!(
            "settled: {head}: interrupted with {left} user(s) left; later runs of '{}' finished them",
            run.name
        )];
    }
    let mut what: Vec<String> = run
        .unknown
        .iter()
        .map(|intent| {
            format!(
                "{} of {} user(s) under way (step {}), outcome unknown",
                intent["action"].as_str().unwrap_or("change"),
                targets(intent).len(),
                intent["step"]
            )
        })
        .collect();
    if !run.not_sent.is_empty() {
        what.push(format!("{} user(s) not sent", run.not_sent.len()));
    }
    let finished = left - run.unfinished.len();
    if finished > 0 {
        what.push(format!("{finished} of them since finished by later runs"));
    }
    let ids = format!("docspace-people{journal} journal --unfinished {}", run.run);
    let mut lines = vec![
        format!("interrupted: {head}: {}", what.join("; ")),
        format!(
            "  the {} user(s) left, one a line:  {ids}",
            run.unfinished.len()
        ),
    ];
    if unknown > 0 {
        lines.push(format!(
            "  check them:  {ids} | docspace-people user get --from -"
        ));
    }
    lines.push(match &run.again {
        Some(again) => format!("  send them:   {ids} | docspace-people {again} --from -"),
        None => format!(
            "  send them:   run the same command again (it skips what is done): docspace-people {}",
            run.command
        ),
    });
    lines
}

fn targets(intent: &Value) -> &[Value] {
    intent["targets"].as_array().map_or(&[], Vec::as_slice)
}
