//! `coe completions`: shell completion scripts, generated from the clap definition.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap_complete::Shell;

use super::Context;

/// Print a shell completion script for coe
///
/// The script is generated from coe's own command-line definition, so it completes every
/// subcommand, flag and fixed value (formats, shells, --color) of this build. Load it
/// from your shell's start-up file, or save it where your shell looks for completions.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  coe completions bash > ~/.local/share/bash-completion/completions/coe
  coe completions zsh > ~/.zfunc/_coe        # with fpath+=(~/.zfunc) before compinit
  coe completions fish > ~/.config/fish/completions/coe.fish
  coe completions powershell | Out-String | Invoke-Expression   # in $PROFILE
  eval (coe completions elvish | slurp)                         # in rc.elv")]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,

    /// Write the script to FILE instead of stdout
    #[arg(short, long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub output: Option<PathBuf>,
}

/// Runs `coe completions`.
pub fn run(_ctx: &Context, args: CompletionsArgs, cli: clap::Command) -> Result<ExitCode> {
    let script = script(args.shell, cli);
    super::emit(args.output.as_deref(), &script)?;
    Ok(ExitCode::SUCCESS)
}

/// The completion script for `shell`.
///
/// Rendered into memory first: clap_complete panics when its writer fails, and stdout may be
/// a pipe that `head` has already closed.
pub fn script(shell: Shell, mut cli: clap::Command) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cli, "coe", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}
