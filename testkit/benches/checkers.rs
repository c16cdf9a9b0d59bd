//! Benchmark of the linearizability checker: `cargo bench -p testkit`.
//!
//! Reads the shared Jepsen and key-value histories from `../shared/data/porcupine` when
//! that folder exists (and says so when it does not), checks each one several times, and
//! prints the best time per file and the totals against the targets:
//! the etcd files under 130 ms in all with none over 30 ms, the key-value files under
//! 50 ms in all. It then times generated single-register histories from 32 clients of
//! 1,920 and 6,400 operations (unique values, 20% cas, 2% and 3% unknown outcomes,
//! several seeds, linearizable and with a planted violation) against the target of one
//! second each, and reports the peak memory of each check. Each generated history is
//! checked in a child process (this program run again with `--one`), so that the peak
//! resident size it reports (`VmHWM` in `/proc/self/status`) is that check's alone.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use testkit::check::ConsistencyCheck;
use testkit::check::linearizable::Linearizable;
use testkit::formats;
use testkit::generate::{GenConfig, generate};
use testkit::history::History;
use testkit::model::ModelKind;

const RUNS: usize = 5;

fn best_time(model: ModelKind, history: &History, runs: usize) -> (Duration, &'static str) {
    let mut best = Duration::MAX;
    let mut verdict = "";
    for _ in 0..runs {
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
        let (t, verdict) = best_time(model, &history, RUNS);
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

/// The peak resident size of this process in MB, where Linux reports it.
fn peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn gen_config(per_client: usize, unknown: f64, seed: u64, violation: bool) -> GenConfig {
    GenConfig {
        clients: 32,
        ops_per_client: per_client,
        unknown,
        cas: 0.2,
        violation,
        seed,
        ..GenConfig::default()
    }
}

/// The child's side: check one generated history once, print `ops verdict ms peak-mb`.
fn one(args: &[String]) {
    let per_client: usize = args[0].parse().expect("ops per client");
    let unknown: f64 = args[1].parse().expect("unknown share");
    let seed: u64 = args[2].parse().expect("seed");
    let violation = args[3] == "bad";
    let h = generate(&gen_config(per_client, unknown, seed, violation));
    let (t, verdict) = best_time(ModelKind::CasRegister, &h, 1);
    println!(
        "{} {verdict} {:.3} {:.1}",
        h.len(),
        ms(t),
        peak_mb().unwrap_or(f64::NAN)
    );
}

fn generated() {
    println!();
    println!("generated single-register histories: 32 clients, unique values, 20% cas");
    println!(
        "{:>6} {:>8} {:>5} {:>9} {:>18} {:>10} {:>10}",
        "ops", "unknown", "seed", "planted", "verdict", "ms", "peak MB"
    );
    let exe = std::env::current_exe().expect("the benchmark knows its path");
    let (mut worst_ms, mut worst_mb, mut wrong) = (0f64, 0f64, 0);
    for per_client in [60, 200] {
        for unknown in [0.02, 0.03] {
            for seed in 1..=4u64 {
                for violation in [false, true] {
                    let out = std::process::Command::new(&exe)
                        .args(["--one", &per_client.to_string(), &unknown.to_string()])
                        .args([
                            seed.to_string().as_str(),
                            if violation { "bad" } else { "good" },
                        ])
                        .output()
                        .expect("the child runs");
                    let text = String::from_utf8_lossy(&out.stdout);
                    let f: Vec<&str> = text.split_whitespace().collect();
                    let [ops, verdict, t, mb] = f[..] else {
                        println!("child failed: {text}");
                        wrong += 1;
                        continue;
                    };
                    let expected = if violation {
                        "not-linearizable"
                    } else {
                        "linearizable"
                    };
                    wrong += usize::from(verdict != expected);
                    worst_ms = worst_ms.max(t.parse().unwrap_or(f64::MAX));
                    worst_mb = worst_mb.max(mb.parse().unwrap_or(f64::MAX));
                    println!(
                        "{ops:>6} {:>7}% {seed:>5} {violation:>9} {verdict:>18} {t:>10} {mb:>10}",
                        unknown * 100.0
                    );
                }
            }
        }
    }
    println!();
    println!(
        "generated: slowest {worst_ms:.2} ms (target < 1000), largest peak {worst_mb:.1} MB \
         (target < 500), wrong verdicts {wrong}"
    );
}

fn main() {
    // `cargo test --benches` runs this too; keep that quick.
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--one") {
        one(&args[at + 1..]);
    } else if args.iter().any(|a| a == "--bench") {
        shared();
        generated();
    } else {
        println!("checkers benchmark: run with `cargo bench -p testkit`");
    }
}
