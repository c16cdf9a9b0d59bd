//! [`GCounter`]: a grow-only counter that replicas can merge in any order.

use std::collections::BTreeMap;

use testkit::sim::NodeId;

use crate::Counter;

/// A counter that only grows, replicated on many nodes.
///
/// Replicas increment their own copies and merge each other's copies. Whatever order
/// the merges happen in, and however often the same copy is merged, replicas that have
/// merged each other's states must show the same value, with every increment counted
/// exactly once.
#[derive(Clone, Debug, Default)]
pub struct GCounter {
    // TODO: the counter's state. Think about what a merge needs to tell apart "the
    // same increment seen twice" from "two different increments".
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
        // TODO: count the increment.
        todo!("count an increment made at n{node}")
    }

    /// The counter's value: the increments of every node this copy knows about.
    fn value(&self) -> u64 {
        // TODO: the value.
        todo!("the value of {self:?}")
    }

    /// How many increments made at each node this copy knows about (nodes with none are
    /// left out).
    fn counts(&self) -> BTreeMap<NodeId, u64> {
        // TODO: the increments per node.
        todo!("the counts per node of {self:?}")
    }

    /// Folds `other` into this copy. Must be commutative, associative and idempotent.
    fn merge(&mut self, other: &Self) {
        // TODO: merge `other` into `self`.
        todo!("merge {other:?} into {self:?}")
    }
}
