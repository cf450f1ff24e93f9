//! `user holdings`: everything each user holds that outlives the account or goes with
//! it, before anyone is terminated, deleted or demoted: rooms and shared files, the
//! groups it manages and is a member of, its API keys, and a job under way.
//!
//! The users are read in parallel; the groups come from one paged listing and the keys
//! from one listing for all of them, never one request a user for those. Each user costs
//! two requests more: whether it owns rooms, and its job.

use super::{Command, Prints, Run, Spec};
use crate::app::args::{FROM, Selection, UserRef};
use crate::app::bulk;
use crate::app::exit::{self, Failure};
use crate::app::format::{Format, csv_field, tsv_field};
use crate::app::holdings::{Held, KEYS_UNKNOWN};
use crate::app::parallel::Stop;
use crate::app::select;
use crate::app::show::{printable, safe, short};
use crate::app::width;
use docspace_people::{
    ApiKey, Client, Error, Group, GroupRef, JobStatus, ReassignJob, Status, User, UserType,
};
use serde_json::{Value, json};
use std::collections::HashSet;

pub const SPEC: Spec = Spec {
    name: "user holdings",
    args: "USER... [--from FILE]",
    summary: "what each user holds: rooms, groups, API keys, a job under way",
    about: "\
Prints, for each user, what a terminate, delete or demotion would have to deal with:
whether it owns rooms or shared files (which a delete or a demotion hands to an heir),
the groups it manages (a delete or a demotion to guest leaves them without a manager) and
is a member of, its API keys (name, last used, expiry, active: the portal keeps a
terminated user's keys, which work again if the account is reactivated), and whether a
reassign or type-change job is running for it. USER is a user id or an e-mail address.
Read-only. Only a DocSpace admin sees other users' keys (for anyone else they are
'unknown'), and only the owner may ask whether a DocSpace admin owns rooms.

The groups are read in one listing and the keys in another, whatever the number of users;
each user costs three requests (the user, its rooms, its job), on --parallel connections.
--output table, csv and tsv print a row a user; json and jsonl an object a user; ids the
users who hold something to hand over or revoke (rooms or shared files, groups managed,
API keys).",
    options: &[&FROM],
    examples: &[
        "docspace-people user holdings ann@example.com",
        "docspace-people user holdings --from leavers.txt --output csv",
    ],
    prints: Prints::Rows,
    parse: |args| Ok(Box::new(Holdings(args.selection()?))),
};

#[derive(Debug, PartialEq, Eq)]
pub struct Holdings(pub Selection);

impl Command for Holdings {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect()?;
        let users = select::users(&self.0, &mut run.cx.io)?;
        let workers = run.settings.parallel.value;
        let stop = Stop::default();
        let reads = bulk::read_named(&client, &users, true, workers, &stop);
        let mut failures = Vec::new();
        let mut found: Vec<User> = Vec::new();
        let mut seen = HashSet::new();
        for (named, read) in users.iter().zip(reads) {
            match read {
                Some(Some(Ok(user))) if seen.insert(user.id) => found.push(user),
                Some(Some(Err(e))) => failures.push(unread(named, e)),
                _ => {}
            }
        }
        let caller = run.cx.memory.caller(&client)?;
        let held = if found.is_empty() {
            None
        } else {
            Some(Held::read(&client, &caller)?)
        };
        let detail = |user: &User| Some(read_detail(&client, &caller, user));
        let details = bulk::read_all("checking", &found, workers, &stop, &detail);
        if let Some(reason) = stop.reason() {
            failures.push(reason.during("read the users' holdings").into());
        }
        let format = match (run.settings.printing.format, run.settings.printing.json) {
            (Some(format), _) => Some(format),
            (None, true) => Some(Format::Json),
            (None, false) => None,
        };
        let mut printer = Printer::new(format, run.settings.printing.header);
        for failure in &failures {
            say(run, failure)?;
        }
        run.out.data(&printer.start())?;
        let mut shown = 0;
        for (user, detail) in found.iter().zip(details) {
            let detail = match detail {
                Some(Some(Ok(detail))) => detail,
                Some(Some(Err(e))) => {
                    let failure = Failure::from(e);
                    say(run, &failure)?;
                    failures.push(failure);
                    continue;
                }
                // Not read: the run stopped, which is said once.
                _ => continue,
            };
            let Some(held) = &held else { continue };
            let holding = Holding::of(user, held, detail);
            run.out.data(&printer.holding(&holding))?;
            shown += 1;
        }
        run.out.data(printer.finish())?;
        Ok(exit::of_outcomes(shown, &failures))
    }

    fn reads_stdin(&self) -> bool {
        self.0.reads_stdin()
    }
}

/// A failure's line; a user the portal does not have is `not found` first, in the
/// tool's words, as in every report.
fn say(run: &mut Run, failure: &Failure) -> std::io::Result<()> {
    match failure {
        Failure::Portal(e) if e.is_not_found() => {
            run.out.error(&format_args!("not found: {failure}"))
        }
        failure => run.out.error(failure),
    }
}

/// A user who could not be read, said as every command says it.
fn unread(named: &UserRef, error: Error) -> Failure {
    error.during(format!("read {named}")).into()
}

/// What is asked of the portal about one user besides the listings.
struct Detail {
    /// Owns rooms or shared files; `Err` with why it is unknown.
    owns: Result<bool, String>,
    /// A job under way: `reassign` or `type change`; `Err` with why it is unknown.
    job: Result<Option<(&'static str, ReassignJob)>, String>,
}

/// Whether `user` owns rooms or shared files, and its job under way, as far as `caller`
/// may ask (the portal's rules): only the owner about a DocSpace admin; a room admin
/// about whether a user or a guest owns anything, and about no job. A terminated user
/// can have a reassign job, an active one a type-change job.
fn read_detail(client: &Client, caller: &User, user: &User) -> Result<Detail, Error> {
    let target = user.user_type();
    let admin = caller.user_type() == UserType::DocSpaceAdmin;
    let owns = if target == UserType::DocSpaceAdmin && !caller.is_owner {
        Err("unknown: only the owner may ask about a DocSpace admin".to_owned())
    } else if !admin && !matches!(target, UserType::User | UserType::Guest) {
        Err("unknown: only a DocSpace admin may ask about an admin".to_owned())
    } else {
        match client.reassign_necessary(user.id, target)? {
            Some(owns) => Ok(owns),
            None => Err("unknown: DocSpace before 3.5 cannot say".to_owned()),
        }
    };
    let job = if !admin || (target == UserType::DocSpaceAdmin && !caller.is_owner) {
        Err("unknown: only a DocSpace admin may follow the portal's jobs (the owner, a DocSpace admin's)".to_owned())
    } else if user.status == Status::Terminated {
        Ok(client
            .reassign_progress(user.id)?
            .map(|job| ("reassign", job)))
    } else {
        Ok(client
            .type_change_progress(user.id)?
            .map(|job| ("type change", job)))
    };
    let job = job.map(|job| job.filter(|(_, job)| !job.status.is_finished()));
    Ok(Detail { owns, job })
}

/// Everything one user holds.
struct Holding<'a> {
    user: &'a User,
    owns: Result<bool, String>,
    manages: Vec<&'a Group>,
    member_of: Vec<GroupRef>,
    /// `None`: unknown to the caller.
    keys: Option<Vec<&'a ApiKey>>,
    job: Result<Option<(&'static str, ReassignJob)>, String>,
}

impl<'a> Holding<'a> {
    fn of(user: &'a User, held: &'a Held, detail: Detail) -> Holding<'a> {
        Holding {
            user,
            owns: detail.owns,
            manages: held.managed_by(user.id),
            member_of: user.groups(),
            keys: held.keys_of(user.id),
            job: detail.job,
        }
    }

    /// Holds something a leaver's offboarding must hand over or revoke.
    fn holds(&self) -> bool {
        self.owns == Ok(true)
            || !self.manages.is_empty()
            || self.keys.as_ref().is_some_and(|k| !k.is_empty())
    }

    fn rooms(&self) -> &str {
        match &self.owns {
            Ok(true) => "yes",
            Ok(false) => "no",
            Err(_) => "unknown",
        }
    }

    fn manages(&self) -> String {
        self.manages
            .iter()
            .map(|g| g.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn groups(&self) -> String {
        self.member_of
            .iter()
            .map(|g| g.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn keys(&self) -> String {
        match &self.keys {
            None => "unknown".to_owned(),
            Some(keys) => keys
                .iter()
                .map(|k| k.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    fn job(&self) -> String {
        match &self.job {
            Ok(None) => "none".to_owned(),
            Ok(Some((kind, job))) => format!("{kind} {:.0} %", job.percentage),
            Err(_) => "unknown".to_owned(),
        }
    }

    /// The human lines: the user, then a line a holding.
    fn lines(&self) -> String {
        let rooms = match &self.owns {
            Ok(true) => "owns some (a delete or a demotion hands them to the heir)".to_owned(),
            Ok(false) => "none".to_owned(),
            Err(why) => why.clone(),
        };
        let list = |names: String| {
            if names.is_empty() {
                "none".to_owned()
            } else {
                names
            }
        };
        let keys = match &self.keys {
            None => KEYS_UNKNOWN.to_owned(),
            Some(keys) if keys.is_empty() => "none".to_owned(),
            Some(keys) => keys
                .iter()
                .map(|k| key_line(k))
                .collect::<Vec<_>>()
                .join("; "),
        };
        let job = match &self.job {
            Ok(None) => "none running".to_owned(),
            Ok(Some((kind, job))) => format!(
                "{kind} {} ({:.0} %)",
                if job.status == JobStatus::Created {
                    "queued"
                } else {
                    "running"
                },
                job.percentage
            ),
            Err(why) => why.clone(),
        };
        let lines = [
            format!("{} ({})", short(self.user), self.user.status),
            format!("  rooms and shared files: {rooms}"),
            format!("  manages: {}", list(self.manages())),
            format!("  member of: {}", list(self.groups())),
            format!("  API keys: {keys}"),
            format!("  job: {job}"),
        ];
        let mut text = String::new();
        for line in lines {
            text.push_str(&printable(&line));
            text.push('\n');
        }
        text
    }

    fn json(&self) -> Value {
        let groups = |groups: Vec<(String, &str)>| -> Value {
            groups
                .into_iter()
                .map(|(id, name)| json!({"id": id, "name": name}))
                .collect()
        };
        let keys = self.keys.as_ref().map(|keys| {
            keys.iter()
                .map(|k| {
                    json!({
                        "id": k.id.to_string(),
                        "name": k.name,
                        "lastUsed": k.last_used,
                        "expiresAt": k.expires,
                        "isActive": k.is_active,
                    })
                })
                .collect::<Vec<_>>()
        });
        json!({
            "id": self.user.id.to_string(),
            "email": self.user.email,
            "name": self.user.name(),
            "status": self.user.status.to_string(),
            "type": self.user.user_type().as_str(),
            "ownsRoomsOrSharedFiles": self.owns.as_ref().ok(),
            "manages": groups(self.manages.iter().map(|g| (g.id.to_string(), g.name.as_str())).collect()),
            "memberOf": groups(self.member_of.iter().map(|g| (g.id.to_string(), g.name.as_str())).collect()),
            "apiKeys": keys,
            "job": match &self.job {
                Ok(job) => job.as_ref().map(|(kind, job)| json!({
                    "kind": kind,
                    "percentage": job.percentage,
                })),
                Err(_) => Some(json!("unknown")),
            },
        })
    }
}

/// `'ci' (last used 2026-07-01, never expires)`, and `switched off` for a key that is not
/// active.
fn key_line(key: &ApiKey) -> String {
    let day = |text: &Option<String>| {
        text.as_deref()
            .and_then(|t| t.get(..10))
            .unwrap_or_default()
            .to_owned()
    };
    let used = match &key.last_used {
        Some(_) => format!("last used {}", day(&key.last_used)),
        None => "never used".to_owned(),
    };
    let expires = match &key.expires {
        Some(_) => format!("expires {}", day(&key.expires)),
        None => "never expires".to_owned(),
    };
    let off = if key.is_active { "" } else { ", switched off" };
    format!("'{}' ({used}, {expires}{off})", key.name)
}

/// The columns of the table, CSV and TSV, with the table's widths.
const COLUMNS: [(&str, usize); 8] = [
    ("ID", 36),
    ("ROOMS", 7),
    ("MANAGES", 20),
    ("GROUPS", 20),
    ("KEYS", 20),
    ("JOB", 14),
    ("EMAIL", 32),
    ("NAME", 0),
];

/// Prints holdings in one format; `None` is the human lines.
struct Printer {
    format: Option<Format>,
    header: bool,
    printed: usize,
}

impl Printer {
    fn new(format: Option<Format>, header: bool) -> Printer {
        Printer {
            format,
            header,
            printed: 0,
        }
    }

    fn start(&self) -> String {
        let names = COLUMNS.iter().map(|(name, _)| (*name).to_owned());
        match self.format {
            Some(Format::Json) => "[".to_owned(),
            Some(Format::Table) if self.header => table(names),
            Some(Format::Csv) if self.header => separated(names.map(|n| csv_field(&n)), ","),
            Some(Format::Tsv) if self.header => separated(names.map(|n| tsv_field(&n)), "\t"),
            _ => String::new(),
        }
    }

    fn holding(&mut self, holding: &Holding) -> String {
        let first = self.printed == 0;
        self.printed += 1;
        let values = || {
            [
                holding.user.id.to_string(),
                holding.rooms().to_owned(),
                holding.manages(),
                holding.groups(),
                holding.keys(),
                holding.job(),
                holding.user.email.clone(),
                holding.user.name(),
            ]
            .into_iter()
        };
        match self.format {
            None => holding.lines(),
            Some(Format::Json) => {
                let separator = if first { "" } else { ",\n" };
                format!("{separator}{}", holding.json())
            }
            Some(Format::Jsonl) => format!("{}\n", holding.json()),
            Some(Format::Ids) if holding.holds() => format!("{}\n", holding.user.id),
            Some(Format::Ids) => String::new(),
            Some(Format::Table) => table(values()),
            Some(Format::Csv) => separated(values().map(|v| csv_field(&v)), ","),
            Some(Format::Tsv) => separated(values().map(|v| tsv_field(&v)), "\t"),
        }
    }

    fn finish(&self) -> &'static str {
        match self.format {
            Some(Format::Json) => "]\n",
            _ => "",
        }
    }
}

/// A table line: each value padded to its column's width (in terminal cells), the last
/// one as it is.
fn table(values: impl Iterator<Item = String>) -> String {
    let mut line = String::new();
    for (value, (_, width)) in values.zip(COLUMNS) {
        let value = safe(&value);
        line.push_str(&value);
        if width > 0 {
            let pad = width.saturating_sub(width::width(&value)) + 2;
            line.extend(std::iter::repeat_n(' ', pad));
        }
    }
    line.push('\n');
    line
}

fn separated(fields: impl Iterator<Item = String>, separator: &str) -> String {
    let mut text = fields.collect::<Vec<_>>().join(separator);
    text.push_str("\r\n");
    text
}
