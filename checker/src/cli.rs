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
    /// The command; without one, an overview of the commands is printed.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The top-level command groups.
#[derive(Debug, Subcommand)]
pub enum Command {
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
         \x20 checker history gen [OPTIONS]    generate a register history (Jepsen log or JSON)\n\
         \x20     --clients N --ops-per-client N --unknown SHARE --cas SHARE --values N\n\
         \x20     --violation --seed N --format jepsen|json --output FILE\n\
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
