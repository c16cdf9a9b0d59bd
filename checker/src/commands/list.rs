//! `checker list`: progress by topic and task, or the catalog as JSON.

use anyhow::Result;
use serde::Serialize;

use checker_core::Status;
use checker_core::bar::bar;
use checker_core::course::Course;
use checker_core::state::Progress;
use checker_core::style::Style;

#[derive(Serialize)]
struct JsonExercise<'a> {
    name: &'a str,
    topic: &'a str,
    title: &'a str,
    points: u32,
    tasks: Vec<JsonTask<'a>>,
}

#[derive(Serialize)]
struct JsonTask<'a> {
    id: &'a str,
    title: &'a str,
    points: u32,
    done: bool,
}

/// Prints the course with the student's progress.
pub fn run(course: &Course, json: bool) -> Result<Status> {
    let (progress, notice) = Progress::load(&course.state_dir());
    if let Some(n) = notice {
        eprintln!("note: {n}");
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
                tasks: ex
                    .tasks
                    .iter()
                    .map(|t| JsonTask {
                        id: &t.id,
                        title: &t.title,
                        points: t.points,
                        done: done(&progress, &ex.name, &t.id),
                    })
                    .collect(),
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&all)?);
    } else {
        print!("{}", render(course, &progress, Style::stdout()));
    }
    Ok(Status::Passed)
}

fn done(progress: &Progress, exercise: &str, task: &str) -> bool {
    progress
        .exercises
        .get(exercise)
        .is_some_and(|e| e.done.contains(task))
}

/// The course status: a progress bar, then each topic's exercises and tasks.
pub fn render(course: &Course, progress: &Progress, style: Style) -> String {
    let exercises = &course.catalog.exercises;
    if exercises.is_empty() {
        return "The course has no exercises yet.\n".to_owned();
    }
    let total: u32 = exercises.iter().map(|e| e.points()).sum();
    let earned: u32 = exercises
        .iter()
        .flat_map(|e| {
            e.tasks
                .iter()
                .filter(|t| done(progress, &e.name, &t.id))
                .map(|t| t.points)
        })
        .sum();
    let finished = exercises
        .iter()
        .filter(|e| progress.all_done(&e.name, e.tasks.iter().map(|t| t.id.as_str())))
        .count();
    let mut out = format!(
        "Progress {}  {earned}/{total} points, {finished} of {} exercises done\n",
        bar(earned, total, 30),
        exercises.len()
    );
    let mut topic = "";
    for ex in exercises {
        if ex.topic != topic {
            topic = &ex.topic;
            out.push_str(&format!("\n{}\n", style.bold(topic)));
        }
        let got: u32 = ex
            .tasks
            .iter()
            .filter(|t| done(progress, &ex.name, &t.id))
            .map(|t| t.points)
            .sum();
        let current = progress.current.as_deref() == Some(ex.name.as_str());
        let marker = if current { ">" } else { " " };
        out.push_str(&format!(
            "{marker} {:<24} {:<50} {got:>3}/{}\n",
            ex.name,
            ex.title,
            ex.points()
        ));
        for t in &ex.tasks {
            let mark = if done(progress, &ex.name, &t.id) {
                style.green("[x]")
            } else {
                "[ ]".to_owned()
            };
            out.push_str(&format!(
                "    {mark} {:<20} {:<48} {:>3}\n",
                t.id, t.title, t.points
            ));
        }
    }
    out
}
