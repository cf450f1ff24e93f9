//! The settings of a run, resolved once from the flags, the environment and the profile
//! (flags win over the environment, the environment over the profile), each with where
//! it came from. Nothing after this step reads the environment; `config show` prints
//! this value.

use super::args::{CommandLine, Globals, MOST_PARALLEL};
use super::env::Environment;
use super::exit::Failure;
use super::journal;
use super::output::Printing;
use super::profile;
use docspace_people::{Proxies, Secret};
use std::path::PathBuf;
use std::time::Duration;

/// Connections a bulk run reads users on at once, unless told: measured at 50 ms
/// (docs/performance.md), within what a portal's rate limit allows one caller.
pub const DEFAULT_PARALLEL: usize = 8;

/// A value and where it came from: a flag, a variable, a profile, or the default.
#[derive(Debug, Clone)]
pub struct Sourced<T> {
    pub value: T,
    pub source: String,
}

fn sourced<T>(value: T, source: impl Into<String>) -> Sourced<T> {
    Sourced {
        value,
        source: source.into(),
    }
}

/// Where the credential is read from, when the client is built.
#[derive(Clone)]
pub enum Credential {
    /// A token file (`-` is stdin).
    File(PathBuf),
    /// `DOCSPACE_TOKEN`, held here; never shown.
    Value(Secret),
    /// A systemd credential: `$CREDENTIALS_DIRECTORY/docspace-token`.
    Systemd(PathBuf),
}

/// Where the journal is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Journaling {
    /// `--no-journal`.
    Off,
    At(PathBuf),
    /// HOME, XDG_STATE_HOME and STATE_DIRECTORY are all unset and no path was given.
    Nowhere,
}

/// Everything a run needs to know besides its command.
pub struct Settings {
    pub portal: Option<Sourced<String>>,
    pub credential: Option<Sourced<Credential>>,
    pub timeout: Sourced<Duration>,
    pub retries: Sourced<u32>,
    /// Connections a bulk run reads users on at once.
    pub parallel: Sourced<usize>,
    pub ca_file: Option<Sourced<PathBuf>>,
    pub insecure_http: bool,
    pub proxies: Proxies,
    pub journal: Sourced<Journaling>,
    /// Where the lock (and, by default, the journal) lives.
    pub state_dir: Option<PathBuf>,
    pub wait_lock: Option<Duration>,
    /// The profile's protect file, applied by every command that changes accounts on top
    /// of the command's own `--protect`.
    pub protect_file: Option<Sourced<PathBuf>>,
    pub printing: Printing,
    pub dry_run: bool,
    pub yes: bool,
    pub max: Option<usize>,
    /// What the process is attached to: whether a person can be asked ([`Keyboard::of`]).
    pub terminal: Terminal,
    /// The command line, for the journal (secrets are scrubbed when it is written).
    pub command_line: CommandLine,
    /// `DOCSPACE_PASSWORD`, for `login`.
    pub password: Option<Secret>,
}

/// What the process is attached to, as `main` found it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Terminal {
    pub stdin: bool,
    pub stderr: bool,
    /// The process has a controlling terminal: `/dev/tty` opens.
    pub controlling: bool,
}

/// Where a person at the keyboard answers a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyboard {
    /// stdin, a terminal the command does not read its input from.
    Stdin,
    /// The controlling terminal, `/dev/tty`: stdin is a pipe or holds the input
    /// (`docspace-people user list --ids … | docspace-people user delete --from -`).
    Tty,
}

impl Keyboard {
    /// Where a person answers, if one is there: stdin when it is a terminal the command
    /// does not read (`reads_stdin`), else the controlling terminal when stderr, where
    /// the question is written, is a terminal too (as `rm -i`, apt and git ask). None
    /// without any terminal (cron, systemd, a script whose stderr is a file): nobody is
    /// asked, and the unattended limits apply.
    pub fn of(terminal: Terminal, reads_stdin: bool) -> Option<Keyboard> {
        if terminal.stdin && !reads_stdin {
            Some(Keyboard::Stdin)
        } else if terminal.controlling && terminal.stderr {
            Some(Keyboard::Tty)
        } else {
            None
        }
    }
}

impl Settings {
    /// Resolves the settings of a run.
    pub fn resolve(
        globals: &Globals,
        command_line: &CommandLine,
        env: &dyn Environment,
        terminal: Terminal,
    ) -> Result<Settings, Failure> {
        let (profile, origin) = profile::chosen(globals.profile.as_deref(), env)?;
        let text = |name: &str| env.var(name).map(|v| v.to_string_lossy().into_owned());
        fn from_profile<T: Clone>(value: &Option<T>, origin: &str) -> Option<Sourced<T>> {
            value.clone().map(|v| sourced(v, origin))
        }

        let portal = match (&globals.portal, text("DOCSPACE_URL")) {
            (Some(p), _) => Some(sourced(p.clone(), "--portal")),
            (None, Some(p)) => Some(sourced(p, "DOCSPACE_URL")),
            (None, None) => from_profile(&profile.portal, &origin),
        };
        let credential = match (
            &globals.token_file,
            env.var("DOCSPACE_TOKEN_FILE"),
            env.var("DOCSPACE_TOKEN"),
            env.var("CREDENTIALS_DIRECTORY"),
        ) {
            (Some(path), ..) => Some(sourced(Credential::File(path.clone()), "--token-file")),
            (None, Some(path), ..) => Some(sourced(
                Credential::File(path.into()),
                "DOCSPACE_TOKEN_FILE",
            )),
            (None, None, Some(token), _) => Some(sourced(
                Credential::Value(Secret::new(&token.to_string_lossy())),
                "DOCSPACE_TOKEN",
            )),
            (None, None, None, Some(dir)) => Some(sourced(
                Credential::Systemd(PathBuf::from(dir).join("docspace-token")),
                "CREDENTIALS_DIRECTORY",
            )),
            (None, None, None, None) => profile
                .token_file
                .clone()
                .map(|path| sourced(Credential::File(path), origin.clone())),
        };
        let ca_file = match (&globals.ca_file, env.var("DOCSPACE_CA_FILE")) {
            (Some(path), _) => Some(sourced(path.clone(), "--ca-file")),
            (None, Some(path)) => Some(sourced(PathBuf::from(path), "DOCSPACE_CA_FILE")),
            (None, None) => from_profile(&profile.ca_file, &origin),
        };
        let timeout = match (globals.timeout, profile.timeout) {
            (Some(t), _) => sourced(t, "--timeout"),
            (None, Some(t)) if (1..=3600).contains(&t) => sourced(t, origin.clone()),
            (None, Some(t)) => {
                return Err(Failure::Config(format!(
                    "{origin}: timeout {t} is not a whole number of seconds from 1 to 3600"
                )));
            }
            (None, None) => sourced(30, "default"),
        };
        let retries = match (globals.retries, profile.retries) {
            (Some(r), _) => sourced(r, "--retries"),
            (None, Some(r)) if r <= 10 => sourced(r, origin.clone()),
            (None, Some(r)) => {
                return Err(Failure::Config(format!(
                    "{origin}: retries {r} is not from 0 to 10"
                )));
            }
            (None, None) => sourced(3, "default"),
        };
        let parallel = match (globals.parallel, profile.parallel) {
            (Some(n), _) => sourced(n, "--parallel"),
            (None, Some(n)) if (1..=MOST_PARALLEL).contains(&n) => sourced(n, origin.clone()),
            (None, Some(n)) => {
                return Err(Failure::Config(format!(
                    "{origin}: parallel {n} is not from 1 to {MOST_PARALLEL}"
                )));
            }
            (None, None) => sourced(DEFAULT_PARALLEL, "default"),
        };
        let state_dir = journal::state_dir(env);
        let journal = match (
            globals.no_journal,
            &globals.journal,
            env.var("DOCSPACE_JOURNAL"),
            &profile.journal,
        ) {
            (true, ..) => sourced(Journaling::Off, "--no-journal"),
            (false, Some(path), ..) => sourced(Journaling::At(path.clone()), "--journal"),
            (false, None, Some(path), _) => {
                sourced(Journaling::At(path.into()), "DOCSPACE_JOURNAL")
            }
            (false, None, None, Some(path)) => {
                sourced(Journaling::At(path.clone()), origin.clone())
            }
            (false, None, None, None) => match &state_dir {
                Some(dir) => sourced(Journaling::At(dir.join("journal.jsonl")), "default"),
                None => sourced(Journaling::Nowhere, "default"),
            },
        };
        let proxies = Proxies::from_env(text);
        Ok(Settings {
            portal,
            credential,
            timeout: Sourced {
                value: Duration::from_secs(timeout.value),
                source: timeout.source,
            },
            retries,
            parallel,
            ca_file,
            insecure_http: globals.insecure_http,
            proxies,
            journal,
            state_dir,
            wait_lock: globals.wait_lock,
            protect_file: from_profile(&profile.protect_file, &origin),
            printing: Printing {
                format: globals.output,
                json: globals.json,
                quiet: globals.quiet,
                columns: globals.columns.clone(),
                header: !globals.no_header,
                progress: terminal.stderr && !globals.quiet,
            },
            dry_run: globals.dry_run,
            yes: globals.yes,
            max: globals.max,
            terminal,
            command_line: command_line.clone(),
            password: env
                .var("DOCSPACE_PASSWORD")
                .map(|p| Secret::new(&p.to_string_lossy())),
        })
    }

    /// The journal's path; an error for a run that must keep one but has no place for it.
    pub fn journal_path(&self) -> Result<Option<&std::path::Path>, Failure> {
        match &self.journal.value {
            Journaling::Off => Ok(None),
            Journaling::At(path) => Ok(Some(path)),
            Journaling::Nowhere => Err(Failure::Journal(
                "there is no place for the journal: HOME, XDG_STATE_HOME and STATE_DIRECTORY are all unset, and /etc/passwd gives this user no home directory that exists; pass --journal PATH, or --no-journal to keep none".to_owned(),
            )),
        }
    }

    /// Every setting as `config show` prints it: name, value, source. Never a secret.
    pub fn shown(&self) -> Vec<(&'static str, String, String)> {
        let mut rows = Vec::new();
        let mut row =
            |name, value: String, source: &str| rows.push((name, value, source.to_owned()));
        let path = |p: &PathBuf| p.display().to_string();
        match &self.portal {
            Some(p) => row("portal", p.value.clone(), &p.source),
            None => row("portal", "(none)".to_owned(), "unset"),
        }
        match &self.credential {
            Some(c) => {
                let value = match &c.value {
                    Credential::File(p) | Credential::Systemd(p) => path(p),
                    Credential::Value(_) => "(the value of DOCSPACE_TOKEN, not shown)".to_owned(),
                };
                row("credential", value, &c.source)
            }
            None => row("credential", "(none)".to_owned(), "unset"),
        }
        if let Some(ca) = &self.ca_file {
            row("ca_file", path(&ca.value), &ca.source);
        }
        row(
            "timeout",
            format!("{} s", self.timeout.value.as_secs()),
            &self.timeout.source,
        );
        row(
            "retries",
            self.retries.value.to_string(),
            &self.retries.source,
        );
        row(
            "parallel",
            self.parallel.value.to_string(),
            &self.parallel.source,
        );
        let journal = match &self.journal.value {
            Journaling::Off => "(none)".to_owned(),
            Journaling::At(p) => path(p),
            Journaling::Nowhere => {
                "(nowhere: HOME, XDG_STATE_HOME and STATE_DIRECTORY are unset)".to_owned()
            }
        };
        row("journal", journal, &self.journal.source);
        match &self.protect_file {
            Some(p) => row("protect_file", path(&p.value), &p.source),
            None => row("protect_file", "(none)".to_owned(), "unset"),
        }
        rows
    }
}
