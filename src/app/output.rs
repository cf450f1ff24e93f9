//! Where results and errors go, and in which form.

use super::format::{Column, Format};
use super::progress;
use docspace_people::Request;
use serde_json::Value;
use std::io::{self, BufRead, Write};

/// How results are printed.
#[derive(Debug, Clone, Default)]
pub struct Printing {
    /// `--output` as given (`--json` and `--ids` are short forms of it).
    pub format: Option<Format>,
    pub json: bool,
    pub quiet: bool,
    pub columns: Option<Vec<Column>>,
    pub header: bool,
    /// stderr is a terminal: progress may be drawn.
    pub progress: bool,
}

/// Results on stdout (human lines or JSON), errors and notes on stderr.
pub struct Output<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    pub json: bool,
    pub quiet: bool,
    pub dry_run: bool,
}

impl<'a> Output<'a> {
    /// Progress of long bulk runs is shown on stderr when it is a terminal (never under
    /// cron, where stderr is mail or a log).
    pub fn new(
        out: &'a mut dyn Write,
        err: &'a mut dyn Write,
        printing: &Printing,
        dry_run: bool,
    ) -> Output<'a> {
        progress::enable(printing.progress && !printing.quiet);
        Output {
            out,
            err,
            json: printing.json,
            quiet: printing.quiet,
            dry_run,
        }
    }

    /// Clears the progress line before other output (it is drawn again at its next step).
    fn clear_progress(&mut self) -> io::Result<()> {
        progress::clear();
        Ok(())
    }

    /// One human-readable result line (not with `--json` or `--quiet`).
    pub fn line(&mut self, text: &str) -> io::Result<()> {
        if self.json || self.quiet {
            return Ok(());
        }
        self.clear_progress()?;
        writeln!(self.out, "{text}")
    }

    /// The data a read command exists to print, in the form its printer made: printed
    /// even with `--quiet`, which silences only notes, progress and summaries.
    pub fn data(&mut self, text: &str) -> io::Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        self.clear_progress()?;
        self.out.write_all(text.as_bytes())
    }

    /// A line of a dry run's plan (a user it would change, what follows): printed even
    /// with `--quiet`, since the plan is what a dry run is for; not with `--json`, whose
    /// results say it.
    pub fn plan(&mut self, text: &str) -> io::Result<()> {
        if self.json {
            return Ok(());
        }
        self.clear_progress()?;
        writeln!(self.out, "{text}")
    }

    /// A JSON result (only with `--json`, and not with `--quiet` unless it is a dry
    /// run's plan).
    pub fn json(&mut self, value: &Value) -> io::Result<()> {
        self.json_text(&value.to_string())?;
        self.json_text("\n")
    }

    /// Raw JSON text, for output streamed in pieces.
    pub fn json_text(&mut self, text: &str) -> io::Result<()> {
        if !self.json || (self.quiet && !self.dry_run) {
            return Ok(());
        }
        self.clear_progress()?;
        self.out.write_all(text.as_bytes())
    }

    /// A note on stderr that is neither a result nor an error (what a run left out, and
    /// why); not with `--quiet`.
    pub fn note(&mut self, note: &dyn std::fmt::Display) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        self.error(note)
    }

    /// An error line on stderr; always printed.
    pub fn error(&mut self, error: &dyn std::fmt::Display) -> io::Result<()> {
        self.clear_progress()?;
        writeln!(self.err, "docspace-people: {error}")
    }

    /// A request `--dry-run` holds back. On stdout, unless stdout is JSON; even with
    /// `--quiet`: it is the plan.
    pub fn would_send(&mut self, request: &Request) -> io::Result<()> {
        if self.json {
            writeln!(self.err, "docspace-people: would send {request}")
        } else {
            writeln!(self.out, "would send {request}")
        }
    }

    /// Asks a yes/no question on stderr and reads the answer.
    pub fn confirm(&mut self, question: &str, stdin: &mut dyn BufRead) -> io::Result<bool> {
        write!(self.err, "{question} [y/N] ")?;
        self.err.flush()?;
        let mut answer = String::new();
        stdin.read_line(&mut answer)?;
        Ok(matches!(
            answer.trim().to_ascii_lowercase().as_str(),
            "y" | "yes"
        ))
    }

    /// Flushes stdout, so that what was printed is what was done.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
