//! Choosing a consistency level from a use case's requirements.

/// The five levels, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// Every operation takes effect at one instant between its call and its return.
    Linearizable,
    /// Everyone sees one order of all operations that keeps each client's own order.
    Sequential,
    /// Everyone sees a cause before its effects; concurrent updates in any order.
    Causal,
    /// A client always sees its own earlier writes.
    ReadYourWrites,
    /// Replicas agree once updates stop; until then reads may be anything written.
    Eventual,
}

/// How exact the data a read returns must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Exactness {
    /// A read must reflect every write that finished before it, on any replica: a
    /// decision taken on a stale value cannot be undone (money, the last item in stock).
    Exact,
    /// A read may lag behind for a while without harm.
    MayLag,
}

/// Whether, and how, the order of updates matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Order {
    /// Updates commute or nobody notices their order (likes, view counts).
    Irrelevant,
    /// An update must never be seen before the updates it depends on (a reply after
    /// its post).
    CauseBeforeEffect,
    /// Every user must see all updates in one and the same order.
    SameForEveryone,
}

/// How much a slow answer costs the use case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Latency {
    /// A round trip to a leader or a quorum is acceptable.
    Tolerant,
    /// Answers must come from the nearest replica, without waiting for others.
    Sensitive,
}

/// What a use case needs from its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Requirements {
    /// How exact reads must be.
    pub exactness: Exactness,
    /// Whether the order of updates matters.
    pub order: Order,
    /// Whether a user must see their own writes at once.
    pub own_writes: bool,
    /// How sensitive the use case is to latency.
    pub latency: Latency,
}

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
