//! The screen as rows of styled text, and the frame every screen of the watch mode has.
//!
//! ```text
//! 01_sums  0/5 points  Adding numbers     course [----------]   0%  0/9 points, 0 of 2 done
//!   failing      add    add returns the sum of two numbers                          0/2
//!   not started  total  total adds up a slice                                       0/3
//! checking 01_sums... 3 s
//! (the body: the explanation of the first failing task, a panel, compiler errors)
//! lines 1-14 of 52 · j/k or PgUp/PgDn scroll
//! h hint  l list  n next  p previous  r check again  q quit
//! ```
//!
//! Only the body scrolls: the header, the tasks, the status and the keys are laid out
//! first and always keep their rows, whatever the size of the terminal, so that nothing a
//! student needs goes out of view. The layout is a pure function of the text and the
//! size, which the tests of this module exercise without a terminal.

use super::wrap;

/// How a piece of text is drawn; the terminal maps each to a colour (or to nothing when
/// colour is off).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Look {
    /// Ordinary text.
    Plain,
    /// Headings, the exercise's name, the list's cursor.
    Strong,
    /// Done.
    Good,
    /// Failing.
    Bad,
    /// Neither: checking, done before, notices.
    Warn,
    /// Less important: positions, hints at keys.
    Faint,
}

/// One row of the screen: pieces of text, each with its look.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Line {
    /// The pieces, left to right.
    pub spans: Vec<(Look, String)>,
}

impl Line {
    /// A row of one piece.
    pub fn new(look: Look, text: impl Into<String>) -> Line {
        Line {
            spans: vec![(look, text.into())],
        }
    }

    /// The row with one more piece on its right.
    pub fn and(mut self, look: Look, text: impl Into<String>) -> Line {
        self.spans.push((look, text.into()));
        self
    }

    /// The row's text, without looks.
    pub fn text(&self) -> String {
        self.spans.iter().map(|(_, t)| t.as_str()).collect()
    }

    /// The row cut to `width` columns (ending in `…` when cut): rows outside the body
    /// never wrap, or they would push the body and the keys down.
    pub fn fit(self, width: usize) -> Line {
        let whole = self.text();
        if wrap::columns(&whole) <= width {
            return self;
        }
        let mut left = wrap::fit(&whole, width);
        let mut spans = Vec::new();
        for (look, text) in self.spans {
            if left.is_empty() {
                break;
            }
            let take = wrap::columns(&text).min(wrap::columns(&left));
            let cut = left.char_indices().nth(take).map_or(left.len(), |(i, _)| i);
            let rest = left.split_off(cut);
            spans.push((look, std::mem::replace(&mut left, rest)));
        }
        Line { spans }
    }
}

/// What one screen shows, before it is fitted to a size.
#[derive(Clone, Debug, Default)]
pub struct Frame {
    /// The exercise, its points and the course's progress.
    pub header: Line,
    /// One row per task of the exercise.
    pub tasks: Vec<Line>,
    /// What is going on: a check running, a notice, how checks start.
    pub status: Line,
    /// The body's lines, before wrapping.
    pub body: Vec<(Look, String)>,
    /// Whether the body is a table whose padding may shrink before it wraps.
    pub table: bool,
    /// The keys.
    pub keys: Line,
}

/// A frame laid out at one size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Laid {
    /// Exactly as many rows as the terminal has.
    pub rows: Vec<Line>,
    /// The first body row shown, kept within the body.
    pub scroll: usize,
    /// How many body rows fit on the screen.
    pub page: usize,
    /// How many rows the body has, wrapped.
    pub body_rows: usize,
}

/// The fewest body rows kept on the screen, even when tasks have to be folded for them.
const MIN_BODY: usize = 3;

/// Lays `frame` out on a `width` x `height` screen with the body scrolled to `scroll`.
pub fn layout(frame: &Frame, scroll: usize, width: usize, height: usize) -> Laid {
    let width = width.max(1);
    let mut body_text: Vec<(Look, String)> = frame.body.clone();
    if frame.table {
        let mut texts: Vec<String> = body_text.iter().map(|(_, t)| t.clone()).collect();
        wrap::squeeze(&mut texts, width);
        for ((_, text), squeezed) in body_text.iter_mut().zip(texts) {
            *text = squeezed;
        }
    }
    let body: Vec<Line> = body_text
        .iter()
        .flat_map(|(look, text)| {
            wrap::wrap(text, width)
                .into_iter()
                .map(|row| Line::new(*look, row))
        })
        .collect();

    // Header, status, position and keys always have their rows; the tasks come next and
    // are folded into "... more" only when the body would get fewer than MIN_BODY rows.
    let fixed = 4;
    let room = height.saturating_sub(fixed + MIN_BODY);
    let mut tasks: Vec<Line> = frame.tasks.clone();
    if tasks.len() > room {
        let hidden = tasks.len() + 1 - room.max(1);
        tasks.truncate(room.saturating_sub(1));
        if room > 0 {
            tasks.push(Line::new(
                Look::Faint,
                format!("  ... and {hidden} more tasks (a taller terminal shows them)"),
            ));
        }
    }
    let page = height.saturating_sub(fixed + tasks.len());
    let scroll = scroll.min(body.len().saturating_sub(page));
    let shown = &body[scroll.min(body.len())..(scroll + page).min(body.len())];
    let position = if body.is_empty() {
        Line::default()
    } else {
        let mut text = format!(
            "lines {}-{} of {}",
            scroll + 1,
            scroll + shown.len(),
            body.len()
        );
        if body.len() > page {
            text.push_str(" · j/k or PgUp/PgDn scroll");
        }
        Line::new(Look::Faint, text)
    };

    let mut rows = vec![frame.header.clone()];
    rows.extend(tasks);
    rows.push(frame.status.clone());
    rows.extend(shown.iter().cloned());
    let above_position = height.saturating_sub(2);
    if rows.len() < above_position {
        rows.resize(above_position, Line::default());
    }
    rows.push(position);
    rows.push(frame.keys.clone());
    // On a terminal too small for the fixed rows, the keys still stay last.
    while rows.len() > height && rows.len() > 1 {
        rows.remove(rows.len() - 2);
    }
    Laid {
        rows: rows.into_iter().map(|row| row.fit(width)).collect(),
        scroll,
        page,
        body_rows: body.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(tasks: usize, body: usize) -> Frame {
        Frame {
            header: Line::new(Look::Strong, "header"),
            tasks: (0..tasks)
                .map(|i| Line::new(Look::Plain, format!("task {i}")))
                .collect(),
            status: Line::new(Look::Warn, "status"),
            body: (0..body)
                .map(|i| (Look::Plain, format!("body {i}")))
                .collect(),
            table: false,
            keys: Line::new(Look::Faint, "keys"),
        }
    }

    fn texts(laid: &Laid) -> Vec<String> {
        laid.rows.iter().map(Line::text).collect()
    }

    #[test]
    fn the_header_tasks_and_keys_keep_their_rows_and_the_body_scrolls() {
        let laid = layout(&frame(2, 30), 0, 40, 12);
        let rows = texts(&laid);
        assert_eq!(rows.len(), 12);
        assert_eq!(rows[..4], ["header", "task 0", "task 1", "status"]);
        assert_eq!(rows[4], "body 0");
        assert_eq!(rows[9], "body 5");
        assert!(rows[10].starts_with("lines 1-6 of 30"), "{rows:?}");
        assert_eq!(rows[11], "keys");
        let laid = layout(&frame(2, 30), 100, 40, 12);
        assert_eq!(laid.scroll, 24);
        let rows = texts(&laid);
        assert_eq!(rows[4], "body 24");
        assert!(rows[10].starts_with("lines 25-30 of 30"), "{rows:?}");
        assert_eq!(rows[0], "header");
    }

    #[test]
    fn a_short_body_leaves_blank_rows_above_the_keys() {
        let rows = texts(&layout(&frame(1, 2), 0, 40, 10));
        assert_eq!(rows.len(), 10);
        assert_eq!(rows[3..7], ["body 0", "body 1", "", ""]);
        assert_eq!(rows[8], "lines 1-2 of 2");
        assert_eq!(rows[9], "keys");
    }

    #[test]
    fn tasks_fold_before_the_body_loses_its_last_rows() {
        let rows = texts(&layout(&frame(8, 10), 0, 80, 10));
        assert_eq!(rows.len(), 10);
        assert_eq!(
            rows[1..4],
            [
                "task 0",
                "task 1",
                "  ... and 6 more tasks (a taller terminal shows them)"
            ]
        );
        assert_eq!(rows[9], "keys");
        // Even on a tiny terminal, the header comes first and the keys last.
        let rows = texts(&layout(&frame(3, 10), 0, 80, 3));
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[0].as_str(), rows[2].as_str()), ("header", "keys"));
    }

    #[test]
    fn rows_outside_the_body_are_cut_and_body_rows_wrap() {
        let mut f = frame(1, 0);
        f.header = Line::new(Look::Strong, "0123456789").and(Look::Plain, "abcdef");
        f.body = vec![(Look::Plain, "one two three four five six".into())];
        let laid = layout(&f, 0, 10, 8);
        assert_eq!(laid.rows[0].text(), "012345678…");
        assert_eq!(laid.rows[0].spans[0].0, Look::Strong);
        assert_eq!(texts(&laid)[3..6], ["one two", "three four", "five six"]);
    }
}
