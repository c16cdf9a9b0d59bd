//! Task `register`: concurrent clients on one register, recorded under paused time.
//!
//! The store and the values it holds are the course's (`linearizable_given`), named from
//! there so that a register made on a look-alike store does not compile here; one that
//! keeps its state away from the store it is given fails `state_is_kept_in_the_store`.
//! The register is the student's: it is observed only through what its methods return,
//! compared field by field, and shared between clients through an `Arc`, so no verdict
//! depends on a trait it implements. Histories are recorded here, from what the calls
//! returned.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use linearizable::Register;
use linearizable_given::{Store, Versioned};
use testkit::check::ConsistencyCheck;
use testkit::check::linearizable::Linearizable;
use testkit::history::record::Recorder;
use testkit::history::{Action, History, Value};
use testkit::model::ModelKind;
use testkit::report::CheckReport;
use testkit::rng::Rng;

const CLIENTS: u32 = 5;
const OPS: u32 = 12;

/// What one update returned, for the version checks.
#[derive(Clone, Debug)]
struct Update {
    client: u32,
    value: i64,
    version: u64,
    call: Duration,
    ret: Duration,
}

/// One seed's run: the history, every successful update, every read, and what the
/// store held once every client was done.
struct Run {
    history: History,
    updates: Vec<Update>,
    reads: Vec<(u32, Versioned)>,
    last: Versioned,
}

/// Runs `CLIENTS` tasks doing random reads, writes and swaps with random pauses. With
/// `observe`, one more client, number `CLIENTS`, reads the store itself (not through the
/// register) at random moments, and its loads are reads of the same history.
fn run(seed: u64, observe: bool) -> Run {
    suite_harness::block_on_paused(async move {
        let store = Store::new(seed ^ 0x5EED);
        // Shared through an `Arc` rather than cloned: what a clone of the register is
        // would be the student's `Clone` to decide (`clones_share_the_register` checks
        // that promise on its own).
        let register = Arc::new(Register::new(store.clone()));
        let recorder = Recorder::new();
        let start = tokio::time::Instant::now();
        let mut tasks = Vec::new();
        let mut rng = Rng::new(seed);
        for client in 0..CLIENTS {
            let register = Arc::clone(&register);
            let recorder = recorder.clone();
            let mut rng = rng.fork();
            tasks.push(tokio::spawn(async move {
                let mut updates = Vec::new();
                let mut reads = Vec::new();
                let mut last_seen: Option<i64> = None;
                for i in 0..OPS {
                    // Unique values: client * 1000 + i + 1.
                    let value = i64::from(client) * 1000 + i64::from(i) + 1;
                    let call = start.elapsed();
                    match rng.below(3) {
                        0 => {
                            let op = recorder.call(client, Action::Read);
                            let seen = register.read().await;
                            op.read(seen.value.map(Value::Int));
                            last_seen = seen.value;
                            reads.push((client, seen));
                        }
                        1 => {
                            let op = recorder.call(client, Action::Write(Value::Int(value)));
                            let version = register.write(value).await;
                            op.done();
                            let ret = start.elapsed();
                            updates.push(Update {
                                client,
                                value,
                                version,
                                call,
                                ret,
                            });
                        }
                        _ => {
                            let expected = if rng.chance(0.2) { None } else { last_seen };
                            let action = Action::Cas {
                                from: expected.map(Value::Int),
                                to: Value::Int(value),
                            };
                            let op = recorder.call(client, action);
                            let result = register.compare_and_swap(expected, value).await;
                            op.swapped(result.is_ok());
                            match result {
                                Ok(version) => {
                                    let ret = start.elapsed();
                                    updates.push(Update {
                                        client,
                                        value,
                                        version,
                                        call,
                                        ret,
                                    });
                                }
                                Err(held) => last_seen = held.value,
                            }
                        }
                    }
                    match rng.below(3) {
                        0 => tokio::task::yield_now().await,
                        1 => tokio::time::sleep(Duration::from_millis(rng.below(3))).await,
                        _ => {}
                    }
                }
                (updates, reads)
            }));
        }
        let observer = observe.then(|| {
            let (store, recorder, mut rng) = (store.clone(), recorder.clone(), rng.fork());
            tokio::spawn(async move {
                for _ in 0..OPS {
                    tokio::time::sleep(Duration::from_millis(rng.below(4))).await;
                    let op = recorder.call(CLIENTS, Action::Read);
                    let held = store.load().await;
                    op.read(held.value.map(Value::Int));
                }
            })
        });
        let mut updates = Vec::new();
        let mut reads = Vec::new();
        for task in tasks {
            match task.await {
                Ok((u, r)) => {
                    updates.extend(u);
                    reads.extend(r);
                }
                Err(error) => std::panic::resume_unwind(error.into_panic()),
            }
        }
        if let Some(task) = observer
            && let Err(error) = task.await
        {
            std::panic::resume_unwind(error.into_panic());
        }
        let last = store.load().await;
        let history = match recorder.history() {
            Ok(history) => history,
            Err(error) => {
                suite_harness::fail(format!("the recorded history is malformed: {error}"))
            }
        };
        Run {
            history,
            updates,
            reads,
            last,
        }
    })
}

/// Fails with `advice` and the checker's evidence unless `history` is linearizable as
/// a compare-and-swap register.
fn linearizable(history: &History, seed: u64, scenario: &str, advice: &str) {
    let verdict = match Linearizable::new(ModelKind::CasRegister).check(history) {
        Ok(verdict) => verdict,
        Err(error) => suite_harness::fail(format!(
            "seed {seed}: the checker refused the history: {error}"
        )),
    };
    if let Some(violation) = verdict.violation() {
        let report = CheckReport::new(
            format!("{scenario} (seed {seed})"),
            "linearizability",
            history,
            Some(ModelKind::CasRegister),
            &verdict,
        );
        suite_harness::attach("check-report", &report.to_json());
        suite_harness::fail(format!(
            "{scenario} (seed {seed}); {advice}\n\n{}",
            violation.explain(history)
        ));
    }
    if !verdict.holds() {
        suite_harness::fail(format!(
            "seed {seed}: the checker could not decide: {verdict:?}"
        ));
    }
}

/// Five clients share one register and call read, write and compare-and-swap at random,
/// with random pauses; the store under the register takes 1-3 ms per access. The history
/// must be linearizable as a compare-and-swap register.
pub fn history_is_linearizable() {
    let base = suite_harness::seed();
    for seed in base..base + crate::SEEDS {
        let run = run(seed, false);
        linearizable(
            &run.history,
            seed,
            &format!("{CLIENTS} clients shared one register"),
            "each operation must appear to take effect at one instant between its call and \
             its return. A swap must compare and replace in one step: if another update can \
             run between the load and the save, two swaps from the same value both succeed.",
        );
    }
}

/// The same clients; every successful write or swap returns its version. The versions
/// must be exactly 1, 2, 3, ... (one per update, none repeated, none skipped), an update
/// that finished before another began must have the smaller version, and a read must
/// return the value together with the version of the update that wrote it.
pub fn versions_count_updates() {
    let base = suite_harness::seed();
    for seed in base..base + crate::SEEDS {
        let Run { updates, reads, .. } = run(seed, false);
        let mut by_version: BTreeMap<u64, &Update> = BTreeMap::new();
        for update in &updates {
            if let Some(other) = by_version.insert(update.version, update) {
                suite_harness::fail(format!(
                    "seed {seed}: two updates returned version {}: client {} wrote {} and client \
                     {} wrote {}. Each successful write or swap must make the version grow by \
                     one, so no two share a version: the read of the old version and the save \
                     of the new one must not let another update in between.",
                    update.version, other.client, other.value, update.client, update.value
                ));
            }
        }
        let expected: Vec<u64> = (1..=updates.len() as u64).collect();
        let got: Vec<u64> = by_version.keys().copied().collect();
        if got != expected {
            suite_harness::fail(format!(
                "seed {seed}: {} updates succeeded, so their versions must be 1..={}; they \
                 were {got:?}",
                updates.len(),
                updates.len()
            ));
        }
        for a in &updates {
            for b in &updates {
                if a.ret < b.call && a.version > b.version {
                    suite_harness::fail(format!(
                        "seed {seed}: client {}'s update to {} returned version {} and finished \
                         before client {}'s update to {} began, which returned the smaller \
                         version {}. Later updates must get larger versions.",
                        a.client, a.value, a.version, b.client, b.value, b.version
                    ));
                }
            }
        }
        for (client, seen) in &reads {
            let fits = match by_version.get(&seen.version) {
                None => seen.version == 0 && seen.value.is_none(),
                Some(update) => seen.value == Some(update.value),
            };
            if !fits {
                suite_harness::fail(format!(
                    "seed {seed}: client {client} read value {:?} with version {}, but that \
                     version was made by {}. A read returns a value together with the version \
                     of the update that wrote it.",
                    seen.value,
                    seen.version,
                    by_version
                        .get(&seen.version)
                        .map_or("no update".to_owned(), |u| format!(
                            "the write of {}",
                            u.value
                        )),
                ));
            }
        }
    }
}

/// Compares what the register or its store gave with what it must have held, field by
/// field, and fails with `what` when they differ.
fn expect_held(seed: u64, what: &str, got: Versioned, value: Option<i64>, version: u64) {
    if got.value != value || got.version != version {
        suite_harness::fail(format!(
            "seed {seed}: {what} gave value {:?} with version {}, expected value {value:?} \
             with version {version}. The register keeps its value and version in the store \
             it was created with, and only there: it starts from what that store holds and \
             saves every update to it.",
            got.value, got.version
        ));
    }
}

/// The register's state is what its store holds. One client, on a store that already
/// holds value 40 at version 7: a read returns that; a write and a swap are found in the
/// store right after they return; a refused swap reports what the store holds and leaves
/// it. Then the five clients of `history_is_linearizable` run while a sixth loads the
/// store itself at random moments: with those loads as reads, the history must still be
/// linearizable, and at the end the store holds the last update.
pub fn state_is_kept_in_the_store() {
    let base = suite_harness::seed();
    for seed in base..base + 20 {
        suite_harness::block_on_paused(async move {
            let store = Store::new(seed);
            store
                .save(Versioned {
                    value: Some(40),
                    version: 7,
                })
                .await;
            let register = Register::new(store.clone());
            let read = register.read().await;
            expect_held(
                seed,
                "a read of a register made on a store holding 40 at version 7",
                read,
                Some(40),
                7,
            );
            let version = register.write(41).await;
            if version != 8 {
                suite_harness::fail(format!(
                    "seed {seed}: the store held version 7; a write of 41 returned version \
                     {version}, expected 8"
                ));
            }
            expect_held(
                seed,
                "the store, after the write of 41 returned,",
                store.load().await,
                Some(41),
                8,
            );
            match register.compare_and_swap(Some(41), 42).await {
                Ok(9) => {}
                other => suite_harness::fail(format!(
                    "seed {seed}: the store held 41 at version 8; a swap from 41 to 42 gave \
                     {other:?}, expected Ok(9)"
                )),
            }
            expect_held(
                seed,
                "the store, after the swap to 42 returned,",
                store.load().await,
                Some(42),
                9,
            );
            match register.compare_and_swap(Some(0), 1).await {
                Ok(version) => suite_harness::fail(format!(
                    "seed {seed}: the store held 42; a swap from 0 to 1 succeeded with version \
                     {version}"
                )),
                Err(held) => expect_held(seed, "a refused swap", held, Some(42), 9),
            }
            expect_held(
                seed,
                "the store, after a refused swap,",
                store.load().await,
                Some(42),
                9,
            );
        });
    }
    for seed in base..base + 20 {
        let run = run(seed, true);
        linearizable(
            &run.history,
            seed,
            &format!(
                "{CLIENTS} clients shared one register while client {CLIENTS} loaded its store directly"
            ),
            "the register's state is what its store holds, so a load of the store at any \
             moment must read the register as a read would. A register that keeps its value \
             anywhere else (a copy beside the store, a store of its own) shows the store a \
             different history from the one its clients saw.",
        );
        let Some(newest) = run.updates.iter().max_by_key(|u| u.version) else {
            continue;
        };
        expect_held(
            seed,
            "the store, once every client was done,",
            run.last,
            Some(newest.value),
            run.updates.len() as u64,
        );
    }
}

/// A clone of a register is a handle to the same register: a write through one handle
/// is read through the other, and of two swaps from the same value made through two
/// handles at once, exactly one succeeds.
pub fn clones_share_the_register() {
    let base = suite_harness::seed();
    for seed in base..base + 10 {
        suite_harness::block_on_paused(async move {
            let register = Register::new(Store::new(seed));
            let twin = register.clone();
            twin.write(5).await;
            let read = register.read().await;
            if read.value != Some(5) {
                suite_harness::fail(format!(
                    "seed {seed}: 5 was written through a clone of the register, and a read \
                     through the original gave {:?}. Clones of a register are handles to the \
                     same register.",
                    read.value
                ));
            }
            let (a, b) = tokio::join!(
                register.compare_and_swap(Some(5), 6),
                twin.compare_and_swap(Some(5), 7)
            );
            if a.is_ok() == b.is_ok() {
                suite_harness::fail(format!(
                    "seed {seed}: two swaps from 5, one through the register and one through \
                     its clone, ran at once and gave {a:?} and {b:?}; exactly one may succeed, \
                     as on one register"
                ));
            }
        });
    }
}
