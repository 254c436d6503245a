//! `coe check`.

use std::process::ExitCode;

use anyhow::Result;

use super::Context;

/// (not built yet)
#[derive(Debug, clap::Args)]
pub struct CheckArgs {}

/// Runs `coe check`.
pub fn run(_ctx: &Context, _args: CheckArgs) -> Result<ExitCode> {
    Err(crate::error::UserError::new("`coe check` is not built yet").into())
}
