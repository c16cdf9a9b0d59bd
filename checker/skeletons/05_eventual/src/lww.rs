//! [`LwwMap`]: a map whose replicas agree on each key by last-writer-wins.

use std::collections::BTreeMap;

use crate::{Map, Stamp};

/// A map from strings to strings where, for each key, the write with the largest
/// [`Stamp`] wins on every replica.
#[derive(Clone, Debug, Default)]
pub struct LwwMap {
    // TODO: the map's state.
}

impl LwwMap {
    /// An empty map.
    pub fn new() -> Self {
        LwwMap::default()
    }
}

/// The map's operations are those of the course's [`Map`] trait, so that a
/// [`Replica`](crate::Replica) can gossip any map that has them. Call them with
/// `use eventual::Map;` in scope.
impl Map for LwwMap {
    /// Offers the write `key = value` stamped `stamp`: it takes effect if its stamp is
    /// larger than the stamp of the value held for `key` (or the key has none). Returns
    /// whether it took effect. A write with the same stamp as the one held changes
    /// nothing: it is that same write arriving again.
    fn set(&mut self, key: &str, value: &str, stamp: Stamp) -> bool {
        // TODO: keep the write if it wins.
        todo!("offer {key}={value} stamped {stamp:?} to {self:?}")
    }

    /// The value held for `key`, if any write of it is known.
    fn get(&self, key: &str) -> Option<&str> {
        // TODO: the value held.
        todo!("the value of {key} in {self:?}")
    }

    /// The stamp of the value held for `key`.
    fn stamp(&self, key: &str) -> Option<Stamp> {
        // TODO: the stamp held.
        todo!("the stamp of {key} in {self:?}")
    }

    /// Every key with its winning stamp and value.
    fn entries(&self) -> BTreeMap<String, (Stamp, String)> {
        // TODO: every key's stamp and value.
        todo!("the entries of {self:?}")
    }

    /// Folds `other` into this copy: for each key, the write with the larger stamp.
    /// Must be commutative, associative and idempotent.
    fn merge(&mut self, other: &Self) {
        // TODO: merge `other` into `self`.
        todo!("merge {other:?} into {self:?}")
    }
}
