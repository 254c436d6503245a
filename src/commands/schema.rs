//! `coe schema`: JSON Schema of the COE file format and of `.coe.yaml`, for editors.
//!
//! The schemas are generated from the serde types (schemars), then adjusted where serde
//! reads more than the types alone say: optional text and list answers may be left empty
//! (`key:` is YAML null), `version` must be 1, and ids follow `YYYY-MM-DD-slug`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use super::Context;
use crate::store::schema::{coe_schema, config_schema, to_text};

/// Where `coe init` writes the COE file schema, relative to the repository root.
pub const SCHEMA_FILE: &str = ".coe/coe.schema.json";

/// Print the JSON Schema of the COE file format
///
/// Editors that speak JSON Schema (VS Code and others through yaml-language-server,
/// JetBrains IDEs) use it to complete keys, show each question's help and flag typos and
/// unknown keys while you type. Unknown keys are rejected, as coe itself rejects them.
/// `coe init` writes this schema to .coe/coe.schema.json; run `coe schema -o
/// .coe/coe.schema.json` to refresh it after upgrading coe. Severities and categories
/// are checked by `coe check`, not by the schema, since they are configurable.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  coe schema -o .coe/coe.schema.json
  coe schema --config -o .coe/config.schema.json")]
pub struct SchemaArgs {
    /// The schema of `.coe.yaml` instead of the COE file
    #[arg(long)]
    pub config: bool,

    /// Write the schema to FILE instead of stdout
    #[arg(short, long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub output: Option<PathBuf>,
}

/// Runs `coe schema`.
pub fn run(_ctx: &Context, args: SchemaArgs) -> Result<ExitCode> {
    let schema = if args.config {
        config_schema()
    } else {
        coe_schema()
    };
    super::emit(args.output.as_deref(), &to_text(&schema))?;
    Ok(ExitCode::SUCCESS)
}
