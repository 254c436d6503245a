//! The integration tests: one binary, one module per command (jj's layout).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod demo;
mod init;
