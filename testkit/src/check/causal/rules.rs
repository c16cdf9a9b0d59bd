//! What each check reports, and how the checks share one sweep of the graph.
//!
//! Every check judges a read against a set of writes the read *must* reflect: it breaks
//! the check when it returns nil although that set holds a write to its key, or returns a
//! write that happens before one of them (an overwritten value). The checks differ only
//! in how the set is built:
//!
//! | check | a write `w` must be reflected by read `r` of client `c` when |
//! | --- | --- |
//! | causal | `w` happens before `r` |
//! | read-your-writes | `c` wrote `w` earlier (and saw it complete) |
//! | monotonic reads | an earlier read of `c` returned `w` |
//! | monotonic writes | `w`'s client wrote `w` and then `w2`, and an earlier read of `c` returned `w2` or a write that `w2` happens before |
//! | writes-follow-reads | `w`'s client read `w` and then wrote `w2`, and an earlier read of `c` returned `w2` or a write that `w2` happens before |
//!
//! Every session row is a special case of the causal row, and together the four rows
//! cover it: the four guarantees flag the same stale reads as the causal check. The causal
//! check runs during the sweep ([`crate::check::causal::stale`]); the session checks judge
//! only the reads it found ([`crate::check::causal::sessions`]). `stale_reads` in
//! [`crate::check::causal`] hands each rule to the one that judges it.

use crate::check::causal::Guarantee;
use crate::check::causal::graph::{Ev, Graph, Source};

/// Which check runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rule {
    /// Causal consistency.
    Causal,
    /// One session guarantee.
    Session(Guarantee),
}

impl Rule {
    /// The name reports use.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Rule::Causal => "causal-consistency",
            Rule::Session(guarantee) => guarantee.name(),
        }
    }
}

/// Why a read had to reflect a write: the link that put the write into its set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Via {
    /// The write happens before the read.
    Causal,
    /// The reader wrote it earlier.
    OwnWrite,
    /// The reader returned it at this earlier read.
    EarlierRead(Ev),
    /// The write's client then wrote `later` (after reading the write at `first_read`, for
    /// writes-follow-reads); the reader saw `later`, or a write it happens before, at
    /// `seen_by`.
    Observed {
        /// The read of the write by the writing client (writes-follow-reads only).
        first_read: Option<Ev>,
        /// The write that had to bring it along.
        later: Ev,
        /// The reader's earlier read that revealed `later`.
        seen_by: Ev,
    },
}

/// One thing wrong with a history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Finding {
    /// A read returned a value that no effective write wrote.
    ThinAir(Ev),
    /// Happens-before is cyclic; the events along one cycle.
    Cycle(Vec<Ev>),
    /// A read returned nil (`returned: None`) or an overwritten value although it had to
    /// reflect `newer`.
    Stale {
        /// The read.
        read: Ev,
        /// The write it returned, or `None` for nil.
        returned: Option<Ev>,
        /// The write it had to reflect.
        newer: Ev,
        /// Why it had to.
        via: Via,
    },
}

/// What no check accepts: thin-air reads, in input order, then a happens-before cycle.
/// When there is a cycle, no read can be judged stale: "older" means nothing.
pub(crate) fn structural(g: &Graph) -> Vec<Finding> {
    let mut out: Vec<Finding> = (0..g.events.len())
        .filter(|&ev| g.events[ev].read == Some(Source::Nowhere))
        .map(Finding::ThinAir)
        .collect();
    out.extend(g.cycle.clone().map(Finding::Cycle));
    out
}
