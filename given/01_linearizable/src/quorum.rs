//! What clients and replicas of the quorum register of task `quorum` say to each other
//! (the ABD algorithm of Attiya, Bar-Noy and Dolev), and the [`Tag`] that orders its
//! writes.
//!
//! Every operation runs two phases, each finished when a majority has answered:
//!
//! 1. **query** ([`Message::Query`], answered by [`Message::Holding`]): ask every node
//!    what it holds and keep the answer with the largest [`Tag`];
//! 2. **store** ([`Message::Store`], answered by [`Message::Stored`]): have a majority
//!    store a tag and value: for a write a new tag above the largest one seen, for a
//!    read the largest pair seen (the write-back).
//!
//! Any two majorities share a node, so a query always meets the last completed store.
//!
//! Clients speak [`Request`] and [`Response`]: the hidden suite sends the one and reads
//! the other into the history it checks, so both are the course's. The messages are
//! given too, so that every replica of the course speaks the same two phases; what a
//! replica remembers and when it sends them is the exercise.

use testkit::sim::NodeId;

/// Orders the writes of the register: larger tags are newer. Tags compare by `version`
/// first; ties of `version` between two coordinators are broken by `writer`, so two
/// writes never share a tag.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tag {
    /// The write's number: one more than the largest seen by its coordinator.
    pub version: u64,
    /// The node that coordinated the write.
    pub writer: NodeId,
}

/// What a client asks a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// The current value.
    Read,
    /// Replace the value.
    Write(i64),
}

/// What a node answers a client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// The value read (`None`: never written).
    Value(Option<i64>),
    /// The write is stored on a majority.
    Written,
}

/// What nodes send each other. `op` numbers an operation of the coordinator that sends
/// the request; the answer carries it back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// Phase 1: what do you hold?
    Query {
        /// The coordinator's operation.
        op: u64,
    },
    /// The answer to a query.
    Holding {
        /// The coordinator's operation.
        op: u64,
        /// The tag held.
        tag: Tag,
        /// The value held.
        value: Option<i64>,
    },
    /// Phase 2: keep this pair if it is newer than yours.
    Store {
        /// The coordinator's operation.
        op: u64,
        /// The tag to keep.
        tag: Tag,
        /// The value to keep.
        value: Option<i64>,
    },
    /// The answer to a store: the node now holds that tag or a newer one.
    Stored {
        /// The coordinator's operation.
        op: u64,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_order_by_version_then_writer() {
        let tag = |version, writer| Tag { version, writer };
        assert!(tag(1, 4) < tag(2, 0));
        assert!(tag(2, 0) < tag(2, 1));
        assert_eq!(Tag::default(), tag(0, 0));
    }
}
