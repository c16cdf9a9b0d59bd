//! `checker` without arguments: the watch mode.
//!
//! A full screen that stays put: the exercise and the course's progress on the first
//! row, the exercise's tasks under it, the keys on the last row, and between them the
//! explanation of the first failing task, which alone scrolls. It checks the current
//! exercise at start and again whenever a file under `exercises/` is saved (a save in
//! another exercise's folder makes that one current). Keys: `h` hints, `l` the list of
//! exercises, `n` and `p` the next and previous exercise, `r` check again (for folders
//! where saves are not seen, such as some network or container mounts), `q` quit; j/k,
//! the arrows and PgUp/PgDn scroll.
//!
//! Without a terminal (a pipe, CI) there is nobody to press keys: it prints the course
//! status once and exits.
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`app`] | the mode's state and what each key, save and check does to it |
//! | [`events`] | what the parts tell each other: keys, events, the checks' jobs |
//! | [`body`] | the task marks and the explanation of a check |
//! | [`screen`] | rows of styled text, and the frame: what stays, what scrolls |
//! | [`wrap`] | fitting text to the width: wrapping at spaces, narrowing tables |
//! | [`terminal`] | raw mode and the alternate screen, restored on every way out |
//! | [`worker`] | the thread that runs checks, so that keys work during one |
//! | [`saves`] | watching `exercises/` for the student's saves |

pub mod app;
pub mod body;
pub mod events;
pub mod saves;
pub mod screen;
pub mod terminal;
pub mod worker;
pub mod wrap;

use std::io::IsTerminal;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

use anyhow::Result;
use crossterm::event::{self, Event as TermEvent, KeyCode, KeyEventKind, KeyModifiers};

use crate::commands::list;
use app::{App, Flow};
use checker_core::Status;
use checker_core::course::Course;
use checker_core::group::ProcessGroup;
use checker_core::progress::CourseState;
use checker_core::style::Style;
use events::{Event, Key};
use terminal::Terminal;

/// How often the screen is drawn again while a check runs, for its seconds.
const TICK: Duration = Duration::from_secs(1);

/// Runs the watch mode, or prints the status once without a terminal.
pub fn run(course: &Course) -> Result<Status> {
    let state = CourseState::load(course);
    if let Some(notice) = state.notice() {
        eprintln!("note: {notice}");
    }
    let Some(current) = state.current() else {
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
    let (events, inbox) = mpsc::channel();
    let keys = events.clone();
    std::thread::spawn(move || read_keys(keys));
    // Kept until the end: dropping it stops the watching.
    let watcher = saves::watch(course, events.clone());
    let unwatched = watcher.as_ref().err().cloned();
    let jobs = worker::start(course.clone(), events)?;
    // However the mode ends, the tests of a check still running end with it.
    let _checks = StopChecks;
    let mut terminal = Terminal::enter()?;
    let mut app = App::new(course, jobs, unwatched)?;
    let mut size = Terminal::size();
    loop {
        let laid = screen::layout(&app.frame(size.0), app.scroll(), size.0, size.1);
        app.laid(&laid);
        terminal.draw(&laid.rows, size.0)?;
        let event = if app.checking() {
            match inbox.recv_timeout(TICK) {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        } else {
            match inbox.recv() {
                Ok(event) => event,
                Err(_) => break,
            }
        };
        if let Event::Resize = event {
            size = Terminal::size();
            terminal.invalidate();
        }
        if app.handle(event)? == Flow::Quit {
            break;
        }
    }
    drop(terminal);
    drop(watcher);
    Ok(Status::Passed)
}

/// Ends the test processes of a check still running when dropped, and removes the
/// folder of its report socket. Leaving them to the checks' thread would not do: it ends
/// with the process, before their timeout, so a test that loops for ever would run on
/// and the folder would stay in the temporary directory.
struct StopChecks;

impl Drop for StopChecks {
    fn drop(&mut self) {
        ProcessGroup::kill_all();
        checker_core::runner::remove_report_dirs();
    }
}

/// Sends each key pressed and each change of the terminal's size.
fn read_keys(events: Sender<Event>) {
    while let Ok(read) = event::read() {
        let event = match read {
            TermEvent::Key(k) if k.kind == KeyEventKind::Press => {
                let key = match k.code {
                    KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                        Key::Interrupt
                    }
                    KeyCode::Char(c) => Key::Char(c),
                    KeyCode::Up => Key::Up,
                    KeyCode::Down => Key::Down,
                    KeyCode::PageUp => Key::PageUp,
                    KeyCode::PageDown => Key::PageDown,
                    KeyCode::Home => Key::Home,
                    KeyCode::End => Key::End,
                    KeyCode::Enter => Key::Enter,
                    KeyCode::Esc => Key::Esc,
                    _ => continue,
                };
                Event::Key(key)
            }
            TermEvent::Resize(..) => Event::Resize,
            _ => continue,
        };
        if events.send(event).is_err() {
            return;
        }
    }
}
