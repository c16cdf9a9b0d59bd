//! One point of the curve, measured in a child process: generate the history, forget
//! the memory the generator used, check it `runs` times, and print one line:
//! `ops verdict best-ms best-cpu-ms peak-mb`.
//!
//! The CPU time is this process's time on processors (`getrusage`), which the other
//! programs on a loaded machine do not inflate the way they inflate the time on the
//! clock; it counts every thread, so a linearizability search that takes turns with a
//! second one on another processor (see `docs/src/checkers.md`) shows more CPU time
//! than time on the clock. `nan` where the system does not report it.
//!
//! The peak is the process's `VmHWM` (`/proc/self/status`) after the checks, reset with
//! `/proc/self/clear_refs` once the history is built: it counts the history the checker
//! reads and everything the checker allocates, but not the generator's own work. Where
//! Linux does not report it, `nan` is printed.

use std::time::Instant;

use testkit::check::causal::{AllSessions, Causal, CausalMemory};
use testkit::check::linearizable::Linearizable;
use testkit::check::sequential::Sequential;
use testkit::check::{ConsistencyCheck, Verdict};
use testkit::generate::{GenConfig, Plant, generate};
use testkit::history::{Action, History, Operation, Output, Value};
use testkit::model::ModelKind;
use testkit::rng::Rng;

use crate::ms;

/// The checkers the curve measures, by the name the options use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checker {
    Lin,
    Seq,
    Causal,
    CausalMemory,
    Sessions,
}

impl Checker {
    pub const ALL: [Checker; 5] = [
        Checker::Lin,
        Checker::Seq,
        Checker::Causal,
        Checker::CausalMemory,
        Checker::Sessions,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Checker::Lin => "lin",
            Checker::Seq => "seq",
            Checker::Causal => "causal",
            Checker::CausalMemory => "cm",
            Checker::Sessions => "sessions",
        }
    }

    fn parse(s: &str) -> Checker {
        Checker::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .unwrap_or_else(|| panic!("unknown checker {s}"))
    }

    /// The planted violation that breaks this checker's model: the classic stale read
    /// by a new client breaks linearizability only.
    pub fn plant(self) -> Plant {
        match self {
            Checker::Lin => Plant::StaleRead,
            _ => Plant::OwnStaleRead,
        }
    }

    /// The checker, only through [`ConsistencyCheck`], the API the suites use.
    fn build(self, budget: u64) -> Box<dyn ConsistencyCheck> {
        match self {
            Checker::Lin => Box::new(Linearizable::new(ModelKind::CasRegister).with_budget(budget)),
            Checker::Seq => Box::new(Sequential::new(ModelKind::CasRegister).with_budget(budget)),
            Checker::Causal => Box::new(Causal),
            Checker::CausalMemory => Box::new(CausalMemory::default()),
            Checker::Sessions => Box::new(AllSessions),
        }
    }
}

/// One point: what to generate and how to check it.
#[derive(Clone, Debug)]
pub struct Point {
    pub checker: Checker,
    /// `None`: unique values; `Some(n)`: drawn from `0..n`.
    pub values: Option<i64>,
    pub planted: bool,
    /// Whether 1% of the completed reads are made to return an older value (see
    /// [`stale_reads`]); only with unique values and nothing planted.
    pub stale: bool,
    pub clients: u32,
    pub ops: usize,
    pub runs: usize,
    pub budget: u64,
}

impl Point {
    /// The child's command line after `--point`.
    pub fn args(&self) -> Vec<String> {
        vec![
            self.checker.name().to_owned(),
            self.values.map_or("unique".to_owned(), |n| n.to_string()),
            match (self.planted, self.stale) {
                (true, _) => "bad",
                (false, true) => "stale",
                (false, false) => "good",
            }
            .to_owned(),
            self.clients.to_string(),
            self.ops.to_string(),
            self.runs.to_string(),
            self.budget.to_string(),
        ]
    }

    fn parse(args: &[String]) -> Point {
        let num = |i: usize| -> u64 { args[i].parse().expect("a number") };
        Point {
            checker: Checker::parse(&args[0]),
            values: (args[1] != "unique").then(|| num(1) as i64),
            planted: args[2] == "bad",
            stale: args[2] == "stale",
            clients: num(3) as u32,
            ops: num(4) as usize,
            runs: num(5) as usize,
            budget: num(6),
        }
    }

    /// The generator's settings: `checker history gen`'s defaults (reads 50%, cas 20%,
    /// unknown outcomes 2%), seed 1.
    pub fn config(&self) -> GenConfig {
        GenConfig {
            clients: self.clients,
            ops_per_client: self.ops.div_ceil(self.clients as usize),
            value_range: self.values,
            unknown: 0.02,
            violation: self.planted,
            plant: self.checker.plant(),
            seed: 1,
            ..GenConfig::default()
        }
    }
}

/// `h` with a `share` of its completed reads returning, instead of what they returned,
/// a value written earlier to the register by a write that surely took effect (or nil
/// now and then): many stale reads, each far older than what its client knows, for the
/// cost of judging them. A generated history has one register and unique values, so
/// every such value is still written once.
fn stale_reads(h: &History, share: f64, seed: u64) -> History {
    let mut rng = Rng::new(seed);
    let mut written: Vec<Value> = Vec::new();
    let mut ops = h.ops().to_vec();
    for op in &mut ops {
        if matches!(op.action, Action::Read) && op.read_value().is_some() && rng.chance(share) {
            let old = (!written.is_empty() && rng.chance(0.9))
                .then(|| written[rng.index(written.len())].clone());
            let ret = op.ret().expect("a completed read");
            let mut read = Operation::read(op.client, old, op.call, ret);
            read.key = op.key.clone();
            *op = read;
        }
        let took_effect = match (&op.action, op.output()) {
            (Action::Write(_), Some(_)) => true,
            (Action::Cas { .. }, Some(out)) => *out == Output::Swapped(true),
            _ => false,
        };
        if let (true, Some(v)) = (took_effect, op.action.written()) {
            written.push(v.clone());
        }
    }
    History::from_ops(ops).expect("only read values changed")
}

/// The time this process has spent on processors, in ms: every thread's, a search that
/// takes turns on a second thread included.
fn cpu_ms() -> Option<f64> {
    use nix::sys::resource::{UsageWho, getrusage};
    let usage = getrusage(UsageWho::RUSAGE_SELF).ok()?;
    let ms = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 * 1e3 + t.tv_usec() as f64 / 1e3;
    Some(ms(usage.user_time()) + ms(usage.system_time()))
}

/// The peak resident size of this process in MB, where Linux reports it.
fn peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The child's side (see the module docs).
pub fn child(args: &[String]) {
    let point = Point::parse(args);
    let mut history = generate(&point.config());
    if point.stale {
        history = stale_reads(&history, 0.01, 1);
    }
    // Resets the peak to what is resident now; failing that, the peak includes the
    // generator's work, which only overstates it.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let checker = point.checker.build(point.budget);
    let (mut best, mut best_cpu) = (f64::MAX, f64::MAX);
    let mut verdict = String::new();
    for _ in 0..point.runs.max(1) {
        let (start, cpu) = (Instant::now(), cpu_ms());
        let result = checker.check(&history);
        best = best.min(ms(start.elapsed()));
        let spent = cpu.zip(cpu_ms()).map_or(f64::NAN, |(a, b)| b - a);
        best_cpu = best_cpu.min(spent);
        verdict = match result {
            Ok(Verdict::Holds) => "holds".into(),
            Ok(Verdict::Violated(_)) => "violated".into(),
            Ok(Verdict::Undecided { .. }) => "undecided".into(),
            Err(_) => "refused".into(),
        };
    }
    let peak = peak_mb().unwrap_or(f64::NAN);
    println!(
        "{} {verdict} {best:.3} {best_cpu:.3} {peak:.1}",
        history.len()
    );
}
