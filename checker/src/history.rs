//! The `history` commands: work on recorded history files.

pub mod check;
pub mod consistency;
pub mod r#gen;

use crate::cli::HistoryCommand;
use checker_core::Status;

/// Runs one `history` command.
pub fn run(command: HistoryCommand) -> Status {
    match command {
        HistoryCommand::Check(args) => check::run(&args),
        HistoryCommand::Gen(args) => r#gen::run(&args),
    }
}
