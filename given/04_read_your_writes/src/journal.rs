//! The cluster's own account of what its nodes did: every write the leader took and
//! every read a node served, in the order they happened.
//!
//! A router reports which node served a read and what it answered, but a report is only
//! a claim. The journal is kept by the nodes, so a test can hold each answer a router
//! gives against an answer a node really gave while the call was running. Nothing in
//! the exercise needs to read it; it is there so that the results are evidence.

use crate::node::{Entry, Node, Version};

/// One thing a node of the cluster did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The leader took the write `key = value` and numbered it `version`.
    Wrote {
        /// The key written.
        key: String,
        /// The value written.
        value: i64,
        /// The version the leader gave the write.
        version: Version,
    },
    /// `node` served a read of `key` and answered `entry`.
    Served {
        /// The node that answered.
        node: Node,
        /// The key read.
        key: String,
        /// What the node answered: its value of the key and its version then.
        entry: Entry,
    },
}

impl Event {
    /// The event of `node` answering `entry` to a read of `key`.
    pub fn served(node: Node, key: &str, entry: Entry) -> Self {
        Event::Served {
            node,
            key: key.to_owned(),
            entry,
        }
    }

    /// The event of the leader numbering the write `key = value` as `version`.
    pub fn wrote(key: &str, value: i64, version: Version) -> Self {
        Event::Wrote {
            key: key.to_owned(),
            value,
            version,
        }
    }
}
