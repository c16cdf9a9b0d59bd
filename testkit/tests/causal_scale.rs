//! Scaling runs of the causal and session checkers, for measuring, not for grading: run
//!
//! ```text
//! CAUSAL_SCALE="reg:100000:16 kv:100000:64:bad" \
//!     cargo test --release -p testkit --test causal_scale -- --ignored --nocapture
//! ```
//!
//! Each point is `KIND:OPS:CLIENTS[:bad|:corrupt]`: `reg` is a register history from
//! [`testkit::generate`] (linearizable, 2% unknown outcomes, 20% cas), `kv` the
//! lagging-replica store of `causal_support` (100 keys, replicas up to 2,000 writes behind),
//! `one` the same store with one key and clients that are never replaced (long sessions);
//! `bad` appends one stale read at the end, `corrupt` makes 1% of the reads return an older
//! value (many stale reads, for the cost of judging them). For each point and check it prints the best
//! of `CAUSAL_RUNS` (default 3) times and the peak resident memory during the check
//! (`VmHWM`, reset before each run), which includes the history itself (printed as the
//! `history` row).

mod causal_support;

use std::time::{Duration, Instant};

use testkit::check::ConsistencyCheck;
use testkit::check::causal::{AllSessions, Causal, Guarantee, Session};
use testkit::generate::{GenConfig, generate};
use testkit::history::History;

/// Resets the peak resident size of this process to its current size.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The peak resident size since the last reset, in MB.
fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn history(kind: &str, ops: usize, clients: u32, bad: Option<&str>, seed: u64) -> History {
    let h = match kind {
        "reg" => generate(&GenConfig {
            clients,
            ops_per_client: ops / clients as usize,
            max_duration: 10,
            max_gap: 5,
            value_range: None,
            reads: 0.5,
            cas: 0.2,
            unknown: 0.02,
            violation: false,
            seed,
            ..GenConfig::default()
        }),
        "kv" => causal_support::store(&causal_support::StoreConfig {
            clients,
            ops,
            keys: 100,
            lag: 2000,
            seed,
            ..Default::default()
        }),
        // One key and no unknown outcomes: the clients are never replaced, so each
        // session is long (what a cost per read that grows with the session shows up on).
        "one" => causal_support::store(&causal_support::StoreConfig {
            clients,
            ops,
            keys: 1,
            unknown: 0.0,
            lag: 2000,
            seed,
            ..Default::default()
        }),
        other => panic!("unknown kind {other}"),
    };
    match bad {
        Some("bad") => causal_support::plant_stale_read(&h).expect("a client wrote a key twice"),
        Some("corrupt") => causal_support::corrupt(&h, 0.01, seed),
        _ => h,
    }
}

fn verdict(v: &testkit::check::Verdict) -> String {
    match v.violation() {
        Some(v) => format!("{} ({} ops)", v.broken, v.ops().len()),
        None if v.holds() => "holds".into(),
        None => "undecided".into(),
    }
}

#[test]
#[ignore = "a measurement: run it by name with CAUSAL_SCALE set"]
fn scale() {
    let points = std::env::var("CAUSAL_SCALE").unwrap_or_else(|_| "reg:10000:16".into());
    let runs: usize = std::env::var("CAUSAL_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let checks: Vec<(&str, Box<dyn ConsistencyCheck>)> = vec![
        ("causal", Box::new(Causal)),
        ("sessions", Box::new(AllSessions)),
        ("ryw", Box::new(Session(Guarantee::ReadYourWrites))),
        ("mr", Box::new(Session(Guarantee::MonotonicReads))),
        ("mw", Box::new(Session(Guarantee::MonotonicWrites))),
        ("wfr", Box::new(Session(Guarantee::WritesFollowReads))),
    ];
    let only = std::env::var("CAUSAL_CHECKS").unwrap_or_default();
    println!(
        "{:<22} {:<9} {:>10} {:>9}  verdict",
        "point", "check", "ms", "peak MB"
    );
    for point in points.split_whitespace() {
        let f: Vec<&str> = point.split(':').collect();
        let (kind, ops, clients) = (f[0], f[1].parse().unwrap(), f[2].parse().unwrap());
        let bad = f.get(3).copied();
        reset_peak();
        let h = history(kind, ops, clients, bad, 7);
        println!(
            "{point:<22} {:<9} {:>10} {:>9.1}  {} ops, {} clients",
            "history",
            "",
            peak_mb(),
            h.len(),
            h.clients().len()
        );
        for (name, check) in &checks {
            if !only.is_empty() && !only.split(',').any(|c| c == *name) {
                continue;
            }
            let mut best = Duration::MAX;
            let mut peak: f64 = 0.0;
            let mut last = String::new();
            for _ in 0..runs {
                reset_peak();
                let start = Instant::now();
                let v = check.check(&h).expect("checkable");
                best = best.min(start.elapsed());
                peak = peak.max(peak_mb());
                last = verdict(&v);
            }
            println!(
                "{point:<22} {name:<9} {:>10.1} {peak:>9.1}  {last}",
                best.as_secs_f64() * 1000.0
            );
        }
    }
}
