//! `coe actions`.

use std::process::ExitCode;

use anyhow::Result;

use super::Context;

/// (not built yet)
#[derive(Debug, clap::Args)]
pub struct ActionsArgs {}

/// Runs `coe actions`.
pub fn run(_ctx: &Context, _args: ActionsArgs) -> Result<ExitCode> {
    Err(crate::error::UserError::new("`coe actions` is not built yet").into())
}
