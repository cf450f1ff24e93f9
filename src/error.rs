//! The one error type of the crate, with the exit code each error ends the program with.

use std::fmt;

/// Everything that can go wrong, worded for the person who ran the command.
///
/// `Display` is the complete one-line message: what failed, the portal's own words when it
/// gave any, and what to do next. [`Error::exit_code`] is the documented process exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The command line is wrong (exit 64).
    Usage(String),
    /// The portal address or the credential is missing or malformed (exit 78).
    Config(String),
    /// An input file is missing or unreadable (exit 66).
    Input(String),
    /// The portal answered with an HTTP error status.
    Portal {
        /// What was being done, e.g. `delete 0b1c…`.
        action: String,
        status: u16,
        /// The portal's own message; `None` when the body carried none (an empty 401/403).
        message: Option<String>,
        /// What else the answer said: an excerpt of a body that is not the portal's JSON
        /// (a proxy's error page), or how long the portal asked to wait.
        detail: Option<String>,
    },
    /// The portal answered 2xx but the request did not do what was asked, or the answer
    /// contradicts the command line (exit 65), e.g. the approved guest is not the one named.
    Rejected { action: String, reason: String },
    /// The portal would not let the caller in (exit 77), e.g. a login refused.
    Denied { action: String, reason: String },
    /// The portal could not be reached or the exchange broke off.
    Network {
        action: String,
        kind: NetworkKind,
        detail: String,
    },
    /// The portal's answer is not what the API promises (exit 76).
    Protocol { action: String, detail: String },
}

/// Why the network exchange failed; decides between "fix it" and "try again later".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkKind {
    /// The host name does not resolve (exit 68).
    Dns,
    /// Nothing listens, or TLS failed (exit 69).
    Unavailable,
    /// Timed out or reset: worth retrying later (exit 75).
    Temporary,
}

/// The message the portal uses for every permission failure.
pub const ACCESS_DENIED: &str = "Access denied";

impl Error {
    /// The process exit code for this error, as documented in the README and `--help`.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 64,
            Error::Config(_) => 78,
            Error::Input(_) => 66,
            Error::Rejected { .. } => 65,
            Error::Denied { .. } => 77,
            Error::Protocol { .. } => 76,
            Error::Network { kind, .. } => match kind {
                NetworkKind::Dns => 68,
                NetworkKind::Unavailable => 69,
                NetworkKind::Temporary => 75,
            },
            Error::Portal {
                status, message, ..
            } => status_exit_code(*status, message.as_deref()),
        }
    }

    /// True when the same request may succeed later without any change (exit 75).
    pub fn is_temporary(&self) -> bool {
        self.exit_code() == 75
    }

    /// The portal said the user does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            Error::Portal {
                status: 404,
                message: Some(_),
                ..
            }
        )
    }

    /// Replaces the description of what was being done, keeping the cause.
    pub fn during(mut self, new_action: impl Into<String>) -> Error {
        match &mut self {
            Error::Portal { action, .. }
            | Error::Rejected { action, .. }
            | Error::Denied { action, .. }
            | Error::Network { action, .. }
            | Error::Protocol { action, .. } => *action = new_action.into(),
            Error::Usage(_) | Error::Config(_) | Error::Input(_) => {}
        }
        self
    }
}

fn status_exit_code(status: u16, message: Option<&str>) -> i32 {
    match status {
        401 => 77,
        403 => match message {
            None | Some(ACCESS_DENIED) => 77,
            Some(_) => 65,
        },
        // A 404 without an error body is a route miss: the address is not a DocSpace API.
        404 if message.is_some() => 67,
        404 | 405 | 415 => 76,
        408 | 429 | 502 | 503 | 504 => 75,
        300..=399 => 76,
        400..=499 => 65,
        _ => 69,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) => write!(f, "{m} (see 'docspace-people --help')"),
            Error::Config(m) | Error::Input(m) => f.write_str(m),
            Error::Rejected { action, reason } | Error::Denied { action, reason } => {
                write!(f, "{action}: {reason}")
            }
            Error::Protocol { action, detail } => write!(f, "{action}: {detail}"),
            Error::Network {
                action,
                kind,
                detail,
            } => {
                let next = match kind {
                    NetworkKind::Dns => "check the portal address (--portal or DOCSPACE_URL)",
                    NetworkKind::Unavailable => {
                        "check that the portal is up and the address and port are right"
                    }
                    NetworkKind::Temporary => "try again later",
                };
                write!(f, "{action}: {detail}; {next}")
            }
            Error::Portal {
                action,
                status,
                message,
                detail,
            } => {
                write!(f, "{action}: ")?;
                match (message, detail) {
                    (Some(m), None) => write!(f, "{m} (HTTP {status})")?,
                    (Some(m), Some(d)) => write!(f, "{m} (HTTP {status}; {d})")?,
                    (None, Some(d)) => write!(f, "HTTP {status}: {d}")?,
                    (None, None) => write!(f, "HTTP {status} without a message")?,
                }
                if let Some(hint) = hint(*status, message.as_deref()) {
                    write!(f, "; {hint}")?;
                }
                Ok(())
            }
        }
    }
}

/// The next step for the portal answers an admin is likely to meet.
fn hint(status: u16, message: Option<&str>) -> Option<&'static str> {
    Some(match (status, message) {
        (401, _) => {
            "the portal did not accept the credential: check the API key or token (it must belong to an active account)"
        }
        (403, Some("The user is not suspended" | "Users are not suspended")) => {
            "terminate the user first ('docspace-people user terminate USER'), or use 'lifecycle'"
        }
        (403, None | Some(ACCESS_DENIED)) => {
            "the account behind the credential may not do this (most changes need a DocSpace admin; the owner, yourself and other admins cannot be changed by an admin)"
        }
        (404, None) => {
            "the address does not serve this DocSpace API: give the portal's root address, e.g. https://portal.example.com"
        }
        (408 | 429 | 502 | 503 | 504, _) => "the portal is busy or restarting: try again later",
        (500..=599, _) => "the portal failed internally: try again later or ask its administrator",
        _ => return None,
    })
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    fn portal(status: u16, message: Option<&str>) -> Error {
        Error::Portal {
            action: "x".into(),
            status,
            message: message.map(str::to_owned),
            detail: None,
        }
    }

    #[test]
    fn forbidden_splits_on_the_portal_message() {
        assert_eq!(portal(403, None).exit_code(), 77);
        assert_eq!(portal(403, Some("Access denied")).exit_code(), 77);
        assert_eq!(
            portal(403, Some("The user is not suspended")).exit_code(),
            65
        );
    }

    #[test]
    fn statuses_map_to_documented_codes() {
        let cases = [
            (400, Some("Incorrect email"), 65),
            (401, None, 77),
            (402, Some("quota"), 65),
            (404, Some("The user could not be found"), 67),
            (404, None, 76),
            (409, Some("conflict"), 65),
            (422, Some("bad"), 65),
            (429, None, 75),
            (500, Some("boom"), 69),
            (501, None, 69),
            (502, None, 75),
            (503, None, 75),
            (504, None, 75),
            (302, None, 76),
        ];
        for (status, message, code) in cases {
            assert_eq!(portal(status, message).exit_code(), code, "{status}");
        }
    }

    #[test]
    fn message_quotes_the_portal_and_says_what_next() {
        let e = portal(403, Some("The user is not suspended")).during("delete 1");
        assert_eq!(
            e.to_string(),
            "delete 1: The user is not suspended (HTTP 403); terminate the user first \
             ('docspace-people user terminate USER'), or use 'lifecycle'"
        );
    }
}
