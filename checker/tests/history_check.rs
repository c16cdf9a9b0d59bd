//! `checker history check` run as a user runs it, on small files in a temporary directory.
//!
//! Tests marked "needs the search" depend on the linearizability search giving the right
//! verdict; the others hold whatever the search answers.

#[path = "support/run.rs"]
mod support;

use serde_json::Value;
use support::{Scratch, checker, jepsen};

/// Linearizable: a nil read, a cas that swaps, a cas that fails because the value
/// differs, a timed-out read and a write of unknown outcome; tabs and runs of spaces.
fn good_log() -> String {
    [
        jepsen(0, "invoke", "read", "nil"),
        jepsen(0, "ok", "read", "nil"),
        jepsen(1, "invoke", "write", "1"),
        jepsen(1, "ok", "write", "1"),
        jepsen(2, "invoke", "cas", "[1 2]"),
        "INFO  jepsen.util - 2   :ok     :cas    [1 2]\n".to_owned(),
        jepsen(3, "invoke", "cas", "[1 3]"),
        jepsen(3, "fail", "cas", "[1 3]"),
        jepsen(0, "invoke", "read", "nil"),
        jepsen(0, "fail", "read", ":timed-out"),
        jepsen(4, "invoke", "write", "5"),
        jepsen(4, "info", "write", ":timed-out"),
        jepsen(0, "invoke", "read", "nil"),
        jepsen(0, "ok", "read", "2"),
    ]
    .concat()
}

/// Not linearizable: a read returns 1 after 2 overwrote it.
fn stale_read_log() -> String {
    [
        jepsen(0, "invoke", "write", "1"),
        jepsen(0, "ok", "write", "1"),
        jepsen(1, "invoke", "write", "2"),
        jepsen(1, "ok", "write", "2"),
        jepsen(0, "invoke", "read", "nil"),
        jepsen(0, "ok", "read", "1"),
    ]
    .concat()
}

/// One EDN key-value line.
fn kv(process: u32, kind: &str, f: &str, key: &str, value: &str) -> String {
    format!("{{:process {process}, :type :{kind}, :f :{f}, :key \"{key}\", :value {value}}}\n")
}

/// A key-value log whose last read on "a" returns `read`; linearizable only for `x"yz`.
fn kv_log(read: &str) -> String {
    [
        kv(0, "invoke", "put", "a", r#""x\"y""#),
        kv(0, "ok", "put", "a", r#""x\"y""#),
        kv(1, "invoke", "append", "a", r#""z""#),
        kv(1, "ok", "append", "a", r#""z""#),
        kv(0, "invoke", "get", "b", "nil"),
        kv(0, "ok", "get", "b", r#""""#),
        kv(0, "invoke", "get", "a", "nil"),
        kv(0, "ok", "get", "a", read),
    ]
    .concat()
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Needs the search.
#[test]
fn a_linearizable_log_exits_0() {
    let dir = Scratch::new();
    let file = dir.file("good.log", &good_log());
    let run = checker(&["history", "check", &file]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.starts_with(&format!("{file}  linearizable  (")),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.lines().count(), 1);
    assert!(!run.stdout.contains('\x1b'), "no colour without a terminal");
}

/// Needs the search.
#[test]
fn a_stale_read_exits_1_with_the_evidence() {
    let dir = Scratch::new();
    let file = dir.file("stale.log", &stale_read_log());
    let run = checker(&["history", "check", &file]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let out = &run.stdout;
    assert!(
        out.starts_with(&format!("{file}  not linearizable  (")),
        "{out}"
    );
    assert!(out.contains("longest legal order: 2 operations\n"), "{out}");
    assert!(out.contains("state after it: 2\n"), "{out}");
    assert!(
        out.contains("client 0 r:1, called at line 5, returned at line 6"),
        "{out}"
    );
    assert_eq!(run.stderr, "");
}

/// Needs the search.
#[test]
fn a_failed_cas_is_wrong_where_the_value_matched() {
    let dir = Scratch::new();
    let log = [
        jepsen(0, "invoke", "write", "1"),
        jepsen(0, "ok", "write", "1"),
        jepsen(1, "invoke", "cas", "[1 2]"),
        jepsen(1, "fail", "cas", "[1 2]"),
    ]
    .concat();
    let bad = dir.file("bad.log", &log);
    let good = dir.file("good.log", &log.replace("[1 2]", "[3 2]"));
    assert_eq!(checker(&["history", "check", &bad]).code, 1);
    assert_eq!(checker(&["history", "check", &good]).code, 0);
}

/// Needs the search.
#[test]
fn key_value_logs_are_checked_with_the_kv_model() {
    let dir = Scratch::new();
    let good = dir.file("ok.txt", &kv_log(r#""x\"yz""#));
    let bad = dir.file("bad.txt", &kv_log(r#""x\"y""#));
    let run = checker(&["history", "check", "--format", "json", &good, &bad]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines = json_lines(&run.stdout);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["model"], "kv");
    assert_eq!(lines[0]["verdict"], "linearizable");
    assert_eq!(lines[1]["verdict"], "not-linearizable");
    assert_eq!(lines[1]["evidence"]["blocked"][0]["op"], r#"a.r:"x\"y""#);
    assert_eq!(lines[1]["evidence"]["state"], r#""x\"yz""#);
}

/// Needs the search.
#[test]
fn json_lines_carry_the_verdict_and_its_evidence() {
    let dir = Scratch::new();
    let file = dir.file("stale.log", &stale_read_log());
    let run = checker(&["history", "check", "--format", "json", &file]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines = json_lines(&run.stdout);
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    assert_eq!(line["file"], file.as_str());
    assert_eq!(line["model"], "cas-register");
    assert_eq!(line["verdict"], "not-linearizable");
    assert_eq!(line["ops"], 3);
    assert!(line["ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{line}");
    let evidence = &line["evidence"];
    assert_eq!(evidence["broken"], "linearizability");
    assert!(evidence["summary"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(evidence["state"], "2");
    assert_eq!(evidence["prefix"].as_array().map(Vec::len), Some(2));
    let blocked = &evidence["blocked"][0];
    assert_eq!(
        (&blocked["op"], &blocked["call"], &blocked["ret"]),
        (&"r:1".into(), &5.into(), &6.into())
    );
}

#[test]
fn an_undecided_check_is_a_failure() {
    let dir = Scratch::new();
    let file = dir.file("good.log", &good_log());
    let run = checker(&[
        "history", "check", "--budget", "0", "--format", "json", &file,
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let line = &json_lines(&run.stdout)[0];
    assert_eq!(line["verdict"], "unknown");
    assert!(
        line["reason"].as_str().is_some_and(|r| !r.is_empty()),
        "{line}"
    );
    assert_eq!(line["ops"], 7);
}

#[test]
fn the_model_flag_overrides_the_format() {
    let dir = Scratch::new();
    let file = dir.file("rw.log", &stale_read_log());
    let run = checker(&[
        "history", "check", "--model", "register", "--format", "json", &file,
    ]);
    assert_ne!(run.code, 2, "{}", run.stderr);
    assert_eq!(json_lines(&run.stdout)[0]["model"], "register");
}

#[test]
fn an_empty_log_holds_without_a_model() {
    let dir = Scratch::new();
    let file = dir.file("empty.log", "");
    let run = checker(&["history", "check", "--format", "json", &file]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let line = &json_lines(&run.stdout)[0];
    assert_eq!(
        (&line["verdict"], &line["model"], &line["ops"]),
        (&"linearizable".into(), &Value::Null, &0.into())
    );
}

#[test]
fn json_histories_use_their_model_or_need_one() {
    let dir = Scratch::new();
    let ops = r#""ops": [{"client": 0, "f": "write", "value": 1, "call": 0, "return": 1, "outcome": "ok"}]"#;
    let head = r#""format": "consistency-lab-history", "version": 1"#;
    let named = dir.file(
        "named.json",
        &format!("{{{head}, \"model\": \"register\", {ops}}}"),
    );
    let run = checker(&["history", "check", "--format", "json", &named]);
    assert_eq!(
        json_lines(&run.stdout)[0]["model"],
        "register",
        "{}",
        run.stderr
    );

    let unnamed = dir.file("unnamed.json", &format!("{{{head}, {ops}}}"));
    let run = checker(&["history", "check", &unnamed]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!(
            "error: {unnamed}: no model given and the file does not name one; \
             pass --model register|cas-register|kv\n"
        )
    );
    let run = checker(&["history", "check", "--model", "kv", &unnamed]);
    assert_ne!(run.code, 2, "{}", run.stderr);
}

/// Runs a check on `text` and expects exit code 2, nothing on stdout and exactly one
/// error line `error: FILE:` followed by `rest`.
fn assert_input_error(text: &str, rest: &str) {
    let dir = Scratch::new();
    let file = dir.file("bad.log", text);
    let run = checker(&["history", "check", &file]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, format!("error: {file}:{rest}\n"));
}

#[test]
fn a_malformed_line_is_named() {
    let log = jepsen(0, "invoke", "read", "nil") + &jepsen(0, "oops", "read", "nil");
    assert_input_error(
        &log,
        "2: expected ':invoke', ':ok', ':fail' or ':info', found ':oops'",
    );
    let edn = kv(0, "invoke", "get", "a", "nil")
        + "{:process 0, :type :ok, :f :get, :key \"a\", :value \"x}\n";
    assert_input_error(&edn, "2: the string opened at column 51 is not closed");
    assert_input_error(
        "hello\n",
        "1: expected a JSON history (an object with \"ops\"), a Jepsen log (lines with 'jepsen.util') or a key-value log (lines starting with '{:')",
    );
}

#[test]
fn a_return_without_a_call_is_named() {
    let log = jepsen(0, "invoke", "read", "nil") + &jepsen(4, "ok", "read", "nil");
    assert_input_error(&log, "2: process 4 returns but has no open call");
}

#[test]
fn two_open_calls_of_one_process_are_named() {
    let log = jepsen(3, "invoke", "read", "nil") + &jepsen(3, "invoke", "write", "1");
    assert_input_error(
        &log,
        "2: process 3 calls again while its operation from line 1 is open",
    );
}

#[test]
fn an_unreadable_file_is_named() {
    let dir = Scratch::new();
    let missing = dir.path("missing.log");
    let run = checker(&["history", "check", &missing]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .starts_with(&format!("error: {missing}: cannot read it: ")),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1);
}

#[test]
fn a_model_that_cannot_judge_the_file_is_an_input_error() {
    let dir = Scratch::new();
    let file = dir.file("cas.log", &good_log());
    let run = checker(&["history", "check", "--model", "register", &file]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.starts_with(&format!("error: {file}: ")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("register model has no cas"),
        "{}",
        run.stderr
    );
}

#[test]
fn one_bad_file_stops_the_run_before_any_verdict() {
    let dir = Scratch::new();
    let good = dir.file("good.log", &good_log());
    let orphan = dir.file("orphan.log", &jepsen(4, "ok", "read", "nil"));
    let missing = dir.path("missing.log");
    let run = checker(&[
        "history", "check", &good, &orphan, &missing, "--format", "json",
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "", "no verdict for the good file");
    let errors: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(errors.len(), 2, "{}", run.stderr);
    assert_eq!(
        errors[0],
        format!("error: {orphan}:1: process 4 returns but has no open call")
    );
    assert!(
        errors[1].starts_with(&format!("error: {missing}: ")),
        "{}",
        errors[1]
    );
}

#[test]
fn html_draws_each_history_as_a_page_of_its_own() {
    let dir = Scratch::new();
    let stale = dir.file("stale.log", &stale_read_log());
    let page = dir.path("stale.html");
    let run = checker(&["history", "check", "--html", &page, &stale]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("drawn in {page}")),
        "{}",
        run.stderr
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<h1>linearizability violated</h1>"), "{html}");
    // Client 0's read of 1 (op 2) cannot follow w(1), w(2).
    assert!(
        html.contains("class=\"op culprit\" data-op=\"2\""),
        "{html}"
    );

    // Several files: a folder of pages, the linearizable one drawn too.
    let good = dir.file("good.log", &good_log());
    let folder = dir.path("pages");
    let run = checker(&["history", "check", "--html", &folder, &stale, &good]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let good_page = std::fs::read_to_string(format!("{folder}/good.html")).unwrap();
    assert!(
        good_page.contains("<h1>linearizability holds</h1>"),
        "{good_page}"
    );
    assert!(!good_page.contains("culprit\" data-op"), "{good_page}");
    assert!(std::path::Path::new(&format!("{folder}/stale.html")).is_file());
}

/// A JSON history of `ops` (one object each), naming no model.
fn json_history(ops: &[&str]) -> String {
    format!(
        r#"{{"format": "consistency-lab-history", "version": 1, "ops": [{}]}}"#,
        ops.join(", ")
    )
}

fn write_op(client: u32, value: i64, call: u64, ret: u64) -> String {
    format!(
        r#"{{"client": {client}, "f": "write", "value": {value}, "call": {call}, "return": {ret}, "outcome": "ok"}}"#
    )
}

fn read_op(client: u32, value: &str, call: u64, ret: u64) -> String {
    format!(
        r#"{{"client": {client}, "f": "read", "value": {value}, "call": {call}, "return": {ret}, "outcome": "ok"}}"#
    )
}

/// Runs `history check --consistency C` on `file` for each (C, exit code, verdict word)
/// and checks the line each prints.
fn assert_verdicts(file: &str, expected: &[(&str, i32, &str)]) {
    for &(consistency, code, word) in expected {
        let run = checker(&["history", "check", "--consistency", consistency, file]);
        assert_eq!(
            run.code, code,
            "{consistency}: {}{}",
            run.stdout, run.stderr
        );
        assert!(
            run.stdout.starts_with(&format!("{file}  {word}  (")),
            "{consistency}: {}",
            run.stdout
        );
    }
}

/// Needs the search. A read of a value another client had already overwritten: only
/// the models with real time rule it out.
#[test]
fn the_consistency_flag_picks_the_model_checked() {
    let dir = Scratch::new();
    let file = dir.file("stale.log", &stale_read_log());
    assert_verdicts(
        &file,
        &[
            ("linearizable", 1, "not linearizable"),
            ("sequential", 0, "sequentially consistent"),
            ("causal", 0, "causally consistent"),
            ("causal-memory", 0, "causal memory"),
            ("read-your-writes", 0, "keeps read-your-writes"),
            ("session-guarantees", 0, "keeps session-guarantees"),
        ],
    );
    // The default is linearizability.
    let run = checker(&["history", "check", &file]);
    assert!(run.stdout.starts_with(&format!("{file}  not linearizable")));
}

/// A client reads nil after its own write returned: every model is broken, and each
/// says so in its own words, with evidence under its own name.
#[test]
fn a_read_that_misses_its_own_write_breaks_every_model() {
    let dir = Scratch::new();
    let file = dir.file(
        "ryw.json",
        &json_history(&[&write_op(0, 1, 0, 10), &read_op(0, "null", 20, 30)]),
    );
    assert_verdicts(
        &file,
        &[
            ("causal", 1, "not causally consistent"),
            ("read-your-writes", 1, "breaks read-your-writes"),
            ("monotonic-reads", 0, "keeps monotonic-reads"),
            ("session-guarantees", 1, "breaks session-guarantees"),
        ],
    );
    let run = checker(&[
        "history",
        "check",
        "--consistency",
        "read-your-writes",
        "--format",
        "json",
        &file,
    ]);
    let line = &json_lines(&run.stdout)[0];
    assert_eq!(line["consistency"], "read-your-writes");
    assert_eq!(line["verdict"], "breaks-read-your-writes");
    assert_eq!(line["evidence"]["broken"], "read-your-writes");
    assert_eq!(line["model"], Value::Null, "no model named or needed");
    // The searches need a model, which this file does not name.
    let run = checker(&["history", "check", "--consistency", "sequential", &file]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

/// Two concurrent writes and a reader that sees 1, 2, 1: the course's causal check lets
/// it through, causal memory does not.
#[test]
fn causal_memory_is_stricter_than_the_weak_causal_check() {
    let dir = Scratch::new();
    let file = dir.file(
        "one-two-one.json",
        &json_history(&[
            &write_op(0, 1, 0, 10),
            &write_op(1, 2, 0, 10),
            &read_op(2, "1", 20, 30),
            &read_op(2, "2", 40, 50),
            &read_op(2, "1", 60, 70),
        ]),
    );
    assert_verdicts(
        &file,
        &[
            ("causal", 0, "causally consistent"),
            ("causal-memory", 1, "not causal memory"),
        ],
    );
    let run = checker(&["history", "check", "--consistency", "causal-memory", &file]);
    assert!(
        run.stdout.contains("client 2's reads fit no single order"),
        "{}",
        run.stdout
    );
}

/// The causal checks need each value written once per key; a file that breaks that is
/// an input error naming the file, with no verdict.
#[test]
fn a_value_written_twice_is_an_input_error_for_the_causal_checks() {
    let dir = Scratch::new();
    let file = dir.file(
        "twice.json",
        &json_history(&[&write_op(0, 1, 0, 10), &write_op(1, 1, 20, 30)]),
    );
    let run = checker(&["history", "check", "--consistency", "causal", &file]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .starts_with(&format!("error: {file}: value 1 is written by both")),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1);
}

/// Needs the search. The generator's two planted violations, at the scale of a test run:
/// a new client's stale read breaks linearizability only; a client reading its own
/// first change after its second breaks every model.
#[test]
fn generated_violations_break_the_models_they_are_planted_for() {
    let dir = Scratch::new();
    let generated = |name: &str, plant: &str| {
        let file = dir.path(name);
        let line = [
            "history",
            "gen",
            "--clients",
            "8",
            "--ops-per-client",
            "60",
            "--violation",
            "--plant",
            plant,
            "--format",
            "json",
            "-o",
            &file,
        ];
        let run = checker(&line);
        assert_eq!(run.code, 0, "{}", run.stderr);
        file
    };
    let stale = generated("stale.json", "stale-read");
    assert_verdicts(
        &stale,
        &[
            ("linearizable", 1, "not linearizable"),
            ("sequential", 0, "sequentially consistent"),
            ("causal", 0, "causally consistent"),
            ("read-your-writes", 0, "keeps read-your-writes"),
        ],
    );
    let own = generated("own.json", "own-stale-read");
    assert_verdicts(
        &own,
        &[
            ("linearizable", 1, "not linearizable"),
            ("sequential", 1, "not sequentially consistent"),
            ("causal", 1, "not causally consistent"),
            ("read-your-writes", 1, "breaks read-your-writes"),
        ],
    );
}

/// A history kept beside a failed check's page names the property it was checked for;
/// checking the file again checks that property unless `--consistency` says otherwise.
#[test]
fn a_file_that_names_its_consistency_is_checked_for_it() {
    let dir = Scratch::new();
    let ops = [write_op(0, 1, 0, 10), read_op(0, "null", 20, 30)];
    let named = |name: &str| {
        json_history(&[&ops[0], &ops[1]]).replacen(
            r#""version": 1,"#,
            &format!(r#""version": 1, "consistency": "{name}","#),
            1,
        )
    };
    // By the property's name, as reports give it, or as --consistency takes it.
    for name in ["read-your-writes", "causal-consistency", "causal"] {
        let file = dir.file("kept.history.json", &named(name));
        let run = checker(&["history", "check", "--format", "json", &file]);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        let line = &json_lines(&run.stdout)[0];
        let expected = match name {
            "read-your-writes" => "read-your-writes",
            _ => "causal",
        };
        assert_eq!(line["consistency"], expected, "{name}");
    }
    // The flag wins: linearizability needs a model, which this file does not name.
    let file = dir.file("kept.history.json", &named("read-your-writes"));
    let run = checker(&[
        "history",
        "check",
        "--consistency",
        "monotonic-reads",
        &file,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("keeps monotonic-reads"),
        "{}",
        run.stdout
    );
    // A name this checker does not know is an input error naming the file.
    let file = dir.file("odd.history.json", &named("eventual"));
    let run = checker(&["history", "check", &file]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.starts_with(&format!(
            "error: {file}: the file names the consistency model \"eventual\""
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("pass --consistency linearizable|"),
        "{}",
        run.stderr
    );
}
