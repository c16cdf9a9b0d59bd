//! A deterministic simulated world for distributed code.
//!
//! Nodes are sans-IO state machines: they implement [`Node`] and react to a start, a
//! message from a peer, a client request or a timer, by asking their [`Context`] to send
//! messages, answer clients and set timers. They never touch sockets, threads or clocks,
//! so the [`World`] owns everything that can go wrong and decides it from one seed:
//!
//! - a network with a delay per message drawn from a range, reordering (or FIFO links),
//!   loss, duplication, partitions, one-way blocks and healing;
//! - crashes and restarts, keeping the node's state or building a fresh one;
//! - virtual time: an event queue ordered by (time, sequence number), nothing else;
//! - clients (each a [`ClientId`]) that call nodes through the same
//!   network, one request at a time, with an optional timeout, recorded into a
//!   [`History`](crate::history::History) for the checkers;
//! - a [`Trace`] of everything that happened, printable one line per event.
//!
//! The same seed and the same test script give the same trace byte for byte, so a seed
//! printed by a failing test replays the failure exactly.
//!
//! | file | concern |
//! | --- | --- |
//! | [`node`] | the [`Node`] trait students implement and its [`Context`] |
//! | [`config`] | [`Config`]: seed, delays, fault probabilities, limits |
//! | `net` | link state (partitions, blocks) and the random fate of each message |
//! | `queue` | the event queue that orders the simulation |
//! | [`trace`] | the record of what happened and its text form |
//! | [`client`] | client calls, their outcomes and the recorded history |
//! | [`world`] | the [`World`]: building it, client calls, inspection |
//! | `faults` | partitions, blocks, crashes and restarts |
//! | `effects` | running a handler and carrying out what it asked for |
//! | `run` | the drivers: one step, a span of time, until quiet |
//! | [`explore`] | every schedule of a small world within bounds, with pruning of states seen |
//! | `names` | digests of what happened, by which the explorer recognises a state |
//!
//! `docs/src/simulation.md` in the repository walks through writing a node and driving a
//! world.

pub mod client;
pub mod config;
mod effects;
pub mod explore;
mod faults;
mod names;
mod net;
pub mod node;
mod queue;
mod run;
pub mod trace;
pub mod world;

use std::fmt;

use crate::history::ClientId;

pub use client::{Answer, Call, CallId, CallOutcome, Recordable};
pub use config::Config;
pub use faults::Restart;
pub use node::{Context, Handlers, Node, ReplyTo};
pub use run::Stop;
pub use trace::{DropReason, Event, Fate, Payload, Trace, TraceEvent};
pub use world::{TraceOf, World};

/// Identifies a node: its index in the list the world was built from (`0..n`).
pub type NodeId = usize;

/// One end of a link: a node or a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    /// A node of the world.
    Node(NodeId),
    /// A client outside the nodes.
    Client(ClientId),
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Node(n) => write!(f, "n{n}"),
            Endpoint::Client(c) => write!(f, "c{c}"),
        }
    }
}

/// Why the world refused to do what a test asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SimError {
    /// The node id is not below the number of nodes.
    UnknownNode {
        /// The id asked for.
        node: NodeId,
        /// How many nodes the world has.
        nodes: usize,
    },
    /// The node is crashed, and the request needs it running.
    NodeDown(NodeId),
    /// The node is running, and the request needs it crashed.
    NodeUp(NodeId),
    /// The client still waits for an earlier call; a client has one call open at a time.
    ClientBusy {
        /// The client.
        client: ClientId,
        /// The call it waits for.
        call: CallId,
    },
    /// [`Restart::Fresh`] needs a world built with [`World::from_factory`].
    NoFactory,
    /// The configuration is inconsistent.
    BadConfig(String),
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::UnknownNode { node, nodes } => {
                write!(f, "there is no node n{node}: the world has {nodes} nodes")
            }
            SimError::NodeDown(n) => write!(f, "node n{n} is crashed"),
            SimError::NodeUp(n) => write!(f, "node n{n} is running, crash it first"),
            SimError::ClientBusy { client, call } => write!(
                f,
                "client c{client} still waits for call {call}; a client has one call open at a time"
            ),
            SimError::NoFactory => write!(
                f,
                "Restart::Fresh needs a world built with World::from_factory"
            ),
            SimError::BadConfig(why) => write!(f, "bad simulation config: {why}"),
        }
    }
}

impl std::error::Error for SimError {}
