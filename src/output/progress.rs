//! Progress while reading many COEs: a bar on stderr (indicatif), shown only on a terminal,
//! never with `--quiet`, and only once reading has taken about a second, so a fast run
//! prints nothing.

use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long reading may take before the bar appears.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// Counts COE files read; shared by the threads that read them.
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    enabled: bool,
    shown: AtomicBool,
}

impl Progress {
    /// Progress for this run: drawn on stderr when it is a terminal and `--quiet` is off.
    pub fn for_stderr() -> Progress {
        Progress::with(std::io::stderr().is_terminal() && !crate::output::ui::is_quiet())
    }

    /// Progress that is never drawn.
    pub fn hidden() -> Progress {
        Progress::with(false)
    }

    fn with(enabled: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        if let Ok(style) =
            ProgressStyle::with_template("{prefix:>12} [{bar:30}] {human_pos}/{human_len} {msg}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix("Reading");
        Progress {
            bar,
            started: Instant::now(),
            enabled,
            shown: AtomicBool::new(false),
        }
    }

    /// Adds `files` more files to read, from `source` (shown next to the bar).
    pub fn add(&self, files: usize, source: &str) {
        self.bar.inc_length(files as u64);
        self.bar.set_message(source.to_string());
    }

    /// One more file read.
    pub fn inc(&self) {
        self.bar.inc(1);
        if self.enabled
            && !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() >= SHOW_AFTER
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Removes the bar, leaving the terminal as it was.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
