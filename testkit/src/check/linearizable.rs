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
//! On top of the plain walk the search places observers without choice, refuses
//! placements that strand an operation, merges unobserved states in its memo, and a
//! pre-check finds stale reads of uniquely written values without searching (see
//! the `wgl`, `watch` and `precheck` modules, and `docs/src/checkers.md` for why each is
//! sound).
//!
//! Key-value histories, and register histories with keys, are split by key first: keys are
//! independent, and checking them separately turns one exponential search into many
//! small ones.

mod entries;
mod facts;
mod precheck;
mod watch;
mod wgl;

use crate::check::{
    CheckError, ConsistencyCheck, DEFAULT_STEP_BUDGET, Evidence, Verdict, Violation,
};
use crate::history::{Action, History, OpId, Operation, Outcome};
use crate::model::{CasRegister, Kv, ModelKind, Register};
pub use facts::Facts;
pub(crate) use wgl::{Found, Search};

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

/// One key's part of a history: the key, the part, and the part's ids in the whole.
type Part = (Option<String>, (History, Vec<OpId>));

/// Steps each undecided key gets in the first round; every round doubles it.
const FIRST_SLICE: u64 = 2_000;

/// Checks `history` against any model with [`Facts`], key by key, within `budget` steps in all.
///
/// The keys' searches run in rounds, each undecided key getting a slice of steps that
/// doubles every round, so that a violation on an easy key is found even when another key
/// would use up the whole budget. The rejected alternative, one key after another, let a
/// single hard key hide every other key's violation. The first violation found wins;
/// runs are deterministic.
pub fn check_model<M: Facts>(model: &M, history: &History, budget: u64) -> Verdict {
    let parts: Vec<Part> = history.by_key().into_iter().collect();
    let kept: Vec<(Vec<Operation>, Vec<usize>)> = parts
        .iter()
        .map(|(_, (part, _))| {
            let local = relevant(part);
            (local.iter().map(|&i| part.op(i).clone()).collect(), local)
        })
        .collect();
    let mut searches: Vec<Option<Search<M>>> = kept
        .iter()
        .map(|(ops, local)| Some(Search::with_facts(model, ops, local.clone())))
        .collect();
    let mut left = budget;
    // A certain violation ends the check at once; the search, given a bounded run, only
    // finds the evidence: the longest order it reaches and the operation it strands.
    for (k, (ops, _)) in kept.iter().enumerate() {
        let Some(stale) = precheck::stale(model, ops) else {
            continue;
        };
        let Some(search) = &mut searches[k] else {
            continue;
        };
        let mut steps = EVIDENCE_STEPS.min(left);
        let found = match search.run(&mut steps) {
            Some(found @ Found::No { .. }) => found,
            _ => search.evidence(stale),
        };
        return violation(history, &parts[k], found);
    }
    let mut slice = FIRST_SLICE;
    while searches.iter().any(Option::is_some) {
        for (k, slot) in searches.iter_mut().enumerate() {
            let Some(search) = slot else { continue };
            let mut steps = slice.min(left);
            let spent_from = steps;
            let found = search.run(&mut steps);
            left -= spent_from - steps;
            match found {
                None => {}
                Some(Found::Yes) => *slot = None,
                Some(found @ Found::No { .. }) => return violation(history, &parts[k], found),
            }
        }
        if left == 0 && searches.iter().any(Option::is_some) {
            let k = searches.iter().position(Option::is_some).unwrap_or(0);
            let which = parts[k]
                .0
                .as_ref()
                .map_or("the register".to_owned(), |k| format!("key {k:?}"));
            return Verdict::Undecided {
                reason: format!(
                    "the search for {which} used up the budget of {budget} steps without \
                     finding an order or ruling every order out"
                ),
            };
        }
        slice = slice.saturating_mul(2);
    }
    Verdict::Holds
}

/// Steps the search gets to find evidence for a violation the pre-check found.
const EVIDENCE_STEPS: u64 = 200_000;

/// The verdict for a key's search that found no order, with operation ids mapped back to
/// `history`.
fn violation(history: &History, part: &Part, found: Found) -> Verdict {
    let Found::No {
        prefix,
        state,
        blocked,
    } = found
    else {
        unreachable!("only a search that found no order is a violation");
    };
    let (key, (_, ids)) = part;
    let map = |v: Vec<usize>| v.into_iter().map(|i| ids[i]).collect::<Vec<OpId>>();
    let (prefix, blocked) = (map(prefix), map(blocked));
    let summary = summary(history, key.as_deref(), &prefix, &state, &blocked);
    Verdict::Violated(Violation {
        broken: "linearizability".into(),
        summary,
        evidence: Evidence::PartialOrder {
            prefix,
            state,
            blocked,
        },
    })
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
