//! The event queue: everything scheduled to happen, ordered by (time, sequence number).
//!
//! The sequence number is the order of scheduling, so two events at the same virtual
//! time always run in the order they were scheduled. That tie-break is what makes a run
//! a pure function of the seed; ordering ties by, say, the heap's internal layout would
//! not be. A binary heap gives O(log n) per event, which keeps long runs linear in the
//! number of events.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::{CallId, Endpoint, NodeId, Payload};
use crate::history::ClientId;

/// A message copy on its way.
#[derive(Debug)]
pub(super) struct Delivery<M, Q, R> {
    /// The message's number in the trace; both copies of a duplicate share it.
    pub id: u64,
    pub from: Endpoint,
    pub to: Endpoint,
    /// The sender's incarnation when it sent: if it crashed since, the copy is lost.
    pub from_life: u64,
    /// The receiver's incarnation when the copy was sent: a node that crashed since
    /// (even if restarted) never sees it.
    pub to_life: u64,
    pub payload: Payload<M, Q, R>,
}

/// Something scheduled.
#[derive(Debug)]
pub(super) enum Job<M, Q, R> {
    Deliver(Delivery<M, Q, R>),
    /// A periodic tick, ignored unless the node is still in incarnation `life` and its
    /// tick schedule is still number `generation`.
    Tick {
        node: NodeId,
        life: u64,
        generation: u64,
    },
    /// A named one-shot timer, ignored unless it is still the pending one of its name.
    Timer {
        node: NodeId,
        life: u64,
        name: &'static str,
        generation: u64,
    },
    /// A client stops waiting for `call`, unless it was answered.
    ClientTimeout {
        client: ClientId,
        call: CallId,
    },
}

struct Entry<M, Q, R> {
    at: u64,
    seq: u64,
    job: Job<M, Q, R>,
}

impl<M, Q, R> PartialEq for Entry<M, Q, R> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}

impl<M, Q, R> Eq for Entry<M, Q, R> {}

impl<M, Q, R> PartialOrd for Entry<M, Q, R> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<M, Q, R> Ord for Entry<M, Q, R> {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: `BinaryHeap` is a max-heap and the earliest event must come first.
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// The pending events, earliest first, and how many of them are message deliveries.
pub(super) struct Queue<M, Q, R> {
    heap: BinaryHeap<Entry<M, Q, R>>,
    next_seq: u64,
    deliveries: usize,
}

impl<M, Q, R> Queue<M, Q, R> {
    pub(super) fn new() -> Self {
        Queue {
            heap: BinaryHeap::new(),
            next_seq: 0,
            deliveries: 0,
        }
    }

    /// Schedules `job` at time `at`, after everything already scheduled for `at`.
    pub(super) fn push(&mut self, at: u64, job: Job<M, Q, R>) {
        if matches!(job, Job::Deliver(_)) {
            self.deliveries += 1;
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Entry { at, seq, job });
    }

    /// The time of the earliest event.
    pub(super) fn next_time(&self) -> Option<u64> {
        self.heap.peek().map(|e| e.at)
    }

    /// Takes the earliest event.
    pub(super) fn pop(&mut self) -> Option<(u64, Job<M, Q, R>)> {
        let entry = self.heap.pop()?;
        if matches!(entry.job, Job::Deliver(_)) {
            self.deliveries -= 1;
        }
        Some((entry.at, entry.job))
    }

    /// How many message copies are still travelling.
    pub(super) fn in_flight(&self) -> usize {
        self.deliveries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_first_and_ties_in_scheduling_order() {
        let mut q: Queue<(), (), ()> = Queue::new();
        for (at, call) in [(5, 0), (1, 1), (5, 2), (1, 3), (3, 4)] {
            q.push(at, Job::ClientTimeout { client: 0, call });
        }
        let order: Vec<_> = std::iter::from_fn(|| q.pop())
            .map(|(at, job)| match job {
                Job::ClientTimeout { call, .. } => (at, call),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(order, [(1, 1), (1, 3), (3, 4), (5, 0), (5, 2)]);
    }
}
