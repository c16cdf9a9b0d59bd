//! The suite's own counter and map, which the tests of `gossip` run the submitted
//! `Replica` with.
//!
//! A replica is generic over the course's `Counter` and `Map` traits, so these types
//! take the place of the submission's `GCounter` and `LwwMap` in every gossip test. A
//! mistake in the submission's data types then costs the tasks `gcounter` and `lww_map`
//! only, and what a gossip test reads (counts, entries) is decided by code the suite owns:
//! only the replica's protocol is the submission's.

use std::collections::BTreeMap;

use eventual_given::{Counter, Map, Stamp};
use testkit::sim::NodeId;

/// A grow-only counter: one entry per node, merged by the larger count.
#[derive(Clone, Debug, Default)]
pub struct RefCounter {
    counts: BTreeMap<NodeId, u64>,
}

impl Counter for RefCounter {
    fn increment(&mut self, node: NodeId) {
        *self.counts.entry(node).or_insert(0) += 1;
    }

    fn value(&self) -> u64 {
        self.counts.values().sum()
    }

    fn counts(&self) -> BTreeMap<NodeId, u64> {
        self.counts.clone()
    }

    fn merge(&mut self, other: &Self) {
        for (&node, &n) in &other.counts {
            let mine = self.counts.entry(node).or_insert(0);
            *mine = (*mine).max(n);
        }
    }
}

/// A last-writer-wins map: each key's write with the largest stamp.
#[derive(Clone, Debug, Default)]
pub struct RefMap {
    entries: BTreeMap<String, (Stamp, String)>,
}

impl Map for RefMap {
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

    fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(|(_, value)| value.as_str())
    }

    fn stamp(&self, key: &str) -> Option<Stamp> {
        self.entries.get(key).map(|(stamp, _)| *stamp)
    }

    fn entries(&self) -> BTreeMap<String, (Stamp, String)> {
        self.entries.clone()
    }

    fn merge(&mut self, other: &Self) {
        for (key, (stamp, value)) in &other.entries {
            self.set(key, value, *stamp);
        }
    }
}

/// The submitted replica, run with the suite's counter and map.
pub type Replica = eventual::Replica<RefCounter, RefMap>;
