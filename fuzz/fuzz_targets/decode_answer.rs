//! Any status, headers and body the portal (or a proxy) may answer with: decoding never
//! panics, and a failure is one line without the credential. (`Client::decode_answer` is
//! the library's one hidden door, kept for this target and the property test.)
#![no_main]

use docspace_people::{Client, Secret, User};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

const KEY: &str = "sk-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static CLIENT: LazyLock<Client> = LazyLock::new(|| {
    Client::new("https://portal.example.com", Secret::new(KEY)).expect("a valid client")
});

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let status = [200, 200, 200, 301, 400, 401, 403, 404, 429, 500, 502, 503][selector as usize % 12];
    let (head, body) = rest.split_at(rest.len().min(usize::from(selector >> 4)));
    let header_value = String::from_utf8_lossy(head);
    let headers = [("Retry-After", header_value.as_ref()), ("Location", header_value.as_ref())];
    let results = [
        CLIENT.decode_answer::<User>(status, &headers, body).map(|_| ()),
        CLIENT.decode_answer::<Vec<User>>(status, &headers, body).map(|_| ()),
        CLIENT.decode_answer::<String>(status, &[], body).map(|_| ()),
    ];
    for error in results.into_iter().filter_map(Result::err) {
        let message = error.to_string();
        assert!(!message.contains('\n'), "{message}");
        assert!(!message.contains(&KEY[12..40]), "{message}");
    }
});
