//! Selection by termination age, for the second stage of retention: when a user was
//! terminated comes from the portal's own record (`terminated`, which only a termination
//! through the profile writes) or else from this tool's journal; a user whose date is
//! known from neither is never selected.

use super::args::TerminatedAge;
use super::journal::Past;
use docspace_people::User;
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

    /// When `user` was terminated, as far as the portal or the journal knows.
    pub fn terminated_at(user: &User, past: &Past) -> Option<SystemTime> {
        user.terminated_at()
            .or_else(|| past.terminations.get(&user.id.to_string()).copied())
    }

    /// Whether `user` is selected; counts it as unknown when its date is not known.
    pub fn selects(&mut self, user: &User, past: &Past) -> bool {
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
