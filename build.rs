//! Records the git commit the binary is built from, for `--version`. A build outside a
//! git checkout (a source tarball, crates.io) says so instead.

use std::process::Command;

fn main() {
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|text| text.trim().to_owned())
        .filter(|commit| !commit.is_empty());
    // No optional locks: a status must not rewrite the index, which would make the
    // next build run this script again.
    let dirty = Command::new("git")
        .args([
            "--no-optional-locks",
            "status",
            "--porcelain",
            "--untracked-files=no",
        ])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .is_some_and(|out| !out.stdout.is_empty());
    let version = match commit {
        Some(commit) if dirty => format!("{commit}, with uncommitted changes"),
        Some(commit) => commit,
        None => "not built from a git checkout".to_owned(),
    };
    println!("cargo:rustc-env=DOCSPACE_PEOPLE_COMMIT={version}");
    // Rebuilt when the checked-out commit moves, not on every build.
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs/heads");
    println!("cargo:rerun-if-changed=.git/index");
}
