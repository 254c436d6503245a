//! Loading every COE for the commands that read them all (`report`, `list`, `actions`):
//! a file that cannot be read is named and left out, and the command then exits 2.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use crate::coe::Coe;
use crate::config::Repo;
use crate::report::rollup::Unreadable;
use crate::{store, ui};

/// The readable COEs of a repository (with their files) and the files that could not be
/// read, each already named in a warning on stderr.
#[derive(Debug)]
pub struct LoadedRepo {
    /// The COEs, in file-name order.
    pub coes: Vec<(PathBuf, Coe)>,
    /// The files left out.
    pub unreadable: Vec<Unreadable>,
}

/// Loads every COE once, in parallel; a file that cannot be read is warned about and kept
/// in `unreadable`, so the output can say what it leaves out.
pub fn load(repo: &Repo) -> Result<LoadedRepo> {
    let mut coes = Vec::new();
    let mut unreadable = Vec::new();
    for loaded in store::load_all(repo)? {
        match loaded.result {
            Ok(coe) => coes.push((loaded.path, coe)),
            Err(e) => {
                let file = repo.relative(&loaded.path);
                ui::warn(format!("cannot read {}", store::describe(file, &e)));
                let line = e.line.map(|l| format!("line {l}: ")).unwrap_or_default();
                let field = e.field.map(|f| format!("{f}: ")).unwrap_or_default();
                unreadable.push(Unreadable {
                    file: file.display().to_string(),
                    error: format!("{line}{field}{}", e.message),
                });
            }
        }
    }
    Ok(LoadedRepo { coes, unreadable })
}

/// Exit 0, or 2 with an error naming how many files `what` (e.g. "the report leaves") out.
pub fn finish(unreadable: &[Unreadable], what: &str) -> ExitCode {
    if unreadable.is_empty() {
        return ExitCode::SUCCESS;
    }
    let n = unreadable.len();
    ui::error(
        &format!(
            "{} could not be read; {what} {} out",
            crate::coe::plural(n, "COE file", "COE files"),
            if n == 1 { "it" } else { "them" }
        ),
        &[],
        Some("run `coe check` to see every problem"),
    );
    ExitCode::from(2)
}
