//! The smallest story: a part of a rejected history that the checker still rejects, for
//! the same reason.
//!
//! A checker's evidence is whatever it had in hand when it stopped: a 34-operation order
//! on one seed, two operations on another. [`minimize`] removes operations while the
//! checker still rejects what is left, delta-debugging style: whole clients first, then
//! halves of what is left, quarters, and so on down to single operations, until no single
//! operation can go or the budget of checker calls is spent. The same history, checker
//! and budget always give the same story.
//!
//! # The same reason
//!
//! A smaller history is kept only when the checker rejects it as breaking the same model
//! (the violation's `broken`), naming the same operation as the one to look at: the first
//! that cannot follow the longest order that works, or the last operation of a broken
//! guarantee. That operation is never removed.
//!
//! # Why the story proves something
//!
//! Removing operations can also *create* a violation: drop the write whose value a read
//! returned and the read comes from nowhere. So the search never removes an operation
//! another kept one depends on (the [`Needs`]):
//!
//! - a read, or a compare-and-swap that swapped or whose outcome is unknown, keeps every
//!   update of its key that wrote the value it saw (with `nil` and `""` counted alike,
//!   as the key-value model counts them);
//! - a compare-and-swap that refused keeps the updates of its key that wrote a value other
//!   than the one it expected and may have been the last before it (one of them explained
//!   the refusal; for a checker that does not order by real time, any of them may be);
//! - on a key with appends, a read or compare-and-swap keeps every update of its key.
//!
//! With those kept, any order that explains the whole history explains the part, minus
//! the removed operations: each kept read still finds the write it saw last, each refused
//! swap a value other than the one it expected. So if the whole history were consistent,
//! the part would be too; a part the checker rejects shows the whole is rejected, and why.
//! This holds for linearizability, sequential consistency and the causal checks alike
//! (fewer operations give fewer happens-before edges, never new ones).
//!
//! Rejected: checking only the operations the evidence lists. A prefix of a search is not
//! a story: most of it is there because the search placed it first, not because it
//! matters, and some of what matters (the write a stale read missed) may sit outside it.

use std::collections::BTreeMap;

use crate::check::{ConsistencyCheck, Evidence, Verdict, Violation};
use crate::history::{Action, ClientId, History, OpId, Operation, Outcome, Output, Time, Value};

/// How many checker calls the search may make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Checker calls, at most.
    pub checks: usize,
}

impl Default for Budget {
    /// 400 calls: every course history (up to a few hundred operations) shrinks to a story
    /// no single operation can leave, in well under a second.
    fn default() -> Self {
        Budget { checks: 400 }
    }
}

/// The smallest failing part found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Minimized {
    /// The part: the kept operations, in the whole history's order.
    pub history: History,
    /// Each kept operation's id in the whole history.
    pub ids: Vec<OpId>,
    /// What the checker found on the part (its ids are the part's). When nothing could be
    /// removed, the violation given, and `history` the whole.
    pub violation: Violation,
    /// Checker calls made.
    pub checks: usize,
}

impl Minimized {
    /// [`Minimized::violation`] with its operation ids turned into the whole history's.
    pub fn violation_in_whole(&self) -> Violation {
        let map = |ids: &[OpId]| ids.iter().map(|&i| self.ids[i]).collect::<Vec<_>>();
        let evidence = match &self.violation.evidence {
            Evidence::PartialOrder {
                prefix,
                state,
                blocked,
            } => Evidence::PartialOrder {
                prefix: map(prefix),
                state: state.clone(),
                blocked: map(blocked),
            },
            Evidence::Ops { ops } => Evidence::Ops { ops: map(ops) },
        };
        Violation {
            evidence,
            ..self.violation.clone()
        }
    }
}

/// The operation a violation names as the one to look at: the first that cannot follow
/// the longest order, or the last of a broken guarantee.
pub fn culprit(violation: &Violation) -> Option<OpId> {
    match &violation.evidence {
        Evidence::PartialOrder { blocked, .. } => blocked.first().copied(),
        Evidence::Ops { ops } => ops.last().copied(),
    }
}

/// The smallest part of `history` that `checker` rejects for the same reason as
/// `violation` (which it found on `history`), within `budget`. See the [module](self).
pub fn minimize(
    checker: &dyn ConsistencyCheck,
    history: &History,
    violation: &Violation,
    budget: Budget,
) -> Minimized {
    let mut search = Search {
        checker,
        history,
        needs: Needs::of(history, real_time(checker)),
        broken: &violation.broken,
        culprit: culprit(violation),
        kept: vec![true; history.len()],
        found: None,
        checks: 0,
        budget: budget.checks,
    };
    search.run(violation);
    let ids = search.kept_ids();
    match search.found {
        Some(found) => Minimized {
            history: history.subset(&ids),
            ids,
            violation: found,
            checks: search.checks,
        },
        None => Minimized {
            history: history.clone(),
            ids,
            violation: violation.clone(),
            checks: search.checks,
        },
    }
}

/// Whether `checker` orders operations by real time: the library's linearizability
/// checker does; sequential consistency and the causal checks only follow each client.
fn real_time(checker: &dyn ConsistencyCheck) -> bool {
    checker.name() == "linearizability"
}

struct Search<'a> {
    checker: &'a dyn ConsistencyCheck,
    history: &'a History,
    needs: Needs,
    broken: &'a str,
    culprit: Option<OpId>,
    /// Which operations of the whole history the current part keeps.
    kept: Vec<bool>,
    /// The checker's violation on the current part, once one part was kept.
    found: Option<Violation>,
    checks: usize,
    budget: usize,
}

impl Search<'_> {
    fn run(&mut self, violation: &Violation) {
        // The evidence alone often is the story, or near it: one call to find out.
        let named = violation.ops();
        let others: Vec<OpId> = (0..self.history.len())
            .filter(|i| !named.contains(i))
            .collect();
        self.try_without(&others);
        // Whole clients.
        let mut clients: BTreeMap<ClientId, Vec<OpId>> = BTreeMap::new();
        for id in self.kept_ids() {
            clients
                .entry(self.history.op(id).client)
                .or_default()
                .push(id);
        }
        for ops in clients.values() {
            self.try_without(ops);
        }
        // Halves, quarters, ... single operations, each size until none of its chunks
        // can go.
        let mut chunks = 2;
        loop {
            let removable = self.removable();
            if removable.is_empty() || self.checks >= self.budget {
                return;
            }
            let chunks_now = chunks.min(removable.len());
            let size = removable.len().div_ceil(chunks_now);
            let mut progress = false;
            for chunk in removable.chunks(size) {
                progress |= self.try_without(chunk);
            }
            if !progress {
                if size == 1 {
                    return;
                }
                chunks = chunks_now * 2;
            }
        }
    }

    /// The kept operations that may be removed, in the order they were called.
    fn removable(&self) -> Vec<OpId> {
        let mut ids: Vec<OpId> = self
            .kept_ids()
            .into_iter()
            .filter(|&i| Some(i) != self.culprit)
            .collect();
        ids.sort_by_key(|&i| (self.history.op(i).call, i));
        ids
    }

    fn kept_ids(&self) -> Vec<OpId> {
        (0..self.kept.len()).filter(|&i| self.kept[i]).collect()
    }

    /// Tries the current part without `ops` (and with whatever the rest needs); keeps it
    /// when the checker rejects it for the same reason.
    fn try_without(&mut self, ops: &[OpId]) -> bool {
        if self.checks >= self.budget {
            return false;
        }
        let mut keep = self.kept.clone();
        for &id in ops {
            keep[id] = false;
        }
        if let Some(c) = self.culprit {
            keep[c] = true;
        }
        self.needs.close(&mut keep);
        if keep == self.kept {
            return false;
        }
        let ids: Vec<OpId> = (0..keep.len()).filter(|&i| keep[i]).collect();
        self.checks += 1;
        let Ok(Verdict::Violated(found)) = self.checker.check(&self.history.subset(&ids)) else {
            return false;
        };
        let same = found.broken == self.broken && culprit(&found).map(|i| ids[i]) == self.culprit;
        if same {
            self.kept = keep;
            self.found = Some(found);
        }
        same
    }
}

/// For each operation, the operations it cannot do without (see the [module](self)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Needs {
    needs: Vec<Vec<OpId>>,
}

impl Needs {
    /// The needs of every operation of `history`, for a checker that orders operations by
    /// real time (`real_time`, as linearizability does) or only by each client's order.
    ///
    /// Real time narrows what a refused compare-and-swap needs: of the updates with
    /// another value, only those that may be the last update before it. An update `u` is
    /// certainly not, when the swap returned before `u` was called, or a completed update
    /// certainly came between them (called after `u` returned, returned before the swap
    /// was called). Without real time any update may be the last, so it keeps them all.
    pub fn of(history: &History, real_time: bool) -> Needs {
        let ops = history.ops();
        let appended: Vec<&Option<String>> = ops
            .iter()
            .filter(|o| matches!(o.action, Action::Append(_)))
            .map(|o| &o.key)
            .collect();
        // The updates of `op`'s key that may have taken effect and that `wanted` picks
        // by the value they write: all of them on a key with appends, where a value is
        // made of several updates. (A failed update or a refused swap changed nothing,
        // so nothing can have seen what it would have written.)
        let updates = |op: &Operation, wanted: &dyn Fn(usize) -> bool| -> Vec<OpId> {
            let all = appended.contains(&&op.key);
            (0..ops.len())
                .filter(|&j| ops[j].key == op.key && may_take_effect(&ops[j]) && (all || wanted(j)))
                .collect()
        };
        let written = |j: usize| ops[j].action.written();
        let mut certain: BTreeMap<&Option<String>, Certain> = BTreeMap::new();
        if real_time {
            for op in ops {
                if !certain.contains_key(&op.key) {
                    certain.insert(&op.key, Certain::new(ops, &op.key));
                }
            }
        }
        let needs = ops
            .iter()
            .map(|op| match (&op.action, &op.outcome) {
                (
                    Action::Read,
                    Outcome::Ok {
                        output: Output::Value(seen),
                        ..
                    },
                ) => updates(op, &|j| same_value(written(j), seen.as_ref())),
                (Action::Cas { from, .. }, Outcome::Ok { output, at })
                    if *output == Output::Swapped(false) =>
                {
                    let last =
                        |j: usize| !real_time || certain[&op.key].may_be_last(ops, j, op.call, *at);
                    updates(op, &|j| written(j) != from.as_ref() && last(j))
                }
                (Action::Cas { from, .. }, Outcome::Ok { .. } | Outcome::Unknown) => {
                    updates(op, &|j| same_value(written(j), from.as_ref()))
                }
                _ => Vec::new(),
            })
            .collect();
        Needs { needs }
    }

    /// Adds to `keep` everything a kept operation needs, and what that needs, and so on.
    pub fn close(&self, keep: &mut [bool]) {
        let mut stack: Vec<OpId> = (0..keep.len()).filter(|&i| keep[i]).collect();
        while let Some(id) = stack.pop() {
            for &need in &self.needs[id] {
                if !keep[need] {
                    keep[need] = true;
                    stack.push(need);
                }
            }
        }
    }

    /// The operations `id` needs directly.
    pub fn of_op(&self, id: OpId) -> &[OpId] {
        &self.needs[id]
    }
}

/// The completed updates of one key that took effect, to ask quickly whether one of them
/// certainly came between two instants (a scan of every update for every refused swap
/// took seconds on histories of a few thousand operations).
struct Certain {
    /// `(call, return, id)`, by call.
    updates: Vec<(Time, Time, OpId)>,
    /// For each position in `updates`, the one returning first from there on:
    /// `(return, id)`.
    earliest: Vec<(Time, OpId)>,
}

impl Certain {
    fn new(ops: &[Operation], key: &Option<String>) -> Self {
        let mut updates: Vec<(Time, Time, OpId)> = (0..ops.len())
            .filter(|&j| ops[j].key == *key && may_take_effect(&ops[j]))
            .filter_map(|j| Some((ops[j].call, ops[j].ret()?, j)))
            .collect();
        updates.sort_unstable();
        let mut earliest = vec![(Time::MAX, 0); updates.len()];
        let mut best = (Time::MAX, 0);
        for (i, &(_, ret, id)) in updates.iter().enumerate().rev() {
            best = best.min((ret, id));
            earliest[i] = best;
        }
        Certain { updates, earliest }
    }

    /// Whether update `u` may be the last of its key before an operation called at `call`
    /// and returned at `ret` takes effect, in an order that respects real time (at equal
    /// times, a return comes before a call): it may come before, and no completed update
    /// certainly comes between (called once `u` returned, returned before `call`).
    fn may_be_last(&self, ops: &[Operation], u: OpId, call: Time, ret: Time) -> bool {
        let update = &ops[u];
        if ret <= update.call {
            return false;
        }
        let Some(done) = update.ret() else {
            return true;
        };
        let start = self.updates.partition_point(|&(c, _, _)| c < done);
        let between = match self.earliest.get(start) {
            None => false,
            Some(&(first, id)) if id != u => first <= call,
            // `u` itself took no time: any other will do.
            Some(_) => self.updates[start..]
                .iter()
                .any(|&(_, r, id)| id != u && r <= call),
        };
        !between
    }
}

/// Whether `op` is an update that may have changed the stored value: not a read, not a
/// failed operation, not a compare-and-swap that reported it did not swap.
fn may_take_effect(op: &Operation) -> bool {
    op.action.is_update()
        && !matches!(op.outcome, Outcome::Failed { .. })
        && op.output() != Some(&Output::Swapped(false))
}

/// Whether a written value (`None` for an append, which [`Needs::of`] handles apart)
/// may be what a read of `seen` saw: the same value, or the empty string for `nil`
/// and the other way round (the key-value model starts every key at `""`).
fn same_value(written: Option<&Value>, seen: Option<&Value>) -> bool {
    let empty = |v: Option<&Value>| match v {
        None => true,
        Some(Value::Str(s)) => s.is_empty(),
        Some(Value::Int(_)) => false,
    };
    match (written, seen) {
        (Some(w), Some(s)) if w == s => true,
        (Some(w), s) => empty(Some(w)) && empty(s),
        (None, _) => false,
    }
}
