//! Vector clocks: zero for missing entries, the partial order, merge and display.

use std::collections::BTreeMap;

use causal::VectorClock;
use causal_given::Order;
use testkit::rng::Rng;

use crate::observe::{clock, compare, get, increment, listed, show};

/// How many seeds each randomized test runs, from the suite's seed on.
pub const SEEDS: u64 = 100;

/// A random clock over nodes 0..4 with small counters, so that ties, zeros and missing
/// entries are common. Returns the clock and the entries it was built from.
fn random_clock(rng: &mut Rng) -> (VectorClock, BTreeMap<usize, u64>) {
    let mut entries = BTreeMap::new();
    for node in 0..4 {
        if rng.chance(0.7) {
            entries.insert(node, rng.below(3));
        }
    }
    let list: Vec<(usize, u64)> = entries.iter().map(|(&n, &c)| (n, c)).collect();
    (clock(&list), entries)
}

/// The order of two clocks, computed from their entries.
fn expected(a: &BTreeMap<usize, u64>, b: &BTreeMap<usize, u64>) -> Order {
    let at = |m: &BTreeMap<usize, u64>, n: usize| m.get(&n).copied().unwrap_or(0);
    let less = (0..4).any(|n| at(a, n) < at(b, n));
    let greater = (0..4).any(|n| at(a, n) > at(b, n));
    match (less, greater) {
        (false, false) => Order::Equal,
        (true, false) => Order::Before,
        (false, true) => Order::After,
        (true, true) => Order::Concurrent,
    }
}

/// A clock with no entry for a node reads zero there, and increments from zero.
pub fn missing_entries_count_as_zero() {
    let mut fresh = VectorClock::new();
    for node in [0, 3, 7] {
        let got = get(&fresh, node);
        assert!(
            got == 0,
            "A new clock has seen no event of any node: get({node}) must be 0, it is {got}."
        );
    }
    let first = increment(&mut fresh, 3);
    let second = increment(&mut fresh, 3);
    let now = (get(&fresh, 3), get(&fresh, 0));
    assert!(
        (first, second, now.0, now.1) == (1, 2, 2, 0),
        "increment(3) twice on a new clock returns 1 then 2 and leaves get(3) = 2, get(0) = 0; \
         got {first}, {second}, get(3) = {}, get(0) = {}.",
        now.0,
        now.1
    );
    let zeros = clock(&[(0, 0), (5, 0)]);
    let got = compare(&zeros, &VectorClock::new());
    assert!(
        got == Order::Equal,
        "{{n0: 0, n5: 0}} compared with the empty clock: a missing entry counts as zero, so \
         the two are Equal; compare said {got:?}."
    );
    let one = clock(&[(2, 1)]);
    let got = compare(&VectorClock::new(), &one);
    assert!(
        got == Order::Before,
        "The empty clock compared with {{n2: 1}}: the empty clock's n2 entry is a missing 0, \
         below 1, and nothing is above, so it is Before; compare said {got:?}."
    );
}

/// Random pairs of clocks: compare must agree with the definition, both ways round.
pub fn comparison_is_the_happened_before_order() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let mut rng = Rng::new(seed ^ 0xC10C);
        for _ in 0..50 {
            let (a, ea) = random_clock(&mut rng);
            let (b, eb) = random_clock(&mut rng);
            for (x, y, ex, ey) in [(&a, &b, &ea, &eb), (&b, &a, &eb, &ea)] {
                let want = expected(ex, ey);
                let got = compare(x, y);
                assert!(
                    got == want,
                    "{ex:?}.compare({ey:?}) (node -> counter; missing entries are 0) must be \
                     {want:?}, it is {got:?} (seed {seed}).\n\
                     Before: every entry <= the other's and at least one <; After: the mirror \
                     image; Equal: all entries equal; Concurrent: each has an entry larger \
                     than the other's. Comparing entry by entry like words in a dictionary (a \
                     derived Ord) orders clocks that are concurrent, and using < where <= is \
                     needed calls clocks with a shared entry concurrent."
                );
            }
        }
    }
}

/// Merging takes, entry by entry, the larger counter, and counts no event itself.
pub fn merge_keeps_the_larger_entry() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let mut rng = Rng::new(seed ^ 0x3E6);
        let (mut a, ea) = random_clock(&mut rng);
        let (b, eb) = random_clock(&mut rng);
        a.merge(&b);
        let mut want_entries = Vec::new();
        for node in 0..5 {
            let want = ea
                .get(&node)
                .copied()
                .unwrap_or(0)
                .max(eb.get(&node).copied().unwrap_or(0));
            let got = get(&a, node);
            assert!(
                got == want,
                "Merging {eb:?} into {ea:?} (node -> counter) keeps the larger entry of each \
                 node: n{node} must be {want}, it is {got} (seed {seed})."
            );
            if want > 0 {
                want_entries.push((node, want));
            }
        }
        let got = listed(&a);
        assert!(
            got == want_entries,
            "Merging {eb:?} into {ea:?} (node -> counter): entries() lists the nodes with a \
             counter above zero, in node order, so {}; it lists {got:?} (seed {seed}).",
            show(&want_entries)
        );
        let after = compare(&a, &b);
        assert!(
            matches!(after, Order::After | Order::Equal),
            "A clock merged with {eb:?} has seen everything that clock saw, so it compares \
             After or Equal to it; it compared {after:?} (seed {seed})."
        );
    }
}

/// The display names each node with a counter above zero, in node order. This is the one
/// test that reads a trait impl of the student's: the `Display` is what it grades.
pub fn display_is_readable() {
    let cases = [
        (VectorClock::new(), "{}"),
        (clock(&[(2, 1), (0, 3)]), "{n0: 3, n2: 1}"),
        (clock(&[(1, 0), (4, 12)]), "{n4: 12}"),
    ];
    for (shown, want) in cases {
        let got: String = format!("{shown}");
        assert!(
            got == want,
            "A clock displays as {want}: the nodes with a counter above zero as `nN: count`, \
             in node order, separated by \", \", in braces. It displayed as {got}."
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
