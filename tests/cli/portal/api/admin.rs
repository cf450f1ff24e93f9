//! The admin's daily tasks: type changes (QUIRKS.md Q45, Q46), resending invitations
//! (Q47, Q48) and the paid seats (Q45). Kept apart from the People endpoints of
//! `api.rs`, whose helpers it uses.

use super::super::http::Request;
use super::super::json::{Json, object, text};
use super::super::state::{self, Member, State};
use super::super::{Kind, Reply, Status, codec};
use super::{
    Context, EmployeeType, Exception, Failure, Fields, Outcome, Success, access_denied,
    authenticated_caller, bad_argument, demand_failed, employee_full_dto, job_dto, json_object,
    kind_rank, null_argument, reassign_job_access,
};

/// The `sensitive_api` policy: 5 permits per 15 minutes per user and path (Q48).
const SENSITIVE_PERMITS: usize = 5;
const SENSITIVE_WINDOW: i64 = 15 * 60;

/// Seats the tariff has, as the quota reports an unlimited count feature.
const UNLIMITED: i64 = i32::MAX as i64;

/// Paid seats taken: every account that is not terminated and is a room admin, a
/// DocSpace admin or the owner (Q45).
pub(in super::super) fn paid_used(state: &State) -> usize {
    state
        .members
        .iter()
        .filter(|m| !m.removed && m.status != Status::Terminated)
        .filter(|m| matches!(m.kind, Kind::Owner | Kind::DocSpaceAdmin | Kind::RoomAdmin))
        .count()
}

fn paid(kind: Kind) -> bool {
    matches!(kind, Kind::Owner | Kind::DocSpaceAdmin | Kind::RoomAdmin)
}

/// `CountPaidUserChecker` (Q45): no seat left is a TenantQuotaException, 402.
fn no_seat_left(limit: usize) -> Failure {
    Failure::Error {
        code: 402,
        message: format!("The number of admins should not exceed {limit}"),
        exception: Exception::TenantQuota,
    }
}

/// PUT /people/type/{type} (Q45): one user after the other, each change kept; the first
/// refusal ends the request with its error, the users before it already changed.
pub(super) fn set_type(
    state: &mut State,
    context: &Context<'_>,
    caller: &Member,
    requested: &str,
) -> Outcome {
    let requested = EmployeeType::parse(requested).ok_or_else(|| {
        Failure::Validation(vec![(
            "type".to_owned(),
            format!("The value '{requested}' is not valid."),
        )])
    })?;
    let body = json_object(context.request)?;
    let mut fields = Fields::new(&body);
    let ids = fields.guid_list("userIds");
    fields.finish()?;
    let ids = ids.ok_or_else(|| null_argument("userIds"))?;
    let new_kind = match requested {
        EmployeeType::User => Kind::User,
        EmployeeType::RoomAdmin => Kind::RoomAdmin,
        EmployeeType::DocSpaceAdmin => Kind::DocSpaceAdmin,
        EmployeeType::Guest | EmployeeType::All => return Err(access_denied()),
    };
    let mut changed = Vec::new();
    for id in ids {
        let Some(target) = state.member(&id).cloned() else {
            return Err(access_denied());
        };
        let from_admin = target.kind == Kind::DocSpaceAdmin;
        let permitted = state.can_view(caller, &target)
            && target.status != Status::Terminated
            && !target.is_owner()
            && target.id != caller.id
            // Any change that changes nothing is refused.
            && target.kind != new_kind
            // Only the owner makes or unmakes DocSpace admins.
            && (caller.is_owner() || (new_kind != Kind::DocSpaceAdmin && !from_admin))
            // Up only, but for the owner's DocSpace admin made a room admin.
            && (kind_rank(new_kind) > kind_rank(target.kind)
                || (from_admin && new_kind == Kind::RoomAdmin))
            // A room admin may make a user of a guest it sees; the rest needs an admin.
            && (caller.is_docspace_admin()
                || (caller.kind == Kind::RoomAdmin
                    && target.kind == Kind::Guest
                    && new_kind == Kind::User));
        if !permitted {
            return Err(access_denied());
        }
        if paid(new_kind)
            && !paid(target.kind)
            && let Some(limit) = state.seat_limit
            && paid_used(state) >= limit
        {
            return Err(no_seat_left(limit));
        }
        let member = state.member_mut(&target.id).expect("found above");
        member.kind = new_kind;
        let member = member.clone();
        changed.push(employee_full_dto(state, context.base_url, &member, caller));
    }
    Ok(Success::stream(changed))
}

/// POST /people/type (Q46): the demotion job of one user; its rooms go to the heir
/// (the caller when none is named).
pub(super) fn type_start(state: &mut State, context: &Context<'_>, caller: &Member) -> Outcome {
    let body = json_object(context.request)?;
    let mut fields = Fields::new(&body);
    let requested = fields.employee_type("type");
    let user_id = fields.guid("userId");
    let heir_given = fields.value("reassignUserId").is_some();
    let heir_id = fields.guid("reassignUserId");
    fields.finish()?;
    if !caller.is_docspace_admin() {
        return Err(demand_failed());
    }
    let new_kind = match requested {
        Some(EmployeeType::User) => Kind::User,
        Some(EmployeeType::Guest) => Kind::Guest,
        _ => return Err(bad_argument("Incorrect type")),
    };
    let heir_id = if heir_given {
        heir_id
    } else {
        caller.id.clone()
    };
    let source = state.member(&user_id).cloned();
    let Some(source) = source.filter(|source| {
        source.status != Status::Terminated
            && !source.is_owner()
            && source.id != caller.id
            && kind_rank(source.kind) > kind_rank(new_kind)
    }) else {
        return Err(bad_argument(format!(
            "Can not change the type of user with id = {user_id}"
        )));
    };
    if source.is_docspace_admin() && !caller.is_owner() {
        return Err(access_denied());
    }
    let heir_ok = state.member(&heir_id).is_some_and(|heir| {
        paid(heir.kind) && heir.status != Status::Terminated && heir.id != source.id
    });
    if !heir_ok {
        return Err(bad_argument(format!(
            "Can not reassign data to user with id = {heir_id}"
        )));
    }
    if let Some((running, _)) = state
        .type_jobs
        .iter()
        .find(|(job, _)| job.from == source.id && !job.status.finished())
    {
        return Ok(Success::single(job_dto(running)));
    }
    let job = state::ReassignJob {
        id: state.new_guid(),
        from: source.id.clone(),
        to: heir_id,
        delete_profile: false,
        status: state::JobStatus::Created,
        percentage: 0,
        error: None,
        polls: 0,
        rooms_at_start: source.rooms,
        files_at_start: 0,
        rooms_moved: 0,
        files_moved: 0,
        held: false,
    };
    let dto = job_dto(&job);
    state.type_jobs.retain(|(known, _)| known.from != source.id);
    state.type_jobs.push((job, new_kind));
    Ok(Success::single(dto))
}

/// GET /people/type/progress/{userid:guid} (Q46): each poll moves the job on, as a
/// reassign job's does; completion hands over the rooms, then changes the type.
pub(super) fn type_progress(
    state: &mut State,
    _context: &Context<'_>,
    caller: &Member,
    user_id: &str,
) -> Outcome {
    reassign_job_access(state, caller, user_id)?;
    let Some(index) = state
        .type_jobs
        .iter()
        .position(|(job, _)| job.from.eq_ignore_ascii_case(user_id))
    else {
        return Ok(Success::empty_answer());
    };
    let polls = state.reassign_polls.max(1);
    let (job, kind) = &mut state.type_jobs[index];
    let kind = *kind;
    if !job.status.finished() {
        job.polls += 1;
        if job.polls >= polls {
            job.status = state::JobStatus::Completed;
            job.percentage = 100;
            let (from, to) = (job.from.clone(), job.to.clone());
            state.hand_over(&from, &to, usize::MAX, 0);
            if let Some(member) = state.member_mut(&from) {
                member.kind = kind;
            }
            // A guest is taken out of every group, its manager links too (Q55).
            if kind == Kind::Guest {
                state.leave_all_groups(&from);
            }
        } else {
            job.status = state::JobStatus::Running;
            job.percentage = (100 * job.polls / polls) as i64;
        }
    }
    Ok(Success::single(job_dto(&state.type_jobs[index].0)))
}

/// PUT /people/type/terminate (Q46): cancels and dequeues the job.
pub(super) fn type_terminate(state: &mut State, context: &Context<'_>, caller: &Member) -> Outcome {
    let body = json_object(context.request)?;
    let mut fields = Fields::new(&body);
    let user_id = fields.guid("userId");
    fields.finish()?;
    reassign_job_access(state, caller, &user_id)?;
    let Some(index) = state
        .type_jobs
        .iter()
        .position(|(job, _)| job.from.eq_ignore_ascii_case(&user_id))
    else {
        return Ok(Success::empty_answer());
    };
    let (mut job, _) = state.type_jobs.remove(index);
    job.status = state::JobStatus::Canceled;
    Ok(Success::single(job_dto(&job)))
}

/// The `sensitive_api` limiter in front of PUT /people/invite (Q48): per caller and
/// path, a sliding window of 5 calls in 15 minutes; the 6th is a bodiless 429 with the
/// limiter's headers and no Retry-After. Calls refused do not count.
pub(in super::super) fn sensitive_window(state: &mut State, request: &Request) -> Option<Reply> {
    let caller = authenticated_caller(state, request)?;
    let path = request.target.split('?').next().unwrap_or_default();
    let key = format!("{} {}", caller.id, path.to_ascii_lowercase());
    let now = codec::now().0;
    state
        .resend_calls
        .retain(|(_, at)| now - at < SENSITIVE_WINDOW);
    let used = state.resend_calls.iter().filter(|(k, _)| *k == key).count();
    if used >= SENSITIVE_PERMITS {
        return Some(Reply::Status {
            code: 429,
            headers: vec![
                (
                    "X-RateLimit-Limit".to_owned(),
                    SENSITIVE_PERMITS.to_string(),
                ),
                ("X-RateLimit-Remaining".to_owned(), "0".to_owned()),
            ],
            body: Vec::new(),
        });
    }
    state.resend_calls.push((key, now));
    None
}

/// PUT /people/invite (Q47): a new invitation for each requested user who never
/// activated, is not terminated, and whom the caller may invite (`has_access_invite`);
/// the others are skipped without a word. Answers with every requested user the caller
/// can see, sent to or not.
pub(super) fn resend(state: &mut State, context: &Context<'_>, caller: &Member) -> Outcome {
    let body = json_object(context.request)?;
    let mut fields = Fields::new(&body);
    let ids = fields.guid_list("userIds").unwrap_or_default();
    let all = fields.boolean("resendAll").unwrap_or(false);
    fields.finish()?;
    if all && matches!(caller.kind, Kind::User | Kind::Guest) {
        return Err(access_denied());
    }
    let chosen: Vec<Member> = if all {
        state
            .members
            .iter()
            .filter(|m| !m.removed && m.activation == 2)
            .cloned()
            .collect()
    } else {
        ids.iter()
            .filter_map(|id| state.member(id).cloned())
            .collect()
    };
    for member in &chosen {
        // `IsActive` is the Activated flag (1); the others get an invitation (2) or
        // activation instructions (0, 4), under the same rule.
        let activated = member.activation & 1 == 1;
        if activated
            || member.status == Status::Terminated
            || (member.id != caller.id && !has_access_invite(state, caller, member))
        {
            continue;
        }
        state.resent.push(member.id.clone());
    }
    let answer = chosen
        .iter()
        .filter(|member| state.can_view(caller, member))
        .map(|member| employee_full_dto(state, context.base_url, member, caller))
        .collect();
    Ok(Success::stream(answer))
}

/// `HasAccessInviteAsync` (Q47): whether `caller` may have `target`'s invitation sent
/// again. A guest invites nobody; a caller who is not a DocSpace admin needs a relation
/// with a guest someone else created; a DocSpace admin needs the owner, a room admin a
/// DocSpace admin, a user a caller who is not a user; a guest anyone.
fn has_access_invite(state: &State, caller: &Member, target: &Member) -> bool {
    if caller.kind == Kind::Guest {
        return false;
    }
    let created_by_another = target
        .created_by
        .as_deref()
        .is_some_and(|by| !by.eq_ignore_ascii_case(&caller.id));
    if !caller.is_docspace_admin()
        && target.kind == Kind::Guest
        && created_by_another
        && !state.related(&caller.id, &target.id)
    {
        return false;
    }
    match target.kind {
        Kind::Owner | Kind::DocSpaceAdmin => caller.is_owner(),
        Kind::RoomAdmin => caller.is_docspace_admin(),
        Kind::User => caller.kind != Kind::User,
        Kind::Guest => true,
    }
}

/// GET /portal/payment/quota (Q45): the tariff's features; `manager` is the paid seats.
pub(super) fn quota(state: &mut State, _context: &Context<'_>, caller: &Member) -> Outcome {
    if !caller.is_docspace_admin() {
        return Err(demand_failed());
    }
    let used = paid_used(state) as i64;
    let limit = state.seat_limit.map_or(UNLIMITED, |limit| limit as i64);
    let feature = |id: &str, title: &str, value: i64, kind: &str, used: i64| {
        object([
            ("id", text(id)),
            ("title", text(title)),
            ("value", Json::Int(value)),
            ("type", text(kind)),
            (
                "used",
                object([("value", Json::Int(used)), ("title", text(""))]),
            ),
        ])
    };
    Ok(Success::single(object([
        ("id", Json::Int(-1)),
        ("title", text("Business")),
        ("nonProfit", Json::Bool(false)),
        ("free", Json::Bool(false)),
        ("trial", Json::Bool(false)),
        (
            "features",
            Json::Arr(vec![
                feature("total_size", "Storage", 1 << 40, "size", 0),
                feature("manager", "Admins/Power users", limit, "count", used),
                feature("room", "Rooms", UNLIMITED, "count", 0),
            ]),
        ),
    ])))
}
