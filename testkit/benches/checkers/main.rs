//! Benchmark of the history checkers: `cargo bench -p testkit`.
//!
//! Two sections:
//!
//! - [`porcupine`]: Porcupine's Jepsen and key-value histories with their trusted
//!   verdicts, when `../shared/data/porcupine` exists beside the project;
//! - [`curve`]: every checker (linearizable, sequential, causal, causal memory, the
//!   session guarantees)
//!   on generated register histories of 1k, 10k, 100k and 1M operations from 4, 16 and
//!   64 clients, with unique and with five repeated values, with and without a planted
//!   violation: time and peak memory per point, and the ratio of each time to the one of
//!   the size before. Each point runs in a child process (this program again, with
//!   `--point`, see [`point`]), so that its peak memory is its own and a point that does
//!   not finish within the time limit can be stopped and reported as such.
//!
//! Options after `--` (as in `cargo bench -p testkit -- --only lin --sizes 1k,10k`):
//! `--only SECTION,...` (porcupine, lin, seq, causal, cm, sessions), `--sizes 1k,...`,
//! `--clients 4,...`, `--limit SECONDS` per point (default 60).

mod curve;
mod point;
mod porcupine;

use std::time::Duration;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The value of `--name` among `args`, if given.
fn option<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    let at = args.iter().position(|a| a == name)?;
    args.get(at + 1).map(String::as_str)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--point") {
        point::child(&args[at + 1..]);
        return;
    }
    // `cargo test --benches` runs this too, without `--bench`; keep that quick.
    if !args.iter().any(|a| a == "--bench") {
        println!("checkers benchmark: run with `cargo bench -p testkit`");
        return;
    }
    let only: Vec<&str> = option(&args, "--only").map_or_else(
        || vec!["porcupine", "lin", "seq", "causal", "cm", "sessions"],
        |s| s.split(',').collect(),
    );
    if only.contains(&"porcupine") {
        porcupine::run();
        println!();
    }
    let plan = curve::Plan::from_args(&args, &only);
    curve::run(&plan);
}
