//! The `checker` command line of consistency-lab, as a library: [`run`] carries out a
//! parsed command line; `main` only parses it.
//!
//! ```text
//! checker                         watch the current exercise (status once without a terminal)
//! checker list | check | hint | reset      work through the course
//! checker grade SUBMISSIONS --out DIR      grade many submissions (for instructors)
//! checker gradebook --out DIR FROM...       merge the gradebooks of shards
//! checker student-edition --out DIR        the course without its solutions (for instructors)
//! checker dev verify | mutants | figures   check the course itself (for authors)
//! checker history check | gen     check or generate recorded histories
//! ```
//!
//! Three crates share the work: this one holds the command line and the commands,
//! `checker-core` the course model and the runner every command builds on, and
//! `checker-grader` the grading of untrusted submissions. `docs/src/authors.md` maps them
//! and follows a check and a grade through them.
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`cli`] | the command line, declared with clap |
//! | [`commands`] | the course commands: watch, list, check, hint, reset, student-edition, dev |
//! | [`grading`] | `grade`, `gradebook` and the sandbox's steps, with the `grade` feature |
//! | [`history`] | the `history` commands: checking and generating history files |
//! | [`output`] | what a history check prints, for people and as JSON lines |

pub mod cli;
pub mod commands;
pub mod grading;
pub mod history;
pub mod output;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

/// Runs the command `cli` names and says how it ended, as the process's exit code.
pub fn run(cli: Cli) -> ExitCode {
    let course = cli.course.as_deref();
    let status = match cli.command {
        None => commands::with_course(course, commands::watch::run),
        Some(Command::Check(args)) => {
            let request = commands::check::CheckRequest {
                exercise: args.exercise,
                all: args.all,
                solution: args.solution,
                path: args.path,
                seed: args.seed,
                test: args.test,
                timeout: std::time::Duration::from_secs(args.timeout),
                json: args.format == cli::OutputFormat::Json,
            };
            commands::with_course(course, |c| commands::check::run(c, &request))
        }
        Some(
            command @ (Command::Grade(_)
            | Command::Gradebook { .. }
            | Command::SandboxEnter { .. }
            | Command::SandboxExec(_)),
        ) => return grading::run(course, command),
        Some(Command::Dev {
            command: cli::DevCommand::Verify { exercises },
        }) => commands::with_course(course, |c| commands::dev::verify(c, &exercises)),
        Some(Command::Dev {
            command: cli::DevCommand::Pristine,
        }) => commands::with_course(course, commands::dev::pristine),
        Some(Command::Dev {
            command: cli::DevCommand::Mutants { exercises, timeout },
        }) => commands::with_course(course, |c| {
            commands::mutants::run(c, &exercises, std::time::Duration::from_secs(timeout))
        }),
        Some(Command::Dev {
            command: cli::DevCommand::Figures { check },
        }) => commands::with_course(course, |c| commands::figures::run(c, check)),
        Some(Command::History { command }) => history::run(command),
        Some(Command::StudentEdition { out }) => {
            commands::with_course(course, |c| commands::edition::run(c, &out))
        }
        Some(Command::List { format }) => {
            let json = format == cli::OutputFormat::Json;
            commands::with_course(course, |c| commands::list::run(c, json))
        }
        Some(Command::Hint {
            exercise,
            task,
            all,
        }) => {
            let request = commands::hint::HintRequest {
                exercise,
                task,
                all,
            };
            commands::with_course(course, |c| commands::hint::run(c, &request))
        }
        Some(Command::Reset { exercise, yes }) => {
            let request = commands::reset::ResetRequest { exercise, yes };
            commands::with_course(course, |c| commands::reset::run(c, &request))
        }
    };
    status.into()
}
