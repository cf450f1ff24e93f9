#![forbid(unsafe_code)]

use docspace_people::cli::{self, Parsed};
use docspace_people::run::{self, Context, Output, ProcessEnvironment};
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    // Rust's stdout flushes every line; a pipe or file gets whole blocks instead, so a
    // listing of thousands of users is not a write call per line.
    let stdout_is_terminal = io::stdout().is_terminal();
    let mut stdout: Box<dyn Write> = if stdout_is_terminal {
        Box::new(io::stdout().lock())
    } else {
        Box::new(io::BufWriter::with_capacity(64 * 1024, io::stdout().lock()))
    };
    let mut stderr = io::stderr().lock();
    let stdin_is_terminal = io::stdin().is_terminal();
    let mut stdin = io::stdin().lock();
    let mut cx = Context {
        env: &ProcessEnvironment,
        stdin: &mut stdin,
        stdin_is_terminal,
    };
    let code = match cli::parse(std::env::args_os().skip(1)) {
        Err(e) => run::report(&mut stderr, &e),
        Ok(Parsed::Help(text)) => print(&mut stdout, &text),
        Ok(Parsed::Version) => print(
            &mut stdout,
            concat!("docspace-people ", env!("CARGO_PKG_VERSION"), "\n"),
        ),
        Ok(Parsed::Run(invocation)) => {
            match run::connect(&invocation.globals, &invocation.command, &mut cx) {
                Err(e) => run::report(&mut stderr, &e),
                Ok(client) => {
                    let stderr_is_terminal = io::stderr().is_terminal();
                    let mut output = Output::new(&mut stdout, &mut stderr, &invocation.globals)
                        .with_progress(stderr_is_terminal);
                    let result = run::execute(&client, &invocation, &mut output, &mut cx);
                    result
                        .and_then(|code| stdout.flush().map(|()| code))
                        .unwrap_or_else(|e| run::output_failure(&e))
                }
            }
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

fn print(out: &mut impl Write, text: &str) -> i32 {
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_or_else(|e| run::output_failure(&e), |()| 0)
}
