//! Driving a world of the student's replicas with the monitor watching every event.
//!
//! The world's own drivers (`run_for`, `run_until_quiet`) process many events per call;
//! here each event is followed by the monitor's checks, through the condition
//! `run_until` asks before each event, so a replica is caught in the very state that
//! breaks a rule, even if a later event would have hidden it.

use std::time::Duration;

use crate::student::Replica;
use sequential_given::Request;
use testkit::history::ClientId;
use testkit::sim::{Config, Endpoint, Event, NodeId, Stop, World};

use crate::monitor::Monitor;
use crate::world::replicas;

/// Lines of a failure's story about the replica it concerns ...
const FOCUS_LINES: usize = 20;
/// ... and about the run as a whole.
const TAIL_LINES: usize = 12;

/// A world of the student's replicas, traced, and the monitor reading its trace.
pub struct Monitored {
    /// The world.
    pub world: World<Replica>,
    /// What the rules say its replicas hold.
    pub monitor: Monitor,
}

impl Monitored {
    /// A world of `nodes` fresh replicas on `config`, with its trace on; the first call
    /// checks them before anything else happens.
    pub fn new(config: Config, nodes: usize) -> Self {
        Monitored {
            world: World::new(config.trace(true), replicas(nodes)),
            monitor: Monitor::new(nodes),
        }
    }

    /// Client `client` calls replica `node` now.
    pub fn call(&mut self, client: ClientId, node: NodeId, request: Request) -> Result<(), String> {
        if let Some(why) = self.monitor.unanswered(client) {
            return Err(why);
        }
        self.world.call(client, node, request);
        self.monitor.observe(&self.world)
    }

    /// Runs, event by event, until `done` holds or nothing is left to happen.
    fn run_until(&mut self, mut done: impl FnMut(&World<Replica>) -> bool) -> Result<Stop, String> {
        let Monitored { world, monitor } = self;
        let mut failure = None;
        let stop = world.run_until(|w| match monitor.observe(w) {
            Ok(()) => done(w),
            Err(why) => {
                failure = Some(why);
                true
            }
        });
        match failure {
            Some(why) => Err(why),
            None => Ok(stop),
        }
    }

    /// Lets `span` of virtual time pass (or a little more: up to the first event past
    /// it).
    pub fn run_for(&mut self, span: Duration) -> Result<(), String> {
        let end = self.world.now() + span;
        self.run_until(|w| w.now() >= end)?;
        if self.world.now() < end {
            // Nothing was left to happen: only the clock moves.
            self.world.run_for(end - self.world.now());
        }
        Ok(())
    }

    /// Runs until `client`'s call has ended; fails, saying why, if it never can.
    pub fn await_call(&mut self, client: ClientId) -> Result<(), String> {
        self.run_until(|w| !w.is_waiting(client))?;
        match self.monitor.unanswered(client) {
            Some(why) => Err(why),
            None => Ok(()),
        }
    }

    /// Calls, then waits for the answer.
    pub fn call_and_wait(
        &mut self,
        client: ClientId,
        node: NodeId,
        request: Request,
    ) -> Result<(), String> {
        self.call(client, node, request)?;
        self.await_call(client)
    }

    /// Runs until no message is in flight and no client waits, or nothing more can
    /// happen.
    pub fn settle(&mut self) -> Result<(), String> {
        self.run_until(|w| w.is_quiet()).map(|_| ())
    }

    /// Settles, then checks the end of a run on a network that lost nothing: every call
    /// returned (within the bounds `longest` implies, when given), and every replica was
    /// told every numbered write.
    pub fn finish(&mut self, longest: Option<Duration>) -> Result<(), String> {
        self.settle()?;
        self.monitor.finish(longest)
    }

    /// `why`, followed by the last messages of the replica it is about and the last
    /// events of the run.
    pub fn story(&self, why: &str) -> String {
        let mut story = why.to_owned();
        if let Some(node) = self.monitor.focus() {
            let mine: Vec<String> = self
                .world
                .trace()
                .events()
                .iter()
                .filter(|e| match &e.event {
                    Event::Message { from, to, .. } => {
                        *from == Endpoint::Node(node) || *to == Endpoint::Node(node)
                    }
                    _ => false,
                })
                .map(|e| e.to_string())
                .collect();
            let start = mine.len().saturating_sub(FOCUS_LINES);
            story.push_str(&format!(
                "\n\nThe last messages n{node} sent or received (times in virtual ms):\n{}",
                mine[start..].join("\n")
            ));
        }
        story.push_str(&format!(
            "\n\nThe last events of the run:\n{}",
            self.world.trace().tail(TAIL_LINES)
        ));
        story
    }
}
