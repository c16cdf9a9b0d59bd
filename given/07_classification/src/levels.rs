//! The vocabulary of the `choose` task: a use case's requirements and the five levels.
//!
//! A use case is described by four independent answers ([`Exactness`], [`Order`], whether
//! its users must see their own writes, and [`Latency`]), gathered in [`Requirements`].
//! The answer to the task is a [`Level`].

/// The five levels, strongest first.
///
/// The derived order follows the declaration, so `a < b` reads "`a` is stronger than
/// `b`": every history a stronger level allows, a weaker one allows too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// Every operation takes effect at one instant between its call and its return.
    Linearizable,
    /// Everyone sees one order of all operations that keeps each client's own order.
    Sequential,
    /// Everyone sees a cause before its effects; concurrent updates in any order. The
    /// course's weak form: no read misses a write in its causal past.
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
    /// Such data also needs each decision taken in one atomic step (a compare-and-swap,
    /// a transaction): two clients can both read "one left" under any level.
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
