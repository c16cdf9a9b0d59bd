//! Causal consistency's stale reads, found while the clocks are swept.
//!
//! A read `r` of key `k` that returned write `src` is stale when some write `w` of `k`
//! has `src` happen before it and happens before `r` ("a newer write"); when `r` returned
//! nil, any write of `k` before `r` is newer. The writes of `k` that `r` knows fall into
//! a few chains, and along a chain "`src` happens before it" holds from some point on, so
//! each chain answers with one look at its last write and, only for a stale read, a walk
//! back over its newer ones:
//!
//! - the completed writes of `r`'s own client before it, in session order;
//! - on each column, the writes of `k` at positions `r`'s clock passes, leaving out those
//!   whose horizon `r` is beyond (see [`crate::check::causal::clock`]);
//! - writes off the columns, found through the column events that first learned of them
//!   (only those learned after `src` could be newer), and through private events of
//!   `r`'s own client.
//!
//! Comparing `r` with every write of `k` was the rejected alternative: the same answers,
//! but a cost that grows with the square of the history.

use std::collections::HashMap;

use crate::check::causal::clock::{Clocks, at};
use crate::check::causal::graph::{Ev, Graph, Source};

/// A stale read with one newer write, and the clock of what happened before it.
#[derive(Clone, Debug)]
pub(crate) struct Stale {
    /// The read.
    pub(crate) read: Ev,
    /// The write it returned, or `None` for nil.
    pub(crate) returned: Option<Ev>,
    /// A newer write: of those first in their chain, the earliest in the input.
    pub(crate) newer: Ev,
    /// The clock of what happens before the read.
    pub(crate) clock: Vec<u32>,
}

/// Each client's completed writes per key, in session order.
#[derive(Debug)]
pub(crate) struct OwnWrites(HashMap<(usize, usize), Vec<Ev>>);

impl OwnWrites {
    /// Collects them.
    pub(crate) fn new(g: &Graph) -> Self {
        let mut own: HashMap<(usize, usize), Vec<Ev>> = HashMap::new();
        for (s, (_, evs)) in g.sessions.iter().enumerate() {
            for &ev in evs {
                let e = &g.events[ev];
                if e.done && e.writes {
                    own.entry((s, e.key)).or_default().push(ev);
                }
            }
        }
        OwnWrites(own)
    }

    /// The completed writes of `key` by session `s` before position `pos`, in order.
    pub(crate) fn before(&self, g: &Graph, s: usize, key: usize, pos: usize) -> &[Ev] {
        let all = self.0.get(&(s, key)).map_or(&[][..], Vec::as_slice);
        &all[..all.partition_point(|&w| g.events[w].pos < pos)]
    }
}

/// What the sweep learns: the clocks, the own writes and every stale read (in the order
/// of the input operations).
#[derive(Debug)]
pub(crate) struct Swept {
    /// The layout and clocks.
    pub(crate) clocks: Clocks,
    /// Each client's own writes.
    pub(crate) own: OwnWrites,
    /// The stale reads.
    pub(crate) stale: Vec<Stale>,
}

/// Sweeps the (acyclic) graph, finding every stale read.
pub(crate) fn sweep(g: &Graph) -> Swept {
    let own = OwnWrites::new(g);
    let mut stale = Vec::new();
    let clocks = Clocks::sweep(g, |c, r, clock| {
        let newer = match Newer::of(g, c, &own, r, clock) {
            Some(newer) => newer,
            None => return,
        };
        let mut best: Option<Ev> = None;
        newer.each(false, |w| {
            if best.is_none_or(|b| g.events[w].op < g.events[b].op) {
                best = Some(w);
            }
        });
        if let Some(w) = best {
            stale.push(Stale {
                read: r,
                returned: newer.src,
                newer: w,
                clock: clock.to_vec(),
            });
        }
    });
    stale.sort_by_key(|s| g.events[s.read].op);
    Swept { clocks, own, stale }
}

/// The writes newer than what read `r` returned, among those before it.
pub(crate) struct Newer<'a> {
    g: &'a Graph,
    c: &'a Clocks,
    own: &'a OwnWrites,
    r: Ev,
    /// What `r` returned: a write, or `None` for nil.
    pub(crate) src: Option<Ev>,
    clock: &'a [u32],
}

impl<'a> Newer<'a> {
    /// The newer writes of read `r`, whose clock (of what happens before it) is `clock`;
    /// `None` when `r` returned a value nobody wrote.
    pub(crate) fn of(
        g: &'a Graph,
        c: &'a Clocks,
        own: &'a OwnWrites,
        r: Ev,
        clock: &'a [u32],
    ) -> Option<Self> {
        let src = match g.events[r].read? {
            Source::Write(w) => Some(w),
            Source::Initial => None,
            Source::Nowhere => return None,
        };
        Some(Newer {
            g,
            c,
            own,
            r,
            src,
            clock,
        })
    }

    /// Whether write `w`, known to happen before `r`, is newer than what `r` returned.
    pub(crate) fn after(&self, w: Ev) -> bool {
        w != self.r
            && match self.src {
                None => true,
                Some(s) => {
                    w != s && self.g.rank[w] > self.g.rank[s] && self.c.le_kept(self.g, s, w)
                }
            }
    }

    /// Calls `found` with newer writes: every one (`all`), or else at least one if there
    /// is any: the first of each chain on the client's own writes and on the columns, and
    /// the writes off the columns only when those gave none. The same write may come more
    /// than once.
    pub(crate) fn each(&self, all: bool, mut found: impl FnMut(Ev)) {
        let (g, e) = (self.g, &self.g.events[self.r]);
        let any = std::cell::Cell::new(false);
        let mut found = |w: Ev| {
            any.set(true);
            found(w)
        };
        let own = self.own.before(g, e.session, e.key, e.pos);
        // Being newer holds along the chain from some write on: bisection finds it, where
        // a walk back from the newest cost a long session's length for a very stale read.
        let newer = &own[own.partition_point(|&w| !self.after(w))..];
        if all {
            newer.iter().for_each(|&w| found(w));
        } else if let Some(&w) = newer.first() {
            found(w);
        }
        match self.since_src() {
            Some(since) => {
                // The tests run debug builds: there both ways must agree.
                #[cfg(debug_assertions)]
                {
                    let (mut a, mut b) = (Vec::new(), Vec::new());
                    self.on_columns_since(since, all, &mut |w| a.push(w));
                    self.on_columns(all, &mut |w| b.push(w));
                    a.sort_unstable();
                    b.sort_unstable();
                    assert_eq!(a, b, "two ways to the newer column writes differ");
                }
                self.on_columns_since(since, all, &mut found)
            }
            None => self.on_columns(all, &mut found),
        }
        // The writes off the columns of a read that returned an old value are all those
        // learned of since: a walk over the history for each such read, needless when a
        // witness is already found.
        if all || !any.get() {
            self.off_columns_each(all, &mut found);
        }
    }

    /// The newer writes off the columns: every one (`all`), or the newest known on each
    /// column for a read of nil.
    fn off_columns_each(&self, all: bool, found: &mut impl FnMut(Ev)) {
        let (g, c, e) = (self.g, self.c, &self.g.events[self.r]);
        // Whether column event `y` whose position `r`'s clock passes happens before `r`:
        // not if `r` is beyond its horizon (see `clock`).
        let alive = |y: Ev| c.le(g, y, self.r, self.clock);
        match self.src {
            // A write learned of no later than `src` was written before it, so only the
            // entries added after the sweep passed `src` can be newer.
            Some(s) => {
                let added = c.proxies.in_order(e.key);
                let from = added.partition_point(|(_, p)| g.rank[p.via] <= g.rank[s]);
                for &(col, p) in &added[from..] {
                    if p.pos < at(self.clock, col) && alive(p.via) && self.after(p.write) {
                        found(p.write);
                    }
                }
            }
            None => {
                for (col, list) in c.proxies.of_key(e.key) {
                    let known = &list[..list.partition_point(|p| p.pos < at(self.clock, col))];
                    let mut newest_first = known.iter().rev().filter(|p| alive(p.via));
                    // Every write before a read of nil is newer.
                    if all {
                        newest_first.for_each(|p| found(p.write));
                    } else if let Some(p) = newest_first.next() {
                        found(p.write);
                    }
                }
            }
        }
        if let Some(list) = c.private_proxies.get(&(e.session, e.key)) {
            list.iter()
                .filter(|&&(pos, w)| pos < e.pos && self.after(w))
                .for_each(|&(_, w)| found(w));
        }
    }

    /// The column writes of the read's key ranked after `src`, when there are fewer of
    /// them than columns with writes of the key: then looking at each of them is cheaper
    /// than a look at every column.
    fn since_src(&self) -> Option<&'a [(u32, (u32, Ev))]> {
        let (g, c) = (self.g, self.c);
        let (s, key) = (self.src?, g.events[self.r].key);
        let added = c.writes_on.in_order(key);
        let since = &added[added.partition_point(|&(_, (_, w))| g.rank[w] <= g.rank[s])..];
        (since.len() < c.writes_on.columns(key)).then_some(since)
    }

    /// The newer column writes, found column by column: on each, the known writes newest
    /// first down to the first that is not newer.
    fn on_columns(&self, all: bool, found: &mut impl FnMut(Ev)) {
        let (g, c) = (self.g, self.c);
        for (col, list) in c.writes_on.of_key(g.events[self.r].key) {
            let known = &list[..list.partition_point(|&(pos, _)| pos < at(self.clock, col))];
            // Ranks grow along a column: when its newest write `r` knows is ranked no later
            // than `src`, none of them can be newer. Asking that first keeps a read that
            // returned a recent value to one look per column.
            if let (Some(s), Some(&(_, w))) = (self.src, known.last())
                && g.rank[w] <= g.rank[s]
            {
                continue;
            }
            // Being newer holds along the column from some write on: find that write by
            // bisection, so a read that returned a value far older than what it knows
            // costs a logarithm per column, not a walk over everything written since.
            let newer = &known[known.partition_point(|&(_, w)| !self.after(w))..];
            let mut alive = newer
                .iter()
                .map(|&(_, w)| w)
                .filter(|&w| c.le(g, w, self.r, self.clock));
            if all {
                alive.for_each(&mut *found);
            } else if let Some(w) = alive.next() {
                found(w);
            }
        }
    }

    /// The same writes as [`Newer::on_columns`], from the column writes ranked after
    /// `src` (`since`), oldest first. Being newer holds along a column from some write on,
    /// so the first one found on a column is the one `on_columns` stops at.
    fn on_columns_since(&self, since: &[(u32, (u32, Ev))], all: bool, found: &mut impl FnMut(Ev)) {
        let (g, c) = (self.g, self.c);
        let mut done: Vec<u32> = Vec::new();
        for &(col, (pos, w)) in since {
            if pos >= at(self.clock, col) || (!all && done.contains(&col)) {
                continue;
            }
            if c.le(g, w, self.r, self.clock) && self.after(w) {
                found(w);
                if !all {
                    done.push(col);
                }
            }
        }
    }

    /// The first newer write for which `hit` holds, stopping there: the client's own
    /// writes, then column by column, then the writes off the columns; on each chain from
    /// its oldest newer write on. Listing every newer write before asking was the
    /// rejected alternative: a read that returned a value far older than what it
    /// knows has newer writes in the order of the history, and a history with many such
    /// reads took time quadratic in its length.
    pub(crate) fn find(&self, mut hit: impl FnMut(Ev) -> bool) -> Option<Ev> {
        let (g, c, e) = (self.g, self.c, &self.g.events[self.r]);
        let own = self.own.before(g, e.session, e.key, e.pos);
        // Being newer holds along a chain from some write on.
        let first = own.partition_point(|&w| !self.after(w));
        if let Some(&w) = own[first..].iter().find(|&&w| hit(w)) {
            return Some(w);
        }
        for (col, list) in c.writes_on.of_key(e.key) {
            let known = &list[..list.partition_point(|&(pos, _)| pos < at(self.clock, col))];
            let newer = &known[known.partition_point(|&(_, w)| !self.after(w))..];
            let found = newer
                .iter()
                .map(|&(_, w)| w)
                .find(|&w| c.le(g, w, self.r, self.clock) && hit(w));
            if found.is_some() {
                return found;
            }
        }
        let mut off = None;
        self.off_columns_each(true, &mut |w| {
            if off.is_none() && hit(w) {
                off = Some(w);
            }
        });
        off
    }
}
