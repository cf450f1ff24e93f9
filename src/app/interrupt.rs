//! Ctrl-C while a bulk run sends its changes: the run stops before its next request,
//! reports what was done and what was not sent, and ends with exit 130.
//!
//! The process cannot catch SIGINT (no unsafe code, no signal crate), so it keeps the
//! terminal from sending one: while a run sends, and only when a person is at the
//! controlling terminal and this process is in its foreground, the terminal's settings
//! are saved (`stty -g`) and set so that Ctrl-C and Ctrl-\ arrive as bytes
//! (`-isig -icanon -echo`), which a thread reads from `/dev/tty`. The settings are put
//! back when the [`Watch`] is dropped, on a panic (the release build aborts, so a panic
//! hook does it), and before a second Ctrl-C quits at once. Only a SIGKILL leaves the
//! terminal so: `stty sane` mends it. Without a terminal (cron, systemd), SIGINT and
//! SIGTERM end the process as before, and the journal's intents say what may have been
//! under way.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

/// The exit code of a run stopped at the terminal (the shell's 128 + SIGINT).
const QUIT: i32 = 130;

const CTRL_C: u8 = 0x03;
const CTRL_BACKSLASH: u8 = 0x1c;

/// Whether the person at the terminal asked the run to stop; never, without a [`Watch`].
#[derive(Clone, Default)]
pub struct Interrupt(Option<Arc<AtomicBool>>);

impl Interrupt {
    pub fn requested(&self) -> bool {
        self.0.as_ref().is_some_and(|s| s.load(Ordering::SeqCst))
    }
}

/// The terminal set to hand Ctrl-C to the run, and the thread that reads it; dropping
/// it puts the terminal back as it was.
pub struct Watch {
    tty: File,
    saved: String,
    stop: Arc<AtomicBool>,
    done: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
}

impl Watch {
    /// Starts watching the controlling terminal, if this process is in its foreground
    /// (a job in the background would be stopped by touching it) and `stty` can set it.
    pub fn start() -> Option<Watch> {
        if !in_foreground() {
            return None;
        }
        let tty = OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .ok()?;
        let saved = stty(&tty, &["-g"])?;
        // Ctrl-C and Ctrl-\ arrive as bytes, at once (no line editing) and unseen (no
        // echo of the keys typed meanwhile); a read returns after a tenth of a second
        // without a key, so that the reader sees when the run is done.
        if stty(
            &tty,
            &["-isig", "-icanon", "-echo", "min", "0", "time", "1"],
        )
        .is_none()
        {
            stty(&tty, &[&saved]);
            return None;
        }
        let previous = std::panic::take_hook();
        let on_panic = saved.clone();
        std::panic::set_hook(Box::new(move |info| {
            if let Ok(tty) = File::open("/dev/tty") {
                stty(&tty, &[&on_panic]);
            }
            previous(info);
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicBool::new(false));
        let reader = match tty.try_clone() {
            Ok(keys) => {
                let (saved, stop, done) = (saved.clone(), stop.clone(), done.clone());
                Some(std::thread::spawn(move || {
                    read_keys(keys, &saved, &stop, &done)
                }))
            }
            Err(_) => None,
        };
        let watch = Watch {
            tty,
            saved,
            stop,
            done,
            reader,
        };
        // Without the reader, Ctrl-C would do nothing: the terminal is put back.
        watch.reader.is_some().then_some(watch)
    }

    /// What the run asks between its requests.
    pub fn interrupt(&self) -> Interrupt {
        Interrupt(Some(self.stop.clone()))
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.done.store(true, Ordering::SeqCst);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        stty(&self.tty, &[&self.saved]);
        // The default hook again (replacing the hook is refused while panicking).
        if !std::thread::panicking() {
            let _ = std::panic::take_hook();
        }
    }
}

/// Reads the keys typed until the run is done: the first Ctrl-C (or Ctrl-\) asks the
/// run to stop after the request under way, the second quits at once.
fn read_keys(mut tty: File, saved: &str, stop: &AtomicBool, done: &AtomicBool) {
    let mut keys = [0u8; 64];
    while !done.load(Ordering::SeqCst) {
        let read = match tty.read(&mut keys) {
            Ok(read) => read,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // The terminal went away: nobody is there to press a key.
            Err(_) => return,
        };
        for &key in &keys[..read] {
            if key != CTRL_C && key != CTRL_BACKSLASH {
                continue;
            }
            // Written to the terminal, not to stderr, which the run holds locked.
            if !stop.swap(true, Ordering::SeqCst) {
                let _ = tty.write_all(
                    b"\r\x1b[Kdocspace-people: interrupted: nothing more is sent once the request under way is answered (Ctrl-C again quits at once, leaving its outcome unknown)\n",
                );
            } else {
                stty(&tty, &[saved]);
                let _ = tty.write_all(
                    b"\r\x1b[Kdocspace-people: quit at once: the outcome of the request under way is unknown; 'docspace-people journal' shows it\n",
                );
                std::process::exit(QUIT);
            }
        }
    }
}

/// Runs `stty` on `tty`; its output, trimmed, if it succeeded.
fn stty(tty: &File, args: &[&str]) -> Option<String> {
    let output = Command::new("stty")
        .args(args)
        .stdin(tty.try_clone().ok()?)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Whether this process has a controlling terminal and is in its foreground process
/// group: fields 5, 7 and 8 of `/proc/self/stat` (pgrp, tty_nr, tpgid), counted after
/// the command's name in parentheses, which may hold spaces.
fn in_foreground() -> bool {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return false;
    };
    let Some((_, fields)) = stat.rsplit_once(')') else {
        return false;
    };
    let fields: Vec<&str> = fields.split_whitespace().collect();
    matches!(
        (fields.get(2), fields.get(4), fields.get(5)),
        (Some(pgrp), Some(tty), Some(tpgid)) if *tty != "0" && pgrp == tpgid
    )
}
