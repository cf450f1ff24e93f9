//! The `docspace-people` command line, built on the library: argument parsing and help,
//! configuration, input files, output, exit codes, and one file a command. Nothing here
//! is part of the library's API.

pub mod args;
pub mod bulk;
pub mod cli;
pub mod commands;
pub mod completions;
pub mod config;
pub mod diff;
pub mod env;
pub mod exit;
pub mod format;
pub mod group_arg;
pub mod help;
pub mod holdings;
pub mod input;
pub mod interrupt;
pub mod journal;
pub mod lock;
pub mod output;
pub mod parallel;
pub mod plan;
pub mod profile;
pub mod progress;
pub mod report;
pub mod retention;
pub mod select;
pub mod sequence;
pub mod settings;
pub mod show;
pub mod unicode;
pub mod width;

use cli::Invocation;
use commands::Run;
use config::Context;
use env::ProcessEnvironment;
use exit::Failure;
use output::Output;
use settings::{Keyboard, Settings, Terminal};
use std::io::{self, IsTerminal, Write};

/// Runs a parsed command: resolves its settings, runs it, prints a failure that came
/// before any user's outcome once, and says the exit code.
pub fn run(invocation: Invocation) -> u8 {
    let terminal = Terminal {
        stdin: io::stdin().is_terminal(),
        stderr: io::stderr().is_terminal(),
        controlling: std::fs::File::open("/dev/tty").is_ok(),
    };
    let settings = match Settings::resolve(
        &invocation.globals,
        &invocation.command_line,
        &ProcessEnvironment,
        terminal,
    ) {
        Ok(settings) => settings,
        Err(failure) => return fail(&failure),
    };
    // Rust's stdout flushes every line; a pipe or file gets whole blocks instead, so a
    // listing of thousands of users is not a write call per line.
    let mut stdout: Box<dyn Write> = if io::stdout().is_terminal() {
        Box::new(io::stdout().lock())
    } else {
        Box::new(io::BufWriter::with_capacity(64 * 1024, io::stdout().lock()))
    };
    // Not locked for the run: a retry note comes from whichever thread retried (a page
    // read ahead), and would wait forever for a lock this thread holds while it waits
    // for that page.
    let mut stderr = io::stderr();
    let mut stdin = io::stdin().lock();
    let mut out = Output::new(
        &mut stdout,
        &mut stderr,
        &settings.printing,
        settings.dry_run,
    );
    let keyboard = Keyboard::of(terminal, invocation.command.reads_stdin());
    let mut cx = Context::new(&settings, &mut stdin, keyboard);
    let mut run = Run {
        settings: &settings,
        out: &mut out,
        cx: &mut cx,
    };
    let ran = invocation.command.run(&mut run);
    let result = match ran {
        Err(failure @ Failure::Output(..)) => Err(failure),
        // A failure before any user's outcome is the run's one error line, and its exit
        // code stands even when stderr is gone.
        Err(failure) => {
            let _ = out.error(&failure);
            let _ = out.flush();
            Ok(failure.code())
        }
        // Output that cannot be written undoes a success only; a failure keeps its own
        // code (a changing command has already reported its output failure as 74).
        Ok(exit::DONE) => out.flush().map(|()| exit::DONE).map_err(Failure::from),
        Ok(code) => {
            let _ = out.flush();
            Ok(code)
        }
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`| head`) ends a read-only command's output early, as it does
        // for any tool. (A changing command reports its own output failures.)
        Err(Failure::Output(io::ErrorKind::BrokenPipe, _)) => exit::DONE,
        Err(failure) => fail(&failure),
    }
}

/// Prints `failure` on stderr and says its exit code.
pub fn fail(failure: &Failure) -> u8 {
    // Nothing more can be done if stderr itself is gone.
    let _ = writeln!(io::stderr(), "docspace-people: {failure}");
    failure.code()
}

/// Prints a text of the program's own (help, version).
pub fn print(text: &str) -> u8 {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => exit::DONE,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => exit::DONE,
        Err(e) => fail(&Failure::from(e)),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    /// Every source file under `src/`, as its module path (`app::commands::delete`) and
    /// its text without the tests.
    fn sources() -> Vec<(String, String)> {
        fn walk(dir: &Path, module: &str, found: &mut Vec<(String, String)>) {
            for entry in std::fs::read_dir(dir).expect("a source directory") {
                let path = entry.expect("a directory entry").path();
                let name = path
                    .file_stem()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                let child = match (module, name) {
                    ("", "lib" | "main") => String::new(),
                    ("", _) => name.to_owned(),
                    (_, "mod") => module.to_owned(),
                    _ => format!("{module}::{name}"),
                };
                if path.is_dir() {
                    walk(&path, &child, found);
                } else if path.extension().is_some_and(|e| e == "rs") && name != "tests" {
                    let text = std::fs::read_to_string(&path).expect("a source file");
                    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
                    found.push((child, code.to_owned()));
                }
            }
        }
        let mut found = Vec::new();
        walk(
            Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
            "",
            &mut found,
        );
        found
    }

    /// The paths that follow `crate::`, `super::` or `self::` in `code`, each written out
    /// in full from the crate's root, grouped lists (`super::{a, b::{c, d}}`) expanded.
    fn paths(module: &str, code: &str) -> Vec<String> {
        fn expand(prefix: &str, text: &str, out: &mut Vec<String>) {
            let text = text.trim_start();
            if let Some(inner) = text.strip_prefix('{') {
                let mut depth = 0;
                let mut start = 0;
                for (i, c) in inner.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => {
                            expand(prefix, &inner[start..i], out);
                            return;
                        }
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            expand(prefix, &inner[start..i], out);
                            start = i + 1;
                        }
                        _ => {}
                    }
                }
                return;
            }
            let segment: String = text
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if segment.is_empty() {
                out.push(prefix.to_owned());
                return;
            }
            let path = if prefix.is_empty() {
                segment.clone()
            } else {
                format!("{prefix}::{segment}")
            };
            match text[segment.len()..].strip_prefix("::") {
                Some(rest) => expand(&path, rest, out),
                None => out.push(path),
            }
        }
        let parent = |m: &str| {
            m.rsplit_once("::")
                .map_or(String::new(), |(p, _)| p.to_owned())
        };
        // `super` of a file module is its parent, and so is that of a `mod.rs` (whose
        // module is its directory's).
        let own = module.to_owned();
        let mut found = Vec::new();
        for (marker, base) in [
            ("crate::", String::new()),
            ("super::", parent(&own)),
            ("self::", own.clone()),
        ] {
            for (at, _) in code.match_indices(marker) {
                let before = code[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                expand(&base, &code[at + marker.len()..], &mut found);
            }
        }
        found
    }

    /// Which module imports which, from the sources: each path is taken to the longest
    /// module it names.
    fn imports(sources: &[(String, String)]) -> BTreeMap<String, BTreeSet<String>> {
        let modules: BTreeSet<String> = sources.iter().map(|(m, _)| m.clone()).collect();
        let mut graph = BTreeMap::new();
        for (module, code) in sources {
            let mut used = BTreeSet::new();
            for path in paths(module, code) {
                let mut candidate = path.as_str();
                let target = loop {
                    if modules.contains(candidate) {
                        break Some(candidate.to_owned());
                    }
                    match candidate.rsplit_once("::") {
                        Some((shorter, _)) => candidate = shorter,
                        None => break None,
                    }
                };
                if let Some(target) = target
                    && &target != module
                    && !target.is_empty()
                {
                    used.insert(target);
                }
            }
            graph.insert(module.clone(), used);
        }
        graph
    }

    /// A module that imports one that imports it back, directly or through others.
    fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<String> {
        fn reaches(
            from: &str,
            to: &str,
            graph: &BTreeMap<String, BTreeSet<String>>,
            seen: &mut BTreeSet<String>,
        ) -> bool {
            for next in graph.get(from).into_iter().flatten() {
                if next == to {
                    return true;
                }
                if seen.insert(next.clone()) && reaches(next, to, graph, seen) {
                    return true;
                }
            }
            false
        }
        graph
            .keys()
            .find(|m| reaches(m, m, graph, &mut BTreeSet::new()))
            .cloned()
    }

    /// No module under `src/` (the library, the command line and its commands) imports
    /// a module that imports it back, directly or through others (test code aside).
    #[test]
    fn no_module_imports_one_that_imports_it_back() {
        let sources = sources();
        let graph = imports(&sources);
        assert!(graph.contains_key("app::commands::delete"), "{graph:?}");
        assert!(
            graph["app::commands::delete"].contains("app::bulk"),
            "{graph:?}"
        );
        assert!(
            graph["app::commands::delete"].contains("app::commands"),
            "{graph:?}"
        );
        assert!(graph["app::cli"].contains("app::commands"), "{graph:?}");
        assert_eq!(cycle(&graph), None, "{graph:?}");
    }

    /// The test above sees a cycle made with a grouped list, and one through a command.
    #[test]
    fn an_injected_cycle_is_seen() {
        for (module, injected) in [
            ("app::exit", "use super::{format, report::Outcome};"),
            ("app::args", "use crate::app::commands::delete::Delete;"),
            (
                "model",
                "use crate::{error::Error, people::{Filter, Users}};",
            ),
        ] {
            let mut sources = sources();
            let (_, code) = sources
                .iter_mut()
                .find(|(m, _)| m == module)
                .expect("the module exists");
            code.push_str(injected);
            assert!(cycle(&imports(&sources)).is_some(), "{module}: {injected}");
        }
    }
}
