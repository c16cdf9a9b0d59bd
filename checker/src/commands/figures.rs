//! `checker dev figures [--check]`: the book's figures, drawn by the checker from their
//! histories.
//!
//! `docs/src/figures/figures.toml` lists them; each has a history `NAME.json` (the JSON
//! history format) and is drawn as `NAME.svg`, the history with what the named check
//! found in colour:
//!
//! ```toml
//! [[figure]]
//! name = "stale-read"
//! check = "linearizable"     # linearizable | sequential | causal | read-your-writes |
//!                            # monotonic-reads | monotonic-writes | writes-follow-reads | none
//! caption = "A read that returns an old value after a newer write finished."
//! ```
//!
//! Times are shown as the plain numbers the history holds (its figures are written by
//! hand, `"call": 20`), not read as nanoseconds.
//!
//! `--check` draws every figure without writing and exits 1 when a drawing on disk
//! differs from it: CI keeps the book's figures the checker's own. (The verdicts the
//! book's text relies on are checked by the book's own test, `checker/tests/book.rs`.)

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use testkit::check::causal::{Causal, Guarantee, Session};
use testkit::check::linearizable::Linearizable;
use testkit::check::sequential::Sequential;
use testkit::check::{ConsistencyCheck, Verdict};
use testkit::history::TimeUnit;
use testkit::history::json::from_json_str;
use testkit::model::ModelKind;
use testkit::report::CheckReport;

use checker_core::Status;
use checker_core::course::Course;
use checker_core::pages;

/// Where the figures are, below the course root.
const FOLDER: &str = "docs/src/figures";

/// The manifest.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    #[serde(rename = "figure", default)]
    figures: Vec<Figure>,
}

/// One figure.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    /// The file names' stem.
    pub name: String,
    /// What the history is checked for.
    pub check: String,
    /// The caption the book shows.
    pub caption: String,
}

/// Runs `checker dev figures`.
pub fn run(course: &Course, check_only: bool) -> Result<Status> {
    let folder = course.root.join(FOLDER);
    let manifest_path = folder.join("figures.toml");
    let text = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("cannot read {}", manifest_path.display()))?;
    let manifest: Manifest = toml::from_str(&text).map_err(|e| {
        let first = e.to_string().lines().next().unwrap_or_default().to_owned();
        anyhow::anyhow!("{}: {first}", manifest_path.display())
    })?;
    let mut problems = Vec::new();
    for figure in &manifest.figures {
        let svg = draw(&folder, figure)?;
        let path = folder.join(format!("{}.svg", figure.name));
        let same = std::fs::read_to_string(&path).is_ok_and(|old| old == svg);
        if check_only {
            if !same {
                problems.push(format!(
                    "{} is not the checker's drawing of {}.json: run `checker dev figures`",
                    path.display(),
                    figure.name
                ));
            }
        } else if !same {
            std::fs::write(&path, &svg)
                .with_context(|| format!("cannot write {}", path.display()))?;
            println!("drew {}", path.display());
        }
    }
    for problem in &problems {
        println!("problem: {problem}");
    }
    if problems.is_empty() {
        println!(
            "{} figure(s) {}",
            manifest.figures.len(),
            if check_only { "up to date" } else { "drawn" }
        );
        Ok(Status::Passed)
    } else {
        Ok(Status::Failed)
    }
}

/// The drawing of `figure`, with what its check found.
fn draw(folder: &Path, figure: &Figure) -> Result<String> {
    let path: PathBuf = folder.join(format!("{}.json", figure.name));
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let (history, model) =
        from_json_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let data = model.unwrap_or(ModelKind::Register);
    let checker: Option<Box<dyn ConsistencyCheck>> = match figure.check.as_str() {
        "linearizable" => Some(Box::new(Linearizable::new(data))),
        "sequential" => Some(Box::new(Sequential::new(data))),
        "causal" => Some(Box::new(Causal)),
        "read-your-writes" => Some(Box::new(Session(Guarantee::ReadYourWrites))),
        "monotonic-reads" => Some(Box::new(Session(Guarantee::MonotonicReads))),
        "monotonic-writes" => Some(Box::new(Session(Guarantee::MonotonicWrites))),
        "writes-follow-reads" => Some(Box::new(Session(Guarantee::WritesFollowReads))),
        "none" => None,
        other => bail!(
            "{}: figure {}: unknown check {other:?} (linearizable, sequential, causal, \
             read-your-writes, monotonic-reads, monotonic-writes, writes-follow-reads, none)",
            folder.join("figures.toml").display(),
            figure.name
        ),
    };
    let (verdict, name) = match &checker {
        Some(checker) => (
            checker
                .check(&history)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
            checker.name(),
        ),
        None => (Verdict::Holds, "nothing"),
    };
    // The book's histories are written by hand with small whole times (0, 10, 20): they
    // are shown as those numbers, not as nanoseconds.
    let report = CheckReport::new(figure.caption.clone(), name, &history, model, &verdict)
        .times_in(TimeUnit::Ticks);
    pages::figure(&report)
}
