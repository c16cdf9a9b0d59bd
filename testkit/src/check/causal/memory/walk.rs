//! Walks that never go back: the serializations most histories have, found in one pass
//! each, before the search of the parent module is needed (see its docs).

use std::collections::HashMap;

use crate::check::causal::graph::{Ev, Graph, preds};
use crate::check::{Evidence, Violation};
use crate::history::{History, show};

/// A serialization for every client whose reads are `checked` (one order for all of
/// them), found without searching: the events of the whole graph in the order of their
/// ranks (which follows call times where happens-before allows), except that a write
/// waits while a read checked and still to come returns the value it would overwrite.
/// Those reads must each find their value when their turn comes. `Err` when the walk got
/// stuck, which proves nothing (it does not go back), with the clients whose reads it
/// could not fit (empty when it cannot tell). Each event placed counts as a step.
///
/// What it finds is a serialization: events go only after their predecessors (session
/// order and reads-from, so happens-before), and a read checked goes only where the
/// last write of its key is the one it read. The reads not checked are placed too, with
/// no effect, as their places in happens-before are what orders the events after them.
/// One order serves each client checked: leaving out the other clients' reads changes
/// no read's last write.
pub(super) fn quick_serialization(
    g: &Graph,
    succ: &[Vec<Ev>],
    checked: &[bool],
    steps: &mut u64,
) -> Result<(), Vec<usize>> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let n = g.events.len();
    // The value an event checked reads (`Some(None)`: the initial one), if any.
    let reads = |ev: Ev| -> Option<Option<Ev>> {
        let e = &g.events[ev];
        checked[e.session].then(|| e.value_read()).flatten()
    };
    // How many reads checked and still to place return each value, at its slot: a
    // write's own index, and past the events, one per key for its initial value.
    let slot = |value: Option<Ev>, key: usize| value.unwrap_or(n + key);
    let mut needers = vec![0u32; n + g.keys];
    for ev in 0..n {
        if let Some(r) = reads(ev) {
            needers[slot(r, g.events[ev].key)] += 1;
        }
    }
    // Writes that must come before others for a read checked to find its value: of each
    // such read, its client's own latest write of the key before it, and the value its
    // client's latest read of the key before it returned, both in its causal past, must
    // precede the write it read (unless it is that write). These only steer the walk:
    // what it finds is a serialization whatever they say, and if they are wrong it only
    // gets stuck. Each comes with the client whose read asks for it.
    let mut before: Vec<(Ev, Ev, usize)> = Vec::new();
    for (s, (_, events)) in g.sessions.iter().enumerate() {
        if !checked[s] {
            continue;
        }
        let mut last: HashMap<usize, (Option<Ev>, Option<Ev>)> = HashMap::new();
        for &ev in events {
            let e = &g.events[ev];
            let (wrote, read) = last.entry(e.key).or_default();
            if let Some(w) = e.source() {
                for earlier in [*wrote, *read].into_iter().flatten() {
                    if earlier != w {
                        before.push((earlier, w, s));
                    }
                }
            }
            if !e.done {
                // Nothing of its client follows an operation of unknown outcome.
                continue;
            }
            if let Some(w) = e.source() {
                *read = Some(w);
            }
            if e.writes {
                *wrote = Some(ev);
            }
        }
    }
    // A write that must come before a swap checked must come before the write the swap
    // read too (it cannot go between them), and so on down a chain of swaps.
    let mut at = 0;
    while at < before.len() && before.len() <= 4 * n {
        let (earlier, w, client) = before[at];
        at += 1;
        if let Some(Some(s)) = reads(w)
            && s != earlier
        {
            before.push((earlier, s, client));
        }
    }
    let mut later: HashMap<Ev, Vec<Ev>> = HashMap::new();
    let mut waiting: Vec<u32> = g.events.iter().map(|e| preds(e).count() as u32).collect();
    for &(a, b, _) in &before {
        later.entry(a).or_default().push(b);
        waiting[b] += 1;
    }
    let mut ready: BinaryHeap<Reverse<(usize, Ev)>> = (0..n)
        .filter(|&ev| waiting[ev] == 0)
        .map(|ev| Reverse((g.rank[ev], ev)))
        .collect();
    let mut state: Vec<Option<Ev>> = vec![None; g.keys];
    let mut held: Vec<Vec<Ev>> = vec![Vec::new(); g.keys];
    let mut done = vec![false; n];
    while let Some(Reverse((_, ev))) = ready.pop() {
        let e = &g.events[ev];
        let key = e.key;
        let read = reads(ev);
        if read.is_some_and(|r| r != state[key]) {
            return Err(vec![e.session]);
        }
        if e.writes {
            // A write overwrites the current value only when no read checked and still to
            // come returns it (other than this event's own read part).
            let current = state[key];
            let own = u32::from(read == Some(current));
            if needers[slot(current, key)] > own {
                held[key].push(ev);
                continue;
            }
        }
        *steps += 1;
        done[ev] = true;
        if let Some(r) = read {
            needers[slot(r, key)] -= 1;
        }
        if e.writes {
            state[key] = Some(ev);
        }
        // Writes held back for the value now current may go when nobody still wants it
        // but themselves (a swap reads it): they are tried again, and held again if not.
        let current = state[key];
        let wanted = needers[slot(current, key)];
        let own = |h: &Ev| u32::from(reads(*h) == Some(current));
        if held[key].iter().any(|h| wanted <= own(h)) {
            ready.extend(held[key].drain(..).map(|h| Reverse((g.rank[h], h))));
        }
        let also = later.get(&ev).map_or(&[][..], Vec::as_slice);
        for &next in succ[ev].iter().chain(also) {
            waiting[next] -= 1;
            if waiting[next] == 0 {
                ready.push(Reverse((g.rank[next], next)));
            }
        }
    }
    if done.iter().all(|&d| d) {
        return Ok(());
    }
    // Stuck: the clients of the reads still to come that hold writes back, and those
    // whose reads asked for a write to wait that only that keeps waiting.
    let holding = (0..n)
        .filter(|&ev| !done[ev])
        .filter(|&ev| {
            let key = g.events[ev].key;
            reads(ev).is_some_and(|r| r == state[key]) && !held[key].is_empty()
        })
        .map(|ev| g.events[ev].session);
    let asking = (before.iter())
        .filter(|&&(a, b, _)| !done[a] && !done[b] && preds(&g.events[b]).all(|p| done[p]))
        .map(|&(_, _, client)| client);
    let mut blamed: Vec<usize> = holding.chain(asking).collect();
    blamed.sort_unstable();
    blamed.dedup();
    Err(blamed)
}

/// A client that saw a value of a key replaced and then saw it again (see
/// [`changed_mind`]): events of its session, each seeing a value (`None`: the initial
/// one).
pub(super) struct ChangedMind {
    first: (Ev, Option<Ev>),
    other: (Ev, Option<Ev>),
    again: Ev,
}

/// The first time `session` sees a value of a key again after seeing another one since:
/// its events in session order, each seeing the value it read (a read, a swap before it
/// writes) and then the value it wrote (a write, a swap); only completed events count,
/// as only they come before the client's later ones. No serialization of the client has
/// it: each value is written once, so in the client's order the write of the value seen
/// first comes once, before the first event; the write of the other value is the last
/// write of the key before the other event, so it comes after that write; and then the
/// last write before the event seeing the first value again cannot be its write. A
/// client reading 1, 2, 1 of concurrent writes is the plainest case.
pub(super) fn changed_mind(g: &Graph, session: usize) -> Option<ChangedMind> {
    // Per key: the last value seen and the event that saw it, and where each value was
    // last seen.
    let mut last: HashMap<usize, (Option<Ev>, Ev)> = HashMap::new();
    let mut seen: HashMap<(usize, Option<Ev>), Ev> = HashMap::new();
    for &ev in &g.sessions[session].1 {
        let e = &g.events[ev];
        if !e.done {
            continue;
        }
        let read = e.value_read();
        let wrote = e.writes.then_some(Some(ev));
        for value in [read, wrote].into_iter().flatten() {
            if let Some(&(previous, by)) = last.get(&e.key)
                && previous != value
                && let Some(&first) = seen.get(&(e.key, value))
            {
                return Some(ChangedMind {
                    first: (first, value),
                    other: (by, previous),
                    again: ev,
                });
            }
            last.insert(e.key, (value, ev));
            seen.insert((e.key, value), ev);
        }
    }
    None
}

impl ChangedMind {
    pub(super) fn violation(&self, history: &History, g: &Graph) -> Violation {
        let op = |ev: Ev| g.events[ev].op;
        let label = |ev: Ev| format!("op {} ({})", op(ev), history.op(op(ev)).label());
        let value = |w: Option<Ev>| match w {
            None => "nil".to_owned(),
            Some(w) => show(&history.op(op(w)).action.written().cloned()),
        };
        let (first, v1) = self.first;
        let (other, v2) = self.other;
        let mut ops = Vec::new();
        for ev in [v1, Some(first), v2, Some(other), Some(self.again)]
            .into_iter()
            .flatten()
        {
            if !ops.contains(&op(ev)) {
                ops.push(op(ev));
            }
        }
        Violation {
            broken: "causal-memory".to_owned(),
            summary: format!(
                "client {}'s reads fit no single order of all writes and its own operations \
                 that respects happens-before: it saw {} ({}), then {} ({}), then {} again \
                 ({}). In its one order the write of {} comes after the write of {} and \
                 before its own {}, and nothing can bring {} back: each value is written once",
                g.sessions[g.events[first].session].0,
                value(v1),
                label(first),
                value(v2),
                label(other),
                value(v1),
                label(self.again),
                value(v2),
                value(v1),
                label(other),
                value(v1),
            ),
            evidence: Evidence::Ops { ops },
        }
    }
}
