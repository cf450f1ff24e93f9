//! Calendar days, and the portal's time stamps.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

/// A day of the Gregorian calendar, written `2026-01-31`.
///
/// ```
/// use docspace_people::Date;
///
/// let cut_off: Date = "2026-01-31".parse()?;
/// assert_eq!(cut_off.to_string(), "2026-01-31");
/// assert!("2026-02-30".parse::<Date>().is_err());
/// # Ok::<(), docspace_people::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// The day a portal time stamp (`2026-07-01T10:00:00.0000000+02:00`) falls on in the
    /// portal's own time zone, which is how the portal's web interface shows it.
    pub(crate) fn of_timestamp(stamp: &str) -> Option<Date> {
        Date::parse(stamp.get(..10)?)
    }

    fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        let digits = |range: std::ops::Range<usize>| -> Option<u16> {
            let part = bytes.get(range)?;
            part.iter()
                .all(u8::is_ascii_digit)
                .then(|| part.iter().fold(0, |n, b| n * 10 + u16::from(b - b'0')))
        };
        if text.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        let month = u8::try_from(month).ok().filter(|m| (1..=12).contains(m))?;
        let day = u8::try_from(day)
            .ok()
            .filter(|d| *d >= 1 && *d <= days_in_month(year, month))?;
        Some(Date { year, month, day })
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl FromStr for Date {
    type Err = crate::Error;

    fn from_str(text: &str) -> Result<Date, crate::Error> {
        Date::parse(text).ok_or_else(|| {
            crate::Error::invalid_input(format!("'{text}' is not a date like 2026-01-31"))
        })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Parses the portal's time stamps, `yyyy-MM-ddTHH:mm:ss.fffffff` with `Z` or `±hh:mm`
/// (the portal's time zone).
pub(crate) fn api_time(value: &str) -> Option<SystemTime> {
    let number = |range: std::ops::Range<usize>| -> Option<u64> {
        let digits = value.get(range)?;
        digits
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| digits.parse().ok())?
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (h, m, s) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1970..=9999).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let rest = value
        .get(19..)?
        .trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let local = days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s;
    let utc = match rest.as_bytes().first() {
        None | Some(b'Z') => local,
        Some(sign @ (b'+' | b'-')) => {
            let offset = rest.get(1..3)?.parse::<u64>().ok()? * 3600
                + rest.get(4..6)?.parse::<u64>().ok()? * 60;
            if *sign == b'+' {
                local.checked_sub(offset)?
            } else {
                local + offset
            }
        }
        Some(_) => return None,
    };
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(utc))
}

/// Days from 1970-01-01 to a date of the Gregorian calendar, for years from 1970 on
/// (Howard Hinnant's `days_from_civil`).
pub(crate) fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_checked_against_the_calendar() {
        assert!(Date::parse("2024-02-29").is_some());
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-04-31",
            "2026-00-10",
            "31.01.2026",
            "2026-1-31",
            "+026-01-31",
            "2026-01-31T",
        ] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
        assert!(Date::parse("2026-01-31") < Date::parse("2026-02-01"));
        assert_eq!(
            Date::of_timestamp("2026-07-01T10:00:00.0000000+02:00"),
            Date::parse("2026-07-01")
        );
    }

    #[test]
    fn time_stamps_in_any_time_zone() {
        let utc = api_time("2025-03-06T11:30:43.0000000Z").unwrap();
        assert_eq!(api_time("2025-03-06T19:30:43.0000000+08:00"), Some(utc));
        assert_eq!(api_time("2025-03-06T06:30:43-05:00"), Some(utc));
        assert_eq!(
            utc.duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
            1_741_260_643
        );
        for bad in [
            "",
            "2025-03-06",
            "2025-13-06T11:30:43Z",
            "2025-03-06T11:30:43 GMT",
            "é025-03-06T11:30:43Z",
        ] {
            assert_eq!(api_time(bad), None, "{bad}");
        }
    }
}
