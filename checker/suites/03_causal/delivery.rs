//! Causal delivery: exactly the sender's next message, nothing unseen from others, hold
//! back, cascade, drop duplicates.
//!
//! Nodes exchange messages through the suite: what `send` returns is copied into a
//! [`Wire`], and each node receives fresh copies built from it (see `observe.rs`).

use std::collections::{BTreeMap, BTreeSet};

use testkit::rng::Rng;

use crate::clocks::SEEDS;
use crate::observe::{Id, Wire, delivered, held_back, node, receive, send, show};

/// `a1` for node 0's first message, `c2` for node 2's second.
fn label(id: Id) -> String {
    match ["a", "b", "c", "d", "e"].get(id.0) {
        Some(letter) => format!("{letter}{}", id.1),
        None => format!("n{}#{}", id.0, id.1),
    }
}

fn labels(list: &[Id]) -> String {
    let names: Vec<String> = list.iter().map(|&id| label(id)).collect();
    format!("[{}]", names.join(", "))
}

/// A node's own message counts as delivered the moment it is sent.
pub fn own_messages_deliver_at_once() {
    let mut a = node(0);
    let first = send(&mut a, (0, 1));
    let second = send(&mut a, (0, 2));
    let want = (vec![(0, 1)], vec![(0, 2)]);
    assert!(
        (&first.clock, &second.clock) == (&want.0, &want.1),
        "Node a sends twice: the messages carry {} and {} (a message's sender entry is its \
         number among the sender's messages); they carried {} and {}.",
        show(&want.0),
        show(&want.1),
        show(&first.clock),
        show(&second.clock)
    );
    assert!(
        (first.sender, second.sender) == (0, 0),
        "A message's sender is the node that sent it (0); got {} and {}.",
        first.sender,
        second.sender
    );
    assert!(
        (first.payload, second.payload) == ((0, 1), (0, 2)),
        "A message carries what the application sent: a1 and a2, in that order; they \
         carried {} and {}.",
        label(first.payload),
        label(second.payload)
    );
    let (now, held) = (delivered(&a), held_back(&a));
    assert!(
        now == want.1 && held == 0,
        "A node delivers its own messages at once: after two sends a has delivered {} and \
         holds nothing back; it shows delivered {} and {held} held back.",
        show(&want.1),
        show(&now)
    );
}

/// Receiving a message is not an event of the receiver: its own entry stays.
pub fn receiving_is_not_an_event() {
    let mut a = node(0);
    let mut b = node(1);
    let a1 = send(&mut a, (0, 1));
    let got = receive(&mut b, &a1);
    assert!(
        got == [(0, 1)],
        "b receives a1, a's first message, which depends on nothing: b delivers [a1]; it \
         delivered {}.",
        labels(&got)
    );
    let want = vec![(0, 1)];
    let now = delivered(&b);
    assert!(
        now == want,
        "After delivering a1, b has delivered {}: one message of a and none of its own. It \
         shows {}. Counting a receive as an event of b makes b's next message claim a number \
         that b never sent, and every other node waits for it forever.",
        show(&want),
        show(&now)
    );
    let b1 = send(&mut b, (1, 1));
    let want = vec![(0, 1), (1, 1)];
    assert!(
        b1.clock == want,
        "b's first message, sent after delivering a1, carries {}; it carried {}.",
        show(&want),
        show(&b1.clock)
    );
    let mut c = node(2);
    let a2 = send(&mut a, (0, 2));
    receive(&mut c, &a2);
    let got = receive(&mut c, &b1);
    assert!(
        got.is_empty(),
        "c received a2 (held: c has not seen a1), then b1, which depends on a1: nothing can \
         be delivered yet; c delivered {}.",
        labels(&got)
    );
}

/// Messages of one sender arriving in reverse order wait, then all go at once.
pub fn gaps_hold_back_and_fill_in_cascade() {
    let mut a = node(0);
    let sent: Vec<Wire> = (1..=4).map(|n| send(&mut a, (0, n))).collect();
    let mut b = node(1);
    for (i, m) in sent.iter().enumerate().skip(1).rev() {
        let got = receive(&mut b, m);
        assert!(
            got.is_empty(),
            "a sends a1..a4; b receives a4, a3, a2 first. None of them is a's next message \
             while a1 is missing, so b holds each back; on receiving a{} it delivered {}.",
            i + 1,
            labels(&got)
        );
    }
    let held = held_back(&b);
    assert!(
        held == 3,
        "b holds a2, a3 and a4 back: held_back() must be 3, it is {held}."
    );
    let got = receive(&mut b, &sent[0]);
    let want = vec![(0, 1), (0, 2), (0, 3), (0, 4)];
    assert!(
        got == want,
        "Then a1 arrives: it fills the gap, and the held-back messages follow in cascade, so \
         receive returns {} in one call. It returned {} (held back now: {}).",
        labels(&want),
        labels(&got),
        held_back(&b)
    );
    let held = held_back(&b);
    assert!(
        held == 0,
        "Once the cascade has run, b holds nothing back; it still holds {held}."
    );
}

/// A message waits for the messages of other nodes its sender had delivered.
pub fn waits_for_what_the_sender_had_seen() {
    // a1 -> b (b delivers it) -> b1; then c gets b1 before a1.
    let mut a = node(0);
    let mut b = node(1);
    let mut c = node(2);
    let a1 = send(&mut a, (0, 1));
    receive(&mut b, &a1);
    let b1 = send(&mut b, (1, 1));
    let got = receive(&mut c, &b1);
    assert!(
        got.is_empty(),
        "a sends a1; b delivers it and then sends b1 (clock {}); c receives b1 first. b1 \
         depends on a1, which c has not delivered, so c must hold b1 back; it delivered {}. \
         Every entry other than the sender's must be at most what c has delivered: allowing \
         one more there, as for the sender, lets b1 overtake a1.",
        show(&b1.clock),
        labels(&got)
    );
    let got = receive(&mut c, &a1);
    assert!(
        got == [(0, 1), (1, 1)],
        "Then a1 reaches c: c delivers a1 and, in cascade, b1: [a1, b1]. It delivered {}. \
         b1's entry for a is 1 and c has delivered exactly 1 message of a: a dependency met \
         exactly counts (<=, not <).",
        labels(&got)
    );
    let c1 = send(&mut c, (2, 1));
    let mut f = node(4);
    // a1 as the network would bring it, written out rather than taken from `send`.
    let a1_again = Wire {
        sender: 0,
        clock: vec![(0, 1)],
        payload: (0, 1),
    };
    receive(&mut f, &a1_again);
    receive(&mut f, &b1);
    let got = receive(&mut f, &c1);
    assert!(
        got == [(2, 1)],
        "A node that has delivered a1 and b1 receives c1 (clock {}), c's first message, sent \
         after c delivered a1 and b1: everything it depends on is there, so it is delivered at \
         once; it delivered {}.",
        show(&c1.clock),
        labels(&got)
    );
}

/// A message received twice is delivered once, whether it was delivered or held back.
pub fn duplicates_are_dropped() {
    let mut a = node(0);
    let a1 = send(&mut a, (0, 1));
    let a2 = send(&mut a, (0, 2));
    let a3 = send(&mut a, (0, 3));
    let mut b = node(1);
    receive(&mut b, &a1);
    let got = receive(&mut b, &a1);
    let held = held_back(&b);
    assert!(
        got.is_empty() && held == 0,
        "b delivers a1, then the network hands b a second copy of a1: b drops it (delivered \
         again, a store would apply a write twice). b delivered {} and holds {held} back.",
        labels(&got)
    );
    receive(&mut b, &a3);
    receive(&mut b, &a3);
    let got = receive(&mut b, &a2);
    assert!(
        got == [(0, 2), (0, 3)],
        "b then receives a3 twice (held back both times: a2 is missing), then a2: b delivers \
         [a2, a3], each once; it delivered {}.",
        labels(&got)
    );
    let again: Vec<Id> = [&a1, &a2, &a3]
        .into_iter()
        .flat_map(|m| receive(&mut b, m))
        .collect();
    let held = held_back(&b);
    assert!(
        again.is_empty() && held == 0,
        "Copies of a1, a2 and a3 arriving once more are all duplicates: nothing is delivered \
         and nothing is held; b delivered {} and holds {held} back.",
        labels(&again)
    );
    let now = delivered(&b);
    assert!(
        now == [(0, 3)],
        "b has delivered 3 messages of a: {{n0: 3}}; it shows {}.",
        show(&now)
    );
}

/// Random sends and random arrival orders with duplicates, checked against the
/// dependencies each message really has.
pub fn random_schedules_deliver_causally() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let mut rng = Rng::new(seed ^ 0xDE11);
        let n = 3 + rng.index(3);
        let mut nodes: Vec<_> = (0..n).map(node).collect();
        let mut counts = vec![0u64; n];
        // What each node has delivered, in order, and each message's causal past: what
        // its sender had delivered when it sent it.
        let mut logs: Vec<Vec<Id>> = vec![Vec::new(); n];
        let mut past: BTreeMap<Id, BTreeSet<Id>> = BTreeMap::new();
        let mut inboxes: Vec<Vec<Wire>> = vec![Vec::new(); n];
        let mut sends = 0;
        while sends < 40 || inboxes.iter().any(|i| !i.is_empty()) {
            let who = rng.index(n);
            if sends < 40 && (rng.chance(0.3) || inboxes[who].is_empty()) {
                counts[who] += 1;
                let m = send(&mut nodes[who], (who, counts[who]));
                let id = (who, counts[who]);
                past.insert(id, logs[who].iter().copied().collect());
                logs[who].push(id);
                for (to, inbox) in inboxes.iter_mut().enumerate() {
                    if to != who {
                        inbox.push(m.clone());
                        if rng.chance(0.25) {
                            inbox.push(m.clone());
                        }
                    }
                }
                sends += 1;
            } else if !inboxes[who].is_empty() {
                let at = rng.index(inboxes[who].len());
                let m = inboxes[who].swap_remove(at);
                for d in receive(&mut nodes[who], &m) {
                    let seen: BTreeSet<Id> = logs[who].iter().copied().collect();
                    if seen.contains(&d) {
                        panic!(
                            "{n} nodes broadcast 40 messages, the network reorders them and \
                             duplicates a quarter. Node {who} delivered {} twice (on receiving \
                             {}); a duplicate must be dropped (seed {seed}).\nIts deliveries \
                             so far: {}",
                            label(d),
                            label(m.payload),
                            labels(&logs[who])
                        );
                    }
                    let Some(depends) = past.get(&d) else {
                        panic!(
                            "{n} nodes broadcast 40 messages, reordered and duplicated. Node \
                             {who} delivered {} (on receiving {}), which nobody sent: a node \
                             delivers the payloads it received, as they were sent (seed \
                             {seed}).",
                            label(d),
                            label(m.payload)
                        );
                    };
                    let missing: Vec<Id> = depends.difference(&seen).copied().collect();
                    assert!(
                        missing.is_empty(),
                        "{n} nodes broadcast 40 messages, reordered and duplicated. Node {who} \
                         delivered {} (on receiving {}) before {}, which its sender had \
                         delivered when it sent it (seed {seed}).\nIts deliveries so far: {}",
                        label(d),
                        label(m.payload),
                        labels(&missing),
                        labels(&logs[who])
                    );
                    logs[who].push(d);
                }
            }
        }
        for (who, log) in logs.iter().enumerate() {
            assert!(
                log.len() == past.len(),
                "{n} nodes broadcast {} messages, every copy eventually arrives (some twice). \
                 Once all arrived, node {who} must have delivered all of them; it delivered {} \
                 and holds {} back (seed {seed}).\nIts deliveries: {}",
                past.len(),
                log.len(),
                held_back(&nodes[who]),
                labels(log)
            );
        }
    }
}
