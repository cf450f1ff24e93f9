//! E-mail addresses as the portal takes them.

use serde::{Serialize, Serializer};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

/// An e-mail address the portal accepts for an account.
///
/// The rule is the one of the endpoints that take an account's address (`POST /people`,
/// `GET /people/email`): .NET's `[EmailAddress]` (one `@`, neither first nor last) and
/// `MailAddress` (no spaces or control characters, none of the characters it reads as
/// a display name, a comment, a quote or a list). Letters of any script are accepted
/// (`jürgen.müller@example.de`, `用户@例子.中国`): the portal stores them.
///
/// Invitations (`POST /people/invite`) have a stricter rule of their own, an ASCII
/// address with a dotted domain: see [`Email::is_ascii_invitable`], which
/// [`Client::invite_users`](crate::Client::invite_users) checks before anything is sent.
///
/// Addresses compare without regard to case, as the portal compares them; the text is
/// kept as given.
///
/// ```
/// use docspace_people::Email;
///
/// let a: Email = "John.Doe@Example.com".parse()?;
/// assert_eq!(a, "john.doe@example.com".parse::<Email>()?);
/// assert_eq!(a.as_str(), "John.Doe@Example.com");
/// let umlaut: Email = "jürgen.müller@example.de".parse()?;
/// assert!(!umlaut.is_ascii_invitable());
/// assert!(a.is_ascii_invitable());
/// assert!("john doe@example.com".parse::<Email>().is_err());
/// # Ok::<(), docspace_people::Error>(())
/// ```
#[derive(Clone)]
pub struct Email(String);

/// Characters `MailAddress` reads as syntax (display names, comments, quotes, lists, a
/// route): an address holding one would be stored as something other than what was
/// given, or refused.
const SYNTAX: &[char] = &['<', '>', '(', ')', '[', ']', '\\', ',', ';', ':', '"'];

impl Email {
    /// The address as it was given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `POST /api/2.0/people/invite` takes this address: its own check
    /// (`StringExtension.TestEmailRegex` and `TestEmailPunyCode`) wants an ASCII local
    /// part without leading, trailing or doubled dots, a dotted domain of ASCII letters,
    /// digits and inner hyphens with no `xn--` label, and a top-level domain of two or
    /// more letters. An address that fails it is refused there with "Incorrect email"
    /// (translated) half-way through a batch, so it is refused here before sending.
    pub fn is_ascii_invitable(&self) -> bool {
        let s = self.0.as_str();
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
            && labels.iter().all(|l| {
                !l.is_empty()
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && !l.to_ascii_lowercase().starts_with("xn--")
                    && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
            && labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()));
        local_ok && domain_ok
    }

    fn is_valid(s: &str) -> bool {
        let Some((local, domain)) = s.split_once('@') else {
            return false;
        };
        let part_ok = |part: &str| {
            !part.is_empty()
                && !part.starts_with('.')
                && !part.ends_with('.')
                && !part.contains("..")
                && !part.contains('@')
        };
        // [StringLength(255)] counts UTF-16 units.
        part_ok(local)
            && part_ok(domain)
            && s.encode_utf16().count() <= 255
            && !s
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || SYNTAX.contains(&c))
    }
}

impl FromStr for Email {
    type Err = crate::Error;

    fn from_str(text: &str) -> Result<Email, crate::Error> {
        if Email::is_valid(text) {
            Ok(Email(text.to_owned()))
        } else {
            Err(crate::Error::invalid_input(format!(
                "'{text}' is not an e-mail address the portal accepts (name@domain, without spaces)"
            )))
        }
    }
}

impl PartialEq for Email {
    fn eq(&self, other: &Email) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
            || (!self.0.is_ascii() && self.0.to_lowercase() == other.0.to_lowercase())
    }
}

impl Eq for Email {}

impl Hash for Email {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for c in self.0.chars().flat_map(char::to_lowercase) {
            state.write_u32(u32::from(c));
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

    fn email(s: &str) -> Email {
        s.parse().unwrap()
    }

    #[test]
    fn the_rule_of_the_account_endpoints() {
        for good in [
            "john.doe+x@mail.example.com",
            "jürgen.müller@example.de",
            "用户@例子.中国",
            "root@localhost",
            "a@b.c",
        ] {
            assert!(Email::is_valid(good), "{good}");
        }
        for bad in [
            "john",
            "@b.co",
            "a b@c.co",
            "a@b.co@c.co",
            "bob@",
            "Bob <bob@b.co>",
            "a,b@c.co",
            "a\tb@c.co",
            ".a@b.co",
            "a@b..co",
        ] {
            assert!(!Email::is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn the_stricter_rule_of_invitations() {
        assert!(email("john.doe+x@mail.example.com").is_ascii_invitable());
        for bad in [
            "jürgen@example.de",
            "a@müller.de",
            "a@xn--mller-kva.de",
            "a@b",
            "a@b.c",
            "a@b.c0",
            "a@-b.co",
        ] {
            assert!(!email(bad).is_ascii_invitable(), "{bad}");
        }
    }

    #[test]
    fn addresses_compare_without_case_in_any_script() {
        use std::collections::HashSet;
        assert_eq!(email("ÄNNE@Example.de"), email("änne@example.de"));
        let set: HashSet<Email> = [email("ÄNNE@Example.de"), email("änne@example.de")].into();
        assert_eq!(set.len(), 1);
    }
}
