//! `whoami`: the account behind the credential, and when its API key expires.

use super::{Command, Prints, Run, Spec};
use crate::app::exit::{DONE, Failure};
use crate::app::output::Output;
use crate::app::show::{describe, user_json};
use docspace_people::Client;
use std::time::{Duration, SystemTime};

pub const SPEC: Spec = Spec {
    name: "whoami",
    args: "",
    summary: "check the address and the credential",
    about: "Prints the account behind the credential: ID NAME <EMAIL> TYPE STATUS, and when its\nAPI key expires (a warning on stderr within 14 days of it).",
    options: &[],
    examples: &[
        "docspace-people whoami --portal https://portal.example.com --token-file ~/.config/docspace-token",
    ],
    prints: Prints::Json,
    parse: |args| {
        args.no_words()?;
        Ok(Box::new(Whoami))
    },
};

#[derive(Debug)]
pub struct Whoami;

impl Command for Whoami {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect()?;
        whoami(&client, run.out)
    }
}

/// How soon before its expiry a key is warned about.
const WARN_BEFORE: Duration = Duration::from_secs(14 * 86_400);

fn whoami(client: &Client, out: &mut Output) -> Result<u8, Failure> {
    let me = client.whoami()?;
    out.line(&describe(&me))?;
    out.json(&user_json(&me))?;
    // A key that cannot be read (a session token, a portal before 3.5, a key without
    // the right) leaves the answer as it is.
    if let Ok(Some(key)) = client.api_key() {
        let day = key
            .expires
            .as_deref()
            .and_then(|e| e.get(..10))
            .unwrap_or("");
        match key.expires_at {
            None => out.line(&format!("API key '{}': never expires", key.name))?,
            Some(at) => {
                let left = at.duration_since(SystemTime::now()).unwrap_or_default();
                let days = left.as_secs() / 86_400;
                out.line(&format!(
                    "API key '{}': expires on {day} (in {days} days)",
                    key.name
                ))?;
                if left < WARN_BEFORE {
                    out.error(&format!(
                        "the API key '{}' expires on {day}, in {days} days: create a new one in DocSpace (Developer Tools) before then",
                        key.name
                    ))?;
                }
            }
        }
    }
    Ok(DONE)
}
