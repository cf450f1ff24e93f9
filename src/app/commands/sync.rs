//! `sync`: makes the portal match an HR roster. One listing of the portal gives the plan
//! ([`diff`]); `--dry-run` prints it in any `--output` format, and a real run carries it
//! out through the engine (lock, journal, `--max` over the changes, the question,
//! outcomes per person and action). The same roster again plans nothing.

use super::delete::caller_and_heir;
use super::set_type::demotion;
use super::{Command, Prints, Run, Spec};
use crate::app::args::{Args, HEIR, Heir, KEEP_KEYS, Kind, Opt, PROTECT, WAIT};
use crate::app::bulk;
use crate::app::diff::{self, Diff, Fate, Groups, Guard, Reach};
use crate::app::exit::{self, Failure};
use crate::app::format::Format;
use crate::app::holdings::{self, Leaving};
use crate::app::input;
use crate::app::output::Output;
use crate::app::parallel::Stop;
use crate::app::plan::{self, Plan};
use crate::app::report::{Outcome, Report, Style};
use crate::app::select;
use crate::app::settings::Settings;
use crate::app::show;
use docspace_people::{ApiKey, Client, Filter, Group, GroupFilter, User, UserId, UserType};
use serde_json::json;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

pub const SPEC: Spec = Spec {
    name: "sync",
    args: "--from FILE [--terminate-missing [--include-guests]] [--heir USER|me]",
    summary: "make the portal match an HR roster (CSV or JSON Lines): a plan, then apply it",
    about: "\
Makes the portal match FILE, the roster: one row a person, CSV with a header naming
email and firstName, and optionally lastName, type (user, room-admin, docspace-admin,
guest), groups (names separated by ';') and status (active or terminated), or JSON Lines
with the same names. Every row is checked first: bad rows are reported with their lines
and nothing is sent (exit 65). Addresses are compared as the portal compares them.
The plan comes from one listing of the portal: create who is missing (the portal e-mails
each an activation link; it creates no guest), reactivate, set type (a demotion of
someone who owns rooms needs --heir), terminate who is marked terminated and, with
--terminate-missing, whoever the roster does not list (never the owner, you, the accounts
of --protect FILE or the profile's protect_file, nor guests unless --include-guests). A
name that differs is listed, and nothing is sent: the portal lets only the person change
it (your own is changed). With a groups column, each person is added to the groups it
names and removed from the others (a group the portal does not have is created only with
--create-groups). --dry-run prints the plan (any --output but ids); a real run carries
it out, creates, your name and reactivations first, then promotions, demotions,
terminations and the memberships, each person's outcome on a line. The API keys of the
people it terminates are revoked (one request a key) unless --keep-keys. sync never
deletes anyone, nor any group.",
    options: &[
        &ROSTER,
        &TERMINATE_MISSING,
        &INCLUDE_GUESTS,
        &CREATE_GROUPS,
        &HEIR,
        &WAIT,
        &PROTECT,
        &KEEP_KEYS,
    ],
    examples: &[
        "docspace-people sync --from roster.csv --dry-run",
        "docspace-people sync --from roster.csv --terminate-missing --heir me --max 50",
    ],
    prints: Prints::Plan,
    parse,
};

const ROSTER: Opt = Opt::value(
    "from",
    Kind::Path,
    "FILE",
    "the roster: CSV or JSON Lines, one row a person ('-' is stdin)",
);
const TERMINATE_MISSING: Opt = Opt::flag(
    "terminate-missing",
    "terminate the people the roster does not list (not the owner, you,\nthe protect files, nor guests)",
);
const INCLUDE_GUESTS: Opt = Opt::flag(
    "include-guests",
    "with --terminate-missing: guests the roster does not list too",
);

const CREATE_GROUPS: Opt = Opt::flag(
    "create-groups",
    "create the groups the roster names and the portal does not have\n(a group is never deleted)",
);

/// How long to wait for each demotion job unless `--wait` says otherwise.
const DEFAULT_WAIT: Duration = Duration::from_secs(5 * 60);

fn parse(args: &mut Args) -> Result<Box<dyn Command>, Failure> {
    args.no_words()?;
    let from = args.path(&ROSTER).ok_or_else(|| {
        Failure::Usage(
            "'sync' needs --from FILE, the roster (CSV or JSON Lines; '-' is stdin)".to_owned(),
        )
    })?;
    let reach = Reach {
        terminate_missing: args.flag(&TERMINATE_MISSING),
        include_guests: args.flag(&INCLUDE_GUESTS),
    };
    if reach.include_guests && !reach.terminate_missing {
        return Err(Failure::Usage(
            "--include-guests terminates the guests the roster does not list: give --terminate-missing too".to_owned(),
        ));
    }
    let heir = args.heir()?;
    let wait = args.duration(&WAIT)?;
    if wait.is_some() && heir.is_none() {
        return Err(Failure::Usage(
            "--wait is how long to wait for a demotion's job, which needs --heir: give --heir too"
                .to_owned(),
        ));
    }
    Ok(Box::new(RosterSync {
        from,
        reach,
        create_groups: args.flag(&CREATE_GROUPS),
        heir,
        wait: wait.unwrap_or(DEFAULT_WAIT),
        protect: args.path(&PROTECT),
        keep_keys: args.flag(&KEEP_KEYS),
    }))
}

/// `sync`: the portal made to match a roster.
#[derive(Debug, PartialEq, Eq)]
pub struct RosterSync {
    pub from: PathBuf,
    pub reach: Reach,
    /// `--create-groups`.
    pub create_groups: bool,
    pub heir: Option<Heir>,
    /// How long to wait for each demotion job.
    pub wait: Duration,
    pub protect: Option<PathBuf>,
    /// `--keep-keys`: the API keys of the people terminated stay.
    pub keep_keys: bool,
}

impl Command for RosterSync {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        let client = run.connect_to_change_later()?;
        let settings = run.settings;
        let cx = &mut *run.cx;
        let text = select::read_file(&self.from, &mut cx.io)?;
        let people = input::roster(&text).map_err(|p| select::bad_rows(&self.from, &p))?;
        if people.is_empty() && self.reach.terminate_missing {
            return Err(Failure::BadInput(vec![format!(
                "{}: the roster lists nobody, and --terminate-missing would terminate everyone; nothing was sent",
                self.from.display()
            )]));
        }
        let files = [
            settings.protect_file.as_ref().map(|p| p.value.as_path()),
            self.protect.as_deref(),
        ];
        let protected = select::protect_list(files.into_iter().flatten(), &mut cx.io)?;
        // Everything local is read and checked; the portal is not read before the lock.
        cx.lock_before_reads(settings, &client, true)?;
        let (caller, heir) = caller_and_heir(&client, &mut cx.memory, self.heir.as_ref())?;
        if caller.user_type() != UserType::DocSpaceAdmin {
            return Err(Failure::NotDone {
                action: "sync".to_owned(),
                reason: format!(
                    "the key is a {}'s, and sync needs a DocSpace admin's: nobody else sees every account (terminated ones, guests), so the plan would be wrong; nothing was sent",
                    caller.user_type()
                ),
            });
        }
        let guard = Guard {
            caller: &caller,
            protected: &protected,
        };
        // The group listing before the users': the users' is read ahead on the one
        // connection, which no other request may use meanwhile.
        let mut listed_groups = None;
        let groups = if people.iter().any(|p| p.groups.is_some()) {
            let listed = list_groups(&client)?;
            let groups = Groups::of(&listed, self.create_groups);
            listed_groups = Some(listed);
            Some(groups)
        } else {
            None
        };
        let mut notes = Vec::new();
        let mut diff = {
            let mut listing = client.list_users(&Filter::default()).read_ahead();
            let diff = diff::diff(
                &people,
                listing.by_ref(),
                &guard,
                self.reach,
                groups.as_ref(),
            )
            .map_err(|e| Failure::from(e.during("read the portal's users for the plan")))?;
            if let Some(miscount) = listing.miscount() {
                notes.push(show::miscount(
                    miscount,
                    &format!("the plan is made from the {}", miscount.paged),
                ));
            }
            diff
        };
        if !diff.uncreatable.is_empty() {
            let problems: Vec<String> = diff
                .uncreatable
                .iter()
                .map(|line| format!("line {line}: a guest without an account, whom the portal cannot create (guests join when a room is shared with them): give another type, or leave the row out"))
                .collect();
            return Err(select::bad_rows(&self.from, &problems));
        }
        if diff.takes_seats() {
            match client.seats() {
                Ok(seats) => diff.count_seats(seats),
                Err(e) => notes.push(format!(
                    "the paid seats cannot be read ({e}): the plan does not say which changes would find none free"
                )),
            }
        }
        // A demotion to guest drops every group link: the groups the person manages go
        // to the heir first, so they are read for it.
        let to_guest = diff.items.iter().any(|i| {
            i.is_demotion()
                && matches!(
                    i.act,
                    diff::Act::SetType {
                        to: UserType::Guest,
                        ..
                    }
                )
        });
        if to_guest && listed_groups.is_none() {
            listed_groups = Some(list_groups(&client)?);
        }
        let listed_groups = listed_groups.unwrap_or_default();
        settle_demotions(&client, &mut diff, heir.as_ref(), settings, &listed_groups)?;
        if diff.terminates() {
            revoke_keys(&client, &mut diff, self.keep_keys)?;
        }
        let receiver = heir.as_ref().map_or(caller.id, |heir| heir.id);
        let sync = Planned {
            diff,
            notes,
            settings,
            attended: cx.io.keyboard.is_some(),
        };
        if settings.dry_run {
            return sync.print(run.out);
        }
        sync.apply(&client, run, receiver, self.wait)
    }

    fn reads_stdin(&self) -> bool {
        self.from.as_os_str() == "-"
    }
}

/// The portal's groups, in one listing.
fn list_groups(client: &Client) -> Result<Vec<Group>, Failure> {
    client
        .list_groups(&GroupFilter::All)
        .map_err(|e| Failure::from(e.during("read the portal's groups for the plan")))
}

/// Asks whether each user to demote owns rooms (on the `--parallel` pool), which decides
/// where the rooms go, or that the demotion waits for `--heir`; so does a demotion to
/// guest of someone who manages one of `groups`, whose manager the heir becomes first.
fn settle_demotions(
    client: &Client,
    diff: &mut Diff,
    heir: Option<&User>,
    settings: &Settings,
    groups: &[Group],
) -> Result<(), Failure> {
    let demoted: Vec<(usize, User)> = diff
        .items
        .iter()
        .enumerate()
        .filter(|(_, item)| item.is_demotion())
        .filter_map(|(at, item)| Some((at, (**item.user.as_ref()?).clone())))
        .collect();
    let users: Vec<&User> = demoted.iter().map(|(_, user)| user).collect();
    let stop = Stop::default();
    let owns = |user: &&User| Some(client.reassign_necessary(user.id, user.user_type()));
    let reads = bulk::read_all("checking", &users, settings.parallel.value, &stop, &owns);
    if let Some(reason) = stop.reason() {
        return Err(reason
            .during("ask whether the users to demote own rooms")
            .into());
    }
    for ((at, user), read) in demoted.iter().zip(reads) {
        let Some(diff::Act::SetType { to, .. }) = diff.items.get(*at).map(|i| &i.act) else {
            continue;
        };
        let to = *to;
        let managed: Vec<&Group> = match to {
            UserType::Guest => groups.iter().filter(|g| g.managed_by(user.id)).collect(),
            _ => Vec::new(),
        };
        let names = holdings::group_names(managed.iter().map(|g| g.name.as_str()));
        let decided = match (read, heir) {
            _ if !managed.is_empty() && heir.is_none() => Err(Failure::NotDone {
                action: format!("make {} {to}", show::short(user)),
                reason: format!("skipped: manages groups {names}; give --heir USER or --heir me"),
            }),
            (Some(Some(Ok(owns))), Some(heir)) if !managed.is_empty() => {
                demotion(user, to, owns, Some(heir)).map(|fate| {
                    diff.hand_over.give_groups(user.id, &managed);
                    diff.hand_over.heir = Some(heir.id);
                    format!(
                        "{fate}; {} becomes the manager of {names} first",
                        show::short(heir)
                    )
                })
            }
            (Some(Some(Ok(owns))), _) => demotion(user, to, owns, heir),
            (Some(Some(Err(e))), _) => Err(Failure::from(
                e.during(format!("make {} {to}", show::short(user))),
            )),
            // Not read: the run stopped before, which is said above.
            _ => continue,
        };
        diff.settle_demotion(*at, decided);
    }
    Ok(())
}

/// The API keys of the people the plan terminates: revoked with the termination (one
/// listing of the portal's keys, which the DocSpace admin sync runs as may read), or
/// kept with `keep_keys`, each said on the person's line.
fn revoke_keys(client: &Client, diff: &mut Diff, keep_keys: bool) -> Result<(), Failure> {
    let mut keys = holdings::keys_by_creator(client)?;
    for item in diff.items.iter_mut() {
        if !matches!(item.act, diff::Act::Terminate) || !item.sends() {
            continue;
        }
        let Some(mine) = item
            .target
            .id
            .and_then(|id| keys.remove(&id).map(|k| (id, k)))
        else {
            continue;
        };
        let shown: Vec<&ApiKey> = mine.1.iter().collect();
        let fate = holdings::keys_fate(Some(&shown), Leaving::Terminated, !keep_keys);
        item.note = holdings::joined([item.note.take(), fate]);
        if !keep_keys {
            diff.hand_over.keys.push(mine);
        }
    }
    Ok(())
}

/// A plan made, with the notes on how it was made.
struct Planned<'s> {
    diff: Diff,
    /// Said on stderr whatever `--quiet` says: what the plan could not take into account.
    notes: Vec<String>,
    settings: &'s Settings,
    /// Someone at a terminal answers questions (and no cap applies by default).
    attended: bool,
}

impl Planned<'_> {
    /// `--dry-run`: prints the plan in the format asked for, with the count of each
    /// action, and ends as a real run would end with what is known now: 65 for more
    /// changes than `--max`, and the failures of changes it could not send.
    fn print(&self, out: &mut Output) -> Result<u8, Failure> {
        let printing = &self.settings.printing;
        let format = printing.format.unwrap_or(if printing.json {
            Format::Json
        } else {
            Format::Table
        });
        let diff = &self.diff;
        match format {
            Format::Json => out.json(&diff.json(&self.notes))?,
            Format::Jsonl => out.data(&diff.json_lines())?,
            Format::Csv | Format::Tsv => {
                out.data(&diff.separated(printing.header, format == Format::Tsv))?
            }
            Format::Table | Format::Ids => out.data(&diff.table(printing.header, out.quiet))?,
        }
        // The counts: after the table, on stderr beside the other formats, in the
        // JSON object itself.
        match format {
            Format::Table => out.line(&diff.summary())?,
            Format::Json => {}
            _ => out.note(&diff.summary())?,
        }
        self.say_notes(out)?;
        for item in &diff.items {
            if let Fate::Blocked(failure) = &item.fate {
                out.error(failure)?;
            }
        }
        let changes = diff.changes();
        if let Err(over) = self.cap(changes) {
            out.error(&over)?;
            return Ok(over.code());
        }
        let blocked = diff.items.iter().filter_map(|item| match &item.fate {
            Fate::Blocked(failure) => Some(failure),
            _ => None,
        });
        Ok(exit::of_outcomes(changes, blocked))
    }

    /// The notes, and who `--terminate-missing` left alone (unless `--quiet`).
    fn say_notes(&self, out: &mut Output) -> Result<(), Failure> {
        for note in &self.notes {
            out.error(note)?;
        }
        if let Some(kept) = self.diff.kept_note() {
            out.note(&kept)?;
        }
        Ok(())
    }

    /// Refuses a plan of more changes than `--max` allows (100 unattended).
    fn cap(&self, changes: usize) -> Result<(), Failure> {
        match select::limit(true, self.attended, self.settings) {
            Some(max) if changes > max => Err(over_max(changes, max)),
            _ => Ok(()),
        }
    }

    /// Carries the plan out through the engine: the question at a terminal, the lock
    /// and the journal, each step in order; then the differences it leaves as they are.
    fn apply(
        self,
        client: &Client,
        run: &mut Run,
        receiver: UserId,
        wait: Duration,
    ) -> Result<u8, Failure> {
        let out = &mut *run.out;
        let cx = &mut *run.cx;
        self.say_notes(out)?;
        let diff = &self.diff;
        if diff.items.is_empty() {
            out.line(&diff.summary())?;
            out.json(&json!([]))?;
            return Ok(exit::DONE);
        }
        let changes = diff.changes();
        self.cap(changes)?;
        let plan = Plan::of(diff.steps(receiver, wait));
        let mut report = Report::new(out, Style::Bulk);
        report.selected(diff.items.len());
        if self.attended && !self.settings.yes && changes > 0 {
            // Asked once, for everything: the memberships as they are known now.
            let mut everything = Plan::of(diff.steps(receiver, wait));
            everything.steps.extend(diff.group_steps(None).0);
            let headline = format!(
                "Make these {changes} change(s)? New accounts are e-mailed an activation link; terminated people can no longer sign in."
            );
            if !plan::confirmed(&bulk::asked(&everything, &headline), &mut report, cx) {
                return Ok(report.finish());
            }
        }
        plan::carry_out(client, &plan, &mut report, cx);
        // The memberships once the people's own changes are made: a person created
        // now has an id.
        let created = created(&report);
        let (steps, unsent) = diff.group_steps(Some(&created));
        if report.stopped() {
            let rest: Vec<_> = steps.iter().flat_map(|s| s.targets.clone()).collect();
            report.not_sent(&rest);
        } else if !steps.is_empty() {
            plan::carry_out(client, &Plan::of(steps), &mut report, cx);
        }
        report.not_sent(&unsent);
        for item in &diff.items {
            match &item.fate {
                Fate::Send => {}
                Fate::Blocked(failure) => {
                    report.fail(std::slice::from_ref(&item.target), failure.clone())
                }
                Fate::Left(left) => {
                    let target = item.target.clone().with_fate(item.change());
                    report.settle(&target, Outcome::Left(*left));
                }
            }
        }
        Ok(report.finish())
    }
}

/// The people the run created, by address in lower case.
fn created(report: &Report) -> HashMap<String, UserId> {
    report
        .results_since(0)
        .iter()
        .filter(|r| r["outcome"] == "created")
        .filter_map(|r| {
            let id = r["id"].as_str()?.parse().ok()?;
            Some((r["email"].as_str()?.to_lowercase(), id))
        })
        .collect()
}

/// More changes than `--max` allows: nothing is sent.
fn over_max(changes: usize, max: usize) -> Failure {
    Failure::BadInput(vec![format!(
        "sync: {changes} changes planned, more than --max {max}; nothing was sent (check the roster with --dry-run, then pass --max {changes} if the plan is right)"
    )])
}
