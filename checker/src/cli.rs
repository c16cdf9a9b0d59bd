//! The command line, declared with clap's derive API.
//!
//! Commands nest by subject (`checker history check`), so that later subjects (the
//! exercises: list, check, hint, reset; grading; development tools) each get their own
//! group and their own module instead of one long flat list.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use testkit::check::DEFAULT_STEP_BUDGET;
use testkit::model::ModelKind;

/// Checks distributed systems for consistency: linearizability of recorded histories.
#[derive(Debug, Parser)]
#[command(name = "checker", version)]
pub struct Cli {
    /// The course root (default: the folder around the current one that holds
    /// checker/catalog.toml, or CONSISTENCY_LAB_ROOT).
    #[arg(long, global = true, value_name = "DIR")]
    pub course: Option<PathBuf>,

    /// The command; without one, the watch mode on the current exercise (or, without a
    /// terminal, the course status once).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The top-level command groups.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Progress by topic and task.
    List {
        /// Print the catalog with each task's state as JSON.
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
    },
    /// Show the next hint for an exercise.
    Hint {
        /// The exercise (its name, number or topic).
        exercise: String,
        /// Show every hint at once.
        #[arg(long)]
        all: bool,
    },
    /// Restore an exercise's skeleton, keeping a backup of your files.
    Reset {
        /// The exercise (its name, number or topic).
        exercise: String,
    },
    /// Check exercises against their hidden suites.
    ///
    /// Exit code 0 when every task passes, 1 when any fails, 2 when the checker could
    /// not run.
    Check(ExerciseCheckArgs),
    /// Tools for course authors.
    Dev {
        /// What to do.
        #[command(subcommand)]
        command: DevCommand,
    },
    /// Work with recorded histories (JSON, Jepsen register logs, key-value EDN logs).
    History {
        /// What to do with them.
        #[command(subcommand)]
        command: HistoryCommand,
    },
}

/// Arguments of `checker check`.
#[derive(Debug, Args)]
pub struct ExerciseCheckArgs {
    /// The exercise (its name, number or topic); default: the current one.
    pub exercise: Option<String>,
    /// Check every exercise.
    #[arg(long)]
    pub all: bool,
    /// Check the reference solutions instead of your copies.
    #[arg(long)]
    pub solution: bool,
    /// Check the copy of the exercise in this folder instead (it is not modified).
    #[arg(long, value_name = "DIR")]
    pub path: Option<PathBuf>,
    /// The seed of the randomized tests, to replay a run.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Seconds a hidden test may run before its whole process tree is killed.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub timeout: u64,
    /// Run only the hidden test with this name (progress is not recorded).
    #[arg(long, value_name = "NAME")]
    pub test: Option<String>,
    /// Results for people, or as JSON.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

/// The `dev` commands.
#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Check the course itself: every skeleton compiles without warnings, holds a TODO
    /// and fails its hidden suite; every solution passes it and is rustfmt- and
    /// clippy-clean; the catalog and the folders agree.
    Verify {
        /// Only these exercises (default: all).
        exercises: Vec<String>,
    },
}

/// The `history` commands.
#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Check that each history is linearizable.
    ///
    /// Exit code 0 when every history is linearizable, 1 when one is not or could not be
    /// decided within the budget, 2 when a file cannot be read or parsed.
    Check(CheckArgs),
}

/// Arguments of `checker history check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The model to check against. Default: the one the file implies (Jepsen logs:
    /// cas-register; key-value logs: kv; JSON: its "model" field).
    #[arg(long, value_enum)]
    pub model: Option<ModelArg>,

    /// How to print the results: for people, or one JSON object per file and line.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Search steps per file before giving up with an unknown verdict.
    #[arg(long, value_name = "STEPS", default_value_t = DEFAULT_STEP_BUDGET)]
    pub budget: u64,

    /// The history files. The format is told from the content.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// The models, as named on the command line.
///
/// A clap enum rather than parsing into [`ModelKind`] directly, so that `--help` and the
/// error for a wrong name list the choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    /// One value: reads and writes.
    Register,
    /// One value: reads, writes and compare-and-swap.
    CasRegister,
    /// Strings under keys: get, put and append.
    Kv,
}

impl From<ModelArg> for ModelKind {
    fn from(model: ModelArg) -> Self {
        match model {
            ModelArg::Register => ModelKind::Register,
            ModelArg::CasRegister => ModelKind::CasRegister,
            ModelArg::Kv => ModelKind::Kv,
        }
    }
}

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A line per file, and the evidence of each violation.
    Human,
    /// One JSON object per file, one per line.
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn model_names_match_the_library() {
        for arg in ModelArg::value_variants() {
            let name = arg.to_possible_value().unwrap().get_name().to_owned();
            assert_eq!(ModelKind::from(*arg).name(), name);
        }
    }
}
