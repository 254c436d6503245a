//! `coe report`.

use std::process::ExitCode;

use anyhow::Result;

use super::Context;

/// (not built yet)
#[derive(Debug, clap::Args)]
pub struct ReportArgs {}

/// Runs `coe report`.
pub fn run(_ctx: &Context, _args: ReportArgs) -> Result<ExitCode> {
    Err(crate::error::UserError::new("`coe report` is not built yet").into())
}
