//! Reading the messages of a quorum run for the rules of task `quorum` they break.
//!
//! A history that is not linearizable says that something went wrong, not what. The
//! world's trace says more: every message the replicas sent, in the course's own
//! `Message` type, and when each arrived. This module reads it, with the suite's own
//! code, for the rules the README states about messages, and names the operation, the
//! message and the rule: a phase that finished before a majority had answered
//! (`quorum.2`), a write whose tag is not above the tags its first phase saw or that
//! shares its tag with another write (`quorum.3`), a read that returned a value no
//! majority held (`quorum.4`), a node that answered with an older pair than one it had
//! been sent (`quorum.5`).
//!
//! The findings explain a failure; the tests decide from what clients saw. An operation
//! is followed through the `op` number its coordinator gives it, which the course's
//! messages carry in both phases; an operation whose messages cannot be told apart is
//! left out rather than guessed at.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::Duration;

use crate::student::Replica;
use linearizable_given::{Message, Request, Response, Tag};
use testkit::history::Millis;
use testkit::sim::{CallId, Endpoint, Event, Fate, NodeId, Payload, World};

/// A rule broken, and what shows it.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The clause of task `quorum` it breaks.
    pub clause: u32,
    /// What happened, naming the operation, the nodes and the messages.
    pub text: String,
}

/// A client call as the trace shows it.
struct CallSeen {
    client: u32,
    node: NodeId,
    request: Request,
    /// The operation numbers its coordinator gave it when the request arrived.
    ops: BTreeSet<u64>,
    /// Where in the trace the coordinator answered, and what.
    answer: Option<(usize, Response)>,
}

/// A message between nodes, at the place in the trace where it was sent or arrived.
struct Seen {
    at: usize,
    time: Duration,
    from: NodeId,
    to: NodeId,
    msg: Message,
}

fn show_tag(tag: Tag) -> String {
    format!("({}, n{})", tag.version, tag.writer)
}

fn show_request(request: &Request) -> String {
    match request {
        Request::Read => "read".to_owned(),
        Request::Write(v) => format!("write of {v}"),
    }
}

fn op_of(msg: &Message) -> u64 {
    match msg {
        Message::Query { op }
        | Message::Holding { op, .. }
        | Message::Store { op, .. }
        | Message::Stored { op } => *op,
    }
}

/// Every finding the trace of `world` shows, the most telling first: shared tags and
/// small majorities, then tags and write-backs, then late pairs.
pub fn audit(world: &World<Replica>) -> Vec<Finding> {
    let nodes = world.len();
    let majority = nodes / 2 + 1;
    let events = world.trace().events();
    let mut first_seen: HashSet<u64> = HashSet::new();
    let mut claimed: Vec<BTreeSet<u64>> = vec![BTreeSet::new(); nodes];
    let mut calls: BTreeMap<CallId, CallSeen> = BTreeMap::new();
    // The handler running now: its node, its time, and the call whose request started it.
    let mut handler: Option<(NodeId, Duration, Option<CallId>)> = None;
    let mut sent: Vec<Seen> = Vec::new();
    let mut delivered: Vec<Seen> = Vec::new();
    // The newest tag each node has been sent in a Store, and when.
    let mut kept: Vec<Option<(Tag, Duration)>> = vec![None; nodes];
    let mut findings = Vec::new();
    let mut late_noted: BTreeSet<NodeId> = BTreeSet::new();
    for (at, event) in events.iter().enumerate() {
        let time = event.at;
        let Event::Message {
            id,
            from,
            to,
            payload,
            fate,
        } = &event.event
        else {
            handler = None;
            match &event.event {
                Event::Called {
                    client,
                    node,
                    call,
                    request,
                } => {
                    calls.insert(
                        *call,
                        CallSeen {
                            client: *client,
                            node: *node,
                            request: request.clone(),
                            ops: BTreeSet::new(),
                            answer: None,
                        },
                    );
                }
                Event::Restarted {
                    node,
                    kept_state: false,
                } => kept[*node] = None,
                _ => {}
            }
            continue;
        };
        let first = first_seen.insert(*id);
        if *fate == Fate::Delivered {
            handler = match (to, payload) {
                (Endpoint::Node(n), Payload::Request { call, .. }) => Some((*n, time, Some(*call))),
                (Endpoint::Node(n), _) => Some((*n, time, None)),
                _ => None,
            };
            if let (Endpoint::Node(n), Endpoint::Node(k), Payload::Msg(msg)) = (from, to, payload) {
                if let Message::Store { tag, .. } = msg
                    && kept[*k].is_none_or(|(held, _)| *tag > held)
                {
                    kept[*k] = Some((*tag, time));
                }
                delivered.push(Seen {
                    at,
                    time,
                    from: *n,
                    to: *k,
                    msg: msg.clone(),
                });
            }
            continue;
        }
        let Endpoint::Node(sender) = from else {
            continue;
        };
        if handler.is_some_and(|(n, t, _)| n != *sender || t != time) {
            handler = None;
        }
        if !first {
            continue;
        }
        match payload {
            Payload::Msg(msg) => {
                let Endpoint::Node(receiver) = to else {
                    continue;
                };
                if let Message::Query { op } = msg
                    && claimed[*sender].insert(*op)
                    && let Some((_, _, Some(call))) = handler
                    && let Some(seen) = calls.get_mut(&call)
                {
                    seen.ops.insert(*op);
                }
                if let Message::Holding { tag, value, .. } = msg
                    && let Some((newer, when)) = kept[*sender]
                    && *tag < newer
                    && late_noted.insert(*sender)
                {
                    findings.push(Finding {
                        clause: 5,
                        text: format!(
                            "node n{sender} was sent the pair with tag {} at {}, yet at {} \
                             it answered a query with the older tag {} (value \
                             {value:?}): a node keeps a pair only if it is newer than the one it \
                             holds, so an old pair arriving late must never replace a newer one",
                            show_tag(newer),
                            Millis::of(when),
                            Millis::of(time),
                            show_tag(*tag)
                        ),
                    });
                }
                sent.push(Seen {
                    at,
                    time,
                    from: *sender,
                    to: *receiver,
                    msg: msg.clone(),
                });
            }
            Payload::Response { call, response } => {
                if let Some(seen) = calls.get_mut(call)
                    && seen.answer.is_none()
                {
                    seen.answer = Some((at, response.clone()));
                }
            }
            Payload::Request { .. } => {}
        }
    }
    let mut first_findings = shared_tags(&sent);
    for (call, seen) in &calls {
        first_findings.extend(call_findings(
            *call, seen, majority, nodes, &sent, &delivered,
        ));
    }
    first_findings.sort_by_key(|f| match f.clause {
        3 if f.text.contains("share") => 0,
        2 => 1,
        _ => 2,
    });
    first_findings.extend(findings);
    first_findings
}

/// Two different values stored under one tag.
fn shared_tags(sent: &[Seen]) -> Vec<Finding> {
    let mut by_tag: BTreeMap<Tag, (Option<i64>, NodeId, Duration)> = BTreeMap::new();
    let mut out = Vec::new();
    let mut noted = BTreeSet::new();
    for s in sent {
        if let Message::Store { tag, value, .. } = &s.msg {
            match by_tag.get(tag) {
                None => {
                    by_tag.insert(*tag, (*value, s.from, s.time));
                }
                Some(&(other, node, when)) if other != *value && noted.insert(*tag) => {
                    out.push(Finding {
                        clause: 3,
                        text: format!(
                            "two writes share the tag {}: node n{node} stored value {other:?} \
                             under it at {}, and node n{} stored value {value:?} under it \
                             at {}. Nodes keep only pairs with larger tags, so which of the \
                             two a node keeps depends on which arrives first, and reads through \
                             different nodes disagree. Two writes must never share a tag, not \
                             even two that one node coordinates at once.",
                            show_tag(*tag),
                            Millis::of(when),
                            s.from,
                            Millis::of(s.time)
                        ),
                    });
                }
                Some(_) => {}
            }
        }
    }
    out
}

/// What the messages of one answered call break.
fn call_findings(
    call: CallId,
    seen: &CallSeen,
    majority: usize,
    nodes: usize,
    sent: &[Seen],
    delivered: &[Seen],
) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some((answered, response)) = &seen.answer else {
        return out;
    };
    if seen.ops.is_empty() {
        return out;
    }
    let n = seen.node;
    let who = format!(
        "client {}'s {} through node n{n} (call {call})",
        seen.client,
        show_request(&seen.request)
    );
    let ours = |s: &&Seen| seen.ops.contains(&op_of(&s.msg)) && s.at < *answered;
    let answers: Vec<&Seen> = delivered
        .iter()
        .filter(ours)
        .filter(|s| s.to == n && matches!(s.msg, Message::Holding { .. }))
        .collect();
    let heard: BTreeSet<NodeId> = answers.iter().map(|s| s.from).chain([n]).collect();
    if heard.len() < majority {
        out.push(Finding {
            clause: 2,
            text: format!(
                "{who} was answered when only nodes {} had told it what they held: a majority \
                 of {nodes} nodes is {majority}, each node counted once however many copies of \
                 its answer arrive",
                names(&heard)
            ),
        });
    }
    let stores: Vec<&Seen> = sent
        .iter()
        .filter(ours)
        .filter(|s| s.from == n && matches!(s.msg, Message::Store { .. }))
        .collect();
    if !stores.is_empty() {
        let acked: BTreeSet<NodeId> = delivered
            .iter()
            .filter(ours)
            .filter(|s| s.to == n && matches!(s.msg, Message::Stored { .. }))
            .map(|s| s.from)
            .chain([n])
            .collect();
        if acked.len() < majority {
            out.push(Finding {
                clause: 2,
                text: format!(
                    "{who} was answered when only nodes {} had stored its pair: a majority of \
                     {nodes} nodes is {majority}, each node counted once however many copies of \
                     its answer arrive",
                    names(&acked)
                ),
            });
        }
    }
    match (&seen.request, response) {
        (Request::Write(v), _) => {
            let Some(store) = stores
                .iter()
                .find(|s| matches!(s.msg, Message::Store { value, .. } if value == Some(*v)))
            else {
                return out;
            };
            let Message::Store { tag, .. } = store.msg else {
                return out;
            };
            let before = answers.iter().filter(|s| s.at < store.at);
            if let Some(newer) = before
                .filter_map(|s| match s.msg {
                    Message::Holding { tag: held, .. } if held >= tag => Some((held, s.from)),
                    _ => None,
                })
                .max()
            {
                out.push(Finding {
                    clause: 3,
                    text: format!(
                        "{who} stored its value with tag {}, but node n{} had answered its \
                         first phase with tag {}: a write's new tag must be larger than every \
                         tag its first phase saw, or nodes that hold the older write keep it \
                         and the new write is lost",
                        show_tag(tag),
                        newer.1,
                        show_tag(newer.0)
                    ),
                });
            }
        }
        (Request::Read, Response::Value(v)) if stores.is_empty() => {
            let newest = answers
                .iter()
                .filter_map(|s| match s.msg {
                    Message::Holding { tag, .. } => Some(tag),
                    _ => None,
                })
                .max();
            let holding: BTreeSet<NodeId> = answers
                .iter()
                .filter(|s| {
                    matches!(s.msg, Message::Holding { tag, value, .. }
                        if Some(tag) == newest && value == *v)
                })
                .map(|s| s.from)
                .collect();
            // The coordinator's own pair is not in the trace: it is given the benefit of
            // the doubt.
            if holding.len() + 1 < majority {
                out.push(Finding {
                    clause: 4,
                    text: format!(
                        "{who} returned {v:?} without a second phase (node n{n} sent no Store \
                         for it), and only nodes {} had answered holding that pair: a read \
                         must have a majority store what it returns before returning, or a \
                         later read through another majority can miss it",
                        if holding.is_empty() {
                            "(none)".to_owned()
                        } else {
                            names(&holding)
                        }
                    ),
                });
            }
        }
        _ => {}
    }
    out
}

fn names(nodes: &BTreeSet<NodeId>) -> String {
    let names: Vec<String> = nodes.iter().map(|n| format!("n{n}")).collect();
    format!("{{{}}}", names.join(", "))
}

/// The findings as a paragraph of a failure message.
pub fn explain(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "The messages break none of the rules this suite reads in them (majorities of \
                distinct nodes, tags above what was seen, write-backs, late pairs); look at the \
                operations drawn below and the last events."
            .to_owned();
    }
    let mut out = "What the messages show:".to_owned();
    for f in findings.iter().take(3) {
        out.push_str(&format!("\n- (quorum.{}) {}", f.clause, f.text));
    }
    if findings.len() > 3 {
        out.push_str(&format!("\n- and {} more like these", findings.len() - 3));
    }
    out
}
