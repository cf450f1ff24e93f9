//! The library's error: what failed, the portal's own words, and the cause.

use std::fmt;
use std::sync::Arc;

/// Something went wrong talking to the portal, or a value cannot be sent to it.
///
/// `Display` is one line: what was being done, then what the portal said (with its HTTP
/// status) or what went wrong on the way. [`Error::kind`] classifies it from the status
/// code and the shape of the answer; the underlying transport or TLS error, when there
/// is one, is the [`source`](std::error::Error::source).
///
/// ```
/// use docspace_people::{ErrorKind, Refusal};
///
/// fn explain(e: &docspace_people::Error) -> &'static str {
///     match e.kind() {
///         ErrorKind::NotFound => "no such user",
///         ErrorKind::Refused(Refusal::NotSuspended) => "terminate the user first",
///         _ if e.is_temporary() => "try again later",
///         _ => "see the message",
///     }
/// }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Error {
    kind: ErrorKind,
    /// What was being done, e.g. `delete 0b1c…`; empty for configuration errors.
    action: String,
    /// The HTTP status, when the portal answered with an error status.
    status: Option<u16>,
    /// The portal's own message, from its error envelope or validation problem.
    message: Option<String>,
    /// What else is known: an excerpt of a body that is not DocSpace's, how long the
    /// portal asked to wait, or the description of a failure without an HTTP status.
    detail: Option<String>,
    /// The proxy, when the failure is the proxy's (boxed: rare, and `Error` stays small).
    proxy: Option<Box<str>>,
    /// TLS failed because no trusted authority signed the portal's certificate.
    untrusted_certificate: bool,
    /// How long the portal asked to wait (`Retry-After`), in seconds (at most
    /// `u32::MAX`, 136 years), when it said: small, so that `Error` stays small.
    retry_after: Option<u32>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A value cannot be sent to the portal as it is (a malformed id, a link of another
    /// host, a guest to create).
    InvalidInput,
    /// The portal address, the credential or the CA certificates cannot be used.
    Config,
    /// The portal says the user or item does not exist (404 with a DocSpace message).
    NotFound,
    /// The portal did not accept the credential (401), or refused a log-in; or a proxy
    /// wants credentials (407, with [`Error::proxy`] set).
    Unauthenticated,
    /// The portal understood the request and refused it.
    Refused(Refusal),
    /// The portal answered success, but its answer shows the request did not do what
    /// was asked (the approved guest is another one, the user is still active).
    NotDone,
    /// The portal's host name (or the proxy's) does not exist in DNS, or has no
    /// address: a wrong address rather than a passing failure.
    Dns,
    /// Nothing answers, TLS failed, or the portal failed internally (500).
    Unavailable,
    /// A time-out, a broken connection, a DNS lookup that failed for now, or a busy
    /// portal (408, 429, 502, 503, 504): the same request may succeed later.
    Temporary,
    /// The answer is not what the API promises: a redirect, a route that does not
    /// exist, a body that is not the expected JSON.
    Protocol,
}

/// Why the portal refused a request.
///
/// Only the texts the server hard-codes decide a refusal (`Access denied`, from its
/// exception handler, and `The user is not suspended` / `Users are not suspended`, from
/// the people controller); every other message may be translated into the caller's
/// language, so it is only ever quoted, never matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// 403 `Access denied`, or an empty 403: the caller may not do this, or (for batch
    /// requests) one of the ids is unknown or protected.
    AccessDenied,
    /// 403 `The user is not suspended`: a user must be terminated before it is deleted.
    NotSuspended,
    /// 402: the portal's tariff or quota does not allow it.
    PaymentRequired,
    /// Any other refusal (400, 409, 422, another 403): the portal's message says why.
    Invalid,
}

// The only portal messages the crate matches (the other ones it meets are quoted, or
// decided by status and shape: the German "already registered" is a 400 like any other,
// and create looks the address up instead). Each is fixed English in the server source,
// never taken from a translated resource:
// - "Access denied": written by the exception handler for every SecurityException and
//   AuthorizingException, whatever was thrown (ResponseWrapper.cs:75);
// - "The user is not suspended", "Users are not suspended": string literals of
//   UserController.cs (DeleteMember :699, RemoveUsers :1352).
// The CLI matches one more, the fixed ": <email>" end of "User disabled: <email>", whose
// first part is translated (src/app/plan.rs, invite).

/// The server's hard-coded message for every permission failure (its exception handler
/// discards the thrown text).
const ACCESS_DENIED: &str = "Access denied";
/// The people controller's hard-coded refusals to delete users that are not terminated.
const NOT_SUSPENDED: [&str; 2] = ["The user is not suspended", "Users are not suspended"];

impl Error {
    pub(crate) fn new(
        kind: ErrorKind,
        action: impl Into<String>,
        detail: impl Into<String>,
    ) -> Error {
        Error {
            kind,
            action: action.into(),
            status: None,
            message: None,
            detail: Some(detail.into()),
            proxy: None,
            untrusted_certificate: false,
            retry_after: None,
            source: None,
        }
    }

    pub(crate) fn invalid_input(detail: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidInput, "", detail)
    }

    pub(crate) fn config(detail: impl Into<String>) -> Error {
        Error::new(ErrorKind::Config, "", detail)
    }

    pub(crate) fn protocol(action: impl Into<String>, detail: impl Into<String>) -> Error {
        Error::new(ErrorKind::Protocol, action, detail)
    }

    /// An answer with an error status, classified by the status and the portal's message.
    pub(crate) fn portal(
        action: impl Into<String>,
        status: u16,
        message: Option<String>,
        detail: Option<String>,
    ) -> Error {
        Error {
            kind: classify(status, message.as_deref()),
            action: action.into(),
            status: Some(status),
            message,
            detail,
            proxy: None,
            untrusted_certificate: false,
            retry_after: None,
            source: None,
        }
    }

    pub(crate) fn with_retry_after(mut self, wait: Option<std::time::Duration>) -> Error {
        self.retry_after = wait.map(|wait| u32::try_from(wait.as_secs()).unwrap_or(u32::MAX));
        self
    }

    /// How long the portal asked to wait before trying again (`Retry-After`), when it
    /// said so.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.retry_after
            .map(|secs| std::time::Duration::from_secs(u64::from(secs)))
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        self.source = Some(Arc::new(source));
        self
    }

    pub(crate) fn by_proxy(mut self, proxy: &str) -> Error {
        self.proxy = Some(proxy.into());
        self
    }

    pub(crate) fn with_untrusted_certificate(mut self) -> Error {
        self.untrusted_certificate = true;
        self
    }

    /// An error status with no body at all: no message and nothing else to show.
    pub(crate) fn is_bare(&self) -> bool {
        self.status.is_some() && self.message.is_none() && self.detail.is_none()
    }

    /// The same answer, known to mean that the user does not exist.
    pub(crate) fn not_found(mut self) -> Error {
        self.kind = ErrorKind::NotFound;
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The refusal, when the portal refused the request.
    pub fn refusal(&self) -> Option<Refusal> {
        match self.kind {
            ErrorKind::Refused(refusal) => Some(refusal),
            _ => None,
        }
    }

    /// The HTTP status of the portal's answer, when it answered with an error status.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The portal's own message, exactly as it gave it (in the caller's language, made
    /// safe to print).
    pub fn portal_message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The proxy, as `http://host:port` without its credentials, when the failure is the
    /// proxy's rather than the portal's: its host name does not resolve, it refuses the
    /// connection, it wants credentials (407, [`ErrorKind::Unauthenticated`]), or it
    /// refuses or cannot open the tunnel to the portal.
    pub fn proxy(&self) -> Option<&str> {
        self.proxy.as_deref()
    }

    /// TLS failed because the portal's certificate is not signed by an authority the
    /// client trusts: the public roots, or those of [`Options::ca_file`](crate::Options::ca_file)
    /// when it is set. A self-hosted portal with a private certificate authority needs
    /// that authority's certificate there.
    pub fn is_untrusted_certificate(&self) -> bool {
        self.untrusted_certificate
    }

    /// What was being done, e.g. `delete 0b1c7f2e-…`.
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The portal said the user does not exist.
    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::NotFound
    }

    /// The same request may succeed later without any change.
    pub fn is_temporary(&self) -> bool {
        self.kind == ErrorKind::Temporary
    }

    /// The same error, described as happening while doing `action`.
    pub fn during(mut self, action: impl Into<String>) -> Error {
        if !self.action.is_empty() || self.status.is_some() {
            self.action = action.into();
        }
        self
    }
}

fn classify(status: u16, message: Option<&str>) -> ErrorKind {
    match status {
        401 => ErrorKind::Unauthenticated,
        402 => ErrorKind::Refused(Refusal::PaymentRequired),
        403 => match message {
            None | Some(ACCESS_DENIED) => ErrorKind::Refused(Refusal::AccessDenied),
            Some(m) if NOT_SUSPENDED.contains(&m) => ErrorKind::Refused(Refusal::NotSuspended),
            Some(_) => ErrorKind::Refused(Refusal::Invalid),
        },
        // Without DocSpace's error body a 404 is a route miss: not the API's address.
        404 if message.is_some() => ErrorKind::NotFound,
        404 | 405 | 415 => ErrorKind::Protocol,
        408 | 429 | 502 | 503 | 504 => ErrorKind::Temporary,
        300..=399 => ErrorKind::Protocol,
        400..=499 => ErrorKind::Refused(Refusal::Invalid),
        _ => ErrorKind::Unavailable,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.action.is_empty() {
            write!(f, "{}: ", self.action)?;
        }
        let detail = self.detail.as_deref();
        match (self.status, &self.message) {
            (Some(status), Some(m)) => match detail {
                None => write!(f, "{m} (HTTP {status})"),
                Some(d) => write!(f, "{m} (HTTP {status}; {d})"),
            },
            (Some(status), None) => match detail {
                Some(d) => write!(f, "HTTP {status}: {d}"),
                None => write!(f, "HTTP {status} without a message"),
            },
            (None, _) => f.write_str(detail.unwrap_or("failed")),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn portal(status: u16, message: Option<&str>) -> Error {
        Error::portal("x", status, message.map(str::to_owned), None)
    }

    #[test]
    fn forbidden_splits_on_the_hard_coded_messages_only() {
        assert_eq!(portal(403, None).refusal(), Some(Refusal::AccessDenied));
        assert_eq!(
            portal(403, Some("Access denied")).refusal(),
            Some(Refusal::AccessDenied)
        );
        assert_eq!(
            portal(403, Some("Users are not suspended")).refusal(),
            Some(Refusal::NotSuspended)
        );
        assert_eq!(
            portal(403, Some("Zugriff verweigert")).refusal(),
            Some(Refusal::Invalid)
        );
    }

    #[test]
    fn statuses_are_classified() {
        use ErrorKind::*;
        let cases = [
            (400, Some("Incorrect email"), Refused(Refusal::Invalid)),
            (401, None, Unauthenticated),
            (402, Some("quota"), Refused(Refusal::PaymentRequired)),
            (404, Some("The user could not be found"), NotFound),
            (404, None, Protocol),
            (409, Some("conflict"), Refused(Refusal::Invalid)),
            (429, None, Temporary),
            (500, Some("boom"), Unavailable),
            (502, None, Temporary),
            (302, None, Protocol),
        ];
        for (status, message, kind) in cases {
            assert_eq!(portal(status, message).kind(), kind, "{status}");
        }
    }

    #[test]
    fn message_quotes_the_portal_and_names_no_command() {
        let e = portal(403, Some("The user is not suspended")).during("delete 1");
        assert_eq!(
            e.to_string(),
            "delete 1: The user is not suspended (HTTP 403)"
        );
        let e = Error::config("no portal address").during("ignored");
        assert_eq!(e.to_string(), "no portal address");
    }
}
