//! Everything human goes to stderr through here; data goes to stdout through `out`.
//! Colour follows `--color`, `NO_COLOR` and whether the stream is a terminal (anstream).

use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

use anstyle::{AnsiColor, Style};

static QUIET: AtomicBool = AtomicBool::new(false);

/// `--color`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless `NO_COLOR` is set.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Applies the global output settings.
pub fn configure(color: ColorChoice, quiet: bool) {
    let choice = match color {
        ColorChoice::Auto => anstream::ColorChoice::Auto,
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
    QUIET.store(quiet, Ordering::Relaxed);
}

/// True with `--quiet`: no progress, notes or status lines.
pub fn is_quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Styles used in messages and tables.
pub mod style {
    use super::*;
    /// Errors.
    pub const ERROR: Style = AnsiColor::Red.on_default().bold();
    /// Warnings.
    pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
    /// Good news.
    pub const GOOD: Style = AnsiColor::Green.on_default().bold();
    /// Secondary text.
    pub const DIM: Style = Style::new().dimmed();
    /// The `hint:` label.
    pub const HINT: Style = AnsiColor::Cyan.on_default().bold();
    /// Emphasis.
    pub const BOLD: Style = Style::new().bold();
}

/// Wraps `text` in a style (stripped later when colour is off).
pub fn paint(style: Style, text: impl std::fmt::Display) -> String {
    format!("{style}{text}{style:#}")
}

/// A status message on stderr (`Created coes/x.yaml`), silent with `--quiet`.
pub fn status(verb: &str, message: impl std::fmt::Display) {
    if QUIET.load(Ordering::Relaxed) {
        return;
    }
    let _ = writeln!(
        anstream::stderr(),
        "{} {message}",
        paint(style::GOOD, format!("{verb:>12}"))
    );
}

/// A note on stderr, silent with `--quiet`.
pub fn note(message: impl std::fmt::Display) {
    if QUIET.load(Ordering::Relaxed) {
        return;
    }
    let _ = writeln!(anstream::stderr(), "{message}");
}

/// A warning on stderr (shown even with `--quiet`).
pub fn warn(message: impl std::fmt::Display) {
    let _ = writeln!(
        anstream::stderr(),
        "{} {message}",
        paint(style::WARNING, "warning:")
    );
}

/// Reports an error on stderr, shown even with `--quiet`:
///
/// ```text
/// error: <message>
///   caused by: <cause>
///   hint: <hint>
/// Prints an error as `error: ...`, its causes and a hint (see [`crate::error::report`]),
/// and returns the exit code.
pub fn report_error(err: &anyhow::Error) -> std::process::ExitCode {
    let (status, report) = crate::error::report(err);
    if let Some(report) = report {
        error(&report.message, &report.causes, report.hint);
    }
    status.into()
}

/// ```
pub fn error(message: &str, causes: &[String], hint: Option<&str>) {
    let mut text = format!("{} {message}", paint(style::ERROR, "error:"));
    for cause in causes {
        text.push_str(&format!("\n  {} {cause}", paint(style::DIM, "caused by:")));
    }
    if let Some(hint) = hint {
        text.push_str(&format!("\n  {} {hint}", paint(style::HINT, "hint:")));
    }
    // Nothing useful is left to do when stderr itself is gone.
    let _ = writeln!(anstream::stderr(), "{text}");
}

/// `value` as pretty-printed JSON ending in a newline: what every `--format json` writes.
pub fn json(value: &impl serde::Serialize) -> serde_json::Result<String> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    Ok(text)
}

/// Writes data to stdout (colour stripped when not wanted). Errors, such as a closed
/// pipe, are returned so the caller stops quietly.
pub fn out(text: &str) -> std::io::Result<()> {
    let mut stdout = anstream::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
}
