//! Choosing a consistency level from a use case's requirements.
//!
//! The types the task speaks in, [`Requirements`] (with [`Exactness`], [`Order`] and
//! [`Latency`]) and [`Level`], are the course's: they live in the given crate
//! (`given/07_classification/src/levels.rs`) and are always used as they are there.

use classification_given::{Exactness, Latency, Level, Order, Requirements};

/// The level the course's decision framework picks for `req` (stated in the README).
///
/// The rules are tried in order and the first that applies wins, so the answer is the
/// weakest level that still meets every requirement: weaker levels answer faster and
/// stay available during partitions, so paying for more than is needed is a mistake
/// too.
pub fn choose(req: &Requirements) -> Level {
    // Exactness first, and latency cannot buy it back: a fast wrong balance is still
    // wrong. The rejected alternative, letting `Sensitive` lower this, is the classic
    // mistake of designing for the common case and losing money in the rare one.
    if req.exactness == Exactness::Exact {
        return Level::Linearizable;
    }
    match req.order {
        // One order for everyone needs coordination on every write either way. If the
        // use case can wait, take the real-time guarantee too: it costs little more.
        // If it cannot, sequential consistency lets each replica serve reads locally
        // from its copy of the agreed order, at the price of reads that lag.
        Order::SameForEveryone => match req.latency {
            Latency::Tolerant => Level::Linearizable,
            Latency::Sensitive => Level::Sequential,
        },
        // Causal consistency already includes read-your-writes (a client's write
        // happens before its later reads), so `own_writes` adds nothing here.
        Order::CauseBeforeEffect => Level::Causal,
        Order::Irrelevant if req.own_writes => Level::ReadYourWrites,
        Order::Irrelevant => Level::Eventual,
    }
}
