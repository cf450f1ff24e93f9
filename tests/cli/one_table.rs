//! The facts kept once: arguments as the OS gives them, one duration rule for every
//! duration option, the protect list of the profile honoured by every command that
//! changes accounts, the owner recognised by id, output options refused where they
//! cannot be honoured, and the settings shown one a line.

use crate::portal::{Kind, Portal, Status};
use crate::{changes, docspace, lines, run, state_home, terminated_member};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

/// The binary run with raw (possibly non-UTF-8) arguments against `portal`.
fn raw(portal: &Portal, args: &[&OsStr]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_docspace-people"))
        .args(args)
        .env_clear()
        .env("DOCSPACE_URL", portal.url())
        .env("DOCSPACE_TOKEN", portal.owner().key)
        .env("XDG_STATE_HOME", state_home(portal))
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    (
        output
            .status
            .code()
            .expect("exited, not killed by a signal"),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_non_utf8_argument_is_a_usage_error_and_a_non_utf8_path_works() {
    let portal = Portal::start();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    let bad = OsStr::from_bytes(b"\xff");
    let (code, _, stderr) = raw(&portal, &["user".as_ref(), "get".as_ref(), bad]);
    assert_eq!(code, 64, "{stderr}");
    assert!(stderr.contains("is not valid UTF-8"), "{stderr}");
    let (code, _, stderr) = raw(
        &portal,
        &["user".as_ref(), "get".as_ref(), "--search".as_ref(), bad],
    );
    assert_eq!(code, 64, "{stderr}");
    assert!(portal.api_requests().is_empty());

    let dir = portal.state_dir().join("non-utf8");
    std::fs::create_dir_all(&dir).unwrap();
    let mut name = dir.into_os_string();
    name.push(OsStr::from_bytes(b"/l\xe9avers.txt"));
    std::fs::write(&name, "ann@example.com\n").unwrap();
    let (code, stdout, stderr) = raw(
        &portal,
        &["user".as_ref(), "get".as_ref(), "--from".as_ref(), &name],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains(&ann.id), "{stdout}");
}

#[test]
fn a_bare_number_for_any_duration_is_refused_before_anything_is_sent() {
    let portal = Portal::start();
    let key = portal.owner().key;
    let leaver = terminated_member(&portal, "bob@example.com", "Bob", "Ray");
    for args in [
        &["user", "delete", "--terminated-for", "30"][..],
        &["user", "list", "--terminated-for", "30"],
        &["invite", "revoke", "--older-than", "30"],
        &["user", "delete", &leaver.id, "--heir", "me", "--wait", "30"],
        &["user", "delete", &leaver.id, "--wait-lock", "30"],
    ] {
        let flag = args[args.len() - 2];
        docspace(&portal, &key, args)
            .code(64)
            .stderr_has(&format!("{flag} '30' needs a unit: 30d for days"));
    }
    assert!(
        portal.api_requests().is_empty(),
        "{:?}",
        lines(&portal.api_requests())
    );
    assert_eq!(portal.user(&leaver.id).unwrap().status, Status::Terminated);
}

/// The profile's protect file guards every command that changes accounts, whichever
/// the command, and a dry run says the same as a real run.
#[test]
fn the_profiles_protect_file_is_honoured_by_every_changing_command() {
    let portal = Portal::start();
    let kept = portal.add_member(Kind::RoomAdmin, "kept@example.com", "Kept", "Safe");
    let pending = portal.add_pending_as(Kind::User, "pend@example.com", 40);
    let dir = portal.state_dir().join("protect-profile");
    std::fs::create_dir_all(&dir).unwrap();
    let token = dir.join("token");
    std::fs::write(&token, portal.owner().key).unwrap();
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
    let protect = dir.join("protect.txt");
    std::fs::write(&protect, format!("KEPT@example.com\n{pending}\n")).unwrap();
    let config = dir.join("config.json");
    std::fs::write(
        &config,
        format!(
            r#"{{"default":"p","profiles":{{"p":{{"portal":"{}","token_file":"{}","protect_file":"{}"}}}}}}"#,
            portal.url(),
            token.display(),
            protect.display()
        ),
    )
    .unwrap();
    let state = state_home(&portal);
    let env = [
        ("DOCSPACE_CONFIG", config.to_str().unwrap()),
        ("XDG_STATE_HOME", state.to_str().unwrap()),
    ];
    let line = format!(
        "protected (protect file) {} Kept Safe <kept@example.com>",
        kept.id
    );
    for dry_run in [true, false] {
        let with = |args: &[&str]| {
            let mut args = args.to_vec();
            if dry_run {
                args.push("--dry-run");
            }
            run(&args, &env, None)
        };
        with(&["user", "terminate", &kept.id])
            .code(65)
            .stdout_has(&line);
        with(&["user", "delete", "kept@example.com", "--terminate"])
            .code(65)
            .stdout_has(&line);
        with(&[
            "user", "set-type", &kept.id, "--type", "user", "--heir", "me",
        ])
        .code(65)
        .stdout_has(&line);
        with(&["invite", "revoke", &pending])
            .code(65)
            .stdout_has("protected (protect file)");
        // Selected by age, the protected account is left alone too.
        with(&["invite", "revoke", "--older-than", "30d"])
            .code(65)
            .stdout_has("protected (protect file)");
    }
    assert!(
        changes(&portal).is_empty(),
        "{:?}",
        lines(&changes(&portal))
    );
    assert_eq!(portal.user(&kept.id).unwrap().status, Status::Active);
    assert!(portal.user(&pending).is_some());
}

/// The owner named by id is protected in a dry run as in a real run (the dry run used to
/// say "would terminate", and the real run got the portal's 403).
#[test]
fn the_owner_named_by_id_is_protected_in_a_dry_run_and_a_real_run() {
    let portal = Portal::start();
    let owner = portal.owner();
    let dora = portal.add_member(Kind::DocSpaceAdmin, "dora@example.com", "Dora", "Admin");
    let line = format!(
        "protected (owner) {} Admin Owner <owner@example.com>",
        owner.id
    );
    for args in [
        &["user", "terminate", &owner.id, "--dry-run"][..],
        &["user", "terminate", &owner.id],
        &["user", "delete", &owner.id, "--terminate", "--dry-run"],
        &["user", "delete", &owner.id, "--terminate"],
    ] {
        docspace(&portal, &dora.key, args)
            .code(65)
            .stdout_is(&format!("{line}\n"));
    }
    docspace(&portal, &dora.key, &["user", "terminate", &dora.id])
        .code(65)
        .stdout_has("protected (you)");
    assert!(
        changes(&portal).is_empty(),
        "{:?}",
        lines(&changes(&portal))
    );
}

#[test]
fn an_output_option_a_command_cannot_honour_is_refused() {
    let portal = Portal::start();
    let ann = portal.add_member(Kind::User, "ann@example.com", "Ann", "Lee");
    let key = portal.owner().key;
    docspace(
        &portal,
        &key,
        &["user", "terminate", &ann.id, "--output", "csv"],
    )
    .code(64)
    .stderr_has("--output csv does not apply to 'user terminate'");
    docspace(
        &portal,
        &key,
        &["user", "delete", &ann.id, "--columns", "id"],
    )
    .code(64)
    .stderr_has("--columns does not apply to 'user delete'");
    docspace(&portal, &key, &["completions", "bash", "--json"])
        .code(64)
        .stderr_has("--json does not apply to 'completions'");
    assert!(portal.api_requests().is_empty());
    assert_eq!(portal.user(&ann.id).unwrap().status, Status::Active);
    // What it can honour, it does.
    docspace(
        &portal,
        &key,
        &["user", "terminate", &ann.id, "--output", "json"],
    )
    .code(0)
    .stdout_has("\"outcome\":\"terminated\"");
}

#[test]
fn config_show_prints_one_setting_a_line() {
    let portal = Portal::start();
    let url = portal.url();
    let shown = run(
        &["config", "show", "--timeout", "1m"],
        &[("DOCSPACE_URL", url.as_str()), ("DOCSPACE_TOKEN", "k")],
        None,
    );
    shown.code(0).never_shows("\"k\"");
    let text = &shown.stdout;
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        names,
        [
            "portal",
            "credential",
            "timeout",
            "retries",
            "parallel",
            "journal",
            "protect_file"
        ],
        "{text}"
    );
    assert!(text.contains("timeout       60 s  (--timeout)"), "{text}");
}
