//! The way to the portal: DNS, proxies, TLS, and what a middlebox does to an answer. Each
//! failure is named for what it is, with the exit code that says whether to fix or wait.
//!
//! Proxies are tiny forward proxies written here, on 127.0.0.1, that record every request
//! they get. DNS answers come from a tiny DNS server written here too: the binary runs in
//! its own mount namespace (`unshare --mount`, which needs root) where /etc/resolv.conf
//! names that server and /etc/nsswitch.conf says `hosts: dns`, so no real DNS and no
//! /etc/hosts entry is involved. Without root those tests say they are skipped, unless
//! `DOCSPACE_PEOPLE_REQUIRE_SANDBOX` is set (as `.ci/run` sets it): then they fail.

use crate::portal::{Fault, Portal, Reply};
use crate::{Outcome, docspace, run, run_with_files};
use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;

// ---------------------------------------------------------------------------------------
// A forward proxy that records what goes through it.

#[derive(Clone, Copy)]
enum Mode {
    /// Opens every tunnel asked for.
    Tunnel,
    /// Answers every CONNECT with this status.
    Refuse(u16),
    /// Opens a tunnel only with `Proxy-Authorization: Basic` of these base64 credentials,
    /// else answers 407.
    Credentials(&'static str),
}

/// The request line and `Proxy-Authorization` of each request a proxy received.
type Log = Mutex<Vec<(String, Option<String>)>>;

struct Proxy {
    address: SocketAddr,
    seen: Arc<Log>,
}

impl Proxy {
    fn start(mode: Mode) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let address = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let log = Arc::clone(&log);
                thread::spawn(move || serve(client, mode, &log));
            }
        });
        Proxy { address, seen }
    }

    fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The request lines received, e.g. `CONNECT 127.0.0.1:4711 HTTP/1.1`.
    fn requests(&self) -> Vec<String> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|(l, _)| l.clone())
            .collect()
    }

    fn authorizations(&self) -> Vec<Option<String>> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|(_, a)| a.clone())
            .collect()
    }
}

fn serve(client: TcpStream, mode: Mode, log: &Log) {
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let line = line.trim_end().to_owned();
    let mut authorization = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim_end().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("proxy-authorization")
        {
            authorization = Some(value.trim().to_owned());
        }
    }
    log.lock()
        .unwrap()
        .push((line.clone(), authorization.clone()));
    let mut client = client;
    let answer = |client: &mut TcpStream, status: &str, extra: &str| {
        let _ = write!(
            client,
            "HTTP/1.1 {status}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n"
        );
    };
    // ureq tunnels plain http as well, so a request that is not CONNECT is a test failure:
    // it is recorded and refused.
    let Some(target) = line
        .strip_prefix("CONNECT ")
        .and_then(|rest| rest.split(' ').next())
    else {
        return answer(&mut client, "501 Not Implemented", "");
    };
    match mode {
        Mode::Refuse(status) => return answer(&mut client, &format!("{status} Refused"), ""),
        Mode::Credentials(expected)
            if authorization.as_deref() != Some(&format!("Basic {expected}")) =>
        {
            return answer(
                &mut client,
                "407 Proxy Authentication Required",
                "Proxy-Authenticate: Basic realm=\"test\"\r\n",
            );
        }
        _ => {}
    }
    let Ok(mut upstream) = TcpStream::connect(target) else {
        return answer(&mut client, "502 Bad Gateway", "");
    };
    let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
    // What the reader already buffered past the head belongs to the tunnel.
    let _ = upstream.write_all(reader.buffer());
    let (mut up_read, mut client_write) =
        (upstream.try_clone().unwrap(), client.try_clone().unwrap());
    let back = thread::spawn(move || {
        let _ = std::io::copy(&mut up_read, &mut client_write);
        let _ = client_write.shutdown(Shutdown::Write);
    });
    let _ = std::io::copy(&mut reader.into_inner(), &mut upstream);
    let _ = upstream.shutdown(Shutdown::Write);
    let _ = back.join();
}

fn nothing_listens() -> String {
    let unused = TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", unused.local_addr().unwrap())
}

/// `whoami` against `portal` with these variables besides the portal and the key, and
/// without retries unless `args` asks for them.
fn whoami_with(portal: &Portal, extra: &[(&str, &str)], args: &[&str]) -> Outcome {
    let url = portal.url();
    let key = portal.owner().key;
    let ca = portal.ca_file();
    let mut env = vec![
        ("DOCSPACE_URL", url.as_str()),
        ("DOCSPACE_TOKEN", key.as_str()),
    ];
    env.extend_from_slice(extra);
    let mut argv = vec!["whoami", "--ca-file", ca.to_str().unwrap()];
    if !args.contains(&"--retries") {
        argv.extend(["--retries", "0"]);
    }
    argv.extend_from_slice(args);
    run(&argv, &env, None)
}

#[track_caller]
fn connects_to(proxy: &Proxy, portal: &Portal) {
    let target = portal.url();
    let host_port = target.split_once("://").unwrap().1;
    assert_eq!(
        proxy.requests(),
        [format!("CONNECT {host_port} HTTP/1.1")],
        "one tunnel to the portal"
    );
}

#[test]
fn an_https_portal_goes_through_https_proxy_and_never_http_proxy() {
    let portal = Portal::start_tls();
    let for_https = Proxy::start(Mode::Tunnel);
    let for_http = Proxy::start(Mode::Tunnel);

    whoami_with(
        &portal,
        &[
            ("https_proxy", &for_https.url()),
            ("http_proxy", &for_http.url()),
        ],
        &[],
    )
    .code(0);
    connects_to(&for_https, &portal);
    assert!(for_http.requests().is_empty());

    let upper = Proxy::start(Mode::Tunnel);
    whoami_with(&portal, &[("HTTPS_PROXY", &upper.url())], &[]).code(0);
    connects_to(&upper, &portal);

    // HTTP_PROXY (and http_proxy) are for http:// portals only.
    let plain = Proxy::start(Mode::Tunnel);
    whoami_with(
        &portal,
        &[("HTTP_PROXY", &plain.url()), ("http_proxy", &plain.url())],
        &[],
    )
    .code(0);
    assert!(plain.requests().is_empty(), "{:?}", plain.requests());

    // The lower-case name wins, as in curl.
    let lower = Proxy::start(Mode::Tunnel);
    whoami_with(
        &portal,
        &[
            ("https_proxy", &lower.url()),
            ("HTTPS_PROXY", &nothing_listens()),
        ],
        &[],
    )
    .code(0);
    connects_to(&lower, &portal);
}

#[test]
fn an_http_portal_goes_through_lower_case_http_proxy_only() {
    let portal = Portal::start();
    let for_http = Proxy::start(Mode::Tunnel);
    let for_https = Proxy::start(Mode::Tunnel);

    whoami_with(
        &portal,
        &[
            ("http_proxy", &for_http.url()),
            ("https_proxy", &for_https.url()),
        ],
        &[],
    )
    .code(0);
    connects_to(&for_http, &portal);
    assert!(for_https.requests().is_empty());

    // Upper-case HTTP_PROXY is what a CGI program's environment gets from a request's
    // `Proxy:` header: curl ignores it, and so does this tool.
    let upper = Proxy::start(Mode::Tunnel);
    whoami_with(&portal, &[("HTTP_PROXY", &upper.url())], &[]).code(0);
    assert!(upper.requests().is_empty(), "{:?}", upper.requests());
}

#[test]
fn all_proxy_is_the_fallback_for_either_scheme() {
    for portal in [Portal::start(), Portal::start_tls()] {
        let all = Proxy::start(Mode::Tunnel);
        whoami_with(&portal, &[("ALL_PROXY", &all.url())], &[]).code(0);
        connects_to(&all, &portal);

        let lower = Proxy::start(Mode::Tunnel);
        whoami_with(&portal, &[("all_proxy", &lower.url())], &[]).code(0);
        connects_to(&lower, &portal);

        let own = Proxy::start(Mode::Tunnel);
        let unused = Proxy::start(Mode::Tunnel);
        let own_name = if portal.url().starts_with("https") {
            "https_proxy"
        } else {
            "http_proxy"
        };
        whoami_with(
            &portal,
            &[(own_name, &own.url()), ("ALL_PROXY", &unused.url())],
            &[],
        )
        .code(0);
        connects_to(&own, &portal);
        assert!(unused.requests().is_empty());
    }
}

#[test]
fn no_proxy_entries_bypass_the_proxy() {
    let portal = Portal::start();
    // Every tunnel through it is refused, so a run that used it fails.
    let proxy = Proxy::start(Mode::Refuse(403));
    for no_proxy in [
        "127.0.0.1",
        " example.test , 127.0.0.1 ",
        "127.0.0.0/8",
        "10.0.0.0/8,127.0.0.0/24",
        "*",
    ] {
        for name in ["NO_PROXY", "no_proxy"] {
            whoami_with(
                &portal,
                &[("http_proxy", &proxy.url()), (name, no_proxy)],
                &[],
            )
            .code(0);
        }
    }
    assert!(proxy.requests().is_empty(), "{:?}", proxy.requests());

    for not_covering in [
        "10.0.0.0/8, 127.0.0.2",
        "localhost",
        "127.0.0.1/33",
        "0.0.1",
    ] {
        whoami_with(
            &portal,
            &[("http_proxy", &proxy.url()), ("NO_PROXY", not_covering)],
            &[],
        )
        .code(69)
        .stderr_has("refused the tunnel");
    }
    assert_eq!(proxy.requests().len(), 4);
}

#[test]
fn a_dead_proxy_is_named_as_the_proxy_not_the_portal() {
    let portal = Portal::start();
    let dead = nothing_listens();

    let run = whoami_with(&portal, &[("http_proxy", &dead)], &[]);
    run.code(69)
        .stderr_has(&format!(
            "whoami: connection to the proxy {dead} refused (on the way to {})",
            portal.url()
        ))
        .stderr_has("check the proxy in https_proxy, http_proxy or ALL_PROXY");
    assert!(
        !run.stderr.contains("check that the portal is up"),
        "{}",
        run.stderr
    );
    assert!(portal.requests().is_empty());
}

#[test]
fn a_proxy_that_refuses_the_tunnel_is_named_and_one_that_cannot_reach_the_portal_is_retried() {
    let portal = Portal::start();
    let refusing = Proxy::start(Mode::Refuse(403));
    whoami_with(&portal, &[("http_proxy", &refusing.url())], &[])
        .code(69)
        .stderr_has(&format!(
            "the proxy {} refused the tunnel to {} (HTTP 403)",
            refusing.url(),
            portal.url()
        ));

    let cut_off = Proxy::start(Mode::Refuse(503));
    whoami_with(
        &portal,
        &[("http_proxy", &cut_off.url())],
        &["--retries", "1"],
    )
    .code(75)
    .stderr_has("(attempt 2 of 2)")
    .stderr_has(&format!(
        "the proxy {} could not reach {} (HTTP 503)",
        cut_off.url(),
        portal.url()
    ));
    assert_eq!(cut_off.requests().len(), 2);
}

#[test]
fn a_proxy_that_wants_credentials_says_so() {
    let portal = Portal::start();
    // base64 of `ann:s3cret`
    let proxy = Proxy::start(Mode::Credentials("YW5uOnMzY3JldA=="));
    let address = proxy.url();

    whoami_with(&portal, &[("http_proxy", &address)], &[])
        .code(77)
        .stderr_has(&format!(
            "whoami: the proxy {address} wants credentials (HTTP 407)"
        ))
        .stderr_has("give the proxy's user name and password in its address");

    let wrong = address.replace("http://", "http://ann:wr0ng-pass@");
    whoami_with(&portal, &[("http_proxy", &wrong)], &[])
        .code(77)
        .stderr_has(&format!(
            "the proxy {address} did not accept the credentials in its address (HTTP 407)"
        ))
        .never_shows("wr0ng-pass");

    let right = address.replace("http://", "http://ann:s3cret@");
    whoami_with(&portal, &[("http_proxy", &right)], &[])
        .code(0)
        .never_shows("s3cret");
    assert_eq!(proxy.requests().len(), 3, "a 407 is not retried");
    assert_eq!(
        proxy.authorizations(),
        [
            None,
            Some("Basic YW5uOndyMG5nLXBhc3M=".to_owned()),
            Some("Basic YW5uOnMzY3JldA==".to_owned())
        ]
    );
}

#[test]
fn a_socks_proxy_is_refused_as_configuration() {
    let portal = Portal::start();
    whoami_with(
        &portal,
        &[("http_proxy", "socks5://ann:s3cret@127.0.0.1:1080")],
        &[],
    )
    .code(78)
    .stderr_has("the proxy address 'socks5://127.0.0.1:1080' is not an http:// or https:// proxy")
    .never_shows("s3cret");
}

// ---------------------------------------------------------------------------------------
// TLS, and answers a middlebox mangles.

#[test]
fn an_unknown_certificate_authority_hints_at_the_ca_file() {
    let portal = Portal::start_tls();
    let run = docspace(&portal, &portal.owner().key, &["whoami", "--retries", "0"]);
    run.code(69)
        .stderr_has(
            "TLS failed: the portal's certificate is not signed by a publicly trusted authority",
        )
        .stderr_has("pass that authority's certificate with --ca-file PATH");
    assert!(
        !run.stderr.contains("check that the portal is up"),
        "{}",
        run.stderr
    );
}

/// The first bytes of a gzip stream (RFC 1952), then what no decoder would accept.
const GZIP: &[u8] =
    b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xab\x56\x2a\x4a\x2d\x2e\xc8\xcf\x2b\x4e";

#[test]
fn an_unasked_gzip_answer_is_named_not_quoted() {
    let gzip = |code| Reply::Status {
        code,
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("Content-Encoding".into(), "gzip".into()),
        ],
        body: GZIP.to_vec(),
    };
    let portal = Portal::start();
    let owner = portal.owner();
    portal.inject(Fault {
        method: "",
        path_prefix: "/api/".into(),
        times: 1,
        reply: gzip(200),
    });
    let run = docspace(&portal, &owner.key, &["whoami", "--retries", "0"]);
    run.code(76).stderr_is(
        "docspace-people: whoami: the portal answered with gzip-compressed content it was not asked for\n",
    );
    assert_eq!(
        portal.requests()[0].header("accept-encoding"),
        None,
        "none was asked for"
    );

    portal.inject(Fault {
        method: "",
        path_prefix: "/api/".into(),
        times: 1,
        reply: gzip(502),
    });
    docspace(&portal, &owner.key, &["whoami", "--retries", "0"])
        .code(75)
        .stderr_has("whoami: HTTP 502: the body is gzip-compressed, which was not asked for");
}

#[test]
fn a_retry_after_too_large_for_any_clock_fails_at_once() {
    let portal = Portal::start();
    let owner = portal.owner();
    portal.inject(Fault {
        method: "GET",
        path_prefix: "/api/2.0/people/@self".into(),
        times: 10,
        reply: Reply::Status {
            code: 503,
            headers: vec![("Retry-After".into(), "99999999999999999999".into())],
            body: vec![],
        },
    });

    docspace(&portal, &owner.key, &["whoami"])
        .code(75)
        .stderr_is(&format!(
            "docspace-people: whoami: HTTP 503: the portal asks to wait more than {} s (Retry-After) before trying again; the portal is busy or restarting: try again later\n",
            u64::MAX
        ));
    assert_eq!(portal.api_requests().len(), 1, "not retried");
}

// ---------------------------------------------------------------------------------------
// DNS, from a server this test runs, in a mount namespace of the binary's own.

/// A DNS server on 127.53.0.N:53 that answers by the first label of the name asked:
/// `nxdomain` (NXDOMAIN), `servfail` (SERVFAIL), `nodata` (no address), `silent` (no
/// answer at all), `docspace` (127.0.0.1); anything else NXDOMAIN.
fn dns_server() -> Ipv4Addr {
    static SERVER: OnceLock<Ipv4Addr> = OnceLock::new();
    *SERVER.get_or_init(|| {
        let (socket, address) = (1..=254)
            .find_map(|n| {
                let address = Ipv4Addr::new(127, 53, 0, n);
                UdpSocket::bind((address, 53)).ok().map(|s| (s, address))
            })
            .expect("a free port 53 on 127.53.0.0/24");
        thread::spawn(move || {
            let mut query = [0u8; 512];
            while let Ok((len, from)) = socket.recv_from(&mut query) {
                if let Some(answer) = dns_answer(&query[..len]) {
                    let _ = socket.send_to(&answer, from);
                }
            }
        });
        address
    })
}

/// The names [`dns_server`] was asked for, one entry per query (A and AAAA count apart).
static DNS_QUERIES: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// How many queries for `name` the DNS server has received.
fn dns_queries(name: &str) -> usize {
    let queries = DNS_QUERIES.lock().unwrap();
    queries.iter().filter(|q| *q == name).count()
}

/// The answer to one query (RFC 1035 §4.1), `None` to stay silent.
fn dns_answer(query: &[u8]) -> Option<Vec<u8>> {
    let mut at = 12;
    let mut labels = Vec::new();
    while *query.get(at)? != 0 {
        let len = query[at] as usize;
        labels.push(String::from_utf8_lossy(query.get(at + 1..at + 1 + len)?).to_lowercase());
        at += 1 + len;
    }
    DNS_QUERIES.lock().unwrap().push(labels.join("."));
    let question_end = at + 5;
    let qtype = u16::from_be_bytes([*query.get(at + 1)?, *query.get(at + 2)?]);
    let (rcode, address) = match labels.first()?.as_str() {
        "silent" => return None,
        "servfail" => (2, None),
        "nodata" => (0, None),
        "docspace" if qtype == 1 => (0, Some([127, 0, 0, 1])),
        "docspace" => (0, None),
        _ => (3, None),
    };
    let mut answer = query[..2].to_vec();
    answer.extend_from_slice(&(0x8180u16 | rcode).to_be_bytes());
    answer.extend_from_slice(&[0, 1, 0, u8::from(address.is_some()), 0, 0, 0, 0]);
    answer.extend_from_slice(query.get(12..question_end)?);
    if let Some(ip) = address {
        answer.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4]);
        answer.extend_from_slice(&ip);
    }
    Some(answer)
}

/// Whether the DNS tests can run here ([`crate::sandbox`]).
fn sandbox() -> bool {
    crate::sandbox("the DNS tests")
}

/// Runs the binary with only `env`, resolving names through [`dns_server`] alone.
fn run_resolving(args: &[&str], env: &[(&str, &str)]) -> Outcome {
    static FILES: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    let (resolv, nsswitch) = FILES.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("docspace-people-dns-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let resolv = dir.join("resolv.conf");
        let nsswitch = dir.join("nsswitch.conf");
        let server = dns_server();
        std::fs::write(
            &resolv,
            format!("nameserver {server}\noptions timeout:1 attempts:1\n"),
        )
        .unwrap();
        std::fs::write(&nsswitch, "hosts: dns\n").unwrap();
        (resolv, nsswitch)
    });
    run_with_files(
        &[
            (resolv, "/etc/resolv.conf"),
            (nsswitch, "/etc/nsswitch.conf"),
        ],
        args,
        env,
    )
}

fn whoami_at(portal: &str, extra: &[(&str, &str)], args: &[&str]) -> Outcome {
    let mut env = vec![("DOCSPACE_URL", portal), ("DOCSPACE_TOKEN", "sk-x")];
    env.extend_from_slice(extra);
    let mut argv = vec!["whoami"];
    argv.extend_from_slice(args);
    run_resolving(&argv, &env)
}

#[test]
fn a_host_name_that_does_not_exist_is_exit_68_naming_the_host() {
    if !sandbox() {
        return;
    }
    whoami_at("https://nxdomain.example.test", &[], &[])
        .code(68)
        .stderr_is(
            "docspace-people: whoami: the portal's host name 'nxdomain.example.test' does not exist in DNS (Name or service not known); check the portal address (--portal or DOCSPACE_URL)\n",
        );
    whoami_at("https://nodata.example.test", &[], &[])
        .code(68)
        .stderr_has("the portal's host name 'nodata.example.test' has no address in DNS");
}

#[test]
fn a_resolver_that_fails_for_now_is_exit_75_naming_the_host_and_dns() {
    if !sandbox() {
        return;
    }
    whoami_at("https://servfail.example.test", &[], &["--retries", "1"])
        .code(75)
        .stderr_has("(attempt 2 of 2)")
        .stderr_has(
            "whoami: the DNS lookup of the portal's host name 'servfail.example.test' failed for now (Temporary failure in name resolution); try again later",
        );
    whoami_at("https://silent.example.test", &[], &["--retries", "0"])
        .code(75)
        .stderr_has(
            "the DNS lookup of the portal's host name 'silent.example.test' failed for now",
        );
}

#[test]
fn the_portal_name_is_looked_up_once_however_many_requests_follow() {
    if !sandbox() {
        return;
    }
    let portal = Portal::start();
    let key = portal.owner().key;
    let host = "docspace.looked-up-once.example.test";
    let by_name = portal.url().replace("127.0.0.1", host);
    let home =
        std::env::temp_dir().join(format!("docspace-people-dns-home-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let env = [
        ("DOCSPACE_URL", by_name.as_str()),
        ("DOCSPACE_TOKEN", &key),
        ("HOME", home.to_str().unwrap()),
    ];
    run_resolving(&["whoami", "--insecure-http"], &env).code(0);
    let one_request = dns_queries(host);
    assert!(one_request > 0, "the name was looked up in this DNS server");
    let before = portal.api_requests().len();
    run_resolving(
        &[
            "lifecycle",
            "--insecure-http",
            "--email",
            "once@example.com",
            "--first-name",
            "Once",
        ],
        &env,
    )
    .code(0);
    assert!(portal.api_requests().len() - before >= 4, "four requests");
    assert_eq!(
        dns_queries(host),
        2 * one_request,
        "one look-up for the whole lifecycle, as for whoami"
    );
}

#[test]
fn a_proxy_whose_name_does_not_exist_is_named_as_the_proxy() {
    if !sandbox() {
        return;
    }
    whoami_at(
        "https://docspace.example.test",
        &[("https_proxy", "http://nxdomain.proxy.test:3128")],
        &[],
    )
    .code(68)
    .stderr_has("the proxy's host name 'nxdomain.proxy.test' does not exist in DNS")
    .stderr_has("check the proxy in https_proxy");
}

#[test]
fn no_proxy_covers_the_subdomains_of_a_domain() {
    if !sandbox() {
        return;
    }
    let portal = Portal::start();
    let key = portal.owner().key;
    let by_name = portal.url().replace("127.0.0.1", "docspace.example.test");
    let proxy = Proxy::start(Mode::Refuse(403));
    let run = |no_proxy: &str| {
        run_resolving(
            &["whoami", "--insecure-http", "--retries", "0"],
            &[
                ("DOCSPACE_URL", &by_name),
                ("DOCSPACE_TOKEN", &key),
                ("http_proxy", &proxy.url()),
                ("NO_PROXY", no_proxy),
            ],
        )
    };

    for covering in ["example.test", ".example.test", "other.test, EXAMPLE.TEST"] {
        run(covering).code(0).stdout_has("owner@example.com");
    }
    assert!(proxy.requests().is_empty(), "{:?}", proxy.requests());
    run("ample.test,docspace.example").code(69);
    let host_port = by_name.split_once("://").unwrap().1;
    assert_eq!(proxy.requests(), [format!("CONNECT {host_port} HTTP/1.1")]);
}

/// The answers the DNS tests rely on.
#[test]
fn the_test_dns_server_answers_as_documented() {
    let query = |name: &str, qtype: u8| {
        let mut q = vec![0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        for label in name.split('.') {
            q.push(label.len() as u8);
            q.extend_from_slice(label.as_bytes());
        }
        q.extend_from_slice(&[0, 0, qtype, 0, 1]);
        q
    };
    let rcode = |a: &[u8]| a[3] & 0x0f;
    let nx = dns_answer(&query("nxdomain.example.test", 1)).unwrap();
    assert_eq!((rcode(&nx), nx[7]), (3, 0));
    let fail = dns_answer(&query("servfail.example.test", 1)).unwrap();
    assert_eq!(rcode(&fail), 2);
    assert!(dns_answer(&query("silent.example.test", 1)).is_none());
    let found = dns_answer(&query("docspace.example.test", 1)).unwrap();
    assert_eq!((rcode(&found), found[7]), (0, 1));
    assert_eq!(&found[found.len() - 4..], [127, 0, 0, 1]);
    assert_eq!(&found[..2], [0x12, 0x34], "the query's id");
}
