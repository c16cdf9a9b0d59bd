//! The time axis above a history: which columns get a tick with its time written.
//!
//! Columns follow the order of events, not a time scale (see [`super::timeline`]), so the
//! axis is a ruler of the events' own times: a short mark at each distinct time, and the
//! time written at as many of them as fit without touching. The operation to look at
//! gets its call and return written first, so that they are never the ones crowded out;
//! the others are taken left to right. Nice round ticks between events were rejected:
//! on an axis that is not to scale they would suggest a scale that is not there.

use testkit::history::{Time, TimeUnit};

use crate::xml::text;

/// Pixels: the width of a character of the ticks' 10 px monospace text, and the least
/// room between two written times.
const CHAR: f64 = 6.1;
const GAP: f64 = 12.0;

/// The baseline of the written times.
pub const TEXT_Y: usize = 12;
/// The axis line.
pub const LINE_Y: usize = 20;

/// The least distance between two marks for both their times to be written.
pub fn apart(unit: TimeUnit, a: Time, b: Time) -> usize {
    let chars = unit.tick(a).chars().count() + unit.tick(b).chars().count();
    (chars as f64 * CHAR / 2.0 + GAP).ceil() as usize
}

/// A column of the drawing at `x` pixels, where an event at `at` happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    /// Its position.
    pub x: usize,
    /// Its time.
    pub at: Time,
}

/// The marks whose times are written, by index into `marks` (sorted by `x`, one per
/// distinct time), those at `first` indices tried before the rest.
pub fn written(marks: &[Mark], unit: TimeUnit, first: &[usize]) -> Vec<usize> {
    let half = |i: usize| unit.tick(marks[i].at).chars().count() as f64 * CHAR / 2.0;
    // Written times never touch: between two, at least `GAP` (which [`apart`] allows).
    let mut taken: Vec<(f64, f64, usize)> = Vec::new();
    let order = first
        .iter()
        .copied()
        .filter(|&i| i < marks.len())
        .chain(0..marks.len());
    for i in order {
        let centre = marks[i].x as f64;
        let (left, right) = (centre - half(i), centre + half(i));
        let free = taken
            .iter()
            .all(|&(l, r, j)| j != i && (right + GAP <= l || r + GAP <= left));
        // The first written time must not stick out left of the drawing.
        if free && left >= 0.0 {
            taken.push((left, right, i));
        }
    }
    let mut chosen: Vec<usize> = taken.into_iter().map(|(_, _, i)| i).collect();
    chosen.sort_unstable();
    chosen
}

/// The axis as SVG elements: a line from `x1` to `x2`, a mark at every column, the
/// written times.
pub fn render(marks: &[Mark], unit: TimeUnit, first: &[usize], x1: usize, x2: usize) -> String {
    let mut svg = format!(
        "<g class=\"axis\"><line class=\"axis-line\" x1=\"{x1}\" y1=\"{LINE_Y}\" x2=\"{x2}\" \
         y2=\"{LINE_Y}\"/>"
    );
    let chosen = written(marks, unit, first);
    for (i, mark) in marks.iter().enumerate() {
        let long = chosen.contains(&i);
        let top = if long { LINE_Y - 5 } else { LINE_Y - 3 };
        svg.push_str(&format!(
            "<line class=\"tick\" x1=\"{x}\" y1=\"{top}\" x2=\"{x}\" y2=\"{}\"/>",
            LINE_Y + 3,
            x = mark.x
        ));
        if long {
            svg.push_str(&format!(
                "<text class=\"tick\" x=\"{}\" y=\"{TEXT_Y}\">{}</text>",
                mark.x,
                text(&unit.tick(mark.at))
            ));
        }
    }
    svg.push_str("</g>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(xs: &[(usize, Time)]) -> Vec<Mark> {
        xs.iter().map(|&(x, at)| Mark { x, at }).collect()
    }

    #[test]
    fn written_times_never_touch_and_the_first_asked_for_are_kept() {
        // Every 20 px a time of six characters (37 px wide): one in three fits.
        let crowded: Vec<(usize, Time)> = (0..30)
            .map(|i| (40 + 20 * i, 19_250_000 + i as u64))
            .collect();
        let m = marks(&crowded);
        let chosen = written(&m, TimeUnit::Nanoseconds, &[]);
        assert!(chosen.len() >= 8 && chosen.len() <= 12, "{chosen:?}");
        for pair in chosen.windows(2) {
            let gap = m[pair[1]].x - m[pair[0]].x;
            assert!(gap >= 40, "{chosen:?}");
        }
        // Asked for first, column 13 is written, and its neighbours make room.
        let chosen = written(&m, TimeUnit::Nanoseconds, &[13]);
        assert!(chosen.contains(&13), "{chosen:?}");
        assert!(!chosen.contains(&12) && !chosen.contains(&14), "{chosen:?}");
    }

    #[test]
    fn the_axis_writes_milliseconds_or_lines() {
        let m = marks(&[(10, 0), (200, 2_500_000), (400, 19_000_000)]);
        let svg = render(&m, TimeUnit::Nanoseconds, &[], 0, 500);
        assert_eq!(svg.matches("<text class=\"tick\"").count(), 3, "{svg}");
        assert!(
            svg.contains(">2.5</text>") && svg.contains(">19</text>"),
            "{svg}"
        );
        let svg = render(&m, TimeUnit::Lines, &[], 0, 500);
        assert!(svg.contains(">2500000</text>"), "{svg}");
        // A time that would stick out left of the drawing is marked, not written.
        let m = marks(&[(3, 19_250_000)]);
        assert_eq!(written(&m, TimeUnit::Nanoseconds, &[]), Vec::<usize>::new());
    }
}
