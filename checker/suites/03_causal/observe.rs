//! The only ways this suite looks at the student's values.
//!
//! `VectorClock`, `CausalBroadcast` and `Message` are the student's types, and so are
//! every trait impl on them: a `PartialEq` that says yes to anything, a `Clone` that
//! hands out altered copies, a `Debug` that prints what a test expects. So no verdict
//! goes through one. Each function here calls an inherent method or reads a field and
//! returns a std or course type (its signature pins that type: a method that returns a
//! look-alike of the student's own does not build), and the tests compare those.
//!
//! Messages cross the suite's network as [`Wire`]s: the three fields copied out of what
//! `send` returned. Every copy a node receives is built afresh from its `Wire`, the first
//! as well as a duplicate, so a node cannot tell them apart by anything but their content,
//! and the suite never clones a student's value.

use std::collections::BTreeMap;

use causal::{CausalBroadcast, Message, Replica, VectorClock};
use causal_given::Order;
use testkit::sim::World;

/// A message's payload in these tests: (sender, number among the sender's messages).
pub type Id = (usize, u64);

/// A clock's entries above zero, in node order.
pub type Entries = Vec<(usize, u64)>;

/// A message as the suite's network carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wire {
    /// The node that sent it.
    pub sender: usize,
    /// The entries of its clock.
    pub clock: Entries,
    /// What the application sent.
    pub payload: Id,
}

/// The counter of `node` in `clock`.
pub fn get(clock: &VectorClock, node: usize) -> u64 {
    clock.get(node)
}

/// Counts an event of `node` in `clock`; the new counter.
pub fn increment(clock: &mut VectorClock, node: usize) -> u64 {
    clock.increment(node)
}

/// How `a` relates to `b`, in the course's vocabulary.
pub fn compare(a: &VectorClock, b: &VectorClock) -> Order {
    a.compare(b)
}

/// The entries of `clock` above zero, in node order. Zeros and the order the student's
/// iterator yields them in are left out of the question here; whether `entries` itself
/// keeps to its contract is the `clocks` task's to say.
pub fn entries(clock: &VectorClock) -> Entries {
    let mut list: Entries = clock.entries().filter(|&(_, count)| count > 0).collect();
    list.sort_unstable();
    list
}

/// `entries` exactly as the clock lists them.
pub fn listed(clock: &VectorClock) -> Entries {
    clock.entries().collect()
}

/// Sets the counter of `node` in `clock`.
pub fn set(clock: &mut VectorClock, node: usize, count: u64) {
    clock.set(node, count);
}

/// The sum of the counters of `clock`, as the clock says.
pub fn total(clock: &VectorClock) -> u64 {
    clock.total()
}

/// The clock with these entries, built by the student's own constructor.
pub fn clock(entries: &[(usize, u64)]) -> VectorClock {
    VectorClock::from_entries(entries)
}

/// Entries the way the README writes clocks: `{n0: 2, n3: 1}`.
pub fn show(entries: &[(usize, u64)]) -> String {
    let parts: Vec<String> = entries.iter().map(|(n, c)| format!("n{n}: {c}")).collect();
    format!("{{{}}}", parts.join(", "))
}

/// The broadcast end of node `me`.
pub fn node(me: usize) -> CausalBroadcast<Id> {
    CausalBroadcast::new(me)
}

/// The node `node` says it belongs to.
pub fn me(node: &CausalBroadcast<Id>) -> usize {
    node.me()
}

/// What `node` has delivered, as entries.
pub fn delivered(node: &CausalBroadcast<Id>) -> Entries {
    entries(node.delivered())
}

/// How many messages `node` holds back.
pub fn held_back(node: &CausalBroadcast<Id>) -> usize {
    node.held_back()
}

/// `node` sends `payload`; the message as it goes on the wire.
pub fn send(node: &mut CausalBroadcast<Id>, payload: Id) -> Wire {
    let message: Message<Id> = node.send(payload);
    Wire {
        sender: message.sender,
        clock: entries(&message.clock),
        payload: message.payload,
    }
}

/// `node` receives a fresh copy of `wire`; the payloads it delivers, in order.
pub fn receive(node: &mut CausalBroadcast<Id>, wire: &Wire) -> Vec<Id> {
    receive_wires(node, wire)
        .into_iter()
        .map(|m| m.payload)
        .collect()
}

/// `node` receives a fresh copy of `wire`; the messages it delivers, in order, each
/// with the three fields it came back with.
pub fn receive_wires(node: &mut CausalBroadcast<Id>, wire: &Wire) -> Vec<Wire> {
    let copy = Message {
        sender: wire.sender,
        clock: clock(&wire.clock),
        payload: wire.payload,
    };
    let delivered: Vec<Message<Id>> = node.receive(copy);
    delivered
        .into_iter()
        .map(|m| Wire {
            sender: m.sender,
            clock: entries(&m.clock),
            payload: m.payload,
        })
        .collect()
}

/// The copy of replica `node` of `world`, as its `snapshot` says.
pub fn snapshot(world: &World<Replica>, node: usize) -> BTreeMap<String, String> {
    world.node(node).snapshot()
}
