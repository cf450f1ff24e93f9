//! The command line: a pure function from arguments to a [`Parsed`] value, driven by the
//! command table ([`commands::TABLE`]) and the global options ([`args::GLOBALS`]).
//!
//! Nothing here reads the environment, a file or the network, so every rule of the
//! command line is tested without I/O. Arguments stay `OsString`s until an option's
//! kind says it is text: a path need not be UTF-8.

use super::args::{self, Args, CommandLine, Globals, Kind, Opt};
use super::commands::{self, Command, Prints, Spec};
use super::exit::Failure;
use super::format::Format;
use super::help;
use std::ffi::OsString;

/// What the command line asks for.
#[derive(Debug)]
pub enum Parsed {
    /// Print this help text and exit 0.
    Help(String),
    /// Print the version and exit 0.
    Version,
    Run(Box<Invocation>),
}

/// A command with the options that apply to every command.
pub struct Invocation {
    pub globals: Globals,
    pub command: Box<dyn Command>,
    /// The arguments as given, for the journal.
    pub command_line: CommandLine,
}

impl std::fmt::Debug for Invocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invocation")
            .field("globals", &self.globals)
            .field("command_line", &self.command_line)
            .finish_non_exhaustive()
    }
}

/// Every option any command takes, global ones first.
fn every_option() -> impl Iterator<Item = &'static Opt> {
    args::GLOBALS.iter().copied().chain(
        commands::TABLE
            .iter()
            .flat_map(|spec| spec.options.iter().copied()),
    )
}

/// The options named by `--token`, `--password` and the like: a credential is never
/// taken on the command line, where other users of the machine can see it.
const CREDENTIAL_FLAGS: [&str; 4] = ["token", "api-key", "key", "password"];

/// Parses the arguments after the program name.
pub fn parse<I>(args: I) -> Result<Parsed, Failure>
where
    I: IntoIterator,
    I::Item: Into<OsString>,
{
    use lexopt::Arg::{Long, Short, Value};
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let command_line = args
        .iter()
        .map(|a| a.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ");
    let mut parser = lexopt::Parser::from_args(args);
    let mut given: Vec<(&'static Opt, Option<OsString>)> = Vec::new();
    let mut words: Vec<OsString> = Vec::new();
    while let Some(arg) = parser.next().map_err(usage)? {
        let opt = match arg {
            Long(name) if CREDENTIAL_FLAGS.contains(&name) => {
                return Err(Failure::Usage(
                    "the credential is never taken on the command line, where other users of the machine can see it: \
                     use --token-file PATH, --token-file - (stdin), or the environment variable DOCSPACE_TOKEN"
                        .to_owned(),
                ));
            }
            Long(name) => every_option().find(|o| o.long == name),
            Short(c) => every_option().find(|o| o.short == Some(c)),
            Value(word) => {
                words.push(word);
                continue;
            }
        };
        let Some(opt) = opt else {
            return Err(usage(arg.unexpected()));
        };
        let value = match opt.kind {
            Kind::Flag => None,
            _ => Some(parser.value().map_err(usage)?),
        };
        given.push((opt, value));
    }
    let had = |opt: &Opt| given.iter().any(|(o, _)| o.long == opt.long);
    if had(&args::VERSION) {
        return Ok(Parsed::Version);
    }
    let words = words
        .into_iter()
        .map(|w| {
            w.into_string().map_err(|w| {
                Failure::Usage(format!(
                    "the argument '{}' is not valid UTF-8",
                    w.to_string_lossy()
                ))
            })
        })
        .collect::<Result<Vec<String>, Failure>>()?;
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    if had(&args::HELP) || words.is_empty() {
        return Ok(Parsed::Help(help::for_words(&words)));
    }
    let spec = find(&words)?;
    let rest = &words[spec.name.split(' ').count()..];
    let mut globals = Args {
        name: spec.name,
        ..Args::default()
    };
    let mut own = Args {
        name: spec.name,
        words: rest.iter().map(|w| (*w).to_owned()).collect(),
        given: Vec::new(),
    };
    let command_line = CommandLine {
        again: spec
            .options
            .iter()
            .any(|o| args::is_user_list(o))
            .then(|| again(spec, &given)),
        line: command_line,
        name: spec.name,
    };
    for (opt, value) in given {
        let (target, spec_has) = if args::GLOBALS.iter().any(|g| g.long == opt.long) {
            (&mut globals, true)
        } else {
            let has = spec.options.iter().any(|o| o.long == opt.long);
            (&mut own, has)
        };
        if !spec_has {
            return Err(Failure::Usage(format!(
                "--{} does not apply to '{}'",
                opt.long, spec.name
            )));
        }
        if !opt.repeats && target.has(opt) {
            return Err(Failure::Usage(format!("--{} is given twice", opt.long)));
        }
        // The command's own definition: its help line and kind, not another's.
        let opt = spec
            .options
            .iter()
            .copied()
            .find(|o| o.long == opt.long)
            .unwrap_or(opt);
        target.given.push((opt, value));
    }
    let globals = Globals::of(&mut globals)?;
    honoured(spec, &globals)?;
    let command = (spec.parse)(&mut own)?;
    if globals.token_file.as_deref() == Some("-".as_ref()) && command.reads_stdin() {
        return Err(Failure::Usage(
            "stdin cannot hold both the credential (--token-file -) and the input: use a file for one of them"
                .to_owned(),
        ));
    }
    Ok(Parsed::Run(Box::new(Invocation {
        globals,
        command,
        command_line,
    })))
}

/// The command named `spec` with the options `given`, but not the ones that select
/// users (`--from`, the listing's filters), each value quoted for a shell.
fn again(spec: &Spec, given: &[(&'static Opt, Option<OsString>)]) -> String {
    let mut words = vec![spec.name.to_owned()];
    for (opt, value) in given {
        if args::is_user_list(opt) || args::FILTERS.iter().any(|f| f.long == opt.long) {
            continue;
        }
        words.push(format!("--{}", opt.long));
        if let Some(value) = value {
            words.push(args::quoted(&value.to_string_lossy()));
        }
    }
    words.join(" ")
}

/// The command the words name: the longest name of the table they start with.
fn find(words: &[&str]) -> Result<&'static Spec, Failure> {
    let named = commands::TABLE
        .iter()
        .copied()
        .filter(|spec| {
            let name: Vec<&str> = spec.name.split(' ').collect();
            words.starts_with(&name)
        })
        .max_by_key(|spec| spec.name.len());
    if let Some(spec) = named {
        return Ok(spec);
    }
    let first = words[0];
    let group: Vec<&str> = commands::TABLE
        .iter()
        .filter_map(|s| s.name.strip_prefix(first)?.strip_prefix(' '))
        .collect();
    if !group.is_empty() && words.len() == 1 {
        return Err(Failure::Usage(format!(
            "'{first}' needs a subcommand: {}",
            group.join(", ")
        )));
    }
    let name = words[..words.len().min(if group.is_empty() { 1 } else { 2 })].join(" ");
    let suggestion = help::nearest(&name, commands::TABLE.iter().map(|c| c.name))
        .map(|n| format!("; did you mean '{n}'?"))
        .unwrap_or_default();
    Err(Failure::Usage(format!(
        "unknown command '{name}'{suggestion}"
    )))
}

/// Refuses the output options a command cannot honour, rather than ignoring them.
fn honoured(spec: &Spec, globals: &Globals) -> Result<(), Failure> {
    let refused = |option: String, what: &str| {
        Err(Failure::Usage(format!(
            "{option} does not apply to '{}', which {what}",
            spec.name
        )))
    };
    let lines = "prints a line per result, or JSON with --json";
    match spec.prints {
        Prints::Users => Ok(()),
        Prints::Rows if globals.columns.is_some() => refused(
            "--columns".to_owned(),
            "prints columns of its own (see its help)",
        ),
        Prints::Rows => Ok(()),
        Prints::Json => match globals.output {
            Some(Format::Json) | None => {
                if globals.columns.is_some() {
                    refused("--columns".to_owned(), lines)
                } else if globals.no_header {
                    refused("--no-header".to_owned(), lines)
                } else {
                    Ok(())
                }
            }
            Some(format) => refused(format!("--output {}", format.name()), lines),
        },
        Prints::Plan => {
            let plan = "prints a plan of changes: --dry-run prints it as a table, json, jsonl, csv or tsv; a real run prints a line per change, or JSON with --json";
            match globals.output {
                _ if globals.columns.is_some() => refused("--columns".to_owned(), plan),
                Some(Format::Ids) => refused("--output ids".to_owned(), plan),
                Some(Format::Jsonl | Format::Csv | Format::Tsv) if !globals.dry_run => refused(
                    format!(
                        "--output {} without --dry-run",
                        globals.output.map_or("", Format::name)
                    ),
                    plan,
                ),
                _ if globals.no_header && !globals.dry_run => {
                    refused("--no-header without --dry-run".to_owned(), plan)
                }
                _ => Ok(()),
            }
        }
        Prints::Text => {
            let given = [
                (globals.output.is_some(), "--output"),
                (globals.json, "--json"),
                (globals.columns.is_some(), "--columns"),
                (globals.no_header, "--no-header"),
            ];
            match given.iter().find(|(given, _)| *given) {
                Some((_, option)) => refused((*option).to_owned(), "prints text of its own"),
                None => Ok(()),
            }
        }
    }
}

fn usage(error: lexopt::Error) -> Failure {
    if let lexopt::Error::UnexpectedOption(option) = &error {
        let options: Vec<String> = every_option().map(|o| format!("--{}", o.long)).collect();
        if let Some(near) = help::nearest(option, options.iter().map(String::as_str)) {
            return Failure::Usage(format!("{error}; did you mean '{near}'?"));
        }
    }
    if let lexopt::Error::NonUnicodeValue(value) = &error {
        return Failure::Usage(format!("'{}' is not valid UTF-8", value.to_string_lossy()));
    }
    Failure::Usage(error.to_string())
}

#[cfg(test)]
mod tests;
