//! Playing a [`Scenario`] on a world of replicas.
//!
//! The player builds the world from replicas it is handed and from the settings it is
//! given, carries out the steps one by one and returns the world, whose calls hold what
//! each client got back. It never answers a client itself, so the run is the replicas'
//! alone; [`history`](crate::history) turns its calls into a history.

use testkit::sim::{Config, Node, NodeId, SimError, World};

use crate::protocol::{Msg, Request, Response};
use crate::scenario::{Scenario, ScenarioError, Step};

impl Scenario {
    /// Plays the scenario on a world of `self.replicas` replicas, node `i` being
    /// `new_replica(i)`, built with `config` (its seed, delays and faults), and returns
    /// the world once the last step is done. Calls still open then stay open.
    ///
    /// Fails before the world is built if [`Scenario::check`] fails, and during the run
    /// if a client calls while its previous call is open.
    pub fn run<N>(
        &self,
        config: Config,
        new_replica: impl FnMut(NodeId) -> N,
    ) -> Result<World<N>, ScenarioError>
    where
        N: Node<Msg = Msg, Request = Request, Response = Response>,
    {
        self.check()?;
        let replicas = (0..self.replicas).map(new_replica).collect();
        let mut world = World::try_new(config, replicas).map_err(|e| match e {
            SimError::BadConfig(why) => ScenarioError::Config(why),
            other => ScenarioError::Config(other.to_string()),
        })?;
        for (step, s) in self.steps.iter().enumerate() {
            play(&mut world, step, s)?;
        }
        Ok(world)
    }
}

/// Carries out step number `step`, `s`, on `world`.
fn play<N>(world: &mut World<N>, step: usize, s: &Step) -> Result<(), ScenarioError>
where
    N: Node<Msg = Msg, Request = Request, Response = Response>,
{
    match s {
        Step::Call {
            client,
            node,
            request,
        } => {
            world
                .try_call(*client, *node, request.clone())
                .map_err(|e| match e {
                    SimError::ClientBusy { client, .. } => {
                        ScenarioError::ClientBusy { step, client }
                    }
                    SimError::UnknownNode { node, .. } => ScenarioError::UnknownNode { step, node },
                    other => ScenarioError::Config(other.to_string()),
                })?;
        }
        Step::Await { client } => {
            // A call that can never end stops the world as stalled or at its limits;
            // either way the step is over and the call's outcome is unknown.
            let client = *client;
            world.run_until(|w| !w.is_waiting(client));
        }
        Step::RunFor(span) => world.run_for(*span),
        Step::Settle => {
            world.run_until_quiet();
        }
        Step::Block { from, to } => world.block(*from, *to),
        Step::Partition(groups) => {
            let groups: Vec<&[NodeId]> = groups.iter().map(Vec::as_slice).collect();
            world.partition(&groups);
        }
        Step::Heal => world.heal(),
    }
    Ok(())
}
