//! Selection by termination age, for the second stage of retention. When a user was
//! terminated is decided by the newest evidence: the portal's own record (`terminated`,
//! which only a termination through the profile writes, and which the status endpoints
//! leave in place, however old, when they reactivate or terminate the user again) and
//! this tool's journal of its own terminations and reactivations. A user whose date is
//! known from neither is never selected.

use super::args::TerminatedAge;
use super::journal::Past;
use docspace_people::{Status, User};
use std::time::SystemTime;

/// Whether each user was terminated long enough ago, and how many could not be told.
pub struct AgeFilter {
    cut_off: SystemTime,
    /// Users left out because their termination date is unknown.
    pub unknown: usize,
}

impl AgeFilter {
    pub fn new(age: TerminatedAge) -> AgeFilter {
        let cut_off = match age {
            TerminatedAge::For(long) => SystemTime::now()
                .checked_sub(long)
                .unwrap_or(SystemTime::UNIX_EPOCH),
            TerminatedAge::Before(day) => day.midnight(),
        };
        AgeFilter {
            cut_off,
            unknown: 0,
        }
    }

    /// When `user` was last terminated, as far as the portal and the journal know.
    pub fn terminated_at(user: &User, past: &Past) -> Option<SystemTime> {
        let id = user.id.to_string();
        latest_termination(
            user.terminated_at(),
            past.terminations.get(&id).copied(),
            past.activations.get(&id).copied(),
        )
    }

    /// Whether `user` is selected; counts it as unknown when it is terminated and its
    /// date is not known. A user who is not terminated was not terminated long ago,
    /// whatever date an earlier termination left behind.
    pub fn selects(&mut self, user: &User, past: &Past) -> bool {
        if user.status != Status::Terminated {
            return false;
        }
        match AgeFilter::terminated_at(user, past) {
            Some(at) => at < self.cut_off,
            None => {
                self.unknown += 1;
                false
            }
        }
    }

    /// The warning for the users left out, if any were.
    pub fn warning(&self) -> Option<String> {
        (self.unknown > 0).then(|| {
            format!(
                "{} terminated user(s) left out: when they were terminated is unknown (neither the portal nor this tool's journal recorded it); terminate with this tool, or select them by name",
                self.unknown
            )
        })
    }
}

/// The newest evidence wins: the later of the portal's date and the journal's last
/// termination, unless the journal's last reactivation is as late or later. Then the user
/// was terminated again by something that recorded no date (the web UI, another tool's
/// status change), and when is unknown: an earlier date would delete too early.
fn latest_termination(
    portal: Option<SystemTime>,
    terminated: Option<SystemTime>,
    activated: Option<SystemTime>,
) -> Option<SystemTime> {
    let latest = portal.max(terminated)?;
    match activated {
        Some(activated) if activated >= latest => None,
        _ => Some(latest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// The time `day` days after 1 January 1970.
    fn day(day: u64) -> Option<SystemTime> {
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(day * 86_400))
    }

    #[test]
    fn the_newest_evidence_of_a_termination_wins() {
        let (january, february, march) = (day(0), day(31), day(59));
        // Disabled through the profile, reactivated and terminated again by this tool.
        assert_eq!(latest_termination(january, march, february), march);
        // Terminated by this tool, then disabled through the profile.
        assert_eq!(latest_termination(march, january, None), march);
        assert_eq!(latest_termination(january, None, None), january);
        assert_eq!(latest_termination(None, march, february), march);
    }

    #[test]
    fn a_reactivation_after_every_known_termination_makes_the_date_unknown() {
        let (january, february, march) = (day(0), day(31), day(59));
        // Reactivated by this tool, terminated again elsewhere.
        assert_eq!(latest_termination(january, None, february), None);
        assert_eq!(latest_termination(january, january, march), None);
        // The same second: which came last cannot be told.
        assert_eq!(latest_termination(february, None, february), None);
        assert_eq!(latest_termination(None, None, february), None);
        assert_eq!(latest_termination(None, None, None), None);
        // A reactivation before the portal's date is older news.
        assert_eq!(latest_termination(march, None, february), march);
    }

    fn user(status: u8, terminated: Option<&str>) -> User {
        let mut json = serde_json::json!({
            "id": "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a",
            "email": "ann@example.com",
            "status": status,
        });
        if let Some(terminated) = terminated {
            json["terminated"] = terminated.into();
        }
        serde_json::from_value(json).expect("a user")
    }

    #[test]
    fn only_a_terminated_user_is_selected_and_only_an_unknown_date_is_counted() {
        let id = "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a".to_owned();
        let mut filter = AgeFilter {
            cut_off: day(30).unwrap(),
            unknown: 0,
        };
        let january = Some("1970-01-01T00:00:00.0000000Z");
        let mut past = Past::default();
        assert!(filter.selects(&user(2, january), &past));
        assert!(!filter.selects(&user(1, january), &past), "active again");
        assert_eq!(filter.unknown, 0);

        past.activations.insert(id.clone(), day(10).unwrap());
        assert!(!filter.selects(&user(2, january), &past));
        assert_eq!(filter.unknown, 1);

        past.terminations.insert(id.clone(), day(20).unwrap());
        assert!(filter.selects(&user(2, january), &past));
        past.terminations.insert(id, day(40).unwrap());
        assert!(!filter.selects(&user(2, january), &past), "not long enough");
        assert_eq!(filter.unknown, 1);
        assert!(
            filter
                .warning()
                .unwrap()
                .starts_with("1 terminated user(s)")
        );
    }
}
