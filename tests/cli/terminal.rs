//! A person at a terminal: asked on it when stdin is a pipe. The binary runs under a
//! pseudo-terminal that `terminal.py` (Python 3, which every machine that runs these
//! tests has) sets up and types on.

use crate::portal::{Portal, Status};
use crate::{changes, lines, state_home};
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

/// A user as the question and the report show it.
fn shown(portal: &Portal, id: &str) -> String {
    let user = portal.user(id).expect("a user of the portal");
    format!(
        "{id} {} {} <{}>",
        user.first_name, user.last_name, user.email
    )
}

fn terminated(portal: &Portal, n: usize) -> Vec<String> {
    let ids = portal.seed_users(n);
    for id in &ids {
        portal.set_status(id, Status::Terminated);
    }
    ids
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
    assert!(
        run.tty.contains("cancelled; nothing was sent"),
        "{}",
        run.tty
    );
    assert_eq!(run.code, 0, "{}", run.tty);
    assert!(
        changes(&portal).is_empty(),
        "{:?}",
        lines(&changes(&portal))
    );
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
