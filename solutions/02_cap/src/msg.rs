//! The messages replicas send each other, in both modes: what the CP coordinator and the
//! AP gossip say, apart from the replica that handles them.

use crate::Entry;
use crate::Store;

/// What replicas send each other.
#[derive(Clone, Debug)]
pub enum Msg {
    /// CP: "what do you hold under `key`?", for operation `op` of the sender.
    Query {
        /// The sender's operation.
        op: u64,
        /// The key asked about.
        key: String,
    },
    /// CP: the answer to a `Query`.
    Holding {
        /// The operation asked for.
        op: u64,
        /// What the replica holds under the key.
        entry: Option<Entry>,
    },
    /// CP: "store this entry unless you hold a newer one".
    Store {
        /// The sender's operation.
        op: u64,
        /// The key.
        key: String,
        /// The stamped value.
        entry: Entry,
    },
    /// CP: the entry of operation `op` is stored (or something newer is).
    Stored {
        /// The operation.
        op: u64,
    },
    /// AP: the sender's whole store, one round of anti-entropy.
    Gossip {
        /// Everything the sender holds.
        store: Store,
    },
}
