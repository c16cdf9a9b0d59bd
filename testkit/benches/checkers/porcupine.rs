//! The Porcupine section: the shared Jepsen and key-value histories with their trusted
//! verdicts, read from `../shared/data/porcupine` beside the project when that folder
//! exists (the section says so plainly when it does not). Each file is checked several
//! times; the best time per file and the totals are printed against the targets: the
//! etcd files under 130 ms in all with none over 30 ms, the key-value files under 50 ms
//! in all.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use testkit::check::ConsistencyCheck;
use testkit::check::linearizable::Linearizable;
use testkit::formats;
use testkit::history::History;
use testkit::model::ModelKind;

use crate::ms;

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

/// The first `shared/data/porcupine` found beside the project or beside a folder
/// above it: a checkout sits either directly beside `shared` or one level deeper (a
/// worktree). Falls back to the nearest, which is then reported as not found.
fn data_dir() -> PathBuf {
    let project = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let project = std::fs::canonicalize(&project).unwrap_or(project);
    let beside = |up: &std::path::Path| up.join("../shared/data/porcupine");
    project
        .ancestors()
        .take(3)
        .map(beside)
        .find(|d| d.is_dir())
        .unwrap_or_else(|| beside(&project))
}

/// Runs the section.
pub fn run() {
    let dir = data_dir();
    let Ok(table) = std::fs::read_to_string(dir.join("EXPECTED.tsv")) else {
        println!(
            "Porcupine's histories: {} not found; this section did not run",
            dir.display()
        );
        return;
    };
    println!("Porcupine's histories with their trusted verdicts (best of {RUNS} runs)");
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
