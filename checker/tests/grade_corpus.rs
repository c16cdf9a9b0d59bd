//! `checker grade` on a corpus of submissions of the fixture course (one exercise, two
//! tasks worth 2 and 3 points, three hidden tests), most of them hostile: each must get
//! exactly what its code earns, the run must complete, an honest submission must get the
//! same grade with or without the others, and nothing may be written outside the
//! sandbox or reach the network.
//!
//! Without bubblewrap (see `support/grading.rs`) the corpus is graded with
//! `--no-sandbox`, and the submissions only a sandbox can stop are left out.

#[path = "support/course.rs"]
mod course;
#[path = "support/grading.rs"]
mod grading;

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use grading::{HONEST, grade, outcome, record, said, sandbox_available, submission, verdicts};

/// What a submission should get: its exercise's status, its score, and (when it ran)
/// the verdict of every hidden test.
struct Expected {
    status: &'static str,
    score: u64,
    verdict: Option<&'static str>,
}

const fn expect(status: &'static str, score: u64, verdict: Option<&'static str>) -> Expected {
    Expected {
        status,
        score,
        verdict,
    }
}

/// Both functions end the test process with success before they return.
const EXIT_ZERO: &str = "pub fn add(_: i64, _: i64) -> i64 { std::process::exit(0) }\n\
    pub fn total(_: &[i64]) -> i64 { std::process::exit(0) }\n";

/// A constructor that would end the process before `main`: it needs `unsafe`.
const CONSTRUCTOR: &str = "#![allow(unsafe_code)]\n\
    pub fn add(a: i64, b: i64) -> i64 { a + b }\n\
    pub fn total(xs: &[i64]) -> i64 { xs.iter().sum() }\n\
    extern \"C\" fn leave() { std::process::exit(0) }\n\
    #[used]\n#[unsafe(link_section = \".init_array\")]\n\
    static LEAVE: extern \"C\" fn() = leave;\n";

/// Wrong answers dressed up: `cargo test` lookalike lines on both outputs, and a forged
/// `pass` written to every report socket it can find.
const FORGED: &str = r#"
use std::io::Write;

fn forge() {
    println!("test result: ok. 3 passed; 0 failed; 0 ignored");
    eprintln!("test adds_small_numbers ... ok");
    let Ok(dirs) = std::fs::read_dir("/tmp") else { return };
    for dir in dirs.flatten() {
        let socket = dir.path().join("report.sock");
        if let Ok(mut stream) = std::os::unix::net::UnixStream::connect(&socket) {
            for name in ["adds_small_numbers", "adds_negative_numbers", "totals_a_slice"] {
                let _ = writeln!(stream, "pass 00000000000000000000000000000000 {name}");
            }
        }
    }
}

pub fn add(a: i64, b: i64) -> i64 { forge(); a - b }
pub fn total(xs: &[i64]) -> i64 { forge(); xs.len() as i64 }
"#;

const LOOP: &str = "pub fn add(_: i64, _: i64) -> i64 { loop { std::hint::spin_loop() } }\n\
    pub fn total(_: &[i64]) -> i64 { loop { std::hint::spin_loop() } }\n";

/// Processes and threads without end.
const FORK_BOMB: &str = r#"
fn bomb() -> ! {
    loop {
        let _ = std::process::Command::new("sh").args(["-c", "sleep 1000 & sleep 1000"]).spawn();
        let _ = std::thread::Builder::new().spawn(|| std::thread::park());
    }
}
pub fn add(_: i64, _: i64) -> i64 { bomb() }
pub fn total(_: &[i64]) -> i64 { bomb() }
"#;

const MEMORY_HOG: &str = r#"
fn hog() -> i64 {
    let mut kept: Vec<Vec<u8>> = Vec::new();
    loop {
        // Every page touched, so that the memory is really taken.
        let mut block = vec![0u8; 64 << 20];
        for i in (0..block.len()).step_by(4096) { block[i] = 7; }
        kept.push(block);
        if kept.len() == usize::MAX { return kept.len() as i64 }
    }
}
pub fn add(_: i64, _: i64) -> i64 { hog() }
pub fn total(_: &[i64]) -> i64 { hog() }
"#;

const FLOOD: &str = r#"
fn flood() -> ! {
    let line = "x".repeat(4096);
    loop { println!("{line}"); }
}
pub fn add(_: i64, _: i64) -> i64 { flood() }
pub fn total(_: &[i64]) -> i64 { flood() }
"#;

/// Seven more processes (the test binary started again by hand), each taking 768 MiB:
/// 6 GiB together, more than a job's control group allows, though each stays within its
/// own limits (and the machine has more).
const FORK_HOG: &str = r#"
fn hog() -> i64 {
    if std::fs::create_dir("/tmp/spawned").is_ok() {
        let me = std::env::args().next().unwrap();
        for _ in 0..7 {
            let _ = std::process::Command::new(&me)
                .args(["--run", "adds_small_numbers"])
                .stdin(std::process::Stdio::null())
                .spawn();
        }
    }
    let mut kept: Vec<Vec<u8>> = Vec::new();
    for _ in 0..12 {
        let mut block = vec![0u8; 64 << 20];
        for i in (0..block.len()).step_by(4096) { block[i] = 7; }
        kept.push(block);
    }
    loop { std::thread::park(); }
}
pub fn add(_: i64, _: i64) -> i64 { hog() }
pub fn total(_: &[i64]) -> i64 { hog() }
"#;

/// Correct code that also tries to leave marks outside its folder and reach a port of
/// the machine; `{paths}` and `{port}` are filled in by the test.
const ESCAPE: &str = r#"
fn escape() {
    for path in [{paths}] {
        let _ = std::fs::create_dir_all(std::path::Path::new(path).parent().unwrap());
        let _ = std::fs::write(path, "escaped");
    }
    let _ = std::net::TcpStream::connect(("127.0.0.1", {port}));
}
pub fn add(a: i64, b: i64) -> i64 { escape(); a + b }
pub fn total(xs: &[i64]) -> i64 { escape(); xs.iter().sum() }
"#;

/// Correct answers only when the hidden suite's binary could not be read: read, its
/// strings would come back to the student through a panic message.
const SUITE_READER: &str = r#"
fn leak() {
    let mut paths = vec![std::path::PathBuf::from("/sandbox/suite")];
    paths.extend(std::env::current_exe());
    for path in paths {
        if let Ok(bytes) = std::fs::read(&path) {
            let text = String::from_utf8_lossy(&bytes);
            let found: Vec<&str> = text.split('\0').filter(|s| s.contains("add(2, 3)")).collect();
            panic!("LEAKED from {}: {found:?}", path.display());
        }
    }
}
pub fn add(a: i64, b: i64) -> i64 { leak(); a + b }
pub fn total(xs: &[i64]) -> i64 { leak(); xs.iter().sum() }
"#;

/// The mount table at compile time would name the grader's folders.
const PROC_AT_COMPILE: &str = "const MOUNTS: &str = include_str!(\"/proc/self/mountinfo\");\n\
    pub fn add(a: i64, b: i64) -> i64 { a + b + MOUNTS.len() as i64 * 0 }\n\
    pub fn total(xs: &[i64]) -> i64 { xs.iter().sum() }\n";

/// The parts of the compiler's lifetime-extension soundness hole (as the cve-rs crate
/// packages it), with which code without `unsafe` can read and write memory it does not
/// own, and so find the harness's secret. This one only widens a lifetime and answers
/// wrongly: what matters is that the instructor is told.
const FORGE: &str = r#"
const UNIT: &&() = &&();
fn translate<'a, 'b, T: ?Sized>(_: &'a &'b (), v: &'b T) -> &'a T { v }
fn expand<'a, 'b, T: ?Sized>(x: &'a T) -> &'b T {
    let f: for<'x> fn(_, &'x T) -> &'b T = translate;
    f(UNIT, x)
}
pub fn add(a: i64, b: i64) -> i64 {
    let kept = Box::new(a - b);
    let widened: &'static i64 = expand(&*kept);
    *widened
}
pub fn total(xs: &[i64]) -> i64 { xs.len() as i64 }
"#;

/// Correct answers, after trying to fill every folder it can write: the folder of the
/// report socket (bound from the grader's own temporary folder), then its private
/// `/tmp`, with bytes and with empty files. An answer is off by one when a cap did not
/// hold, so the score says whether the sandbox kept it to its share.
const FILLER: &str = r#"
use std::io::Write;
fn fill() -> bool {
    let mut escaped = false;
    if let Ok(dirs) = std::fs::read_dir("/tmp") {
        for dir in dirs.flatten() {
            let Ok(mut file) = std::fs::File::create(dir.path().join("filler")) else { continue };
            escaped |= file.write_all(&[7u8; 1 << 20]).is_ok();
        }
    }
    let _ = std::fs::create_dir_all("/tmp/fill");
    let block = vec![7u8; 1 << 20];
    let mut written = 0u64;
    'bytes: for n in 0..16 {
        let Ok(mut file) = std::fs::File::create(format!("/tmp/fill/big{n}")) else { break };
        for _ in 0..32 {
            if file.write_all(&block).is_err() { break 'bytes; }
            written += 1 << 20;
        }
    }
    escaped |= written > 64 << 20;
    let mut files = 0;
    for n in 0..20_000 {
        if std::fs::File::create(format!("/tmp/fill/f{n}")).is_err() { break; }
        files += 1;
    }
    escaped | (files > 4096)
}
pub fn add(a: i64, b: i64) -> i64 { a + b + i64::from(fill()) }
pub fn total(xs: &[i64]) -> i64 { xs.iter().sum::<i64>() + i64::from(fill()) }
"#;

#[test]
fn every_submission_of_the_corpus_gets_exactly_what_its_code_earns() {
    let sandboxed = sandbox_available();
    let cgroups = sandboxed && grading::cgroups_available();
    let root = course::course("grade-corpus");
    let scratch = root.join("scratch");
    let submissions = scratch.join("submissions");
    let out = scratch.join("gradebook");
    let mut expected: BTreeMap<&str, Expected> = BTreeMap::new();

    submission(&submissions, "honest", HONEST);
    expected.insert("honest", expect("graded", 5, Some("passed")));
    let skeleton = std::fs::read_to_string(root.join("exercises/01_sums/src/lib.rs")).unwrap();
    submission(&submissions, "skeleton", &skeleton);
    expected.insert("skeleton", expect("graded", 0, Some("panicked")));
    submission(
        &submissions,
        "broken",
        "pub fn add(a: i64, b: i64) -> i64 { a + }\n",
    );
    expected.insert("broken", expect("does-not-compile", 0, None));
    std::fs::create_dir_all(submissions.join("missing/exercises/02_other/src")).unwrap();
    expected.insert("missing", expect("missing", 0, None));
    submission(&submissions, "exit-zero", EXIT_ZERO);
    expected.insert(
        "exit-zero",
        expect("graded", 0, Some("exited early (code 0)")),
    );
    submission(&submissions, "constructor", CONSTRUCTOR);
    expected.insert("constructor", expect("does-not-compile", 0, None));
    submission(&submissions, "forged", FORGED);
    expected.insert("forged", expect("graded", 0, Some("panicked")));
    submission(&submissions, "infinite-loop", LOOP);
    expected.insert(
        "infinite-loop",
        expect("graded", 0, Some("timed out after 5 s")),
    );
    submission(&submissions, "flood", FLOOD);
    expected.insert("flood", expect("graded", 0, Some("too much output")));
    let link = submission(&submissions, "symlink", HONEST).join("exercises/01_sums/src/lib.rs");
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(root.join("solutions/01_sums/src/lib.rs"), &link).unwrap();
    expected.insert("symlink", expect("missing", 0, None));
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let marker = build_script(&submissions, "build-script", &root, port);
    expected.insert("build-script", expect("graded", 5, Some("passed")));
    submission(&submissions, "suite-reader", SUITE_READER);
    expected.insert("suite-reader", expect("graded", 5, Some("passed")));
    submission(&submissions, "forge", FORGE);
    expected.insert("forge", expect("graded", 0, Some("panicked")));

    // What only a sandbox can stop.
    let escapes = escape_paths(&root, &submissions, &out);
    if sandboxed {
        submission(&submissions, "fork-bomb", FORK_BOMB);
        expected.insert(
            "fork-bomb",
            expect("graded", 0, Some("timed out after 5 s")),
        );
        submission(&submissions, "memory-hog", MEMORY_HOG);
        expected.insert("memory-hog", expect("graded", 0, Some("crashed (SIGABRT)")));
        if cgroups {
            submission(&submissions, "fork-hog", FORK_HOG);
            expected.insert("fork-hog", expect("graded", 0, None));
        }
        let paths: Vec<String> = escapes.iter().map(|p| format!("{p:?}")).collect();
        let port = listener.local_addr().unwrap().port().to_string();
        let code = ESCAPE
            .replace("{paths}", &paths.join(", "))
            .replace("{port}", &port);
        submission(&submissions, "escape", &code);
        expected.insert("escape", expect("graded", 5, Some("passed")));
        let suite = root.join("checker/suites/01_sums/main.rs");
        let peek = format!(
            "const SUITE: &str = include_str!({:?});\n{HONEST}\npub fn peek() -> usize {{ SUITE.len() }}\n",
            suite.display().to_string()
        );
        submission(&submissions, "reads-the-suite", &peek);
        expected.insert("reads-the-suite", expect("does-not-compile", 0, None));
        submission(&submissions, "proc-at-compile", PROC_AT_COMPILE);
        expected.insert("proc-at-compile", expect("does-not-compile", 0, None));
        // Files in /tmp are capped by a remount, which takes a sandbox started as root.
        if cgroups {
            submission(&submissions, "filler", FILLER);
            expected.insert("filler", expect("graded", 5, Some("passed")));
        }
    }

    let run = grade(
        &root,
        &submissions,
        &out,
        &["--jobs", "2", "--timeout", "5"],
        sandboxed,
    );
    assert_eq!(run.status.code(), Some(0), "{}", said(&run));
    if cgroups {
        let isolation = course::stderr(&run);
        assert!(
            isolation.contains("per job, an equal processor share (cgroup"),
            "{isolation}"
        );
    }
    for (id, want) in &expected {
        let (status, score, max) = outcome(&out, id);
        assert_eq!(
            (id, status.as_str(), score, max),
            (id, want.status, want.score, 5),
            "{}",
            said(&run)
        );
        match want.verdict {
            Some(verdict) => {
                let tests = verdicts(&out, id);
                assert_eq!(tests.len(), 3, "{id}: {tests:?}");
                for (name, got) in tests {
                    assert_eq!(got, verdict, "{id}: {name}");
                }
            }
            None if status == "graded" => {
                // Whatever ended them, every test failed.
                let tests = verdicts(&out, id);
                assert_eq!(tests.len(), 3, "{id}: {tests:?}");
                assert!(tests.iter().all(|(_, v)| v != "passed"), "{id}: {tests:?}");
            }
            None => assert!(verdicts(&out, id).is_empty(), "{id}: tests ran"),
        }
    }
    let constructor = record(&out, "constructor");
    let message = constructor["exercises"][0]["message"].as_str().unwrap();
    assert!(message.contains("unsafe"), "{message}");

    // The soundness hole cannot be stopped inside the process: it is flagged, its score
    // kept, and the summary and grades.csv say so. Honest code carries no flag.
    let kinds = |id: &str| -> Vec<String> {
        record(&out, id)["flags"]
            .as_array()
            .map(|flags| {
                flags
                    .iter()
                    .map(|f| f["kind"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert!(
        kinds("forge").iter().any(|k| k == "lifetime-extension"),
        "{:?}",
        kinds("forge")
    );
    assert!(kinds("suite-reader").iter().any(|k| k == "absolute-path"));
    assert_eq!(kinds("honest"), Vec::<String>::new());
    assert_eq!(kinds("skeleton"), Vec::<String>::new());
    let summary = course::stdout(&run);
    let forge_row = summary.lines().find(|l| l.starts_with("forge")).unwrap();
    assert!(forge_row.contains("FLAGGED"), "{summary}");
    let honest_row = summary.lines().find(|l| l.starts_with("honest")).unwrap();
    assert!(!honest_row.contains("FLAGGED"), "{summary}");
    let reader = record(&out, "suite-reader").to_string();
    assert!(!reader.contains("LEAKED"), "{reader}");

    // The gradebook lists every submission, and nothing a test printed reached it.
    let csv = std::fs::read_to_string(out.join("grades.csv")).unwrap();
    assert_eq!(csv.lines().count(), expected.len() + 1, "{csv}");
    for file in ["grades.json", "junit.xml", "grades.csv"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(
            !text.contains("test result: ok"),
            "{file} holds printed output"
        );
        assert!(
            !text.contains("xxxxxxxxxxxxxxxx"),
            "{file} holds printed output"
        );
    }

    assert!(!marker.exists(), "the build script ran");
    if sandboxed {
        for path in &escapes {
            assert!(
                !path.exists(),
                "{} was written from inside the sandbox",
                path.display()
            );
        }
        listener.set_nonblocking(true).unwrap();
        assert!(
            listener.accept().is_err(),
            "a submission reached the network"
        );
        assert_eq!(
            sandbox_processes(),
            Vec::<String>::new(),
            "processes outlived the run"
        );
        let reads = record(&out, "reads-the-suite");
        let message = reads["exercises"][0]["message"].as_str().unwrap();
        assert!(
            message.contains("couldn't read") || message.contains("No such file"),
            "{message}"
        );
        // Without /proc the compiler cannot show the grader's mount table.
        let proc = record(&out, "proc-at-compile");
        let message = proc["exercises"][0]["message"].as_str().unwrap();
        assert!(message.contains("/proc/self/mountinfo"), "{message}");
        assert!(!message.contains(&*root.to_string_lossy()), "{message}");
    }

    // The honest submission, graded alone, gets the same grade.
    let alone = scratch.join("alone");
    submission(&alone, "honest", HONEST);
    let alone_out = scratch.join("alone-gradebook");
    let run = grade(&root, &alone, &alone_out, &["--timeout", "5"], sandboxed);
    assert_eq!(run.status.code(), Some(0), "{}", said(&run));
    assert_eq!(outcome(&alone_out, "honest"), outcome(&out, "honest"));
    assert_eq!(verdicts(&alone_out, "honest"), verdicts(&out, "honest"));
}

/// A correct submission whose manifest asks for a build script (that would read the
/// hidden suite into the crate, reach `port` and leave a marker), a `[patch]`, a
/// `.cargo/config.toml` and a toolchain file, none of which the grader may honour.
/// Returns the marker's path.
fn build_script(submissions: &Path, name: &str, course: &Path, port: u16) -> PathBuf {
    let marker =
        std::env::temp_dir().join(format!("consistency-lab-build-ran-{}", std::process::id()));
    _ = std::fs::remove_file(&marker);
    let dir = submission(
        submissions,
        name,
        &format!(
            "{HONEST}\n#[cfg(cheat)]\ncompile_error!(\"the submission's config was read\");\n"
        ),
    );
    let exercise = dir.join("exercises/01_sums");
    std::fs::write(
        exercise.join("Cargo.toml"),
        "[package]\nname = \"sums\"\nversion = \"0.1.0\"\nedition = \"2024\"\nbuild = \"build.rs\"\n\n\
         [patch.crates-io]\ntokio = { path = \"/nonexistent\" }\n",
    )
    .unwrap();
    let suite = course.join("checker/suites/01_sums/main.rs");
    let build = format!(
        "fn main() {{\n\
         let suite = std::fs::read_to_string({suite:?}).unwrap_or_default();\n\
         let out = std::env::var(\"OUT_DIR\").unwrap();\n\
         std::fs::write(format!(\"{{out}}/suite.rs\"), suite).unwrap();\n\
         let _ = std::net::TcpStream::connect((\"127.0.0.1\", {port}));\n\
         std::fs::write({marker:?}, \"ran\").unwrap();\n\
         }}\n",
        suite = suite.display().to_string(),
        marker = marker.display().to_string(),
    );
    std::fs::write(exercise.join("build.rs"), build).unwrap();
    std::fs::create_dir_all(exercise.join(".cargo")).unwrap();
    std::fs::write(
        exercise.join(".cargo/config.toml"),
        "[build]\nrustflags = [\"--cfg\", \"cheat\"]\n",
    )
    .unwrap();
    std::fs::write(
        exercise.join("rust-toolchain.toml"),
        "[toolchain]\nchannel = \"nightly-2000-01-01\"\n",
    )
    .unwrap();
    marker
}

/// Places outside its folder that a submission tries to write: the course, the
/// submissions folder, its own files, the gradebook, the machine's /tmp.
fn escape_paths(root: &Path, submissions: &Path, out: &Path) -> Vec<PathBuf> {
    let tmp = std::env::temp_dir().join(format!("consistency-lab-escape-{}", std::process::id()));
    let paths = vec![
        root.join("escaped-into-the-course"),
        root.join("checker/suites/01_sums/escaped.rs"),
        submissions.join("escaped-into-the-submissions"),
        submissions.join("escape/exercises/01_sums/src/escaped.rs"),
        out.join("escaped-into-the-gradebook"),
        tmp.join("escaped-into-tmp"),
    ];
    for path in &paths {
        _ = std::fs::remove_file(path);
    }
    paths
}

/// Processes still running as one of the sandbox users (as root, each job runs its
/// sandbox as its own user from 60500 on), once those killed have had a few seconds to
/// be gone: the kernel ends a sandbox's processes after its first one, asynchronously.
fn sandbox_processes() -> Vec<String> {
    for _ in 0..50 {
        if running_as_sandbox_users().is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    running_as_sandbox_users()
}

fn running_as_sandbox_users() -> Vec<String> {
    use std::os::unix::fs::MetadataExt;
    let mut left = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let is_pid = entry
            .file_name()
            .to_string_lossy()
            .chars()
            .all(|c| c.is_ascii_digit());
        let Ok(meta) = entry.metadata() else { continue };
        if is_pid && (60500..60564).contains(&meta.uid()) {
            let cmdline = std::fs::read_to_string(entry.path().join("cmdline")).unwrap_or_default();
            left.push(format!(
                "{} {}",
                entry.file_name().to_string_lossy(),
                cmdline.replace('\0', " ")
            ));
        }
    }
    left
}
