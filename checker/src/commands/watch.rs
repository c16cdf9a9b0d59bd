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
use notify::{RecursiveMode, Watcher};

use crate::commands::{check, list};
use checker_core::Status;
use checker_core::bar::bar;
use checker_core::course::{Course, Source};
use checker_core::state::Progress;
use checker_core::style::Style;

/// Saves that come closer together than this are checked once.
const SETTLE: Duration = Duration::from_millis(300);

enum Event {
    Changed,
    Key(char),
}

/// Runs the watch mode, or prints the status once without a terminal.
pub fn run(course: &Course) -> Result<Status> {
    let (mut progress, notice) = Progress::load(&course.state_dir());
    if let Some(n) = notice {
        eprintln!("note: {n}");
    }
    let Some(mut current) = current_exercise(course, &progress) else {
        print!("{}", list::render(course, &progress, Style::stdout()));
        return Ok(Status::Passed);
    };
    if !(std::io::stdout().is_terminal() && std::io::stdin().is_terminal()) {
        print!("{}", list::render(course, &progress, Style::stdout()));
        println!(
            "\nCurrent exercise: {current}. Check it with `checker check {current}`; run `checker` in a terminal to watch it."
        );
        return Ok(Status::Passed);
    }
    let (tx, rx) = mpsc::channel();
    let keys = tx.clone();
    std::thread::spawn(move || read_keys(keys));
    let _raw = RawMode::enter()?;
    loop {
        progress.current = Some(current.clone());
        progress.save(&course.state_dir())?;
        let exercise = course.catalog.find(&current)?.clone();
        let dir = course.exercise_dir(&exercise, &Source::Student);
        // A new watcher per exercise: it only watches that exercise's folder.
        let watch_tx = tx.clone();
        let watcher = notify::recommended_watcher(move |e: notify::Result<notify::Event>| {
            if e.is_ok_and(|e| e.kind.is_modify() || e.kind.is_create() || e.kind.is_remove()) {
                let _ = watch_tx.send(Event::Changed);
            }
        })
        .and_then(|mut w| w.watch(&dir, RecursiveMode::Recursive).map(|()| w));
        let watching = watcher.is_ok();
        'exercise: loop {
            screen(&redraw(course, &current, watching));
            let report = check::check_one(
                course,
                &exercise,
                &Source::Student,
                check::DEFAULT_SEED,
                None,
                check::TEST_TIMEOUT,
            );
            let (mut progress_now, _) = Progress::load(&course.state_dir());
            progress_now.current = Some(current.clone());
            let text = match &report {
                Ok(r) => {
                    check::record(&mut progress_now, r);
                    progress_now.save(&course.state_dir())?;
                    r.render(Style::stdout(), "")
                }
                Err(e) => format!("{} {e:#}\n", Style::stdout().red("error:")),
            };
            progress = progress_now;
            screen(&format!(
                "{}{}",
                header(course, &progress, &current, watching),
                text
            ));
            // Wait for a save or a key.
            loop {
                match rx.recv() {
                    Ok(Event::Changed) => {
                        // Let a burst of saves settle, then check once.
                        while rx
                            .recv_timeout(SETTLE)
                            .is_ok_and(|e| matches!(e, Event::Changed))
                        {}
                        continue 'exercise;
                    }
                    Ok(Event::Key('q')) | Err(_) => return Ok(Status::Passed),
                    Ok(Event::Key('r')) => continue 'exercise,
                    Ok(Event::Key('h')) => {
                        let hint = next_hint(course, &mut progress, &current)?;
                        screen_append(&format!("\n{hint}\n"));
                    }
                    Ok(Event::Key('l')) => {
                        screen_append(&format!(
                            "\n{}",
                            list::render(course, &progress, Style::stdout())
                        ));
                    }
                    Ok(Event::Key('n')) => match course.catalog.after(&current) {
                        Some(next) => {
                            current = next.name.clone();
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

/// The exercise to work on: the remembered one, else the first not finished.
pub fn current_exercise(course: &Course, progress: &Progress) -> Option<String> {
    let exercises = &course.catalog.exercises;
    if let Some(name) = &progress.current
        && exercises.iter().any(|e| &e.name == name)
    {
        return Some(name.clone());
    }
    exercises
        .iter()
        .find(|e| !progress.all_done(&e.name, e.tasks.iter().map(|t| t.id.as_str())))
        .or(exercises.last())
        .map(|e| e.name.clone())
}

fn header(course: &Course, progress: &Progress, current: &str, watching: bool) -> String {
    let all = &course.catalog.exercises;
    let total: u32 = all.iter().map(|e| e.points()).sum();
    let earned: u32 = all
        .iter()
        .flat_map(|e| {
            let done = progress.exercises.get(&e.name);
            e.tasks
                .iter()
                .filter(move |t| done.is_some_and(|d| d.done.contains(&t.id)))
                .map(|t| t.points)
        })
        .sum();
    let how = if watching {
        "checks again on save"
    } else {
        "file watching unavailable: press r to check"
    };
    format!(
        "Course {}  {earned}/{total} points   exercise {current} ({how})\n\
         keys: h hint  n next  l list  r check again  q quit\n\n",
        bar(earned, total, 24)
    )
}

fn redraw(course: &Course, current: &str, watching: bool) -> String {
    let (progress, _) = Progress::load(&course.state_dir());
    format!(
        "{}checking {current}...\n",
        header(course, &progress, current, watching)
    )
}

fn next_hint(course: &Course, progress: &mut Progress, current: &str) -> Result<String> {
    let exercise = course.catalog.find(current)?;
    let entry = progress.exercise(current);
    if exercise.hints.is_empty() {
        return Ok("No hints for this exercise; its README explains each task.".into());
    }
    let n = (entry.hints_shown + 1).min(exercise.hints.len());
    entry.hints_shown = entry.hints_shown.max(n);
    progress.save(&course.state_dir())?;
    Ok(format!(
        "Hint {n} of {}: {}",
        exercise.hints.len(),
        exercise.hints[n - 1]
    ))
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
