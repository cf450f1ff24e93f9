//! `journal`: the changes this tool made, and the steps whose outcome is unknown because
//! the run was killed while they were under way. Reads only the journal file.

use super::{Command, Prints, Run, Spec};
use crate::app::args::{Kind, Opt, UserRef, user_ref};
use crate::app::exit::{DONE, Failure};
use crate::app::journal;
use crate::app::output::Output;
use crate::app::settings::Settings;
use crate::app::show::printable;
use docspace_people::Date;
use serde_json::{Value, json};

pub const SPEC: Spec = Spec {
    name: "journal",
    args: "[--since YYYY-MM-DD] [--user USER]",
    summary: "show the changes this tool made, and runs that were killed before their outcome was known",
    about: "\
Shows the changes this tool recorded: one line per user and step, with its outcome.
Every change is written to the journal before its request is sent, so a run that was
killed (SIGKILL, out of memory, power loss) leaves an intent without an outcome; such
steps are listed as 'interrupted' with a command to check the users they were for.
USER is an id or an e-mail address. Reads only the journal file: no portal is needed.",
    options: &[&SINCE, &USER],
    examples: &[
        "docspace-people journal --since 2026-12-01",
        "docspace-people journal --user ann.lee@example.com --json",
    ],
    prints: Prints::Json,
    parse: |args| {
        args.no_words()?;
        Ok(Box::new(Journal {
            since: args.date(&SINCE)?,
            user: args.text(&USER)?.as_deref().map(user_ref).transpose()?,
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

/// Show the journal of past changes.
#[derive(Debug, PartialEq, Eq)]
pub struct Journal {
    pub since: Option<Date>,
    pub user: Option<UserRef>,
}

impl Command for Journal {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        show(run.settings, self.since, self.user.as_ref(), run.out)
    }
}

fn show(
    settings: &Settings,
    since: Option<Date>,
    user: Option<&UserRef>,
    out: &mut Output,
) -> Result<u8, Failure> {
    let Some(path) = settings.journal_path()? else {
        return Err(Failure::Usage(
            "with --no-journal there is no journal to show".to_owned(),
        ));
    };
    let entries = journal::entries(path)
        .map_err(|e| Failure::Input(format!("cannot read the journal {}: {e}", path.display())))?;
    let history = journal::history(&entries, since, user);
    out.json(&json!({ "changes": history.results, "interrupted": history.interrupted }))?;
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
    for intent in &history.interrupted {
        let targets = intent["targets"].as_array().cloned().unwrap_or_default();
        let users: Vec<String> = targets
            .iter()
            .map(|t| match text(&t["id"]).as_str() {
                "" => text(&t["email"]),
                id => id.to_owned(),
            })
            .collect();
        out.line(&printable(&format!(
            "interrupted: {} {} of {} user(s) (run {}, step {}): the outcome is unknown; check with 'docspace-people user get {}'",
            text(&intent["time"]),
            text(&intent["action"]),
            users.len(),
            text(&intent["run"]),
            intent["step"],
            users.join(" ")
        )))?;
    }
    Ok(DONE)
}
