//! Sequential consistency: is there one order of all operations, keeping each client's
//! own order, in which every operation returns what it returned?
//!
//! Unlike linearizability, real time between different clients does not count: a read
//! may return an old value long after a newer write finished elsewhere, as long as every
//! client's view fits one global order. An operation of unknown outcome may take effect
//! anywhere after its client's earlier operations, or never; failed operations are left
//! out.
//!
//! The search is depth first over "which client goes next", with the same memo of
//! (placed set, state) pairs as the linearizability checker. Every linearizable history
//! is sequentially consistent, so the checker first runs the much more constrained
//! linearizability search on a small budget and only searches further when that fails. Keys are checked separately:
//! for independent keys, a history is sequentially consistent per key exactly when every
//! key's sub-history is, which is what the exercises grade. (Sequential consistency across
//! keys is not compositional in general; the checker says "per key" in its reports.)

use crate::check::linearizable::{self, Found, supported};
use crate::check::search::{Memo, Placed, StateId, States};
use crate::check::{
    CheckError, ConsistencyCheck, DEFAULT_STEP_BUDGET, Evidence, Verdict, Violation,
};
use crate::history::{History, OpId, Operation};
use crate::model::{CasRegister, Kv, Model, ModelKind, Register};

/// Checks that a history is sequentially consistent for a model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sequential {
    /// The sequential specification.
    pub model: ModelKind,
    /// Search steps (over all keys) before answering [`Verdict::Undecided`].
    pub budget: u64,
}

impl Sequential {
    /// A checker for `model` with the default budget.
    pub fn new(model: ModelKind) -> Self {
        Sequential {
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

impl ConsistencyCheck for Sequential {
    fn name(&self) -> &'static str {
        "sequential consistency"
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

/// Checks `history` for sequential consistency against any [`Model`], key by key.
pub fn check_model<M: Model>(model: &M, history: &History, budget: u64) -> Verdict {
    let mut left = budget;
    let mut undecided = None;
    for (key, (part, ids)) in history.by_key() {
        let what = key.map_or("the register".to_owned(), |k| format!("key {k:?}"));
        match search(model, &part, &mut left) {
            None => {
                undecided.get_or_insert(what);
            }
            Some(None) => {}
            Some(Some((prefix, state, blocked))) => {
                let prefix: Vec<OpId> = prefix.into_iter().map(|i| ids[i]).collect();
                let blocked: Vec<OpId> = blocked.into_iter().map(|i| ids[i]).collect();
                let next: Vec<String> =
                    blocked.iter().map(|&i| history.op(i).to_string()).collect();
                let summary = format!(
                    "no order of the operations on {what} that keeps each client's own order \
                     explains what the clients saw. The longest such order places {} \
                     operation(s) and leaves {what} at {state}; none of the operations that \
                     could come next is legal there: {}.",
                    prefix.len(),
                    next.join("; ")
                );
                return Verdict::Violated(Violation {
                    broken: "sequential consistency".into(),
                    summary,
                    evidence: Evidence::PartialOrder {
                        prefix,
                        state,
                        blocked,
                    },
                });
            }
        }
    }
    match undecided {
        None => Verdict::Holds,
        Some(what) => Verdict::Undecided {
            reason: format!(
                "the search for {what} used up its budget of {budget} steps without finding \
                 an order or ruling every order out"
            ),
        },
    }
}

/// Steps spent on the linearizability search before the sequential one.
const QUICK_STEPS: u64 = 200_000;

/// One level of the depth-first search: the operations that may go next, and which one
/// is being tried.
struct Frame {
    candidates: Vec<u32>,
    tried: usize,
    /// The state before this frame's operation was applied, and the operation.
    undo: Option<(u32, StateId)>,
}

/// Where each client stands: its known-outcome operations in order, and how many of them
/// are placed.
struct Clients {
    known: Vec<Vec<u32>>,
    next: Vec<usize>,
    /// For each operation: its client, and for unknown outcomes how many of the client's
    /// known operations must be placed first.
    client_of: Vec<usize>,
    after: Vec<usize>,
    unknown: Vec<u32>,
}

impl Clients {
    fn new(ops: &[&Operation]) -> Self {
        let mut order: Vec<u32> = (0..ops.len() as u32).collect();
        order.sort_by_key(|&i| (ops[i as usize].call, i));
        let mut ids: Vec<u32> = ops.iter().map(|o| o.client).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut c = Clients {
            known: vec![Vec::new(); ids.len()],
            next: vec![0; ids.len()],
            client_of: vec![0; ops.len()],
            after: vec![0; ops.len()],
            unknown: Vec::new(),
        };
        for i in order {
            let client = ids.binary_search(&ops[i as usize].client).unwrap_or(0);
            c.client_of[i as usize] = client;
            c.after[i as usize] = c.known[client].len();
            if ops[i as usize].ret().is_some() {
                c.known[client].push(i);
            } else {
                c.unknown.push(i);
            }
        }
        c
    }

    /// The operations that may go next: known outcomes earliest call first, then unknown
    /// ones. Following real time finds an order quickly when the history is also
    /// linearizable, the common case, where trying clients in a fixed order wanders into
    /// long dead ends; trying unknown outcomes last places them only when a later result
    /// needs them.
    fn candidates(&self, placed: &Placed, ops: &[&Operation]) -> Vec<u32> {
        let mut out: Vec<u32> = (0..self.known.len())
            .filter_map(|c| self.known[c].get(self.next[c]).copied())
            .collect();
        out.extend(self.unknown.iter().copied().filter(|&u| {
            !placed.contains(u as usize)
                && self.after[u as usize] <= self.next[self.client_of[u as usize]]
        }));
        out.sort_by_key(|&i| (ops[i as usize].ret().is_none(), ops[i as usize].call, i));
        out
    }

    fn is_known(&self, op: u32) -> bool {
        let c = self.client_of[op as usize];
        self.known[c].get(self.after[op as usize]) == Some(&op)
    }
}

/// `None`: out of steps. `Some(None)`: found an order. `Some(Some(..))`: none exists,
/// with the longest prefix, its state and the operations that cannot follow it.
#[allow(clippy::type_complexity)]
fn search<M: Model>(
    model: &M,
    part: &History,
    steps_left: &mut u64,
) -> Option<Option<(Vec<usize>, String, Vec<usize>)>> {
    // A linearizable history is sequentially consistent, and the real-time search is far
    // more constrained: try it first with a small share of the budget.
    let mut quick = (*steps_left).min(QUICK_STEPS);
    let before = quick;
    let found = linearizable::Search::new(model, part).run(&mut quick);
    *steps_left -= before - quick;
    if matches!(found, Some(Found::Yes)) {
        return Some(None);
    }
    let local = linearizable::relevant(part);
    let ops: Vec<&Operation> = local.iter().map(|&i| part.op(i)).collect();
    let mut clients = Clients::new(&ops);
    let mut known_left: usize = clients.known.iter().map(Vec::len).sum();
    let mut states = States::new(model);
    let mut placed = Placed::new(ops.len(), |i| ops[i].ret().is_none());
    let mut memo = Memo::new(ops.len());
    let mut state: StateId = 0;
    let mut path: Vec<u32> = Vec::new();
    let mut best: (Vec<u32>, StateId, Vec<u32>) = (Vec::new(), 0, Vec::new());
    let mut frames = vec![Frame {
        candidates: clients.candidates(&placed, &ops),
        tried: 0,
        undo: None,
    }];
    best.2.clone_from(&frames[0].candidates);

    while known_left > 0 {
        if *steps_left == 0 {
            return None;
        }
        *steps_left -= 1;
        let Some(frame) = frames.last_mut() else {
            break;
        };
        if frame.tried == frame.candidates.len() {
            let done = frames.pop().and_then(|f| f.undo);
            if let Some((op, before)) = done {
                placed.remove(op as usize);
                path.pop();
                state = before;
                if clients.is_known(op) {
                    clients.next[clients.client_of[op as usize]] -= 1;
                    known_left += 1;
                }
            }
            continue;
        }
        let op = frame.candidates[frame.tried];
        frame.tried += 1;
        let Some(next) = states.step(state, op, ops[op as usize]) else {
            continue;
        };
        placed.insert(op as usize);
        if !memo.insert(&placed, next) {
            placed.remove(op as usize);
            continue;
        }
        if clients.is_known(op) {
            clients.next[clients.client_of[op as usize]] += 1;
            known_left -= 1;
        }
        path.push(op);
        frames.push(Frame {
            candidates: clients.candidates(&placed, &ops),
            tried: 0,
            undo: Some((op, state)),
        });
        state = next;
        if path.len() > best.0.len() {
            best = (
                path.clone(),
                state,
                frames[frames.len() - 1].candidates.clone(),
            );
        }
    }
    if known_left == 0 {
        return Some(None);
    }
    let (prefix, at, blocked) = best;
    let to_part = |v: Vec<u32>| v.into_iter().map(|i| local[i as usize]).collect();
    Some(Some((to_part(prefix), states.show(at), to_part(blocked))))
}
