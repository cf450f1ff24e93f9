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

/// Where the hex digits of a GUID's text are: 8-4-4-4-12, a dash between groups.
const GROUPS: [std::ops::Range<usize>; 5] = [0..8, 9..13, 14..18, 19..23, 24..36];

impl UserId {
    /// Parses `text`; `None` when it is not a GUID in its 8-4-4-4-12 form.
    fn parse(text: &str) -> Option<UserId> {
        let bytes = text.as_bytes();
        if bytes.len() != 36 || [8, 13, 18, 23].iter().any(|&at| bytes[at] != b'-') {
            return None;
        }
        let mut value: u128 = 0;
        for group in GROUPS {
            for &b in &bytes[group] {
                let digit = match b {
                    b'0'..=b'9' => b - b'0',
                    b'a'..=b'f' => b - b'a' + 10,
                    b'A'..=b'F' => b - b'A' + 10,
                    _ => return None,
                };
                value = (value << 4) | u128::from(digit);
            }
        }
        Some(UserId(value))
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
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut text = [b'-'; 36];
        let mut shift = 128;
        for group in GROUPS {
            for at in group {
                shift -= 4;
                text[at] = HEX[((self.0 >> shift) & 0xf) as usize];
            }
        }
        f.write_str(std::str::from_utf8(&text).unwrap_or_default())
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
        // A visitor, so that the text is read where it is, without a copy.
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = UserId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<UserId, E> {
                UserId::parse(text).ok_or_else(|| E::custom(format!("'{text}' is not a user id")))
            }
        }
        deserializer.deserialize_str(Text)
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
            "0b1c7f2e-5d0e-4b7a-9a5c2-f1e6d3c4b5a",
            "0b1c7f2e_5d0e-4b7a-9a5c-2f1e6d3c4b5a",
            "0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4bé",
            "john.doe",
            "",
        ] {
            assert!(UserId::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn displays_as_lower_case_and_round_trips() {
        for text in [
            "00000000-0000-4b7a-9a5c-2f1e6d3c4b5a",
            "ffffffff-abcd-ef01-2345-6789abcdef00",
        ] {
            assert_eq!(UserId::parse(text).unwrap().to_string(), text);
        }
        let text = "00000000-0000-4b7a-9a5c-2f1e6d3c4b5a";
        let id = UserId::parse(&text.to_ascii_uppercase()).unwrap();
        assert_eq!(id.to_string(), text);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<UserId>(&json).unwrap(), id);
    }
}
