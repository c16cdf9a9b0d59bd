//! The four ways two vector clocks can relate.
//!
//! This is the vocabulary of the `clocks` task: `VectorClock::compare` answers with an
//! `Order`, and the hidden tests read that answer. Its comparisons are derived here, in
//! the course's crate, so `compare(..) == Order::Before` means what it says whoever wrote
//! the clock.

/// How two vector clocks (and so the events they stamp) relate.
///
/// The order is partial: `Concurrent` is not "equal" and not "unknown", it is a fourth
/// answer of its own. That is why this is an enum and not [`std::cmp::Ordering`], whose
/// three values would force every pair of clocks into a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Order {
    /// Every entry of the first is at most the same entry of the second, and one is
    /// smaller: the first event happened before the second.
    Before,
    /// The mirror image: the second happened before the first.
    After,
    /// Every entry is the same (a missing entry counts as zero).
    Equal,
    /// Each clock has an entry larger than the other's: neither event could have known
    /// about the other.
    Concurrent,
}
