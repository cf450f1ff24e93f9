//! A person at a terminal: asked on it when stdin is a pipe, and stopping a bulk run with
//! Ctrl-C. The binary runs under a pseudo-terminal that `terminal.py` (Python 3, which
//! every machine that runs these tests has) sets up and types on.

use crate::portal::{Fault, Gate, Portal, Reply, Status};
use crate::{
    changes, docspace, hold_the_first_delete, lines, state_home, terminated, wait_for_a_delete,
    with_stdin,
};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// The binary at a terminal, driven through `terminal.py`.
struct Terminal {
    driver: Child,
    commands: ChildStdin,
    answers: BufReader<ChildStdout>,
}

/// What a run at the terminal did.
struct Finished {
    code: i32,
    stdout: String,
    /// All the terminal showed (the questions and notes on stderr, the echo of what was
    /// typed), with the terminal's `\r\n` as `\n`.
    tty: String,
    /// The terminal's settings are what they were before the run.
    same_settings: bool,
}

impl Terminal {
    /// Runs `docspace-people ARGS` against `portal` with `stdin` piped in (none: stdin
    /// is the terminal too), its stderr on a pseudo-terminal that is its controlling
    /// terminal (`ctty`) or no one's.
    fn start(
        portal: &Portal,
        key: &str,
        args: &[&str],
        stdin: Option<&str>,
        ctty: bool,
    ) -> Terminal {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli/terminal.py");
        let mut driver = Command::new("python3")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs the terminal tests: install Python 3");
        let mut terminal = Terminal {
            commands: driver.stdin.take().expect("piped"),
            answers: BufReader::new(driver.stdout.take().expect("piped")),
            driver,
        };
        let mut argv = vec![env!("CARGO_BIN_EXE_docspace-people")];
        argv.extend(args);
        let state = state_home(portal);
        let env = json!({
            "DOCSPACE_URL": portal.url(),
            "DOCSPACE_TOKEN": key,
            "XDG_STATE_HOME": state,
            "PATH": "/usr/local/bin:/usr/bin:/bin",
        });
        let started = terminal
            .ask(json!({"start": {"argv": argv, "env": env, "stdin": stdin, "ctty": ctty}}));
        assert_eq!(started["ok"], true, "{started}");
        terminal
    }

    fn ask(&mut self, command: Value) -> Value {
        writeln!(self.commands, "{command}").expect("the driver reads its commands");
        self.commands
            .flush()
            .expect("the driver reads its commands");
        let mut answer = String::new();
        self.answers
            .read_line(&mut answer)
            .expect("the driver answers");
        serde_json::from_str(&answer)
            .unwrap_or_else(|e| panic!("the driver's answer {answer:?}: {e}"))
    }

    /// Waits until the terminal has shown `text`.
    #[track_caller]
    fn expect(&mut self, text: &str) {
        let seen = self.ask(json!({ "expect": text }));
        assert_eq!(
            seen["ok"],
            true,
            "the terminal never showed {text:?}:\n{}",
            seen["tty"].as_str().unwrap_or_default()
        );
    }

    /// Types `keys` on the terminal.
    fn send(&mut self, keys: &str) {
        self.ask(json!({ "send": keys }));
    }

    fn finish(mut self) -> Finished {
        let end = self.ask(json!({"finish": true}));
        assert_eq!(end["timeout"], false, "the binary never ended:\n{end}");
        self.driver.wait().expect("the driver ends");
        let text = |field: &str| end[field].as_str().unwrap_or_default().to_owned();
        Finished {
            code: end["code"].as_i64().expect("an exit code") as i32,
            stdout: text("stdout"),
            tty: text("tty").replace("\r\n", "\n"),
            same_settings: end["same_settings"] == true,
        }
    }
}

/// A question answered `n`: the run says so, ends with 0, and the portal received
/// nothing that changes anything.
#[track_caller]
fn answered_no(run: &Finished, portal: &Portal) {
    assert!(
        run.tty.contains("cancelled; nothing was sent"),
        "{}",
        run.tty
    );
    assert_eq!(run.code, 0, "{}", run.tty);
    assert!(changes(portal).is_empty(), "{:?}", lines(&changes(portal)));
}

/// A user as the question and the report show it.
fn shown(portal: &Portal, id: &str) -> String {
    let user = portal.user(id).expect("a user of the portal");
    format!(
        "{id} {} {} <{}>",
        user.first_name, user.last_name, user.email
    )
}

fn one_a_line(ids: &[String]) -> String {
    ids.iter().map(|id| format!("{id}\n")).collect()
}

/// `user list --ids | user delete --from -` typed at a terminal asks there: the question
/// names the first ten users under each kind of change, counts the rest, and says every
/// step; `n` sends nothing.
#[test]
fn a_pipe_at_a_terminal_is_asked_there_and_no_sends_nothing() {
    let portal = Portal::start();
    let key = portal.owner().key;
    let ids = portal.seed_users(12);
    // Every third is still active: terminated first, then deleted.
    for (i, id) in ids.iter().enumerate() {
        if i % 3 != 0 {
            portal.set_status(id, Status::Terminated);
        }
    }
    let mut terminal = Terminal::start(
        &portal,
        &key,
        &["user", "delete", "--from", "-", "--terminate"],
        Some(&one_a_line(&ids)),
        true,
    );
    terminal.expect("[y/N] ");
    terminal.send("n\n");
    let run = terminal.finish();

    let first: Vec<String> = [0, 3, 6, 9]
        .iter()
        .map(|&i| format!("  {}\n", shown(&portal, &ids[i])))
        .collect();
    let then: Vec<String> = [1, 2, 4, 5, 7, 8]
        .iter()
        .map(|&i| format!("  {}\n", shown(&portal, &ids[i])))
        .collect();
    let question = format!(
        "terminate first, then delete (4):\n{}delete (8):\n{}  and 2 more\nDelete 12 user(s) for good? None of them owns rooms or shared files; their personal files are destroyed. [y/N] n\n",
        first.concat(),
        then.concat()
    );
    assert!(run.tty.contains(&question), "the question:\n{}", run.tty);
    answered_no(&run, &portal);
    assert!(run.same_settings);
}

#[test]
fn a_pipe_at_a_terminal_answered_yes_goes_on() {
    let portal = Portal::start();
    let key = portal.owner().key;
    let ids = terminated(&portal, 2);
    let mut terminal = Terminal::start(
        &portal,
        &key,
        &["user", "delete", "--from", "-"],
        Some(&one_a_line(&ids)),
        true,
    );
    terminal.expect(&format!("delete (2):\n  {}\n", shown(&portal, &ids[0])).replace('\n', "\r\n"));
    terminal.expect("[y/N] ");
    terminal.send("y\n");
    let run = terminal.finish();

    assert_eq!(run.code, 0, "{}{}", run.stdout, run.tty);
    assert!(
        run.stdout
            .contains(&format!("deleted {}", shown(&portal, &ids[1]))),
        "{}",
        run.stdout
    );
    assert_eq!(lines(&changes(&portal)), ["PUT /api/2.0/people/delete"]);
    assert!(portal.user(&ids[0]).unwrap().removed && portal.user(&ids[1]).unwrap().removed);
    assert!(run.same_settings);
}

/// A terminal on stdin is asked there, as it always was; Ctrl-C works there too.
#[test]
fn a_terminal_on_stdin_is_asked_there() {
    let portal = Portal::start();
    let key = portal.owner().key;
    let ids = terminated(&portal, 101);
    let gate = hold_the_first_delete(&portal);
    let mut args = vec!["user", "delete"];
    args.extend(ids.iter().map(String::as_str));
    let mut terminal = Terminal::start(&portal, &key, &args, None, true);
    terminal.expect("Delete 101 user(s) for good?");
    terminal.send("yes\n");
    wait_for_a_delete(&portal);
    terminal.send("\x1c");
    terminal.expect("interrupted: nothing more is sent");
    gate.open();
    let run = terminal.finish();

    assert_eq!(run.code, 130, "{}{}", run.stdout, run.tty);
    assert!(run.same_settings);
    assert!(
        run.tty.contains(&format!(
            "docspace-people: interrupted: 1 user(s) not sent: {}; 'docspace-people journal'",
            shown(&portal, &ids[100])
        )),
        "{}",
        run.tty
    );
    assert_eq!(lines(&changes(&portal)), ["PUT /api/2.0/people/delete"]);
}

/// With no controlling terminal (cron, a service) nobody is asked, as before, even
/// though stderr is a terminal: a pipe of more than 100 users is refused unless `--max`
/// allows it, and a smaller one is deleted without a question.
#[test]
fn without_a_controlling_terminal_a_pipe_is_unattended_as_before() {
    let portal = Portal::start();
    let key = portal.owner().key;
    let ids = terminated(&portal, 101);
    let args = ["user", "delete", "--from", "-"];

    let capped = Terminal::start(&portal, &key, &args, Some(&one_a_line(&ids)), false).finish();
    assert_eq!(capped.code, 65, "{}", capped.tty);
    assert!(
        capped
            .tty
            .contains("101 users selected, more than --max 100; nothing was sent"),
        "{}",
        capped.tty
    );
    assert!(!capped.tty.contains("[y/N]"), "{}", capped.tty);
    assert!(changes(&portal).is_empty());

    let small = Terminal::start(&portal, &key, &args, Some(&one_a_line(&ids[..2])), false).finish();
    assert_eq!(small.code, 0, "{}", small.tty);
    assert!(!small.tty.contains("[y/N]"), "{}", small.tty);
    assert_eq!(lines(&changes(&portal)), ["PUT /api/2.0/people/delete"]);
}

/// Ctrl-C while the first batch of 100 is under way: that batch is answered and
/// reported, the second is not sent, the run ends with 130 naming what it did not send,
/// and the terminal is as it was. The journal lists the run as interrupted with the
/// users left, which a later run sent through `--from -` settles.
#[test]
fn ctrl_c_stops_a_bulk_run_after_the_request_under_way() {
    let portal = Portal::start();
    let key = portal.owner().key;
    let ids = terminated(&portal, 150);
    let gate = hold_the_first_delete(&portal);
    let mut terminal = Terminal::start(
        &portal,
        &key,
        &["user", "delete", "--from", "-"],
        Some(&one_a_line(&ids)),
        true,
    );
    terminal.expect("and 140 more\r\nDelete 150 user(s) for good?");
    terminal.send("y\n");
    wait_for_a_delete(&portal);
    terminal.send("\x03");
    terminal.expect("interrupted: nothing more is sent once the request under way is answered");
    gate.open();
    let run = terminal.finish();

    assert_eq!(run.code, 130, "{}{}", run.stdout, run.tty);
    assert!(run.same_settings, "the terminal's settings are restored");
    let deleted = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("deleted ") && l.contains('<'))
        .count();
    assert_eq!(deleted, 100, "{}", run.stdout);
    assert!(
        run.stdout.ends_with("deleted 100, not sent 50\n"),
        "{}",
        run.stdout
    );
    let named: Vec<String> = ids[100..110].iter().map(|id| shown(&portal, id)).collect();
    let note = format!(
        "docspace-people: interrupted: 50 user(s) not sent: {}, and 40 more; 'docspace-people journal' lists them, with the command that sends them\n",
        named.join(", ")
    );
    assert!(run.tty.contains(&note), "{}", run.tty);
    assert!(
        run.tty
            .contains("docspace-people: the run stopped: deleted 100, not sent 50\n"),
        "{}",
        run.tty
    );
    assert_eq!(
        lines(&changes(&portal)),
        ["PUT /api/2.0/people/delete"],
        "nothing after the interruption"
    );
    assert!(ids[..100].iter().all(|id| portal.user(id).unwrap().removed));
    assert!(
        ids[100..]
            .iter()
            .all(|id| !portal.user(id).unwrap().removed)
    );

    let journal: Vec<Value> =
        std::fs::read_to_string(state_home(&portal).join("docspace-people/journal.jsonl"))
            .expect("the journal")
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
    let events: Vec<&str> = journal
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["plan", "intent", "outcome", "interrupted"]);
    assert_eq!(journal[0]["targets"].as_array().unwrap().len(), 150);
    assert_eq!(journal[3]["not_sent"].as_array().unwrap().len(), 50);
    let id = journal[0]["run"].as_str().unwrap();
    let unfinished = format!("docspace-people journal --unfinished {id}");
    docspace(&portal, &key, &["journal"])
        .code(0)
        .stdout_has(&format!(
            "interrupted: {} user delete (run {id}, stopped with Ctrl-C): 50 user(s) not sent\n  \
         the 50 user(s) left, one a line:  {unfinished}\n  \
         send them:   {unfinished} | docspace-people user delete --from -\n",
            journal[0]["time"].as_str().unwrap()
        ));
    let left = docspace(&portal, &key, &["journal", "--unfinished", id]);
    left.code(0).stdout_is(&one_a_line(&ids[100..]));
    with_stdin(
        &portal,
        &key,
        &["user", "delete", "--from", "-"],
        &left.stdout,
    )
    .code(0)
    .stdout_has("deleted 50\n");
    docspace(&portal, &key, &["journal"]).code(0).stdout_has(&format!(
        "settled: {} user delete (run {id}, stopped with Ctrl-C): interrupted with 50 user(s) left; later runs of 'user delete' finished them\n",
        journal[0]["time"].as_str().unwrap()
    ));
}

/// A second Ctrl-C quits at once, the terminal put back first; the journal says the
/// step under way has an unknown outcome, and which users were never sent.
#[test]
fn a_second_ctrl_c_quits_at_once() {
    let portal = Portal::start();
    let key = portal.owner().key;
    let ids = terminated(&portal, 150);
    let gate = hold_the_first_delete(&portal);
    let mut terminal = Terminal::start(
        &portal,
        &key,
        &["user", "delete", "--from", "-", "--yes"],
        Some(&one_a_line(&ids)),
        true,
    );
    wait_for_a_delete(&portal);
    terminal.send("\x03");
    terminal.expect("interrupted: nothing more is sent");
    terminal.send("\x03");
    terminal.expect("quit at once");
    let run = terminal.finish();
    gate.open();

    assert_eq!(run.code, 130, "{}{}", run.stdout, run.tty);
    assert!(run.same_settings, "the terminal's settings are restored");
    assert!(
        !run.tty.contains("[y/N]"),
        "--yes asks nothing: {}",
        run.tty
    );
    assert!(run.tty.contains("docspace-people: quit at once: the outcome of the request under way is unknown; 'docspace-people journal' shows it\n"), "{}", run.tty);
    let journal = docspace(&portal, &key, &["journal", "--json"]).json();
    let interrupted = &journal["interrupted"][0];
    assert_eq!(interrupted["stopped"], false);
    assert_eq!(
        interrupted["unknown"][0]["targets"]
            .as_array()
            .unwrap()
            .len(),
        100
    );
    assert_eq!(interrupted["not_sent"].as_array().unwrap().len(), 50);
    assert_eq!(interrupted["unfinished"].as_array().unwrap().len(), 150);
    docspace(&portal, &key, &["journal"]).code(0).stdout_has(
        "delete of 100 user(s) under way (step 1), outcome unknown; 50 user(s) not sent\n",
    );
}

/// Ctrl-C while the portal's reassign jobs run: no job is started after it, the one
/// running is left to the portal (said so, as after --wait), and the rest are not sent.
#[test]
fn ctrl_c_starts_no_more_reassign_jobs_and_stops_waiting() {
    let portal = Portal::start();
    let key = portal.owner().key;
    let ids = terminated(&portal, 12);
    for id in &ids {
        portal.give_rooms(id, 1);
    }
    portal.reassign_polls(1_000);
    let gate = Gate::new();
    portal.inject(Fault {
        method: "POST",
        path_prefix: "/api/2.0/people/reassign/start".to_owned(),
        times: 1,
        reply: Reply::Hold(gate.clone()),
    });
    let mut terminal = Terminal::start(
        &portal,
        &key,
        &["user", "delete", "--from", "-", "--heir", "me", "--yes"],
        Some(&one_a_line(&ids)),
        true,
    );
    crate::wait_until("no job was started", || !changes(&portal).is_empty());
    terminal.send("\x03");
    terminal.expect("interrupted: nothing more is sent");
    gate.open();
    let run = terminal.finish();

    assert_eq!(run.code, 130, "{}{}", run.stdout, run.tty);
    assert!(run.same_settings);
    assert_eq!(
        lines(&changes(&portal)),
        ["POST /api/2.0/people/reassign/start"],
        "one job, and nothing after the interruption"
    );
    assert!(
        run.tty.contains(&format!(
            "delete {} (rooms and shared files go to {}; personal files never shared are destroyed): reassign still running (",
            shown(&portal, &ids[0]),
            shown(&portal, &portal.owner().id)
        )) && run
            .tty
            .contains("%) when the run was interrupted; the portal goes on with it"),
        "{}",
        run.tty
    );
    assert!(
        run.tty.contains("interrupted: 11 user(s) not sent: "),
        "{}",
        run.tty
    );
    assert!(
        run.stdout.ends_with("failed 1, not sent 11\n"),
        "{}",
        run.stdout
    );
}

/// Every changing bulk command that asks says each step: `invite revoke` terminates,
/// then deletes.
#[test]
fn the_question_of_a_revoke_says_it_terminates_then_deletes() {
    let portal = Portal::start();
    let key = portal.owner().key;
    let ids = [
        portal.add_pending("pia@example.com"),
        portal.add_pending("pat@example.com"),
    ];
    let mut terminal = Terminal::start(
        &portal,
        &key,
        &["invite", "revoke", "--from", "-"],
        Some(&one_a_line(&ids)),
        true,
    );
    terminal.expect("[y/N] ");
    terminal.send("n\n");
    let run = terminal.finish();

    // Never registered: no name, and the portal's display name is the address.
    let question = format!(
        "terminate first, then delete (2):\n  {} pia@example.com <pia@example.com>\n  {} pat@example.com <pat@example.com>\nRevoke 2 never-activated account(s): terminate and delete them for good? [y/N] n\n",
        ids[0], ids[1],
    );
    assert!(run.tty.contains(&question), "{}", run.tty);
    assert_eq!(run.code, 0);
    assert!(changes(&portal).is_empty());
}

/// A bulk run at a terminal shows what it does from its first request, before any answer
/// came: the phase and how far it is, redrawn in place; with `-q`, nothing.
#[test]
fn progress_shows_from_the_first_request_and_never_with_quiet() {
    for quiet in [false, true] {
        let portal = Portal::start();
        let key = portal.owner().key;
        let ids = terminated(&portal, 20);
        let gate = Gate::new();
        portal.inject(Fault {
            method: "GET",
            path_prefix: format!("/api/2.0/people/{}", ids[0]),
            times: 1,
            reply: Reply::Hold(gate.clone()),
        });
        let mut args = vec!["user", "delete", "--from", "-", "--yes", "--parallel", "1"];
        if quiet {
            args.push("-q");
        }
        let mut terminal = Terminal::start(&portal, &key, &args, Some(&one_a_line(&ids)), true);
        if !quiet {
            // The first read is held: nothing has been answered yet.
            terminal.expect("reading 0 / 20");
        }
        gate.open();
        let run = terminal.finish();
        assert_eq!(run.code, 0, "{}", run.tty);
        assert!(ids.iter().all(|id| portal.user(id).unwrap().removed));
        if quiet {
            assert!(
                !run.tty.contains(" / 20"),
                "no progress with -q:\n{}",
                run.tty
            );
        } else {
            for phase in ["reading 20 / 20", "checking", "deleting"] {
                assert!(run.tty.contains(phase), "{phase}:\n{}", run.tty);
            }
            assert!(run.same_settings);
        }
    }
}

/// Every bulk change of accounts asks at a terminal, terminate and activate included:
/// a pipe typed at a terminal was capped at 100 before it was asked about, and must not
/// now go through unasked.
#[test]
fn terminate_and_activate_from_a_pipe_at_a_terminal_ask_first() {
    for (command, status) in [
        ("terminate", Status::Active),
        ("activate", Status::Terminated),
    ] {
        let portal = Portal::start();
        let key = portal.owner().key;
        let ids = portal.seed_users(3);
        for id in &ids {
            portal.set_status(id, status);
        }
        let mut terminal = Terminal::start(
            &portal,
            &key,
            &["user", command, "--from", "-"],
            Some(&one_a_line(&ids)),
            true,
        );
        terminal.expect("[y/N]");
        terminal.send("n\n");
        let run = terminal.finish();
        assert!(run.tty.contains(ids[0].as_str()), "{}", run.tty);
        answered_no(&run, &portal);
    }
}

/// `sync` at a terminal asks once, before anything is sent: each kind of change with
/// its count and its people, the memberships among them (a person to create by its
/// address); `n` sends nothing. A plan of memberships alone, answered `y`, is carried out.
#[test]
fn the_question_of_a_sync_counts_each_kind_of_change() {
    let portal = Portal::start();
    let key = portal.owner().key;
    let ann = portal.add_member(crate::portal::Kind::User, "ann@example.com", "Ann", "Lee");
    portal.add_group("Sales", None, &[]);
    let roster = portal.state_dir().join("roster.csv");
    std::fs::create_dir_all(portal.state_dir()).unwrap();
    std::fs::write(
        &roster,
        "email,firstName,lastName,type,groups\n\
         owner@example.com,Admin,Owner,,\n\
         ann@example.com,Ann,Lee,room-admin,Sales\n\
         dan@example.com,Dan,Fox,,Sales\n",
    )
    .unwrap();
    let roster = roster.display().to_string();
    let sync = ["sync", "--from", roster.as_str()];

    let mut terminal = Terminal::start(&portal, &key, &sync, None, true);
    terminal.expect("[y/N] ");
    terminal.send("n\n");
    let run = terminal.finish();
    let question = format!(
        "create (1):\n  dan@example.com\n\
         make room-admin (1):\n  {ann}\n\
         add (2):\n  {ann} to group Sales\n  dan@example.com to group Sales\n\
         Make these 4 change(s)? New accounts are e-mailed an activation link; terminated people can no longer sign in. [y/N] n\n",
        ann = shown(&portal, &ann.id)
    );
    assert!(run.tty.contains(&question), "the question:\n{}", run.tty);
    answered_no(&run, &portal);

    // The people in line, their memberships not yet: asked, and sent on yes.
    let only_groups = portal.state_dir().join("groups.csv");
    std::fs::write(
        &only_groups,
        "email,firstName,lastName,groups\n\
         owner@example.com,Admin,Owner,\n\
         ann@example.com,Ann,Lee,Sales\n\
         dan@example.com,Dan,Fox,Sales\n",
    )
    .unwrap();
    let only_groups = only_groups.display().to_string();
    let sync = ["sync", "--from", only_groups.as_str()];
    docspace(
        &portal,
        &key,
        &[
            "user",
            "create",
            "--email",
            "dan@example.com",
            "--first-name",
            "Dan",
            "--last-name",
            "Fox",
        ],
    )
    .code(0);
    portal.clear_log();
    let mut terminal = Terminal::start(&portal, &key, &sync, None, true);
    terminal.expect("add (2):");
    terminal.expect("[y/N] ");
    terminal.send("y\n");
    let run = terminal.finish();
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.tty);
    assert!(run.stdout.contains("added 2"), "{}", run.stdout);
    assert_eq!(
        lines(&changes(&portal)).len(),
        1,
        "{:?}",
        lines(&changes(&portal))
    );
}

/// A group sync creates is asked about as created, and the people it is made with as
/// added to it, each with its own outcome once carried out.
#[test]
fn a_group_sync_creates_is_asked_about_with_the_people_added_to_it() {
    let portal = Portal::start();
    let key = portal.owner().key;
    let ann = portal.add_member(crate::portal::Kind::User, "ann@example.com", "Ann", "Lee");
    let roster = portal.state_dir().join("roster.csv");
    std::fs::create_dir_all(portal.state_dir()).unwrap();
    std::fs::write(
        &roster,
        "email,firstName,lastName,groups\n\
         owner@example.com,Admin,Owner,\n\
         ann@example.com,Ann,Lee,Support\n",
    )
    .unwrap();
    let roster = roster.display().to_string();
    let sync = ["sync", "--from", roster.as_str(), "--create-groups"];

    let mut terminal = Terminal::start(&portal, &key, &sync, None, true);
    terminal.expect("[y/N] ");
    terminal.send("y\n");
    let run = terminal.finish();
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.tty);
    let question = format!("add (1):\n  {} to group Support\n", shown(&portal, &ann.id));
    assert!(run.tty.contains("create (1):"), "{}", run.tty);
    assert!(run.tty.contains(&question), "the question:\n{}", run.tty);
    assert!(
        run.stdout.contains(&format!(
            "added {} to group Support",
            shown(&portal, &ann.id)
        )),
        "{}",
        run.stdout
    );
}
