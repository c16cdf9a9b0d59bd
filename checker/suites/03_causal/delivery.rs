//! Causal delivery: exactly the sender's next message, nothing unseen from others, hold
//! back, cascade, drop duplicates.

use std::collections::BTreeSet;

use causal::{CausalBroadcast, Message, VectorClock};
use testkit::rng::Rng;

use crate::clocks::SEEDS;

/// Payloads name their message: (sender, number among the sender's messages).
type Id = (usize, u64);

fn ids(messages: &[Message<Id>]) -> Vec<Id> {
    messages.iter().map(|m| m.payload).collect()
}

fn label(id: Id) -> String {
    format!("{}{}", ["a", "b", "c", "d", "e"][id.0], id.1)
}

fn labels(list: &[Id]) -> String {
    let names: Vec<String> = list.iter().map(|&id| label(id)).collect();
    format!("[{}]", names.join(", "))
}

/// Sends from node `sender`, naming the payload by its number.
fn send(node: &mut CausalBroadcast<Id>, count: &mut u64) -> Message<Id> {
    *count += 1;
    node.send((node.me(), *count))
}

/// A node's own message counts as delivered the moment it is sent.
pub fn own_messages_deliver_at_once() {
    let mut a = CausalBroadcast::new(0);
    let first = a.send((0, 1));
    let second = a.send((0, 2));
    let want = (
        VectorClock::from_entries(&[(0, 1)]),
        VectorClock::from_entries(&[(0, 2)]),
    );
    assert!(
        (first.clock.clone(), second.clock.clone()) == want,
        "Node a sends twice: the messages carry {} and {} (a message's sender entry is its \
         number among the sender's messages); they carried {} and {}.",
        want.0,
        want.1,
        first.clock,
        second.clock
    );
    assert!(
        first.sender == 0 && second.sender == 0,
        "A message's sender is the node that sent it (0); got {} and {}.",
        first.sender,
        second.sender
    );
    assert!(
        *a.delivered() == want.1 && a.held_back() == 0,
        "A node delivers its own messages at once: after two sends a has delivered {} and \
         holds nothing back; it shows delivered {} and {} held back.",
        want.1,
        a.delivered(),
        a.held_back()
    );
}

/// Receiving a message is not an event of the receiver: its own entry stays.
pub fn receiving_is_not_an_event() {
    let mut a = CausalBroadcast::new(0);
    let mut b = CausalBroadcast::new(1);
    let a1 = a.send((0, 1));
    let got = ids(&b.receive(a1));
    assert!(
        got == vec![(0, 1)],
        "b receives a1, a's first message, which depends on nothing: b delivers [a1]; it \
         delivered {}.",
        labels(&got)
    );
    let want = VectorClock::from_entries(&[(0, 1)]);
    assert!(
        *b.delivered() == want,
        "After delivering a1, b has delivered {want}: one message of a and none of its own. It \
         shows {}. Counting a receive as an event of b makes b's next message claim a number \
         that b never sent, and every other node waits for it forever.",
        b.delivered()
    );
    let b1 = b.send((1, 1));
    let want = VectorClock::from_entries(&[(0, 1), (1, 1)]);
    assert!(
        b1.clock == want,
        "b's first message, sent after delivering a1, carries {want}; it carried {}.",
        b1.clock
    );
    let mut c = CausalBroadcast::new(2);
    c.receive(a.send((0, 2)));
    let got = ids(&c.receive(b1));
    assert!(
        got.is_empty(),
        "c received a2 (held: c has not seen a1), then b1, which depends on a1: nothing can \
         be delivered yet; c delivered {}.",
        labels(&got)
    );
}

/// Messages of one sender arriving in reverse order wait, then all go at once.
pub fn gaps_hold_back_and_fill_in_cascade() {
    let mut a = CausalBroadcast::new(0);
    let mut count = 0;
    let sent: Vec<Message<Id>> = (0..4).map(|_| send(&mut a, &mut count)).collect();
    let mut b = CausalBroadcast::new(1);
    for (i, m) in sent.iter().enumerate().skip(1).rev() {
        let got = ids(&b.receive(m.clone()));
        assert!(
            got.is_empty(),
            "a sends a1..a4; b receives a4, a3, a2 first. None of them is a's next message \
             while a1 is missing, so b holds each back; on receiving a{} it delivered {}.",
            i + 1,
            labels(&got)
        );
    }
    assert!(
        b.held_back() == 3,
        "b holds a2, a3 and a4 back: held_back() must be 3, it is {}.",
        b.held_back()
    );
    let got = ids(&b.receive(sent[0].clone()));
    let want = vec![(0, 1), (0, 2), (0, 3), (0, 4)];
    assert!(
        got == want,
        "Then a1 arrives: it fills the gap, and the held-back messages follow in cascade, so \
         receive returns {} in one call. It returned {} (held back now: {}).",
        labels(&want),
        labels(&got),
        b.held_back()
    );
    assert!(
        b.held_back() == 0,
        "Once the cascade has run, b holds nothing back; it still holds {}.",
        b.held_back()
    );
}

/// A message waits for the messages of other nodes its sender had delivered.
pub fn waits_for_what_the_sender_had_seen() {
    // a1 -> b (b delivers it) -> b1; then c gets b1 before a1.
    let mut a = CausalBroadcast::new(0);
    let mut b = CausalBroadcast::new(1);
    let mut c = CausalBroadcast::new(2);
    let a1 = a.send((0, 1));
    b.receive(a1.clone());
    let b1 = b.send((1, 1));
    let got = ids(&c.receive(b1.clone()));
    assert!(
        got.is_empty(),
        "a sends a1; b delivers it and then sends b1 (clock {}); c receives b1 first. b1 \
         depends on a1, which c has not delivered, so c must hold b1 back; it delivered {}. \
         Every entry other than the sender's must be at most what c has delivered: allowing \
         one more there, as for the sender, lets b1 overtake a1.",
        b1.clock,
        labels(&got)
    );
    let got = ids(&c.receive(a1));
    assert!(
        got == vec![(0, 1), (1, 1)],
        "Then a1 reaches c: c delivers a1 and, in cascade, b1: [a1, b1]. It delivered {}. \
         b1's entry for a is 1 and c has delivered exactly 1 message of a: a dependency met \
         exactly counts (<=, not <).",
        labels(&got)
    );
    let c1 = c.send((2, 1));
    let mut f = CausalBroadcast::new(4);
    f.receive(Message {
        sender: 0,
        clock: VectorClock::from_entries(&[(0, 1)]),
        payload: (0, 1),
    });
    f.receive(b1.clone());
    let got = ids(&f.receive(c1.clone()));
    assert!(
        got == vec![(2, 1)],
        "A node that has delivered a1 and b1 receives c1 (clock {}), c's first message, sent \
         after c delivered a1 and b1: everything it depends on is there, so it is delivered at \
         once; it delivered {}.",
        c1.clock,
        labels(&got)
    );
}

/// A message received twice is delivered once, whether it was delivered or held back.
pub fn duplicates_are_dropped() {
    let mut a = CausalBroadcast::new(0);
    let a1 = a.send((0, 1));
    let a2 = a.send((0, 2));
    let a3 = a.send((0, 3));
    let mut b = CausalBroadcast::new(1);
    b.receive(a1.clone());
    let got = ids(&b.receive(a1.clone()));
    assert!(
        got.is_empty() && b.held_back() == 0,
        "b delivers a1, then the network hands b a second copy of a1: b drops it (delivered \
         again, a store would apply a write twice). b delivered {} and holds {} back.",
        labels(&got),
        b.held_back()
    );
    b.receive(a3.clone());
    b.receive(a3.clone());
    let got = ids(&b.receive(a2.clone()));
    assert!(
        got == vec![(0, 2), (0, 3)],
        "b then receives a3 twice (held back both times: a2 is missing), then a2: b delivers \
         [a2, a3], each once; it delivered {}.",
        labels(&got)
    );
    let again: Vec<Id> = [a1, a2, a3]
        .into_iter()
        .flat_map(|m| ids(&b.receive(m)))
        .collect();
    assert!(
        again.is_empty() && b.held_back() == 0,
        "Copies of a1, a2 and a3 arriving once more are all duplicates: nothing is delivered \
         and nothing is held; b delivered {} and holds {} back.",
        labels(&again),
        b.held_back()
    );
    assert!(
        *b.delivered() == VectorClock::from_entries(&[(0, 3)]),
        "b has delivered 3 messages of a: {{n0: 3}}; it shows {}.",
        b.delivered()
    );
}

/// Random sends and random arrival orders with duplicates, checked against the
/// dependencies each message really has.
pub fn random_schedules_deliver_causally() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let mut rng = Rng::new(seed ^ 0xDE11);
        let n = 3 + rng.index(3);
        let mut nodes: Vec<CausalBroadcast<Id>> = (0..n).map(CausalBroadcast::new).collect();
        let mut counts = vec![0u64; n];
        // What each node has delivered, in order, and each message's causal past: what
        // its sender had delivered when it sent it.
        let mut logs: Vec<Vec<Id>> = vec![Vec::new(); n];
        let mut past: std::collections::BTreeMap<Id, BTreeSet<Id>> = Default::default();
        let mut inboxes: Vec<Vec<Message<Id>>> = vec![Vec::new(); n];
        let mut sends = 0;
        while sends < 40 || inboxes.iter().any(|i| !i.is_empty()) {
            let who = rng.index(n);
            if sends < 40 && (rng.chance(0.3) || inboxes[who].is_empty()) {
                let m = send(&mut nodes[who], &mut counts[who]);
                past.insert(m.payload, logs[who].iter().copied().collect());
                logs[who].push(m.payload);
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
                let arrived = m.payload;
                for d in ids(&nodes[who].receive(m)) {
                    let seen: BTreeSet<Id> = logs[who].iter().copied().collect();
                    if seen.contains(&d) {
                        panic!(
                            "{n} nodes broadcast 40 messages, the network reorders them and \
                             duplicates a quarter. Node {who} delivered {} twice (on receiving \
                             {}); a duplicate must be dropped (seed {seed}).\nIts deliveries \
                             so far: {}",
                            label(d),
                            label(arrived),
                            labels(&logs[who])
                        );
                    }
                    let missing: Vec<Id> = past[&d].difference(&seen).copied().collect();
                    assert!(
                        missing.is_empty(),
                        "{n} nodes broadcast 40 messages, reordered and duplicated. Node {who} \
                         delivered {} (on receiving {}) before {}, which its sender had \
                         delivered when it sent it (seed {seed}).\nIts deliveries so far: {}",
                        label(d),
                        label(arrived),
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
                nodes[who].held_back(),
                labels(log)
            );
        }
    }
}
