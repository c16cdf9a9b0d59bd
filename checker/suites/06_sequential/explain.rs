//! The words failures are told in: writes, times, lists of numbers, README rules.

use std::fmt;
use std::time::Duration;

use testkit::history::Millis;
use testkit::sim::NodeId;

/// One write as the protocol names it: its origin replica, the origin's id for it, and
/// its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Write {
    /// The replica its client asked.
    pub origin: NodeId,
    /// The origin's number for it.
    pub id: u64,
    /// The value written.
    pub value: i64,
}

impl fmt::Display for Write {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the write of {} from n{} (id {})",
            self.value, self.origin, self.id
        )
    }
}

/// The clause `n` of task `sequential`, as a failure names it.
pub fn rule(n: u32) -> String {
    format!("(README rule sequential.{n})")
}

/// A virtual time or span, in milliseconds, as every message of the course writes it.
pub fn ms(d: Duration) -> String {
    Millis::of(d).to_string()
}

/// A register value as a read shows it.
pub fn shown(value: Option<i64>) -> String {
    value.map_or_else(|| "nil".to_owned(), |v| v.to_string())
}

/// Write numbers, runs collapsed: `0-3, 5, 7-9`, or `none`.
pub fn numbers(numbers: impl IntoIterator<Item = u64>) -> String {
    let mut runs: Vec<(u64, u64)> = Vec::new();
    for n in numbers {
        match runs.last_mut() {
            Some((_, last)) if *last + 1 == n => *last = n,
            _ => runs.push((n, n)),
        }
    }
    if runs.is_empty() {
        return "none".to_owned();
    }
    let parts: Vec<String> = runs
        .iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    parts.join(", ")
}
