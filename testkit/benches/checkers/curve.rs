//! The curve: each checker at growing sizes, printed as a table with the ratio of each
//! time to the one of the size before (10x the operations; under 20 means close to
//! linear). A point that does not finish within the time limit is stopped and printed
//! as such; the larger sizes of its series are then printed as not run rather than
//! left out.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use testkit::check::DEFAULT_STEP_BUDGET;

use crate::option;
use crate::point::{Checker, Point};

/// What to measure.
pub struct Plan {
    checkers: Vec<Checker>,
    sizes: Vec<usize>,
    clients: Vec<u32>,
    limit: Duration,
    budget: u64,
}

/// `1k` -> 1000, `1M` -> 1000000.
fn size(s: &str) -> usize {
    let (digits, scale) = match s.as_bytes().last() {
        Some(b'k') => (&s[..s.len() - 1], 1_000),
        Some(b'M') => (&s[..s.len() - 1], 1_000_000),
        _ => (s, 1),
    };
    digits.parse::<usize>().expect("a size such as 10k") * scale
}

fn show_size(n: usize) -> String {
    match n {
        _ if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        _ if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        _ => n.to_string(),
    }
}

impl Plan {
    pub fn from_args(args: &[String], only: &[&str]) -> Plan {
        let list = |name: &str, default: &str| -> Vec<String> {
            option(args, name)
                .unwrap_or(default)
                .split(',')
                .map(str::to_owned)
                .collect()
        };
        Plan {
            checkers: Checker::ALL
                .into_iter()
                .filter(|c| only.contains(&c.name()))
                .collect(),
            sizes: list("--sizes", "1k,10k,100k,1M")
                .iter()
                .map(|s| size(s))
                .collect(),
            clients: list("--clients", "4,16,64")
                .iter()
                .map(|s| s.parse().expect("a client count"))
                .collect(),
            limit: Duration::from_secs(
                option(args, "--limit").map_or(60, |s| s.parse().expect("seconds")),
            ),
            budget: option(args, "--budget")
                .map_or(DEFAULT_STEP_BUDGET, |s| s.parse().expect("steps")),
        }
    }
}

/// Best of five runs up to 10k operations, three up to 100k, one beyond.
fn runs(ops: usize) -> usize {
    match ops {
        0..=10_000 => 5,
        10_001..=100_000 => 3,
        _ => 1,
    }
}

/// What a child reported, or why it reported nothing.
enum Outcome {
    Done {
        ops: String,
        verdict: String,
        ms: f64,
        cpu: f64,
        mb: String,
    },
    TimedOut,
    Failed(String),
}

fn measure(point: &Point, limit: Duration) -> Outcome {
    let exe = std::env::current_exe().expect("the benchmark knows its path");
    let mut child = match Command::new(exe)
        .arg("--point")
        .args(point.args())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if start.elapsed() > limit => {
                // Only this child, which this program started.
                let _ = child.kill();
                let _ = child.wait();
                return Outcome::TimedOut;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Outcome::Failed(e.to_string()),
        }
    }
    let out = match child.wait_with_output() {
        Ok(out) => out,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let text = String::from_utf8_lossy(&out.stdout);
    match text.split_whitespace().collect::<Vec<_>>()[..] {
        [ops, verdict, ms, cpu, mb] => Outcome::Done {
            ops: ops.to_owned(),
            verdict: verdict.to_owned(),
            ms: ms.parse().unwrap_or(f64::NAN),
            cpu: cpu.parse().unwrap_or(f64::NAN),
            mb: mb.to_owned(),
        },
        _ => {
            let err = String::from_utf8_lossy(&out.stderr);
            let last = err
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            Outcome::Failed(format!("{} {last}", out.status))
        }
    }
}

/// Runs the curve and prints its tables.
pub fn run(plan: &Plan) {
    if plan.checkers.is_empty() {
        return;
    }
    println!(
        "Generated register histories (checker history gen's defaults: 50% reads, 20% cas, \
         2% unknown outcomes; seed 1), cas-register model."
    );
    println!(
        "Each point in a child process; time on the clock (ms) and on the processor (cpu \
         ms, every thread's, which load does not inflate; ratios use it): best of 5 runs up to 10k \
         operations, 3 up to 100k, 1 beyond; peak: VmHWM of the child after the checks, \
         reset once the history is built. Limit {} s per point; step budget {}.",
        plan.limit.as_secs(),
        plan.budget
    );
    println!(
        "Planted violations: lin, a new client's stale read; the others, a client's read \
         of its own overwritten value; with repeated values, a read of a value nobody wrote. \
         Planted 1% (causal and sessions, unique values): 1% of the reads return a value \
         written earlier instead, many stale reads to judge."
    );
    let mut wrong = 0;
    let mut unfinished = 0;
    for &checker in &plan.checkers {
        println!();
        println!(
            "{:<8} {:>6} {:>7} {:>7} {:>8} {:>10} {:>10} {:>10} {:>8} {:>7}",
            "checker",
            "values",
            "planted",
            "clients",
            "size",
            "verdict",
            "ms",
            "cpu ms",
            "peak MB",
            "x prev"
        );
        for values in [None, Some(5)] {
            // (planted, 1% stale reads): the many stale reads only where the checker
            // judges each one, the causal and session checks on unique values.
            let many = values.is_none()
                && matches!(
                    checker,
                    Checker::Causal | Checker::CausalMemory | Checker::Sessions
                );
            let plantings: &[(bool, bool)] = if many {
                &[(false, false), (true, false), (false, true)]
            } else {
                &[(false, false), (true, false)]
            };
            for &(planted, stale) in plantings {
                for &clients in &plan.clients {
                    let mut previous: Option<f64> = None;
                    let mut stop: Option<String> = None;
                    for &ops in &plan.sizes {
                        let point = Point {
                            checker,
                            values,
                            planted,
                            stale,
                            clients,
                            ops,
                            runs: runs(ops),
                            budget: plan.budget,
                        };
                        let head = |size: &str| {
                            format!(
                                "{:<8} {:>6} {:>7} {:>7} {size:>8}",
                                checker.name(),
                                values.map_or("unique".to_owned(), |n| n.to_string()),
                                match (planted, stale) {
                                    (true, _) => "yes",
                                    (false, true) => "1%",
                                    (false, false) => "no",
                                },
                                clients,
                            )
                        };
                        let nominal = head(&show_size(ops));
                        if let Some(why) = &stop {
                            println!("{nominal} {:>10} ({why})", "not run");
                            unfinished += 1;
                            continue;
                        }
                        match measure(&point, plan.limit) {
                            Outcome::Done {
                                ops: actual,
                                verdict,
                                ms,
                                cpu,
                                mb,
                            } => {
                                let expected = if planted || stale {
                                    "violated"
                                } else {
                                    "holds"
                                };
                                let ok = verdict == expected || verdict == "refused";
                                // Of CPU times: the clock's are at the mercy of the load.
                                let ratio = previous
                                    .filter(|p| *p > 0.0)
                                    .map_or(String::new(), |p| format!("{:.1}", cpu / p));
                                let note = match verdict.as_str() {
                                    _ if !ok => "  WRONG or UNDECIDED",
                                    "refused" => "  (the checker needs unique values)",
                                    _ => "",
                                };
                                println!(
                                    "{} {verdict:>10} {ms:>10.2} {cpu:>10.2} {mb:>8} {ratio:>7}{note}",
                                    head(&actual)
                                );
                                wrong += usize::from(!ok);
                                previous = Some(cpu);
                                if verdict == "undecided" {
                                    stop = Some(format!("undecided at {}", show_size(ops)));
                                } else if verdict == "refused" {
                                    stop = Some("refused: values repeat".to_owned());
                                }
                            }
                            Outcome::TimedOut => {
                                println!(
                                    "{nominal} {:>10} {:>10} (stopped after the limit of {} s)",
                                    "timeout",
                                    format!(">{}", plan.limit.as_millis()),
                                    plan.limit.as_secs()
                                );
                                unfinished += 1;
                                stop = Some(format!("{} took over the limit", show_size(ops)));
                            }
                            Outcome::Failed(why) => {
                                println!("{nominal} {:>10} {why}", "failed");
                                wrong += 1;
                                stop = Some(format!("{} failed", show_size(ops)));
                            }
                        }
                    }
                }
            }
        }
    }
    println!();
    println!(
        "curve: {wrong} wrong, undecided or failed point(s), {unfinished} not finished or not run"
    );
}
