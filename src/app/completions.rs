//! Shell completions and the manual page, made from the command table and the help
//! texts, so that a box without internet has both.

use super::args::{GLOBALS, Opt};
use super::commands::{Spec, TABLE as COMMANDS};
use super::exit::Failure;
use super::help;

/// A shell that `completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

impl Shell {
    pub fn parse(name: &str) -> Result<Shell, Failure> {
        match name {
            "bash" => Ok(Shell::Bash),
            "zsh" => Ok(Shell::Zsh),
            "fish" => Ok(Shell::Fish),
            other => Err(Failure::Usage(format!(
                "'{other}' is not a shell completions are made for: bash, zsh or fish"
            ))),
        }
    }
}

/// `--long` of each option.
fn longs(options: &[&Opt]) -> Vec<String> {
    options.iter().map(|o| format!("--{}", o.long)).collect()
}

/// The options the completions offer after a command: its own, then the global ones.
pub fn options_of(spec: &Spec) -> Vec<String> {
    let mut all = longs(spec.options);
    all.extend(longs(GLOBALS));
    all
}

/// The completion script for `shell`.
pub fn script(shell: Shell) -> String {
    match shell {
        Shell::Bash => bash(),
        Shell::Zsh => zsh(),
        Shell::Fish => fish(),
    }
}

fn first_words() -> Vec<&'static str> {
    let mut words: Vec<&str> = COMMANDS
        .iter()
        .map(|c| c.name.split(' ').next().unwrap_or(c.name))
        .collect();
    words.dedup();
    words
}

fn subcommands(first: &str) -> Vec<&'static str> {
    COMMANDS
        .iter()
        .filter_map(|c| c.name.strip_prefix(first)?.strip_prefix(' '))
        .collect()
}

fn bash() -> String {
    let mut cases = String::new();
    for command in COMMANDS {
        cases.push_str(&format!(
            "        \"{}\") opts=\"{}\" ;;\n",
            command.name,
            options_of(command).join(" ")
        ));
    }
    let mut subs = String::new();
    for first in first_words() {
        let under = subcommands(first);
        if !under.is_empty() {
            subs.push_str(&format!(
                "        {first}) words=\"{}\" ;;\n",
                under.join(" ")
            ));
        }
    }
    format!(
        r#"# bash completion for docspace-people; source it, or put it in
# /etc/bash_completion.d/docspace-people
_docspace_people() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}"
    local first="${{COMP_WORDS[1]}}" second="${{COMP_WORDS[2]}}" words="" opts=""
    if [[ $COMP_CWORD -eq 1 ]]; then
        COMPREPLY=($(compgen -W "{firsts} {globals}" -- "$cur"))
        return
    fi
    if [[ $COMP_CWORD -eq 2 && $cur != -* ]]; then
        case "$first" in
{subs}        esac
        if [[ -n $words ]]; then
            COMPREPLY=($(compgen -W "$words" -- "$cur"))
            return
        fi
    fi
    case "$first $second" in
{cases}    esac
    if [[ -z $opts ]]; then
        case "$first" in
{cases}        esac
    fi
    [[ -z $opts ]] && opts="{globals}"
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}}
complete -o default -F _docspace_people docspace-people
"#,
        firsts = first_words().join(" "),
        globals = longs(GLOBALS).join(" "),
    )
}

fn zsh() -> String {
    let mut text = String::from(
        "#compdef docspace-people\n# zsh completion for docspace-people; put it in a directory of $fpath as _docspace-people\n_docspace-people() {\n  local -a commands\n  commands=(\n",
    );
    for command in COMMANDS {
        text.push_str(&format!(
            "    '{}:{}'\n",
            command.name.replace(' ', "\\ "),
            command.summary.replace('\'', "'\\''").replace(':', "\\:")
        ));
    }
    text.push_str("  )\n  if (( CURRENT == 2 )); then\n    _describe 'command' commands\n  else\n    compadd -- ");
    let mut all: Vec<String> = longs(GLOBALS);
    for command in COMMANDS {
        all.extend(longs(command.options));
    }
    all.sort_unstable();
    all.dedup();
    text.push_str(&all.join(" "));
    text.push_str("\n  fi\n}\n_docspace-people \"$@\"\n");
    text
}

fn fish() -> String {
    let mut text = String::from(
        "# fish completion for docspace-people; put it in ~/.config/fish/completions/\ncomplete -c docspace-people -f\n",
    );
    for first in first_words() {
        let summary = COMMANDS
            .iter()
            .find(|c| c.name == first)
            .map_or("", |c| c.summary);
        text.push_str(&format!(
            "complete -c docspace-people -n __fish_use_subcommand -a {first} -d '{}'\n",
            summary.replace('\'', "\\'")
        ));
        for sub in subcommands(first) {
            text.push_str(&format!(
                "complete -c docspace-people -n '__fish_seen_subcommand_from {first}' -a {sub}\n"
            ));
        }
    }
    for option in GLOBALS {
        text.push_str(&format!("complete -c docspace-people -l {}\n", option.long));
    }
    for command in COMMANDS {
        let mut words = command.name.split(' ');
        let first = words.next().unwrap_or_default();
        let condition = match words.next() {
            Some(sub) => format!(
                "__fish_seen_subcommand_from {first}; and __fish_seen_subcommand_from {sub}"
            ),
            None => format!("__fish_seen_subcommand_from {first}"),
        };
        for option in command.options {
            text.push_str(&format!(
                "complete -c docspace-people -n '{condition}' -l {}\n",
                option.long
            ));
        }
    }
    text
}

/// The manual page (roff): the overview and every command's help.
pub fn manpage() -> String {
    let mut text = format!(
        ".TH DOCSPACE-PEOPLE 1 \"\" \"docspace-people {}\" \"User Commands\"\n.SH NAME\ndocspace-people \\- administer the users and guests of an ONLYOFFICE DocSpace portal\n.SH DESCRIPTION\n.nf\n",
        env!("CARGO_PKG_VERSION")
    );
    text.push_str(&roff(&help::for_words(&[])));
    text.push_str(".fi\n.SH COMMANDS\n");
    for command in COMMANDS {
        let own = help::for_command(command);
        text.push_str(&format!(".SS {}\n.nf\n{}.fi\n", command.name, roff(&own)));
    }
    text
}

/// Text made safe for roff's no-fill mode: backslashes escaped, and no line starting
/// with a control character.
fn roff(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = line.replace('\\', "\\e");
        if line.starts_with('.') || line.starts_with('\'') {
            out.push_str("\\&");
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}
