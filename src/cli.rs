//! The command line: a pure function from arguments to a [`Parsed`] value.
//!
//! Nothing here reads the environment, a file or the network, so every rule of the
//! command line is tested without I/O. Reading the credential and building the client
//! happen afterwards, in [`crate::run`].

use crate::error::Error;
use crate::model::{Invitation, NewUser, UserType, is_email, is_user_id};
use crate::people::GUESTS_JOIN_BY_LINK;
use std::ffi::OsString;
use std::path::PathBuf;

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// Print this help text and exit 0.
    Help(String),
    /// Print the version and exit 0.
    Version,
    Run(Invocation),
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
}

/// A user as named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRef {
    Id(String),
    Email(String),
}

impl std::fmt::Display for UserRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UserRef::Id(s) | UserRef::Email(s) => f.write_str(s),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Whoami,
    Create(NewUser),
    Get(Vec<UserRef>),
    Terminate(Vec<UserRef>),
    Activate(Vec<UserRef>),
    Delete(Vec<UserRef>),
    GuestLink(UserRef),
    GuestApprove { link: String, email: Option<String> },
    GuestDelete(Vec<UserRef>),
    Invite(Vec<Invitation>),
    Lifecycle(NewUser),
    GuestCycle { link: String, email: Option<String> },
}

pub const HELP: &str = "\
docspace-people — administer the users and guests of an ONLYOFFICE DocSpace portal

Usage: docspace-people [OPTIONS] COMMAND [ARGS]

Options (before or after the command):
  --portal URL        portal address, e.g. https://portal.example.com   (env DOCSPACE_URL)
  --token-file PATH   file holding the API key or token; '-' reads it from stdin
                      (env DOCSPACE_TOKEN_FILE; or env DOCSPACE_TOKEN holding it directly)
  --json              print results as JSON on stdout
  -q, --quiet         print only errors
  -h, --help          help; 'docspace-people COMMAND --help' for one command
  -V, --version       print the version

Commands:
  whoami                                   check the address and the credential
  user create --email E --first-name F [--last-name L] [--type T]
  user get USER...                         USER is a user id or an e-mail address
  user terminate USER...                   suspend accounts (they can no longer sign in)
  user activate USER...                    reactivate terminated accounts
  user delete USER...                      delete terminated accounts for good
  guest link GUEST                         print a guest's share link
  guest approve LINK [--email E]           approve a guest share link (the short /s/… link
                                           or the full confirmation link)
  guest delete GUEST...                    unlink guests from you (their accounts stay)
  invite EMAIL... [--type T]               invite people by e-mail
  lifecycle --email E --first-name F [--last-name L] [--type T]
                                           create → get → terminate → delete
  guest-cycle LINK [--email E]             approve → delete (unlink)

  T is user (the default), room-admin or docspace-admin.

Exit codes:
  0   done
  1   some items failed, others were done
  64  usage: bad option, missing argument, malformed id or e-mail
  65  the portal refused the data (400, 409, 422, 'The user is not suspended', …)
  66  an input file is missing or unreadable
  67  the user was not found
  68  the portal's host name does not resolve
  69  the portal is unavailable (connection refused, TLS failure, 500)
  74  the results could not be written
  75  temporary (timeout, reset, 429, 502, 503, 504): try again later
  76  protocol: an unexpected redirect or answer
  77  not permitted (401, 403 Access denied)
  78  configuration: portal address or credential missing or malformed
";

const CREATE_HELP: &str = "\
Usage: docspace-people user create --email E --first-name F [--last-name L] [--type T]

Creates an account; the portal e-mails the person an activation link.
T is user (the default), room-admin (a paid seat) or docspace-admin (owner only).
Prints: created ID NAME <EMAIL>
";

const USERS_HELP: &str = "\
Usage: docspace-people user get|terminate|activate|delete USER...

USER is a user id (0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a) or an e-mail address.
  get        print each account: ID NAME <EMAIL> TYPE STATUS
  terminate  suspend the accounts; the portal refuses the whole batch if one of them is
             unknown, the owner, yourself or (unless you are the owner) an admin
  activate   reactivate terminated accounts
  delete     delete terminated accounts for good (terminate them first)
Exit 1 when some users failed and others were done.
";

const GUEST_HELP: &str = "\
Usage: docspace-people guest link GUEST
       docspace-people guest approve LINK [--email E]
       docspace-people guest delete GUEST...

  link     print the guest's share link, for another member to approve
  approve  approve a share link, so the guest becomes visible to you; LINK is the short
           https://portal/s/KEY link or the full confirmation link. With --email, it is
           an error if the link is for anybody else.
  delete   unlink guests from you; their accounts stay. The portal refuses the whole
           batch if one of them is not a guest linked to you (a DocSpace admin is linked
           only to guests they invited: approving a link does not link them).
";

const INVITE_HELP: &str = "\
Usage: docspace-people invite EMAIL... [--type T]

Invites people by e-mail; T is user (the default), room-admin or docspace-admin.
An address that already has an account gets no e-mail.
";

const LIFECYCLE_HELP: &str = "\
Usage: docspace-people lifecycle --email E --first-name F [--last-name L] [--type T]

Creates a user, reads it back, terminates it and deletes it, stopping at the first step
that fails. A failure names the step, the user's id and the state the user is left in;
the exit code is that step's own.
";

const GUEST_CYCLE_HELP: &str = "\
Usage: docspace-people guest-cycle LINK [--email E]

Approves a guest share link, then unlinks the guest from you, stopping at the first
step that fails. Unlinking works for guests linked to you: a room admin is linked by
the approval, a DocSpace admin is not.
";

const WHOAMI_HELP: &str = "\
Usage: docspace-people whoami

Prints the account behind the credential: ID NAME <EMAIL> TYPE STATUS.
";

/// Options that belong to particular commands.
#[derive(Default)]
struct CommandOptions {
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    user_type: Option<String>,
}

/// Parses the arguments after the program name.
pub fn parse<I>(args: I) -> Result<Parsed, Error>
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
    while let Some(arg) = parser.next().map_err(usage)? {
        match arg {
            Short('h') | Long("help") => help = true,
            Short('V') | Long("version") => version = true,
            Short('q') | Long("quiet") => globals.quiet = true,
            Long("json") => globals.json = true,
            Long("portal") => set_once(&mut globals.portal, "--portal", &mut parser)?,
            Long("token-file") => {
                let mut path = None;
                set_once(&mut path, "--token-file", &mut parser)?;
                globals.token_file = path.map(PathBuf::from);
            }
            Long("token" | "api-key" | "key" | "password") => {
                return Err(Error::Usage(
                    "the credential is never taken on the command line, where other users of the machine can see it: \
                     use --token-file PATH, --token-file - (stdin), or the environment variable DOCSPACE_TOKEN"
                        .to_owned(),
                ));
            }
            Long("email") => set_once(&mut options.email, "--email", &mut parser)?,
            Long("first-name") => set_once(&mut options.first_name, "--first-name", &mut parser)?,
            Long("last-name") => set_once(&mut options.last_name, "--last-name", &mut parser)?,
            Long("type") => set_once(&mut options.user_type, "--type", &mut parser)?,
            Value(word) => words.push(utf8(word)?),
            other => return Err(usage(other.unexpected())),
        }
    }
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    if version {
        return Ok(Parsed::Version);
    }
    if help || words.is_empty() {
        return Ok(Parsed::Help(help_for(&words).to_owned()));
    }
    let command = command(&words, options)?;
    Ok(Parsed::Run(Invocation { globals, command }))
}

fn command(words: &[&str], mut options: CommandOptions) -> Result<Command, Error> {
    let (name, args) = match words {
        ["user" | "guest", sub, rest @ ..] => (format!("{} {sub}", words[0]), rest),
        ["user" | "guest"] => {
            return Err(Error::Usage(format!("'{}' needs a subcommand", words[0])));
        }
        [first, rest @ ..] => ((*first).to_owned(), rest),
        [] => unreachable!("parse handles an empty command line"),
    };
    let allowed: &[&str] = match name.as_str() {
        "user create" | "lifecycle" => &["email", "first-name", "last-name", "type"],
        "guest approve" | "guest-cycle" => &["email"],
        "invite" => &["type"],
        _ => &[],
    };
    for (flag, given) in [
        ("email", options.email.is_some()),
        ("first-name", options.first_name.is_some()),
        ("last-name", options.last_name.is_some()),
        ("type", options.user_type.is_some()),
    ] {
        if given && !allowed.contains(&flag) {
            return Err(Error::Usage(format!("--{flag} does not apply to '{name}'")));
        }
    }
    let command = match name.as_str() {
        "whoami" => {
            no_args(&name, args)?;
            Command::Whoami
        }
        "user create" => {
            no_args(&name, args)?;
            Command::Create(new_user(&mut options)?)
        }
        "lifecycle" => {
            no_args(&name, args)?;
            Command::Lifecycle(new_user(&mut options)?)
        }
        "user get" => Command::Get(users(&name, args)?),
        "user terminate" => Command::Terminate(users(&name, args)?),
        "user activate" => Command::Activate(users(&name, args)?),
        "user delete" => Command::Delete(users(&name, args)?),
        "guest delete" => Command::GuestDelete(users(&name, args)?),
        "guest link" => match args {
            [guest] => Command::GuestLink(user_ref(guest)?),
            _ => return Err(Error::Usage("'guest link' takes one GUEST".to_owned())),
        },
        "guest approve" | "guest-cycle" => {
            let [link] = args else {
                return Err(Error::Usage(format!("'{name}' takes one LINK")));
            };
            let email = options.email.take().map(checked_email).transpose()?;
            let link = (*link).to_owned();
            if name == "guest-cycle" {
                Command::GuestCycle { link, email }
            } else {
                Command::GuestApprove { link, email }
            }
        }
        "invite" => {
            if args.is_empty() {
                return Err(Error::Usage("'invite' needs at least one EMAIL".to_owned()));
            }
            let user_type = user_type(options.user_type.as_deref())?;
            let mut invitations: Vec<Invitation> = Vec::new();
            for email in args {
                let email = checked_email(email.to_string())?;
                if !invitations.iter().any(|i| i.email == email) {
                    invitations.push(Invitation { email, user_type });
                }
            }
            Command::Invite(invitations)
        }
        _ => {
            return Err(Error::Usage(format!("unknown command '{name}'")));
        }
    };
    Ok(command)
}

fn help_for(words: &[&str]) -> &'static str {
    match words {
        ["user", "create", ..] => CREATE_HELP,
        ["user", _, ..] => USERS_HELP,
        ["guest", ..] => GUEST_HELP,
        ["invite", ..] => INVITE_HELP,
        ["lifecycle", ..] => LIFECYCLE_HELP,
        ["guest-cycle", ..] => GUEST_CYCLE_HELP,
        ["whoami", ..] => WHOAMI_HELP,
        _ => HELP,
    }
}

fn new_user(options: &mut CommandOptions) -> Result<NewUser, Error> {
    let email = options
        .email
        .take()
        .ok_or_else(|| Error::Usage("--email is required".to_owned()))?;
    let first_name = options
        .first_name
        .take()
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| Error::Usage("--first-name is required".to_owned()))?;
    Ok(NewUser {
        first_name,
        last_name: options.last_name.take().unwrap_or_default(),
        email: checked_email(email)?,
        user_type: user_type(options.user_type.as_deref())?,
    })
}

fn user_type(name: Option<&str>) -> Result<UserType, Error> {
    match name.map(str::to_ascii_lowercase).as_deref() {
        None | Some("user") => Ok(UserType::User),
        Some("room-admin") => Ok(UserType::RoomAdmin),
        Some("docspace-admin") => Ok(UserType::DocSpaceAdmin),
        Some("guest") => Err(Error::Usage(GUESTS_JOIN_BY_LINK.to_owned())),
        Some(other) => Err(Error::Usage(format!(
            "--type '{other}' is not one of user, room-admin, docspace-admin"
        ))),
    }
}

fn users(name: &str, args: &[&str]) -> Result<Vec<UserRef>, Error> {
    if args.is_empty() {
        return Err(Error::Usage(format!("'{name}' needs at least one USER")));
    }
    let mut refs: Vec<UserRef> = Vec::new();
    for arg in args {
        let r = user_ref(arg)?;
        if !refs.contains(&r) {
            refs.push(r);
        }
    }
    Ok(refs)
}

fn user_ref(arg: &str) -> Result<UserRef, Error> {
    if is_user_id(arg) {
        Ok(UserRef::Id(arg.to_ascii_lowercase()))
    } else if arg.contains('@') {
        Ok(UserRef::Email(checked_email(arg.to_owned())?))
    } else {
        Err(Error::Usage(format!(
            "'{arg}' is neither a user id (like 0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a) nor an e-mail address"
        )))
    }
}

fn checked_email(email: String) -> Result<String, Error> {
    if is_email(&email) {
        Ok(email)
    } else {
        Err(Error::Usage(format!(
            "'{email}' is not an e-mail address the portal accepts (name@domain.tld)"
        )))
    }
}

fn no_args(name: &str, args: &[&str]) -> Result<(), Error> {
    match args.first() {
        None => Ok(()),
        Some(extra) => Err(Error::Usage(format!(
            "'{name}' takes no argument '{extra}'"
        ))),
    }
}

fn set_once(
    slot: &mut Option<String>,
    flag: &str,
    parser: &mut lexopt::Parser,
) -> Result<(), Error> {
    let value = utf8(parser.value().map_err(usage)?)?;
    if slot.is_some() {
        return Err(Error::Usage(format!("{flag} is given twice")));
    }
    *slot = Some(value);
    Ok(())
}

fn utf8(value: OsString) -> Result<String, Error> {
    value
        .into_string()
        .map_err(|v| Error::Usage(format!("{} is not valid UTF-8", v.to_string_lossy())))
}

fn usage(error: lexopt::Error) -> Error {
    Error::Usage(error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Invocation, Error> {
        match parse(args.iter().copied())? {
            Parsed::Run(inv) => Ok(inv),
            other => panic!("expected a command, got {other:?}"),
        }
    }

    fn usage_error(args: &[&str]) -> String {
        let e = parse(args.iter().copied()).unwrap_err();
        assert_eq!(e.exit_code(), 64, "{e}");
        e.to_string()
    }

    const ID: &str = "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a";

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
                email: "a@b.co".into(),
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
            Command::Delete(vec![
                UserRef::Id(ID.into()),
                UserRef::Email("x@y.co".into())
            ])
        );
        let m = usage_error(&["user", "delete", "bob"]);
        assert!(m.contains("'bob' is neither a user id"), "{m}");
        usage_error(&["user", "get", "bob@"]);
        usage_error(&["user", "terminate"]);
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
    fn help_and_version_always_win() {
        assert_eq!(parse(["--version", "frobnicate"]).unwrap(), Parsed::Version);
        assert_eq!(parse(["-h"]).unwrap(), Parsed::Help(HELP.to_owned()));
        assert_eq!(
            parse(Vec::<String>::new()).unwrap(),
            Parsed::Help(HELP.to_owned())
        );
        assert_eq!(
            parse(["user", "create", "--help"]).unwrap(),
            Parsed::Help(CREATE_HELP.to_owned())
        );
        assert_eq!(
            parse(["guest-cycle", "-h", "--email", "bad"]).unwrap(),
            Parsed::Help(GUEST_CYCLE_HELP.to_owned())
        );
    }

    #[test]
    fn approve_takes_one_link_and_an_optional_email() {
        let inv = run(&["guest", "approve", "https://p/s/abc", "--email", "g@x.co"]).unwrap();
        assert_eq!(
            inv.command,
            Command::GuestApprove {
                link: "https://p/s/abc".into(),
                email: Some("g@x.co".into())
            }
        );
    }
}
