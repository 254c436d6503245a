//! `coe man`: manual pages in roff, generated from the clap definition (clap_mangen).
//!
//! clap_mangen renders the name, synopsis, description, options and subcommands. The
//! `after_help` blocks (examples, environment, files) are rendered here as their own
//! sections, verbatim: clap_mangen would fill them into one paragraph, running the
//! examples together.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};

use super::Context;
use crate::error::UserError;

/// Print coe's manual page (roff)
///
/// The page is generated from coe's command-line definition, so it says what `--help`
/// says, formatted for man(1). Give a COMMAND for that command's page. With `-o DIR`,
/// every page is written into DIR instead: coe.1 and one page per command (coe-init.1,
/// coe-new.1, ...), ready to install into a `man1` directory.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  coe man | man -l -
  coe man report | man -l -
  coe man -o /usr/local/share/man/man1")]
pub struct ManArgs {
    /// Print this command's page instead of coe's (e.g. `report`)
    #[arg(value_name = "COMMAND", conflicts_with = "output")]
    pub command: Option<String>,

    /// Write every page into DIR instead of printing one
    #[arg(short, long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub output: Option<PathBuf>,
}

/// Runs `coe man`.
pub fn run(_ctx: &Context, args: ManArgs, cli: clap::Command) -> Result<ExitCode> {
    let pages = pages(cli)?;
    if let Some(dir) = &args.output {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        for (name, text) in &pages {
            crate::store::write_atomic(&dir.join(name), text.as_bytes(), true)?;
        }
        crate::output::ui::status(
            "Wrote",
            format!(
                "{} to {}",
                crate::model::plural(pages.len(), "man page", "man pages"),
                dir.display()
            ),
        );
        return Ok(ExitCode::SUCCESS);
    }
    let wanted = match &args.command {
        Some(command) => format!("coe-{command}.1"),
        None => "coe.1".to_string(),
    };
    let Some((_, page)) = pages.iter().find(|(name, _)| *name == wanted) else {
        let commands: Vec<&str> = pages
            .iter()
            .filter_map(|(name, _)| name.strip_prefix("coe-")?.strip_suffix(".1"))
            .collect();
        return Err(UserError::new(format!(
            "coe has no command `{}`",
            args.command.unwrap_or_default()
        ))
        .hint(format!("pages exist for: {}", commands.join(", ")))
        .into());
    };
    super::emit(None, page)?;
    Ok(ExitCode::SUCCESS)
}

/// Every manual page as (file name, roff text): `coe.1` first, then one per subcommand.
/// `cli` is coe's command-line definition.
pub fn pages(cli: clap::Command) -> Result<Vec<(String, String)>> {
    let mut cmd = cli.disable_help_subcommand(true);
    cmd.build();
    let mut pages = vec![("coe.1".to_string(), page(&cmd)?)];
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        pages.push((format!("coe-{}.1", sub.get_name()), page(sub)?));
    }
    Ok(pages)
}

/// One page: clap_mangen's sections, then the `after_help` blocks, then the version.
fn page(cmd: &clap::Command) -> Result<String> {
    let man = clap_mangen::Man::new(cmd.clone()).manual("coe manual");
    let mut text = String::from(ROFF_PREAMBLE);
    let mut section = |render: &dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>| {
        let mut out = Vec::new();
        render(&mut out)?;
        // Each call starts with the same preamble; the page needs it once.
        let out = String::from_utf8_lossy(&out);
        text.push_str(out.strip_prefix(ROFF_PREAMBLE).unwrap_or(&out));
        std::io::Result::Ok(())
    };
    section(&|w| man.render_title(w))?;
    section(&|w| man.render_name_section(w))?;
    section(&|w| man.render_synopsis_section(w))?;
    section(&|w| man.render_description_section(w))?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        section(&|w| man.render_options_section(w))?;
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        section(&|w| man.render_subcommands_section(w))?;
    }
    if let Some(after) = cmd.get_after_long_help().or_else(|| cmd.get_after_help()) {
        let after = after_help_sections(&after.to_string());
        section(&|w| w.write_all(after.as_bytes()))?;
    }
    section(&|w| man.render_version_section(w))?;
    Ok(text)
}

/// What the roff crate writes at the start of every rendering (a portable apostrophe).
pub const ROFF_PREAMBLE: &str = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";

/// `after_help` blocks as man sections: each block is a heading line ending in `:` and
/// lines kept as written (`.nf`, no filling).
fn after_help_sections(after: &str) -> String {
    let mut roff = String::new();
    for block in after.split("\n\n").filter(|b| !b.trim().is_empty()) {
        let mut lines = block.lines();
        let first = lines.next().unwrap_or_default();
        let (heading, body): (String, Vec<&str>) = match first.strip_suffix(':') {
            Some(heading) => (heading.to_uppercase(), lines.collect()),
            None => ("NOTES".to_string(), block.lines().collect()),
        };
        roff.push_str(&format!(".SH {}\n.nf\n", escape(&heading)));
        for line in body {
            roff.push_str(&escape(line.strip_prefix("  ").unwrap_or(line)));
            roff.push('\n');
        }
        roff.push_str(".fi\n");
    }
    roff
}

/// Text safe to put on a roff line: backslashes and hyphens escaped (so options copy and
/// paste as ASCII `-`), and a leading `.` or `'` kept from reading as a request.
fn escape(line: &str) -> String {
    let escaped = line.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_stay_one_per_line() {
        let roff =
            after_help_sections("Examples:\n  coe init\n  coe -C dir report\n\nNo heading\n.dot");
        assert_eq!(
            roff,
            ".SH EXAMPLES\n.nf\ncoe init\ncoe \\-C dir report\n.fi\n\
             .SH NOTES\n.nf\nNo heading\n\\&.dot\n.fi\n"
        );
    }
}
