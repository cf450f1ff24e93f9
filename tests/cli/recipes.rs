//! The README's recipes run as written: its cron lines and the commands of its systemd
//! units, against the stand-in, and the caveat of two-stage retention: both stages must
//! use the same journal.

use crate::portal::{Kind, Portal, Status};
use crate::run;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

const README: &str = include_str!("../../README.md");
const BINARY: &str = "/usr/local/bin/docspace-people";
const LEAVERS: &str = "/var/lib/hr/leavers.txt";

/// The fenced blocks of the README in `language`.
fn blocks(language: &str) -> Vec<&'static str> {
    let fence = format!("```{language}\n");
    README
        .split(fence.as_str())
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap_or_default())
        .collect()
}

/// The arguments of a command line of the README, with the leavers file replaced.
fn arguments(line: &str, leavers: &Path) -> Vec<String> {
    let line = line.trim();
    let rest = line
        .strip_prefix(BINARY)
        .unwrap_or_else(|| panic!("not a command of {BINARY}: {line}"));
    rest.split_whitespace()
        .map(|word| match word {
            LEAVERS => leavers.display().to_string(),
            other => other.to_owned(),
        })
        .collect()
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

    let crontab = blocks("cron");
    assert_eq!(crontab.len(), 1, "one crontab in the README");
    let url = portal.url();
    let mut env: Vec<(String, String)> = vec![("HOME".to_owned(), home.display().to_string())];
    let mut lines = Vec::new();
    for line in crontab[0].lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if line.starts_with(|c: char| c.is_ascii_digit() || c == '*') {
            // Five time fields, then the command.
            let at = line.find(BINARY).expect("a cron line runs the binary");
            lines.push(arguments(&line[at..], &leavers));
        } else if let Some((name, value)) = line.split_once('=') {
            let value = match name {
                "DOCSPACE_URL" => url.clone(),
                "DOCSPACE_TOKEN_FILE" => token.display().to_string(),
                _ => value.to_owned(),
            };
            env.push((name.to_owned(), value));
        }
    }
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

    let units: Vec<&str> = blocks("ini")
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
