//! [`Counter`] and [`Map`]: the operations of the two data types, as a replica uses them.
//!
//! A `Replica` is written once for any counter and any map that offer these operations,
//! not for one particular pair. That is what state-based gossip needs: it never looks
//! inside a state, it only copies states (`Clone`) and merges them. It is also what lets
//! each task be graded on its own: the hidden tests of `gcounter` and `lww_map` call your
//! `GCounter` and `LwwMap` through these traits, and the tests of `gossip` run your
//! `Replica` with the course's own counter and map, so a mistake in your counter costs
//! the counter's points and not the replica's as well.
//!
//! The traits are the course's: a replica must be generic over exactly these, so that the
//! suite's types fit it.

use std::collections::BTreeMap;
use std::fmt::Debug;

use testkit::sim::NodeId;

use crate::Stamp;

/// A grow-only counter replicated on many nodes: what a replica needs of one.
///
/// `Default` is a counter at zero; `Clone` copies a state into a message.
pub trait Counter: Clone + Debug + Default {
    /// Counts one increment made at `node`. Only `node` itself calls this for its own
    /// increments; other nodes learn about them through [`merge`](Counter::merge).
    fn increment(&mut self, node: NodeId);

    /// The counter's value: the increments of every node this copy knows about.
    fn value(&self) -> u64;

    /// How many increments made at each node this copy knows about (nodes with none are
    /// left out).
    fn counts(&self) -> BTreeMap<NodeId, u64>;

    /// Folds `other` into this copy. Commutative, associative and idempotent.
    fn merge(&mut self, other: &Self);
}

/// A map from strings to strings where, for each key, the write with the largest
/// [`Stamp`] wins: what a replica needs of one.
///
/// `Default` is an empty map; `Clone` copies a state into a message.
pub trait Map: Clone + Debug + Default {
    /// Offers the write `key = value` stamped `stamp`: it takes effect if `stamp` is
    /// larger than the stamp held for `key` (or the key has none). Returns whether it
    /// took effect.
    fn set(&mut self, key: &str, value: &str, stamp: Stamp) -> bool;

    /// The value held for `key`, if any write of it is known.
    fn get(&self, key: &str) -> Option<&str>;

    /// The stamp of the value held for `key`.
    fn stamp(&self, key: &str) -> Option<Stamp>;

    /// Every key with its winning stamp and value.
    fn entries(&self) -> BTreeMap<String, (Stamp, String)>;

    /// Folds `other` into this copy: for each key, the write with the larger stamp.
    /// Commutative, associative and idempotent.
    fn merge(&mut self, other: &Self);
}
