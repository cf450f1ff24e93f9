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
        _ => overview(),
    }
}

fn overview() -> String {
    let mut text = format!("{MAIN}Exit codes:\n");
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

const MAIN: &str = "\
docspace-people — administer the users and guests of an ONLYOFFICE DocSpace portal

Usage: docspace-people [OPTIONS] COMMAND [ARGS]

Options (before or after the command):
  --portal URL        portal address, e.g. https://portal.example.com   (env DOCSPACE_URL)
  --token-file PATH   file holding the API key or token; '-' reads it from stdin
                      (env DOCSPACE_TOKEN_FILE; or env DOCSPACE_TOKEN holding it directly;
                      or $CREDENTIALS_DIRECTORY/docspace-token under systemd)
  --ca-file PATH      trust the certificates in this PEM file (a private CA)
                      instead of the public certificate authorities
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
  --json              print results as JSON on stdout
  -q, --quiet         print only errors
  -h, --help          help; 'docspace-people COMMAND --help' for one command
  -V, --version       print the version

Commands:
  whoami                                   check the address and the credential
  user list [--status S] [--type T] [--search TEXT] [--registered-before YYYY-MM-DD] [--ids]
  user get USER... [--from FILE]           USER is a user id or an e-mail address
  user create --email E --first-name F [--last-name L] [--type T]
  user create --from FILE                  CSV (email,firstName,lastName[,type]) or JSON Lines
  user terminate USER... [--from FILE]     suspend accounts (they can no longer sign in)
  user activate USER... [--from FILE]      reactivate terminated accounts
  user delete USER... [--from FILE] [--terminate] [--heir USER|me]
                                           delete terminated accounts for good, their
                                           rooms and shared files handed to the heir
  guest link GUEST                         print a guest's share link
  guest approve LINK [--email E]           approve a guest share link (the short /s/… link
                                           or the full confirmation link)
  guest delete GUEST... [--from FILE]      unlink guests from you (their accounts stay)
  invite EMAIL... [--from FILE] [--type T] invite people by e-mail
  invite resend [USER...] [--from FILE]    send never-activated users their invitation
                                           again, in one request
  invite revoke --older-than DUR           terminate and delete never-activated accounts
  user set-type USER... --type T [--heir USER|me]
                                           change users' type (paid seats)
  seats                                    paid seats used and available, and who holds them
  lifecycle --email E --first-name F [--last-name L] [--type T]
                                           create → get → terminate → delete
  guest-cycle LINK [--email E]             approve → delete (unlink)
  login EMAIL                              print a session token; the password comes from
                                           stdin or DOCSPACE_PASSWORD
  journal [--since YYYY-MM-DD] [--user USER]
                                           show the changes this tool made, and runs that
                                           were killed before their outcome was known

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
portal allows 5 per 15 minutes, so it is never repeated. Users the portal skips without
a word are named 'skipped by the portal' (exit 1). A 429 exits 75 at once and says when
to try again.

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
";

const GUEST_CYCLE: &str = "\
Usage: docspace-people guest-cycle LINK [--email E]

Approves a guest share link, then unlinks the guest from you, stopping at the first
step that fails. Unlinking works for guests linked to you: a room admin is linked by
the approval, a DocSpace admin is not.
";

const WHOAMI: &str = "\
Usage: docspace-people whoami

Prints the account behind the credential: ID NAME <EMAIL> TYPE STATUS.
";

const JOURNAL: &str = "\
Usage: docspace-people journal [--since YYYY-MM-DD] [--user USER] [--json]

Shows the changes this tool recorded: one line per user and step, with its outcome.
Every change is written to the journal before its request is sent, so a run that was
killed (SIGKILL, out of memory, power loss) leaves an intent without an outcome; such
steps are listed as 'interrupted' with a command to check the users they were for.
USER is an id or an e-mail address. Reads only the journal file: no portal is needed.
";

const LOGIN: &str = "\
Usage: docspace-people login EMAIL

Logs in with a password and prints the session token, which works wherever an API key
does. The password is read from DOCSPACE_PASSWORD, or from stdin (without echo on a
terminal). Save the token where only you can read it:
  (umask 077; docspace-people login admin@example.com > ~/.config/docspace-token)
";

#[cfg(test)]
mod tests {
    use super::*;

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
