//! The connection to one portal: requests, the response envelope, and errors.

use crate::error::{Error, ErrorKind};
use crate::proxy::Proxies;
use crate::resolver::ResolveOnce;
use crate::secret::Secret;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::io;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use ureq::Agent;
use ureq::http::{self, Response};
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, parse_pem};
use ureq::unversioned::transport::DefaultConnector;

/// Answers larger than this are refused instead of read into memory.
pub const MAX_BODY: u64 = 16 * 1024 * 1024;

/// A portal's `Retry-After` longer than this is not waited for: the run fails at once
/// with the time to wait (DocSpace's daily limit asks for up to a day).
pub const LONGEST_WAIT: Duration = Duration::from_secs(60);

/// How the client talks to the portal.
#[derive(Debug, Clone)]
pub struct Options {
    /// Bound on each request, from connecting to the last byte of the answer.
    pub timeout: Duration,
    /// How often a request that is safe to repeat is repeated after a temporary failure.
    pub retries: u32,
    /// Trust only the certificates in this PEM file instead of the public roots: for
    /// self-hosted portals with a private certificate authority.
    pub ca_file: Option<std::path::PathBuf>,
    /// Allow plain `http://` to a host other than this machine.
    pub insecure_http: bool,
    /// Told about each retry, with a one-line note.
    pub on_retry: Option<fn(&str)>,
    /// The proxy to go through, if any. None by default: the environment's proxy
    /// variables are read only through [`Proxies::from_env`].
    pub proxies: Proxies,
    /// How many requests may be in flight at once when the client is shared between
    /// threads: the connections kept open for reuse (at least one). Requests sent one
    /// after another always reuse a single connection.
    pub parallel: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            timeout: Duration::from_secs(30),
            retries: 3,
            ca_file: None,
            insecure_http: false,
            on_retry: None,
            proxies: Proxies::default(),
            parallel: 1,
        }
    }
}

/// A client for one portal and one credential.
///
/// Every request of a client goes through one [`ureq::Agent`] and so reuses one
/// connection. There is no cookie store: the portal lets a cookie override the
/// `Authorization` header, which would make the credential in use ambiguous.
#[derive(Debug)]
pub struct Client {
    origin: Origin,
    /// `None` only for logging in, which is how a credential is obtained.
    credential: Option<Secret>,
    agent: Agent,
    options: Options,
    /// The proxy the requests go through, if any.
    proxy: Option<Via>,
    /// The portal's own name as its answers write it, once an answer showed it: the
    /// origin of the caller's `profileUrl`.
    pub(crate) own_name: std::sync::OnceLock<Origin>,
    /// Shared by every thread using the client and its read-ahead handles.
    pace: Arc<Pace>,
}

/// A pause every request of a client keeps: the portal's rate limit is per caller, so
/// a `Retry-After` one request was given holds the requests of every thread.
#[derive(Debug, Default)]
struct Pace {
    until: std::sync::Mutex<Option<std::time::Instant>>,
    /// The highest attempt a note was written for since a request sent after it was
    /// answered: threads meeting the same failure say each attempt once between them,
    /// however their requests interleave.
    noted: std::sync::atomic::AtomicU32,
    /// When the last note was written: a request sent before it that is answered (it
    /// was in flight when the portal went away) says nothing of the portal now.
    noted_at: std::sync::Mutex<Option<std::time::Instant>>,
}

impl Pace {
    /// Extends the pause to `wait` from now; true when the retry is to be noted: the
    /// first of its attempt number since a request was answered.
    fn pause(&self, wait: Duration, attempt: u32) -> bool {
        let now = std::time::Instant::now();
        let mut until = self.until.lock().unwrap_or_else(|e| e.into_inner());
        *until = Some(until.map_or(now + wait, |current| current.max(now + wait)));
        let news = self
            .noted
            .fetch_max(attempt, std::sync::atomic::Ordering::Relaxed)
            < attempt;
        if news {
            *self.noted_at.lock().unwrap_or_else(|e| e.into_inner()) = Some(now);
        }
        news
    }

    /// A request sent at `sent` got its answer: if it was sent after the last note, the
    /// portal answers again, and the next failure is news.
    fn answered(&self, sent: std::time::Instant) {
        let noted_at = *self.noted_at.lock().unwrap_or_else(|e| e.into_inner());
        if noted_at.is_some_and(|at| sent > at) {
            self.noted.store(0, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// Waits out the pause, if there is one.
    fn keep(&self) {
        let until = *self.until.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(wait) = until.and_then(|u| u.checked_duration_since(std::time::Instant::now()))
        {
            std::thread::sleep(wait);
        }
    }
}

/// A proxy in use: what failures name it by, never with its credentials.
#[derive(Debug, Clone)]
struct Via {
    /// `http://proxy.example.com:3128`.
    shown: String,
    /// Its host name, which is looked up instead of the portal's.
    host: String,
    /// Its address carries a user name or password.
    credentials: bool,
}

/// The scheme, host and port of a URL: what decides where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    https: bool,
    host: String,
    port: u16,
}

impl Origin {
    fn is_loopback(&self) -> bool {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    pub(crate) fn base(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        let default_port = if self.https { 443 } else { 80 };
        if self.port == default_port {
            format!("{scheme}://{}", self.host)
        } else {
            format!("{scheme}://{}:{}", self.host, self.port)
        }
    }
}

/// Splits an absolute http(s) URL into its origin and the rest (path and query, may be
/// empty). `None` when it is not such a URL or carries `user:password@`.
pub(crate) fn split_url(url: &str) -> Option<(Origin, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let https = match scheme.to_ascii_lowercase().as_str() {
        "https" => true,
        "http" => false,
        _ => return None,
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.contains('@') || authority.is_empty() {
        return None;
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(':') && (h.starts_with('[') || !h.contains(':')) => {
            (h, p.parse::<u16>().ok()?)
        }
        _ => (authority, if https { 443 } else { 80 }),
    };
    let valid_host = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-_[]:".contains(&b));
    if !valid_host {
        return None;
    }
    let origin = Origin {
        https,
        host: host.to_ascii_lowercase(),
        port,
    };
    Some((origin, tail))
}

/// A request to the portal's API as it will be sent, without the credential: what
/// `--dry-run` prints instead of sending.
#[derive(Clone, PartialEq)]
pub struct Request {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: &'static str,
    /// Path below the portal root, with any query already encoded.
    pub path: String,
    /// The JSON body, if the request has one.
    pub body: Option<serde_json::Value>,
    /// The `confirm` header of a share-link approval. It authorises on its own, so it is
    /// never printed.
    pub(crate) confirm: Option<String>,
    /// Never repeated, even after a 429 or a 503: the portal counts every call of it
    /// against a small window (`PUT /people/invite`, 5 per 15 minutes).
    pub(crate) once: bool,
    /// Only whether the portal accepted the request matters, not its `response`: a
    /// success answer larger than [`MAX_BODY`] is then read to its end and dropped
    /// rather than refused (the answer of `POST /people/invite` lists every pending
    /// user of the portal, ~600 bytes each).
    pub(crate) answer_unread: bool,
}

impl Request {
    pub(crate) fn new(method: &'static str, path: String) -> Request {
        Request {
            method,
            path,
            body: None,
            confirm: None,
            once: false,
            answer_unread: false,
        }
    }

    /// The same request, never repeated after an answer (only when nothing was sent).
    pub(crate) fn once(mut self) -> Request {
        self.once = true;
        self
    }

    pub(crate) fn json(mut self, body: &impl Serialize) -> Request {
        // Serializing plain structs of strings cannot fail.
        self.body = Some(serde_json::to_value(body).unwrap_or_default());
        self
    }

    /// Whether sending it can change anything on the portal.
    pub fn changes_portal(&self) -> bool {
        self.method != "GET"
    }
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("body", &self.body)
            .field("confirm", &self.confirm.as_ref().map(|_| "redacted"))
            .finish()
    }
}

impl std::fmt::Display for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if let Some(body) = &self.body {
            write!(f, " {body}")?;
        }
        if self.confirm.is_some() {
            f.write_str(" (with the share link's confirm header)")?;
        }
        Ok(())
    }
}

impl Client {
    /// A client for the portal at `portal` (`https://portal.example.com`), using the
    /// default [`Options`].
    pub fn new(portal: &str, credential: Secret) -> Result<Client, Error> {
        Client::with_options(portal, credential, Options::default())
    }

    /// A client with explicit [`Options`].
    pub fn with_options(
        portal: &str,
        credential: Secret,
        options: Options,
    ) -> Result<Client, Error> {
        if let Some(problem) = credential.problem() {
            return Err(Error::config(format!("the credential {problem}")));
        }
        Client::build(portal, Some(credential), options)
    }

    /// A client without a credential, able only to log in ([`Client::login`]).
    pub fn anonymous(portal: &str, options: Options) -> Result<Client, Error> {
        Client::build(portal, None, options)
    }

    fn build(portal: &str, credential: Option<Secret>, options: Options) -> Result<Client, Error> {
        let origin = match split_url(portal.trim()) {
            Some((origin, "" | "/")) => origin,
            Some(_) => {
                return Err(Error::config(format!(
                    "portal address '{portal}' has a path: give the portal's root address, e.g. https://portal.example.com"
                )));
            }
            None => {
                return Err(Error::config(format!(
                    "portal address '{}' is not an http(s) URL like https://portal.example.com (credentials do not belong in it)",
                    portal.split('@').next_back().unwrap_or_default()
                )));
            }
        };
        if !origin.https && !origin.is_loopback() && !options.insecure_http {
            return Err(Error::config(format!(
                "http://{} would send the credential unencrypted: use https://, or allow plain http (Options::insecure_http) only on a trusted network",
                origin.host
            )));
        }
        let (proxy, via) = match options.proxies.select(origin.https, &origin.host) {
            Some(url) => {
                let (proxy, via) = parse_proxy(url)?;
                (Some(proxy), Some(via))
            }
            None => (None, None),
        };
        let mut tls = TlsConfig::builder();
        if let Some(path) = &options.ca_file {
            tls = tls.root_certs(RootCerts::Specific(Arc::new(certificates(path)?)));
        }
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(options.timeout))
            .timeout_connect(Some(options.timeout.min(Duration::from_secs(10))))
            .user_agent(concat!("docspace-people/", env!("CARGO_PKG_VERSION")))
            .accept("application/json")
            .tls_config(tls.build())
            // Always set: ureq's default reads the proxy variables its own way.
            .proxy(proxy)
            // ureq's default of 128 KiB each way is zeroed for every transport (TCP and
            // TLS), which was most of a short run's work; an answer larger than the
            // input buffer is read in several passes all the same.
            .input_buffer_size(64 * 1024)
            .output_buffer_size(16 * 1024)
            .max_idle_connections(options.parallel.max(1))
            .max_idle_connections_per_host(options.parallel.max(1))
            .build();
        let agent = Agent::with_parts(config, DefaultConnector::default(), ResolveOnce::default());
        Ok(Client {
            origin,
            credential,
            agent,
            options,
            proxy: via,
            own_name: std::sync::OnceLock::new(),
            pace: Arc::default(),
        })
    }

    /// A second handle on the same connection pool, for a listing's read-ahead. Not
    /// public: used at the same time as this one, it would open a second connection.
    pub(crate) fn for_read_ahead(&self) -> Client {
        Client {
            origin: self.origin.clone(),
            credential: self.credential.clone(),
            agent: self.agent.clone(),
            options: self.options.clone(),
            proxy: self.proxy.clone(),
            own_name: self.own_name.clone(),
            pace: Arc::clone(&self.pace),
        }
    }

    pub(crate) fn options(&self) -> &Options {
        &self.options
    }

    /// The portal's root address, e.g. `https://portal.example.com`.
    pub fn portal(&self) -> String {
        self.origin.base()
    }

    pub(crate) fn origin(&self) -> &Origin {
        &self.origin
    }

    /// Sends `request` and returns the envelope's `response`, which must be there.
    pub(crate) fn fetch<T: DeserializeOwned>(
        &self,
        request: &Request,
        action: &str,
    ) -> Result<T, Error> {
        self.fetch_with(request, action, read_envelope)
    }

    /// [`Client::fetch`], with the body read by `read`.
    pub(crate) fn fetch_with<T>(
        &self,
        request: &Request,
        action: &str,
        read: ReadEnvelope<T>,
    ) -> Result<T, Error> {
        self.fetch_noting_loss(request, action, read)
            .map(|(response, _)| response)
    }

    /// [`Client::fetch_with`], and whether the answer to an earlier attempt was lost
    /// after the request went out (so that attempt may have been carried out) and the
    /// request was repeated: the answer that counts is then the repeat's.
    pub(crate) fn fetch_noting_loss<T>(
        &self,
        request: &Request,
        action: &str,
        read: ReadEnvelope<T>,
    ) -> Result<(T, bool), Error> {
        let (envelope, lost): (Envelope<T>, bool) =
            self.send_noting_loss(request, action, |answer| self.decode(action, answer, read))?;
        let response = envelope.response.ok_or_else(|| {
            let detail = if envelope.empty {
                "the answer is not DocSpace JSON: it is empty"
            } else {
                "the portal's answer has no 'response'"
            };
            Error::protocol(action, detail)
        })?;
        Ok((response, lost))
    }

    /// Sends a request whose answer is read later, perhaps on another thread, with
    /// [`Client::read_list`]: the body of a success, checked for everything but its
    /// JSON (status, encoding, size, emptiness).
    pub(crate) fn fetch_body(&self, request: &Request, action: &str) -> Result<Vec<u8>, Error> {
        self.send_then(request, action, |answer| {
            match self.checked(action, answer)? {
                Success::Body(body) => Ok(body),
                Success::Oversized | Success::Empty => Err(no_response(action)),
            }
        })
    }

    /// The list in the body [`Client::fetch_body`] fetched, with the envelope's `total`;
    /// `read` reads the body.
    pub(crate) fn read_list<T>(
        &self,
        action: &str,
        body: Vec<u8>,
        read: ReadEnvelope<Vec<T>>,
    ) -> Result<(Vec<T>, Option<u64>), Error> {
        let envelope = self.success(action, &body, read)?;
        let list = envelope.response.ok_or_else(|| no_response(action))?;
        Ok((list, envelope.total))
    }

    /// Sends one API request and reads the envelope; `Ok(None)` when the envelope has no
    /// `response` (the portal's answer to `DELETE /people/guests`).
    ///
    /// A request that is safe to repeat (GET, PUT, DELETE) is repeated after a temporary
    /// failure, with exponential back-off and jitter or after the portal's `Retry-After`.
    /// Any request is repeated when the connection was refused, since nothing was sent.
    pub(crate) fn send<T: DeserializeOwned>(
        &self,
        request: &Request,
        action: &str,
    ) -> Result<Option<T>, Error> {
        Ok(self
            .send_for_envelope(request, action, read_envelope)?
            .response)
    }

    fn send_for_envelope<T>(
        &self,
        request: &Request,
        action: &str,
        read: ReadEnvelope<T>,
    ) -> Result<Envelope<T>, Error> {
        self.send_then(request, action, |answer| self.decode(action, answer, read))
    }

    /// Sends `request`, repeating it as [`Client::send`] says, and makes of the last
    /// answer what `finish` makes of it.
    fn send_then<R>(
        &self,
        request: &Request,
        action: &str,
        finish: impl Fn(Answer) -> Result<R, Error>,
    ) -> Result<R, Error> {
        self.send_noting_loss(request, action, finish)
            .map(|(outcome, _)| outcome)
    }

    /// [`Client::send_then`], and whether a change was repeated after the answer to an
    /// earlier attempt was lost.
    fn send_noting_loss<R>(
        &self,
        request: &Request,
        action: &str,
        finish: impl Fn(Answer) -> Result<R, Error>,
    ) -> Result<(R, bool), Error> {
        let repeatable = !request.once && matches!(request.method, "GET" | "PUT" | "DELETE");
        let mut attempt: u32 = 0;
        // A change that may have been carried out although its answer was lost: a repeat
        // then meets the new state, and its refusal must not be taken for the outcome.
        let mut maybe_done: Option<String> = None;
        loop {
            attempt += 1;
            self.pace.keep();
            let sent = std::time::Instant::now();
            let result = self.exchange(request);
            if request.changes_portal() && maybe_done.is_none() {
                maybe_done = match &result {
                    Err(e) if transient(e) && !unsent(e) => Some(e.to_string()),
                    Ok(answer) if matches!(answer.status, 502 | 504) => {
                        Some(format!("HTTP {}", answer.status))
                    }
                    _ => None,
                };
            }
            let wait = match &result {
                Err(e) if unsent(e) || (repeatable && transient(e)) => {
                    Some((backoff(attempt), e.to_string()))
                }
                Ok(answer)
                    if repeatable && matches!(answer.status, 408 | 429 | 502 | 503 | 504) =>
                {
                    match answer.retry_after {
                        Some(wait) if wait > LONGEST_WAIT => None,
                        Some(wait) => Some((wait, format!("HTTP {}", answer.status))),
                        None => Some((backoff(attempt), format!("HTTP {}", answer.status))),
                    }
                }
                _ => None,
            };
            match wait {
                Some((wait, why)) if attempt <= self.options.retries => {
                    // Every thread waits: a busy or rate-limited portal is busy for all
                    // of them, and one note says so.
                    if self.pace.pause(wait, attempt + 1)
                        && let Some(note) = self.options.on_retry
                    {
                        note(&format!(
                            "{action}: {why}; retrying in {:.1} s (attempt {} of {})",
                            wait.as_secs_f64(),
                            attempt + 1,
                            self.options.retries + 1
                        ));
                    }
                }
                _ => {
                    if result.is_ok() {
                        self.pace.answered(sent);
                    }
                    let outcome = result
                        .map_err(|e| self.network_error(action, e))
                        .and_then(&finish);
                    return match (outcome, maybe_done) {
                        (Err(e), Some(first)) if attempt > 1 && !e.is_temporary() => {
                            Err(Error::new(
                                ErrorKind::Temporary,
                                action,
                                format!(
                                    "the answer was lost ({first}), and when the request was repeated the portal answered: {e}; the first attempt may have been carried out: check the users' state"
                                ),
                            ))
                        }
                        (outcome, lost) => outcome.map(|outcome| (outcome, lost.is_some())),
                    };
                }
            }
        }
    }

    /// One round trip: the request out, the whole answer in.
    fn exchange(&self, request: &Request) -> Result<Answer, ureq::Error> {
        let url = format!("{}{}", self.origin.base(), request.path);
        let mut builder = http::Request::builder().method(request.method).uri(&url);
        if let Some(credential) = &self.credential {
            builder = builder.header("Authorization", format!("Bearer {}", credential.expose()));
        }
        if let Some(confirm) = &request.confirm {
            builder = builder.header("confirm", confirm.as_str());
        }
        let response = match &request.body {
            Some(body) => builder
                .header("Content-Type", "application/json")
                .body(serde_json::to_vec(body).unwrap_or_default())
                .map_err(ureq::Error::from)
                .and_then(|r| self.agent.run(r)),
            None => builder
                .body(())
                .map_err(ureq::Error::from)
                .and_then(|r| self.agent.run(r)),
        }?;
        Answer::read(response, request.answer_unread)
    }

    /// Fetches `url` on the portal's own host without the credential and without
    /// following a redirect: the `Location` it points to, if it is a redirect.
    pub(crate) fn redirect_target(&self, url: &str, action: &str) -> Result<String, Error> {
        let answer = self
            .agent
            .get(url)
            .call()
            .and_then(|r| Answer::read(r, false))
            .map_err(|e| self.network_error(action, e))?;
        if (300..400).contains(&answer.status) {
            return answer.location.ok_or_else(|| {
                Error::protocol(
                    action.to_owned(),
                    format!("the portal answered {} without a Location", answer.status),
                )
            });
        }
        Err(
            match self.decode(action, answer, read_envelope::<serde::de::IgnoredAny>) {
                Err(e) => e,
                Ok(_) => Error::protocol(
                    action.to_owned(),
                    "the link did not redirect to a confirmation link".to_owned(),
                ),
            },
        )
    }

    /// Reads an answer of the portal the way every request of this client does: the
    /// envelope's `response` on success, else the error, with the portal's message and
    /// the exit code. No network is involved; this is the decoder the fuzz target and
    /// the property tests drive with arbitrary bytes.
    #[doc(hidden)]
    pub fn decode_answer<T: DeserializeOwned>(
        &self,
        status: u16,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Option<T>, Error> {
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| (*v).to_owned())
        };
        let answer = Answer {
            status,
            location: header("location"),
            retry_after: header("retry-after").and_then(|v| retry_after(&v, SystemTime::now())),
            encoding: header("content-encoding").and_then(|v| content_encoding(&v)),
            body: body.to_vec(),
            oversized: false,
        };
        self.decode("decode", answer, read_envelope::<T>)
            .map(|e| e.response)
    }

    fn decode<T>(
        &self,
        action: &str,
        answer: Answer,
        read: ReadEnvelope<T>,
    ) -> Result<Envelope<T>, Error> {
        Ok(match self.checked(action, answer)? {
            Success::Oversized => Envelope::default(),
            Success::Empty => Envelope {
                empty: true,
                ..Envelope::default()
            },
            Success::Body(body) => self.success(action, &body, read)?,
        })
    }

    /// The error an answer is, or what kind of success.
    fn checked(&self, action: &str, answer: Answer) -> Result<Success, Error> {
        let status = answer.status;
        if (300..400).contains(&status) {
            return Err(self.redirect_error(action, status, answer.location.clone()));
        }
        let body = &answer.body;
        if status >= 400 {
            // Only DocSpace's own error bodies count as its message: a 404 problem document
            // means "no such portal", not "no such user".
            let message = match &answer.encoding {
                None => self.portal_message(body),
                Some(_) => None,
            };
            let mut details = Vec::new();
            if let Some(encoding) = &answer.encoding {
                details.push(format!(
                    "the body is {}, which was not asked for",
                    self.encoded(encoding)
                ));
            } else if message.is_none() && !body.is_empty() {
                details.push(match self.problem_title(body) {
                    Some(title) => format!("'{title}', from the web server rather than DocSpace"),
                    None => self.excerpt(body),
                });
            }
            if let Some(wait) = answer.retry_after {
                details.push(match wait {
                    Duration::MAX => format!(
                        "the portal asks to wait more than {} s (Retry-After) before trying again",
                        u64::MAX
                    ),
                    wait => format!(
                        "the portal asks to wait {} s (Retry-After) before trying again",
                        wait.as_secs()
                    ),
                });
            }
            return Err(Error::portal(
                action,
                status,
                message,
                (!details.is_empty()).then(|| details.join("; ")),
            )
            .with_retry_after(answer.retry_after));
        }
        if let Some(encoding) = &answer.encoding {
            return Err(Error::protocol(
                action,
                format!(
                    "the portal answered with {} content it was not asked for",
                    self.encoded(encoding)
                ),
            ));
        }
        // A success too large to keep, for a request whose answer is not read: the
        // status line says the portal accepted it, which is all that is asked.
        if answer.oversized {
            return Ok(Success::Oversized);
        }
        // An answer with no body at all: what the portal sends where it has nothing to
        // say (an empty progress, a route that declares no response).
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Success::Empty);
        }
        Ok(Success::Body(answer.body))
    }

    /// The envelope of a 2xx answer's body.
    fn success<T>(
        &self,
        action: &str,
        body: &[u8],
        read: ReadEnvelope<T>,
    ) -> Result<Envelope<T>, Error> {
        // The envelope's `status` is 0 on success today; the OpenAPI document describes
        // it as "HTTP status code of the response", so 200 is a success too.
        if let Some(envelope) = read(body)
            && matches!(envelope.status, 0 | 200)
            && envelope.error.is_none()
        {
            return Ok(envelope);
        }
        Err(self.unexpected_success(action, body))
    }

    /// Explains a 2xx answer that is not a success envelope: the portal may report an
    /// error in the body with a success status, or something else answered.
    fn unexpected_success(&self, action: &str, body: &[u8]) -> Error {
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
            return Error::protocol(
                action.to_owned(),
                format!("the answer is not DocSpace JSON: {}", self.excerpt(body)),
            );
        };
        if let Some(message) = self
            .portal_message(body)
            .or_else(|| self.problem_title(body))
        {
            let status = value
                .get("statusCode")
                .and_then(serde_json::Value::as_u64)
                .and_then(|s| u16::try_from(s).ok())
                .filter(|s| *s >= 400)
                .unwrap_or(400);
            return Error::portal(action, status, Some(message), None);
        }
        Error::protocol(
            action.to_owned(),
            format!(
                "the answer does not have the expected shape: {}",
                self.excerpt(body)
            ),
        )
    }

    /// The portal's own message from an error envelope, a (wrapped) validation problem
    /// or a bare problem document; `None` for an empty or unrelated body.
    fn portal_message(&self, body: &[u8]) -> Option<String> {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        if let Some(message) = value.pointer("/error/message").and_then(|m| m.as_str()) {
            return Some(self.clean(message));
        }
        let problem = value.get("response").filter(|r| r.get("title").is_some())?;
        self.problem_text(problem)
    }

    /// The title of a bare ASP.NET problem document: what the framework, not DocSpace,
    /// answers for a suspended portal, an unpaid tariff or a missing API-key scope.
    fn problem_title(&self, body: &[u8]) -> Option<String> {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        value.get("status")?;
        self.problem_text(&value)
    }

    fn problem_text(&self, problem: &serde_json::Value) -> Option<String> {
        let title = problem.get("title")?.as_str()?;
        let mut message = title.to_owned();
        if let Some(errors) = problem.get("errors").and_then(|e| e.as_object()) {
            let details: Vec<String> = errors
                .iter()
                .flat_map(|(field, list)| {
                    let texts = list.as_array().cloned().unwrap_or_default();
                    texts.into_iter().filter_map(move |t| {
                        let text = t.as_str()?.to_owned();
                        Some(if field.is_empty() || field == "$" {
                            text
                        } else {
                            format!("{field}: {text}")
                        })
                    })
                })
                .collect();
            if !details.is_empty() {
                message = format!("{} {}", message, details.join("; "));
            }
        }
        Some(self.clean(&message))
    }

    /// Text from the portal made safe to print: one line, no control characters, bounded,
    /// and never the credential.
    fn clean(&self, text: &str) -> String {
        let redacted = self.scrub(text);
        let mut out: String = redacted
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(300)
            .collect();
        if redacted.chars().count() > 300 {
            out.push('…');
        }
        out
    }

    fn scrub(&self, text: &str) -> String {
        match &self.credential {
            Some(credential) => credential.scrub(text),
            None => Secret::new("").scrub(text),
        }
    }

    fn excerpt(&self, body: &[u8]) -> String {
        if body.is_empty() {
            return "it is empty".to_owned();
        }
        // Scrubbed before it is cut short, so that a cut cannot split an echoed
        // credential into a part that is no longer recognised.
        let text = String::from_utf8_lossy(&body[..body.len().min(4096)]);
        let squeezed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let scrubbed = self.scrub(&squeezed);
        let mut excerpt: String = scrubbed
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(120)
            .collect();
        if scrubbed.chars().count() > 120 {
            excerpt.push('…');
        }
        format!("'{excerpt}'")
    }

    /// `gzip-compressed`, or `'x-custom'-encoded`, for a `Content-Encoding`.
    fn encoded(&self, encoding: &str) -> String {
        match encoding {
            "gzip" | "x-gzip" | "deflate" | "br" | "zstd" | "compress" => {
                format!("{encoding}-compressed")
            }
            other => format!("'{}'-encoded", self.clean(other)),
        }
    }

    fn redirect_error(&self, action: &str, status: u16, target: Option<String>) -> Error {
        let target = target.unwrap_or_default();
        let to_https = !self.origin.https
            && split_url(&target).is_some_and(|(o, _)| o.https && o.host == self.origin.host);
        let detail = if to_https {
            format!(
                "the portal redirects to https ({status}): use https://{} as the portal address",
                self.origin.host
            )
        } else {
            format!(
                "the portal answered with a redirect ({status}) to '{}'; redirects are not followed: check the portal address",
                self.clean(&target)
            )
        };
        Error::protocol(action, detail)
    }

    fn network_error(&self, action: &str, error: ureq::Error) -> Error {
        let timed_out = || format!("timed out after {} s", self.options.timeout.as_secs());
        let portal = self.origin.base();
        // Through a proxy only the proxy's name is looked up here: the proxy looks up
        // the portal's.
        let (whose, looked_up) = match &self.proxy {
            Some(via) => ("the proxy's", via.host.as_str()),
            None => ("the portal's", self.origin.host.as_str()),
        };
        let proxy = self.proxy.as_ref().map(|via| via.shown.as_str());
        let mut from_proxy = false;
        let mut untrusted = false;
        let (kind, detail) = match &error {
            ureq::Error::HostNotFound => {
                from_proxy = true;
                (
                    ErrorKind::Dns,
                    format!("{whose} host name '{looked_up}' has no address"),
                )
            }
            ureq::Error::Io(e) if lookup(e).is_some() => {
                from_proxy = true;
                let why = e.to_string();
                let why = why.strip_prefix(LOOKUP_FAILED).unwrap_or(&why);
                match lookup(e) {
                    Some(Lookup::NoSuchName) => (
                        ErrorKind::Dns,
                        format!("{whose} host name '{looked_up}' does not exist in DNS ({why})"),
                    ),
                    Some(Lookup::NoAddress) => (
                        ErrorKind::Dns,
                        format!("{whose} host name '{looked_up}' has no address in DNS ({why})"),
                    ),
                    _ => (
                        ErrorKind::Temporary,
                        format!(
                            "the DNS lookup of {whose} host name '{looked_up}' failed for now ({why})"
                        ),
                    ),
                }
            }
            ureq::Error::ConnectProxyFailed(reason) => {
                from_proxy = true;
                let proxy = proxy.unwrap_or("in use");
                match proxy_status(reason) {
                    Some(407) => {
                        let what = match self.proxy.as_ref().is_some_and(|v| v.credentials) {
                            true => "did not accept the credentials in its address",
                            false => "wants credentials",
                        };
                        (
                            ErrorKind::Unauthenticated,
                            format!("the proxy {proxy} {what} (HTTP 407)"),
                        )
                    }
                    Some(status @ 502..=504) => (
                        ErrorKind::Temporary,
                        format!("the proxy {proxy} could not reach {portal} (HTTP {status})"),
                    ),
                    Some(status) => (
                        ErrorKind::Unavailable,
                        format!("the proxy {proxy} refused the tunnel to {portal} (HTTP {status})"),
                    ),
                    None => (
                        ErrorKind::Unavailable,
                        format!("the proxy {proxy} did not open a tunnel to {portal}: {reason}"),
                    ),
                }
            }
            ureq::Error::Timeout(_) => (ErrorKind::Temporary, timed_out()),
            ureq::Error::BodyExceedsLimit(_) => (
                ErrorKind::Protocol,
                format!(
                    "the answer is larger than {} MiB; refused",
                    MAX_BODY / 1024 / 1024
                ),
            ),
            ureq::Error::Protocol(e) => (
                ErrorKind::Protocol,
                format!("the answer is not valid HTTP: {e}"),
            ),
            ureq::Error::Io(e) => match e.kind() {
                io::ErrorKind::ConnectionRefused => match proxy {
                    Some(proxy) => {
                        from_proxy = true;
                        (
                            ErrorKind::Unavailable,
                            format!(
                                "connection to the proxy {proxy} refused (on the way to {portal})"
                            ),
                        )
                    }
                    None => (
                        ErrorKind::Unavailable,
                        format!("connection to {portal} refused"),
                    ),
                },
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
                    (ErrorKind::Temporary, timed_out())
                }
                // rustls reports handshake and certificate failures as invalid data.
                io::ErrorKind::InvalidData => {
                    untrusted = unknown_issuer(&error);
                    (ErrorKind::Unavailable, self.tls_failure(e, untrusted))
                }
                _ => (
                    ErrorKind::Temporary,
                    format!("the connection broke off: {e}"),
                ),
            },
            e @ (ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_)) => {
                untrusted = unknown_issuer(&error);
                (ErrorKind::Unavailable, self.tls_failure(e, untrusted))
            }
            e => (ErrorKind::Unavailable, e.to_string()),
        };
        let mut failure = Error::new(kind, action, self.clean(&detail));
        if let Some(proxy) = proxy.filter(|_| from_proxy) {
            failure = failure.by_proxy(proxy);
        }
        if untrusted {
            failure = failure.with_untrusted_certificate();
        }
        failure.with_source(error)
    }

    fn tls_failure(&self, error: &dyn std::fmt::Display, untrusted: bool) -> String {
        if !untrusted {
            return format!("TLS failed: {error}");
        }
        let trusted = match &self.options.ca_file {
            Some(path) => format!("an authority in the CA file {}", path.display()),
            None => "a publicly trusted authority".to_owned(),
        };
        format!("TLS failed: the portal's certificate is not signed by {trusted} ({error})")
    }
}

/// How std's `to_socket_addrs` words a failed look-up, before the resolver's own words.
const LOOKUP_FAILED: &str = "failed to lookup address information: ";

/// What a failed DNS look-up says about the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lookup {
    /// The name does not exist (NXDOMAIN): the address is wrong.
    NoSuchName,
    /// The name exists but has no address: the address is wrong, or DNS is.
    NoAddress,
    /// The resolver failed (SERVFAIL, no answer in time, …): it may work later.
    Failed,
}

/// Whether `error` is a failed look-up of a host name, and of which sort.
///
/// std keeps only the text of `getaddrinfo`'s error (`gai_strerror`), so the text
/// decides. A Rust program never calls `setlocale`, so that text is the C locale's
/// English. The words of glibc and musl for "no such name" and "no address" are listed;
/// every other failed look-up (EAI_AGAIN, EAI_FAIL, …) counts as one that may pass.
fn lookup(error: &io::Error) -> Option<Lookup> {
    let text = error.to_string();
    let why = text.strip_prefix(LOOKUP_FAILED)?;
    Some(match why {
        // EAI_NONAME: glibc's words, musl's.
        "Name or service not known" | "Name does not resolve" => Lookup::NoSuchName,
        // EAI_NODATA: glibc's words, musl's.
        "No address associated with hostname" | "Name has no usable address" => Lookup::NoAddress,
        _ => Lookup::Failed,
    })
}

/// The status of a proxy's refusal to open a tunnel: ureq words it
/// `proxy server responded 407/407`.
fn proxy_status(reason: &str) -> Option<u16> {
    let rest = reason.strip_prefix("proxy server responded ")?;
    rest.get(..3)?.parse().ok()
}

/// rustls's words for a certificate that no trusted authority signed (a private CA or
/// a self-signed certificate).
fn unknown_issuer(error: &ureq::Error) -> bool {
    error
        .to_string()
        .contains("invalid peer certificate: UnknownIssuer")
}

#[derive(serde::Deserialize)]
pub(crate) struct Envelope<T> {
    pub(crate) response: Option<T>,
    pub(crate) total: Option<u64>,
    #[serde(default)]
    pub(crate) status: i64,
    pub(crate) error: Option<serde::de::IgnoredAny>,
    /// The answer had no body at all.
    #[serde(skip)]
    pub(crate) empty: bool,
}

impl<T> Default for Envelope<T> {
    fn default() -> Envelope<T> {
        Envelope {
            response: None,
            total: None,
            status: 0,
            error: None,
            empty: false,
        }
    }
}

fn no_response(action: &str) -> Error {
    Error::protocol(
        action.to_owned(),
        "the portal's answer has no 'response'".to_owned(),
    )
}

/// How an answer's body is read into its envelope: `None` when it is not one.
pub(crate) type ReadEnvelope<T> = fn(&[u8]) -> Option<Envelope<T>>;

/// serde's reading, for the answers that hold no users (`page` reads those).
pub(crate) fn read_envelope<T: DeserializeOwned>(body: &[u8]) -> Option<Envelope<T>> {
    serde_json::from_slice(body).ok()
}

/// A 2xx answer, as [`Client::checked`] finds it.
enum Success {
    /// Its body, to be read.
    Body(Vec<u8>),
    /// Too large to keep, for a request whose answer is not read.
    Oversized,
    /// No body at all.
    Empty,
}

/// Everything of an answer the client looks at.
struct Answer {
    status: u16,
    location: Option<String>,
    retry_after: Option<Duration>,
    /// The `Content-Encoding` other than `identity`: the client asks for none, so an
    /// encoded body (a proxy's gzip) cannot be read.
    encoding: Option<String>,
    body: Vec<u8>,
    /// A success larger than [`MAX_BODY`] for a request whose answer is not read: read
    /// to its end and dropped (`body` is empty).
    oversized: bool,
}

impl Answer {
    fn read(
        mut response: Response<ureq::Body>,
        answer_unread: bool,
    ) -> Result<Answer, ureq::Error> {
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let location = header("location");
        let retry_after = header("retry-after").and_then(|v| retry_after(&v, SystemTime::now()));
        let encoding = header("content-encoding").and_then(|v| content_encoding(&v));
        let status = response.status().as_u16();
        if answer_unread && response.status().is_success() {
            use std::io::Read;
            let mut reader = response.body_mut().with_config().limit(u64::MAX).reader();
            let mut body = Vec::new();
            (&mut reader).take(MAX_BODY + 1).read_to_end(&mut body)?;
            let oversized = body.len() as u64 > MAX_BODY;
            if oversized {
                body = Vec::new();
                io::copy(&mut reader, &mut io::sink())?;
            }
            return Ok(Answer {
                status,
                location,
                retry_after,
                encoding,
                body,
                oversized,
            });
        }
        // Sized from Content-Length up front: growing by doubling copied a 160 KB page
        // four times over. The limit still stops a body longer than it said.
        let declared = header("content-length")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(0);
        let mut body = Vec::with_capacity(declared.min(MAX_BODY) as usize);
        {
            use std::io::Read;
            let mut reader = response.body_mut().with_config().limit(MAX_BODY).reader();
            reader.read_to_end(&mut body)?;
        }
        Ok(Answer {
            status,
            location,
            retry_after,
            encoding,
            body,
            oversized: false,
        })
    }
}

/// A `Content-Encoding` that means the body is not as sent: `None` for `identity`.
fn content_encoding(value: &str) -> Option<String> {
    let value = value.trim().to_ascii_lowercase();
    (!value.is_empty() && value != "identity").then_some(value)
}

/// A `Retry-After` value, in seconds or as an HTTP date, as a wait from `now`. A number
/// of seconds too large for a `u64` is [`Duration::MAX`]: longer than any wait.
fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(
            value
                .parse::<u64>()
                .map_or(Duration::MAX, Duration::from_secs),
        );
    }
    let then = http_date(value)?;
    Some(then.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Parses the IMF-fixdate form of an HTTP date: `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date(value: &str) -> Option<SystemTime> {
    let parts: Vec<&str> = value.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| m == month)? as u64 + 1;
    let day: u64 = day.parse().ok()?;
    let year: u64 = year.parse().ok()?;
    let hms: Vec<u64> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    if !(1..=31).contains(&day) || !(1970..=9999).contains(&year) || *h > 23 || *m > 59 || *s > 60 {
        return None;
    }
    let seconds = crate::date::days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

/// The wait before attempt `attempt + 1`: 0.25 s doubling each time, up to 8 s, with
/// ±50 % jitter so that many cron jobs do not retry in step.
fn backoff(attempt: u32) -> Duration {
    use std::hash::{BuildHasher, RandomState};
    let base = 250u64 << attempt.saturating_sub(1).min(5);
    let jitter = RandomState::new().hash_one(attempt) % (base + 1);
    Duration::from_millis(base / 2 + jitter)
}

/// The request never left this machine: repeating it cannot do anything twice.
fn unsent(error: &ureq::Error) -> bool {
    match error {
        ureq::Error::Io(e) => {
            e.kind() == io::ErrorKind::ConnectionRefused || lookup(e) == Some(Lookup::Failed)
        }
        // The proxy could not reach the portal: no tunnel, so nothing was sent.
        ureq::Error::ConnectProxyFailed(reason) => {
            matches!(proxy_status(reason), Some(502..=504))
        }
        ureq::Error::Timeout(t) => matches!(t, ureq::Timeout::Connect | ureq::Timeout::Resolve),
        _ => false,
    }
}

/// The connection broke off before an answer came: reset, closed, or a broken pipe,
/// which is what a keep-alive connection the portal closed while it was idle does under
/// the next request. Not a time-out, and not a gateway's 502 or 504: the portal may still
/// be working on the request then.
pub(crate) fn broke_off(error: &Error) -> bool {
    let source = std::error::Error::source(error).and_then(|e| e.downcast_ref::<ureq::Error>());
    matches!(
        source,
        Some(ureq::Error::Io(e)) if matches!(
            e.kind(),
            io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::BrokenPipe
                | io::ErrorKind::UnexpectedEof
        )
    )
}

/// A failure that may be gone on the next attempt.
fn transient(error: &ureq::Error) -> bool {
    match error {
        ureq::Error::Timeout(_) => true,
        ureq::Error::Io(e) => matches!(
            e.kind(),
            io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::BrokenPipe
                | io::ErrorKind::UnexpectedEof
                | io::ErrorKind::TimedOut
        ),
        _ => false,
    }
}

/// A proxy address as ureq takes it, and how failures name it.
fn parse_proxy(url: &str) -> Result<(ureq::Proxy, Via), Error> {
    // Shown without any `user:password@`.
    let bare = match url.split_once("://") {
        Some((scheme, rest)) => format!("{scheme}://{}", rest.rsplit('@').next().unwrap_or("")),
        None => url.rsplit('@').next().unwrap_or("").to_owned(),
    };
    let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    // ureq would panic on a SOCKS proxy: its SOCKS support is not built in.
    let proxy = match scheme.as_deref() {
        None | Some("http" | "https") => ureq::Proxy::new(url).ok(),
        Some(_) => None,
    };
    let Some(proxy) = proxy else {
        return Err(Error::config(format!(
            "the proxy address '{bare}' is not an http:// or https:// proxy like http://proxy.example.com:3128"
        )));
    };
    let scheme = if proxy.protocol() == ureq::ProxyProtocol::Https {
        "https"
    } else {
        "http"
    };
    let via = Via {
        shown: format!("{scheme}://{}:{}", proxy.host(), proxy.port()),
        host: proxy.host().to_owned(),
        credentials: proxy.username().is_some() || proxy.password().is_some(),
    };
    Ok((proxy, via))
}

/// The certificates of a PEM file, for `--ca-file`.
fn certificates(path: &std::path::Path) -> Result<Vec<Certificate<'static>>, Error> {
    let pem = std::fs::read(path)
        .map_err(|e| Error::config(format!("cannot read the CA file {}: {e}", path.display())))?;
    let certs: Vec<Certificate<'static>> = parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(PemItem::Certificate(cert)) => Some(cert),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(Error::config(format!(
            "the CA file {} holds no PEM certificate ('-----BEGIN CERTIFICATE-----')",
            path.display()
        )));
    }
    Ok(certs)
}

/// Percent-encodes a query parameter value.
pub(crate) fn encode_query(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::User;

    fn client() -> Client {
        Client::new("https://portal.example.com/", Secret::new("sk-secret")).unwrap()
    }

    #[test]
    fn accepts_only_root_addresses() {
        assert_eq!(client().portal(), "https://portal.example.com");
        let c = Client::new("http://127.0.0.1:8080", Secret::new("k")).unwrap();
        assert_eq!(c.portal(), "http://127.0.0.1:8080");
        for bad in [
            "portal.example.com",
            "ftp://x.example.com",
            "https://u:p@x.example.com",
            "https://x.example.com/api/2.0",
            "https://",
            "https://x.example.com:99999",
        ] {
            let err = Client::new(bad, Secret::new("k")).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config, "{bad}");
            assert!(!err.to_string().contains("u:p"), "{err}");
        }
    }

    #[test]
    fn reads_every_kind_of_error_body() {
        let c = client();
        let envelope = br#"{"error":{"message":"The user is not suspended","type":null,"stack":null,"hresult":0},"status":1,"statusCode":403}"#;
        assert_eq!(
            c.portal_message(envelope).as_deref(),
            Some("The user is not suspended")
        );
        let wrapped = br#"{"response":{"type":"t","title":"One or more validation errors occurred.","status":400,"errors":{"Email":["The Email field is not a valid e-mail address."]}},"count":1,"status":1,"statusCode":400}"#;
        assert_eq!(
            c.portal_message(wrapped).as_deref(),
            Some(
                "One or more validation errors occurred. Email: The Email field is not a valid e-mail address."
            )
        );
        let problem = br#"{"type":"t","title":"Payment Required","status":402}"#;
        assert_eq!(
            c.portal_message(problem),
            None,
            "not DocSpace's own message"
        );
        assert_eq!(
            c.problem_title(problem).as_deref(),
            Some("Payment Required")
        );
        assert_eq!(c.portal_message(b""), None);
        assert_eq!(c.portal_message(b"<html>502</html>"), None);
    }

    #[test]
    fn echoes_are_redacted_and_single_line() {
        let c = client();
        let body = br#"{"error":{"message":"bad key sk-secret\nline2"}}"#;
        assert_eq!(
            c.portal_message(body).as_deref(),
            Some("bad key [redacted] line2")
        );
    }

    #[test]
    fn a_success_status_with_an_error_body_is_an_error() {
        let c = client();
        let e = c.unexpected_success(
            "x",
            br#"{"error":{"message":"nope"},"status":1,"statusCode":403}"#,
        );
        assert_eq!(e.kind(), ErrorKind::Refused(crate::Refusal::Invalid));
        let e = c.unexpected_success("x", b"<html>hi</html>");
        assert_eq!(e.kind(), ErrorKind::Protocol);
        assert!(e.to_string().contains("'<html>hi</html>'"), "{e}");
    }

    /// Random and mutated envelopes never panic, and every failure is a one-line message
    /// with a documented exit code that never shows the credential.
    #[test]
    fn the_decoder_survives_random_and_mutated_answers() {
        let c = Client::new("https://portal.example.com", Secret::new(KEY)).unwrap();
        let seeds: [&[u8]; 6] = [
            br#"{"response":{"id":"0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a","displayName":"J","status":1},"count":1,"links":[],"status":0,"statusCode":200}"#,
            br#"{"response":[{"id":"a"},{"id":"b"}],"count":1,"total":2,"status":0,"statusCode":200}"#,
            br#"{"error":{"message":"The user is not suspended","type":null,"stack":null,"hresult":0},"status":1,"statusCode":403}"#,
            br#"{"response":{"title":"One or more validation errors occurred.","errors":{"Email":["x"]}},"status":1,"statusCode":400}"#,
            b"<html><body>502 Bad Gateway</body></html>",
            b"",
        ];
        let mut rng = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        for round in 0..20_000u32 {
            let mut body = seeds[(next() % seeds.len() as u64) as usize].to_vec();
            match round % 4 {
                0 => body = (0..next() % 64).map(|_| next() as u8).collect(),
                1 if !body.is_empty() => body.truncate((next() % body.len() as u64) as usize),
                _ => {
                    for _ in 0..1 + next() % 4 {
                        if body.is_empty() {
                            break;
                        }
                        let at = (next() % body.len() as u64) as usize;
                        match next() % 3 {
                            0 => body[at] = next() as u8,
                            1 => {
                                let alphabet = b"{}[]\\\",:0-e\\x\xff";
                                body.insert(at, alphabet[(next() % alphabet.len() as u64) as usize])
                            }
                            _ => {
                                body.splice(at..at, KEY.bytes().take((next() % 70) as usize));
                            }
                        }
                    }
                }
            }
            let status = [200, 200, 400, 401, 403, 404, 429, 500, 502, 302][(next() % 10) as usize];
            let headers: &[(&str, &str)] = if next() % 2 == 0 {
                &[
                    ("Retry-After", "5"),
                    ("Location", "https://portal.example.com/x"),
                ]
            } else {
                &[]
            };
            for result in [
                c.decode_answer::<User>(status, headers, &body).map(|_| ()),
                c.decode_answer::<Vec<User>>(status, headers, &body)
                    .map(|_| ()),
                c.decode_answer::<serde::de::IgnoredAny>(status, headers, &body)
                    .map(|_| ()),
            ] {
                if let Err(e) = result {
                    let message = e.to_string();
                    assert!(!message.contains('\n'), "{message}");
                    assert!(!message.contains(&KEY[10..30]), "{message}");
                }
            }
        }
    }

    const KEY: &str = "sk-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(retry_after(" 120 ", now), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:51:37 GMT", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("Sun, 32 Nov 1994 08:49:37 GMT", now), None);
        assert_eq!(
            retry_after("Sun, 06 Nov 300000000000 08:49:37 GMT", now),
            None
        );
        assert_eq!(
            retry_after("99999999999999999999999", now),
            Some(Duration::MAX),
            "longer than any wait, not no wait at all"
        );
        assert_eq!(retry_after("-5", now), None);
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode_query("a+b@c.co"), "a%2Bb%40c.co");
    }
}
