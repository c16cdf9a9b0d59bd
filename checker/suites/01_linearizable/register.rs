//! Task `register`: concurrent clients on one register, recorded under paused time.

use std::collections::BTreeMap;
use std::time::Duration;

use linearizable::{Register, Store, Versioned};
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

/// One seed's run: the history, every successful update, and every read.
struct Run {
    history: History,
    updates: Vec<Update>,
    reads: Vec<(u32, Versioned)>,
}

/// Runs `CLIENTS` tasks doing random reads, writes and swaps with random pauses.
fn run(seed: u64) -> Run {
    suite_harness::block_on_paused(async move {
        let register = Register::new(Store::new(seed ^ 0x5EED));
        let recorder = Recorder::new();
        let start = tokio::time::Instant::now();
        let mut tasks = Vec::new();
        let mut rng = Rng::new(seed);
        for client in 0..CLIENTS {
            let register = register.clone();
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
        }
    })
}

/// Five clients share one register and call read, write and compare-and-swap at random,
/// with random pauses; the store under the register takes 1-3 ms per access. The history
/// must be linearizable as a compare-and-swap register.
pub fn history_is_linearizable() {
    let base = suite_harness::seed();
    for seed in base..base + crate::SEEDS {
        let run = run(seed);
        let verdict = match Linearizable::new(ModelKind::CasRegister).check(&run.history) {
            Ok(verdict) => verdict,
            Err(error) => suite_harness::fail(format!(
                "seed {seed}: the checker refused the history: {error}"
            )),
        };
        if let Some(violation) = verdict.violation() {
            let report = CheckReport::new(
                format!("{CLIENTS} clients share one register (seed {seed})"),
                "linearizability",
                &run.history,
                Some(ModelKind::CasRegister),
                &verdict,
            );
            suite_harness::attach("check-report", &report.to_json());
            suite_harness::fail(format!(
                "{CLIENTS} clients shared one register (seed {seed}); each operation must appear \
                 to take effect at one instant between its call and its return. A swap must \
                 compare and replace in one step: if another update can run between the load \
                 and the save, two swaps from the same value both succeed.\n\n{}",
                violation.explain(&run.history)
            ));
        }
        if !verdict.holds() {
            suite_harness::fail(format!(
                "seed {seed}: the checker could not decide: {verdict:?}"
            ));
        }
    }
}

/// The same clients; every successful write or swap returns its version. The versions
/// must be exactly 1, 2, 3, ... (one per update, none repeated, none skipped), an update
/// that finished before another began must have the smaller version, and a read must
/// return the value together with the version of the update that wrote it.
pub fn versions_count_updates() {
    let base = suite_harness::seed();
    for seed in base..base + crate::SEEDS {
        let Run { updates, reads, .. } = run(seed);
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
