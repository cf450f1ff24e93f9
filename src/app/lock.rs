//! One changing run at a time against a portal: an exclusive lock on a file in the state
//! directory, which the operating system releases when the process ends, however it ends.

use super::exit::Failure;
use super::journal::{private_dir, timestamp};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

/// Held for the whole run; dropping it (or the process ending) releases the lock.
pub struct Lock(#[allow(dead_code)] File);

/// Takes the lock of `portal` in `dir`, waiting up to `wait` for another run to finish.
pub fn acquire(dir: &Path, portal: &str, wait: Option<Duration>) -> Result<Lock, Failure> {
    let name: String = portal
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = dir.join("locks").join(format!("{name}.lock"));
    let cannot = |e: std::io::Error| {
        Failure::Journal(format!(
            "the lock file {} cannot be used ({e})",
            path.display()
        ))
    };
    private_dir(path.parent().unwrap_or(dir)).map_err(cannot)?;
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&path)
        .map_err(cannot)?;
    let deadline = Instant::now() + wait.unwrap_or_default();
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(100))
            }
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let who = if holder.is_empty() {
                    String::new()
                } else {
                    format!(" ({holder})")
                };
                return Err(Failure::Busy(format!(
                    "another run against {portal} is in progress{who}: try again later, or pass --wait-lock 10m to wait for it"
                )));
            }
            Err(TryLockError::Error(e)) => return Err(cannot(e)),
        }
    }
    let holder = format!(
        "pid {}, since {}\n",
        std::process::id(),
        timestamp(SystemTime::now())
    );
    let written = file
        .set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| file.write_all(holder.as_bytes()))
        .and_then(|()| file.flush());
    written.map_err(cannot)?;
    Ok(Lock(file))
}
