//! The four session guarantees, judged at the reads that causal consistency finds stale.
//!
//! Every write a guarantee makes a read reflect happens before the read (see the table in
//! [`crate::check::causal`]), so a read stale for a guarantee is stale for causal
//! consistency too. The sweep has found those already, with their clocks; here each one
//! is judged again with the narrower set of writes the guarantee names. A history without
//! causally stale reads is done at once, and a client is followed (its completed reads
//! replayed in order) only if it made a stale read.
//!
//! A write `w` is in read `r`'s set when:
//!
//! - read-your-writes: `r`'s client completed `w` earlier (the own writes are a chain, so
//!   a binary search finds the first newer one);
//! - monotonic reads: an earlier completed read of the client returned `w` (the newest of
//!   those are kept per key);
//! - monotonic writes: a later write of `w`'s client, after `w` completed, is known to
//!   `r`'s client through an earlier read ("exposes" `w`);
//! - writes-follow-reads: a client read `w` and then wrote, or a cas read it, and that
//!   write is known to `r`'s client through an earlier read.
//!
//! For the last two, the candidates are the read's newer writes, chain by chain from the
//! oldest newer write of each, up to the first one exposed: one witness is enough, and
//! the oldest newer write of a client is the one its later writes expose first. "Known
//! through an earlier read" is a clock, the join of the clocks of the values the client
//! read; how the witness was exposed is worked out only for the findings reported.

use std::collections::{HashMap, HashSet};

use crate::check::causal::Guarantee;
use crate::check::causal::clock::{Place, at, join};
use crate::check::causal::graph::{Ev, Graph};
use crate::check::causal::rules::{Finding, Via};
use crate::check::causal::stale::{Newer, Stale, Swept};

/// The first `limit` reads that break `guarantee`, in the order of the input operations.
pub(crate) fn stale_reads(
    g: &Graph,
    sw: &Swept,
    guarantee: Guarantee,
    limit: usize,
) -> Vec<Finding> {
    let mut by_session: HashMap<usize, Vec<&Stale>> = HashMap::new();
    for st in &sw.stale {
        by_session
            .entry(g.events[st.read].session)
            .or_default()
            .push(st);
    }
    let facts = Facts::new(g, guarantee == Guarantee::WritesFollowReads);
    let mut out = Vec::new();
    for (s, mut stale) in by_session {
        stale.sort_by_key(|st| g.events[st.read].pos);
        let mut reader = Reader::new();
        let mut next = stale.iter().peekable();
        for &ev in &g.sessions[s].1 {
            while let Some(st) = next.next_if(|st| st.read == ev) {
                out.extend(judge(g, sw, &facts, &reader, st, guarantee));
            }
            if next.peek().is_none() {
                break;
            }
            reader.learn(g, sw, ev, guarantee);
        }
    }
    out.sort_by_key(|f| match f {
        Finding::Stale { read, .. } => g.events[*read].op,
        _ => 0,
    });
    out.truncate(limit);
    // Under monotonic writes and writes-follow-reads, the link that put the newer write
    // into the read's set takes walks over sessions to name: done for the findings kept
    // only, since a check reports one.
    if matches!(
        guarantee,
        Guarantee::MonotonicWrites | Guarantee::WritesFollowReads
    ) {
        for f in &mut out {
            if let Finding::Stale {
                read, newer, via, ..
            } = f
            {
                *via = observed(g, sw, &facts, *read, *newer, guarantee);
            }
        }
    }
    out
}

/// Facts about sessions the guarantees need.
struct Facts {
    /// For every event, its client's next completed write after it.
    next_done_write: Vec<Option<Ev>>,
    /// For every session, its writes of unknown outcome, in session order.
    unknown_writes: Vec<Vec<Ev>>,
    /// For every session, its writes, in session order.
    writes: Vec<Vec<Ev>>,
    /// For every write, the events that read it (writes-follow-reads only).
    readers: HashMap<Ev, Vec<Ev>>,
}

impl Facts {
    fn new(g: &Graph, readers: bool) -> Self {
        let mut next_done_write = vec![None; g.events.len()];
        let mut unknown_writes = vec![Vec::new(); g.sessions.len()];
        let mut writes = vec![Vec::new(); g.sessions.len()];
        for (s, (_, evs)) in g.sessions.iter().enumerate() {
            let mut next = None;
            for &ev in evs.iter().rev() {
                next_done_write[ev] = next;
                let e = &g.events[ev];
                if e.writes && e.done {
                    next = Some(ev);
                }
            }
            writes[s] = evs
                .iter()
                .copied()
                .filter(|&ev| g.events[ev].writes)
                .collect();
            unknown_writes[s] = writes[s]
                .iter()
                .copied()
                .filter(|&ev| !g.events[ev].done)
                .collect();
        }
        let mut by_write: HashMap<Ev, Vec<Ev>> = HashMap::new();
        if readers {
            for (ev, e) in g.events.iter().enumerate() {
                if let Some(w) = e.source() {
                    by_write.entry(w).or_default().push(ev);
                }
            }
        }
        Facts {
            next_done_write,
            unknown_writes,
            writes,
            readers: by_write,
        }
    }

    /// The writes that, once known, show that `ev`'s client had `ev` behind it: its next
    /// completed write and its writes of unknown outcome after `ev` (only if `ev`
    /// completed), and `ev` itself if `with_self`.
    fn after(&self, g: &Graph, ev: Ev, with_self: bool, out: &mut Vec<Ev>) {
        let e = &g.events[ev];
        if with_self && e.writes {
            out.push(ev);
        }
        if !e.done {
            return;
        }
        out.extend(self.next_done_write[ev]);
        let unknown = &self.unknown_writes[e.session];
        let from = unknown.partition_point(|&u| g.events[u].pos < e.pos);
        out.extend_from_slice(&unknown[from..]);
    }

    /// The writes whose being known puts `w` in a read's set under `guarantee` (monotonic
    /// writes or writes-follow-reads).
    fn exposers(&self, g: &Graph, w: Ev, guarantee: Guarantee) -> Vec<Ev> {
        let mut out = Vec::new();
        if guarantee == Guarantee::MonotonicWrites {
            self.after(g, w, false, &mut out);
        } else {
            for &y in self.readers.get(&w).map_or(&[][..], Vec::as_slice) {
                self.after(g, y, true, &mut out);
            }
        }
        out
    }
}

/// What one client knows through its completed reads so far.
struct Reader {
    /// The writes it read, the join of their clocks and the highest rank among them.
    sources: Vec<Ev>,
    clock: Vec<u32>,
    max_rank: usize,
    /// The writes off the columns it read, and those before them off the columns.
    off: HashSet<Ev>,
    /// The writes it read.
    read: HashSet<Ev>,
    /// Per key, the newest of those (none happens before another), each with the first
    /// read of it. A stale read that any of them is newer than breaks monotonic reads, so
    /// the older ones are never asked about again: a long session of reads of one key
    /// costs a look at a few writes per stale read, not at all it read.
    newest: HashMap<usize, Vec<(Ev, Ev)>>,
}

impl Reader {
    fn new() -> Self {
        Reader {
            sources: Vec::new(),
            clock: Vec::new(),
            max_rank: 0,
            off: HashSet::new(),
            read: HashSet::new(),
            newest: HashMap::new(),
        }
    }

    /// Takes in event `ev` of the client, if it is a completed read of a write.
    fn learn(&mut self, g: &Graph, sw: &Swept, ev: Ev, guarantee: Guarantee) {
        let e = &g.events[ev];
        let Some(w) = e.source().filter(|_| e.done) else {
            return;
        };
        let c = &sw.clocks;
        match guarantee {
            Guarantee::ReadYourWrites => {}
            Guarantee::MonotonicReads => {
                if !self.read.insert(w) {
                    return;
                }
                let newest = self.newest.entry(e.key).or_default();
                if !newest.iter().any(|&(a, _)| c.le_kept(g, w, a)) {
                    newest.retain(|&(a, _)| !c.le_kept(g, a, w));
                    newest.push((w, ev));
                }
            }
            Guarantee::MonotonicWrites | Guarantee::WritesFollowReads => {
                join(
                    &mut self.clock,
                    c.snap(w).expect("writes keep their clocks"),
                );
                self.sources.push(w);
                self.max_rank = self.max_rank.max(g.rank[w]);
                let mut stack = vec![w];
                while let Some(x) = stack.pop() {
                    if c.place[x] == Place::Off && self.off.insert(x) {
                        stack.extend(crate::check::causal::graph::preds(&g.events[x]));
                    }
                }
            }
        }
    }

    /// Whether `z` happens before (or is) a write this client read.
    fn knows(&self, g: &Graph, sw: &Swept, z: Ev) -> bool {
        let c = &sw.clocks;
        match c.place[z] {
            // The joined clock passes `z` if one of the writes knows it. The one that
            // passes it does when it is another client's and within `z`'s horizon: surely
            // so when all of them are; otherwise ask each.
            //
            // When every write read is within `z`'s horizon, the joined clock alone is
            // exact, even for `z` of a client whose writes were read: a write `w` of `z`'s
            // own client knows `z`'s position exactly when `z` comes before it (a column
            // position is laid out only once everything before it is), which is when `z`
            // happens before `w`. Asking each write read was the old way, and cost a walk
            // over the client's reads for every question: quadratic in a long session.
            Place::On { col, pos } => {
                let within = c.horizon[z].is_some_and(|h| h >= self.max_rank);
                let passes = pos < at(&self.clock, col);
                let fast = within.then_some(passes);
                // The tests run debug builds: there the fast answer must match the walk.
                #[cfg(debug_assertions)]
                if let Some(fast) = fast {
                    let walk = passes && self.sources.iter().any(|&w| c.le_kept(g, z, w));
                    assert_eq!(fast, walk, "the joined clock and the walk differ on {z}");
                }
                fast.unwrap_or_else(|| passes && self.sources.iter().any(|&w| c.le_kept(g, z, w)))
            }
            Place::Off => self.off.contains(&z) || c.reach(z).iter().any(|&y| self.knows(g, sw, y)),
        }
    }
}

/// Judges one causally stale read under `guarantee`.
fn judge(
    g: &Graph,
    sw: &Swept,
    facts: &Facts,
    reader: &Reader,
    st: &Stale,
    guarantee: Guarantee,
) -> Option<Finding> {
    let c = &sw.clocks;
    let newer =
        Newer::of(g, c, &sw.own, st.read, &st.clock).expect("a stale read returned a write or nil");
    let e = &g.events[st.read];
    let finding = |w: Ev, via: Via| Finding::Stale {
        read: st.read,
        returned: newer.src,
        newer: w,
        via,
    };
    match guarantee {
        Guarantee::ReadYourWrites => {
            // The client's own completed writes are a chain: newer from some point on.
            let own = sw.own.before(g, e.session, e.key, e.pos);
            let first = own.partition_point(|&w| !newer.after(w));
            own.get(first).map(|&w| finding(w, Via::OwnWrite))
        }
        Guarantee::MonotonicReads => {
            let newest = reader.newest.get(&e.key)?;
            let &(w, first) = newest.iter().find(|&&(a, _)| newer.after(a))?;
            Some(finding(w, Via::EarlierRead(first)))
        }
        Guarantee::MonotonicWrites | Guarantee::WritesFollowReads => {
            let w = newer.find(|w| {
                facts
                    .exposers(g, w, guarantee)
                    .iter()
                    .any(|&z| reader.knows(g, sw, z))
            })?;
            // How the write was revealed is worked out only for the findings reported
            // (see `stale_reads`).
            Some(finding(w, Via::Causal))
        }
    }
}

/// How write `w` came into read `r`'s set under monotonic writes or writes-follow-reads:
/// the client's earliest read that revealed it, and the write that had to bring it.
fn observed(g: &Graph, sw: &Swept, facts: &Facts, r: Ev, w: Ev, guarantee: Guarantee) -> Via {
    let c = &sw.clocks;
    let exposers = facts.exposers(g, w, guarantee);
    let e = &g.events[r];
    let (seen_by, src) = g.sessions[e.session].1[..e.pos]
        .iter()
        .filter(|&&x| g.events[x].done)
        .filter_map(|&x| Some((x, g.events[x].source()?)))
        .find(|&(_, src)| exposers.iter().any(|&z| c.le_kept(g, z, src)))
        .expect("the write was revealed by an earlier read");
    // The latest write of a session that the read revealed.
    let last_known = |s: usize| {
        facts.writes[s]
            .iter()
            .rev()
            .copied()
            .find(|&z| c.le_kept(g, z, src))
    };
    if guarantee == Guarantee::MonotonicWrites {
        let later = last_known(g.events[w].session).expect("an exposing write");
        return Via::Observed {
            first_read: None,
            later,
            seen_by,
        };
    }
    let readers = &facts.readers[&w];
    let mut sessions: Vec<usize> = readers.iter().map(|&y| g.events[y].session).collect();
    sessions.sort_unstable();
    sessions.dedup();
    for s in sessions {
        let Some(later) = last_known(s) else {
            continue;
        };
        let lp = g.events[later].pos;
        let first = readers
            .iter()
            .copied()
            .filter(|&y| g.events[y].session == s && g.events[y].done && g.events[y].pos < lp)
            .min_by_key(|&y| g.events[y].pos);
        if first.is_some() || readers.contains(&later) {
            return Via::Observed {
                first_read: Some(first.unwrap_or(later)),
                later,
                seen_by,
            };
        }
    }
    // Only an unknown write after a read of `w` brought it.
    let later = exposers
        .into_iter()
        .filter(|&z| c.le_kept(g, z, src))
        .min_by_key(|&z| g.events[z].op)
        .expect("an exposing write");
    let s = g.events[later].session;
    let first = readers
        .iter()
        .copied()
        .filter(|&y| {
            g.events[y].session == s && g.events[y].done && g.events[y].pos < g.events[later].pos
        })
        .min_by_key(|&y| g.events[y].pos);
    Via::Observed {
        first_read: Some(first.unwrap_or(later)),
        later,
        seen_by,
    }
}
