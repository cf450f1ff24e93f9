//! `login`: a session token from an e-mail address and password.

use super::{Command, Prints, Run, Spec};
use crate::app::args::checked_email;
use crate::app::config::{self, Io};
use crate::app::exit::{DONE, Failure};
use crate::app::output::Output;
use docspace_people::{Client, Email, Secret};
use serde_json::json;

pub const SPEC: Spec = Spec {
    name: "login",
    args: "EMAIL",
    summary: "print a session token; the password comes from stdin or DOCSPACE_PASSWORD",
    about: "\
Logs in with a password and prints the session token, which works wherever an API key
does. The password is read from DOCSPACE_PASSWORD, or from stdin (without echo on a
terminal). Save the token where only you can read it:
  (umask 077; docspace-people login admin@example.com > ~/.config/docspace-token)",
    options: &[],
    examples: &["DOCSPACE_URL=https://portal.example.com docspace-people login admin@example.com"],
    prints: Prints::Json,
    parse: |args| match args.words.as_slice() {
        [email] => Ok(Box::new(Login {
            email: checked_email(email)?,
        })),
        _ => Err(Failure::Usage("'login' takes one EMAIL".to_owned())),
    },
};

#[derive(Debug, PartialEq, Eq)]
pub struct Login {
    pub email: Email,
}

impl Command for Login {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        // No credential: this is how one is obtained.
        let client = config::connect(run.settings, &mut run.cx.io, true)?;
        let password = run.settings.password.clone();
        // The password is typed without echo only where stdin is the terminal.
        let attended = run.settings.terminal.stdin;
        login(
            &client,
            &self.email,
            password,
            attended,
            run.out,
            &mut run.cx.io,
        )
    }

    fn reads_stdin(&self) -> bool {
        true
    }
}

fn login(
    client: &Client,
    email: &Email,
    password: Option<Secret>,
    attended: bool,
    out: &mut Output,
    io: &mut Io,
) -> Result<u8, Failure> {
    let password = match password {
        Some(p) => p,
        None => read_password(email, attended, io)?,
    };
    if password.expose().is_empty() {
        return Err(Failure::Usage(
            "no password: give it on stdin or in DOCSPACE_PASSWORD".to_owned(),
        ));
    }
    let token = client.login(email, &password)?;
    // Printing the token is the purpose of `login`; it goes to stdout only.
    if !out.json {
        out.data(&format!("{}\n", token.expose()))?;
    }
    out.json(&json!({ "token": token.expose() }))?;
    Ok(DONE)
}

/// Reads the password from stdin, without echo when stdin is a terminal.
fn read_password(email: &Email, attended: bool, io: &mut Io) -> Result<Secret, Failure> {
    let echo = |on: bool| {
        // stty works on the terminal that is its stdin, which it inherits from us.
        std::process::Command::new("stty")
            .arg(if on { "echo" } else { "-echo" })
            .status()
            .is_ok_and(|s| s.success())
    };
    let hidden = attended && {
        eprint!("Password for {email}: ");
        echo(false)
    };
    let mut line = String::new();
    let read = io.stdin.read_line(&mut line);
    if hidden {
        echo(true);
        eprintln!();
    }
    read.map_err(|e| Failure::Input(format!("cannot read the password from stdin: {e}")))?;
    Ok(Secret::new(line.trim_end_matches(['\r', '\n'])))
}
