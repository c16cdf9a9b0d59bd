//! The worlds the tests build: the exercise's network, the student's replicas speaking
//! the course's protocol, and histories recorded by the course's mapping.

use std::time::Duration;

use sequential::Replica;
use sequential_given::{Msg, Request, Response};
use testkit::history::History;
use testkit::sim::{Config, Node, NodeId, World};

/// The network of the exercise on `seed`: delays of 1 to 20 ms, so messages overtake
/// each other, and one copy in five delivered twice. Nothing is lost.
pub fn config(seed: u64) -> Config {
    Config::new(seed)
        .delay(Duration::from_millis(1), Duration::from_millis(20))
        .duplicate(0.2)
        .client_timeout(Duration::from_secs(10))
        .trace(false)
}

/// A fresh replica of the student's, to be node `_node` of a world.
pub fn replica(_node: NodeId) -> Replica {
    speaks_the_protocol(Replica::new())
}

/// Passes `node` through, and ties the student's node to the course's types: a
/// `Request`, `Response` or `Msg` of the student's own (with, say, an equality that
/// always holds) does not compile against these tests, so every value the tests match
/// on is one whose impls the course wrote.
fn speaks_the_protocol<N>(node: N) -> N
where
    N: Node<Msg = Msg, Request = Request, Response = Response>,
{
    node
}

/// `nodes` fresh replicas of the student's.
pub fn replicas(nodes: usize) -> Vec<Replica> {
    (0..nodes).map(replica).collect()
}

/// The history of `world`'s calls, as the course records them, or why none can be made
/// (an answer that does not fit its request).
pub fn record(world: &World<Replica>) -> Result<History, String> {
    sequential_given::history(world).map_err(|e| {
        format!(
            "the calls do not make a history: {e}. A read is answered with \
             Response::Value and a write with Response::Written.\n{:?}",
            world.calls()
        )
    })
}
