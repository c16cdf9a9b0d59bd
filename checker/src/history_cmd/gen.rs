//! `checker history gen`: write a generated register history, as a Jepsen log or in the
//! course's JSON format, to a file or to standard output.
//!
//! The history comes from [`testkit::generate`]: linearizable by construction, or with
//! one planted violation, so that `checker history check` on the output must answer
//! "linearizable" or "not linearizable" accordingly. Tests and benchmarks use it to get
//! histories of the size real runs produce.

use std::io::Write;

use testkit::formats::jepsen_write;
use testkit::generate::{GenConfig, generate};
use testkit::history::json::to_json_string;
use testkit::model::ModelKind;

use crate::Status;
use crate::cli::{GenArgs, GenFormat};
use crate::output;

/// The generator's settings from the command line, or why they make no sense.
pub fn config(args: &GenArgs) -> Result<GenConfig, String> {
    for (name, share) in [
        ("--reads", args.reads),
        ("--cas", args.cas),
        ("--unknown", args.unknown),
    ] {
        if !(0.0..=1.0).contains(&share) {
            return Err(format!("{name} is a share between 0 and 1, not {share}"));
        }
    }
    if args.reads + args.cas > 1.0 {
        return Err("--reads and --cas together must not exceed 1".into());
    }
    if args.clients == 0 || args.max_duration == 0 {
        return Err("--clients and --max-duration must be at least 1".into());
    }
    if args.values.is_some_and(|n| n < 1) {
        return Err("--values must be at least 1".into());
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
        seed: args.seed,
    })
}

/// Runs the command.
pub fn run(args: &GenArgs) -> Status {
    let cfg = match config(args) {
        Ok(cfg) => cfg,
        Err(e) => {
            output::error(&e);
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
            output::error(&e);
            Status::ToolError
        }
    }
}
