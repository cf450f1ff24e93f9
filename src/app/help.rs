//! The help texts, all made from the command table and the option definitions: the
//! overview, one text per command, a group's list (`user --help`), and the exit codes
//! from their table.

use super::args::{self, Opt};
use super::commands::{Spec, TABLE};
use super::exit;

/// The help for the command the words name: a command's own, a group's list of
/// commands, or the overview.
pub fn for_words(words: &[&str]) -> String {
    let named = TABLE
        .iter()
        .copied()
        .filter(|spec| {
            let name: Vec<&str> = spec.name.split(' ').collect();
            words.starts_with(&name)
        })
        .max_by_key(|spec| spec.name.len());
    let group: Vec<&Spec> = match words.first() {
        Some(first) => TABLE
            .iter()
            .copied()
            .filter(|s| s.name.split(' ').next() == Some(*first) && s.name.contains(' '))
            .collect(),
        None => Vec::new(),
    };
    match named {
        // `invite` has commands under it too: `invite bogus --help` is about them.
        Some(spec) if words.len() == 1 || group.is_empty() || spec.name.contains(' ') => {
            for_command(spec)
        }
        _ if !group.is_empty() => for_group(words[0], &group),
        Some(spec) => for_command(spec),
        None => overview(),
    }
}

/// A command's help: usage, description, its options, examples.
pub fn for_command(spec: &Spec) -> String {
    let mut text = format!(
        "docspace-people {}: {}\n\nUsage: docspace-people {} {}\n\n{}\n",
        spec.name,
        spec.summary,
        spec.name,
        spec.args,
        spec.about.trim_end()
    );
    if !spec.options.is_empty() {
        text.push_str("\nOptions:\n");
        options(&mut text, spec.options);
    }
    text.push_str(if spec.examples.len() == 1 {
        "\nExample:\n"
    } else {
        "\nExamples:\n"
    });
    for example in spec.examples {
        text.push_str(&format!("  {example}\n"));
    }
    text.push_str("\nThe options every command takes: docspace-people --help\n");
    text
}

fn for_group(first: &str, group: &[&Spec]) -> String {
    let mut text = format!("Usage: docspace-people {first} COMMAND [ARGS]\n\nCommands:\n");
    commands(&mut text, group);
    text.push_str(&format!(
        "\nThe help of one: docspace-people {first} COMMAND --help\n"
    ));
    text
}

/// Lines of `--option VALUE   help`, the help's further lines indented under it.
fn options(text: &mut String, options: &[&Opt]) {
    for opt in options {
        let usage = format!("  {}", opt.usage());
        let mut lines = opt.help.lines();
        let first = lines.next().unwrap_or_default();
        if usage.chars().count() < 22 {
            text.push_str(&format!("{usage:<22}{first}\n"));
        } else {
            text.push_str(&format!("{usage}\n{:<22}{first}\n", ""));
        }
        for line in lines {
            text.push_str(&format!("{:<22}{line}\n", ""));
        }
    }
}

/// The list of commands with their summaries, wrapped at 90 columns.
fn commands(text: &mut String, specs: &[&Spec]) {
    for command in specs {
        let usage = format!("  {} {}", command.name, command.args);
        let usage = usage.trim_end();
        let mut summary = command.summary.split(' ').peekable();
        let mut line = if usage.chars().count() <= 41 {
            format!("{usage:<43}")
        } else {
            text.push_str(usage);
            text.push('\n');
            " ".repeat(43)
        };
        while let Some(word) = summary.next() {
            if line.chars().count() + word.chars().count() > 90 {
                text.push_str(line.trim_end());
                text.push('\n');
                line = " ".repeat(43);
            }
            line.push_str(word);
            if summary.peek().is_some() {
                line.push(' ');
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
}

fn overview() -> String {
    let mut text = MAIN.to_owned();
    text.push_str("Options (before or after the command):\n");
    options(&mut text, args::GLOBALS);
    text.push_str(NOTES);
    text.push_str("Commands:\n");
    commands(&mut text, TABLE);
    text.push_str("\nExit codes:\n");
    for row in exit::TABLE {
        let mut line = format!("  {:<3} ", row.code);
        for word in row.meaning.split(' ') {
            if line.len() + word.len() > 88 {
                text.push_str(line.trim_end());
                text.push('\n');
                line = " ".repeat(6);
            }
            line.push_str(word);
            line.push(' ');
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

const MAIN: &str = "\
docspace-people — administer the users and guests of an ONLYOFFICE DocSpace portal

Usage: docspace-people [OPTIONS] COMMAND [ARGS]

";

const NOTES: &str = "
  T is user (the default), room-admin or docspace-admin (and guest for 'user list').
  S is active, terminated or pending. FILE holds one id or e-mail a line ('-' is stdin;
  blank lines and lines starting with # are skipped). DUR is a number with a unit:
  30s, 10m, 1h, 30d or 2w.

";

/// The valid word nearest to `word`, when it is near enough to be a typo of it.
pub fn nearest<'a>(word: &str, valid: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    valid
        .into_iter()
        .map(|candidate| (distance(word, candidate), candidate))
        .filter(|(d, candidate)| *d <= 2.max(candidate.len() / 4) && *d < candidate.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein's edit distance.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command of the table has its own help, with at least one example, and
    /// its words lead to it.
    #[test]
    fn every_command_has_help_with_an_example() {
        for command in TABLE {
            let words: Vec<&str> = command.name.split(' ').collect();
            let text = for_words(&words);
            assert_eq!(text, for_command(command));
            assert!(!command.examples.is_empty(), "{}", command.name);
            assert!(
                text.contains(&format!("Usage: docspace-people {}", command.name)),
                "{text}"
            );
        }
        assert!(for_words(&["user"]).contains("user delete"));
        assert!(for_words(&["user", "bogus"]).contains("user terminate"));
    }

    #[test]
    fn typos_are_matched_to_the_nearest_word() {
        assert_eq!(
            nearest("user delet", TABLE.iter().map(|c| c.name)),
            Some("user delete")
        );
        assert_eq!(
            nearest("--dryrun", ["--dry-run", "--max"]),
            Some("--dry-run")
        );
        assert_eq!(nearest("frobnicate", TABLE.iter().map(|c| c.name)), None);
    }

    /// `--help` lists every code of the table, in order.
    #[test]
    fn the_help_lists_every_exit_code() {
        let help = for_words(&[]);
        let listed: Vec<u8> = help
            .split("Exit codes:\n")
            .nth(1)
            .expect("the help has an exit-code section")
            .lines()
            .filter(|l| !l.starts_with("      "))
            .filter_map(|l| l.split_whitespace().next()?.parse().ok())
            .collect();
        let documented: Vec<u8> = exit::TABLE.iter().map(|r| r.code).collect();
        assert_eq!(listed, documented);
    }
}
