//! The floor of `benches/compare.sh`: a bare HTTP/1.1 client on std and rustls (ring)
//! that sends a fixed series of requests on one connection (one TLS handshake for
//! `https://`) and only reads the answers: status line, headers, then exactly
//! `Content-Length` bytes of body, which it neither parses nor keeps. It is what any
//! client must at least spend on the same requests.
//!
//! ```text
//! floor lifecycle BASE_URL [--ca-file PEM]      create, get, terminate, delete a user
//! floor get BASE_URL [--ca-file PEM] PATH...    one GET per path, in order
//! ```
//!
//! BASE_URL is `http://` or `https://` with an IP literal or name and a port; the bearer
//! token comes from `DOCSPACE_TOKEN`. It exits 1 on anything but a 200 answer with a
//! `Content-Length` (the nginx of `compare.sh` always sends one) and prints the number of
//! answers and body bytes on stdout. Under a plain `cargo bench` (which passes `--bench`)
//! it prints a note and exits 0.
// Test and example code: its public items are not an API.
#![allow(missing_docs)]

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;

/// The user `docspace-people lifecycle` meets in the canned nginx answers.
const USER_ID: &str = "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a";
const CREATE_BODY: &str =
    r#"{"firstName":"John","lastName":"Doe","email":"john.doe@example.com","type":"User"}"#;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--bench") {
        println!("floor: a reference client for benches/compare.sh; nothing to run here");
        return;
    }
    match run(&args) {
        Ok((answers, bytes)) => println!("{answers} answers, {bytes} body bytes"),
        Err(message) => {
            eprintln!("floor: {message}");
            std::process::exit(1);
        }
    }
}

struct Req {
    method: &'static str,
    path: String,
    body: String,
}

fn run(args: &[String]) -> Result<(usize, usize), String> {
    let usage = "usage: floor lifecycle|get BASE_URL [--ca-file PEM] [PATH...]";
    let (mode, base) = match args {
        [mode, base, ..] => (mode.as_str(), base.as_str()),
        _ => return Err(usage.to_owned()),
    };
    let mut ca = None;
    let mut paths = Vec::new();
    let mut rest = args[2..].iter();
    while let Some(arg) = rest.next() {
        if arg == "--ca-file" {
            ca = Some(rest.next().ok_or("--ca-file needs a value")?);
        } else {
            paths.push(arg.clone());
        }
    }
    let requests: Vec<Req> = match mode {
        "lifecycle" if paths.is_empty() => vec![
            Req {
                method: "POST",
                path: "/api/2.0/people".to_owned(),
                body: CREATE_BODY.to_owned(),
            },
            Req {
                method: "GET",
                path: format!("/api/2.0/people/{USER_ID}"),
                body: String::new(),
            },
            Req {
                method: "PUT",
                path: "/api/2.0/people/status/Terminated".to_owned(),
                body: format!(r#"{{"userIds":["{USER_ID}"],"resendAll":false}}"#),
            },
            Req {
                method: "DELETE",
                path: format!("/api/2.0/people/{USER_ID}"),
                body: String::new(),
            },
        ],
        "get" => paths
            .into_iter()
            .map(|path| Req {
                method: "GET",
                path,
                body: String::new(),
            })
            .collect(),
        _ => return Err(usage.to_owned()),
    };
    let (https, authority) = if let Some(a) = base.strip_prefix("https://") {
        (true, a.trim_end_matches('/'))
    } else if let Some(a) = base.strip_prefix("http://") {
        (false, a.trim_end_matches('/'))
    } else {
        return Err(format!("{base}: not an http:// or https:// URL"));
    };
    let host = match authority.rsplit_once(':') {
        Some((host, _)) => host.trim_start_matches('[').trim_end_matches(']'),
        None => return Err(format!("{base}: give the port")),
    };
    let token = std::env::var("DOCSPACE_TOKEN").unwrap_or_default();
    let tcp = TcpStream::connect(authority).map_err(|e| format!("{authority}: {e}"))?;
    tcp.set_nodelay(true).map_err(|e| e.to_string())?;
    if https {
        let config = tls_config(ca.map(String::as_str))?;
        let name = ServerName::try_from(host.to_owned()).map_err(|e| format!("{host}: {e}"))?;
        let conn = ClientConnection::new(config, name).map_err(|e| e.to_string())?;
        exchange(
            &mut StreamOwned::new(conn, tcp),
            authority,
            &token,
            &requests,
        )
    } else {
        exchange(&mut { tcp }, authority, &token, &requests)
    }
}

fn tls_config(ca: Option<&str>) -> Result<Arc<ClientConfig>, String> {
    let mut roots = RootCertStore::empty();
    if let Some(ca) = ca {
        let pem = std::fs::read(ca).map_err(|e| format!("{ca}: {e}"))?;
        for cert in CertificateDer::pem_slice_iter(&pem) {
            let cert = cert.map_err(|e| format!("{ca}: {e}"))?;
            roots.add(cert).map_err(|e| format!("{ca}: {e}"))?;
        }
    }
    let config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Sends each request and reads its answer before the next, on one stream.
fn exchange(
    stream: &mut impl ReadWrite,
    authority: &str,
    token: &str,
    requests: &[Req],
) -> Result<(usize, usize), String> {
    let mut buf = vec![0u8; 64 * 1024];
    // Bytes read beyond the answer before (none with a server that waits for requests).
    let mut have = 0;
    let mut body_bytes = 0;
    let mut head = Vec::with_capacity(512);
    for req in requests {
        head.clear();
        let _ = write!(
            head,
            "{} {} HTTP/1.1\r\nHost: {authority}\r\nAuthorization: Bearer {token}\r\nAccept: application/json\r\n",
            req.method, req.path
        );
        if !req.body.is_empty() || req.method != "GET" {
            let _ = write!(
                head,
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                req.body.len()
            );
        }
        head.extend_from_slice(b"\r\n");
        head.extend_from_slice(req.body.as_bytes());
        stream.write_all(&head).map_err(|e| e.to_string())?;
        stream.flush().map_err(|e| e.to_string())?;
        // The head of the answer.
        let end = loop {
            if let Some(end) = find(&buf[..have], b"\r\n\r\n") {
                break end + 4;
            }
            if have == buf.len() {
                return Err("an answer head over 64 KiB".to_owned());
            }
            let n = stream.read(&mut buf[have..]).map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("the server closed the connection".to_owned());
            }
            have += n;
        };
        let text = String::from_utf8_lossy(&buf[..end]);
        let status = text.split(' ').nth(1).unwrap_or("");
        if status != "200" {
            return Err(format!(
                "{} {}: {}",
                req.method,
                req.path,
                text.lines().next().unwrap_or("")
            ));
        }
        let length: usize = text
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())?
            })
            .ok_or_else(|| format!("{} {}: no Content-Length", req.method, req.path))?;
        // The body: what is already in the buffer, then the rest straight from the stream.
        let mut left = length;
        let in_buf = (have - end).min(left);
        left -= in_buf;
        let spill = end + in_buf;
        buf.copy_within(spill..have, 0);
        have -= spill;
        while left > 0 {
            let want = left.min(buf.len());
            let n = stream.read(&mut buf[..want]).map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("the server closed the connection mid-body".to_owned());
            }
            left -= n;
        }
        body_bytes += length;
    }
    Ok((requests.len(), body_bytes))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}
