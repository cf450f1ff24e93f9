//! The API key a client uses: its name and when it expires.

use crate::client::{Client, Request};
use crate::error::{Error, ErrorKind};
use serde_json::Value;
use std::time::SystemTime;

/// The API key behind a client (`GET /api/2.0/keys/@self`, DocSpace 3.5 and later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// The name it was given when it was created.
    pub name: String,
    /// When it stops working; `None` for a key that never expires.
    pub expires_at: Option<SystemTime>,
    /// The portal's text of that time, as it sent it.
    pub expires: Option<String>,
}

impl Request {
    /// `GET /api/2.0/keys/@self`.
    pub fn api_key() -> Request {
        Request::new("GET", "/api/2.0/keys/@self".to_owned())
    }
}

impl Client {
    /// The API key this client sends; `None` when the credential is no API key (a session
    /// token) or the portal is older than DocSpace 3.5.
    pub fn api_key(&self) -> Result<Option<ApiKey>, Error> {
        match self.fetch::<Value>(&Request::api_key(), "read the API key") {
            Ok(key) => {
                let expires = key["expiresAt"].as_str().map(str::to_owned);
                Ok(Some(ApiKey {
                    name: key["name"].as_str().unwrap_or_default().to_owned(),
                    expires_at: expires.as_deref().and_then(crate::date::api_time),
                    expires,
                }))
            }
            Err(e)
                if e.is_not_found()
                    || (e.kind() == ErrorKind::Protocol && e.status() == Some(404)) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}
