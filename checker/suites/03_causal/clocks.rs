//! Vector clocks: zero for missing entries, the partial order, merge, entries, total and
//! display.
//!
//! Every test here is exhaustive or hand-built rather than random: every clock over three
//! nodes (one of them with a two-digit id) with counters 0 to 2, each built once with its
//! zero entries written out and once without, compared and merged with every other. That
//! is 54 clocks and every pair of them, both ways round, in a few milliseconds, and a
//! mistake in `compare` or `merge` shows on the first run, never on a lucky seed.

use causal::VectorClock;
use causal_given::Order;

use crate::blame::Upstream;
use crate::observe::{Entries, clock, compare, get, increment, listed, set, show, total};

/// The clocks task, for the tests of tasks that count with the student's clock.
pub const UPSTREAM: Upstream = Upstream {
    task: "clocks",
    why: "Your CausalBroadcast, and your replica, count with your VectorClock: a clock \
          that miscounts makes them go wrong too.",
    tests: &[
        (
            "clocks::missing_entries_count_as_zero",
            missing_entries_count_as_zero,
        ),
        (
            "clocks::comparison_is_the_happened_before_order",
            comparison_is_the_happened_before_order,
        ),
        (
            "clocks::merge_keeps_the_larger_entry",
            merge_keeps_the_larger_entry,
        ),
        (
            "clocks::entries_list_the_counters_in_node_order",
            entries_list_the_counters_in_node_order,
        ),
    ],
};

/// The nodes of the exhaustive clocks: a two-digit id among them, so that an order of
/// ids as text (`"10" < "2"`) or a clock sized for single digits shows.
const NODES: [usize; 3] = [1, 2, 10];

/// Every clock over [`NODES`] with counters 0 to 2: its counters, node by node, and the
/// entries it is built from. Each counter vector comes twice, once with its zeros
/// written out (`(2, 0)`) and once without, since both mean the same clock.
fn every_clock() -> Vec<([u64; 3], Entries)> {
    let mut all = Vec::new();
    for code in 0..27u64 {
        let counts = [code % 3, code / 3 % 3, code / 9];
        let with_zeros: Entries = NODES.iter().copied().zip(counts).collect();
        let without: Entries = with_zeros.iter().copied().filter(|&(_, c)| c > 0).collect();
        all.push((counts, with_zeros));
        all.push((counts, without));
    }
    all
}

/// The order of two counter vectors, from the definition.
fn expected(a: [u64; 3], b: [u64; 3]) -> Order {
    let less = a.iter().zip(&b).any(|(x, y)| x < y);
    let greater = a.iter().zip(&b).any(|(x, y)| x > y);
    match (less, greater) {
        (false, false) => Order::Equal,
        (true, false) => Order::Before,
        (false, true) => Order::After,
        (true, true) => Order::Concurrent,
    }
}

/// The README's way of writing the clock with these counters.
fn written(counts: [u64; 3]) -> String {
    let entries: Entries = NODES
        .iter()
        .copied()
        .zip(counts)
        .filter(|&(_, c)| c > 0)
        .collect();
    show(&entries)
}

/// A clock with no entry for a node reads zero there, whatever the node's id, and
/// increments from zero.
pub fn missing_entries_count_as_zero() {
    let mut fresh = VectorClock::new();
    for node in [0, 3, 7, 10, 42, 1000] {
        let got = get(&fresh, node);
        assert!(
            got == 0,
            "A new clock has seen no event of any node: get({node}) must be 0, it is {got}. \
             A clock never needs to know the size of the cluster, so any node id works."
        );
    }
    let first = increment(&mut fresh, 10);
    let second = increment(&mut fresh, 10);
    let third = increment(&mut fresh, 3);
    let now = (get(&fresh, 10), get(&fresh, 3), get(&fresh, 0));
    assert!(
        (first, second, third, now) == (1, 2, 1, (2, 1, 0)),
        "increment(10) twice, then increment(3), on a new clock returns 1, 2, then 1, and \
         leaves get(10) = 2, get(3) = 1, get(0) = 0; got {first}, {second}, {third}, then \
         get(10) = {}, get(3) = {}, get(0) = {}.",
        now.0,
        now.1,
        now.2
    );
    let cases = [
        (clock(&[(0, 0), (5, 0)]), VectorClock::new(), Order::Equal),
        (VectorClock::new(), clock(&[(2, 1)]), Order::Before),
        (clock(&[(12, 1)]), clock(&[(12, 1), (3, 0)]), Order::Equal),
        (
            clock(&[(12, 1), (3, 0)]),
            clock(&[(3, 1)]),
            Order::Concurrent,
        ),
    ];
    let names = [
        "{n0: 0, n5: 0} and the empty clock",
        "the empty clock and {n2: 1}",
        "{n12: 1} and {n12: 1, n3: 0}",
        "{n12: 1, n3: 0} and {n3: 1}",
    ];
    for ((a, b, want), name) in cases.iter().zip(names) {
        let got = compare(a, b);
        assert!(
            got == *want,
            "Comparing {name}: a missing entry counts as zero, so the answer is {want:?}; \
             compare said {got:?}."
        );
    }
}

/// Every pair of small clocks, both ways round: compare must agree with the definition.
pub fn comparison_is_the_happened_before_order() {
    let clocks = every_clock();
    for (ca, ea) in &clocks {
        for (cb, eb) in &clocks {
            let (a, b) = (clock(ea), clock(eb));
            let want = expected(*ca, *cb);
            let got = compare(&a, &b);
            if got != want {
                suite_harness::fail(format!(
                    "{}.compare({}) must be {want:?}, it is {got:?} (the first clock built \
                     from the entries {ea:?}, the second from {eb:?}).\n{}",
                    written(*ca),
                    written(*cb),
                    why_not(*ca, *cb, got)
                ));
            }
        }
    }
}

/// Which known mistake gives `got` for this pair, recomputed from the clocks themselves;
/// a general reminder of the definition when none does.
fn why_not(a: [u64; 3], b: [u64; 3], got: Order) -> &'static str {
    let named = |c: [u64; 3]| -> Vec<usize> { (0..3).filter(|&i| c[i] > 0).collect() };
    let on = |nodes: &[usize]| {
        let pick = |c: [u64; 3]| -> Vec<u64> { nodes.iter().map(|&i| c[i]).collect() };
        let (x, y) = (pick(a), pick(b));
        let less = x.iter().zip(&y).any(|(p, q)| p < q);
        let greater = x.iter().zip(&y).any(|(p, q)| p > q);
        match (less, greater) {
            (false, false) => Order::Equal,
            (true, false) => Order::Before,
            (false, true) => Order::After,
            (true, true) => Order::Concurrent,
        }
    };
    // A derived Ord on the listed entries: (node, count) pairs compared in turn.
    let listed = |c: [u64; 3]| -> Vec<(usize, u64)> {
        named(c).into_iter().map(|i| (NODES[i], c[i])).collect()
    };
    let dictionary = match listed(a).cmp(&listed(b)) {
        std::cmp::Ordering::Less => Order::Before,
        std::cmp::Ordering::Greater => Order::After,
        std::cmp::Ordering::Equal => Order::Equal,
    };
    let strict = if a.iter().zip(&b).all(|(x, y)| x < y) {
        Order::Before
    } else if a.iter().zip(&b).all(|(x, y)| x > y) {
        Order::After
    } else if a == b {
        Order::Equal
    } else {
        Order::Concurrent
    };
    if got == dictionary {
        "That is the answer of a dictionary order: entries compared one after the other, \
         as a derived Ord does. The order is partial: when each clock has an entry larger \
         than the other's, the two are Concurrent."
    } else if got == strict {
        "That is the answer of \"every entry <\": happened-before is \"every entry <= and \
         at least one <\", so clocks that share an entry can still be ordered."
    } else if got == on(&named(a)) || got == on(&named(b)) {
        "That is the answer of looking only at the nodes one of the clocks names: look at \
         every node either clock names, a missing entry counting as 0."
    } else {
        "Before: every entry <= the other's and at least one <; After: the mirror image; \
         Equal: every entry the same, a missing entry counting as 0; Concurrent: each has an \
         entry larger than the other's."
    }
}

/// Merging takes, entry by entry, the larger counter, and counts no event itself.
pub fn merge_keeps_the_larger_entry() {
    let clocks = every_clock();
    for (ca, ea) in &clocks {
        for (cb, eb) in &clocks {
            let mut a = clock(ea);
            let b = clock(eb);
            a.merge(&b);
            let mut want: [u64; 3] = [0; 3];
            for i in 0..3 {
                want[i] = ca[i].max(cb[i]);
            }
            let got: Vec<u64> = NODES.iter().map(|&n| get(&a, n)).collect();
            if got != want {
                suite_harness::fail(format!(
                    "Merging {} into {} keeps the larger entry of each node and counts no \
                     event of its own, so it gives {}; get() then reads {got:?} for nodes \
                     {NODES:?}.",
                    written(*cb),
                    written(*ca),
                    written(want)
                ));
            }
            let order = compare(&a, &b);
            if !matches!(order, Order::After | Order::Equal) {
                suite_harness::fail(format!(
                    "{} merged with {} has seen everything that clock has, so it compares \
                     After or Equal to it; it compared {order:?}.",
                    written(*ca),
                    written(*cb)
                ));
            }
        }
    }
}

/// `entries` lists the counters above zero in node order, `from_entries` and `set` build
/// what they are given, and `total` is the sum of the counters.
pub fn entries_list_the_counters_in_node_order() {
    let mut c = clock(&[(10, 1), (2, 3), (100, 2), (2, 5)]);
    let want = vec![(2, 5), (10, 1), (100, 2)];
    let got = listed(&c);
    assert!(
        got == want,
        "from_entries([(10, 1), (2, 3), (100, 2), (2, 5)]) is {}: n2 is listed twice and \
         keeps its last counter, and entries() lists nodes in node order, n2 before n10 \
         before n100. entries() listed {got:?}.",
        show(&want)
    );
    let sum = total(&c);
    assert!(
        sum == 8,
        "The total of {} is the sum of its counters, 8; total() said {sum}.",
        show(&want)
    );
    set(&mut c, 10, 0);
    set(&mut c, 7, 4);
    let want = vec![(2, 5), (7, 4), (100, 2)];
    let (got, sum) = (listed(&c), total(&c));
    assert!(
        got == want && sum == 11,
        "After set(10, 0) and set(7, 4), the clock is {} with total 11: a counter set to 0 \
         is no entry at all, and entries() lists only counters above zero. entries() \
         listed {got:?} and total() said {sum}.",
        show(&want)
    );
    let empty = VectorClock::new();
    let (got, sum) = (listed(&empty), total(&empty));
    assert!(
        got.is_empty() && sum == 0,
        "A new clock lists no entry and totals 0; it listed {got:?} and totalled {sum}."
    );
    let mut grown = VectorClock::new();
    for node in [11, 4, 11, 0] {
        increment(&mut grown, node);
    }
    let want = vec![(0, 1), (4, 1), (11, 2)];
    let (got, sum) = (listed(&grown), total(&grown));
    assert!(
        got == want && sum == 4,
        "increment(11), increment(4), increment(11), increment(0) on a new clock give {} \
         with total 4 (4 events); entries() listed {got:?} and total() said {sum}.",
        show(&want)
    );
}

/// The display names each node with a counter above zero, in node order. This is the one
/// test that reads a trait impl of the student's: the `Display` is what it grades.
pub fn display_is_readable() {
    let cases = [
        (VectorClock::new(), "{}"),
        (clock(&[(2, 1), (0, 3)]), "{n0: 3, n2: 1}"),
        (clock(&[(1, 0), (4, 12)]), "{n4: 12}"),
        (clock(&[(10, 3), (2, 1)]), "{n2: 1, n10: 3}"),
        (
            clock(&[(11, 2), (9, 1), (10, 1)]),
            "{n9: 1, n10: 1, n11: 2}",
        ),
    ];
    for (shown, want) in cases {
        let got: String = format!("{shown}");
        assert!(
            got == want,
            "A clock displays as {want}: the nodes with a counter above zero as `nN: count`, \
             in node order (n2 before n10: numbers, not text), separated by \", \", in \
             braces. It displayed as {got}."
        );
    }
    let mut grown = VectorClock::new();
    increment(&mut grown, 1);
    increment(&mut grown, 1);
    grown.merge(&clock(&[(0, 1)]));
    let got: String = format!("{grown}");
    assert!(
        got == "{n0: 1, n1: 2}",
        "After increment(1) twice and a merge with {{n0: 1}} the clock displays as \
         {{n0: 1, n1: 2}}; it displayed as {got}."
    );
}
