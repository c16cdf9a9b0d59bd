//! The rules that refuse a placement because it leaves an operation no place: rules 1
//! to 4 of [`Search::strands`], and the "certain writers take effect" rule of
//! [`Search::forgoes`]. Each is sound for the reason given where it is defined and in
//! `docs/src/checkers.md`.

use super::{FAR, LOOKAHEAD, MANY, Search};
use crate::check::search::StateId;
use crate::model::Facts;

impl<M: Facts> Search<'_, M> {
    /// Whether moving to state `next` by placing `op` strands an operation, and which.
    ///
    /// An operation that must be placed and needs a state (a read, a swap) can only be
    /// placed while the state is that one. Placing `op` is refused when afterwards:
    ///
    /// 1. an operation still needs the state being left and nothing unplaced could
    ///    bring it back; or
    /// 2. one of the first few operations left to return needs a state other than
    ///    `next` that `next` does not grow into, and nothing that may still go before
    ///    it could bring that state back: no optional operation, and none of the
    ///    unplaced operations called before it returned; or
    /// 3. (exact models) nothing else could bring `next` back once it is left, some
    ///    operation that needs `next` is called after one of those first few returned,
    ///    and that one needs another state: between them the state must leave `next`
    ///    and come back;
    /// 4. (exact models) among the first few operations left to return, the swaps that
    ///    consume a state `t` (a completed cas from `t` to another state) up to one of
    ///    them outnumber the ways `t` can still come about before that one returns: the
    ///    state after the placement, if it is `t`, and each unplaced operation other
    ///    than `op` that could write `t` and is called before that return. Every such
    ///    swap needs the state to be `t` just before it and leaves it otherwise, so
    ///    each needs an arrival at `t` of its own.
    ///
    /// Either way no completion exists, so refusing loses nothing. Looking at the first
    /// few returns, not all, keeps this cheap; it is the next reads that a wrong write
    /// usually strands. Rule 2 is what notices, with repeated values, that the writes
    /// that could restore a value are all called too late; rule 3 is what keeps the
    /// search from writing values out of order when many clients write at once; rule 4
    /// is what stops it spending one write of a value on two swaps from it, when many
    /// clients swap from the same few values.
    pub(super) fn strands(&self, op: u32, next: StateId) -> Option<u32> {
        let watch = &self.watch;
        if let Some(culprit) = watch.strands_which(self.state, op as usize, &self.placed) {
            return Some(culprit);
        }
        let model = self.states.model();
        let late = if model.exact() && watch.unrestorable_without(next, op as usize) {
            self.latest_needer(next, op)
        } else {
            None
        };
        let first = self.list.first();
        let mut e = first;
        let mut looked = 0;
        // Rule 4's count per state: the consuming swaps seen so far among the returns.
        let mut consumers: [(StateId, u32); LOOKAHEAD] = [(StateId::MAX, 0); LOOKAHEAD];
        while e as usize + 2 < self.list.op.len() {
            let done_late = late.is_none_or(|(call, _)| e >= call) || looked >= FAR;
            if looked >= LOOKAHEAD && done_late {
                break;
            }
            let other = self.list.op[e as usize];
            if !self.list.is_call(e) {
                looked += 1;
                let needs = watch.needs(other as usize).filter(|&t| t != next);
                if other != op
                    && let Some((call, needer)) = late
                    && e < call
                    && (needs.is_some() || self.changes[other as usize])
                {
                    return Some(needer);
                }
                if other != op
                    && looked <= LOOKAHEAD
                    && let Some(t) = needs
                    && !model.reaches(self.states.get(next), self.states.get(t))
                    && !self.restorable_before(t, e, op, other, first)
                {
                    return Some(other);
                }
                if other != op
                    && looked <= LOOKAHEAD
                    && self.consumes[other as usize]
                    && let Some(t) = watch.needs(other as usize)
                {
                    let slot = consumers
                        .iter()
                        .position(|&(s, k)| s == t || k == 0)
                        .expect("one slot per return looked at");
                    consumers[slot] = (t, consumers[slot].1 + 1);
                    let needed = consumers[slot].1 - u32::from(next == t);
                    if needed > 0 && self.arrivals_before(t, e, op, first, needed) < needed {
                        return Some(other);
                    }
                }
            }
            e = self.list.next[e as usize];
        }
        None
    }

    /// Whether placing `op` without the effect it could have (it leaves the state at
    /// `next`, not at the state it writes) strands an operation, and which: in an exact
    /// model, when `op` is the last unplaced writer of a state another unplaced
    /// operation needs, nothing can write that state after it. This is what an
    /// operation of unknown outcome given a deadline (see `reduce`) meets when it is
    /// placed where it changes nothing, as a swap from another state does.
    pub(super) fn forgoes(&self, op: u32, next: StateId) -> Option<u32> {
        let state = self.watch.forgoes(op as usize, next)?;
        let placed = &self.placed;
        let left = self
            .watch
            .stranded(state, |i| i == op as usize || placed.contains(i));
        Some(left.unwrap_or(op as usize) as u32)
    }

    /// Of the unplaced operations other than `op` that need `state`, the one called
    /// last, with its call entry; `None` when there are none or too many to look at.
    pub(super) fn latest_needer(&self, state: StateId, op: u32) -> Option<(u32, u32)> {
        let needers = self.watch.needers(state);
        if needers.len() > MANY {
            return None;
        }
        needers
            .iter()
            .copied()
            .filter(|&i| i != op && !self.placed.contains(i as usize))
            .map(|i| (self.list.call_at[i as usize], i))
            .max()
    }

    /// Whether `state` could be brought back before return entry `at`: by an optional
    /// operation, or by an unplaced required one (not `op`, not `other`) whose call
    /// entry comes before `at`. Those called before `first`, the first entry left, are
    /// all placed, so only the writers between need looking at.
    pub(super) fn restorable_before(
        &self,
        state: StateId,
        at: u32,
        op: u32,
        other: u32,
        first: u32,
    ) -> bool {
        if self.optionally_restorable_before(state, at, op) {
            return true;
        }
        let writers = self.watch.writers(state);
        let call_at = &self.list.call_at;
        let end = writers.partition_point(|&w| call_at[w as usize] < at);
        writers[..end]
            .iter()
            .rev()
            .take_while(|&&w| call_at[w as usize] >= first)
            .any(|&w| w != op && w != other && !self.placed.contains(w as usize))
    }

    /// How many unplaced operations other than `op` could write `state` before return
    /// entry `at` (required ones called before it, optional ones called before its
    /// time), counted up to `enough`. As in [`Search::restorable_before`], the required
    /// writers called before `first` are all placed.
    pub(super) fn arrivals_before(
        &self,
        state: StateId,
        at: u32,
        op: u32,
        first: u32,
        enough: u32,
    ) -> u32 {
        let writers = self.watch.writers(state);
        let call_at = &self.list.call_at;
        let end = writers.partition_point(|&w| call_at[w as usize] < at);
        let mut count = writers[..end]
            .iter()
            .rev()
            .take_while(|&&w| call_at[w as usize] >= first)
            .filter(|&&w| w != op && !self.placed.contains(w as usize))
            .take(enough as usize)
            .count() as u32;
        if count >= enough || !self.watch.optionally_restorable(state) {
            return count;
        }
        let Some(classes) = self.optional_writers.get(state as usize) else {
            return enough;
        };
        let (opt, time) = (&self.optionals, self.list.time[at as usize]);
        for &k in classes {
            let placed = opt.placed[k as usize] as usize;
            let members = &opt.members[k as usize][placed..];
            count += members
                .iter()
                .take_while(|&&m| self.ops[m as usize].call < time)
                .filter(|&&m| m != op)
                .count() as u32;
            if count >= enough {
                return count;
            }
        }
        count
    }

    /// Whether an optional operation other than `op` could bring `state` back before
    /// return entry `at`. In an exact model only one called before `at` can: the search
    /// places nothing called after the first return left, and `at` is one of the returns
    /// left. Looking at the first unplaced member of each class that writes `state`
    /// suffices, as it is the one called first. Counting every unplaced optional writer
    /// instead, as other models still do, let a timeout of the history's last second
    /// keep this rule from refusing anything in its first.
    pub(super) fn optionally_restorable_before(&self, state: StateId, at: u32, op: u32) -> bool {
        if !self.watch.optionally_restorable(state) {
            return false;
        }
        let Some(classes) = self.optional_writers.get(state as usize) else {
            return true;
        };
        let (opt, time) = (&self.optionals, self.list.time[at as usize]);
        classes.iter().any(|&k| {
            let placed = opt.placed[k as usize] as usize;
            let members = &opt.members[k as usize][placed..];
            let first = members.iter().find(|&&m| m != op);
            first.is_some_and(|&m| self.ops[m as usize].call < time)
        })
    }
}
