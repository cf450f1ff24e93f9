//! Operations on portal accounts: create, look up, list, terminate, reactivate, delete,
//! invite, and logging in.

use crate::client::{Client, Request, broke_off, encode_query};
use crate::date::{Date, api_time};
use crate::error::{Error, ErrorKind, Refusal};
use crate::model::{Invitation, NewUser, Status, User, UserType};
use crate::page;
use crate::secret::Secret;
use crate::{Email, UserId};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};
use std::{thread, vec};

/// The body of the portal's batch endpoints. `resendAll` is ignored by the portal but
/// sent as its own clients send it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserIds<'a> {
    user_ids: &'a [UserId],
    resend_all: bool,
}

/// The largest page `GET /people/filter` serves.
const PAGE: usize = 100;

impl Request {
    /// `POST /api/2.0/people`.
    pub fn create_user(new: &NewUser) -> Request {
        Request::new("POST", "/api/2.0/people".to_owned()).json(new)
    }

    /// `PUT /api/2.0/people/status/Terminated` for these users.
    pub fn terminate_users(ids: &[UserId]) -> Request {
        Request::new("PUT", "/api/2.0/people/status/Terminated".to_owned()).json(&user_ids(ids))
    }

    /// `PUT /api/2.0/people/{id}` `{"firstName", "lastName"}`: the caller's own names.
    pub fn rename(id: UserId, first_name: &str, last_name: &str) -> Request {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            first_name: &'a str,
            last_name: &'a str,
        }
        Request::new("PUT", format!("/api/2.0/people/{id}")).json(&Body {
            first_name,
            last_name,
        })
    }

    /// `PUT /api/2.0/people/status/Active` for these users.
    pub fn activate_users(ids: &[UserId]) -> Request {
        Request::new("PUT", "/api/2.0/people/status/Active".to_owned()).json(&user_ids(ids))
    }

    /// `GET /api/2.0/people/{id}`.
    pub fn get_user(id: UserId) -> Request {
        Request::new("GET", format!("/api/2.0/people/{id}"))
    }

    /// `GET /api/2.0/people/email?email=`.
    pub fn get_user_by_email(email: &Email) -> Request {
        let path = format!(
            "/api/2.0/people/email?email={}",
            encode_query(email.as_str())
        );
        Request::new("GET", path)
    }

    /// `DELETE /api/2.0/people/{id}`.
    pub fn delete_user(id: UserId) -> Request {
        Request::new("DELETE", format!("/api/2.0/people/{id}"))
    }

    /// `PUT /api/2.0/people/delete`: deletes terminated users in one request.
    pub fn delete_users(ids: &[UserId]) -> Request {
        Request::new("PUT", "/api/2.0/people/delete".to_owned()).json(&user_ids(ids))
    }

    /// `DELETE /api/2.0/people/guests`: unlinks guests from the caller.
    pub fn unlink_guests(ids: &[UserId]) -> Request {
        Request::new("DELETE", "/api/2.0/people/guests".to_owned()).json(&user_ids(ids))
    }

    /// `POST /api/2.0/people/invite`.
    pub fn invite(invitations: &[Invitation], culture: Option<&str>) -> Request {
        #[derive(Serialize)]
        struct Body<'a> {
            invitations: &'a [Invitation],
            #[serde(skip_serializing_if = "Option::is_none")]
            culture: Option<&'a str>,
        }
        let mut request = Request::new("POST", "/api/2.0/people/invite".to_owned()).json(&Body {
            invitations,
            culture,
        });
        // The answer lists every pending user the caller can see, not the invitees:
        // it tells nothing about them, and may pass any size limit.
        request.answer_unread = true;
        request
    }
}

fn user_ids(ids: &[UserId]) -> UserIds<'_> {
    UserIds {
        user_ids: ids,
        resend_all: false,
    }
}

/// The portal's answer to [`Client::delete_users`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Deletion {
    /// The users the answer lists: the ones deleted, and DocSpace admins the portal
    /// skipped because the caller is not the owner.
    pub users: Vec<User>,
    /// The answer to an earlier attempt was lost after the request went out (the
    /// connection broke, or a gateway answered 502 or 504) and the request was repeated;
    /// `users` is the repeat's answer. The portal drops unknown ids from its answer, so a
    /// user that earlier attempt deleted is missing from `users` and no longer found: a
    /// caller that saw the user just before sending knows it was this request's doing.
    pub after_lost_answer: bool,
}

/// Which accounts [`Client::list_users`] yields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only accounts with this status.
    pub status: Option<Status>,
    /// Only accounts of this type.
    pub user_type: Option<UserType>,
    /// Part of a first name, last name or e-mail address.
    pub search: Option<String>,
    /// Only accounts registered before this day (in the portal's time zone).
    pub registered_before: Option<Date>,
}

impl Client {
    /// The account behind the credential (`GET /api/2.0/people/@self`): the cheapest way
    /// to check the address and the credential.
    pub fn whoami(&self) -> Result<User, Error> {
        let me: User = self.fetch(
            &Request::new("GET", "/api/2.0/people/@self".to_owned()),
            "whoami",
        )?;
        if let Some(origin) = me.profile_origin() {
            let _ = self.own_name.set(origin);
        }
        Ok(me)
    }

    /// Creates an account (`POST /api/2.0/people`). The portal e-mails the new user an
    /// activation link. Guests cannot be created this way; they join through room sharing.
    ///
    /// When the answer to a create is lost (a timeout, a connection that broke after
    /// sending, a gateway's 502 or 504 while the portal may still be working), the user
    /// is looked up by e-mail, again and again with a doubling pause, for as long as one
    /// request may take ([`Options::timeout`](crate::Options::timeout)): found means
    /// created. Still absent then is an error of kind [`ErrorKind::Temporary`] saying so,
    /// never a flat "not created".
    ///
    /// A create is sent a second time only when the connection broke off without an
    /// answer, as a keep-alive connection the portal closed while it was idle does under
    /// the next request, and the first look-up shows no such account: then the create
    /// is sent once more, on the new connection the look-up opened. Should the first
    /// attempt have made the account after all, the portal refuses the address as
    /// registered, and the account is looked up again rather than reported as taken.
    pub fn create_user(&self, new: &NewUser) -> Result<User, Error> {
        let action = format!("create {}", new.email);
        if new.user_type == UserType::Guest {
            return Err(Error::invalid_input(GUESTS_JOIN_BY_LINK).during(action));
        }
        let request = Request::create_user(new);
        match self.fetch_with(&request, &action, page::user) {
            Err(lost) if outcome_unknown(&lost) => {
                let resend = broke_off(&lost).then_some(&request);
                self.recheck_create(new, &lost, &action, resend)
            }
            result => result,
        }
    }

    /// After a create whose answer was lost: the account it made, if the portal shows
    /// one within the window. With `resend`, a first look-up that finds nothing sends
    /// that create once more instead ([`Client::create_again`]).
    fn recheck_create(
        &self,
        new: &NewUser,
        lost: &Error,
        action: &str,
        mut resend: Option<&Request>,
    ) -> Result<User, Error> {
        let lost_text = lost.to_string();
        let lost_text = lost_text
            .strip_prefix(&format!("{action}: "))
            .unwrap_or(&lost_text);
        let window = self.options().timeout;
        let started = Instant::now();
        let mut pause = Duration::from_millis(250);
        loop {
            match self.get_user_by_email(&new.email) {
                Ok(user) if made_by(new, &user, SystemTime::now()) => return Ok(user),
                Ok(user) => {
                    return Err(Error::new(
                        ErrorKind::Temporary,
                        action,
                        format!(
                            "{lost_text}; an account with this address exists, but it does not look like the one this request would have made (registered {}, {}), so it is left alone: look it up by its address",
                            user.registration_date, user.status
                        ),
                    ));
                }
                Err(lookup) if lookup.is_not_found() => {
                    if let Some(request) = resend.take() {
                        return self.create_again(new, request, action);
                    }
                    let waited = started.elapsed();
                    if waited >= window {
                        return Err(Error::new(
                            ErrorKind::Temporary,
                            action,
                            format!(
                                "{lost_text}; not created as far as the portal shows after {} s: the portal may still be creating it, so look the address up again later before creating it again",
                                waited.as_secs_f64().round()
                            ),
                        ));
                    }
                    std::thread::sleep(pause.min(window - waited));
                    pause = pause.saturating_mul(2);
                }
                Err(lookup) => {
                    return Err(Error::new(
                        ErrorKind::Temporary,
                        action,
                        format!(
                            "{lost_text}; whether the user was created is unknown, because looking it up failed too ({lookup}): look the address up later"
                        ),
                    ));
                }
            }
        }
    }

    /// Sends a create once more, after its connection broke off without an answer and
    /// no account with the address was found. If this answer is lost too, the look-ups
    /// of [`Client::recheck_create`] decide, with no third attempt. If the portal
    /// refuses the address as registered, the first attempt may have made the account
    /// after all: it is looked up once more.
    fn create_again(&self, new: &NewUser, request: &Request, action: &str) -> Result<User, Error> {
        match self.fetch_with(request, action, page::user) {
            Err(lost) if outcome_unknown(&lost) => self.recheck_create(new, &lost, action, None),
            Err(refused) if refused.kind() == ErrorKind::Refused(Refusal::Invalid) => {
                match self.get_user_by_email(&new.email) {
                    Ok(user) if made_by(new, &user, SystemTime::now()) => Ok(user),
                    _ => Err(refused),
                }
            }
            result => result,
        }
    }

    /// The account with this id (`GET /api/2.0/people/{id}`), terminated ones included.
    pub fn get_user(&self, id: UserId) -> Result<User, Error> {
        self.fetch_with(&Request::get_user(id), &format!("get {id}"), page::user)
    }

    /// The account with this e-mail address (`GET /api/2.0/people/email?email=`).
    ///
    /// The server answers an unknown address with 404 and its error body; the OpenAPI
    /// document declares that 404 without a body. A bare 404 is also what a route miss
    /// looks like (a wrong address, a proxy), so it counts as "no such user" only once
    /// `GET /people/@self` shows that this is a DocSpace API answering.
    pub fn get_user_by_email(&self, email: &Email) -> Result<User, Error> {
        let action = format!("get {email}");
        match self.fetch_with(&Request::get_user_by_email(email), &action, page::user) {
            Err(e) if e.status() == Some(404) && e.is_bare() && self.whoami().is_ok() => {
                Err(Error::portal(
                    action,
                    404,
                    None,
                    Some("no such user (the portal answered 404 without a body)".to_owned()),
                )
                .not_found())
            }
            result => result,
        }
    }

    /// Every account that matches `filter`, read page by page from
    /// `GET /api/2.0/people/filter` as the iterator advances: one page in memory at a time.
    ///
    /// The listing never skips or repeats a user silently. The portal sorts without a
    /// tie-breaker and pages by offset, so the pages are sorted by e-mail address, which
    /// is unique; a user met twice is yielded once. When the portal changes while it is
    /// read (its `total` changes, a page overlaps the one before, or a page comes short of
    /// the total) the listing starts again, skipping the users already yielded, up to
    /// three times; then it fails with an error of kind [`ErrorKind::Temporary`]. A
    /// portal whose total never matches the users it pages out, two passes in a row alike
    /// page for page, is not changing: the listing ends, and [`Users::miscount`] says
    /// so. The registration cut-off is applied here: a user without a readable
    /// registration date is never "registered before" it.
    pub fn list_users(&self, filter: &Filter) -> Users<'_> {
        let mut query = String::new();
        if let Some(status) = filter.status {
            query.push_str(&format!("&employeeStatus={}", i64::from(status)));
        }
        if let Some(user_type) = filter.user_type {
            query.push_str(&format!("&employeeType={}", portal_type_name(user_type)));
        }
        if let Some(search) = &filter.search {
            query.push_str(&format!("&filterValue={}", encode_query(search)));
        }
        query.push_str("&sortBy=email&sortOrder=0");
        Users {
            client: self,
            query,
            before: filter.registered_before,
            next: 0,
            total: None,
            last_page: Vec::new(),
            seen: HashSet::new(),
            restarts: 0,
            pass: DefaultHasher::new(),
            short_end: None,
            miscount: None,
            page: Vec::new().into_iter(),
            finished: false,
            ahead: None,
        }
    }

    /// Terminates (suspends) accounts: `PUT /api/2.0/people/status/Terminated`.
    ///
    /// The portal refuses the whole batch with "Access denied" when any id is unknown,
    /// the owner, the caller, or (for a non-owner) a DocSpace admin; then nothing changes.
    pub fn terminate_users(&self, ids: &[UserId]) -> Result<Vec<User>, Error> {
        let action = format!("terminate {}", joined(ids));
        self.fetch_with(&Request::terminate_users(ids), &action, page::users)
    }

    /// Changes the first and last name of the account behind the credential, whose id
    /// is `me` (`PUT /api/2.0/people/{id}`).
    ///
    /// The portal changes names on one's own profile only: for anyone else it answers
    /// 200 and keeps the old names (or refuses the owner, and a DocSpace admin unless the
    /// caller is the owner), and it keeps its own names for an LDAP or SSO account
    /// (`UserController.cs`, `UpdateMember`). So the answer is read: names the portal did
    /// not take are an error of kind [`ErrorKind::NotDone`], never a success.
    pub fn rename(&self, me: UserId, first_name: &str, last_name: &str) -> Result<User, Error> {
        let action = format!("rename {me}");
        let user: User = self.fetch_with(
            &Request::rename(me, first_name, last_name),
            &action,
            page::user,
        )?;
        if user.first_name != first_name || user.last_name != last_name {
            return Err(Error::new(
                ErrorKind::NotDone,
                action,
                format!(
                    "the portal answered with the names '{} {}' unchanged: it changes only the caller's own names, and never an LDAP or SSO account's",
                    user.first_name, user.last_name
                ),
            ));
        }
        Ok(user)
    }

    /// Reactivates terminated accounts: `PUT /api/2.0/people/status/Active`.
    pub fn activate_users(&self, ids: &[UserId]) -> Result<Vec<User>, Error> {
        let action = format!("activate {}", joined(ids));
        self.fetch_with(&Request::activate_users(ids), &action, page::users)
    }

    /// Deletes a terminated account for good (`DELETE /api/2.0/people/{id}`); the portal
    /// answers "The user is not suspended" for an account that is not terminated.
    pub fn delete_user(&self, id: UserId) -> Result<User, Error> {
        self.fetch_with(
            &Request::delete_user(id),
            &format!("delete {id}"),
            page::user,
        )
    }

    /// Deletes terminated accounts in one request (`PUT /api/2.0/people/delete`).
    ///
    /// The portal refuses the whole batch with "Users are not suspended" when one of them
    /// is not terminated, and with a 500 when one of them has a reassign job running
    /// (whose message is translated: ask [`Client::reassign_progress`]); either way
    /// before it deletes anything. It silently drops unknown ids, and skips (but still
    /// returns) DocSpace admins unless the caller is the owner.
    ///
    /// The request is repeated after a temporary failure; see
    /// [`Deletion::after_lost_answer`] for what a repeat's answer cannot show.
    pub fn delete_users(&self, ids: &[UserId]) -> Result<Deletion, Error> {
        let action = format!("delete {}", joined(ids));
        let (users, after_lost_answer) =
            self.fetch_noting_loss(&Request::delete_users(ids), &action, page::users)?;
        Ok(Deletion {
            users,
            after_lost_answer,
        })
    }

    /// Invites people by e-mail (`POST /api/2.0/people/invite`).
    ///
    /// The portal handles the invitations in order and stops at the first it refuses, so
    /// the ones before it were sent. An address that already has an account gets no
    /// e-mail. `Ok` means the portal accepted every invitation.
    ///
    /// The portal's answer lists every pending user visible to the caller, not these
    /// invitees, so it is not read: an answer that no size limit can bound, or with an
    /// entry of another user this crate cannot read, never turns an accepted invitation
    /// into a failure.
    ///
    /// Every address must pass [`Email::is_ascii_invitable`], the portal's own rule for
    /// invitations; otherwise nothing is sent and the error, of kind
    /// [`ErrorKind::InvalidInput`], names the address.
    pub fn invite_users(
        &self,
        invitations: &[Invitation],
        culture: Option<&str>,
    ) -> Result<(), Error> {
        let emails: Vec<&str> = invitations.iter().map(|i| i.email.as_str()).collect();
        let action = format!("invite {}", emails.join(" "));
        if invitations.iter().any(|i| i.user_type == UserType::Guest) {
            return Err(Error::invalid_input(GUESTS_JOIN_BY_LINK).during(action));
        }
        if let Some(i) = invitations.iter().find(|i| !i.email.is_ascii_invitable()) {
            return Err(Error::invalid_input(not_invitable(&i.email)).during(action));
        }
        self.send::<serde::de::IgnoredAny>(&Request::invite(invitations, culture), &action)?;
        Ok(())
    }

    /// Logs in with an e-mail address and password (`POST /api/2.0/authentication`) and
    /// returns the session token, which works as a credential like an API key.
    pub fn login(&self, email: &Email, password: &Secret) -> Result<Secret, Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            user_name: &'a str,
            password: &'a str,
        }
        #[derive(Deserialize)]
        struct Session {
            token: Option<String>,
        }
        let request = Request::new("POST", "/api/2.0/authentication".to_owned()).json(&Body {
            user_name: email.as_str(),
            password: password.expose(),
        });
        let action = format!("log in as {email}");
        let session: Session = match self.fetch(&request, &action) {
            Err(e) if matches!(e.status(), Some(401 | 403)) => {
                let reason = e.portal_message().unwrap_or("refused").to_owned();
                return Err(Error::new(ErrorKind::Unauthenticated, action, reason));
            }
            other => other?,
        };
        match session.token {
            Some(token) if !token.is_empty() => Ok(Secret::new(&token)),
            _ => Err(Error::new(
                ErrorKind::Unauthenticated,
                action,
                "the account uses two-factor authentication, which a password log-in cannot complete: create an API key in DocSpace (Developer Tools) and use it instead",
            )),
        }
    }
}

/// The accounts of [`Client::list_users`], fetched a page at a time.
pub struct Users<'a> {
    client: &'a Client,
    query: String,
    before: Option<Date>,
    next: usize,
    /// The `total` of this pass's first page.
    total: Option<usize>,
    /// The users of the page before, to see a page that overlaps it (decided by id, not
    /// by comparing addresses, since the portal's database collation orders them).
    last_page: Vec<UserId>,
    /// Every user yielded, so that none is yielded twice.
    seen: HashSet<UserId>,
    /// How often the listing started again because the portal changed.
    restarts: u32,
    /// The ids of this pass, in the order paged out.
    pass: DefaultHasher,
    /// How the pass before ended short of its total, if it did.
    short_end: Option<ShortEnd>,
    /// The total that never matched, once the listing ended all the same.
    miscount: Option<Miscount>,
    page: vec::IntoIter<User>,
    finished: bool,
    /// Fetches the next page while this one is used, once asked to.
    ahead: Option<ReadAhead>,
}

/// How a pass of a listing ended short of the portal's total: two alike in a row show a
/// portal that is not changing but miscounts.
#[derive(Clone, Copy, PartialEq)]
struct ShortEnd {
    total: usize,
    paged: usize,
    /// The ids paged out, in order.
    pages: u64,
}

/// A listing's `total` that never matched the users the portal paged out: read twice,
/// page for page alike, so not a portal changing under the listing. Every user the
/// portal pages out was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Miscount {
    /// The portal's `total`.
    pub total: usize,
    /// The users it paged out.
    pub paged: usize,
}

/// The body of a page, as [`Client::fetch_body`] gives it.
type Page = Result<Vec<u8>, Error>;

/// A thread that fetches the page after the one in use, on the same connection, while
/// the caller's thread reads and uses this one: it fetches only when asked, and one page
/// at a time, so no two requests are ever in flight.
struct ReadAhead {
    ask: Option<mpsc::Sender<usize>>,
    pages: mpsc::Receiver<(usize, Page)>,
    /// Whether a page is being fetched.
    fetching: bool,
    worker: Option<thread::JoinHandle<()>>,
}

impl ReadAhead {
    /// `None` when no thread can be started (a service's task limit, say): the listing
    /// then reads page by page.
    fn start(client: Client, query: String) -> Option<ReadAhead> {
        let (ask, asked) = mpsc::channel::<usize>();
        let (send, pages) = mpsc::channel();
        let worker = thread::Builder::new()
            .name("read-ahead".to_owned())
            .spawn(move || {
                for from in asked {
                    let page = fetch(&client, &query, from);
                    if send.send((from, page)).is_err() {
                        break;
                    }
                }
            })
            .ok()?;
        Some(ReadAhead {
            ask: Some(ask),
            pages,
            fetching: false,
            worker: Some(worker),
        })
    }

    /// Starts fetching the page from `from`.
    fn fetch(&mut self, from: usize) {
        if let Some(ask) = &self.ask {
            self.fetching = ask.send(from).is_ok();
        }
    }

    /// The page being fetched and its first index, waited for at most `bound`; `None`
    /// if none is being fetched, or the wait ran out (the page is then asked for again
    /// on this thread, which fails as the request does).
    fn take(&mut self, bound: Duration) -> Option<(usize, Page)> {
        if !std::mem::take(&mut self.fetching) {
            return None;
        }
        let page = self.pages.recv_timeout(bound).ok();
        if page.is_none() {
            // A worker still fetching would answer a later page with this one.
            self.ask = None;
        }
        page
    }
}

impl Drop for ReadAhead {
    /// Waits for a fetch under way, so that a request sent after the listing is dropped
    /// does not race it onto a second connection.
    fn drop(&mut self) {
        self.ask = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

fn fetch(client: &Client, query: &str, from: usize) -> Page {
    let path = format!("/api/2.0/people/filter?count={PAGE}&startIndex={from}{query}");
    client.fetch_body(&Request::new("GET", path), &page_action(from))
}

/// The longest a request can take with all its repeats: each attempt bounded by the
/// timeout, each wait between attempts by the longest `Retry-After` honoured.
fn longest_request(client: &Client) -> Duration {
    let options = client.options();
    let attempts = options.retries.saturating_add(1);
    (options.timeout + crate::client::LONGEST_WAIT).saturating_mul(attempts)
}

fn page_action(from: usize) -> String {
    format!("list users from {from}")
}

/// How often a listing starts again before it gives up on a portal that keeps changing.
const RESTARTS: u32 = 3;

impl Users<'_> {
    /// The number of matching accounts the portal reported, once the first page is read
    /// (before any `registered_before` cut-off).
    pub fn total(&self) -> Option<usize> {
        self.total
    }

    /// Once the listing has ended: the portal's total and the users it paged out, if the
    /// two never matched.
    pub fn miscount(&self) -> Option<Miscount> {
        self.miscount
    }

    /// Fetches each next page while the caller works through the one before, on a
    /// second thread and the same connection (one request at a time, as without). Only
    /// for a caller that sends no other request with the client while it lists: such a
    /// request would open a second connection.
    pub fn read_ahead(mut self) -> Self {
        self.ahead = ReadAhead::start(self.client.for_read_ahead(), self.query.clone());
        self
    }

    fn fetch_page(&mut self) -> Result<(), Error> {
        let action = page_action(self.next);
        let bound = longest_request(self.client);
        let fetched = self.ahead.as_mut().and_then(|ahead| ahead.take(bound));
        let body = match fetched {
            Some((from, page)) if from == self.next => page?,
            // A page fetched for a listing that has since started again.
            _ => fetch(self.client, &self.query, self.next)?,
        };
        // The page after this one is fetched while this one is read, where the total
        // says there is one; were this page short, the portal changed, the listing
        // starts again, and the page fetched ahead is not used.
        if let (Some(ahead), Some(total)) = (&mut self.ahead, self.total)
            && self.next + PAGE < total
        {
            ahead.fetch(self.next + PAGE);
        }
        let (users, total) = self.client.read_list(&action, body, page::users)?;
        let total = total.and_then(|t| usize::try_from(t).ok());
        let overlaps = users.iter().any(|u| self.last_page.contains(&u.id));
        let moved =
            overlaps || matches!((self.total, total), (Some(before), Some(now)) if before != now);
        for user in &users {
            user.id.hash(&mut self.pass);
        }
        let paged = self.next + users.len();
        let short = total.filter(|&now| users.len() < PAGE && paged != now);
        let changed = match short {
            _ if moved => {
                self.short_end = None;
                true
            }
            Some(total) => {
                let end = ShortEnd {
                    total,
                    paged,
                    pages: self.pass.finish(),
                };
                // The same pages and the same total as the pass before: the portal does
                // not change, its total does not count what it pages out.
                let alike = self.short_end == Some(end);
                if alike {
                    self.miscount = Some(Miscount { total, paged });
                }
                self.short_end = Some(end);
                !alike
            }
            None => false,
        };
        if changed {
            if self.restarts == RESTARTS {
                return Err(Error::new(
                    ErrorKind::Temporary,
                    action,
                    format!(
                        "the portal changed while it was being read, {} times in a row (users were added or removed meanwhile)",
                        RESTARTS + 1
                    ),
                ));
            }
            self.restarts += 1;
            self.next = 0;
            self.pass = DefaultHasher::new();
            self.total = None;
            self.last_page.clear();
            self.page = Vec::new().into_iter();
            return Ok(());
        }
        self.next += users.len();
        if self.total.is_none()
            && let Some(total) = total
        {
            // Sized once for the whole listing: growing by doubling held the old table and
            // the new at once, a third more memory at the peak. Bounded, since the total
            // is the portal's word.
            self.seen
                .reserve(total.min(1 << 17).saturating_sub(self.seen.len()));
        }
        self.total = self.total.or(total);
        self.last_page = users.iter().map(|u| u.id).collect();
        // Without a total, the listing ends at a short page; with one, when it is
        // reached, or at a short page all the same, so a portal that miscounts cannot
        // keep the loop going.
        self.finished = users.len() < PAGE || total.is_some_and(|t| self.next >= t);
        if !self.finished
            && let Some(ahead) = &mut self.ahead
            && !ahead.fetching
        {
            ahead.fetch(self.next);
        }
        self.page = users.into_iter();
        Ok(())
    }
}

impl Iterator for Users<'_> {
    type Item = Result<User, Error>;

    fn next(&mut self) -> Option<Result<User, Error>> {
        loop {
            if let Some(user) = self.page.next() {
                let registered_before = self.before.is_none_or(|before| {
                    Date::of_timestamp(&user.registration_date).is_some_and(|day| day < before)
                });
                if registered_before && self.seen.insert(user.id) {
                    return Some(Ok(user));
                }
                continue;
            }
            if self.finished {
                return None;
            }
            if let Err(e) = self.fetch_page() {
                self.finished = true;
                return Some(Err(e));
            }
        }
    }
}

fn portal_type_name(user_type: UserType) -> &'static str {
    match user_type {
        UserType::User => "User",
        UserType::RoomAdmin => "RoomAdmin",
        UserType::DocSpaceAdmin => "DocSpaceAdmin",
        UserType::Guest => "Guest",
    }
}

/// Whether `user`, found by e-mail after the answer to creating `new` was lost, is the
/// account that request made: the same names, awaiting activation, registered within the
/// last hour (the portal's clock may differ from this machine's by a few minutes). An
/// account that was there before must never be taken for it: `lifecycle` deletes what it
/// creates.
fn made_by(new: &NewUser, user: &User, now: SystemTime) -> bool {
    let recent = api_time(&user.registration_date).is_some_and(|registered| {
        let window = Duration::from_secs(3600);
        registered + Duration::from_secs(600) > now
            && now
                .duration_since(registered)
                .map_or(true, |age| age < window)
    });
    user.first_name.trim() == new.first_name.trim()
        && user.last_name.trim() == new.last_name.trim()
        && user.activation_status == 2
        && recent
}

/// The request may have been carried out although no answer arrived.
fn outcome_unknown(error: &Error) -> bool {
    error.kind() == ErrorKind::Temporary
        && (error.status().is_none() || matches!(error.status(), Some(502 | 504)))
}

/// Why an address cannot be invited (the portal's invitation rule, stricter than the
/// one for accounts).
pub(crate) fn not_invitable(email: &Email) -> String {
    format!(
        "{email}: invitations need an ASCII address (name@domain.tld with ASCII letters, digits and punctuation, no punycode); the portal refuses others with \"Incorrect email\". Create the account with 'user create' instead, which takes this address"
    )
}

/// Guests have no create or invite of their own.
const GUESTS_JOIN_BY_LINK: &str = "guests cannot be created or invited directly: they join when a room is shared with them and their share link is approved";

/// Ids as a space-separated list, for messages.
pub(crate) fn joined(ids: &[UserId]) -> String {
    ids.iter()
        .map(UserId::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}
