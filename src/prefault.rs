//! Memory a growing table is about to fill, faulted in ahead of time by a thread that would
//! otherwise wait.
//!
//! On the file pipeline's two threads the tracker is often the slower one, and a good part of
//! its time is the kernel's: the first write to each fresh page of its connection records is a
//! page fault (about 2 µs on a VM; 12 000 of them for 120 000 records). The reading thread,
//! when the tracker is behind and it would block handing over a batch, asks the kernel to map
//! the next pages the records will grow into (`MADV_POPULATE_WRITE`, Linux 5.14+), which costs
//! it what the faults would have cost the tracker, minus the trap for each page.
//!
//! Only a hint: it never changes what memory holds. The range may be stale by the time it is
//! used (the table grew and moved); the kernel then populates nothing, or pages of whatever
//! private mapping is there now, which reads the same either way. Elsewhere than Linux it does
//! nothing.

use std::sync::atomic::{AtomicUsize, Ordering};

/// How far past the records' end to fault in: a few thousand records.
const AHEAD: usize = 2 << 20;
const PAGE: usize = 4096;

/// The next stretch of a growing vector's spare capacity, as its owner last published it.
#[derive(Debug, Default)]
pub struct Ahead {
    start: AtomicUsize,
    end: AtomicUsize,
}

impl Ahead {
    /// Publish the spare capacity just past `v`'s end (up to [`AHEAD`] bytes), whole pages only.
    pub fn publish<T>(&self, v: &Vec<T>) {
        let size = std::mem::size_of::<T>();
        let base = v.as_ptr() as usize;
        let end = base + v.capacity() * size;
        let start = (base + v.len() * size).next_multiple_of(PAGE);
        let stop = (start + AHEAD).min(end) / PAGE * PAGE;
        if stop > start {
            self.start.store(start, Ordering::Relaxed);
            self.end.store(stop, Ordering::Relaxed);
        }
    }

    /// Fault in what was last published, from where the last call stopped (`done`, the
    /// caller's) if that is within it.
    pub fn fault_in(&self, done: &mut usize) {
        let start = self.start.load(Ordering::Relaxed);
        let end = self.end.load(Ordering::Relaxed);
        let from = if (start..end).contains(done) {
            *done
        } else {
            start
        };
        if from == 0 || end <= from {
            return;
        }
        *done = end;
        #[cfg(target_os = "linux")]
        // SAFETY: MADV_POPULATE_WRITE only maps pages in, as a write would, without writing: the
        // contents of any range stay as they were, and a range no longer mapped (or not
        // writable) only makes the call fail, which is ignored.
        unsafe {
            libc::madvise(
                from as *mut libc::c_void,
                end - from,
                libc::MADV_POPULATE_WRITE,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stretch_ahead_is_whole_pages_of_spare_capacity_and_faulting_it_in_changes_nothing() {
        let mut v: Vec<u64> = Vec::with_capacity(3 << 20);
        v.extend(0..1000);
        let ahead = Ahead::default();
        ahead.publish(&v);
        let (start, end) = (
            ahead.start.load(Ordering::Relaxed),
            ahead.end.load(Ordering::Relaxed),
        );
        let base = v.as_ptr() as usize;
        assert!(start >= base + 1000 * 8 && start % PAGE == 0 && end % PAGE == 0);
        assert_eq!(end - start, AHEAD);
        assert!(end <= base + v.capacity() * 8);
        let mut done = 0;
        ahead.fault_in(&mut done);
        assert_eq!(done, end);
        // Nothing new published: a second call does nothing more.
        ahead.fault_in(&mut done);
        assert_eq!(done, end);
        assert!(v.iter().copied().eq(0..1000));
        v.extend(1000..2000);
        assert!(v.iter().copied().eq(0..2000));
        // A full vector has no spare capacity to publish.
        let full: Vec<u64> = vec![1; 4096];
        let none = Ahead::default();
        none.publish(&full);
        let mut done = 0;
        none.fault_in(&mut done);
        assert_eq!(done, 0);
    }
}
