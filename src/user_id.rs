//! The portal's user ids.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A portal user id: a GUID, written `0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a`.
///
/// Parsed once from its text, so that ids compare equal whatever the case of their hex
/// digits, and a request built from one cannot reach another route of the API.
///
/// ```
/// use docspace_people::UserId;
///
/// let a: UserId = "0B1C7F2E-5D0E-4B7A-9A5C-2F1E6D3C4B5A".parse()?;
/// let b: UserId = "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a".parse()?;
/// assert_eq!(a, b);
/// assert_eq!(a.to_string(), "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a");
/// assert!("john.doe".parse::<UserId>().is_err());
/// # Ok::<(), docspace_people::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(u128);

/// The lengths of the five groups of hex digits of a GUID.
const GROUPS: [usize; 5] = [8, 4, 4, 4, 12];

impl UserId {
    /// Parses `text`; `None` when it is not a GUID in its 8-4-4-4-12 form.
    fn parse(text: &str) -> Option<UserId> {
        let mut value: u128 = 0;
        let mut groups = text.split('-');
        for len in GROUPS {
            let group = groups.next()?;
            if group.len() != len || !group.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            value = (value << (4 * len)) | u128::from_str_radix(group, 16).ok()?;
        }
        groups.next().is_none().then_some(UserId(value))
    }
}

impl FromStr for UserId {
    type Err = crate::Error;

    fn from_str(text: &str) -> Result<UserId, crate::Error> {
        UserId::parse(text).ok_or_else(|| {
            crate::Error::invalid_input(format!(
                "'{text}' is not a user id (a GUID like 0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a)"
            ))
        })
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = format!("{:032x}", self.0);
        let mut start = 0;
        for (i, len) in GROUPS.into_iter().enumerate() {
            if i > 0 {
                f.write_str("-")?;
            }
            f.write_str(&hex[start..start + len])?;
            start += len;
        }
        Ok(())
    }
}

impl fmt::Debug for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UserId({self})")
    }
}

impl Serialize for UserId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for UserId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<UserId, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        UserId::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("'{text}' is not a user id")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_8_4_4_4_12_form_is_an_id() {
        assert!(UserId::parse("0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a").is_some());
        for bad in [
            "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5",
            "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a-",
            "0b1c7f2e5d0e4b7a9a5c2f1e6d3c4b5a",
            "+b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a",
            "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5g",
            "john.doe",
            "",
        ] {
            assert!(UserId::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn displays_as_lower_case_and_round_trips() {
        let text = "00000000-0000-4b7a-9a5c-2f1e6d3c4b5a";
        let id = UserId::parse(&text.to_ascii_uppercase()).unwrap();
        assert_eq!(id.to_string(), text);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<UserId>(&json).unwrap(), id);
    }
}
