//! Errors the user can act on, and how `main` reports any error: once, without `Debug`
//! output or a backtrace, with a hint where one helps.

use std::fmt;
use std::process::ExitCode;

/// An error caused by the user's input or environment, with an optional hint.
#[derive(Debug)]
pub struct UserError {
    message: String,
    hint: Option<String>,
    code: u8,
}

impl UserError {
    /// An error with exit code 2.
    pub fn new(message: impl Into<String>) -> Self {
        UserError {
            message: message.into(),
            hint: None,
            code: 2,
        }
    }

    /// Adds a hint ("run `coe init` first").
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the exit code.
    pub fn code(mut self, code: u8) -> Self {
        self.code = code;
        self
    }
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

/// Raised when the user interrupts an interview; the draft is already saved.
#[derive(Debug)]
pub struct Interrupted;

impl fmt::Display for Interrupted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

/// Prints an error as `error: ...`, its causes, and a hint; returns the exit code.
pub fn report(err: &anyhow::Error) -> ExitCode {
    if is_broken_pipe(err) {
        return ExitCode::SUCCESS;
    }
    if err.downcast_ref::<Interrupted>().is_some() {
        return ExitCode::from(130);
    }
    let message = describe(err.as_ref());
    let mut causes: Vec<String> = Vec::new();
    for cause in err.chain().skip(1) {
        let cause = describe(cause);
        // Many errors repeat their source in their own message; say each thing once.
        if !message.contains(&cause) && !causes.iter().any(|c| c.contains(&cause)) {
            causes.push(cause);
        }
    }
    let user = err.chain().find_map(|e| e.downcast_ref::<UserError>());
    crate::ui::error(&message, &causes, user.and_then(|u| u.hint.as_deref()));
    ExitCode::from(user.map_or(2, |u| u.code))
}

/// An error's own message: libgit2's without the `; class=Odb (9)` it appends.
fn describe(err: &(dyn std::error::Error + 'static)) -> String {
    match err.downcast_ref::<git2::Error>() {
        Some(e) => e.message().to_string(),
        None => err.to_string(),
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context as _;

    #[test]
    fn libgit2_errors_are_described_by_their_message_alone() {
        let e = git2::Error::new(git2::ErrorCode::GenericError, git2::ErrorClass::Odb, "boom");
        assert!(e.to_string().contains("class="));
        assert_eq!(describe(&e), "boom");
        let io = std::io::Error::other("disk");
        assert_eq!(describe(&io), "disk");
    }

    #[test]
    fn a_broken_pipe_anywhere_in_the_chain_is_success() {
        let pipe = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let err = anyhow::Error::from(pipe).context("writing to stdout");
        assert_eq!(report(&err), ExitCode::SUCCESS);
    }

    #[test]
    fn user_errors_keep_their_code_through_context() {
        let err: anyhow::Result<()> = Err(UserError::new("nope").code(1).into());
        let err = err.context("while checking").unwrap_err();
        assert_eq!(report(&err), ExitCode::from(1));
        assert_eq!(report(&anyhow::anyhow!("plain")), ExitCode::from(2));
        assert_eq!(report(&Interrupted.into()), ExitCode::from(130));
    }
}
