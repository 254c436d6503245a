//! `coe completions`.

use std::process::ExitCode;

use anyhow::Result;

use super::Context;

/// (not built yet)
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {}

/// Runs `coe completions`.
pub fn run(_ctx: &Context, _args: CompletionsArgs) -> Result<ExitCode> {
    Err(crate::error::UserError::new("`coe completions` is not built yet").into())
}
