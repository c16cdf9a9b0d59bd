//! The instructors' commands: `checker grade`, `checker gradebook`, and the two steps
//! into the grading sandbox. They live in `checker-grader`, which the `checker` crate
//! builds only with its `grade` feature: a student's first build compiles none of what
//! grading needs (archives, compression, the sandbox, the gradebook's formats).

use std::path::Path;
use std::process::ExitCode;

use crate::cli::Command;

/// The command line an instructor builds the grading checker with.
pub const HOW: &str = "cargo run --release -p checker --features grade --";

/// Runs a grading command: one of [`Command::Grade`], [`Command::Gradebook`],
/// [`Command::SandboxEnter`] and [`Command::SandboxExec`].
#[cfg(feature = "grade")]
pub fn run(course: Option<&Path>, command: Command) -> ExitCode {
    use crate::commands;
    use checker_grader::confine;
    let status = match command {
        Command::Grade(args) => {
            let shard = if args.shard_from_env {
                match checker_grader::jobs::shard_from_env(|name| std::env::var(name).ok()) {
                    Ok(shard) => Some(shard),
                    Err(error) => {
                        crate::output::error(&format!("{error:#}"));
                        return checker_core::Status::ToolError.into();
                    }
                }
            } else {
                args.shard
            };
            let request = checker_grader::command::GradeRequest {
                submissions: args.submissions,
                out: args.out,
                exercises: args.exercise,
                jobs: args.jobs,
                shard,
                private_suite: args.private_suite,
                seed: args.seed,
                timeout: std::time::Duration::from_secs(args.timeout),
                regrade: args.regrade,
                no_sandbox: args.no_sandbox,
                sandbox_uid: args.sandbox_uid,
                class: class(args.class),
            };
            commands::with_course(course, |c| checker_grader::command::run(c, &request))
        }
        Command::Gradebook {
            out,
            from,
            class: args,
        } => {
            let options = class(args);
            commands::with_course(course, |c| {
                checker_grader::gradebook::merge(c, &out, &from, &options)
            })
        }
        Command::SandboxEnter { join, program } => return confine::enter(&join, &program),
        Command::SandboxExec(args) => {
            return confine::exec(&confine::Confinement {
                limits: confine::Limits {
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
        _ => unreachable!("only grading commands are passed here"),
    };
    status.into()
}

/// The class files' options, as the grader takes them.
#[cfg(feature = "grade")]
fn class(args: crate::cli::ClassArgs) -> checker_grader::gradebook::ClassOptions {
    checker_grader::gradebook::ClassOptions {
        threshold: args.similarity_threshold,
        known: args.known,
        roster: args.roster,
    }
}

/// Without the `grade` feature: one line saying how to build the checker that grades.
#[cfg(not(feature = "grade"))]
pub fn run(_course: Option<&Path>, command: Command) -> ExitCode {
    let name = match command {
        Command::Grade(_) => "grade",
        Command::Gradebook { .. } => "gradebook",
        _ => "sandbox-exec",
    };
    use checker_core::Status;
    crate::output::error(&format!(
        "checker {name} is for instructors and is built with the grade feature: run `{HOW} {name} ...` (the first build adds what grading needs)"
    ));
    Status::ToolError.into()
}
