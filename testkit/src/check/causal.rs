//! Causal consistency and the four session guarantees, for histories whose written values
//! are unique per key.
//!
//! Unique values make the question easy to decide: every read names the one write it saw,
//! so the checker never has to search for an order, it only follows edges. A value written
//! twice to one key is refused with [`CheckError::ValuesNotUnique`], an append with
//! [`CheckError::Unsupported`].
//!
//! # What the history means
//!
//! - **Sessions.** Each client is a session. Its operations are ordered by call time.
//! - **Failed operations** had no effect and are dropped. A read returning a value only a
//!   failed write wrote is therefore a thin-air read.
//! - **Unknown outcomes.** A write of unknown outcome may or may not have taken effect;
//!   reads may return its value. A read of unknown outcome returned nothing and is
//!   dropped. A cas that reported no swap is dropped too: all it says is that the key held
//!   something else, and the checker draws no conclusions from negative information. A
//!   cas that swapped is a write of `to` that also read `from`; one of unknown outcome
//!   reads `from` only if some read returned its `to` (then it certainly swapped).
//! - **Session order** puts an operation after every *completed* earlier operation of its
//!   client. Nothing follows an operation of unknown outcome: its client stopped waiting,
//!   and the store may still apply it after the client's later operations.
//! - **Reads-from.** A read returning `v` on key `k` reads from the unique write of `v`
//!   to `k`; one returning nil reads the initial state. A value nobody wrote is a
//!   **thin-air read**.
//! - **Happens-before** is the transitive closure of session order and reads-from. Both
//!   kinds of edge go forward in real time (a read returns after the write it saw was
//!   called), so a **cycle** is impossible in any execution: typically a client read a
//!   value it wrote only later.
//!
//! # The checks
//!
//! A write `w` is *older* than `w'` on the same key when `w` happens before `w'`. A read
//! is **stale** with respect to a write `w'` of its key when it returns nil, or returns a
//! write older than `w'`. Each check names, for every read, the writes it must not be
//! stale against:
//!
//! | check | read `r` by client `c` must not be stale against `w'` when |
//! | --- | --- |
//! | [`Causal`] | `w'` happens before `r` |
//! | read-your-writes | `c` wrote `w'` earlier and saw it complete |
//! | monotonic reads | an earlier read of `c` returned `w'` |
//! | monotonic writes | `w'`'s client later wrote `w2`, and an earlier read of `c` returned `w2` or a write `w2` happens before |
//! | writes-follow-reads | `w'`'s client had read `w'` when it wrote `w2`, and an earlier read of `c` returned `w2` or a write `w2` happens before |
//!
//! Thin-air reads and cycles break every check. Each session row is a special case of the
//! causal row, so causal consistency implies all four guarantees. Conversely, every
//! happens-before path from a write to a read starts in one of the four ways (stay in the
//! writer's session, leave it at a later write, or start with a read of the write that is
//! followed by more reads or by a write), so the four together flag exactly the stale reads
//! the causal check flags.
//!
//! The causal check looks for one bad pattern, a read that misses a write in its causal
//! past, and is weaker than causal memory (Ahamad et al., 1995), which [`CausalMemory`]
//! checks by a search: two clients may see concurrent writes in different orders,
//! forever, and under [`Causal`] one client may even read `1`, `2`, `1` when the writes
//! of `1` and `2` are concurrent, which causal memory forbids. It ignores real time beyond
//! the session order (that is what linearizability adds), and it takes "older" from
//! happens-before alone: a store may order concurrent writes either way.
//!
//! The session checks use the same happens-before to decide which write is older. That
//! matches stores that order writes causally; a store that offers, say, monotonic reads
//! but lets a write overwrite a newer one that its client had read may be reported.
//!
//! # Cost
//!
//! The checker keeps the graph's edges (at most two into each operation) and a vector
//! clock per write over *columns*, chains of completed operations that finished clients
//! hand on to new ones (module `clock`). One sweep in topological order computes the clocks and
//! finds the causally stale reads (module `stale`); the session guarantees judge only those
//! reads (module `sessions`). Time grows with operations times columns, memory with writes
//! times columns; `docs/src/causal-checker.md` argues each shortcut. A bit per write for
//! every operation was the rejected alternative: simple, but quadratic in memory.

mod clock;
mod explain;
mod graph;
mod memory;
mod rules;
mod sessions;
mod stale;

use std::fmt;

use crate::check::causal::graph::Graph;
use crate::check::causal::rules::{Finding, Rule, Via};
use crate::check::causal::stale::Swept;
use crate::check::{CheckError, ConsistencyCheck, Verdict, Violation};
use crate::history::History;

pub use memory::CausalMemory;

/// Checks causal consistency: no read misses a write in its causal past.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Causal;

impl Causal {
    /// Every violation: thin-air reads, a cycle, or else every stale read.
    pub fn violations(&self, history: &History) -> Result<Vec<Violation>, CheckError> {
        run(history, self.name(), &[Rule::Causal], usize::MAX)
    }
}

impl ConsistencyCheck for Causal {
    fn name(&self) -> &'static str {
        Rule::Causal.name()
    }

    fn check(&self, history: &History) -> Result<Verdict, CheckError> {
        verdict(run(history, self.name(), &[Rule::Causal], 1)?)
    }
}

/// One of the four session guarantees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Guarantee {
    /// A client's reads reflect its own earlier writes.
    ReadYourWrites,
    /// A client's reads never go back to a value older than one it read before.
    MonotonicReads,
    /// A write is seen only where the same client's earlier writes are seen.
    MonotonicWrites,
    /// A write is seen only where the writes its client had read are seen.
    WritesFollowReads,
}

impl Guarantee {
    /// All four, in the order checks run and report them.
    pub const ALL: [Guarantee; 4] = [
        Guarantee::ReadYourWrites,
        Guarantee::MonotonicReads,
        Guarantee::MonotonicWrites,
        Guarantee::WritesFollowReads,
    ];

    /// The name used in reports, such as `read-your-writes`.
    pub fn name(self) -> &'static str {
        match self {
            Guarantee::ReadYourWrites => "read-your-writes",
            Guarantee::MonotonicReads => "monotonic-reads",
            Guarantee::MonotonicWrites => "monotonic-writes",
            Guarantee::WritesFollowReads => "writes-follow-reads",
        }
    }
}

impl fmt::Display for Guarantee {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Checks one session guarantee.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Session(pub Guarantee);

impl Session {
    /// Every violation of the guarantee: thin-air reads, a cycle, or else every stale read.
    pub fn violations(&self, history: &History) -> Result<Vec<Violation>, CheckError> {
        run(history, self.name(), &[Rule::Session(self.0)], usize::MAX)
    }
}

impl ConsistencyCheck for Session {
    fn name(&self) -> &'static str {
        self.0.name()
    }

    fn check(&self, history: &History) -> Result<Verdict, CheckError> {
        verdict(run(history, self.name(), &[Rule::Session(self.0)], 1)?)
    }
}

/// Checks all four session guarantees on one graph. A thin-air read or a cycle is
/// reported as breaking `session-guarantees`; a stale read as breaking the guarantee.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AllSessions;

impl AllSessions {
    /// Every violation of every guarantee, guarantee by guarantee in [`Guarantee::ALL`]
    /// order. A read that breaks two guarantees is listed under each.
    pub fn violations(&self, history: &History) -> Result<Vec<Violation>, CheckError> {
        run(history, self.name(), &session_rules(), usize::MAX)
    }
}

impl ConsistencyCheck for AllSessions {
    fn name(&self) -> &'static str {
        "session-guarantees"
    }

    /// The first violation of the first guarantee broken, in [`Guarantee::ALL`] order.
    fn check(&self, history: &History) -> Result<Verdict, CheckError> {
        verdict(run(history, self.name(), &session_rules(), 1)?)
    }
}

/// The four session rules in report order.
fn session_rules() -> [Rule; 4] {
    Guarantee::ALL.map(Rule::Session)
}

/// Builds the graph once and collects up to `limit` violations: the structural ones
/// under `name`, then each rule's stale reads under the rule's own name.
fn run(
    history: &History,
    name: &str,
    rules: &[Rule],
    limit: usize,
) -> Result<Vec<Violation>, CheckError> {
    let graph = Graph::build(history)?;
    let mut found: Vec<(&str, Finding)> = rules::structural(&graph)
        .into_iter()
        .map(|f| (name, f))
        .collect();
    let mut swept = None;
    if graph.cycle.is_none() && found.len() < limit {
        let sw = stale::sweep(&graph);
        for &rule in rules {
            if found.len() >= limit {
                break;
            }
            found.extend(
                stale_reads(&graph, &sw, rule)
                    .into_iter()
                    .map(|f| (rule.name(), f)),
            );
        }
        swept = Some(sw);
    }
    Ok(found
        .iter()
        .take(limit)
        .map(|(broken, f)| explain::explain(history, &graph, swept.as_ref(), broken, f))
        .collect())
}

/// The verdict for a list of violations: the first one, if any.
fn verdict(violations: Vec<Violation>) -> Result<Verdict, CheckError> {
    Ok(match violations.into_iter().next() {
        Some(v) => Verdict::Violated(v),
        None => Verdict::Holds,
    })
}

/// The stale reads `rule` finds, in the order of the input operations, from the sweep of
/// an acyclic graph.
fn stale_reads(g: &Graph, sw: &Swept, rule: Rule) -> Vec<Finding> {
    match rule {
        Rule::Causal => sw
            .stale
            .iter()
            .map(|st| Finding::Stale {
                read: st.read,
                returned: st.returned,
                newer: st.newer,
                via: Via::Causal,
            })
            .collect(),
        Rule::Session(guarantee) => sessions::stale_reads(g, sw, guarantee),
    }
}
