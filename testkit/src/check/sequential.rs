//! Sequential consistency: is there one order of all operations, keeping each client's
//! own order, in which every operation returns what it returned?
//!
//! Unlike linearizability, real time between different clients does not count: a read
//! may return an old value long after a newer write finished elsewhere, as long as every
//! client's view fits one global order. An operation of unknown outcome may take effect
//! anywhere after its client's earlier operations, or never; failed operations are left
//! out.
//!
//! Every linearizable history is sequentially consistent, and the linearizability
//! search is far more constrained, so for each key the checker runs both searches in
//! turns, a slice of steps each: the linearizability search finding an order settles
//! it, and so does the sequential search finding one or ruling every one out. A
//! history the linearizability checker finds linearizable is therefore found
//! sequentially consistent within twice its steps.
//!
//! When the search in real time finds no order (or its pre-check knows it would not),
//! the client of the operation it could not place is widened in the gaps of its own
//! order and the search in real time starts again, up to a few rounds (`widen`): a
//! history that is not linearizable only because some clients were behind is then
//! found consistent in one more pass. Only when that gives out does the sequential
//! search decide alone.
//!
//! The sequential search (`sequential/order.rs`) is depth first over "which client goes
//! next", with the refinements of the linearizability search: observers placed without
//! choice, placements that strand an operation refused, unobserved states merged, a memo
//! of failed configurations in a few words, optional operations that cannot matter left
//! out; and a pre-check (`sequential/precheck.rs`) that finds a client reading a value it
//! had seen overwritten without searching.
//!
//! Keys are checked separately: for independent keys, a history is sequentially
//! consistent per key exactly when every key's sub-history is, which is what the
//! exercises grade. (Sequential consistency across keys is not compositional in
//! general; the checker says "per key" in its reports.)

mod order;
mod precheck;
mod widen;

use crate::check::linearizable::{self, Facts, Found, KeyedSearch, Prepared};
use crate::check::search::States;
use crate::check::{
    CheckError, ConsistencyCheck, DEFAULT_STEP_BUDGET, Evidence, Verdict, Violation,
};
use crate::history::{History, OpId};
use crate::model::{AnyModel, ModelKind};

/// Checks that a history is sequentially consistent for a model: one of the built-in
/// ones by name ([`ModelKind`], the default) or any type implementing [`Facts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sequential<M = ModelKind> {
    /// The sequential specification.
    pub model: M,
    /// Search steps (over all keys) before answering [`Verdict::Undecided`].
    pub budget: u64,
}

impl<M: AnyModel> Sequential<M> {
    /// A checker for `model` with the default budget.
    pub fn new(model: M) -> Self {
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

/// The property checked, in verdicts and messages.
const SEQUENTIAL: &str = "sequential consistency";

impl<M: Facts> ConsistencyCheck for Sequential<M> {
    fn name(&self) -> &'static str {
        SEQUENTIAL
    }

    fn check(&self, history: &History) -> Result<Verdict, CheckError> {
        linearizable::run::<Seq, M>(&self.model, history, self.budget)
    }
}

/// Not generic, for the reason given at `Linearizable`'s.
impl ConsistencyCheck for Sequential<ModelKind> {
    fn name(&self) -> &'static str {
        SEQUENTIAL
    }

    // Out of line, or its caller's crate could inline it and instantiate the search.
    #[inline(never)]
    fn check(&self, history: &History) -> Result<Verdict, CheckError> {
        linearizable::run::<Seq, ModelKind>(&self.model, history, self.budget)
    }
}

/// The sequential-consistency search, as a [`KeyedSearch`].
struct Seq;

impl KeyedSearch for Seq {
    fn check<M: Facts>(model: &M, history: &History, budget: u64) -> Verdict {
        check_model(model, history, budget)
    }
}

/// What one key's check came to.
enum Outcome {
    Holds,
    Violated(Found),
    /// Out of steps, with the part that was hard.
    Undecided(String),
}

/// Steps each search gets in the first round; every round doubles it.
const FIRST_SLICE: u64 = 2_000;

/// Steps per operation in the linearizability search's first turn (see [`check_key`]).
const LIN_FIRST_STEPS_PER_OP: u64 = 4;

/// Steps the search gets to find evidence for a violation the pre-check found, at
/// least (more for long histories: it walks the whole order before the operation).
const EVIDENCE_STEPS: u64 = 200_000;

/// Checks `history` for sequential consistency against any model with [`Facts`], key
/// by key, within `budget` steps in all.
pub fn check_model<M: Facts>(model: &M, history: &History, budget: u64) -> Verdict {
    let mut left = budget;
    for (key, ids) in linearizable::parts(history) {
        let what = key.map_or("the register".to_owned(), |k| format!("key {k:?}"));
        match check_key(model, history, ids, &mut left) {
            Outcome::Holds => {}
            Outcome::Violated(found) => return violation(history, &what, found),
            Outcome::Undecided(hard) => {
                return Verdict::Undecided {
                    reason: format!(
                        "the search for {what} used up the budget of {budget} steps without \
                         finding an order or ruling every order out ({hard})"
                    ),
                };
            }
        }
    }
    Verdict::Holds
}

/// Checks one key's operations `ids`.
fn check_key<M: Facts>(model: &M, history: &History, ids: Vec<OpId>, left: &mut u64) -> Outcome {
    let mut states = States::new(model);
    let prep = Prepared::plain(history, ids.clone()).reduce(&mut states, false);
    if let Some(blame) = precheck::certain(&prep, &mut states) {
        let len = prep.len() as u64;
        let mut search = order::Search::new(prep, states).blaming(blame);
        let mut steps = EVIDENCE_STEPS.max(4 * len).min(*left);
        let found = match search.run(&mut steps) {
            Some(found @ Found::No { .. }) => found,
            _ => search.evidence(blame),
        };
        return Outcome::Violated(found);
    }
    let len = prep.len() as u64;
    let mut sequential = order::Search::new(prep, states);
    // The search in real time: first over the operations as they are, then with the
    // clients it blames widened in their own gaps, round by round (see `widen`).
    let rounds = widen::storage();
    let mut widening = widen::Widening::new(history, &ids, &rounds);
    let mut lin = match widen::real_time_search(model, Prepared::plain(history, ids.clone())) {
        Ok(search) => Some(search),
        Err(blamed) => widening.after(model, blamed),
    };
    let mut slice = FIRST_SLICE;
    // Each search in real time gets a first turn long enough to walk the whole history
    // a few times: on a linearizable history it then decides at its own cost, without
    // the sequential search's turns, which cost more per step.
    let first_turn = LIN_FIRST_STEPS_PER_OP * len;
    let mut lin_slice = slice.max(first_turn);
    loop {
        if let Some(search) = &mut lin {
            let mut steps = lin_slice.min(*left);
            lin_slice = slice.saturating_mul(2);
            let before = steps;
            let found = search.run(&mut steps);
            *left -= before - steps;
            match found {
                Some(Found::Yes) => return Outcome::Holds,
                // No order in real time: the next round widens the client of the
                // operation it could not place; without one, the sequential search
                // alone decides.
                Some(Found::No { blocked, .. }) => {
                    lin = blocked.first().and_then(|&b| widening.after(model, b));
                    lin_slice = slice.max(first_turn);
                }
                None => {}
            }
        }
        let mut steps = slice.min(*left);
        let before = steps;
        let found = sequential.run(&mut steps);
        *left -= before - steps;
        match found {
            Some(Found::Yes) => return Outcome::Holds,
            Some(found @ Found::No { .. }) => return Outcome::Violated(found),
            None => {}
        }
        if *left == 0 {
            // Each search's hard part, named as `describe_hard` words it.
            let described = |hard: &linearizable::Hard, which: &str| {
                linearizable::describe_hard(history, hard).replacen(
                    ". The hard part: its",
                    &format!(". The search in {which}: its"),
                    1,
                )
            };
            let in_client_order = described(&sequential.hard(), "each client's order");
            let real_time = match widening.widened() {
                0 => "real-time order".to_owned(),
                1 => "real-time order with 1 client widened".to_owned(),
                n => format!("real-time order with {n} clients widened"),
            };
            return Outcome::Undecided(match &mut lin {
                Some(search) => format!(
                    "neither the search in {real_time} nor the one in each client's \
                     order finished{}{in_client_order}",
                    described(&search.hard(), &real_time),
                ),
                None => format!(
                    "the history is not linearizable, and the search in each client's \
                     order did not finish{in_client_order}"
                ),
            });
        }
        slice = slice.saturating_mul(2);
    }
}

/// The verdict for a key whose search found no order.
fn violation(history: &History, what: &str, found: Found) -> Verdict {
    let Found::No {
        prefix,
        state,
        blocked,
    } = found
    else {
        unreachable!("only a search that found no order is a violation");
    };
    // Named by client, label and number: the times are the report's to show, in the
    // history's own unit (milliseconds, or a log's line numbers).
    let next: Vec<String> = blocked
        .iter()
        .map(|&i| {
            let op = history.op(i);
            format!("client {}'s {} (op {i})", op.client, op.label())
        })
        .collect();
    let summary = format!(
        "no order of the operations on {what} that keeps each client's own order \
         explains what the clients saw. The longest such order places {} \
         operation(s) and leaves {what} at {state}; none of the operations that \
         could come next is legal there: {}.",
        prefix.len(),
        next.join("; ")
    );
    Verdict::Violated(Violation {
        broken: SEQUENTIAL.into(),
        summary,
        evidence: Evidence::PartialOrder {
            prefix,
            state,
            blocked,
        },
    })
}
