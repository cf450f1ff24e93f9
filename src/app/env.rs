//! Where the process's settings come from: the environment, behind a trait so that
//! tests of the settings need no process environment.

use std::ffi::OsString;
use std::path::PathBuf;

/// Where the process's settings come from; the real one reads the environment.
pub trait Environment {
    fn var(&self, name: &str) -> Option<OsString>;

    /// The home directory of the user running this as the password database gives it,
    /// for when `HOME` is unset: a systemd system service without `User=`, `env -i`.
    fn passwd_home(&self) -> Option<PathBuf>;
}

/// The process environment.
pub struct ProcessEnvironment;

impl Environment for ProcessEnvironment {
    fn var(&self, name: &str) -> Option<OsString> {
        std::env::var_os(name).filter(|v| !v.is_empty())
    }

    /// Reads `/etc/passwd` itself: with no libc calls there is no `getpwuid`, so a user
    /// known only to LDAP or another NSS source has none. A home that does not exist (the
    /// `/nonexistent` of system users) is none either: it is not this tool's to create.
    fn passwd_home(&self) -> Option<PathBuf> {
        let uid = uid_in_status(&std::fs::read_to_string("/proc/self/status").ok()?)?;
        let home = home_in_passwd(&std::fs::read_to_string("/etc/passwd").ok()?, uid)?;
        home.is_dir().then_some(home)
    }
}

/// The real user id in the text of `/proc/self/status` (its `Uid:` line: real,
/// effective, saved, file system), which getpwuid(getuid()) would be asked about.
pub fn uid_in_status(status: &str) -> Option<u32> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The home directory of `uid` in the text of `/etc/passwd`
/// (`name:password:uid:gid:comment:home:shell`): the first line with that uid, as
/// getpwuid() takes it, and only an absolute path.
pub fn home_in_passwd(passwd: &str, uid: u32) -> Option<PathBuf> {
    passwd
        .lines()
        .map(|line| line.split(':').collect::<Vec<_>>())
        .find(|fields| fields.len() == 7 && fields[2].parse() == Ok(uid))
        .map(|fields| fields[5])
        .filter(|home| home.starts_with('/'))
        .map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_uid_is_read_from_the_status_of_the_process() {
        let status = "Name:\tdocspace-people\nUmask:\t0022\nState:\tR (running)\n\
                      Uid:\t1000\t0\t0\t0\nGid:\t100\t100\t100\t100\n";
        assert_eq!(uid_in_status(status), Some(1000));
        assert_eq!(uid_in_status("Name:\tx\n"), None);
        assert_eq!(uid_in_status("Uid:\n"), None);
        assert_eq!(uid_in_status("Uid:\tmany\n"), None);
        let ours = std::fs::read_to_string("/proc/self/status").unwrap();
        assert!(uid_in_status(&ours).is_some());
    }

    #[test]
    fn the_home_of_a_uid_is_its_first_line_in_passwd() {
        let passwd = "\
# a comment
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
broken:x:7
relative:x:8:8::home/rel:/bin/sh
empty:x:9:9:::/bin/sh
ann:x:1000:1000:Ann O'Neil,,,:/home/ann:/bin/bash
alias:x:1000:1000::/home/alias:/bin/bash
";
        assert_eq!(home_in_passwd(passwd, 0), Some("/root".into()));
        assert_eq!(home_in_passwd(passwd, 1000), Some("/home/ann".into()));
        assert_eq!(home_in_passwd(passwd, 7), None, "too few fields");
        assert_eq!(home_in_passwd(passwd, 8), None, "not an absolute path");
        assert_eq!(home_in_passwd(passwd, 9), None, "no home");
        assert_eq!(home_in_passwd(passwd, 4242), None);
        assert_eq!(home_in_passwd("", 0), None);
        assert_eq!(home_in_passwd("x:x:-1:0::/h:/s\n:::::::\n", 0), None);
    }
}
