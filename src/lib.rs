//! Administer the users and guests of an ONLYOFFICE DocSpace portal through its REST API.
//!
//! The library has one method per operation of the portal's People API, on a [`Client`]
//! that holds the portal address, the credential and one connection:
//!
//! | method | request |
//! |---|---|
//! | [`Client::whoami`] | `GET /api/2.0/people/@self` |
//! | [`Client::create_user`] | `POST /api/2.0/people` |
//! | [`Client::get_user`], [`Client::get_user_by_email`] | `GET /api/2.0/people/{id}`, `GET /api/2.0/people/email?email=` |
//! | [`Client::list_users`] | `GET /api/2.0/people/filter`, page by page |
//! | [`Client::terminate_users`], [`Client::activate_users`] | `PUT /api/2.0/people/status/{Terminated,Active}` |
//! | [`Client::delete_user`], [`Client::delete_users`] | `DELETE /api/2.0/people/{id}`, `PUT /api/2.0/people/delete` |
//! | [`Client::guest_share_link`] | `GET /api/2.0/people/guests/{id}/share` |
//! | [`Client::approve_guest_link`] | `POST /api/2.0/people/guests/share/approve` |
//! | [`Client::unlink_guests`] | `DELETE /api/2.0/people/guests` |
//! | [`Client::invite_users`] | `POST /api/2.0/people/invite` |
//! | [`Client::login`] | `POST /api/2.0/authentication` |
//! | [`Client::api_key`], [`Client::list_api_keys`], [`Client::delete_api_key`] | `GET /api/2.0/keys/@self`, `GET /api/2.0/keys`, `DELETE /api/2.0/keys/{id}` |
//! | [`Client::list_groups`], [`Client::get_group`] | `GET /api/2.0/group` page by page, `GET /api/2.0/group/{id}` |
//! | [`Client::create_group`], [`Client::delete_group`] | `POST /api/2.0/group`, `DELETE /api/2.0/group/{id}` |
//! | [`Client::add_group_members`], [`Client::remove_group_members`] | `PUT`, `DELETE /api/2.0/group/{id}/members` |
//! | [`Client::set_group_manager`] | `PUT /api/2.0/group/{id}/manager`, its answer checked |
//! | [`Client::reassign_necessary`] | `GET /api/2.0/people/reassign/necessary` |
//! | [`Client::start_reassign`], [`Client::reassign_progress`], [`Client::cancel_reassign`] | `POST /api/2.0/people/reassign/start`, `GET …/progress/{id}`, `PUT …/terminate` |
//! | [`Client::rename`] | `PUT /api/2.0/people/{id}` `{"firstName", "lastName"}` (one's own) |
//! | [`Client::disable_user`] | `PUT /api/2.0/people/{id}` `{"disable": true}` |
//! | [`Client::set_users_type`] | `PUT /api/2.0/people/type/{type}` |
//! | [`Client::start_type_change`], [`Client::type_change_progress`], [`Client::cancel_type_change`] | `POST /api/2.0/people/type`, `GET …/type/progress/{id}`, `PUT …/type/terminate` |
//! | [`Client::resend_invitations`] | `PUT /api/2.0/people/invite` |
//! | [`Client::seats`] | `GET /api/2.0/portal/payment/quota` |
//!
//! Each of them also has a [`Request`] constructor of the same name
//! ([`Request::delete_users`], …) that builds the request without sending it, to show
//! what a change would send.
//!
//! Values are typed: a [`UserId`], [`GroupId`] or [`ApiKeyId`] is a parsed GUID, an
//! [`Email`] an address the portal accepts, a [`Date`] a calendar day, so a request
//! built from them cannot fail.
//!
//! A client repeats requests that are safe to repeat after a temporary failure, sends a
//! create a second time only when its connection broke off before any answer and the
//! address is still unknown ([`Client::create_user`]), verifies TLS certificates, and
//! scrubs the credential from everything it echoes; see [`Options`]. It goes through a
//! proxy only when told to ([`Proxies`], which can read the environment the way curl
//! does).
//!
//! The rules are those of a real DocSpace 3.7 server rather than of its simplest
//! examples: the credential always goes as `Authorization: Bearer …` (a raw API key is
//! refused), a user must be terminated before it can be deleted, the portal refuses a
//! whole batch for one unacceptable id, and approving a guest link needs the `confirm`
//! header taken from the link, which [`Client::approve_guest_link`] builds.
//!
//! # Example
//!
//! Create a user, then terminate and delete it:
//!
//! ```no_run
//! use docspace_people::{Client, NewUser, Secret, UserType};
//!
//! let key = Secret::new(&std::fs::read_to_string("/etc/docspace/token")?);
//! let client = Client::new("https://portal.example.com", key)?;
//! let user = client.create_user(&NewUser {
//!     first_name: "John".into(),
//!     last_name: "Doe".into(),
//!     email: "john.doe@example.com".parse()?,
//!     user_type: UserType::User,
//! })?;
//! client.terminate_users(&[user.id])?;
//! client.delete_user(user.id)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Every failure is an [`Error`]: its `Display` is one line (what failed and the portal's
//! own words), and [`Error::kind`] says what kind of failure it is, decided from the
//! status code and the shape of the answer, never from translated text:
//!
//! ```no_run
//! use docspace_people::{Client, ErrorKind, Refusal, Secret};
//!
//! let client = Client::new("https://portal.example.com", Secret::new("sk-…"))?;
//! let id = "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a".parse()?;
//! match client.delete_user(id) {
//!     Ok(user) => println!("deleted {}", user.email),
//!     Err(e) if e.kind() == ErrorKind::Refused(Refusal::NotSuspended) => {
//!         client.terminate_users(&[id])?;
//!         client.delete_user(id)?;
//!     }
//!     Err(e) => return Err(e),
//! }
//! # Ok::<(), docspace_people::Error>(())
//! ```
//!
//! Listing streams: one page of 100 users is in memory at a time.
//!
//! ```no_run
//! use docspace_people::{Client, Filter, Secret, Status};
//!
//! let client = Client::new("https://portal.example.com", Secret::new("sk-…"))?;
//! let terminated = Filter { status: Some(Status::Terminated), ..Filter::default() };
//! for user in client.list_users(&terminated) {
//!     println!("{}", user?.email);
//! }
//! # Ok::<(), docspace_people::Error>(())
//! ```
#![forbid(unsafe_code)]

mod admin;
mod client;
mod date;
mod email;
mod error;
mod groups;
mod guests;
mod guid;
mod key;
mod model;
mod page;
mod people;
mod proxy;
mod reassign;
mod resolver;
mod secret;
mod user_id;

pub use admin::{Seats, Seen};
pub use client::{Client, Options, Request};
pub use date::Date;
pub use email::Email;
pub use error::{Error, ErrorKind, Refusal};
pub use groups::{Group, GroupFilter, GroupId, GroupRef};
pub use key::{ApiKey, ApiKeyId};
pub use model::{Invitation, NewUser, Status, User, UserType};
pub use people::{Deletion, Filter, Miscount, Users};
pub use proxy::Proxies;
pub use reassign::{JobStatus, ReassignJob};
pub use secret::Secret;
pub use user_id::UserId;
