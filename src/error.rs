//! Errors the user can act on, and how `main` reports any error: once, without `Debug`
//! output or a backtrace, with a hint where one helps, and with the exit status
//! [`classify`] gives it.

use std::fmt;

use crate::exit_codes::ExitStatus;

/// An error caused by the user's input or environment, with an optional hint.
#[derive(Debug)]
pub struct UserError {
    message: String,
    hint: Option<String>,
    status: ExitStatus,
}

impl UserError {
    /// A usage, configuration or input error ([`ExitStatus::Usage`]).
    pub fn new(message: impl Into<String>) -> Self {
        UserError {
            message: message.into(),
            hint: None,
            status: ExitStatus::Usage,
        }
    }

    /// The input was read and found wanting ([`ExitStatus::Findings`]), such as `coe close`
    /// of an incomplete COE.
    pub fn findings(message: impl Into<String>) -> Self {
        UserError {
            status: ExitStatus::Findings,
            ..UserError::new(message)
        }
    }

    /// Adds a hint ("run `coe init` first").
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
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

/// The exit status for an error: a [`UserError`] anywhere in the chain decides it; an
/// interrupt is [`ExitStatus::Interrupted`]; a broken pipe (`coe list | head`) is success;
/// anything else is a failure coe did not expect, [`ExitStatus::Internal`].
pub fn classify(err: &anyhow::Error) -> ExitStatus {
    if is_broken_pipe(err) {
        ExitStatus::Success
    } else if err.downcast_ref::<Interrupted>().is_some() {
        ExitStatus::Interrupted
    } else if let Some(user) = err.chain().find_map(|e| e.downcast_ref::<UserError>()) {
        user.status
    } else {
        ExitStatus::Internal
    }
}

/// The hint under an internal error (`error: internal error: ...`), so it is not mistaken
/// for a mistake of the user's.
pub const INTERNAL_HINT: &str = "coe did not expect this failure; unless it is a problem of \
     this machine (a full disk, permissions), please report it as a bug, with the command you ran";

/// What `main` says of an error: its message, its causes and a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report<'a> {
    /// `internal error: ...` for a failure coe did not expect.
    pub message: String,
    /// Each cause once.
    pub causes: Vec<String>,
    /// What to do about it.
    pub hint: Option<&'a str>,
}

/// The exit status for `err`, and what to print for it: nothing for a broken pipe or an
/// interrupt (whose note is already printed).
pub fn report(err: &anyhow::Error) -> (ExitStatus, Option<Report<'_>>) {
    let status = classify(err);
    if matches!(status, ExitStatus::Success | ExitStatus::Interrupted) {
        return (status, None);
    }
    let mut message = describe(err.as_ref());
    let mut causes: Vec<String> = Vec::new();
    for cause in err.chain().skip(1) {
        let cause = describe(cause);
        // Many errors repeat their source in their own message; say each thing once.
        if !message.contains(&cause) && !causes.iter().any(|c| c.contains(&cause)) {
            causes.push(cause);
        }
    }
    let environment = environment_problem(err);
    if status == ExitStatus::Internal && environment.is_none() {
        message = format!("internal error: {message}");
    }
    let hint = match status {
        ExitStatus::Internal => Some(environment.unwrap_or(INTERNAL_HINT)),
        _ => err
            .chain()
            .find_map(|e| e.downcast_ref::<UserError>())
            .and_then(|u| u.hint.as_deref()),
    };
    (
        status,
        Some(Report {
            message,
            causes,
            hint,
        }),
    )
}

/// An error's own message: libgit2's without the `; class=Odb (9)` it appends.
fn describe(err: &(dyn std::error::Error + 'static)) -> String {
    match err.downcast_ref::<git2::Error>() {
        Some(e) => e.message().to_string(),
        None => err.to_string(),
    }
}

/// When `err` is this machine's doing, not coe's (a full disk, a read-only file system,
/// a permission denied), what the person can do about it; the message already names the
/// path. The exit status stays 2, but it is not called a bug.
fn environment_problem(err: &anyhow::Error) -> Option<&'static str> {
    use std::io::ErrorKind::*;
    let io_kind = err
        .chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .map(std::io::Error::kind)
        .next();
    let git_text = err
        .chain()
        .filter_map(|e| e.downcast_ref::<git2::Error>())
        .map(|e| e.message().to_ascii_lowercase())
        .next()
        .unwrap_or_default();
    match io_kind {
        Some(StorageFull | QuotaExceeded) => Some(DISK_FULL),
        Some(ReadOnlyFilesystem) => Some(READ_ONLY),
        Some(PermissionDenied) => Some(PERMISSION),
        _ if git_text.contains("no space left") => Some(DISK_FULL),
        _ if git_text.contains("read-only file system") => Some(READ_ONLY),
        _ if git_text.contains("permission denied") => Some(PERMISSION),
        _ => None,
    }
}

const DISK_FULL: &str =
    "the disk is full: free some space (or raise the quota), then run the command again";
const READ_ONLY: &str = "that file system is mounted read-only: run coe where the files can \
     be written, or remount it read-write";
const PERMISSION: &str = "you may not write there: check the owner and permissions of that \
     path (`ls -l`), or run coe as the user who owns the repository";

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
    fn disk_full_read_only_and_permission_are_the_environment_not_a_bug() {
        for (kind, words) in [
            (std::io::ErrorKind::StorageFull, "disk is full"),
            (std::io::ErrorKind::ReadOnlyFilesystem, "read-only"),
            (std::io::ErrorKind::PermissionDenied, "permissions"),
        ] {
            let err =
                anyhow::Error::from(std::io::Error::from(kind)).context("writing coes/x.yaml");
            let (status, report) = report(&err);
            let report = report.unwrap();
            assert_eq!(status, ExitStatus::Internal);
            assert_eq!(report.message, "writing coes/x.yaml");
            assert!(report.hint.unwrap().contains(words), "{report:?}");
        }
        let other = anyhow::Error::from(std::io::Error::other("boom")).context("writing x");
        assert!(report(&other)
            .1
            .unwrap()
            .message
            .starts_with("internal error"));
    }

    #[test]
    fn a_broken_pipe_anywhere_in_the_chain_is_success() {
        let pipe = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let err = anyhow::Error::from(pipe).context("writing to stdout");
        assert_eq!(report(&err).0, ExitStatus::Success);
    }

    #[test]
    fn user_errors_keep_their_status_through_context() {
        let err: anyhow::Result<()> = Err(UserError::findings("nope").into());
        let err = err.context("while checking").unwrap_err();
        assert_eq!(classify(&err), ExitStatus::Findings);
        assert_eq!(report(&err).0, ExitStatus::Findings);
        let usage: anyhow::Error = UserError::new("bad flag").into();
        assert_eq!(classify(&usage), ExitStatus::Usage);
        assert_eq!(classify(&Interrupted.into()), ExitStatus::Interrupted);
    }

    #[test]
    fn an_unclassified_error_is_internal() {
        let io = std::io::Error::from(std::io::ErrorKind::StorageFull);
        let err = anyhow::Error::from(io).context("writing coes/x.yaml");
        assert_eq!(classify(&err), ExitStatus::Internal);
        assert_eq!(report(&err).0, ExitStatus::Internal);
    }
}
