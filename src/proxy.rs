//! Which proxy, if any, the requests to a portal go through: decided the way curl decides
//! it, from values the caller passes in (the library reads no environment).

use std::net::IpAddr;

/// The proxies a [`Client`](crate::Client) may use, and the hosts it reaches directly.
///
/// The default is no proxy at all. A client never reads proxy settings from the
/// environment by itself; [`Proxies::from_env`] reads them the way curl does, from a
/// lookup the caller gives it:
///
/// ```
/// use docspace_people::{Options, Proxies};
///
/// let options = Options {
///     proxies: Proxies::from_env(|name| std::env::var(name).ok()),
///     ..Options::default()
/// };
/// # drop(options);
/// ```
///
/// A proxy is an `http://` or `https://` URL (`http://` when the scheme is left out), with
/// any credentials in it (`http://user:password@proxy.example.com:3128`, percent-encoded).
/// Every request, to an `https://` or an `http://` portal, goes through it as an HTTP
/// `CONNECT` tunnel.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Proxies {
    /// The proxy for `https://` portals (curl's `https_proxy`).
    pub https: Option<String>,
    /// The proxy for `http://` portals (curl's `http_proxy`).
    pub http: Option<String>,
    /// The proxy for a portal whose scheme has no proxy of its own (curl's `ALL_PROXY`).
    pub all: Option<String>,
    /// The hosts reached without any proxy (curl's `NO_PROXY`): a list separated by
    /// commas or spaces of host names, which also cover their subdomains (`example.com`
    /// and `.example.com` both cover `portal.example.com`), IP addresses, CIDR ranges
    /// (`10.0.0.0/8`, `fd00::/8`), or `*` for every host.
    pub no_proxy: Option<String>,
}

impl Proxies {
    /// The proxy settings in a process environment, read as curl reads them.
    ///
    /// `var` returns a variable's value. The lower-case name is looked up first, then
    /// the upper-case one: `https_proxy`, `HTTPS_PROXY`; `all_proxy`, `ALL_PROXY`;
    /// `no_proxy`, `NO_PROXY`. `http_proxy` is read in lower case only: a CGI program's
    /// environment has `HTTP_PROXY` from the `Proxy:` header of the request it serves,
    /// which would let whoever sends that request choose the proxy. An empty value counts
    /// as unset.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Proxies {
        let read = |names: &[&str]| {
            names
                .iter()
                .filter_map(|name| var(name))
                .map(|value| value.trim().to_owned())
                .find(|value| !value.is_empty())
        };
        Proxies {
            https: read(&["https_proxy", "HTTPS_PROXY"]),
            http: read(&["http_proxy"]),
            all: read(&["all_proxy", "ALL_PROXY"]),
            no_proxy: read(&["no_proxy", "NO_PROXY"]),
        }
    }

    /// The proxy for a portal at `host` (lower case; an IPv6 address in brackets or not),
    /// reached over https or plain http; `None` to connect directly.
    pub(crate) fn select(&self, https: bool, host: &str) -> Option<&str> {
        let own = if https { &self.https } else { &self.http };
        let proxy = own.as_deref().or(self.all.as_deref())?;
        match &self.no_proxy {
            Some(list) if bypassed(list, host) => None,
            _ => Some(proxy),
        }
    }
}

/// Shown without the credentials a proxy address may carry.
impl std::fmt::Debug for Proxies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bare = |url: &Option<String>| {
            url.as_deref().map(|url| match url.rsplit_once('@') {
                Some((userinfo, host)) => match userinfo.split_once("://") {
                    Some((scheme, _)) => format!("{scheme}://[redacted]@{host}"),
                    None => format!("[redacted]@{host}"),
                },
                None => url.to_owned(),
            })
        };
        f.debug_struct("Proxies")
            .field("https", &bare(&self.https))
            .field("http", &bare(&self.http))
            .field("all", &bare(&self.all))
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

/// Whether `host` is on the `NO_PROXY` list `list`.
fn bypassed(list: &str, host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let ip = host.parse::<IpAddr>().ok();
    list.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|entry| !entry.is_empty())
        .any(|entry| matches(&entry.to_ascii_lowercase(), &host, ip))
}

/// Whether one `NO_PROXY` entry covers `host`; `ip` is `host` when it is an address.
/// Names match names and addresses match addresses, as in curl: `127.0.0.1` does not
/// cover `localhost`.
fn matches(entry: &str, host: &str, ip: Option<IpAddr>) -> bool {
    if entry == "*" {
        return true;
    }
    match ip {
        Some(ip) => {
            let (address, bits) = match entry.split_once('/') {
                Some((address, bits)) => (address, Some(bits)),
                None => (entry, None),
            };
            let address = address.trim_start_matches('[').trim_end_matches(']');
            let Ok(network) = address.parse::<IpAddr>() else {
                return false;
            };
            match bits.map(str::parse::<u32>) {
                None => network == ip,
                Some(Ok(bits)) => in_network(ip, network, bits),
                Some(Err(_)) => false,
            }
        }
        None => {
            let name = entry
                .strip_prefix("*.")
                .unwrap_or(entry)
                .trim_start_matches('.')
                .trim_end_matches('.');
            !name.is_empty()
                && (host == name
                    || host
                        .strip_suffix(name)
                        .is_some_and(|rest| rest.ends_with('.')))
        }
    }
}

/// Whether `ip` is in the network of `bits` leading bits of `network`; never for a
/// prefix longer than the address or addresses of different families.
fn in_network(ip: IpAddr, network: IpAddr, bits: u32) -> bool {
    match (ip, network) {
        (IpAddr::V4(ip), IpAddr::V4(network)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(ip) & mask == u32::from(network) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(network)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(ip) & mask == u128::from(network) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Proxies {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect();
        Proxies::from_env(move |name| {
            pairs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn each_scheme_has_its_own_variable_and_all_proxy_is_the_fallback() {
        let p = env(&[("https_proxy", "http://s:1"), ("http_proxy", "http://h:1")]);
        assert_eq!(p.select(true, "portal.example.com"), Some("http://s:1"));
        assert_eq!(p.select(false, "portal.example.com"), Some("http://h:1"));

        let p = env(&[("HTTP_PROXY", "http://h:1")]);
        assert_eq!(p.select(true, "x.example"), None, "not for https");
        assert_eq!(p.select(false, "x.example"), None, "upper case is ignored");

        let p = env(&[("HTTPS_PROXY", "http://S:1"), ("https_proxy", "http://s:1")]);
        assert_eq!(
            p.select(true, "x.example"),
            Some("http://s:1"),
            "lower case wins"
        );

        let p = env(&[("ALL_PROXY", "http://a:1"), ("https_proxy", "http://s:1")]);
        assert_eq!(p.select(true, "x.example"), Some("http://s:1"));
        assert_eq!(p.select(false, "x.example"), Some("http://a:1"));

        let p = env(&[("https_proxy", " "), ("all_proxy", "http://a:1")]);
        assert_eq!(
            p.select(true, "x.example"),
            Some("http://a:1"),
            "empty is unset"
        );
        assert_eq!(Proxies::default().select(true, "x.example"), None);
    }

    #[test]
    fn no_proxy_is_a_list_of_names_suffixes_addresses_and_ranges() {
        let cases: &[(&str, &str, bool)] = &[
            ("example.test", "docspace.example.test", true),
            ("example.test", "example.test", true),
            (".example.test", "docspace.example.test", true),
            (".example.test", "example.test", true),
            ("*.example.test", "a.b.example.test", true),
            ("example.test", "badexample.test", false),
            ("example.test", "example.test.evil", false),
            ("EXAMPLE.test.", "Docspace.Example.Test.", true),
            ("a.test , example.test", "docspace.example.test", true),
            ("a.test\tb.test", "b.test", true),
            ("a.test,,", "example.test", false),
            ("*", "anything.example", true),
            ("a.test, *", "10.1.2.3", true),
            ("10.0.0.0/8", "10.1.2.3", true),
            ("10.0.0.0/8", "11.1.2.3", false),
            ("192.168.1.7/32", "192.168.1.7", true),
            ("192.168.1.7/33", "192.168.1.7", false),
            ("0.0.0.0/0", "203.0.113.9", true),
            ("127.0.0.1", "127.0.0.1", true),
            ("127.0.0.1", "localhost", false),
            ("localhost", "127.0.0.1", false),
            ("0.0.1", "127.0.0.1", false),
            ("::1", "[::1]", true),
            ("[::1]", "[::1]", true),
            ("fd00::/8", "[fd12:3456::1]", true),
            ("fd00::/8", "[fe80::1]", false),
            ("10.0.0.0/8", "[::ffff:10.0.0.1]", false),
            ("10.0.0.0/x", "10.0.0.1", false),
        ];
        for (list, host, expected) in cases {
            assert_eq!(
                bypassed(list, host),
                *expected,
                "NO_PROXY={list:?} host {host}"
            );
        }
    }

    #[test]
    fn debug_output_hides_the_proxy_credentials() {
        let p = env(&[
            ("https_proxy", "http://ann:s3cret@proxy.example:3128"),
            ("all_proxy", "bob:hunter2@proxy.example"),
        ]);
        let shown = format!("{p:?}");
        assert!(
            !shown.contains("s3cret") && !shown.contains("hunter2"),
            "{shown}"
        );
        assert!(
            shown.contains("http://[redacted]@proxy.example:3128"),
            "{shown}"
        );
    }

    #[test]
    fn no_proxy_applies_to_every_proxy_variable() {
        let p = env(&[
            ("all_proxy", "http://a:1"),
            ("https_proxy", "http://s:1"),
            ("NO_PROXY", "example.test"),
        ]);
        assert_eq!(p.select(true, "portal.example.test"), None);
        assert_eq!(p.select(false, "portal.example.test"), None);
        assert_eq!(p.select(true, "portal.example.com"), Some("http://s:1"));
    }
}
