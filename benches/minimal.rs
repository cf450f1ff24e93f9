//! The size reference of `benches/compare.sh`: a minimal static HTTPS client on the same
//! ureq + rustls as docspace-people, built with the same release profile and flags. It
//! does one GET and prints the body, trusting the bundled webpki roots, or the PEM
//! certificates of CA_FILE when one is given (the product has both code paths too).
//!
//! ```text
//! cargo build --release --example minimal
//! DOCSPACE_TOKEN=… target/x86_64-unknown-linux-gnu/release/examples/minimal URL [CA_FILE]
//! ```
//!
//! It is an example rather than a `[[bench]]` because cargo builds bench targets with
//! `panic = "unwind"` whatever the profile says, which would make it larger than the
//! same code in the product's `panic = "abort"` build.
// Test and example code: its public items are not an API.
#![allow(missing_docs)]

use std::io::Write;
use std::sync::Arc;
use ureq::tls::{PemItem, RootCerts, TlsConfig, parse_pem};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(url), ca) = (args.next(), args.next()) else {
        eprintln!("usage: minimal URL [CA_FILE]");
        std::process::exit(64);
    };
    if url == "--bench" {
        println!("minimal: a size reference for benches/compare.sh; nothing to run here");
        return;
    }
    let mut tls = TlsConfig::builder();
    if let Some(ca) = ca {
        let pem = std::fs::read(&ca).unwrap_or_else(|e| fail(&format!("{ca}: {e}")));
        let certs = parse_pem(&pem)
            .filter_map(|item| match item {
                Ok(PemItem::Certificate(cert)) => Some(cert),
                _ => None,
            })
            .collect();
        tls = tls.root_certs(RootCerts::Specific(Arc::new(certs)));
    }
    let agent = ureq::Agent::config_builder()
        .tls_config(tls.build())
        .build()
        .new_agent();
    let mut response = agent
        .get(&url)
        .header(
            "Authorization",
            format!(
                "Bearer {}",
                std::env::var("DOCSPACE_TOKEN").unwrap_or_default()
            ),
        )
        .call()
        .unwrap_or_else(|e| fail(&e.to_string()));
    let body = response
        .body_mut()
        .read_to_vec()
        .unwrap_or_else(|e| fail(&e.to_string()));
    let _ = std::io::stdout().write_all(&body);
}

fn fail(message: &str) -> ! {
    eprintln!("minimal: {message}");
    std::process::exit(1)
}
