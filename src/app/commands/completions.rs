//! `completions`: a completion script for the shell, made from the command table.

use super::{Command, Prints, Run, Spec};
use crate::app::completions::{self, Shell};
use crate::app::exit::{DONE, Failure};

pub const SPEC: Spec = Spec {
    name: "completions",
    args: "bash|zsh|fish",
    summary: "print a completion script for the shell",
    about: "Prints a completion script for the shell, made from the same table as the help.",
    options: &[],
    examples: &[
        "docspace-people completions bash > /etc/bash_completion.d/docspace-people",
        "docspace-people completions fish > ~/.config/fish/completions/docspace-people.fish",
    ],
    prints: Prints::Text,
    parse: |args| match args.words.as_slice() {
        [shell] => Ok(Box::new(Completions(Shell::parse(shell)?))),
        _ => Err(Failure::Usage(
            "'completions' takes one shell: bash, zsh or fish".to_owned(),
        )),
    },
};

#[derive(Debug, PartialEq, Eq)]
pub struct Completions(pub Shell);

impl Command for Completions {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        run.out.data(&completions::script(self.0))?;
        Ok(DONE)
    }
}
