//! The command table: one file a command, each exporting its [`Spec`] (name, usage,
//! help, options, examples, how its arguments are read) and a value that runs it. The
//! parser, `--help`, the manual page and the shell completions are all made from
//! [`TABLE`]; adding a command is a file here and a line in the table.

use super::args::{Args, Opt};
use super::config::{self, Context};
use super::exit::Failure;
use super::output::Output;
use super::settings::Settings;
use docspace_people::Client;
use std::any::Any;

pub mod completions;
pub mod config_show;
pub mod create;
pub mod delete;
pub mod get;
pub mod group_change;
pub mod group_read;
pub mod guest_approve;
pub mod guest_cycle;
pub mod guest_delete;
pub mod guest_link;
pub mod holdings;
pub mod invite;
pub mod journal;
pub mod lifecycle;
pub mod list;
pub mod login;
pub mod manpage;
pub mod resend;
pub mod revoke;
pub mod seats;
pub mod set_type;
pub mod status;
pub mod sync;
pub mod whoami;

/// Every command, in the order the overview lists them.
pub const TABLE: &[&Spec] = &[
    &whoami::SPEC,
    &list::SPEC,
    &get::SPEC,
    &create::SPEC,
    &status::TERMINATE,
    &status::ACTIVATE,
    &delete::SPEC,
    &holdings::SPEC,
    &set_type::SPEC,
    &guest_link::SPEC,
    &guest_approve::SPEC,
    &guest_delete::SPEC,
    &invite::SPEC,
    &resend::SPEC,
    &revoke::SPEC,
    &seats::SPEC,
    &group_read::LIST,
    &group_read::GET,
    &group_change::CREATE,
    &group_change::ADD,
    &group_change::REMOVE,
    &group_change::SET_MANAGER,
    &group_change::DELETE,
    &sync::SPEC,
    &lifecycle::SPEC,
    &guest_cycle::SPEC,
    &login::SPEC,
    &config_show::SPEC,
    &journal::SPEC,
    &completions::SPEC,
    &manpage::SPEC,
];

/// Which of the output options a command honours; the others are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prints {
    /// Users, in every `--output` format, with `--columns` and `--no-header`.
    Users,
    /// Rows of its own, in every `--output` format, with `--no-header`; its columns are
    /// fixed (no `--columns`).
    Rows,
    /// Lines, or JSON with `--json` (`--output json`).
    Json,
    /// Text of its own (a script, a manual page): no output option applies.
    Text,
    /// A plan of changes, in every `--output` format but `ids` with `--dry-run`, and
    /// without it a line per change, or JSON with `--json`.
    Plan,
}

/// A command of the command line.
pub struct Spec {
    /// Its words: `user delete`.
    pub name: &'static str,
    /// What follows the name in the usage line.
    pub args: &'static str,
    /// One line for the overview.
    pub summary: &'static str,
    /// The help's description.
    pub about: &'static str,
    /// Its own options (every command also takes the global ones).
    pub options: &'static [&'static Opt],
    pub examples: &'static [&'static str],
    pub prints: Prints,
    /// Reads its arguments into the value that runs it.
    pub parse: fn(&mut Args) -> Result<Box<dyn Command>, Failure>,
}

/// A parsed command, ready to run. (Not `Debug`: the formatting of every command's
/// value would stay in the binary through the vtables.)
pub trait Command: Any {
    fn run(&self, run: &mut Run) -> Result<u8, Failure>;

    /// Whether it reads its input from stdin, which then cannot also hold the credential.
    fn reads_stdin(&self) -> bool {
        false
    }
}

/// What a command runs with.
pub struct Run<'r, 'a> {
    pub settings: &'r Settings,
    pub out: &'r mut Output<'a>,
    pub cx: &'r mut Context<'a>,
}

impl Run<'_, '_> {
    /// The client of the run, built from the settings and the credential.
    pub fn connect(&mut self) -> Result<Client, Failure> {
        config::connect(self.settings, &mut self.cx.io, false)
    }

    /// The client of a run that changes the portal, with what the journal remembers of
    /// it: a journal that cannot be kept or read stops the run before anything is sent.
    /// Takes the portal's lock before anything is read of it.
    pub fn connect_to_change(&mut self) -> Result<Client, Failure> {
        let client = self.connect_to_change_later()?;
        self.cx.lock_before_reads(self.settings, &client, false)?;
        Ok(client)
    }

    /// [`Run::connect_to_change`] for a command that reads and checks its input before
    /// it takes the lock ([`Context::lock_before_reads`]) and reads the portal.
    pub fn connect_to_change_later(&mut self) -> Result<Client, Failure> {
        let client = self.connect()?;
        self.cx.memory.load(&client.portal())?;
        Ok(client)
    }
}
