//! The bad patterns each check looks for.
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
//! cover it: the four guarantees flag the same stale reads as the causal check.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::check::causal::Guarantee;
use crate::check::causal::bits::Bits;
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

/// The stale reads `rule` finds, in the order of the input operations. The graph must be
/// acyclic.
pub(crate) fn stale_reads(g: &Graph, rule: Rule) -> Vec<Finding> {
    assert!(
        g.cycle.is_none(),
        "stale reads are judged on acyclic graphs"
    );
    let mut found: Vec<Finding> = match rule {
        Rule::Causal => (0..g.events.len())
            .filter_map(|ev| stale(g, ev, &g.anc[ev], |_| Via::Causal))
            .collect(),
        Rule::Session(guarantee) => session(g, guarantee),
    };
    found.sort_by_key(|f| match f {
        Finding::Stale { read, .. } => g.events[*read].op,
        _ => 0,
    });
    found
}

/// Whether read `ev` ignores a write in `must`; `why` tells how that write got there.
fn stale(g: &Graph, ev: Ev, must: &Bits, why: impl Fn(usize) -> Via) -> Option<Finding> {
    let e = &g.events[ev];
    let mut candidates = must.iter_and(&g.key_writes[e.key]);
    let (returned, newer) = match e.read? {
        Source::Initial => (None, candidates.next()?),
        Source::Write(src) => {
            let old = g.write_of(src);
            (
                Some(src),
                candidates.find(|&w| g.anc[g.writes[w]].contains(old))?,
            )
        }
        Source::Nowhere => return None,
    };
    Some(Finding::Stale {
        read: ev,
        returned,
        newer: g.writes[newer],
        via: why(newer),
    })
}

/// The writes one client's later reads must reflect, and why each is there.
struct Must {
    set: Bits,
    why: HashMap<usize, Via>,
}

impl Must {
    /// Adds write `w` for reason `via`, unless it is already there.
    fn add(&mut self, w: usize, via: impl FnOnce() -> Via) {
        if self.set.insert(w) {
            self.why.insert(w, via());
        }
    }
}

/// Walks every client's session, growing the set its reads must reflect.
fn session(g: &Graph, guarantee: Guarantee) -> Vec<Finding> {
    let before = match guarantee {
        Guarantee::MonotonicWrites => before_sets(g, false),
        Guarantee::WritesFollowReads => before_sets(g, true),
        _ => Vec::new(),
    };
    let wfr = guarantee == Guarantee::WritesFollowReads;
    let first_read = first_reads(g);
    let mut out = Vec::new();
    for (_, evs) in &g.sessions {
        let mut must = Must {
            set: Bits::new(g.writes.len()),
            why: HashMap::new(),
        };
        let mut sources_seen: HashSet<Ev> = HashSet::new();
        for &ev in evs {
            out.extend(stale(g, ev, &must.set, |w| must.why[&w].clone()));
            let e = &g.events[ev];
            // Only a completed operation is followed by the client's later ones.
            if !e.done {
                continue;
            }
            let src = match e.read {
                Some(Source::Write(src)) => Some(src),
                _ => None,
            };
            match (guarantee, src) {
                (Guarantee::ReadYourWrites, _) => {
                    if let Some(w) = e.write {
                        must.add(w, || Via::OwnWrite);
                    }
                }
                (Guarantee::MonotonicReads, Some(src)) => {
                    must.add(g.write_of(src), || Via::EarlierRead(ev));
                }
                // Reading the same write twice reveals nothing new.
                (_, Some(src)) if sources_seen.insert(src) => {
                    for (later, set) in revealed(g, src, &before) {
                        // Skipping what is already there keeps this linear in news.
                        let fresh: Vec<usize> = set.iter_minus(&must.set).collect();
                        for w in fresh {
                            let first_read = wfr.then(|| {
                                let s = g.events[later].session;
                                first_read.get(&(s, w)).copied().unwrap_or(later)
                            });
                            let seen_by = ev;
                            must.add(w, || Via::Observed {
                                first_read,
                                later,
                                seen_by,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// For each write event `w2`, the writes its client had to order before it: its own
/// earlier completed writes (monotonic writes) or the writes its earlier completed reads
/// returned, plus the value a cas itself read (writes-follow-reads).
fn before_sets(g: &Graph, reads: bool) -> Vec<Bits> {
    let mut before = vec![Bits::default(); g.writes.len()];
    for (_, evs) in &g.sessions {
        let mut running = Bits::new(g.writes.len());
        for &ev in evs {
            let e = &g.events[ev];
            let read = match e.read {
                Some(Source::Write(src)) => Some(g.write_of(src)),
                _ => None,
            };
            if let Some(w) = e.write {
                let mut set = running.clone();
                if reads && let Some(r) = read {
                    set.insert(r);
                }
                before[w] = set;
            }
            if e.done {
                match (reads, read, e.write) {
                    (true, Some(r), _) => running.insert(r),
                    (false, _, Some(w)) => running.insert(w),
                    _ => false,
                };
            }
        }
    }
    before
}

/// What reading `src` reveals: for each write `w2` that is `src` or happens before it,
/// the writes ordered before `w2`, paired with `w2`. Within a session the sets of
/// completed writes only grow, so the session's last write in the causal past stands for
/// its completed ones; writes of unknown outcome are taken one by one.
fn revealed<'a>(g: &Graph, src: Ev, before: &'a [Bits]) -> Vec<(Ev, &'a Bits)> {
    let own = g.write_of(src);
    let mut last: BTreeMap<usize, Ev> = BTreeMap::new();
    let mut unknown = Vec::new();
    for w in g.anc[src].iter().chain([own]) {
        let ev = g.writes[w];
        let e = &g.events[ev];
        let slot = last.entry(e.session).or_insert(ev);
        if g.events[*slot].pos < e.pos {
            *slot = ev;
        }
        if !e.done {
            unknown.push(ev);
        }
    }
    // A write both last and unknown comes twice; the second pass adds nothing new.
    last.into_values()
        .chain(unknown)
        .map(|ev| (ev, &before[g.write_of(ev)]))
        .collect()
}

/// The first completed event of each session that read each write: (session, write
/// index) to event. Evidence only.
fn first_reads(g: &Graph) -> HashMap<(usize, usize), Ev> {
    let mut first = HashMap::new();
    for (_, evs) in &g.sessions {
        for &ev in evs {
            let e = &g.events[ev];
            if e.done
                && let Some(Source::Write(src)) = e.read
            {
                first.entry((e.session, g.write_of(src))).or_insert(ev);
            }
        }
    }
    first
}
