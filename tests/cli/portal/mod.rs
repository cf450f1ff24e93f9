#![allow(dead_code)] // shared by the cli test binary and the sandbox example; each uses only part of it

//! A stand-in for an ONLYOFFICE DocSpace 3.7 portal, limited to the People
//! API the crate administers, reproducing the real server's quirks: each
//! rule it implements, and its source, is in QUIRKS.md next to this file
//! and cited as `QUIRKS.md Qn`. It speaks HTTP/1.1 over a hand-written
//! server so tests can inject byte-level faults (Q34) and count connections
//! (Q35), optionally over TLS (`Portal::start_tls`, Q33).

mod api;
mod codec;
mod http;
mod json;
#[cfg(test)]
mod selftest;
mod state;
mod tls;
#[path = "../../../src/app/unicode.rs"]
mod unicode;

use std::collections::HashMap;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use state::{NewMember, State};

const DAY: i64 = 86_400;

#[derive(Clone, Debug)]
pub struct Account {
    pub id: String,
    pub email: String,
    /// `sk-` followed by 64 lower-case hex digits; valid only as `Authorization: Bearer <key>`.
    pub key: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Owner,
    DocSpaceAdmin,
    RoomAdmin,
    User,
    Guest,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Active,
    Terminated,
    Pending,
}

#[derive(Clone, Debug)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub kind: Kind,
    pub status: Status,
    pub removed: bool,
    /// `TerminatedDate` in unix seconds: stamped by `PUT /people/{userid}` with
    /// `disable: true` or `set_terminated_at`, cleared by `disable: false`, never touched by
    /// `PUT /people/status` (QUIRKS.md Q42, Q24).
    pub terminated_at: Option<i64>,
}

/// A group as the portal holds it (QUIRKS.md Q53).
#[derive(Clone, Debug)]
pub struct GroupView {
    pub id: String,
    pub name: String,
    pub removed: bool,
    pub manager: Option<String>,
    pub members: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Logged {
    pub method: String,
    /// Path and query exactly as the client sent them.
    pub path: String,
    /// Names lower-cased, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// 1-based number of the TCP connection that carried the request.
    pub connection: usize,
    /// When the request was read (test instrumentation).
    pub at: Instant,
}

impl Logged {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

#[derive(Clone, Debug)]
pub enum Reply {
    /// Sent as a normal response; Content-Length is set by the portal.
    Status {
        code: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Written verbatim to the socket, then the connection is closed.
    Raw(Vec<u8>),
    /// Read the request, send nothing for that long, then close.
    Hang(Duration),
    /// Close the connection without answering.
    Close,
    /// The portal had closed this keep-alive connection while it was idle, without
    /// notice (no FIN reached the client), and the client learns it only under its next
    /// request: the request is not handled and the connection ends without an answer.
    /// Matches only a request on a connection that carried an earlier one, since a new
    /// connection cannot have gone stale.
    ClosedWhileIdle,
    /// Handle the request as usual (state changes, e.g. POST /people creates
    /// the user), then close the connection without answering: an answer
    /// lost in the network after the server acted, which a client must not
    /// blindly retry.
    LoseAnswer,
    /// Handle the request as usual: lets a later fault of the list apply to a later
    /// request of the same path (not from the server: test machinery).
    Pass,
    /// Remove these users (as another admin would), then answer as usual: the portal
    /// changing between two requests of a listing (not from the server: test machinery).
    RemoveFirst(Vec<String>),
    /// Terminate these users (as another admin would), then answer as usual: a user who
    /// changed between being read and being sent (not from the server: test machinery).
    TerminateFirst(Vec<String>),
    /// Wait this long, then handle the request as usual: a portal at a distance, or a
    /// slow one (not from the server: test machinery).
    Slow(Duration),
    /// Answer this bodiless status at once and close the connection, then carry the
    /// request out that much later: a proxy's 504 while the portal is still working
    /// (not from the server: test machinery for what nginx's proxy_read_timeout does).
    ActLater { code: u16, after: Duration },
    /// Hold the request until the gate opens, then handle it as usual: a request a test
    /// knows to be under way while it does something else (not from the server: test
    /// machinery).
    Hold(Gate),
}

/// What a [`Reply::Hold`] waits for: opened once by the test.
#[derive(Clone, Debug, Default)]
pub struct Gate(Arc<AtomicBool>);

impl Gate {
    pub fn new() -> Gate {
        Gate::default()
    }

    /// Lets the held requests go on.
    pub fn open(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    fn is_open(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

impl Reply {
    /// A bodiless status, e.g. the empty 429 or 502 a proxy in front of DocSpace sends.
    pub fn empty(code: u16) -> Reply {
        Reply::Status {
            code,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn json(code: u16, body: &str) -> Reply {
        Reply::Status {
            code,
            headers: vec![(
                "Content-Type".to_owned(),
                "application/json; charset=utf-8".to_owned(),
            )],
            body: body.as_bytes().to_vec(),
        }
    }
}

/// The portal's own settings that change its answers (QUIRKS.md Q15, Q49, Q50).
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// The language of the translated messages: `None` or `"en"` English, `"de"` German.
    pub language: Option<String>,
    /// `https://portal.example.com`: the tenant's own address, which the server writes
    /// into every link it hands out, whatever address it was called on.
    pub tenant_url: Option<String>,
    /// The tenant's time zone, minutes east of UTC: dates carry that offset.
    pub zone_minutes: i64,
}

/// Answers as the vendor's OpenAPI document allows them, each switch a freedom today's
/// server does not take but the document gives (QUIRKS.md Q51). All off by default.
#[derive(Clone, Debug, Default)]
pub struct Wire {
    /// Empty `firstName`, `lastName`, `userName`, `email` written as `null`, and the
    /// `displayName` of a user without names too.
    pub nulls: bool,
    /// `status` and `activationStatus` as names (`"Pending"`), not numbers.
    pub enum_names: bool,
    /// Dates as the `ApiDateTime` object `{"utcTime", "timeZoneOffset"}`.
    pub date_objects: bool,
    /// The envelope's `status` is 200 (the HTTP status), not 0.
    pub status_200: bool,
    /// List envelopes without `total`.
    pub no_total: bool,
    /// Answers sent with `Transfer-Encoding: chunked` instead of `Content-Length`.
    pub chunked: bool,
    /// The invite answer carries one more pending entry, without an `id`.
    pub invite_entry_without_id: bool,
    /// A bare 404, without the error body, for an unknown address on `GET /people/email`.
    pub bare_email_404: bool,
}

#[derive(Clone, Debug)]
pub struct Fault {
    /// "" matches any method.
    pub method: &'static str,
    /// Matched against the path including its query.
    pub path_prefix: String,
    pub times: usize,
    pub reply: Reply,
}

pub struct Portal {
    shared: Arc<Shared>,
    address: SocketAddr,
    accept_thread: Option<JoinHandle<()>>,
    /// A directory of this portal's own, for the state (journal, locks) of the runs
    /// against it (not from the server: test machinery).
    state_dir: PathBuf,
}

/// What the accept thread, the connection threads and the test thread share.
struct Shared {
    base_url: String,
    /// Set by `start_tls`: every accepted socket is wrapped in TLS.
    tls: Option<Arc<rustls::ServerConfig>>,
    state: Mutex<State>,
    log: Mutex<Vec<Logged>>,
    faults: Mutex<Vec<Fault>>,
    connections: AtomicUsize,
    stopping: AtomicBool,
    /// Clones of live sockets so Drop can unblock their reader threads.
    open_streams: Mutex<HashMap<usize, TcpStream>>,
}

/// A handler bug must not poison the portal for the rest of a test: later
/// requests still get served and the test sees the real failure.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    fn record(&self, request: &http::Request, connection: usize) {
        lock(&self.log).push(Logged {
            method: request.method.clone(),
            path: request.target.clone(),
            headers: request.headers.clone(),
            body: String::from_utf8_lossy(&request.body).into_owned(),
            connection,
            at: Instant::now(),
        });
    }

    /// The fault for a request, if one matches; `reused` says whether the request came
    /// on a connection that carried an earlier one.
    fn take_fault(&self, method: &str, target: &str, reused: bool) -> Option<Reply> {
        let mut faults = lock(&self.faults);
        let index = faults.iter().position(|fault| {
            fault.times > 0
                && (fault.method.is_empty() || fault.method == method)
                && target.starts_with(&fault.path_prefix)
                && (reused || !matches!(fault.reply, Reply::ClosedWhileIdle))
        })?;
        faults[index].times -= 1;
        let reply = faults[index].reply.clone();
        if faults[index].times == 0 {
            faults.remove(index);
        }
        // A held request must not keep the other connections from their faults.
        drop(faults);
        match reply {
            Reply::Pass => None,
            Reply::Slow(duration) => {
                self.sleep_unless_stopping(duration);
                None
            }
            Reply::RemoveFirst(ids) => {
                let mut state = lock(&self.state);
                for id in &ids {
                    state.remove(id);
                }
                None
            }
            Reply::TerminateFirst(ids) => {
                let mut state = lock(&self.state);
                for id in &ids {
                    if let Some(member) = state.member_mut(id) {
                        member.status = Status::Terminated;
                    }
                    state.end_sessions(id);
                }
                None
            }
            reply => Some(reply),
        }
    }

    /// Waits until `gate` opens or the portal stops.
    fn wait_for(&self, gate: &Gate) {
        while !gate.is_open() && !self.stopping.load(Ordering::SeqCst) {
            thread::sleep(Duration::from_millis(10));
        }
    }

    fn sleep_unless_stopping(&self, duration: Duration) {
        let deadline = Instant::now() + duration;
        while !self.stopping.load(Ordering::SeqCst) {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            thread::sleep((deadline - now).min(Duration::from_millis(20)));
        }
    }
}

impl Portal {
    /// A fresh portal whose only account is the owner "Admin Owner" <owner@example.com>.
    pub fn start() -> Portal {
        Portal::launch(None)
    }

    /// The same portal over HTTPS: `url()` and every link it generates start
    /// with `https://`, and clients must trust `ca_file()`. A client that
    /// refuses the certificate only loses its own connection (still counted
    /// by `connections()`).
    pub fn start_tls() -> Portal {
        Portal::launch(Some(tls::server_config()))
    }

    fn launch(tls: Option<Arc<rustls::ServerConfig>>) -> Portal {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the stand-in portal");
        let address = listener.local_addr().expect("stand-in portal address");
        let scheme = if tls.is_some() { "https" } else { "http" };
        let shared = Arc::new(Shared {
            base_url: format!("{scheme}://127.0.0.1:{}", address.port()),
            tls,
            state: Mutex::new(State::new()),
            log: Mutex::new(Vec::new()),
            faults: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
            stopping: AtomicBool::new(false),
            open_streams: Mutex::new(HashMap::new()),
        });
        let accept_thread = thread::spawn({
            let shared = Arc::clone(&shared);
            move || accept_connections(&listener, &shared)
        });
        static LAUNCHED: AtomicUsize = AtomicUsize::new(0);
        let state_dir = std::env::temp_dir().join(format!(
            "docspace-people-portal-{}-{}",
            std::process::id(),
            LAUNCHED.fetch_add(1, Ordering::SeqCst)
        ));
        Portal {
            shared,
            address,
            accept_thread: Some(accept_thread),
            state_dir,
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.shared.state)
    }

    /// `http://127.0.0.1:PORT` (`https://` after `start_tls`), without a trailing slash.
    /// A directory no other portal of this process uses (it need not exist yet).
    pub fn state_dir(&self) -> PathBuf {
        self.state_dir.clone()
    }

    pub fn url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The PEM certificate (self-signed, for 127.0.0.1 and localhost) that
    /// clients of `start_tls` must trust, e.g. via `--ca-file`. A plain
    /// `start` portal returns the same file, so a test can pass it either
    /// way; it is then simply unused.
    pub fn ca_file(&self) -> PathBuf {
        tls::cert_path()
    }

    pub fn owner(&self) -> Account {
        let state = self.state();
        let owner = state
            .member_any(state.owner_id())
            .expect("the stand-in portal always has its owner");
        Account {
            id: owner.id.clone(),
            email: owner.email.clone(),
            key: state
                .api_key_of(&owner.id)
                .expect("the owner gets an API key at start"),
        }
    }

    /// An active, activated account created by the owner, with its own API key.
    /// No relation is recorded, even for `Kind::Guest`.
    pub fn add_member(&self, kind: Kind, email: &str, first: &str, last: &str) -> Account {
        assert!(kind != Kind::Owner, "a portal has exactly one owner");
        let mut state = self.state();
        assert!(
            state.by_email(email).is_none(),
            "{email} is already registered on the stand-in portal"
        );
        let owner_id = state.owner_id().to_owned();
        let id = state.create(NewMember {
            email,
            first_name: first,
            last_name: last,
            kind,
            status: Status::Active,
            activation: 1,
            created_by: Some(owner_id),
            registered_at: codec::now().0 - DAY,
        });
        let key = state.issue_api_key(&id);
        Account {
            id,
            email: email.to_owned(),
            key,
        }
    }

    /// A guest as if invited by `inviter_id`: created by them, with the
    /// relation inviter→guest that lets a RoomAdmin see and unlink it.
    pub fn add_guest_of(&self, inviter_id: &str, email: &str, first: &str, last: &str) -> String {
        let mut state = self.state();
        assert!(
            state.member(inviter_id).is_some(),
            "unknown inviter {inviter_id}"
        );
        assert!(
            state.by_email(email).is_none(),
            "{email} is already registered on the stand-in portal"
        );
        let id = state.create(NewMember {
            email,
            first_name: first,
            last_name: last,
            kind: Kind::Guest,
            status: Status::Active,
            activation: 1,
            created_by: Some(inviter_id.to_owned()),
            registered_at: codec::now().0 - DAY,
        });
        state.relate(inviter_id, &id);
        id
    }

    /// Invited by the owner as a User and never registered: Pending, empty names.
    pub fn add_pending(&self, email: &str) -> String {
        let mut state = self.state();
        assert!(
            state.by_email(email).is_none(),
            "{email} is already registered on the stand-in portal"
        );
        let owner_id = state.owner_id().to_owned();
        let id = state.create(NewMember {
            email,
            first_name: "",
            last_name: "",
            kind: Kind::User,
            status: Status::Pending,
            activation: 2,
            created_by: Some(owner_id.clone()),
            registered_at: codec::now().0,
        });
        state.relate(&owner_id, &id);
        id
    }

    pub fn set_status(&self, id: &str, status: Status) {
        let mut state = self.state();
        let member = state.member_mut(id).expect("set_status on an unknown user");
        member.status = status;
        let id = member.id.clone();
        if status != Status::Active {
            state.end_sessions(&id);
        }
    }

    /// Marks the account removed, as a successful DELETE /people/{id} does.
    pub fn remove(&self, id: &str) {
        self.state().remove(id);
    }

    /// Removed users included (`removed: true`).
    pub fn user(&self, id: &str) -> Option<UserView> {
        self.state().member_any(id).map(view_of)
    }

    /// Every user, removed ones included, in the order they were made: one look at the
    /// state where a test needs them all (not from the server: test machinery).
    pub fn users(&self) -> Vec<UserView> {
        self.state().members.iter().map(view_of).collect()
    }

    /// Non-removed users only.
    pub fn user_by_email(&self, email: &str) -> Option<UserView> {
        self.state().by_email(email).map(view_of)
    }

    pub fn relations_of(&self, id: &str) -> Vec<String> {
        self.state().relations_of(id)
    }

    /// The short link GET /people/guests/{id}/share would return when called by `creator_id`.
    pub fn share_link(&self, guest_id: &str, creator_id: &str) -> String {
        let mut state = self.state();
        let base = state
            .settings
            .tenant_url
            .clone()
            .unwrap_or_else(|| self.shared.base_url.clone());
        state.issue_share_link(&base, guest_id, creator_id)
    }

    /// Lets POST /api/2.0/authentication accept this pair for that existing user.
    pub fn login(&self, email: &str, password: &str) {
        let mut state = self.state();
        let id = state
            .by_email(email)
            .map(|member| member.id.clone())
            .expect("login for an unknown email");
        state.member_mut(&id).expect("found above").password = Some(password.to_owned());
    }

    pub fn requests(&self) -> Vec<Logged> {
        lock(&self.shared.log).clone()
    }

    pub fn api_requests(&self) -> Vec<Logged> {
        lock(&self.shared.log)
            .iter()
            .filter(|logged| logged.path.starts_with("/api/"))
            .cloned()
            .collect()
    }

    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    pub fn clear_log(&self) {
        lock(&self.shared.log).clear();
    }

    /// The next `times` matching requests get `reply` instead of being handled;
    /// they are still logged and change no state, except with
    /// `Reply::LoseAnswer`, which handles them and only drops the answer.
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.faults).push(fault);
    }

    /// Makes `user_id` the owner of `rooms` more rooms (QUIRKS.md Q38). Guests own no
    /// rooms on DocSpace, so giving them some is a test bug.
    pub fn give_rooms(&self, user_id: &str, rooms: usize) {
        let mut state = self.state();
        let member = state
            .member_mut(user_id)
            .expect("give_rooms to an unknown user");
        assert!(
            member.kind != Kind::Guest,
            "a guest cannot own rooms on DocSpace"
        );
        member.rooms += rooms;
    }

    /// Shares `files` more files or folders from the user's My documents (QUIRKS.md Q38).
    pub fn share_files(&self, user_id: &str, files: usize) {
        let mut state = self.state();
        let member = state
            .member_mut(user_id)
            .expect("share_files of an unknown user");
        member.shared_files += files;
    }

    /// Rooms the user owns now, those handed over to it included (removed users too).
    pub fn rooms_of(&self, user_id: &str) -> usize {
        self.state()
            .member_any(user_id)
            .map_or(0, |member| member.rooms)
    }

    /// Shared files the user has now; files moved to an heir count as the heir's.
    pub fn shared_files_of(&self, user_id: &str) -> usize {
        self.state()
            .member_any(user_id)
            .map_or(0, |member| member.shared_files)
    }

    /// The portal's language: `"de"` translates the messages the server takes from its
    /// resources (QUIRKS.md Q49).
    pub fn set_language(&self, language: &str) {
        self.state().settings.language = Some(language.to_owned());
    }

    /// The tenant's own domain, e.g. `portal.example.com`: links and profile URLs are
    /// written on `https://` that domain, whatever address the portal is called on
    /// (QUIRKS.md Q50).
    pub fn set_tenant_domain(&self, domain: &str) {
        self.state().settings.tenant_url = Some(format!("https://{domain}"));
    }

    /// The tenant's time zone, minutes east of UTC (QUIRKS.md Q15).
    pub fn set_time_zone(&self, minutes: i64) {
        self.state().settings.zone_minutes = minutes;
    }

    /// Answers from now on use these freedoms of the OpenAPI document (QUIRKS.md Q51).
    pub fn answer_like(&self, wire: Wire) {
        self.state().wire = wire;
    }

    /// `n` more users invited by the owner and never registered, `pending00001@…`:
    /// each is in the answer of every `POST /people/invite` (QUIRKS.md Q31).
    pub fn add_pending_many(&self, n: usize) {
        self.state().create_pending_bulk(n, codec::now().0);
    }

    /// Plays a server older than 3.5: `GET /people/reassign/necessary` is a route
    /// miss, a bare 404 (QUIRKS.md Q44). Nothing else changes.
    pub fn before_3_5(&self) {
        self.state().before_3_5 = true;
    }

    /// From now on a listing's `total` counts `by` more users than it pages out (fewer
    /// when negative), whatever the listing (QUIRKS.md Q23).
    pub fn miscount_total(&self, by: i64) {
        self.state().miscount = by;
    }

    /// Progress polls a reassign job takes to complete (default 2: Running 50 %, then
    /// Completed); each poll before the last answers Running (QUIRKS.md Q40).
    pub fn reassign_polls(&self, polls: usize) {
        assert!(
            polls >= 1,
            "a reassign job needs at least one poll to complete"
        );
        self.state().reassign_polls = polls;
    }

    /// The reassign job of `user_id` ends Failed with this `error` on its next progress
    /// poll, moving nothing more (QUIRKS.md Q40). May be called before the job starts.
    pub fn fail_reassign(&self, user_id: &str, message: &str) {
        self.state()
            .reassign_failures
            .push((user_id.to_owned(), message.to_owned()));
    }

    /// A reassign job another admin started in the web UI, handing the data of
    /// `user_id` (terminated) to `heir_id` and keeping the profile: it answers Running at
    /// `percentage` % to every progress poll and moves nothing, and blocks the user's
    /// deletion (QUIRKS.md Q40, Q41), until [`Portal::finish_reassign`].
    pub fn reassign_in_web_ui(&self, user_id: &str, heir_id: &str, percentage: i64) {
        let mut state = self.state();
        let source = state
            .member(user_id)
            .cloned()
            .expect("reassign_in_web_ui of an unknown user");
        assert_eq!(
            source.status,
            Status::Terminated,
            "the portal reassigns only a terminated user's data"
        );
        let heir = state
            .member(heir_id)
            .expect("reassign_in_web_ui to an unknown heir");
        assert!(
            matches!(
                heir.kind,
                Kind::Owner | Kind::DocSpaceAdmin | Kind::RoomAdmin
            ),
            "the portal hands data only to a room admin or DocSpace admin"
        );
        let job = state::ReassignJob {
            id: state.new_guid(),
            from: source.id.clone(),
            to: heir_id.to_owned(),
            delete_profile: false,
            status: state::JobStatus::Running,
            percentage,
            error: None,
            polls: 0,
            rooms_at_start: source.rooms,
            files_at_start: source.shared_files,
            rooms_moved: 0,
            files_moved: 0,
            held: true,
        };
        state.reassign_jobs.retain(|known| known.from != source.id);
        state.reassign_jobs.push(job);
    }

    /// Completes the reassign job of `user_id` as its last poll would: everything the
    /// user still has goes to the heir (QUIRKS.md Q40).
    pub fn finish_reassign(&self, user_id: &str) {
        let mut state = self.state();
        let index = state
            .reassign_jobs
            .iter()
            .position(|job| job.from.eq_ignore_ascii_case(user_id))
            .expect("finish_reassign of a user without a reassign job");
        state.complete_reassign(index);
    }

    /// Terminates the user and stamps `TerminatedDate` that many days ago, as
    /// `PUT /people/{userid}` with `disable: true` would have (QUIRKS.md Q42).
    pub fn set_terminated_at(&self, user_id: &str, days_ago: i64) {
        let mut state = self.state();
        let member = state
            .member_mut(user_id)
            .expect("set_terminated_at on an unknown user");
        member.status = Status::Terminated;
        member.terminated_at = Some(codec::now().0 - days_ago * DAY);
        let id = member.id.clone();
        state.end_sessions(&id);
    }

    /// Marks the account as synced from LDAP: `isLDAP: true` (QUIRKS.md Q43).
    /// The owner's API key expires `days` from now (QUIRKS.md Q52).
    pub fn set_key_expiry(&self, key: &str, days: i64) {
        self.state()
            .set_api_key_expiry(key, codec::now().0 + days * DAY);
    }

    pub fn set_ldap(&self, user_id: &str) {
        self.state()
            .member_mut(user_id)
            .expect("set_ldap on an unknown user")
            .ldap = true;
    }

    /// A group named `name` (QUIRKS.md Q53), with `manager` (also made a member) and
    /// `members`, as an admin would have made it; its id. Test set-up: the users are
    /// not checked.
    pub fn add_group(&self, name: &str, manager: Option<&str>, members: &[&str]) -> String {
        let mut state = self.state();
        let id = state.create_group(name);
        if let Some(manager) = manager {
            state.group_mut(&id).expect("just made").manager = Some(manager.to_owned());
            state.join_group(&id, manager);
        }
        for member in members {
            state.join_group(&id, member);
        }
        id
    }

    /// The group as it is now (removed ones included): its manager and members.
    pub fn group(&self, id: &str) -> Option<GroupView> {
        self.state()
            .groups
            .iter()
            .find(|g| g.id.eq_ignore_ascii_case(id))
            .map(|g| GroupView {
                id: g.id.clone(),
                name: g.name.clone(),
                removed: g.removed,
                manager: g.manager.clone(),
                members: g.members.clone(),
            })
    }

    /// Every group not removed, in the order made.
    pub fn groups(&self) -> Vec<GroupView> {
        let ids: Vec<String> = self
            .state()
            .groups
            .iter()
            .filter(|g| !g.removed)
            .map(|g| g.id.clone())
            .collect();
        ids.iter().filter_map(|id| self.group(id)).collect()
    }

    /// A new API key of `user_id` named `name` (QUIRKS.md Q54): the key itself, which
    /// authenticates as that user while the user is active.
    pub fn issue_key(&self, user_id: &str, name: &str) -> String {
        self.state().issue_named_key(user_id, name)
    }

    /// The ids of the API keys `user_id` made that the portal still has, oldest first.
    pub fn key_ids_of(&self, user_id: &str) -> Vec<String> {
        self.state()
            .api_keys
            .iter()
            .filter(|k| k.user == user_id)
            .map(|k| k.id.clone())
            .collect()
    }

    /// The names of the API keys `user_id` made that the portal still has.
    pub fn keys_of(&self, user_id: &str) -> Vec<String> {
        self.state()
            .api_keys
            .iter()
            .filter(|k| k.user == user_id)
            .map(|k| k.name.clone())
            .collect()
    }

    /// The tariff's paid seats (QUIRKS.md Q45); `None` (the default) sets no limit.
    pub fn set_seat_limit(&self, limit: Option<usize>) {
        self.state().seat_limit = limit;
    }

    /// Paid seats taken (QUIRKS.md Q45).
    pub fn seats_used(&self) -> usize {
        api::paid_seats_used(&self.state())
    }

    /// The ids an invitation was sent again to by `PUT /people/invite`, in order
    /// (QUIRKS.md Q47).
    pub fn resent(&self) -> Vec<String> {
        self.state().resent.clone()
    }

    /// Invited by the owner as `kind` and never registered: Pending, empty names,
    /// registered `days_ago` days ago.
    pub fn add_pending_as(&self, kind: Kind, email: &str, days_ago: i64) -> String {
        let id = self.add_pending(email);
        let mut state = self.state();
        let member = state.member_mut(&id).expect("just added");
        member.kind = kind;
        member.registered_at = codec::now().0 - days_ago * DAY;
        id
    }

    /// A guest `inviter_id` invited and who never registered: Pending, empty names,
    /// created by the inviter, with the relation inviter→guest (QUIRKS.md Q6).
    pub fn add_pending_guest_of(&self, inviter_id: &str, email: &str) -> String {
        let id = self.add_pending(email);
        let mut state = self.state();
        let owner_id = state.owner_id().to_owned();
        state.unrelate(&owner_id, &id);
        state.relate(inviter_id, &id);
        let member = state.member_mut(&id).expect("just added");
        member.kind = Kind::Guest;
        member.created_by = Some(inviter_id.to_owned());
        id
    }

    /// Created with `POST /people` and never activated: Active, `activationStatus` 2,
    /// registered `days_ago` days ago.
    pub fn add_unactivated(&self, email: &str, first: &str, last: &str, days_ago: i64) -> String {
        let account = self.add_member(Kind::User, email, first, last);
        let mut state = self.state();
        let member = state.member_mut(&account.id).expect("just added");
        member.activation = 2;
        member.registered_at = codec::now().0 - days_ago * DAY;
        account.id
    }

    /// `n` active Users user0001@example.com… with letter-only names and
    /// registration dates one day apart (user0001 the oldest).
    pub fn seed_users(&self, n: usize) -> Vec<String> {
        const FIRST_NAMES: [&str; 26] = [
            "Alice", "Bruno", "Chloe", "Dmitri", "Elena", "Farid", "Greta", "Hiro", "Ines",
            "Jonas", "Kira", "Liam", "Maya", "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Sven",
            "Tara", "Umar", "Vera", "Wade", "Xenia", "Yusuf", "Zoe",
        ];
        let mut state = self.state();
        let owner_id = state.owner_id().to_owned();
        let now = codec::now().0;
        (1..=n)
            .map(|i| {
                let email = format!("user{i:04}@example.com");
                let last_name = letters_for(i);
                state.create(NewMember {
                    email: &email,
                    first_name: FIRST_NAMES[(i - 1) % FIRST_NAMES.len()],
                    last_name: &last_name,
                    kind: Kind::User,
                    status: Status::Active,
                    activation: 1,
                    created_by: Some(owner_id.clone()),
                    registered_at: now - (n + 1 - i) as i64 * DAY - 3600,
                })
            })
            .collect()
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.state_dir);
        self.shared.stopping.store(true, Ordering::SeqCst);
        // accept() only returns when someone connects; if even that fails,
        // leave the thread behind rather than hang the test in join().
        let woke = TcpStream::connect_timeout(&self.address, Duration::from_millis(200)).is_ok();
        if let Some(accept_thread) = self.accept_thread.take()
            && woke
        {
            let _ = accept_thread.join();
        }
        for (_, stream) in lock(&self.shared.open_streams).drain() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

fn accept_connections(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else {
            // Errors such as running out of descriptors persist; do not spin on them.
            thread::sleep(Duration::from_millis(10));
            continue;
        };
        let number = shared.connections.fetch_add(1, Ordering::SeqCst) + 1;
        if let Ok(clone) = stream.try_clone() {
            lock(&shared.open_streams).insert(number, clone);
        }
        let shared = Arc::clone(shared);
        // The TLS handshake happens on the connection's own thread (lazily,
        // on its first read) so a slow or hostile client cannot stall accept().
        thread::spawn(move || {
            match &shared.tls {
                None => http::serve_connection(&shared, stream, number),
                Some(config) => {
                    if let Some(stream) = tls::accept(config, stream) {
                        http::serve_connection(&shared, stream, number);
                    }
                }
            }
            // The clone keeps the socket open after `stream` is dropped, so
            // the client only sees the end once it is shut down.
            if let Some(socket) = lock(&shared.open_streams).remove(&number) {
                let _ = socket.shutdown(Shutdown::Both);
            }
        });
    }
}

fn view_of(member: &state::Member) -> UserView {
    UserView {
        id: member.id.clone(),
        email: member.email.clone(),
        first_name: member.first_name.clone(),
        last_name: member.last_name.clone(),
        kind: member.kind,
        status: member.status,
        removed: member.removed,
        terminated_at: member.terminated_at,
    }
}

/// Names must pass DocSpace's letters-only regex, so numbers become letters:
/// 1 → "Aaab", 2 → "Aaac", …
fn letters_for(index: usize) -> String {
    let mut digits = [b'a'; 4];
    let mut rest = index;
    for digit in digits.iter_mut().rev() {
        *digit = b'a' + (rest % 26) as u8;
        rest /= 26;
    }
    digits[0] = digits[0].to_ascii_uppercase();
    String::from_utf8_lossy(&digits).into_owned()
}
