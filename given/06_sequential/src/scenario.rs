//! A scenario: a script of client calls and link faults, written as data.
//!
//! A scenario says what happens to a world of replicas and when, but builds no world
//! itself: whoever plays it (the hidden tests, or your own tests) chooses the replicas,
//! the seed and the network, and records what the calls returned. A run is therefore
//! always a run of the replicas it is played on.
//!
//! ```
//! use sequential_given::{Request, Scenario, Step};
//!
//! // Client 0 writes 5 through replica 1 and waits for the answer; then client 1 reads
//! // at replica 2.
//! let scenario = Scenario {
//!     replicas: 3,
//!     steps: vec![
//!         Step::Call { client: 0, node: 1, request: Request::Write(5) },
//!         Step::Await { client: 0 },
//!         Step::Call { client: 1, node: 2, request: Request::Read },
//!         Step::Await { client: 1 },
//!     ],
//! };
//! assert_eq!(scenario.check(), Ok(()));
//! assert_eq!(scenario.written(), vec![5]);
//! ```

use std::collections::BTreeSet;
use std::fmt;
use std::time::Duration;

use testkit::history::ClientId;
use testkit::sim::NodeId;

use crate::protocol::Request;

/// The most replicas a scenario may ask for.
pub const MAX_REPLICAS: usize = 9;

/// The most steps a scenario may have: enough for any point a scenario makes, few
/// enough that the checkers decide its history at once.
pub const MAX_STEPS: usize = 100;

/// The longest one [`Step::RunFor`] may let pass.
pub const MAX_RUN_FOR: Duration = Duration::from_secs(60);

/// A script for a world of `replicas` replicas (nodes `0..replicas`), played step by
/// step from time zero.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// How many replicas the world has, from 1 to [`MAX_REPLICAS`].
    pub replicas: usize,
    /// What happens, in order.
    pub steps: Vec<Step>,
}

/// One step of a [`Scenario`]. Steps take no time unless they say so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Client `client` sends `request` to replica `node` now, and waits for the answer
    /// while the following steps happen. A client has one call open at a time: calling
    /// again before the answer came is an error ([`ScenarioError::ClientBusy`]).
    Call {
        /// The client.
        client: ClientId,
        /// The replica it asks.
        node: NodeId,
        /// What it asks.
        request: Request,
    },
    /// Runs the world until `client`'s call has ended (at once if it already has). A
    /// call that can never end (its answer can never be sent) stays open, and its
    /// outcome is unknown.
    Await {
        /// The client, which must have called in an earlier step.
        client: ClientId,
    },
    /// Lets this much virtual time pass, at most [`MAX_RUN_FOR`].
    RunFor(Duration),
    /// Runs the world until no message is in flight and no client waits, or until
    /// nothing more can happen.
    Settle,
    /// From now on, messages from node `from` to node `to` are dropped; the other
    /// direction still works.
    Block {
        /// The sender whose messages are dropped.
        from: NodeId,
        /// The receiver that no longer gets them.
        to: NodeId,
    },
    /// Splits the replicas into groups that cannot reach each other; the replicas in no
    /// group form one more group. Replaces an earlier partition; blocks stay.
    Partition(Vec<Vec<NodeId>>),
    /// Removes every partition and block.
    Heal,
}

/// Why a scenario cannot be played.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioError {
    /// The number of replicas is not in `1..=MAX_REPLICAS`.
    Replicas(usize),
    /// The scenario has more than [`MAX_STEPS`] steps.
    TooManySteps(usize),
    /// Step `step` names a node the world does not have.
    UnknownNode {
        /// The step, counted from 0.
        step: usize,
        /// The node it names.
        node: NodeId,
    },
    /// Step `step` puts `node` in two groups of a partition.
    NodeTwice {
        /// The step, counted from 0.
        step: usize,
        /// The node named twice.
        node: NodeId,
    },
    /// Step `step` runs for longer than [`MAX_RUN_FOR`].
    TooLong {
        /// The step, counted from 0.
        step: usize,
        /// How long it asks for.
        span: Duration,
    },
    /// Step `step` awaits a client that has not called in any earlier step.
    NoCall {
        /// The step, counted from 0.
        step: usize,
        /// The client.
        client: ClientId,
    },
    /// Step `step` makes `client` call while its previous call is still open.
    ClientBusy {
        /// The step, counted from 0.
        step: usize,
        /// The client.
        client: ClientId,
    },
    /// The world cannot be built with the settings it was given.
    Config(String),
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::Replicas(n) => {
                write!(f, "a scenario has 1 to {MAX_REPLICAS} replicas, not {n}")
            }
            ScenarioError::TooManySteps(n) => {
                write!(f, "a scenario has at most {MAX_STEPS} steps, not {n}")
            }
            ScenarioError::UnknownNode { step, node } => {
                write!(
                    f,
                    "step {step} names n{node}, which the world does not have"
                )
            }
            ScenarioError::NodeTwice { step, node } => {
                write!(f, "step {step} puts n{node} in two groups of one partition")
            }
            ScenarioError::TooLong { step, span } => write!(
                f,
                "step {step} runs for {span:?}; one step runs for at most {MAX_RUN_FOR:?}"
            ),
            ScenarioError::NoCall { step, client } => write!(
                f,
                "step {step} awaits client c{client}, which has not called before it"
            ),
            ScenarioError::ClientBusy { step, client } => write!(
                f,
                "step {step} makes client c{client} call while its previous call is still \
                 open; await it first (Step::Await)"
            ),
            ScenarioError::Config(why) => write!(f, "the world cannot be built: {why}"),
        }
    }
}

impl std::error::Error for ScenarioError {}

impl Scenario {
    /// Whether the scenario can be played, as far as can be told without playing it:
    /// every count and node in range, every awaited client called before. Whether a
    /// client calls while it still waits depends on the run, and is told by
    /// [`Scenario::run`].
    pub fn check(&self) -> Result<(), ScenarioError> {
        if !(1..=MAX_REPLICAS).contains(&self.replicas) {
            return Err(ScenarioError::Replicas(self.replicas));
        }
        if self.steps.len() > MAX_STEPS {
            return Err(ScenarioError::TooManySteps(self.steps.len()));
        }
        let known = |step: usize, node: NodeId| {
            if node < self.replicas {
                Ok(())
            } else {
                Err(ScenarioError::UnknownNode { step, node })
            }
        };
        let mut called = BTreeSet::new();
        for (step, s) in self.steps.iter().enumerate() {
            match s {
                Step::Call { client, node, .. } => {
                    known(step, *node)?;
                    called.insert(*client);
                }
                Step::Await { client } => {
                    if !called.contains(client) {
                        return Err(ScenarioError::NoCall {
                            step,
                            client: *client,
                        });
                    }
                }
                Step::RunFor(span) => {
                    if *span > MAX_RUN_FOR {
                        return Err(ScenarioError::TooLong { step, span: *span });
                    }
                }
                Step::Block { from, to } => {
                    known(step, *from)?;
                    known(step, *to)?;
                }
                Step::Partition(groups) => {
                    let mut seen = BTreeSet::new();
                    for &node in groups.iter().flatten() {
                        known(step, node)?;
                        if !seen.insert(node) {
                            return Err(ScenarioError::NodeTwice { step, node });
                        }
                    }
                }
                Step::Settle | Step::Heal => {}
            }
        }
        Ok(())
    }

    /// The values the scenario's calls write, in step order.
    pub fn written(&self) -> Vec<i64> {
        self.steps
            .iter()
            .filter_map(|s| match s {
                Step::Call {
                    request: Request::Write(v),
                    ..
                } => Some(*v),
                _ => None,
            })
            .collect()
    }

    /// How many of the scenario's calls are reads.
    pub fn reads(&self) -> usize {
        self.steps
            .iter()
            .filter(|s| {
                matches!(
                    s,
                    Step::Call {
                        request: Request::Read,
                        ..
                    }
                )
            })
            .count()
    }
}
