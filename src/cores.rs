//! Where work meets the machine's cores: the one place threads start.
//!
//! The file pipeline reads on one core while it tracks on the other, and the port derivation and
//! the findings split their work the same way ([`both`]). A browser has no threads
//! (`wasm32-unknown-unknown`): there, and inside [`on_one_core`], everything runs in sequence on
//! the calling thread. The pipeline is written so that the order of work never changes a result:
//! one core and two give the same analysis, which `tests/pipeline_equivalence.rs` checks.

use std::cell::Cell;

thread_local! {
    /// Set inside [`on_one_core`]: this thread starts no other.
    static ONE_CORE: Cell<bool> = const { Cell::new(false) };
}

/// Whether work may be split over two threads here: not in a browser, not inside
/// [`on_one_core`].
pub fn two() -> bool {
    !cfg!(target_arch = "wasm32") && !ONE_CORE.with(Cell::get)
}

/// Run `f` with every split of work in sequence on this thread, as the web build always runs.
pub fn on_one_core<T>(f: impl FnOnce() -> T) -> T {
    let before = ONE_CORE.with(|c| c.replace(true));
    // Restored even if `f` panics, so a caught panic leaves this thread as it was.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            ONE_CORE.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(before);
    f()
}

/// `a` on a second thread while `b` runs on this one; both in sequence (`a` first) where
/// [`two`] says no. A panic in `a` goes on in the caller, as if it had run there.
pub fn both<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    if !two() {
        let a = a();
        return (a, b());
    }
    std::thread::scope(|scope| {
        let a = scope.spawn(a);
        let b = b();
        (join(a), b)
    })
}

/// `work` on a second thread, given a scope to share borrowed state with the caller's `here`;
/// for the file pipeline's reader and tracker, which talk over channels and so cannot run in
/// sequence: callers check [`two`] first and run their one-thread form otherwise.
pub fn beside<'env, A: Send, B>(
    work: impl FnOnce() -> A + Send + 'env,
    here: impl FnOnce() -> B,
) -> (A, B) {
    debug_assert!(
        two(),
        "beside() needs a second thread: check cores::two() first"
    );
    std::thread::scope(|scope| {
        let a = scope.spawn(work);
        let b = here();
        (join(a), b)
    })
}

/// `there` on a standing second thread while `here` runs on this one: for work split many times
/// over, as the report's long arrays are, where starting a thread for each split costs more
/// than the split saves (on a busy machine a new thread can wait milliseconds for its first
/// turn). The standing thread runs one `there` at a time, so a `there` must never wait for
/// another call's; callers check [`two`] first.
pub fn beside_standing<A: Send, B>(
    there: impl FnOnce() -> A + Send,
    here: impl FnOnce() -> B,
) -> (A, B) {
    static STANDING: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    let pool = STANDING.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .thread_name(|_| "portlife-beside".into())
            .build()
            .ok()
    });
    let Some(pool) = pool else {
        // No standing thread could be had: one for this call.
        return beside(there, here);
    };
    let mut a = None;
    let b = pool.in_place_scope(|scope| {
        scope.spawn(|_| a = Some(there()));
        here()
    });
    // The scope has waited for `there`, and a panic there went on here.
    (a.expect("the scope ran its task"), b)
}

fn join<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_one_core_runs_both_in_order_on_this_thread() {
        let here = std::thread::current().id();
        let order = std::sync::Mutex::new(Vec::new());
        let (a, b) = on_one_core(|| {
            assert!(!two());
            both(
                || {
                    order.lock().unwrap().push("a");
                    std::thread::current().id()
                },
                || {
                    order.lock().unwrap().push("b");
                    std::thread::current().id()
                },
            )
        });
        assert_eq!((a, b), (here, here));
        assert_eq!(*order.lock().unwrap(), ["a", "b"]);
        assert!(two(), "leaving on_one_core restores two cores");
    }

    #[test]
    fn two_cores_run_the_first_on_another_thread() {
        let here = std::thread::current().id();
        let (a, b) = both(
            || std::thread::current().id(),
            || std::thread::current().id(),
        );
        assert_ne!(a, here);
        assert_eq!(b, here);
    }
}
