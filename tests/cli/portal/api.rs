//! Routing and the People endpoints: DocSpace 3.7's envelopes, its checks,
//! and the order it runs them in (route, then authentication, then model
//! binding and validation, then the action's own checks).

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Map, Value};

use super::http::Request;
use super::json::{Json, object, text};
use super::state::{self, Member, NewMember, State};
use super::{DAY, Kind, Reply, Shared, Status, codec, lock};

/// The endpoints of the admin's daily tasks (QUIRKS.md Q45-Q48).
mod admin;
/// Groups and API keys (QUIRKS.md Q53-Q55).
mod groups;

pub(super) use admin::paid_used as paid_seats_used;

const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";
const PROBLEM_CONTENT_TYPE: &str = "application/problem+json; charset=utf-8";
/// ApiContext.MaxCount.
const MAX_PAGE: i64 = 100;
const AVATAR_HASH: &str = "1238743481";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Endpoint {
    Authenticate,
    KeySelf,
    ListActive,
    AddMember,
    SelfProfile,
    ByEmail,
    Filter,
    ListByStatus,
    ChangeStatus,
    BulkDelete,
    UnlinkGuests,
    GuestShareLink,
    ApproveGuest,
    Invite,
    Profile,
    DeleteMember,
    UpdateMember,
    ReassignNecessary,
    ReassignStart,
    ReassignProgress,
    ReassignTerminate,
    SetType,
    TypeStart,
    TypeProgress,
    TypeTerminate,
    ResendInvites,
    PaymentQuota,
    GroupList,
    GroupGet,
    GroupCreate,
    GroupDelete,
    GroupAddMembers,
    GroupRemoveMembers,
    GroupSetManager,
    KeyList,
    KeyDelete,
}

enum Segment {
    Literal(&'static str),
    /// `{userid}`, `{status}`: any non-empty segment.
    Text,
    /// `{userid:guid}`: a non-GUID is a route miss, not a 400.
    Guid,
}

use Segment::{Guid, Literal, Text};

/// Templates below `/api/2.0/`.
const ROUTES: &[(&str, &[Segment], Endpoint)] = &[
    ("POST", &[Literal("authentication")], Endpoint::Authenticate),
    ("GET", &[Literal("people")], Endpoint::ListActive),
    ("POST", &[Literal("people")], Endpoint::AddMember),
    (
        "GET",
        &[Literal("people"), Literal("@self")],
        Endpoint::SelfProfile,
    ),
    (
        "GET",
        &[Literal("keys"), Literal("@self")],
        Endpoint::KeySelf,
    ),
    (
        "GET",
        &[Literal("people"), Literal("email")],
        Endpoint::ByEmail,
    ),
    (
        "GET",
        &[Literal("people"), Literal("filter")],
        Endpoint::Filter,
    ),
    (
        "GET",
        &[Literal("people"), Literal("status"), Text],
        Endpoint::ListByStatus,
    ),
    (
        "PUT",
        &[Literal("people"), Literal("status"), Text],
        Endpoint::ChangeStatus,
    ),
    (
        "PUT",
        &[Literal("people"), Literal("delete")],
        Endpoint::BulkDelete,
    ),
    (
        "DELETE",
        &[Literal("people"), Literal("guests")],
        Endpoint::UnlinkGuests,
    ),
    (
        "GET",
        &[Literal("people"), Literal("guests"), Guid, Literal("share")],
        Endpoint::GuestShareLink,
    ),
    (
        "POST",
        &[
            Literal("people"),
            Literal("guests"),
            Literal("share"),
            Literal("approve"),
        ],
        Endpoint::ApproveGuest,
    ),
    (
        "POST",
        &[Literal("people"), Literal("invite")],
        Endpoint::Invite,
    ),
    ("GET", &[Literal("people"), Text], Endpoint::Profile),
    ("DELETE", &[Literal("people"), Text], Endpoint::DeleteMember),
    ("PUT", &[Literal("people"), Text], Endpoint::UpdateMember),
    (
        "GET",
        &[Literal("people"), Literal("reassign"), Literal("necessary")],
        Endpoint::ReassignNecessary,
    ),
    (
        "POST",
        &[Literal("people"), Literal("reassign"), Literal("start")],
        Endpoint::ReassignStart,
    ),
    (
        "GET",
        &[
            Literal("people"),
            Literal("reassign"),
            Literal("progress"),
            Guid,
        ],
        Endpoint::ReassignProgress,
    ),
    (
        "PUT",
        &[Literal("people"), Literal("reassign"), Literal("terminate")],
        Endpoint::ReassignTerminate,
    ),
    (
        "PUT",
        &[Literal("people"), Literal("type"), Text],
        Endpoint::SetType,
    ),
    (
        "POST",
        &[Literal("people"), Literal("type")],
        Endpoint::TypeStart,
    ),
    (
        "GET",
        &[
            Literal("people"),
            Literal("type"),
            Literal("progress"),
            Guid,
        ],
        Endpoint::TypeProgress,
    ),
    (
        "PUT",
        &[Literal("people"), Literal("type"), Literal("terminate")],
        Endpoint::TypeTerminate,
    ),
    (
        "PUT",
        &[Literal("people"), Literal("invite")],
        Endpoint::ResendInvites,
    ),
    (
        "GET",
        &[Literal("portal"), Literal("payment"), Literal("quota")],
        Endpoint::PaymentQuota,
    ),
    ("GET", &[Literal("group")], Endpoint::GroupList),
    ("POST", &[Literal("group")], Endpoint::GroupCreate),
    ("GET", &[Literal("group"), Guid], Endpoint::GroupGet),
    ("DELETE", &[Literal("group"), Guid], Endpoint::GroupDelete),
    (
        "PUT",
        &[Literal("group"), Guid, Literal("members")],
        Endpoint::GroupAddMembers,
    ),
    (
        "DELETE",
        &[Literal("group"), Guid, Literal("members")],
        Endpoint::GroupRemoveMembers,
    ),
    (
        "PUT",
        &[Literal("group"), Guid, Literal("manager")],
        Endpoint::GroupSetManager,
    ),
    ("GET", &[Literal("keys")], Endpoint::KeyList),
    ("DELETE", &[Literal("keys"), Guid], Endpoint::KeyDelete),
];

enum Routed {
    Miss,
    WrongMethod(Vec<&'static str>),
    Found(Endpoint, Vec<String>),
}

/// Endpoint routing: collect the templates matching the path, keep those
/// allowing the method, prefer the one with the most literal segments
/// (`DELETE /people/guests` beats `DELETE /people/{userid}`). A server before 3.5
/// has no `reassign/necessary` (QUIRKS.md Q44).
fn route(method: &str, segments: &[String], before_3_5: bool) -> Routed {
    let mut allowed = Vec::new();
    let mut best: Option<(usize, Endpoint, Vec<String>)> = None;
    for (route_method, template, endpoint) in ROUTES {
        if before_3_5 && *endpoint == Endpoint::ReassignNecessary {
            continue;
        }
        let Some(parameters) = match_template(template, segments) else {
            continue;
        };
        if !route_method.eq_ignore_ascii_case(method) {
            if !allowed.contains(route_method) {
                allowed.push(*route_method);
            }
            continue;
        }
        let literals = template
            .iter()
            .filter(|segment| matches!(segment, Literal(_)))
            .count();
        if best.as_ref().is_none_or(|(known, _, _)| literals > *known) {
            best = Some((literals, *endpoint, parameters));
        }
    }
    match best {
        Some((_, endpoint, parameters)) => Routed::Found(endpoint, parameters),
        None if allowed.is_empty() => Routed::Miss,
        None => Routed::WrongMethod(allowed),
    }
}

fn match_template(template: &[Segment], segments: &[String]) -> Option<Vec<String>> {
    if template.len() != segments.len() {
        return None;
    }
    let mut parameters = Vec::new();
    for (expected, actual) in template.iter().zip(segments) {
        match expected {
            Literal(literal) => {
                if !literal.eq_ignore_ascii_case(actual) {
                    return None;
                }
            }
            Text => {
                if actual.is_empty() {
                    return None;
                }
                parameters.push(actual.clone());
            }
            Guid => parameters.push(parse_guid(actual)?),
        }
    }
    Some(parameters)
}

/// Route segments, percent-decoded; one trailing slash is tolerated as
/// ASP.NET routing does.
fn path_segments(path: &str) -> Vec<String> {
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
    trimmed
        .split('/')
        .map(|segment| codec::percent_decode(segment, false))
        .collect()
}

struct Context<'a> {
    /// Where the links the portal hands out point: the tenant's own address when one
    /// is set (QUIRKS.md Q50), else the address the portal is called on.
    base_url: &'a str,
    /// The freedoms of the OpenAPI document the answers use (QUIRKS.md Q51).
    wire: super::Wire,
    request: &'a Request,
    query: Vec<(String, String)>,
}

impl Context<'_> {
    /// Query binding is case-insensitive on names; an empty value counts as absent.
    fn query_first(&self, name: &str) -> Option<&str> {
        self.query_all(name).into_iter().next()
    }

    fn query_all(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(key, value)| key.eq_ignore_ascii_case(name) && !value.is_empty())
            .map(|(_, value)| value.as_str())
            .collect()
    }

    fn self_link(&self) -> Json {
        Json::Arr(vec![object([
            (
                "href",
                text(format!("{}{}", self.base_url, self.request.target)),
            ),
            ("action", text(self.request.method.to_ascii_uppercase())),
        ])])
    }
}

struct Success {
    response: Option<Json>,
    count: i64,
    total: Option<i64>,
    /// This status with an empty body: the reassign endpoints' "empty answer", 200
    /// (QUIRKS.md Q40), and a `NoContentResult`, 204 (Q53).
    bare: Option<u16>,
}

impl Success {
    fn single(response: Json) -> Success {
        Success {
            response: Some(response),
            count: 1,
            total: None,
            bare: None,
        }
    }

    /// A materialised list: the envelope counts its items.
    fn list(items: Vec<Json>) -> Success {
        Success {
            count: items.len() as i64,
            response: Some(Json::Arr(items)),
            total: None,
            bare: None,
        }
    }

    /// An `IAsyncEnumerable` result without SetCount: the envelope says 1
    /// whatever the length (QUIRKS.md Q12).
    fn stream(items: Vec<Json>) -> Success {
        Success {
            response: Some(Json::Arr(items)),
            count: 1,
            total: None,
            bare: None,
        }
    }

    fn nothing() -> Success {
        Success {
            response: None,
            count: 0,
            total: None,
            bare: None,
        }
    }

    /// An action returning null where the answer is an empty 200 (QUIRKS.md Q40).
    fn empty_answer() -> Success {
        Success {
            response: None,
            count: 0,
            total: None,
            bare: Some(200),
        }
    }

    /// An action's `NoContentResult`: the result filter wraps only object and empty
    /// results, so this one is a bare 204 (QUIRKS.md Q53).
    fn no_content() -> Success {
        Success {
            response: None,
            count: 0,
            total: None,
            bare: Some(204),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Exception {
    Security,
    Authorizing,
    Argument,
    ArgumentNull,
    InvalidOperation,
    ItemNotFound,
    Authentication,
    Format,
    /// `ASC.Core.Tenants.TenantQuotaException`: 402 (QUIRKS.md Q45).
    TenantQuota,
    /// A plain `System.Exception`: 500 (QUIRKS.md Q41).
    Plain,
    /// A `System.NullReferenceException` of the action: 500 (QUIRKS.md Q53, Q54).
    NullReference,
}

impl Exception {
    /// `None` where the handler writes `type`/`stack` as null and `hresult` 0.
    fn identity(self) -> Option<(&'static str, i64)> {
        match self {
            Exception::Security => Some(("System.Security.SecurityException", -2_146_233_078)),
            Exception::Authorizing => Some((
                "ASC.Common.Security.Authorizing.AuthorizingException",
                -2_146_233_088,
            )),
            Exception::Argument => Some(("System.ArgumentException", -2_147_024_809)),
            Exception::ArgumentNull => Some(("System.ArgumentNullException", -2_147_467_261)),
            Exception::InvalidOperation => {
                Some(("System.InvalidOperationException", -2_146_233_079))
            }
            Exception::ItemNotFound => {
                Some(("ASC.Common.Web.ItemNotFoundException", -2_146_233_088))
            }
            Exception::Format => Some(("System.FormatException", -2_146_233_033)),
            Exception::Plain => Some(("System.Exception", -2_146_233_088)),
            Exception::NullReference => Some(("System.NullReferenceException", -2_147_467_261)),
            Exception::TenantQuota => {
                Some(("ASC.Core.Tenants.TenantQuotaException", -2_146_233_088))
            }
            Exception::Authentication => None,
        }
    }
}

enum Failure {
    /// Challenge, forbid, route miss: status line only.
    Empty(u16),
    /// An exception turned into the error envelope by CustomExceptionHandler.
    Error {
        code: u16,
        message: String,
        exception: Exception,
    },
    /// `[ApiController]` model-state failure, wrapped by the result filter.
    Validation(Vec<(String, String)>),
    UnsupportedMediaType,
}

type Outcome = Result<Success, Failure>;

fn access_denied() -> Failure {
    Failure::Error {
        code: 403,
        message: "Access denied".to_owned(),
        exception: Exception::Security,
    }
}

/// A failed permission demand (`Action_AddRemoveUser`, `Action_EditUser`).
fn demand_failed() -> Failure {
    Failure::Error {
        code: 403,
        message: "Access denied".to_owned(),
        exception: Exception::Authorizing,
    }
}

fn not_found(message: &str) -> Failure {
    Failure::Error {
        code: 404,
        message: message.to_owned(),
        exception: Exception::ItemNotFound,
    }
}

fn bad_argument(message: impl Into<String>) -> Failure {
    Failure::Error {
        code: 400,
        message: message.into(),
        exception: Exception::Argument,
    }
}

fn null_argument(parameter: &str) -> Failure {
    Failure::Error {
        code: 400,
        message: format!("Value cannot be null. (Parameter '{parameter}')"),
        exception: Exception::ArgumentNull,
    }
}

fn invalid_operation(message: &str) -> Failure {
    Failure::Error {
        code: 403,
        message: message.to_owned(),
        exception: Exception::InvalidOperation,
    }
}

const USER_NOT_FOUND: &str = "The user could not be found";

pub(super) fn respond(shared: &Shared, request: &Request) -> Reply {
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((&request.target, ""));
    let segments = path_segments(path);
    let (link_base, wire, language) = {
        let state = lock(&shared.state);
        (
            state
                .settings
                .tenant_url
                .clone()
                .unwrap_or_else(|| shared.base_url.clone()),
            state.wire.clone(),
            state.settings.language.clone(),
        )
    };
    let mut reply = match segments.as_slice() {
        [short, key] if short == "s" && request.method == "GET" => {
            // An unknown key redirects to the portal's start page (QUIRKS.md Q28).
            let location = lock(&shared.state)
                .short_link_target(key)
                .map_or_else(|| format!("{link_base}/"), str::to_owned);
            Reply::Status {
                code: 302,
                headers: vec![("Location".to_owned(), location)],
                body: Vec::new(),
            }
        }
        [api, version, rest @ ..] if api.eq_ignore_ascii_case("api") && version == "2.0" => {
            let before_3_5 = lock(&shared.state).before_3_5;
            match route(&request.method, rest, before_3_5) {
                Routed::Miss => Reply::empty(404),
                Routed::WrongMethod(allowed) => Reply::Status {
                    code: 405,
                    headers: vec![("Allow".to_owned(), allowed.join(", "))],
                    body: Vec::new(),
                },
                Routed::Found(endpoint, parameters) => {
                    let context = Context {
                        base_url: &link_base,
                        wire: wire.clone(),
                        request,
                        query: codec::parse_query(query),
                    };
                    let outcome = {
                        let mut state = lock(&shared.state);
                        // The rate limiter runs before the action (QUIRKS.md Q48).
                        if endpoint == Endpoint::ResendInvites
                            && let Some(refused) = admin::sensitive_window(&mut state, request)
                        {
                            return refused;
                        }
                        dispatch(&mut state, &context, endpoint, &parameters)
                    };
                    render(&context, translated(outcome, language.as_deref()))
                }
            }
        }
        _ => Reply::empty(404),
    };
    if wire.chunked
        && let Reply::Status { headers, .. } = &mut reply
    {
        headers.push((super::http::CHUNKED_MARKER.to_owned(), String::new()));
    }
    reply
}

/// The messages the server takes from its resources, in the portal's language
/// (QUIRKS.md Q49): `ArgumentException` and `ItemNotFoundException` texts of
/// `Resource.resx` (`web/ASC.Web.Core/PublicResources/Resource.de.resx`). The fixed
/// English texts (`Access denied`, `The user is not suspended`, `User not found`,
/// `User is not a guest` …) stay as they are.
fn translated(outcome: Outcome, language: Option<&str>) -> Outcome {
    const GERMAN: &[(&str, &str)] = &[
        (
            "User with this email is already registered",
            "Ein Benutzer mit dieser E-Mail-Adresse ist bereits registriert",
        ),
        (
            "Incorrect firstname or lastname",
            "Falscher Vor- oder Nachname",
        ),
        ("Incorrect email", "Ungültige E-Mail-Adresse"),
        (USER_NOT_FOUND, "Der Benutzer konnte nicht gefunden werden"),
        // `Resource.ErrorUserDisabled + ": " + email`: only the first part is a resource.
        ("User disabled", "Benutzer deaktiviert"),
    ];
    let Some("de") = language else {
        return outcome;
    };
    match outcome {
        Err(Failure::Error {
            code,
            message,
            exception: exception @ (Exception::Argument | Exception::ItemNotFound),
        }) => {
            let message = GERMAN
                .iter()
                .find_map(|(english, german)| {
                    if message == *english {
                        Some((*german).to_owned())
                    } else {
                        message
                            .strip_prefix(&format!("{english}: "))
                            .map(|rest| format!("{german}: {rest}"))
                    }
                })
                .unwrap_or(message);
            Err(Failure::Error {
                code,
                message,
                exception,
            })
        }
        other => other,
    }
}

fn dispatch(
    state: &mut State,
    context: &Context<'_>,
    endpoint: Endpoint,
    parameters: &[String],
) -> Outcome {
    type Action = fn(&mut State, &Context<'_>, &Member, &str) -> Outcome;
    let action: Action = match endpoint {
        // These two authenticate on their own: anonymously, and by the confirm scheme.
        Endpoint::Authenticate => return log_in(state, context),
        Endpoint::ApproveGuest => return approve_guest(state, context),
        Endpoint::SelfProfile => |state, context, caller, _| self_profile(state, context, caller),
        Endpoint::KeySelf => |state, context, caller, _| key_self(state, context, caller),
        Endpoint::AddMember => |state, context, caller, _| add_member(state, context, caller),
        Endpoint::ByEmail => |state, context, caller, _| by_email(state, context, caller),
        Endpoint::Profile => |state, context, caller, user| profile(state, context, caller, user),
        Endpoint::ListActive => {
            |state, context, caller, _| list_people(state, context, caller, StatusSource::Active)
        }
        Endpoint::Filter => {
            |state, context, caller, _| list_people(state, context, caller, StatusSource::Query)
        }
        Endpoint::ListByStatus => |state, context, caller, status| {
            list_people(state, context, caller, StatusSource::Route(status))
        },
        Endpoint::ChangeStatus => change_status,
        Endpoint::DeleteMember => delete_member,
        Endpoint::BulkDelete => |state, context, caller, _| bulk_delete(state, context, caller),
        Endpoint::GuestShareLink => guest_share_link,
        Endpoint::UnlinkGuests => |state, context, caller, _| unlink_guests(state, context, caller),
        Endpoint::Invite => |state, context, caller, _| invite(state, context, caller),
        Endpoint::UpdateMember => update_member,
        Endpoint::ReassignNecessary => {
            |state, context, caller, _| reassign_necessary(state, context, caller)
        }
        Endpoint::ReassignStart => {
            |state, context, caller, _| reassign_start(state, context, caller)
        }
        Endpoint::ReassignProgress => reassign_progress,
        Endpoint::ReassignTerminate => {
            |state, context, caller, _| reassign_terminate(state, context, caller)
        }
        Endpoint::SetType => admin::set_type,
        Endpoint::TypeStart => {
            |state, context, caller, _| admin::type_start(state, context, caller)
        }
        Endpoint::TypeProgress => admin::type_progress,
        Endpoint::TypeTerminate => {
            |state, context, caller, _| admin::type_terminate(state, context, caller)
        }
        Endpoint::ResendInvites => {
            |state, context, caller, _| admin::resend(state, context, caller)
        }
        Endpoint::PaymentQuota => |state, context, caller, _| admin::quota(state, context, caller),
        Endpoint::GroupList => |state, context, caller, _| groups::list(state, context, caller),
        Endpoint::GroupGet => groups::get,
        Endpoint::GroupCreate => |state, context, caller, _| groups::create(state, context, caller),
        Endpoint::GroupDelete => groups::delete,
        Endpoint::GroupAddMembers => groups::add_members,
        Endpoint::GroupRemoveMembers => groups::remove_members,
        Endpoint::GroupSetManager => groups::set_manager,
        Endpoint::KeyList => |state, context, caller, _| groups::keys(state, context, caller),
        Endpoint::KeyDelete => groups::delete_key,
    };
    // `ValidateApiKeyAsync` writes when a valid key was last used, before its creator's
    // status is looked at (QUIRKS.md Q54).
    if let Some(key) = bearer_key(context.request)
        && state.api_key_user(key).is_some()
    {
        state.key_used(key);
    }
    let caller = authenticated_caller(state, context.request).ok_or(Failure::Empty(401))?;
    let parameter = parameters.first().map(String::as_str).unwrap_or_default();
    action(state, context, &caller, parameter)
}

fn render(context: &Context<'_>, outcome: Outcome) -> Reply {
    match outcome {
        Ok(Success {
            bare: Some(code), ..
        }) => Reply::empty(code),
        Ok(success) => {
            let mut envelope = Json::Obj(Vec::new());
            if let Some(response) = success.response {
                envelope.push("response", response);
            }
            envelope.push("count", Json::Int(success.count));
            if let Some(total) = success.total.filter(|_| !context.wire.no_total) {
                envelope.push("total", Json::Int(total));
            }
            envelope.push("links", context.self_link());
            let status = if context.wire.status_200 { 200 } else { 0 };
            envelope.push("status", Json::Int(status));
            envelope.push("statusCode", Json::Int(200));
            json_reply(200, JSON_CONTENT_TYPE, &envelope)
        }
        Err(Failure::Empty(code)) => Reply::empty(code),
        Err(Failure::Error {
            code,
            message,
            exception,
        }) => {
            let (exception_type, stack, hresult) = match exception.identity() {
                Some((name, hresult)) => (text(name), text(fake_stack_trace()), hresult),
                None => (Json::Null, Json::Null, 0),
            };
            let envelope = object([
                (
                    "error",
                    object([
                        ("message", text(message)),
                        ("type", exception_type),
                        ("stack", stack),
                        ("hresult", Json::Int(hresult)),
                    ]),
                ),
                ("status", Json::Int(1)),
                ("statusCode", Json::Int(i64::from(code))),
            ]);
            json_reply(code, JSON_CONTENT_TYPE, &envelope)
        }
        Err(Failure::Validation(errors)) => {
            let mut grouped: Vec<(String, Json)> = Vec::new();
            for (key, message) in errors {
                match grouped.iter_mut().find(|(known, _)| *known == key) {
                    Some((_, Json::Arr(messages))) => messages.push(text(message)),
                    _ => grouped.push((key, Json::Arr(vec![text(message)]))),
                }
            }
            let problem = object([
                (
                    "type",
                    text("https://tools.ietf.org/html/rfc9110#section-15.5.1"),
                ),
                ("title", text("One or more validation errors occurred.")),
                ("status", Json::Int(400)),
                ("errors", Json::Obj(grouped)),
                ("traceId", text(trace_id())),
            ]);
            let envelope = object([
                ("response", problem),
                ("count", Json::Int(1)),
                ("links", context.self_link()),
                ("status", Json::Int(1)),
                ("statusCode", Json::Int(400)),
            ]);
            json_reply(400, PROBLEM_CONTENT_TYPE, &envelope)
        }
        Err(Failure::UnsupportedMediaType) => {
            let problem = object([
                (
                    "type",
                    text("https://tools.ietf.org/html/rfc9110#section-15.5.16"),
                ),
                ("title", text("Unsupported Media Type")),
                ("status", Json::Int(415)),
                ("traceId", text(trace_id())),
            ]);
            json_reply(415, PROBLEM_CONTENT_TYPE, &problem)
        }
    }
}

fn json_reply(code: u16, content_type: &str, body: &Json) -> Reply {
    Reply::Status {
        code,
        headers: vec![("Content-Type".to_owned(), content_type.to_owned())],
        body: body.to_bytes(),
    }
}

fn fake_stack_trace() -> String {
    "   at ASC.People.Api.UserController.InvokeAsync()\n   at Microsoft.AspNetCore.Mvc.Infrastructure.ActionMethodExecutor.TaskOfIActionResultExecutor.Execute(ActionContext actionContext, IActionResultTypeMapper mapper, ObjectMethodExecutor executor, Object controller, Object[] arguments)".to_owned()
}

/// W3C trace-context shape, as ASP.NET puts in problem details.
fn trace_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let mix = |salt: u64| {
        let mut z = (n ^ salt).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z ^= z >> 31;
        z.wrapping_mul(0xBF58_476D_1CE4_E5B9)
    };
    format!("00-{:016x}{:016x}-{:016x}-00", mix(1), mix(2), mix(3))
}

// ---------------------------------------------------------------------------
// Authentication (QUIRKS.md Q3)

/// The default policy scheme looks only at the Authorization header; cookies
/// are ignored because the crate must not rely on them.
fn authenticated_caller(state: &State, request: &Request) -> Option<Member> {
    let header = request.header("authorization")?;
    let user_id = if let Some(credential) = header.strip_prefix("Bearer ") {
        if looks_like_jwt(credential) {
            // The identity service's tokens; this portal issues none.
            return None;
        }
        if credential.starts_with("sk-") {
            state.api_key_user(credential)?
        } else {
            cookie_handler_session(state, header)?
        }
    } else if header.starts_with("Basic ") {
        return None;
    } else {
        // Includes a raw `sk-…`: the cookie handler cannot decrypt it → 401.
        cookie_handler_session(state, header)?
    };
    state
        .member(user_id)
        .filter(|member| member.status == Status::Active)
        .cloned()
}

/// The API key a request authenticates with, if it is one.
fn bearer_key(request: &Request) -> Option<&str> {
    request
        .header("authorization")?
        .strip_prefix("Bearer ")
        .filter(|k| k.starts_with("sk-"))
}

/// CookieAuthHandler: drops the first 7 characters if the value mentions
/// "Bearer" anywhere, then treats the rest as a session token.
fn cookie_handler_session<'s>(state: &'s State, header: &str) -> Option<&'s str> {
    let token = if header.contains("Bearer") {
        header.get(7..)?
    } else {
        header
    };
    state.session_user(token)
}

fn looks_like_jwt(credential: &str) -> bool {
    matches!(credential.split('.').count(), 3 | 5)
}

// ---------------------------------------------------------------------------
// Request bodies (QUIRKS.md Q7, Q8)

fn is_json_media_type(content_type: Option<&str>) -> bool {
    let Some(content_type) = content_type else {
        return false;
    };
    let media_type = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    media_type == "application/json"
        || media_type == "text/json"
        || (media_type.starts_with("application/") && media_type.ends_with("+json"))
}

/// Binding a required `[FromBody]` DTO: no JSON content type → 415 (even with
/// no body: the DTO is not optional); empty or unparsable body → 400.
fn json_object(request: &Request) -> Result<Map<String, Value>, Failure> {
    if !is_json_media_type(request.header("content-type")) {
        return Err(Failure::UnsupportedMediaType);
    }
    if request.body.is_empty() {
        return Err(Failure::Validation(vec![(
            String::new(),
            "A non-empty request body is required.".to_owned(),
        )]));
    }
    let value: Value = serde_json::from_slice(&request.body).map_err(|error| {
        Failure::Validation(vec![
            ("inDto".to_owned(), "The inDto field is required.".to_owned()),
            (
                "$".to_owned(),
                format!(
                    "The input is not valid JSON. Path: $ | LineNumber: {} | BytePositionInLine: {}.",
                    error.line().saturating_sub(1),
                    error.column()
                ),
            ),
        ])
    })?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(Failure::Validation(vec![
            ("inDto".to_owned(), "The inDto field is required.".to_owned()),
            (
                "$".to_owned(),
                "The JSON value could not be converted to the request model. Path: $ | LineNumber: 0 | BytePositionInLine: 1.".to_owned(),
            ),
        ])),
    }
}

/// Web defaults match property names case-insensitively; null is "absent".
fn lookup<'v>(object: &'v Map<String, Value>, name: &str) -> Option<&'v Value> {
    object
        .iter()
        .filter(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
        .next_back()
        .filter(|value| !value.is_null())
}

/// Typed reads from a JSON body that collect model-state errors instead of
/// failing at the first one.
struct Fields<'v> {
    object: &'v Map<String, Value>,
    errors: Vec<(String, String)>,
}

impl<'v> Fields<'v> {
    fn new(object: &'v Map<String, Value>) -> Fields<'v> {
        Fields {
            object,
            errors: Vec::new(),
        }
    }

    fn value(&self, name: &str) -> Option<&'v Value> {
        lookup(self.object, name)
    }

    fn error(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.errors.push((key.into(), message.into()));
    }

    fn conversion_error(&mut self, path: &str, type_name: &str) {
        self.error(
            format!("$.{path}"),
            format!(
                "The JSON value could not be converted to {type_name}. Path: $.{path} | LineNumber: 0 | BytePositionInLine: 1."
            ),
        );
    }

    fn string(&mut self, name: &str) -> Option<String> {
        match self.value(name)? {
            Value::String(value) => Some(value.clone()),
            _ => {
                self.conversion_error(name, "System.String");
                None
            }
        }
    }

    fn boolean(&mut self, name: &str) -> Option<bool> {
        match self.value(name)? {
            Value::Bool(value) => Some(*value),
            _ => {
                self.conversion_error(name, "System.Boolean");
                None
            }
        }
    }

    fn employee_type(&mut self, name: &str) -> Option<EmployeeType> {
        let value = self.value(name)?;
        let parsed = EmployeeType::from_json(value);
        if parsed.is_none() {
            self.conversion_error(name, "ASC.Core.Users.EmployeeType");
        }
        parsed
    }

    /// A single Guid, "D" format only; absent is `Guid.Empty` (a value type).
    fn guid(&mut self, name: &str) -> String {
        const EMPTY: &str = "00000000-0000-0000-0000-000000000000";
        let Some(value) = self.value(name) else {
            return EMPTY.to_owned();
        };
        match value
            .as_str()
            .filter(|id| id.len() == 36)
            .and_then(parse_guid)
        {
            Some(id) => id,
            None => {
                self.conversion_error(name, "System.Guid");
                EMPTY.to_owned()
            }
        }
    }

    /// System.Text.Json reads a Guid only in the 36-character "D" format.
    fn guid_list(&mut self, name: &str) -> Option<Vec<String>> {
        let Value::Array(items) = self.value(name)? else {
            self.conversion_error(
                name,
                "System.Collections.Generic.IEnumerable`1[System.Guid]",
            );
            return None;
        };
        let mut ids = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            match item
                .as_str()
                .filter(|id| id.len() == 36)
                .and_then(parse_guid)
            {
                Some(id) => ids.push(id),
                None => {
                    self.conversion_error(&format!("{name}[{index}]"), "System.Guid");
                    return None;
                }
            }
        }
        Some(ids)
    }

    /// `[EmailAddress]` and `[StringLength(255)]` on an optional email.
    fn check_email(&mut self, key: &str, email: Option<&str>) {
        if let Some(email) = email {
            if !email_attribute_accepts(email) {
                self.error(
                    key,
                    format!("The {key} field is not a valid e-mail address."),
                );
            }
            self.check_length(key, Some(email));
        }
    }

    fn check_length(&mut self, key: &str, value: Option<&str>) {
        if value.is_some_and(|value| value.encode_utf16().count() > 255) {
            self.error(
                key,
                format!("The field {key} must be a string with a maximum length of 255."),
            );
        }
    }

    fn finish(self) -> Result<(), Failure> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Failure::Validation(self.errors))
        }
    }
}

/// .NET's `EmailAddressAttribute`: exactly one `@`, neither first nor last,
/// no line breaks. Deliberately weak; the strict checks come later.
fn email_attribute_accepts(email: &str) -> bool {
    if email.contains(['\r', '\n']) {
        return false;
    }
    let mut at_signs = email.match_indices('@');
    match (at_signs.next(), at_signs.next()) {
        (Some((index, _)), None) => index > 0 && index < email.len() - 1,
        _ => false,
    }
}

/// The invite endpoint's own check (StringExtension.TestEmailRegex): ASCII
/// local part, dotted domain, alphabetic TLD of 2+ letters, no punycode.
fn strict_email_accepts(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b));
    let labels: Vec<&str> = domain.split('.').collect();
    let labels_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.to_ascii_lowercase().starts_with("xn--")
        });
    let tld_ok = labels
        .last()
        .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()));
    local_ok && labels_ok && tld_ok
}

/// `core:username:regex` default `^[\p{L}\p{M}' \-]+$`: the Unicode categories L* and
/// M* of the generated table `src/app/unicode.rs` (QUIRKS.md Q20).
fn name_matches_policy(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| super::unicode::is_letter_or_mark(c) || matches!(c, '\'' | ' ' | '-'))
}

/// Default password policy: 8–30 printable ASCII characters, no spaces.
fn password_matches_policy(password: &str) -> bool {
    (8..=30).contains(&password.chars().count()) && password.chars().all(|c| c.is_ascii_graphic())
}

/// `Guid.TryParse`: "D", "N", "B" and "P" formats, any case.
fn parse_guid(text: &str) -> Option<String> {
    let text = text.trim();
    let inner = text
        .strip_prefix('{')
        .and_then(|rest| rest.strip_suffix('}'))
        .or_else(|| {
            text.strip_prefix('(')
                .and_then(|rest| rest.strip_suffix(')'))
        })
        .unwrap_or(text);
    let hex: String = match inner.len() {
        36 => {
            let dashes_in_place = [8, 13, 18, 23].iter().all(|&i| inner.as_bytes()[i] == b'-');
            if !dashes_in_place {
                return None;
            }
            inner.chars().filter(|&c| c != '-').collect()
        }
        32 => inner.to_owned(),
        _ => return None,
    };
    if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let hex = hex.to_ascii_lowercase();
    Some(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

// ---------------------------------------------------------------------------
// Enums as DocSpace binds them (QUIRKS.md Q7, Q9)

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EmployeeType {
    All,
    RoomAdmin,
    Guest,
    DocSpaceAdmin,
    User,
}

impl EmployeeType {
    /// Name (case-insensitive) or number, as in routes, queries and JSON strings.
    fn parse(text: &str) -> Option<EmployeeType> {
        let text = text.trim();
        [
            ("All", EmployeeType::All),
            ("RoomAdmin", EmployeeType::RoomAdmin),
            ("Guest", EmployeeType::Guest),
            ("DocSpaceAdmin", EmployeeType::DocSpaceAdmin),
            ("User", EmployeeType::User),
        ]
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(text))
        .map(|(_, value)| value)
        .or_else(|| text.parse().ok().and_then(EmployeeType::from_number))
    }

    fn from_number(number: i64) -> Option<EmployeeType> {
        match number {
            0 => Some(EmployeeType::All),
            1 => Some(EmployeeType::RoomAdmin),
            2 => Some(EmployeeType::Guest),
            3 => Some(EmployeeType::DocSpaceAdmin),
            4 => Some(EmployeeType::User),
            _ => None,
        }
    }

    fn from_json(value: &Value) -> Option<EmployeeType> {
        match value {
            Value::String(name) => EmployeeType::parse(name),
            Value::Number(number) => number.as_i64().and_then(EmployeeType::from_number),
            _ => None,
        }
    }

    /// No type group means RoomAdmin, so `All` creates a paid RoomAdmin.
    fn kind_when_created(self) -> Kind {
        match self {
            EmployeeType::All | EmployeeType::RoomAdmin => Kind::RoomAdmin,
            EmployeeType::Guest => Kind::Guest,
            EmployeeType::DocSpaceAdmin => Kind::DocSpaceAdmin,
            EmployeeType::User => Kind::User,
        }
    }

    fn rank(self) -> u8 {
        match self {
            EmployeeType::All => 0,
            EmployeeType::Guest => 1,
            EmployeeType::User => 2,
            EmployeeType::RoomAdmin => 3,
            EmployeeType::DocSpaceAdmin => 4,
        }
    }

    fn includes(self, kind: Kind) -> bool {
        match self {
            EmployeeType::All => true,
            EmployeeType::RoomAdmin => kind == Kind::RoomAdmin,
            EmployeeType::Guest => kind == Kind::Guest,
            EmployeeType::DocSpaceAdmin => matches!(kind, Kind::DocSpaceAdmin | Kind::Owner),
            EmployeeType::User => kind == Kind::User,
        }
    }
}

fn kind_rank(kind: Kind) -> u8 {
    match kind {
        Kind::Guest => 1,
        Kind::User => 2,
        Kind::RoomAdmin => 3,
        Kind::DocSpaceAdmin => 4,
        Kind::Owner => 5,
    }
}

/// EmployeeStatus flags: Active 1, Terminated 2, Pending 4, Default 5, All 7.
fn parse_employee_status(text: &str) -> Option<i64> {
    let text = text.trim();
    [
        ("Active", 1),
        ("Terminated", 2),
        ("Pending", 4),
        ("Default", 5),
        ("All", 7),
    ]
    .into_iter()
    .find(|(name, _)| name.eq_ignore_ascii_case(text))
    .map(|(_, value)| value)
    .or_else(|| text.parse::<i32>().ok().map(i64::from))
}

fn status_number(status: Status) -> i64 {
    match status {
        Status::Active => 1,
        Status::Terminated => 2,
        Status::Pending => 4,
    }
}

// ---------------------------------------------------------------------------
// DTOs (QUIRKS.md Q16, Q17)

/// `Profile removed` for deleted accounts; the email when there are no names.
fn display_name(member: &Member) -> String {
    if member.removed {
        return "Profile removed".to_owned();
    }
    let full = format!("{} {}", member.first_name, member.last_name);
    let full = full.trim();
    if full.is_empty() {
        codec::html_encode(&member.email)
    } else {
        codec::html_encode(full)
    }
}

fn push_summary(dto: &mut Json, base_url: &str, member: &Member) {
    let avatar = |size: &str| {
        text(format!(
            "/static/images/default_user_photo_size_{size}.png?hash={AVATAR_HASH}"
        ))
    };
    dto.push("id", text(member.id.clone()));
    dto.push("displayName", text(display_name(member)));
    dto.push("avatar", avatar("82-82"));
    dto.push("avatarOriginal", avatar("200-200"));
    dto.push("avatarMax", avatar("200-200"));
    dto.push("avatarMedium", avatar("48-48"));
    dto.push("avatarSmall", avatar("32-32"));
    dto.push(
        "profileUrl",
        text(format!(
            "{base_url}/accounts/people/filter?search={}",
            codec::escape_data_string(&member.email.to_lowercase())
        )),
    );
    dto.push("hasAvatar", Json::Bool(false));
    dto.push("isAnonim", Json::Bool(false));
}

fn employee_dto(base_url: &str, member: &Member) -> Json {
    let mut dto = Json::Obj(Vec::new());
    push_summary(&mut dto, base_url, member);
    dto
}

fn employee_full_dto(state: &State, base_url: &str, member: &Member, caller: &Member) -> Json {
    let mut dto = object([
        ("firstName", text(member.first_name.clone())),
        ("lastName", text(member.last_name.clone())),
        ("userName", text(member.user_name.clone())),
        ("email", text(member.email.clone())),
        ("status", Json::Int(status_number(member.status))),
        ("activationStatus", Json::Int(i64::from(member.activation))),
    ]);
    // Only when TerminatedDate is set (QUIRKS.md Q42).
    if let Some(terminated_at) = member.terminated_at {
        dto.push("terminated", api_date(state, terminated_at));
    }
    // FillGroupsAsync: skipped for a User looking at someone else (QUIRKS.md Q53).
    if caller.kind != Kind::User || caller.id == member.id {
        groups::push_groups(state, &mut dto, member);
    }
    dto.push("isAdmin", Json::Bool(member.kind == Kind::DocSpaceAdmin));
    dto.push("isRoomAdmin", Json::Bool(member.kind == Kind::RoomAdmin));
    dto.push("isLDAP", Json::Bool(member.ldap));
    dto.push("isOwner", Json::Bool(member.is_owner()));
    dto.push("isVisitor", Json::Bool(member.kind == Kind::Guest));
    dto.push("isCollaborator", Json::Bool(member.kind == Kind::User));
    dto.push("mobilePhoneActivationStatus", Json::Int(0));
    dto.push("isSSO", Json::Bool(false));
    if caller.is_docspace_admin() {
        let creator = member
            .created_by
            .as_deref()
            .and_then(|id| state.member_any(id));
        if let Some(creator) = creator {
            dto.push("createdBy", employee_dto(base_url, creator));
        }
    }
    dto.push("registrationDate", api_date(state, member.registered_at));
    push_summary(&mut dto, base_url, member);
    apply_wire(state, &mut dto);
    dto
}

/// An `ApiDateTime` in the tenant's zone (QUIRKS.md Q15): the string, or with
/// `Wire::date_objects` the object of the OpenAPI document (QUIRKS.md Q51).
fn api_date(state: &State, unix_seconds: i64) -> Json {
    let zone = state.settings.zone_minutes;
    if state.wire.date_objects {
        let sign = if zone < 0 { "-" } else { "" };
        object([
            ("utcTime", text(codec::format_api_date(unix_seconds, 0))),
            (
                "timeZoneOffset",
                text(format!(
                    "{sign}{:02}:{:02}:00",
                    zone.abs() / 60,
                    zone.abs() % 60
                )),
            ),
        ])
    } else {
        text(codec::format_api_date_in(unix_seconds, 0, zone))
    }
}

/// The nullable fields as `null` and the enums as names, when a test asks for them
/// (QUIRKS.md Q51).
fn apply_wire(state: &State, dto: &mut Json) {
    if state.wire.nulls {
        let empty =
            |dto: &Json, name: &str| matches!(dto.get(name), Some(Json::Str(v)) if v.is_empty());
        for name in ["firstName", "lastName", "userName", "email"] {
            if empty(dto, name) {
                dto.set(name, Json::Null);
            }
        }
        if matches!(dto.get("firstName"), None | Some(Json::Null))
            && matches!(dto.get("lastName"), None | Some(Json::Null))
        {
            dto.set("displayName", Json::Null);
        }
    }
    if state.wire.enum_names {
        let status = match dto.get("status") {
            Some(Json::Int(1)) => Some("Active"),
            Some(Json::Int(2)) => Some("Terminated"),
            Some(Json::Int(4)) => Some("Pending"),
            _ => None,
        };
        if let Some(status) = status {
            dto.set("status", text(status));
        }
        let activation = match dto.get("activationStatus") {
            Some(Json::Int(0)) => Some("NotActivated"),
            Some(Json::Int(1)) => Some("Activated"),
            Some(Json::Int(2)) => Some("Pending"),
            _ => None,
        };
        if let Some(activation) = activation {
            dto.set("activationStatus", text(activation));
        }
    }
}

// ---------------------------------------------------------------------------
// Endpoints

/// POST /api/2.0/authentication (QUIRKS.md Q18).
fn log_in(state: &mut State, context: &Context<'_>) -> Outcome {
    let body = json_object(context.request)?;
    let mut fields = Fields::new(&body);
    let user_name = fields.string("userName");
    let password = fields.string("password");
    fields.finish()?;
    let failed = || Failure::Error {
        code: 401,
        message: "User authentication failed".to_owned(),
        exception: Exception::Authentication,
    };
    let (Some(user_name), Some(password)) = (user_name, password) else {
        return Err(failed());
    };
    let member = state
        .by_email(&user_name)
        .filter(|member| member.password.as_deref() == Some(password.as_str()))
        .cloned()
        .ok_or_else(failed)?;
    if member.status != Status::Active {
        return Err(invalid_operation("User disabled"));
    }
    let token = state.open_session(&member.id);
    let (now, ticks) = codec::now();
    Ok(Success::single(object([
        ("token", text(token)),
        (
            "expires",
            text(codec::format_api_date(now + 30 * DAY, ticks)),
        ),
        ("sms", Json::Bool(false)),
        ("tfa", Json::Bool(false)),
    ])))
}

/// GET /keys/@self (QUIRKS.md Q52): the API key the request came with. A session token is
/// no key: 404 (not from the server: the reference does not say what it answers).
fn key_self(state: &State, context: &Context<'_>, _caller: &Member) -> Outcome {
    let key = bearer_key(context.request)
        .and_then(|key| state.api_key(key))
        .ok_or_else(|| not_found("The API key could not be found"))?;
    Ok(Success::single(groups::key_dto(
        state,
        context.base_url,
        key,
    )))
}

/// GET /people/@self (QUIRKS.md Q19).
fn self_profile(state: &State, context: &Context<'_>, caller: &Member) -> Outcome {
    let mut dto = employee_full_dto(state, context.base_url, caller, caller);
    dto.insert_after("isSSO", "theme", text("System"));
    Ok(Success::single(dto))
}

/// POST /people (QUIRKS.md Q20), without the invite-link registration flow.
fn add_member(state: &mut State, context: &Context<'_>, caller: &Member) -> Outcome {
    let body = json_object(context.request)?;
    let mut fields = Fields::new(&body);
    let email = fields.string("email");
    let first_name = fields.string("firstName");
    let last_name = fields.string("lastName");
    let password = fields.string("password");
    let requested = fields.employee_type("type");
    let from_invite_link = fields.boolean("fromInviteLink");
    fields.boolean("isUser");
    fields.boolean("spam");
    fields.check_email("Email", email.as_deref());
    fields.check_length("FirstName", first_name.as_deref());
    fields.check_length("LastName", last_name.as_deref());
    fields.finish()?;

    let requested = requested.unwrap_or(EmployeeType::All);
    // This portal never hands out invitation links, so no key can be valid.
    if from_invite_link == Some(true) {
        return Err(access_denied());
    }
    let may_add = match caller.kind {
        Kind::Owner | Kind::DocSpaceAdmin => true,
        Kind::RoomAdmin => matches!(requested, EmployeeType::User | EmployeeType::Guest),
        Kind::User | Kind::Guest => false,
    };
    if !may_add {
        return Err(demand_failed());
    }
    // The server also refuses RoomAdmin to callers who are not DocSpace
    // admins here, but the demand above has already refused them.
    match requested {
        EmployeeType::Guest => return Err(access_denied()),
        EmployeeType::DocSpaceAdmin if !caller.is_owner() => return Err(access_denied()),
        _ => {}
    }
    if let Some(password) = &password
        && !password_matches_policy(password)
    {
        return Err(bad_argument(
            "Password must contain from 8 to 30 characters, only latin letters, no spaces",
        ));
    }
    let email = email.ok_or_else(|| null_argument("address"))?;
    // MailAddress throws FormatException on what [EmailAddress] lets through.
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Failure::Error {
            code: 500,
            message: "The specified string is not in the form required for an e-mail address."
                .to_owned(),
            exception: Exception::Format,
        });
    }
    let first_name = first_name.ok_or_else(|| null_argument("input"))?;
    let last_name = last_name.unwrap_or_default();
    let last_name_ok = last_name.is_empty() || name_matches_policy(&last_name);
    if !name_matches_policy(&first_name) || !last_name_ok {
        return Err(bad_argument("Incorrect firstname or lastname"));
    }
    if state.by_email(&email).is_some() {
        return Err(bad_argument("User with this email is already registered"));
    }
    let id = state.create(NewMember {
        email: &email,
        first_name: &first_name,
        last_name: &last_name,
        kind: requested.kind_when_created(),
        status: Status::Active,
        activation: 2,
        created_by: Some(caller.id.clone()),
        registered_at: codec::now().0,
    });
    state.member_mut(&id).expect("just created").password = password;
    state.relate(&caller.id, &id);
    let created = state.member(&id).expect("just created");
    Ok(Success::single(employee_full_dto(
        state,
        context.base_url,
        created,
        caller,
    )))
}

/// GET /people/email?email=… (QUIRKS.md Q21).
fn by_email(state: &State, context: &Context<'_>, caller: &Member) -> Outcome {
    let email = context.query_first("email").map(str::to_owned);
    if let Some(email) = &email
        && !email_attribute_accepts(email)
    {
        return Err(Failure::Validation(vec![(
            "Email".to_owned(),
            "The Email field is not a valid e-mail address.".to_owned(),
        )]));
    }
    let email = email
        .or_else(|| {
            context
                .query_first("encemail")
                .and_then(state::decrypt_email)
        })
        .ok_or_else(|| bad_argument("Value does not fall within the expected range."))?;
    let target = state.by_email(&email).ok_or_else(|| {
        if state.wire.bare_email_404 {
            Failure::Empty(404)
        } else {
            not_found(USER_NOT_FOUND)
        }
    })?;
    if !state.can_view(caller, target) {
        return Err(access_denied());
    }
    Ok(Success::single(employee_full_dto(
        state,
        context.base_url,
        target,
        caller,
    )))
}

/// GET /people/{userid} (QUIRKS.md Q22): user name first, then GUID.
fn profile(state: &State, context: &Context<'_>, caller: &Member, user: &str) -> Outcome {
    let target = state
        .by_user_name(user)
        .or_else(|| parse_guid(user).and_then(|id| state.member(&id)))
        .ok_or_else(|| not_found(USER_NOT_FOUND))?;
    if !state.can_view(caller, target) {
        return Err(access_denied());
    }
    Ok(Success::single(employee_full_dto(
        state,
        context.base_url,
        target,
        caller,
    )))
}

enum StatusSource<'a> {
    Query,
    Route(&'a str),
    Active,
}

/// Listing requests served so far, in this process: the seed of each one's tie order.
static LISTINGS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A well-mixed 64-bit hash (SplitMix64's finaliser).
fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// GET /people/filter, /people/status/{status}, /people (QUIRKS.md Q23).
fn list_people(
    state: &State,
    context: &Context<'_>,
    caller: &Member,
    source: StatusSource<'_>,
) -> Outcome {
    let mut errors: Vec<(String, String)> = Vec::new();
    let (count, start_index) = paging(context, &mut errors);
    let status_text = match source {
        StatusSource::Query => context.query_first("employeeStatus"),
        StatusSource::Route(text) => Some(text),
        StatusSource::Active => Some("1"),
    };
    let status_filter = status_text.and_then(|raw| {
        let parsed = parse_employee_status(raw);
        if parsed.is_none() {
            errors.push((
                "status".to_owned(),
                format!("The value '{raw}' is not valid."),
            ));
        }
        parsed
    });
    let mut types = Vec::new();
    for raw in context
        .query_all("employeeType")
        .into_iter()
        .chain(context.query_all("employeeTypes"))
    {
        match EmployeeType::parse(raw) {
            Some(kind) => types.push(kind),
            None => errors.push((
                "employeeType".to_owned(),
                format!("The value '{raw}' is not valid."),
            )),
        }
    }
    let activation = context.query_first("activationStatus").and_then(|raw| {
        let parsed = match raw.trim().to_ascii_lowercase().as_str() {
            "notactivated" => Some(0),
            "activated" => Some(1),
            "pending" => Some(2),
            "autogenerated" => Some(4),
            other => other.parse::<i64>().ok(),
        };
        if parsed.is_none() {
            errors.push((
                "activationStatus".to_owned(),
                format!("The value '{raw}' is not valid."),
            ));
        }
        parsed
    });
    let area = context
        .query_first("area")
        .map(|raw| match raw.trim().to_ascii_lowercase().as_str() {
            "all" | "0" => Some(0),
            "people" | "1" => Some(1),
            "guests" | "2" => Some(2),
            _ => {
                errors.push((
                    "area".to_owned(),
                    format!("The value '{raw}' is not valid."),
                ));
                None
            }
        })
        .unwrap_or(Some(0));
    let descending = descending(context, &mut errors);
    if !errors.is_empty() {
        return Err(Failure::Validation(errors));
    }
    if !matches!(
        caller.kind,
        Kind::Owner | Kind::DocSpaceAdmin | Kind::RoomAdmin
    ) {
        return Err(access_denied());
    }

    let admin = caller.is_docspace_admin();
    let words: Vec<String> = context
        .query_first("filterValue")
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    let status_matches = |member: &Member| {
        if !admin && member.status == Status::Terminated {
            return false;
        }
        match status_filter {
            None => true,
            Some(1 | 5) => member.status == Status::Active,
            Some(flags) => flags & status_number(member.status) != 0,
        }
    };
    let text_matches = |member: &Member| {
        let haystacks = [
            member.first_name.to_lowercase(),
            member.last_name.to_lowercase(),
            member.email.to_lowercase(),
        ];
        words
            .iter()
            .all(|word| haystacks.iter().any(|haystack| haystack.contains(word)))
    };
    let mut matches: Vec<(usize, &Member)> = state
        .members
        .iter()
        .enumerate()
        .filter(|(_, member)| !member.removed)
        .filter(|(_, member)| {
            admin || member.kind != Kind::Guest || state.related(&caller.id, &member.id)
        })
        .filter(|(_, member)| status_matches(member))
        .filter(|(_, member)| types.is_empty() || types.iter().any(|t| t.includes(member.kind)))
        .filter(|(_, member)| {
            activation.is_none_or(|wanted| i64::from(member.activation) == wanted)
        })
        .filter(|(_, member)| match area {
            Some(1) => member.kind != Kind::Guest,
            Some(2) => member.kind == Kind::Guest,
            _ => true,
        })
        .filter(|(_, member)| text_matches(member))
        .collect();

    let sort_by = context
        .query_first("sortBy")
        .unwrap_or("firstname")
        .to_ascii_lowercase();
    let sort_key = |member: &Member| -> (String, i64) {
        match sort_by.as_str() {
            "lastname" => (member.last_name.to_lowercase(), 0),
            "displayname" => (display_name(member).to_lowercase(), 0),
            "email" => (member.email.to_lowercase(), 0),
            "type" => (String::new(), i64::from(kind_rank(member.kind))),
            "registrationdate" => (String::new(), member.registered_at),
            _ => (member.first_name.to_lowercase(), 0),
        }
    };
    // The database sorts on the column alone, with no tie-breaker: users with the same
    // key (registered in the same second, by an import) come in an order of its own on
    // each request (QUIRKS.md Q23). Each listing request here draws a new, seeded order.
    let draw = LISTINGS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let tie = |index: usize| splitmix(draw.wrapping_mul(0x9e37_79b9) ^ index as u64);
    matches.sort_by(|(left_index, left), (right_index, right)| {
        let (left_key, right_key) = (sort_key(left), sort_key(right));
        let order = if descending {
            right_key.cmp(&left_key)
        } else {
            left_key.cmp(&right_key)
        };
        order.then(tie(*left_index).cmp(&tie(*right_index)))
    });

    // A count of its own, which need not agree with the pages (QUIRKS.md Q23).
    let total = matches.len() as i64 + state.miscount;
    let start = usize::try_from(start_index.max(0)).unwrap_or(usize::MAX);
    let page: Vec<Json> = matches
        .iter()
        .skip(start)
        .take(usize::try_from(count).unwrap_or(0))
        .map(|(_, member)| employee_full_dto(state, context.base_url, member, caller))
        .collect();
    Ok(Success {
        count: page.len() as i64,
        response: Some(Json::Arr(page)),
        total: Some(total),
        bare: None,
    })
}

/// PUT /people/status/{status} (QUIRKS.md Q24): all-or-nothing.
fn change_status(
    state: &mut State,
    context: &Context<'_>,
    caller: &Member,
    status_text: &str,
) -> Outcome {
    let body = json_object(context.request)?;
    let mut fields = Fields::new(&body);
    let user_ids = fields.guid_list("userIds");
    fields.boolean("resendAll");
    let status = parse_employee_status(status_text);
    if status.is_none() {
        fields.error("status", format!("The value '{status_text}' is not valid."));
    }
    fields.finish()?;
    let new_status = match status {
        Some(1) => Status::Active,
        Some(2) => Status::Terminated,
        _ => return Err(bad_argument("Incorrect status")),
    };
    if !caller.is_docspace_admin() {
        return Err(demand_failed());
    }
    let user_ids = user_ids.ok_or_else(|| null_argument("source"))?;
    for id in &user_ids {
        // Unknown and removed ids resolve to LostUser, a system user.
        let target = state.member(id).ok_or_else(access_denied)?;
        let protected = target.is_owner()
            || target.ldap
            || target.id == caller.id
            || (target.is_docspace_admin() && !caller.is_owner());
        if protected {
            return Err(access_denied());
        }
    }
    for id in &user_ids {
        let target = state.member_mut(id).expect("checked above");
        match new_status {
            Status::Terminated => {
                target.status = Status::Terminated;
                let id = target.id.clone();
                state.end_sessions(&id);
            }
            _ if target.status == Status::Terminated => {
                target.status = if target.never_registered() {
                    Status::Pending
                } else {
                    Status::Active
                };
            }
            _ => {}
        }
    }
    let items = user_ids
        .iter()
        .filter_map(|id| state.member(id))
        .map(|target| employee_full_dto(state, context.base_url, target, caller))
        .collect();
    Ok(Success::stream(items))
}

/// DELETE /people/{userid} (QUIRKS.md Q25).
fn delete_member(state: &mut State, context: &Context<'_>, caller: &Member, user: &str) -> Outcome {
    if !caller.is_docspace_admin() {
        return Err(demand_failed());
    }
    let target = parse_guid(user)
        .and_then(|id| state.member(&id))
        .or_else(|| state.by_user_name(user))
        .cloned()
        .ok_or_else(|| not_found(USER_NOT_FOUND))?;
    // LDAP accounts are refused like system users (QUIRKS.md Q43).
    if target.ldap {
        return Err(access_denied());
    }
    if target.status != Status::Terminated {
        return Err(invalid_operation("The user is not suspended"));
    }
    if target.is_docspace_admin() && !caller.is_owner() {
        return Err(access_denied());
    }
    check_reassign_process(state, [&target.id])?;
    // The removal job gives the leaver's rooms and shared files to the caller (QUIRKS.md Q41).
    state.hand_over(&target.id, &caller.id, usize::MAX, usize::MAX);
    state.remove(&target.id);
    let removed = state
        .member_any(&target.id)
        .expect("a removed account stays in the database");
    Ok(Success::single(employee_full_dto(
        state,
        context.base_url,
        removed,
        caller,
    )))
}

/// PUT /people/delete (QUIRKS.md Q26).
fn bulk_delete(state: &mut State, context: &Context<'_>, caller: &Member) -> Outcome {
    let body = json_object(context.request)?;
    let mut fields = Fields::new(&body);
    let user_ids = fields.guid_list("userIds");
    fields.boolean("resendAll");
    fields.finish()?;
    if !caller.is_docspace_admin() {
        return Err(demand_failed());
    }
    let user_ids = user_ids.ok_or_else(|| null_argument("source"))?;
    check_reassign_process(state, &user_ids)?;
    // Unknown, deleted and LDAP accounts are dropped without a word (QUIRKS.md Q26, Q43).
    let mut targets: Vec<String> = Vec::new();
    for id in user_ids {
        if state.member(&id).is_some_and(|target| !target.ldap) && !targets.contains(&id) {
            targets.push(id);
        }
    }
    let all_suspended = targets
        .iter()
        .filter_map(|id| state.member(id))
        .all(|target| target.status == Status::Terminated);
    if !all_suspended {
        return Err(invalid_operation("Users are not suspended"));
    }
    // The server also skips RoomAdmins for callers who are not DocSpace
    // admins, but the demand above has already refused such callers.
    for id in &targets {
        let skipped = !caller.is_owner()
            && state
                .member(id)
                .is_some_and(|target| target.is_docspace_admin());
        if !skipped {
            // Data goes to the caller, as for DELETE /people/{userid} (QUIRKS.md Q41).
            state.hand_over(id, &caller.id, usize::MAX, usize::MAX);
            state.remove(id);
        }
    }
    let items = targets
        .iter()
        .filter_map(|id| state.member_any(id))
        .map(|target| employee_full_dto(state, context.base_url, target, caller))
        .collect();
    Ok(Success::stream(items))
}

/// GET /people/guests/{userid:guid}/share (QUIRKS.md Q27).
fn guest_share_link(
    state: &mut State,
    context: &Context<'_>,
    caller: &Member,
    guest_id: &str,
) -> Outcome {
    let guest = state
        .member(guest_id)
        .ok_or_else(|| not_found("User not found"))?;
    if guest.kind != Kind::Guest {
        return Err(bad_argument("User is not a guest"));
    }
    if caller.kind == Kind::Guest || !state.can_view(caller, guest) {
        return Err(access_denied());
    }
    let guest_id = guest.id.clone();
    let link = state.issue_share_link(context.base_url, &guest_id, &caller.id);
    Ok(Success::single(text(link)))
}

/// POST /people/guests/share/approve (QUIRKS.md Q29): the `confirm` scheme.
fn approve_guest(state: &mut State, context: &Context<'_>) -> Outcome {
    let request = context.request;
    let authenticated = authenticated_caller(state, request);
    if request.header("authorization").is_some() && authenticated.is_none() {
        return Err(Failure::Empty(401));
    }
    let confirm = codec::parse_query(request.header("confirm").unwrap_or_default());
    let confirm_value = |name: &str| {
        confirm
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let is_guest_share_link = confirm_value("type")
        .is_some_and(|confirm_type| confirm_type.eq_ignore_ascii_case("GuestShareLink"));
    if !is_guest_share_link {
        // Authenticated but lacking the GuestShareLink role is a forbid; with
        // nothing at all it is a challenge.
        return Err(Failure::Empty(if authenticated.is_some() {
            403
        } else {
            401
        }));
    }
    let encemail = confirm_value("encemail").unwrap_or_default();
    let creator_id = confirm_value("uid")
        .and_then(parse_guid)
        .unwrap_or_default();
    let issued_guest_id = state
        .issued_confirm(
            confirm_value("key").unwrap_or_default(),
            encemail,
            &creator_id,
        )
        .map(|issued| issued.guest_id.clone())
        .ok_or(Failure::Empty(401))?;
    let creator = state
        .member(&creator_id)
        .filter(|creator| {
            creator.status == Status::Active
                && matches!(
                    creator.kind,
                    Kind::Owner | Kind::DocSpaceAdmin | Kind::RoomAdmin
                )
        })
        .cloned()
        .ok_or(Failure::Empty(401))?;
    let guest_email = state::decrypt_email(encemail).ok_or(Failure::Empty(401))?;
    if let Some(current) = state.by_email(&guest_email) {
        let still_that_guest = current.id == issued_guest_id
            && current.kind == Kind::Guest
            && current.status != Status::Terminated;
        if !still_that_guest {
            return Err(Failure::Empty(401));
        }
    }
    let caller = authenticated.unwrap_or(creator);

    let body = json_object(request)?;
    let mut fields = Fields::new(&body);
    let email = fields.string("email");
    if email.as_deref().is_none_or(str::is_empty) {
        fields.error("Email", "The Email field is required.");
    } else {
        fields.check_email("Email", email.as_deref());
    }
    fields.finish()?;

    if matches!(caller.kind, Kind::User | Kind::Guest) {
        return Err(access_denied());
    }
    // Still a guest: the key check above refuses the link otherwise, before
    // the action's own 400 "User is not a guest" could.
    let guest = state
        .by_email(&guest_email)
        .cloned()
        .ok_or_else(|| not_found("User not found"))?;
    if !state.can_view(&caller, &guest) {
        state.relate(&caller.id, &guest.id);
    }
    Ok(Success::single(employee_full_dto(
        state,
        context.base_url,
        &guest,
        &caller,
    )))
}

/// DELETE /people/guests (QUIRKS.md Q30): unlinks, never deletes; all-or-nothing.
fn unlink_guests(state: &mut State, context: &Context<'_>, caller: &Member) -> Outcome {
    let body = json_object(context.request)?;
    let mut fields = Fields::new(&body);
    let user_ids = fields.guid_list("userIds");
    fields.boolean("resendAll");
    fields.finish()?;
    let user_ids = user_ids.ok_or_else(|| null_argument("inDto?.UserIds"))?;
    if !matches!(
        caller.kind,
        Kind::Owner | Kind::DocSpaceAdmin | Kind::RoomAdmin
    ) {
        return Err(access_denied());
    }
    for id in &user_ids {
        let linked_guest = state.member(id).is_some_and(|guest| {
            guest.status != Status::Terminated
                && guest.kind == Kind::Guest
                && state.related(&caller.id, &guest.id)
        });
        if !linked_guest {
            return Err(access_denied());
        }
    }
    for id in &user_ids {
        state.unrelate(&caller.id, id);
    }
    Ok(Success::nothing())
}

/// POST /people/invite (QUIRKS.md Q31): items are applied one by one, so a failure
/// leaves the earlier ones invited.
fn invite(state: &mut State, context: &Context<'_>, caller: &Member) -> Outcome {
    let body = json_object(context.request)?;
    let mut fields = Fields::new(&body);
    fields.string("culture");
    let mut invitations: Vec<(Option<String>, EmployeeType)> = Vec::new();
    match fields.value("invitations") {
        None => fields.error("Invitations", "The Invitations field is required."),
        Some(Value::Array(entries)) => {
            for (index, entry) in entries.iter().enumerate() {
                let Value::Object(entry) = entry else {
                    fields.conversion_error(
                        &format!("invitations[{index}]"),
                        "ASC.Api.Core.Model.EmailInvitationDto",
                    );
                    continue;
                };
                let email = match lookup(entry, "email") {
                    None => None,
                    Some(Value::String(email)) => Some(email.clone()),
                    Some(_) => {
                        fields.conversion_error(
                            &format!("invitations[{index}].email"),
                            "System.String",
                        );
                        None
                    }
                };
                let key = format!("Invitations[{index}].Email");
                fields.check_email(&key, email.as_deref());
                let requested = match lookup(entry, "type") {
                    None => EmployeeType::All,
                    Some(value) => EmployeeType::from_json(value).unwrap_or_else(|| {
                        fields.conversion_error(
                            &format!("invitations[{index}].type"),
                            "ASC.Core.Users.EmployeeType",
                        );
                        EmployeeType::All
                    }),
                };
                invitations.push((email, requested));
            }
        }
        Some(_) => fields.conversion_error(
            "invitations",
            "System.Collections.Generic.IEnumerable`1[ASC.Api.Core.Model.EmailInvitationDto]",
        ),
    }
    fields.finish()?;
    if !matches!(
        caller.kind,
        Kind::Owner | Kind::DocSpaceAdmin | Kind::RoomAdmin
    ) {
        return Err(access_denied());
    }
    for (email, requested) in invitations {
        let email = email.unwrap_or_default();
        if !strict_email_accepts(&email) {
            return Err(bad_argument("Incorrect email"));
        }
        match requested {
            EmployeeType::Guest => return Err(access_denied()),
            EmployeeType::RoomAdmin if !caller.is_docspace_admin() => {
                return Err(access_denied());
            }
            EmployeeType::DocSpaceAdmin if !caller.is_owner() => return Err(access_denied()),
            _ => {}
        }
        if let Some(existing) = state.by_email(&email).cloned() {
            if existing.status == Status::Terminated {
                return Err(bad_argument(format!("User disabled: {email}")));
            }
            let upgrade_permitted = caller.is_docspace_admin()
                || (requested == EmployeeType::User
                    && existing.kind == Kind::Guest
                    && state.related(&caller.id, &existing.id));
            if requested.rank() > kind_rank(existing.kind)
                && upgrade_permitted
                && let Some(member) = state.member_mut(&existing.id)
            {
                member.kind = requested.kind_when_created();
            }
            state.relate(&caller.id, &existing.id);
        } else {
            // `All` creates a RoomAdmin, which only a DocSpace admin may save.
            if requested == EmployeeType::All && !caller.is_docspace_admin() {
                return Err(demand_failed());
            }
            let id = state.create(NewMember {
                email: &email,
                first_name: "",
                last_name: "",
                kind: requested.kind_when_created(),
                status: Status::Pending,
                activation: 2,
                created_by: Some(caller.id.clone()),
                registered_at: codec::now().0,
            });
            state.relate(&caller.id, &id);
        }
    }
    let mut pending: Vec<Json> = state
        .members
        .iter()
        .filter(|member| !member.removed && member.activation == 2)
        .filter(|member| state.can_view(caller, member))
        .map(|member| {
            let mut dto = employee_dto(context.base_url, member);
            apply_wire(state, &mut dto);
            dto
        })
        .collect();
    if state.wire.invite_entry_without_id {
        pending.push(object([("displayName", text("someone.else@example.com"))]));
    }
    Ok(Success::list(pending))
}

// ---------------------------------------------------------------------------
// Offboarding: PUT /people/{userid} and the reassign jobs (QUIRKS.md Q38-Q44)

/// Constants.LostUser, what GetUsersAsync answers for an unknown or deleted id.
const LOST_USER_ID: &str = "4a515a15-d4d6-4b8e-828e-e0586f18f3a3";

/// CheckReassignProcessAsync (QUIRKS.md Q41): a plain Exception, so 500.
fn check_reassign_process<'i>(
    state: &State,
    ids: impl IntoIterator<Item = &'i String>,
) -> Result<(), Failure> {
    for id in ids {
        if state.reassign_unfinished(id)
            && let Some(member) = state.member(id)
        {
            let name = format!("{} {}", member.first_name, member.last_name);
            let name = match name.trim() {
                "" => member.email.clone(),
                name => name.to_owned(),
            };
            // `Resource.ReassignDataRemoveUserError`, translated (QUIRKS.md Q49).
            let message = match state.settings.language.as_deref() {
                Some("de") => {
                    format!("Die Neuzuweisung der Daten für {name} ist nicht abgeschlossen.")
                }
                _ => format!("Data reassign process for {name} is not complete."),
            };
            return Err(Failure::Error {
                code: 500,
                message,
                exception: Exception::Plain,
            });
        }
    }
    Ok(())
}

/// PUT /people/{userid} (QUIRKS.md Q42): only `disable` takes effect on someone else.
fn update_member(state: &mut State, context: &Context<'_>, caller: &Member, user: &str) -> Outcome {
    let body = json_object(context.request)?;
    let mut fields = Fields::new(&body);
    let disable = fields.boolean("disable");
    fields.boolean("isUser");
    let first_name = fields.string("firstName");
    let last_name = fields.string("lastName");
    fields.check_length("FirstName", first_name.as_deref());
    fields.check_length("LastName", last_name.as_deref());
    fields.finish()?;
    let target = parse_guid(user)
        .and_then(|id| state.member(&id))
        .or_else(|| state.by_user_name(user))
        .cloned()
        .ok_or_else(|| not_found(USER_NOT_FOUND))?;
    let own_profile = target.id == caller.id;
    // EditUser on a user: the Self role, or a DocSpace admin.
    if !own_profile && !caller.is_docspace_admin() {
        return Err(demand_failed());
    }
    if !own_profile && target.is_docspace_admin() && !caller.is_owner() {
        return Err(access_denied());
    }
    if own_profile && target.ldap {
        // An LDAP account's names are the directory's: the portal keeps them, and answers
        // 200 all the same (QUIRKS.md Q42).
    } else if own_profile {
        // A user cannot disable itself; its own names do change.
        let first = first_name.unwrap_or_else(|| target.first_name.clone());
        let last = last_name.unwrap_or_else(|| target.last_name.clone());
        if !name_matches_policy(&first) || !(last.is_empty() || name_matches_policy(&last)) {
            return Err(bad_argument("Incorrect firstname or lastname"));
        }
        let member = state.member_mut(&target.id).expect("found above");
        member.first_name = first;
        member.last_name = last;
    } else {
        match disable {
            Some(true) => {
                let member = state.member_mut(&target.id).expect("found above");
                member.status = Status::Terminated;
                member.terminated_at = Some(codec::now().0);
                state.end_sessions(&target.id);
            }
            // Active whatever the status was, a pending invitee's included, and the
            // date gone: the one path that clears it.
            Some(false) => {
                let member = state.member_mut(&target.id).expect("found above");
                member.status = Status::Active;
                member.terminated_at = None;
            }
            None => {}
        }
    }
    let updated = state.member(&target.id).expect("found above");
    Ok(Success::single(employee_full_dto(
        state,
        context.base_url,
        updated,
        caller,
    )))
}

/// TaskProgressResponseDto: `error` is null, so left out, unless the job failed.
fn job_dto(job: &state::ReassignJob) -> Json {
    let mut dto = object([("id", text(job.id.clone()))]);
    if let Some(error) = &job.error {
        dto.push("error", text(error.clone()));
    }
    dto.push("percentage", Json::Int(job.percentage));
    dto.push("isCompleted", Json::Bool(job.status.finished()));
    dto.push("status", Json::Int(job.status.number()));
    dto
}

/// GET /people/reassign/necessary?userId=&type= (QUIRKS.md Q39).
fn reassign_necessary(state: &mut State, context: &Context<'_>, caller: &Member) -> Outcome {
    let mut errors = Vec::new();
    let user_id = match context.query_first("userId") {
        None => "00000000-0000-0000-0000-000000000000".to_owned(),
        Some(raw) => parse_guid(raw).unwrap_or_else(|| {
            errors.push((
                "userId".to_owned(),
                format!("The value '{raw}' is not valid."),
            ));
            String::new()
        }),
    };
    let requested = match context.query_first("type") {
        None => EmployeeType::All,
        Some(raw) => EmployeeType::parse(raw).unwrap_or_else(|| {
            errors.push((
                "type".to_owned(),
                format!("The value '{raw}' is not valid."),
            ));
            EmployeeType::All
        }),
    };
    if !errors.is_empty() {
        return Err(Failure::Validation(errors));
    }
    // AddRemoveUser for the requested type, as on POST /people (QUIRKS.md Q20).
    let may = match caller.kind {
        Kind::Owner | Kind::DocSpaceAdmin => true,
        Kind::RoomAdmin => matches!(requested, EmployeeType::User | EmployeeType::Guest),
        Kind::User | Kind::Guest => false,
    };
    if !may {
        return Err(demand_failed());
    }
    let target = state.member_any(&user_id);
    if target.is_some_and(Member::is_docspace_admin) && !caller.is_owner() {
        return Err(access_denied());
    }
    let necessary = target.is_some_and(|target| {
        target.rooms > 0 || (requested == EmployeeType::Guest && target.shared_files > 0)
    });
    Ok(Success::single(Json::Bool(necessary)))
}

/// POST /people/reassign/start (QUIRKS.md Q39).
fn reassign_start(state: &mut State, context: &Context<'_>, caller: &Member) -> Outcome {
    let body = json_object(context.request)?;
    let mut fields = Fields::new(&body);
    let from_id = fields.guid("fromUserId");
    let to_id = fields.guid("toUserId");
    let delete_profile = fields.boolean("deleteProfile").unwrap_or(false);
    fields.finish()?;
    if !caller.is_docspace_admin() {
        return Err(demand_failed());
    }
    let heir = state.member(&to_id).cloned();
    let heir_ok = heir.as_ref().is_some_and(|heir| {
        matches!(
            heir.kind,
            Kind::Owner | Kind::DocSpaceAdmin | Kind::RoomAdmin
        ) && heir.status != Status::Terminated
    });
    if !heir_ok {
        let shown = heir.map_or_else(|| LOST_USER_ID.to_owned(), |heir| heir.id);
        return Err(bad_argument(format!(
            "Can not reassign data to user with id = {shown}"
        )));
    }
    let source = state.member(&from_id).cloned();
    let source_ok = source.as_ref().is_some_and(|source| {
        !source.is_owner()
            && source.id != caller.id
            && source.status == Status::Terminated
            && (!source.is_docspace_admin() || caller.is_owner())
    });
    let Some(source) = source.filter(|_| source_ok) else {
        let shown = state
            .member(&from_id)
            .map_or_else(|| LOST_USER_ID.to_owned(), |source| source.id.clone());
        return Err(bad_argument(format!(
            "Can not reassign data from user with id = {shown}"
        )));
    };
    // Not from the server: a second start while one runs answers the running job.
    if let Some(running) = state
        .reassign_job(&source.id)
        .filter(|job| !job.status.finished())
    {
        return Ok(Success::single(job_dto(running)));
    }
    let job = state::ReassignJob {
        id: state.new_guid(),
        from: source.id.clone(),
        to: to_id,
        delete_profile,
        status: state::JobStatus::Created,
        percentage: 0,
        error: None,
        polls: 0,
        rooms_at_start: source.rooms,
        files_at_start: source.shared_files,
        rooms_moved: 0,
        files_moved: 0,
        held: false,
    };
    let dto = job_dto(&job);
    state.reassign_jobs.retain(|known| known.from != source.id);
    state.reassign_jobs.push(job);
    Ok(Success::single(dto))
}

/// The checks progress and terminate share: EditUser, and the owner for a DocSpace admin.
fn reassign_job_access(state: &State, caller: &Member, user_id: &str) -> Result<(), Failure> {
    if !caller.is_docspace_admin() {
        return Err(demand_failed());
    }
    if state
        .member_any(user_id)
        .is_some_and(Member::is_docspace_admin)
        && !caller.is_owner()
    {
        return Err(access_denied());
    }
    Ok(())
}

/// GET /people/reassign/progress/{userid:guid} (QUIRKS.md Q40): each poll moves the job on.
fn reassign_progress(
    state: &mut State,
    _context: &Context<'_>,
    caller: &Member,
    user_id: &str,
) -> Outcome {
    reassign_job_access(state, caller, user_id)?;
    Ok(match state.poll_reassign(user_id) {
        Some(job) => Success::single(job_dto(&job)),
        None => Success::empty_answer(),
    })
}

/// PUT /people/reassign/terminate (QUIRKS.md Q40): cancels and dequeues the job.
fn reassign_terminate(state: &mut State, context: &Context<'_>, caller: &Member) -> Outcome {
    let body = json_object(context.request)?;
    let mut fields = Fields::new(&body);
    let user_id = fields.guid("userId");
    fields.finish()?;
    reassign_job_access(state, caller, &user_id)?;
    let Some(index) = state
        .reassign_jobs
        .iter()
        .position(|job| job.from.eq_ignore_ascii_case(&user_id))
    else {
        return Ok(Success::empty_answer());
    };
    let mut job = state.reassign_jobs.remove(index);
    job.status = state::JobStatus::Canceled;
    Ok(Success::single(job_dto(&job)))
}

/// A listing's `count` and `startIndex`, as the server's model binding reads them (Q23):
/// a value that is not a number, or a count out of range, is a validation problem.
fn paging(context: &Context<'_>, errors: &mut Vec<(String, String)>) -> (i64, i64) {
    let mut integer = |key: &str, label: &str, default: i64| match context.query_first(key) {
        None => default,
        Some(raw) => raw.trim().parse::<i64>().unwrap_or_else(|_| {
            errors.push((
                key.to_owned(),
                format!("The value '{raw}' is not valid for {label}."),
            ));
            default
        }),
    };
    let count = integer("count", "Count", MAX_PAGE);
    let start_index = integer("startIndex", "StartIndex", 0);
    if !(1..=MAX_PAGE).contains(&count) {
        errors.push((
            "Count".to_owned(),
            format!("The field Count must be between 1 and {MAX_PAGE}."),
        ));
    }
    (count, start_index)
}

/// A listing's `sortOrder` as the server binds it (Q23): descending or not; another
/// value is a validation problem.
fn descending(context: &Context<'_>, errors: &mut Vec<(String, String)>) -> bool {
    match context
        .query_first("sortOrder")
        .map(|raw| raw.trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("ascending" | "0") => false,
        Some("descending" | "1") => true,
        Some(other) => {
            errors.push((
                "sortOrder".to_owned(),
                format!("The value '{other}' is not valid."),
            ));
            false
        }
    }
}
