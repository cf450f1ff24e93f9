//! Name resolution for a client: an address is looked up once per client.
//!
//! ureq asks its resolver before every request, although the connection it then takes
//! from its pool is the one it already has, and with a timeout set its default resolver
//! runs each look-up on a new thread: a listing of 100 pages started 100 threads. An IP
//! literal needs no look-up at all, and a name's addresses are kept for the client's
//! life (one run), as a browser keeps them for a page.

use std::net::SocketAddr;
use std::sync::Mutex;
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

#[derive(Debug, Default)]
pub(crate) struct ResolveOnce {
    lookup: DefaultResolver,
    /// `host:port` and what it resolved to; a failure is not kept, so it is tried again.
    known: Mutex<Vec<(String, ResolvedSocketAddrs)>>,
}

impl Resolver for ResolveOnce {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let key = match (uri.scheme(), uri.authority()) {
            (Some(scheme), Some(authority)) => DefaultResolver::host_and_port(scheme, authority),
            _ => None,
        };
        let Some(key) = key else {
            // Let ureq's own resolver word what is wrong with the address.
            return self.lookup.resolve(uri, config, timeout);
        };
        // An IPv6 literal keeps its brackets in the authority, which SocketAddr reads.
        if let Ok(address) = key.parse::<SocketAddr>() {
            let mut addresses = self.empty();
            addresses.push(address);
            return Ok(addresses);
        }
        // Held through the look-up: a second thread asking meanwhile waits for it.
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, addresses)) = known.iter().find(|(name, _)| *name == key) {
            return Ok(addresses.clone());
        }
        let addresses = self.lookup.resolve(uri, config, timeout)?;
        known.push((key, addresses.clone()));
        Ok(addresses)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ureq::Timeout;
    use ureq::unversioned::transport::time::Duration;

    fn resolve(uri: &str) -> Result<Vec<SocketAddr>, ureq::Error> {
        let timeout = NextTimeout {
            after: Duration::NotHappening,
            reason: Timeout::Global,
            per_read: None,
            per_write: None,
        };
        ResolveOnce::default()
            .resolve(&uri.parse().unwrap(), &Config::default(), timeout)
            .map(|a| a.iter().copied().collect())
    }

    #[test]
    fn an_ip_literal_is_its_own_address() {
        assert_eq!(
            resolve("https://127.0.0.1/api").unwrap(),
            ["127.0.0.1:443".parse().unwrap()]
        );
        assert_eq!(
            resolve("http://[::1]:8080/").unwrap(),
            ["[::1]:8080".parse().unwrap()]
        );
    }

    #[test]
    fn a_name_is_looked_up() {
        let addresses = resolve("http://localhost:8080/").unwrap();
        assert!(
            addresses
                .iter()
                .all(|a| a.port() == 8080 && a.ip().is_loopback())
        );
    }
}
