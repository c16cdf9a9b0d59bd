//! Which events happen before which: vector clocks over a cover of the graph by chains.
//!
//! Every check asks "does `x` happen before `e`?" for many pairs. A bit per write for every
//! event answers at once but costs events × writes bits, a cliff at a few hundred thousand
//! operations. Vector clocks cost events × chains instead, and a history has few chains
//! running at once: one per client. Clients are many over a long run, though (a Jepsen
//! process that times out is replaced by a new one), so chains are *columns* that clients
//! hand on, and one sweep in topological order lays the events out:
//!
//! - A client takes a column at its first event that knows another client's event or an
//!   operation of unknown outcome: a column some finished client released, if this event knows everything on it that
//!   anyone outside its old owner can know (so the column stays a chain for all of them),
//!   or else a new one. From then on its completed events extend that column.
//! - A client's events before that point (they know only its own completed events) stay
//!   *off* the columns, and so do operations of unknown outcome, which nothing in their session
//!   follows (except the session's last event, which may end its column). Giving those a
//!   column each was the rejected alternative: a history with many short sessions would
//!   need as many columns.
//! - A released column may go to a client that does not know all of it, as long as no
//!   event of another client ranked from then on can learn what it does not know (see
//!   [`horizon`]): the part it does not know is then out of everyone's reach, and the
//!   checks never ask about it. Waiting until the new owner knew the whole column was the
//!   rejected alternative: the last events of a client that dies are often read by a
//!   client that dies soon after, nobody else learns of them, and such columns were never
//!   handed on again (hundreds of columns at a million operations).
//!
//! Each event's clock holds, per column, one more than the highest position it knows. An
//! event `x` on a column then happens before an event `e` of another client exactly when
//! `e`'s clock passes `x`'s position and `e` is within `x`'s horizon. An event off the columns remembers the first column events it leads to
//! ([`Clocks::le`] follows those); there are few such events and they lead to few places.
//! Clocks are stored for writes only (readers look them up); a read's clock lives while
//! the sweep is at it, when the checks that need it run.

mod horizon;
mod lists;

use std::collections::{BTreeSet, HashMap};

use crate::check::causal::graph::{Ev, Graph, preds};

use horizon::Horizons;
pub(crate) use lists::Lists;

/// Where the sweep put an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// On column `col` at position `pos`.
    On {
        /// The column.
        col: u32,
        /// The position on it.
        pos: u32,
    },
    /// Off the columns.
    Off,
}

/// An off-column write, found from the column event `via` that first learned of it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Proxy {
    /// The position of `via` on its column.
    pub(crate) pos: u32,
    /// The column event.
    pub(crate) via: Ev,
    /// The write.
    pub(crate) write: Ev,
}

/// A column being laid out.
#[derive(Clone, Debug, Default)]
struct Column {
    len: u32,
    /// The horizons of its events: a new owner must know every event from the first one
    /// whose horizon reaches the new owner's rank.
    horizons: Horizons,
}

/// The layout and the clocks of one graph (which must be acyclic).
#[derive(Debug)]
pub(crate) struct Clocks {
    /// Where each event is.
    pub(crate) place: Vec<Place>,
    /// For each event, the highest rank of another client's event that learns of it
    /// (`None`: private to its client).
    pub(crate) horizon: Vec<Option<usize>>,
    /// Whether each event knows an event of another client or of unknown outcome.
    joined: Vec<bool>,
    /// Per event, the slice of `store` holding its clock, if kept.
    snaps: Vec<Option<(u32, u32)>>,
    store: Vec<u32>,
    /// For events off the columns: the first column events they lead to.
    reach: HashMap<Ev, Vec<Ev>>,
    /// Non-private column writes, per key and column: (position, event).
    pub(crate) writes_on: Lists<(u32, Ev)>,
    /// Off-column writes, per key and column of the events that first learned of them.
    pub(crate) proxies: Lists<Proxy>,
    /// Off-column writes first learned by a private event, per (session, key):
    /// (position in the session of the private event, write).
    pub(crate) private_proxies: HashMap<(usize, usize), Vec<(usize, Ev)>>,
    /// How many columns there are.
    pub(crate) width: usize,
}

/// The value of a clock at a column (clocks are stored without trailing zeros).
pub(crate) fn at(clock: &[u32], col: u32) -> u32 {
    clock.get(col as usize).copied().unwrap_or(0)
}

/// Raises `into` to at least `other`, column by column.
pub(crate) fn join(into: &mut Vec<u32>, other: &[u32]) {
    if into.len() < other.len() {
        into.resize(other.len(), 0);
    }
    for (mine, &theirs) in into.iter_mut().zip(other) {
        *mine = (*mine).max(theirs);
    }
}

impl Clocks {
    /// Lays out `g` and computes the clocks, calling `visit(clocks, event, clock)` for every
    /// event that reads, with the clock of what happens strictly before it, once
    /// everything before it is laid out.
    pub(crate) fn sweep(g: &Graph, mut visit: impl FnMut(&Clocks, Ev, &[u32])) -> Clocks {
        let n = g.events.len();
        let mut c = Clocks {
            place: vec![Place::Off; n],
            horizon: horizon::horizons(g),
            joined: vec![false; n],
            snaps: vec![None; n],
            store: Vec::new(),
            reach: HashMap::new(),
            writes_on: Lists::new(g.keys),
            proxies: Lists::new(g.keys),
            private_proxies: HashMap::new(),
            width: 0,
        };
        // Clocks kept: writes (read later) and events that an unknown one follows.
        let mut keep: Vec<bool> = g.events.iter().map(|e| e.writes).collect();
        for e in g.events.iter().filter(|e| !e.done) {
            if let Some(p) = e.so_pred {
                keep[p] = true;
            }
        }
        let last: Vec<Ev> = g
            .sessions
            .iter()
            .map(|(_, evs)| *evs.last().expect("sessions are not empty"))
            .collect();
        let mut current: Vec<Vec<u32>> = vec![Vec::new(); g.sessions.len()];
        let mut owner: Vec<Option<u32>> = vec![None; g.sessions.len()];
        // Each session's latest event on its column.
        let mut tail: Vec<Option<Ev>> = vec![None; g.sessions.len()];
        let mut columns: Vec<Column> = Vec::new();
        let mut free: BTreeSet<u32> = BTreeSet::new();
        for &ev in &g.order {
            let e = &g.events[ev];
            let s = e.session;
            // What happens strictly before `ev`: the session's clock when its latest
            // completed event is the predecessor, and the clock of the write it read.
            let mut clock = match e.so_pred {
                None => Vec::new(),
                Some(_) if e.done => std::mem::take(&mut current[s]),
                Some(p) => c.snap(p).expect("kept for its unknown successor").to_vec(),
            };
            if let Some(w) = e.source() {
                join(&mut clock, c.snap(w).expect("writes keep their clocks"));
                let ew = &g.events[w];
                c.joined[ev] = ew.session != s || !ew.done || c.joined[w];
            }
            c.joined[ev] |= e.so_pred.is_some_and(|p| c.joined[p]);
            let col = match owner[s] {
                // The session's completed events extend its column; so may its last event
                // when nothing of unknown outcome comes between.
                Some(col) if e.done || (ev == last[s] && tail[s] == e.so_pred) => Some(col),
                None if e.done && c.joined[ev] => {
                    // A released column whose events this one does not know are all out of
                    // reach of other clients from now on.
                    let rank = g.rank[ev];
                    let known = |col: &u32| {
                        let unknown = at(&clock, *col);
                        let horizon = columns[*col as usize].horizons.from(unknown);
                        horizon.is_none_or(|h| h < rank)
                    };
                    let col = match free.iter().copied().find(known) {
                        Some(col) => {
                            free.remove(&col);
                            col
                        }
                        None => {
                            columns.push(Column::default());
                            columns.len() as u32 - 1
                        }
                    };
                    owner[s] = Some(col);
                    Some(col)
                }
                _ => None,
            };
            if let Some(col) = col {
                let column = &mut columns[col as usize];
                let pos = column.len;
                column.len += 1;
                column.horizons.push(pos, c.horizon[ev]);
                if c.horizon[ev].is_some() && e.writes {
                    c.writes_on.push(e.key, col, (pos, ev));
                }
                c.place[ev] = Place::On { col, pos };
                tail[s] = Some(ev);
                c.width = columns.len();
                for p in preds(e) {
                    if c.place[p] == Place::Off {
                        c.reach_from(g, p, ev, &clock);
                    }
                }
            }
            if e.read.is_some() {
                visit(&c, ev, &clock);
            }
            if let Place::On { col, pos } = c.place[ev] {
                if clock.len() <= col as usize {
                    clock.resize(col as usize + 1, 0);
                }
                clock[col as usize] = pos + 1;
            }
            if keep[ev] {
                let len = clock.iter().rposition(|&t| t > 0).map_or(0, |i| i + 1);
                c.snaps[ev] = Some((c.store.len() as u32, len as u32));
                c.store.extend_from_slice(&clock[..len]);
            }
            if e.done {
                current[s] = clock;
            }
            if ev == last[s] {
                current[s] = Vec::new();
                if let Some(col) = owner[s].take() {
                    free.insert(col);
                }
            }
        }
        c
    }

    /// The stored clock of `ev` (the writes and the events an unknown one follows).
    pub(crate) fn snap(&self, ev: Ev) -> Option<&[u32]> {
        self.snaps[ev].map(|(at, len)| &self.store[at as usize..(at + len) as usize])
    }

    /// Records that column event `y`, whose clock (of what happens before it) is `clock`,
    /// follows off-column event `x` through events off the columns only, for `x` and
    /// everything off the columns before it.
    fn reach_from(&mut self, g: &Graph, x: Ev, y: Ev, clock: &[u32]) {
        let mut stack = vec![x];
        while let Some(x) = stack.pop() {
            if !self.add_reach(g, x, y, clock) {
                continue;
            }
            let e = &g.events[x];
            if e.writes {
                match self.place[y] {
                    Place::On { col, pos } if self.horizon[y].is_some() => {
                        let proxy = Proxy {
                            pos,
                            via: y,
                            write: x,
                        };
                        self.proxies.push(e.key, col, proxy);
                    }
                    _ => {
                        let ey = &g.events[y];
                        let list = self.private_proxies.entry((ey.session, e.key));
                        list.or_default().push((ey.pos, x));
                    }
                }
            }
            stack.extend(preds(e).filter(|&p| self.place[p] == Place::Off));
        }
    }

    /// Adds `y` to what `x` leads to, unless something there already happens before `y`.
    /// Returns whether it was added.
    fn add_reach(&mut self, g: &Graph, x: Ev, y: Ev, clock: &[u32]) -> bool {
        let known = self
            .reach
            .get(&x)
            .is_some_and(|ys| ys.iter().any(|&z| self.le(g, z, y, clock)));
        if !known {
            self.reach.entry(x).or_default().push(y);
        }
        !known
    }

    /// Whether `x` happens before `e` or is `e`, given `clock`, the clock of `e` (or of
    /// what happens strictly before it).
    pub(crate) fn le(&self, g: &Graph, x: Ev, e: Ev, clock: &[u32]) -> bool {
        if x == e {
            return true;
        }
        if g.rank[x] > g.rank[e] {
            return false;
        }
        let (ex, ee) = (&g.events[x], &g.events[e]);
        let same = ex.session == ee.session;
        if same && ex.done && ex.pos < ee.pos {
            return true;
        }
        if !ee.done {
            // An event of unknown outcome learns only through the event it follows and
            // the write it read, whose clocks are kept. (Asking its clock instead would be
            // wrong for `x` of its own client: its column may have been handed on since.)
            return preds(ee).any(|p| self.le_kept(g, x, p));
        }
        match self.place[x] {
            // A later event of `e`'s own client never happens before it.
            Place::On { col, pos } => {
                !same && self.horizon[x].is_some_and(|h| h >= g.rank[e]) && pos < at(clock, col)
            }
            // Through the first column events `x` leads to: every path from `x` to a
            // completed event on or off the columns passes one (a completed event off
            // the columns knows only its client's completed events, decided above).
            Place::Off => self.reach(x).iter().any(|&y| self.le(g, y, e, clock)),
        }
    }

    /// [`Clocks::le`] for an event whose clock is kept (a write, or an event an unknown
    /// one follows).
    pub(crate) fn le_kept(&self, g: &Graph, x: Ev, e: Ev) -> bool {
        self.le(g, x, e, self.snap(e).expect("a kept clock"))
    }

    /// The first column events `x` leads to through events off the columns.
    pub(crate) fn reach(&self, x: Ev) -> &[Ev] {
        self.reach.get(&x).map_or(&[], Vec::as_slice)
    }
}
