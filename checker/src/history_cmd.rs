//! The `history` commands: work on recorded history files.

pub mod check;

use crate::Status;
use crate::cli::HistoryCommand;

/// Runs one `history` command.
pub fn run(command: HistoryCommand) -> Status {
    match command {
        HistoryCommand::Check(args) => check::run(&args),
    }
}
