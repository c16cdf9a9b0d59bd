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
//! sound). A key whose search is slow to decide gets a second search that tries
//! operations in another order, taking turns with the first (see the `turns` module).
//!
//! Key-value histories, and register histories with keys, are split by key first: keys are
//! independent, and checking them separately turns one exponential search into many
//! small ones.

mod entries;
mod precheck;
mod reduce;
mod turns;
pub(crate) mod watch;
mod wgl;

use std::collections::BTreeMap;
use std::marker::PhantomData;

use crate::check::search::States;
use crate::check::{
    CheckError, ConsistencyCheck, DEFAULT_STEP_BUDGET, Evidence, Verdict, Violation,
};
use crate::history::{Action, History, OpId, Operation, Outcome};
pub use crate::model::Facts;
use crate::model::{AnyModel, ModelKind, ModelUser};
pub(crate) use precheck::certain;
pub(crate) use reduce::Prepared;
use turns::Turns;
pub(crate) use wgl::{Found, Hard, Order, Search, is_observer};

/// Checks that a history is linearizable for a model: one of the built-in ones by name
/// ([`ModelKind`], the default) or any type implementing [`Facts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Linearizable<M = ModelKind> {
    /// The sequential specification.
    pub model: M,
    /// Search steps (over all keys) before answering [`Verdict::Undecided`].
    pub budget: u64,
}

impl<M: AnyModel> Linearizable<M> {
    /// A checker for `model` with the default budget.
    pub fn new(model: M) -> Self {
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

/// The property checked, in verdicts and messages.
const LINEARIZABILITY: &str = "linearizability";

impl<M: Facts> ConsistencyCheck for Linearizable<M> {
    fn name(&self) -> &'static str {
        LINEARIZABILITY
    }

    fn check(&self, history: &History) -> Result<Verdict, CheckError> {
        run::<Lin, M>(&self.model, history, self.budget)
    }
}

/// The built-in models get an impl of their own, not generic: the search is then
/// compiled once, optimised, in this crate, rather than instantiated in every crate that
/// checks a history (where a test build leaves it unoptimised, several times slower).
impl ConsistencyCheck for Linearizable<ModelKind> {
    fn name(&self) -> &'static str {
        LINEARIZABILITY
    }

    // Out of line, or its caller's crate could inline it and instantiate the search.
    #[inline(never)]
    fn check(&self, history: &History) -> Result<Verdict, CheckError> {
        run::<Lin, ModelKind>(&self.model, history, self.budget)
    }
}

/// The linearizability search, as a [`KeyedSearch`].
struct Lin;

impl KeyedSearch for Lin {
    fn check<M: Facts>(model: &M, history: &History, budget: u64) -> Verdict {
        check_model(model, history, budget)
    }
}

/// What a searching checker does with a model of a known type: `check_model` of
/// linearizability or of sequential consistency.
pub(crate) trait KeyedSearch {
    /// The verdict on `history` against `model`, within `budget` steps.
    fn check<M: Facts>(model: &M, history: &History, budget: u64) -> Verdict;
}

/// Refuses what `model` has no meaning for ([`supported`]), then runs the search `S`
/// with the model as its own type, whether it came as a [`ModelKind`] or as a type.
pub(crate) fn run<S: KeyedSearch, M: AnyModel>(
    model: &M,
    history: &History,
    budget: u64,
) -> Result<Verdict, CheckError> {
    struct Run<'h, S>(&'h History, u64, PhantomData<S>);
    impl<S: KeyedSearch> ModelUser for Run<'_, S> {
        type Output = Verdict;
        fn run<M: Facts>(self, model: &M) -> Verdict {
            S::check(model, self.0, self.1)
        }
    }
    supported(model, history)?;
    Ok(model.with(Run::<S>(history, budget, PhantomData)))
}

/// Refuses actions a model has no meaning for, so that a `cas` in a plain register
/// history reads as a mistake in the input rather than as a consistency violation.
pub(crate) fn supported<M: AnyModel>(model: &M, history: &History) -> Result<(), CheckError> {
    for (id, op) in history.ops().iter().enumerate() {
        if !model.supports(&op.action) {
            let what = format!("the {} model has no {}", model.name(), op.label());
            return Err(CheckError::Unsupported { op: id, what });
        }
    }
    Ok(())
}

/// One key's part of a history: the key, and the ids of the operations that matter
/// (see [`relevant`]).
pub(crate) type Part<'h> = (Option<&'h str>, Vec<OpId>);

/// Splits `history` by key, keeping the operations that matter. The history's
/// operations are referred to, never copied: a history of a million operations is
/// already most of the memory a check uses.
pub(crate) fn parts(history: &History) -> Vec<Part<'_>> {
    let mut by_key: BTreeMap<Option<&str>, Vec<OpId>> = BTreeMap::new();
    for (id, op) in history.ops().iter().enumerate() {
        let ids = by_key.entry(op.key.as_deref()).or_default();
        if relevant(op) {
            ids.push(id);
        }
    }
    by_key.into_iter().collect()
}

/// Steps each undecided key gets in the first round; every round doubles it.
const FIRST_SLICE: u64 = 2_000;

/// Checks `history` against any model with [`Facts`], key by key, within `budget` steps in all.
///
/// The keys' searches run in rounds, each undecided key getting a slice of steps that
/// doubles every round, so that a violation on an easy key is found even when another key
/// would use up the whole budget. The rejected alternative, one key after another, let a
/// single hard key hide every other key's violation. The first violation found wins;
/// runs are deterministic, on one processor or more: a key slow to decide gets a
/// second search, trying operations in another order, that takes turns with the first
/// (counted in steps; with a spare processor, on a thread of its own).
pub fn check_model<M: Facts>(model: &M, history: &History, budget: u64) -> Verdict {
    check_in_orders(model, history, budget, Order::Groups, Some(Order::Returns))
}

/// [`check_model`] with one search per key, trying operations by their returns: for the
/// property tests, which check each order of trying against the exhaustive reference
/// (most of their small histories are decided before a second search would start).
#[doc(hidden)]
pub fn check_model_by_returns<M: AnyModel>(
    model: &M,
    history: &History,
) -> Result<Verdict, CheckError> {
    struct ByReturns;
    impl KeyedSearch for ByReturns {
        fn check<M: Facts>(model: &M, history: &History, budget: u64) -> Verdict {
            check_in_orders(model, history, budget, Order::Returns, None)
        }
    }
    run::<ByReturns, M>(model, history, DEFAULT_STEP_BUDGET)
}

/// [`check_model`], with each key's first search trying operations in `first` order and
/// the second, if any, in `second` (see [`Turns`]).
fn check_in_orders<M: Facts>(
    model: &M,
    history: &History,
    budget: u64,
    first: Order,
    second: Option<Order>,
) -> Verdict {
    let parts = parts(history);
    let prepare = |ids: &[OpId]| {
        let mut states = States::new(model);
        let prep = Prepared::plain(history, ids.to_vec()).reduce(&mut states, true);
        (prep, states)
    };
    let mut searches: Vec<Option<Turns<M>>> = Vec::with_capacity(parts.len());
    let mut left = budget;
    for (k, (_, ids)) in parts.iter().enumerate() {
        let (prep, mut states) = prepare(ids);
        // A certain violation ends the check at once; the search, given a bounded run,
        // only finds the evidence: the order it reaches before the operation to blame.
        if let Some(blame) = precheck::certain(&prep, &mut states) {
            let mut steps = EVIDENCE_STEPS.max(4 * prep.len() as u64).min(left);
            let mut search = Search::new(prep, states).blaming(blame);
            let found = match search.run(&mut steps) {
                Some(found @ Found::No { .. }) => found,
                _ => search.evidence(blame),
            };
            return violation(history, parts[k].0, found);
        }
        let len = prep.len();
        let build = second.map(|order| -> turns::Build<M> {
            Box::new(move || {
                let (prep, states) = prepare(ids);
                Search::new(prep, states).ordered(order)
            })
        });
        searches.push(Some(Turns::new(
            Search::new(prep, states).ordered(first),
            len,
            build,
        )));
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
                Some(found @ Found::No { .. }) => return violation(history, parts[k].0, found),
            }
        }
        if left == 0
            && let Some(k) = searches.iter().position(Option::is_some)
        {
            let which = parts[k]
                .0
                .map_or("the register".to_owned(), |k| format!("key {k:?}"));
            let hard = searches[k].as_mut().map(Turns::hard);
            return Verdict::Undecided {
                reason: format!(
                    "the search for {which} used up the budget of {budget} steps without \
                     finding an order or ruling every order out{}",
                    hard.map_or(String::new(), |h| describe_hard(history, &h))
                ),
            };
        }
        slice = slice.saturating_mul(2);
    }
    Verdict::Holds
}

/// The hard part of an undecided search in words, to follow the verdict's first clause:
/// which operations it could not get past and how crowded that stretch is, so that a
/// reader knows where to look (and what a larger budget would be spent on).
pub(crate) fn describe_hard(history: &History, hard: &Hard) -> String {
    let name = |id: OpId| {
        let op = history.op(id);
        format!("op {id} (client {}'s {})", op.client, op.label())
    };
    let Some(stuck) = hard.stuck else {
        return String::new();
    };
    let from = match hard.from {
        Some(from) if from != stuck => {
            format!(
                "; it has been trying other orders of what it placed from {} on",
                name(from)
            )
        }
        _ => String::new(),
    };
    format!(
        ". The hard part: its longest order places {} of the {} operations it orders and \
         cannot get past {}{from}; {} operations of {} clients overlap that stretch",
        hard.placed,
        hard.total,
        name(stuck),
        hard.overlapping,
        hard.clients,
    )
}

/// Steps the search gets to find evidence for a violation the pre-check found.
const EVIDENCE_STEPS: u64 = 200_000;

/// The verdict for a key's search that found no order.
fn violation(history: &History, key: Option<&str>, found: Found) -> Verdict {
    let Found::No {
        prefix,
        state,
        blocked,
    } = found
    else {
        unreachable!("only a search that found no order is a violation");
    };
    let summary = summary(history, key, &prefix, &state, &blocked);
    Verdict::Violated(Violation {
        broken: LINEARIZABILITY.into(),
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
         client {}'s {} (op {}) must come next, and neither it nor any operation that \
         could go before it is legal there.",
        prefix.len(),
        op.client,
        op.label(),
        first,
    )
}

/// Whether a search must consider `op`: failed operations had no effect, and reads of
/// unknown outcome returned nothing, so neither can constrain an order.
pub(crate) fn relevant(op: &Operation) -> bool {
    let no_effect = matches!(op.outcome, Outcome::Failed { .. });
    let unseen_read = op.action == Action::Read && op.outcome == Outcome::Unknown;
    !(no_effect || unseen_read)
}
