//! A few checks to run while you work: `cargo test -p classification`. Each failure says
//! what was expected, what happened and which rule of the README it is about. The hidden
//! tests go much further (every combination of requirements, many PACELC settings, a
//! thousand generated histories compared with the test kit's checkers).
//!
//! Every test ends, whatever the code under test does: a test still running after
//! [`HANG`] of real time fails as a hang.

use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use classification::{
    Behaviour, Exactness, History, Latency, Level, Models, Operation, Order, Pacelc, Requirements,
    choose, classify, satisfies,
};

/// How long, in real time, a test may run before it is taken to hang. Each test takes
/// milliseconds (trying every order of eight operations included); this only turns an
/// endless loop into a failure that says so, rather than a `cargo test` that never ends.
const HANG: Duration = Duration::from_secs(20);

/// Runs `body` on a thread of its own, named after the test, and fails the test if it
/// has not ended within [`HANG`]. A panic in `body` fails the test with its own message.
fn ends<T: Send + 'static>(body: impl FnOnce() -> T + Send + 'static) -> T {
    let name = std::thread::current().name().unwrap_or("test").to_owned();
    let (done, finished) = std::sync::mpsc::channel();
    let worker = std::thread::Builder::new()
        .name(name.clone())
        .spawn(move || {
            let out = body();
            let _ = done.send(());
            out
        })
        .expect("a thread for the test");
    // A panic drops `done` without sending, which ends the wait at once as well.
    if let Err(RecvTimeoutError::Timeout) = finished.recv_timeout(HANG) {
        panic!(
            "{name} was still running after {HANG:?} of real time, though it takes \
             milliseconds: something loops without end (a fixpoint that never stops \
             growing, a search that revisits what it has tried)"
        );
    }
    worker
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// A use case of the README's table, with the level the framework picks and the rule
/// that picks it.
struct Case {
    name: &'static str,
    req: Requirements,
    level: Level,
    rule: &'static str,
}

fn case(
    name: &'static str,
    exactness: Exactness,
    order: Order,
    own_writes: bool,
    latency: Latency,
    level: Level,
    rule: &'static str,
) -> Case {
    Case {
        name,
        req: Requirements {
            exactness,
            order,
            own_writes,
            latency,
        },
        level,
        rule,
    }
}

/// The levels from the weakest up, for saying whether a choice is too weak or too strong.
fn strength(level: Level) -> usize {
    match level {
        Level::Eventual => 0,
        Level::ReadYourWrites => 1,
        Level::Causal => 2,
        Level::Sequential => 3,
        Level::Linearizable => 4,
    }
}

/// Asserts that `choose` picks each case's level, naming the rule when it does not.
fn picks(cases: &[Case]) {
    for c in cases {
        let got = choose(&c.req);
        let verdict = if strength(got) < strength(c.level) {
            "too weak: the use case sees something its requirements forbid"
        } else {
            "too strong: it spends latency and availability for nothing (choose.6)"
        };
        assert!(
            got == c.level,
            "{}: {} ({:?}) needs {:?}, but choose picked {got:?}, {verdict}. The rules are \
             tried in order, and the first that applies wins.",
            c.rule,
            c.name,
            c.req,
            c.level
        );
    }
}

#[test]
fn choose_exact_data_needs_linearizability_whatever_else() {
    ends(|| {
        use {Exactness::*, Latency::*, Order::*};
        picks(&[
            case(
                "a bank transfer",
                Exact,
                SameForEveryone,
                true,
                Sensitive,
                Level::Linearizable,
                "choose.1",
            ),
            case(
                "the last item in stock",
                Exact,
                Irrelevant,
                false,
                Sensitive,
                Level::Linearizable,
                "choose.1",
            ),
        ]);
    });
}

#[test]
fn choose_one_order_for_everyone() {
    ends(|| {
        use {Exactness::*, Latency::*, Order::*};
        picks(&[
            case(
                "a shared ledger that can wait",
                MayLag,
                SameForEveryone,
                false,
                Tolerant,
                Level::Sequential,
                "choose.2",
            ),
            case(
                "a live scoreboard",
                MayLag,
                SameForEveryone,
                false,
                Sensitive,
                Level::Sequential,
                "choose.2 and choose.3",
            ),
        ]);
    });
}

#[test]
fn choose_the_weakest_level_that_serves() {
    ends(|| {
        use {Exactness::*, Latency::*, Order::*};
        picks(&[
            case(
                "chat messages",
                MayLag,
                CauseBeforeEffect,
                true,
                Sensitive,
                Level::Causal,
                "choose.4",
            ),
            case(
                "a profile update",
                MayLag,
                Irrelevant,
                true,
                Sensitive,
                Level::ReadYourWrites,
                "choose.5",
            ),
            case(
                "social media likes",
                MayLag,
                Irrelevant,
                false,
                Sensitive,
                Level::Eventual,
                "choose.6",
            ),
            case(
                "a nightly report",
                MayLag,
                Irrelevant,
                false,
                Tolerant,
                Level::Eventual,
                "choose.6",
            ),
        ]);
    });
}

#[test]
fn pacelc_a_dynamo_style_store_is_pa_el() {
    ends(|| {
        let dynamo = Behaviour {
            cut_off_replica_answers: true,
            replicas: 3,
            write_acks: 1,
            read_replies: 1,
            reads_at_primary: false,
            atomic_quorums: false,
        };
        assert_eq!(
            classify(&dynamo),
            Pacelc::PaEl,
            "pacelc.1 and pacelc.4: a cut-off replica answers (PA), and with R + W = 2 <= N = \
             3 a read may ask only replicas the last write missed (EL)"
        );
        let riak = Behaviour {
            write_acks: 2,
            read_replies: 2,
            ..dynamo
        };
        assert_eq!(
            classify(&riak),
            Pacelc::PaEl,
            "pacelc.3 and pacelc.4: R + W = 4 > N = 3, but the quorums are sloppy (not \
             atomic), so a write may sit on fallback replicas no read asks (EL)"
        );
        let abd = Behaviour {
            atomic_quorums: true,
            ..riak
        };
        assert_eq!(
            classify(&abd),
            Pacelc::PaEc,
            "pacelc.3: atomic quorums with R + W = 4 > N = 3 never return a stale read (EC); \
             the cut-off replica still answers (PA)"
        );
    });
}

/// Asserts that `satisfies` gives `expected` for the history `ops`, drawn as `picture`
/// (a line per client).
fn judges(ops: Vec<Operation>, picture: &[&str], expected: Models, why: &str) {
    let history = History::from_ops(ops).expect("a history within the task's scope");
    let got = satisfies(&history);
    assert!(
        got == expected,
        "for the history\n{}\nsatisfies answered {got:?},\nbut expected {expected:?}.\n{why}",
        picture.join("\n")
    );
}

#[test]
fn histories_a_stale_read_is_sequential_but_not_linearizable() {
    ends(|| {
        judges(
            vec![
                Operation::write(0, 1, 0, 10),
                Operation::read(1, None, 20, 30),
            ],
            &["A  |--w(1)--|", "B              |--r()=nil--|"],
            Models {
                linearizable: false,
                sequential: true,
                causal: true,
                read_your_writes: true,
                eventual: true,
            },
            "histories.4: B's read starts after A's write returned, so in real time the write \
             comes first: not linearizable. histories.5: the order r, w(1) keeps each client's \
             order and explains both answers: sequential.",
        );
    });
}

#[test]
fn histories_missing_your_own_write_breaks_read_your_writes() {
    ends(|| {
        judges(
            vec![
                Operation::write(0, 1, 0, 10),
                Operation::read(0, Some(2), 20, 30),
            ],
            &["A  |--w(1)--| |--r()=2--|"],
            Models {
                linearizable: false,
                sequential: false,
                causal: false,
                read_your_writes: false,
                eventual: false,
            },
            "histories.10 and histories.12: nobody wrote 2, so the read breaks every model, \
             eventual included",
        );
    });
}

#[test]
fn histories_a_reply_seen_before_its_post_is_not_causal() {
    ends(|| {
        judges(
            vec![
                // Listed out of time order on purpose: a client's order is that of its calls.
                Operation::read(2, Some(1), 50, 60),
                Operation::write(0, 1, 0, 10),
                Operation::read(1, Some(1), 15, 25),
                Operation::write(1, 2, 30, 40),
                Operation::read(2, Some(2), 45, 48),
            ],
            &[
                "A  |--w(1)--|",
                "B             |--r()=1--| |--w(2)--|",
                "C                                     |-r()=2-| |--r()=1--|",
            ],
            Models {
                linearizable: false,
                sequential: false,
                causal: false,
                read_your_writes: true,
                eventual: true,
            },
            "histories.6 to histories.8: B read 1 before writing 2, so w(1) happens before \
             w(2), which happens before C's first read; C's second read returns 1, older than \
             a write in its causal past: not causal. histories.9: C wrote nothing, so \
             read-your-writes holds. histories.1: the operations come in no particular order.",
        );
    });
}
