//! How a run ends: the table of exit codes, and every failure mapped onto it with the
//! hint that says what to do next. The help text, the README and the tests all read
//! [`TABLE`].

use docspace_people::{Error, ErrorKind, Refusal};
use std::fmt;
use std::io;

/// One documented exit code.
pub struct Row {
    pub code: u8,
    pub meaning: &'static str,
}

pub const DONE: u8 = 0;
pub const PARTIAL: u8 = 1;
pub const USAGE: u8 = 64;
pub const REFUSED: u8 = 65;
pub const NO_INPUT: u8 = 66;
pub const NOT_FOUND: u8 = 67;
pub const NO_HOST: u8 = 68;
pub const UNAVAILABLE: u8 = 69;
pub const CANT_CREATE: u8 = 73;
pub const OUTPUT: u8 = 74;
pub const TEMPORARY: u8 = 75;
pub const PROTOCOL: u8 = 76;
pub const NOT_PERMITTED: u8 = 77;
pub const CONFIG: u8 = 78;
pub const INTERRUPTED: u8 = 130;

/// Every exit code the program ends with, in order.
pub const TABLE: [Row; 15] = [
    Row {
        code: DONE,
        meaning: "done (also: a closed stdout pipe, a declined confirmation)",
    },
    Row {
        code: PARTIAL,
        meaning: "some items of a multi-item command failed, others were done",
    },
    Row {
        code: USAGE,
        meaning: "usage: bad option, missing argument, malformed id or e-mail on the command line, a group name two groups share",
    },
    Row {
        code: REFUSED,
        meaning: "the portal refused the data: 400, 402, 409, 422, and 403 whose message is not \"Access denied\" (e.g. \"The user is not suspended\"); a bad row in an input file; more users selected than `--max`; a leaver who owns rooms or shared files, or manages groups, deleted (or made a guest) without `--heir`; an heir the portal would refuse, or a group the heir did not take; a user a group change would skip (terminated, a guest); a reassign job that failed",
    },
    Row {
        code: NO_INPUT,
        meaning: "an input file is missing or unreadable",
    },
    Row {
        code: NOT_FOUND,
        meaning: "the user was not found (404), or the heir given with `--heir`, or the group named",
    },
    Row {
        code: NO_HOST,
        meaning: "the host name of the portal (or of the proxy) does not exist in DNS, or has no address",
    },
    Row {
        code: UNAVAILABLE,
        meaning: "the portal is unavailable: connection refused (by the portal or the proxy), TLS failure (an untrusted certificate: see `--ca-file`), a proxy that refuses the tunnel, 500, 501",
    },
    Row {
        code: CANT_CREATE,
        meaning: "the journal or the lock file cannot be written: nothing (more) was sent",
    },
    Row {
        code: OUTPUT,
        meaning: "the results could not be written (other than a closed pipe)",
    },
    Row {
        code: TEMPORARY,
        meaning: "temporary: timeout, connection reset, a DNS lookup that failed for now, 408, 429, 502, 503, 504, a proxy that cannot reach the portal, another run against the same portal in progress, a reassign job still running after `--wait` or started by someone else — try again later",
    },
    Row {
        code: PROTOCOL,
        meaning: "protocol: a redirect, a 404 without a DocSpace error (not the API's address), an answer that is not the expected JSON, a compressed answer that was not asked for",
    },
    Row {
        code: NOT_PERMITTED,
        meaning: "not permitted: 401, 403 \"Access denied\" or an empty 403, a refused login, a proxy's 407",
    },
    Row {
        code: CONFIG,
        meaning: "configuration: no portal address or credential, a malformed URL, an unreadable, world-readable or oversized token file, a bad CA file, plain http to another host, a proxy address that is not an http(s) proxy",
    },
    Row {
        code: INTERRUPTED,
        meaning: "interrupted with Ctrl-C at the terminal: what was done is reported, the rest was not sent (`docspace-people journal` lists it)",
    },
];

/// Why a command, or its work on one user, did not succeed.
#[derive(Debug, Clone)]
pub enum Failure {
    /// The command line is wrong.
    Usage(String),
    /// The portal address or the credential is missing or unusable.
    Config(String),
    /// An input file is missing or unreadable.
    Input(String),
    /// An input file has bad lines, or the selection is larger than allowed; nothing was
    /// sent. One line of explanation each.
    BadInput(Vec<String>),
    /// The portal, or what it answered, says the change was not made.
    NotDone { action: String, reason: String },
    /// Someone the command needs (the heir) is not on the portal; nothing was sent.
    Missing(String),
    /// The library's error: the portal or the way to it.
    Portal(Error),
    /// The results could not be written.
    Output(io::ErrorKind, String),
    /// The journal or the lock file cannot be written.
    Journal(String),
    /// Another run against the same portal holds its lock.
    Busy(String),
    /// The person at the terminal stopped the run (Ctrl-C) before all was sent.
    Interrupted(String),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure::Portal(error)
    }
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Failure {
        Failure::output(&error)
    }
}

impl Failure {
    pub fn output(error: &io::Error) -> Failure {
        Failure::Output(error.kind(), error.to_string())
    }

    /// The exit code this failure ends the program with.
    pub fn code(&self) -> u8 {
        match self {
            Failure::Usage(_) => USAGE,
            Failure::Config(_) => CONFIG,
            Failure::Input(_) => NO_INPUT,
            Failure::Missing(_) => NOT_FOUND,
            Failure::BadInput(_) | Failure::NotDone { .. } => REFUSED,
            Failure::Output(..) => OUTPUT,
            Failure::Journal(_) => CANT_CREATE,
            Failure::Busy(_) => TEMPORARY,
            Failure::Interrupted(_) => INTERRUPTED,
            Failure::Portal(e) => match e.kind() {
                ErrorKind::InvalidInput => USAGE,
                ErrorKind::Config => CONFIG,
                ErrorKind::NotFound => NOT_FOUND,
                ErrorKind::Unauthenticated | ErrorKind::Refused(Refusal::AccessDenied) => {
                    NOT_PERMITTED
                }
                ErrorKind::Refused(_) | ErrorKind::NotDone => REFUSED,
                ErrorKind::Dns => NO_HOST,
                ErrorKind::Temporary => TEMPORARY,
                ErrorKind::Protocol => PROTOCOL,
                _ => UNAVAILABLE,
            },
        }
    }

    /// The same failure, described as happening while doing `action`.
    pub fn during(self, action: impl Into<String>) -> Failure {
        match self {
            Failure::Portal(e) => Failure::Portal(e.during(action)),
            other => other,
        }
    }
}

/// What to do next, for the failures an admin is likely to meet.
fn hint(error: &Error) -> Option<&'static str> {
    let status = error.status();
    Some(match (error.kind(), status) {
        (ErrorKind::Unauthenticated, Some(401)) => {
            "the portal did not accept the credential: check the API key or token (it must belong to an active account)"
        }
        (ErrorKind::Refused(Refusal::NotSuspended), _) => {
            "terminate the user first ('docspace-people user terminate USER'), or use 'lifecycle'"
        }
        (ErrorKind::Refused(Refusal::AccessDenied), Some(_)) => {
            "the account behind the credential may not do this (most changes need a DocSpace admin; the owner, yourself and other admins cannot be changed by an admin)"
        }
        (ErrorKind::Protocol, Some(404)) => {
            "the address does not serve this DocSpace API: give the portal's root address, e.g. https://portal.example.com"
        }
        (_, Some(408 | 429 | 502 | 503 | 504)) => {
            "the portal is busy or restarting: try again later"
        }
        (_, Some(500..=599)) => {
            "the portal failed internally: try again later or ask its administrator"
        }
        (ErrorKind::Unauthenticated, None) if error.proxy().is_some() => {
            "give the proxy's user name and password in its address, e.g. https_proxy=http://USER:PASSWORD@proxy.example.com:3128 (percent-encoded)"
        }
        (ErrorKind::Dns | ErrorKind::Unavailable, None) if error.proxy().is_some() => {
            "check the proxy in https_proxy, http_proxy or ALL_PROXY, or name the portal's host in NO_PROXY to bypass it"
        }
        (ErrorKind::Dns, None) => "check the portal address (--portal or DOCSPACE_URL)",
        (ErrorKind::Unavailable, None) if error.is_untrusted_certificate() => {
            "if the portal has a certificate from a private authority, pass that authority's certificate with --ca-file PATH"
        }
        (ErrorKind::Unavailable, None) => {
            "check that the portal is up and the address and port are right"
        }
        (ErrorKind::Temporary, None) => "try again later",
        _ => return None,
    })
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(m) => write!(f, "{m} (see 'docspace-people --help')"),
            Failure::Config(m)
            | Failure::Input(m)
            | Failure::Missing(m)
            | Failure::Journal(m)
            | Failure::Busy(m)
            | Failure::Interrupted(m) => f.write_str(m),
            Failure::BadInput(lines) => f.write_str(&lines.join("\ndocspace-people: ")),
            Failure::NotDone { action, reason } => write!(f, "{action}: {reason}"),
            Failure::Output(_, m) => write!(f, "cannot write the results: {m}"),
            Failure::Portal(e) => match hint(e) {
                Some(hint) => write!(f, "{e}; {hint}"),
                None => write!(f, "{e}"),
            },
        }
    }
}

/// The exit code of a command from what became of each user: 0 when nothing failed, 1
/// when some users failed and others did not, else the first failure's own code.
pub fn of_outcomes<'a>(succeeded: usize, failures: impl IntoIterator<Item = &'a Failure>) -> u8 {
    match (succeeded, failures.into_iter().next()) {
        (_, None) => DONE,
        (0, Some(first)) => first.code(),
        (_, Some(_)) => PARTIAL,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's exit-code table is this table, row for row.
    #[test]
    fn the_readme_documents_every_exit_code() {
        let readme = include_str!("../../README.md");
        let section = readme
            .split("\n## Exit codes\n")
            .nth(1)
            .expect("the README has an 'Exit codes' section");
        let rows: Vec<&str> = section
            .lines()
            .skip_while(|l| !l.starts_with("| code"))
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .collect();
        let expected: Vec<String> = TABLE
            .iter()
            .map(|r| format!("| {} | {} |", r.code, r.meaning))
            .collect();
        assert_eq!(rows, expected);
    }

    /// Every failure ends with a documented code.
    #[test]
    fn every_failure_has_a_documented_code() {
        let documented: Vec<u8> = TABLE.iter().map(|r| r.code).collect();
        let failures = [
            Failure::Usage(String::new()),
            Failure::Config(String::new()),
            Failure::Input(String::new()),
            Failure::Missing(String::new()),
            Failure::BadInput(Vec::new()),
            Failure::NotDone {
                action: String::new(),
                reason: String::new(),
            },
            Failure::Output(io::ErrorKind::Other, String::new()),
            Failure::Journal(String::new()),
            Failure::Busy(String::new()),
            Failure::Interrupted(String::new()),
        ];
        let client = docspace_people::Client::new(
            "https://portal.example.com",
            docspace_people::Secret::new("sk-test"),
        )
        .unwrap();
        let answers = (300..600).filter_map(|status| {
            let with_message = br#"{"error":{"message":"m"},"status":1,"statusCode":400}"#;
            client
                .decode_answer::<serde::de::IgnoredAny>(status, &[], with_message)
                .err()
        });
        for failure in failures.into_iter().chain(answers.map(Failure::Portal)) {
            assert!(documented.contains(&failure.code()), "{failure:?}");
        }
    }
}
