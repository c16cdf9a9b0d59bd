//! What the screen shows of the watch mode's state: the frame (header, tasks, status,
//! body or panel, keys), before it is laid out at the terminal's size.

use super::{App, Panel, Shown};
use crate::commands::list;
use crate::commands::watch::body;
use crate::commands::watch::screen::{Frame, Laid, Line, Look};
use crate::commands::watch::wrap::columns;
use checker_core::bar::bar;
use checker_core::report::ExerciseReport;
use checker_core::style::Style;

impl App<'_> {
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
    pub(super) fn list_rows(&self) -> (Vec<(Look, String)>, Option<usize>) {
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
