//! The person's text editor: found the way git finds it, run on a temporary file.
//!
//! The editor is `$VISUAL` (unless the terminal is dumb), else `$EDITOR`, else `vi`, and it
//! runs through `sh -c` as git runs it, so `EDITOR="code --wait"` and editors with quoted
//! paths work. coe compares the text it gets back with what it wrote, not file times, to
//! tell an unchanged file.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result};

use crate::error::UserError;

/// The editor command to run: `$VISUAL` (unless `TERM=dumb`), `$EDITOR`, or `vi`.
pub fn command() -> String {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    (if dumb { None } else { var("VISUAL") })
        .or_else(|| var("EDITOR"))
        .unwrap_or_else(|| "vi".to_string())
}

/// Writes `text` to a temporary `.<extension>` file, opens it in the editor, and returns
/// what the person saved. The file is removed afterwards.
pub fn edit(text: &str, extension: &str) -> Result<String> {
    let file = tempfile::Builder::new()
        .prefix("coe-")
        .suffix(&format!(".{extension}"))
        .tempfile()
        .context("creating a temporary file for the editor")?;
    std::fs::write(file.path(), text)
        .with_context(|| format!("writing {}", file.path().display()))?;
    run_on(file.path())?;
    read_back(file.path())
}

/// Opens `path` in the editor and waits for it to close.
pub fn run_on(path: &Path) -> Result<()> {
    let editor = command();
    let status = if cfg!(windows) {
        Command::new(&editor).arg(path).status()
    } else {
        // Like git: the editor string is shell words, the file a separate argument.
        Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$@\""))
            .arg(&editor)
            .arg(path)
            .status()
    }
    .with_context(|| format!("starting the editor `{editor}`"))?;
    if !status.success() {
        return Err(UserError::new(format!(
            "the editor `{editor}` exited with {status}; nothing was saved"
        ))
        .hint("set $VISUAL or $EDITOR to the editor you use")
        .into());
    }
    Ok(())
}

/// Reads the edited file back.
pub fn read_back(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

/// A file the person's text is kept in when an editing session ends without a valid COE:
/// `.coe-edit-<name>.yaml` next to the COE files (hidden, so no command reads it as a COE).
pub fn keep_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(".coe-edit-{name}.yaml"))
}
