//! The answer of the `histories` task: one verdict per model.

/// Whether a history satisfies each of the five models.
///
/// A plain record of five flags rather than a set of [`Level`](crate::Level)s: the five
/// verdicts are independent answers (a history can be read-your-writes without being
/// causal), and a failed check names each flag that differs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Models {
    /// Some order of all operations keeps real time and is a legal register run.
    pub linearizable: bool,
    /// Some order of all operations keeps each client's order and is a legal run.
    pub sequential: bool,
    /// No read misses a write in its causal past: the course's weak form of causal
    /// consistency, not causal memory (README, histories.8).
    pub causal: bool,
    /// No read misses an earlier write of its own client.
    pub read_your_writes: bool,
    /// Every read returns nil or a value some write wrote: nothing from thin air, the
    /// course's finite stand-in for eventual consistency (README, histories.12).
    pub eventual: bool,
}
