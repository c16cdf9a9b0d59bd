//! Conformance with a trusted checker: every history listed in
//! `../shared/data/porcupine/EXPECTED.tsv` must get the verdict listed there.
//!
//! The data sits beside the project, not in it, so this test runs only where that folder
//! exists and prints plainly that it skipped otherwise. The checkers' own tests, which
//! always run, are in `linearizability.rs` and `sequential.rs`.

use std::path::PathBuf;

use testkit::check::ConsistencyCheck;
use testkit::check::linearizable::Linearizable;
use testkit::formats;
use testkit::model::ModelKind;

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

#[test]
fn shared_histories_get_the_trusted_verdicts() {
    let dir = data_dir();
    let Ok(table) = std::fs::read_to_string(dir.join("EXPECTED.tsv")) else {
        eprintln!(
            "SKIPPED: {} not found; the conformance check did not run",
            dir.display()
        );
        return;
    };
    let mut checked = 0;
    let mut wrong = Vec::new();
    for line in table.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [file, model, expected] = fields[..] else {
            panic!("EXPECTED.tsv: malformed line {line:?}");
        };
        let model: ModelKind = model.parse().unwrap();
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let (history, _) = formats::parse(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let verdict = Linearizable::new(model).check(&history).unwrap();
        let got = match () {
            _ if verdict.holds() => "linearizable",
            _ if verdict.violation().is_some() => "not-linearizable",
            _ => "unknown",
        };
        if got != expected {
            wrong.push(format!("{file}: expected {expected}, got {got}"));
        }
        checked += 1;
    }
    assert!(
        wrong.is_empty(),
        "{} of {checked} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(checked >= 100, "only {checked} files listed");
    eprintln!("conformance: {checked} shared histories got their trusted verdicts");
}
