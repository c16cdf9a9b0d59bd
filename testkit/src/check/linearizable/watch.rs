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

use crate::check::search::{StateId, States};
use crate::history::Operation;

use super::facts::Facts;

/// The memo key of every state that no remaining operation mentions.
pub(crate) const ANONYMOUS: StateId = StateId::MAX;

/// Per-state counts over the operations not yet placed. States are interned before the
/// search starts, so the tracked ones have the ids `0..tracked`.
pub(crate) struct Watch {
    tracked: u32,
    exact: bool,
    /// Per operation: the state it needs, if it is required and needs one.
    needs: Vec<Option<StateId>>,
    /// Per operation: the state it mentions (exact models only).
    mentions: Vec<Option<StateId>>,
    /// Per operation: the tracked states it could bring back.
    restores: Vec<Vec<StateId>>,
    /// Per tracked state: the operations that need it, by return time.
    needers: Vec<Vec<u32>>,
    needed: Vec<u32>,
    mentioned: Vec<u32>,
    restorers: Vec<u32>,
}

impl Watch {
    /// Interns the states the operations need or mention into `states` and counts them;
    /// `required(i)` says whether operation `i` must be placed.
    pub(crate) fn new<M: Facts>(
        model: &M,
        ops: &[&Operation],
        required: impl Fn(usize) -> bool,
        states: &mut States<'_, M>,
    ) -> Self {
        let exact = model.exact();
        let needs: Vec<Option<StateId>> = ops
            .iter()
            .enumerate()
            .map(|(i, op)| {
                let s = model.needs(op).filter(|_| required(i))?;
                Some(states.intern(s))
            })
            .collect();
        let mentions: Vec<Option<StateId>> = ops
            .iter()
            .map(|op| {
                let s = model.mentions(op).filter(|_| exact)?;
                Some(states.intern(s))
            })
            .collect();
        let tracked = states.len() as u32;
        let targets: Vec<StateId> = {
            let mut t: Vec<StateId> = needs.iter().flatten().copied().collect();
            t.sort_unstable();
            t.dedup();
            t
        };
        let restores: Vec<Vec<StateId>> = ops
            .iter()
            .map(|op| {
                if exact {
                    // Exact models restore a state only by writing it.
                    let Some(w) = model.writes(op) else {
                        return Vec::new();
                    };
                    states
                        .find(&w)
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
            })
            .collect();
        let mut needers = vec![Vec::new(); tracked as usize];
        for (i, s) in needs.iter().enumerate() {
            if let Some(s) = s {
                needers[*s as usize].push(i as u32);
            }
        }
        for list in &mut needers {
            list.sort_by_key(|&i| (ops[i as usize].ret(), i));
        }
        let mut watch = Watch {
            needers,
            tracked,
            exact,
            needs,
            mentions,
            restores,
            needed: vec![0; tracked as usize],
            mentioned: vec![0; tracked as usize],
            restorers: vec![0; tracked as usize],
        };
        for i in 0..ops.len() {
            watch.count(i, 1);
        }
        watch
    }

    /// Adds `by` (1 or -1 as wrapping) to the counts operation `i` contributes to.
    fn count(&mut self, i: usize, by: u32) {
        if let Some(s) = self.needs[i] {
            self.needed[s as usize] = self.needed[s as usize].wrapping_add(by);
        }
        if let Some(s) = self.mentions[i] {
            self.mentioned[s as usize] = self.mentioned[s as usize].wrapping_add(by);
        }
        for &s in &self.restores[i] {
            self.restorers[s as usize] = self.restorers[s as usize].wrapping_add(by);
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
        let own = u32::from(self.needs[op] == Some(state));
        self.needed[state as usize] > own && self.restorers[state as usize] == 0
    }

    /// The state operation `op` needs, if it is required and needs one.
    pub(crate) fn needs(&self, op: usize) -> Option<StateId> {
        self.needs[op]
    }

    /// Whether nothing still unplaced could write `state` (or a start of it) again.
    pub(crate) fn unrestorable(&self, state: StateId) -> bool {
        state < self.tracked && self.restorers[state as usize] == 0
    }

    /// The operation stranded by leaving `state`: of those still needing it (`placed`
    /// says which are placed), the first to return.
    pub(crate) fn stranded(&self, state: StateId, placed: impl Fn(usize) -> bool) -> Option<usize> {
        let list = self.needers.get(state as usize)?;
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
