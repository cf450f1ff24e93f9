//! An answer holding users (a listing's page, one user, the users of a bulk change),
//! read in one pass.
//!
//! A [`User`] keeps its JSON as the portal sent it. Read through serde, that means
//! scanning each object into a raw value and then parsing its fields from the copy: the
//! bytes of every user were read twice, which was half of a listing's work. Here the
//! envelope is walked by hand, each user's fields are parsed straight from the page, and
//! where the parser stopped says which bytes were that user's JSON. The walker reads only
//! the punctuation between values (`{`, `:`, `,`, `[`, `]`, `}` and whitespace); every
//! value, key and user is read by serde_json. It accepts what
//! `serde_json::from_slice::<Envelope<Vec<User>>>` accepts, and decodes it the same (the
//! tests compare the two on every mutation of a page), but for serde_json's limit of 128
//! nested arrays and objects, which it counts from each user rather than from the page.

use crate::client::Envelope;
use crate::model::User;
use serde::Deserialize;
use serde::de::IgnoredAny;

/// The envelope of a listing's page (or any list of users), `None` where the body is
/// not one.
pub(crate) fn users(body: &[u8]) -> Option<Envelope<Vec<User>>> {
    envelope(body, |walk| walk.users())
}

/// The envelope of one user, `None` where the body is not one.
pub(crate) fn user(body: &[u8]) -> Option<Envelope<User>> {
    envelope(body, |walk| walk.user())
}

/// The envelope in `body`, its `response` read by `response`.
fn envelope<T: serde::de::DeserializeOwned>(
    body: &[u8],
    response: fn(&mut Walk) -> Option<Option<T>>,
) -> Option<Envelope<T>> {
    // Checked once for the whole page, so that the values are read from text, which is
    // faster, and every user's slice of it is text. serde reads a body that is not all
    // text as long as the bytes that are not are in values it ignores: it reads that.
    let Ok(text) = std::str::from_utf8(body) else {
        return serde_json::from_slice(body).ok();
    };
    let mut walk = Walk { text, at: 0 };
    let mut envelope = Envelope::default();
    let (mut seen_response, mut total, mut status, mut error) = (false, false, false, false);
    walk.punctuation(b'{')?;
    if !walk.peek_is(b'}') {
        loop {
            let key: String = walk.value()?;
            walk.punctuation(b':')?;
            // A field given twice is refused, as serde's derived decoder refuses it.
            let first = |seen: &mut bool| !std::mem::replace(seen, true);
            match key.as_str() {
                "response" if first(&mut seen_response) => {
                    envelope.response = response(&mut walk)?;
                }
                "total" if first(&mut total) => envelope.total = walk.value()?,
                "status" if first(&mut status) => envelope.status = walk.value()?,
                "error" if first(&mut error) => {
                    envelope.error = walk.value::<Option<IgnoredAny>>()?;
                }
                "response" | "total" | "status" | "error" => return None,
                _ => {
                    walk.value::<IgnoredAny>()?;
                }
            }
            if !walk.optional(b',') {
                break;
            }
        }
    }
    walk.punctuation(b'}')?;
    walk.skip_whitespace();
    (walk.at == text.len()).then_some(envelope)
}

struct Walk<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Walk<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    fn skip_whitespace(&mut self) {
        let rest = self.rest();
        let value = rest.trim_start_matches([' ', '\t', '\n', '\r']);
        self.at += rest.len() - value.len();
    }

    fn peek_is(&mut self, byte: u8) -> bool {
        self.skip_whitespace();
        self.rest().as_bytes().first() == Some(&byte)
    }

    fn optional(&mut self, byte: u8) -> bool {
        let there = self.peek_is(byte);
        self.at += usize::from(there);
        there
    }

    fn punctuation(&mut self, byte: u8) -> Option<()> {
        self.optional(byte).then_some(())
    }

    /// The JSON value that starts here, by serde_json.
    fn value<T: Deserialize<'a>>(&mut self) -> Option<T> {
        let mut stream = serde_json::Deserializer::from_str(self.rest()).into_iter::<T>();
        let value = stream.next()?.ok()?;
        self.at += stream.byte_offset();
        Some(value)
    }

    /// `response`: one user, or `null`.
    fn user(&mut self) -> Option<Option<User>> {
        self.skip_whitespace();
        if !self.peek_is(b'{') {
            return self.value::<Option<User>>();
        }
        let (user, len) = User::read_prefix(self.rest())?;
        self.at += len;
        Some(Some(user))
    }

    /// `response`: an array of users, or `null`.
    fn users(&mut self) -> Option<Option<Vec<User>>> {
        self.skip_whitespace();
        if !self.peek_is(b'[') {
            return self.value::<Option<Vec<User>>>();
        }
        self.at += 1;
        // A listing's page holds 100; growing to that moved the users seven times.
        let mut users = Vec::with_capacity(100);
        if !self.peek_is(b']') {
            loop {
                self.skip_whitespace();
                let (user, len) = User::read_prefix(self.rest())?;
                users.push(user);
                self.at += len;
                if !self.optional(b',') {
                    break;
                }
            }
        }
        self.punctuation(b']')?;
        Some(Some(users))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What serde's derived decoder makes of `body`, the reference.
    fn by_serde(body: &[u8]) -> Option<Envelope<Vec<User>>> {
        serde_json::from_slice(body).ok()
    }

    fn summary(envelope: Option<Envelope<Vec<User>>>) -> String {
        match envelope {
            None => "not an envelope".to_owned(),
            Some(e) => format!(
                "{:?} {:?} {} {}",
                e.response.map(|users| users
                    .iter()
                    .map(|u| format!("{u:?} {}", u.json()))
                    .collect::<Vec<_>>()),
                e.total,
                e.status,
                e.error.is_some()
            ),
        }
    }

    fn same_as_serde(body: &[u8]) {
        assert_eq!(
            summary(users(body)),
            summary(by_serde(body)),
            "{}",
            String::from_utf8_lossy(body)
        );
    }

    const PAGE: &str = r#" {"count":2,"total":2,"response":[ {"id":"0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a","displayName":"John &amp; Doe","firstName":"John","lastName":"Doe","email":"j@example.com","status":1,"activationStatus":1,"isAdmin":false,"registrationDate":"2026-07-01T10:00:00.0000000+02:00","groups":[{"id":"x","name":"a\"b"}],"avatar":null} ,
        {"id":"0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5b","displayName":"Ann","status":"Terminated","note":"\u00e9]}"}],"links":[{"href":"x","action":"GET"}],"status":0,"statusCode":200}
"#;

    #[test]
    fn a_page_is_decoded_as_serde_decodes_it_and_keeps_each_users_text() {
        let envelope = users(PAGE.as_bytes()).expect("an envelope");
        let page = envelope.response.expect("users");
        assert_eq!(page.len(), 2);
        assert!(page[0].json().starts_with(r#"{"id":"0b1c7f2e"#));
        assert!(page[0].json().ends_with(r#""avatar":null}"#));
        assert!(page[1].json().ends_with(r#""note":"\u00e9]}"}"#));
        assert_eq!(envelope.total, Some(2));
        same_as_serde(PAGE.as_bytes());
    }

    #[test]
    fn odd_envelopes_are_decoded_or_refused_as_serde_does() {
        for body in [
            r#"{}"#,
            r#"{"response":null}"#,
            r#"{"response":[]}"#,
            r#"{"response":{}}"#,
            r#"{"response":[null]}"#,
            r#"{"response":[{"id":"nope"}]}"#,
            r#"{"response":[],"response":[]}"#,
            r#"{"resp\u006fnse":[{"id":"0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a"}]}"#,
            r#"{"response":[],"total":null,"status":null}"#,
            r#"{"response":[],"total":-1}"#,
            r#"{"response":[],"status":200,"error":null}"#,
            r#"{"response":[],"error":{"message":"x"}}"#,
            r#"{"response":[],}"#,
            r#"{"response":[,]}"#,
            r#"{"response":[] "total":1}"#,
            r#"{"response":[]} x"#,
            r#"{"response":[]}{}"#,
            r#"[]"#,
            r#""#,
            "{\"response\":[{\"id\":\"0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a\",\"x\":\"\u{7f}\"}]}",
        ] {
            same_as_serde(body.as_bytes());
        }
        same_as_serde(
            b"{\"response\":[{\"id\":\"0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a\",\"x\":\"\xff\"}]}",
        );
    }

    const ONE: &str = r#"{"response":{"id":"0b1c7f2e-5d0e-4b7a-9a5c-2f1e6d3c4b5a","displayName":"A\u00e9","status":2,"groups":[{"n":"}"}]},"count":1,"links":[],"status":0}"#;

    fn same_user_as_serde(body: &[u8]) {
        let ours = user(body).map(|e| Envelope {
            response: e.response.map(|u| vec![u]),
            total: e.total,
            status: e.status,
            error: e.error,
            empty: e.empty,
        });
        let serde = serde_json::from_slice::<Envelope<User>>(body)
            .ok()
            .map(|e| Envelope {
                response: e.response.map(|u| vec![u]),
                total: e.total,
                status: e.status,
                error: e.error,
                empty: e.empty,
            });
        assert_eq!(
            summary(ours),
            summary(serde),
            "{}",
            String::from_utf8_lossy(body)
        );
    }

    /// `text` with each byte removed, and each byte replaced by and preceded by each of
    /// `bytes` in turn, handed to `check`.
    fn each_mutation(text: &[u8], bytes: &[u8], check: fn(&[u8])) {
        for at in 0..text.len() {
            let mut removed = text.to_vec();
            removed.remove(at);
            check(&removed);
            for &byte in bytes {
                let mut changed = text.to_vec();
                changed[at] = byte;
                check(&changed);
                let mut inserted = text.to_vec();
                inserted.insert(at, byte);
                check(&inserted);
            }
        }
    }

    #[test]
    fn every_mutation_of_one_user_is_decoded_or_refused_as_serde_does() {
        let one = ONE.as_bytes();
        assert!(user(one).and_then(|e| e.response).is_some());
        same_user_as_serde(br#"{"response":null}"#);
        same_user_as_serde(br#"{"response":[]}"#);
        each_mutation(one, b"\",]}{[ n\\\xc3", same_user_as_serde);
    }

    #[test]
    fn every_mutation_of_a_page_is_decoded_or_refused_as_serde_does() {
        each_mutation(PAGE.as_bytes(), b"\",]}{[ 1\\\xc3", same_as_serde);
    }
}
