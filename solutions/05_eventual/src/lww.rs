//! [`LwwMap`]: a map whose replicas agree on each key by last-writer-wins.

use std::collections::BTreeMap;

use crate::{Map, Stamp};

/// A map from strings to strings where, for each key, the write with the largest
/// [`Stamp`] wins on every replica.
#[derive(Clone, Debug, Default)]
pub struct LwwMap {
    /// Each key's winning write so far: its stamp and its value. Only the winner is
    /// kept; a loser can never win later, because stamps are compared, not arrival
    /// times.
    entries: BTreeMap<String, (Stamp, String)>,
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
    /// whether it took effect.
    ///
    /// A write with the same stamp as the one held changes nothing; since a stamp names
    /// one write, it is that same write arriving again. Letting an equal *time* from
    /// another node win because it arrived later was rejected: two replicas that see the
    /// same two writes in opposite orders would then keep different values forever.
    fn set(&mut self, key: &str, value: &str, stamp: Stamp) -> bool {
        match self.entries.get(key) {
            Some((held, _)) if *held >= stamp => false,
            _ => {
                self.entries
                    .insert(key.to_owned(), (stamp, value.to_owned()));
                true
            }
        }
    }

    /// The value held for `key`, if any write of it is known.
    fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(|(_, v)| v.as_str())
    }

    /// The stamp of the value held for `key`.
    fn stamp(&self, key: &str) -> Option<Stamp> {
        self.entries.get(key).map(|(s, _)| *s)
    }

    /// Every key with its winning stamp and value.
    fn entries(&self) -> BTreeMap<String, (Stamp, String)> {
        self.entries.clone()
    }

    /// Folds `other` into this copy: for each key, the write with the larger stamp.
    /// Commutative, associative and idempotent, because "the larger of two stamps" is.
    fn merge(&mut self, other: &Self) {
        for (key, (stamp, value)) in &other.entries {
            self.set(key, value, *stamp);
        }
    }
}
