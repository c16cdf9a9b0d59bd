//! `checker`: the command-line tool of consistency-lab.
//!
//! ```text
//! checker                         watch the current exercise (status once without a terminal)
//! checker list | check | hint | reset      work through the course
//! checker grade SUBMISSIONS --out DIR      grade many submissions (for instructors)
//! checker gradebook --out DIR FROM...       merge the gradebooks of shards
//! checker dev verify | figures    check the course itself, draw the book's figures (for authors)
//! checker history check | gen     check or generate recorded histories
//! ```
//!
//! Modules, one concern each:
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`cli`] | the command line, declared with clap |
//! | [`catalog`] | the course catalog: exercises, tasks, points, hints |
//! | [`course`] | where the course and each part of an exercise live on disk |
//! | [`state`] | the student's progress file |
//! | [`commands`] | the course commands: watch, list, check, hint, reset, dev verify |
//! | [`runner`] | building hidden suites against an exercise and running each test under the trusted harness |
//! | [`grade`] | from test results to tasks, points and reports |
//! | [`grading`] | `checker grade`: untrusted submissions, sandboxed, into a gradebook |
//! | [`history_cmd`] | the `history` commands: checking and generating history files |
//! | [`pages`] | the HTML page of a history check: the history and the network, drawn |
//! | [`output`] | what a history check prints, for people and as JSON lines |
//! | [`style`] | colour, only on a terminal and only when `NO_COLOR` is not set |
//! | [`xml`] | escaping text for XML, HTML and SVG |
//!
//! `main` only reads the command line, hands it to the command, and turns the
//! [`Status`] the command ends with into the exit code.

mod catalog;
mod clauses;
mod cli;
mod commands;
mod course;
mod grade;
mod grading;
mod history_cmd;
mod output;
mod pages;
mod runner;
mod state;
mod style;
mod xml;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

/// How a command ended, from best to worst. The exit code is the number.
///
/// A run over several files ends with the worst status of any of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Everything checked passed (exit code 0).
    Passed = 0,
    /// A check failed: a history is not linearizable, or the checker could not decide
    /// (exit code 1). Undecided is a failure: passing it would reward huge histories.
    Failed = 1,
    /// The tool could not do its job: bad arguments, an unreadable file, a file that does
    /// not parse (exit code 2). Clap also exits with 2 on a usage error.
    ToolError = 2,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> Self {
        ExitCode::from(status as u8)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let course = cli.course.as_deref();
    let status = match cli.command {
        None => commands::with_course(course, commands::watch::run),
        Some(Command::Check(args)) => {
            let request = commands::check::Request {
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
        Some(Command::Grade(args)) => {
            let request = grading::command::Request {
                submissions: args.submissions,
                out: args.out,
                exercises: args.exercise,
                jobs: args.jobs,
                shard: args.shard,
                private_suite: args.private_suite,
                seed: args.seed,
                timeout: std::time::Duration::from_secs(args.timeout),
                regrade: args.regrade,
                no_sandbox: args.no_sandbox,
                sandbox_uid: args.sandbox_uid,
            };
            commands::with_course(course, |c| grading::command::run(c, &request))
        }
        Some(Command::Gradebook { out, from }) => {
            commands::with_course(course, |c| grading::gradebook::merge(c, &out, &from))
        }
        Some(Command::Dev {
            command: cli::DevCommand::Verify { exercises },
        }) => commands::with_course(course, |c| commands::dev::verify(c, &exercises)),
        Some(Command::Dev {
            command: cli::DevCommand::Mutants { exercises, timeout },
        }) => commands::with_course(course, |c| {
            commands::mutants::run(c, &exercises, std::time::Duration::from_secs(timeout))
        }),
        Some(Command::Dev {
            command: cli::DevCommand::Figures { check },
        }) => commands::with_course(course, |c| commands::figures::run(c, check)),
        Some(Command::History { command }) => history_cmd::run(command),
        Some(Command::StudentEdition { out }) => {
            commands::with_course(course, |c| commands::edition::run(c, &out))
        }
        Some(Command::SandboxEnter { join, program }) => {
            return grading::confine::enter(&join, &program);
        }
        Some(Command::SandboxExec(args)) => {
            return grading::confine::exec(&grading::confine::Request {
                limits: grading::confine::Limits {
                    memory: args.memory,
                    cpu_seconds: args.cpu,
                    processes: args.processes,
                    file_size: args.file_size,
                    open_files: args.open_files,
                    tmp_files: args.tmp_files,
                },
                user: args.user,
                program: args.program,
            });
        }
        Some(Command::List { format }) => {
            let json = format == cli::OutputFormat::Json;
            commands::with_course(course, |c| commands::list::run(c, json))
        }
        Some(Command::Hint { exercise, all }) => {
            commands::with_course(course, |c| commands::hint::run(c, &exercise, all))
        }
        Some(Command::Reset { exercise }) => {
            commands::with_course(course, |c| commands::reset::run(c, &exercise))
        }
    };
    status.into()
}
