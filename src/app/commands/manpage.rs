//! `manpage`: the manual as a man page, made from the command table.

use super::{Command, Prints, Run, Spec};
use crate::app::completions;
use crate::app::exit::{DONE, Failure};

pub const SPEC: Spec = Spec {
    name: "manpage",
    args: "",
    summary: "print this manual as a man page (roff)",
    about: "Prints this manual as a man page (roff), for a box without internet.",
    options: &[],
    examples: &["docspace-people manpage > /usr/local/share/man/man1/docspace-people.1"],
    prints: Prints::Text,
    parse: |args| {
        args.no_words()?;
        Ok(Box::new(Manpage))
    },
};

#[derive(Debug)]
pub struct Manpage;

impl Command for Manpage {
    fn run(&self, run: &mut Run) -> Result<u8, Failure> {
        run.out.data(&completions::manpage())?;
        Ok(DONE)
    }
}
