//! Any command line: parsing never panics, and a usage error never echoes a credential
//! given after --token.
//!
//! The parser belongs to the binary, not the library, so this target compiles the
//! binary's module tree itself rather than reaching it through a public door.
#![no_main]
#![allow(dead_code)]

#[path = "../../src/app/mod.rs"]
mod app;

use app::cli::parse;
use app::exit::Failure;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let args: Vec<&str> = text.split('\0').collect();
    match parse(args.iter().copied()) {
        Ok(_) => {}
        Err(error) => {
            assert!(matches!(error, Failure::Usage(_)), "{error:?}");
            let message = error.to_string();
            if let Some(at) = args.iter().position(|a| *a == "--token") {
                if let Some(secret) = args.get(at + 1).filter(|s| s.len() > 8) {
                    assert!(!message.contains(*secret), "{message}");
                }
            }
        }
    }
});
