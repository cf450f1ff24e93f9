//! Any command line: parsing never panics, and a usage error never echoes a credential
//! given after --token.
#![no_main]

use docspace_people::cli::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let args: Vec<&str> = text.split('\0').collect();
    match parse(args.iter().copied()) {
        Ok(_) => {}
        Err(error) => {
            assert_eq!(error.exit_code(), 64, "{error:?}");
            let message = error.to_string();
            if let Some(at) = args.iter().position(|a| *a == "--token") {
                if let Some(secret) = args.get(at + 1).filter(|s| s.len() > 8) {
                    assert!(!message.contains(*secret), "{message}");
                }
            }
        }
    }
});
