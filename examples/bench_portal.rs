//! Benchmark fixture for `benches/compare.sh`: a small, fast DocSpace People API server.
//!
//! ```text
//! cargo build --release --example bench_portal
//! target/x86_64-unknown-linux-gnu/release/examples/bench_portal --port 0 --users 10000
//! ```
//!
//! It serves a portal of N generated users (the same N users on every start) on
//! 127.0.0.1 over HTTP/1.1 with keep-alive, one thread per connection, and answers with
//! DocSpace's envelope. It exists so that `user list` and the bulk terminate/delete can be
//! timed against something that pages and echoes ids, which canned nginx answers cannot.
//! It is not a DocSpace emulator (that is `tests/cli/portal/`): it keeps no state, checks
//! no permissions and ignores every list filter except paging.
//!
//! | request | answer |
//! |---|---|
//! | `GET /api/2.0/people/filter?count=C&startIndex=S` | users S..S+C; `count` = items on the page, `total` = N |
//! | `GET /api/2.0/people/@self` | the owner (not one of the N) |
//! | `GET /api/2.0/people/email?email=E` | that user, or 404 |
//! | `GET /api/2.0/people/{id}` | that user, or 404 |
//! | `PUT /api/2.0/people/status/{Terminated\|Active}` | every id of `{"userIds":[…]}` as a user with that status |
//! | `PUT /api/2.0/people/delete` | every id of `{"userIds":[…]}` as a user with status 2 |
//! | `DELETE /api/2.0/people/{id}` | that user with status 2, or 404 |
//! | `GET /api/2.0/people/reassign/necessary?userId=…&type=…` | `false`: nobody owns rooms or shared files |
//! | `GET /api/2.0/group`, `GET /api/2.0/keys` | empty lists: no groups, no API keys |
//! | `GET /__stats` | request and connection counts as JSON (also printed on stderr) |
//! | `GET /__quit` | the same, then the server exits |
//!
//! Requests to `/__…` are not counted. The first line on stdout is
//! `listening on 127.0.0.1:PORT`.
// Test and example code: its public items are not an API.
#![allow(missing_docs)]

use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const MAX_LINE: u64 = 64 * 1024;
const MAX_HEADERS: usize = 100;
const MAX_BODY: usize = 16 * 1024 * 1024;
/// A connection idle this long is closed, so no thread waits forever.
const IDLE: Duration = Duration::from_secs(60);

const OWNER_ID: &str = "7ffe085d-0dc5-43c2-a9f2-757bd9a0afff";
const FIRST: [&str; 16] = [
    "Anna", "Boris", "Clara", "Daniel", "Elena", "Felix", "Greta", "Hugo", "Irene", "Jonas",
    "Katya", "Liam", "Marta", "Nils", "Olga", "Pavel",
];
const LAST: [&str; 16] = [
    "Adler",
    "Becker",
    "Costa",
    "Dvorak",
    "Engel",
    "Fischer",
    "Garcia",
    "Horvat",
    "Ivanova",
    "Jansen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Novak",
    "Olsen",
    "Petrov",
];

fn main() {
    let (port, users) = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("bench_portal: {message}\nusage: bench_portal --port N --users N");
            std::process::exit(64);
        }
    };
    let listener = match TcpListener::bind(("127.0.0.1", port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("bench_portal: cannot listen on 127.0.0.1:{port}: {e}");
            std::process::exit(69);
        }
    };
    let portal = Arc::new(Portal::new(users));
    let address = listener
        .local_addr()
        .expect("a bound socket has an address");
    // The benchmark script waits for this line to learn the port.
    println!("listening on {address}");
    let _ = io::stdout().flush();
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        portal.stats.connections.fetch_add(1, Ordering::Relaxed);
        let portal = Arc::clone(&portal);
        std::thread::spawn(move || serve(&portal, stream));
    }
}

fn parse_args() -> Result<(u16, usize), String> {
    let mut port = None;
    let mut users = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--port" => port = Some(value.parse().map_err(|_| format!("bad port '{value}'"))?),
            "--users" => users = Some(value.parse().map_err(|_| format!("bad count '{value}'"))?),
            _ => return Err(format!("unknown option '{arg}'")),
        }
    }
    Ok((
        port.ok_or("--port is required")?,
        users.ok_or("--users is required")?,
    ))
}

#[derive(Default)]
struct Stats {
    connections: AtomicU64,
    /// Connections that carried at least one API request (not just `/__stats`).
    api_connections: AtomicU64,
    requests: AtomicU64,
    /// Requests per route, e.g. `PUT /api/2.0/people/status/Terminated`.
    routes: Mutex<BTreeMap<String, u64>>,
    /// User ids received in `PUT status` and `PUT delete` bodies.
    ids_status: AtomicU64,
    ids_deleted: AtomicU64,
}

impl Stats {
    fn snapshot(&self) -> Value {
        let routes = self.routes.lock().map(|r| r.clone()).unwrap_or_default();
        json!({
            "connections": self.connections.load(Ordering::Relaxed),
            "api_connections": self.api_connections.load(Ordering::Relaxed),
            "requests": self.requests.load(Ordering::Relaxed),
            "routes": routes,
            "ids_status": self.ids_status.load(Ordering::Relaxed),
            "ids_deleted": self.ids_deleted.load(Ordering::Relaxed),
        })
    }
}

struct Portal {
    ids: Vec<String>,
    /// Each user's `EmployeeFullDto` with status 1, rendered once so pages are cheap.
    active: Vec<String>,
    by_id: HashMap<String, usize>,
    by_email: HashMap<String, usize>,
    stats: Stats,
}

impl Portal {
    fn new(count: usize) -> Portal {
        let ids: Vec<String> = (0..count).map(user_id).collect();
        let active: Vec<String> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| user(Some(i), id, 1).to_string())
            .collect();
        let by_id = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
        let by_email = (0..count).map(|i| (email(i), i)).collect();
        Portal {
            ids,
            active,
            by_id,
            by_email,
            stats: Stats::default(),
        }
    }

    /// A user with this id and status: one of ours, or a made-up one (echoes never fail).
    fn user_with_status(&self, id: &str, status: u8) -> Value {
        user(
            self.by_id.get(&id.to_ascii_lowercase()).copied(),
            id,
            status,
        )
    }
}

/// A deterministic version-4-looking GUID for user `i`.
fn user_id(i: usize) -> String {
    let mix = |mut z: u64| {
        // splitmix64: spreads consecutive numbers over the whole range.
        z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let a = mix(i as u64 * 2);
    let b = mix(i as u64 * 2 + 1);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

fn names(i: usize) -> (&'static str, &'static str) {
    (FIRST[i % FIRST.len()], LAST[(i / FIRST.len()) % LAST.len()])
}

fn email(i: usize) -> String {
    let (first, last) = names(i);
    format!(
        "{}.{}.{i}@example.com",
        first.to_lowercase(),
        last.to_lowercase()
    )
}

/// An `EmployeeFullDto` as DocSpace 3.7 sends it to a DocSpace admin.
fn user(index: Option<usize>, id: &str, status: u8) -> Value {
    let (first, last, mail) = match index {
        Some(i) => {
            let (first, last) = names(i);
            (first.to_owned(), last.to_owned(), email(i))
        }
        None => (
            "Someone".to_owned(),
            "Else".to_owned(),
            format!("{id}@example.com"),
        ),
    };
    let user_name = mail.split('@').next().unwrap_or_default().to_owned();
    let avatar =
        |size: &str| format!("/static/images/default_user_photo_size_{size}.png?hash=1238743481");
    json!({
        "firstName": first,
        "lastName": last,
        "userName": user_name,
        "email": mail,
        "status": status,
        "activationStatus": 1,
        "department": "",
        "isAdmin": false,
        "isRoomAdmin": false,
        "isLDAP": false,
        "isOwner": false,
        "isVisitor": false,
        "isCollaborator": true,
        "mobilePhoneActivationStatus": 0,
        "isSSO": false,
        "createdBy": {
            "id": OWNER_ID,
            "displayName": "Admin Owner",
            "avatar": avatar("82-82"),
            "avatarOriginal": avatar("200-200"),
            "avatarMax": avatar("200-200"),
            "avatarMedium": avatar("48-48"),
            "avatarSmall": avatar("32-32"),
            "profileUrl": "https://portal.example.com/accounts/people/filter?search=owner%40example.com",
            "hasAvatar": false,
            "isAnonim": false
        },
        "registrationDate": "2026-07-01T10:00:00.0000000Z",
        "id": id,
        "displayName": format!("{first} {last}"),
        "avatar": avatar("82-82"),
        "avatarOriginal": avatar("200-200"),
        "avatarMax": avatar("200-200"),
        "avatarMedium": avatar("48-48"),
        "avatarSmall": avatar("32-32"),
        "profileUrl": format!(
            "https://portal.example.com/accounts/people/filter?search={}",
            mail.replace('@', "%40")
        ),
        "hasAvatar": false,
        "isAnonim": false
    })
}

fn owner() -> Value {
    let mut owner = user(None, OWNER_ID, 1);
    for (key, value) in [
        ("firstName", json!("Admin")),
        ("lastName", json!("Owner")),
        ("userName", json!("owner")),
        ("email", json!("owner@example.com")),
        ("displayName", json!("Admin Owner")),
        ("isOwner", json!(true)),
        ("isCollaborator", json!(false)),
        ("theme", json!("System")),
        (
            "profileUrl",
            json!("https://portal.example.com/accounts/people/filter?search=owner%40example.com"),
        ),
    ] {
        owner[key] = value;
    }
    if let Some(map) = owner.as_object_mut() {
        map.remove("createdBy");
    }
    owner
}

struct Request {
    method: String,
    target: String,
    host: String,
    authorized: bool,
    body: Vec<u8>,
    keep_alive: bool,
}

struct Reply {
    code: u16,
    body: String,
    quit: bool,
}

impl Reply {
    fn ok(body: String) -> Reply {
        Reply {
            code: 200,
            body,
            quit: false,
        }
    }

    /// DocSpace's error envelope (tests/cli/portal/QUIRKS.md Q13).
    fn error(code: u16, message: &str) -> Reply {
        let body = json!({
            "error": {"message": message, "type": null, "stack": null, "hresult": 0},
            "status": 1,
            "statusCode": code
        });
        Reply {
            code,
            body: body.to_string(),
            quit: false,
        }
    }

    /// A route miss: 404 with an empty body, as ASP.NET routing answers.
    fn empty(code: u16) -> Reply {
        Reply {
            code,
            body: String::new(),
            quit: false,
        }
    }
}

fn serve(portal: &Portal, stream: TcpStream) {
    // Header and body go out in one write; without this Nagle's algorithm would add
    // delayed-ACK stalls that measure the kernel, not the client.
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(IDLE));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let mut counted = false;
    loop {
        let request = match read_request(&mut reader) {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err(_) => {
                let _ = write_reply(&mut writer, &Reply::empty(400), false);
                break;
            }
        };
        if !request.target.starts_with("/__") {
            portal.stats.requests.fetch_add(1, Ordering::Relaxed);
            if !counted {
                counted = true;
                portal.stats.api_connections.fetch_add(1, Ordering::Relaxed);
            }
        }
        let reply = respond(portal, &request);
        let keep_alive = request.keep_alive && !reply.quit;
        if write_reply(&mut writer, &reply, keep_alive).is_err() {
            break;
        }
        if reply.quit {
            std::process::exit(0);
        }
        if !keep_alive {
            break;
        }
    }
}

/// `Ok(None)` when the client closed the connection between requests.
fn read_request(reader: &mut BufReader<TcpStream>) -> io::Result<Option<Request>> {
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
    let mut line = String::new();
    if reader.by_ref().take(MAX_LINE).read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("bad request line"));
    };
    let (method, target) = (method.to_owned(), target.to_owned());
    let mut keep_alive = version == "HTTP/1.1";
    let mut length = 0usize;
    let mut chunked = false;
    let mut host = String::from("127.0.0.1");
    let mut authorized = false;
    for _ in 0..=MAX_HEADERS {
        line.clear();
        if reader.by_ref().take(MAX_LINE).read_line(&mut line)? == 0 {
            return Err(bad("connection closed in the headers"));
        }
        let header = line.trim_end();
        if header.is_empty() {
            let body = if chunked {
                read_chunked(reader)?
            } else {
                if length > MAX_BODY {
                    return Err(bad("body too large"));
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body)?;
                body
            };
            return Ok(Some(Request {
                method,
                target,
                host,
                authorized,
                body,
                keep_alive,
            }));
        }
        let Some((name, value)) = header.split_once(':') else {
            return Err(bad("bad header"));
        };
        let value = value.trim();
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.parse().map_err(|_| bad("bad length"))?,
            "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
            "host" => host = value.to_owned(),
            "authorization" => authorized = !value.is_empty(),
            "connection" => {
                if value.eq_ignore_ascii_case("close") {
                    keep_alive = false;
                } else if value.eq_ignore_ascii_case("keep-alive") {
                    keep_alive = true;
                }
            }
            _ => {}
        }
    }
    Err(bad("too many headers"))
}

fn read_chunked(reader: &mut BufReader<TcpStream>) -> io::Result<Vec<u8>> {
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        reader.by_ref().take(MAX_LINE).read_line(&mut line)?;
        let size_text = line.trim().split(';').next().unwrap_or_default();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| bad("bad chunk size"))?;
        if body.len() + size > MAX_BODY {
            return Err(bad("body too large"));
        }
        if size == 0 {
            // Trailers, if any, end with an empty line.
            loop {
                line.clear();
                if reader.by_ref().take(MAX_LINE).read_line(&mut line)? == 0
                    || line.trim().is_empty()
                {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        line.clear();
        reader.by_ref().take(MAX_LINE).read_line(&mut line)?;
    }
}

fn write_reply(writer: &mut TcpStream, reply: &Reply, keep_alive: bool) -> io::Result<()> {
    let reason = match reply.code {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Error",
    };
    let mut out = Vec::with_capacity(reply.body.len() + 160);
    write!(out, "HTTP/1.1 {} {reason}\r\n", reply.code)?;
    if !reply.body.is_empty() {
        out.extend_from_slice(b"Content-Type: application/json; charset=utf-8\r\n");
    }
    write!(out, "Content-Length: {}\r\n", reply.body.len())?;
    if !keep_alive {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(reply.body.as_bytes());
    writer.write_all(&out)?;
    writer.flush()
}

fn respond(portal: &Portal, request: &Request) -> Reply {
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((&request.target, ""));
    let method = request.method.as_str();
    if method == "GET" && (path == "/__stats" || path == "/__quit") {
        let stats = portal.stats.snapshot();
        eprintln!("bench_portal stats: {stats}");
        return Reply {
            code: 200,
            body: stats.to_string(),
            quit: path == "/__quit",
        };
    }
    // A terminate or delete reads the portal's groups and API keys once (issue 22): a
    // portal with none of either.
    if method == "GET" && (path == "/api/2.0/group" || path == "/api/2.0/keys") {
        if let Ok(mut routes) = portal.stats.routes.lock() {
            *routes.entry(format!("GET {path}")).or_default() += 1;
        }
        if !request.authorized {
            return Reply::empty(401);
        }
        let total = if path == "/api/2.0/group" {
            ",\"total\":0"
        } else {
            ""
        };
        return Reply::ok(format!(
            "{{\"response\":[],\"count\":0{total},\"status\":0,\"statusCode\":200}}"
        ));
    }
    let Some(rest) = path.strip_prefix("/api/2.0/people") else {
        return Reply::empty(404);
    };
    let route = match (method, rest) {
        ("GET", "/filter" | "/@self" | "/email" | "/reassign/necessary") | ("PUT", "/delete") => {
            format!("{method} {path}")
        }
        ("PUT", r) if r.starts_with("/status/") => format!("{method} {path}"),
        _ => format!("{method} /api/2.0/people/{{id}}"),
    };
    if let Ok(mut routes) = portal.stats.routes.lock() {
        *routes.entry(route).or_default() += 1;
    }
    if !request.authorized {
        // DocSpace's authentication challenge: 401 with an empty body.
        return Reply::empty(401);
    }
    let envelope = |response: String, count: usize, total: Option<usize>| {
        let link = json!([{"href": format!("http://{}{}", request.host, request.target), "action": method}]);
        let total = total.map(|t| format!(",\"total\":{t}")).unwrap_or_default();
        Reply::ok(format!(
            "{{\"response\":{response},\"count\":{count}{total},\"links\":{link},\"status\":0,\"statusCode\":200}}"
        ))
    };
    match (method, rest) {
        ("GET", "/filter") => {
            let count = query_value(query, "count").map_or(Ok(100), |c| c.parse::<usize>());
            let start = query_value(query, "startIndex").map_or(Ok(0), |s| s.parse::<usize>());
            let (Ok(count @ 1..=100), Ok(start)) = (count, start) else {
                return Reply::error(400, "count must be 1..100 and startIndex a number");
            };
            let page = &portal.active
                [start.min(portal.active.len())..(start + count).min(portal.active.len())];
            let items = format!("[{}]", page.join(","));
            envelope(items, page.len(), Some(portal.active.len()))
        }
        ("GET", "/@self") => envelope(owner().to_string(), 1, None),
        // Asked before a plain delete (DocSpace 3.5 and later); a 404 here would make the
        // tool skip every user as on a portal too old to say.
        ("GET", "/reassign/necessary") => envelope("false".to_owned(), 1, None),
        ("GET", "/email") => {
            let wanted =
                query_value(query, "email").map(|e| percent_decode(&e).to_ascii_lowercase());
            match wanted.and_then(|e| portal.by_email.get(&e).copied()) {
                Some(i) => envelope(portal.active[i].clone(), 1, None),
                None => Reply::error(404, "The user could not be found"),
            }
        }
        ("PUT", "/delete") => match user_ids(&request.body) {
            Ok(ids) => {
                portal
                    .stats
                    .ids_deleted
                    .fetch_add(ids.len() as u64, Ordering::Relaxed);
                let users: Vec<Value> = ids
                    .iter()
                    .map(|id| portal.user_with_status(id, 2))
                    .collect();
                envelope(Value::from(users).to_string(), 1, None)
            }
            Err(reply) => reply,
        },
        ("PUT", r) if r.starts_with("/status/") => {
            let status = match &r["/status/".len()..] {
                s if s.eq_ignore_ascii_case("terminated") || s == "2" => 2,
                s if s.eq_ignore_ascii_case("active") || s == "1" => 1,
                _ => return Reply::error(400, "Incorrect status"),
            };
            match user_ids(&request.body) {
                Ok(ids) => {
                    portal
                        .stats
                        .ids_status
                        .fetch_add(ids.len() as u64, Ordering::Relaxed);
                    let users: Vec<Value> = ids
                        .iter()
                        .map(|id| portal.user_with_status(id, status))
                        .collect();
                    // count is 1 whatever the length: the portal does not call SetCount here.
                    envelope(Value::from(users).to_string(), 1, None)
                }
                Err(reply) => reply,
            }
        }
        ("GET" | "DELETE", r) if r.len() > 1 && !r[1..].contains('/') => {
            let id = r[1..].to_ascii_lowercase();
            match portal.by_id.get(&id) {
                Some(&i) if method == "GET" => envelope(portal.active[i].clone(), 1, None),
                Some(&i) => envelope(user(Some(i), &portal.ids[i], 2).to_string(), 1, None),
                None => Reply::error(404, "The user could not be found"),
            }
        }
        _ => Reply::empty(404),
    }
}

/// The `userIds` of a batch body, or the portal's 400 answer.
fn user_ids(body: &[u8]) -> Result<Vec<String>, Reply> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|_| Reply::error(400, "A non-empty request body is required."))?;
    let ids = value
        .get("userIds")
        .and_then(Value::as_array)
        .ok_or_else(|| Reply::error(400, "Value cannot be null. (Parameter 'source')"))?;
    ids.iter()
        .map(|id| id.as_str().map(str::to_owned))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| Reply::error(400, "One or more validation errors occurred."))
}

fn query_value(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.to_owned())
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
