//! The watch mode's state, and what a key, a save or a finished check does to it. The
//! screen is drawn from it (`view`, [`App::frame`]); nothing here touches the terminal,
//! so that the terminal, the file watcher and the checks' thread stay thin around it.
//!
//! `CourseState` remains the one source of the student's place in the course: it is read
//! again from the progress file before each change (a `checker hint` in another terminal
//! may have changed it) and saved after it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::time::Instant;

use anyhow::{Context, Result};

use super::events::{Done, Event, Job, Key};
use crate::commands::hint;
use checker_core::catalog::{Catalog, Exercise};
use checker_core::course::Course;
use checker_core::progress::CourseState;
use checker_core::report::ExerciseReport;

#[cfg(test)]
mod tests;
mod view;

/// Whether to go on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Wait for the next event.
    Go,
    /// Leave the watch mode.
    Quit,
}

/// What the body shows instead of the check, until closed.
enum Panel {
    None,
    /// The hints panel's text, made when it opened.
    Hints(String),
    /// The list of exercises, its cursor on one of them (an index into the catalog).
    List(usize),
}

/// What the last check of an exercise found.
enum Shown {
    Report(Box<ExerciseReport>),
    /// The checker itself could not check: why.
    Error(String),
}

/// A check asked for and not yet ended.
struct Running {
    id: u64,
    asked: Instant,
    started: bool,
    progress: Option<String>,
}

/// The watch mode's state.
pub struct App<'c> {
    course: &'c Course,
    state: CourseState<'c>,
    current: &'c Exercise,
    shown: HashMap<String, Shown>,
    running: Option<Running>,
    last_job: u64,
    jobs: Sender<Job>,
    panel: Panel,
    /// Where the check's body and the open panel are scrolled to.
    body_scroll: usize,
    panel_scroll: usize,
    /// How many body rows the last frame had, for PgUp and PgDn.
    page: usize,
    /// A one-line notice for the status row, until the next key.
    notice: Option<String>,
    /// Why saves are not seen, when they are not.
    unwatched: Option<String>,
}

impl<'c> App<'c> {
    /// The watch mode on the current exercise, whose check starts at once.
    pub fn new(course: &'c Course, jobs: Sender<Job>, unwatched: Option<String>) -> Result<Self> {
        let state = CourseState::load(course);
        let notice = state.notice().map(str::to_owned);
        let current = state.current().context("the course has no exercises yet")?;
        let mut app = App {
            course,
            state,
            current,
            shown: HashMap::new(),
            running: None,
            last_job: 0,
            jobs,
            panel: Panel::None,
            body_scroll: 0,
            panel_scroll: 0,
            page: 1,
            notice,
            unwatched,
        };
        app.state.set_current(current);
        app.state.save()?;
        app.check();
        Ok(app)
    }

    /// Whether a check is running (the screen then counts its seconds).
    pub fn checking(&self) -> bool {
        self.running.is_some()
    }

    /// What an event does.
    pub fn handle(&mut self, event: Event) -> Result<Flow> {
        match event {
            Event::Key(key) => return self.key(key),
            Event::Resize => {}
            Event::Saved(paths) => self.saved(&paths)?,
            Event::Started(id) => {
                if let Some(run) = self.running.as_mut().filter(|r| r.id == id) {
                    run.started = true;
                }
            }
            Event::Progress { id, line } => {
                if let Some(run) = self.running.as_mut().filter(|r| r.id == id) {
                    run.progress = Some(line);
                }
            }
            Event::Checked(done) => self.checked(done)?,
        }
        Ok(Flow::Go)
    }

    fn key(&mut self, key: Key) -> Result<Flow> {
        self.notice = None;
        let exercises = &self.course.catalog.exercises;
        match (&self.panel, key) {
            (_, Key::Interrupt | Key::Char('q')) => return Ok(Flow::Quit),
            (Panel::List(at), Key::Up | Key::Char('k')) => self.point(at.saturating_sub(1)),
            (Panel::List(at), Key::Down | Key::Char('j')) => {
                self.point((at + 1).min(exercises.len() - 1));
            }
            (Panel::List(at), Key::Enter) => self.go_to(&exercises[*at])?,
            (Panel::List(_), Key::Char('l'))
            | (Panel::Hints(_), Key::Char('h'))
            | (_, Key::Esc) => {
                self.panel = Panel::None;
            }
            (_, Key::Char('h')) => self.open_hints()?,
            (_, Key::Char('l')) => {
                let at = exercises
                    .iter()
                    .position(|e| e.name == self.current.name)
                    .unwrap_or(0);
                self.panel = Panel::List(at);
                self.panel_scroll = 0;
                self.point(at);
            }
            (_, Key::Char('n')) => match self.state.next() {
                Some(next) => self.go_to(next)?,
                None => self.notice = Some("This is the last exercise.".into()),
            },
            (_, Key::Char('p')) => match self.state.previous() {
                Some(previous) => self.go_to(previous)?,
                None => self.notice = Some("This is the first exercise.".into()),
            },
            (_, Key::Char('r')) => self.check(),
            (_, Key::Down | Key::Char('j')) => *self.scroll_mut() += 1,
            (_, Key::Up | Key::Char('k')) => {
                let s = self.scroll_mut();
                *s = s.saturating_sub(1);
            }
            (_, Key::PageDown | Key::Char(' ')) => {
                let page = self.page.max(1);
                *self.scroll_mut() += page;
            }
            (_, Key::PageUp) => {
                let page = self.page.max(1);
                let s = self.scroll_mut();
                *s = s.saturating_sub(page);
            }
            (_, Key::Home | Key::Char('g')) => *self.scroll_mut() = 0,
            (_, Key::End | Key::Char('G')) => *self.scroll_mut() = usize::MAX,
            _ => {}
        }
        Ok(Flow::Go)
    }

    fn scroll_mut(&mut self) -> &mut usize {
        match self.panel {
            Panel::None => &mut self.body_scroll,
            _ => &mut self.panel_scroll,
        }
    }

    /// Moves the list's cursor to exercise `at`, scrolling the list to keep it in view.
    fn point(&mut self, at: usize) {
        self.panel = Panel::List(at);
        if let Some(row) = self.list_rows().1 {
            let page = self.page.max(1);
            if row < self.panel_scroll {
                self.panel_scroll = row;
            } else if row >= self.panel_scroll + page {
                self.panel_scroll = row + 1 - page;
            }
        }
    }

    /// Reads the progress file again, keeping this mode's current exercise.
    fn reload(&mut self) {
        self.state = CourseState::load(self.course);
        if let Some(notice) = self.state.notice() {
            self.notice = Some(notice.to_owned());
        }
        self.state.set_current(self.current);
    }

    /// Makes `exercise` the current one, saved to the progress file, and checks it.
    fn go_to(&mut self, exercise: &'c Exercise) -> Result<()> {
        self.panel = Panel::None;
        if exercise.name == self.current.name {
            return Ok(());
        }
        self.current = exercise;
        self.reload();
        self.state.save()?;
        self.body_scroll = 0;
        self.check();
        Ok(())
    }

    /// Asks for a check of the current exercise.
    fn check(&mut self) {
        self.last_job += 1;
        let job = Job {
            id: self.last_job,
            exercise: self.current.clone(),
        };
        if self.jobs.send(job).is_err() {
            let why = "the checks' thread has stopped; quit (q) and start `checker` again";
            self.shown
                .insert(self.current.name.clone(), Shown::Error(why.into()));
            self.running = None;
            return;
        }
        self.running = Some(Running {
            id: self.last_job,
            asked: Instant::now(),
            started: false,
            progress: None,
        });
    }

    /// A save under `exercises/`: the exercise it belongs to becomes current and is
    /// checked.
    fn saved(&mut self, paths: &[PathBuf]) -> Result<()> {
        let Some(exercise) = paths.iter().rev().find_map(|p| self.course.exercise_at(p)) else {
            return Ok(());
        };
        if exercise.name == self.current.name {
            self.check();
            Ok(())
        } else {
            self.go_to(exercise)
        }
    }

    /// A check ended: it is recorded whatever exercise it was of, and shown when it is of
    /// the current one.
    fn checked(&mut self, done: Box<Done>) -> Result<()> {
        if self.running.as_ref().is_some_and(|r| r.id == done.id) {
            self.running = None;
        }
        self.reload();
        let shown = match done.report {
            Ok(mut report) => {
                report.done_before = self.state.done_tasks(&report.exercise);
                self.state.record(&report);
                self.state.save()?;
                Shown::Report(Box::new(report))
            }
            Err(why) => Shown::Error(why),
        };
        if done.exercise == self.current.name {
            self.body_scroll = 0;
        }
        self.shown.insert(done.exercise, shown);
        Ok(())
    }

    /// Opens the hints panel with one more hint of the first task not done.
    fn open_hints(&mut self) -> Result<()> {
        self.reload();
        let exercise = self.current;
        let text = match self.state.next_hint(exercise, None) {
            Ok(next) => {
                self.state.save()?;
                let task = Catalog::task(exercise, &next.task)?;
                hint::render(exercise, &self.state.shown_hints(exercise, task), false)
            }
            Err(why) => hint::no_hint(exercise, &why),
        };
        self.panel = Panel::Hints(text);
        self.panel_scroll = 0;
        Ok(())
    }
}
