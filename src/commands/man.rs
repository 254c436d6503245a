//! `coe man`.

use std::process::ExitCode;

use anyhow::Result;

use super::Context;

/// (not built yet)
#[derive(Debug, clap::Args)]
pub struct ManArgs {}

/// Runs `coe man`.
pub fn run(_ctx: &Context, _args: ManArgs) -> Result<ExitCode> {
    Err(crate::error::UserError::new("`coe man` is not built yet").into())
}
