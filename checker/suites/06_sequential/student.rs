//! The exercise as its bridge hands it to the suite: the student's `Replica` and
//! `stale_read_scenario` behind the traits below, and the suite's own `Replica`, a node
//! that hands every event to the student's.
//!
//! The suite is a library that does not depend on the exercise (see
//! `docs/src/authors.md`, "A suite with a bridge"): it is compiled once, and an edit of
//! the exercise recompiles only the few lines of `bridge.rs` that implement these traits
//! for the student's types. The traits name the course's `Msg`, `Request` and `Response`,
//! so a replica that speaks look-alike types of its own (with, say, an equality that
//! always holds) does not compile against the bridge: every value the tests match on is
//! one whose impls the course wrote.

use sequential_given::{Msg, Request, Response, Scenario};
use testkit::sim::{Context, Handlers, Node, NodeId, ReplyTo};

/// What the bridge hands the suite.
pub trait Exercise: Sync {
    /// `Replica::new()`.
    fn replica(&self) -> Box<dyn StudentReplica>;
    /// `stale_read_scenario()`.
    fn stale_read_scenario(&self) -> Scenario;
}

/// The student's `Replica`: its handlers, given the context of the suite's [`Replica`]
/// around it, and what it reports of its state.
pub trait StudentReplica {
    /// `Replica::value`.
    fn value(&self) -> Option<i64>;
    /// `Replica::applied`.
    fn applied(&self) -> u64;
    /// Its handlers (those of `Node`), which the suite's [`Replica`] hands its events.
    fn handlers(&mut self) -> &mut dyn Handlers<Replica>;
}

static EXERCISE: suite_harness::Exercise<dyn Exercise> = suite_harness::Exercise::new();

/// Runs the suite on `exercise`; never returns. The bridge's `main` calls it.
pub fn main(exercise: &'static dyn Exercise) -> ! {
    EXERCISE.hand(exercise);
    crate::run()
}

/// `stale_read_scenario()` of the student's.
pub fn stale_read_scenario() -> Scenario {
    EXERCISE.get().stale_read_scenario()
}

/// The student's replica, as a node of the suite's worlds.
pub struct Replica(Box<dyn StudentReplica>);

impl Replica {
    /// `Replica::new()`.
    pub fn new() -> Self {
        Replica(EXERCISE.get().replica())
    }

    /// `Replica::value`.
    pub fn value(&self) -> Option<i64> {
        self.0.value()
    }

    /// `Replica::applied`.
    pub fn applied(&self) -> u64 {
        self.0.applied()
    }
}

impl Node for Replica {
    type Msg = Msg;
    type Request = Request;
    type Response = Response;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        self.0.handlers().on_start(ctx);
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Msg) {
        self.0.handlers().on_message(ctx, from, msg);
    }

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, request: Request) {
        self.0.handlers().on_request(ctx, reply, request);
    }

    fn on_tick(&mut self, ctx: &mut Context<'_, Self>) {
        self.0.handlers().on_tick(ctx);
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, name: &'static str) {
        self.0.handlers().on_timer(ctx, name);
    }
}
