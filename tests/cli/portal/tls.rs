//! The server side of `Portal::start_tls`, on the fixture in `tls/` (a
//! test-only key, see tls/README.md).

use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::Arc;

use rustls::crypto::ring;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

use super::http::Transport;

// From CARGO_MANIFEST_DIR rather than relative to this file, so that the
// path handed to clients is absolute whichever target includes the module.
const CERT_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli/portal/tls/cert.pem");
const CERT_PEM: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/cli/portal/tls/cert.pem"
));
const KEY_PEM: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/cli/portal/tls/key.pem"
));

pub(super) fn cert_path() -> PathBuf {
    PathBuf::from(CERT_PATH)
}

pub(super) fn root_certificate() -> CertificateDer<'static> {
    CertificateDer::from_pem_slice(CERT_PEM).expect("tls/cert.pem holds a PEM certificate")
}

/// The provider is named rather than taken from the process default: ureq
/// enables only `ring`, and naming it keeps working even if another crate in
/// the graph ever enables a second provider.
pub(super) fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(ring::default_provider())
}

/// None if rustls refuses to start a session, which only an unusable
/// config would cause; the caller then just drops the socket.
pub(super) fn accept(
    config: &Arc<ServerConfig>,
    socket: TcpStream,
) -> Option<StreamOwned<ServerConnection, TcpStream>> {
    let session = ServerConnection::new(Arc::clone(config)).ok()?;
    Some(StreamOwned::new(session, socket))
}

pub(super) fn server_config() -> Arc<ServerConfig> {
    let key = PrivateKeyDer::from_pem_slice(KEY_PEM).expect("tls/key.pem holds a PEM private key");
    let config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("ring supports the default TLS versions")
        .with_no_client_auth()
        .with_single_cert(vec![root_certificate()], key)
        .expect("the fixture key matches the fixture certificate");
    Arc::new(config)
}

impl Transport for StreamOwned<ServerConnection, TcpStream> {
    /// close_notify makes the end of the connection look to a TLS client the
    /// way a FIN looks to a plain one, so a test behaves the same over both.
    /// Best effort: after a failed handshake there is no session to close.
    fn finish(&mut self) {
        if self.conn.is_handshaking() {
            return;
        }
        self.conn.send_close_notify();
        while self.conn.wants_write() {
            if !matches!(self.conn.write_tls(&mut self.sock), Ok(n) if n > 0) {
                break;
            }
        }
    }
}
