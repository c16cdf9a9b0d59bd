//! What a run of gossiping replicas must end with, checked from what the world recorded,
//! and explained from the evidence: which call, which replica, which node's increments,
//! which key's write.
//!
//! The truth comes from the clients' calls as the simulated world recorded them (an
//! `Incremented` is an increment that must never be lost, a `Written` names the stamp
//! that must win), and the replicas are read through the suite's own counter and map
//! (`reference.rs`): only the replica's protocol is the submission's.

use std::collections::BTreeMap;

use eventual_given::{Counter, Map, Request, Response, Stamp};
use testkit::history::{ClientId, Millis};
use testkit::sim::{NodeId, World};

use crate::reference::Replica;

/// What clients were told: increments acknowledged per node, and each acknowledged
/// write with its stamp and the node that accepted it.
pub struct Acknowledged {
    /// Increments acknowledged by each node.
    pub increments: BTreeMap<NodeId, u64>,
    /// Writes: key, value, stamp, the node that accepted it.
    pub writes: Vec<(String, String, Stamp, NodeId)>,
}

impl Acknowledged {
    /// Every increment acknowledged, at any node.
    pub fn total(&self) -> u64 {
        self.increments.values().sum()
    }

    /// For each key, the acknowledged write with the largest stamp.
    pub fn winners(&self) -> BTreeMap<String, (Stamp, String)> {
        let mut out: BTreeMap<String, (Stamp, String)> = BTreeMap::new();
        for (key, value, stamp, _) in &self.writes {
            let entry = out.entry(key.clone()).or_insert((*stamp, value.clone()));
            if *stamp > entry.0 {
                *entry = (*stamp, value.clone());
            }
        }
        out
    }
}

/// Every call of `w` must have been answered at once with the answer of its kind, and a
/// write's stamp must name the node that accepted it; returns what clients were told.
pub fn answers(w: &World<Replica>) -> Result<Acknowledged, String> {
    let mut acked = Acknowledged {
        increments: BTreeMap::new(),
        writes: Vec::new(),
    };
    for call in w.calls() {
        let node = call.node;
        match (&call.request, call.outcome.response()) {
            (Request::Increment, Some(Response::Incremented)) => {
                *acked.increments.entry(node).or_insert(0) += 1;
            }
            (Request::Put { key, value }, Some(Response::Written { stamp })) => {
                if stamp.node != node {
                    return Err(format!(
                        "c{} wrote {key}={value} at n{node}, which answered with the stamp \
                         {stamp:?}: a stamp names the node that accepted the write, n{node}{}.",
                        call.client,
                        if stamp.node == call.client as usize {
                            " (it names the client instead)"
                        } else {
                            ""
                        }
                    ));
                }
                acked
                    .writes
                    .push((key.clone(), value.clone(), *stamp, node));
            }
            (Request::Count, Some(Response::Count(_)))
            | (Request::Get { .. }, Some(Response::Value(_))) => {}
            (request, Some(answer)) => {
                return Err(format!(
                    "c{} asked n{node} {request:?} and got {answer:?}: Increment is answered \
                     with Incremented, Count with Count, Put with Written and Get with Value.",
                    call.client
                ));
            }
            (request, None) => {
                return Err(format!(
                    "c{} asked n{node} {request:?} at {} and got no answer ({:?}): a replica \
                     answers every request at once from its own copy, during a partition too, \
                     and never waits for a peer.",
                    call.client,
                    Millis::of(call.called),
                    call.outcome
                ));
            }
        }
    }
    Ok(acked)
}

/// Every replica of `w` must hold exactly the acknowledged increments and, per key, the
/// acknowledged write with the largest stamp; then a client reading at each replica must
/// be answered the same. Calls made here are the reading client's (`reader`).
pub fn converged(
    w: &mut World<Replica>,
    acked: &Acknowledged,
    reader: ClientId,
) -> Result<(), String> {
    let winners = acked.winners();
    let total = acked.total();
    for node in 0..w.len() {
        let counts = Counter::counts(w.node(node).counter());
        if counts != acked.increments {
            return Err(format!(
                "Clients got Incremented for these increments, per node that accepted them: \
                 {:?} ({total} in all). Every replica must hold each of them, once; n{node} \
                 holds {counts:?}.\n{}",
                acked.increments,
                explain_counts(node, &acked.increments, &counts)
            ));
        }
        let held = Map::entries(w.node(node).map());
        if held != winners {
            return Err(format!(
                "Every replica must hold, per key, the acknowledged write with the largest \
                 stamp:\n  {winners:?}\nn{node} holds\n  {held:?}\n{}",
                explain_map(node, acked, &held)
            ));
        }
    }
    for node in 0..w.len() {
        let got = w
            .call_and_wait(reader, node, Request::Count)
            .outcome
            .response()
            .cloned();
        if got != Some(Response::Count(total)) {
            return Err(format!(
                "Every replica holds the {total} acknowledged increments, yet Count at n{node} \
                 answered {got:?}: Count answers the replica's own counter as it stands."
            ));
        }
        for (key, (_, value)) in &winners {
            let request = Request::Get { key: key.clone() };
            let got = w
                .call_and_wait(reader, node, request)
                .outcome
                .response()
                .cloned();
            if got != Some(Response::Value(Some(value.clone()))) {
                return Err(format!(
                    "Every replica holds {key}={value}, yet Get {key} at n{node} answered \
                     {got:?}: Get answers the replica's own map as it stands."
                ));
            }
        }
    }
    Ok(())
}

/// Why replica `node` holds `counts` rather than `made`, node by node.
fn explain_counts(
    node: NodeId,
    made: &BTreeMap<NodeId, u64>,
    counts: &BTreeMap<NodeId, u64>,
) -> String {
    let mut lines = Vec::new();
    for (&at, &n) in made {
        let have = counts.get(&at).copied().unwrap_or(0);
        if have < n {
            lines.push(format!(
                "n{node} has {have} of the {n} increment(s) n{at} acknowledged: no state \
                 carrying them reached it. Gossip the whole state every round to every peer, \
                 changed or not, so that what a lost message or a partition kept from a \
                 replica arrives with a later round."
            ));
        }
    }
    for (&at, &have) in counts {
        let n = made.get(&at).copied().unwrap_or(0);
        if have > n {
            lines.push(format!(
                "n{node} holds {have} increment(s) of n{at}, which acknowledged {n}: count an \
                 increment once, when an Increment arrives, in the entry of the node that \
                 accepts it (ctx.me())."
            ));
        }
    }
    lines.join("\n")
}

/// Why replica `node` holds `held` rather than the winners, key by key.
fn explain_map(
    node: NodeId,
    acked: &Acknowledged,
    held: &BTreeMap<String, (Stamp, String)>,
) -> String {
    let mut lines = Vec::new();
    for (key, (stamp, value)) in acked.winners() {
        let writer = acked
            .writes
            .iter()
            .find(|w| w.0 == key && w.2 == stamp)
            .map_or(stamp.node, |w| w.3);
        match held.get(&key) {
            Some((s, v)) if *s == stamp && *v == value => {}
            Some((s, _)) if acked.writes.iter().all(|w| w.0 != key || w.2 != *s) => {
                lines.push(format!(
                    "n{node} holds {key} with the stamp {s:?}, which no client was answered \
                     with: store a write with the stamp its Written answer names."
                ));
            }
            other => lines.push(format!(
                "n{node} holds {key} as {other:?}: the write {key}={value} stamped {stamp:?}, \
                 accepted at n{writer}, never reached it. Gossip the whole state every round \
                 to every peer, changed or not."
            )),
        }
    }
    lines.join("\n")
}
