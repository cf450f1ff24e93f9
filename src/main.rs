//! `docspace-people`: parse the command line, resolve the settings, run one command,
//! print, and exit with a documented code (see `app::exit`).
#![forbid(unsafe_code)]

mod app;

use app::cli::{self, Parsed};
use std::process::ExitCode;

const VERSION: &str = concat!(
    "docspace-people ",
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("DOCSPACE_PEOPLE_COMMIT"),
    ")\n"
);

fn main() -> ExitCode {
    let code = match cli::parse(std::env::args_os().skip(1)) {
        Ok(Parsed::Help(text)) => app::print(&text),
        Ok(Parsed::Version) => app::print(VERSION),
        Ok(Parsed::Run(invocation)) => app::run(*invocation),
        Err(failure) => app::fail(&failure),
    };
    ExitCode::from(code)
}
