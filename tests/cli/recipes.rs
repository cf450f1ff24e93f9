//! The README's recipes run as written: its cron lines and the commands of its systemd
//! units, against the stand-in, and the caveat of two-stage retention: both stages must
//! use the same journal; and the nightly sync with HR's roster.

use crate::portal::{Kind, Portal, Status};
use crate::run;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

const README: &str = include_str!("../../README.md");
const BINARY: &str = "/usr/local/bin/docspace-people";
const LEAVERS: &str = "/var/lib/hr/leavers.txt";
const ROSTER: &str = "/var/lib/hr/roster.csv";

/// The fenced blocks of the README in `language`: the retention recipes, or (`sync`) the
/// recipes of sync.
fn blocks(language: &str, sync: bool) -> Vec<&'static str> {
    let fence = format!("```{language}\n");
    README
        .split(fence.as_str())
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap_or_default())
        .filter(|block| block.contains(" sync ") == sync)
        .collect()
}

/// The arguments of a command line of the README, with the HR files (the leavers, the
/// roster) replaced by `file`.
fn arguments(line: &str, file: &Path) -> Vec<String> {
    let line = line.trim();
    let rest = line
        .strip_prefix(BINARY)
        .unwrap_or_else(|| panic!("not a command of {BINARY}: {line}"));
    rest.split_whitespace()
        .map(|word| match word {
            LEAVERS | ROSTER => file.display().to_string(),
            other => other.to_owned(),
        })
        .collect()
}

/// A crontab of the README: its commands and its environment, with the portal's address
/// and the token file replaced.
fn crontab_of(
    block: &str,
    url: &str,
    token: &Path,
    file: &Path,
) -> (Vec<Vec<String>>, Vec<(String, String)>) {
    let mut env = Vec::new();
    let mut lines = Vec::new();
    for line in block.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if line.starts_with(|c: char| c.is_ascii_digit() || c == '*') {
            // Five time fields, then the command.
            let at = line.find(BINARY).expect("a cron line runs the binary");
            lines.push(arguments(&line[at..], file));
        } else if let Some((name, value)) = line.split_once('=') {
            let value = match name {
                "DOCSPACE_URL" => url.to_owned(),
                "DOCSPACE_TOKEN_FILE" => token.display().to_string(),
                _ => value.to_owned(),
            };
            env.push((name.to_owned(), value));
        }
    }
    (lines, env)
}

/// A directory of the test's own.
fn dir(portal: &Portal, name: &str) -> PathBuf {
    let dir = portal.state_dir().join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `key` in a file only its owner can read, as the tool requires.
fn token_file(path: &Path, key: &str) {
    std::fs::write(path, key).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// The crontab as written: stage 1 terminates the leavers of the file, stage 2 deletes a
/// user terminated 40 days ago (the portal's date) and keeps the one terminated tonight,
/// and the key check passes; under `-q`, all silent.
#[test]
fn the_cron_recipe_runs_as_written() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    let old = portal.add_member(Kind::User, "old@example.com", "Old", "Leaver");
    portal.set_terminated_at(&old.id, 40);
    let home = dir(&portal, "home");
    let leavers = home.join("leavers.txt");
    std::fs::write(&leavers, "ann@example.com\n").unwrap();
    let token = home.join("token");
    token_file(&token, &owner.key);

    let crontab = blocks("cron", false);
    assert_eq!(crontab.len(), 1, "one crontab of retention in the README");
    let (lines, mut env) = crontab_of(crontab[0], &portal.url(), &token, &leavers);
    env.push(("HOME".to_owned(), home.display().to_string()));
    assert_eq!(lines.len(), 3, "stage 1, stage 2 and the key check");
    let env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    for args in &lines {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args, &env, None).code(0).stdout_is("").stderr_empty();
    }
    assert_eq!(portal.user(&ann.id).unwrap().status, Status::Terminated);
    assert!(!portal.user(&ann.id).unwrap().removed, "terminated tonight");
    assert!(
        portal.user(&old.id).unwrap().removed,
        "terminated 40 days ago"
    );
}

/// The systemd units' commands, in the environment systemd gives them (the credential,
/// the state directory, the leavers file on stdin), share one journal through their
/// `StateDirectory=`: what stage 1 terminated, stage 2 can date. With another state
/// directory it cannot, and says so every night, even under `-q`.
#[test]
fn the_systemd_units_run_as_written_and_share_one_journal() {
    let portal = Portal::start();
    let owner = portal.owner();
    let bob = portal.add_member(Kind::User, "bob@example.com", "Bob", "Ray");
    let credentials = dir(&portal, "credentials");
    token_file(&credentials.join("docspace-token"), &owner.key);
    let state = dir(&portal, "state");
    let unrelated = dir(&portal, "another-state");
    let url = portal.url();
    let env = |state: &Path| {
        vec![
            ("DOCSPACE_URL", url.clone()),
            ("STATE_DIRECTORY", state.display().to_string()),
            ("CREDENTIALS_DIRECTORY", credentials.display().to_string()),
        ]
    };
    let leavers = "bob@example.com\n";

    let units: Vec<&str> = blocks("ini", false)
        .into_iter()
        .filter(|unit| unit.contains("[Service]"))
        .collect();
    assert_eq!(units.len(), 2, "a service per stage");
    for unit in &units {
        let exec = unit
            .lines()
            .find_map(|l| l.strip_prefix("ExecStart="))
            .expect("a service has ExecStart=");
        assert!(unit.contains("StateDirectory=docspace-people"), "{unit}");
        assert!(unit.contains("User=docspace-people"), "{unit}");
        let args = arguments(exec, Path::new(LEAVERS));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env = env(&state);
        let env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (*n, v.as_str())).collect();
        run(&args, &env, Some(leavers))
            .code(0)
            .stdout_is("")
            .stderr_empty();
    }
    assert_eq!(portal.user(&bob.id).unwrap().status, Status::Terminated);
    assert!(state.join("journal.jsonl").exists());

    // Stage 2 asks for every user terminated before a day far ahead: the journal of the
    // same state directory dates bob; another one cannot.
    let select = [
        "-q",
        "user",
        "list",
        "--terminated-before",
        "2999-01-01",
        "--ids",
    ];
    let same = env(&state);
    let same: Vec<(&str, &str)> = same.iter().map(|(n, v)| (*n, v.as_str())).collect();
    run(&select, &same, None)
        .code(0)
        .stdout_is(&format!("{}\n", bob.id))
        .stderr_empty();
    let other = env(&unrelated);
    let other: Vec<(&str, &str)> = other.iter().map(|(n, v)| (*n, v.as_str())).collect();
    run(&select, &other, None)
        .code(0)
        .stdout_is("")
        .stderr_has("1 terminated user(s) left out: when they were terminated is unknown");
}

/// The nightly sync as written: the dry run prints the plan (cron mails it) when the
/// portal differs from the roster, and nothing when it does not; the apply under `-q`
/// prints nothing when all is done, and a plan over `--max` stops it before anything is
/// sent.
#[test]
fn the_sync_crontab_mails_the_plan_on_change_and_applies_it_capped() {
    let portal = Portal::start();
    let owner = portal.owner();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    let zed = portal.add_member(Kind::User, "zed@example.com", "Zed", "Gone");
    let home = dir(&portal, "home");
    let roster = home.join("roster.csv");
    std::fs::write(
        &roster,
        "email,firstName,lastName,type\nowner@example.com,Admin,Owner,\nann@example.com,Ann,Lee,room-admin\ndan@example.com,Dan,Fox,\n",
    )
    .unwrap();
    let token = home.join("token");
    token_file(&token, &owner.key);

    let crontab = blocks("cron", true);
    assert_eq!(crontab.len(), 1, "one crontab of sync in the README");
    let (lines, mut env) = crontab_of(crontab[0], &portal.url(), &token, &roster);
    env.push(("HOME".to_owned(), home.display().to_string()));
    let env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let [plan, apply] = &lines[..] else {
        panic!("a dry run and an apply: {lines:?}");
    };
    let plan: Vec<&str> = plan.iter().map(String::as_str).collect();
    let apply: Vec<&str> = apply.iter().map(String::as_str).collect();
    assert!(plan.contains(&"--dry-run") && !apply.contains(&"--dry-run"));

    run(&plan, &env, None)
        .code(0)
        .stdout_is(
            "ACTION        PERSON                            CHANGE                        NOTE\n\
             create        dan@example.com (line 4)          user\n\
             set type      ann@example.com (line 3)          user → room-admin\n\
             terminate     zed@example.com                   active → terminated           not in the roster; API key 'docspace-people' revoked\n",
        )
        .stderr_empty();
    assert!(crate::changes(&portal).is_empty());
    run(&apply, &env, None).code(0).stdout_is("").stderr_empty();
    assert_eq!(portal.user(&ann.id).unwrap().kind, Kind::RoomAdmin);
    assert_eq!(portal.user(&zed.id).unwrap().status, Status::Terminated);
    assert!(portal.user_by_email("dan@example.com").is_some());
    // In line: nothing to mail.
    run(&plan, &env, None).code(0).stdout_is("").stderr_empty();

    // A truncated export: more than 50 terminations stop the apply before any is sent.
    for n in 0..60 {
        portal.add_member(
            Kind::User,
            &format!("staff{n}@example.com"),
            "Staff",
            "Member",
        );
    }
    portal.clear_log();
    run(&apply, &env, None)
        .code(65)
        .stderr_has("sync: 60 changes planned, more than --max 50; nothing was sent");
    assert!(crate::changes(&portal).is_empty());
}

/// The sync service's command, in the environment systemd gives it (the credential, the
/// state directory, the roster on stdin).
#[test]
fn the_sync_service_runs_as_written() {
    let portal = Portal::start();
    let owner = portal.owner();
    let zed = portal.add_member(Kind::User, "zed@example.com", "Zed", "Gone");
    let credentials = dir(&portal, "credentials");
    token_file(&credentials.join("docspace-token"), &owner.key);
    let state = dir(&portal, "state");
    let units: Vec<&str> = blocks("ini", true)
        .into_iter()
        .filter(|unit| unit.contains("[Service]"))
        .collect();
    assert_eq!(units.len(), 1, "one sync service");
    let unit = units[0];
    assert!(
        unit.contains("StandardInput=file:/var/lib/hr/roster.csv"),
        "{unit}"
    );
    assert!(unit.contains("StateDirectory=docspace-people"), "{unit}");
    let exec = unit
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .expect("a service has ExecStart=");
    let args = arguments(exec, Path::new(ROSTER));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env = [
        ("DOCSPACE_URL", portal.url()),
        ("STATE_DIRECTORY", state.display().to_string()),
        ("CREDENTIALS_DIRECTORY", credentials.display().to_string()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let roster =
        "email,firstName,lastName\nowner@example.com,Admin,Owner\ndan@example.com,Dan,Fox\n";
    run(&args, &env, Some(roster))
        .code(0)
        .stdout_is("")
        .stderr_empty();
    assert_eq!(portal.user(&zed.id).unwrap().status, Status::Terminated);
    assert!(portal.user_by_email("dan@example.com").is_some());
    assert!(state.join("journal.jsonl").exists());
}
