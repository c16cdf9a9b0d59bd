//! What a model can tell the search about the values in operations, beyond `step`.
//!
//! The search only needs [`Model::step`] to be correct. These facts make it fast: they
//! let it see that a configuration is a dead end before walking to the end of it, and
//! that two states have the same future. Every answer here must be exact or err on the
//! side that prunes less: a fact that is too strong makes the checker unsound.

use crate::history::{Action, Operation, Output, Value};
use crate::model::{CasRegister, Kv, Model, Register};

/// Facts about a model's values that the linearizability search uses to prune.
///
/// The default answers know nothing and prune nothing, so any [`Model`] can implement
/// this trait with an empty `impl` block.
pub trait Facts: Model {
    /// The one state in which `op` is legal, when there is exactly one: a completed read
    /// needs the value it returned, a swapped compare-and-swap needs its `from`.
    fn needs(&self, _op: &Operation) -> Option<Self::State> {
        None
    }

    /// Whether the model is *exact*: whether every operation's legality and effect
    /// depend on the state only through whether it equals [`Facts::mentions`]. Then a
    /// state that no remaining operation mentions behaves exactly like any other such
    /// state. A key-value string is not exact: an append makes a new state from the old.
    fn exact(&self) -> bool {
        false
    }

    /// The state whose equality with the current one decides what `op` does (only
    /// asked when [`Facts::exact`]).
    fn mentions(&self, _op: &Operation) -> Option<Self::State> {
        None
    }

    /// The state `op` leaves whenever it changes the state at all (a write, a swap);
    /// `None` when that depends on the state before (an append).
    fn writes(&self, _op: &Operation) -> Option<Self::State> {
        None
    }

    /// Whether placing `op` could ever help the state come back to `target`, once the
    /// state has moved away from it. The default, `true`, never prunes.
    fn leads_to(&self, _op: &Operation, _target: &Self::State) -> bool {
        true
    }

    /// Whether the state could go from `from` to `to` without a write (with appends
    /// only). Exact models: only by staying. The default, `true`, never prunes.
    fn reaches(&self, _from: &Self::State, _to: &Self::State) -> bool {
        true
    }
}

/// The value a completed read returned, if `op` is one.
fn read_value(op: &Operation) -> Option<&Option<Value>> {
    op.read_value()
}

/// The `from` of a compare-and-swap that reported swapping.
fn swapped_from(op: &Operation) -> Option<&Option<Value>> {
    match (&op.action, op.output()) {
        (Action::Cas { from, .. }, Some(Output::Swapped(true))) => Some(from),
        _ => None,
    }
}

impl Facts for Register {
    fn needs(&self, op: &Operation) -> Option<Self::State> {
        read_value(op).cloned()
    }

    fn exact(&self) -> bool {
        true
    }

    fn mentions(&self, op: &Operation) -> Option<Self::State> {
        self.needs(op)
    }

    fn writes(&self, op: &Operation) -> Option<Self::State> {
        match &op.action {
            Action::Write(v) => Some(Some(v.clone())),
            _ => None,
        }
    }

    fn leads_to(&self, op: &Operation, target: &Self::State) -> bool {
        self.writes(op).as_ref() == Some(target)
    }

    fn reaches(&self, from: &Self::State, to: &Self::State) -> bool {
        from == to
    }
}

impl Facts for CasRegister {
    fn needs(&self, op: &Operation) -> Option<Self::State> {
        read_value(op).or_else(|| swapped_from(op)).cloned()
    }

    fn exact(&self) -> bool {
        true
    }

    fn mentions(&self, op: &Operation) -> Option<Self::State> {
        match &op.action {
            // Every cas, swapped, not swapped or of unknown outcome, asks `state == from`.
            Action::Cas { from, .. } => Some(from.clone()),
            _ => read_value(op).cloned(),
        }
    }

    fn writes(&self, op: &Operation) -> Option<Self::State> {
        match &op.action {
            Action::Write(v) | Action::Cas { to: v, .. } => Some(Some(v.clone())),
            _ => None,
        }
    }

    fn leads_to(&self, op: &Operation, target: &Self::State) -> bool {
        self.writes(op).as_ref() == Some(target)
    }

    fn reaches(&self, from: &Self::State, to: &Self::State) -> bool {
        from == to
    }
}

/// The text a key-value value stands for (`nil` reads as `""`); integers match nothing.
fn text(v: &Option<Value>) -> Option<String> {
    match v {
        None => Some(String::new()),
        Some(Value::Str(s)) => Some(s.clone()),
        Some(Value::Int(_)) => None,
    }
}

impl Facts for Kv {
    fn needs(&self, op: &Operation) -> Option<Self::State> {
        read_value(op).or_else(|| swapped_from(op)).and_then(text)
    }

    fn writes(&self, op: &Operation) -> Option<Self::State> {
        match &op.action {
            Action::Write(v) | Action::Cas { to: v, .. } => text(&Some(v.clone())),
            _ => None,
        }
    }

    /// Appends only lengthen the string, so only a put (or swap) of a prefix of `target`
    /// can start the way back to it.
    fn leads_to(&self, op: &Operation, target: &Self::State) -> bool {
        self.writes(op).is_some_and(|w| target.starts_with(&w))
    }

    fn reaches(&self, from: &Self::State, to: &Self::State) -> bool {
        to.starts_with(from.as_str())
    }
}
