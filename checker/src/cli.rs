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
    /// Work with recorded histories (JSON, Jepsen register logs, key-value EDN logs).
    History {
        /// What to do with them.
        #[command(subcommand)]
        command: HistoryCommand,
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

/// The text `checker` prints without arguments.
pub fn overview() -> String {
    format!(
        "checker {}: consistency checks for distributed systems\n\
         \n\
         Commands:\n\
         \x20 checker history check FILE...   check that recorded histories are linearizable\n\
         \x20     --model register|cas-register|kv   the model (default: implied by the file)\n\
         \x20     --format human|json                results for people or as JSON lines\n\
         \x20     --budget STEPS                     search steps per file before giving up\n\
         \n\
         Files may be JSON histories, Jepsen register logs or key-value EDN logs.\n\
         Run `checker help history check` for details.\n",
        env!("CARGO_PKG_VERSION")
    )
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
