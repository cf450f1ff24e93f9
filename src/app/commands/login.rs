//! `login`: a session token from an e-mail address and password.

use crate::app::config::Context;
use crate::app::exit::{DONE, Failure};
use crate::app::output::Output;
use docspace_people::{Client, Email, Secret};
use serde_json::json;

pub fn run(
    client: &Client,
    email: &Email,
    out: &mut Output,
    cx: &mut Context,
) -> Result<u8, Failure> {
    let password = match cx.env.var("DOCSPACE_PASSWORD") {
        Some(p) => Secret::new(&p.to_string_lossy()),
        None => read_password(email, cx)?,
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
fn read_password(email: &Email, cx: &mut Context) -> Result<Secret, Failure> {
    let echo = |on: bool| {
        // stty works on the terminal that is its stdin, which it inherits from us.
        std::process::Command::new("stty")
            .arg(if on { "echo" } else { "-echo" })
            .status()
            .is_ok_and(|s| s.success())
    };
    let hidden = cx.stdin_is_terminal && {
        eprint!("Password for {email}: ");
        echo(false)
    };
    let mut line = String::new();
    let read = cx.stdin.read_line(&mut line);
    if hidden {
        echo(true);
        eprintln!();
    }
    read.map_err(|e| Failure::Input(format!("cannot read the password from stdin: {e}")))?;
    Ok(Secret::new(line.trim_end_matches(['\r', '\n'])))
}
