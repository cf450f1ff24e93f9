//! The vocabulary of the command line: an option's definition ([`Opt`]), the options
//! every command takes ([`GLOBALS`]), the values a command is given ([`Args`]) read by
//! one typed getter per kind, and the typed values the commands share (a user named on
//! the command line, a selection, an heir, an age).
//!
//! Every option is defined once, here or in its command's file; the parser, the help,
//! the manual and the completions all read those definitions.

use super::exit::Failure;
use super::format::{Column, Format};
use docspace_people::{Date, Email, Filter, Status, UserId, UserType};
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

/// What an option's value is, and so how it is read and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// No value.
    Flag,
    /// Text (UTF-8), checked by the command that reads it.
    Text,
    /// A file path, taken as given (it need not be UTF-8).
    Path,
    /// A duration with a unit (`30s`, `10m`, `1h`, `30d`, `2w`).
    Duration,
    /// Seconds: a bare number, or a duration with a unit.
    Seconds,
    /// A day, `YYYY-MM-DD`.
    Date,
    /// A whole number from 0 to this one.
    Count(u64),
}

/// One option of the command line.
#[derive(Debug)]
pub struct Opt {
    /// The long name, without the dashes.
    pub long: &'static str,
    pub short: Option<char>,
    pub kind: Kind,
    /// The value's name in the help (`FILE`, `DUR`); empty for a flag.
    pub value: &'static str,
    /// One line of help; further lines (after `\n`) are indented under it.
    pub help: &'static str,
    /// May be given more than once.
    pub repeats: bool,
}

impl Opt {
    pub const fn flag(long: &'static str, help: &'static str) -> Opt {
        Opt {
            long,
            short: None,
            kind: Kind::Flag,
            value: "",
            help,
            repeats: false,
        }
    }

    pub const fn value(
        long: &'static str,
        kind: Kind,
        value: &'static str,
        help: &'static str,
    ) -> Opt {
        Opt {
            long,
            short: None,
            kind,
            value,
            help,
            repeats: false,
        }
    }

    const fn short(mut self, short: char) -> Opt {
        self.short = Some(short);
        self
    }

    /// The same option, which may be given more than once.
    pub const fn repeating(mut self) -> Opt {
        self.repeats = true;
        self
    }

    /// `--long VALUE`, as the help shows it.
    pub fn usage(&self) -> String {
        match (self.short, self.value) {
            (Some(s), "") => format!("-{s}, --{}", self.long),
            (None, "") => format!("--{}", self.long),
            (Some(s), v) => format!("-{s}, --{} {v}", self.long),
            (None, v) => format!("--{} {v}", self.long),
        }
    }
}

/// The options every command takes, before or after the command's words.
pub const GLOBALS: &[&Opt] = &[
    &PORTAL,
    &TOKEN_FILE,
    &CA_FILE,
    &PROFILE,
    &TIMEOUT,
    &RETRIES,
    &PARALLEL,
    &INSECURE_HTTP,
    &JOURNAL,
    &NO_JOURNAL,
    &WAIT_LOCK,
    &DRY_RUN,
    &MAX,
    &YES,
    &JSON,
    &OUTPUT,
    &COLUMNS,
    &NO_HEADER,
    &QUIET,
    &HELP,
    &VERSION,
];

pub const PORTAL: Opt = Opt::value(
    "portal",
    Kind::Text,
    "URL",
    "portal address, e.g. https://portal.example.com   (env DOCSPACE_URL)",
);
pub const TOKEN_FILE: Opt = Opt::value(
    "token-file",
    Kind::Path,
    "PATH",
    "file holding the API key or token; '-' reads it from stdin\n(env DOCSPACE_TOKEN_FILE; or env DOCSPACE_TOKEN holding it directly;\nor $CREDENTIALS_DIRECTORY/docspace-token under systemd)",
);
pub const CA_FILE: Opt = Opt::value(
    "ca-file",
    Kind::Path,
    "PATH",
    "trust the certificates in this PEM file (a private CA)\ninstead of the public certificate authorities (env DOCSPACE_CA_FILE)",
);
pub const PROFILE: Opt = Opt::value(
    "profile",
    Kind::Text,
    "NAME",
    "settings of this profile of the config file (env DOCSPACE_PROFILE;\nthe file is DOCSPACE_CONFIG or ~/.config/docspace-people/config.json;\nflags win over the environment, the environment over the profile)",
);
pub const TIMEOUT: Opt = Opt::value(
    "timeout",
    Kind::Seconds,
    "SECS",
    "bound on each request, in seconds or with a unit (default 30)",
);
pub const RETRIES: Opt = Opt::value(
    "retries",
    Kind::Count(10),
    "N",
    "repeat a request that is safe to repeat after a temporary\nfailure, up to N times (default 3; 0 disables)",
);
pub const PARALLEL: Opt = Opt::value(
    "parallel",
    Kind::Count(MOST_PARALLEL as u64),
    "N",
    "read the users of a bulk run on up to N connections at once\n(default 8; 1 reads one at a time; changes are always sent one\nbatch at a time, in order)",
);
/// The most connections a run opens to the portal at once.
pub const MOST_PARALLEL: usize = 16;
pub const INSECURE_HTTP: Opt = Opt::flag(
    "insecure-http",
    "allow plain http:// to a host other than this machine",
);
pub const JOURNAL: Opt = Opt::value(
    "journal",
    Kind::Path,
    "PATH",
    "record every change here (env DOCSPACE_JOURNAL; default\n$XDG_STATE_HOME/docspace-people/journal.jsonl, ~/.local/state/…\nwith ~ from HOME or else /etc/passwd, or\n$STATE_DIRECTORY/journal.jsonl under systemd)",
);
pub const NO_JOURNAL: Opt = Opt::flag("no-journal", "keep no record of changes");
pub const WAIT_LOCK: Opt = Opt::value(
    "wait-lock",
    Kind::Duration,
    "DUR",
    "wait up to DUR (30s, 10m, 1h) for another changing run against the\nsame portal to finish, instead of exiting 75",
);
pub const DRY_RUN: Opt = Opt::flag(
    "dry-run",
    "send nothing that changes the portal; print each such request",
);
pub const MAX: Opt = Opt::value(
    "max",
    Kind::Count(u32::MAX as u64),
    "N",
    "refuse to act on more than N users (default 100 for a bulk change of\naccounts when no one is at a terminal)",
);
pub const YES: Opt = Opt::flag("yes", "do not ask for confirmation on a terminal").short('y');
pub const JSON: Opt = Opt::flag("json", "print results as JSON on stdout (--output json)");
pub const OUTPUT: Opt = Opt::value(
    "output",
    Kind::Text,
    "FORMAT",
    "how users are printed: table (default), json, jsonl, csv (RFC 4180),\ntsv or ids; user objects carry typeName, statusName and\nactivationName next to what the portal sent",
);
pub const COLUMNS: Opt = Opt::value(
    "columns",
    Kind::Text,
    "LIST",
    "the columns of table, csv and tsv, from id, email, first, last,\nname, type, status, activation, registered, terminated, created-by",
);
pub const NO_HEADER: Opt = Opt::flag("no-header", "no header line in table, csv and tsv");
pub const QUIET: Opt = Opt::flag(
    "quiet",
    "no notes, progress or summaries (a read command still prints its\ndata, a dry run its plan; errors are always printed)",
)
.short('q');
pub const HELP: Opt = Opt::flag(
    "help",
    "help; 'docspace-people COMMAND --help' for one command",
)
.short('h');
pub const VERSION: Opt = Opt::flag("version", "print the version").short('V');

// Options several commands share, defined once.
pub const FROM: Opt = Opt::value(
    "from",
    Kind::Path,
    "FILE",
    "the users listed in FILE, one id or e-mail a line ('-' is stdin;\nblank lines and lines starting with # are skipped)",
);
pub const STATUS: Opt = Opt::value(
    "status",
    Kind::Text,
    "S",
    "only users of this status: active, terminated or pending",
);
pub const TYPE_FILTER: Opt = Opt::value(
    "type",
    Kind::Text,
    "T",
    "only users of this type: user, guest, room-admin or docspace-admin",
);
pub const TYPE_NEW: Opt = Opt::value(
    "type",
    Kind::Text,
    "T",
    "user (the default), room-admin (a paid seat) or docspace-admin (owner only)",
);
pub const SEARCH: Opt = Opt::value(
    "search",
    Kind::Text,
    "TEXT",
    "only users whose first name, last name or e-mail contains TEXT",
);
pub const REGISTERED_BEFORE: Opt = Opt::value(
    "registered-before",
    Kind::Date,
    "YYYY-MM-DD",
    "only users registered before this day",
);
pub const PROTECT: Opt = Opt::value(
    "protect",
    Kind::Path,
    "FILE",
    "accounts (one id or e-mail a line) never changed, on top of the\nprofile's protect_file; the owner and you are always protected",
);
pub const HEIR: Opt = Opt::value(
    "heir",
    Kind::Text,
    "USER|me",
    "who receives the rooms and shared files: an active room admin or\nDocSpace admin; 'me' is you",
);
pub const WAIT: Opt = Opt::value(
    "wait",
    Kind::Duration,
    "DUR",
    "how long to wait for each of the portal's jobs (default 5m); with --heir",
);
pub const KEEP_KEYS: Opt = Opt::flag(
    "keep-keys",
    "leave the users' API keys in place (by default they are revoked: the portal\nkeeps a terminated user's keys, which work again if the account is reactivated)",
);
pub const EMAIL: Opt = Opt::value("email", Kind::Text, "E", "the e-mail address");
pub const FIRST_NAME: Opt = Opt::value("first-name", Kind::Text, "F", "the first name");
pub const LAST_NAME: Opt = Opt::value("last-name", Kind::Text, "L", "the last name");

pub const TERMINATED_BEFORE: Opt = Opt::value(
    "terminated-before",
    Kind::Date,
    "YYYY-MM-DD",
    "only users terminated before this day",
);
pub const TERMINATED_FOR: Opt = Opt::value(
    "terminated-for",
    Kind::Duration,
    "DUR",
    "only users terminated at least this long ago (30d), as the portal or\nthis tool's journal recorded it; users whose date is unknown are left out",
);

/// The filters of `user list`, which the bulk commands also select by.
pub const FILTERS: [&Opt; 4] = [&STATUS, &TYPE_FILTER, &SEARCH, &REGISTERED_BEFORE];

/// Whether `opt` is [`FROM`], the list of users a command is given ([`FROM`] is a
/// constant, so its copies are told by their definition, not their address).
pub fn is_user_list(opt: &Opt) -> bool {
    opt.long == FROM.long && opt.help == FROM.help
}

/// `word` as a shell reads it back: as it is when it holds nothing the shell treats
/// specially, else in single quotes.
pub fn quoted(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// The command line of a run, as the journal keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandLine {
    /// The arguments as given (secrets are scrubbed when it is written).
    pub line: String,
    /// The command's name: `user delete`.
    pub name: &'static str,
    /// For a command that takes a list of users (`--from`): the same command without
    /// its users (the words naming them, `--from` and the listing's filters), quoted for
    /// a shell. Given the users with `--from -`, it sends the ones a run did not finish.
    pub again: Option<String>,
}

/// The options every command takes, as given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Globals {
    pub portal: Option<String>,
    pub token_file: Option<PathBuf>,
    pub json: bool,
    pub quiet: bool,
    pub timeout: Option<u64>,
    pub retries: Option<u32>,
    pub parallel: Option<usize>,
    pub profile: Option<String>,
    pub ca_file: Option<PathBuf>,
    pub insecure_http: bool,
    pub dry_run: bool,
    pub yes: bool,
    pub max: Option<usize>,
    pub journal: Option<PathBuf>,
    pub no_journal: bool,
    pub wait_lock: Option<Duration>,
    pub output: Option<Format>,
    pub columns: Option<Vec<Column>>,
    pub no_header: bool,
}

impl Globals {
    /// The global options of `given`, checked.
    pub fn of(given: &mut Args) -> Result<Globals, Failure> {
        let output = given
            .text(&OUTPUT)?
            .map(|f| Format::parse(&f))
            .transpose()?;
        Ok(Globals {
            portal: given.text(&PORTAL)?,
            token_file: given.path(&TOKEN_FILE),
            json: given.flag(&JSON) || matches!(output, Some(Format::Json | Format::Jsonl)),
            quiet: given.flag(&QUIET),
            timeout: given.seconds(&TIMEOUT)?,
            retries: given.count(&RETRIES)?.map(|n| n as u32),
            parallel: match given.count(&PARALLEL)? {
                Some(0) => {
                    return Err(Failure::Usage(format!(
                        "--parallel takes a whole number from 1 to {MOST_PARALLEL}, not '0'"
                    )));
                }
                n => n.map(|n| n as usize),
            },
            profile: given.text(&PROFILE)?,
            ca_file: given.path(&CA_FILE),
            insecure_http: given.flag(&INSECURE_HTTP),
            dry_run: given.flag(&DRY_RUN),
            yes: given.flag(&YES),
            max: given.count(&MAX)?.map(|n| n as usize),
            journal: given.path(&JOURNAL),
            no_journal: given.flag(&NO_JOURNAL),
            wait_lock: given.duration(&WAIT_LOCK)?,
            output,
            columns: given
                .text(&COLUMNS)?
                .map(|c| Column::parse_list(&c))
                .transpose()?,
            no_header: given.flag(&NO_HEADER),
        })
    }
}

/// What a command was given: its positional words and its options' values, each read
/// once by the getter of its kind.
#[derive(Debug, Default)]
pub struct Args {
    /// The command's name, for messages.
    pub name: &'static str,
    /// The positional arguments after the command's words.
    pub words: Vec<String>,
    pub(crate) given: Vec<(&'static Opt, Option<OsString>)>,
}

impl Args {
    fn take(&mut self, opt: &Opt) -> Option<Option<OsString>> {
        let at = self.given.iter().position(|(o, _)| o.long == opt.long)?;
        Some(self.given.remove(at).1)
    }

    fn value(&mut self, opt: &Opt) -> Option<OsString> {
        self.take(opt).flatten()
    }

    /// Whether the option was given (its value is left for its getter).
    pub fn has(&self, opt: &Opt) -> bool {
        self.given.iter().any(|(o, _)| o.long == opt.long)
    }

    pub fn flag(&mut self, opt: &Opt) -> bool {
        self.take(opt).is_some()
    }

    pub fn text(&mut self, opt: &Opt) -> Result<Option<String>, Failure> {
        self.value(opt)
            .map(|v| {
                v.into_string().map_err(|v| {
                    Failure::Usage(format!(
                        "--{} '{}' is not valid UTF-8",
                        opt.long,
                        v.to_string_lossy()
                    ))
                })
            })
            .transpose()
    }

    /// Every value of an option that may be given more than once, in order.
    pub fn texts(&mut self, opt: &Opt) -> Result<Vec<String>, Failure> {
        let mut values = Vec::new();
        while self.has(opt) {
            values.extend(self.text(opt)?);
        }
        Ok(values)
    }

    pub fn path(&mut self, opt: &Opt) -> Option<PathBuf> {
        self.value(opt).map(PathBuf::from)
    }

    pub fn duration(&mut self, opt: &Opt) -> Result<Option<Duration>, Failure> {
        let flag = format!("--{}", opt.long);
        self.text(opt)?.map(|v| duration(&flag, &v)).transpose()
    }

    pub fn seconds(&mut self, opt: &Opt) -> Result<Option<u64>, Failure> {
        let flag = format!("--{}", opt.long);
        self.text(opt)?.map(|v| seconds(&flag, &v)).transpose()
    }

    pub fn date(&mut self, opt: &Opt) -> Result<Option<Date>, Failure> {
        self.text(opt)?
            .map(|d| {
                d.parse::<Date>().map_err(|_| {
                    Failure::Usage(format!(
                        "--{} '{d}' is not a date like 2026-01-31",
                        opt.long
                    ))
                })
            })
            .transpose()
    }

    pub fn count(&mut self, opt: &Opt) -> Result<Option<u64>, Failure> {
        let Kind::Count(most) = opt.kind else {
            return Ok(None);
        };
        self.text(opt)?
            .map(|v| {
                v.parse::<u64>().ok().filter(|n| *n <= most).ok_or_else(|| {
                    Failure::Usage(format!(
                        "--{} takes a whole number from 0 to {most}, not '{v}'",
                        opt.long
                    ))
                })
            })
            .transpose()
    }

    /// An error unless there are no positional arguments.
    pub fn no_words(&self) -> Result<(), Failure> {
        match self.words.first() {
            None => Ok(()),
            Some(extra) => Err(Failure::Usage(format!(
                "'{}' takes no argument '{extra}'",
                self.name
            ))),
        }
    }

    /// The users named as arguments and with `--from`, at least one.
    pub fn selection(&mut self) -> Result<Selection, Failure> {
        let from = self.path(&FROM);
        if self.words.is_empty() && from.is_none() {
            return Err(Failure::Usage(format!(
                "'{}' needs at least one USER or --from FILE",
                self.name
            )));
        }
        let mut users: Vec<UserRef> = Vec::new();
        for word in &self.words {
            let user = user_ref(word)?;
            if !users.contains(&user) {
                users.push(user);
            }
        }
        Ok(Selection {
            users,
            from,
            filter: None,
        })
    }

    /// Whether any of the listing's filters was given.
    pub fn filtered(&self) -> bool {
        FILTERS.iter().any(|f| self.has(f))
    }

    /// The filters of `user list`: `--status`, `--type`, `--search`, `--registered-before`.
    pub fn filter(&mut self) -> Result<Filter, Failure> {
        let status = match self
            .text(&STATUS)?
            .map(|s| s.to_ascii_lowercase())
            .as_deref()
        {
            None => None,
            Some("active") => Some(Status::Active),
            Some("terminated") => Some(Status::Terminated),
            Some("pending") => Some(Status::Pending),
            Some(other) => {
                return Err(Failure::Usage(format!(
                    "--status '{other}' is not one of active, terminated, pending"
                )));
            }
        };
        let user_type = match self.text(&TYPE_FILTER)? {
            Some(t) if t.eq_ignore_ascii_case("guest") => Some(UserType::Guest),
            Some(t) => Some(user_type(Some(&t))?),
            None => None,
        };
        Ok(Filter {
            status,
            user_type,
            search: self.text(&SEARCH)?,
            registered_before: self.date(&REGISTERED_BEFORE)?,
        })
    }

    /// The users of a bulk change: named (arguments, `--from`), or selected by the
    /// filters of `user list`, so that a clean-up needs no pipe; not both.
    pub fn bulk_selection(&mut self) -> Result<Selection, Failure> {
        if !self.filtered() {
            return self.selection();
        }
        if !self.words.is_empty() || self.has(&FROM) {
            return Err(Failure::Usage(format!(
                "'{}' takes USERs and --from FILE, or the filters --status, --type, --search and --registered-before, not both",
                self.name
            )));
        }
        Ok(Selection {
            filter: Some(self.filter()?),
            ..Selection::default()
        })
    }

    /// `--terminated-before DATE` or `--terminated-for DURATION`.
    pub fn terminated_age(&mut self) -> Result<Option<TerminatedAge>, Failure> {
        match (
            self.date(&TERMINATED_BEFORE)?,
            self.duration(&TERMINATED_FOR)?,
        ) {
            (Some(_), Some(_)) => Err(Failure::Usage(
                "give --terminated-before or --terminated-for, not both".to_owned(),
            )),
            (Some(day), None) => Ok(Some(TerminatedAge::Before(day))),
            (None, Some(long)) => Ok(Some(TerminatedAge::For(long))),
            (None, None) => Ok(None),
        }
    }

    /// `--heir USER|me`.
    pub fn heir(&mut self) -> Result<Option<Heir>, Failure> {
        match self.text(&HEIR)?.as_deref() {
            None => Ok(None),
            Some(me) if me.eq_ignore_ascii_case("me") => Ok(Some(Heir::Me)),
            Some(user) => Ok(Some(Heir::User(user_ref(user)?))),
        }
    }
}

/// A duration such as `30s`, `10m`, `1h`, `30d` or `2w`: the unit is required, since a
/// bare `30` could mean seconds or days, and a retention run that took days for seconds
/// would delete at once.
pub fn duration(flag: &str, value: &str) -> Result<Duration, Failure> {
    let digits = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(digits);
    if unit.is_empty() && !number.is_empty() {
        return Err(Failure::Usage(format!(
            "{flag} '{value}' needs a unit: {value}d for days, or s, m, h or w (e.g. {flag} 30d)"
        )));
    }
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => 0,
    };
    number
        .parse::<u64>()
        .ok()
        .filter(|_| scale > 0)
        .and_then(|n| n.checked_mul(scale))
        .filter(|s| *s <= 366 * 86_400)
        .map(Duration::from_secs)
        .ok_or_else(|| {
            Failure::Usage(format!(
                "{flag} takes a duration up to 366d like 30s, 10m, 1h, 30d or 2w, not '{value}'"
            ))
        })
}

/// Seconds from 1 to 3600: a bare number (the documented form of `--timeout`) or a
/// duration with a unit.
fn seconds(flag: &str, value: &str) -> Result<u64, Failure> {
    let secs = if value.bytes().all(|b| b.is_ascii_digit()) {
        value.parse::<u64>().ok()
    } else {
        duration(flag, value).ok().map(|d| d.as_secs())
    };
    secs.filter(|s| (1..=3600).contains(s)).ok_or_else(|| {
        Failure::Usage(format!(
            "{flag} takes seconds from 1 to 3600 (or 30s, 5m, 1h), not '{value}'"
        ))
    })
}

/// A user as named on the command line or in a list file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UserRef {
    Id(UserId),
    Email(Email),
}

impl std::fmt::Display for UserRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UserRef::Id(id) => id.fmt(f),
            UserRef::Email(email) => email.fmt(f),
        }
    }
}

/// The users a bulk command acts on: named as arguments, listed in a file, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub users: Vec<UserRef>,
    /// One id or e-mail a line; `-` is stdin.
    pub from: Option<PathBuf>,
    /// The users the portal lists with these filters, instead of named ones.
    pub filter: Option<Filter>,
}

impl Selection {
    /// Whether the selection is read from stdin.
    pub fn reads_stdin(&self) -> bool {
        self.from.as_deref() == Some("-".as_ref())
    }

    /// Whether users are named (as arguments or in a file) rather than listed.
    pub fn named(&self) -> bool {
        !self.users.is_empty() || self.from.is_some()
    }
}

/// Who receives a leaver's rooms and shared files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heir {
    /// The account behind the credential: what the portal does anyway, said out loud.
    Me,
    User(UserRef),
}

/// Users selected by how long ago they were terminated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TerminatedAge {
    /// Terminated before this day.
    Before(Date),
    /// Terminated at least this long ago.
    For(Duration),
}

/// Never-activated users selected by how long ago they were invited or created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingAge {
    /// Registered before this day.
    Before(Date),
    /// Registered at least this long ago.
    For(Duration),
}

/// A user id or e-mail address as written on the command line or in a list file.
pub fn user_ref(arg: &str) -> Result<UserRef, Failure> {
    if let Ok(id) = arg.parse::<UserId>() {
        Ok(UserRef::Id(id))
    } else if arg.contains('@') {
        Ok(UserRef::Email(checked_email(arg)?))
    } else {
        Err(Failure::Usage(format!(
            "'{arg}' is neither a user id (like 0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a) nor an e-mail address"
        )))
    }
}

pub fn checked_email(email: &str) -> Result<Email, Failure> {
    email
        .parse()
        .map_err(|e: docspace_people::Error| Failure::Usage(e.to_string()))
}

const GUESTS_JOIN_BY_LINK: &str = "guests cannot be created or invited directly: they join when a room is shared with them; let one in with 'docspace-people guest approve LINK'";

/// A user type for creating or inviting; guests cannot be either.
pub fn user_type(name: Option<&str>) -> Result<UserType, Failure> {
    match name.map(str::to_ascii_lowercase).as_deref() {
        None | Some("user") => Ok(UserType::User),
        Some("room-admin") => Ok(UserType::RoomAdmin),
        Some("docspace-admin") => Ok(UserType::DocSpaceAdmin),
        Some("guest") => Err(Failure::Usage(GUESTS_JOIN_BY_LINK.to_owned())),
        Some(other) => Err(Failure::Usage(format!(
            "type '{other}' is not one of user, room-admin, docspace-admin"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_need_a_unit_and_share_one_range() {
        for (text, secs) in [
            ("0s", 0),
            ("30s", 30),
            ("10m", 600),
            ("2h", 7200),
            ("1d", 86_400),
            ("2w", 14 * 86_400),
            ("366d", 366 * 86_400),
        ] {
            assert_eq!(duration("--wait", text).unwrap(), Duration::from_secs(secs));
        }
        let bare = duration("--terminated-for", "30").unwrap_err().to_string();
        assert!(
            bare.contains("--terminated-for") && bare.contains("30d"),
            "{bare}"
        );
        for bad in [
            "",
            "s",
            "10x",
            "-1s",
            "1.5h",
            "400d",
            "53w",
            "1d2h",
            "99999999999999999999d",
        ] {
            assert!(duration("--wait", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn seconds_are_bare_or_with_a_unit() {
        assert_eq!(seconds("--timeout", "30").unwrap(), 30);
        assert_eq!(seconds("--timeout", "30s").unwrap(), 30);
        assert_eq!(seconds("--timeout", "1h").unwrap(), 3600);
        for bad in ["0", "0s", "2h", "soon", ""] {
            assert!(seconds("--timeout", bad).is_err(), "{bad}");
        }
    }
}
