//! `journal`: the changes this tool made, and the steps whose outcome is unknown because
//! the run was killed while they were under way. Reads only the journal file.

use crate::app::cli::{Command, Globals};
use crate::app::config::Context;
use crate::app::exit::{DONE, Failure};
use crate::app::journal;
use crate::app::output::Output;
use crate::app::show::printable;
use serde_json::{Value, json};

pub fn run(
    globals: &Globals,
    command: &Command,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    let (since, user) = match command {
        Command::Journal { since, user } => (*since, user.as_ref()),
        _ => (None, None),
    };
    let Some(path) = journal::location(globals, cx.env)? else {
        return Err(Failure::Usage(
            "with --no-journal there is no journal to show".to_owned(),
        ));
    };
    let entries = journal::entries(&path)
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
