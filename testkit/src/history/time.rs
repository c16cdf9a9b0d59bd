//! Times for people: how every message and page of the course writes a time.
//!
//! Histories keep integer nanoseconds (of virtual time, or of paused tokio time), and so
//! does the file format. A person reads them in **milliseconds**, by one rule:
//!
//! > a time is written in milliseconds, exactly, with as many decimals as it needs and
//! > no more (at most six, since a nanosecond is a millionth of a millisecond).
//!
//! ```
//! use testkit::history::millis;
//!
//! assert_eq!(millis(19_000_000).to_string(), "19 ms");
//! assert_eq!(millis(19_250_000).to_string(), "19.25 ms");
//! assert_eq!(millis(4_000).to_string(), "0.004 ms");
//! assert_eq!(millis(13_000_777).to_string(), "13.000777 ms");
//! ```
//!
//! Exact, because a history is about order: two operations 300 ns apart must not both
//! read "19.284 ms" when one returned before the other was called. Rounding to the
//! microsecond was rejected for that reason, and a unit chosen per value (`19 ms`, `300
//! µs`, `1.2 s`) because times side by side must compare at a glance. Most times the
//! course records are whole milliseconds or close to them, and so read short.
//!
//! Histories read from Jepsen and EDN logs count lines, not nanoseconds, and histories
//! written out by hand (the ones a student classifies) count plain steps: a [`TimeUnit`]
//! says which, and writes `line 12` or `12` for those.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{OpId, Operation, Outcome, Time};

/// Nanoseconds shown as milliseconds by the rule of the [module](self): `19.25 ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Millis(pub Time);

/// `at` nanoseconds as milliseconds, for `format!`: `millis(19_250_000)` shows as
/// `19.25 ms`.
pub fn millis(at: Time) -> Millis {
    Millis(at)
}

impl Millis {
    /// A duration, as milliseconds (saturating at `u64::MAX` nanoseconds, some 584 years).
    pub fn of(duration: Duration) -> Millis {
        Millis(u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX))
    }

    /// The number without its unit, for an axis whose unit is written once: `19.25`.
    pub fn number(self) -> String {
        let (whole, nanos) = (self.0 / 1_000_000, self.0 % 1_000_000);
        if nanos == 0 {
            return whole.to_string();
        }
        let decimals = format!("{nanos:06}");
        format!("{whole}.{}", decimals.trim_end_matches('0'))
    }
}

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ms", self.number())
    }
}

/// What a history's times count, so that they are shown in words that fit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimeUnit {
    /// Nanoseconds of virtual or paused time: shown as milliseconds (`19.25 ms`).
    #[default]
    Nanoseconds,
    /// Line numbers of a log file: shown as `line 12`.
    Lines,
    /// Plain numbers with no unit, as in a history written by hand (`w(0, 1, 0, 10)`):
    /// shown as they are, `12`, so that they read as they were written.
    Ticks,
}

impl TimeUnit {
    /// `at` in words: `19.25 ms`, `line 12`, or `12`.
    pub fn show(self, at: Time) -> String {
        match self {
            TimeUnit::Nanoseconds => millis(at).to_string(),
            TimeUnit::Lines => format!("line {at}"),
            TimeUnit::Ticks => at.to_string(),
        }
    }

    /// The unit an axis of these times is labelled with: `ms`, `line` or `time`.
    pub fn axis(self) -> &'static str {
        match self {
            TimeUnit::Nanoseconds => "ms",
            TimeUnit::Lines => "line",
            TimeUnit::Ticks => "time",
        }
    }

    /// `at` as an axis tick, its unit left to the axis: `19.25`, or `12`.
    pub fn tick(self, at: Time) -> String {
        match self {
            TimeUnit::Nanoseconds => millis(at).number(),
            TimeUnit::Lines | TimeUnit::Ticks => at.to_string(),
        }
    }

    /// Operation `id` in words, for evidence and hover text: `op 2: client 1 r:2, called
    /// at 15 ms, returned at 18 ms`.
    pub fn describe(self, id: OpId, op: &Operation) -> String {
        format!(
            "op {id}: client {} {}, {}",
            op.client,
            op.label(),
            self.span(op)
        )
    }

    /// When `op` ran, in words: `called at 19 ms, returned at 21.5 ms`, `called at 19 ms,
    /// failed at 20 ms (no effect)`, or `called at 19 ms, outcome unknown`.
    pub fn span(self, op: &Operation) -> String {
        let called = format!("called at {}", self.show(op.call));
        match op.outcome {
            Outcome::Ok { at, .. } => format!("{called}, returned at {}", self.show(at)),
            Outcome::Failed { at } => format!("{called}, failed at {} (no effect)", self.show(at)),
            Outcome::Unknown => format!("{called}, outcome unknown"),
        }
    }

    /// Whether this is the default, [`TimeUnit::Nanoseconds`] (reports leave it out).
    pub fn is_nanoseconds(&self) -> bool {
        *self == TimeUnit::Nanoseconds
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Action;

    #[test]
    fn milliseconds_are_exact_and_as_short_as_they_can_be() {
        assert_eq!(millis(0).to_string(), "0 ms");
        assert_eq!(millis(1).to_string(), "0.000001 ms");
        assert_eq!(millis(999_999).to_string(), "0.999999 ms");
        assert_eq!(millis(1_000_000).to_string(), "1 ms");
        assert_eq!(millis(3_104_000).to_string(), "3.104 ms");
        assert_eq!(millis(19_250_000).to_string(), "19.25 ms");
        assert_eq!(millis(12_000_000_000).to_string(), "12000 ms");
        assert_eq!(
            Millis::of(Duration::from_micros(1500)).to_string(),
            "1.5 ms"
        );
        assert_eq!(Millis::of(Duration::MAX).0, u64::MAX);
        assert_eq!(millis(u64::MAX).number(), "18446744073709.551615");
    }

    #[test]
    fn two_different_times_never_read_the_same() {
        let mut seen = std::collections::HashSet::new();
        for at in (0..3_000_000)
            .step_by(997)
            .chain([1, 10, 100, 1_000, 10_000])
        {
            assert!(seen.insert(millis(at).to_string()), "{at}");
        }
    }

    #[test]
    fn spans_say_how_an_operation_ended_in_the_unit_of_its_history() {
        let ok = Operation::write(0, 1, 19_000_000, 21_500_000);
        assert_eq!(
            TimeUnit::Nanoseconds.span(&ok),
            "called at 19 ms, returned at 21.5 ms"
        );
        assert_eq!(
            TimeUnit::Lines.span(&ok),
            "called at line 19000000, returned at line 21500000"
        );
        let failed = Operation::failed(0, Action::Read, 1_000, 2_000);
        assert_eq!(
            TimeUnit::Nanoseconds.span(&failed),
            "called at 0.001 ms, failed at 0.002 ms (no effect)"
        );
        let unknown = Operation::unknown(0, Action::Read, 7);
        assert_eq!(
            TimeUnit::Lines.span(&unknown),
            "called at line 7, outcome unknown"
        );
        assert_eq!(TimeUnit::Nanoseconds.tick(2_500_000), "2.5");
        assert_eq!(TimeUnit::Lines.tick(12), "12");
        assert_eq!(
            TimeUnit::Ticks.span(&ok),
            "called at 19000000, returned at 21500000"
        );
        assert_eq!(TimeUnit::Ticks.tick(12), "12");
        assert_eq!(TimeUnit::Ticks.axis(), "time");
    }
}
