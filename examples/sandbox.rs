//! Try the tool without a portal account: `cargo run --example sandbox`.
//!
//! Starts the stand-in DocSpace portal that the tests use on 127.0.0.1, then runs the real
//! `docspace-people` binary against it — `whoami`, `lifecycle` and `guest-cycle` — and
//! shows each command line and what it printed, as a user would see it.
// Test and example code: its public items are not an API.
#![allow(missing_docs)]

#[path = "../tests/cli/portal/mod.rs"]
mod portal;

use portal::{Kind, Portal};
use std::path::PathBuf;
use std::process::Command;

fn main() {
    let binary = binary();
    let portal = Portal::start();
    let owner = portal.owner();
    let rita = portal.add_member(Kind::RoomAdmin, "rita@example.com", "Rita", "Ray");
    let gina = portal.add_guest_of(&owner.id, "gina@example.com", "Gina", "Guest");
    println!("Stand-in DocSpace portal at {}", portal.url());
    println!("  owner:      owner@example.com (API key in DOCSPACE_TOKEN)");
    println!("  room admin: rita@example.com");
    println!("  guest:      gina@example.com, {gina}\n");

    let as_owner = |args: &[&str]| show(&binary, &portal, &owner.key, "owner", args);
    as_owner(&["whoami"]);
    as_owner(&[
        "lifecycle",
        "--email",
        "john.doe@example.com",
        "--first-name",
        "John",
        "--last-name",
        "Doe",
    ]);
    let link = as_owner(&["guest", "link", "gina@example.com"]);
    show(
        &binary,
        &portal,
        &rita.key,
        "rita",
        &[
            "guest-cycle",
            link.trim(),
            "--email",
            "gina@example.com",
            "--yes",
        ],
    );
    // A failure, to show what one looks like: the portal deletes only terminated users.
    show(
        &binary,
        &portal,
        &owner.key,
        "owner",
        &["user", "delete", "rita@example.com"],
    );

    println!(
        "The portal received {} API requests over {} connections.",
        portal.api_requests().len(),
        portal.connections()
    );
}

/// Runs the binary as `who` and prints the command line, its output and its exit code.
fn show(binary: &PathBuf, portal: &Portal, key: &str, who: &str, args: &[&str]) -> String {
    println!("$ docspace-people {}      # as {who}", args.join(" "));
    let output = Command::new(binary)
        .args(args)
        .env("DOCSPACE_URL", portal.url())
        .env("DOCSPACE_TOKEN", key)
        .env_remove("DOCSPACE_TOKEN_FILE")
        // The stand-in's changes belong in a journal of their own, not in yours.
        .env(
            "XDG_STATE_HOME",
            std::env::temp_dir().join(format!("docspace-people-sandbox-{}", std::process::id())),
        )
        .env_remove("STATE_DIRECTORY")
        .env_remove("DOCSPACE_JOURNAL")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the docspace-people binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    print!("{stdout}");
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    println!("(exit {})\n", output.status.code().unwrap_or(-1));
    stdout
}

/// The binary of the same build as this example; Cargo does not build binaries for
/// examples, so it is built here when missing.
///
/// The nested `cargo build` must see the environment the user's own `cargo` saw, not the
/// one `cargo run` gave this example: ring's build script declares `CARGO_MANIFEST_DIR`,
/// `CARGO_PKG_*` and others with `rerun-if-env-changed`, so any difference makes Cargo
/// rerun it and rebuild ring and everything above it, here and again in the next plain
/// `cargo build`. Cargo's own settings (`CARGO_HOME`, `CARGO_TARGET_DIR`, `CARGO_BUILD_*`,
/// `RUSTFLAGS`, …) are the user's and are kept.
fn binary() -> PathBuf {
    let me = std::env::current_exe().expect("the example knows its path");
    let profile_dir = me
        .parent()
        .and_then(|examples| examples.parent())
        .expect("examples live in target/<profile>/examples");
    let binary = profile_dir.join("docspace-people");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build.args(["build", "--quiet", "--bin", "docspace-people"]);
    // This package, but from the directory cargo run was started in: that directory's
    // .cargo/config.toml decided where this example landed.
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    build.args(["--manifest-path", manifest]);
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(set_by_cargo_for_a_crate) {
            build.env_remove(name);
        }
    }
    if profile_dir.ends_with("release") {
        build.arg("--release");
    }
    let built = build.status().is_ok_and(|s| s.success());
    assert!(
        built && binary.exists(),
        "could not build the docspace-people binary; run 'cargo build' first"
    );
    binary
}

/// Whether `name` is one of the variables Cargo sets for the program it runs, a build
/// script or a compiler invocation, which are never Cargo's own settings.
fn set_by_cargo_for_a_crate(name: &str) -> bool {
    const NAMES: [&str; 9] = [
        "CARGO_MANIFEST_DIR",
        "CARGO_MANIFEST_PATH",
        "CARGO_MANIFEST_LINKS",
        "CARGO_CRATE_NAME",
        "CARGO_BIN_NAME",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_TARGET_TMPDIR",
        "CARGO_RUSTC_CURRENT_DIR",
        "OUT_DIR",
    ];
    const PREFIXES: [&str; 3] = ["CARGO_PKG_", "CARGO_CFG_", "CARGO_FEATURE_"];
    NAMES.contains(&name) || PREFIXES.iter().any(|prefix| name.starts_with(prefix))
}
