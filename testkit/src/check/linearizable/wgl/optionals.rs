//! The operations of unknown outcome: their classes of equal effects, and the rules that
//! decide which of them a dead end tries and in which order. Each rule is sound for the
//! reason given where it is defined and in `docs/src/checkers.md`.

use super::{Placement, Search};
use crate::check::search::StateId;
use crate::history::{Action, Operation};
use crate::model::Facts;

/// The operations of unknown outcome, in classes of operations with equal effects: in
/// an exact model, those with the same action (an unknown outcome makes two writes of
/// one value, or two swaps between the same values, alike in every state); otherwise
/// each is a class of its own. Only the first unplaced member of a class (by call) is
/// ever tried, so the placed members of a class are always its first few.
///
/// Why that loses no order: say an order goes on from here by placing a later member
/// `b` of a class whose first unplaced member is `a`. Exchange them: `a` now, `b` where
/// `a` was (or nowhere, if `a` was left out). Every state stays the same, and both can
/// go where they now are, since `a` was called no later than `b` and neither has a
/// return that anything must follow. With repeated values the operations of unknown
/// outcome pile up (none ever returns), and trying each one at every dead end made a
/// dead end cost their number; now it costs the number of classes.
pub(super) struct Optionals {
    /// Per class, in the order of its first member's call: its members by call.
    pub(super) members: Vec<Vec<u32>>,
    /// Per class: the call of its first member.
    pub(super) first_call: Vec<u64>,
    /// Per class: how many of its members are placed (its first ones).
    pub(super) placed: Vec<u32>,
    /// Per operation: its bit in the memo key's optional part (`u32::MAX`: required).
    pub(super) bit: Vec<u32>,
}

impl Optionals {
    /// Classes of `optional`, the optional operations sorted by call.
    pub(super) fn new(ops: &[&Operation], optional: &[u32], exact: bool) -> Self {
        let mut by_action: hashbrown::HashMap<&Action, u32> = hashbrown::HashMap::new();
        let mut list = Optionals {
            members: Vec::new(),
            first_call: Vec::new(),
            placed: Vec::new(),
            bit: vec![u32::MAX; ops.len()],
        };
        for (k, &i) in optional.iter().enumerate() {
            let op = ops[i as usize];
            list.bit[i as usize] = k as u32;
            let fresh = list.members.len() as u32;
            let class = match exact {
                true => *by_action.entry(&op.action).or_insert(fresh),
                false => fresh,
            };
            if class == fresh {
                list.members.push(Vec::new());
                list.first_call.push(op.call);
                list.placed.push(0);
            }
            list.members[class as usize].push(i);
        }
        list
    }

    /// The first unplaced member of class `k`, if one is left.
    pub(super) fn front(&self, k: u32) -> Option<u32> {
        let k = k as usize;
        self.members[k].get(self.placed[k] as usize).copied()
    }
}

impl<M: Facts> Search<'_, M> {
    /// Whether an operation of unknown outcome placed at a dead end, leaving the state at
    /// `next`, could help (exact models): some operation that can still go before the
    /// first return left needs `next` (a read of it, a swap from it) or, being of
    /// unknown outcome, asks about `next`; or one that can go before that return asks
    /// about the current state and reported failing or is of unknown outcome (leaving
    /// the state is what lets it fail); or an operation of unknown outcome called before
    /// `deadline` asks about `next`.
    ///
    /// When none does, placing it is never needed. Take an order that goes on from here
    /// with it. What follows it up to the next change of state are operations that
    /// change nothing in `next` (observers, swaps of unknown outcome from a state other
    /// than `next`); none of them needs `next` or asks about the current state, so each
    /// changes nothing in the current state either and can go before it. The change
    /// that follows is then a write (a swap would need `next` or ask about it), which
    /// leaves the same state whether or not the operation went first, so the operation
    /// can be left out. With five
    /// values and 64 clients the operations of unknown outcome pile up, and trying each
    /// at every dead end multiplied the dead ends.
    pub(super) fn wanted(&self, next: StateId, deadline: u64) -> bool {
        let mut e = self.list.first();
        loop {
            let op = self.list.op[e as usize] as usize;
            let asks = self.asks[op];
            let unknown = self.ops[op].output().is_none();
            if self.watch.needs(op) == Some(next) || asks == self.state || (unknown && asks == next)
            {
                return true;
            }
            if !self.list.is_call(e) {
                break;
            }
            e = self.list.next[e as usize];
        }
        let opt = &self.optionals;
        (0..opt.members.len() as u32)
            .take_while(|&k| opt.first_call[k as usize] < deadline)
            .filter_map(|k| opt.front(k))
            .any(|m| self.ops[m as usize].call < deadline && self.asks[m as usize] == next)
    }

    /// Whether placing `op`, which changes the state, would make the operation of
    /// unknown outcome placed last idle (exact models): nothing placed since it changed
    /// the state, `op` does not need the value it left (nor, being of unknown outcome,
    /// ask about it), and none of the operations placed since it read that value, asked
    /// about the value before it as a failed swap or one of unknown outcome, or asked
    /// about its value being of unknown outcome. By the argument of [`Search::wanted`],
    /// any order that goes on this way is matched by one without that operation, which
    /// the search tries anyway; so this placement is refused. It is what makes the rule
    /// of [`Search::wanted`] bite when every value is wanted somewhere.
    pub(super) fn follows_idle_optional(&self, op: u32) -> bool {
        let w = self.state;
        let unknown = |p: usize| self.ops[p].output().is_none();
        let op = op as usize;
        if self.watch.needs(op) == Some(w) || (unknown(op) && self.asks[op] == w) {
            return false;
        }
        // The placements since the last change of state, and the one that made it.
        let Some(at) = self.stack.iter().rposition(|&(_, before)| before != w) else {
            return false;
        };
        let (how, before) = self.stack[at];
        if !matches!(how, Placement::Optional(..)) {
            return false;
        }
        !self.stack[at + 1..].iter().any(|&(how, _)| {
            let p = self.op_of(how) as usize;
            self.watch.needs(p) == Some(w)
                || self.asks[p] == before
                || (unknown(p) && self.asks[p] == w)
        })
    }

    /// Whether the class `k` of writes of unknown outcome need not be tried at this dead
    /// end, because a swap of unknown outcome from the current state to the value they
    /// write, called before `deadline`, is tried there instead (exact models).
    ///
    /// Why that loses no order: take an order that places the write `w` now, in state
    /// `u`, where the swap `s` from `u` to the same value is unplaced. If the order
    /// places `s` later, it does so where the state is `u` (elsewhere it changes
    /// nothing and can be left out): put `s` now and `w` there, which writes the same
    /// value from `u`. If it never places `s`, put `s` now and leave `w` out. Either
    /// way every state along the order stays the same, so every operation is as legal
    /// as before, and both were called before now. With repeated values and many
    /// timed-out clients, writes and swaps of every value stay open to the end, and
    /// trying both at every dead end explored each such order twice.
    pub(super) fn stood_in_for(&self, k: u32, deadline: u64) -> bool {
        let opt = &self.optionals;
        let is_write = |m: u32| matches!(self.ops[m as usize].action, Action::Write(_));
        if !opt.front(k).is_some_and(is_write) {
            return false;
        }
        // The classes that write what `k` writes (none when nothing needs it).
        let Some(writers) = self
            .class_writes
            .get(k as usize)
            .and_then(|&w| self.optional_writers.get(w as usize))
        else {
            return false;
        };
        writers.iter().filter_map(|&c| opt.front(c)).any(|s| {
            let swap = self.ops[s as usize];
            matches!(swap.action, Action::Cas { .. })
                && swap.call < deadline
                && self.asks[s as usize] == self.state
        })
    }

    /// Whether the class `k` of operations of unknown outcome writes `need`, the state
    /// the operation at the first return left needs (exact models): at a dead end those
    /// are tried first. Only the order of trying changes.
    pub(super) fn serves(&self, k: u32, need: StateId) -> bool {
        need != StateId::MAX && self.class_writes.get(k as usize) == Some(&need)
    }
}
