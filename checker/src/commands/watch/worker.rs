//! Checks run on a thread of their own, so that keys keep working during a build that
//! can take minutes. One check runs at a time (checks share one build folder, whose lock
//! would make a second one wait anyway), and of the checks asked for while one runs only
//! the last is started: the earlier ones would check files that changed since.
//!
//! A check is not stopped when the student leaves its exercise: the runner has no way to
//! stop a build halfway, and its result is still a true result for that exercise, which
//! the watch mode records without showing it over the new exercise's screen.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc::{self, Sender};

use checker_core::course::{Course, Source};
use checker_core::report::ExerciseReport;
use checker_core::runner::{Activity, Observer};

use super::events::{Done, Event, Job};
use crate::commands::check;

/// Starts the thread that runs checks; returns where to send jobs. What it does is sent
/// to `events`: a job started, a line of progress, a job done.
pub fn start(course: Course, events: Sender<Event>) -> std::io::Result<Sender<Job>> {
    let (jobs, queue) = mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("checks".into())
        .spawn(move || {
            while let Ok(mut job) = queue.recv() {
                while let Ok(later) = queue.try_recv() {
                    job = later;
                }
                if events.send(Event::Started(job.id)).is_err() {
                    return;
                }
                let report = run(&course, &job, &events);
                let done = Done {
                    id: job.id,
                    report,
                    exercise: job.exercise.name,
                };
                if events.send(Event::Checked(Box::new(done))).is_err() {
                    return;
                }
            }
        })?;
    Ok(jobs)
}

/// Runs one check, with the student's copy, the default seed and timeout.
fn run(course: &Course, job: &Job, events: &Sender<Event>) -> Result<ExerciseReport, String> {
    // What the build compiles and how many tests have run, for the line under the header.
    let (id, to, name) = (job.id, events.clone(), job.exercise.name.clone());
    let observer: Observer = Arc::new(move |activity: &Activity| {
        let line = match activity {
            Activity::Compiling { done, total, now } => format!(
                "compiling, {done}/{total} crates: {}",
                check::crate_names(now, &name)
            ),
            Activity::Testing { done, total } => format!("{done}/{total} tests run"),
        };
        let _ = to.send(Event::Progress { id, line });
    });
    let checked = catch_unwind(AssertUnwindSafe(|| {
        check::check_one(
            course,
            &job.exercise,
            &Source::Student,
            check::DEFAULT_SEED,
            None,
            check::TEST_TIMEOUT,
            Some(observer),
        )
    }));
    match checked {
        Ok(Ok(report)) => Ok(report),
        Ok(Err(e)) => Err(format!("{e:#}")),
        Err(_) => Err(format!(
            "the check of {} stopped on a bug in the checker (r tries again; `checker check {}` shows the message)",
            job.exercise.name, job.exercise.name
        )),
    }
}
