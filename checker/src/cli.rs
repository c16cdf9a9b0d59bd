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
    /// Generate a random register history: linearizable by construction, or with one
    /// planted violation. For tests and benchmarks at the scale of real runs.
    Gen(GenArgs),
}

/// Arguments of `checker history gen`.
#[derive(Debug, Args)]
pub struct GenArgs {
    /// Clients running at once.
    #[arg(long, default_value_t = 32)]
    pub clients: u32,

    /// Operations per client.
    #[arg(long, value_name = "N", default_value_t = 60)]
    pub ops_per_client: usize,

    /// Longest duration of an operation, in ticks. Longer operations overlap more.
    #[arg(long, value_name = "TICKS", default_value_t = 10)]
    pub max_duration: u64,

    /// Longest pause between a client's operations, in ticks. Shorter pauses overlap more.
    #[arg(long, value_name = "TICKS", default_value_t = 5)]
    pub max_gap: u64,

    /// Draw written values from 0..N; without it every written value is unique.
    #[arg(long, value_name = "N")]
    pub values: Option<i64>,

    /// Share of reads, 0 to 1.
    #[arg(long, default_value_t = 0.5)]
    pub reads: f64,

    /// Share of compare-and-swaps, 0 to 1 (the rest are writes).
    #[arg(long, default_value_t = 0.2)]
    pub cas: f64,

    /// Share of operations whose outcome is unknown (timeouts), 0 to 1.
    #[arg(long, default_value_t = 0.02)]
    pub unknown: f64,

    /// Plant one violation: a read no order can explain.
    #[arg(long)]
    pub violation: bool,

    /// The seed: same seed and options, same history.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// The file format to write.
    #[arg(long, value_enum, default_value_t = GenFormat::Jepsen)]
    pub format: GenFormat,

    /// Where to write it; standard output without it.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The formats `checker history gen` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GenFormat {
    /// A Jepsen register log, as `history check` reads it.
    Jepsen,
    /// The course's JSON history format, naming the cas-register model.
    Json,
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
