//! Which models a small register history satisfies, by checkers small enough to read.
//!
//! Scope: one register (no keys), reads and writes only, every operation completed,
//! every written value unique, each client's operations one after another, and at most
//! about eight operations (few enough that trying every order of them is fast).

use testkit::history::History;

/// The verdict for each of the five models.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Models {
    /// Some order of all operations keeps real time and is a legal register run.
    pub linearizable: bool,
    /// Some order of all operations keeps each client's order and is a legal run.
    pub sequential: bool,
    /// No read misses a write in its causal past.
    pub causal: bool,
    /// No read misses an earlier write of its own client.
    pub read_your_writes: bool,
    /// Every read returns nil or a value some write wrote: nothing from thin air.
    pub eventual: bool,
}

/// Which of the five models `history` satisfies (see the module for its scope).
pub fn satisfies(history: &History) -> Models {
    // TODO: write a small checker for each model, following the definitions in the
    // README, and report all five verdicts.
    todo!("classify a history of {} operations", history.len())
}
