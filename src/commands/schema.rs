//! `coe schema`.

use std::process::ExitCode;

use anyhow::Result;

use super::Context;

/// (not built yet)
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {}

/// Runs `coe schema`.
pub fn run(_ctx: &Context, _args: SchemaArgs) -> Result<ExitCode> {
    Err(crate::error::UserError::new("`coe schema` is not built yet").into())
}
