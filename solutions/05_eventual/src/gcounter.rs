//! [`GCounter`]: a grow-only counter that replicas can merge in any order.

use std::collections::BTreeMap;

use testkit::sim::NodeId;

use crate::Counter;

/// A counter that only grows, replicated on many nodes.
///
/// Each node counts its own increments in an entry of its own; the value is the sum of
/// the entries. Merging two copies keeps, for every node, the larger of its two counts.
/// That merge is commutative, associative and idempotent: replicas that receive each
/// other's states in any order, any number of times, end up equal, and no increment is
/// counted twice or lost.
#[derive(Clone, Debug, Default)]
pub struct GCounter {
    /// Increments made at each node, as far as this copy knows. A node's entry only
    /// ever grows, and only that node adds to it, so the largest value seen for an entry
    /// is the most recent one.
    ///
    /// One shared number for everyone was rejected: two nodes that each count one
    /// increment both hold 1, and no merge can tell "the same increment seen twice" (1)
    /// from "two different increments" (2). One entry per node makes the difference
    /// visible.
    counts: BTreeMap<NodeId, u64>,
}

impl GCounter {
    /// A counter at zero.
    pub fn new() -> Self {
        GCounter::default()
    }
}

/// The counter's operations are those of the course's [`Counter`] trait, so that a
/// [`Replica`](crate::Replica) can gossip any counter that has them. Call them with
/// `use eventual::Counter;` in scope.
impl Counter for GCounter {
    /// Counts one increment made at `node`. Only `node` itself should call this for its
    /// own entry; other nodes learn about it through [`merge`](Counter::merge).
    fn increment(&mut self, node: NodeId) {
        *self.counts.entry(node).or_insert(0) += 1;
    }

    /// The counter's value: the increments of every node this copy knows about.
    fn value(&self) -> u64 {
        self.counts.values().sum()
    }

    /// How many increments made at each node this copy knows about (nodes with none are
    /// left out).
    fn counts(&self) -> BTreeMap<NodeId, u64> {
        self.counts
            .iter()
            .filter(|&(_, &n)| n > 0)
            .map(|(&node, &n)| (node, n))
            .collect()
    }

    /// Folds `other` into this copy: for every node, the larger of the two counts.
    ///
    /// Adding the counts instead would count an increment once more each time the same
    /// state arrives again (a duplicated or retransmitted message); the maximum of an
    /// entry with itself is itself, so repeats are harmless.
    fn merge(&mut self, other: &Self) {
        for (&node, &n) in &other.counts {
            let mine = self.counts.entry(node).or_insert(0);
            *mine = (*mine).max(n);
        }
    }
}
