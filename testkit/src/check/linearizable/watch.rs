//! Counts, for every state some operation needs or mentions, the operations not yet
//! placed that need it, mention it, or could bring it back. Two prunings rest on them.
//!
//! - **Dead ends.** Suppose the state is `s`, some operation still to be placed needs
//!   exactly `s` (a read that returned it, a cas that swapped from it), and no operation
//!   still to be placed can ever bring `s` back (with unique written values: the write of
//!   `s` is already placed). Then moving the state away from `s` can never be completed,
//!   whatever comes after. The plain search would discover that only when it reaches the
//!   return of the stranded read, after trying every order of what lies in between.
//! - **Anonymous states.** In an *exact* model (see [`Facts::exact`]) a state that no
//!   remaining operation mentions behaves like any other such state: every remaining read
//!   rejects it, every remaining cas fails on it, every write replaces it. The memo then
//!   files all of them under one key, [`ANONYMOUS`], so that two orders of unobserved
//!   writes that differ only in which one came last meet in the memo.

use crate::check::search::{Bits, StateId, States};
use crate::history::Operation;

use crate::model::Facts;

/// The memo key of every state that no remaining operation mentions.
pub(crate) const ANONYMOUS: StateId = StateId::MAX;

/// "No state" in the per-operation tables.
const NONE: StateId = StateId::MAX;

/// Lists of small integers stored back to back: list `i` is
/// `items[start[i]..start[i + 1]]`. One allocation for all lists instead of one each.
struct Lists {
    start: Vec<u32>,
    items: Vec<u32>,
}

impl Lists {
    /// Lists `0..n` built from (list, item) pairs, each list in the order given.
    fn new(n: usize, pairs: impl Iterator<Item = (u32, u32)> + Clone) -> Self {
        let mut start = vec![0u32; n + 1];
        for (list, _) in pairs.clone() {
            start[list as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut items = vec![0; start[n] as usize];
        for (list, item) in pairs {
            items[fill[list as usize] as usize] = item;
            fill[list as usize] += 1;
        }
        Lists { start, items }
    }

    fn get(&self, i: usize) -> &[u32] {
        &self.items[self.start[i] as usize..self.start[i + 1] as usize]
    }
}

/// Per-state counts over the operations not yet placed. States are interned before the
/// search starts, so the tracked ones have the ids `0..tracked`.
pub(crate) struct Watch {
    tracked: u32,
    exact: bool,
    /// Per operation: the state it needs, if it is required and needs one.
    needs: Vec<StateId>,
    /// Per operation: the state it mentions (exact models only).
    mentions: Vec<StateId>,
    /// Per operation: the tracked states it could bring back.
    restores: Lists,
    /// Per operation: whether it is optional (its restoring is counted apart).
    optional: Vec<bool>,
    /// Per tracked state: the operations that need it, by deadline.
    needers: Lists,
    /// Per tracked state: the required operations that could bring it back, in the
    /// order the caller gave (see [`Watch::new`]).
    writers: Lists,
    needed: Vec<u32>,
    mentioned: Vec<u32>,
    restorers: Vec<u32>,
    optional_restorers: Vec<u32>,
}

impl Watch {
    /// Interns the states the operations need or mention into `states` and counts them;
    /// `deadline(i)` is operation `i`'s return or the deadline that stands for it, `None`
    /// for an optional operation; `order(i)` orders the lists of [`Watch::writers`].
    pub(crate) fn new<M: Facts>(
        model: &M,
        ops: &[&Operation],
        deadline: impl Fn(usize) -> Option<u64>,
        order: impl Fn(usize) -> u64,
        states: &mut States<'_, M>,
    ) -> Self {
        let exact = model.exact();
        let needs: Vec<StateId> = ops
            .iter()
            .enumerate()
            .map(|(i, op)| match model.needs(op) {
                Some(s) if deadline(i).is_some() => states.intern(s),
                _ => NONE,
            })
            .collect();
        let mentions: Vec<StateId> = ops
            .iter()
            .map(|op| match model.mentions(op) {
                Some(s) if exact => states.intern(s),
                _ => NONE,
            })
            .collect();
        let tracked = states.len() as u32;
        let targets: Vec<StateId> = {
            let mut t: Vec<StateId> = needs.iter().copied().filter(|&s| s != NONE).collect();
            t.sort_unstable();
            t.dedup();
            t
        };
        let restores_of = |i: usize, states: &States<'_, M>| -> Vec<u32> {
            let op = ops[i];
            if exact {
                // Exact models restore a state only by writing it.
                model
                    .writes(op)
                    .and_then(|w| states.find(&w))
                    .filter(|&id| id < tracked)
                    .into_iter()
                    .collect()
            } else {
                targets
                    .iter()
                    .copied()
                    .filter(|&t| model.leads_to(op, states.get(t)))
                    .collect()
            }
        };
        let pairs: Vec<(u32, u32)> = (0..ops.len())
            .flat_map(|i| {
                restores_of(i, states)
                    .into_iter()
                    .map(move |s| (i as u32, s))
            })
            .collect();
        let restores = Lists::new(ops.len(), pairs.iter().copied());
        let mut inverse: Vec<(u32, u32)> = pairs
            .iter()
            .filter(|&&(i, _)| deadline(i as usize).is_some())
            .map(|&(i, s)| (s, i))
            .collect();
        inverse.sort_by_key(|&(s, i)| (s, order(i as usize), i));
        let writers = Lists::new(tracked as usize, inverse.iter().copied());
        let mut by_deadline: Vec<u32> = (0..ops.len() as u32)
            .filter(|&i| needs[i as usize] != NONE)
            .collect();
        by_deadline.sort_by_key(|&i| (deadline(i as usize), i));
        let needers = Lists::new(
            tracked as usize,
            by_deadline.iter().map(|&i| (needs[i as usize], i)),
        );
        let mut watch = Watch {
            needers,
            writers,
            tracked,
            exact,
            needs,
            mentions,
            restores,
            optional: (0..ops.len()).map(|i| deadline(i).is_none()).collect(),
            needed: vec![0; tracked as usize],
            mentioned: vec![0; tracked as usize],
            restorers: vec![0; tracked as usize],
            optional_restorers: vec![0; tracked as usize],
        };
        for i in 0..ops.len() {
            watch.count(i, 1);
        }
        watch
    }

    /// Adds `by` (1 or -1 as wrapping) to the counts operation `i` contributes to.
    fn count(&mut self, i: usize, by: u32) {
        let s = self.needs[i];
        if s != NONE {
            self.needed[s as usize] = self.needed[s as usize].wrapping_add(by);
        }
        let s = self.mentions[i];
        if s != NONE {
            self.mentioned[s as usize] = self.mentioned[s as usize].wrapping_add(by);
        }
        let optional = self.optional[i];
        let start = self.restores.start[i] as usize;
        let end = self.restores.start[i + 1] as usize;
        for k in start..end {
            let s = self.restores.items[k] as usize;
            self.restorers[s] = self.restorers[s].wrapping_add(by);
            if optional {
                self.optional_restorers[s] = self.optional_restorers[s].wrapping_add(by);
            }
        }
    }

    /// Operation `i` was placed.
    pub(crate) fn place(&mut self, i: usize) {
        self.count(i, u32::MAX);
    }

    /// Operation `i` was taken back.
    pub(crate) fn unplace(&mut self, i: usize) {
        self.count(i, 1);
    }

    /// Whether placing operation `op`, which moves the state away from `state`, strands
    /// an operation that needs `state`: one other than `op` still needs it, and nothing
    /// still unplaced (`op` included: a put of a prefix can be appended back) could bring
    /// it back.
    pub(crate) fn strands(&self, state: StateId, op: usize) -> bool {
        if state >= self.tracked {
            return false;
        }
        let own = u32::from(self.needs[op] == state);
        self.needed[state as usize] > own && self.restorers[state as usize] == 0
    }

    /// The state that placing operation `op` without writing it, leaving the state at
    /// `next`, strands (exact models only): one `op` could write, that no other unplaced
    /// operation could write, and that an unplaced operation other than `op` needs.
    /// After the placement the state is not that one and nothing can make it so.
    pub(crate) fn forgoes(&self, op: usize, next: StateId) -> Option<StateId> {
        if !self.exact {
            return None;
        }
        self.restores.get(op).iter().copied().find(|&s| {
            let own = u32::from(self.needs[op] == s);
            s != next && self.restorers[s as usize] == 1 && self.needed[s as usize] > own
        })
    }

    /// The state operation `op` needs, if it is required and needs one.
    pub(crate) fn needs(&self, op: usize) -> Option<StateId> {
        Some(self.needs[op]).filter(|&s| s != NONE)
    }

    /// Whether operation `op` could bring `state` back.
    pub(crate) fn restores(&self, op: usize, state: StateId) -> bool {
        self.restores.get(op).contains(&state)
    }

    /// The required operations that could bring `state` back, placed or not, in the
    /// order given to [`Watch::new`].
    pub(crate) fn writers(&self, state: StateId) -> &[u32] {
        if state >= self.tracked {
            return &[];
        }
        self.writers.get(state as usize)
    }

    /// The operations that need `state`, placed or not, by deadline.
    pub(crate) fn needers(&self, state: StateId) -> &[u32] {
        if state >= self.tracked {
            return &[];
        }
        self.needers.get(state as usize)
    }

    /// Whether nothing unplaced but `op` could bring `state` back.
    pub(crate) fn unrestorable_without(&self, state: StateId, op: usize) -> bool {
        state < self.tracked
            && self.restorers[state as usize] == u32::from(self.restores(op, state))
    }

    /// Whether nothing still unplaced could write `state` (or a start of it) again.
    pub(crate) fn unrestorable(&self, state: StateId) -> bool {
        state < self.tracked && self.restorers[state as usize] == 0
    }

    /// The operation that placing `op` (moving away from `state`) strands, if it strands
    /// one ([`Watch::strands`]): of those still needing `state` and not placed (`placed`
    /// says which are), the first to return; `op` itself when it is the only one.
    pub(crate) fn strands_which(&self, state: StateId, op: usize, placed: &Bits) -> Option<u32> {
        if !self.strands(state, op) {
            return None;
        }
        let left = self.stranded(state, |i| i == op || placed.contains(i));
        Some(left.unwrap_or(op) as u32)
    }

    /// Whether an optional operation still unplaced could bring `state` back.
    pub(crate) fn optionally_restorable(&self, state: StateId) -> bool {
        state >= self.tracked || self.optional_restorers[state as usize] > 0
    }

    /// The operation stranded by leaving `state`: of those still needing it (`placed`
    /// says which are placed), the first to return.
    pub(crate) fn stranded(&self, state: StateId, placed: impl Fn(usize) -> bool) -> Option<usize> {
        if state >= self.tracked {
            return None;
        }
        let list = self.needers.get(state as usize);
        list.iter().map(|&i| i as usize).find(|&i| !placed(i))
    }

    /// The memo key of `state`: [`ANONYMOUS`] when the model is exact and no remaining
    /// operation mentions it, the state itself otherwise.
    pub(crate) fn key(&self, state: StateId) -> StateId {
        let unmentioned = state >= self.tracked || self.mentioned[state as usize] == 0;
        if self.exact && unmentioned {
            ANONYMOUS
        } else {
            state
        }
    }
}
