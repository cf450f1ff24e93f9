//! The way to the portal: DNS, TLS, and what a middlebox does to an answer. Each
//! failure is named for what it is, with the exit code that says whether to fix or wait.
//!
//! DNS answers come from a tiny DNS server written here: the binary runs in its own mount
//! namespace (`unshare --mount`, which needs root) where /etc/resolv.conf names that
//! server and /etc/nsswitch.conf says `hosts: dns`, so no real DNS and no /etc/hosts entry
//! is involved. Without root those tests say they are skipped, unless
//! `DOCSPACE_PEOPLE_REQUIRE_SANDBOX` is set (as `.ci/run` sets it): then they fail.

use crate::portal::{Fault, Portal, Reply};
use crate::{Outcome, docspace};
use std::net::{Ipv4Addr, UdpSocket};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::thread;

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

/// The answer to one query (RFC 1035 §4.1), `None` to stay silent.
fn dns_answer(query: &[u8]) -> Option<Vec<u8>> {
    let mut at = 12;
    let mut labels = Vec::new();
    while *query.get(at)? != 0 {
        let len = query[at] as usize;
        labels.push(String::from_utf8_lossy(query.get(at + 1..at + 1 + len)?).to_lowercase());
        at += 1 + len;
    }
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

/// Whether this machine lets a test give the binary its own /etc/resolv.conf; when it
/// does not, the test is skipped with a note, or fails where the sandbox is required.
fn sandbox() -> bool {
    static USABLE: OnceLock<bool> = OnceLock::new();
    let usable = *USABLE.get_or_init(|| {
        Command::new("unshare")
            .args(["--mount", "true"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if !usable {
        assert!(
            std::env::var_os("DOCSPACE_PEOPLE_REQUIRE_SANDBOX").is_none(),
            "DOCSPACE_PEOPLE_REQUIRE_SANDBOX is set, but 'unshare --mount' fails (it needs root)"
        );
        eprintln!("skipped: the DNS tests need 'unshare --mount', which needs root");
    }
    usable
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
    let script = r#"mount --bind "$1" /etc/resolv.conf && mount --bind "$2" /etc/nsswitch.conf && shift 2 && exec "$@""#;
    let output = Command::new("unshare")
        .args(["--mount", "--", "sh", "-c", script, "sh"])
        .arg(resolv)
        .arg(nsswitch)
        .arg(env!("CARGO_BIN_EXE_docspace-people"))
        .args(args)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("unshare runs");
    Outcome {
        code: output
            .status
            .code()
            .expect("exited, not killed by a signal"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
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
