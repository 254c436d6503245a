//! The command-line surface: global flags and the subcommands.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::commands;
use crate::ui::ColorChoice;

/// Correction-of-Error postmortems, kept in git
///
/// After an incident that hurt customers, `coe new` walks you through the seven COE
/// questions and commits one YAML file; `coe report` gives managers the week's incidents,
/// corrective actions and root-cause rollups; `coe check` fails CI when an incident has no
/// completed COE.
#[derive(Debug, Parser)]
#[command(name = "coe", version, propagate_version = true, max_term_width = 100)]
#[command(
    after_help = "Examples:\n  coe init\n  coe new\n  coe report --last 7d -o weekly.md\n  coe check --format github"
)]
pub struct Cli {
    /// Run as if coe was started in DIR
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub directory: Option<PathBuf>,

    /// Write files but do not commit them to git
    #[arg(long, global = true)]
    pub no_commit: bool,

    /// When to use colour
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN", env = "COE_COLOR")]
    pub color: ColorChoice,

    /// Print only errors and data
    #[arg(short, long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
// Parsed once per run: boxing `new`'s many flags would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    Init(commands::init::InitArgs),
    New(commands::new::NewArgs),
    Edit(commands::edit::EditArgs),
    Close(commands::close::CloseArgs),
    Show(commands::show::ShowArgs),
    List(commands::list::ListArgs),
    Check(commands::check::CheckArgs),
    Report(commands::report::ReportArgs),
    Actions(commands::actions::ActionsArgs),
    Completions(commands::completions::CompletionsArgs),
    Schema(commands::schema::SchemaArgs),
    Man(commands::man::ManArgs),
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }
}
