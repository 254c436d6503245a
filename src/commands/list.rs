//! `coe list`.

use std::process::ExitCode;

use anyhow::Result;

use super::Context;

/// (not built yet)
#[derive(Debug, clap::Args)]
pub struct ListArgs {}

/// Runs `coe list`.
pub fn run(_ctx: &Context, _args: ListArgs) -> Result<ExitCode> {
    Err(crate::error::UserError::new("`coe list` is not built yet").into())
}
