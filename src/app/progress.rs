//! The progress line of a run a person watches: on stderr when it is a terminal (never
//! on a pipe, in cron's mail or with `-q`), redrawn in place from the first request: the
//! phase, how far it is, and once that means something, how long is left.
//!
//! One line for the process, whichever thread moves it: the reads of a bulk run are
//! counted on the threads that make them, and a retry note from any thread clears the
//! line before it is printed. So the line is process state, as stderr itself is.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

struct Line {
    on: bool,
    phase: &'static str,
    done: usize,
    total: usize,
    started: Option<Instant>,
    drawn: Option<Instant>,
    /// Something is on screen that the next other output must clear first.
    shown: bool,
}

static LINE: Mutex<Line> = Mutex::new(Line {
    on: false,
    phase: "",
    done: 0,
    total: 0,
    started: None,
    drawn: None,
    shown: false,
});

/// Whether a line may be on screen: every line of output asks [`clear`], and a listing
/// prints tens of thousands, which then cost one load each instead of a lock.
static SHOWN: AtomicBool = AtomicBool::new(false);

/// At most this often is the line redrawn.
const REDRAW: Duration = Duration::from_millis(200);

/// Before this, or this little done, an estimate of the time left would be a guess.
const ESTIMATE_AFTER: Duration = Duration::from_secs(2);

fn line() -> MutexGuard<'static, Line> {
    LINE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Whether progress is drawn at all: stderr is a terminal and `-q` was not given.
pub fn enable(on: bool) {
    line().on = on;
}

/// Starts a phase (`reading`, `deleting`) of `total` steps and draws it at once.
pub fn phase(phase: &'static str, total: usize) {
    let mut line = line();
    if !line.on {
        return;
    }
    line.phase = phase;
    line.done = 0;
    line.total = total;
    line.started = Some(Instant::now());
    line.drawn = None;
    draw(&mut line);
}

/// Names the phase anew, keeping its count (a plan that terminates, then deletes).
pub fn rename(phase: &'static str) {
    let mut line = line();
    if line.on && !line.phase.is_empty() && line.phase != phase {
        line.phase = phase;
        draw(&mut line);
    }
}

/// One more step of the phase done.
pub fn tick() {
    advance(1);
}

/// `n` more steps of the phase done.
pub fn advance(n: usize) {
    let mut line = line();
    if !line.on || line.phase.is_empty() {
        return;
    }
    line.done = line.done.saturating_add(n).min(line.total);
    if line.drawn.is_none_or(|at| at.elapsed() >= REDRAW) || line.done == line.total {
        draw(&mut line);
    }
}

/// Ends the phase and clears the line.
pub fn end() {
    let mut line = line();
    line.phase = "";
    clear_line(&mut line);
}

/// Clears the line before other output; it is drawn again at the next step.
pub fn clear() {
    if SHOWN.load(Ordering::Relaxed) {
        clear_line(&mut line());
    }
}

/// A note from any thread (a request being retried), on a line of its own.
pub fn note(text: &str) {
    let mut line = line();
    clear_line(&mut line);
    let _ = writeln!(io::stderr(), "docspace-people: {text}");
    line.drawn = None;
}

fn clear_line(line: &mut Line) {
    SHOWN.store(false, Ordering::Relaxed);
    if std::mem::take(&mut line.shown) {
        let _ = write!(io::stderr(), "\r\x1b[K");
    }
}

fn draw(line: &mut Line) {
    let now = Instant::now();
    let mut text = format!("{} {} / {}", line.phase, line.done, line.total);
    if let Some(left) = estimate(line, now) {
        text.push_str(&format!(", about {} left", duration(left)));
    }
    let mut stderr = io::stderr().lock();
    // Progress is for a person watching; a terminal that went away stops nothing.
    let _ = write!(stderr, "\r{text}\x1b[K").and_then(|()| stderr.flush());
    line.shown = true;
    SHOWN.store(true, Ordering::Relaxed);
    line.drawn = Some(now);
}

/// The time left at the pace so far, once the phase has run long enough to say.
fn estimate(line: &Line, now: Instant) -> Option<Duration> {
    let elapsed = now.duration_since(line.started?);
    if elapsed < ESTIMATE_AFTER || line.done == 0 || line.done >= line.total {
        return None;
    }
    let left = (line.total - line.done) as f64;
    Some(elapsed.mul_f64(left / line.done as f64))
}

/// `45 s`, `3 min`, `2 h 5 min`.
fn duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min", s.div_ceil(60)),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_short_and_round_up_to_the_minute() {
        assert_eq!(duration(Duration::from_secs(45)), "45 s");
        assert_eq!(duration(Duration::from_secs(61)), "2 min");
        assert_eq!(duration(Duration::from_secs(7500)), "2 h 5 min");
    }

    #[test]
    fn no_estimate_before_it_means_something() {
        let now = Instant::now();
        let mut line = Line {
            on: true,
            phase: "reading",
            done: 0,
            total: 100,
            started: Some(now),
            drawn: None,
            shown: false,
        };
        assert_eq!(
            estimate(&line, now + Duration::from_secs(10)),
            None,
            "none done"
        );
        line.done = 25;
        assert_eq!(
            estimate(&line, now + Duration::from_secs(1)),
            None,
            "too soon"
        );
        assert_eq!(
            estimate(&line, now + Duration::from_secs(10)),
            Some(Duration::from_secs(30))
        );
    }
}
