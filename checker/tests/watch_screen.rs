//! The watch mode as a student sees it: the real `checker` in a pseudo-terminal (`script`
//! from util-linux, sized with `stty`), its output read back into a screen of rows by a
//! terminal emulator (vt100), on the fixture course.
//!
//! Every test waits for the screen it expects to appear; the deadline only catches a
//! watch mode that hangs (the first check of a fresh fixture builds its libraries, which
//! takes minutes on a loaded machine). Nothing waits for a fixed time.

#![cfg(target_os = "linux")]

#[path = "support/course.rs"]
mod course;

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use course::{course, shared_target, two_exercises};

/// How long any one screen may take to appear before the test calls it a hang.
const DEADLINE: Duration = Duration::from_secs(600);

/// What the terminal shows and whether its output has ended, with a signal for each
/// change.
type Shared = Arc<(Mutex<Term>, Condvar)>;

struct Term {
    parser: vt100::Parser,
    ended: bool,
    /// Inside a synchronized update (DEC mode 2026, which the watch mode puts around each
    /// frame): the screen holds half of a frame over the last one, and is not looked at.
    drawing: bool,
    /// The last bytes read, for a mode sequence cut between two reads.
    tail: Vec<u8>,
    /// How many synchronized updates have ended.
    updates: usize,
}

/// The sequences that begin and end a synchronized update.
const BEGIN_UPDATE: &[u8] = b"\x1b[?2026h";
const END_UPDATE: &[u8] = b"\x1b[?2026l";

impl Term {
    /// Feeds what the terminal read to the screen, following the synchronized updates.
    fn process(&mut self, bytes: &[u8]) {
        self.parser.process(bytes);
        let mut seen = std::mem::take(&mut self.tail);
        seen.extend_from_slice(bytes);
        let last = |needle: &[u8]| seen.windows(needle.len()).rposition(|w| w == needle);
        self.updates += seen
            .windows(END_UPDATE.len())
            .filter(|w| *w == END_UPDATE)
            .count();
        match (last(BEGIN_UPDATE), last(END_UPDATE)) {
            (Some(begin), Some(end)) => self.drawing = begin > end,
            (Some(_), None) => self.drawing = true,
            (None, Some(_)) => self.drawing = false,
            (None, None) => {}
        }
        let keep = seen.len().saturating_sub(BEGIN_UPDATE.len() - 1);
        self.tail = seen.split_off(keep);
    }
}

/// The watch mode running in a pseudo-terminal of a given size.
struct Tty {
    child: Child,
    keys: ChildStdin,
    screen: Shared,
    /// The file the pseudo-terminal's name is written to, for resizing it.
    name: std::path::PathBuf,
    /// The checker's temporary directory (`TMPDIR`), its own, removed on drop.
    tmp: std::path::PathBuf,
}

impl Tty {
    /// Starts `checker` on the course at `root` in a `columns` x `rows` terminal.
    fn start(root: &Path, columns: u16, rows: u16) -> Tty {
        let name = root.join("tty-name");
        let command = format!(
            "tty > '{}' && stty cols {columns} rows {rows} && exec '{}' --course '{}'",
            name.display(),
            env!("CARGO_BIN_EXE_checker"),
            root.display()
        );
        // Short, under the system's own: a socket's path must fit in about 100 bytes.
        let leaf = root.file_name().unwrap().to_string_lossy();
        let tmp = std::env::temp_dir().join(format!("{leaf}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp).unwrap();
        let mut child = Command::new("script")
            .args(["-qfec", &command, "/dev/null"])
            .env("CARGO_TARGET_DIR", shared_target())
            .env("TMPDIR", &tmp)
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("script (util-linux) starts");
        let size = |n: u16| NonZeroU16::new(n).unwrap();
        let screen: Shared = Arc::new((
            Mutex::new(Term {
                parser: vt100::Parser::new(size(rows), size(columns), 0),
                ended: false,
                drawing: false,
                tail: Vec::new(),
                updates: 0,
            }),
            Condvar::new(),
        ));
        let mut out = child.stdout.take().unwrap();
        let sink = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.0.lock().unwrap().process(&buf[..n]);
                sink.1.notify_all();
            }
            sink.0.lock().unwrap().ended = true;
            sink.1.notify_all();
        });
        let keys = child.stdin.take().unwrap();
        Tty {
            child,
            keys,
            screen,
            name,
            tmp,
        }
    }

    /// What the checker left in its temporary directory whose name starts with `prefix`.
    fn left_in_tmp(&self, prefix: &str) -> Vec<String> {
        std::fs::read_dir(&self.tmp)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(prefix))
            .collect()
    }

    /// Gives the terminal a new size, as a window resized by its user: the process in it
    /// gets SIGWINCH.
    fn resize(&mut self, columns: u16, rows: u16) {
        let name = std::fs::read_to_string(&self.name).unwrap();
        let size = |n: u16| NonZeroU16::new(n).unwrap();
        // Held while the size changes, so that nothing drawn for the new size is read
        // at the old one.
        let mut term = self.screen.0.lock().unwrap();
        term.parser.set_size(size(rows), size(columns));
        let status = Command::new("stty")
            .args(["-F", name.trim()])
            .args(["cols", &columns.to_string(), "rows", &rows.to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "stty -F {name} failed");
    }

    /// Waits until the screen's rows satisfy `ready`, and returns them; `what` says what
    /// was awaited when it never comes.
    fn wait(&self, what: &str, ready: impl Fn(&[String]) -> bool) -> Vec<String> {
        let deadline = Instant::now() + DEADLINE;
        let mut term = self.screen.0.lock().unwrap();
        loop {
            let shown = rows(term.parser.screen());
            if (!term.drawing || term.ended) && ready(&shown) {
                return shown;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                // Let go of the screen first: its reader would find it poisoned.
                drop(term);
                panic!(
                    "the screen never showed {what}; it shows:\n{}",
                    shown.join("\n")
                );
            }
            term = self.screen.1.wait_timeout(term, left).unwrap().0;
        }
    }

    /// Waits for the first check of the exercise to be on the screen.
    fn checked(&self, exercise: &str) -> Vec<String> {
        self.wait(&format!("a finished check of {exercise}"), |rows| {
            rows[0].starts_with(exercise)
                && !rows
                    .iter()
                    .any(|r| r.contains("not checked") || r.starts_with("checking"))
                && rows.iter().any(|r| r.starts_with("saving a file"))
        })
    }

    /// Types `keys`.
    fn press(&mut self, keys: &[u8]) {
        self.keys.write_all(keys).unwrap();
        self.keys.flush().unwrap();
    }

    /// Whether the terminal shows the alternate screen.
    fn alternate(&self) -> bool {
        self.screen
            .0
            .lock()
            .unwrap()
            .parser
            .screen()
            .alternate_screen()
    }

    /// Waits for the terminal's output to end, then for the process.
    fn exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + DEADLINE;
        let mut term = self.screen.0.lock().unwrap();
        while !term.ended {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                let shown = rows(term.parser.screen());
                drop(term);
                panic!("the watch mode did not end:\n{}", shown.join("\n"));
            }
            term = self.screen.1.wait_timeout(term, left).unwrap().0;
        }
        drop(term);
        self.child.wait().unwrap()
    }
}

impl Drop for Tty {
    fn drop(&mut self) {
        // Ending `script` hangs up its terminal, which ends the checker in it.
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.tmp);
    }
}

fn rows(screen: &vt100::Screen) -> Vec<String> {
    screen.rows(0, screen.size().1.get()).collect()
}

/// The progress file's current exercise.
fn current(root: &Path) -> String {
    let text = std::fs::read_to_string(root.join(".checker/progress.json")).unwrap();
    let progress: serde_json::Value = serde_json::from_str(&text).unwrap();
    progress["current"].as_str().unwrap_or_default().to_owned()
}

/// Replaces the body of `add` in the fixture course at `root`.
fn set_add(root: &Path, body: &str) {
    let lib = root.join("exercises/01_sums/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    let text = text.replace(
        "    // TODO: return the sum.\n    todo!(\"add {a} and {b}\")",
        body,
    );
    std::fs::write(lib, text).unwrap();
}

/// An `add` that is wrong and prints a long story: a line of 60 numbered words (wider
/// than any terminal here), then twelve short lines. Both failing tests of task `add`
/// show all of it, so the explanation is longer than the screen.
const LONG_FAILURE: &str = "    let words: Vec<String> = (1..=60).map(|i| format!(\"w{i:03}\")).collect();\n    println!(\"{}\", words.join(\" \"));\n    for i in 0..12 {\n        println!(\"step {i}: the register was read\");\n    }\n    a - b";

/// The rows of a failing check with a long explanation, at one size: the header first,
/// the tasks under it, the keys last, whatever the length of the explanation.
fn a_long_failure_keeps_the_frame(test: &str, columns: u16, rows: u16) {
    let root = course(test);
    set_add(&root, LONG_FAILURE);
    let tty = Tty::start(&root, columns, rows);
    let shown = tty.wait("the explanation of add", |rows| {
        rows.iter()
            .any(|r| r.starts_with("x adds_small_numbers: panicked"))
    });
    let all = shown.join("\n");
    assert_eq!(shown.len(), usize::from(rows));
    // Every frame is one synchronized update, so no terminal shows one half drawn.
    assert!(tty.screen.0.lock().unwrap().updates >= 2, "{all}");
    assert!(tty.alternate(), "{all}");
    assert!(
        shown[0].starts_with("01_sums  0/5 points") && shown[0].contains("course ["),
        "{all}"
    );
    assert!(
        shown[1].contains("failing") && shown[1].contains("add"),
        "{all}"
    );
    assert!(
        shown[2].contains("not started") && shown[2].contains("total"),
        "{all}"
    );
    let last = &shown[usize::from(rows) - 1];
    assert!(
        last.starts_with("h hint  l list  n next  p previous"),
        "{all}"
    );
    let position = &shown[usize::from(rows) - 2];
    assert!(position.starts_with("lines 1-"), "{all}");
    assert!(
        position.contains("PgUp/PgDn"),
        "the body is longer than the screen:\n{all}"
    );
    // The task not started takes no room beyond its row and one line of the body.
    assert!(!all.contains("not yet implemented"), "{all}");
}

#[test]
fn a_long_failure_keeps_the_header_first_and_the_keys_last_at_80x24() {
    a_long_failure_keeps_the_frame("watch-frame-80", 80, 24);
}

#[test]
fn a_long_failure_keeps_the_header_first_and_the_keys_last_at_120x40() {
    a_long_failure_keeps_the_frame("watch-frame-120", 120, 40);
}

#[test]
fn j_and_page_down_scroll_the_body_and_the_header_stays() {
    let root = course("watch-scroll");
    set_add(&root, LONG_FAILURE);
    let mut tty = Tty::start(&root, 80, 24);
    let before = tty.wait("the explanation of add", |rows| {
        rows[4].starts_with("add: ") && rows[22].starts_with("lines 1-18 of ")
    });
    tty.press(b"j");
    let after = tty.wait("the body one row further", |rows| {
        rows[22].starts_with("lines 2-19 of ")
    });
    assert_eq!(after[..4], before[..4], "the header and the tasks stay");
    assert_eq!(after[4..21], before[5..22], "the body moved up one row");
    assert_eq!(after[23], before[23], "the keys stay");
    tty.press(b"\x1b[6~");
    let paged = tty.wait("the body a page further", |rows| {
        rows[22].starts_with("lines 20-37 of ")
    });
    assert_eq!(paged[..4], before[..4]);
    assert_eq!(paged[23], before[23]);
    tty.press(b"k");
    let back = tty.wait("the body one row back", |rows| {
        rows[22].starts_with("lines 19-36 of ")
    });
    assert_eq!(
        back[4], after[21],
        "a page down starts after the last row shown"
    );
}

#[test]
fn h_opens_the_hints_of_the_first_task_not_done_and_esc_closes_them() {
    let root = course("watch-hints");
    set_add(&root, "    a + b");
    let mut tty = Tty::start(&root, 80, 24);
    let before = tty.checked("01_sums");
    assert!(
        before[1].contains("done") && before[1].contains("add"),
        "{}",
        before.join("\n")
    );
    tty.press(b"h");
    let shown = tty.wait("the hints panel", |rows| {
        rows.iter().any(|r| r.starts_with("Hints (Esc or h closes"))
    });
    let all = shown.join("\n");
    assert!(
        all.contains("Hint 1 of 1 for task total of 01_sums:"),
        "{all}"
    );
    assert!(all.contains("Iterator::sum adds up a slice."), "{all}");
    assert!(
        !all.contains("task add"),
        "add is done: no hint about it\n{all}"
    );
    assert_eq!(shown[..4], before[..4], "the header and the tasks stay");
    assert!(shown[23].starts_with("Esc or h close"), "{all}");
    tty.press(b"\x1b");
    let closed = tty.wait("the check again", |rows| {
        !rows.iter().any(|r| r.starts_with("Hints ("))
    });
    assert_eq!(closed, before, "Esc brings back the screen as it was");
}

#[test]
fn l_down_and_enter_go_to_the_second_exercise_and_p_comes_back() {
    let root = two_exercises("watch-list");
    let mut tty = Tty::start(&root, 80, 24);
    tty.checked("01_sums");
    tty.press(b"l");
    tty.wait("the list, its cursor on 01_sums", |rows| {
        rows.iter().any(|r| r.starts_with("→ > 01_sums"))
    });
    tty.press(b"\x1b[B");
    tty.wait("the cursor on 02_words", |rows| {
        rows.iter().any(|r| r.starts_with("→   02_words"))
    });
    tty.press(b"\r");
    let shown = tty.checked("02_words");
    assert!(shown[1].contains("count"), "{}", shown.join("\n"));
    assert_eq!(current(&root), "02_words");
    tty.press(b"p");
    tty.checked("01_sums");
    assert_eq!(current(&root), "01_sums");
}

#[test]
fn saving_a_file_of_another_exercise_makes_it_current_and_checks_it() {
    let root = two_exercises("watch-follow");
    let tty = Tty::start(&root, 80, 24);
    tty.checked("01_sums");
    let lib = root.join("exercises/02_words/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    let solved = text.replace(
        "    // TODO: count the words.\n    todo!(\"count the words of {text:?}\")",
        "    text.split_whitespace().count()",
    );
    assert_ne!(solved, text);
    std::fs::write(&lib, solved).unwrap();
    let shown = tty.wait("02_words checked and done", |rows| {
        rows[0].starts_with("02_words  4/4 points") && rows[1].contains("done")
    });
    assert!(shown[1].contains("count"), "{}", shown.join("\n"));
    assert_eq!(current(&root), "02_words");
}

#[test]
fn a_line_wider_than_the_screen_is_wrapped_at_spaces() {
    let root = course("watch-wrap");
    set_add(&root, LONG_FAILURE);
    let tty = Tty::start(&root, 80, 24);
    let shown = tty.wait("the printed words", |rows| {
        rows.iter().any(|r| r.contains("w001")) && rows.iter().any(|r| r.contains("w060"))
    });
    let first = shown.iter().position(|r| r.contains("w001")).unwrap();
    let last = shown.iter().position(|r| r.contains("w060")).unwrap();
    assert!(last > first, "the words take more than one row");
    let words: Vec<&str> = shown[first..=last]
        .iter()
        .flat_map(|row| row.split_whitespace())
        .collect();
    let expected: Vec<String> = (1..=60).map(|i| format!("w{i:03}")).collect();
    assert_eq!(
        words,
        expected,
        "every row breaks between words:\n{}",
        shown.join("\n")
    );
    // Each row holds as many words as fit: the next word would not have.
    for row in &shown[first..last] {
        assert!(row.trim_end().len() + " w000".len() > 80, "{row:?}");
    }
}

#[test]
fn a_compile_error_shows_the_errors_and_the_tasks_done_before() {
    let root = course("watch-broken");
    set_add(&root, "    a + b");
    let tty = Tty::start(&root, 80, 24);
    tty.checked("01_sums");
    let lib = root.join("exercises/01_sums/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, text.replace("    a + b", "    a + b +")).unwrap();
    let shown = tty.wait("the compile error", |rows| {
        rows[4].starts_with("01_sums does not compile (first error at ")
    });
    let all = shown.join("\n");
    assert!(shown[4].contains("src/lib.rs:"), "{all}");
    assert!(
        shown[1].contains("done before") && shown[1].contains("add"),
        "{all}"
    );
    assert!(
        shown[2].contains("not done") && shown[2].contains("total"),
        "{all}"
    );
    assert!(shown.iter().any(|r| r.starts_with("  error")), "{all}");
    assert!(shown[23].starts_with("h hint"), "{all}");
}

/// How the watch mode ends: `q` and Ctrl-C (a key in raw mode, not a signal) alike.
fn quit_with(test: &str, key: &[u8]) {
    let root = course(test);
    let mut tty = Tty::start(&root, 80, 24);
    tty.checked("01_sums");
    assert!(tty.alternate());
    tty.press(key);
    let status = tty.exit();
    assert!(status.success(), "{status}");
    assert!(!tty.alternate(), "the shell's screen is back");
}

#[test]
fn q_leaves_the_alternate_screen_and_exits_0() {
    quit_with("watch-quit", b"q");
}

#[test]
fn ctrl_c_leaves_the_alternate_screen_and_exits_0() {
    quit_with("watch-ctrl-c", b"\x03");
}

/// An error of the tool itself (the progress file cannot be written) restores the
/// terminal before its one line is printed.
#[test]
fn an_error_leaves_the_alternate_screen_and_says_what_went_wrong() {
    let root = course("watch-error");
    std::fs::write(
        root.join(".checker"),
        "a file where the checker keeps a folder",
    )
    .unwrap();
    let mut tty = Tty::start(&root, 80, 24);
    let status = tty.exit();
    assert_eq!(status.code(), Some(2), "{status}");
    assert!(!tty.alternate());
    let term = tty.screen.0.lock().unwrap();
    let shown = rows(term.parser.screen()).join("\n");
    assert!(
        shown.contains("error: ") && shown.contains(".checker"),
        "{shown}"
    );
}

#[test]
fn a_resized_terminal_gets_the_frame_at_its_new_size() {
    let root = course("watch-resize");
    set_add(&root, LONG_FAILURE);
    let mut tty = Tty::start(&root, 80, 24);
    tty.wait("the explanation of add", |rows| {
        rows.iter().any(|r| r.starts_with("x adds_small_numbers"))
    });
    tty.resize(120, 40);
    let shown = tty.wait("the frame at 120x40", |rows| {
        rows[39].starts_with("h hint") && rows[38].starts_with("lines 1-34 of ")
    });
    // The header has room for the title now.
    assert!(
        shown[0].starts_with("01_sums  0/5 points  Adding numbers"),
        "{}",
        shown.join("\n")
    );
    tty.resize(60, 20);
    tty.wait("the frame at 60x20", |rows| {
        rows.len() == 20 && rows[19].starts_with("h hint") && rows[18].starts_with("lines 1-14 of ")
    });
}

/// The whole loop once: a check at start, a hint on `h`, a check again on save, `q`.
#[test]
fn the_watch_mode_answers_keys_and_checks_again_on_save() {
    let root = course("watch-tty");
    let mut tty = Tty::start(&root, 80, 24);
    let shown = tty.checked("01_sums");
    assert!(
        shown[0].starts_with("01_sums  0/5 points"),
        "{}",
        shown.join("\n")
    );
    tty.press(b"h");
    tty.wait("the first hint", |rows| {
        rows.iter()
            .any(|r| r.starts_with("Hint 1 of 2 for task add"))
    });
    tty.press(b"h");
    set_add(&root, "    a + b");
    let shown = tty.wait("add done", |rows| rows[1].contains("done"));
    assert!(
        shown[0].starts_with("01_sums  2/5 points"),
        "{}",
        shown.join("\n")
    );
    tty.press(b"q");
    assert!(tty.exit().success());
}

/// Whether process `pid` has ended (gone, or a zombie nobody has reaped yet).
fn ended(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the command's name, which is in parentheses.
        Ok(stat) => stat
            .rsplit_once(") ")
            .is_some_and(|(_, rest)| rest.starts_with('Z')),
        Err(_) => true,
    }
}

/// Kills the processes named in a folder when dropped: a test that fails must not leave
/// a looping process behind.
struct Reap(std::path::PathBuf);

impl Drop for Reap {
    fn drop(&mut self) {
        for entry in std::fs::read_dir(&self.0).into_iter().flatten().flatten() {
            let pid = entry.file_name().to_string_lossy().into_owned();
            let _ = Command::new("kill")
                .args(["-KILL", &pid])
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// Quitting while a test of the check loops for ever ends that test too: nothing is
/// left running once the watch mode is gone, and nothing is left in the temporary
/// directory.
#[test]
fn quitting_during_a_check_ends_the_tests_it_started() {
    let root = course("watch-quit-busy");
    let pids = root.join("pids");
    std::fs::create_dir_all(&pids).unwrap();
    let _reap = Reap(pids.clone());
    set_add(
        &root,
        &format!(
            "    std::fs::write(format!(\"{}/{{}}\", std::process::id()), \"\").unwrap();\n    loop {{\n        std::hint::black_box(a + b);\n    }}",
            pids.display()
        ),
    );
    let mut tty = Tty::start(&root, 80, 24);
    // The looping tests say they started by leaving their process ids; nothing on the
    // screen shows it, so the folder is looked at until then.
    let deadline = Instant::now() + DEADLINE;
    let running = loop {
        let found: Vec<String> = std::fs::read_dir(&pids)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        if !found.is_empty() {
            break found;
        }
        assert!(Instant::now() < deadline, "no test of add started");
        std::thread::sleep(Duration::from_millis(50));
    };
    // Keys work while the check runs, which counts its seconds.
    tty.press(b"l");
    tty.wait(
        "the list, the check still running for a second or more",
        |rows| {
            rows.iter().any(|r| r.starts_with("→ > 01_sums"))
                && rows[3].starts_with("checking 01_sums... ")
                && !rows[3].starts_with("checking 01_sums... 0 s")
        },
    );
    tty.press(b"q");
    assert!(tty.exit().success());
    // Nor is the folder of the check's report socket left behind.
    assert_eq!(tty.left_in_tmp("checker-"), Vec::<String>::new());
    for pid in &running {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !ended(pid) {
            assert!(Instant::now() < deadline, "test process {pid} still runs");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
