//! One module per subcommand: its arguments (whose doc comment is the help) and `run`.

pub mod actions;
pub mod approve;
pub mod check;
pub mod close;
pub mod completions;
pub mod edit;
pub mod init;
pub mod list;
pub mod man;
pub mod new;
pub mod related;
pub mod report;
pub mod schema;
pub mod show;
pub mod site;

use std::path::Path;

use anyhow::{Context as _, Result};

pub use crate::store::Context;

/// Writes command output to `-o FILE` atomically, or to stdout.
pub fn emit(output: Option<&Path>, text: &str) -> Result<()> {
    match output {
        Some(path) => {
            crate::store::write_atomic(path, text.as_bytes(), true)?;
            crate::output::ui::status("Wrote", path.display());
            Ok(())
        }
        None => crate::output::ui::out(text).context("writing to stdout"),
    }
}
