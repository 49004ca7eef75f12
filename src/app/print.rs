//! Commands that print a text fixed at build time: `archgate completions SHELL` (clap's
//! completion scripts for the whole command line) and `archgate schema` (the JSON Schema of
//! `layers.toml`).
//!
//! Layer `entry`.

use std::io::Write;

use clap::CommandFactory;

use super::ExitStatus;
use crate::cli::{Cli, CompletionsArgs};
use crate::config;

/// `archgate completions SHELL`: the completion script of every command and flag.
pub(super) fn completions(args: &CompletionsArgs, out: &mut dyn Write) -> ExitStatus {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "archgate", out);
    ExitStatus::Success
}

/// `archgate schema`: the JSON Schema of `layers.toml`, the file committed as
/// `layers.schema.json` (a unit test keeps it equal to the config types).
pub(super) fn schema(out: &mut dyn Write) -> std::io::Result<ExitStatus> {
    out.write_all(config::JSON_SCHEMA.as_bytes())?;
    Ok(ExitStatus::Success)
}
