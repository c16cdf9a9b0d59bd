//! `checker` without arguments: the watch mode.
//!
//! It checks the current exercise, shows each task's state and a progress bar over the
//! course, and checks again whenever a file of the exercise is saved. Keys: `h` the next
//! hint, `n` the next exercise, `l` the list of exercises, `r` check again (for
//! folders where file watching does not work, such as some network or container
//! mounts), `q` quit.
//!
//! Without a terminal (a pipe, CI) there is nobody to press keys: it prints the course
//! status once and exits.

use std::io::{IsTerminal, Write};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::Result;
use crossterm::event::{self, Event as TermEvent, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::terminal;
use notify_debouncer_mini::notify::RecursiveMode;
use notify_debouncer_mini::{DebounceEventResult, new_debouncer};

use crate::commands::{check, hint, list};
use checker_core::Status;
use checker_core::bar::bar;
use checker_core::catalog::Exercise;
use checker_core::course::{Course, Source};
use checker_core::progress::CourseState;
use checker_core::style::Style;

/// Saves that come closer together than this are checked once.
const SETTLE: Duration = Duration::from_millis(300);

enum Event {
    Changed,
    Key(char),
}

/// Runs the watch mode, or prints the status once without a terminal.
pub fn run(course: &Course) -> Result<Status> {
    let mut state = CourseState::load(course);
    if let Some(notice) = state.notice() {
        eprintln!("note: {notice}");
    }
    let Some(mut current) = state.current() else {
        print!("{}", list::render(&state, Style::stdout()));
        return Ok(Status::Passed);
    };
    if !(std::io::stdout().is_terminal() && std::io::stdin().is_terminal()) {
        print!("{}", list::render(&state, Style::stdout()));
        println!(
            "\nCurrent exercise: {0}. Check it with `checker check {0}`; run `checker` in a terminal to watch it.",
            current.name
        );
        return Ok(Status::Passed);
    }
    let (tx, rx) = mpsc::channel();
    let keys = tx.clone();
    std::thread::spawn(move || read_keys(keys));
    let _raw = RawMode::enter()?;
    loop {
        state.set_current(current);
        state.save()?;
        let dir = course.exercise_dir(current, &Source::Student);
        // A new watcher per exercise: it only watches that exercise's folder.
        // A burst of saves (an editor writes, renames, touches) settles into one event.
        let watch_tx = tx.clone();
        let watcher = new_debouncer(SETTLE, move |events: DebounceEventResult| {
            if events.is_ok_and(|events| !events.is_empty()) {
                let _ = watch_tx.send(Event::Changed);
            }
        })
        .and_then(|mut w| {
            w.watcher()
                .watch(&dir, RecursiveMode::Recursive)
                .map(|()| w)
        });
        let watching = watcher.is_ok();
        'exercise: loop {
            screen(&format!(
                "{}checking {}...\n",
                header(&state, current, watching),
                current.name
            ));
            let report = check::check_one(
                course,
                current,
                &Source::Student,
                check::DEFAULT_SEED,
                None,
                check::TEST_TIMEOUT,
                None,
            );
            // Read once per check: another `checker` (a `check` in another terminal)
            // may have changed the file meanwhile.
            state = CourseState::load(course);
            state.set_current(current);
            let text = match report {
                Ok(mut r) => {
                    r.done_before = state.done_tasks(current);
                    state.record(&r);
                    r.render(Style::stdout(), "")
                }
                Err(e) => format!("{} {e:#}\n", Style::stdout().red("error:")),
            };
            state.save()?;
            screen(&format!("{}{}", header(&state, current, watching), text));
            // Wait for a save or a key.
            loop {
                match rx.recv() {
                    Ok(Event::Changed) => continue 'exercise,
                    Ok(Event::Key('q')) | Err(_) => return Ok(Status::Passed),
                    Ok(Event::Key('r')) => continue 'exercise,
                    Ok(Event::Key('h')) => {
                        let text = match state.next_hint(current, None) {
                            Ok(hint) => hint::render(current, &[hint], false),
                            Err(why) => hint::no_hint(current, &why),
                        };
                        state.save()?;
                        screen_append(&format!("\n{text}\n"));
                    }
                    Ok(Event::Key('l')) => {
                        screen_append(&format!("\n{}", list::render(&state, Style::stdout())));
                    }
                    Ok(Event::Key('n')) => match state.next() {
                        Some(next) => {
                            current = next;
                            break 'exercise;
                        }
                        None => screen_append("\nThis is the last exercise.\n"),
                    },
                    Ok(Event::Key(_)) => {}
                }
            }
        }
        drop(watcher);
    }
}

/// The lines above a check: the course's progress bar, the exercise and the keys.
fn header(state: &CourseState<'_>, current: &Exercise, watching: bool) -> String {
    let (earned, total) = state.points();
    let how = if watching {
        "checks again on save"
    } else {
        "file watching unavailable: press r to check"
    };
    format!(
        "Course {}  {earned}/{total} points   exercise {} ({how})\n\
         keys: h hint  n next  l list  r check again  q quit\n\n",
        bar(earned, total, 24),
        current.name
    )
}

/// Clears the terminal and shows `text` (raw mode needs explicit carriage returns).
fn screen(text: &str) {
    print!("\x1b[2J\x1b[H");
    screen_append(text);
}

fn screen_append(text: &str) {
    print!("{}", text.replace('\n', "\r\n"));
    let _ = std::io::stdout().flush();
}

fn read_keys(tx: mpsc::Sender<Event>) {
    while let Ok(ev) = event::read() {
        if let TermEvent::Key(k) = ev
            && k.kind == KeyEventKind::Press
        {
            let key = match k.code {
                KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => 'q',
                KeyCode::Char(c) => c.to_ascii_lowercase(),
                KeyCode::Esc => 'q',
                _ => continue,
            };
            if tx.send(Event::Key(key)).is_err() {
                return;
            }
        }
    }
}

/// Raw terminal mode for single-key input, left again on drop, also on an error.
struct RawMode;

impl RawMode {
    fn enter() -> Result<RawMode> {
        terminal::enable_raw_mode()?;
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = terminal::disable_raw_mode();
        println!();
    }
}
