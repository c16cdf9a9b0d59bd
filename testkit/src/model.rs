//! Sequential specifications: what a single copy of the data would answer.
//!
//! A checker asks a [`Model`] whether an operation, applied to a state, could have
//! returned what it returned, and what the state becomes. Three models cover the course:
//!
//! - [`Register`]: one value, reads and writes (initially `nil`);
//! - [`CasRegister`]: a register that also has compare-and-swap. A cas that reports
//!   `swapped: false` is legal only when the register did not hold `from`, as in the
//!   Jepsen etcd tests;
//! - [`Kv`]: a map from string keys to strings, initially `""` everywhere, with read,
//!   write (put) and append. Keys are independent, so the checkers split a key-value
//!   history by key and check each key as a register of strings.
//!
//! # Adding a model
//!
//! The searching checkers ([`Linearizable`](crate::check::linearizable::Linearizable),
//! [`Sequential`](crate::check::sequential::Sequential)) take any type that implements
//! [`Model`] and [`Facts`] (whose methods all have defaults: `impl Facts for MyModel {}`
//! is enough, and answering them makes the search faster). Nothing else changes:
//! `Linearizable::new(MyModel)` checks against it. [`ModelKind`] is only the list of the
//! built-in models by the names the command line and history files use; it reaches the
//! checkers through [`AnyModel`], like any other model.

use std::fmt;
use std::hash::Hash;
use std::str::FromStr;

use crate::history::{Action, Operation, Output, Value};

/// A sequential specification that the checkers compare histories against.
pub trait Model {
    /// The state of one copy of the data. A check may search on two threads, each with
    /// states of its own: they are sent, never shared.
    type State: Clone + Eq + Hash + fmt::Debug + Send;

    /// The state before any operation.
    fn init(&self) -> Self::State;

    /// If `op` could have produced its recorded output in `state`, the state after it.
    ///
    /// Operations of unknown outcome are applied as if they took effect; their outputs
    /// (none) are not compared. Failed operations never reach a model: checkers drop them.
    fn step(&self, state: &Self::State, op: &Operation) -> Option<Self::State>;

    /// How a state reads in evidence (`nil`, `3`, `"x 0 1 y"`).
    fn show(&self, state: &Self::State) -> String;

    /// The model's name in messages, such as `register`.
    fn name(&self) -> &str {
        "custom"
    }

    /// Whether the model has a meaning for `action`. The checkers refuse a history that
    /// holds an action its model has none for (a cas checked as a plain register) as a
    /// mistake in the input, instead of calling it a violation.
    fn supports(&self, _action: &Action) -> bool {
        true
    }
}

/// Something that uses a model as its own type: the searching checkers are generic over
/// the model, for speed, and this is how a model chosen at run time reaches them.
pub trait ModelUser {
    /// What using the model gives.
    type Output;

    /// Uses `model`.
    fn run<M: Facts>(self, model: &M) -> Self::Output;
}

/// A model the checkers can be given: any type with [`Facts`], or a [`ModelKind`], which
/// stands for one of the built-in models.
pub trait AnyModel {
    /// The model's name in messages.
    fn name(&self) -> &str;

    /// Whether the model has a meaning for `action` (see [`Model::supports`]).
    fn supports(&self, action: &Action) -> bool;

    /// Hands the model, as its own type, to `user`.
    fn with<U: ModelUser>(&self, user: U) -> U::Output;
}

impl<M: Facts> AnyModel for M {
    fn name(&self) -> &str {
        Model::name(self)
    }

    fn supports(&self, action: &Action) -> bool {
        Model::supports(self, action)
    }

    fn with<U: ModelUser>(&self, user: U) -> U::Output {
        user.run(self)
    }
}

impl AnyModel for ModelKind {
    fn name(&self) -> &str {
        ModelKind::name(*self)
    }

    fn supports(&self, action: &Action) -> bool {
        match self {
            ModelKind::Register => Model::supports(&Register, action),
            ModelKind::CasRegister => Model::supports(&CasRegister, action),
            ModelKind::Kv => Model::supports(&Kv, action),
        }
    }

    /// The one place that maps a name to a model type.
    fn with<U: ModelUser>(&self, user: U) -> U::Output {
        match self {
            ModelKind::Register => user.run(&Register),
            ModelKind::CasRegister => user.run(&CasRegister),
            ModelKind::Kv => user.run(&Kv),
        }
    }
}

/// The models a user can name on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ModelKind {
    /// [`Register`].
    Register,
    /// [`CasRegister`].
    CasRegister,
    /// [`Kv`].
    Kv,
}

impl ModelKind {
    /// The name used on the command line and in history files.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Register => "register",
            ModelKind::CasRegister => "cas-register",
            ModelKind::Kv => "kv",
        }
    }

    /// Every model, for help texts.
    pub const ALL: [ModelKind; 3] = [ModelKind::Register, ModelKind::CasRegister, ModelKind::Kv];
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ModelKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ModelKind::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| {
                format!("unknown model {s:?}: expected one of register, cas-register, kv")
            })
    }
}

/// Checks the output of a read against the current value.
fn read_matches(state: &Option<Value>, op: &Operation) -> bool {
    match op.output() {
        Some(Output::Value(v)) => v == state,
        // A read of unknown outcome returned nothing to compare.
        _ => true,
    }
}

/// A register with read and write, initially `nil`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Register;

impl Model for Register {
    type State = Option<Value>;

    fn init(&self) -> Self::State {
        None
    }

    fn step(&self, state: &Self::State, op: &Operation) -> Option<Self::State> {
        match &op.action {
            Action::Read => read_matches(state, op).then(|| state.clone()),
            Action::Write(v) => Some(Some(v.clone())),
            // A plain register has no cas or append: no state explains them.
            Action::Cas { .. } | Action::Append(_) => None,
        }
    }

    fn show(&self, state: &Self::State) -> String {
        crate::history::show(state)
    }

    fn name(&self) -> &str {
        "register"
    }

    fn supports(&self, action: &Action) -> bool {
        matches!(action, Action::Read | Action::Write(_))
    }
}

/// A register with read, write and compare-and-swap, initially `nil`.
#[derive(Clone, Copy, Debug, Default)]
pub struct CasRegister;

impl Model for CasRegister {
    type State = Option<Value>;

    fn init(&self) -> Self::State {
        None
    }

    fn step(&self, state: &Self::State, op: &Operation) -> Option<Self::State> {
        match &op.action {
            Action::Read => read_matches(state, op).then(|| state.clone()),
            Action::Write(v) => Some(Some(v.clone())),
            Action::Cas { from, to } => {
                let matches = state == from;
                match op.output() {
                    Some(Output::Swapped(true)) => matches.then(|| Some(to.clone())),
                    Some(Output::Swapped(false)) => (!matches).then(|| state.clone()),
                    // Unknown outcome: it did whatever a cas does in this state.
                    _ => Some(if matches {
                        Some(to.clone())
                    } else {
                        state.clone()
                    }),
                }
            }
            Action::Append(_) => None,
        }
    }

    fn show(&self, state: &Self::State) -> String {
        crate::history::show(state)
    }

    fn name(&self) -> &str {
        "cas-register"
    }

    fn supports(&self, action: &Action) -> bool {
        !matches!(action, Action::Append(_))
    }
}

/// One key of a key-value map of strings, initially `""`: read, write (put), append.
///
/// Checkers split a key-value history by key and check each key with this model, which is
/// sound because operations on different keys commute.
#[derive(Clone, Copy, Debug, Default)]
pub struct Kv;

impl Model for Kv {
    type State = String;

    fn init(&self) -> Self::State {
        String::new()
    }

    fn step(&self, state: &Self::State, op: &Operation) -> Option<Self::State> {
        match &op.action {
            Action::Read => match op.output() {
                Some(Output::Value(v)) => {
                    (kv_text(v) == Some(state.as_str())).then(|| state.clone())
                }
                _ => Some(state.clone()),
            },
            Action::Write(v) => Some(kv_text(&Some(v.clone()))?.to_owned()),
            Action::Append(v) => {
                let mut s = state.clone();
                s.push_str(kv_text(&Some(v.clone()))?);
                Some(s)
            }
            Action::Cas { from, to } => {
                let matches = kv_text(from) == Some(state.as_str());
                let to = kv_text(&Some(to.clone()))?.to_owned();
                match op.output() {
                    Some(Output::Swapped(true)) => matches.then_some(to),
                    Some(Output::Swapped(false)) => (!matches).then(|| state.clone()),
                    _ => Some(if matches { to } else { state.clone() }),
                }
            }
        }
    }

    fn show(&self, state: &Self::State) -> String {
        format!("{state:?}")
    }

    fn name(&self) -> &str {
        "kv"
    }
}

/// The text a key-value value stands for: strings as they are, `nil` as `""`. Integers
/// are not strings, so no state matches them.
fn kv_text(v: &Option<Value>) -> Option<&str> {
    match v {
        None => Some(""),
        Some(Value::Str(s)) => Some(s),
        Some(Value::Int(_)) => None,
    }
}

// What a model can tell the searching checkers about the values in operations, beyond
// `step`. The search only needs `Model::step` to be correct; these facts make it fast:
// they let it see that a configuration is a dead end before walking to the end of it,
// and that two states have the same future. Every answer must be exact or err on the
// side that prunes less: a fact that is too strong makes the checker unsound.

/// Facts about a model's values that the linearizability search uses to prune.
///
/// The default answers know nothing and prune nothing, so any [`Model`] can implement
/// this trait with an empty `impl` block. A check may search on two threads that share
/// the model, hence `Sync`.
pub trait Facts: Model + Sync {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Operation as Op;

    #[test]
    fn register_reads_must_match_the_state() {
        let r = Register;
        assert_eq!(r.step(&None, &Op::read(0, None, 0, 1)), Some(None));
        assert_eq!(r.step(&None, &Op::read(0, Some(1.into()), 0, 1)), None);
        assert_eq!(r.step(&None, &Op::write(0, 5, 0, 1)), Some(Some(5.into())));
        assert_eq!(r.step(&None, &Op::cas(0, None, 1, true, 0, 1)), None);
    }

    #[test]
    fn failed_cas_is_legal_only_when_the_value_differs() {
        let m = CasRegister;
        let one = Some(Value::from(1));
        assert_eq!(
            m.step(&one, &Op::cas(0, one.clone(), 2, true, 0, 1)),
            Some(Some(2.into()))
        );
        assert_eq!(m.step(&one, &Op::cas(0, one.clone(), 2, false, 0, 1)), None);
        assert_eq!(
            m.step(&None, &Op::cas(0, one.clone(), 2, false, 0, 1)),
            Some(None)
        );
        assert_eq!(m.step(&None, &Op::cas(0, one.clone(), 2, true, 0, 1)), None);
    }

    #[test]
    fn unknown_cas_does_what_a_cas_would() {
        let m = CasRegister;
        let action = Action::Cas {
            from: Some(1.into()),
            to: 2.into(),
        };
        let op = Op::unknown(0, action, 0);
        assert_eq!(m.step(&Some(1.into()), &op), Some(Some(2.into())));
        assert_eq!(m.step(&Some(3.into()), &op), Some(Some(3.into())));
    }

    #[test]
    fn kv_appends_and_reads_strings() {
        let m = Kv;
        let s = m.step(&m.init(), &Op::append(0, "ab", 0, 1)).unwrap();
        let s = m.step(&s, &Op::append(0, "c", 0, 1)).unwrap();
        assert_eq!(s, "abc");
        assert!(m.step(&s, &Op::read(0, Some("abc".into()), 0, 1)).is_some());
        assert!(m.step(&s, &Op::read(0, Some("ab".into()), 0, 1)).is_none());
        assert!(m.step(&String::new(), &Op::read(0, None, 0, 1)).is_some());
        assert_eq!(m.step(&s, &Op::write(0, "z", 0, 1)).unwrap(), "z");
    }

    #[test]
    fn model_names_round_trip() {
        for m in ModelKind::ALL {
            assert_eq!(m.name().parse::<ModelKind>().unwrap(), m);
        }
        let err = "queue".parse::<ModelKind>().unwrap_err();
        assert!(
            err.contains("queue") && err.contains("cas-register"),
            "{err}"
        );
    }
}
