//! The order of writes to one key, and what a replica holds.

use std::collections::BTreeMap;

use testkit::sim::NodeId;

/// The order of writes to one key: the larger stamp wins, comparing `time` first and
/// `node` on a tie (the derived order does exactly that, field by field).
///
/// In AP mode `time` is the virtual time, in nanoseconds, at which the node accepted the
/// write, and `node` is that node. In CP mode `time` is a version number one above the
/// highest version a majority reported, and `node` the node that coordinated the write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp {
    /// Virtual time in nanoseconds (AP) or version number (CP).
    pub time: u64,
    /// The node that accepted the write.
    pub node: NodeId,
}

/// A value and the stamp of the write that stored it.
pub type Entry = (Stamp, String);

/// What a replica holds: every key it has a value for.
pub type Store = BTreeMap<String, Entry>;
