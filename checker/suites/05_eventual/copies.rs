//! Copies of a submitted counter or map, made by replaying calls on a fresh value.
//!
//! The tests need many copies: the two sides of a merge law, states still travelling
//! between replicas, a replica's state at the moment it sent it. Cloning would be the
//! obvious way, but `Clone` on a submitted type is code the submission writes: a
//! hand-written one can hand back a value marked as a copy, and a `merge` that behaves
//! only when one side carries that mark would pass every law. So a copy here is a value
//! from `new` that went through the same calls, in the same order, as the one it copies;
//! what it holds is decided by the operations and `merge` under test, nothing else.
//!
//! Copies are never compared with `==` either: the tests read them through methods that
//! return std types or the course's types (`value`, `counts`, `entries`, ...).

use std::fmt::Debug;

/// What the suite needs of a submitted data type, written by the suite on top of the
/// type's own methods (`new`, its operation, `merge`), so no impl of the submission's
/// decides how a copy is made.
pub trait Replay: Sized {
    /// One operation the tests make on a single copy (an increment, a write).
    type Op: Debug;
    /// A value as `new` makes it.
    fn fresh() -> Self;
    /// Makes `op` on this copy.
    fn apply(&mut self, op: &Self::Op);
    /// Merges `other` into this copy with the type's own `merge`.
    fn merge_in(&mut self, other: &Self);
}

/// A fresh value after `ops`, in order.
///
/// A free function rather than a provided method of [`Replay`]: `GCounter::built` would
/// resolve to an inherent method of that name first, and that would be the
/// submission's.
pub fn built<T: Replay>(ops: &[T::Op]) -> T {
    let mut value = T::fresh();
    for op in ops {
        value.apply(op);
    }
    value
}

/// One call made on a replica: an operation, or a merge of a sent state.
#[derive(Debug)]
enum Step<Op> {
    /// An operation of the data type.
    Op(Op),
    /// A merge of the sent state with this index.
    Merge(usize),
}

/// Replicas of one data type and the states they sent. Each replica keeps the calls
/// that made it, so its state at any moment can be made again from a fresh value; a
/// sent state never changes once made, so later replays can merge it as it is.
pub struct Replicas<T: Replay> {
    /// Each replica and the calls it went through.
    live: Vec<(T, Vec<Step<T::Op>>)>,
    /// Sent states, in the order they were sent.
    sent: Vec<T>,
}

impl<T: Replay> Replicas<T> {
    /// `n` replicas as `new` makes them, none of which has sent anything.
    pub fn new(n: usize) -> Self {
        Replicas {
            live: (0..n).map(|_| (T::fresh(), Vec::new())).collect(),
            sent: Vec::new(),
        }
    }

    /// Makes `op` on replica `i`.
    pub fn apply(&mut self, i: usize, op: T::Op) {
        let (replica, steps) = &mut self.live[i];
        replica.apply(&op);
        steps.push(Step::Op(op));
    }

    /// Sends replica `i`'s state as it stands: a copy made by replaying its calls,
    /// which stays as it is from now on. Returns the sent state's index.
    pub fn send(&mut self, i: usize) -> usize {
        let mut copy = T::fresh();
        for step in &self.live[i].1 {
            match step {
                Step::Op(op) => copy.apply(op),
                Step::Merge(k) => copy.merge_in(&self.sent[*k]),
            }
        }
        self.sent.push(copy);
        self.sent.len() - 1
    }

    /// How many states have been sent.
    pub fn sent(&self) -> usize {
        self.sent.len()
    }

    /// Merges the sent state `k` into replica `i`.
    pub fn receive(&mut self, i: usize, k: usize) {
        let (replica, steps) = &mut self.live[i];
        replica.merge_in(&self.sent[k]);
        steps.push(Step::Merge(k));
    }

    /// Merges replica `j`'s current state into replica `i` (which may be `j` itself).
    pub fn merge(&mut self, i: usize, j: usize) {
        let k = self.send(j);
        self.receive(i, k);
    }

    /// The replicas, in order.
    pub fn replicas(&self) -> impl Iterator<Item = &T> {
        self.live.iter().map(|(replica, _)| replica)
    }
}
