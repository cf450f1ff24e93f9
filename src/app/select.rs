//! Which users a bulk command acts on: the arguments and the `--from` file, the cap on
//! how many, the confirmation on a terminal, and the look-ups that turn addresses into
//! ids. The look-ups run the same way in a dry run and a real one.

use super::args::{Selection, UserRef};
use super::config::Io;
use super::exit::Failure;
use super::input;
use super::report::{Already, Outcome, Report, Target};
use super::settings::Settings;
use docspace_people::{User, UserId};
use std::collections::HashSet;
use std::io;
use std::path::Path;

/// Reads an input file; `-` is stdin.
pub fn read_file(path: &Path, process: &mut Io) -> Result<String, Failure> {
    let unreadable = |e: io::Error| Failure::Input(format!("cannot read {}: {e}", path.display()));
    if path.as_os_str() == "-" {
        io::read_to_string(&mut process.stdin).map_err(unreadable)
    } else {
        std::fs::read_to_string(path).map_err(unreadable)
    }
}

/// Every problem of an input file, each on its own line; nothing was sent.
pub fn bad_rows(path: &Path, problems: &[String]) -> Failure {
    let mut lines: Vec<String> = problems
        .iter()
        .map(|p| format!("{}: {p}", path.display()))
        .collect();
    lines.push(format!(
        "nothing was sent: fix the {} bad line(s) of {} and run again",
        problems.len(),
        path.display()
    ));
    Failure::BadInput(lines)
}

/// The users of a selection: the arguments, then the file's, without duplicates.
pub fn users(selection: &Selection, process: &mut Io) -> Result<Vec<UserRef>, Failure> {
    let mut users = selection.users.clone();
    if let Some(path) = &selection.from {
        let text = read_file(path, process)?;
        let listed = input::user_list(&text).map_err(|problems| bad_rows(path, &problems))?;
        let mut seen: HashSet<UserRef> = users.iter().cloned().collect();
        users.extend(listed.into_iter().filter(|u| seen.insert(u.clone())));
    }
    Ok(users)
}

/// Refuses to act on more users than `--max` allows, before anything is sent. A bulk
/// change of existing accounts (terminate, activate, delete, unlink) run unattended is
/// capped at 100 unless `--max` says otherwise; creating and inviting are not.
pub fn cap(
    count: usize,
    what: &str,
    changes_accounts: bool,
    attended: bool,
    settings: &Settings,
) -> Result<(), Failure> {
    match limit(changes_accounts, attended, settings) {
        Some(max) if count > max => Err(Failure::BadInput(vec![format!(
            "{what}: {count} users selected, more than --max {max}; nothing was sent (check the selection, then pass --max {count} if it is right)"
        )])),
        _ => Ok(()),
    }
}

/// The most a run may change: `--max`, else 100 for a change of existing accounts run
/// unattended, else no limit.
pub fn limit(changes_accounts: bool, attended: bool, settings: &Settings) -> Option<usize> {
    settings
        .max
        .or((changes_accounts && !attended).then_some(100))
}

/// The ids and addresses (lower-case) of the protect files: accounts a bulk run never
/// changes.
pub fn protect_list<'p>(
    paths: impl IntoIterator<Item = &'p Path>,
    process: &mut Io,
) -> Result<HashSet<String>, Failure> {
    let mut protected = HashSet::new();
    for path in paths {
        let text = read_file(path, process)?;
        let listed = input::user_list(&text).map_err(|problems| bad_rows(path, &problems))?;
        protected.extend(listed.iter().map(|u| u.to_string().to_ascii_lowercase()));
    }
    Ok(protected)
}

/// What became of a user the portal does not know: `already gone` if the journal shows
/// this tool deleted it, else `not found`.
pub fn gone(
    deleted: &HashSet<String>,
    target: &Target,
    not_found: docspace_people::Error,
) -> Outcome {
    let known = |key: &str| !key.is_empty() && deleted.contains(&key.to_ascii_lowercase());
    if target.id.is_some_and(|id| known(&id.to_string())) || known(&target.email) {
        Outcome::Already(Already::Gone)
    } else {
        Outcome::NotFound(not_found.into())
    }
}

/// What was read of a user named by id or address: `None` when it was not read, because
/// the run stopped first; `Some(None)` when a user named by id is not read before it is
/// changed (the portal's answer says what became of it).
pub type Read = Option<Option<Result<User, docspace_people::Error>>>;

/// The named users with what was read of each, in order. One that is not found is `not
/// found`, unless `deleted` (what the journal says this tool deleted) has it: then it is
/// `already gone`; one that was not read is `not sent`. Each user comes once.
pub fn resolve(
    users: &[UserRef],
    reads: Vec<Read>,
    deleted: &HashSet<String>,
    verb: &str,
    report: &mut Report,
) -> Vec<(Target, Option<User>)> {
    let mut targets = Vec::with_capacity(users.len());
    let mut seen: HashSet<UserId> = HashSet::with_capacity(users.len());
    for (user, read) in users.iter().zip(reads) {
        let named = match user {
            UserRef::Id(id) => Target::by_id(*id),
            UserRef::Email(email) => Target::by_email(email.as_str()),
        };
        let (target, found) = match read {
            None => {
                report.not_sent(&[named]);
                continue;
            }
            Some(None) => (named, None),
            Some(Some(Ok(found))) => {
                let target = Target {
                    id: Some(found.id),
                    email: found.email.clone(),
                    label: None,
                    fate: None,
                    group: None,
                };
                (target, Some(found))
            }
            Some(Some(Err(e))) if e.is_not_found() => {
                let not_found = e.during(format!("{verb} {user}"));
                report.settle(&named, gone(deleted, &named, not_found));
                continue;
            }
            Some(Some(Err(e))) => {
                report.fail(&[named], e.during(format!("{verb} {user}")).into());
                continue;
            }
        };
        if target.id.is_some_and(|id| seen.insert(id)) {
            targets.push((target, found));
        }
    }
    targets
}
