//! The watch mode's state, and what a key, a save or a finished check does to it. The
//! screen is drawn from it ([`App::frame`]); nothing here touches the terminal, so that
//! the terminal, the file watcher and the checks' thread stay thin around it.
//!
//! `CourseState` remains the one source of the student's place in the course: it is read
//! again from the progress file before each change (a `checker hint` in another terminal
//! may have changed it) and saved after it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::time::Instant;

use anyhow::{Context, Result};

use super::body;
use super::screen::{Frame, Laid, Line, Look};
use super::worker::{Done, Job};
use super::wrap::columns;
use crate::commands::{hint, list};
use checker_core::bar::bar;
use checker_core::catalog::{Catalog, Exercise};
use checker_core::course::Course;
use checker_core::progress::CourseState;
use checker_core::report::ExerciseReport;
use checker_core::style::Style;

/// A key, as the watch mode reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// A letter or other character.
    Char(char),
    /// Arrows, pages and the ends of the body.
    Up,
    /// The down arrow.
    Down,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// Home.
    Home,
    /// End.
    End,
    /// Enter.
    Enter,
    /// Escape.
    Esc,
    /// Ctrl-C, which raw mode delivers as a key rather than a signal.
    Interrupt,
}

/// What the watch mode waits for.
pub enum Event {
    /// A key was pressed.
    Key(Key),
    /// The terminal changed size.
    Resize,
    /// Files under `exercises/` were saved.
    Saved(Vec<PathBuf>),
    /// The check with this number started (earlier ones asked for meanwhile were dropped).
    Started(u64),
    /// A line about how far the check with this number is.
    Progress {
        /// The check.
        id: u64,
        /// What it is doing.
        line: String,
    },
    /// A check ended.
    Checked(Box<Done>),
}

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

    /// Remembers how the last frame was laid out: where scrolling stopped, and the page.
    pub fn laid(&mut self, laid: &Laid) {
        *self.scroll_mut() = laid.scroll;
        self.page = laid.page;
    }

    /// Where the body is scrolled to.
    pub fn scroll(&self) -> usize {
        match self.panel {
            Panel::None => self.body_scroll,
            _ => self.panel_scroll,
        }
    }

    /// The screen, for a terminal `width` columns wide.
    pub fn frame(&self, width: usize) -> Frame {
        let exercise = self.current;
        let report = match self.shown.get(&exercise.name) {
            Some(Shown::Report(r)) => Some(&**r),
            _ => None,
        };
        let marks = body::marks(exercise, report, &self.state);
        let (body, table, keys) = match &self.panel {
            Panel::None => (
                self.body(report),
                false,
                "h hint  l list  n next  p previous  r check again  q quit",
            ),
            Panel::Hints(text) => {
                let mut lines = vec![
                    (
                        Look::Strong,
                        "Hints (Esc or h closes; h later shows the next one)".to_owned(),
                    ),
                    (Look::Plain, String::new()),
                ];
                lines.extend(text.lines().map(|l| (Look::Plain, l.to_owned())));
                (lines, false, "Esc or h close  j/k scroll  q quit")
            }
            Panel::List(_) => (
                self.list_rows().0,
                true,
                "up/down or j/k choose  Enter go there  Esc or l close  q quit",
            ),
        };
        Frame {
            header: self.header(width),
            tasks: body::task_rows(exercise, &marks, width),
            status: self.status(),
            body,
            table,
            keys: Line::new(Look::Faint, keys),
        }
    }

    /// The exercise, its points, and the course's progress on the right: the title and
    /// the longer wordings only where the width has room for them.
    fn header(&self, width: usize) -> Line {
        let ex = self.current;
        let (earned, total) = self.state.points();
        let (finished, count) = self.state.exercises_finished();
        let points = format!("  {}/{} points", self.state.points_of(ex), ex.points());
        let left = columns(&ex.name) + columns(&points);
        // The course's progress, the bar as wide as the room left (10 to 30 columns).
        let wordings = [
            (
                "course ",
                format!(" {earned}/{total} points, {finished} of {count} exercises done"),
            ),
            (
                "course ",
                format!(" {earned}/{total} points, {finished}/{count} exercises"),
            ),
            ("", format!(" {earned}/{total}, {finished}/{count} done")),
        ];
        let room = width.saturating_sub(left + 3);
        let right = wordings
            .iter()
            .map(|(before, after)| {
                (
                    before,
                    after,
                    room.saturating_sub(before.len() + after.len() + 7),
                )
            })
            .find(|(_, _, bar_room)| *bar_room >= 10)
            .or_else(|| wordings.last().map(|(b, a)| (b, a, 10)))
            .map(|(before, after, bar_room)| {
                format!("{before}{}{after}", bar(earned, total, bar_room.min(30)))
            })
            .unwrap_or_default();
        let title = format!("  {}", ex.title);
        let mut line = Line::new(Look::Strong, ex.name.clone()).and(Look::Plain, points);
        let mut used = left;
        if used + columns(&title) + 3 + columns(&right) <= width {
            used += columns(&title);
            line = line.and(Look::Faint, title);
        }
        let gap = width.saturating_sub(used + columns(&right)).max(3);
        line.and(Look::Plain, " ".repeat(gap))
            .and(Look::Plain, right)
    }

    /// What is going on: a check, a notice, or how checks start.
    fn status(&self) -> Line {
        if let Some(run) = &self.running {
            let seconds = run.asked.elapsed().as_secs();
            let name = &self.current.name;
            let mut text = if run.started {
                format!("checking {name}... {seconds} s")
            } else {
                format!("checking {name} once the check before ends... {seconds} s")
            };
            if let Some(progress) = &run.progress {
                text.push_str(&format!(" · {progress}"));
            }
            return Line::new(Look::Warn, text);
        }
        if let Some(notice) = &self.notice {
            return Line::new(Look::Warn, notice.clone());
        }
        match &self.unwatched {
            Some(why) => Line::new(
                Look::Warn,
                format!("saves are not seen ({why}): press r to check again"),
            ),
            None => Line::new(
                Look::Faint,
                "saving a file of an exercise checks it; r checks again",
            ),
        }
    }

    /// The body when no panel is open.
    fn body(&self, report: Option<&ExerciseReport>) -> Vec<(Look, String)> {
        let ex = self.current;
        match self.shown.get(&ex.name) {
            Some(Shown::Report(_)) => {
                let report = report.expect("a report is shown");
                body::explain(report, &self.course.root, self.course.catalog.after(&ex.name))
            }
            Some(Shown::Error(why)) => vec![
                (Look::Bad, format!("error: {why}")),
                (Look::Plain, "r checks again.".into()),
            ],
            None => vec![
                (
                    Look::Plain,
                    format!(
                        "{}: {}. Its README, exercises/{}/README.md, states the tasks.",
                        ex.name, ex.title, ex.name
                    ),
                ),
                (Look::Plain, String::new()),
                (
                    Look::Faint,
                    "The first check of a fresh course compiles the course's libraries and can take minutes; later checks take seconds.".into(),
                ),
            ],
        }
    }

    /// The list of exercises with the cursor's row marked, and that row's index.
    fn list_rows(&self) -> (Vec<(Look, String)>, Option<usize>) {
        let Panel::List(at) = self.panel else {
            return (Vec::new(), None);
        };
        let chosen = &self.course.catalog.exercises[at].name;
        let text = list::render(&self.state, Style::plain());
        let mut row = None;
        // The list opens with the course's progress bar, which the header already shows
        // (and whose line, unlike the rows under it, is no table row to narrow).
        let lines = text
            .lines()
            .skip_while(|line| line.starts_with("Progress ") || line.is_empty())
            .enumerate()
            .map(|(i, line)| {
                // `list::render` starts an exercise's row with its marker and name.
                let is_chosen = line.get(2..).is_some_and(|rest| {
                    rest.strip_prefix(chosen.as_str())
                        .is_some_and(|after| after.is_empty() || after.starts_with(' '))
                });
                if is_chosen {
                    row = Some(i);
                    (Look::Strong, format!("→ {line}"))
                } else {
                    (Look::Plain, format!("  {line}"))
                }
            })
            .collect();
        (lines, row)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;
    use checker_core::report::{Build, TestReport};

    /// A two-exercise course in a scratch folder, where its progress file goes.
    fn course(name: &str) -> Course {
        let root =
            std::env::temp_dir().join(format!("checker-watch-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        let catalog = Catalog::parse(
            "[[exercise]]\nname = \"01_a\"\ntopic = \"a\"\ntitle = \"A\"\n\
             [[exercise.task]]\nid = \"x\"\ntitle = \"X\"\npoints = 3\n\
             [[exercise]]\nname = \"02_b\"\ntopic = \"b\"\ntitle = \"B\"\n\
             [[exercise.task]]\nid = \"z\"\ntitle = \"Z\"\npoints = 4\n",
        )
        .unwrap();
        Course { root, catalog }
    }

    /// A check of `exercise` whose one test, of `task`, failed with `message`.
    fn failed(exercise: &Exercise, task: &str, message: &str) -> ExerciseReport {
        let test = TestReport::new(
            task,
            "its_test",
            false,
            "panicked".into(),
            message.into(),
            Duration::ZERO,
        );
        ExerciseReport {
            exercise: exercise.clone(),
            source: String::new(),
            build: Build::Compiled,
            tests: vec![test],
            seed: 1,
            warnings: Vec::new(),
            notes: Vec::new(),
            done_before: BTreeSet::new(),
        }
    }

    fn body(app: &App<'_>) -> String {
        let frame = app.frame(80);
        let lines: Vec<&str> = frame.body.iter().map(|(_, t)| t.as_str()).collect();
        lines.join("\n")
    }

    #[test]
    fn a_check_of_an_exercise_left_is_recorded_but_not_shown_over_the_new_one() {
        let course = course("stale");
        let (jobs, queue) = mpsc::channel();
        let mut app = App::new(&course, jobs, None).unwrap();
        let [a, b] = [&course.catalog.exercises[0], &course.catalog.exercises[1]];
        assert_eq!(queue.try_recv().unwrap().exercise.name, "01_a");
        app.handle(Event::Key(Key::Char('n'))).unwrap();
        assert_eq!(queue.try_recv().unwrap().exercise.name, "02_b");

        // The check of 01_a, asked for first, ends now.
        let done = Done {
            id: 1,
            exercise: "01_a".into(),
            report: Ok(failed(a, "x", "the message of 01_a")),
        };
        app.handle(Event::Checked(Box::new(done))).unwrap();
        assert!(app.frame(80).header.text().starts_with("02_b"));
        assert!(
            !body(&app).contains("the message of 01_a"),
            "{}",
            body(&app)
        );
        assert!(app.checking(), "02_b's check still runs");
        assert!(app.frame(80).status.text().starts_with("checking 02_b"));
        // Recorded all the same: 01_a was checked.
        let saved = CourseState::load(&course);
        assert!(saved.progress().exercises["01_a"].checked);
        assert_eq!(saved.current().unwrap().name, "02_b");

        let done = Done {
            id: 2,
            exercise: "02_b".into(),
            report: Ok(failed(b, "z", "the message of 02_b")),
        };
        app.handle(Event::Checked(Box::new(done))).unwrap();
        assert!(!app.checking());
        assert!(body(&app).contains("the message of 02_b"), "{}", body(&app));
        // Back on 01_a, its last check shows while the next one runs.
        app.handle(Event::Key(Key::Char('p'))).unwrap();
        assert!(body(&app).contains("the message of 01_a"), "{}", body(&app));
        assert!(app.checking());
        let _ = std::fs::remove_dir_all(&course.root);
    }

    #[test]
    fn progress_lines_of_an_earlier_check_are_not_shown() {
        let course = course("progress");
        let (jobs, _queue) = mpsc::channel();
        let mut app = App::new(&course, jobs, None).unwrap();
        app.handle(Event::Key(Key::Char('r'))).unwrap();
        let progress = |id: u64, line: &str| Event::Progress {
            id,
            line: line.into(),
        };
        app.handle(Event::Started(2)).unwrap();
        app.handle(progress(2, "compiling tokio (12/40)")).unwrap();
        // A line of the check that `r` replaced, arriving late.
        app.handle(progress(1, "compiling the old one")).unwrap();
        let status = app.frame(80).status.text();
        assert!(status.starts_with("checking 01_a... "), "{status}");
        assert!(status.ends_with(" · compiling tokio (12/40)"), "{status}");
        let _ = std::fs::remove_dir_all(&course.root);
    }
}
