//! The order in which a suite's tests start: the slowest of the last run first.
//!
//! Tests run a few at once, each worker taking the next one as it finishes. Started in
//! the listing's order, a slow test near the end runs alone while the other workers have
//! nothing left; started first, it runs beside the quick ones. The runner keeps each
//! test's duration in a small file of its scratch folder (one `millis name` line per
//! test) and reads it back on the next run. The order changes nothing but the wall time:
//! results are reported in the listing's order, and a missing or unreadable file only
//! means the listing's order.

use std::collections::HashMap;
use std::path::Path;

use super::TestResult;
use super::listing::TestCase;

/// The file, in the runner's folder, that holds the last run's durations.
pub(super) const DURATIONS: &str = "durations";

/// The durations in milliseconds of the last run, by test name; empty when there are
/// none to read.
pub(super) fn read(path: &Path) -> HashMap<String, u64> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return HashMap::new();
    };
    text.lines()
        .filter_map(|line| {
            let (millis, name) = line.split_once(' ')?;
            Some((name.to_owned(), millis.parse().ok()?))
        })
        .collect()
}

/// The indices of `tests` in the order to start them: the longest of the last run
/// first; a test of unknown duration (new, or no earlier run) counts as the longest, and
/// tests that took as long keep the listing's order.
pub(super) fn slowest_first(tests: &[TestCase], last: &HashMap<String, u64>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..tests.len()).collect();
    order
        .sort_by_key(|&i| std::cmp::Reverse(last.get(&tests[i].name).copied().unwrap_or(u64::MAX)));
    order
}

/// Keeps the durations of `results` for the next run. A file that cannot be written
/// costs only the order, so the error is dropped.
pub(super) fn write(path: &Path, results: &[TestResult]) {
    let text: String = results
        .iter()
        .map(|result| format!("{} {}\n", result.duration.as_millis(), result.name))
        .collect();
    let _ = std::fs::write(path, text);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(name: &str) -> TestCase {
        TestCase {
            task: "t".into(),
            name: name.into(),
            clauses: Vec::new(),
        }
    }

    #[test]
    fn the_slowest_start_first_and_unknown_tests_before_them() {
        let tests: Vec<TestCase> = ["quick", "slow", "new", "middling", "also_quick"]
            .into_iter()
            .map(case)
            .collect();
        let last: HashMap<String, u64> = [
            ("quick", 1),
            ("slow", 90),
            ("middling", 20),
            ("also_quick", 1),
        ]
        .into_iter()
        .map(|(n, ms)| (n.to_owned(), ms))
        .collect();
        let names: Vec<&str> = slowest_first(&tests, &last)
            .into_iter()
            .map(|i| tests[i].name.as_str())
            .collect();
        assert_eq!(names, ["new", "slow", "middling", "quick", "also_quick"]);
        // Without a last run, the listing's order.
        assert_eq!(slowest_first(&tests, &HashMap::new()), [0, 1, 2, 3, 4]);
    }

    #[test]
    fn durations_are_read_back_as_written_and_bad_lines_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DURATIONS);
        assert!(read(&path).is_empty(), "no file yet");
        std::fs::write(&path, "12 a::b\nnot a line\nx c\n7 d e\n").unwrap();
        let read_back = read(&path);
        assert_eq!(read_back.len(), 2, "{read_back:?}");
        assert_eq!(read_back["a::b"], 12);
        assert_eq!(read_back["d e"], 7);
    }
}
