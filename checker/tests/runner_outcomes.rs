//! How each way of ending a test is classified, run for real against the `cheats` and
//! `constructor` fixture exercises.

#[path = "fixtures/support.rs"]
mod support;

use std::process::Command;
use std::time::Duration;

use support::{Outcome, RunOptions, SuiteError, TestCase, TestResult, build};

/// Short, so the hanging fixtures cost little time.
fn options(seed: Option<u64>) -> RunOptions {
    RunOptions {
        timeout: Duration::from_secs(2),
        seed,
        ..RunOptions::default()
    }
}

fn result<'a>(results: &'a [TestResult], name: &str) -> &'a TestResult {
    results.iter().find(|r| r.name == name).unwrap()
}

#[test]
fn every_way_of_ending_a_test_but_returning_is_classified_exactly() {
    let results = build("cheats", "cheats", "cheats")
        .run_all(&options(Some(42)))
        .unwrap();
    let names: Vec<(&str, &str)> = results
        .iter()
        .map(|r| (r.task.as_str(), r.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("exit", "exits_early"),
            ("printing", "prints_a_fake_report"),
            ("hang", "spins_forever"),
            ("hang", "hangs_with_a_child"),
            ("crash", "aborts"),
            ("forgery", "forges_a_pass"),
            ("seed", "reports_the_seed"),
        ]
    );
    let outcome = |name| &result(&results, name).outcome;
    let two_seconds = Outcome::TimedOut {
        after: Duration::from_secs(2),
    };
    assert_eq!(outcome("exits_early"), &Outcome::ExitedEarly { code: 0 });
    assert_eq!(outcome("spins_forever"), &two_seconds);
    assert_eq!(outcome("hangs_with_a_child"), &two_seconds);
    assert_eq!(outcome("aborts"), &Outcome::Crashed { signal: 6 });
    assert_eq!(
        outcome("forges_a_pass"),
        &Outcome::Forged {
            reason: "a `pass` line without the run's secret".into()
        }
    );
    assert!(results.iter().all(|r| !r.outcome.passed()));
}

#[test]
fn printed_results_are_kept_as_output_and_never_believed() {
    let built = build("cheats", "cheats", "cheats");
    let result = built
        .run_named("prints_a_fake_report", &options(None))
        .unwrap();
    let Outcome::Panicked { message, location } = &result.outcome else {
        panic!("{}", result.outcome);
    };
    assert_eq!(message, "the sum is wrong");
    assert!(
        location
            .as_deref()
            .unwrap()
            .contains("exercises/cheats/src/lib.rs:")
    );
    let output = &result.output.text;
    assert!(
        output.contains("test result: ok. 1 passed; 0 failed; 0 ignored"),
        "{output}"
    );
    assert!(output.contains("panicked at"), "{output}");
    assert_eq!(result.task, "printing");
}

#[test]
fn the_seed_reaches_the_suite_and_the_default_holds_without_one() {
    let built = build("cheats", "cheats", "cheats");
    let seed_message = |seed| match built.run_named("reports_the_seed", &options(seed)) {
        Ok(TestResult {
            outcome: Outcome::Panicked { message, .. },
            ..
        }) => message,
        other => panic!("{other:?}"),
    };
    assert_eq!(seed_message(Some(42)), "seed 42");
    assert_eq!(seed_message(Some(u64::MAX)), format!("seed {}", u64::MAX));
    assert_eq!(seed_message(None), format!("seed {}", 0x00C0_FFEE));
}

/// Whether `pid` is a live process: `ps` shows nothing for a process that is gone, and
/// `Z` for one that is dead but not yet reaped.
fn alive(pid: &str) -> bool {
    let output = Command::new("ps")
        .args(["-o", "stat=", "-p", pid])
        .output()
        .unwrap();
    let state = String::from_utf8(output.stdout).unwrap();
    !state.trim().is_empty() && !state.trim().starts_with('Z')
}

#[test]
fn a_hang_is_stopped_with_every_process_it_started() {
    let built = build("cheats", "cheats", "cheats");
    let result = built
        .run_named("hangs_with_a_child", &options(None))
        .unwrap();
    assert_eq!(
        result.outcome,
        Outcome::TimedOut {
            after: Duration::from_secs(2)
        }
    );
    let output = &result.output.text;
    let pid = output
        .lines()
        .find_map(|line| line.strip_prefix("sleep pid "))
        .unwrap_or_else(|| panic!("no pid in {output:?}"));
    // The kernel finishes tearing a killed process down a moment after it stops: wait
    // for that, within a bound, rather than assume it has happened.
    let gone = (0..200).any(|_| {
        let gone = !alive(pid);
        if !gone {
            std::thread::sleep(Duration::from_millis(10));
        }
        gone
    });
    assert!(gone, "the grandchild `sleep` (pid {pid}) survived");
    // The check itself can tell a live process.
    assert!(alive(&std::process::id().to_string()));
}

#[test]
fn a_constructor_that_exits_before_main_fails_the_listing_and_every_test() {
    let built = build("constructor", "constructor", "constructor");
    let error = built.list(&options(None)).unwrap_err();
    let SuiteError::Listing { outcome, .. } = &error else {
        panic!("{error}");
    };
    assert_eq!(outcome, &Outcome::ExitedBeforeStart { code: 0 });
    assert!(error.is_student_result());
    assert!(
        error.to_string().starts_with(
            "the suite could not list its tests: the process exited with code 0 before the \
             test could start"
        ),
        "{error}"
    );
    let test = TestCase {
        task: "answer".into(),
        name: "answers".into(),
        clauses: Vec::new(),
    };
    let result = built.run_test(&test, &options(None)).unwrap();
    assert_eq!(result.outcome, Outcome::ExitedBeforeStart { code: 0 });
    assert!(built.run_all(&options(None)).is_err());
}

#[test]
fn asking_for_a_test_the_suite_lacks_is_an_error_not_a_result() {
    let built = build("cheats", "cheats", "cheats");
    let error = built.run_named("no_such_test", &options(None)).unwrap_err();
    assert!(matches!(error, SuiteError::NoSuchTest { .. }), "{error}");
    assert!(!error.is_student_result());
    assert_eq!(
        error.to_string(),
        "the suite has no test called `no_such_test` (its tests: exits_early, \
         prints_a_fake_report, spins_forever, hangs_with_a_child, aborts, forges_a_pass, \
         reports_the_seed)"
    );
}
