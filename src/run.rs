//! Turning a parsed command into requests and printed results.
//!
//! [`connect`] reads the portal address and the credential and builds the one client of a
//! run; [`execute`] runs one command and reports through an [`Output`].

use crate::batch;
use crate::cli::{Command, Globals, UserRef};
use crate::client::{Client, Options, Request};
use crate::error::Error;
use crate::model::User;
use crate::secret::Secret;
use crate::sequence;
use serde_json::{Value, json};
use std::ffi::OsString;
use std::io::{self, BufRead, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

/// Where the process's settings come from; the real one reads the environment.
pub trait Environment {
    fn var(&self, name: &str) -> Option<OsString>;
}

/// The process environment.
pub struct ProcessEnvironment;

impl Environment for ProcessEnvironment {
    fn var(&self, name: &str) -> Option<OsString> {
        std::env::var_os(name).filter(|v| !v.is_empty())
    }
}

/// What a run may read besides the portal: the environment and standard input.
pub struct Context<'a> {
    pub env: &'a dyn Environment,
    pub stdin: &'a mut dyn BufRead,
    /// A person is at the keyboard: confirmations can be asked.
    pub stdin_is_terminal: bool,
}

/// Reads the portal address and the credential, and builds the client.
///
/// The address comes from `--portal` or `DOCSPACE_URL`; the credential from
/// `--token-file` (`-` for stdin), `DOCSPACE_TOKEN_FILE`, `DOCSPACE_TOKEN` or, for a
/// systemd service, `$CREDENTIALS_DIRECTORY/docspace-token`, in that order. `login`
/// needs no credential: it is how one is obtained.
pub fn connect(globals: &Globals, command: &Command, cx: &mut Context) -> Result<Client, Error> {
    let portal = match (&globals.portal, cx.env.var("DOCSPACE_URL")) {
        (Some(p), _) => p.clone(),
        (None, Some(p)) => p.to_string_lossy().into_owned(),
        (None, None) => {
            return Err(Error::Config(
                "no portal address: pass --portal https://portal.example.com or set DOCSPACE_URL"
                    .to_owned(),
            ));
        }
    };
    let options = Options {
        timeout: Duration::from_secs(globals.timeout),
        retries: globals.retries,
        ca_file: globals.ca_file.clone(),
        insecure_http: globals.insecure_http,
        on_retry: (!globals.quiet).then_some(note as fn(&str)),
    };
    if let Command::Login { .. } = command {
        return Client::anonymous(&portal, options);
    }
    let token_file = globals
        .token_file
        .clone()
        .or_else(|| cx.env.var("DOCSPACE_TOKEN_FILE").map(Into::into));
    let credential = match token_file {
        Some(path) if path.as_os_str() == "-" => {
            let mut text = String::new();
            cx.stdin.read_to_string(&mut text).map_err(|e| {
                Error::Config(format!("cannot read the credential from stdin: {e}"))
            })?;
            Secret::new(&text)
        }
        Some(path) => read_token_file(&path)?,
        None => match (
            cx.env.var("DOCSPACE_TOKEN"),
            cx.env.var("CREDENTIALS_DIRECTORY"),
        ) {
            (Some(token), _) => Secret::new(&token.to_string_lossy()),
            (None, Some(dir)) => read_token_file(&Path::new(&dir).join("docspace-token"))?,
            (None, None) => {
                return Err(Error::Config(
                    "no credential: put the API key in a file only you can read and pass --token-file PATH \
                     (or set DOCSPACE_TOKEN_FILE), or set DOCSPACE_TOKEN"
                        .to_owned(),
                ));
            }
        },
    };
    Client::with_options(&portal, credential, options)
}

fn note(text: &str) {
    eprintln!("docspace-people: {text}");
}

/// Reads a token file, refusing one that others on the machine could read too.
fn read_token_file(path: &Path) -> Result<Secret, Error> {
    let unreadable = |e: io::Error| {
        Error::Config(format!(
            "cannot read the token file {}: {e}",
            path.display()
        ))
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mode = file.metadata().map_err(unreadable)?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(Error::Config(format!(
            "the token file {} can be read by other users (mode {:03o}): run 'chmod 600 {}'",
            path.display(),
            mode & 0o777,
            path.display()
        )));
    }
    let text = io::read_to_string(file).map_err(unreadable)?;
    Ok(Secret::new(&text))
}

/// Where results and errors go, and in which form.
pub struct Output<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    pub(crate) json: bool,
    pub(crate) quiet: bool,
    pub(crate) dry_run: bool,
    /// Progress may be drawn on stderr: a person is watching it.
    progress: bool,
    /// A progress line is on screen and must be cleared before other output.
    progress_shown: bool,
}

impl<'a> Output<'a> {
    pub fn new(out: &'a mut dyn Write, err: &'a mut dyn Write, globals: &Globals) -> Output<'a> {
        Output {
            out,
            err,
            json: globals.json,
            quiet: globals.quiet,
            dry_run: globals.dry_run,
            progress: false,
            progress_shown: false,
        }
    }

    /// Shows progress of long bulk runs on stderr when it is a terminal (never under
    /// cron, where stderr is mail or a log).
    pub fn with_progress(mut self, stderr_is_terminal: bool) -> Output<'a> {
        self.progress = stderr_is_terminal && !self.quiet;
        self
    }

    /// Draws `done / total` over the previous progress line.
    pub(crate) fn progress(&mut self, done: usize, total: usize) -> io::Result<()> {
        if !self.progress {
            return Ok(());
        }
        self.progress_shown = true;
        write!(self.err, "\r{done} / {total}")?;
        self.err.flush()
    }

    fn clear_progress(&mut self) -> io::Result<()> {
        if std::mem::take(&mut self.progress_shown) {
            write!(self.err, "\r\x1b[K")?;
        }
        Ok(())
    }

    /// One human-readable result line (not with `--json` or `--quiet`).
    pub(crate) fn line(&mut self, text: &str) -> io::Result<()> {
        if self.json || self.quiet {
            return Ok(());
        }
        self.clear_progress()?;
        writeln!(self.out, "{text}")
    }

    /// A JSON result (only with `--json`, and not with `--quiet`).
    pub(crate) fn json(&mut self, value: &Value) -> io::Result<()> {
        self.json_text(&value.to_string())?;
        self.json_text("\n")
    }

    /// Raw JSON text, for output streamed in pieces.
    pub(crate) fn json_text(&mut self, text: &str) -> io::Result<()> {
        if !self.json || self.quiet {
            return Ok(());
        }
        self.clear_progress()?;
        self.out.write_all(text.as_bytes())
    }

    /// An error line on stderr; always printed.
    pub fn error(&mut self, error: &dyn std::fmt::Display) -> io::Result<()> {
        self.clear_progress()?;
        writeln!(self.err, "docspace-people: {error}")
    }

    /// A request `--dry-run` holds back. On stdout, unless stdout is JSON.
    pub(crate) fn would_send(&mut self, request: &Request) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        if self.json {
            writeln!(self.err, "docspace-people: would send {request}")
        } else {
            writeln!(self.out, "would send {request}")
        }
    }

    /// Asks a yes/no question on stderr and reads the answer.
    pub(crate) fn confirm(&mut self, question: &str, stdin: &mut dyn BufRead) -> io::Result<bool> {
        write!(self.err, "{question} [y/N] ")?;
        self.err.flush()?;
        let mut answer = String::new();
        stdin.read_line(&mut answer)?;
        Ok(matches!(
            answer.trim().to_ascii_lowercase().as_str(),
            "y" | "yes"
        ))
    }
}

/// Runs one command and returns the exit code. An `Err` is a failure to print, such as a
/// closed pipe on stdout.
pub fn execute(
    client: &Client,
    invocation: &crate::cli::Invocation,
    out: &mut Output,
    cx: &mut Context,
) -> io::Result<i32> {
    let globals = &invocation.globals;
    match &invocation.command {
        Command::Whoami => single(out, client.whoami(), describe),
        Command::Create(new) => {
            if out.dry_run {
                out.would_send(&Request::create_user(new))?;
                return Ok(0);
            }
            single(out, client.create_user(new), |u| {
                format!("created {}", short(u))
            })
        }
        Command::Get(selection) => batch::get(client, selection, out, cx),
        Command::List { filter, ids } => list(client, filter, *ids, out),
        Command::Terminate(selection) => {
            batch::set_status(client, selection, globals, out, cx, true)
        }
        Command::Activate(selection) => {
            batch::set_status(client, selection, globals, out, cx, false)
        }
        Command::Delete {
            selection,
            terminate,
        } => batch::delete(
            client,
            selection,
            *terminate,
            globals,
            &invocation.command,
            out,
            cx,
        ),
        Command::GuestDelete(selection) => batch::unlink(client, selection, globals, out, cx),
        Command::CreateFrom(path) => batch::create_from(client, path, globals, out, cx),
        Command::Invite {
            emails,
            from,
            user_type,
        } => batch::invite(
            client,
            emails,
            from.as_deref(),
            *user_type,
            globals,
            out,
            cx,
        ),
        Command::GuestLink(guest) => {
            let result = resolve(client, guest).and_then(|id| {
                let link = client.guest_share_link(&id)?;
                Ok((id, link))
            });
            match result {
                Ok((id, link)) => {
                    out.line(&link)?;
                    out.json(&json!({ "id": id, "link": link }))?;
                    Ok(0)
                }
                Err(e) => fail(out, &e),
            }
        }
        Command::GuestApprove { link, email } => {
            if out.dry_run {
                return match client.confirm_header(link) {
                    Ok(confirm) => {
                        out.would_send(&Request::approve_guest(confirm, email.as_deref()))?;
                        Ok(0)
                    }
                    Err(e) => fail(out, &e),
                };
            }
            single(
                out,
                client.approve_guest_link(link, email.as_deref()),
                |u| format!("approved {}", short(u)),
            )
        }
        Command::Lifecycle(new) => sequence::lifecycle(client, new, out),
        Command::GuestCycle { link, email } => {
            sequence::guest_cycle(client, link, email.as_deref(), out)
        }
        Command::Login { email } => login(client, email, out, cx),
    }
}

fn single(
    out: &mut Output,
    result: Result<User, Error>,
    line: impl Fn(&User) -> String,
) -> io::Result<i32> {
    match result {
        Ok(user) => {
            out.line(&line(&user))?;
            out.json(&user_json(&user))?;
            Ok(0)
        }
        Err(e) => fail(out, &e),
    }
}

pub(crate) fn fail(out: &mut Output, error: &Error) -> io::Result<i32> {
    out.error(error)?;
    Ok(error.exit_code())
}

pub(crate) fn resolve(client: &Client, user: &UserRef) -> Result<String, Error> {
    match user {
        UserRef::Id(id) => Ok(id.clone()),
        UserRef::Email(email) => Ok(client.get_user_by_email(email)?.id),
    }
}

/// Streams the listing: a table, ids, or a JSON array, one page in memory at a time.
fn list(client: &Client, filter: &crate::Filter, ids: bool, out: &mut Output) -> io::Result<i32> {
    out.json_text("[")?;
    if !ids {
        out.line(&format!(
            "{:<36}  {:<14}  {:<10}  {:<32}  NAME",
            "ID", "TYPE", "STATUS", "EMAIL"
        ))?;
    }
    for (listed, user) in client.list_users(filter).enumerate() {
        let user = match user {
            Ok(user) => user,
            Err(e) => {
                out.json_text("]\n")?;
                return fail(
                    out,
                    &e.during(format!("list users (after {listed} listed)")),
                );
            }
        };
        if listed > 0 {
            out.json_text(",\n")?;
        }
        out.json_text(user.json())?;
        if ids {
            out.line(&user.id)?;
        } else {
            out.line(&printable(&format!(
                "{:<36}  {:<14}  {:<10}  {:<32}  {}",
                user.id,
                user.user_type().as_str(),
                user.status.to_string(),
                user.email,
                user.name()
            )))?;
        }
    }
    out.json_text("]\n")?;
    Ok(0)
}

fn login(client: &Client, email: &str, out: &mut Output, cx: &mut Context) -> io::Result<i32> {
    let password = match cx.env.var("DOCSPACE_PASSWORD") {
        Some(p) => Secret::new(&p.to_string_lossy()),
        None => match read_password(email, cx) {
            Ok(p) => p,
            Err(e) => return fail(out, &e),
        },
    };
    if password.expose().is_empty() {
        return fail(
            out,
            &Error::Usage("no password: give it on stdin or in DOCSPACE_PASSWORD".to_owned()),
        );
    }
    match client.login(email, &password) {
        Ok(token) => {
            // Printing the token is the purpose of `login`; it goes to stdout only.
            out.line(token.expose())?;
            out.json(&json!({ "token": token.expose() }))?;
            Ok(0)
        }
        Err(e) => fail(out, &e),
    }
}

/// Reads the password from stdin, without echo when stdin is a terminal.
fn read_password(email: &str, cx: &mut Context) -> Result<Secret, Error> {
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
    read.map_err(|e| Error::Input(format!("cannot read the password from stdin: {e}")))?;
    Ok(Secret::new(line.trim_end_matches(['\r', '\n'])))
}

/// `ID NAME <EMAIL>`, safe to print.
pub(crate) fn short(user: &User) -> String {
    printable(&format!("{} {} <{}>", user.id, user.name(), user.email))
}

/// `ID NAME <EMAIL> TYPE STATUS`, safe to print.
pub(crate) fn describe(user: &User) -> String {
    printable(&format!(
        "{} {} <{}> {} {}",
        user.id,
        user.name(),
        user.email,
        user.user_type(),
        user.status
    ))
}

/// Text from the portal without control characters, which could rewrite the terminal.
pub(crate) fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

pub(crate) fn user_json(user: &User) -> Value {
    serde_json::to_value(user).unwrap_or(Value::Null)
}

/// For `main`: the program's one-line report of an error, and its exit code.
pub fn report(err: &mut dyn Write, error: &Error) -> i32 {
    // Nothing more can be done if stderr itself is gone.
    let _ = writeln!(err, "docspace-people: {error}");
    error.exit_code()
}

/// For `main`: a failure to print is a closed pipe (exit 0, as `head` expects) or a real
/// output error (exit 74).
pub fn output_failure(error: &io::Error) -> i32 {
    if error.kind() == io::ErrorKind::BrokenPipe {
        0
    } else {
        74
    }
}
