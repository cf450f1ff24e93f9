//! The settings of a run: the portal address, the credential and the client options,
//! read from the command line, the environment, a token file or stdin.

use super::cli::{Command, Globals};
pub use super::env::{Environment, ProcessEnvironment};
use super::exit::Failure;
use super::journal::{self, Journal};
use super::lock::{self, Lock};
use docspace_people::{Client, ErrorKind, Options, Proxies, Secret};
use std::collections::{HashMap, HashSet};
use std::io::{self, BufRead};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;
use std::time::SystemTime;

/// What a run has besides the portal: the environment, standard input, and for a
/// changing command its journal and the portal's lock.
pub struct Context<'a> {
    pub env: &'a dyn Environment,
    pub stdin: &'a mut dyn BufRead,
    /// A person is at the keyboard: confirmations can be asked.
    pub stdin_is_terminal: bool,
    /// Where every change is recorded before and after it is sent.
    pub journal: Option<Journal>,
    /// The ids and addresses the journal shows this tool deleted on this portal.
    pub deleted: HashSet<String>,
    /// The guests (by id) the journal shows this tool unlinked on this portal.
    pub unlinked: HashSet<String>,
    /// When the journal shows this tool terminated each user (by id) on this portal.
    pub terminations: HashMap<String, SystemTime>,
    /// The account behind the credential, once asked.
    pub caller: Option<docspace_people::User>,
    /// Held for the whole of a changing run, from its first change.
    pub lock: Option<Lock>,
    /// The lock and the journal a changing run takes before its first change.
    pub pending: Option<Pending>,
}

/// Where a changing run records its changes and takes its lock, once it changes
/// something: the first step the engine sends opens both ([`Context::before_changes`]),
/// so that a dry run, which sends none, takes no lock and writes nothing.
pub struct Pending {
    journal: Option<PathBuf>,
    lock_dir: Option<PathBuf>,
    portal: String,
    command_line: String,
    wait: Option<Duration>,
}

/// For a changing command (and a listing by termination age): reads what the journal
/// remembers, and notes where the lock and the journal will be.
pub fn start(
    client: &Client,
    globals: &Globals,
    command: &Command,
    command_line: &str,
    cx: &mut Context,
) -> Result<(), Failure> {
    let lists_by_age = matches!(
        command,
        Command::List {
            terminated: Some(_),
            ..
        }
    );
    if !command.changes() && !lists_by_age {
        return Ok(());
    }
    let path = journal::location(globals, cx.env)?;
    let portal = client.portal();
    if command.changes() {
        cx.pending = Some(Pending {
            lock_dir: journal::state_dir(cx.env)
                .or_else(|| path.as_deref().and_then(Path::parent).map(Path::to_owned)),
            journal: path.clone(),
            portal: portal.clone(),
            command_line: command_line.to_owned(),
            wait: globals.wait_lock,
        });
    }
    let Some(path) = path else { return Ok(()) };
    let past = journal::past(&path, &portal).map_err(|e| {
        Failure::Journal(format!(
            "the journal {} cannot be read ({e}); nothing was sent: fix it, or pass --journal PATH or --no-journal",
            path.display()
        ))
    })?;
    cx.deleted = past.deleted;
    cx.terminations = past.terminations;
    cx.unlinked = past.unlinked;
    Ok(())
}

impl Context<'_> {
    /// Before the first change of a run: takes the portal's lock and opens the journal.
    pub fn before_changes(&mut self) -> Result<(), Failure> {
        let Some(pending) = self.pending.take() else {
            return Ok(());
        };
        let dir = pending.lock_dir.ok_or_else(|| {
            Failure::Journal(
                "there is no place for the lock file: HOME, XDG_STATE_HOME and STATE_DIRECTORY are all unset; nothing was sent".to_owned(),
            )
        })?;
        self.lock = Some(lock::acquire(&dir, &pending.portal, pending.wait)?);
        if let Some(path) = &pending.journal {
            self.journal = Some(Journal::open(path, &pending.portal, &pending.command_line)?);
        }
        Ok(())
    }
}

/// The account behind the credential, asked of the portal once a run.
pub fn caller(client: &Client, cx: &mut Context) -> Result<docspace_people::User, Failure> {
    if let Some(me) = &cx.caller {
        return Ok(me.clone());
    }
    let me = client.whoami()?;
    cx.caller = Some(me.clone());
    Ok(me)
}

/// Reads the portal address and the credential, and builds the client.
///
/// The address comes from `--portal` or `DOCSPACE_URL`; the credential from
/// `--token-file` (`-` for stdin), `DOCSPACE_TOKEN_FILE`, `DOCSPACE_TOKEN` or, for a
/// systemd service, `$CREDENTIALS_DIRECTORY/docspace-token`, in that order. `login`
/// needs no credential: it is how one is obtained. The proxy variables are read as curl
/// reads them ([`Proxies::from_env`]).
pub fn connect(globals: &Globals, command: &Command, cx: &mut Context) -> Result<Client, Failure> {
    let portal = match (&globals.portal, cx.env.var("DOCSPACE_URL")) {
        (Some(p), _) => p.clone(),
        (None, Some(p)) => p.to_string_lossy().into_owned(),
        (None, None) => {
            return Err(config(
                "no portal address: pass --portal https://portal.example.com or set DOCSPACE_URL",
            ));
        }
    };
    let options = Options {
        timeout: Duration::from_secs(globals.timeout.unwrap_or(30)),
        retries: globals.retries.unwrap_or(3),
        ca_file: globals.ca_file.clone(),
        insecure_http: globals.insecure_http,
        on_retry: (!globals.quiet).then_some(note as fn(&str)),
        proxies: Proxies::from_env(|name| {
            cx.env.var(name).map(|v| v.to_string_lossy().into_owned())
        }),
    };
    // The library refuses plain http to another host without naming this program's flag.
    let plain_http = portal
        .trim()
        .get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("http://"));
    let refused = |error: docspace_people::Error| {
        let text = error.to_string();
        match text.split_once(": use https://") {
            Some((problem, _)) if error.kind() == ErrorKind::Config && plain_http => {
                config(&format!(
                    "{problem}: use https://, or pass --insecure-http if the network is trusted"
                ))
            }
            _ => Failure::Portal(error),
        }
    };
    if let Command::Login { .. } = command {
        return Client::anonymous(&portal, options).map_err(refused);
    }
    let token_file = globals
        .token_file
        .clone()
        .or_else(|| cx.env.var("DOCSPACE_TOKEN_FILE").map(Into::into));
    let credential = match token_file {
        Some(path) if path.as_os_str() == "-" => {
            let mut text = String::new();
            cx.stdin
                .read_to_string(&mut text)
                .map_err(|e| config(&format!("cannot read the credential from stdin: {e}")))?;
            Secret::new(&text)
        }
        Some(path) => read_token_file(&path)?,
        None => match (
            cx.env.var("DOCSPACE_TOKEN"),
            cx.env.var("CREDENTIALS_DIRECTORY"),
        ) {
            (Some(token), _) => Secret::new(&token.to_string_lossy()),
            // systemd alone decides who reads its credentials directory, and with an ACL
            // a credential's mode may show group bits: its mode is not checked.
            (None, Some(dir)) => read_credential(&Path::new(&dir).join("docspace-token"))?,
            (None, None) => {
                return Err(config(
                    "no credential: put the API key in a file only you can read and pass --token-file PATH \
                     (or set DOCSPACE_TOKEN_FILE), or set DOCSPACE_TOKEN",
                ));
            }
        },
    };
    Client::with_options(&portal, credential, options).map_err(refused)
}

fn config(text: &str) -> Failure {
    Failure::Config(text.to_owned())
}

fn note(text: &str) {
    eprintln!("docspace-people: {text}");
}

/// Reads a systemd credential.
fn read_credential(path: &Path) -> Result<Secret, Failure> {
    std::fs::read_to_string(path)
        .map(|text| Secret::new(&text))
        .map_err(|e| {
            config(&format!(
                "cannot read the credential {}: {e}",
                path.display()
            ))
        })
}

/// Reads a token file, refusing one that others on the machine could read too.
fn read_token_file(path: &Path) -> Result<Secret, Failure> {
    let unreadable = |e: io::Error| {
        config(&format!(
            "cannot read the token file {}: {e}",
            path.display()
        ))
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mode = file.metadata().map_err(unreadable)?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(config(&format!(
            "the token file {} can be read by other users (mode {:03o}): run 'chmod 600 {}'",
            path.display(),
            mode & 0o777,
            path.display()
        )));
    }
    let text = io::read_to_string(file).map_err(unreadable)?;
    Ok(Secret::new(&text))
}
