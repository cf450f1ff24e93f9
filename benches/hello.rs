//! The start-up reference of `benches/compare.sh`: a static "hello" binary built with
//! the same release profile and flags as docspace-people (an example, not a `[[bench]]`:
//! cargo builds bench targets with `panic = "unwind"`). `docspace-people --version` is
//! timed against it.
// Test and example code: its public items are not an API.
#![allow(missing_docs)]

fn main() {
    println!("hello");
}
