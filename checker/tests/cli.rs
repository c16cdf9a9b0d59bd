//! The command line itself: the overview, and usage errors.

#[path = "support/run.rs"]
mod support;

use support::checker;

#[test]
fn no_arguments_prints_an_overview_and_exits_0() {
    let run = checker(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("checker history check FILE..."),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("--model register|cas-register|kv"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn usage_errors_exit_2_and_print_nothing_on_stdout() {
    let cases: [&[&str]; 5] = [
        &["frobnicate"],
        &["history"],
        &["history", "check"],
        &["history", "check", "--budget", "lots", "x.log"],
        &["history", "check", "--format", "xml", "x.log"],
    ];
    for args in cases {
        let run = checker(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
        // Clap explains with an error, or with the help of an incomplete command.
        let explained = run.stderr.starts_with("error: ") || run.stderr.contains("Usage:");
        assert!(explained, "{args:?}: {}", run.stderr);
    }
}

#[test]
fn an_unknown_model_is_a_usage_error_that_lists_the_models() {
    let run = checker(&["history", "check", "--model", "queue", "x.log"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("'queue'"), "{}", run.stderr);
    assert!(
        run.stderr.contains("register, cas-register, kv"),
        "{}",
        run.stderr
    );
}
