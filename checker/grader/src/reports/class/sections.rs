//! The sections of `report.html`, each a fragment of HTML from the class and the groups
//! its counts link to.

use std::collections::BTreeMap;

use checker_core::xml::text;

use super::{Class, Groups, href};
use crate::record::{ExerciseStatus, SubmissionGrade, TestGrade};
use crate::reports::history_pages;

/// The longest example message shown for a failure; the record holds it whole.
const EXAMPLE_LIMIT: usize = 1500;

/// The longest explanation failures are grouped by.
const EXPLANATION_LIMIT: usize = 160;

/// The sentence under the title: how many submissions, the points, mean and median.
pub(super) fn lead(class: &Class, groups: &mut Groups) -> String {
    let n = class.book.len();
    let all = groups.count("every submission", (0..n).collect());
    let mut totals: Vec<u32> = class.book.iter().map(SubmissionGrade::score).collect();
    totals.sort_unstable();
    let (mean, median) = if n == 0 {
        (0.0, 0.0)
    } else {
        let mean = totals.iter().map(|&t| f64::from(t)).sum::<f64>() / n as f64;
        let median = if n % 2 == 1 {
            f64::from(totals[n / 2])
        } else {
            (f64::from(totals[n / 2 - 1]) + f64::from(totals[n / 2])) / 2.0
        };
        (mean, median)
    };
    format!(
        "<p class=\"lead\">{all} {}, {} {}, {} points to earn; mean score {mean:.1}, median \
         {median:.1}.</p>",
        plural(n, "submission"),
        class.exercises.len(),
        plural(class.exercises.len(), "exercise"),
        class.max_total
    )
}

/// `noun`, with an `s` unless `n` is one.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        noun.to_owned()
    } else {
        format!("{noun}s")
    }
}

/// The submissions whose sources hold what no honest solution needs.
pub(super) fn flagged(class: &Class, groups: &mut Groups) -> String {
    let members: Vec<usize> = (0..class.book.len())
        .filter(|&i| !class.book[i].flags.is_empty())
        .collect();
    if members.is_empty() {
        return "<p>No submission was flagged.</p>\n".to_owned();
    }
    let mut out = format!(
        "<p>{} {} what no honest solution needs. A flag never changes a score: look at \
         the place named and decide.</p>\n<table><thead><tr><th>submission</th><th>what\
         </th><th>where</th><th>why it is worth a look</th></tr></thead><tbody>",
        groups.count("flagged", members.clone()),
        if members.len() == 1 {
            "submission holds"
        } else {
            "submissions hold"
        }
    );
    for i in members {
        for flag in &class.book[i].flags {
            out.push_str(&format!(
                "<tr><td>{}</td><td class=\"flag\">{}</td><td><code>{}/{}:{}</code></td>\
                 <td>{}</td></tr>",
                class.link(i),
                text(&flag.kind),
                text(&flag.exercise),
                text(&flag.file),
                flag.line,
                text(&flag.why)
            ));
        }
    }
    out.push_str("</tbody></table>\n");
    out
}

/// A bar per tenth of the points there are that a whole score can fall in, and one for
/// full marks.
pub(super) fn scores(class: &Class, groups: &mut Groups) -> String {
    let max = class.max_total;
    let mut buckets: Vec<Vec<usize>> = vec![Vec::new(); 11];
    for (i, sub) in class.book.iter().enumerate() {
        // The tenth a score falls in; full marks alone in the last bar.
        let at = if max == 0 {
            10
        } else {
            (u64::from(sub.score()) * 10 / u64::from(max)).min(10) as usize
        };
        buckets[at].push(i);
    }
    let most = buckets.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let mut out = String::from(
        "<table class=\"scores\"><thead><tr><th>score</th><th>points</th><th>submissions</th>\
         </tr></thead><tbody>",
    );
    for (at, members) in buckets.into_iter().enumerate().rev() {
        let (label, points) = if at == 10 {
            ("100 %".to_owned(), format!("{max}"))
        } else {
            let low = (u64::from(max) * at as u64).div_ceil(10);
            let high = (u64::from(max) * (at as u64 + 1))
                .div_ceil(10)
                .saturating_sub(1);
            if low > high {
                // No whole score falls in this tenth (a course of few points).
                continue;
            }
            let points = if low == high {
                format!("{low}")
            } else {
                format!("{low}\u{2013}{high}")
            };
            (format!("{}\u{2013}{} %", at * 10, at * 10 + 9), points)
        };
        let width = members.len() * 300 / most;
        let caption = format!("a score of {label} ({points} points)");
        out.push_str(&format!(
            "<tr><td>{label}</td><td class=\"num\">{points}</td><td><span class=\"bar\" \
             style=\"width:{width}px\"></span>{}</td></tr>",
            groups.count(&caption, members)
        ));
    }
    out.push_str("</tbody></table>\n");
    out
}

/// Per exercise, how its submissions ended; per task, how many earned it.
pub(super) fn tasks(class: &Class, groups: &mut Groups) -> String {
    let mut out = String::from(
        "<table class=\"tasks\"><thead><tr><th>exercise / task</th><th>points</th>\
         <th>earned</th><th>not earned</th><th>not graded</th></tr></thead><tbody>",
    );
    for e in class.exercises {
        let with = |keep: &dyn Fn(&SubmissionGrade) -> bool| -> Vec<usize> {
            (0..class.book.len())
                .filter(|&i| keep(&class.book[i]))
                .collect()
        };
        let full = with(&|s| {
            s.exercise(&e.name)
                .is_some_and(|g| g.status == ExerciseStatus::Graded && g.score == g.max_score)
        });
        let short = with(&|s| {
            s.exercise(&e.name)
                .is_some_and(|g| g.status == ExerciseStatus::Graded && g.score < g.max_score)
        });
        let ungraded = with(&|s| {
            s.exercise(&e.name)
                .is_none_or(|g| g.status != ExerciseStatus::Graded)
        });
        out.push_str(&format!(
            "<tr class=\"exercise\" id=\"{}\"><td>{} {}</td><td class=\"num\">{}</td>\
             <td class=\"num earned\">{}</td><td class=\"num missed\">{}</td>\
             <td class=\"num ungraded\">{}</td></tr>",
            super::attr(&format!("x-{}", e.name)),
            text(&e.name),
            text(&e.title),
            e.max_score,
            groups.count(&format!("every point of {}", e.name), full),
            groups.count(&format!("graded, some points of {} missed", e.name), short),
            groups.count(&format!("{} missing or not graded", e.name), ungraded)
        ));
        // The tasks in the order the first record holding the exercise lists them.
        let Some(first) = class.book.iter().find_map(|s| s.exercise(&e.name)) else {
            continue;
        };
        for task in &first.tasks {
            let status = |i: usize| {
                class.book[i]
                    .exercise(&e.name)
                    .and_then(|g| g.tasks.iter().find(|t| t.id == task.id).map(|t| (g, t)))
            };
            let earned = with(&|s| {
                s.exercise(&e.name)
                    .and_then(|g| g.tasks.iter().find(|t| t.id == task.id))
                    .is_some_and(|t| t.done)
            });
            let missed: Vec<usize> = (0..class.book.len())
                .filter(|&i| {
                    status(i).is_some_and(|(g, t)| g.status == ExerciseStatus::Graded && !t.done)
                })
                .collect();
            let private = if task.private { " (private)" } else { "" };
            out.push_str(&format!(
                "<tr class=\"task\" id=\"{}\"><td>&#160;&#160;<code>{}</code> {}{private}</td>\
                 <td class=\"num\">{}</td><td class=\"num earned\">{}</td>\
                 <td class=\"num missed\">{}</td><td></td></tr>",
                super::attr(&format!("t-{}-{}", e.name, task.id)),
                text(&task.id),
                text(&task.title),
                task.points,
                groups.count(&format!("earned {}/{}", e.name, task.id), earned),
                groups.count(
                    &format!("graded, did not earn {}/{}", e.name, task.id),
                    missed
                )
            ));
        }
    }
    out.push_str("</tbody></table>\n");
    out
}

/// One failure of a test in one submission.
struct Failure<'a> {
    index: usize,
    exercise: &'a str,
    test: &'a TestGrade,
}

/// The failed tests, most failed first, each with its explanations counted and shown by
/// an example.
pub(super) fn failures(class: &Class, groups: &mut Groups) -> String {
    // By (exercise, test): by explanation: the failures.
    let mut by_test: BTreeMap<(&str, &str), BTreeMap<String, Vec<Failure>>> = BTreeMap::new();
    for (index, sub) in class.book.iter().enumerate() {
        for e in sub
            .exercises
            .iter()
            .filter(|e| e.status == ExerciseStatus::Graded)
        {
            for test in e.tasks.iter().flat_map(|t| &t.tests).filter(|t| !t.passed) {
                by_test
                    .entry((&e.exercise, &test.name))
                    .or_default()
                    .entry(explanation(test))
                    .or_default()
                    .push(Failure {
                        index,
                        exercise: &e.exercise,
                        test,
                    });
            }
        }
    }
    if by_test.is_empty() {
        return "<p>No test failed in a graded exercise.</p>\n".to_owned();
    }
    let mut tests: Vec<_> = by_test.into_iter().collect();
    let failed = |m: &BTreeMap<String, Vec<Failure>>| m.values().map(Vec::len).sum::<usize>();
    tests.sort_by_key(|(_, m)| std::cmp::Reverse(failed(m)));
    let mut out = String::from(
        "<p class=\"note\">Each failed test of a graded exercise, most failed first; under it \
         the checker's explanations, grouped with their numbers left out, each with one \
         example.</p>\n",
    );
    for ((exercise, test), explanations) in tests {
        let all: Vec<usize> = explanations.values().flatten().map(|f| f.index).collect();
        out.push_str(&format!(
            "<div class=\"failure\"><h3><code>{}</code> <code>{}</code>: failed by {}</h3>",
            text(exercise),
            text(test),
            groups.count(&format!("failed {exercise} {test}"), all)
        ));
        let mut explanations: Vec<_> = explanations.into_iter().collect();
        explanations.sort_by_key(|(_, f)| std::cmp::Reverse(f.len()));
        out.push_str("<ul>");
        for (why, found) in explanations {
            let example = &found[0];
            let page = history_pages::page_path(
                &class.book[example.index].submission,
                example.exercise,
                example.test,
            )
            .map(|p| format!(", <a href=\"{}\">its history</a>", href(&p)))
            .unwrap_or_default();
            let members = found.iter().map(|f| f.index).collect();
            out.push_str(&format!(
                "<li>{}: {}<br><span class=\"note\">for example {}{page}:</span><pre>{}</pre></li>",
                groups.count(&format!("failed {exercise} {test}: {why}"), members),
                text(&why),
                class.link(example.index),
                text(&cut(&example.test.message, EXAMPLE_LIMIT))
            ));
        }
        out.push_str("</ul></div>\n");
    }
    out
}

/// What failures are grouped by: the verdict and the first line of the checker's
/// explanation with every number made `#`, since seeds, counts and places differ from
/// one submission to the next where the mistake does not.
fn explanation(test: &TestGrade) -> String {
    let first = test
        .message
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let mut out = format!("{}: ", test.verdict);
    let mut in_number = false;
    for c in first.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('#');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    cut(out.trim_end_matches([':', ' ']), EXPLANATION_LIMIT)
}

/// `text` cut to `limit` characters, an ellipsis saying so.
fn cut(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    text.chars().take(limit).collect::<String>() + "\u{2026}"
}

/// The exercises that did not compile, were refused or could not be listed, and the
/// tests that timed out: counted per exercise, then each case.
pub(super) fn not_run(class: &Class, groups: &mut Groups) -> String {
    let mut out = String::from(
        "<table class=\"not-run\"><thead><tr><th>exercise</th><th>does not compile</th>\
         <th>suite does not compile against it</th><th>refused or not listed</th>\
         <th>not graded (checker error)</th><th>a test timed out</th></tr></thead><tbody>",
    );
    let mut cases = String::new();
    for e in class.exercises {
        let of = |status: &[ExerciseStatus]| -> Vec<usize> {
            (0..class.book.len())
                .filter(|&i| {
                    class.book[i]
                        .exercise(&e.name)
                        .is_some_and(|g| status.contains(&g.status))
                })
                .collect()
        };
        let timed_out: Vec<usize> = (0..class.book.len())
            .filter(|&i| !timeouts(&class.book[i], &e.name).is_empty())
            .collect();
        out.push_str(&format!(
            "<tr id=\"{}\"><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            super::attr(&format!("n-{}", e.name)),
            text(&e.name),
            groups.count(
                &format!("{} does not compile", e.name),
                of(&[ExerciseStatus::DoesNotCompile])
            ),
            groups.count(
                &format!("the suite of {} does not compile against it", e.name),
                of(&[ExerciseStatus::SuiteDoesNotCompile])
            ),
            groups.count(
                &format!("{} refused or not listed", e.name),
                of(&[ExerciseStatus::Rejected, ExerciseStatus::Unlisted])
            ),
            groups.count(
                &format!("{} not graded", e.name),
                of(&[ExerciseStatus::ToolError])
            ),
            groups.count(&format!("a test of {} timed out", e.name), timed_out)
        ));
        for (i, sub) in class.book.iter().enumerate() {
            let Some(g) = sub.exercise(&e.name) else {
                continue;
            };
            if !matches!(g.status, ExerciseStatus::Graded | ExerciseStatus::Missing) {
                cases.push_str(&format!(
                    "<li>{} <code>{}</code>: {}<pre>{}</pre></li>",
                    class.link(i),
                    text(&e.name),
                    text(g.status.as_str()),
                    text(&cut(&g.message, EXAMPLE_LIMIT))
                ));
            }
            for test in timeouts(sub, &e.name) {
                cases.push_str(&format!(
                    "<li>{} <code>{}</code> <code>{}</code>: {}</li>",
                    class.link(i),
                    text(&e.name),
                    text(&test.name),
                    text(&test.verdict)
                ));
            }
        }
    }
    out.push_str("</tbody></table>\n");
    if cases.is_empty() {
        out.push_str("<p>Every exercise submitted compiled, and no test timed out.</p>\n");
    } else {
        out.push_str(&format!("<ul class=\"cases\">{cases}</ul>\n"));
    }
    out
}

/// The tests of exercise `name` in `sub` that ran out of time.
fn timeouts<'a>(sub: &'a SubmissionGrade, name: &str) -> Vec<&'a TestGrade> {
    sub.exercise(name)
        .into_iter()
        .flat_map(|g| g.tasks.iter().flat_map(|t| &t.tests))
        .filter(|t| t.verdict.starts_with("timed out"))
        .collect()
}

/// A row per submission: its scores, its flags, its files and history pages.
pub(super) fn submissions(class: &Class) -> String {
    let mut out = String::from("<table><thead><tr><th>submission</th><th>total</th>");
    for e in class.exercises {
        out.push_str(&format!("<th>{}</th>", text(&e.name)));
    }
    out.push_str("<th>flags</th><th>files</th><th>history pages</th></tr></thead><tbody>");
    for (i, sub) in class.book.iter().enumerate() {
        let id = &sub.submission;
        out.push_str(&format!(
            "<tr id=\"{}\"><td>{}</td><td class=\"num\">{}/{}</td>",
            Class::row(i),
            text(id),
            sub.score(),
            class.max_total
        ));
        for e in class.exercises {
            let cell = match sub.exercise(&e.name) {
                None => "-".to_owned(),
                Some(g) if g.status == ExerciseStatus::Graded => g.score.to_string(),
                Some(g) => g.status.as_str().to_owned(),
            };
            out.push_str(&format!("<td class=\"num\">{}</td>", text(&cell)));
        }
        let flags: Vec<String> = sub.flags.iter().map(|f| text(&f.short())).collect();
        out.push_str(&format!(
            "<td class=\"flag\">{}</td><td><a href=\"{}\">grade.json</a> \
             <a href=\"{}\">junit.xml</a></td><td>",
            flags.join("<br>"),
            href(&format!("submissions/{id}/grade.json")),
            href(&format!("submissions/{id}/junit.xml"))
        ));
        let pages: Vec<String> = history_pages::pages_of(sub)
            .into_iter()
            .map(|(e, test, path)| {
                format!(
                    "<a href=\"{}\">{} {}</a>",
                    href(&path),
                    text(&e.exercise),
                    text(&test.name)
                )
            })
            .collect();
        out.push_str(&pages.join("<br>"));
        out.push_str("</td></tr>\n");
    }
    out.push_str("</tbody></table>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::sample;

    #[test]
    fn failures_are_grouped_by_their_explanation_with_the_numbers_left_out() {
        let one = sample::test(
            "t",
            "panicked",
            "failed at a.rs:4:19: seed 3, 12 swaps\nmore",
            1,
        );
        let two = sample::test("t", "panicked", "failed at a.rs:4:19: seed 7, 2 swaps", 1);
        assert_eq!(
            explanation(&one),
            "panicked: failed at a.rs:#:#: seed #, # swaps"
        );
        assert_eq!(explanation(&one), explanation(&two));
        let other = sample::test("t", "timed out after 30 s", "", 1);
        assert_eq!(explanation(&other), "timed out after 30 s");
    }
}
