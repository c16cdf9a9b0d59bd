//! Classifying histories, rule by rule: the chapter's examples, then for each clause of
//! the task a few hand-made histories on which a checker that skips that clause answers
//! wrong, whatever else it gets right. These run on every check, so a mistake they
//! target never depends on a lucky seed of the generated histories.
//!
//! Each expectation is also held against the test kit's checkers (`histories::expect`),
//! so a wrong expectation here stops as the suite's own mistake.

use crate::histories::{expect, models, r, w};

pub fn the_chapter_examples_are_classified() {
    expect(
        "a read that starts after a write finished returns the new value: every model holds",
        vec![w(0, 1, 0, 10), r(1, Some(1), 20, 30)],
        models(true, true, true, true, true),
    );
    expect(
        "a stale read: B reads nil after A's write of 1 finished. Not linearizable (real time), but sequential: B's read may be ordered before the write",
        vec![w(0, 1, 0, 10), r(1, None, 20, 30)],
        models(false, true, true, true, true),
    );
    expect(
        "A writes 1 and then reads nil: A misses its own write, which breaks read-your-writes and everything above it, though not eventual",
        vec![w(0, 1, 0, 10), r(0, None, 20, 30)],
        models(false, false, false, false, true),
    );
    expect(
        "a reply seen before its post: A posts 1, B reads it and replies 2, C reads the reply 2 and then the older 1. Causality broken; C wrote nothing, so read-your-writes holds",
        vec![
            w(0, 1, 0, 10),
            r(1, Some(1), 20, 30),
            w(1, 2, 40, 50),
            r(2, Some(2), 60, 70),
            r(2, Some(1), 80, 90),
        ],
        models(false, false, false, true, true),
    );
    expect(
        "concurrent writes seen in different orders: C sees 1 then 2, D sees 2 then 1. Causal (the writes are concurrent) but no single order explains both clients",
        vec![
            w(0, 1, 0, 10),
            w(1, 2, 1, 11),
            r(2, Some(1), 20, 30),
            r(2, Some(2), 40, 50),
            r(3, Some(2), 21, 31),
            r(3, Some(1), 41, 51),
        ],
        models(false, false, true, true, true),
    );
    expect(
        "a value from thin air: B reads 7, which nobody wrote. Even eventual consistency only returns written values",
        vec![w(0, 1, 0, 10), r(1, Some(7), 20, 30)],
        models(false, false, false, false, false),
    );
}

pub fn orders_of_all_operations() {
    expect(
        "two overlapping writes, A's called first, and a read after both that returns A's: overlapping operations may take effect in either order, so B's write goes first",
        vec![w(0, 1, 0, 20), w(1, 2, 5, 15), r(2, Some(1), 30, 40)],
        models(true, true, true, true, true),
    );
    expect(
        "two reads overlapping a write: B's returns the old nil, C's the new 1; each may take effect on either side of the write",
        vec![w(0, 1, 0, 20), r(1, None, 5, 15), r(2, Some(1), 6, 16)],
        models(true, true, true, true, true),
    );
    expect(
        "real time orders different clients: A writes 1, B writes 2 after that, and C, after both, reads 1. Not linearizable; sequential, since C may come between the writes",
        vec![w(0, 1, 0, 10), w(1, 2, 20, 30), r(2, Some(1), 40, 50)],
        models(false, true, true, true, true),
    );
    expect(
        "A writes 1 then 2; B reads 2 then 1. No order keeping A's order explains B, and B's second read misses a write in its causal past",
        vec![
            w(0, 1, 0, 10),
            w(0, 2, 20, 30),
            r(1, Some(2), 40, 50),
            r(1, Some(1), 60, 70),
        ],
        models(false, false, false, true, true),
    );
    expect(
        "B lags behind real time but never goes back: nil, then 1, then 2, all after A wrote 1 and 2. One order fits everyone: sequential",
        vec![
            w(0, 1, 0, 10),
            w(0, 2, 20, 30),
            r(1, None, 40, 50),
            r(1, Some(1), 60, 70),
            r(1, Some(2), 80, 90),
        ],
        models(false, true, true, true, true),
    );
    expect(
        "A writes 1 and reads B's 2; B writes 2 and reads A's 1: each saw the other's write last, which no single order allows, yet nothing causal is missed",
        vec![
            w(0, 1, 0, 10),
            r(0, Some(2), 20, 30),
            w(1, 2, 1, 11),
            r(1, Some(1), 21, 31),
        ],
        models(false, false, true, true, true),
    );
}

pub fn happens_before_and_stale_reads() {
    expect(
        "a chain of four clients: A writes 1; B reads it and writes 2; C reads 2 and writes 3; D reads 3 and then 1. Happens-before is transitive over every step, so D's last read misses 2 and 3",
        vec![
            w(0, 1, 0, 10),
            r(1, Some(1), 20, 30),
            w(1, 2, 40, 50),
            r(2, Some(2), 60, 70),
            w(2, 3, 80, 90),
            r(3, Some(3), 100, 110),
            r(3, Some(1), 120, 130),
        ],
        models(false, false, false, true, true),
    );
    expect(
        "B reads A's 1 and then nil: nil is stale against the write B already saw",
        vec![w(0, 1, 0, 10), r(1, Some(1), 20, 30), r(1, None, 40, 50)],
        models(false, false, false, true, true),
    );
    expect(
        "A writes 1 and B writes 2, concurrently; C reads 1, 2, 1. Neither write happens before the other, so no read is stale",
        vec![
            w(0, 1, 0, 10),
            w(1, 2, 1, 11),
            r(2, Some(1), 20, 30),
            r(2, Some(2), 40, 50),
            r(2, Some(1), 60, 70),
        ],
        models(false, false, true, true, true),
    );
    expect(
        "B's write of 1 finished before A wrote 2, and then A reads 1. Real time does not make 1 older: nothing orders the two writes by happens-before, so A's read is not stale",
        vec![w(1, 1, 0, 10), w(0, 2, 20, 30), r(0, Some(1), 40, 50)],
        models(false, true, true, true, true),
    );
    expect(
        "A reads B's 1, writes 2, and reads 1 again: 1 happens before A's own 2, so the last read is stale against A's own write",
        vec![
            w(1, 1, 0, 10),
            r(0, Some(1), 20, 30),
            w(0, 2, 40, 50),
            r(0, Some(1), 60, 70),
        ],
        models(false, false, false, false, true),
    );
    expect(
        "A writes 1, B then writes 2, and A reads 2: another client may overwrite your write, and every model holds",
        vec![w(0, 1, 0, 10), w(1, 2, 20, 30), r(0, Some(2), 40, 50)],
        models(true, true, true, true, true),
    );
}

pub fn thin_air_and_cycles() {
    expect(
        "B reads 0, which nobody wrote: a value from thin air breaks every model, even eventual",
        vec![w(0, 1, 0, 10), r(1, Some(0), 20, 30)],
        models(false, false, false, false, false),
    );
    expect(
        "A writes 1 and reads 5, which nobody wrote: a thin-air read breaks read-your-writes too",
        vec![w(0, 1, 0, 10), r(0, Some(5), 20, 30)],
        models(false, false, false, false, false),
    );
    expect(
        "A reads 1 and only then writes 1: A read its own future, a cycle in happens-before. Eventual still holds: 1 was written",
        vec![r(0, Some(1), 0, 10), w(0, 1, 20, 30)],
        models(false, false, false, false, true),
    );
    expect(
        "A reads 2 and then writes 1; B reads 1 and then writes 2: each read what the other wrote only later, a cycle through two clients",
        vec![
            r(0, Some(2), 0, 10),
            w(0, 1, 20, 30),
            r(10, Some(1), 0, 10),
            w(10, 2, 20, 30),
        ],
        models(false, false, false, false, true),
    );
    expect(
        "three clients in a circle: each reads the value the next one writes after its own read",
        vec![
            r(0, Some(3), 0, 10),
            w(0, 1, 20, 30),
            r(1, Some(1), 0, 10),
            w(1, 2, 20, 30),
            r(2, Some(2), 0, 10),
            w(2, 3, 20, 30),
        ],
        models(false, false, false, false, true),
    );
    expect(
        "A reads 1, which B writes only later: no cycle (B never read anything), so causal and sequential hold, and a later write is still a written value for eventual",
        vec![r(0, Some(1), 0, 10), w(1, 1, 20, 30)],
        models(false, true, true, true, true),
    );
}

pub fn the_edges_of_the_scope() {
    expect(
        "the empty history: every model holds",
        vec![],
        models(true, true, true, true, true),
    );
    expect(
        "one write alone",
        vec![w(3, 5, 0, 10)],
        models(true, true, true, true, true),
    );
    expect(
        "one read of nil alone",
        vec![r(3, None, 0, 10)],
        models(true, true, true, true, true),
    );
    expect(
        "listed out of time order: client 0's read of nil is listed first, but it was called after client 0's write of 1 returned",
        vec![r(0, None, 20, 30), w(0, 1, 0, 10)],
        models(false, false, false, false, true),
    );
    expect(
        "the reply seen before its post, listed backwards",
        vec![
            r(2, Some(1), 80, 90),
            r(2, Some(2), 60, 70),
            w(1, 2, 40, 50),
            r(1, Some(1), 20, 30),
            w(0, 1, 0, 10),
        ],
        models(false, false, false, true, true),
    );
    expect(
        "A's write returns at tick 10, the very tick B's read of nil is called: the return comes first, so the read is stale in real time",
        vec![w(0, 1, 0, 10), r(1, None, 10, 20)],
        models(false, true, true, true, true),
    );
    expect(
        "four operations at tick 10: A's write of 1 returns, B's and C's reads and D's write of 2 are called. B's nil is stale in real time",
        vec![
            w(0, 1, 0, 10),
            r(1, None, 10, 20),
            r(2, Some(1), 10, 20),
            w(3, 2, 10, 20),
        ],
        models(false, true, true, true, true),
    );
    expect(
        "four operations at tick 10 again, now B reads 1 and C reads 2: A's write, B's read, D's write, C's read is an order in real time",
        vec![
            w(0, 1, 0, 10),
            r(1, Some(1), 10, 20),
            r(2, Some(2), 10, 20),
            w(3, 2, 10, 20),
        ],
        models(true, true, true, true, true),
    );
    expect(
        "one client, one operation right after the other at tick 10: A writes 1, then reads nil",
        vec![w(0, 1, 0, 10), r(0, None, 10, 20)],
        models(false, false, false, false, true),
    );
    expect(
        "zero is a value, not nil: A writes 0, and after that B reads nil",
        vec![w(0, 0, 0, 10), r(1, None, 20, 30)],
        models(false, true, true, true, true),
    );
    expect(
        "zero is a value, not nil: A reads 0 before B writes 0",
        vec![r(0, Some(0), 0, 10), w(1, 0, 20, 30)],
        models(false, true, true, true, true),
    );
    expect(
        "negative and extreme values: A writes -1; B writes the largest i64; C reads it and writes the smallest; A reads the smallest and then its own -1 again",
        vec![
            w(0, -1, 0, 10),
            w(1, i64::MAX, 20, 30),
            r(2, Some(i64::MAX), 40, 50),
            w(2, i64::MIN, 60, 70),
            r(0, Some(i64::MIN), 80, 90),
            r(0, Some(-1), 100, 110),
        ],
        models(false, false, true, true, true),
    );
    expect(
        "clients 10, 42 and 1000: the reply seen before its post",
        vec![
            w(10, 1, 0, 10),
            r(42, Some(1), 20, 30),
            w(42, 2, 40, 50),
            r(1000, Some(2), 60, 70),
            r(1000, Some(1), 80, 90),
        ],
        models(false, false, false, true, true),
    );
    expect(
        "clients 11 and 99: client 99 writes 5 and later reads nil, while client 11 saw 5",
        vec![w(99, 5, 0, 10), r(11, Some(5), 20, 30), r(99, None, 40, 50)],
        models(false, false, false, false, true),
    );
    expect(
        "times at the far end of the clock: A's write returns at the very tick B's read of nil is called",
        vec![
            w(0, 1, u64::MAX - 20, u64::MAX - 10),
            r(1, None, u64::MAX - 10, u64::MAX),
        ],
        models(false, true, true, true, true),
    );
    expect(
        "eight operations, the most in scope: four clients each write and then read the previous client's value",
        vec![
            w(0, 1, 0, 10),
            r(0, Some(4), 20, 30),
            w(1, 2, 0, 10),
            r(1, Some(1), 20, 30),
            w(2, 3, 0, 10),
            r(2, Some(2), 20, 30),
            w(3, 4, 0, 10),
            r(3, Some(3), 20, 30),
        ],
        models(false, false, true, true, true),
    );
}
