//! E-mail addresses as the portal takes them.

use serde::{Serialize, Serializer};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

/// An e-mail address the portal accepts.
///
/// The rule is the portal's invitation rule (an ASCII local part, a dotted domain, a
/// top-level domain of two or more letters), so that an address is refused before a
/// request rather than half-way through a batch. Addresses compare without regard to
/// ASCII case, as the portal compares them; the text is kept as given.
///
/// ```
/// use docspace_people::Email;
///
/// let a: Email = "John.Doe@Example.com".parse()?;
/// assert_eq!(a, "john.doe@example.com".parse::<Email>()?);
/// assert_eq!(a.as_str(), "John.Doe@Example.com");
/// assert!("john@localhost".parse::<Email>().is_err());
/// # Ok::<(), docspace_people::Error>(())
/// ```
#[derive(Clone)]
pub struct Email(String);

impl Email {
    /// The address as it was given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn is_valid(s: &str) -> bool {
        let Some((local, domain)) = s.split_once('@') else {
            return false;
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && s.len() <= 255
            && labels.iter().all(|l| {
                !l.is_empty()
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
            && labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()));
        local_ok && domain_ok
    }
}

impl FromStr for Email {
    type Err = crate::Error;

    fn from_str(text: &str) -> Result<Email, crate::Error> {
        if Email::is_valid(text) {
            Ok(Email(text.to_owned()))
        } else {
            Err(crate::Error::invalid_input(format!(
                "'{text}' is not an e-mail address the portal accepts (name@domain.tld)"
            )))
        }
    }
}

impl PartialEq for Email {
    fn eq(&self, other: &Email) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

impl Eq for Email {}

impl Hash for Email {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for b in self.0.bytes() {
            state.write_u8(b.to_ascii_lowercase());
        }
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.0)
    }
}

impl Serialize for Email {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_portals_rule() {
        assert!(Email::is_valid("john.doe+x@mail.example.com"));
        for bad in [
            "john",
            "a@b",
            "a@b.c",
            "@b.co",
            "a b@c.co",
            "a@-b.co",
            "a@b.co@c.co",
            "bob@",
        ] {
            assert!(!Email::is_valid(bad), "{bad}");
        }
    }
}
