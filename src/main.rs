//! `docspace-people`: parse the command line, build the client, run one command, print,
//! and exit with a documented code (see `app::exit`).
#![forbid(unsafe_code)]

mod app;

use app::cli::{self, Command, Parsed};
use app::commands;
use app::completions;
use app::config::{self, Context, ProcessEnvironment};
use app::exit::{self, Failure};
use app::output::Output;
use app::profile;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

const VERSION: &str = concat!(
    "docspace-people ",
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("DOCSPACE_PEOPLE_COMMIT"),
    ")\n"
);

fn main() -> ExitCode {
    // Rust's stdout flushes every line; a pipe or file gets whole blocks instead, so a
    // listing of thousands of users is not a write call per line.
    let mut stdout: Box<dyn Write> = if io::stdout().is_terminal() {
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
        journal: None,
        deleted: Default::default(),
        terminations: Default::default(),
        unlinked: Default::default(),
        caller: None,
        lock: None,
        pending: None,
    };
    let command_line: Vec<String> = std::env::args().skip(1).collect();
    let result = match cli::parse(std::env::args_os().skip(1)) {
        Err(e) => Err(e),
        Ok(Parsed::Help(text)) => print(&mut stdout, &text),
        Ok(Parsed::Version) => print(&mut stdout, VERSION),
        Ok(Parsed::Run(mut invocation)) => match profile::apply(&mut invocation.globals, cx.env) {
            Err(e) => Err(e),
            // The settings and the journal are read from this machine; no portal is needed.
            Ok(settings) if matches!(invocation.command, Command::ConfigShow) => {
                let mut out = Output::new(&mut stdout, &mut stderr, &invocation.globals);
                commands::config_show::run(&settings, &mut out)
                    .and_then(|code| out.flush().map(|()| code).map_err(Failure::from))
            }
            // Made from the command table and the help texts: no portal either.
            Ok(_)
                if matches!(
                    invocation.command,
                    Command::Completions(_) | Command::Manpage
                ) =>
            {
                let text = match invocation.command {
                    Command::Completions(shell) => completions::script(shell),
                    _ => completions::manpage(),
                };
                print(&mut stdout, &text)
            }
            Ok(_) if matches!(invocation.command, Command::Journal { .. }) => {
                let mut out = Output::new(&mut stdout, &mut stderr, &invocation.globals);
                commands::journal::run(&invocation.globals, &invocation.command, &mut out, &mut cx)
                    .and_then(|code| out.flush().map(|()| code).map_err(Failure::from))
            }
            Ok(settings) => {
                let connected = config::connect(&invocation.globals, &invocation.command, &mut cx)
                    .and_then(|client| {
                        let line = command_line.join(" ");
                        config::start(
                            &client,
                            &invocation.globals,
                            &invocation.command,
                            &line,
                            &mut cx,
                        )
                        .map(|()| client)
                    });
                match connected {
                    Err(e) => Err(e),
                    Ok(client) => {
                        let globals = &invocation.globals;
                        let mut out = Output::new(&mut stdout, &mut stderr, globals)
                            .with_progress(io::stderr().is_terminal());
                        let out = &mut out;
                        let cx = &mut cx;
                        let ran = match &invocation.command {
                            Command::Whoami => commands::whoami::run(&client, out),
                            Command::Create(new) => commands::create::one(&client, new, out, cx),
                            Command::CreateFrom(path) => {
                                commands::create::from_file(&client, path, globals, out, cx)
                            }
                            Command::Get(selection) => {
                                commands::get::run(&client, selection, globals, out, cx)
                            }
                            Command::List {
                                filter,
                                ids,
                                terminated,
                            } => commands::list::run(
                                &client,
                                filter,
                                *ids,
                                *terminated,
                                globals,
                                out,
                                cx,
                            ),
                            Command::Terminate { selection, protect } => commands::status::run(
                                &client,
                                selection,
                                Some(protect.as_deref().or(globals.protect_file.as_deref())),
                                globals,
                                out,
                                cx,
                            ),
                            Command::Activate(selection) => {
                                commands::status::run(&client, selection, None, globals, out, cx)
                            }
                            Command::Delete {
                                selection,
                                terminate,
                                offboarding,
                            } => commands::delete::run(
                                &client,
                                selection,
                                *terminate,
                                offboarding,
                                globals,
                                out,
                                cx,
                            ),
                            Command::GuestDelete(selection) => {
                                commands::guest_delete::run(&client, selection, globals, out, cx)
                            }
                            Command::Invite {
                                emails,
                                from,
                                user_type,
                            } => commands::invite::run(
                                &client,
                                emails,
                                from.as_deref(),
                                *user_type,
                                globals,
                                out,
                                cx,
                            ),
                            Command::GuestLink(guest) => {
                                commands::guest_link::run(&client, guest, out)
                            }
                            Command::GuestApprove { link, email } => commands::guest_approve::run(
                                &client,
                                link,
                                email.as_ref(),
                                globals.yes,
                                out,
                                cx,
                            ),
                            Command::Lifecycle(new) => {
                                commands::lifecycle::run(&client, new, out, cx)
                            }
                            Command::GuestCycle { link, email } => commands::guest_cycle::run(
                                &client,
                                link,
                                email.as_ref(),
                                globals.yes,
                                out,
                                cx,
                            ),
                            Command::Login { email } => {
                                commands::login::run(&client, email, out, cx)
                            }
                            Command::Journal { .. } => {
                                commands::journal::run(globals, &invocation.command, out, cx)
                            }
                            Command::SetType {
                                selection,
                                user_type,
                                demotion,
                            } => commands::set_type::run(
                                &client, selection, *user_type, demotion, globals, out, cx,
                            ),
                            Command::ListNeverActivated { filter, ids } => {
                                commands::list::never_activated(&client, filter, *ids, globals, out)
                            }
                            Command::Resend {
                                selection,
                                registered_before,
                            } => commands::resend::run(
                                &client,
                                selection,
                                *registered_before,
                                globals,
                                out,
                                cx,
                            ),
                            Command::Revoke {
                                selection,
                                age,
                                protect,
                            } => commands::revoke::run(
                                &client,
                                selection,
                                *age,
                                protect.as_deref(),
                                globals,
                                out,
                                cx,
                            ),
                            Command::Seats => commands::seats::run(&client, out),
                            Command::ConfigShow => commands::config_show::run(&settings, out),
                            Command::Completions(shell) => out
                                .data(&completions::script(*shell))
                                .map(|()| exit::DONE)
                                .map_err(Failure::from),
                            Command::Manpage => out
                                .data(&completions::manpage())
                                .map(|()| exit::DONE)
                                .map_err(Failure::from),
                        };
                        // A failure before any user's outcome is the run's one error line,
                        // and its exit code stands even when stderr is gone.
                        match ran {
                            Err(failure @ Failure::Output(..)) => Err(failure),
                            Err(failure) => {
                                let _ = out.error(&failure);
                                let _ = out.flush();
                                Ok(failure.code())
                            }
                            // Output that cannot be written undoes a success only; a
                            // failure keeps its own code (a changing command has already
                            // reported its output failure as 74).
                            Ok(exit::DONE) => {
                                out.flush().map(|()| exit::DONE).map_err(Failure::from)
                            }
                            Ok(code) => {
                                let _ = out.flush();
                                Ok(code)
                            }
                        }
                    }
                }
            }
        },
    };
    let code = match result {
        Ok(code) => code,
        // A closed pipe (`| head`) ends a read-only command's output early, as it does
        // for any tool. (A changing command reports its own output failures.)
        Err(Failure::Output(io::ErrorKind::BrokenPipe, _)) => exit::DONE,
        Err(failure) => {
            // Nothing more can be done if stderr itself is gone.
            let _ = writeln!(io::stderr(), "docspace-people: {failure}");
            failure.code()
        }
    };
    ExitCode::from(code)
}

fn print(out: &mut impl Write, text: &str) -> Result<u8, Failure> {
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(exit::DONE)
}
