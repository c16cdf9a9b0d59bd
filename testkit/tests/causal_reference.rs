//! The causal checker against a reference that computes the definitions the slow way
//! (`causal_support::reference`), on thousands of small random histories: every check
//! must find exactly the thin-air reads, the cycle and the stale reads the reference
//! finds, and its evidence must end at the read it blames.

mod causal_support;

use std::collections::BTreeSet;

use causal_support::reference::{self, Found};
use testkit::check::causal::{AllSessions, Causal, Guarantee, Session};
use testkit::check::{ConsistencyCheck, Violation};
use testkit::history::{History, OpId};

const SEEDS: u64 = 4000;

/// What the checker's list of violations says, in the reference's terms.
fn found(h: &History, violations: &[Violation], structural: &str) -> Found {
    let mut f = Found {
        thin_air: BTreeSet::new(),
        cycle: false,
        stale: BTreeSet::new(),
    };
    for v in violations {
        let ops = v.ops();
        if v.summary.contains("circle") {
            f.cycle = true;
        } else if v.summary.contains("no operation wrote that value") {
            assert_eq!(v.broken, structural);
            f.thin_air.insert(ops[0]);
        } else {
            let read: OpId = *ops.last().expect("evidence names the read");
            assert!(
                v.summary.contains(&format!("at op {read}")),
                "{}\n{}",
                v.summary,
                v.explain(h)
            );
            f.stale.insert(read);
        }
    }
    f
}

/// A check as the reference names it, its violations and the check itself.
type Run = (Option<Guarantee>, Vec<Violation>, Box<dyn ConsistencyCheck>);

fn compare(h: &History, seed: u64, name: &str) {
    let checks: Vec<Run> = vec![
        (None, Causal.violations(h).unwrap(), Box::new(Causal)),
        (
            Some(Guarantee::ReadYourWrites),
            Session(Guarantee::ReadYourWrites).violations(h).unwrap(),
            Box::new(Session(Guarantee::ReadYourWrites)),
        ),
        (
            Some(Guarantee::MonotonicReads),
            Session(Guarantee::MonotonicReads).violations(h).unwrap(),
            Box::new(Session(Guarantee::MonotonicReads)),
        ),
        (
            Some(Guarantee::MonotonicWrites),
            Session(Guarantee::MonotonicWrites).violations(h).unwrap(),
            Box::new(Session(Guarantee::MonotonicWrites)),
        ),
        (
            Some(Guarantee::WritesFollowReads),
            Session(Guarantee::WritesFollowReads).violations(h).unwrap(),
            Box::new(Session(Guarantee::WritesFollowReads)),
        ),
    ];
    for (guarantee, violations, check) in checks {
        let structural = check.name();
        let got = found(h, &violations, structural);
        let want = reference::check(h, guarantee);
        assert_eq!(got, want, "{name} seed {seed}, {structural}:\n{h:?}");
        let first = check.check(h).unwrap();
        assert_eq!(first.violation(), violations.first(), "{name} seed {seed}");
    }
    // All four guarantees at once list the stale reads of each, guarantee by guarantee.
    let stale = |vs: Vec<Violation>| -> Vec<(String, Vec<OpId>)> {
        vs.into_iter()
            .filter(|v| !v.summary.contains("circle") && !v.summary.contains("nobody wrote"))
            .filter(|v| !v.summary.contains("no operation wrote that value"))
            .map(|v| (v.broken.clone(), v.ops()))
            .collect()
    };
    let each: Vec<_> = Guarantee::ALL
        .into_iter()
        .flat_map(|g| stale(Session(g).violations(h).unwrap()))
        .collect();
    assert_eq!(
        stale(AllSessions.violations(h).unwrap()),
        each,
        "{name} seed {seed}"
    );
}

#[test]
fn every_check_agrees_with_the_reference_on_random_histories() {
    let mut stale = 0;
    for seed in 0..SEEDS {
        let h = causal_support::arbitrary(seed);
        compare(&h, seed, "arbitrary");
        stale += usize::from(!reference::check(&h, None).stale.is_empty());
    }
    // Enough of them break causal consistency for the comparison to mean something.
    assert!(stale > SEEDS as usize / 4, "{stale}");
}

#[test]
fn every_check_agrees_with_the_reference_on_lagging_stores() {
    for seed in 0..300 {
        let cfg = causal_support::StoreConfig {
            clients: 1 + seed as u32 % 6,
            ops: 30 + seed as usize % 40,
            keys: 1 + seed as usize % 3,
            unknown: 0.1,
            lag: 10,
            seed,
            ..Default::default()
        };
        let h = causal_support::store(&cfg);
        compare(&h, seed, "store");
        assert!(reference::check(&h, None).stale.is_empty(), "seed {seed}");
        if let Some(bad) = causal_support::plant_stale_read(&h) {
            compare(&bad, seed, "planted");
            assert!(
                !reference::check(&bad, None).stale.is_empty(),
                "seed {seed}"
            );
        }
    }
}

/// Long-running stores with many clients that are often replaced (every operation of
/// unknown outcome starts a new client): the checker hands chains from client to client
/// there, which short histories rarely exercise.
#[test]
fn every_check_agrees_with_the_reference_on_stores_with_many_short_lived_clients() {
    let seeds: u64 = std::env::var("CAUSAL_REFERENCE_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    let mut stale = 0;
    for seed in 0..seeds {
        let cfg = causal_support::StoreConfig {
            clients: 3 + seed as u32 % 10,
            ops: 120 + seed as usize % 60,
            keys: 1 + seed as usize % 4,
            unknown: 0.15 + (seed % 3) as f64 * 0.1,
            lag: 5 + seed as usize % 40,
            seed: 1000 + seed,
            ..Default::default()
        };
        let h = causal_support::store(&cfg);
        compare(&h, seed, "long store");
        if let Some(bad) = causal_support::plant_stale_read(&h) {
            compare(&bad, seed, "long planted");
        }
        let share = [0.01, 0.05, 0.2][seed as usize % 3];
        let corrupted = causal_support::corrupt(&h, share, seed);
        compare(&corrupted, seed, "long corrupted");
        stale += usize::from(!reference::check(&corrupted, None).stale.is_empty());
    }
    assert!(stale > seeds as usize / 3, "{stale}");
}
