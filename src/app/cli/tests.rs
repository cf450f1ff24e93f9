use super::*;
use crate::app::args::{Heir, PendingAge, Selection, TerminatedAge, UserRef};
use crate::app::commands::create::{Create, CreateFrom};
use crate::app::commands::delete::{Delete, Offboarding};
use crate::app::commands::guest_approve::GuestApprove;
use crate::app::commands::journal::Journal;
use crate::app::commands::list::{List, ListNeverActivated};
use crate::app::commands::login::Login;
use crate::app::commands::resend::Resend;
use crate::app::commands::revoke::Revoke;
use crate::app::commands::set_type::{Demotion, SetType};
use crate::app::commands::status::Terminate;
use crate::app::completions::{self, Shell};
use docspace_people::{Email, Filter, NewUser, Status, UserId, UserType};
use std::any::Any;
use std::os::unix::ffi::OsStringExt;
use std::time::Duration;

fn run(args: &[&str]) -> Result<Invocation, Failure> {
    match parse(args.iter().copied())? {
        Parsed::Run(inv) => Ok(*inv),
        other => panic!("expected a command, got {other:?}"),
    }
}

/// The command `args` parse into, as its own type.
fn command<T: 'static>(args: &[&str]) -> T {
    let any: Box<dyn Any> = run(args).unwrap().command;
    match any.downcast::<T>() {
        Ok(command) => *command,
        Err(_) => panic!("{args:?} is not a {}", std::any::type_name::<T>()),
    }
}

fn usage_error(args: &[&str]) -> String {
    let e = parse(args.iter().copied()).unwrap_err();
    assert!(matches!(e, Failure::Usage(_)), "{e}");
    e.to_string()
}

const ID: &str = "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a";

fn id() -> UserId {
    ID.parse().unwrap()
}

fn email(text: &str) -> Email {
    text.parse().unwrap()
}

fn selected(users: Vec<UserRef>) -> Selection {
    Selection {
        users,
        from: None,
        filter: None,
    }
}

#[test]
fn options_go_before_or_after_the_command() {
    let a = run(&["--json", "--portal", "https://p.example.com", "whoami"]).unwrap();
    let b = run(&["whoami", "--portal=https://p.example.com", "--json"]).unwrap();
    assert_eq!(a.globals, b.globals);
    assert!(a.globals.json);
    let any: Box<dyn Any> = a.command;
    assert!(any.is::<crate::app::commands::whoami::Whoami>());
}

#[test]
fn create_defaults_to_type_user() {
    let create: Create = command(&["user", "create", "--email", "a@b.co", "--first-name", "Ann"]);
    assert_eq!(
        create,
        Create(NewUser {
            first_name: "Ann".into(),
            last_name: String::new(),
            email: email("a@b.co"),
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
    let delete: Delete = command(&["user", "delete", ID, "x@y.co", &upper]);
    assert_eq!(
        delete,
        Delete {
            selection: selected(vec![UserRef::Id(id()), UserRef::Email(email("x@y.co"))]),
            terminate: false,
            offboarding: Offboarding::default(),
        }
    );
    let m = usage_error(&["user", "delete", "bob"]);
    assert!(m.contains("'bob' is neither a user id"), "{m}");
    usage_error(&["user", "get", "bob@"]);
    usage_error(&["user", "terminate"]);
}

#[test]
fn bulk_commands_take_a_file_and_delete_can_terminate_first() {
    let args = [
        "user",
        "delete",
        "--from",
        "-",
        "--terminate",
        "--max",
        "500",
        "--dry-run",
    ];
    let delete: Delete = command(&args);
    assert_eq!(
        delete,
        Delete {
            selection: Selection {
                users: vec![],
                from: Some("-".into()),
                filter: None,
            },
            terminate: true,
            offboarding: Offboarding::default(),
        }
    );
    let globals = run(&args).unwrap().globals;
    assert_eq!((globals.max, globals.dry_run), (Some(500), true));
    let m = usage_error(&["user", "delete", "--from", "-", "--token-file", "-"]);
    assert!(m.contains("stdin cannot hold both"), "{m}");
    let m = usage_error(&["user", "terminate", ID, "--terminate"]);
    assert!(
        m.contains("--terminate does not apply to 'user terminate'"),
        "{m}"
    );
}

#[test]
fn list_filters_are_checked() {
    let list: List = command(&[
        "user",
        "list",
        "--status",
        "terminated",
        "--type",
        "guest",
        "--search",
        "doe",
        "--registered-before",
        "2026-01-31",
        "--ids",
    ]);
    assert_eq!(
        list,
        List {
            filter: Filter {
                status: Some(Status::Terminated),
                user_type: Some(UserType::Guest),
                search: Some("doe".into()),
                registered_before: Some("2026-01-31".parse().unwrap()),
            },
            ids: true,
            terminated: None,
        }
    );
    usage_error(&["user", "list", "--status", "gone"]);
    usage_error(&["user", "list", "--registered-before", "31.01.2026"]);
    usage_error(&["user", "list", "--registered-before", "2026-13-01"]);
}

#[test]
fn create_from_a_file_and_why_there_is_no_invite_flag() {
    let create: CreateFrom = command(&["user", "create", "--from", "people.csv"]);
    assert_eq!(create, CreateFrom("people.csv".into()));
    let m = usage_error(&["user", "create", "--from", "people.csv", "--invite"]);
    assert!(m.contains("already e-mails every user it creates"), "{m}");
}

#[test]
fn login_takes_an_email_and_never_a_password() {
    let login: Login = command(&["login", "admin@example.com"]);
    assert_eq!(
        login,
        Login {
            email: email("admin@example.com")
        }
    );
    let m = usage_error(&["login", "admin@example.com", "--password", "hunter2"]);
    assert!(!m.contains("hunter2"), "{m}");
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
    let m = usage_error(&["user", "delet", ID]);
    assert!(m.contains("did you mean 'user delete'"), "{m}");
}

#[test]
fn numbers_are_checked() {
    let inv = run(&["whoami", "--timeout", "5", "--retries", "0"]).unwrap();
    assert_eq!(
        (inv.globals.timeout, inv.globals.retries),
        (Some(5), Some(0))
    );
    let inv = run(&["whoami", "--timeout", "2m"]).unwrap();
    assert_eq!(inv.globals.timeout, Some(120));
    let m = usage_error(&["whoami", "--timeout", "0"]);
    assert!(m.contains("--timeout takes seconds from 1 to 3600"), "{m}");
    usage_error(&["whoami", "--retries", "many"]);
    usage_error(&["user", "delete", ID, "--max", "-1"]);
    let m = usage_error(&["user", "delete", ID, "--max", "5", "--max", "5000"]);
    assert!(m.contains("--max is given twice"), "{m}");
}

#[test]
fn help_and_version_always_win() {
    assert!(matches!(
        parse(["--version", "frobnicate"]).unwrap(),
        Parsed::Version
    ));
    let help = |args: &[&str]| match parse(args.iter().copied()).unwrap() {
        Parsed::Help(text) => text,
        other => panic!("{other:?}"),
    };
    let main = help::for_words(&[]);
    assert_eq!(help(&["-h"]), main);
    assert_eq!(help(&[]), main);
    assert_eq!(
        help(&["user", "create", "--help"]),
        help::for_words(&["user", "create"])
    );
    assert_eq!(
        help(&["guest-cycle", "-h", "--email", "bad"]),
        help::for_words(&["guest-cycle"])
    );
}

#[test]
fn journal_options_and_durations() {
    let journal: Journal = command(&["journal", "--since", "2026-11-01", "--user", "a@b.co"]);
    assert_eq!(
        journal,
        Journal {
            since: Some("2026-11-01".parse().unwrap()),
            user: Some(UserRef::Email(email("a@b.co"))),
            unfinished: None,
        }
    );
    let inv = run(&[
        "user",
        "delete",
        ID,
        "--journal",
        "/tmp/j",
        "--wait-lock",
        "10m",
    ])
    .unwrap();
    assert_eq!(inv.globals.journal, Some("/tmp/j".into()));
    assert_eq!(inv.globals.wait_lock, Some(Duration::from_secs(600)));
    usage_error(&["journal", "--since", "yesterday"]);
    usage_error(&["whoami", "--wait-lock", "soon"]);
}

/// The journal keeps, for a command given a list of users, the same command without
/// them: the users a run did not finish are sent to it with `--from -`.
#[test]
fn the_command_again_is_the_command_without_its_users() {
    let again = |args: &[&str]| run(args).unwrap().command_line.again;
    assert_eq!(
        again(&[
            "--portal",
            "https://p.example.com",
            "user",
            "delete",
            ID,
            "ann@x.co",
            "-q",
            "--from",
            "leavers.txt",
            "--heir",
            "me",
            "--protect",
            "keep it's.txt",
        ])
        .as_deref(),
        Some(
            "user delete --portal https://p.example.com --quiet --heir me --protect 'keep it'\\''s.txt'"
        )
    );
    assert_eq!(
        again(&[
            "user",
            "terminate",
            "--status",
            "active",
            "--search",
            "Ann Lee"
        ])
        .as_deref(),
        Some("user terminate")
    );
    let create = run(&["user", "create", "--from", "people.csv"]).unwrap();
    assert_eq!(create.command_line.again, None, "its --from is a CSV file");
    assert_eq!(create.command_line.name, "user create");
    assert_eq!(create.command_line.line, "user create --from people.csv");
}

/// Every duration option refuses a bare number, naming itself and suggesting a unit.
#[test]
fn every_duration_needs_a_unit() {
    let cases: [&[&str]; 5] = [
        &["user", "delete", "--terminated-for", "30"],
        &["user", "list", "--terminated-for", "30"],
        &["invite", "revoke", "--older-than", "30"],
        &["user", "delete", ID, "--heir", "me", "--wait", "30"],
        &["whoami", "--wait-lock", "30"],
    ];
    for args in cases {
        let flag = args.iter().rev().nth(1).unwrap();
        let m = usage_error(args);
        assert!(m.contains(flag) && m.contains("30d"), "{args:?}: {m}");
    }
    let delete: Delete = command(&["user", "delete", "--terminated-for", "30d"]);
    assert_eq!(
        delete.offboarding.terminated,
        Some(TerminatedAge::For(Duration::from_secs(30 * 86_400)))
    );
}

#[test]
fn approve_takes_one_link_and_an_optional_email() {
    let approve: GuestApprove =
        command(&["guest", "approve", "https://p/s/abc", "--email", "g@x.co"]);
    assert_eq!(
        approve,
        GuestApprove {
            link: "https://p/s/abc".into(),
            email: Some(email("g@x.co"))
        }
    );
}

#[test]
fn the_daily_tasks_parse() {
    let set: SetType = command(&["user", "set-type", ID, "--type", "user", "--heir", "me"]);
    assert_eq!(
        set,
        SetType {
            selection: selected(vec![UserRef::Id(id())]),
            user_type: UserType::User,
            demotion: Demotion {
                heir: Some(Heir::Me),
                ..Demotion::default()
            },
        }
    );
    usage_error(&["user", "set-type", ID]);
    // A demotion to guest is the portal's job too.
    let guest: SetType = command(&["user", "set-type", ID, "--type", "guest"]);
    assert_eq!(guest.user_type, UserType::Guest);
    usage_error(&["user", "set-type", ID, "--type", "visitor"]);
    usage_error(&["user", "set-type", ID, "--type", "user", "--wait", "1m"]);
    let pending: ListNeverActivated =
        command(&["user", "list", "--activation", "pending", "--ids"]);
    assert!(pending.ids);
    usage_error(&["user", "list", "--activation", "done"]);
    usage_error(&[
        "user",
        "list",
        "--activation",
        "pending",
        "--status",
        "active",
    ]);
    let resend: Resend = command(&["invite", "resend", "a@b.co"]);
    assert_eq!(
        resend,
        Resend {
            selection: selected(vec![UserRef::Email(email("a@b.co"))]),
            registered_before: None,
        }
    );
    let revoke: Revoke = command(&["invite", "revoke", "--older-than", "30d"]);
    assert_eq!(
        revoke,
        Revoke {
            selection: Selection::default(),
            age: Some(PendingAge::For(Duration::from_secs(30 * 86_400))),
            protect: None,
        }
    );
    let revoke: Revoke = command(&["invite", "revoke", "--registered-before", "2026-01-01"]);
    assert!(matches!(revoke.age, Some(PendingAge::Before(_))));
    usage_error(&["invite", "revoke"]);
    usage_error(&[
        "invite",
        "revoke",
        "--older-than",
        "1d",
        "--registered-before",
        "2026-01-01",
    ]);
    let _: crate::app::commands::seats::Seats = command(&["seats"]);
    usage_error(&["seats", "extra"]);
}

#[test]
fn the_protect_option_belongs_to_the_commands_that_guard() {
    let terminate: Terminate = command(&["user", "terminate", ID, "--protect", "keep.txt"]);
    assert_eq!(terminate.protect, Some("keep.txt".into()));
    let m = usage_error(&["user", "activate", ID, "--protect", "keep.txt"]);
    assert!(m.contains("--protect does not apply"), "{m}");
}

/// A command that prints lines refuses the output options it cannot honour.
#[test]
fn output_options_a_command_cannot_honour_are_refused() {
    let m = usage_error(&["user", "terminate", ID, "--output", "csv"]);
    assert!(
        m.contains("--output csv does not apply to 'user terminate'"),
        "{m}"
    );
    usage_error(&["user", "delete", ID, "--columns", "id"]);
    usage_error(&["completions", "bash", "--json"]);
    run(&["user", "terminate", ID, "--output", "json"]).unwrap();
    run(&["user", "list", "--output", "csv", "--columns", "id,email"]).unwrap();
}

/// A non-UTF-8 argument where text is needed is a usage error naming it; a non-UTF-8
/// path is taken as given.
#[test]
fn arguments_need_not_be_utf8_where_they_are_paths() {
    let bad = OsString::from_vec(b"\xff".to_vec());
    let args = vec![OsString::from("user"), OsString::from("get"), bad.clone()];
    let e = parse(args).unwrap_err();
    assert!(
        matches!(e, Failure::Usage(_)) && e.to_string().contains("UTF-8"),
        "{e}"
    );
    let args = vec![
        OsString::from("whoami"),
        OsString::from("--portal"),
        bad.clone(),
    ];
    let e = parse(args).unwrap_err().to_string();
    assert!(e.contains("--portal") && e.contains("UTF-8"), "{e}");
    let path = OsString::from_vec(b"/tmp/l\xe9avers.txt".to_vec());
    let args = vec!["user".into(), "get".into(), "--from".into(), path.clone()];
    let any: Box<dyn Any> = match parse(args).unwrap() {
        Parsed::Run(inv) => inv.command,
        other => panic!("{other:?}"),
    };
    let get = any.downcast::<crate::app::commands::get::Get>().unwrap();
    assert_eq!(get.0.from.map(|p| p.into_os_string()), Some(path));
}

/// Every option a command accepts is in its help and its completions, and the other way
/// round; one that is in neither is refused.
#[test]
fn the_option_table_drives_parsing_help_and_completions() {
    let bash = completions::script(Shell::Bash);
    let value_for = |opt: &Opt| match opt.kind {
        Kind::Flag => None,
        Kind::Duration => Some("1d"),
        Kind::Seconds => Some("5"),
        Kind::Date => Some("2026-01-01"),
        Kind::Count(_) => Some("1"),
        Kind::Path | Kind::Text => Some("x"),
    };
    for spec in commands::TABLE {
        let help = help::for_command(spec);
        let offered = completions::options_of(spec);
        let line = bash
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("\"{}\")", spec.name)))
            .unwrap_or_else(|| panic!("no completion case for {}", spec.name));
        for opt in spec.options.iter().chain(args::GLOBALS) {
            let long = format!("--{}", opt.long);
            assert!(
                offered.contains(&long),
                "{}: {long} not completed",
                spec.name
            );
            assert!(
                line.contains(&format!("{long} ")) || line.contains(&format!("{long}\"")),
                "{}: {long} not in {line}",
                spec.name
            );
            if spec.options.iter().any(|o| o.long == opt.long) {
                assert!(
                    help.contains(&long),
                    "{}: {long} not in its help",
                    spec.name
                );
            }
            // The parser takes it with this command: whatever else is wrong, it is not
            // the option.
            let mut words: Vec<&str> = spec.name.split(' ').collect();
            words.push(&long);
            if let Some(value) = value_for(opt) {
                words.push(value);
            }
            if let Err(e) = parse(words.iter().copied()) {
                let m = e.to_string();
                let output_option = args::GLOBALS.iter().any(|g| g.long == opt.long)
                    && spec.prints != Prints::Users
                    && m.contains(", which prints");
                assert!(
                    output_option
                        || !(m.contains("does not apply")
                            || m.contains("unexpected argument")
                            || m.contains("invalid option")),
                    "{}: {long}: {m}",
                    spec.name
                );
            }
        }
        // What the help names as an option of the command is one it takes.
        let named = help
            .lines()
            .filter(|l| l.starts_with("Usage:") || l.starts_with("  -"))
            .flat_map(|l| l.split(|c: char| c.is_whitespace() || "[]|,()'".contains(c)));
        for word in named {
            let Some(name) = word.strip_prefix("--") else {
                continue;
            };
            let name = name.trim_end_matches(['.', ':', ';']);
            if name.is_empty() || name.contains('=') {
                continue;
            }
            let known = spec
                .options
                .iter()
                .chain(args::GLOBALS)
                .any(|o| o.long == name);
            assert!(
                known,
                "{}: its help names --{name}, which it does not take",
                spec.name
            );
        }
        for long in &offered {
            let name = long.trim_start_matches('-');
            assert!(
                spec.options
                    .iter()
                    .chain(args::GLOBALS)
                    .any(|o| o.long == name),
                "{}: completes {long}",
                spec.name
            );
        }
    }
    // Options of one name agree on whether they take a value, whichever command has them.
    for a in commands::TABLE
        .iter()
        .flat_map(|s| s.options.iter())
        .chain(args::GLOBALS)
    {
        for b in commands::TABLE
            .iter()
            .flat_map(|s| s.options.iter())
            .chain(args::GLOBALS)
        {
            if a.long == b.long {
                assert_eq!(a.kind == Kind::Flag, b.kind == Kind::Flag, "--{}", a.long);
            }
        }
    }
}

#[test]
fn the_group_commands_parse() {
    use crate::app::commands::group_change::{Create as GroupCreate, Members};
    use crate::app::commands::group_read::List as GroupList;
    use crate::app::group_arg::GroupArg;
    let create: GroupCreate = command(&[
        "group",
        "create",
        "R&D",
        "--manager",
        ID,
        "--member",
        "a@b.co",
        "--member",
        ID,
    ]);
    assert_eq!(create.name, "R&D");
    assert_eq!(create.manager, Some(UserRef::Id(id())));
    assert_eq!(create.members.len(), 2, "--member repeats");
    let add: Members = command(&["group", "add", ID, "a@b.co"]);
    assert!(matches!(add.group, GroupArg::Id(_)) && add.add);
    assert_eq!(add.selection.users.len(), 1);
    let remove: Members = command(&["group", "remove", "Sales", ID]);
    assert_eq!(remove.group, GroupArg::Name("Sales".to_owned()));
    let list: GroupList = command(&["group", "list", "--manager", "a@b.co"]);
    assert!(matches!(list.by, Some((UserRef::Email(_), true))));
    usage_error(&["group", "add", "Sales"]);
    usage_error(&["group", "list", "--user", ID, "--manager", ID]);
    usage_error(&["group", "create"]);
    usage_error(&["group", "create", "   "]);
    usage_error(&["group", "set-manager", "Sales"]);
    usage_error(&["group", "delete", "Sales", "Ops"]);
    usage_error(&["group", "get"]);
    // A command of rows of its own takes every format, but not --columns.
    let m = usage_error(&["user", "holdings", ID, "--columns", "id"]);
    assert!(m.contains("prints columns of its own"), "{m}");
    run(&["user", "holdings", ID, "--output", "tsv", "--no-header"]).unwrap();
    let keep: Terminate = command(&["user", "terminate", ID, "--keep-keys"]);
    assert!(keep.keep_keys);
}
