//! `coe`: Correction-of-Error postmortems, kept in git.
//!
//! The data flows one way: files (`store`, `format`) -> typed COEs (`coe`) -> checks and
//! rollups (`check`, `report`) -> renderers -> stdout. The seven questions are defined once,
//! in `questions`, and read by the interview, the YAML writer, the completeness rule and the
//! renderers.

pub mod cache;
pub mod check;
pub mod cli;
pub mod coe;
pub mod commands;
pub mod config;
pub mod editor;
pub mod error;
pub mod exit_codes;
pub mod format;
pub mod git;
pub mod interview;
pub mod markdown;
pub mod progress;
pub mod prompt;
pub mod questions;
pub mod report;
pub mod sources;
pub mod store;
pub mod templates;
pub mod timeline_import;
pub mod times;
pub mod tracker;
pub mod ui;
pub(crate) mod yaml_edit;

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
    ui::configure(cli.color, cli.quiet);
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => error::report(&err),
    }
}
