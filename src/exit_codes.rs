//! coe's exit statuses, in one place: commands return one of these (or an error, which
//! `main` turns into one), and nothing else in coe spells an exit number.
//!
//! | status | code | when |
//! | --- | --- | --- |
//! | [`Success`](ExitStatus::Success) | 0 | the command did what was asked; `coe check` found no errors |
//! | [`Findings`](ExitStatus::Findings) | 1 | the input was read and found wanting: `coe check` errors, `coe close` of an incomplete COE, `coe actions --fail` with overdue actions |
//! | [`Usage`](ExitStatus::Usage) | 2 | a usage, configuration or input error: a bad flag, a bad `.coe.yaml`, an unreadable COE file or incident export, no repository |
//! | [`Internal`](ExitStatus::Internal) | 2 | a failure coe did not expect (a bug, or an I/O error such as a full disk); the message says "internal error" |
//! | [`Interrupted`](ExitStatus::Interrupted) | 130 | Ctrl-C or a signal during an interview; the draft is saved |
//!
//! Internal failures share code 2 with usage errors (the SPEC's contract is 0, 1, 2: CI
//! tells "findings" from "could not check"); the message tells them apart.

use std::process::ExitCode;

/// How a coe run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// The command did what was asked; `coe check` found no errors.
    Success,
    /// The input was read and found wanting (`coe check` errors and the like).
    Findings,
    /// A usage, configuration or input error the user can fix.
    Usage,
    /// A failure coe did not expect: a bug, or an I/O error outside coe's control.
    Internal,
    /// The user interrupted an interactive command.
    Interrupted,
}

impl ExitStatus {
    /// The process exit code.
    pub const fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Usage | ExitStatus::Internal => 2,
            ExitStatus::Interrupted => 130,
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        ExitCode::from(status.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_documented_ones() {
        let codes = [
            ExitStatus::Success,
            ExitStatus::Findings,
            ExitStatus::Usage,
            ExitStatus::Internal,
            ExitStatus::Interrupted,
        ]
        .map(ExitStatus::code);
        assert_eq!(codes, [0, 1, 2, 2, 130]);
        assert_eq!(ExitCode::from(ExitStatus::Success), ExitCode::SUCCESS);
    }
}
