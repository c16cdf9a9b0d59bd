//! The five models of the task, as the suite names them, and the reference verdict of
//! each: what both the verdict test and its explanations speak of.

use testkit::check::causal::{Causal, Guarantee, Session};
use testkit::check::linearizable::Linearizable;
use testkit::check::sequential::Sequential;
use testkit::check::{ConsistencyCheck, Verdict};
use testkit::history::History;
use testkit::model::ModelKind;

/// One of the five models, as the suite names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Model {
    Linearizable,
    Sequential,
    Causal,
    ReadYourWrites,
    Eventual,
}

impl Model {
    /// Its name in the README.
    pub fn name(self) -> &'static str {
        match self {
            Model::Linearizable => "linearizable",
            Model::Sequential => "sequential",
            Model::Causal => "causal",
            Model::ReadYourWrites => "read-your-writes",
            Model::Eventual => "eventual",
        }
    }

    /// The reference checker's verdict on `history`, or `None` for eventual, which the
    /// suite decides itself (no value from thin air).
    pub fn reference(self, history: &History) -> Option<Verdict> {
        let check: &dyn ConsistencyCheck = match self {
            Model::Linearizable => &Linearizable::new(ModelKind::Register),
            Model::Sequential => &Sequential::new(ModelKind::Register),
            Model::Causal => &Causal,
            Model::ReadYourWrites => &Session(Guarantee::ReadYourWrites),
            Model::Eventual => return None,
        };
        match check.check(history) {
            Ok(verdict) => Some(verdict),
            Err(e) => panic!("the reference checker refused a history of the suite: {e}"),
        }
    }
}
