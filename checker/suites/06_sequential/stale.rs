//! The student's own run that tells sequential consistency and linearizability apart.

use testkit::check::ConsistencyCheck;
use testkit::check::linearizable::Linearizable;
use testkit::check::sequential::Sequential;
use testkit::history::Action;
use testkit::model::ModelKind;
use testkit::report::CheckReport;

/// Seeds to call `stale_read_history` with: the history must make the point on each.
const SEEDS: u64 = 100;

/// `stale_read_history` returns, for every seed, a history with unique written values
/// that the sequential checker accepts and the linearizability checker rejects.
pub fn the_history_is_sequential_but_not_linearizable() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let history = sequential::stale_read_history(seed);
        let mut written: Vec<String> = history
            .ops()
            .iter()
            .filter_map(|op| match &op.action {
                Action::Write(v) => Some(v.to_string()),
                _ => None,
            })
            .collect();
        let writes = written.len();
        written.sort();
        written.dedup();
        if written.len() != writes || writes == 0 {
            suite_harness::fail(format!(
                "seed {seed}: stale_read_history must write at least once, and each value at \
                 most once (unique values make every read point at one write); it wrote \
                 {writes} time(s), {} distinct value(s)",
                written.len()
            ));
        }
        let seq = Sequential::new(ModelKind::Register)
            .check(&history)
            .expect("a register history the checker can read");
        if let Some(violation) = seq.violation() {
            let report = CheckReport::new(
                format!("stale_read_history (seed {seed})"),
                "sequential consistency",
                &history,
                Some(ModelKind::Register),
                &seq,
            );
            suite_harness::attach("check-report", &report.to_json());
            suite_harness::fail(format!(
                "seed {seed}: the history of stale_read_history is not even sequentially \
                 consistent, so it shows a broken register rather than the gap between the two \
                 models. Keep each client at one replica: a client that reads a new value at \
                 one replica and then an older one at another goes back on its own order.\n{}",
                violation.explain(&history)
            ));
        }
        if !seq.holds() {
            suite_harness::fail(format!("seed {seed}: the sequential checker said {seq:?}"));
        }
        let lin = Linearizable::new(ModelKind::Register)
            .check(&history)
            .expect("a register history the checker can read");
        if lin.holds() {
            suite_harness::fail(format!(
                "seed {seed}: the history of stale_read_history is linearizable, so it does not \
                 tell the two models apart:\n{}\n\
                 Make a read start after a write has returned, at a replica that has not \
                 applied that write yet, and answer from its stale copy.",
                history_lines(&history)
            ));
        }
        if lin.violation().is_none() {
            suite_harness::fail(format!(
                "seed {seed}: the linearizability checker said {lin:?}"
            ));
        }
    }
}

fn history_lines(history: &testkit::history::History) -> String {
    history
        .ops()
        .iter()
        .map(|op| {
            let ret = op.ret().map_or("open".to_owned(), |t| format!("{t} ns"));
            format!(
                "  c{} {} called {} ns, ended {ret}",
                op.client,
                op.label(),
                op.call
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
