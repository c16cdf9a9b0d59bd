//! Rewrites of one key's operations before the search, each keeping the set of
//! histories' orders that the search must find (see `docs/src/checkers.md`, "Reductions").
//!
//! Operations of unknown outcome are the search's hardest part: each may be placed
//! anywhere after its call or never, and none of them ever forces a decision, so a
//! history with a timeout near its start has no point after which the search can
//! forget it. Two rewrites take most of them out of the search, for exact models (see
//! [`Facts::exact`]):
//!
//! - **Unneeded effects are dropped.** Call a state *needed* when an operation that must
//!   be placed needs it (a read returned it, a swap started from it), or when it is the
//!   `from` of an optional swap that is itself kept. An optional operation whose effect
//!   (what it writes) is not needed is dropped, unless some completed operation is legal
//!   only where the state is *not* some value that could occur (a swap that reported
//!   failing from a value that is written or initial). Why this is sound: take any order
//!   and delete the dropped operations, and the optional ones that changed nothing. After
//!   a deleted write of an unneeded value `u` the state differs until the next write;
//!   nothing in between could have read `u` (no one needs it), a swap from `u` would need
//!   it, a failed swap's `from` is a value that never occurs so it fails either way, and
//!   the next write leaves the same state in both orders.
//! - **Certain effects get a deadline.** An optional operation that is the only possible
//!   writer of a needed value (not the initial state) took effect in every order, before
//!   every operation that needs the value; so it is placed before anything called after
//!   the earliest of those returned. It becomes a required operation whose return is that
//!   moment. Every order of the original meets the new deadline, and every order of the
//!   rewrite is one of the original.
//!
//! With unique values, every timeout is dropped or gets a deadline, and the search meets
//! only required operations, which is what lets its memo describe a configuration in a
//! few words (see [`super::wgl`]).

use hashbrown::HashMap;

use crate::check::search::{StateId, States};
use crate::history::{History, OpId, Operation};

use crate::model::Facts;

/// The operations of one key as the search sees them.
pub(crate) struct Prepared<'a> {
    /// The operations kept, by call time.
    pub(crate) ops: Vec<&'a Operation>,
    /// Per operation: its id in the history checked.
    pub(crate) ids: Vec<OpId>,
    /// Per operation: its return, or the deadline that stands for it; `None` when it
    /// may be left out (unknown outcome).
    pub(crate) deadline: Vec<Option<u64>>,
}

/// Who needs a state: the earliest deadline of a required operation that needs it
/// (`None`: only optional ones do), and whether an instant is among the earliest.
#[derive(Clone, Copy)]
struct Need {
    by: Option<u64>,
    instant: bool,
}

impl<'a> Prepared<'a> {
    /// The operations `ids` of `history` as they are, without rewrites.
    pub(crate) fn plain(history: &'a History, ids: Vec<OpId>) -> Self {
        let ops: Vec<&Operation> = ids.iter().map(|&i| history.op(i)).collect();
        let deadline = ops.iter().map(|o| o.ret()).collect();
        Prepared { ops, ids, deadline }
    }

    /// The operations `ops`, standing for those of the history with ids `ids` (the same
    /// length and order) but with times of their own, without rewrites; sorted by their
    /// calls.
    pub(crate) fn of(ops: Vec<&'a Operation>, ids: &[OpId]) -> Self {
        debug_assert_eq!(ops.len(), ids.len());
        let mut order: Vec<usize> = (0..ops.len()).collect();
        order.sort_by_key(|&k| (ops[k].call, ids[k]));
        let ops: Vec<&Operation> = order.iter().map(|&k| ops[k]).collect();
        let deadline = ops.iter().map(|o| o.ret()).collect();
        let ids = order.iter().map(|&k| ids[k]).collect();
        Prepared { ops, ids, deadline }
    }

    /// How many operations there are.
    pub(crate) fn len(&self) -> usize {
        self.ops.len()
    }

    /// Per operation: (call, deadline), as the list of calls and returns needs them.
    pub(crate) fn times(&self) -> Vec<(u64, Option<u64>)> {
        self.ops
            .iter()
            .zip(&self.deadline)
            .map(|(o, &d)| (o.call, d))
            .collect()
    }

    /// Applies the rewrites of the module docs, interning the states they look at;
    /// deadlines only when `real_time` (for linearizability: sequential consistency has
    /// no deadlines to give).
    pub(crate) fn reduce<M: Facts>(self, states: &mut States<'_, M>, real_time: bool) -> Self {
        let model = states.model();
        let optional: Vec<usize> = (0..self.len())
            .filter(|&i| self.deadline[i].is_none())
            .collect();
        if !model.exact() || optional.is_empty() {
            return self;
        }
        let none = StateId::MAX;
        let writes: Vec<StateId> = self
            .ops
            .iter()
            .map(|o| model.writes(o).map_or(none, |w| states.intern(w)))
            .collect();
        let mut written = vec![0u32; states.len()];
        for &w in writes.iter().filter(|&&w| w != none) {
            written[w as usize] += 1;
        }
        let producible = |s: StateId| s == 0 || written.get(s as usize).is_some_and(|&n| n > 0);
        // A completed operation legal only away from a value that can occur.
        let negative = (0..self.len()).any(|i| {
            let op = self.ops[i];
            self.deadline[i].is_some()
                && model.needs(op).is_none()
                && model.mentions(op).is_some_and(|m| {
                    let id = states.find(&m);
                    id.is_some_and(producible) && model.step(&m, op).is_none()
                })
        });
        if negative {
            return self;
        }
        // Needed states, with the earliest deadline of a required operation needing each
        // and whether an instant is among those: by required operations, then by the
        // `from` of kept swaps (no deadline).
        let mut needed: HashMap<StateId, Need> = HashMap::new();
        for i in 0..self.len() {
            if let (Some(d), Some(s)) = (self.deadline[i], model.needs(self.ops[i])) {
                let s = states.intern(s);
                let instant = self.ops[i].call == d;
                let e = needed.entry(s).or_insert(Need {
                    by: Some(d),
                    instant,
                });
                match e.by {
                    Some(old) if old < d => {}
                    Some(old) if old == d => e.instant |= instant,
                    _ => {
                        *e = Need {
                            by: Some(d),
                            instant,
                        }
                    }
                }
            }
        }
        let mut keep = vec![true; self.len()];
        let mut alive: Vec<bool> = vec![false; self.len()];
        loop {
            let mut grew = false;
            for &i in &optional {
                if alive[i] || writes[i] == none || !needed.contains_key(&writes[i]) {
                    continue;
                }
                alive[i] = true;
                grew = true;
                if let Some(m) = model.mentions(self.ops[i]) {
                    // The swap's `from`, needed by an optional operation: no deadline.
                    let m = states.intern(m);
                    needed.entry(m).or_insert(Need {
                        by: None,
                        instant: false,
                    });
                }
            }
            if !grew {
                break;
            }
        }
        let mut deadline = self.deadline.clone();
        for &i in &optional {
            if !alive[i] {
                keep[i] = false;
                continue;
            }
            let w = writes[i];
            let only_writer = written[w as usize] == 1 && w != 0;
            let Some(&Need {
                by: Some(d),
                instant,
            }) = needed.get(&w)
            else {
                continue;
            };
            // An instant that needs the value is concurrent with instants called at its
            // moment, which a return at that moment would put after the writer: leave
            // such writers optional.
            if real_time && only_writer && self.ops[i].call < d && !instant {
                deadline[i] = Some(d);
            }
        }
        Prepared {
            ops: kept(self.ops, &keep),
            ids: kept(self.ids, &keep),
            deadline: kept(deadline, &keep),
        }
    }
}

/// The items of `v` whose `keep` is set.
fn kept<T>(v: Vec<T>, keep: &[bool]) -> Vec<T> {
    v.into_iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .map(|(x, _)| x)
        .collect()
}
