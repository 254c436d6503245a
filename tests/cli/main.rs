//! The integration tests: one binary, one module per command (jj's layout).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bad_input;
mod check;
mod common;
mod ecosystem;
mod init;
mod new;
mod pty;
mod reliability;
mod roundtrip;
mod show;
