//! `coe`: Correction-of-Error postmortems, kept in git.
//!
//! The layers, bottom to top (ARCHITECTURE.md walks through them): `model` (the COE, the
//! seven questions, the policy; depends on nothing else), `error` and `exit_codes`,
//! `output` (terminal, Markdown, templates), `store` (files, the YAML format, the cache,
//! git), `vendors` (outside systems' exports), `check`, `report` and `input` (the
//! interview), then `commands` and `cli`. Imports only go down; `tests/cli/architecture.rs`
//! checks it.
//!
//! Only what the integration tests, the examples and the fuzz target use is public
//! (`model`, `store`, `check`, `commands`); the rest is `pub(crate)`, so rustc reports dead
//! code and refactors stay inside the crate.

pub mod check;
pub(crate) mod cli;
pub mod commands;
pub(crate) mod error;
pub(crate) mod exit_codes;
pub(crate) mod input;
pub mod model;
pub(crate) mod output;
pub(crate) mod report;
pub mod store;
pub(crate) mod vendors;

use std::ffi::OsString;
use std::process::ExitCode;

/// Runs coe with these arguments and returns the process exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match cli::Cli::try_parse_args(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => exit_codes::ExitStatus::Usage.into(),
            };
        }
    };
    output::ui::configure(cli.color, cli.quiet);
    if let Some(problem) = model::dates::today_problem() {
        output::ui::warn(problem);
    }
    match cli::run(cli) {
        Ok(code) => code,
        Err(err) => output::ui::report_error(&err),
    }
}
