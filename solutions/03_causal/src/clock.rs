//! Vector clocks: one counter per node, and the partial order they define.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use causal_given::Order;
use testkit::sim::NodeId;

/// A vector clock: for each node, how many of its events this clock has seen.
///
/// Entries are kept in a map from node id to counter; a node with no entry has counter
/// zero. A `Vec` indexed by node id would do as well when the cluster size is known up
/// front; the map lets nodes join without anyone resizing.
#[derive(Clone, Debug, Default)]
pub struct VectorClock {
    // Zero entries are never stored, so two clocks that mean the same thing hold the
    // same map, whatever way they were built.
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
        self.entries.get(&node).copied().unwrap_or(0)
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
        let count = self.get(node) + 1;
        self.set(node, count);
        count
    }

    /// Takes in everything `other` has seen: each entry becomes the larger of the two.
    /// Merging counts no event of its own; a node that wants a receive to be an event
    /// increments separately.
    pub fn merge(&mut self, other: &VectorClock) {
        for (&node, &count) in &other.entries {
            let mine = self.entries.entry(node).or_insert(0);
            *mine = (*mine).max(count);
        }
    }

    /// How this clock relates to `other`, looking at every node either of them names.
    /// [`Order`] is the course's (`given/03_causal/src/order.rs`).
    ///
    /// The order is partial, so `PartialOrd` on tuples or a derived `Ord` (which compares
    /// entries one after the other, like words in a dictionary) would be wrong: it would
    /// call `{n0: 1}` and `{n1: 1}` ordered when neither happened before the other.
    pub fn compare(&self, other: &VectorClock) -> Order {
        let mut some_less = false;
        let mut some_greater = false;
        for node in self.entries.keys().chain(other.entries.keys()) {
            match self.get(*node).cmp(&other.get(*node)) {
                Ordering::Less => some_less = true,
                Ordering::Greater => some_greater = true,
                Ordering::Equal => {}
            }
        }
        match (some_less, some_greater) {
            (false, false) => Order::Equal,
            (true, false) => Order::Before,
            (false, true) => Order::After,
            (true, true) => Order::Concurrent,
        }
    }

    /// The nodes with a counter above zero and their counters, in node order.
    pub fn entries(&self) -> impl Iterator<Item = (NodeId, u64)> + '_ {
        self.entries.iter().map(|(&n, &c)| (n, c))
    }

    /// The sum of all counters: how many events this clock has seen. If `a` happened
    /// before `b`, `a.total() < b.total()`, which makes it a tie-breaker that respects
    /// causality.
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
        f.write_str("{")?;
        for (i, (node, count)) in self.entries().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "n{node}: {count}")?;
        }
        f.write_str("}")
    }
}
