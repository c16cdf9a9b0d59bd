//! Benchmark of the linearizability checker: `cargo bench -p testkit`.
//!
//! Reads the shared Jepsen and key-value histories from `../shared/data/porcupine` when
//! that folder exists (and says so when it does not), checks each one several times, and
//! prints the best time per file and the totals against the targets:
//! the etcd files under 130 ms in all with none over 30 ms, the key-value files under
//! 50 ms in all. It then times generated histories of growing size.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use testkit::check::ConsistencyCheck;
use testkit::check::linearizable::Linearizable;
use testkit::formats;
use testkit::generate::{GenConfig, generate};
use testkit::history::History;
use testkit::model::ModelKind;

const RUNS: usize = 5;

fn best_time(model: ModelKind, history: &History) -> (Duration, &'static str) {
    let mut best = Duration::MAX;
    let mut verdict = "";
    for _ in 0..RUNS {
        let start = Instant::now();
        let v = Linearizable::new(model).check(history).expect("checkable");
        best = best.min(start.elapsed());
        verdict = match () {
            _ if v.holds() => "linearizable",
            _ if v.violation().is_some() => "not-linearizable",
            _ => "unknown",
        };
    }
    (best, verdict)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn shared() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/porcupine");
    let Ok(table) = std::fs::read_to_string(dir.join("EXPECTED.tsv")) else {
        println!("shared histories: {} not found, skipped", dir.display());
        return;
    };
    let (mut etcd, mut etcd_max, mut kv) = (
        Duration::ZERO,
        (Duration::ZERO, String::new()),
        Duration::ZERO,
    );
    let mut mismatches = 0;
    println!("{:<34} {:>10} {:>18} {:>8}", "file", "ops", "verdict", "ms");
    for line in table.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let model: ModelKind = f[1].parse().expect("model");
        let text = std::fs::read_to_string(dir.join(f[0])).expect("readable");
        let (history, _) = formats::parse(&text).expect("parses");
        let (t, verdict) = best_time(model, &history);
        if verdict != f[2] {
            mismatches += 1;
        }
        println!(
            "{:<34} {:>10} {:>18} {:>8.3}",
            f[0],
            history.len(),
            verdict,
            ms(t)
        );
        if model == ModelKind::Kv {
            kv += t;
        } else {
            etcd += t;
            if t > etcd_max.0 {
                etcd_max = (t, f[0].to_owned());
            }
        }
    }
    println!();
    println!(
        "etcd total {:>8.2} ms (target < 130), slowest {} {:.2} ms (target < 30)",
        ms(etcd),
        etcd_max.1,
        ms(etcd_max.0)
    );
    println!("kv total   {:>8.2} ms (target < 50)", ms(kv));
    println!("verdicts differing from EXPECTED.tsv: {mismatches}");
}

fn generated() {
    println!();
    println!("generated single-register histories, 2% unknown outcomes, unique values:");
    println!(
        "{:>8} {:>8} {:>18} {:>10}",
        "clients", "ops", "verdict", "ms"
    );
    for (clients, per_client) in [(8, 50), (16, 60), (32, 60)] {
        for violation in [false, true] {
            let cfg = GenConfig {
                clients,
                ops_per_client: per_client,
                unknown: 0.02,
                cas: 0.2,
                violation,
                seed: 1,
                ..GenConfig::default()
            };
            let h = generate(&cfg);
            let (t, verdict) = best_time(ModelKind::CasRegister, &h);
            println!("{clients:>8} {:>8} {verdict:>18} {:>10.2}", h.len(), ms(t));
        }
    }
}

fn main() {
    // `cargo test --benches` runs this too; keep that quick.
    if std::env::args().any(|a| a == "--bench") {
        shared();
        generated();
    } else {
        println!("checkers benchmark: run with `cargo bench -p testkit`");
    }
}
