//! The command line itself: no course to work on, and usage errors.

#[path = "support/run.rs"]
mod support;

use support::checker;

#[test]
fn no_arguments_outside_a_course_is_one_clear_error() {
    let scratch = support::Scratch::new();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_checker"))
        .current_dir(scratch.path(""))
        .env_remove("CONSISTENCY_LAB_ROOT")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot find the course"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(out.stdout.is_empty());
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

/// A reader that stops reading (`checker list | head -1`) ends the command quietly:
/// exit 0 and nothing on standard error, where a panic would exit 101 with a backtrace.
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    use std::os::unix::net::UnixStream;
    use std::process::Stdio;

    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    for args in [&["list", "--format", "json"][..], &["list"], &["--help"]] {
        // A pipe whose reading end is closed before the command writes anything.
        let (reader, writer) = UnixStream::pair().unwrap();
        drop(reader);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_checker"))
            .arg("--course")
            .arg(root)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::from(std::os::fd::OwnedFd::from(writer)))
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
