//! The command-line surface: global flags and the subcommands.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};

use clap::{CommandFactory as _, FromArgMatches as _, Parser, Subcommand};

use crate::commands;
use crate::output::ui::ColorChoice;

// The `after_help` blocks of `coe --help`, also rendered as sections of the man page
// (`coe man`): a heading line ending in `:`, then indented lines shown verbatim.
macro_rules! examples {
    () => {
        "Examples:
  coe init                                   # set up a COE repository here
  coe new                                    # write a COE after an incident
  coe check --format github                  # the CI gate
  coe report --last 7d -o weekly.md          # the weekly report
  coe -C ~/postmortems actions --overdue     # from anywhere"
    };
}

macro_rules! environment {
    () => {
        "Environment:
  COE_DIR=DIR         the COE directory, relative to the repository root (overrides `dir:`)
  COE_COLOR=WHEN      default for --color (auto, always, never)
  NO_COLOR=1          no colour unless --color always
  COE_TODAY=DATE      the date coe takes as today, YYYY-MM-DD (reproducible reports)
  XDG_CACHE_HOME=DIR  the parse cache goes in DIR/coe (default ~/.cache/coe)"
    };
}

macro_rules! files {
    () => {
        "Files:
  .coe.yaml              configuration; marks the repository root (every key optional)
  coes/ID.yaml           one COE per incident (the directory is `dir:` in .coe.yaml)
  .coe/templates/        overrides of the built-in report and COE templates
  .coe/coe.schema.json   JSON Schema of the COE file, for editors (`coe schema`)"
    };
}

/// Correction-of-Error postmortems, kept in git
///
/// After an incident that hurt customers, `coe new` walks you through the seven COE
/// questions and commits one YAML file; `coe report` gives managers the week's incidents,
/// corrective actions and root-cause rollups; `coe check` fails CI when an incident has no
/// completed COE.
///
/// coe finds its repository the way git does: from the current directory (or `-C DIR`) up
/// to the directory holding `.coe.yaml`, else the git work-tree root.
#[derive(Debug, Parser)]
#[command(name = "coe", version, propagate_version = true, max_term_width = 100)]
#[command(
    after_help = examples!(),
    after_long_help = concat!(examples!(), "\n\n", environment!(), "\n\n", files!())
)]
pub struct Cli {
    /// Run as if coe was started in DIR
    #[arg(short = 'C', global = true, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub directory: Option<PathBuf>,

    /// Write files but do not commit them to git
    #[arg(long, global = true)]
    pub no_commit: bool,

    /// When to use colour
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN", env = "COE_COLOR")]
    pub color: ColorChoice,

    /// Print only data, warnings and errors (no progress or notes)
    #[arg(short, long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the command line (the program name first), with clap's own help and error
    /// messages coloured as `--color` or `COE_COLOR` ask: they are printed before
    /// `ui::configure` runs, so the choice is read ahead of parsing.
    pub fn try_parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Cli, clap::Error> {
        let args: Vec<OsString> = args.into_iter().collect();
        let color = color_ahead_of_parsing(&args, std::env::var("COE_COLOR").ok());
        let mut cmd = Cli::command().color(color);
        let matches = cmd.try_get_matches_from_mut(&args)?;
        Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut cmd))
    }
}

/// The `--color` choice, read before clap parses: the last `--color WHEN` or
/// `--color=WHEN` before `--`, else `COE_COLOR` (`env`), else auto (which honours
/// `NO_COLOR`).
fn color_ahead_of_parsing(args: &[OsString], env: Option<String>) -> clap::ColorChoice {
    let mut choice = env;
    let mut args = args.iter().skip(1).map(|a| a.to_str());
    while let Some(arg) = args.next() {
        match arg {
            Some("--") => break,
            Some("--color") => choice = args.next().flatten().map(String::from),
            Some(a) if a.starts_with("--color=") => choice = Some(a["--color=".len()..].into()),
            _ => {}
        }
    }
    match choice.as_deref() {
        Some("always") => clap::ColorChoice::Always,
        Some("never") => clap::ColorChoice::Never,
        _ => clap::ColorChoice::Auto,
    }
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
    Approve(commands::approve::ApproveArgs),
    Show(commands::show::ShowArgs),
    List(commands::list::ListArgs),
    Check(commands::check::CheckArgs),
    Report(commands::report::ReportArgs),
    Related(commands::related::RelatedArgs),
    Site(commands::site::SiteArgs),
    Actions(commands::actions::ActionsArgs),
    Completions(commands::completions::CompletionsArgs),
    Schema(commands::schema::SchemaArgs),
    Man(commands::man::ManArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let cwd = match &cli.directory {
        Some(dir) => absolute(dir)?,
        None => std::env::current_dir().context("reading the current directory")?,
    };
    let ctx = commands::Context {
        cwd,
        no_commit: cli.no_commit,
    };
    match cli.command {
        Command::Init(args) => commands::init::run(&ctx, args),
        Command::New(args) => commands::new::run(&ctx, args),
        Command::Edit(args) => commands::edit::run(&ctx, args),
        Command::Close(args) => commands::close::run(&ctx, args),
        Command::Approve(args) => commands::approve::run(&ctx, args),
        Command::Show(args) => commands::show::run(&ctx, args),
        Command::List(args) => commands::list::run(&ctx, args),
        Command::Check(args) => commands::check::run(&ctx, args),
        Command::Report(args) => commands::report::run(&ctx, args),
        Command::Related(args) => commands::related::run(&ctx, args),
        Command::Site(args) => commands::site::run(&ctx, args),
        Command::Actions(args) => commands::actions::run(&ctx, args),
        Command::Completions(args) => commands::completions::run(&ctx, args, Cli::command()),
        Command::Schema(args) => commands::schema::run(&ctx, args),
        Command::Man(args) => commands::man::run(&ctx, args, Cli::command()),
    }
}

fn absolute(dir: &Path) -> Result<PathBuf> {
    if !dir.is_dir() {
        return Err(crate::error::UserError::new(format!(
            "-C {}: no such directory",
            dir.display()
        ))
        .into());
    }
    dir.canonicalize()
        .with_context(|| format!("cannot use directory {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    /// Every command's help has a one-line summary (imperative, no period), a longer
    /// description and an example; nested subcommands (`coe actions done`) too.
    #[test]
    fn every_command_has_summary_description_and_example() {
        let cmd = Cli::command();
        let mut commands: Vec<(String, &clap::Command)> = Vec::new();
        for sub in cmd.get_subcommands() {
            commands.push((sub.get_name().to_string(), sub));
            for nested in sub.get_subcommands() {
                commands.push((format!("{} {}", sub.get_name(), nested.get_name()), nested));
            }
        }
        for (name, sub) in commands {
            let about = sub.get_about().map(|s| s.to_string()).unwrap_or_default();
            assert!(!about.is_empty(), "{name}: no summary");
            assert!(!about.ends_with('.'), "{name}: summary ends with a period");
            assert!(
                about.starts_with(|c: char| c.is_uppercase()),
                "{name}: {about}"
            );
            let long = sub
                .get_long_about()
                .map(|s| s.to_string())
                .unwrap_or_default();
            assert!(
                long.len() > about.len() + 20,
                "{name}: no description beyond the summary"
            );
            let after = sub
                .get_after_help()
                .map(|s| s.to_string())
                .unwrap_or_default();
            let example = long
                .lines()
                .chain(after.lines())
                .any(|l| l.starts_with("Example"));
            assert!(example, "{name}: no example");
        }
    }

    #[test]
    fn colour_is_read_ahead_of_parsing() {
        let args = |list: &[&str]| -> Vec<OsString> { list.iter().map(OsString::from).collect() };
        let pick = |list: &[&str]| color_ahead_of_parsing(&args(list), None);
        assert_eq!(
            pick(&["coe", "--color", "never", "x"]),
            clap::ColorChoice::Never
        );
        assert_eq!(pick(&["coe", "--color=always"]), clap::ColorChoice::Always);
        assert_eq!(
            pick(&["coe", "--color=never", "--color", "always"]),
            clap::ColorChoice::Always
        );
        assert_eq!(
            pick(&["coe", "--", "--color", "never"]),
            clap::ColorChoice::Auto
        );
        let with_env = color_ahead_of_parsing(&args(&["coe"]), Some("never".into()));
        assert_eq!(with_env, clap::ColorChoice::Never);
    }

    #[test]
    fn one_page_per_command_each_with_a_title() {
        let pages = commands::man::pages(Cli::command()).unwrap();
        let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names[0], "coe.1");
        for sub in Cli::command().get_subcommands() {
            let name = format!("coe-{}.1", sub.get_name());
            assert!(names.contains(&name.as_str()), "no page {name}");
        }
        assert!(!names.contains(&"coe-help.1"));
        for (name, text) in &pages {
            let title = name.trim_end_matches(".1");
            let body = text.strip_prefix(commands::man::ROFF_PREAMBLE).unwrap();
            assert!(
                body.starts_with(&format!(".TH {title} 1")),
                "{name}: {text}"
            );
            assert!(
                !body.contains(commands::man::ROFF_PREAMBLE),
                "{name}: preamble repeated"
            );
        }
    }

    #[test]
    fn every_shell_gets_a_script_naming_the_subcommands() {
        for shell in [
            clap_complete::Shell::Bash,
            clap_complete::Shell::Zsh,
            clap_complete::Shell::Fish,
            clap_complete::Shell::PowerShell,
            clap_complete::Shell::Elvish,
        ] {
            let text = commands::completions::script(shell, Cli::command());
            for sub in ["init", "report", "check", "completions", "schema"] {
                assert!(text.contains(sub), "{shell}: no `{sub}` in the script");
            }
        }
    }
}
