//! Where the process's settings come from: the environment, behind a trait so that
//! tests of the settings need no process environment.

use std::ffi::OsString;

/// Where the process's settings come from; the real one reads the environment.
pub trait Environment {
    fn var(&self, name: &str) -> Option<OsString>;
}

/// The process environment.
pub struct ProcessEnvironment;

impl Environment for ProcessEnvironment {
    fn var(&self, name: &str) -> Option<OsString> {
        std::env::var_os(name).filter(|v| !v.is_empty())
    }
}
