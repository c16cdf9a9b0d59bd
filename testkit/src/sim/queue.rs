//! The event queue: everything scheduled to happen, ordered by (time, sequence number).
//!
//! The sequence number is the order of scheduling, so two events at the same virtual
//! time always run in the order they were scheduled. That tie-break is what makes a run
//! a pure function of the seed; ordering ties by, say, a heap's internal layout would
//! not be. An ordered map gives O(log n) per event, which keeps long runs linear in the
//! number of events, and lets the explorer (see `explore`) take any pending event, not
//! only the earliest: a binary heap, the rejected alternative, can only give up its top.
//!
//! The order is kept apart from the jobs: [`Order`] maps each place to a slot number and
//! is not generic, so it is compiled once, optimised, with this crate; the jobs, whose
//! types are the nodes' own, sit in a slab of slots. A map of whole jobs would be
//! instantiated, unoptimised, in every test crate that runs a world, and would move each
//! job around inside its tree nodes; most of a simulated run's time went there.

use std::collections::BTreeMap;

use super::{CallId, Endpoint, NodeId, Payload};
use crate::history::ClientId;

/// A message copy on its way.
#[derive(Debug)]
pub(super) struct Delivery<M, Q, R> {
    /// The message's number in the trace; both copies of a duplicate share it.
    pub id: u64,
    /// What the message is, as a digest of how it came to be sent (see
    /// `World::fingerprint`): the same in two runs that sent the same message.
    pub name: u64,
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

/// The pending events, earliest first, and how many of them are message deliveries.
pub(super) struct Queue<M, Q, R> {
    /// Which slot holds the job at each place.
    order: Order,
    /// The jobs, by slot; a free slot holds `None`.
    slots: Vec<Option<Job<M, Q, R>>>,
    /// The free slots, reused before the slab grows.
    free: Vec<u32>,
    deliveries: usize,
}

impl<M, Q, R> Queue<M, Q, R> {
    pub(super) fn new() -> Self {
        Queue {
            order: Order::default(),
            slots: Vec::new(),
            free: Vec::new(),
            deliveries: 0,
        }
    }

    /// Schedules `job` at time `at`, after everything already scheduled for `at`.
    pub(super) fn push(&mut self, at: u64, job: Job<M, Q, R>) {
        if matches!(job, Job::Deliver(_)) {
            self.deliveries += 1;
        }
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(job);
                slot
            }
            None => {
                self.slots.push(Some(job));
                u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 pending events")
            }
        };
        self.order.insert(at, slot);
    }

    /// The time of the earliest event.
    pub(super) fn next_time(&self) -> Option<u64> {
        self.order.first_time()
    }

    /// Takes the earliest event.
    pub(super) fn pop(&mut self) -> Option<(u64, Job<M, Q, R>)> {
        let ((at, _), slot) = self.order.pop_first()?;
        Some((at, self.release(slot)))
    }

    /// The pending events, earliest first, each with its place `(time, sequence)`.
    pub(super) fn pending(&self) -> impl Iterator<Item = ((u64, u64), &Job<M, Q, R>)> {
        self.order
            .iter()
            .filter_map(|(place, slot)| self.slots[slot as usize].as_ref().map(|job| (place, job)))
    }

    /// Takes the event at `place`, wherever it is in the order.
    pub(super) fn take(&mut self, place: (u64, u64)) -> Option<Job<M, Q, R>> {
        let slot = self.order.remove(place)?;
        Some(self.release(slot))
    }

    /// Empties `slot` and returns its job.
    fn release(&mut self, slot: u32) -> Job<M, Q, R> {
        let job = self.slots[slot as usize]
            .take()
            .expect("the order names only occupied slots");
        self.free.push(slot);
        if matches!(job, Job::Deliver(_)) {
            self.deliveries -= 1;
        }
        job
    }

    /// How many message copies are still travelling.
    pub(super) fn in_flight(&self) -> usize {
        self.deliveries
    }
}

/// The order of the pending events: place `(time, sequence number)` to slot. Its methods
/// are kept out of line so that the test crates that drive worlds call this crate's
/// optimised code rather than instantiating their own.
#[derive(Default)]
struct Order {
    places: BTreeMap<(u64, u64), u32>,
    next_seq: u64,
}

impl Order {
    /// Places `slot` at time `at`, after everything already there.
    #[inline(never)]
    fn insert(&mut self, at: u64, slot: u32) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.places.insert((at, seq), slot);
    }

    #[inline(never)]
    fn first_time(&self) -> Option<u64> {
        self.places.keys().next().map(|&(at, _)| at)
    }

    #[inline(never)]
    fn pop_first(&mut self) -> Option<((u64, u64), u32)> {
        self.places.pop_first()
    }

    #[inline(never)]
    fn remove(&mut self, place: (u64, u64)) -> Option<u32> {
        self.places.remove(&place)
    }

    /// Every place and its slot, earliest first (for the explorer, which is not hot).
    fn iter(&self) -> impl Iterator<Item = ((u64, u64), u32)> + '_ {
        self.places.iter().map(|(&place, &slot)| (place, slot))
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

    #[test]
    fn any_pending_event_can_be_taken_and_the_rest_keep_their_order() {
        let mut q: Queue<(), (), ()> = Queue::new();
        for (at, call) in [(5, 0), (1, 1), (3, 2)] {
            q.push(at, Job::ClientTimeout { client: 0, call });
        }
        let places: Vec<(u64, u64)> = q.pending().map(|(place, _)| place).collect();
        assert_eq!(places, [(1, 1), (3, 2), (5, 0)]);
        assert!(matches!(
            q.take((3, 2)),
            Some(Job::ClientTimeout { call: 2, .. })
        ));
        assert!(q.take((3, 2)).is_none());
        assert_eq!(q.pop().map(|(at, _)| at), Some(1));
        assert_eq!(q.pop().map(|(at, _)| at), Some(5));
        assert!(q.pop().is_none());
    }

    #[test]
    fn freed_slots_are_reused_without_changing_the_order() {
        let mut q: Queue<(), (), ()> = Queue::new();
        for (at, call) in [(4, 0), (2, 1), (9, 2)] {
            q.push(at, Job::ClientTimeout { client: 0, call });
        }
        assert_eq!(q.pop().map(|(at, _)| at), Some(2));
        assert!(q.take((9, 2)).is_some());
        // Two slots are free now; the new jobs take them and still run by time, then
        // by scheduling order.
        q.push(4, Job::ClientTimeout { client: 0, call: 3 });
        q.push(1, Job::ClientTimeout { client: 0, call: 4 });
        q.push(5, Job::ClientTimeout { client: 0, call: 5 });
        assert_eq!(
            q.slots.len(),
            4,
            "the two freed slots were reused before growing"
        );
        let order: Vec<_> = std::iter::from_fn(|| q.pop())
            .map(|(at, job)| match job {
                Job::ClientTimeout { call, .. } => (at, call),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(order, [(1, 4), (4, 0), (4, 3), (5, 5)]);
        assert_eq!(q.in_flight(), 0);
    }
}
