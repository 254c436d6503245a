//! The seam between the interview and the terminal.
//!
//! The interview talks to a `Prompter`; on a terminal that is dialoguer, in unit tests a
//! script of answers. Ctrl-C inside a prompt comes back as `Interrupted` with the cursor
//! shown again (dialoguer's Select hides it and does not restore it on an interrupt).

use std::io::IsTerminal as _;

use anyhow::{anyhow, Result};
use dialoguer::theme::ColorfulTheme;

use crate::error::{Interrupted, UserError};

/// Asks questions and returns answers.
pub trait Prompter {
    /// One line of text; Enter on an empty line returns `default` (or "" without one).
    fn input(&mut self, prompt: &str, default: Option<&str>) -> Result<String>;
    /// One of `items`, chosen with the arrow keys.
    fn select(&mut self, prompt: &str, items: &[&str], default: usize) -> Result<usize>;
    /// Yes or no.
    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool>;
    /// Shows text (a heading, help, a note) without asking anything.
    fn say(&mut self, text: &str);
    /// Opens `text` in the person's editor; `None` when they left it unchanged or empty.
    fn edit_text(&mut self, text: &str) -> Result<Option<String>>;
}

/// Whether stdin and stderr are both terminals, so a person can answer prompts.
pub fn is_interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// The error for a command that needs a person at a terminal and has none.
pub fn not_a_terminal(command: &str) -> anyhow::Error {
    UserError::new(format!("`coe {command}` asks questions, but stdin is not a terminal"))
        .hint("run it in a terminal, or pass `--no-input` (with flags such as --title and --severity) to write a draft without prompting")
        .into()
}

/// Prompts on the terminal through dialoguer.
pub struct TerminalPrompter {
    theme: ColorfulTheme,
    term: console::Term,
}

impl Default for TerminalPrompter {
    fn default() -> Self {
        TerminalPrompter {
            theme: ColorfulTheme::default(),
            term: console::Term::stderr(),
        }
    }
}

impl TerminalPrompter {
    fn check(&self, result: dialoguer::Result<impl Sized>) -> Result<()> {
        result.map(|_| ()).map_err(|e| self.interrupted(e))
    }

    fn interrupted(&self, e: dialoguer::Error) -> anyhow::Error {
        let _ = self.term.show_cursor();
        let dialoguer::Error::IO(io) = e;
        match io.kind() {
            std::io::ErrorKind::Interrupted => anyhow!(Interrupted),
            std::io::ErrorKind::UnexpectedEof => anyhow!(Interrupted),
            _ => anyhow!(io).context("reading from the terminal"),
        }
    }
}

impl Prompter for TerminalPrompter {
    fn input(&mut self, prompt: &str, default: Option<&str>) -> Result<String> {
        let mut input = dialoguer::Input::<String>::with_theme(&self.theme)
            .with_prompt(prompt)
            .allow_empty(true);
        if let Some(d) = default.filter(|d| !d.is_empty()) {
            input = input.default(d.to_string()).show_default(true);
        }
        let result = input.interact_text_on(&self.term);
        match result {
            Ok(s) => Ok(s),
            Err(e) => {
                self.check(Err::<(), _>(e))?;
                Ok(String::new())
            }
        }
    }

    fn select(&mut self, prompt: &str, items: &[&str], default: usize) -> Result<usize> {
        let result = dialoguer::Select::with_theme(&self.theme)
            .with_prompt(prompt)
            .items(items)
            .default(default.min(items.len().saturating_sub(1)))
            .interact_on(&self.term);
        match result {
            Ok(i) => Ok(i),
            Err(e) => Err(self.interrupted(e)),
        }
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool> {
        let result = dialoguer::Confirm::with_theme(&self.theme)
            .with_prompt(prompt)
            .default(default)
            // The Enter after `n` must not answer the next prompt.
            .wait_for_newline(true)
            .interact_on(&self.term);
        match result {
            Ok(b) => Ok(b),
            Err(e) => Err(self.interrupted(e)),
        }
    }

    fn say(&mut self, text: &str) {
        let _ = self.term.write_line(text);
    }

    fn edit_text(&mut self, text: &str) -> Result<Option<String>> {
        let edited = crate::input::editor::edit(text, "md")?;
        Ok(Some(edited).filter(|e| e.trim() != text.trim() && !e.trim().is_empty()))
    }
}

/// Answers from a script, for tests: each answer is taken in order; a select answer is the
/// item's text. Running out of answers is an interrupt, like Ctrl-C.
#[cfg(test)]
#[derive(Debug, Default)]
pub struct ScriptedPrompter {
    answers: std::collections::VecDeque<String>,
    /// Everything asked and said, for assertions.
    pub transcript: Vec<String>,
}

#[cfg(test)]
impl ScriptedPrompter {
    /// A prompter that gives these answers in order.
    pub fn new<S: Into<String>>(answers: impl IntoIterator<Item = S>) -> Self {
        ScriptedPrompter {
            answers: answers.into_iter().map(Into::into).collect(),
            transcript: Vec::new(),
        }
    }

    fn next(&mut self, prompt: &str) -> Result<String> {
        self.transcript.push(format!("? {prompt}"));
        self.answers.pop_front().ok_or_else(|| anyhow!(Interrupted))
    }

    /// Answers not used yet.
    pub fn remaining(&self) -> usize {
        self.answers.len()
    }
}

#[cfg(test)]
impl Prompter for ScriptedPrompter {
    fn input(&mut self, prompt: &str, default: Option<&str>) -> Result<String> {
        let answer = self.next(prompt)?;
        Ok(if answer.is_empty() {
            default.unwrap_or_default().to_string()
        } else {
            answer
        })
    }

    fn select(&mut self, prompt: &str, items: &[&str], default: usize) -> Result<usize> {
        let answer = self.next(prompt)?;
        if answer.is_empty() {
            return Ok(default);
        }
        items
            .iter()
            .position(|i| *i == answer)
            .ok_or_else(|| anyhow!("scripted answer {answer:?} is not one of {items:?}"))
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool> {
        let answer = self.next(prompt)?;
        Ok(match answer.as_str() {
            "" => default,
            a => a.starts_with(['y', 'Y']),
        })
    }

    fn say(&mut self, text: &str) {
        self.transcript.push(text.to_string());
    }

    /// The next answer is the edited text; an empty answer leaves it unchanged.
    fn edit_text(&mut self, _text: &str) -> Result<Option<String>> {
        let answer = self.next("(editor)")?;
        Ok(Some(answer.replace("\\n", "\n")).filter(|a| !a.is_empty()))
    }
}

/// What to tell the user when an interrupt ends an interview ("the draft is saved in ...").
static DRAFT_NOTE: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Sets the message an interrupt prints.
pub fn set_draft_note(note: impl Into<String>) {
    if let Ok(mut slot) = DRAFT_NOTE.lock() {
        *slot = Some(note.into());
    }
}

/// Takes the message an interrupt prints, so it is printed once even when the signal
/// handler and the interrupted prompt both see the interrupt.
pub fn take_draft_note() -> Option<String> {
    DRAFT_NOTE.lock().ok().and_then(|mut slot| slot.take())
}

/// Handles SIGINT, SIGTERM and SIGHUP during an interview: waits for a file write in
/// progress to finish (so no temporary file or half-written draft is left), shows the
/// cursor again, says where the draft is, and exits with 130.
pub fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| {
        let _write = crate::store::WRITE_LOCK.lock();
        // Holding the note's lock until exit keeps the interrupted main thread (which also
        // takes the note) from ending the process before the note is printed.
        let mut note = DRAFT_NOTE.lock();
        let term = console::Term::stderr();
        let _ = term.show_cursor();
        let _ = term.write_line("");
        if let Some(note) = note.as_mut().ok().and_then(|n| n.take()) {
            let _ = term.write_line(&note);
        }
        std::process::exit(crate::exit_codes::ExitStatus::Interrupted.code().into());
    });
}
