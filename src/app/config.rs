//! The settings of a run: the portal address, the credential and the client options,
//! read from the command line, the environment, a token file or stdin.

use super::cli::{Command, Globals};
pub use super::env::{Environment, ProcessEnvironment};
use super::exit::Failure;
use super::journal::{self, Journal};
use super::lock::{self, Lock};
use docspace_people::{Client, ErrorKind, Options, Proxies, Secret};
use std::collections::{HashMap, HashSet};
use std::fs::{File, Metadata};
use std::io::{self, BufRead, Read};
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
                "there is no place for the lock file: HOME, XDG_STATE_HOME and STATE_DIRECTORY are all unset, and /etc/passwd gives this user no home directory that exists; nothing was sent".to_owned(),
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
            read_secret(&mut *cx.stdin, "the credential from stdin")?
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

/// The most a credential is read of. An API key or a token is under 1 KiB: a larger
/// file is the wrong file (a log, an archive), which must not be sent as a header.
const LARGEST_CREDENTIAL: usize = 64 * 1024;

/// Reads a credential from `source`, called `what` in messages, refusing one larger than
/// [`LARGEST_CREDENTIAL`] after reading one byte more than that, whatever the source holds.
fn read_secret(source: impl Read, what: &str) -> Result<Secret, Failure> {
    let mut bytes = Vec::new();
    source
        .take(LARGEST_CREDENTIAL as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| config(&format!("cannot read {what}: {e}")))?;
    if bytes.len() > LARGEST_CREDENTIAL {
        return Err(config(&format!(
            "{what} is too large to be a token (over 64 KiB): it should hold the API key alone"
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| config(&format!("cannot read {what}: it is not UTF-8 text")))?;
    // Notepad starts a UTF-8 file with a byte order mark, which is no part of the key.
    Ok(Secret::new(text.strip_prefix('\u{feff}').unwrap_or(&text)))
}

/// Opens a credential's file, refusing a directory by name: reading one fails with
/// EISDIR, and its mode would be checked as if it were a key file.
fn open_credential(path: &Path, what: &str) -> Result<(File, Metadata), Failure> {
    let unreadable = |e: io::Error| config(&format!("cannot read {what}: {e}"));
    let file = File::open(path).map_err(unreadable)?;
    let metadata = file.metadata().map_err(unreadable)?;
    if metadata.is_dir() {
        return Err(config(&format!(
            "{what} is a directory: name the file that holds the API key"
        )));
    }
    Ok((file, metadata))
}

/// Reads a systemd credential.
fn read_credential(path: &Path) -> Result<Secret, Failure> {
    let what = format!("the credential {}", path.display());
    let (file, _) = open_credential(path, &what)?;
    read_secret(file, &what)
}

/// Reads a token file, refusing one that others on the machine could read too.
fn read_token_file(path: &Path) -> Result<Secret, Failure> {
    let what = format!("the token file {}", path.display());
    let (file, metadata) = open_credential(path, &what)?;
    let mode = metadata.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(config(&format!(
            "{what} can be read by other users (mode {:03o}): run 'chmod 600 {}'",
            mode & 0o777,
            path.display()
        )));
    }
    read_secret(file, &what)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<String, String> {
        read_secret(bytes, "the token file t")
            .map(|s| s.expose().to_owned())
            .map_err(|f| f.to_string())
    }

    #[test]
    fn a_byte_order_mark_and_the_line_break_are_no_part_of_the_key() {
        assert_eq!(read(b"\xEF\xBB\xBFsk-abc\r\n").as_deref(), Ok("sk-abc"));
        assert_eq!(read(b"sk-abc\n").as_deref(), Ok("sk-abc"));
        assert!(read(b"\xFF\xFEs\0k\0").unwrap_err().contains("not UTF-8"));
    }

    #[test]
    fn a_credential_over_64_kib_is_refused_without_reading_it_all() {
        let most = vec![b'a'; 64 * 1024];
        assert_eq!(read(&most).map(|k| k.len()), Ok(64 * 1024));
        let over = vec![b'a'; 64 * 1024 + 1];
        assert!(read(&over).unwrap_err().contains("too large to be a token"));
        // A source without end: only a bounded read returns.
        let endless = read_secret(io::repeat(b'a'), "the credential from stdin");
        assert!(endless.is_err());
    }
}
