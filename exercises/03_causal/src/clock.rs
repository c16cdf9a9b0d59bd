//! Vector clocks: one counter per node, and the partial order they define.

use std::collections::BTreeMap;
use std::fmt;

use causal_given::Order;
use testkit::sim::NodeId;

/// A vector clock: for each node, how many of its events this clock has seen.
///
/// Entries are kept in a map from node id to counter; a node with no entry has counter
/// zero.
#[derive(Clone, Debug, Default)]
pub struct VectorClock {
    // Zero entries are never stored (see `set`), so two clocks that mean the same thing
    // hold the same map.
    entries: BTreeMap<NodeId, u64>,
}

impl VectorClock {
    /// The clock that has seen nothing: every entry is zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// A clock with the given entries; a node listed twice keeps its last counter.
    pub fn from_entries(entries: &[(NodeId, u64)]) -> Self {
        let mut clock = Self::new();
        for &(node, count) in entries {
            clock.set(node, count);
        }
        clock
    }

    /// The counter of `node`, zero when the clock has no entry for it.
    pub fn get(&self, node: NodeId) -> u64 {
        // TODO: the counter of `node`; a missing entry counts as zero.
        todo!("the counter of n{node} in {:?}", self.entries)
    }

    /// Sets the counter of `node`.
    pub fn set(&mut self, node: NodeId, count: u64) {
        if count == 0 {
            self.entries.remove(&node);
        } else {
            self.entries.insert(node, count);
        }
    }

    /// Counts one more event of `node` and returns its new counter.
    pub fn increment(&mut self, node: NodeId) -> u64 {
        // TODO: one more event of `node`.
        todo!("increment n{node}")
    }

    /// Takes in everything `other` has seen: each entry becomes the larger of the two.
    /// Merging counts no event of its own.
    pub fn merge(&mut self, other: &VectorClock) {
        // TODO: entry by entry, the larger counter.
        todo!("merge {other:?}")
    }

    /// How this clock relates to `other`, looking at every node either of them names.
    /// [`Order`] is the course's (`given/03_causal/src/order.rs`).
    pub fn compare(&self, other: &VectorClock) -> Order {
        // TODO: Before, After, Equal or Concurrent, from the entries of both clocks.
        todo!("compare with {other:?}")
    }

    /// The nodes with a counter above zero and their counters, in node order.
    pub fn entries(&self) -> impl Iterator<Item = (NodeId, u64)> + '_ {
        self.entries.iter().map(|(&n, &c)| (n, c))
    }

    /// The sum of all counters: how many events this clock has seen. If `a` happened
    /// before `b`, `a.total() < b.total()`.
    pub fn total(&self) -> u64 {
        self.entries.values().sum()
    }
}

/// Two clocks are equal when every entry is, a missing entry counting as zero.
impl PartialEq for VectorClock {
    fn eq(&self, other: &Self) -> bool {
        self.compare(other) == Order::Equal
    }
}

impl Eq for VectorClock {}

/// `{n0: 2, n3: 1}`: the nodes with a counter above zero, in node order; `{}` for the
/// clock that has seen nothing.
impl fmt::Display for VectorClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // TODO: write the clock in the form above.
        let _ = f;
        todo!("display {:?}", self.entries)
    }
}
