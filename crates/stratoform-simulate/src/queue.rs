//! The event queue: a binary heap ordered by (time, sequence), so events at the same instant run
//! in the order they were scheduled and a run never depends on heap internals.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// Simulated time in milliseconds since the start of the scenario.
pub type Millis = u64;

/// Milliseconds as seconds, as the report and the charts give times.
pub(crate) fn secs(ms: Millis) -> f64 {
    ms as f64 / 1000.0
}

struct Entry<E> {
    at: Millis,
    seq: u64,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// Pending events, earliest first.
pub struct EventQueue<E> {
    heap: BinaryHeap<Reverse<Entry<E>>>,
    seq: u64,
    processed: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self { heap: BinaryHeap::new(), seq: 0, processed: 0 }
    }
}

impl<E> EventQueue<E> {
    /// Schedules an event.
    pub fn push(&mut self, at: Millis, event: E) {
        self.seq += 1;
        self.heap.push(Reverse(Entry { at, seq: self.seq, event }));
    }

    /// Takes the earliest event at or before `until`.
    pub fn pop_until(&mut self, until: Millis) -> Option<(Millis, E)> {
        if self.heap.peek().is_some_and(|Reverse(e)| e.at <= until) {
            let Reverse(e) = self.heap.pop()?;
            self.processed += 1;
            Some((e.at, e.event))
        } else {
            None
        }
    }

    /// How many events have been processed.
    pub fn processed(&self) -> u64 {
        self.processed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_by_time_then_insertion() {
        let mut q = EventQueue::default();
        q.push(20, "c");
        q.push(10, "a");
        q.push(10, "b");
        q.push(30, "late");
        let mut out = Vec::new();
        while let Some((t, e)) = q.pop_until(25) {
            out.push((t, e));
        }
        assert_eq!(out, vec![(10, "a"), (10, "b"), (20, "c")]);
        assert_eq!(q.processed(), 3);
    }
}
