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
    /// The day `time` falls on, in UTC.
    pub fn of(time: SystemTime) -> Date {
        let secs = time
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let (year, month, day) = civil_from_days(secs / 86_400);
        Date {
            year: u16::try_from(year).unwrap_or(u16::MAX),
            month: month as u8,
            day: day as u8,
        }
    }

    /// The start of the day, in UTC.
    pub fn midnight(self) -> SystemTime {
        let days = days_from_civil(
            u64::from(self.year),
            u64::from(self.month),
            u64::from(self.day),
        );
        SystemTime::UNIX_EPOCH + Duration::from_secs(days * 86_400)
    }

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

/// The string form of an `ApiDateTime` given as the OpenAPI document's object: the UTC
/// time `2026-07-01T08:00:00.0000000Z` shown in the zone of the offset `02:00:00` (a
/// .NET `TimeSpan`, maybe negative) as `2026-07-01T10:00:00.0000000+02:00`. `None` when
/// either does not parse.
pub(crate) fn in_zone(utc: &str, offset: &str) -> Option<String> {
    let instant = api_time(utc)?
        .duration_since(SystemTime::UNIX_EPOCH)
        .ok()?
        .as_secs();
    let (negative, span) = match offset.trim().strip_prefix('-') {
        Some(span) => (true, span),
        None => (false, offset.trim().trim_start_matches('+')),
    };
    let parts: Vec<u64> = span
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let (h, m) = match parts.as_slice() {
        [h, m] | [h, m, _] => (*h, *m),
        _ => return None,
    };
    if h > 14 || m > 59 {
        return None;
    }
    let shift = h * 3600 + m * 60;
    let local = if negative {
        instant.checked_sub(shift)?
    } else {
        instant + shift
    };
    let fraction: String = utc
        .get(19..)
        .unwrap_or_default()
        .strip_prefix('.')
        .map(|f| f.chars().take_while(char::is_ascii_digit).collect())
        .unwrap_or_default();
    let (year, month, day) = civil_from_days(local / 86_400);
    let second = local % 86_400;
    let zone = if shift == 0 {
        "Z".to_owned()
    } else {
        format!("{}{h:02}:{m:02}", if negative { '-' } else { '+' })
    };
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{fraction:0<7}{zone}",
        second / 3600,
        second / 60 % 60,
        second % 60
    ))
}

/// The date of a day counted from 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
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
    fn the_date_object_of_the_openapi_document() {
        assert_eq!(
            in_zone("2026-07-01T23:30:00.0000000Z", "02:00:00").as_deref(),
            Some("2026-07-02T01:30:00.0000000+02:00")
        );
        assert_eq!(
            in_zone("2026-03-01T01:00:00Z", "-05:00:00").as_deref(),
            Some("2026-02-28T20:00:00.0000000-05:00")
        );
        assert_eq!(
            in_zone("2024-12-31T12:00:00.1234567Z", "00:00:00").as_deref(),
            Some("2024-12-31T12:00:00.1234567Z")
        );
        assert_eq!(in_zone("soon", "00:00:00"), None);
        assert_eq!(in_zone("2026-07-01T10:00:00Z", "two hours"), None);
    }

    #[test]
    fn a_day_and_its_midnight() {
        let day = Date::parse("2024-02-29").unwrap();
        assert_eq!(Date::of(day.midnight()), day);
        assert_eq!(Date::of(day.midnight() + Duration::from_secs(86_399)), day);
        assert_eq!(day.midnight(), api_time("2024-02-29T00:00:00Z").unwrap());
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
