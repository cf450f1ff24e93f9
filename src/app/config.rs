//! The realise step and what a run carries besides its settings: the client built from
//! the settings and the credential, and the run's context, split three ways: the
//! process's input ([`Io`]), what the journal remembers with the caller read once
//! ([`Memory`]), and the run's session: its lock and journal file ([`Session`]).

use super::args::CommandLine;
use super::exit::Failure;
use super::journal::{self, Journal, Past};
use super::lock::{self, Lock};
use super::output::Output;
use super::progress;
use super::settings::{Credential, Keyboard, Settings};
use docspace_people::{Client, ErrorKind, Options, Secret, User};
use std::fs::{File, Metadata};
use std::io::{self, BufRead, BufReader, Read};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The process's input: stdin, and where a person answers questions.
pub struct Io<'a> {
    pub stdin: &'a mut dyn BufRead,
    /// Where a person at the keyboard answers, if one is there.
    pub keyboard: Option<Keyboard>,
}

impl Io<'_> {
    /// Asks `question` on stderr and reads the answer where the person at the keyboard
    /// gives it: no one there is no.
    pub fn confirm(&mut self, out: &mut Output, question: &str) -> io::Result<bool> {
        match self.keyboard {
            Some(Keyboard::Stdin) => out.confirm(question, self.stdin),
            Some(Keyboard::Tty) => {
                let mut tty = BufReader::new(File::open("/dev/tty")?);
                out.confirm(question, &mut tty)
            }
            None => Ok(false),
        }
    }
}

/// What a run knows of the past and of who it is: the journal's record of this portal,
/// read once, and the account behind the credential, asked once.
pub struct Memory {
    /// Where the journal is; an error when there is no place for it, which a changing
    /// run reports before anything else.
    journal: Result<Option<PathBuf>, Failure>,
    past: Past,
    caller: Option<User>,
}

impl Memory {
    pub fn new(settings: &Settings) -> Memory {
        Memory {
            journal: settings.journal_path().map(|p| p.map(Path::to_owned)),
            past: Past::default(),
            caller: None,
        }
    }

    /// Reads what the journal remembers of `portal`, at the start of a changing run.
    pub fn load(&mut self, portal: &str) -> Result<(), Failure> {
        let Some(path) = self.journal.as_ref().map_err(Clone::clone)? else {
            return Ok(());
        };
        self.past = journal::past(path, portal).map_err(|e| {
            Failure::Journal(format!(
                "the journal {} cannot be read ({e}); nothing was sent: fix it, or pass --journal PATH or --no-journal",
                path.display()
            ))
        })?;
        Ok(())
    }

    /// What the journal shows this tool did on the portal (empty until [`Memory::load`]).
    pub fn past(&self) -> &Past {
        &self.past
    }

    /// The account behind the credential, asked of the portal once a run.
    pub fn caller(&mut self, client: &Client) -> Result<User, Failure> {
        if let Some(me) = &self.caller {
            return Ok(me.clone());
        }
        let me = client.whoami()?;
        self.caller = Some(me.clone());
        Ok(me)
    }
}

/// The lock and the journal file of a changing run, taken and opened before its first
/// change (so that a dry run, which sends none, takes no lock and writes nothing).
pub struct Session {
    journal_path: Result<Option<PathBuf>, Failure>,
    lock_dir: Option<PathBuf>,
    wait: Option<Duration>,
    command_line: CommandLine,
    opened: bool,
    /// The portal's lock, under each name it is known by in this run.
    locks: Vec<Lock>,
    journal: Option<Journal>,
}

impl Session {
    pub fn new(settings: &Settings) -> Session {
        let journal_path = settings.journal_path().map(|p| p.map(Path::to_owned));
        let lock_dir = settings.state_dir.clone().or_else(|| {
            journal_path
                .as_ref()
                .ok()
                .and_then(|p| p.as_deref()?.parent().map(Path::to_owned))
        });
        Session {
            journal_path,
            lock_dir,
            wait: settings.wait_lock,
            command_line: settings.command_line.clone(),
            opened: false,
            locks: Vec::new(),
            journal: None,
        }
    }

    /// Before the first change of a run: takes the portal's lock and opens the journal.
    pub fn before_changes(&mut self, portal: &str) -> Result<(), Failure> {
        if self.opened {
            return Ok(());
        }
        let journal_path = self.journal_path.clone()?;
        self.lock(&[portal])?;
        if let Some(path) = &journal_path {
            self.journal = Some(Journal::open(path, portal, &self.command_line)?);
        }
        self.opened = true;
        Ok(())
    }

    /// Takes the portal's lock under each of `names`, once a run: a second changing run
    /// against the same portal is refused before it reads anything.
    pub fn lock(&mut self, names: &[&str]) -> Result<(), Failure> {
        if !self.locks.is_empty() {
            return Ok(());
        }
        let dir = self.lock_dir.as_deref().ok_or_else(|| {
            Failure::Journal(
                "there is no place for the lock file: HOME, XDG_STATE_HOME and STATE_DIRECTORY are all unset, and /etc/passwd gives this user no home directory that exists; nothing was sent".to_owned(),
            )
        })?;
        for (at, name) in names.iter().enumerate() {
            if !names[..at].contains(name) {
                self.locks.push(lock::acquire(dir, name, self.wait)?);
            }
        }
        Ok(())
    }

    /// The journal, once opened (none with `--no-journal`).
    pub fn journal(&mut self) -> Option<&mut Journal> {
        self.journal.as_mut()
    }
}

impl Context<'_> {
    /// Before the first read of a changing run (a dry run changes nothing and takes no
    /// lock): takes the portal's lock under the address it is called on and, when the
    /// caller is asked anyway (for the journal, or `caller_needed`), under the portal's
    /// own name too, so that one portal reached by two addresses or through a proxy is
    /// one portal. The caller is the one request before the lock.
    pub fn lock_before_reads(
        &mut self,
        settings: &Settings,
        client: &Client,
        caller_needed: bool,
    ) -> Result<(), Failure> {
        if settings.dry_run {
            return Ok(());
        }
        let address = client.portal();
        let journal = matches!(self.memory.journal, Ok(Some(_)));
        let own_name = if journal || caller_needed {
            self.memory.caller(client)?.portal_address()
        } else {
            None
        };
        match own_name {
            Some(name) => self.session.lock(&[&name, &address]),
            None => self.session.lock(&[&address]),
        }
    }
}

/// The context of a run: its input, its memory and its session.
pub struct Context<'a> {
    pub io: Io<'a>,
    pub memory: Memory,
    pub session: Session,
}

impl<'a> Context<'a> {
    pub fn new(
        settings: &Settings,
        stdin: &'a mut dyn BufRead,
        keyboard: Option<Keyboard>,
    ) -> Context<'a> {
        Context {
            io: Io { stdin, keyboard },
            memory: Memory::new(settings),
            session: Session::new(settings),
        }
    }
}

/// Builds the client from the settings, reading the credential (from its file, stdin
/// or the systemd credential). `anonymous` builds one without a credential, for `login`.
pub fn connect(settings: &Settings, io: &mut Io, anonymous: bool) -> Result<Client, Failure> {
    let Some(portal) = &settings.portal else {
        return Err(config(
            "no portal address: pass --portal https://portal.example.com or set DOCSPACE_URL",
        ));
    };
    let portal = &portal.value;
    let options = Options {
        timeout: settings.timeout.value,
        retries: settings.retries.value,
        ca_file: settings.ca_file.as_ref().map(|c| c.value.clone()),
        insecure_http: settings.insecure_http,
        on_retry: (!settings.printing.quiet).then_some(note as fn(&str)),
        proxies: settings.proxies.clone(),
        parallel: settings.parallel.value,
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
    if anonymous {
        return Client::anonymous(portal, options).map_err(refused);
    }
    let credential = match settings.credential.as_ref().map(|c| &c.value) {
        Some(Credential::File(path)) if path.as_os_str() == "-" => {
            read_secret(&mut *io.stdin, "the credential from stdin")?
        }
        Some(Credential::File(path)) => read_token_file(path)?,
        Some(Credential::Value(secret)) => secret.clone(),
        // systemd alone decides who reads its credentials directory, and with an ACL a
        // credential's mode may show group bits: its mode is not checked.
        Some(Credential::Systemd(path)) => read_credential(path)?,
        None => {
            return Err(config(
                "no credential: put the API key in a file only you can read and pass --token-file PATH \
                 (or set DOCSPACE_TOKEN_FILE), or set DOCSPACE_TOKEN",
            ));
        }
    };
    Client::with_options(portal, credential, options).map_err(refused)
}

fn config(text: &str) -> Failure {
    Failure::Config(text.to_owned())
}

fn note(text: &str) {
    progress::note(text);
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
