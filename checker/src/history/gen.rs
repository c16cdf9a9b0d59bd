//! `checker history gen`: write a generated register history, as a Jepsen log or in the
//! course's JSON format, to a file or to standard output.
//!
//! The history comes from [`testkit::generate`]: linearizable by construction, or with
//! one planted violation, so that `checker history check` on the output must answer
//! "linearizable" or "not linearizable" accordingly (and, with `--plant own-stale-read`,
//! every other model `--consistency` names breaks too). Tests and benchmarks use it to
//! get histories of the size real runs produce.

use std::io::Write;

use testkit::formats::jepsen_write;
use testkit::generate::{GenConfig, Plant, generate};
use testkit::history::json::to_json_string;
use testkit::model::ModelKind;

use crate::cli::{GenArgs, GenFormat, PlantArg};
use crate::output;
use checker_core::Status;

/// Why the generator's settings make no sense, in one line naming the option.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// A share out of `0..=1`.
    #[error("{option} is a share between 0 and 1, not {share}")]
    Share {
        /// The option.
        option: &'static str,
        /// Its value.
        share: f64,
    },
    /// Reads and swaps together are more than every operation.
    #[error("--reads and --cas together must not exceed 1")]
    Shares,
    /// No client or no time.
    #[error("--clients and --max-duration must be at least 1")]
    Nothing,
    /// No value to write.
    #[error("--values must be at least 1")]
    NoValues,
}

/// The generator's settings from the command line, or why they make no sense.
pub fn config(args: &GenArgs) -> Result<GenConfig, ConfigError> {
    for (option, share) in [
        ("--reads", args.reads),
        ("--cas", args.cas),
        ("--unknown", args.unknown),
    ] {
        if !(0.0..=1.0).contains(&share) {
            return Err(ConfigError::Share { option, share });
        }
    }
    if args.reads + args.cas > 1.0 {
        return Err(ConfigError::Shares);
    }
    if args.clients == 0 || args.max_duration == 0 {
        return Err(ConfigError::Nothing);
    }
    if args.values.is_some_and(|n| n < 1) {
        return Err(ConfigError::NoValues);
    }
    Ok(GenConfig {
        clients: args.clients,
        ops_per_client: args.ops_per_client,
        max_duration: args.max_duration,
        max_gap: args.max_gap,
        value_range: args.values,
        reads: args.reads,
        cas: args.cas,
        unknown: args.unknown,
        violation: args.violation,
        plant: match args.plant {
            PlantArg::StaleRead => Plant::StaleRead,
            PlantArg::OwnStaleRead => Plant::OwnStaleRead,
        },
        seed: args.seed,
    })
}

/// Runs the command.
pub fn run(args: &GenArgs) -> Status {
    let cfg = match config(args) {
        Ok(cfg) => cfg,
        Err(e) => {
            output::error(&e.to_string());
            return Status::ToolError;
        }
    };
    let history = generate(&cfg);
    let text = match args.format {
        GenFormat::Json => to_json_string(&history, Some(ModelKind::CasRegister)),
        GenFormat::Jepsen => match jepsen_write::write(&history) {
            Ok(text) => text,
            Err(e) => {
                output::error(&e.to_string());
                return Status::ToolError;
            }
        },
    };
    let written = match &args.output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| format!("{}: cannot write it: {e}", path.display())),
        None => std::io::stdout()
            .write_all(text.as_bytes())
            .map_err(|e| format!("cannot write to standard output: {e}")),
    };
    match written {
        Ok(()) => Status::Passed,
        Err(e) => {
            output::error(&e.to_string());
            Status::ToolError
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command, HistoryCommand};

    fn args(line: &[&str]) -> GenArgs {
        let cli = Cli::try_parse_from(["checker", "history", "gen"].iter().chain(line)).unwrap();
        match cli.command {
            Some(Command::History {
                command: HistoryCommand::Gen(a),
            }) => a,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn options_become_the_generator_settings() {
        let cfg = config(&args(&["--clients", "4", "--values", "3", "--violation"])).unwrap();
        assert_eq!(
            (cfg.clients, cfg.value_range, cfg.violation),
            (4, Some(3), true)
        );
        let cfg = config(&args(&[])).unwrap();
        assert_eq!(
            (cfg.clients, cfg.ops_per_client, cfg.value_range),
            (32, 60, None)
        );
        assert_eq!(cfg.plant, Plant::StaleRead);
        let cfg = config(&args(&["--violation", "--plant", "own-stale-read"])).unwrap();
        assert_eq!(cfg.plant, Plant::OwnStaleRead);
    }

    #[test]
    fn nonsense_settings_are_refused_with_the_option_named() {
        let err = config(&args(&["--unknown", "1.5"])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "--unknown is a share between 0 and 1, not 1.5"
        );
        let err = config(&args(&["--reads", "0.9", "--cas", "0.2"])).unwrap_err();
        assert_eq!(err, ConfigError::Shares);
        assert!(err.to_string().contains("--reads and --cas"), "{err}");
        assert_eq!(
            config(&args(&["--clients", "0"])).unwrap_err(),
            ConfigError::Nothing
        );
    }
}
