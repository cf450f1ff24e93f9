//! Reads that do not depend on one another, on a small bounded pool of connections, and
//! the rule that stops a run when the portal is gone.
//!
//! A portal 50 ms away makes a read per user cost 50 ms however little it carries: 1 000
//! leavers read one after another took 100 s. Reads run on up to `--parallel` threads
//! sharing one client (ureq then keeps that many connections); changes never do: they
//! stay batched, ordered and journalled one step at a time.

use docspace_people::{Error, ErrorKind};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;

/// Applies `read` to each item on up to `workers` threads, this one included, and gives
/// the results in the order of the items. An item is not read once `stop` is set: its
/// result is `None`. `done` is told of each item read.
pub fn map<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    stop: &Stop,
    done: &(dyn Fn() + Sync),
    read: &(dyn Fn(&T) -> R + Sync),
) -> Vec<Option<R>> {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut results = Vec::new();
        while !stop.is_set() {
            let at = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(at) else {
                break;
            };
            results.push((at, read(item)));
            done();
        }
        results
    };
    let extra = workers.min(items.len()).saturating_sub(1);
    let mut results: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    thread::scope(|scope| {
        // A thread that cannot be started (a service's task limit) leaves its share to
        // the others: this thread always works.
        let helpers: Vec<_> = (0..extra)
            .filter_map(|_| thread::Builder::new().spawn_scoped(scope, work).ok())
            .collect();
        let mut all = work();
        for helper in helpers {
            // A read that panicked is a bug; its items stay unread rather than lost.
            all.extend(helper.join().unwrap_or_default());
        }
        for (at, result) in all {
            results[at] = Some(result);
        }
    });
    results
}

/// Temporary failures in a row, across users, after which the portal is taken for gone.
const TEMPORARY_IN_A_ROW: usize = 3;

/// Whether a run goes on: set when an answer shows the portal cannot be reached, so that
/// the rest is not sent to it user by user, each with its own retries.
#[derive(Debug, Default)]
pub struct Stop {
    set: AtomicBool,
    /// Temporary failures in a row.
    streak: AtomicUsize,
    why: Mutex<Option<Error>>,
}

impl Stop {
    pub fn is_set(&self) -> bool {
        self.set.load(Ordering::Relaxed)
    }

    /// Takes note of a request's result: no answer at all (a refused or reset connection,
    /// DNS, TLS, a time-out), after the client's own repeats, or a credential no longer
    /// accepted, stops the run; so does the third temporary failure in a row.
    pub fn observe<T>(&self, result: &Result<T, Error>) {
        let Err(error) = result else {
            self.streak.store(0, Ordering::Relaxed);
            return;
        };
        let streak = if error.is_temporary() {
            self.streak.fetch_add(1, Ordering::Relaxed) + 1
        } else {
            self.streak.store(0, Ordering::Relaxed);
            0
        };
        if gone(error) || streak >= TEMPORARY_IN_A_ROW {
            let mut why = self.why.lock().unwrap_or_else(|e| e.into_inner());
            why.get_or_insert_with(|| error.clone());
            self.set.store(true, Ordering::Relaxed);
        }
    }

    /// The failure that stopped the run, if one did.
    pub fn reason(&self) -> Option<Error> {
        self.why.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// The portal cannot be reached or no longer accepts the credential: every later request
/// would fail the same way.
pub fn gone(error: &Error) -> bool {
    match error.kind() {
        ErrorKind::Dns | ErrorKind::Unauthenticated => true,
        ErrorKind::Unavailable | ErrorKind::Temporary => error.status().is_none(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn results_keep_the_order_of_the_items_whatever_the_workers() {
        for workers in [1, 2, 7, 64] {
            let items: Vec<usize> = (0..100).collect();
            let told = AtomicUsize::new(0);
            let results = map(
                &items,
                workers,
                &Stop::default(),
                &|| {
                    told.fetch_add(1, Ordering::Relaxed);
                },
                &|n| n * 2,
            );
            let expected: Vec<Option<usize>> = (0..100).map(|n| Some(n * 2)).collect();
            assert_eq!(results, expected, "{workers} workers");
            assert_eq!(told.load(Ordering::Relaxed), 100);
        }
    }

    #[test]
    fn nothing_is_read_once_stopped() {
        let items: Vec<usize> = (0..50).collect();
        let stop = Stop::default();
        let results = map(&items, 1, &stop, &|| {}, &|n| {
            if *n == 9 {
                stop.set.store(true, Ordering::Relaxed);
            }
            *n
        });
        assert!(results[..10].iter().all(Option::is_some));
        assert!(results[10..].iter().all(Option::is_none));
    }
}
