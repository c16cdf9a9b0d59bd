//! `checker list`: progress by topic and task, or the catalog as JSON.

use anyhow::Result;
use serde::Serialize;

use checker_core::Status;
use checker_core::bar::bar;
use checker_core::course::Course;
use checker_core::progress::CourseState;
use checker_core::style::Style;

#[derive(Serialize)]
struct JsonExercise<'a> {
    name: &'a str,
    topic: &'a str,
    title: &'a str,
    points: u32,
    /// Whether it is the exercise being worked on.
    current: bool,
    /// The first compile error's place, when the last check found the copy broken.
    #[serde(skip_serializing_if = "Option::is_none")]
    broken: Option<&'a str>,
    tasks: Vec<JsonTask<'a>>,
}

#[derive(Serialize)]
struct JsonTask<'a> {
    id: &'a str,
    title: &'a str,
    points: u32,
    done: bool,
    /// How many hints the task has.
    hints: usize,
    /// How many of them were shown.
    hints_shown: usize,
}

/// Prints the course with the student's progress.
pub fn run(course: &Course, json: bool) -> Result<Status> {
    let state = CourseState::load(course);
    if let Some(notice) = state.notice() {
        eprintln!("note: {notice}");
    }
    if json {
        let all: Vec<JsonExercise> = course
            .catalog
            .exercises
            .iter()
            .map(|ex| JsonExercise {
                name: &ex.name,
                topic: &ex.topic,
                title: &ex.title,
                points: ex.points(),
                current: state.current().is_some_and(|c| c.name == ex.name),
                broken: state.broken(ex),
                tasks: ex
                    .tasks
                    .iter()
                    .map(|t| JsonTask {
                        id: &t.id,
                        title: &t.title,
                        points: t.points,
                        done: state.is_done(ex, &t.id),
                        hints: t.hints.len(),
                        hints_shown: state.hints_shown(ex, t),
                    })
                    .collect(),
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&all)?);
    } else {
        print!("{}", render(&state, Style::stdout()));
    }
    Ok(Status::Passed)
}

/// The course status: a progress bar, then each topic's exercises and tasks.
pub fn render(state: &CourseState<'_>, style: Style) -> String {
    let exercises = &state.course().catalog.exercises;
    if exercises.is_empty() {
        return "The course has no exercises yet.\n".to_owned();
    }
    let (earned, total) = state.points();
    let (finished, count) = state.exercises_finished();
    let current = state.current().map(|e| e.name.as_str());
    let mut out = format!(
        "Progress {}  {earned}/{total} points, {finished} of {count} exercises done\n",
        bar(earned, total, 30),
    );
    let mut topic = "";
    for ex in exercises {
        if ex.topic != topic {
            topic = &ex.topic;
            out.push_str(&format!("\n{}\n", style.bold(topic)));
        }
        let got = state.points_of(ex);
        let marker = if current == Some(ex.name.as_str()) {
            ">"
        } else {
            " "
        };
        out.push_str(&format!(
            "{marker} {:<24} {:<50} {got:>3}/{}\n",
            ex.name,
            ex.title,
            ex.points()
        ));
        let broken = state.broken(ex);
        if let Some(place) = broken {
            out.push_str(&format!(
                "    {} does not compile now (first error at {place}); the tasks marked [~] were done before\n",
                style.yellow("!")
            ));
        }
        for t in &ex.tasks {
            let mark = match (state.is_done(ex, &t.id), broken) {
                (true, None) => style.green("[x]"),
                (true, Some(_)) => style.yellow("[~]"),
                (false, _) => "[ ]".to_owned(),
            };
            out.push_str(&format!(
                "    {mark} {:<20} {:<48} {:>3}\n",
                t.id, t.title, t.points
            ));
        }
    }
    out
}
