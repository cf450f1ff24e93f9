//! The command line: a pure function from arguments to a [`Parsed`] value.
//!
//! Nothing here reads the environment, a file or the network, so every rule of the
//! command line is tested without I/O. Reading the credential and building the client
//! happen afterwards, in `config`.

use super::exit::Failure;
use super::format::{Column, Format};
use super::help;
use docspace_people::{Date, Email, Filter, NewUser, Status, UserId, UserType};
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// Print this help text and exit 0.
    Help(String),
    /// Print the version and exit 0.
    Version,
    Run(Box<Invocation>),
}

/// A command with the options that apply to every command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub globals: Globals,
    pub command: Command,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Globals {
    pub portal: Option<String>,
    pub token_file: Option<PathBuf>,
    pub json: bool,
    pub quiet: bool,
    /// Seconds each request may take (30 unless a flag or the profile says).
    pub timeout: Option<u64>,
    /// Repeats of a request safe to repeat (3 unless a flag or the profile says).
    pub retries: Option<u32>,
    /// The profile of the config file to use.
    pub profile: Option<String>,
    /// The profile's protect file, for the bulk commands given none.
    pub protect_file: Option<PathBuf>,
    pub ca_file: Option<PathBuf>,
    pub insecure_http: bool,
    /// Send no request that changes the portal; print each instead.
    pub dry_run: bool,
    /// Do not ask for confirmation on a terminal.
    pub yes: bool,
    /// Refuse to act on more users than this.
    pub max: Option<usize>,
    /// Where the journal of changes goes, instead of the default place.
    pub journal: Option<PathBuf>,
    /// Keep no journal.
    pub no_journal: bool,
    /// Wait this long for another run against the same portal to finish.
    pub wait_lock: Option<Duration>,
    /// How commands that print users print them (`--output`; `--json` and `--ids` are
    /// short forms).
    pub output: Option<Format>,
    pub columns: Option<Vec<Column>>,
    pub no_header: bool,
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Whoami,
    Create(NewUser),
    /// Create the users of a CSV or JSON Lines file.
    CreateFrom(PathBuf),
    Get(Selection),
    List {
        filter: Filter,
        /// Print only ids, one a line.
        ids: bool,
        /// Only users terminated long enough ago.
        terminated: Option<TerminatedAge>,
    },
    Terminate {
        selection: Selection,
        /// Accounts (ids or addresses, one a line) never to terminate.
        protect: Option<PathBuf>,
    },
    Activate(Selection),
    Delete {
        selection: Selection,
        /// Terminate active users first.
        terminate: bool,
        offboarding: Offboarding,
    },
    GuestLink(UserRef),
    GuestApprove {
        link: String,
        email: Option<Email>,
    },
    GuestDelete(Selection),
    Invite {
        emails: Vec<Email>,
        from: Option<PathBuf>,
        user_type: UserType,
    },
    Lifecycle(NewUser),
    GuestCycle {
        link: String,
        email: Option<Email>,
    },
    Login {
        email: Email,
    },
    /// Show the effective settings and where each came from.
    ConfigShow,
    /// Print a completion script.
    Completions(Shell),
    /// Print the manual page.
    Manpage,
    /// Show the journal of past changes.
    Journal {
        since: Option<Date>,
        user: Option<UserRef>,
    },
    /// `user set-type`: change users' type (paid seats).
    SetType {
        selection: Selection,
        user_type: UserType,
        demotion: Demotion,
    },
    /// `user list --activation pending`: the users who never activated their account.
    ListNeverActivated {
        filter: Filter,
        ids: bool,
    },
    /// `invite resend`: new invitations for never-activated users, in one request; with
    /// an empty selection, for every never-activated user (registered before the day).
    Resend {
        selection: Selection,
        registered_before: Option<Date>,
    },
    /// `invite revoke`: terminate and delete never-activated accounts.
    Revoke {
        selection: Selection,
        age: Option<PendingAge>,
        protect: Option<PathBuf>,
    },
    /// `seats`: the paid seats, used and available, and who holds them.
    Seats,
}

/// What a demotion does with the rooms of the user demoted, and whom a type change may
/// touch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Demotion {
    pub heir: Option<Heir>,
    /// How long to wait for each demotion job.
    pub wait: Option<Duration>,
    /// Accounts (ids or addresses, one a line) never changed.
    pub protect: Option<PathBuf>,
}

/// Never-activated users selected by how long ago they were invited or created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingAge {
    /// Registered before this day.
    Before(Date),
    /// Registered at least this long ago.
    For(Duration),
}

impl Command {
    /// Whether the command can change the portal, and so is journalled and takes the
    /// portal's lock.
    pub fn changes(&self) -> bool {
        !matches!(
            self,
            Command::Whoami
                | Command::Get(_)
                | Command::List { .. }
                | Command::GuestLink(_)
                | Command::Login { .. }
                | Command::Journal { .. }
                | Command::ConfigShow
                | Command::Completions(_)
                | Command::Manpage
                | Command::ListNeverActivated { .. }
                | Command::Seats
        )
    }
}

/// A shell that `completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

impl Shell {
    fn parse(name: &str) -> Result<Shell, Failure> {
        match name {
            "bash" => Ok(Shell::Bash),
            "zsh" => Ok(Shell::Zsh),
            "fish" => Ok(Shell::Fish),
            other => Err(Failure::Usage(format!(
                "'{other}' is not a shell completions are made for: bash, zsh or fish"
            ))),
        }
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

/// What `user delete` does with the leavers' data, and whom it may touch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offboarding {
    pub heir: Option<Heir>,
    /// How long to wait for each reassign job.
    pub wait: Option<Duration>,
    /// Accounts (ids or addresses, one a line) a bulk run never touches.
    pub protect: Option<PathBuf>,
    /// Only users terminated long enough ago.
    pub terminated: Option<TerminatedAge>,
}

/// Options that belong to particular commands.
#[derive(Default)]
struct CommandOptions {
    values: Vec<(&'static str, String)>,
    flags: Vec<&'static str>,
}

impl CommandOptions {
    fn take(&mut self, name: &str) -> Option<String> {
        let at = self.values.iter().position(|(n, _)| *n == name)?;
        Some(self.values.remove(at).1)
    }

    fn has(&self, name: &str) -> bool {
        self.values.iter().any(|(n, _)| *n == name)
    }

    fn flag(&mut self, name: &str) -> bool {
        let had = self.flags.contains(&name);
        self.flags.retain(|f| *f != name);
        had
    }

    /// The first option nobody took: given to a command it does not apply to.
    fn leftover(&self) -> Option<&'static str> {
        self.values
            .first()
            .map(|(n, _)| *n)
            .or_else(|| self.flags.first().copied())
    }
}

const VALUE_OPTIONS: [&str; 15] = [
    "heir",
    "wait",
    "protect",
    "terminated-before",
    "terminated-for",
    "since",
    "user",
    "email",
    "first-name",
    "last-name",
    "type",
    "from",
    "status",
    "search",
    "registered-before",
];
const FLAG_OPTIONS: [&str; 3] = ["terminate", "ids", "invite"];
/// The options of the admin's daily tasks (`user set-type`, `invite resend|revoke`).
const TASK_OPTIONS: [&str; 2] = ["activation", "older-than"];

/// Parses the arguments after the program name.
pub fn parse<I>(args: I) -> Result<Parsed, Failure>
where
    I: IntoIterator,
    I::Item: Into<OsString>,
{
    use lexopt::Arg::{Long, Short, Value};
    let mut parser = lexopt::Parser::from_args(args);
    let mut globals = Globals::default();
    let mut options = CommandOptions::default();
    let mut words: Vec<String> = Vec::new();
    let (mut help, mut version) = (false, false);
    // Numeric options given so far: a second one is refused rather than silently won.
    let mut seen: Vec<&'static str> = Vec::new();
    while let Some(arg) = parser.next().map_err(usage)? {
        match arg {
            Short('h') | Long("help") => help = true,
            Short('V') | Long("version") => version = true,
            Short('q') | Long("quiet") => globals.quiet = true,
            Short('y') | Long("yes") => globals.yes = true,
            Long("json") => globals.json = true,
            Long("no-header") => globals.no_header = true,
            Long("profile") => {
                globals.profile = Some(once(&globals.profile, "--profile", &mut parser)?)
            }
            Long("output") => {
                let value = once(&globals.output, "--output", &mut parser)?;
                let format = Format::parse(&value)?;
                globals.json |= matches!(format, Format::Json | Format::Jsonl);
                globals.output = Some(format);
            }
            Long("columns") => {
                let value = once(&globals.columns, "--columns", &mut parser)?;
                globals.columns = Some(Column::parse_list(&value)?);
            }
            Long("dry-run") => globals.dry_run = true,
            Long("no-journal") => globals.no_journal = true,
            Long("journal") => {
                globals.journal = Some(once(&globals.journal, "--journal", &mut parser)?.into())
            }
            Long("wait-lock") => {
                let value = once(&globals.wait_lock, "--wait-lock", &mut parser)?;
                globals.wait_lock = Some(duration("--wait-lock", &value)?)
            }
            Long("insecure-http") => globals.insecure_http = true,
            Long("portal") => {
                globals.portal = Some(once(&globals.portal, "--portal", &mut parser)?)
            }
            Long("token-file") => {
                globals.token_file =
                    Some(once(&globals.token_file, "--token-file", &mut parser)?.into())
            }
            Long("ca-file") => {
                globals.ca_file = Some(once(&globals.ca_file, "--ca-file", &mut parser)?.into())
            }
            Long("timeout") => {
                globals.timeout = Some(number(&mut parser, "--timeout", 1..=3600, &mut seen)?)
            }
            Long("retries") => {
                globals.retries = Some(number(&mut parser, "--retries", 0..=10, &mut seen)? as u32)
            }
            Long("max") => {
                let max = number(&mut parser, "--max", 0..=u32::MAX as u64, &mut seen)?;
                globals.max = Some(max as usize)
            }
            Long("token" | "api-key" | "key" | "password") => {
                return Err(Failure::Usage(
                    "the credential is never taken on the command line, where other users of the machine can see it: \
                     use --token-file PATH, --token-file - (stdin), or the environment variable DOCSPACE_TOKEN"
                        .to_owned(),
                ));
            }
            Long(name) if VALUE_OPTIONS.contains(&name) => {
                let name =
                    VALUE_OPTIONS[VALUE_OPTIONS.iter().position(|n| *n == name).unwrap_or(0)];
                let value = utf8(parser.value().map_err(usage)?)?;
                if options.values.iter().any(|(n, _)| *n == name) {
                    return Err(Failure::Usage(format!("--{name} is given twice")));
                }
                options.values.push((name, value));
            }
            Long(name) if TASK_OPTIONS.contains(&name) => {
                let name = TASK_OPTIONS[TASK_OPTIONS.iter().position(|n| *n == name).unwrap_or(0)];
                let value = utf8(parser.value().map_err(usage)?)?;
                if options.values.iter().any(|(n, _)| *n == name) {
                    return Err(Failure::Usage(format!("--{name} is given twice")));
                }
                options.values.push((name, value));
            }
            Long(name) if FLAG_OPTIONS.contains(&name) => {
                let name = FLAG_OPTIONS[FLAG_OPTIONS.iter().position(|n| *n == name).unwrap_or(0)];
                options.flags.push(name);
            }
            Value(word) => words.push(utf8(word)?),
            other => return Err(usage(other.unexpected())),
        }
    }
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    if version {
        return Ok(Parsed::Version);
    }
    if help || words.is_empty() {
        return Ok(Parsed::Help(help::for_command(&words)));
    }
    let command = command(&words, &mut options)?;
    if let Some(extra) = options.leftover() {
        return Err(Failure::Usage(format!(
            "--{extra} does not apply to '{}'",
            command_name(&words)
        )));
    }
    if globals.token_file.as_deref() == Some("-".as_ref()) && reads_stdin(&command) {
        return Err(Failure::Usage(
            "stdin cannot hold both the credential (--token-file -) and the input: use a file for one of them"
                .to_owned(),
        ));
    }
    Ok(Parsed::Run(Box::new(Invocation { globals, command })))
}

fn command_name(words: &[&str]) -> String {
    match words {
        ["user" | "guest" | "config", sub, ..] => format!("{} {sub}", words[0]),
        ["invite", sub @ ("resend" | "revoke"), ..] => format!("invite {sub}"),
        [first, ..] => (*first).to_owned(),
        [] => String::new(),
    }
}

fn reads_stdin(command: &Command) -> bool {
    let dash = |from: &Option<PathBuf>| from.as_deref() == Some("-".as_ref());
    match command {
        Command::Get(s)
        | Command::Terminate { selection: s, .. }
        | Command::Activate(s)
        | Command::GuestDelete(s)
        | Command::Delete { selection: s, .. } => dash(&s.from),
        Command::Invite { from, .. } => dash(from),
        Command::SetType { selection: s, .. }
        | Command::Resend { selection: s, .. }
        | Command::Revoke { selection: s, .. } => dash(&s.from),
        Command::CreateFrom(path) => path.as_os_str() == "-",
        Command::Login { .. } => true,
        _ => false,
    }
}

fn command(words: &[&str], options: &mut CommandOptions) -> Result<Command, Failure> {
    let name = command_name(words);
    let args: &[&str] = match words {
        ["user" | "guest" | "config"] => {
            return Err(Failure::Usage(format!("'{}' needs a subcommand", words[0])));
        }
        ["user" | "guest" | "config", _, rest @ ..] => rest,
        ["invite", "resend" | "revoke", rest @ ..] => rest,
        [_, rest @ ..] => rest,
        [] => &[],
    };
    let command = match name.as_str() {
        "whoami" => {
            no_args(&name, args)?;
            Command::Whoami
        }
        "config show" => {
            no_args(&name, args)?;
            Command::ConfigShow
        }
        "journal" => {
            no_args(&name, args)?;
            let since = options
                .take("since")
                .map(|d| {
                    d.parse::<Date>().map_err(|_| {
                        Failure::Usage(format!("--since '{d}' is not a date like 2026-01-31"))
                    })
                })
                .transpose()?;
            let user = options.take("user").as_deref().map(user_ref).transpose()?;
            Command::Journal { since, user }
        }
        "user create" => {
            no_args(&name, args)?;
            if options.flag("invite") {
                return Err(Failure::Usage(
                    "'user create' needs no --invite: the portal already e-mails every user it creates an activation link, \
                     and an invitation to an existing account sends nothing; 'invite' is for people without an account"
                        .to_owned(),
                ));
            }
            match options.take("from") {
                Some(file) => Command::CreateFrom(file.into()),
                None => Command::Create(new_user(options)?),
            }
        }
        "lifecycle" => {
            no_args(&name, args)?;
            Command::Lifecycle(new_user(options)?)
        }
        "user list" if options.has("activation") => {
            no_args(&name, args)?;
            return never_activated_list(options);
        }
        "user set-type" | "invite resend" | "invite revoke" | "seats" => {
            return task(&name, args, options);
        }
        "user list" => {
            no_args(&name, args)?;
            let filter = list_filter(options)?;
            let status = filter.status;
            Command::List {
                filter,
                ids: options.flag("ids"),
                terminated: match terminated_age(options)? {
                    Some(_) if status.is_some_and(|s| s != Status::Terminated) => {
                        return Err(Failure::Usage(
                            "--terminated-before and --terminated-for list terminated users: leave out --status".to_owned(),
                        ));
                    }
                    age => age,
                },
            }
        }
        "user get" => Command::Get(selection(&name, args, options)?),
        "user terminate" => Command::Terminate {
            selection: bulk_selection(&name, args, options)?,
            protect: options.take("protect").map(PathBuf::from),
        },
        "user activate" => Command::Activate(bulk_selection(&name, args, options)?),
        "user delete" => {
            let terminated = terminated_age(options)?;
            let selection = if args.is_empty() && !options.has("from") && terminated.is_some() {
                // Selected from the portal: every terminated user old enough.
                Selection {
                    filter: Some(list_filter(options)?),
                    ..Selection::default()
                }
            } else {
                bulk_selection(&name, args, options)?
            };
            let heir = match options.take("heir").as_deref() {
                None => None,
                Some(me) if me.eq_ignore_ascii_case("me") => Some(Heir::Me),
                Some(user) => Some(Heir::User(user_ref(user)?)),
            };
            let wait = options
                .take("wait")
                .map(|w| duration("--wait", &w))
                .transpose()?;
            if wait.is_some() && heir.is_none() {
                return Err(Failure::Usage(
                    "--wait is how long to wait for an heir's reassign job: give --heir too"
                        .to_owned(),
                ));
            }
            Command::Delete {
                selection,
                terminate: options.flag("terminate"),
                offboarding: Offboarding {
                    heir,
                    wait,
                    protect: options.take("protect").map(PathBuf::from),
                    terminated,
                },
            }
        }
        "guest delete" => Command::GuestDelete(bulk_selection(&name, args, options)?),
        "guest link" => match args {
            [guest] => Command::GuestLink(user_ref(guest)?),
            _ => return Err(Failure::Usage("'guest link' takes one GUEST".to_owned())),
        },
        "guest approve" | "guest-cycle" => {
            let [link] = args else {
                return Err(Failure::Usage(format!("'{name}' takes one LINK")));
            };
            let email = options
                .take("email")
                .as_deref()
                .map(checked_email)
                .transpose()?;
            let link = (*link).to_owned();
            if name == "guest-cycle" {
                Command::GuestCycle { link, email }
            } else {
                Command::GuestApprove { link, email }
            }
        }
        "invite" => {
            let from = options.take("from").map(PathBuf::from);
            if args.is_empty() && from.is_none() {
                return Err(Failure::Usage(
                    "'invite' needs an EMAIL or --from FILE".to_owned(),
                ));
            }
            let user_type = user_type(options.take("type").as_deref())?;
            let mut emails: Vec<Email> = Vec::new();
            for email in args {
                let email = checked_email(email)?;
                if !emails.contains(&email) {
                    emails.push(email);
                }
            }
            Command::Invite {
                emails,
                from,
                user_type,
            }
        }
        "login" => match args {
            [email] => Command::Login {
                email: checked_email(email)?,
            },
            _ => return Err(Failure::Usage("'login' takes one EMAIL".to_owned())),
        },
        "completions" => match args {
            [shell] => Command::Completions(Shell::parse(shell)?),
            _ => {
                return Err(Failure::Usage(
                    "'completions' takes one shell: bash, zsh or fish".to_owned(),
                ));
            }
        },
        "manpage" => {
            no_args(&name, args)?;
            Command::Manpage
        }
        _ => {
            let suggestion = help::nearest(&name, help::COMMANDS.iter().map(|c| c.name))
                .map(|n| format!("; did you mean '{n}'?"))
                .unwrap_or_default();
            return Err(Failure::Usage(format!(
                "unknown command '{name}'{suggestion}"
            )));
        }
    };
    Ok(command)
}

/// `user list --activation pending`: both kinds of never-activated users.
fn never_activated_list(options: &mut CommandOptions) -> Result<Command, Failure> {
    match options
        .take("activation")
        .map(|a| a.to_ascii_lowercase())
        .as_deref()
    {
        Some("pending") => {}
        other => {
            return Err(Failure::Usage(format!(
                "--activation '{}' is not 'pending' (the users who never activated their account)",
                other.unwrap_or_default()
            )));
        }
    }
    if options.has("status") {
        return Err(Failure::Usage(
            "--activation pending lists invited (pending) and created but never activated (active) users: leave out --status".to_owned(),
        ));
    }
    Ok(Command::ListNeverActivated {
        filter: list_filter(options)?,
        ids: options.flag("ids"),
    })
}

/// The admin's daily tasks: `user set-type`, `invite resend`, `invite revoke`, `seats`.
fn task(name: &str, args: &[&str], options: &mut CommandOptions) -> Result<Command, Failure> {
    let heir = |options: &mut CommandOptions| -> Result<Option<Heir>, Failure> {
        match options.take("heir").as_deref() {
            None => Ok(None),
            Some(me) if me.eq_ignore_ascii_case("me") => Ok(Some(Heir::Me)),
            Some(user) => Ok(Some(Heir::User(user_ref(user)?))),
        }
    };
    Ok(match name {
        "seats" => {
            no_args(name, args)?;
            Command::Seats
        }
        "user set-type" => {
            let selection = selection(name, args, options)?;
            let user_type = match options.take("type") {
                None => {
                    return Err(Failure::Usage(
                        "'user set-type' needs --type user|room-admin|docspace-admin".to_owned(),
                    ));
                }
                Some(t) if t.eq_ignore_ascii_case("guest") => {
                    return Err(Failure::Usage(
                        "'user set-type' makes users, room admins or DocSpace admins; a member does not become a guest here".to_owned(),
                    ));
                }
                Some(t) => user_type(Some(&t))?,
            };
            let heir = heir(options)?;
            let wait = options
                .take("wait")
                .map(|w| duration("--wait", &w))
                .transpose()?;
            if wait.is_some() && heir.is_none() {
                return Err(Failure::Usage(
                    "--wait is how long to wait for a demotion's job, which needs --heir: give --heir too".to_owned(),
                ));
            }
            Command::SetType {
                selection,
                user_type,
                demotion: Demotion {
                    heir,
                    wait,
                    protect: options.take("protect").map(PathBuf::from),
                },
            }
        }
        "invite resend" => {
            let registered_before = options
                .take("registered-before")
                .map(checked_date)
                .transpose()?;
            let selection = if args.is_empty() && !options.has("from") {
                Selection::default()
            } else {
                selection(name, args, options)?
            };
            Command::Resend {
                selection,
                registered_before,
            }
        }
        _ => {
            let before = options
                .take("registered-before")
                .map(checked_date)
                .transpose()?;
            let older = options
                .take("older-than")
                .map(|d| duration("--older-than", &d))
                .transpose()?;
            let age = match (before, older) {
                (Some(_), Some(_)) => {
                    return Err(Failure::Usage(
                        "give --older-than or --registered-before, not both".to_owned(),
                    ));
                }
                (Some(day), None) => Some(PendingAge::Before(day)),
                (None, Some(long)) => Some(PendingAge::For(long)),
                (None, None) => None,
            };
            let selection = if args.is_empty() && !options.has("from") {
                if age.is_none() {
                    return Err(Failure::Usage(
                        "'invite revoke' needs USER..., --from FILE, or an age: --older-than DUR or --registered-before YYYY-MM-DD".to_owned(),
                    ));
                }
                Selection::default()
            } else {
                selection(name, args, options)?
            };
            Command::Revoke {
                selection,
                age,
                protect: options.take("protect").map(PathBuf::from),
            }
        }
    })
}

fn new_user(options: &mut CommandOptions) -> Result<NewUser, Failure> {
    let email = options
        .take("email")
        .ok_or_else(|| Failure::Usage("--email is required".to_owned()))?;
    let first_name = options
        .take("first-name")
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| Failure::Usage("--first-name is required".to_owned()))?;
    Ok(NewUser {
        first_name,
        last_name: options.take("last-name").unwrap_or_default(),
        email: checked_email(&email)?,
        user_type: user_type(options.take("type").as_deref())?,
    })
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

/// The filters of `user list`: `--status`, `--type`, `--search`, `--registered-before`.
fn list_filter(options: &mut CommandOptions) -> Result<Filter, Failure> {
    let status = match options
        .take("status")
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
    let user_type = match options.take("type") {
        Some(t) if t.eq_ignore_ascii_case("guest") => Some(UserType::Guest),
        Some(t) => Some(user_type(Some(&t))?),
        None => None,
    };
    let registered_before = options
        .take("registered-before")
        .map(checked_date)
        .transpose()?;
    Ok(Filter {
        status,
        user_type,
        search: options.take("search"),
        registered_before,
    })
}

/// The users of a bulk change: named (arguments, `--from`), or selected by the filters of
/// `user list`, so that a clean-up needs no pipe; not both.
fn bulk_selection(
    name: &str,
    args: &[&str],
    options: &mut CommandOptions,
) -> Result<Selection, Failure> {
    let filtered = ["status", "type", "search", "registered-before"]
        .iter()
        .any(|f| options.has(f));
    if !filtered {
        return selection(name, args, options);
    }
    if !args.is_empty() || options.has("from") {
        return Err(Failure::Usage(format!(
            "'{name}' takes USERs and --from FILE, or the filters --status, --type, --search and --registered-before, not both"
        )));
    }
    Ok(Selection {
        filter: Some(list_filter(options)?),
        ..Selection::default()
    })
}

/// `--terminated-before DATE` or `--terminated-for DURATION`.
fn terminated_age(options: &mut CommandOptions) -> Result<Option<TerminatedAge>, Failure> {
    let before = options.take("terminated-before");
    let long = options.take("terminated-for");
    match (before, long) {
        (Some(_), Some(_)) => Err(Failure::Usage(
            "give --terminated-before or --terminated-for, not both".to_owned(),
        )),
        (Some(day), None) => day
            .parse::<Date>()
            .map(|d| Some(TerminatedAge::Before(d)))
            .map_err(|_| {
                Failure::Usage(format!(
                    "--terminated-before '{day}' is not a date like 2026-01-31"
                ))
            }),
        (None, Some(long)) => Ok(Some(TerminatedAge::For(duration(
            "--terminated-for",
            &long,
        )?))),
        (None, None) => Ok(None),
    }
}

fn selection(
    name: &str,
    args: &[&str],
    options: &mut CommandOptions,
) -> Result<Selection, Failure> {
    let from = options.take("from").map(PathBuf::from);
    if args.is_empty() && from.is_none() {
        return Err(Failure::Usage(format!(
            "'{name}' needs at least one USER or --from FILE"
        )));
    }
    let mut users: Vec<UserRef> = Vec::new();
    for arg in args {
        let r = user_ref(arg)?;
        if !users.contains(&r) {
            users.push(r);
        }
    }
    Ok(Selection {
        users,
        from,
        filter: None,
    })
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

fn checked_date(date: String) -> Result<Date, Failure> {
    date.parse().map_err(|_| {
        Failure::Usage(format!(
            "--registered-before '{date}' is not a date like 2026-01-31"
        ))
    })
}

fn no_args(name: &str, args: &[&str]) -> Result<(), Failure> {
    match args.first() {
        None => Ok(()),
        Some(extra) => Err(Failure::Usage(format!(
            "'{name}' takes no argument '{extra}'"
        ))),
    }
}

/// The value of an option that may be given once.
fn once<T>(slot: &Option<T>, flag: &str, parser: &mut lexopt::Parser) -> Result<String, Failure> {
    let value = utf8(parser.value().map_err(usage)?)?;
    if slot.is_some() {
        return Err(Failure::Usage(format!("{flag} is given twice")));
    }
    Ok(value)
}

fn number(
    parser: &mut lexopt::Parser,
    flag: &'static str,
    range: std::ops::RangeInclusive<u64>,
    seen: &mut Vec<&'static str>,
) -> Result<u64, Failure> {
    let value = utf8(parser.value().map_err(usage)?)?;
    if seen.contains(&flag) {
        return Err(Failure::Usage(format!("{flag} is given twice")));
    }
    seen.push(flag);
    value
        .parse::<u64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| {
            Failure::Usage(format!(
                "{flag} takes a whole number from {} to {}, not '{value}'",
                range.start(),
                range.end()
            ))
        })
}

/// A duration such as `30s`, `10m`, `1h` or `2d` (a bare number is seconds).
pub fn duration(flag: &str, value: &str) -> Result<Duration, Failure> {
    let (number, unit) = value.split_at(
        value
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(value.len()),
    );
    let scale = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
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
                "{flag} takes a duration like 30s, 10m, 1h or 2d, not '{value}'"
            ))
        })
}

fn utf8(value: OsString) -> Result<String, Failure> {
    value
        .into_string()
        .map_err(|v| Failure::Usage(format!("{} is not valid UTF-8", v.to_string_lossy())))
}

fn usage(error: lexopt::Error) -> Failure {
    if let lexopt::Error::UnexpectedOption(option) = &error {
        let options = help::GLOBAL_OPTIONS.iter().copied().chain(
            help::COMMANDS
                .iter()
                .flat_map(|c| c.options.iter().copied()),
        );
        if let Some(near) = help::nearest(option, options) {
            return Failure::Usage(format!("{error}; did you mean '{near}'?"));
        }
    }
    Failure::Usage(error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Invocation, Failure> {
        match parse(args.iter().copied())? {
            Parsed::Run(inv) => Ok(*inv),
            other => panic!("expected a command, got {other:?}"),
        }
    }

    fn usage_error(args: &[&str]) -> String {
        let e = parse(args.iter().copied()).unwrap_err();
        assert!(matches!(e, Failure::Usage(_)), "{e}");
        e.to_string()
    }

    const ID: &str = "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a";

    fn id() -> UserId {
        ID.parse().unwrap()
    }

    fn email(text: &str) -> Email {
        text.parse().unwrap()
    }

    fn selected(users: Vec<UserRef>) -> Selection {
        Selection {
            users,
            from: None,
            filter: None,
        }
    }

    #[test]
    fn options_go_before_or_after_the_command() {
        let a = run(&["--json", "--portal", "https://p.example.com", "whoami"]).unwrap();
        let b = run(&["whoami", "--portal=https://p.example.com", "--json"]).unwrap();
        assert_eq!(a, b);
        assert!(a.globals.json);
        assert_eq!(a.command, Command::Whoami);
    }

    #[test]
    fn create_defaults_to_type_user() {
        let inv = run(&["user", "create", "--email", "a@b.co", "--first-name", "Ann"]).unwrap();
        assert_eq!(
            inv.command,
            Command::Create(NewUser {
                first_name: "Ann".into(),
                last_name: String::new(),
                email: email("a@b.co"),
                user_type: UserType::User,
            })
        );
    }

    #[test]
    fn guests_are_refused_with_the_reason() {
        let m = usage_error(&["invite", "a@b.co", "--type", "guest"]);
        assert!(m.contains("join when a room is shared"), "{m}");
        let m = usage_error(&[
            "lifecycle",
            "--email",
            "a@b.co",
            "--first-name",
            "A",
            "--type",
            "Guest",
        ]);
        assert!(m.contains("guest approve"), "{m}");
    }

    #[test]
    fn users_are_ids_or_emails_without_duplicates() {
        let upper = ID.to_ascii_uppercase();
        let inv = run(&["user", "delete", ID, "x@y.co", &upper]).unwrap();
        assert_eq!(
            inv.command,
            Command::Delete {
                selection: selected(vec![UserRef::Id(id()), UserRef::Email(email("x@y.co"))]),
                terminate: false,
                offboarding: Offboarding::default(),
            }
        );
        let m = usage_error(&["user", "delete", "bob"]);
        assert!(m.contains("'bob' is neither a user id"), "{m}");
        usage_error(&["user", "get", "bob@"]);
        usage_error(&["user", "terminate"]);
    }

    #[test]
    fn bulk_commands_take_a_file_and_delete_can_terminate_first() {
        let inv = run(&[
            "user",
            "delete",
            "--from",
            "-",
            "--terminate",
            "--max",
            "500",
            "--dry-run",
        ])
        .unwrap();
        assert_eq!(
            inv.command,
            Command::Delete {
                selection: Selection {
                    users: vec![],
                    from: Some("-".into()),
                    filter: None,
                },
                terminate: true,
                offboarding: Offboarding::default(),
            }
        );
        assert_eq!((inv.globals.max, inv.globals.dry_run), (Some(500), true));
        let m = usage_error(&["user", "delete", "--from", "-", "--token-file", "-"]);
        assert!(m.contains("stdin cannot hold both"), "{m}");
        let m = usage_error(&["user", "terminate", ID, "--terminate"]);
        assert!(
            m.contains("--terminate does not apply to 'user terminate'"),
            "{m}"
        );
    }

    #[test]
    fn list_filters_are_checked() {
        let inv = run(&[
            "user",
            "list",
            "--status",
            "terminated",
            "--type",
            "guest",
            "--search",
            "doe",
            "--registered-before",
            "2026-01-31",
            "--ids",
        ])
        .unwrap();
        assert_eq!(
            inv.command,
            Command::List {
                filter: Filter {
                    status: Some(Status::Terminated),
                    user_type: Some(UserType::Guest),
                    search: Some("doe".into()),
                    registered_before: Some("2026-01-31".parse().unwrap()),
                },
                ids: true,
                terminated: None,
            }
        );
        usage_error(&["user", "list", "--status", "gone"]);
        usage_error(&["user", "list", "--registered-before", "31.01.2026"]);
        usage_error(&["user", "list", "--registered-before", "2026-13-01"]);
    }

    #[test]
    fn create_from_a_file_and_why_there_is_no_invite_flag() {
        let inv = run(&["user", "create", "--from", "people.csv"]).unwrap();
        assert_eq!(inv.command, Command::CreateFrom("people.csv".into()));
        let m = usage_error(&["user", "create", "--from", "people.csv", "--invite"]);
        assert!(m.contains("already e-mails every user it creates"), "{m}");
    }

    #[test]
    fn login_takes_an_email_and_never_a_password() {
        let inv = run(&["login", "admin@example.com"]).unwrap();
        assert_eq!(
            inv.command,
            Command::Login {
                email: email("admin@example.com")
            }
        );
        let m = usage_error(&["login", "admin@example.com", "--password", "hunter2"]);
        assert!(!m.contains("hunter2"), "{m}");
    }

    #[test]
    fn the_credential_is_never_an_argument() {
        let m = usage_error(&["--token", "sk-123", "whoami"]);
        assert!(!m.contains("sk-123"), "{m}");
        assert!(m.contains("--token-file"), "{m}");
        let m = usage_error(&["whoami", "--token=sk-123"]);
        assert!(!m.contains("sk-123"), "{m}");
    }

    #[test]
    fn options_must_belong_to_the_command() {
        let m = usage_error(&["user", "get", ID, "--email", "a@b.co"]);
        assert!(m.contains("--email does not apply to 'user get'"), "{m}");
        usage_error(&["whoami", "extra"]);
        usage_error(&["user"]);
        usage_error(&["frobnicate"]);
        usage_error(&["--portal", "a", "--portal", "b", "whoami"]);
        usage_error(&["--bogus", "whoami"]);
        usage_error(&["user", "create", "--first-name", "A"]);
        usage_error(&["user", "create", "--email", "a@b.co"]);
        usage_error(&["guest", "approve"]);
    }

    #[test]
    fn numbers_are_checked() {
        let inv = run(&["whoami", "--timeout", "5", "--retries", "0"]).unwrap();
        assert_eq!(
            (inv.globals.timeout, inv.globals.retries),
            (Some(5), Some(0))
        );
        let m = usage_error(&["whoami", "--timeout", "0"]);
        assert!(
            m.contains("--timeout takes a whole number from 1 to 3600, not '0'"),
            "{m}"
        );
        usage_error(&["whoami", "--retries", "many"]);
        usage_error(&["user", "delete", ID, "--max", "-1"]);
        let m = usage_error(&["user", "delete", ID, "--max", "5", "--max", "5000"]);
        assert!(m.contains("--max is given twice"), "{m}");
    }

    #[test]
    fn help_and_version_always_win() {
        assert_eq!(parse(["--version", "frobnicate"]).unwrap(), Parsed::Version);
        let main = Parsed::Help(help::for_command(&[]));
        assert_eq!(parse(["-h"]).unwrap(), main);
        assert_eq!(parse(Vec::<String>::new()).unwrap(), main);
        assert_eq!(
            parse(["user", "create", "--help"]).unwrap(),
            Parsed::Help(help::for_command(&["user", "create"]))
        );
        assert_eq!(
            parse(["guest-cycle", "-h", "--email", "bad"]).unwrap(),
            Parsed::Help(help::for_command(&["guest-cycle"]))
        );
    }

    #[test]
    fn journal_options_and_durations() {
        let inv = run(&["journal", "--since", "2026-11-01", "--user", "a@b.co"]).unwrap();
        assert_eq!(
            inv.command,
            Command::Journal {
                since: Some("2026-11-01".parse().unwrap()),
                user: Some(UserRef::Email(email("a@b.co")))
            }
        );
        assert!(!inv.command.changes());
        let inv = run(&[
            "user",
            "delete",
            ID,
            "--journal",
            "/tmp/j",
            "--wait-lock",
            "10m",
        ])
        .unwrap();
        assert_eq!(inv.globals.journal, Some("/tmp/j".into()));
        assert_eq!(inv.globals.wait_lock, Some(Duration::from_secs(600)));
        assert!(inv.command.changes());
        for (text, secs) in [("30", 30), ("30s", 30), ("2h", 7200), ("1d", 86_400)] {
            assert_eq!(duration("--wait", text).unwrap(), Duration::from_secs(secs));
        }
        for bad in ["", "s", "10x", "-1s", "1.5h", "400d"] {
            assert!(duration("--wait", bad).is_err(), "{bad}");
        }
        usage_error(&["journal", "--since", "yesterday"]);
        usage_error(&["whoami", "--wait-lock", "soon"]);
    }

    #[test]
    fn approve_takes_one_link_and_an_optional_email() {
        let inv = run(&["guest", "approve", "https://p/s/abc", "--email", "g@x.co"]).unwrap();
        assert_eq!(
            inv.command,
            Command::GuestApprove {
                link: "https://p/s/abc".into(),
                email: Some(email("g@x.co"))
            }
        );
    }

    #[test]
    fn the_daily_tasks_parse() {
        let inv = run(&["user", "set-type", ID, "--type", "user", "--heir", "me"]).unwrap();
        assert_eq!(
            inv.command,
            Command::SetType {
                selection: selected(vec![UserRef::Id(id())]),
                user_type: UserType::User,
                demotion: Demotion {
                    heir: Some(Heir::Me),
                    ..Demotion::default()
                },
            }
        );
        assert!(inv.command.changes());
        usage_error(&["user", "set-type", ID]);
        usage_error(&["user", "set-type", ID, "--type", "guest"]);
        usage_error(&["user", "set-type", ID, "--type", "user", "--wait", "1m"]);
        let inv = run(&["user", "list", "--activation", "pending", "--ids"]).unwrap();
        assert!(matches!(
            inv.command,
            Command::ListNeverActivated { ids: true, .. }
        ));
        assert!(!inv.command.changes());
        usage_error(&["user", "list", "--activation", "done"]);
        usage_error(&[
            "user",
            "list",
            "--activation",
            "pending",
            "--status",
            "active",
        ]);
        let inv = run(&["invite", "resend", "a@b.co"]).unwrap();
        assert_eq!(
            inv.command,
            Command::Resend {
                selection: selected(vec![UserRef::Email(email("a@b.co"))]),
                registered_before: None,
            }
        );
        let inv = run(&["invite", "revoke", "--older-than", "30d"]).unwrap();
        assert_eq!(
            inv.command,
            Command::Revoke {
                selection: Selection::default(),
                age: Some(PendingAge::For(Duration::from_secs(30 * 86_400))),
                protect: None,
            }
        );
        usage_error(&["invite", "revoke"]);
        usage_error(&[
            "invite",
            "revoke",
            "--older-than",
            "1d",
            "--registered-before",
            "2026-01-01",
        ]);
        assert_eq!(run(&["seats"]).unwrap().command, Command::Seats);
        usage_error(&["seats", "extra"]);
    }
}
