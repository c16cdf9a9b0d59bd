//! Task `quorum`: the replicated register on the simulated network.
//!
//! Requests, responses and messages are the course's (`linearizable_given`), named from
//! there: the calls below send the course's `Request`, `history` reads answers as the
//! course's `Response`, and the scenarios and explanations read the course's `Message`
//! in the world's trace, so a replica that speaks look-alike types of its own does not
//! compile here. The replica is the student's; the world runs it, and every verdict comes
//! from what the world saw it send and answer, never from what the replica says of itself
//! (except in `stored_reports_what_a_replica_holds`, which checks exactly that).

use std::fmt;
use std::time::Duration;

use crate::student::Replica;
use linearizable_given::{Message, Request, Response, Tag};
use testkit::check::ConsistencyCheck;
use testkit::check::linearizable::Linearizable;
use testkit::history::{Action, History, Output, Value};
use testkit::model::ModelKind;
use testkit::report::CheckReport;
use testkit::rng::Rng;
use testkit::shrink::{RunSize, Shrink};
use testkit::sim::explore::{Bounds, Script, explore};
use testkit::sim::{Answer, CallOutcome, Config, Endpoint, Event, Fate, Payload, Restart, World};

use crate::audit;
use crate::runs;

const MS: fn(u64) -> Duration = Duration::from_millis;

/// A world of `nodes` fresh replicas.
fn world(config: Config, nodes: usize) -> World<Replica> {
    World::from_factory(config, nodes, |_| Replica::new())
}

/// What the clients saw, as a history. It is read here, with the suite's own mapping of
/// the course's types, rather than with `World::history`: that would take the mapping
/// from a `Recordable` impl, and a crate can write one for the course's `Request` and a
/// response type of its own.
fn history(world: &World<Replica>) -> Result<History, String> {
    world
        .history_with(
            |request| match request {
                Request::Read => (None, Action::Read),
                Request::Write(v) => (None, Action::Write(Value::Int(*v))),
            },
            |_, response| match response {
                Response::Value(v) => Answer::Ok(Output::Value(v.map(Value::Int))),
                Response::Written => Answer::Ok(Output::Done),
            },
        )
        .map_err(|error| {
            format!(
                "the history is malformed ({error}); does a node answer a read with Written, \
                 or a write with a value?"
            )
        })
}

/// `None` if the clients' history of `world` is linearizable, or why not: the scenario,
/// what the messages show (see `audit`), the checker's evidence and the last events.
fn check(world: &World<Replica>, scenario: &str) -> Option<String> {
    let history = match history(world) {
        Ok(history) => history,
        Err(why) => return Some(why),
    };
    let checker = Linearizable::new(ModelKind::Register);
    let verdict = match checker.check(&history) {
        Ok(verdict) => verdict,
        Err(error) => return Some(format!("the checker refused the history: {error}")),
    };
    if verdict.violation().is_some() {
        let report = CheckReport::new(
            scenario.to_owned(),
            "linearizability",
            &history,
            Some(ModelKind::Register),
            &verdict,
        )
        .smallest(&history, &checker)
        .with_trace(&history, world.trace());
        suite_harness::attach("check-report", &report.to_json());
        return Some(format!(
            "{scenario}. The clients' history is not linearizable: once an operation has \
             returned, every operation that starts later must see its effect.\n\n{}\n\n{}\n\n\
             the last events:\n{}",
            audit::explain(&audit::audit(world)),
            report.explain(&history),
            world.trace().tail(30)
        ));
    }
    if !verdict.holds() {
        return Some(format!("the checker could not decide: {verdict:?}"));
    }
    None
}

/// Fails the test with `why`, naming the seed to replay from.
fn fail_at(seed: u64, why: String) -> ! {
    suite_harness::replay_from(seed);
    suite_harness::fail(format!("seed {seed}: {why}"))
}

/// Whether `client`'s latest call returned.
fn returned(world: &World<Replica>, client: u32) -> bool {
    world
        .calls()
        .iter()
        .rev()
        .find(|c| c.client == client)
        .is_some_and(|c| matches!(c.outcome, CallOutcome::Returned { .. }))
}

/// The nodes `0..n` as `n0, n1, ...`.
fn list(nodes: &[usize]) -> String {
    let names: Vec<String> = nodes.iter().map(|n| format!("n{n}")).collect();
    names.join(", ")
}

/// Clients numbered from 10 read and write (unique values) through random nodes while
/// messages are delayed 1-10 ms, reordered, lost (5%) and duplicated (5%), the network
/// splits into random partitions and heals, and nodes crash and come back with what they
/// had stored. Clients give up after 200 ms. Cluster sizes run from 2 to 7 nodes over the
/// seeds.
pub fn linearizable_under_faults() {
    runs::each_seed(
        runs::seeds(crate::SEEDS),
        |seed| {
            Sized(RunSize {
                nodes: cluster_size(seed),
                clients: 5,
                ops: 60,
                faults: 40,
            })
        },
        |seed, size| faulty_run(seed, size.0),
    );
}

/// The cluster size of a seed's random run: every size from 2 to 7, five nodes most
/// often (a majority of five survives two crashes and a partition can leave either side
/// the majority), four next (an even size, where half is not a majority).
fn cluster_size(seed: u64) -> usize {
    const SIZES: [usize; 10] = [5, 4, 5, 3, 6, 5, 7, 4, 2, 5];
    SIZES[(seed % 10) as usize]
}

/// A `RunSize` that keeps a cluster of 2 nodes as it is: `RunSize` shrinks no cluster
/// below 3, and a run of 2 must stay one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Sized(RunSize);

impl Shrink for Sized {
    fn smaller(&self) -> Vec<Sized> {
        self.0.smaller().into_iter().map(Sized).collect()
    }
}

impl fmt::Display for Sized {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} nodes, {} clients, {} rounds of calls, at most {} faults",
            self.0.nodes, self.0.clients, self.0.ops, self.0.faults
        )
    }
}

/// One run of [`linearizable_under_faults`] of the given size; why it failed, if it did.
fn faulty_run(seed: u64, size: RunSize) -> Option<String> {
    let config = Config::new(seed)
        .delay(MS(1), MS(10))
        .loss(0.05)
        .duplicate(0.05)
        .client_timeout(MS(200));
    let nodes = size.nodes;
    let mut world = world(config, nodes);
    let mut rng = Rng::new(seed ^ 0xAB_D0);
    let mut next_value = 0;
    let mut faults = 0;
    let clients: Vec<u32> = (10..10 + size.clients as u32).collect();
    for _ in 0..size.ops {
        let down: Vec<usize> = (0..nodes).filter(|&n| !world.is_up(n)).collect();
        let roll = rng.below(100);
        let may_fault = faults < size.faults;
        if roll < 20 && may_fault && nodes > 1 {
            let mut order: Vec<usize> = (0..nodes).collect();
            rng.shuffle(&mut order);
            let cut = 1 + rng.index((nodes / 2).max(1));
            world.partition(&[&order[..cut], &order[cut..]]);
            faults += 1;
        } else if roll < 35 {
            world.heal();
        } else if roll < 45 && may_fault && down.len() < (nodes - 1) / 2 {
            let up: Vec<usize> = (0..nodes).filter(|&n| world.is_up(n)).collect();
            world.crash(up[rng.index(up.len())]);
            faults += 1;
        } else if roll < 60 && !down.is_empty() {
            world.restart(down[rng.index(down.len())], Restart::KeepState);
        }
        for &client in &clients {
            if world.is_waiting(client) || rng.chance(0.2) {
                continue;
            }
            let node = rng.index(nodes);
            let request = if rng.chance(0.5) {
                Request::Read
            } else {
                next_value += 1;
                Request::Write(next_value)
            };
            world.call(client, node, request);
        }
        world.run_for(MS(rng.between(2, 20)));
    }
    world.heal();
    for node in 0..nodes {
        if !world.is_up(node) {
            world.restart(node, Restart::KeepState);
        }
    }
    world.run_until_quiet();
    check(
        &world,
        &format!(
            "{} clients read and wrote through random nodes of {nodes} under delays, loss, \
             duplication, partitions and crashes",
            size.clients
        ),
    )
}

/// Clusters of 2, 4 and 6 nodes split into two halves, and of 3, 5 and 7 split into a
/// majority and the rest. A write through a node of the first group and a read through
/// a node of the second may complete only in a group holding more than half of all the
/// nodes; after the heal, both complete and the history is linearizable.
pub fn even_clusters_need_more_than_half() {
    for nodes in 2..=7usize {
        let seed = suite_harness::seed().wrapping_add(nodes as u64);
        let config = Config::new(seed).delay(MS(1), MS(5));
        let mut world = world(config, nodes);
        let all: Vec<usize> = (0..nodes).collect();
        let (first, second) = all.split_at(nodes - nodes / 2);
        let first_is_majority = first.len() > nodes / 2;
        world.partition(&[first, second]);
        world.call(10, first[0], Request::Write(1));
        world.call(11, second[second.len() - 1], Request::Read);
        world.run_for(MS(300));
        let ends = [
            (10u32, first[0], first, "write of 1", first_is_majority),
            (11, second[second.len() - 1], second, "read", false),
        ];
        for (client, node, group, what, may) in ends {
            if returned(&world, client) && !may {
                fail_at(
                    seed,
                    format!(
                        "{nodes} nodes were split into {{{}}} and {{{}}}; client {client}'s \
                         {what} through node n{node} returned while only nodes {{{}}} could \
                         reach each other: {} of {nodes}, not a majority, which is {} nodes. \
                         A phase is done only when more than half of all the nodes have \
                         answered.\n\n{}",
                        list(first),
                        list(second),
                        list(group),
                        group.len(),
                        nodes / 2 + 1,
                        audit::explain(&audit::audit(&world))
                    ),
                );
            }
        }
        if first_is_majority && !returned(&world, 10) {
            fail_at(
                seed,
                format!(
                    "{nodes} nodes were split into {{{}}} and {{{}}}; client 10's write of 1 \
                     through node n{} did not return in 300 ms although its group is a \
                     majority. The last events:\n{}",
                    list(first),
                    list(second),
                    first[0],
                    world.trace().tail(30)
                ),
            );
        }
        world.heal();
        world.run_until(|w| !w.is_waiting(10) && !w.is_waiting(11));
        if world.is_waiting(10) || world.is_waiting(11) {
            fail_at(
                seed,
                format!(
                    "{nodes} nodes were split, then healed: the calls that waited for a \
                     majority never returned after the heal. Every operation sent to a node \
                     that can reach a majority completes. The last events:\n{}",
                    world.trace().tail(30)
                ),
            );
        }
        world.call_and_wait(12, 0, Request::Read);
        if let Some(why) = check(
            &world,
            &format!(
                "{nodes} nodes split into {{{}}} and {{{}}}: a write through n{} and a read \
                 through n{}, then a heal and a read through n0",
                list(first),
                list(second),
                first[0],
                second[second.len() - 1]
            ),
        ) {
            fail_at(seed, why);
        }
    }
}

/// Five nodes, then seven; every message takes exactly 2 ms, so that all the answers to
/// n0's first phase arrive at one instant, one after the other. Client 10 writes 1
/// through n0, and the moment n0 starts its second phase (when a majority has answered),
/// every link out of n0 is cut: its pair reaches nobody, while the rest of the answers
/// to its first phase arrive. Those say what a node held, not that it stored the new
/// pair: the write must not complete. A read through the other nodes follows; after the
/// heal everything completes.
pub fn late_answers_are_not_stores() {
    let seed = suite_harness::seed();
    for nodes in [5usize, 7] {
        let config = Config::new(seed).delay(MS(2), MS(2));
        let mut world = world(config, nodes);
        world.call(10, 0, Request::Write(1));
        world.run_until(|w| sent_store(w, 0, 1));
        for to in 1..nodes {
            world.block(0, to);
        }
        world.run_for(MS(60));
        if returned(&world, 10) {
            fail_at(
                seed,
                format!(
                    "{nodes} nodes; client 10's write of 1 through n0 returned although no \
                     node but n0 ever received its pair: every link out of n0 was cut the \
                     moment it sent its second phase. An answer to the first phase that \
                     arrives after the second has begun says what a node held, not that it \
                     stored the new pair: count only the answers of the phase an operation \
                     is in.\n\n{}",
                    audit::explain(&audit::audit(&world))
                ),
            );
        }
        let rest: Vec<usize> = (1..nodes).collect();
        world.partition(&[&[0], &rest]);
        world.call_and_wait(11, 1, Request::Read);
        world.heal();
        world.run_until(|w| !w.is_waiting(10));
        world.call_and_wait(12, 2, Request::Read);
        if let Some(why) = check(
            &world,
            &format!(
                "{nodes} nodes: client 10's write of 1 through n0 reached no other node, then \
                 a read through n1 without n0, then a heal and a read through n2"
            ),
        ) {
            fail_at(seed, why);
        }
    }
}

/// Every message between nodes is delivered twice. With five nodes split into {n0, n1}
/// and {n2, n3, n4}, and four split into {n0, n1} and {n2, n3}, a write through n0 must
/// not complete, however many copies of n1's answers arrive; after the heal it does.
pub fn duplicates_count_once() {
    for nodes in [5usize, 4] {
        let seed = suite_harness::seed().wrapping_add(nodes as u64);
        let config = Config::new(seed).delay(MS(1), MS(5)).duplicate(1.0);
        let mut world = world(config, nodes);
        let rest: Vec<usize> = (2..nodes).collect();
        world.partition(&[&[0, 1], &rest]);
        world.call(10, 0, Request::Write(1));
        world.run_for(MS(200));
        if returned(&world, 10) {
            fail_at(
                seed,
                format!(
                    "every message between nodes arrived twice; with {nodes} nodes split into \
                     {{n0, n1}} and {{{}}}, client 10's write through n0 returned, although \
                     only two nodes could answer it and a majority of {nodes} is {}. Count \
                     the nodes that answered (a set), not the answers: a duplicate is the \
                     same node answering again.\n\n{}",
                    list(&rest),
                    nodes / 2 + 1,
                    audit::explain(&audit::audit(&world))
                ),
            );
        }
        world.heal();
        world.run_until(|w| !w.is_waiting(10));
        world.call_and_wait(11, nodes - 1, Request::Read);
        if world.is_waiting(10) || world.is_waiting(11) {
            fail_at(
                seed,
                format!(
                    "every message between nodes arrived twice; after the heal of {nodes} \
                     nodes, a call never returned. The last events:\n{}",
                    world.trace().tail(30)
                ),
            );
        }
        if let Some(why) = check(
            &world,
            &format!("{nodes} nodes, every message delivered twice, split and healed"),
        ) {
            fail_at(seed, why);
        }
    }
}

/// Five nodes split into {n0, n1, n2} and {n3, n4}; client 10 writes 1, then 2, through
/// n0. After the heal, client 11 writes 3 through n3, which never saw those writes
/// itself, and client 12 reads through n4: the read must return 3, which only works if
/// the write of 3 took a tag above the largest its first phase saw.
pub fn write_tags_exceed_what_was_seen() {
    for seed in runs::seeds(4) {
        let mut world = world(Config::new(seed).delay(MS(1), MS(5)), 5);
        world.partition(&[&[0, 1, 2], &[3, 4]]);
        world.call_and_wait(10, 0, Request::Write(1));
        world.call_and_wait(10, 0, Request::Write(2));
        world.heal();
        world.call_and_wait(11, 3, Request::Write(3));
        world.call_and_wait(12, 4, Request::Read);
        if !(returned(&world, 10) && returned(&world, 11) && returned(&world, 12)) {
            fail_at(
                seed,
                format!(
                    "five connected nodes (after a heal) left a call unanswered. The last \
                     events:\n{}",
                    world.trace().tail(30)
                ),
            );
        }
        if let Some(why) = check(
            &world,
            "five nodes split into {n0, n1, n2} and {n3, n4}: writes of 1 and 2 through n0, \
             then a heal, a write of 3 through n3 and a read through n4",
        ) {
            fail_at(seed, why);
        }
    }
}

/// Twelve nodes; clients 20, 21 and 22 write 1, 2 and 3 through node n11 at the same
/// instant. No two of the Store messages the nodes send may carry one tag with different
/// values, and reads through n3, n10 and n11 afterwards must agree with a linearizable
/// history.
pub fn concurrent_writes_get_distinct_tags() {
    for seed in runs::seeds(3) {
        let mut world = world(Config::new(seed).delay(MS(1), MS(5)), 12);
        for (client, value) in [(20u32, 1i64), (21, 2), (22, 3)] {
            world.call(client, 11, Request::Write(value));
        }
        world.run_until(|w| (20..23).all(|c| !w.is_waiting(c)));
        for (client, node) in [(23u32, 3usize), (24, 10), (25, 11)] {
            world.call_and_wait(client, node, Request::Read);
        }
        let shared: Vec<audit::Finding> = audit::audit(&world)
            .into_iter()
            .filter(|f| f.clause == 3 && f.text.starts_with("two writes share"))
            .collect();
        if let Some(finding) = shared.first() {
            fail_at(
                seed,
                format!(
                    "twelve nodes; clients 20, 21 and 22 wrote 1, 2 and 3 through n11 at the \
                     same instant, and {} Keep, beside the tag of the newest write you saw, \
                     the largest version you have given out yourself.",
                    finding.text
                ),
            );
        }
        if let Some(why) = check(
            &world,
            "twelve nodes: three writes through n11 at one instant, then reads through n3, \
             n10 and n11",
        ) {
            fail_at(seed, why);
        }
    }
}

/// The nodes a trace shows were handed a `Store` of `value`, in the order they got it.
fn stored_at(world: &World<Replica>, value: i64) -> Vec<usize> {
    let mut out = Vec::new();
    for event in world.trace().events() {
        if let Event::Message {
            to: Endpoint::Node(n),
            payload: Payload::Msg(Message::Store { value: v, .. }),
            fate: Fate::Delivered,
            ..
        } = &event.event
            && *v == Some(value)
            && !out.contains(n)
        {
            out.push(*n);
        }
    }
    out
}

/// Whether node `node` has sent a `Store` of `value`.
fn sent_store(world: &World<Replica>, node: usize, value: i64) -> bool {
    world.trace().events().iter().any(|event| {
        matches!(&event.event, Event::Message {
            from: Endpoint::Node(n),
            payload: Payload::Msg(Message::Store { value: v, .. }),
            fate: Fate::Sent,
            ..
        } if *n == node && *v == Some(value))
    })
}

/// A write coordinated by node 0 reaches one other replica and then node 0 crashes. A
/// read through a majority that includes that replica returns the new value; a later
/// read through a majority without it must return the new value too, which only works
/// if the first read stored what it returns on a majority before returning. Which
/// replica got the write is read from the messages the world delivered.
pub fn reads_write_back() {
    for seed in runs::seeds(20) {
        let config = Config::new(seed).delay(MS(1), MS(10));
        let mut world = world(config, 5);
        world.call_and_wait(0, 0, Request::Write(1));
        // Node 0 can reach 1 and 2 only: its write queries {0, 1, 2} and sends its new
        // value to 1 and 2. The run stops as soon as one of them has been handed it.
        world.partition(&[&[0, 1, 2], &[3, 4]]);
        world.call(0, 0, Request::Write(2));
        // (Node 0 may send the pair to itself too; only n1 and n2 count.)
        let reached = |w: &World<Replica>| stored_at(w, 2).into_iter().find(|n| [1, 2].contains(n));
        world.run_until(|w| reached(w).is_some());
        let Some(holder) = reached(&world) else {
            fail_at(
                seed,
                format!(
                    "node n0 coordinated a write of 2 while it could reach nodes n1 and n2, \
                     and never sent either of them a Store of it; a write must reach a \
                     majority. The last events:\n{}",
                    world.trace().tail(30)
                ),
            );
        };
        let other = 3 - holder;
        world.crash(0);
        // First read: only {holder, 3, 4} can talk, a majority that sees the new value.
        world.partition(&[&[holder, 3, 4], &[other]]);
        world.call(1, holder, Request::Read);
        world.run_until(|w| !w.is_waiting(1));
        // Second read: only {other, 3, 4}, which never got the write from node 0.
        world.partition(&[&[other, 3, 4], &[holder]]);
        world.call(2, 4, Request::Read);
        world.run_until(|w| !w.is_waiting(2));
        for (client, what) in [(1, "first"), (2, "second")] {
            if !returned(&world, client) {
                fail_at(
                    seed,
                    format!(
                        "the {what} read went to a node that could reach a majority (three \
                         of five) and never returned; the last events:\n{}",
                        world.trace().tail(30)
                    ),
                );
            }
        }
        if let Some(why) = check(
            &world,
            &format!(
                "node n0 wrote 2 to node n{holder} only and crashed; a read through nodes \
                 n{holder}, n3, n4 came first, then a read through nodes n{other}, n3, n4"
            ),
        ) {
            fail_at(seed, why);
        }
    }
}

/// Five nodes. Node n0 starts a write of 1 and, the moment it sends its pair out, its
/// links to n2, n3 and n4 are cut: only n1 stores it, and n0 keeps resending. Client 11
/// then writes 2 through n4, which completes. After the heal, n0's old pair reaches n2,
/// n3 and n4, which hold the newer write of 2 and must keep it. A read through {n2, n3,
/// n4} and then one through {n0, n1, n2} must then agree.
pub fn late_pairs_never_replace_newer() {
    for seed in runs::seeds(4) {
        let mut world = world(Config::new(seed).delay(MS(1), MS(5)), 5);
        world.call(10, 0, Request::Write(1));
        world.run_until(|w| sent_store(w, 0, 1));
        if !sent_store(&world, 0, 1) {
            fail_at(
                seed,
                format!(
                    "node n0 coordinated a write of 1 in a healthy cluster of five and never \
                     sent a Store of it. The last events:\n{}",
                    world.trace().tail(30)
                ),
            );
        }
        for to in [2, 3, 4] {
            world.block(0, to);
        }
        world.call_and_wait(11, 4, Request::Write(2));
        world.run_for(MS(30));
        world.heal();
        world.run_until(|w| !w.is_waiting(10));
        world.partition(&[&[2, 3, 4], &[0, 1]]);
        world.call_and_wait(12, 3, Request::Read);
        world.partition(&[&[0, 1, 2], &[3, 4]]);
        world.call_and_wait(13, 0, Request::Read);
        if !(10..14).all(|c| returned(&world, c)) {
            fail_at(
                seed,
                format!(
                    "a call to a node that could reach a majority never returned. The last \
                     events:\n{}",
                    world.trace().tail(30)
                ),
            );
        }
        if let Some(why) = check(
            &world,
            "five nodes: n0's write of 1 reached only n1 while client 11's write of 2 through \
             n4 completed; after the heal n0's old pair arrived late at n2, n3 and n4; then a \
             read through {n2, n3, n4} and one through {n0, n1, n2}",
        ) {
            fail_at(seed, why);
        }
    }
}

/// The size of a run of [`completes_with_a_majority`].
fn majority_run(seed: u64, size: RunSize) -> Option<String> {
    let nodes = size.nodes;
    let config = Config::new(seed)
        .delay(MS(1), MS(10))
        .loss(0.2)
        .duplicate(0.1);
    let mut world = world(config, nodes);
    let mut rng = Rng::new(seed ^ 0x11FE);
    let mut order: Vec<usize> = (0..nodes).collect();
    rng.shuffle(&mut order);
    let (majority, minority) = order.split_at(nodes / 2 + 1);
    world.partition(&[majority, minority]);
    let clients: Vec<u32> = (10..10 + size.clients as u32).collect();
    let mut value = 0;
    for round in 0..size.ops {
        for &client in &clients {
            let node = majority[rng.index(majority.len())];
            let request = if rng.chance(0.5) {
                Request::Read
            } else {
                value += 1;
                Request::Write(value)
            };
            world.call(client, node, request);
        }
        world.run_until(|w| clients.iter().all(|&c| !w.is_waiting(c)));
        if let Some(&stuck) = clients.iter().find(|&&c| world.is_waiting(c)) {
            return Some(format!(
                "nodes {{{}}} are connected (a majority of {nodes}) and nodes {{{}}} are cut \
                 off; in round {round} client {stuck}'s call to a connected node never \
                 returned, under 20% message loss. Every operation must finish while a \
                 majority is connected: resend what has not been answered (on_tick runs \
                 every tick). The last events:\n{}",
                list(majority),
                list(minority),
                world.trace().tail(30)
            ));
        }
    }
    check(
        &world,
        &format!(
            "{} connected nodes of {nodes} served {} clients under loss and duplication",
            majority.len(),
            size.clients
        ),
    )
}

/// A majority of 3 to 7 nodes is connected and the rest cut off; messages are lost
/// (20%) and duplicated (10%). Clients that call the connected nodes must get an answer
/// to every operation: a majority is there, so a node that resends what got lost can
/// always finish.
pub fn completes_with_a_majority() {
    runs::each_seed(
        runs::seeds(crate::SEEDS / 2),
        |seed| {
            Sized(RunSize {
                nodes: cluster_size(seed).max(3),
                clients: 3,
                ops: 8,
                faults: 0,
            })
        },
        |seed, size| majority_run(seed, size.0),
    );
}

/// Worlds whose settings are not the defaults, where every call must still return: round
/// trips of 30-50 ms against the default 10 ms tick; a 3 ms tick; a 40 ms tick with 30%
/// loss; and node n0 cut off for 45 ms (four ticks) just after a request reached it, so
/// that it must resend more than once.
pub fn completes_when_answers_outlast_a_tick() {
    let base = suite_harness::seed();
    let settings: [(&str, usize, Config); 3] = [
        (
            "messages take 15-25 ms (a round trip outlasts the 10 ms tick)",
            4,
            Config::new(base).delay(MS(15), MS(25)),
        ),
        ("the tick is 3 ms", 5, Config::new(base).tick(Some(MS(3)))),
        (
            "the tick is 40 ms and 30% of messages are lost",
            6,
            Config::new(base).tick(Some(MS(40))).loss(0.3),
        ),
    ];
    for (what, nodes, config) in settings {
        let mut world = world(config, nodes);
        for (client, node, request) in [
            (10u32, 0usize, Request::Write(1)),
            (11, nodes - 1, Request::Read),
            (12, 1, Request::Write(2)),
        ] {
            world.call(client, node, request);
        }
        world.run_until(|w| (10..13).all(|c| !w.is_waiting(c)));
        if let Some(stuck) = (10..13).find(|&c| world.is_waiting(c)) {
            fail_at(
                base,
                format!(
                    "{nodes} connected nodes; {what}. Client {stuck}'s call never returned. \
                     Resend what has not been answered, and count an answer whenever it \
                     arrives: an answer may come back after the next tick, and a phase that \
                     starts over on every tick never finishes. The last events:\n{}",
                    world.trace().tail(30)
                ),
            );
        }
        if let Some(why) = check(&world, &format!("{nodes} nodes; {what}")) {
            fail_at(base, why);
        }
    }
    let mut world = world(Config::new(base), 4);
    world.call(10, 0, Request::Write(1));
    world.run_until(|w| {
        w.trace().events().iter().any(|e| {
            matches!(
                &e.event,
                Event::Message {
                    to: Endpoint::Node(0),
                    payload: Payload::Request { .. },
                    fate: Fate::Delivered,
                    ..
                }
            )
        })
    });
    world.isolate(0);
    world.run_for(MS(45));
    world.heal();
    world.run_until(|w| !w.is_waiting(10));
    if world.is_waiting(10) {
        fail_at(
            base,
            format!(
                "four nodes; node n0 was cut off for 45 ms (four ticks) just after client \
                 10's write reached it, then the cluster healed, and the write never \
                 returned. Everything n0 sent while cut off was lost: resend on every tick \
                 what has not been answered, not only once. The last events:\n{}",
                world.trace().tail(30)
            ),
        );
    }
}

/// A fresh replica holds tag zero and no value. Four nodes; client 10 writes 7 through
/// n1 and the world runs until quiet, without loss: every node was handed the Store of
/// 7, so `stored` on every node must return the tag that Store carried, and 7.
pub fn stored_reports_what_a_replica_holds() {
    for seed in runs::seeds(3) {
        let mut world = world(Config::new(seed), 4);
        for n in 0..4 {
            let (tag, value) = world.node(n).stored();
            if tag != Tag::default() || value.is_some() {
                fail_at(
                    seed,
                    format!(
                        "a fresh replica n{n} reported holding tag ({}, n{}) and value \
                         {value:?}; Replica::new holds tag zero and no value",
                        tag.version, tag.writer
                    ),
                );
            }
        }
        world.call_and_wait(10, 1, Request::Write(7));
        world.run_until_quiet();
        let store_tag = world.trace().events().iter().find_map(|e| match &e.event {
            Event::Message {
                payload: Payload::Msg(Message::Store { tag, value, .. }),
                ..
            } if *value == Some(7) => Some(*tag),
            _ => None,
        });
        let Some(tag) = store_tag else {
            fail_at(
                seed,
                "client 10 wrote 7 through n1, and no node ever sent a Store of 7".to_owned(),
            );
        };
        for n in 0..4 {
            let (held, value) = world.node(n).stored();
            if held != tag || value != Some(7) {
                fail_at(
                    seed,
                    format!(
                        "client 10 wrote 7 through n1 and every node was handed the pair \
                         with tag ({}, n{}) and value 7; afterwards n{n}'s stored() returned \
                         tag ({}, n{}) and value {value:?}. stored() returns the tag and value \
                         the replica holds now.",
                        tag.version, tag.writer, held.version, held.writer
                    ),
                );
            }
        }
    }
}

/// Every schedule of a small world, within bounds: three nodes, a fixed 1 ms delay, and
/// the explorer of `testkit::sim::explore` choosing which of the three earliest pending
/// messages or timers comes next (once out of the time order) and which one message is
/// lost. Client 0 writes 1 then reads through n0, client 1 writes 2 through n1, client 2
/// reads through n2 then n1: in every schedule the history must be linearizable.
pub fn every_schedule_of_three_nodes() {
    let make = || world(Config::new(7).delay(MS(1), MS(1)), 3);
    let script = Script::new()
        .client(vec![(0, Request::Write(1)), (0, Request::Read)])
        .client(vec![(1, Request::Write(2))])
        .client(vec![(2, Request::Read), (1, Request::Read)]);
    // One deviation and one drop cover every schedule a single late or lost message makes;
    // two deviations cost thirty times as much and find nothing more in this world.
    let bounds = Bounds {
        deviations: 1,
        window: 3,
        ..Bounds::default()
    };
    let found = explore(&bounds, &make, &script, |w| {
        check_quietly(w).map_or(Ok(()), Err)
    });
    if let Some(counter) = found.violation {
        let deviations = counter.deviations();
        let schedule = if deviations.is_empty() {
            "in the world's own time order".to_owned()
        } else {
            format!(
                "in the schedule that leaves the time order at {}",
                deviations.join(", ")
            )
        };
        let why = check(&counter.world, &format!("three nodes, {schedule}")).unwrap_or(counter.why);
        suite_harness::fail(why);
    }
    if !found.complete {
        suite_harness::fail(format!(
            "the explorer stopped after {} runs without covering every schedule within its \
             bounds; this is the suite's limit, not your mistake, but it cannot pass a test \
             it did not finish",
            found.runs
        ));
    }
}

/// Whether the clients' history is linearizable, without attaching anything: the
/// explorer checks thousands of runs, and only the one that fails is reported.
fn check_quietly(world: &World<Replica>) -> Option<String> {
    let history = match history(world) {
        Ok(history) => history,
        Err(why) => return Some(why),
    };
    match Linearizable::new(ModelKind::Register).check(&history) {
        Ok(verdict) if verdict.holds() => None,
        Ok(verdict) => Some(format!("{verdict:?}")),
        Err(error) => Some(error.to_string()),
    }
}
