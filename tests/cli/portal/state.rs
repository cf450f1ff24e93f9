//! The portal's data: accounts, user relations, credentials and issued links.
//! Everything is generated from a counter so that runs are reproducible.

use super::codec;
use super::{Kind, Status};

const DAY: i64 = 86_400;

/// Mixed into every generated value so that ids, keys and tokens of one
/// portal are all different from each other even though they share a counter.
const GENERATOR_SALT: u64 = 0x5EED_D0C5_BACE_0001;
const EMAIL_CIPHER_SALT: u64 = 0x0E4C_E3A1_0000_0000;

#[derive(Clone, Debug)]
pub(super) struct Member {
    pub(super) id: String,
    pub(super) email: String,
    pub(super) first_name: String,
    pub(super) last_name: String,
    pub(super) user_name: String,
    pub(super) kind: Kind,
    pub(super) status: Status,
    /// EmployeeActivationStatus: 0 not activated, 1 activated, 2 pending.
    pub(super) activation: u8,
    pub(super) removed: bool,
    pub(super) created_by: Option<String>,
    pub(super) registered_at: i64,
    pub(super) password: Option<String>,
    /// Synced from an LDAP directory (QUIRKS.md Q43).
    pub(super) ldap: bool,
    /// `TerminatedDate`, unix seconds: stamped and cleared only by `PUT /people/{userid}`
    /// with `disable` (QUIRKS.md Q42), never by `PUT /people/status` (Q24).
    pub(super) terminated_at: Option<i64>,
    /// Rooms this user owns (QUIRKS.md Q38).
    pub(super) rooms: usize,
    /// Files and folders shared from this user's My documents (QUIRKS.md Q38).
    pub(super) shared_files: usize,
}

impl Member {
    pub(super) fn is_docspace_admin(&self) -> bool {
        matches!(self.kind, Kind::Owner | Kind::DocSpaceAdmin)
    }

    pub(super) fn is_owner(&self) -> bool {
        self.kind == Kind::Owner
    }

    /// DocSpace cannot tell an invitee who never registered from anyone else
    /// except by the missing names; reactivation uses this to restore Pending.
    pub(super) fn never_registered(&self) -> bool {
        self.first_name.is_empty() && self.last_name.is_empty()
    }
}

pub(super) struct NewMember<'a> {
    pub(super) email: &'a str,
    pub(super) first_name: &'a str,
    pub(super) last_name: &'a str,
    pub(super) kind: Kind,
    pub(super) status: Status,
    pub(super) activation: u8,
    pub(super) created_by: Option<String>,
    pub(super) registered_at: i64,
}

/// A GuestShareLink confirm key the portal handed out; approval is valid only
/// for exactly these values, as the real key is a hash over them.
pub(super) struct IssuedConfirm {
    pub(super) key: String,
    pub(super) encemail: String,
    pub(super) creator_id: String,
    pub(super) guest_id: String,
}

/// DistributedTaskStatus (QUIRKS.md Q40).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum JobStatus {
    Created,
    Running,
    Completed,
    Canceled,
    Failed,
}

impl JobStatus {
    pub(super) fn number(self) -> i64 {
        match self {
            JobStatus::Created => 0,
            JobStatus::Running => 1,
            JobStatus::Completed => 2,
            JobStatus::Canceled => 3,
            JobStatus::Failed => 4,
        }
    }

    pub(super) fn finished(self) -> bool {
        !matches!(self, JobStatus::Created | JobStatus::Running)
    }
}

/// A group of the portal (QUIRKS.md Q53): its members and its manager are the user links
/// that are not removed.
#[derive(Clone, Debug)]
pub(super) struct Group {
    pub(super) id: String,
    pub(super) name: String,
    /// `DELETE /group/{id}` marks it removed (QUIRKS.md Q53).
    pub(super) removed: bool,
    pub(super) members: Vec<String>,
    pub(super) manager: Option<String>,
    /// When it was created, the order groups of one name come in here.
    pub(super) created: u64,
}

/// An API key (QUIRKS.md Q52, Q54). The portal keeps only a hash of the key; the
/// stand-in keeps the key, to authenticate it.
#[derive(Clone, Debug)]
pub(super) struct ApiKey {
    pub(super) id: String,
    pub(super) key: String,
    pub(super) name: String,
    pub(super) user: String,
    pub(super) created_at: i64,
    pub(super) last_used: Option<i64>,
    pub(super) expires_at: Option<i64>,
    pub(super) active: bool,
}

/// A reassign job (QUIRKS.md Q39, Q40): one per source user, the latest started.
#[derive(Clone, Debug)]
pub(super) struct ReassignJob {
    pub(super) id: String,
    pub(super) from: String,
    pub(super) to: String,
    pub(super) delete_profile: bool,
    pub(super) status: JobStatus,
    pub(super) percentage: i64,
    pub(super) error: Option<String>,
    /// Progress polls answered so far.
    pub(super) polls: usize,
    /// What the source owned when the job started, for the share moved per poll.
    pub(super) rooms_at_start: usize,
    pub(super) files_at_start: usize,
    pub(super) rooms_moved: usize,
    pub(super) files_moved: usize,
    /// Started in the web UI by another admin (test set-up): Running at `percentage` on
    /// every poll, moving nothing, until the test finishes it (QUIRKS.md Q40).
    pub(super) held: bool,
}

pub(super) struct State {
    pub(super) members: Vec<Member>,
    pub(super) reassign_jobs: Vec<ReassignJob>,
    /// Progress polls a reassign job takes to complete (QUIRKS.md Q40).
    pub(super) reassign_polls: usize,
    /// Failures a test asked for, applied at the next poll of that user's job.
    pub(super) reassign_failures: Vec<(String, String)>,
    /// Plays a server older than 3.5 (QUIRKS.md Q44).
    pub(super) before_3_5: bool,
    /// How many more users a listing's `total` counts than it pages out (QUIRKS.md Q23).
    pub(super) miscount: i64,
    /// Paid seats of the tariff (QUIRKS.md Q45); `None`: no limit.
    pub(super) seat_limit: Option<usize>,
    /// Demotion jobs and the kind each makes of its user (QUIRKS.md Q46).
    pub(super) type_jobs: Vec<(ReassignJob, Kind)>,
    /// `PUT /people/invite` calls, by caller id and unix second (QUIRKS.md Q48).
    pub(super) resend_calls: Vec<(String, i64)>,
    /// Users an invitation was sent again to, in order (QUIRKS.md Q47).
    pub(super) resent: Vec<String>,
    /// The portal's language, tenant name and time zone (QUIRKS.md Q49, Q50, Q15).
    pub(super) settings: super::Settings,
    /// How the answers use the freedom the OpenAPI document gives (QUIRKS.md Q51).
    pub(super) wire: super::Wire,
    relations: Vec<(String, String)>,
    pub(super) groups: Vec<Group>,
    pub(super) api_keys: Vec<ApiKey>,
    /// Keys issued so far, deleted ones included: the next key's id.
    keys_issued: usize,
    sessions: Vec<(String, String)>,
    short_links: Vec<(String, String)>,
    issued_confirms: Vec<IssuedConfirm>,
    sequence: u64,
    owner_id: String,
}

impl State {
    pub(super) fn new() -> State {
        let mut state = State {
            members: Vec::new(),
            reassign_jobs: Vec::new(),
            reassign_polls: 2,
            reassign_failures: Vec::new(),
            before_3_5: false,
            miscount: 0,
            seat_limit: None,
            type_jobs: Vec::new(),
            resend_calls: Vec::new(),
            resent: Vec::new(),
            settings: super::Settings::default(),
            wire: super::Wire::default(),
            relations: Vec::new(),
            groups: Vec::new(),
            api_keys: Vec::new(),
            keys_issued: 0,
            sessions: Vec::new(),
            short_links: Vec::new(),
            issued_confirms: Vec::new(),
            sequence: 0,
            owner_id: String::new(),
        };
        let (now, _) = codec::now();
        let owner_id = state.create(NewMember {
            email: "owner@example.com",
            first_name: "Admin",
            last_name: "Owner",
            kind: Kind::Owner,
            status: Status::Active,
            activation: 1,
            created_by: None,
            registered_at: now - 400 * DAY,
        });
        state.issue_api_key(&owner_id);
        state.owner_id = owner_id;
        state
    }

    pub(super) fn owner_id(&self) -> &str {
        &self.owner_id
    }

    fn random(&mut self) -> u64 {
        self.sequence += 1;
        splitmix64(self.sequence ^ GENERATOR_SALT)
    }

    fn random_bytes(&mut self, count: usize) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(count + 8);
        while bytes.len() < count {
            bytes.extend_from_slice(&self.random().to_le_bytes());
        }
        bytes.truncate(count);
        bytes
    }

    /// Version-4 layout (version nibble and variant bits set) so ids pass any
    /// GUID validation a client might do.
    pub(super) fn new_guid(&mut self) -> String {
        let high = self.random();
        let low = self.random();
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            high >> 32,
            (high >> 16) & 0xffff,
            (high & 0x0fff) | 0x4000,
            ((low >> 48) & 0x3fff) | 0x8000,
            low & 0xffff_ffff_ffff
        )
    }

    fn random_alphanumeric(&mut self, length: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..length)
            .map(|_| ALPHABET[(self.random() % ALPHABET.len() as u64) as usize] as char)
            .collect()
    }

    pub(super) fn member(&self, id: &str) -> Option<&Member> {
        self.member_any(id).filter(|member| !member.removed)
    }

    pub(super) fn member_any(&self, id: &str) -> Option<&Member> {
        self.members
            .iter()
            .find(|member| member.id.eq_ignore_ascii_case(id))
    }

    pub(super) fn member_mut(&mut self, id: &str) -> Option<&mut Member> {
        self.members
            .iter_mut()
            .find(|member| !member.removed && member.id.eq_ignore_ascii_case(id))
    }

    /// Email lookups are case-insensitive, as on the default MySQL collation.
    pub(super) fn by_email(&self, email: &str) -> Option<&Member> {
        self.members
            .iter()
            .find(|member| !member.removed && member.email.eq_ignore_ascii_case(email))
    }

    pub(super) fn by_user_name(&self, user_name: &str) -> Option<&Member> {
        self.members
            .iter()
            .find(|member| !member.removed && member.user_name.eq_ignore_ascii_case(user_name))
    }

    pub(super) fn create(&mut self, new: NewMember<'_>) -> String {
        let id = self.new_guid();
        let user_name = self.unique_user_name(new.email);
        self.members.push(Member {
            id: id.clone(),
            email: new.email.to_owned(),
            first_name: new.first_name.to_owned(),
            last_name: new.last_name.to_owned(),
            user_name,
            kind: new.kind,
            status: new.status,
            activation: new.activation,
            removed: false,
            created_by: new.created_by,
            registered_at: new.registered_at,
            password: None,
            ldap: false,
            terminated_at: None,
            rooms: 0,
            shared_files: 0,
        });
        id
    }

    /// `n` pending Users `pending00001@example.com`… created by the owner, without the
    /// per-user checks of `create` (their names are unique by construction), so that a
    /// test can have tens of thousands. The owner sees them all without a relation.
    pub(super) fn create_pending_bulk(&mut self, n: usize, registered_at: i64) {
        let owner_id = self.owner_id.clone();
        for i in 1..=n {
            let id = self.new_guid();
            let user_name = format!("pending{i:05}");
            self.members.push(Member {
                id,
                email: format!("{user_name}@example.com"),
                first_name: String::new(),
                last_name: String::new(),
                user_name,
                kind: Kind::User,
                status: Status::Pending,
                activation: 2,
                removed: false,
                created_by: Some(owner_id.clone()),
                registered_at,
                password: None,
                ldap: false,
                terminated_at: None,
                rooms: 0,
                shared_files: 0,
            });
        }
    }

    /// The email's local part, with a number appended when taken (UMW.MakeUniqueName).
    fn unique_user_name(&self, email: &str) -> String {
        let local = email.split('@').next().unwrap_or(email).to_owned();
        if self.by_user_name(&local).is_none() {
            return local;
        }
        (1u32..)
            .map(|n| format!("{local}{n}"))
            .find(|candidate| self.by_user_name(candidate).is_none())
            .unwrap_or(local)
    }

    pub(super) fn issue_api_key(&mut self, user_id: &str) -> String {
        self.issue_named_key(user_id, "docspace-people")
    }

    /// A new key of `user_id`, never expiring, active (QUIRKS.md Q54).
    pub(super) fn issue_named_key(&mut self, user_id: &str, name: &str) -> String {
        let key: String = (0..4).map(|_| format!("{:016x}", self.random())).collect();
        let key = format!("sk-{key}");
        self.keys_issued += 1;
        self.api_keys.push(ApiKey {
            id: format!("00000000-0000-4000-a000-{:012x}", self.keys_issued),
            key: key.clone(),
            name: name.to_owned(),
            user: user_id.to_owned(),
            created_at: codec::now().0 - DAY + self.keys_issued as i64,
            last_used: None,
            expires_at: None,
            active: true,
        });
        key
    }

    /// Whose key `key` is, if it is one the portal would take: active and not expired
    /// (`ValidateApiKeyAsync`, QUIRKS.md Q54). Whether its owner may sign in is Q3's.
    pub(super) fn api_key_user(&self, key: &str) -> Option<&str> {
        let now = codec::now().0;
        self.api_keys
            .iter()
            .find(|k| k.key == key && k.active && k.expires_at.is_none_or(|at| at > now))
            .map(|k| k.user.as_str())
    }

    /// The portal writes when a key was last used each time it validates it.
    pub(super) fn key_used(&mut self, key: &str) {
        let now = codec::now().0;
        if let Some(k) = self.api_keys.iter_mut().find(|k| k.key == key) {
            k.last_used = Some(now);
        }
    }

    pub(super) fn api_key(&self, key: &str) -> Option<&ApiKey> {
        self.api_keys.iter().find(|k| k.key == key)
    }

    pub(super) fn set_api_key_expiry(&mut self, key: &str, at: i64) {
        if let Some(k) = self.api_keys.iter_mut().find(|k| k.key == key) {
            k.expires_at = Some(at);
        }
    }

    pub(super) fn api_key_of(&self, user_id: &str) -> Option<String> {
        self.api_keys
            .iter()
            .find(|k| k.user == user_id)
            .map(|k| k.key.clone())
    }

    /// A new group, with no members (QUIRKS.md Q53).
    pub(super) fn create_group(&mut self, name: &str) -> String {
        let id = self.new_guid();
        let created = self.groups.len() as u64;
        self.groups.push(Group {
            id: id.clone(),
            name: name.to_owned(),
            removed: false,
            members: Vec::new(),
            manager: None,
            created,
        });
        id
    }

    /// A group that is not removed.
    pub(super) fn group(&self, id: &str) -> Option<&Group> {
        self.groups
            .iter()
            .find(|g| !g.removed && g.id.eq_ignore_ascii_case(id))
    }

    pub(super) fn group_mut(&mut self, id: &str) -> Option<&mut Group> {
        self.groups
            .iter_mut()
            .find(|g| !g.removed && g.id.eq_ignore_ascii_case(id))
    }

    /// `AddUserIntoGroupAsync`: a member link.
    pub(super) fn join_group(&mut self, group: &str, user: &str) {
        if let Some(g) = self.group_mut(group)
            && !g.members.iter().any(|m| m == user)
        {
            g.members.push(user.to_owned());
        }
    }

    /// `RemoveUserFromGroupAsync`: the member link, and the manager link if the user
    /// manages the group (QUIRKS.md Q53).
    pub(super) fn leave_group(&mut self, group: &str, user: &str) {
        if let Some(g) = self.group_mut(group) {
            g.members.retain(|m| m != user);
            if g.manager.as_deref() == Some(user) {
                g.manager = None;
            }
        }
    }

    /// Every group link of the user removed, the manager links included: what deleting
    /// the user and demoting it to guest do (QUIRKS.md Q55).
    pub(super) fn leave_all_groups(&mut self, user: &str) {
        for g in &mut self.groups {
            g.members.retain(|m| m != user);
            if g.manager.as_deref() == Some(user) {
                g.manager = None;
            }
        }
    }

    /// The groups (not removed) the user is a member of, sorted by name as the
    /// portal's `GetUserGroupsAsync` sorts them.
    pub(super) fn groups_of(&self, user: &str) -> Vec<&Group> {
        let mut groups: Vec<&Group> = self
            .groups
            .iter()
            .filter(|g| !g.removed && g.members.iter().any(|m| m == user))
            .collect();
        groups.sort_by(|a, b| a.name.cmp(&b.name));
        groups
    }

    /// Real tokens are base64 of an encrypted cookie; keeping `+`, `/` and `=`
    /// in them catches clients that mangle the header value.
    pub(super) fn open_session(&mut self, user_id: &str) -> String {
        let bytes = self.random_bytes(47);
        let token = codec::base64_standard(&bytes);
        self.sessions.push((token.clone(), user_id.to_owned()));
        token
    }

    pub(super) fn session_user(&self, token: &str) -> Option<&str> {
        self.sessions
            .iter()
            .find(|(known, _)| known == token)
            .map(|(_, user_id)| user_id.as_str())
    }

    /// Terminating or deleting a user resets their cookies, i.e. session tokens.
    pub(super) fn end_sessions(&mut self, user_id: &str) {
        self.sessions.retain(|(_, owner)| owner != user_id);
    }

    pub(super) fn relate(&mut self, from: &str, to: &str) {
        if from != to && !self.related(from, to) {
            self.relations.push((from.to_owned(), to.to_owned()));
        }
    }

    pub(super) fn related(&self, from: &str, to: &str) -> bool {
        self.relations
            .iter()
            .any(|(source, target)| source == from && target == to)
    }

    pub(super) fn unrelate(&mut self, from: &str, to: &str) {
        self.relations
            .retain(|(source, target)| !(source == from && target == to));
    }

    pub(super) fn relations_of(&self, id: &str) -> Vec<String> {
        self.relations
            .iter()
            .filter(|(source, _)| source == id)
            .map(|(_, target)| target.clone())
            .collect()
    }

    /// What DELETE /people/{id} does to the account: it stays in the database
    /// marked removed, which frees its email and hides it from every lookup.
    pub(super) fn remove(&mut self, id: &str) {
        let Some(member) = self.member_mut(id) else {
            return;
        };
        member.removed = true;
        let id = member.id.clone();
        self.relations
            .retain(|(source, target)| *source != id && *target != id);
        self.leave_all_groups(&id);
        self.end_sessions(&id);
    }

    /// Gives `from`'s rooms and shared files to `to` (QUIRKS.md Q38, Q40, Q41); at most
    /// `rooms` and `files` of them, the rest stays with `from`.
    pub(super) fn hand_over(&mut self, from: &str, to: &str, rooms: usize, files: usize) {
        let Some(source) = self
            .members
            .iter_mut()
            .find(|member| member.id.eq_ignore_ascii_case(from))
        else {
            return;
        };
        let rooms = rooms.min(source.rooms);
        let files = files.min(source.shared_files);
        source.rooms -= rooms;
        source.shared_files -= files;
        if let Some(heir) = self
            .members
            .iter_mut()
            .find(|member| member.id.eq_ignore_ascii_case(to))
        {
            heir.rooms += rooms;
            heir.shared_files += files;
        }
    }

    pub(super) fn reassign_job(&self, user_id: &str) -> Option<&ReassignJob> {
        self.reassign_jobs
            .iter()
            .find(|job| job.from.eq_ignore_ascii_case(user_id))
    }

    /// A job for this user that is Created or Running blocks its deletion (QUIRKS.md Q41).
    pub(super) fn reassign_unfinished(&self, user_id: &str) -> bool {
        self.reassign_job(user_id)
            .is_some_and(|job| !job.status.finished())
    }

    /// One progress poll: the job moves one state on (QUIRKS.md Q40).
    pub(super) fn poll_reassign(&mut self, user_id: &str) -> Option<ReassignJob> {
        let index = self
            .reassign_jobs
            .iter()
            .position(|job| job.from.eq_ignore_ascii_case(user_id))?;
        let job = &self.reassign_jobs[index];
        if job.status.finished() || job.held {
            return Some(job.clone());
        }
        if let Some(failure) = self
            .reassign_failures
            .iter()
            .position(|(id, _)| id.eq_ignore_ascii_case(user_id))
        {
            let (_, message) = self.reassign_failures.remove(failure);
            let job = &mut self.reassign_jobs[index];
            job.status = JobStatus::Failed;
            job.error = Some(message);
            return Some(job.clone());
        }
        let polls = self.reassign_polls.max(1);
        let job = &mut self.reassign_jobs[index];
        job.polls += 1;
        let done = job.polls.min(polls);
        let (from, to) = (job.from.clone(), job.to.clone());
        if done == polls {
            self.complete_reassign(index);
        } else {
            // Each Running poll moves its share, which a cancel leaves moved.
            job.status = JobStatus::Running;
            job.percentage = (100 * done / polls) as i64;
            let rooms = (job.rooms_at_start * done / polls).saturating_sub(job.rooms_moved);
            let files = (job.files_at_start * done / polls).saturating_sub(job.files_moved);
            job.rooms_moved += rooms;
            job.files_moved += files;
            self.hand_over(&from, &to, rooms, files);
        }
        self.reassign_jobs.get(index).cloned()
    }

    /// The job's last step: it hands over everything the source still has, and deletes
    /// the profile if asked (QUIRKS.md Q40).
    pub(super) fn complete_reassign(&mut self, index: usize) {
        let job = &mut self.reassign_jobs[index];
        job.status = JobStatus::Completed;
        job.percentage = 100;
        job.held = false;
        let (from, to, delete_profile) = (job.from.clone(), job.to.clone(), job.delete_profile);
        self.hand_over(&from, &to, usize::MAX, usize::MAX);
        if delete_profile {
            self.remove(&from);
        }
    }

    /// CanUserViewAnotherUser (QUIRKS.md Q4).
    pub(super) fn can_view(&self, viewer: &Member, target: &Member) -> bool {
        if viewer.id == target.id || viewer.is_docspace_admin() {
            return true;
        }
        match viewer.kind {
            Kind::RoomAdmin => target.kind != Kind::Guest || self.related(&viewer.id, &target.id),
            _ => false,
        }
    }

    /// Issues the full confirm link (remembering its key) and returns the short
    /// link that stands for it.
    pub(super) fn issue_share_link(
        &mut self,
        base_url: &str,
        guest_id: &str,
        creator_id: &str,
    ) -> String {
        let guest_email = self
            .member_any(guest_id)
            .map(|guest| guest.email.clone())
            .unwrap_or_default();
        let encemail = encrypt_email(&guest_email);
        let key = self.new_confirm_key();
        let full = format!(
            "{base_url}/confirm/GuestShareLink?type=GuestShareLink&key={key}&encemail={encemail}&uid={creator_id}"
        );
        self.issued_confirms.push(IssuedConfirm {
            key,
            encemail,
            creator_id: creator_id.to_owned(),
            guest_id: guest_id.to_owned(),
        });
        let short_key = self.random_alphanumeric(15);
        self.short_links.push((short_key.clone(), full));
        format!("{base_url}/s/{short_key}")
    }

    /// `{ms}.{HASH}`: milliseconds since 0001-01-01 (the .NET epoch) and an
    /// upper-cased base64 SHA-256 with `=+/` stripped.
    fn new_confirm_key(&mut self) -> String {
        const DOTNET_EPOCH_OFFSET_MS: i64 = 62_135_596_800_000;
        let (seconds, ticks) = codec::now();
        let milliseconds = seconds * 1000 + i64::from(ticks / 10_000) + DOTNET_EPOCH_OFFSET_MS;
        let digest = self.random_bytes(32);
        let hash: String = codec::base64_standard(&digest)
            .chars()
            .filter(|c| !matches!(c, '=' | '+' | '/'))
            .collect::<String>()
            .to_uppercase();
        format!("{milliseconds}.{hash}")
    }

    pub(super) fn short_link_target(&self, short_key: &str) -> Option<&str> {
        self.short_links
            .iter()
            .find(|(known, _)| known == short_key)
            .map(|(_, full)| full.as_str())
    }

    pub(super) fn issued_confirm(
        &self,
        key: &str,
        encemail: &str,
        creator_id: &str,
    ) -> Option<&IssuedConfirm> {
        self.issued_confirms.iter().find(|issued| {
            issued.key == key
                && issued.encemail == encemail
                && issued.creator_id.eq_ignore_ascii_case(creator_id)
        })
    }
}

/// Stands in for DocSpace's symmetric encryption of `encemail`: opaque to the
/// client, url-safe, and reversible only by the portal.
pub(super) fn encrypt_email(email: &str) -> String {
    let bytes: Vec<u8> = email
        .bytes()
        .enumerate()
        .map(|(i, byte)| byte ^ email_keystream(i))
        .collect();
    codec::base64_url_safe(&bytes)
}

pub(super) fn decrypt_email(encemail: &str) -> Option<String> {
    let bytes: Vec<u8> = codec::base64_url_safe_decode(encemail)?
        .into_iter()
        .enumerate()
        .map(|(i, byte)| byte ^ email_keystream(i))
        .collect();
    String::from_utf8(bytes).ok()
}

fn email_keystream(index: usize) -> u8 {
    (splitmix64(EMAIL_CIPHER_SALT ^ index as u64) & 0xff) as u8
}

fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
