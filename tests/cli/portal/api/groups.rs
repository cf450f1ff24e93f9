//! Groups (QUIRKS.md Q53, Q55) and API keys (Q54), kept apart from the People endpoints
//! of `api.rs`, whose helpers they use.

use super::super::codec;
use super::super::json::{Json, object, text};
use super::super::state::{self, Member, State};
use super::super::{Kind, Status};
use super::{
    Context, Exception, Failure, Fields, LISTINGS, Outcome, Success, USER_NOT_FOUND, api_date,
    bad_argument, demand_failed, employee_dto, employee_full_dto, json_object, not_found, splitmix,
};

/// `Resource.ErrorGroupNotFound` (translated, Q49).
const GROUP_NOT_FOUND: &str = "The group could not be found";

/// `Action_ReadGroups`: granted to room admins by the portal's ACL, denied to users;
/// DocSpace admins may do anything (Q53).
fn read_groups(caller: &Member) -> Result<(), Failure> {
    match caller.kind {
        Kind::Owner | Kind::DocSpaceAdmin | Kind::RoomAdmin => Ok(()),
        Kind::User | Kind::Guest => Err(demand_failed()),
    }
}

/// `Action_EditGroups` with `Action_AddRemoveUser`, asked without a target: DocSpace
/// admins only (Q53).
fn edit_groups(caller: &Member) -> Result<(), Failure> {
    if caller.is_docspace_admin() {
        Ok(())
    } else {
        Err(demand_failed())
    }
}

/// `GetGroupInfoAsync`: unknown or removed → 404.
fn found<'s>(state: &'s State, id: &str) -> Result<&'s state::Group, Failure> {
    state.group(id).ok_or_else(|| not_found(GROUP_NOT_FOUND))
}

/// `ValidateUserAsync`: a user who exists (not removed), is not terminated and is not
/// a guest.
fn valid_member(state: &State, id: &str) -> bool {
    state
        .member(id)
        .is_some_and(|m| m.status != Status::Terminated && m.kind != Kind::Guest)
}

/// `GroupDto` (Q53): name, parent, category, id, isLDAP, manager (a full user, left out
/// when there is none), members (only when asked for: active and pending ones), and
/// membersCount (of those same members).
fn group_dto(
    state: &State,
    base_url: &str,
    group: &state::Group,
    caller: &Member,
    with_members: bool,
) -> Json {
    const EMPTY: &str = "00000000-0000-0000-0000-000000000000";
    let mut dto = object([
        ("name", text(group.name.clone())),
        ("parent", text(EMPTY)),
        ("category", text(EMPTY)),
        ("id", text(group.id.clone())),
        ("isLDAP", Json::Bool(false)),
    ]);
    if let Some(manager) = group.manager.as_deref().and_then(|id| state.member(id)) {
        dto.push(
            "manager",
            employee_full_dto(state, base_url, manager, caller),
        );
    }
    // GetUsersByGroupAsync asks for EmployeeStatus.Default: terminated members are left
    // out of the list and the count.
    let members: Vec<&Member> = group
        .members
        .iter()
        .filter_map(|id| state.member(id))
        .filter(|m| m.status != Status::Terminated)
        .collect();
    if with_members {
        dto.push(
            "members",
            Json::Arr(
                members
                    .iter()
                    .map(|m| employee_full_dto(state, base_url, m, caller))
                    .collect(),
            ),
        );
    }
    dto.push("membersCount", Json::Int(members.len() as i64));
    dto
}

/// A user's `department` and `groups` (`FillGroupsAsync`, Q53): the groups it is a
/// member of, by name, each with its manager's user name; `department` is their names,
/// HTML-encoded, joined by ", ", and empty when there are none (then no `groups`).
pub(super) fn push_groups(state: &State, dto: &mut Json, member: &Member) {
    let groups = state.groups_of(&member.id);
    let names: Vec<String> = groups.iter().map(|g| codec::html_encode(&g.name)).collect();
    dto.push("department", text(names.join(", ")));
    if groups.is_empty() {
        return;
    }
    let summaries = groups
        .iter()
        .map(|g| {
            let mut summary = object([("id", text(g.id.clone())), ("name", text(g.name.clone()))]);
            if let Some(manager) = g.manager.as_deref().and_then(|id| state.member(id)) {
                summary.push("manager", text(manager.user_name.clone()));
            }
            summary
        })
        .collect();
    dto.push("groups", Json::Arr(summaries));
}

/// GET /group (Q53): the groups, filtered, sorted and paged; each without its members.
pub(super) fn list(state: &mut State, context: &Context<'_>, caller: &Member) -> Outcome {
    let mut errors: Vec<(String, String)> = Vec::new();
    let (count, start_index) = super::paging(context, &mut errors);
    let user_id = context.query_first("userId").and_then(|raw| {
        let id = super::parse_guid(raw);
        if id.is_none() {
            errors.push((
                "userId".to_owned(),
                format!("The value '{raw}' is not valid."),
            ));
        }
        id
    });
    let manager = match context
        .query_first("manager")
        .map(|raw| raw.trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            errors.push((
                "manager".to_owned(),
                format!("The value '{other}' is not valid."),
            ));
            false
        }
    };
    let descending = super::descending(context, &mut errors);
    if !errors.is_empty() {
        return Err(Failure::Validation(errors));
    }
    read_groups(caller)?;
    let text = context
        .query_first("filterValue")
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    let mut matches: Vec<&state::Group> = state
        .groups
        .iter()
        .filter(|g| !g.removed && g.name.to_lowercase().contains(&text))
        .filter(|g| match user_id.as_deref() {
            None => true,
            Some(user) if manager => g.manager.as_deref() == Some(user),
            Some(user) => g.members.iter().any(|m| m == user),
        })
        .collect();
    // By name, with no tie-breaker: groups of one name come in an order of their own on
    // each request, as users of one sort key do (Q23). `sortBy` is taken as Title.
    let draw = LISTINGS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let tie = |g: &state::Group| splitmix(draw.wrapping_mul(0x9e37_79b9) ^ g.created);
    matches.sort_by(|a, b| {
        let order = a.name.to_lowercase().cmp(&b.name.to_lowercase());
        let order = if descending { order.reverse() } else { order };
        order.then(tie(a).cmp(&tie(b)))
    });
    let total = matches.len() as i64;
    let start = usize::try_from(start_index.max(0)).unwrap_or(usize::MAX);
    let page: Vec<Json> = matches
        .iter()
        .skip(start)
        .take(usize::try_from(count).unwrap_or(0))
        .map(|g| group_dto(state, context.base_url, g, caller, false))
        .collect();
    Ok(Success {
        count: (total - start_index.max(0)).clamp(0, count),
        response: Some(Json::Arr(page)),
        total: Some(total),
        bare: None,
    })
}

/// GET /group/{id:guid} (Q53): with its members unless `includeMembers=false`.
pub(super) fn get(state: &mut State, context: &Context<'_>, caller: &Member, id: &str) -> Outcome {
    let with_members = match context
        .query_first("includeMembers")
        .map(|raw| raw.trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("true") => true,
        Some("false") => false,
        Some(other) => {
            return Err(Failure::Validation(vec![(
                "includeMembers".to_owned(),
                format!("The value '{other}' is not valid."),
            )]));
        }
    };
    read_groups(caller)?;
    let group = found(state, id)?;
    Ok(Success::single(group_dto(
        state,
        context.base_url,
        group,
        caller,
        with_members,
    )))
}

/// POST /group (Q53): every user named is checked before anything is made.
pub(super) fn create(state: &mut State, context: &Context<'_>, caller: &Member) -> Outcome {
    let body = json_object(context.request)?;
    let mut fields = Fields::new(&body);
    let name = fields.string("groupName");
    let manager = fields.guid("groupManager");
    let members = fields.guid_list("members").unwrap_or_default();
    match &name {
        // `required string GroupName`: absent is a binding error.
        None => fields.error("groupName", "The GroupName field is required."),
        Some(name) if !(1..=128).contains(&name.chars().count()) => fields.error(
            "GroupName",
            "The field GroupName must be a string with a minimum length of 1 and a maximum length of 128.",
        ),
        Some(_) => {}
    }
    fields.finish()?;
    edit_groups(caller)?;
    let name = name.unwrap_or_default();
    if name.trim().is_empty() {
        return Err(bad_argument(
            "The value cannot be an empty string or composed entirely of whitespace. (Parameter 'inDto.GroupName')",
        ));
    }
    let empty = "00000000-0000-0000-0000-000000000000";
    let named = members.iter().chain((manager != empty).then_some(&manager));
    for id in named {
        if !valid_member(state, id) {
            // `Resource.ErrorUserNotFound` as an ArgumentException: 400, translated.
            return Err(bad_argument(USER_NOT_FOUND));
        }
    }
    let group = state.create_group(&name);
    if manager != empty {
        state.group_mut(&group).expect("just made").manager = Some(manager.clone());
        state.join_group(&group, &manager);
    }
    for id in &members {
        state.join_group(&group, id);
    }
    let group = state.group(&group).expect("just made");
    Ok(Success::single(group_dto(
        state,
        context.base_url,
        group,
        caller,
        true,
    )))
}

/// DELETE /group/{id:guid} (Q53): 204, no body.
pub(super) fn delete(
    state: &mut State,
    _context: &Context<'_>,
    caller: &Member,
    id: &str,
) -> Outcome {
    edit_groups(caller)?;
    found(state, id)?;
    let group = state.group_mut(id).expect("found above");
    group.removed = true;
    group.members.clear();
    group.manager = None;
    Ok(Success::no_content())
}

/// The `members` of a `MembersRequest` body; a body without them leaves `null`, which
/// the add endpoint walks into (Q53).
fn members_of(context: &Context<'_>) -> Result<Option<Vec<String>>, Failure> {
    let body = json_object(context.request)?;
    let mut fields = Fields::new(&body);
    let members = fields.guid_list("members");
    fields.finish()?;
    Ok(members)
}

/// PUT /group/{id:guid}/members (Q53): adds the valid users, skips the others silently.
pub(super) fn add_members(
    state: &mut State,
    context: &Context<'_>,
    caller: &Member,
    id: &str,
) -> Outcome {
    let members = members_of(context)?;
    edit_groups(caller)?;
    found(state, id)?;
    let members = members.ok_or_else(null_reference)?;
    for user in &members {
        if valid_member(state, user) {
            state.join_group(id, user);
        }
    }
    the_group(state, context, caller, id)
}

/// DELETE /group/{id:guid}/members (Q53): removes each user who exists; a manager
/// removed leaves the group without one.
pub(super) fn remove_members(
    state: &mut State,
    context: &Context<'_>,
    caller: &Member,
    id: &str,
) -> Outcome {
    let members = members_of(context)?;
    edit_groups(caller)?;
    found(state, id)?;
    for user in members.unwrap_or_default() {
        if state.member(&user).is_some() {
            state.leave_group(id, &user);
        }
    }
    the_group(state, context, caller, id)
}

/// PUT /group/{id:guid}/manager (Q53): no permission demand of its own; a terminated
/// user or a guest is skipped without a word and the group answered as it is.
pub(super) fn set_manager(
    state: &mut State,
    context: &Context<'_>,
    caller: &Member,
    id: &str,
) -> Outcome {
    let body = json_object(context.request)?;
    let mut fields = Fields::new(&body);
    if fields.value("userId").is_none() {
        fields.error("userId", "The UserId field is required.");
    }
    let user = fields.guid("userId");
    fields.finish()?;
    found(state, id)?;
    let Some(target) = state.member(&user).cloned() else {
        return Err(not_found(USER_NOT_FOUND));
    };
    if valid_member(state, &user) {
        // SetDepartmentManagerAsync writes the link with no check; the member link's
        // AddUserIntoGroupAsync then demands EditGroups on that user, which a room admin
        // has for a User only. Refused there, the manager is already changed.
        state.group_mut(id).expect("found above").manager = Some(user.clone());
        let may = caller.is_docspace_admin()
            || (caller.kind == Kind::RoomAdmin && target.kind == Kind::User);
        if !may {
            return Err(demand_failed());
        }
        state.join_group(id, &user);
    }
    the_group(state, context, caller, id)
}

fn null_reference() -> Failure {
    Failure::Error {
        code: 500,
        message: "Object reference not set to an instance of an object.".to_owned(),
        exception: Exception::NullReference,
    }
}

/// `ApiKeyResponseDto` (Q52, Q54): id, name, key (its last four characters behind
/// `sk-***`), keyPostfix, permissions, lastUsed, createOn, createBy (the creator's
/// `EmployeeDto`), expiresAt, isActive; the dates only when set.
pub(super) fn key_dto(state: &State, base_url: &str, key: &state::ApiKey) -> Json {
    let postfix = &key.key[key.key.len() - 4..];
    let mut dto = object([
        ("id", text(key.id.clone())),
        ("name", text(key.name.clone())),
        ("key", text(format!("sk-***{postfix}"))),
        ("keyPostfix", text(postfix)),
        ("permissions", Json::Arr(Vec::new())),
    ]);
    if let Some(at) = key.last_used {
        dto.push("lastUsed", api_date(state, at));
    }
    dto.push("createOn", api_date(state, key.created_at));
    if let Some(creator) = state.member_any(&key.user) {
        dto.push("createBy", employee_dto(base_url, creator));
    }
    if let Some(at) = key.expires_at {
        dto.push("expiresAt", api_date(state, at));
    }
    dto.push("isActive", Json::Bool(key.active));
    dto
}

/// GET /keys (Q54): every key of the portal for a DocSpace admin, the caller's own for
/// anyone else, the newest first; an `IAsyncEnumerable`, so `count` is 1 (Q12).
pub(super) fn keys(state: &mut State, context: &Context<'_>, caller: &Member) -> Outcome {
    let mut keys: Vec<&state::ApiKey> = state
        .api_keys
        .iter()
        .filter(|k| caller.is_docspace_admin() || k.user == caller.id)
        .collect();
    keys.sort_by_key(|k| std::cmp::Reverse(k.created_at));
    Ok(Success::stream(
        keys.into_iter()
            .map(|k| key_dto(state, context.base_url, k))
            .collect(),
    ))
}

/// DELETE /keys/{keyId:guid} (Q54): `true` once deleted; `false` for someone else's key
/// when the caller is not a DocSpace admin; 500 for an id the portal does not have.
pub(super) fn delete_key(
    state: &mut State,
    _context: &Context<'_>,
    caller: &Member,
    id: &str,
) -> Outcome {
    let Some(key) = state
        .api_keys
        .iter()
        .find(|k| k.id.eq_ignore_ascii_case(id))
    else {
        // The controller reads the missing key's creator or id: NullReferenceException.
        return Err(null_reference());
    };
    if !caller.is_docspace_admin() && key.user != caller.id {
        return Ok(Success::single(Json::Bool(false)));
    }
    state.api_keys.retain(|k| !k.id.eq_ignore_ascii_case(id));
    Ok(Success::single(Json::Bool(true)))
}

/// The answer of a change to a group: the group as it is now, with its members.
fn the_group(state: &State, context: &Context<'_>, caller: &Member, id: &str) -> Outcome {
    let group = found(state, id)?;
    Ok(Success::single(group_dto(
        state,
        context.base_url,
        group,
        caller,
        true,
    )))
}
