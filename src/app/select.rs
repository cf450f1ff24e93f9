//! Which users a bulk command acts on: the arguments and the `--from` file, the cap on
//! how many, the confirmation on a terminal, and the look-ups that turn addresses into
//! ids. The look-ups run the same way in a dry run and a real one.

use super::cli::{Globals, Selection, UserRef};
use super::config::Context;
use super::exit::Failure;
use super::input;
use super::report::{Already, Outcome, Report, Target};
use docspace_people::{Client, User, UserId};
use std::collections::HashSet;
use std::io;
use std::path::Path;

/// Reads an input file; `-` is stdin.
pub fn read_file(path: &Path, cx: &mut Context) -> Result<String, Failure> {
    let unreadable = |e: io::Error| Failure::Input(format!("cannot read {}: {e}", path.display()));
    if path.as_os_str() == "-" {
        io::read_to_string(&mut cx.stdin).map_err(unreadable)
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
pub fn users(selection: &Selection, cx: &mut Context) -> Result<Vec<UserRef>, Failure> {
    let mut users = selection.users.clone();
    if let Some(path) = &selection.from {
        let text = read_file(path, cx)?;
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
    globals: &Globals,
) -> Result<(), Failure> {
    let max = globals
        .max
        .or((changes_accounts && !attended).then_some(100));
    match max {
        Some(max) if count > max => Err(Failure::BadInput(vec![format!(
            "{what}: {count} users selected, more than --max {max}; nothing was sent (check the selection, then pass --max {count} if it is right)"
        )])),
        _ => Ok(()),
    }
}

/// A person is at the terminal, and not feeding the selection through stdin: they can be
/// asked, and unattended limits do not apply.
/// The ids and addresses (lower-case) of a protect file: accounts a bulk run never
/// terminates or deletes.
pub fn protect_list(path: Option<&Path>, cx: &mut Context) -> Result<HashSet<String>, Failure> {
    let Some(path) = path else {
        return Ok(HashSet::new());
    };
    let text = read_file(path, cx)?;
    let listed = input::user_list(&text).map_err(|problems| bad_rows(path, &problems))?;
    Ok(listed
        .iter()
        .map(|user| user.to_string().to_ascii_lowercase())
        .collect())
}

/// The owner, the caller and the accounts of the protect file are never terminated or
/// deleted by a bulk run.
pub fn is_protected(
    target: &Target,
    is_owner: bool,
    caller: &User,
    protected: &HashSet<String>,
) -> bool {
    is_owner
        || target.id == Some(caller.id)
        || target
            .id
            .is_some_and(|id| protected.contains(&id.to_string()))
        || (!target.email.is_empty() && protected.contains(&target.email.to_ascii_lowercase()))
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

/// Hands each user named to `each` as the portal describes it, in order: looked up by
/// e-mail through [`resolve`], read by id here. One that is not there is settled as
/// [`gone`] says, one that cannot be read fails, each in its turn. `looking_up` words the
/// read of an id, for its error.
pub fn each_user(
    client: &Client,
    users: &[UserRef],
    deleted: &HashSet<String>,
    verb: &str,
    looking_up: impl Fn(UserId) -> String,
    report: &mut Report,
    mut each: impl FnMut(User, &mut Report),
) {
    for (target, found) in resolve(client, users, deleted, verb, report) {
        match (found, target.id) {
            (Some(user), _) => each(user, report),
            (None, Some(id)) => match client.get_user(id) {
                Ok(user) => each(user, report),
                Err(e) if e.is_not_found() => {
                    let outcome = gone(deleted, &target, e.during(looking_up(id)));
                    report.settle(&target, outcome);
                }
                Err(e) => report.fail(&[target], e.into()),
            },
            (None, None) => {}
        }
    }
}

pub fn attended(from: Option<&Path>, cx: &Context) -> bool {
    cx.stdin_is_terminal && from != Some(Path::new("-"))
}

/// The users the portal lists with `filter`, for a bulk change. A listing that fails
/// fails the run before anything is sent.
pub fn listed(
    client: &Client,
    filter: &docspace_people::Filter,
    verb: &str,
) -> Result<Vec<(Target, Option<User>)>, Failure> {
    client
        .list_users(filter)
        .map(|user| {
            let user =
                user.map_err(|e| Failure::from(e.during(format!("select the users to {verb}"))))?;
            Ok((Target::of(&user), Some(user)))
        })
        .collect()
}

/// Looks up the users named by e-mail, with the user the portal described when it was
/// looked up. One that is not found is `not found`, unless `deleted` (what the journal
/// says this tool deleted) has it: then it is `already gone`. Each user comes once.
pub fn resolve(
    client: &Client,
    users: &[UserRef],
    deleted: &HashSet<String>,
    verb: &str,
    report: &mut Report,
) -> Vec<(Target, Option<User>)> {
    let mut targets = Vec::with_capacity(users.len());
    let mut seen: HashSet<UserId> = HashSet::with_capacity(users.len());
    for user in users {
        let (target, found) = match user {
            UserRef::Id(id) => (Target::by_id(*id), None),
            UserRef::Email(email) => match client.get_user_by_email(email) {
                Ok(found) => {
                    let target = Target {
                        id: Some(found.id),
                        email: found.email.clone(),
                        label: None,
                        fate: None,
                    };
                    (target, Some(found))
                }
                Err(e) if e.is_not_found() => {
                    let target = Target::by_email(email.as_str());
                    report.settle(
                        &target,
                        gone(deleted, &target, e.during(format!("{verb} {email}"))),
                    );
                    continue;
                }
                Err(e) => {
                    let failure = Failure::from(e.during(format!("{verb} {email}")));
                    report.fail(&[Target::by_email(email.as_str())], failure);
                    continue;
                }
            },
        };
        if target.id.is_some_and(|id| seen.insert(id)) {
            targets.push((target, found));
        }
    }
    targets
}
