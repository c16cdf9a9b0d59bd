//! The watch mode's state without a terminal: events in, frames out.

use std::collections::BTreeSet;
use std::sync::mpsc;
use std::time::Duration;

use super::*;
use checker_core::report::{Build, TestReport};

/// A two-exercise course in a scratch folder, where its progress file goes.
fn course(name: &str) -> Course {
    let root = std::env::temp_dir().join(format!("checker-watch-{name}-{}", std::process::id()));
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
