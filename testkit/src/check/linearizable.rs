//! Linearizability: is there one order of the operations, consistent with real time, in
//! which every operation returns what it returned?
//!
//! Real time means: if operation `a` returned before `b` was called, `a` comes first.
//! Operations that overlap may go either way. An operation of unknown outcome may take
//! effect at any point after its call, or never; failed operations never took effect and
//! are left out.
//!
//! # The search
//!
//! The algorithm is Wing and Gong's, with Lowe's memo and the event list of Porcupine-like
//! checkers, written from the published descriptions:
//!
//! 1. Every call and every known return becomes an entry in one list sorted by time
//!    (at equal times returns come first: an operation that returned at `t` precedes one
//!    called at `t`).
//! 2. Walk the list from the front. At a call, try to place that operation next: the
//!    model must accept it in the current state, and the (placed set, new state) pair must
//!    be new. If so, remove its call and return from the list and start again from the
//!    front. Otherwise move on.
//! 3. Reaching a return means the operation that returns there must be placed before
//!    anything later, and nothing placeable was found: undo the last placement and try the
//!    entry after it.
//! 4. When no return is left in the list, every operation with a known outcome is placed
//!    and the history is linearizable. When there is nothing to undo, it is not.
//!
//! The rejected alternative, trying every permutation, is hopeless beyond a dozen
//! operations; the memo is what makes real histories of hundreds of concurrent operations
//! decidable.
//!
//! Key-value histories, and register histories with keys, are split by key first: keys are
//! independent, and checking them separately turns one exponential search into many
//! small ones.

use crate::check::search::{Memo, Placed, StateId, States};
use crate::check::{
    CheckError, ConsistencyCheck, DEFAULT_STEP_BUDGET, Evidence, Verdict, Violation,
};
use crate::history::{Action, History, OpId, Operation, Outcome};
use crate::model::{CasRegister, Kv, Model, ModelKind, Register};

/// Checks that a history is linearizable for a model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Linearizable {
    /// The sequential specification.
    pub model: ModelKind,
    /// Search steps (over all keys) before answering [`Verdict::Undecided`].
    pub budget: u64,
}

impl Linearizable {
    /// A checker for `model` with the default budget.
    pub fn new(model: ModelKind) -> Self {
        Linearizable {
            model,
            budget: DEFAULT_STEP_BUDGET,
        }
    }

    /// The same checker with another step budget.
    pub fn with_budget(mut self, steps: u64) -> Self {
        self.budget = steps;
        self
    }
}

impl ConsistencyCheck for Linearizable {
    fn name(&self) -> &'static str {
        "linearizability"
    }

    fn check(&self, history: &History) -> Result<Verdict, CheckError> {
        supported(self.model, history)?;
        Ok(match self.model {
            ModelKind::Register => check_model(&Register, history, self.budget),
            ModelKind::CasRegister => check_model(&CasRegister, history, self.budget),
            ModelKind::Kv => check_model(&Kv, history, self.budget),
        })
    }
}

/// Refuses actions a model has no meaning for, so that a `cas` in a plain register
/// history reads as a mistake in the input rather than as a consistency violation.
pub(crate) fn supported(model: ModelKind, history: &History) -> Result<(), CheckError> {
    for (id, op) in history.ops().iter().enumerate() {
        let ok = matches!(
            (&op.action, model),
            (Action::Read | Action::Write(_), _)
                | (Action::Cas { .. }, ModelKind::CasRegister | ModelKind::Kv)
                | (Action::Append(_), ModelKind::Kv)
        );
        if !ok {
            let what = format!("the {model} model has no {}", op.label());
            return Err(CheckError::Unsupported { op: id, what });
        }
    }
    Ok(())
}

/// Checks `history` against any [`Model`], key by key, within `budget` steps in all.
pub fn check_model<M: Model>(model: &M, history: &History, budget: u64) -> Verdict {
    let mut left = budget;
    let mut undecided = None;
    for (key, (part, ids)) in history.by_key() {
        match search(model, &part, &mut left) {
            Found::Yes => {}
            Found::No {
                prefix,
                state,
                blocked,
            } => {
                let map = |v: Vec<usize>| v.into_iter().map(|i| ids[i]).collect::<Vec<OpId>>();
                let (prefix, blocked) = (map(prefix), map(blocked));
                let summary = summary(history, key.as_deref(), &prefix, &state, &blocked);
                return Verdict::Violated(Violation {
                    broken: "linearizability".into(),
                    summary,
                    evidence: Evidence::PartialOrder {
                        prefix,
                        state,
                        blocked,
                    },
                });
            }
            Found::OutOfSteps => {
                let which = key.map_or("the register".to_owned(), |k| format!("key {k:?}"));
                undecided.get_or_insert(which);
            }
        }
    }
    match undecided {
        None => Verdict::Holds,
        Some(which) => Verdict::Undecided {
            reason: format!(
                "the search for {which} used up its budget of {budget} steps without \
                 finding an order or ruling every order out"
            ),
        },
    }
}

fn summary(
    h: &History,
    key: Option<&str>,
    prefix: &[OpId],
    state: &str,
    blocked: &[OpId],
) -> String {
    let what = key.map_or("the register".to_owned(), |k| format!("key {k:?}"));
    let Some(&first) = blocked.first() else {
        return format!("no order of the operations on {what} explains the results");
    };
    let op = h.op(first);
    format!(
        "no order of the operations on {what} explains what the clients saw. The longest \
         order that works places {} operation(s) and leaves {what} at {state}; then \
         client {}'s {} (called at {}, returned at {}) must come next, and neither it nor \
         any operation that could go before it is legal there.",
        prefix.len(),
        op.client,
        op.label(),
        op.call,
        op.ret().map_or("?".to_owned(), |t| t.to_string()),
    )
}

/// The operations of `part` a search must consider, by index: failed operations had no
/// effect, and reads of unknown outcome returned nothing, so neither can constrain an
/// order.
pub(crate) fn relevant(part: &History) -> Vec<usize> {
    (0..part.len())
        .filter(|&i| {
            let op = part.op(i);
            let no_effect = matches!(op.outcome, Outcome::Failed { .. });
            let unseen_read = op.action == Action::Read && op.outcome == Outcome::Unknown;
            !(no_effect || unseen_read)
        })
        .collect()
}

/// The result of searching one key.
pub(crate) enum Found {
    Yes,
    No {
        prefix: Vec<usize>,
        state: String,
        blocked: Vec<usize>,
    },
    OutOfSteps,
}

const NONE: u32 = u32::MAX;

/// The list of calls and returns, linked both ways so entries can be removed and put back
/// in O(1) while backtracking.
struct Entries {
    op: Vec<u32>,
    call: Vec<bool>,
    /// For a call entry, its return entry (`NONE` for unknown outcomes); `NONE` for returns.
    ret: Vec<u32>,
    next: Vec<u32>,
    prev: Vec<u32>,
}

impl Entries {
    fn head(&self) -> u32 {
        (self.op.len() - 2) as u32
    }

    fn unlink(&mut self, e: u32) {
        let (p, n) = (self.prev[e as usize], self.next[e as usize]);
        self.next[p as usize] = n;
        self.prev[n as usize] = p;
    }

    fn relink(&mut self, e: u32) {
        let (p, n) = (self.prev[e as usize], self.next[e as usize]);
        self.next[p as usize] = e;
        self.prev[n as usize] = e;
    }
}

fn entries(ops: &[&Operation]) -> Entries {
    // (time, returns before calls, op) gives the order; op breaks ties deterministically.
    let mut events: Vec<(u64, u8, u32)> = Vec::with_capacity(ops.len() * 2);
    for (i, op) in ops.iter().enumerate() {
        events.push((op.call, 1, i as u32));
        if let Some(r) = op.ret() {
            events.push((r, 0, i as u32));
        }
    }
    events.sort_unstable();
    let n = events.len();
    let (head, tail) = (n as u32, n as u32 + 1);
    let mut list = Entries {
        op: vec![0; n + 2],
        call: vec![false; n + 2],
        ret: vec![NONE; n + 2],
        next: vec![NONE; n + 2],
        prev: vec![NONE; n + 2],
    };
    let mut ret_at = vec![NONE; ops.len()];
    for (e, &(_, kind, op)) in events.iter().enumerate() {
        list.op[e] = op;
        list.call[e] = kind == 1;
        if kind == 0 {
            ret_at[op as usize] = e as u32;
        }
    }
    for (e, &(_, kind, op)) in events.iter().enumerate() {
        if kind == 1 {
            list.ret[e] = ret_at[op as usize];
        }
    }
    let order: Vec<u32> = std::iter::once(head)
        .chain(0..n as u32)
        .chain([tail])
        .collect();
    for w in order.windows(2) {
        list.next[w[0] as usize] = w[1];
        list.prev[w[1] as usize] = w[0];
    }
    list
}

pub(crate) fn search<M: Model>(model: &M, part: &History, steps_left: &mut u64) -> Found {
    let local = relevant(part);
    let ops: Vec<&Operation> = local.iter().map(|&i| part.op(i)).collect();
    let mut list = entries(&ops);
    let head = list.head();
    let mut returns_left = ops.iter().filter(|o| o.ret().is_some()).count();
    let mut states = States::new(model);
    let mut placed = Placed::new(ops.len());
    let mut memo = Memo::new(ops.len());
    let mut state: StateId = 0;
    // The placements so far: (call entry, state before it).
    let mut stack: Vec<(u32, StateId)> = Vec::new();
    let mut best: (Vec<u32>, StateId) = (Vec::new(), 0);
    let mut entry = list.next[head as usize];

    while returns_left > 0 {
        if *steps_left == 0 {
            return Found::OutOfSteps;
        }
        *steps_left -= 1;
        let e = entry as usize;
        if list.call[e] {
            let op = list.op[e];
            if let Some(next) = states.step(state, op, ops[op as usize]) {
                placed.insert(op as usize);
                if memo.insert(&placed, next) {
                    stack.push((entry, state));
                    state = next;
                    list.unlink(entry);
                    if list.ret[e] != NONE {
                        list.unlink(list.ret[e]);
                        returns_left -= 1;
                    }
                    if stack.len() > best.0.len() {
                        let order = stack.iter().map(|&(c, _)| list.op[c as usize]).collect();
                        best = (order, state);
                    }
                    entry = list.next[head as usize];
                    continue;
                }
                placed.remove(op as usize);
            }
            entry = list.next[e];
        } else {
            // The operation returning here cannot be placed in this order: undo.
            let Some((call, before)) = stack.pop() else {
                return not_found(&ops, &local, best, &states);
            };
            let c = call as usize;
            if list.ret[c] != NONE {
                list.relink(list.ret[c]);
                returns_left += 1;
            }
            list.relink(call);
            placed.remove(list.op[c] as usize);
            state = before;
            entry = list.next[c];
        }
    }
    Found::Yes
}

/// Builds the evidence from the longest order found.
fn not_found<M: Model>(
    ops: &[&Operation],
    local: &[usize],
    (prefix, state): (Vec<u32>, StateId),
    states: &States<M>,
) -> Found {
    let mut in_prefix = vec![false; ops.len()];
    prefix.iter().for_each(|&i| in_prefix[i as usize] = true);
    let rest = (0..ops.len()).filter(|&i| !in_prefix[i]);
    // The first to return among the rest had to come before anything called later.
    let first = rest
        .clone()
        .filter_map(|i| ops[i].ret().map(|r| (r, i)))
        .min()
        .map(|(_, i)| i);
    let mut blocked = Vec::new();
    if let Some(first) = first {
        let deadline = ops[first].ret().unwrap_or(u64::MAX);
        blocked.push(first);
        blocked.extend(rest.filter(|&i| i != first && ops[i].call < deadline));
    }
    Found::No {
        prefix: prefix.iter().map(|&i| local[i as usize]).collect(),
        state: states.show(state),
        blocked: blocked.into_iter().map(|i| local[i]).collect(),
    }
}
