//! Causal delivery, scenario by scenario: exactly the sender's next message, nothing
//! unseen from others, hold back, cascade across senders, messages handed on as sent,
//! duplicates dropped.
//!
//! Nodes exchange messages through the suite: what `send` returns is copied into a
//! [`Wire`], and each node receives fresh copies built from it (see `observe.rs`). The
//! scenarios are hand-built, so each runs the same way every time; the random arrival
//! orders are in `delivery_random.rs`. A `CausalBroadcast` counts with the student's
//! `VectorClock`, so every test here names task `clocks` when that fails too.

use crate::blame::{self, Upstream};
use crate::clocks;
use crate::observe::{
    Id, Wire, delivered, held_back, me, node, receive, receive_wires, send, show,
};

/// The delivery task, for the tests of tasks built on the student's broadcast.
pub const UPSTREAM: Upstream = Upstream {
    task: "delivery",
    why: "If your replica delivers writes through your CausalBroadcast, a broadcast that \
          delivers too early, too late or twice makes the store go wrong too.",
    tests: &[
        (
            "delivery::own_messages_deliver_at_once",
            own_messages_deliver_at_once,
        ),
        (
            "delivery::receiving_is_not_an_event",
            receiving_is_not_an_event,
        ),
        (
            "delivery::gaps_hold_back_and_fill_in_cascade",
            gaps_hold_back_and_fill_in_cascade,
        ),
        (
            "delivery::waits_for_what_the_sender_had_seen",
            waits_for_what_the_sender_had_seen,
        ),
        (
            "delivery::cascades_cross_senders_in_any_order",
            cascades_cross_senders_in_any_order,
        ),
        (
            "delivery::delivered_messages_are_as_sent",
            delivered_messages_are_as_sent,
        ),
        ("delivery::duplicates_are_dropped", duplicates_are_dropped),
    ],
};

/// Runs a delivery test, naming task `clocks` if it fails and the clocks do too.
fn on_clocks(body: impl FnOnce()) {
    blame::after(&[&clocks::UPSTREAM], body);
}

/// `a1` for node 0's first message, `c2` for node 2's second, `n12#1` for node 12's.
pub fn label(id: Id) -> String {
    match ["a", "b", "c", "d", "e"].get(id.0) {
        Some(letter) => format!("{letter}{}", id.1),
        None => format!("n{}#{}", id.0, id.1),
    }
}

/// Labels in a list: `[a1, b1]`.
pub fn labels(list: &[Id]) -> String {
    let names: Vec<String> = list.iter().map(|&id| label(id)).collect();
    format!("[{}]", names.join(", "))
}

/// A new end has delivered nothing; a node's own message counts as delivered the moment
/// it is sent, stamped with its number among the node's messages.
pub fn own_messages_deliver_at_once() {
    on_clocks(|| {
        for id in [0, 4, 12] {
            let fresh = node(id);
            let (who, now, held) = (me(&fresh), delivered(&fresh), held_back(&fresh));
            assert!(
                who == id && now.is_empty() && held == 0,
                "CausalBroadcast::new({id}) is node {id}'s end, which has delivered nothing \
                 and holds nothing back: me() = {id}, delivered() = {{}}, held_back() = 0. It \
                 shows me() = {who}, delivered() = {}, held_back() = {held}.",
                show(&now)
            );
        }
        let mut a = node(0);
        let first = send(&mut a, (0, 1));
        let second = send(&mut a, (0, 2));
        let want = (vec![(0, 1)], vec![(0, 2)]);
        assert!(
            (&first.clock, &second.clock) == (&want.0, &want.1),
            "Node a sends twice: the messages carry {} and {} (a message's sender entry is \
             its number among the sender's messages); they carried {} and {}.",
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
            "A node delivers its own messages at once: after two sends a has delivered {} \
             and holds nothing back; it shows delivered {} and {held} held back.",
            show(&want.1),
            show(&now)
        );
        let mut far = node(12);
        let m = send(&mut far, (12, 1));
        assert!(
            m.sender == 12 && m.clock == [(12, 1)],
            "Node 12 sends its first message: its sender is 12 and its clock {{n12: 1}}; it \
             came with sender {} and clock {}.",
            m.sender,
            show(&m.clock)
        );
    });
}

/// Receiving a message is not an event of the receiver: its own entry stays.
pub fn receiving_is_not_an_event() {
    on_clocks(|| {
        let mut a = node(0);
        let mut b = node(1);
        let a1 = send(&mut a, (0, 1));
        let got = receive(&mut b, &a1);
        assert!(
            got == [(0, 1)],
            "b receives a1, a's first message, which depends on nothing: b delivers [a1]; \
             it delivered {}.",
            labels(&got)
        );
        let want = vec![(0, 1)];
        let now = delivered(&b);
        assert!(
            now == want,
            "After delivering a1, b has delivered {}: one message of a and none of its own. \
             It shows {}. Counting a receive as an event of b makes b's next message claim a \
             number that b never sent, and every other node waits for it forever.",
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
            "c received a2 (held: c has not seen a1), then b1, which depends on a1: nothing \
             can be delivered yet; c delivered {}.",
            labels(&got)
        );
    });
}

/// Messages of one sender arriving in reverse order wait, then all go at once.
pub fn gaps_hold_back_and_fill_in_cascade() {
    on_clocks(|| {
        let mut a = node(0);
        let sent: Vec<Wire> = (1..=4).map(|n| send(&mut a, (0, n))).collect();
        let mut b = node(1);
        for (i, m) in sent.iter().enumerate().skip(1).rev() {
            let got = receive(&mut b, m);
            assert!(
                got.is_empty(),
                "a sends a1..a4; b receives a4, a3, a2 first. None of them is a's next \
                 message while a1 is missing, so b holds each back; on receiving a{} it \
                 delivered {}.",
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
            "Then a1 arrives: it fills the gap, and the held-back messages follow in \
             cascade, so receive returns {} in one call. It returned {} (held back now: {}).",
            labels(&want),
            labels(&got),
            held_back(&b)
        );
        let held = held_back(&b);
        assert!(
            held == 0,
            "Once the cascade has run, b holds nothing back; it still holds {held}."
        );
    });
}

/// A message waits for the messages of other nodes its sender had delivered.
pub fn waits_for_what_the_sender_had_seen() {
    on_clocks(|| {
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
            "a sends a1; b delivers it and then sends b1 (clock {}); c receives b1 first. \
             b1 depends on a1, which c has not delivered, so c must hold b1 back; it \
             delivered {}. Every entry other than the sender's must be at most what c has \
             delivered: allowing one more there, as for the sender, lets b1 overtake a1.",
            show(&b1.clock),
            labels(&got)
        );
        let got = receive(&mut c, &a1);
        assert!(
            got == [(0, 1), (1, 1)],
            "Then a1 reaches c: c delivers a1 and, in cascade, b1: [a1, b1]. It delivered \
             {}. b1's entry for a is 1 and c has delivered exactly 1 message of a: a \
             dependency met exactly counts (<=, not <).",
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
            "A node that has delivered a1 and b1 receives c1 (clock {}), c's first message, \
             sent after c delivered a1 and b1: everything it depends on is there, so it is \
             delivered at once; it delivered {}.",
            show(&c1.clock),
            labels(&got)
        );
    });
}

/// A chain of senders, each sending after delivering the one before, sent by the
/// senders `order` names in turn: the messages, first to last.
fn chain(order: &[usize]) -> Vec<Wire> {
    let mut ends: Vec<_> = order.iter().map(|&id| node(id)).collect();
    let mut sent: Vec<Wire> = Vec::new();
    for i in 0..ends.len() {
        for m in &sent {
            receive(&mut ends[i], m);
        }
        sent.push(send(&mut ends[i], (order[i], 1)));
    }
    sent
}

/// A cascade runs until nothing is ready, whichever senders the held messages come from
/// and however they are ordered among them; three messages freed by one arrival go too.
pub fn cascades_cross_senders_in_any_order() {
    on_clocks(|| {
        // Chains whose senders go down and go up, received last link first: the first
        // message freed depends on nothing held, the others each on the one before, so a
        // single pass over the held messages, in whatever fixed order, misses one of them.
        for order in [[3, 2, 1], [1, 2, 3]] {
            let sent = chain(&order);
            let mut r = node(7);
            receive(&mut r, &sent[2]);
            receive(&mut r, &sent[1]);
            let got = receive(&mut r, &sent[0]);
            let want: Vec<Id> = order.iter().map(|&id| (id, 1)).collect();
            assert!(
                got == want && held_back(&r) == 0,
                "{} sends first; {} delivers it and sends; {} delivers both and sends: a \
                 chain {}. A fourth node receives the chain last link first: the last two \
                 are held back, and when the first arrives, all three are delivered in one \
                 call, in chain order: {}. It delivered {} and holds {} back. Keep looking \
                 through the held messages until none is ready, not once through them.",
                label(want[0]),
                label(want[1]),
                label(want[2]),
                labels(&want),
                labels(&want),
                labels(&got),
                held_back(&r)
            );
        }
        // One message that three others wait for, from nodes with two-digit ids.
        let mut a = node(0);
        let a1 = send(&mut a, (0, 1));
        let replies: Vec<Wire> = [10, 11, 12]
            .into_iter()
            .map(|id| {
                let mut n = node(id);
                receive(&mut n, &a1);
                send(&mut n, (id, 1))
            })
            .collect();
        let mut r = node(5);
        for m in &replies {
            let got = receive(&mut r, m);
            assert!(
                got.is_empty(),
                "Nodes 10, 11 and 12 each deliver a1 and then send; node 5 receives their \
                 messages before a1, so it holds each back; on {} it delivered {}.",
                label(m.payload),
                labels(&got)
            );
        }
        let mut got = receive(&mut r, &a1);
        let first = got.first().copied();
        got.sort_unstable();
        let want = vec![(0, 1), (10, 1), (11, 1), (12, 1)];
        assert!(
            first == Some((0, 1)) && got == want && held_back(&r) == 0,
            "Then a1 reaches node 5: it delivers a1, and in the same call the three messages \
             that waited for it (in any order among them, since they are concurrent), and \
             holds nothing back. It delivered {} (first {}) and holds {} back.",
            labels(&got),
            first.map_or("nothing".to_owned(), label),
            held_back(&r)
        );
    });
}

/// `receive` hands each message on with the sender, clock and payload it was sent with.
pub fn delivered_messages_are_as_sent() {
    on_clocks(|| {
        let mut a = node(0);
        let mut b = node(11);
        let a1 = send(&mut a, (0, 1));
        receive(&mut b, &a1);
        let b1 = send(&mut b, (11, 1));
        let b2 = send(&mut b, (11, 2));
        // Node 2 has sent a message of its own, so what it has delivered is not what
        // any of the three messages carries.
        let mut c = node(2);
        send(&mut c, (2, 1));
        let mut got = receive_wires(&mut c, &b2);
        got.extend(receive_wires(&mut c, &b1));
        got.extend(receive_wires(&mut c, &a1));
        let want = vec![a1.clone(), b1.clone(), b2.clone()];
        let show_all = |list: &[Wire]| -> String {
            let parts: Vec<String> = list
                .iter()
                .map(|w| {
                    format!(
                        "{} from n{} with {}",
                        label(w.payload),
                        w.sender,
                        show(&w.clock)
                    )
                })
                .collect();
            format!("[{}]", parts.join(", "))
        };
        assert!(
            got == want,
            "Node 11 delivers a1 and sends n11#1 and n11#2; node 2, which has sent a message \
             of its own, receives them last first, then a1, and delivers, in cascade, each message as it \
             was sent: {}. It handed on {}. A delivered message keeps its sender, its clock \
             and its payload: the store ranks writes by them.",
            show_all(&want),
            show_all(&got)
        );
    });
}

/// A message received twice is delivered once, whether it was delivered or held back,
/// and two messages are never taken for one another.
pub fn duplicates_are_dropped() {
    on_clocks(|| {
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
            "b delivers a1, then the network hands b a second copy of a1: b drops it \
             (delivered again, a store would apply a write twice). b delivered {} and holds \
             {held} back.",
            labels(&got)
        );
        receive(&mut b, &a3);
        receive(&mut b, &a3);
        let got = receive(&mut b, &a2);
        assert!(
            got == [(0, 2), (0, 3)],
            "b then receives a3 twice (held back both times: a2 is missing), then a2: b \
             delivers [a2, a3], each once; it delivered {}.",
            labels(&got)
        );
        let again: Vec<Id> = [&a1, &a2, &a3]
            .into_iter()
            .flat_map(|m| receive(&mut b, m))
            .collect();
        let held = held_back(&b);
        assert!(
            again.is_empty() && held == 0,
            "Copies of a1, a2 and a3 arriving once more are all duplicates: nothing is \
             delivered and nothing is held; b delivered {} and holds {held} back.",
            labels(&again)
        );
        let now = delivered(&b);
        assert!(
            now == [(0, 3)],
            "b has delivered 3 messages of a: {{n0: 3}}; it shows {}.",
            show(&now)
        );
        // Node 11's first message and node 1's eleventh: different messages, however
        // their sender and number are written side by side.
        let mut eleven = node(11);
        let first = send(&mut eleven, (11, 1));
        let mut one = node(1);
        let ones: Vec<Wire> = (1..=11).map(|k| send(&mut one, (1, k))).collect();
        let mut r = node(3);
        let mut got = receive(&mut r, &first);
        for m in &ones {
            got.extend(receive(&mut r, m));
        }
        got.extend(receive(&mut r, &first));
        let want: Vec<Id> = std::iter::once((11, 1))
            .chain((1..=11).map(|k| (1, k)))
            .collect();
        assert!(
            got == want,
            "Node 3 receives node 11's first message, then node 1's first eleven, then node \
             11's first again: it delivers each of the twelve messages once, {}. It \
             delivered {}. A message is its sender and its number, two numbers: n11's first \
             and n1's eleventh are not the same message.",
            labels(&want),
            labels(&got)
        );
    });
}
