//! The connection to one portal: requests, the response envelope, and errors.

use crate::error::{Error, NetworkKind};
use crate::secret::Secret;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::io;
use std::time::Duration;
use ureq::Agent;
use ureq::http::{self, Response};

/// Answers larger than this are refused instead of read into memory.
pub const MAX_BODY: u64 = 16 * 1024 * 1024;

/// How the client talks to the portal.
#[derive(Debug, Clone)]
pub struct Options {
    /// Bound on each request, from connecting to the last byte of the answer.
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            timeout: Duration::from_secs(30),
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
    credential: Secret,
    agent: Agent,
    timeout: Duration,
}

/// The scheme, host and port of a URL: what decides where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    https: bool,
    host: String,
    port: u16,
}

impl Origin {
    fn base(&self) -> String {
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

/// One request to the portal's API.
pub(crate) struct Call<'a> {
    pub method: &'static str,
    /// Path below the portal root, with any query already encoded.
    pub path: String,
    pub body: Option<Vec<u8>>,
    /// The value of the `confirm` header (guest share-link approval).
    pub confirm: Option<&'a str>,
    /// What is being done, for messages: `delete 0b1c…`.
    pub action: &'a str,
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
        let origin = match split_url(portal.trim()) {
            Some((origin, "" | "/")) => origin,
            Some(_) => {
                return Err(Error::Config(format!(
                    "portal address '{portal}' has a path: give the portal's root address, e.g. https://portal.example.com"
                )));
            }
            None => {
                return Err(Error::Config(format!(
                    "portal address '{}' is not an http(s) URL like https://portal.example.com (credentials do not belong in it)",
                    portal.split('@').next_back().unwrap_or_default()
                )));
            }
        };
        if let Some(problem) = credential.problem() {
            return Err(Error::Config(format!("the credential {problem}")));
        }
        let agent = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(options.timeout))
            .timeout_connect(Some(options.timeout.min(Duration::from_secs(10))))
            .user_agent(concat!("docspace-people/", env!("CARGO_PKG_VERSION")))
            .accept("application/json")
            .build()
            .new_agent();
        Ok(Client {
            origin,
            credential,
            agent,
            timeout: options.timeout,
        })
    }

    /// The portal's root address, e.g. `https://portal.example.com`.
    pub fn portal(&self) -> String {
        self.origin.base()
    }

    pub(crate) fn origin(&self) -> &Origin {
        &self.origin
    }

    /// A GET of the API, answered by the envelope's `response`.
    pub(crate) fn get<T: DeserializeOwned>(&self, path: String, action: &str) -> Result<T, Error> {
        self.call(Call {
            method: "GET",
            path,
            body: None,
            confirm: None,
            action,
        })?
        .ok_or_else(|| missing_response(action))
    }

    /// A request with a JSON body, answered by the envelope's `response`.
    pub(crate) fn send<T: DeserializeOwned>(
        &self,
        method: &'static str,
        path: String,
        body: &impl Serialize,
        action: &str,
    ) -> Result<T, Error> {
        self.call(Call {
            method,
            path,
            body: Some(json_body(body)),
            confirm: None,
            action,
        })?
        .ok_or_else(|| missing_response(action))
    }

    /// Sends one API request and reads the envelope; `Ok(None)` when the envelope has no
    /// `response` (the portal's answer to `DELETE /people/guests`).
    pub(crate) fn call<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<Option<T>, Error> {
        let url = format!("{}{}", self.origin.base(), call.path);
        let mut request = http::Request::builder()
            .method(call.method)
            .uri(&url)
            .header(
                "Authorization",
                format!("Bearer {}", self.credential.expose()),
            );
        if let Some(confirm) = call.confirm {
            request = request.header("confirm", confirm);
        }
        let result = match call.body {
            Some(body) => request
                .header("Content-Type", "application/json")
                .body(body)
                .map(|r| self.agent.run(r)),
            None => request.body(()).map(|r| self.agent.run(r)),
        };
        let response = result
            .map_err(|e| Error::Protocol {
                action: call.action.to_owned(),
                detail: format!("could not build the request: {e}"),
            })?
            .map_err(|e| self.network_error(call.action, e))?;
        self.decode(call.action, response)
    }

    /// Fetches `url` on the portal's own host without the credential and without
    /// following a redirect: the `Location` it points to, if it is a redirect.
    pub(crate) fn redirect_target(&self, url: &str, action: &str) -> Result<String, Error> {
        let mut response = self
            .agent
            .get(url)
            .call()
            .map_err(|e| self.network_error(action, e))?;
        let status = response.status().as_u16();
        if (300..400).contains(&status) {
            return location(&response).ok_or_else(|| Error::Protocol {
                action: action.to_owned(),
                detail: format!("the portal answered {status} without a Location"),
            });
        }
        let body = read_body(&mut response).unwrap_or_default();
        Err(Error::Portal {
            action: action.to_owned(),
            status,
            message: Some(self.portal_message(&body).unwrap_or_else(|| {
                format!("the link did not redirect to a confirmation link (HTTP {status})")
            })),
        })
    }

    fn decode<T: DeserializeOwned>(
        &self,
        action: &str,
        mut response: Response<ureq::Body>,
    ) -> Result<Option<T>, Error> {
        let status = response.status().as_u16();
        if (300..400).contains(&status) {
            return Err(self.redirect_error(action, status, location(&response)));
        }
        let body = read_body(&mut response).map_err(|e| self.network_error(action, e))?;
        if status >= 400 {
            return Err(Error::Portal {
                action: action.to_owned(),
                status,
                message: self.portal_message(&body),
            });
        }
        if let Ok(envelope) = serde_json::from_slice::<Envelope<T>>(&body)
            && envelope.status == 0
            && envelope.error.is_none()
        {
            return Ok(envelope.response);
        }
        Err(self.unexpected_success(action, &body))
    }

    /// Explains a 2xx answer that is not a success envelope: the portal may report an
    /// error in the body with a success status, or something else answered.
    fn unexpected_success(&self, action: &str, body: &[u8]) -> Error {
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
            return Error::Protocol {
                action: action.to_owned(),
                detail: format!("the answer is not DocSpace JSON: {}", self.excerpt(body)),
            };
        };
        if let Some(message) = self.portal_message(body) {
            let status = value
                .get("statusCode")
                .and_then(serde_json::Value::as_u64)
                .and_then(|s| u16::try_from(s).ok())
                .filter(|s| *s >= 400)
                .unwrap_or(400);
            return Error::Portal {
                action: action.to_owned(),
                status,
                message: Some(message),
            };
        }
        Error::Protocol {
            action: action.to_owned(),
            detail: format!(
                "the answer does not have the expected shape: {}",
                self.excerpt(body)
            ),
        }
    }

    /// The portal's own message from an error envelope, a (wrapped) validation problem
    /// or a bare problem document; `None` for an empty or unrelated body.
    fn portal_message(&self, body: &[u8]) -> Option<String> {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        if let Some(message) = value.pointer("/error/message").and_then(|m| m.as_str()) {
            return Some(self.clean(message));
        }
        let problem = match value.get("response") {
            Some(inner) if inner.get("title").is_some() => inner,
            _ => &value,
        };
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
        let redacted = self.credential.redact(text);
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

    fn excerpt(&self, body: &[u8]) -> String {
        if body.is_empty() {
            return "it is empty".to_owned();
        }
        let text = String::from_utf8_lossy(&body[..body.len().min(200)]);
        let squeezed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        format!("'{}'", self.clean(&squeezed))
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
        Error::Protocol {
            action: action.to_owned(),
            detail,
        }
    }

    fn network_error(&self, action: &str, error: ureq::Error) -> Error {
        let (kind, detail) = match error {
            ureq::Error::HostNotFound => (
                NetworkKind::Dns,
                format!("the host name '{}' does not resolve", self.origin.host),
            ),
            ureq::Error::Timeout(_) => (
                NetworkKind::Temporary,
                format!("timed out after {} s", self.timeout.as_secs()),
            ),
            ureq::Error::BodyExceedsLimit(_) => {
                return Error::Protocol {
                    action: action.to_owned(),
                    detail: format!(
                        "the answer is larger than {} MiB; refused",
                        MAX_BODY / 1024 / 1024
                    ),
                };
            }
            ureq::Error::Protocol(e) => {
                return Error::Protocol {
                    action: action.to_owned(),
                    detail: format!("the answer is not valid HTTP: {e}"),
                };
            }
            ureq::Error::Io(e) => match e.kind() {
                io::ErrorKind::ConnectionRefused => (
                    NetworkKind::Unavailable,
                    format!("connection to {} refused", self.origin.base()),
                ),
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => (
                    NetworkKind::Temporary,
                    format!("timed out after {} s", self.timeout.as_secs()),
                ),
                io::ErrorKind::InvalidData => {
                    return Error::Protocol {
                        action: action.to_owned(),
                        detail: format!("the answer could not be read: {e}"),
                    };
                }
                _ => (
                    NetworkKind::Temporary,
                    format!("the connection broke off: {e}"),
                ),
            },
            e @ (ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_)) => {
                (NetworkKind::Unavailable, format!("TLS failed: {e}"))
            }
            e => (NetworkKind::Unavailable, e.to_string()),
        };
        Error::Network {
            action: action.to_owned(),
            kind,
            detail: self.clean(&detail),
        }
    }
}

#[derive(serde::Deserialize)]
struct Envelope<T> {
    response: Option<T>,
    #[serde(default)]
    status: i64,
    error: Option<serde::de::IgnoredAny>,
}

fn read_body(response: &mut Response<ureq::Body>) -> Result<Vec<u8>, ureq::Error> {
    response
        .body_mut()
        .with_config()
        .limit(MAX_BODY)
        .read_to_vec()
}

fn location(response: &Response<ureq::Body>) -> Option<String> {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn json_body(body: &impl Serialize) -> Vec<u8> {
    // Serializing plain structs of strings into memory cannot fail.
    serde_json::to_vec(body).unwrap_or_default()
}

fn missing_response(action: &str) -> Error {
    Error::Protocol {
        action: action.to_owned(),
        detail: "the portal's answer has no 'response'".to_owned(),
    }
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
            assert_eq!(err.exit_code(), 78, "{bad}");
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
            c.portal_message(problem).as_deref(),
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
        assert_eq!(e.exit_code(), 65);
        let e = c.unexpected_success("x", b"<html>hi</html>");
        assert_eq!(e.exit_code(), 76);
        assert!(e.to_string().contains("'<html>hi</html>'"), "{e}");
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode_query("a+b@c.co"), "a%2Bb%40c.co");
    }
}
