//! The portal's GUIDs, read once from their text: what the typed ids of users, groups
//! and API keys ([`UserId`](crate::UserId), [`GroupId`](crate::GroupId),
//! [`ApiKeyId`](crate::ApiKeyId)) are made of, so that each kind of id is its own type
//! and one cannot be sent where the other belongs.

use std::fmt;

/// Where the hex digits of a GUID's text are: 8-4-4-4-12, a dash between groups.
const GROUPS: [std::ops::Range<usize>; 5] = [0..8, 9..13, 14..18, 19..23, 24..36];

/// The value of `text`; `None` when it is not a GUID in its 8-4-4-4-12 form.
pub(crate) fn parse(text: &str) -> Option<u128> {
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
    Some(value)
}

/// Writes `value` as the portal writes a GUID: lower case, 8-4-4-4-12.
pub(crate) fn write(value: u128, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = [b'-'; 36];
    let mut shift = 128;
    for group in GROUPS {
        for at in group {
            shift -= 4;
            text[at] = HEX[((value >> shift) & 0xf) as usize];
        }
    }
    f.write_str(std::str::from_utf8(&text).unwrap_or_default())
}

/// Defines a GUID type: parsed with `FromStr`, displayed lower case, (de)serialized as
/// its text, compared by value. `$what` names it in errors: `user id`.
macro_rules! guid_type {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(u128);

        impl std::str::FromStr for $name {
            type Err = crate::Error;

            fn from_str(text: &str) -> Result<$name, crate::Error> {
                crate::guid::parse(text).map($name).ok_or_else(|| {
                    crate::Error::invalid_input(format!(
                        "'{text}' is not a {} (a GUID like 0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a)",
                        $what
                    ))
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                crate::guid::write(self.0, f)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({self})", stringify!($name))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<$name, D::Error> {
                // A visitor, so that the text is read where it is, without a copy.
                struct Text;
                impl serde::de::Visitor<'_> for Text {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<$name, E> {
                        crate::guid::parse(text)
                            .map($name)
                            .ok_or_else(|| E::custom(format!("'{text}' is not a {}", $what)))
                    }
                }
                deserializer.deserialize_str(Text)
            }
        }
    };
}

pub(crate) use guid_type;

#[cfg(test)]
mod tests {
    use super::*;

    struct Shown(u128);
    impl fmt::Display for Shown {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write(self.0, f)
        }
    }

    #[test]
    fn only_the_8_4_4_4_12_form_is_a_guid() {
        assert!(parse("0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a").is_some());
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
            assert!(parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn written_lower_case_and_read_back() {
        for text in [
            "00000000-0000-4b7a-9a5c-2f1e6d3c4b5a",
            "ffffffff-abcd-ef01-2345-6789abcdef00",
        ] {
            assert_eq!(Shown(parse(text).unwrap()).to_string(), text);
            assert_eq!(
                Shown(parse(&text.to_ascii_uppercase()).unwrap()).to_string(),
                text
            );
        }
    }
}
