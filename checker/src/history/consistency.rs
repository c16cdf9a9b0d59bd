//! The consistency models `checker history check` decides: which checker each one runs,
//! and the words its verdicts are printed with.

use testkit::check::causal::{AllSessions, Causal, CausalMemory, Guarantee, Session};
use testkit::check::linearizable::Linearizable;
use testkit::check::sequential::Sequential;
use testkit::check::{CheckError, ConsistencyCheck, Verdict};
use testkit::history::History;
use testkit::model::ModelKind;

pub use crate::cli::Consistency;

impl Consistency {
    /// Whether the check needs a data model: the searches do, the causal checks follow
    /// reads to the writes they saw and need none.
    pub fn needs_model(self) -> bool {
        matches!(self, Consistency::Linearizable | Consistency::Sequential)
    }

    /// The checker, with `budget` steps for those that search; `model` is only looked
    /// at by those that need one ([`Consistency::needs_model`]), which must be given
    /// one.
    fn checker(self, model: Option<ModelKind>, budget: u64) -> Box<dyn ConsistencyCheck> {
        let model = || model.expect("a model for a search");
        match self {
            Consistency::Linearizable => Box::new(Linearizable::new(model()).with_budget(budget)),
            Consistency::Sequential => Box::new(Sequential::new(model()).with_budget(budget)),
            Consistency::Causal => Box::new(Causal),
            Consistency::CausalMemory => Box::new(CausalMemory { budget }),
            Consistency::ReadYourWrites => Box::new(Session(Guarantee::ReadYourWrites)),
            Consistency::MonotonicReads => Box::new(Session(Guarantee::MonotonicReads)),
            Consistency::MonotonicWrites => Box::new(Session(Guarantee::MonotonicWrites)),
            Consistency::WritesFollowReads => Box::new(Session(Guarantee::WritesFollowReads)),
            Consistency::SessionGuarantees => Box::new(AllSessions),
        }
    }

    /// Checks `history`. An empty history satisfies every model; any other needs a
    /// `model` when [`Consistency::needs_model`].
    pub fn check(
        self,
        model: Option<ModelKind>,
        budget: u64,
        history: &History,
    ) -> Result<Verdict, CheckError> {
        if history.is_empty() {
            return Ok(Verdict::Holds);
        }
        self.checker(model, budget).check(history)
    }

    /// The name `--consistency` takes, which JSON lines repeat: `causal-memory`.
    pub fn flag(self) -> &'static str {
        match self {
            Consistency::Linearizable => "linearizable",
            Consistency::Sequential => "sequential",
            Consistency::Causal => "causal",
            Consistency::CausalMemory => "causal-memory",
            Consistency::ReadYourWrites => "read-your-writes",
            Consistency::MonotonicReads => "monotonic-reads",
            Consistency::MonotonicWrites => "monotonic-writes",
            Consistency::WritesFollowReads => "writes-follow-reads",
            Consistency::SessionGuarantees => "session-guarantees",
        }
    }

    /// The model a history file names in its `"consistency"` field: by the name
    /// `--consistency` takes or by the property's name, as reports give it.
    pub fn named(name: &str) -> Option<Consistency> {
        use clap::ValueEnum;
        Consistency::value_variants()
            .iter()
            .copied()
            .find(|c| c.flag() == name || c.name() == name)
    }

    /// The name of the property, as reports and pages give it (`linearizability`).
    pub fn name(self) -> &'static str {
        // The checkers that need a model name the property alike for every model.
        self.checker(Some(ModelKind::Register), 0).name()
    }

    /// What a history that satisfies the model is, and one that does not, for people:
    /// `linearizable` and `not linearizable`. Programs get the same words joined by
    /// hyphens (see [`Consistency::verdict_tag`]).
    pub fn verdict_words(self) -> (&'static str, &'static str) {
        match self {
            Consistency::Linearizable => ("linearizable", "not linearizable"),
            Consistency::Sequential => ("sequentially consistent", "not sequentially consistent"),
            Consistency::Causal => ("causally consistent", "not causally consistent"),
            Consistency::CausalMemory => ("causal memory", "not causal memory"),
            Consistency::ReadYourWrites => ("keeps read-your-writes", "breaks read-your-writes"),
            Consistency::MonotonicReads => ("keeps monotonic-reads", "breaks monotonic-reads"),
            Consistency::MonotonicWrites => ("keeps monotonic-writes", "breaks monotonic-writes"),
            Consistency::WritesFollowReads => {
                ("keeps writes-follow-reads", "breaks writes-follow-reads")
            }
            Consistency::SessionGuarantees => {
                ("keeps session-guarantees", "breaks session-guarantees")
            }
        }
    }

    /// The verdict as JSON lines give it: `linearizable`, `not-linearizable`,
    /// `sequentially-consistent`, `breaks-read-your-writes`, ...
    pub fn verdict_tag(self, holds: bool) -> String {
        let (yes, no) = self.verdict_words();
        match holds {
            true => yes,
            false => no,
        }
        .replace(' ', "-")
    }
}

#[cfg(test)]
mod tests {
    use clap::ValueEnum;

    use super::*;

    #[test]
    fn every_model_names_its_property_and_verdicts() {
        for &c in Consistency::value_variants() {
            let (yes, no) = c.verdict_words();
            assert_ne!(yes, no);
            assert!(!c.name().is_empty());
            assert!(!c.verdict_tag(false).contains(' '));
            let name = c.to_possible_value().unwrap();
            assert_eq!(c.flag(), name.get_name());
        }
        assert_eq!(Consistency::Linearizable.name(), "linearizability");
        for &c in Consistency::value_variants() {
            assert_eq!(Consistency::named(c.flag()), Some(c));
            assert_eq!(Consistency::named(c.name()), Some(c));
        }
        assert_eq!(
            Consistency::named("sequential consistency"),
            Some(Consistency::Sequential)
        );
        assert_eq!(Consistency::named("eventual"), None);
        assert_eq!(Consistency::ReadYourWrites.name(), "read-your-writes");
        assert_eq!(
            Consistency::Linearizable.verdict_tag(false),
            "not-linearizable"
        );
        assert_eq!(
            Consistency::Sequential.verdict_tag(true),
            "sequentially-consistent"
        );
    }
}
