//! Choosing a consistency level from a use case's requirements.
//!
//! The types the task speaks in, [`Requirements`] (with [`Exactness`], [`Order`] and
//! [`Latency`](classification_given::Latency)) and [`Level`], are the course's: they live in the given crate
//! (`given/07_classification/src/levels.rs`) and are always used as they are there.

use classification_given::{Exactness, Level, Order, Requirements};

/// The level the course's decision framework picks for `req` (stated in the README).
///
/// The rules are tried in order and the first that applies wins, so the answer is the
/// weakest level that still meets every requirement: weaker levels answer faster and
/// stay available during partitions, so paying for more than is needed is a mistake
/// too.
pub fn choose(req: &Requirements) -> Level {
    // Exactness first, and latency cannot buy it back: a fast wrong balance is still
    // wrong. The rejected alternative, letting `Sensitive` lower this, is the classic
    // mistake of designing for the common case and losing money in the rare one. The
    // level is only half of it: the decision itself must be one atomic step on the
    // linearizable data (a compare-and-swap, a transaction), since two clients can both
    // read "one left" before either writes, under any level.
    if req.exactness == Exactness::Exact {
        return Level::Linearizable;
    }
    // Latency plays no further part: a use case that could wait gets the same level as
    // one that cannot, because waiting is only worth paying for a requirement it meets.
    // Taking linearizable for a `Tolerant` one-order use case was the rejected rule: no
    // requirement of a `MayLag` use case asks for real time.
    match req.order {
        // One order for everyone needs coordination on every write; sequential
        // consistency gives exactly that, and lets each replica serve reads locally from
        // its copy of the agreed order, at the price of reads that lag (allowed: MayLag).
        Order::SameForEveryone => Level::Sequential,
        // Causal consistency already includes read-your-writes (a client's write
        // happens before its later reads), so `own_writes` adds nothing here.
        Order::CauseBeforeEffect => Level::Causal,
        Order::Irrelevant if req.own_writes => Level::ReadYourWrites,
        Order::Irrelevant => Level::Eventual,
    }
}
