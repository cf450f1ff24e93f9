//! The help texts: the overview, one text per command, and the exit codes from their
//! table.

use super::exit;

/// The help for the command named by `words` (the overview when they name none).
pub fn for_command(words: &[&str]) -> String {
    match words {
        ["user", "create", ..] => CREATE.to_owned(),
        ["user", "list", ..] => LIST.to_owned(),
        ["user", "set-type", ..] => SET_TYPE.to_owned(),
        ["invite", "resend", ..] => RESEND.to_owned(),
        ["invite", "revoke", ..] => REVOKE.to_owned(),
        ["seats", ..] => SEATS.to_owned(),
        ["user", _, ..] => USERS.to_owned(),
        ["guest", ..] => GUEST.to_owned(),
        ["invite", ..] => INVITE.to_owned(),
        ["lifecycle", ..] => LIFECYCLE.to_owned(),
        ["guest-cycle", ..] => GUEST_CYCLE.to_owned(),
        ["whoami", ..] => WHOAMI.to_owned(),
        ["login", ..] => LOGIN.to_owned(),
        ["journal", ..] => JOURNAL.to_owned(),
        ["config", ..] => CONFIG.to_owned(),
        ["completions", ..] => COMPLETIONS.to_owned(),
        ["manpage", ..] => MANPAGE.to_owned(),
        _ => overview(),
    }
}

fn overview() -> String {
    let (head, tail) = MAIN.split_at(MAIN.find("  T is user (the default)").unwrap_or(MAIN.len()));
    let mut text = format!("{head}Commands:\n");
    for command in COMMANDS {
        let usage = format!("  {} {}", command.name, command.args);
        let usage = usage.trim_end();
        let mut summary = command.summary.split(' ').peekable();
        let mut line = if usage.chars().count() <= 41 {
            format!("{usage:<43}")
        } else {
            text.push_str(usage);
            text.push('\n');
            " ".repeat(43)
        };
        while let Some(word) = summary.next() {
            if line.chars().count() + word.chars().count() > 90 {
                text.push_str(line.trim_end());
                text.push('\n');
                line = " ".repeat(43);
            }
            line.push_str(word);
            if summary.peek().is_some() {
                line.push(' ');
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text.push('\n');
    text.push_str(tail);
    text.push_str("Exit codes:\n");
    for row in exit::TABLE {
        let mut line = format!("  {:<3} ", row.code);
        for word in row.meaning.split(' ') {
            if line.len() + word.len() > 88 {
                text.push_str(line.trim_end());
                text.push('\n');
                line = " ".repeat(6);
            }
            line.push_str(word);
            line.push(' ');
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// A command of the command line: its words, its arguments, what it does, and its own
/// options. The overview's list of commands, the typo suggestions, the shell completions
/// and the manual page are all made from this table.
pub struct CommandSpec {
    pub name: &'static str,
    pub args: &'static str,
    pub summary: &'static str,
    pub options: &'static [&'static str],
}

const SELECTION: &[&str] = &[
    "--from",
    "--status",
    "--type",
    "--search",
    "--registered-before",
];

pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "whoami",
        args: "",
        summary: "check the address and the credential",
        options: &[],
    },
    CommandSpec {
        name: "user list",
        args: "[--status S] [--type T] [--search TEXT] [--registered-before YYYY-MM-DD] [--terminated-for DUR] [--ids]",
        summary: "list accounts",
        options: &[
            "--status",
            "--type",
            "--search",
            "--registered-before",
            "--terminated-before",
            "--terminated-for",
            "--activation",
            "--ids",
        ],
    },
    CommandSpec {
        name: "user get",
        args: "USER... [--from FILE]",
        summary: "USER is a user id or an e-mail address",
        options: &["--from"],
    },
    CommandSpec {
        name: "user create",
        args: "--email E --first-name F [--last-name L] [--type T]",
        summary: "create an account (or --from FILE: CSV email,firstName,lastName[,type] or JSON Lines)",
        options: &["--email", "--first-name", "--last-name", "--type", "--from"],
    },
    CommandSpec {
        name: "user terminate",
        args: "USER... [--from FILE] [--protect FILE]",
        summary: "suspend accounts (they can no longer sign in)",
        options: &[
            "--from",
            "--status",
            "--type",
            "--search",
            "--registered-before",
            "--protect",
        ],
    },
    CommandSpec {
        name: "user activate",
        args: "USER... [--from FILE]",
        summary: "reactivate terminated accounts",
        options: SELECTION,
    },
    CommandSpec {
        name: "user delete",
        args: "USER... [--from FILE] [--terminate] [--heir USER|me]",
        summary: "delete terminated accounts for good, their rooms and shared files handed to the heir",
        options: &[
            "--from",
            "--status",
            "--type",
            "--search",
            "--registered-before",
            "--terminate",
            "--heir",
            "--wait",
            "--protect",
            "--terminated-before",
            "--terminated-for",
        ],
    },
    CommandSpec {
        name: "user set-type",
        args: "USER... --type T [--heir USER|me]",
        summary: "change users' type (paid seats); a demotion hands the rooms to the heir",
        options: &["--from", "--type", "--heir", "--wait", "--protect"],
    },
    CommandSpec {
        name: "guest link",
        args: "GUEST",
        summary: "print a guest's share link",
        options: &[],
    },
    CommandSpec {
        name: "guest approve",
        args: "LINK [--email E]",
        summary: "approve a guest share link (the short /s/… link or the full confirmation link)",
        options: &["--email"],
    },
    CommandSpec {
        name: "guest delete",
        args: "GUEST... [--from FILE]",
        summary: "unlink guests from you (their accounts stay)",
        options: SELECTION,
    },
    CommandSpec {
        name: "invite",
        args: "EMAIL... [--from FILE] [--type T]",
        summary: "invite people by e-mail",
        options: &["--from", "--type"],
    },
    CommandSpec {
        name: "invite resend",
        args: "[USER...] [--from FILE]",
        summary: "send never-activated users their invitation again, in one request",
        options: &["--from", "--registered-before"],
    },
    CommandSpec {
        name: "invite revoke",
        args: "--older-than DUR",
        summary: "terminate and delete never-activated accounts",
        options: &["--older-than", "--from", "--protect"],
    },
    CommandSpec {
        name: "seats",
        args: "",
        summary: "paid seats used and available, and who holds them",
        options: &[],
    },
    CommandSpec {
        name: "lifecycle",
        args: "--email E --first-name F [--last-name L] [--type T]",
        summary: "create → get → terminate → delete",
        options: &["--email", "--first-name", "--last-name", "--type"],
    },
    CommandSpec {
        name: "guest-cycle",
        args: "LINK [--email E]",
        summary: "approve → delete (unlink)",
        options: &["--email"],
    },
    CommandSpec {
        name: "login",
        args: "EMAIL",
        summary: "print a session token; the password comes from stdin or DOCSPACE_PASSWORD",
        options: &[],
    },
    CommandSpec {
        name: "config show",
        args: "",
        summary: "the settings in effect, each with its source",
        options: &[],
    },
    CommandSpec {
        name: "journal",
        args: "[--since YYYY-MM-DD] [--user USER]",
        summary: "show the changes this tool made, and runs that were killed before their outcome was known",
        options: &["--since", "--user"],
    },
    CommandSpec {
        name: "completions",
        args: "bash|zsh|fish",
        summary: "print a completion script for the shell",
        options: &[],
    },
    CommandSpec {
        name: "manpage",
        args: "",
        summary: "print this manual as a man page (roff)",
        options: &[],
    },
];

/// The options every command takes.
pub const GLOBAL_OPTIONS: &[&str] = &[
    "--portal",
    "--token-file",
    "--ca-file",
    "--profile",
    "--timeout",
    "--retries",
    "--insecure-http",
    "--journal",
    "--no-journal",
    "--wait-lock",
    "--dry-run",
    "--max",
    "--yes",
    "--json",
    "--output",
    "--columns",
    "--no-header",
    "--quiet",
    "--help",
    "--version",
];

/// The valid word nearest to `word`, when it is near enough to be a typo of it.
pub fn nearest<'a>(word: &str, valid: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    valid
        .into_iter()
        .map(|candidate| (distance(word, candidate), candidate))
        .filter(|(d, candidate)| *d <= 2.max(candidate.len() / 4) && *d < candidate.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein's edit distance.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

const MAIN: &str = "\
docspace-people — administer the users and guests of an ONLYOFFICE DocSpace portal

Usage: docspace-people [OPTIONS] COMMAND [ARGS]

Options (before or after the command):
  --portal URL        portal address, e.g. https://portal.example.com   (env DOCSPACE_URL)
  --token-file PATH   file holding the API key or token; '-' reads it from stdin
                      (env DOCSPACE_TOKEN_FILE; or env DOCSPACE_TOKEN holding it directly;
                      or $CREDENTIALS_DIRECTORY/docspace-token under systemd)
  --ca-file PATH      trust the certificates in this PEM file (a private CA)
                      instead of the public certificate authorities (env DOCSPACE_CA_FILE)
  --profile NAME      settings of this profile of the config file (env DOCSPACE_PROFILE;
                      the file is DOCSPACE_CONFIG or ~/.config/docspace-people/config.json;
                      flags win over the environment, the environment over the profile)
  --timeout SECS      bound on each request (default 30)
  --retries N         repeat a request that is safe to repeat after a temporary
                      failure, up to N times (default 3; 0 disables)
  --insecure-http     allow plain http:// to a host other than this machine
  --journal PATH      record every change here (env DOCSPACE_JOURNAL; default
                      $XDG_STATE_HOME/docspace-people/journal.jsonl, ~/.local/state/…,
                      or $STATE_DIRECTORY/journal.jsonl under systemd)
  --no-journal        keep no record of changes
  --wait-lock DUR     wait up to DUR (30s, 10m, 1h) for another changing run against the
                      same portal to finish, instead of exiting 75
  --dry-run           send nothing that changes the portal; print each such request
  --max N             refuse to act on more than N users (default 100 for 'user delete'
                      when stdin is not a terminal)
  -y, --yes           do not ask for confirmation on a terminal
  --json              print results as JSON on stdout (--output json)
  --output FORMAT     how users are printed: table (default), json, jsonl, csv (RFC 4180),
                      tsv or ids; user objects carry typeName, statusName and
                      activationName next to what the portal sent
  --columns LIST      the columns of table, csv and tsv, from id, email, first, last,
                      name, type, status, activation, registered, terminated, created-by
  --no-header         no header line in table, csv and tsv
  -q, --quiet         no notes, progress or summaries (a read command still prints its
                      data; errors are always printed)
  -h, --help          help; 'docspace-people COMMAND --help' for one command
  -V, --version       print the version

  T is user (the default), room-admin or docspace-admin (and guest for 'user list').
  S is active, terminated or pending. FILE holds one id or e-mail a line ('-' is stdin;
  blank lines and lines starting with # are skipped).

";

const CREATE: &str = "\
Usage: docspace-people user create --email E --first-name F [--last-name L] [--type T]
       docspace-people user create --from FILE

Creates accounts; the portal e-mails each new person an activation link.
T is user (the default), room-admin (a paid seat) or docspace-admin (owner only).
FILE is CSV with a header line email,firstName,lastName[,type] (RFC 4180 quoting,
UTF-8) or JSON Lines ({\"email\":…,\"firstName\":…,\"lastName\":…,\"type\":…}). Every row is
checked before anything is sent; existing addresses are skipped.
Prints: created ID NAME <EMAIL>

Examples:
  docspace-people user create --email ann.lee@example.com --first-name Ann --last-name Lee
  docspace-people user create --from new-staff.csv --dry-run
";

const LIST: &str = "\
Usage: docspace-people user list [--status S] [--type T] [--search TEXT]
                                 [--registered-before YYYY-MM-DD] [--activation pending]
                                 [--terminated-for DUR|--terminated-before YYYY-MM-DD] [--ids]

Lists every matching account, reading the portal page by page, sorted by e-mail
address. S is active, terminated or pending; T is user, guest, room-admin or
docspace-admin; TEXT matches first name, last name or e-mail. --terminated-for 30d lists
the users terminated at least that long ago (as the portal or this tool's journal
recorded it; a user whose date is unknown is left out, and counted on stderr). --ids
prints only ids, ready for 'user delete --from -'; --json prints a JSON array.
--activation pending lists the users who never activated their account: invited and
never registered (pending), and created but never activated (active).

Examples:
  docspace-people user list --status terminated --ids
  docspace-people user list --activation pending --registered-before 2026-01-01
";

const SET_TYPE: &str = "\
Usage: docspace-people user set-type USER... [--from FILE] --type T [--heir USER|me]
                                     [--wait DUR] [--protect FILE]

Makes users T: user, room-admin or docspace-admin (room admins and DocSpace admins take
paid seats; see 'seats'). Each user's type is read first; one already of that type is
'already T' and not sent. Promotions go in one request per 100 users; the portal stops at
its first refusal, and each user is reported from what it did (exit 1). No paid seat left
is exit 65 with the portal's message. A demotion to user is the portal's job, which hands
the user's rooms to the heir: a user who owns rooms is demoted only with --heir (an active
room admin or DocSpace admin; 'me' is you). --wait (default 5m) bounds the wait for each
job; the same command again follows a job still running. The owner, you and the accounts
of --protect FILE are never changed.

Examples:
  docspace-people user set-type ann@example.com --type room-admin
  docspace-people user set-type bob@example.com --type user --heir rita@example.com
";

const RESEND: &str = "\
Usage: docspace-people invite resend USER... [--from FILE]
       docspace-people invite resend [--registered-before YYYY-MM-DD]

Sends a new invitation (or activation e-mail) to users who never activated their
account; without USER or --from, to every such user. All of them go in ONE request: the
portal allows 5 per 15 minutes, so it is never repeated. The portal skips without a word
the users you may not invite (e.g. a room-admin may not invite a docspace-admin), so
they are not sent but named 'skipped: a room-admin may not invite a docspace-admin'
(exit 1, or 65 if nobody was sent). A 429 exits 75 at once and says when to try again.

Example:
  docspace-people invite resend ann@example.com bob@example.com
";

const REVOKE: &str = "\
Usage: docspace-people invite revoke --older-than DUR|--registered-before YYYY-MM-DD
       docspace-people invite revoke USER... [--from FILE] [--older-than DUR]
                                     [--protect FILE]

Removes accounts that were never activated (invited and never registered, or created and
never activated) and registered long enough ago: each is terminated, then deleted; there
is nothing to hand over. An activated account is never revoked. Unattended at most 100
accounts unless --max says otherwise; on a terminal it asks first unless --yes.

Example:
  docspace-people invite revoke --older-than 30d --dry-run
";

const SEATS: &str = "\
Usage: docspace-people seats [--json]

Prints the portal's paid seats, used and available, and the users who hold them (room
admins and DocSpace admins that are not terminated). Needs a DocSpace admin.

Example:
  docspace-people seats
";

const USERS: &str = "\
Usage: docspace-people user get|terminate|activate USER... [--from FILE]
       docspace-people user delete USER... [--from FILE] [--terminate] [--heir USER|me]
                                   [--wait DUR] [--protect FILE]
       docspace-people user delete --terminated-for DUR|--terminated-before YYYY-MM-DD ...

USER is a user id (0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a) or an e-mail address; FILE has
one a line ('-' is stdin).
  get        print each account: ID NAME <EMAIL> TYPE STATUS
  terminate  suspend the accounts; never the owner, you, or the accounts of
             --protect FILE
  activate   reactivate terminated accounts
  delete     delete terminated accounts for good; with --terminate, active ones are
             terminated first, without it they are skipped. Unattended (stdin not a
             terminal) at most 100 users unless --max says otherwise; on a terminal it
             asks first unless --yes.

What a delete does with the leaver's data, said for each user in the plan, the
question and the report: personal files that were never shared are destroyed. Rooms and
shared files would go to the account behind the key without a word, so a leaver who owns
any is deleted only with --heir: the portal's reassign job hands them to the heir (an
active room admin or DocSpace admin; 'me' is you) and then deletes the profile. --wait
(default 5m) bounds the wait for each job; a job still running is left to the portal
(exit 75), and running the same command again follows it. The owner, you, and the
accounts listed in --protect FILE are never deleted. Without USER or --from,
--terminated-for 30d (or --terminated-before DATE) selects the terminated users old
enough; one whose termination date is unknown is never selected.
Users the portal refuses are named and the others are still done; exit 1 when some
failed. --dry-run prints the requests instead of sending them.

Examples:
  docspace-people user delete ann@example.com --heir rita@example.com
  docspace-people user delete --terminated-for 30d --heir me --max 50
";

const GUEST: &str = "\
Usage: docspace-people guest link GUEST
       docspace-people guest approve LINK [--email E]
       docspace-people guest delete GUEST... [--from FILE]

  link     print the guest's share link, for another member to approve
  approve  approve a share link, so the guest becomes visible to you; LINK is the short
           https://portal/s/KEY link or the full confirmation link. With --email, it is
           an error if the link is for anybody else.
  delete   unlink guests from you; their accounts stay. A DocSpace admin is linked only
           to guests they invited: approving a link does not link them.

Examples:
  docspace-people guest link gina@example.com
  docspace-people guest approve https://portal.example.com/s/AbCdEf --email gina@example.com
  docspace-people guest delete gina@example.com
";

const INVITE: &str = "\
Usage: docspace-people invite EMAIL... [--from FILE] [--type T]

Invites people by e-mail; T is user (the default), room-admin or docspace-admin.
An address that already has an account gets no e-mail; one invited before and never
activated is sent its invitation again by 'invite resend' (see 'invite resend --help').

Example:
  docspace-people invite ann@example.com --type room-admin
";

const LIFECYCLE: &str = "\
Usage: docspace-people lifecycle --email E --first-name F [--last-name L] [--type T]

Creates a user, reads it back, terminates it and deletes it, stopping at the first step
that fails. A failure names the step, the user's id and the state the user is left in;
the exit code is that step's own.

Example:
  docspace-people lifecycle --email probe@example.com --first-name Probe
";

const GUEST_CYCLE: &str = "\
Usage: docspace-people guest-cycle LINK [--email E]

Approves a guest share link, then unlinks the guest from you, stopping at the first
step that fails. Unlinking works for guests linked to you: a room admin is linked by
the approval, a DocSpace admin is not.

Example:
  docspace-people guest-cycle https://portal.example.com/s/AbCdEf --email gina@example.com
";

const WHOAMI: &str = "\
Usage: docspace-people whoami

Prints the account behind the credential: ID NAME <EMAIL> TYPE STATUS.

Example:
  docspace-people whoami --portal https://portal.example.com --token-file ~/.config/docspace-token
";

const JOURNAL: &str = "\
Usage: docspace-people journal [--since YYYY-MM-DD] [--user USER] [--json]

Shows the changes this tool recorded: one line per user and step, with its outcome.
Every change is written to the journal before its request is sent, so a run that was
killed (SIGKILL, out of memory, power loss) leaves an intent without an outcome; such
steps are listed as 'interrupted' with a command to check the users they were for.
USER is an id or an e-mail address. Reads only the journal file: no portal is needed.

Examples:
  docspace-people journal --since 2026-12-01
  docspace-people journal --user ann.lee@example.com --json
";

const CONFIG: &str = "\
Usage: docspace-people config show [--profile NAME]

Prints the settings a run would use (portal, credential file, CA file, timeout, retries,
journal, protect file), each with where it came from: a flag, the environment, the
profile of the config file, or the default. Never a secret. The config file is
DOCSPACE_CONFIG, else $XDG_CONFIG_HOME/docspace-people/config.json (~/.config/… when
unset); it holds paths, never a key:
  {\"default\": \"prod\", \"profiles\": {\"prod\": {\"portal\": \"https://portal.example.com\",
   \"token_file\": \"/etc/docspace-people/token\", \"timeout\": 30}}}

Example:
  docspace-people config show --profile prod
";

const COMPLETIONS: &str = "\
Usage: docspace-people completions bash|zsh|fish

Prints a completion script for the shell, made from the same table as the help.

Examples:
  docspace-people completions bash > /etc/bash_completion.d/docspace-people
  docspace-people completions fish > ~/.config/fish/completions/docspace-people.fish
";

const MANPAGE: &str = "\
Usage: docspace-people manpage

Prints this manual as a man page (roff), for a box without internet.

Example:
  docspace-people manpage > /usr/local/share/man/man1/docspace-people.1
";

const LOGIN: &str = "\
Usage: docspace-people login EMAIL

Logs in with a password and prints the session token, which works wherever an API key
does. The password is read from DOCSPACE_PASSWORD, or from stdin (without echo on a
terminal). Save the token where only you can read it:
  (umask 077; docspace-people login admin@example.com > ~/.config/docspace-token)

Example:
  DOCSPACE_URL=https://portal.example.com docspace-people login admin@example.com
";

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command of the table has its own help, with at least one example.
    #[test]
    fn every_command_has_help_with_an_example() {
        for command in COMMANDS {
            let words: Vec<&str> = command.name.split(' ').collect();
            let text = for_command(&words);
            assert!(text.contains("Example"), "{}: {text}", command.name);
            let last = words.last().copied().unwrap_or_default();
            assert!(text.contains(last), "{}: {text}", command.name);
        }
    }

    #[test]
    fn typos_are_matched_to_the_nearest_word() {
        assert_eq!(
            nearest("user delet", COMMANDS.iter().map(|c| c.name)),
            Some("user delete")
        );
        assert_eq!(
            nearest("--dryrun", GLOBAL_OPTIONS.iter().copied()),
            Some("--dry-run")
        );
        assert_eq!(nearest("frobnicate", COMMANDS.iter().map(|c| c.name)), None);
    }

    /// `--help` lists every code of the table, in order.
    #[test]
    fn the_help_lists_every_exit_code() {
        let help = for_command(&[]);
        let listed: Vec<u8> = help
            .split("Exit codes:\n")
            .nth(1)
            .expect("the help has an exit-code section")
            .lines()
            .filter(|l| !l.starts_with("      "))
            .filter_map(|l| l.split_whitespace().next()?.parse().ok())
            .collect();
        let documented: Vec<u8> = exit::TABLE.iter().map(|r| r.code).collect();
        assert_eq!(listed, documented);
    }
}
