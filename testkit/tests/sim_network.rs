//! The simulated network: delays, ordering, loss, duplication, partitions and blocks.
//!
//! The toy node here, `Blaster`, sends numbered messages to a peer when a client asks it
//! to, and remembers every message it receives. Clients are never partitioned, so the
//! tests can always reach the node that should send.

use std::collections::HashMap;
use std::time::Duration;

use testkit::sim::{
    Config, Context, DropReason, Endpoint, Event, Fate, Node, NodeId, ReplyTo, Stop, World,
};

#[derive(Default)]
struct Blaster {
    received: Vec<(NodeId, u32)>,
}

#[derive(Clone, Debug)]
struct Blast {
    to: NodeId,
    count: u32,
}

impl Node for Blaster {
    type Msg = u32;
    type Request = Blast;
    type Response = ();

    fn on_message(&mut self, _ctx: &mut Context<'_, Self>, from: NodeId, seq: u32) {
        self.received.push((from, seq));
    }

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, blast: Blast) {
        for seq in 0..blast.count {
            ctx.send(blast.to, seq);
        }
        ctx.reply(reply, ());
    }
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn world(config: Config, nodes: usize) -> World<Blaster> {
    World::new(config, (0..nodes).map(|_| Blaster::default()).collect())
}

/// Has `from` send `count` messages to `to` and runs until everything has landed.
fn blast(w: &mut World<Blaster>, from: NodeId, to: NodeId, count: u32) {
    w.call(0, from, Blast { to, count });
    assert_eq!(w.run_until_quiet(), Stop::Reached);
}

fn seqs_from(w: &World<Blaster>, node: NodeId, from: NodeId) -> Vec<u32> {
    let got = &w.node(node).received;
    got.iter()
        .filter(|(f, _)| *f == from)
        .map(|&(_, s)| s)
        .collect()
}

/// How many message events of each fate the trace holds for node-to-node messages.
fn fates(w: &World<Blaster>) -> HashMap<Fate, usize> {
    let mut count = HashMap::new();
    for e in w.trace().events() {
        if let Event::Message {
            fate,
            from: Endpoint::Node(_),
            to: Endpoint::Node(_),
            ..
        } = e.event
        {
            *count.entry(fate).or_default() += 1;
        }
    }
    count
}

#[test]
fn delays_stay_in_the_configured_range_and_cover_it() {
    let mut w = world(Config::new(11).delay(ms(2), ms(7)), 2);
    blast(&mut w, 0, 1, 500);
    let mut sent = HashMap::new();
    let mut delays = Vec::new();
    for e in w.trace().events() {
        if let Event::Message { id, fate, .. } = e.event {
            match fate {
                Fate::Sent => {
                    sent.insert(id, e.at);
                }
                Fate::Delivered => delays.push(e.at - sent[&id]),
                _ => panic!("no faults configured, yet {fate:?}"),
            }
        }
    }
    // 500 messages, a request and a reply.
    assert_eq!(delays.len(), 502);
    assert!(
        delays.iter().all(|d| (ms(2)..=ms(7)).contains(d)),
        "{delays:?}"
    );
    assert!(delays.iter().any(|&d| d < ms(3)) && delays.iter().any(|&d| d > ms(6)));
}

#[test]
fn fifo_links_keep_send_order() {
    for seed in 0..20 {
        let mut w = world(Config::new(seed).delay(ms(1), ms(20)).fifo(true), 2);
        blast(&mut w, 0, 1, 200);
        assert_eq!(
            seqs_from(&w, 1, 0),
            (0..200).collect::<Vec<_>>(),
            "seed {seed}"
        );
    }
}

#[test]
fn default_links_reorder_sometimes() {
    let mut reordered = 0;
    for seed in 0..20 {
        let mut w = world(Config::new(seed).delay(ms(1), ms(20)), 2);
        blast(&mut w, 0, 1, 50);
        let got = seqs_from(&w, 1, 0);
        let mut sorted = got.clone();
        sorted.sort_unstable();
        assert_eq!(
            sorted,
            (0..50).collect::<Vec<_>>(),
            "every message arrives once"
        );
        if got != sorted {
            reordered += 1;
        }
    }
    assert!(reordered > 10, "only {reordered} of 20 runs reordered");
}

#[test]
fn loss_drops_about_the_configured_share() {
    let mut w = world(Config::new(3).loss(0.2), 2);
    blast(&mut w, 0, 1, 5000);
    let got = seqs_from(&w, 1, 0).len();
    assert!(
        (3800..4200).contains(&got),
        "{got} of 5000 arrived with 20% loss"
    );
    let dropped = fates(&w)[&Fate::Dropped(DropReason::Loss)];
    assert_eq!(got + dropped, 5000, "each lost message is traced as lost");
}

#[test]
fn client_links_are_reliable_unless_configured() {
    let mut w = world(Config::new(3).loss(1.0).duplicate(1.0), 2);
    blast(&mut w, 0, 1, 10);
    assert!(w.node(1).received.is_empty(), "every node message is lost");
    assert!(
        w.calls()[0].outcome.response().is_some(),
        "the client got its answer"
    );

    let mut w = world(Config::new(3).client_loss(1.0).client_timeout(ms(50)), 2);
    blast(&mut w, 0, 1, 10);
    assert!(
        w.node(1).received.is_empty(),
        "the request never reached n0"
    );
    assert!(w.calls()[0].outcome.response().is_none());
}

#[test]
fn duplication_delivers_extra_copies() {
    let mut w = world(Config::new(5).duplicate(0.3), 2);
    blast(&mut w, 0, 1, 2000);
    let got = seqs_from(&w, 1, 0);
    let extra = got.len() - 2000;
    assert!(
        (500..700).contains(&extra),
        "{extra} duplicates of 2000 with p = 0.3"
    );
    assert_eq!(fates(&w)[&Fate::Duplicated], extra);
    let mut distinct = got.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), 2000, "no message is lost");
}

#[test]
fn partition_drops_messages_both_ways() {
    let mut w = world(Config::new(1), 5);
    w.partition(&[&[0, 1], &[2, 3, 4]]);
    for (from, to) in [(0, 2), (2, 0), (1, 4), (4, 1)] {
        blast(&mut w, from, to, 10);
        assert!(
            seqs_from(&w, to, from).is_empty(),
            "n{from} -> n{to} crossed the partition"
        );
    }
    blast(&mut w, 0, 1, 10);
    blast(&mut w, 4, 2, 10);
    assert_eq!(
        seqs_from(&w, 1, 0).len(),
        10,
        "inside a group messages pass"
    );
    assert_eq!(seqs_from(&w, 2, 4).len(), 10);
    assert_eq!(fates(&w)[&Fate::Dropped(DropReason::Partition)], 40);
}

#[test]
fn heal_restores_every_link() {
    let mut w = world(Config::new(1), 3);
    w.partition(&[&[0], &[1, 2]]);
    w.block(1, 2);
    w.heal();
    for (from, to) in [(0, 1), (1, 0), (1, 2), (2, 1)] {
        blast(&mut w, from, to, 5);
        assert_eq!(seqs_from(&w, to, from).len(), 5, "n{from} -> n{to}");
    }
}

#[test]
fn block_cuts_one_direction_only() {
    let mut w = world(Config::new(2), 2);
    w.block(0, 1);
    blast(&mut w, 0, 1, 10);
    blast(&mut w, 1, 0, 10);
    assert!(seqs_from(&w, 1, 0).is_empty());
    assert_eq!(seqs_from(&w, 0, 1).len(), 10);
}

#[test]
fn isolate_cuts_a_node_from_all_others() {
    let mut w = world(Config::new(2), 3);
    w.isolate(1);
    blast(&mut w, 0, 2, 3);
    blast(&mut w, 0, 1, 3);
    blast(&mut w, 1, 2, 3);
    assert_eq!(seqs_from(&w, 2, 0).len(), 3);
    assert!(seqs_from(&w, 1, 0).is_empty() && seqs_from(&w, 2, 1).is_empty());
}

#[test]
fn messages_in_flight_when_a_partition_starts_are_dropped() {
    let mut w = world(Config::new(4).delay(ms(10), ms(10)), 2);
    w.call(0, 0, Blast { to: 1, count: 5 });
    // The request lands at 10 ms and the messages would land at 20 ms.
    w.run_for(ms(15));
    assert_eq!(w.in_flight(), 6, "five messages and the reply");
    w.partition(&[&[0], &[1]]);
    assert_eq!(w.run_until_quiet(), Stop::Reached);
    assert!(w.node(1).received.is_empty());
    assert_eq!(fates(&w)[&Fate::Dropped(DropReason::Partition)], 5);
}

#[test]
fn partition_names_must_be_real_nodes() {
    let result = std::panic::catch_unwind(|| world(Config::new(0), 2).partition(&[&[0, 5]]));
    let message = *result.unwrap_err().downcast::<String>().unwrap();
    assert!(message.contains("n5"), "{message}");
}
